"""Search backends: turn what someone typed into a ranked page of services.

Both back ends rank the same way (see docs/architecture.md): tiers first — 0 = the
service name starts with the first word, 1 = the service name contains every word, 2 = the
organisation name does, 3 = elsewhere — then FTS5's bm25 within a tier, then the service name.
Words of 3+ characters must occur somewhere in the service's text (trigram substring match);
1-2 character words must start a word of the service or organisation name.

SQLite (`SqliteSearch`) uses the FTS5 trigram index made by migration 0001 and two tables made
by 0003 and kept by triggers: ``service_fts_listing``, one row per service with what the
filters test, the folded names the tiers compare and what the result list shows, and
``service_fts_prefix``, the first one and two letters of every word of those names (so "d" is
an index lookup, not a scan of every name). It takes the filters as conditions on the listing
and ranks the page itself: a match costs a lookup in the listing instead of joins, bm25 (the
costly part) is computed only for the tiers that fill the page, and with the default filters
the matches are counted without reading the listing at all.

PostgreSQL (`PostgresSearch`, in search_pg) returns a selectable of (id, score) that the
directory service joins with its own filters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Date,
    Float,
    Integer,
    MetaData,
    String,
    Subquery,
    Table,
    Text,
    and_,
    case,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session

from sp_desktop.db.engine import fold
from sp_desktop.db.models import enum_column
from sp_desktop.db.search_terms import Group, group_words
from sp_desktop.domain.enums import OrganisationStatus, ServiceStatus, VettingStatus

if TYPE_CHECKING:
    from sp_desktop.db.search_pg import PostgresSearch

# Column weights for bm25: a hit in the service name counts most, then categories and
# organisation name, then place, then description.
_BM25 = "bm25(service_fts, 10.0, 6.0, 1.0, 5.0, 3.0)"

# Migration 0003's tables (SQLite only; not part of the models, so never copied by migrate-to).
_SQLITE_ONLY = MetaData()
LISTING = Table(
    "service_fts_listing", _SQLITE_ONLY,
    Column("id", Integer, primary_key=True),  # the service's id
    Column("shown", Boolean),  # listed without filters: not archived, active, organisation not closed
    Column("name", Text),  # folded service name and other name, as service_fts.name
    Column("organisation", Text),  # folded organisation name and other name
    Column("archived", Boolean),  # the service or its organisation is archived
    Column("status", enum_column(ServiceStatus)),
    Column("organisation_status", enum_column(OrganisationStatus)),
    Column("vetting_status", enum_column(VettingStatus)),
    Column("is_free", Boolean),
    Column("access_self_referral", Boolean),
    Column("access_professional_referral", Boolean),
    Column("access_drop_in", Boolean),
    Column("access_appointment", Boolean),
    Column("min_age", Integer),
    Column("max_age", Integer),
    Column("organisation_id", Integer),
    Column("service_name", String(300)),
    Column("organisation_name", String(300)),
    Column("categories", Text),  # "A, B" in category id order
    Column("town", String(120)),  # the first of its venues' towns
    Column("fee_description", Text),
    Column("last_verified_on", Date),
    Column("by_phone", Boolean),
    Column("online", Boolean),
)
PREFIX = Table(
    "service_fts_prefix", _SQLITE_ONLY,
    Column("prefix", Text, primary_key=True),
    Column("service_id", Integer, primary_key=True),
)
_FTS = table("service_fts", column("rowid", Integer))

# Fill the listing and prefix tables from scratch, for a bulk load that dropped the triggers
# (the benchmark's generator does); the migration's triggers keep them in step otherwise.
SQLITE_LISTING_REBUILD = (
    "DELETE FROM service_fts_prefix",
    "DELETE FROM service_fts_listing",
    f"INSERT INTO service_fts_listing ({', '.join(LISTING.c.keys())})"
    f" SELECT {', '.join(LISTING.c.keys())} FROM service_fts_listing_source",
    "INSERT OR IGNORE INTO service_fts_prefix (prefix, service_id)"
    " SELECT substr(w.value, 1, n.n), l.id FROM service_fts_listing AS l,"
    " json_each('[' || replace(json_quote(l.name || ' ' || l.organisation), ' ', '\",\"') || ']') AS w,"
    " (SELECT 1 AS n UNION ALL SELECT 2) AS n WHERE w.value <> ''",
)


# What the search-index triggers of migrations 0001 and 0003 do when a service, its categories
# and its venues are inserted, for a whole range of new service ids at once (an import gives its
# new services consecutive ids): the FTS5 row, the listing row and the name prefixes, built from
# the same views with the same statements the triggers run row by row.
_RANGE = "BETWEEN :first AND :last"
SQLITE_INDEX_NEW_SERVICES = (
    f"DELETE FROM service_fts WHERE rowid {_RANGE}",
    "INSERT INTO service_fts(rowid, name, organisation, description, categories, place)"
    " SELECT service_id, name, organisation, description, categories, place FROM service_search_source"
    f" WHERE service_id {_RANGE}",
    f"DELETE FROM service_fts_listing WHERE id {_RANGE}",
    f"INSERT INTO service_fts_listing ({', '.join(LISTING.c.keys())})"
    f" SELECT {', '.join(LISTING.c.keys())} FROM service_fts_listing_source WHERE id {_RANGE}",
    f"DELETE FROM service_fts_prefix WHERE service_id {_RANGE}",
    SQLITE_LISTING_REBUILD[3] + f" AND l.id {_RANGE}",
)
# The triggers that work row by row while services, their categories and their venues are
# inserted (the update and delete triggers stay: a bulk insert fires none of them).
SQLITE_INSERT_TRIGGERS = ("service_fts_ai", "service_fts_listing_ai", "service_fts_sc_ai",
                          "service_fts_listing_sc_ai", "service_fts_sal_ai", "service_fts_listing_sal_ai")


@contextmanager
def sqlite_bulk_index(s: Session, first: int, last: int) -> Iterator[None]:
    """Inside a write transaction on SQLite: insert services with ids `first`..`last` (and their
    categories and venues) in the block without the per-row index triggers, then index them in
    one statement per table and put the triggers back exactly as they were (their stored SQL).

    Dropping a trigger is part of the transaction: if anything fails before the commit, the
    rollback brings back the triggers, the tables and the index together. Nothing else may insert
    services, categories or venues in the block (only the services `first`..`last` are indexed)."""
    triggers = s.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ("
             + ", ".join(f"'{n}'" for n in SQLITE_INSERT_TRIGGERS) + ") ORDER BY name")).all()
    for name, _sql in triggers:
        s.connection().exec_driver_sql(f'DROP TRIGGER "{name}"')
    yield
    if last >= first:
        for statement in SQLITE_INDEX_NEW_SERVICES:
            s.execute(text(statement), {"first": first, "last": last})
    for _name, sql in triggers:
        s.connection().exec_driver_sql(sql)


def terms_of(query: str) -> list[str]:
    """Folded search words ("Café  Connect!" -> ["cafe", "connect"])."""
    return [t for t in re.split(r"[^\w£]+", fold(query)) if t]


@dataclass(frozen=True)
class RankedPage:
    """The best services for a query: `rows` selects their (id, k1, k2), to be ordered by k1,
    k2, id (None when nothing matches); `total` counts every match."""

    rows: Subquery | None
    total: int


def _starting_with(col: ColumnElement[Any], word: str) -> ColumnElement[bool]:
    """`col` starts with `word`, as a range the index on the column can answer (text compares
    by code point, so the strings starting with "de" are those from "de" up to, not including,
    "df")."""
    last = ord(word[-1])
    if last >= 0x10FFFF or 0xD7FF <= last < 0xE000:  # no next code point to stop at
        return func.substr(col, 1, len(word)) == word
    return and_(col >= word, col < word[:-1] + chr(last + 1))


class SqliteSearch:
    """FTS5 trigram search over the listing table (see the module docstring).

    When the services whose name starts with the first word fill the page (at 50,000 services
    "debt", "lon" or "c" fill a page of 1,000), they come from the index on the folded name and
    only they are scored; the other matches are just counted. Otherwise a first pass counts the
    matches in tiers 0, 0-1 and 0-2 from the listing, and the second scores only the tiers that
    fill the page ("support": its 3,300 services with "support" in their name, not all 32,000
    matches)."""

    @staticmethod
    def _phrase(words: Sequence[str]) -> str:
        return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)

    @staticmethod
    def _expression(groups: Sequence[Group], joiner: str = " AND ") -> str:
        """The FTS5 query: each group's alternatives joined by OR, the groups by `joiner`."""
        return joiner.join("(" + " OR ".join('"' + a.replace('"', '""') + '"' for a in g.alternatives) + ")"
                           for g in groups)

    @staticmethod
    def _count(s: Session, source: Any, ids: ColumnElement[Any], match: list[ColumnElement[bool]],
               conditions: Sequence[ColumnElement[bool]], hidden: ColumnElement[bool] | None) -> int:
        """How many rows of `source` meet `match` and the listing `conditions`: with `hidden`,
        those meeting `match` less those among them that are hidden (`ids` tested against the
        hidden set, a few ids from an index), so the listing itself is never read."""
        if hidden is None:
            return int(s.scalar(select(func.count()).select_from(source).where(*match, *conditions)) or 0)
        hidden_ids = ids.in_(select(LISTING.c.id).where(hidden))
        n = s.execute(select(func.count(), func.total(hidden_ids)).select_from(source).where(*match)).one()
        return int(n[0] - n[1])

    def page(self, s: Session, groups: Sequence[Group], conditions: Sequence[ColumnElement[bool]], limit: int,
             hidden: ColumnElement[bool] | None = None, every: bool = True) -> RankedPage | None:
        """The best `limit` services matching `groups` (see search_terms) among listing rows
        meeting `conditions` (conditions on `LISTING`), or None when there are no groups.
        `hidden`, if given, picks out through an index exactly the rows the conditions leave out
        (few): the matches are then counted without reading the listing, as all matches less the
        hidden ones. With `every` false, the closest matches: services answering any of the
        groups of 3+ characters, those answering most of them first."""
        if not groups:
            return None
        words = group_words(groups)
        lst = LISTING
        long_groups = [g for g in groups if not g.short]
        # "de" before "d"
        short_words = sorted({g.typed for g in groups if g.short}, key=lambda w: (-len(w), w))
        if not every:
            if not long_groups:
                return RankedPage(None, 0)
            short_words = []

        # The matches, from the FTS index or (short words only) the prefix index; the short words
        # are tested before the listing row is read.
        match: list[ColumnElement[bool]]
        driver: Any
        driver_id: ColumnElement[Any]
        if long_groups:  # each short word: an index lookup for each row FTS5 finds
            # "+": the rowid is tested on each row FTS5 finds, never used to look rows up (which
            # would run the MATCH once per id)
            driver, driver_id = _FTS, literal_column("+service_fts.rowid")
            expression = self._expression(long_groups, " AND " if every else " OR ")
            match = [literal_column("service_fts").op("MATCH")(expression),
                     *(exists().where(PREFIX.c.prefix == w, PREFIX.c.service_id == _FTS.c.rowid)
                       for w in short_words)]
        else:  # the longest short word picks the rows (an index range), the others are sets of ids
            driver = PREFIX.alias("p")
            driver_id = driver.c.service_id
            match = [driver.c.prefix == short_words[0],
                     *(driver_id.in_(select(PREFIX.c.service_id).where(PREFIX.c.prefix == w))
                       for w in short_words[1:])]
        source = driver.join(lst, lst.c.id == (_FTS.c.rowid if long_groups else driver.c.service_id))
        where = [*conditions, *match]

        def contains(col: ColumnElement[Any], g: Group) -> ColumnElement[bool]:
            return or_(*(func.instr(col, a) > 0 for a in (g.alternatives or (g.typed,))))

        starts = _starting_with(lst.c.name, words[0])
        in_name = and_(*(contains(lst.c.name, g) for g in groups))
        in_org = and_(*(contains(lst.c.organisation, g) for g in groups))
        # Suspended and declined organisations' services come last; approved ones first in a tier.
        below = lst.c.vetting_status.in_([VettingStatus.SUSPENDED, VettingStatus.DECLINED])
        shown_first = ~below
        tier = case((below, 4), (starts, 0), (in_name, 1), (in_org, 2), else_=3)
        approved = case((lst.c.vetting_status == VettingStatus.APPROVED, 0), else_=1)
        major: ColumnElement[Any] = tier * 2 + approved
        if not every:  # most groups answered first
            answered = sum((case((driver_id.in_(text(
                "SELECT rowid FROM service_fts WHERE service_fts MATCH :g" + str(i)).bindparams(
                    **{f"g{i}": self._expression([g])}).columns(column("rowid", Integer))), 1), else_=0)
                for i, g in enumerate(long_groups)), literal_column("0", Integer))
            major = case((below, 1000), else_=0) + (len(long_groups) - answered) * 10 + major
        up_to = [and_(shown_first, starts), and_(shown_first, or_(starts, in_name)),  # in tier 0, 0-1, 0-2
                 and_(shown_first, or_(starts, in_name, in_org))]
        score: ColumnElement[Any] = major * 1000.0 + literal_column(_BM25, Float) if long_groups else major

        def ranked(source: Any, where: list[ColumnElement[bool]]) -> Subquery:
            return (select(lst.c.id, score.label("k1"), lst.c.service_name.label("k2"))
                    .select_from(source).where(*where)
                    .order_by(score, lst.c.service_name, lst.c.id).limit(limit).subquery("page"))

        if not every:
            total = self._count(s, source, driver_id, match, conditions, None)
            return RankedPage(ranked(source, where) if total else None, total)

        # Tier 0 straight from the index on the folded name when it fills the page. A service
        # whose name starts with the first word matches that word; if the other words are short,
        # their prefixes are looked up, so the index count is the exact size of tier 0.
        others = [exists().where(PREFIX.c.prefix == w, PREFIX.c.service_id == lst.c.id)  # a probe per row
                  for w in short_words if w != words[0]]
        tier0 = [starts, shown_first, *others]
        only_first = long_groups in ([], list(groups[:1]))
        if only_first and self._count(s, lst, lst.c.id, tier0, conditions, hidden) >= limit:
            total = self._count(s, source if hidden is None else driver, driver_id, match, conditions, hidden)
            if long_groups:
                # FTS5 runs the MATCH once and each row is tested against tier 0 (a set of ids from
                # the index) before anything else: bm25 and the rest only for tier 0.
                first = driver_id.in_(select(lst.c.id).where(starts, shown_first))
                return RankedPage(ranked(source, [match[0], first, *match[1:], *conditions]), total)
            return RankedPage(ranked(lst, [*conditions, starts, shown_first, *others]), total)

        # The tier of each match once (a subquery with LIMIT is not flattened into the aggregate).
        tiers = select(tier.label("t")).select_from(source).where(*where).limit(-1).subquery("tiers")
        n = s.execute(select(func.count(), *(func.total(tiers.c.t <= t) for t in range(3)))).one()
        if n[0] == 0:
            return RankedPage(None, 0)
        top = next((t for t in range(3) if n[1 + t] >= limit), 3)  # the tiers the page needs
        if top == 0 and long_groups:  # as above: tier 0 is a set of ids from the index
            first = driver_id.in_(select(lst.c.id).where(starts, shown_first))
            return RankedPage(ranked(source, [match[0], first, *match[1:], *conditions]), int(n[0]))
        return RankedPage(ranked(source, where if top == 3 else [*where, up_to[top]]), int(n[0]))


def backend_for(dialect: str) -> SqliteSearch | PostgresSearch:
    if dialect == "sqlite":
        return SqliteSearch()
    if dialect == "postgresql":
        from sp_desktop.db.search_pg import PostgresSearch

        return PostgresSearch()
    raise ValueError(f"No search backend for the {dialect} database.")
