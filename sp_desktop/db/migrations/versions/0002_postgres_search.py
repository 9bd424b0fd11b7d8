"""PostgreSQL search index and change notification (no-op on SQLite)

The same migration chain serves SQLite and PostgreSQL. On SQLite, 0001 already made the FTS5
trigram index; this revision does nothing there. On PostgreSQL it makes the equivalent:

- ``sp_fold(text)``: the same folding as the app's Python ``fold()`` (and SQLite's
  ``sp_fold``): Unicode NFKD, combining marks removed, lower case, ß -> ss. The list of
  combining marks is generated here from Python's ``unicodedata`` so that both back ends drop
  exactly the same characters. Lower-casing uses the ICU root collation when the server has
  ICU (every Debian/Ubuntu/EDB build does), else the database's own collation.
- ``service_search``: one row per service holding the same five folded texts as SQLite's
  ``service_fts`` (name, organisation, description, categories, place), their concatenation
  (``document``, with a pg_trgm GIN index so ``LIKE '%word%'`` is an index search) and the
  trigram count (the document length bm25 needs). Kept in sync by triggers that mirror 0001's
  SQLite triggers one for one.
- ``sp_count(haystack, needle)``: overlapping substring count (FTS5's phrase frequency).
- ``sp_notify_change()``: a statement trigger on every table that sends
  ``NOTIFY sp_desktop_changes, '<table>'`` so other PCs refresh what they show (delivered at
  commit; PostgreSQL folds duplicates within a transaction). A table added by a later
  migration gets the same one-line trigger (see ``notify_trigger_sql``).

Needs PostgreSQL 13 or newer (``normalize()``), a UTF8 database and the ``pg_trgm`` extension
(a trusted extension: the database owner may create it, no superuser needed).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""
from __future__ import annotations

import unicodedata

from alembic import op
from sqlalchemy import text

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

NOTIFY_CHANNEL = "sp_desktop_changes"

# Every table that existed at revision 0002 (all of models.py at the time).
_TABLES = [
    "category", "setting", "staff", "vetting_check_item", "audit_event", "organisation", "signposting",
    "contact_event", "location", "service", "contact", "contact_event_staff", "schedule",
    "service_at_location", "service_category", "signposting_item", "trust_note", "vetting_evidence",
    "contact_event_person", "phone", "signposting_reason",
]


def _combining_class() -> str:
    """A regex character class of every code point Python's unicodedata calls combining."""
    ranges: list[list[int]] = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        if unicodedata.combining(chr(cp)):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    return "[" + "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges) + "]"


def notify_trigger_sql(table: str) -> str:
    return (f"CREATE TRIGGER {table}_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION sp_notify_change()")


_REFRESH_FUNCTION = """
CREATE FUNCTION sp_refresh_service_search(ids integer[]) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    -- Lock the services first, in id order, so that two transactions refreshing the same
    -- service (say a category rename and an edit of the service) take turns, and the second
    -- one's next statement sees the first one's committed text (READ COMMITTED re-snapshots
    -- per statement).
    PERFORM 1 FROM service WHERE id = ANY(ids) ORDER BY id FOR UPDATE;
    INSERT INTO service_search (service_id, name, organisation, description, categories, place,
                                document, ntokens)
    SELECT service_id, name, organisation, description, categories, place,
           name || ' ' || organisation || ' ' || description || ' ' || categories || ' ' || place,
           greatest(char_length(name) - 2, 0) + greatest(char_length(organisation) - 2, 0)
           + greatest(char_length(description) - 2, 0) + greatest(char_length(categories) - 2, 0)
           + greatest(char_length(place) - 2, 0)
    FROM service_search_source WHERE service_id = ANY(ids)
    ON CONFLICT (service_id) DO UPDATE SET
        name = EXCLUDED.name, organisation = EXCLUDED.organisation,
        description = EXCLUDED.description, categories = EXCLUDED.categories, place = EXCLUDED.place,
        document = EXCLUDED.document, ntokens = EXCLUDED.ntokens;
    DELETE FROM service_search ss WHERE ss.service_id = ANY(ids)
        AND NOT EXISTS (SELECT 1 FROM service s WHERE s.id = ss.service_id);
END $$
"""

# (trigger name, table, event, ids expression) — one for one with 0001's SQLite triggers.
_TRIGGERS = [
    ("service_search_ai", "service", "AFTER INSERT", "ARRAY[NEW.id]"),
    ("service_search_au", "service", "AFTER UPDATE", "ARRAY[NEW.id]"),
    ("service_search_ad", "service", "AFTER DELETE", "ARRAY[OLD.id]"),
    ("service_search_org_au", "organisation", "AFTER UPDATE OF name, alternate_name, description",
     "ARRAY(SELECT id FROM service WHERE organisation_id = NEW.id)"),
    ("service_search_sc_ai", "service_category", "AFTER INSERT", "ARRAY[NEW.service_id]"),
    ("service_search_sc_ad", "service_category", "AFTER DELETE", "ARRAY[OLD.service_id]"),
    ("service_search_cat_au", "category", "AFTER UPDATE OF name",
     "ARRAY(SELECT service_id FROM service_category WHERE category_id = NEW.id)"),
    ("service_search_sal_ai", "service_at_location", "AFTER INSERT", "ARRAY[NEW.service_id]"),
    ("service_search_sal_ad", "service_at_location", "AFTER DELETE", "ARRAY[OLD.service_id]"),
    ("service_search_loc_au", "location", "AFTER UPDATE OF town, postcode, name",
     "ARRAY(SELECT service_id FROM service_at_location WHERE location_id = NEW.id)"),
]


