"""SQLite: the Directory's result list and a word-prefix index beside the search index (no-op on PostgreSQL)

Search at 50,000 services spent its time joining every match of a common word to ``service``
and ``organisation`` for the filters and the ranking tiers, and scanning every name for one- and
two-letter words (a trigram index cannot see them). This revision adds, on SQLite only:

- ``service_fts_listing``: one row per service with what the Directory's result list shows
  (name, organisation, categories, town, cost, access, status, vetting, last verified), what
  its filters test (archived, statuses, free, access routes, ages, organisation) and the folded
  service and organisation names the ranking tiers compare (the same text as ``service_fts``'s
  ``name`` and ``organisation`` columns). A match costs one lookup in a small table instead of
  joins, and the page of results is read from the same rows. ``shown`` says whether the
  Directory lists the service without filters (not archived, active, organisation not closed);
  a partial index holds the few that it does not, so matches can be counted as "all matches
  less the hidden ones" without reading the listing.
- ``service_fts_prefix``: the first one and first two letters of every space-separated word of
  those folded names, one row per (prefix, service), so "d" or "de" is an index lookup. This is
  exactly what the old ``name LIKE 'de%' OR name LIKE '% de%'`` (and the same for the
  organisation) matched.

Both are kept by triggers mirroring 0001's, plus the organisation's status, vetting status and
archiving and the service's own listed columns; ``service_fts_listing_source`` is the view they
are built from. PostgreSQL's search (0002) does not use them: nothing changes there.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""
from __future__ import annotations

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_COLUMNS = ("id, shown, name, organisation, archived, status, organisation_status, vetting_status, is_free,"
            " access_self_referral, access_professional_referral, access_drop_in, access_appointment,"
            " min_age, max_age, organisation_id, service_name, organisation_name, categories, town,"
            " fee_description, last_verified_on, by_phone, online")

# Every space-separated word of the folded names as JSON array elements (json_quote escapes the
# text, so the only spaces left are the separators), then its first one and first two letters.
_PREFIXES = ("INSERT OR IGNORE INTO service_fts_prefix (prefix, service_id)"
             " SELECT substr(w.value, 1, n.n), l.id FROM service_fts_listing AS l,"
             " json_each('[' || replace(json_quote(l.name || ' ' || l.organisation), ' ', '\",\"')"
             " || ']') AS w, (SELECT 1 AS n UNION ALL SELECT 2) AS n"
             " WHERE w.value <> ''{where}")

_LISTING = ("DELETE FROM service_fts_listing WHERE id IN ({ids});"
            f" INSERT INTO service_fts_listing ({_COLUMNS}) SELECT {_COLUMNS} FROM service_fts_listing_source"
            " WHERE id IN ({ids});")
_WORDS = ("DELETE FROM service_fts_prefix WHERE service_id IN ({ids}); "
          + _PREFIXES.format(where=" AND l.id IN ({ids})") + ";")
# A service not added yet (an import adds its venues and categories first) has nothing to refresh.
_ADDED = "EXISTS (SELECT 1 FROM service WHERE id = {})"

# (trigger, table, event, only when, ids of the services to refresh, whether names may change)
_TRIGGERS = [
    ("service_fts_listing_ai", "service", "AFTER INSERT", None, "NEW.id", True),
    ("service_fts_listing_au", "service",
     "AFTER UPDATE OF id, name, alternate_name, organisation_id, status, archived_at, is_free,"
     " access_self_referral, access_professional_referral, access_drop_in, access_appointment,"
     " min_age, max_age, fee_description, last_verified_on, by_phone, online", None, "OLD.id, NEW.id", True),
    ("service_fts_listing_org_au", "organisation",
     "AFTER UPDATE OF name, alternate_name, status, vetting_status, archived_at", None,
     "SELECT id FROM service WHERE organisation_id = NEW.id", True),
    ("service_fts_listing_sc_ai", "service_category", "AFTER INSERT", _ADDED.format("NEW.service_id"),
     "NEW.service_id", False),
    ("service_fts_listing_sc_ad", "service_category", "AFTER DELETE", _ADDED.format("OLD.service_id"),
     "OLD.service_id", False),
    ("service_fts_listing_cat_au", "category", "AFTER UPDATE OF name", None,
     "SELECT service_id FROM service_category WHERE category_id = NEW.id", False),
    ("service_fts_listing_sal_ai", "service_at_location", "AFTER INSERT", _ADDED.format("NEW.service_id"),
     "NEW.service_id", False),
    ("service_fts_listing_sal_ad", "service_at_location", "AFTER DELETE", _ADDED.format("OLD.service_id"),
     "OLD.service_id", False),
    ("service_fts_listing_loc_au", "location", "AFTER UPDATE OF town", None,
     "SELECT service_id FROM service_at_location WHERE location_id = NEW.id", False),
]


def _trigger(name: str, table: str, event: str, when: str | None, ids: str, names: bool) -> str:
    body = _LISTING.format(ids=ids) + (" " + _WORDS.format(ids=ids) if names else "")
    return f"CREATE TRIGGER {name} {event} ON {table}{f' WHEN {when}' if when else ''} BEGIN {body} END"


SQLITE_LISTING = [
    # name and organisation: exactly as service_search_source (0001) folds them for service_fts
    """
    CREATE VIEW service_fts_listing_source AS
    SELECT s.id AS id,
           (s.archived_at IS NULL AND o.archived_at IS NULL AND s.status = 'active'
            AND o.status <> 'closed') AS shown,
           sp_fold(s.name || ' ' || coalesce(s.alternate_name, '')) AS name,
           sp_fold(o.name || ' ' || coalesce(o.alternate_name, '')) AS organisation,
           (s.archived_at IS NOT NULL OR o.archived_at IS NOT NULL) AS archived,
           s.status AS status,
           o.status AS organisation_status,
           o.vetting_status AS vetting_status,
           s.is_free AS is_free,
           s.access_self_referral AS access_self_referral,
           s.access_professional_referral AS access_professional_referral,
           s.access_drop_in AS access_drop_in,
           s.access_appointment AS access_appointment,
           s.min_age AS min_age,
           s.max_age AS max_age,
           s.organisation_id AS organisation_id,
           s.name AS service_name,
           o.name AS organisation_name,
           (SELECT group_concat(c_name, ', ') FROM (
                SELECT c.name AS c_name FROM service_category sc JOIN category c ON c.id = sc.category_id
                WHERE sc.service_id = s.id ORDER BY sc.category_id)) AS categories,
           (SELECT min(l.town) FROM service_at_location sal JOIN location l ON l.id = sal.location_id
            WHERE sal.service_id = s.id) AS town,
           s.fee_description AS fee_description,
           s.last_verified_on AS last_verified_on,
           s.by_phone AS by_phone,
           s.online AS online
    FROM service s JOIN organisation o ON o.id = s.organisation_id
    """,
    # the columns a match is tested on first, the displayed ones after
    """
    CREATE TABLE service_fts_listing (
        id INTEGER PRIMARY KEY,
        shown BOOLEAN,
        name TEXT,
        organisation TEXT,
        archived BOOLEAN,
        status VARCHAR(32),
        organisation_status VARCHAR(32),
        vetting_status VARCHAR(32),
        is_free BOOLEAN,
        access_self_referral BOOLEAN,
        access_professional_referral BOOLEAN,
        access_drop_in BOOLEAN,
        access_appointment BOOLEAN,
        min_age INTEGER,
        max_age INTEGER,
        organisation_id INTEGER,
        service_name VARCHAR(300),
        organisation_name VARCHAR(300),
        categories TEXT,
        town VARCHAR(120),
        fee_description TEXT,
        last_verified_on DATE,
        by_phone BOOLEAN,
        online BOOLEAN
    )""",
    # the few services not shown without filters (an index on `shown` itself would be picked
    # over better ones, and read nearly every row)
    "CREATE INDEX ix_service_fts_listing_hidden ON service_fts_listing (id) WHERE shown IS 0",
    "CREATE INDEX ix_service_fts_listing_name ON service_fts_listing (name)",
    "CREATE INDEX ix_service_fts_listing_sort ON service_fts_listing (lower(service_name))",
    """
    CREATE TABLE service_fts_prefix (
        prefix TEXT NOT NULL,
        service_id INTEGER NOT NULL,
        PRIMARY KEY (prefix, service_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX ix_service_fts_prefix_service ON service_fts_prefix (service_id)",
    *(_trigger(*trigger) for trigger in _TRIGGERS),
    "CREATE TRIGGER service_fts_listing_ad AFTER DELETE ON service BEGIN"
    " DELETE FROM service_fts_prefix WHERE service_id = OLD.id;"
    " DELETE FROM service_fts_listing WHERE id = OLD.id; END",
    # what is there already
    f"INSERT INTO service_fts_listing ({_COLUMNS}) SELECT {_COLUMNS} FROM service_fts_listing_source",
    _PREFIXES.format(where=""),
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in SQLITE_LISTING:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, *_ in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TRIGGER IF EXISTS service_fts_listing_ad")
    op.execute("DROP TABLE IF EXISTS service_fts_prefix")
    op.execute("DROP TABLE IF EXISTS service_fts_listing")
    op.execute("DROP VIEW IF EXISTS service_fts_listing_source")