def _check_server() -> None:
    bind = op.get_bind()
    if bind.dialect.server_version_info and bind.dialect.server_version_info < (13,):
        version = ".".join(str(x) for x in bind.dialect.server_version_info)
        raise RuntimeError(f"sp_desktop needs PostgreSQL 13 or newer; this server is {version}. "
                           "Upgrade the server, then start sp_desktop again.")
    encoding = bind.execute(text("SELECT pg_encoding_to_char(encoding) FROM pg_database "
                                 "WHERE datname = current_database()")).scalar()
    if encoding != "UTF8":
        raise RuntimeError(f"The database uses the {encoding} encoding; sp_desktop needs UTF8. "
                           "Create it with CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0 "
                           "(see the administrator guide, docs/administrator-guide.md).")
    available = bind.execute(text("SELECT count(*) FROM pg_available_extensions"
                                  " WHERE name = 'pg_trgm'")).scalar()
    if not available:
        raise RuntimeError("The PostgreSQL server does not have the pg_trgm extension, which search "
                           "needs. Install the server's contrib package (e.g. postgresql-contrib), "
                           "then start again.")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    _check_server()
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    icu = bind.execute(text("SELECT count(*) FROM pg_collation WHERE collname = 'und-x-icu'")).scalar()
    collate = ' COLLATE "und-x-icu"' if icu else ""
    marks = _combining_class().replace("'", "''")
    op.execute(f"""
        CREATE FUNCTION sp_fold(t text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT replace(replace(replace(
                lower(regexp_replace(normalize(coalesce(t, ''), NFKD), '{marks}', '', 'g'){collate}),
                'ß', 'ss'), 'ẞ', 'ss'), 'ς', 'σ')
        $$""")
    op.execute("""
        CREATE FUNCTION sp_count(haystack text, needle text) RETURNS integer
        LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
        DECLARE
            n integer := 0;
            start integer := 1;
            pos integer;
        BEGIN
            IF needle = '' THEN
                RETURN 0;
            END IF;
            LOOP
                pos := strpos(substr(haystack, start), needle);
                EXIT WHEN pos = 0;
                n := n + 1;
                start := start + pos;
            END LOOP;
            RETURN n;
        END $$""")
    op.execute("""
        CREATE VIEW service_search_source AS
        SELECT s.id AS service_id,
               sp_fold(s.name || ' ' || coalesce(s.alternate_name, '')) AS name,
               sp_fold(o.name || ' ' || coalesce(o.alternate_name, '')) AS organisation,
               sp_fold(coalesce(s.description, '') || ' ' || coalesce(s.eligibility, '') || ' '
                       || coalesce(o.description, '')) AS description,
               sp_fold(coalesce((SELECT string_agg(c.name, ' ') FROM service_category sc
                                 JOIN category c ON c.id = sc.category_id
                                 WHERE sc.service_id = s.id), '')) AS categories,
               sp_fold(coalesce((SELECT string_agg(coalesce(l.town, '') || ' ' || coalesce(l.postcode, '')
                                                   || ' ' || coalesce(l.name, ''), ' ')
                                 FROM service_at_location sal JOIN location l ON l.id = sal.location_id
                                 WHERE sal.service_id = s.id), '') || ' ' || coalesce(s.service_area, ''))
                   AS place
        FROM service s JOIN organisation o ON o.id = s.organisation_id""")
    op.execute("""
        CREATE TABLE service_search (
            service_id integer PRIMARY KEY,
            name text NOT NULL,
            organisation text NOT NULL,
            description text NOT NULL,
            categories text NOT NULL,
            place text NOT NULL,
            document text NOT NULL,
            ntokens integer NOT NULL
        )""")
    op.execute("CREATE INDEX ix_service_search_document ON service_search USING gin (document gin_trgm_ops)")
    op.execute(_REFRESH_FUNCTION)
    for name, table, event, ids in _TRIGGERS:
        op.execute(f"""
            CREATE FUNCTION {name}_fn() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM sp_refresh_service_search({ids});
                RETURN NULL;
            END $$""")
        op.execute(f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}_fn()")
    op.execute("SELECT sp_refresh_service_search(ARRAY(SELECT id FROM service))")

    op.execute(f"""
        CREATE FUNCTION sp_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{NOTIFY_CHANNEL}', TG_TABLE_NAME);
            RETURN NULL;
        END $$""")
    for table in _TABLES:
        op.execute(notify_trigger_sql(table))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_notify ON {table}")
    op.execute("DROP FUNCTION IF EXISTS sp_notify_change()")
    for name, table, _event, _ids in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {name}_fn()")
    op.execute("DROP FUNCTION IF EXISTS sp_refresh_service_search(integer[])")
    op.execute("DROP TABLE IF EXISTS service_search")
    op.execute("DROP VIEW IF EXISTS service_search_source")
    op.execute("DROP FUNCTION IF EXISTS sp_count(text, text)")
    op.execute("DROP FUNCTION IF EXISTS sp_fold(text)")
