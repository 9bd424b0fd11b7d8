"""Search backends: turn what someone typed into a ranked set of service ids.

A backend returns a SQL selectable with columns ``id`` (service id) and ``score`` (lower is
better) that the directory service joins with its filters, so filtering, counting and paging
stay in SQL whatever the backend. SQLite uses the FTS5 trigram index made by migration 0001;
PostgreSQL supplies its own backend (`PostgresSearch`) behind the same interface.
"""

from __future__ import annotations

import re
from typing import Protocol

from sqlalchemy import Float, Integer, Subquery, bindparam, text

from sp_desktop.db.engine import fold

# Column weights for bm25: a hit in the service name counts most, then categories and
# organisation name, then place, then description.
_BM25 = "bm25(service_fts, 10.0, 6.0, 1.0, 5.0, 3.0)"


def terms_of(query: str) -> list[str]:
    """Folded search words ("Café  Connect!" -> ["cafe", "connect"])."""
    return [t for t in re.split(r"[^\w£]+", fold(query)) if t]


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SearchBackend(Protocol):
    def matches(self, query: str) -> Subquery | None:
        """Selectable (id, score) of services matching every word, or None for "no query"."""
        ...


class SqliteSearch:
    """FTS5 trigram search. Words of 3+ characters use the index; 1-2 character words fall back
    to a prefix match on the service and organisation names (a trigram index cannot see them).

    Ranking is bounded so that a common word matching tens of thousands of services stays quick:
    the tiers come from FTS column filters (``name : "w"``) evaluated once as sets, not from a
    ``LIKE`` on every matching row, and counting uses the bare match without any ranking."""

    @staticmethod
    def _phrase(words: list[str]) -> str:
        return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)

    def _where(self, words: list[str], params: dict[str, str]) -> list[str]:
        long_words = [w for w in words if len(w) >= 3]
        short_words = [w for w in words if len(w) < 3]
        where: list[str] = []
        if long_words:
            params["q"] = self._phrase(long_words)
            where.append("service_fts MATCH :q")
        for i, w in enumerate(short_words):
            key = f"p{i}"
            params[key] = _like_escape(w) + "%"
            where.append(f"(name LIKE :{key} ESCAPE '\\' OR organisation LIKE :{key} ESCAPE '\\'"
                         f" OR name LIKE '% ' || :{key} ESCAPE '\\'"
                         f" OR organisation LIKE '% ' || :{key} ESCAPE '\\')")
        return where

    def matches(self, query: str) -> Subquery | None:
        words = terms_of(query)
        if not words:
            return None
        long_words = [w for w in words if len(w) >= 3]
        short_words = [w for w in words if len(w) < 3]
        params: dict[str, str] = {}
        where = self._where(words, params)
        # Tiers before bm25: people expect "Debt advice" above a long description that mentions
        # debt twice. 0 = service name starts with the first word, 1 = service name contains
        # every word, 2 = organisation name does, 3 = elsewhere. bm25 orders within a tier.
        params["first"] = _like_escape(words[0]) + "%"
        for i, w in enumerate(short_words):
            params[f"w{i}"] = "%" + _like_escape(w) + "%"
        short_name = "".join(f" AND name LIKE :w{i} ESCAPE '\\'" for i in range(len(short_words)))
        short_org = "".join(f" AND organisation LIKE :w{i} ESCAPE '\\'" for i in range(len(short_words)))
        if long_words:
            # Rows whose name (organisation) holds every long word: one indexed lookup each, as sets,
            # so the name text is read only for rows that can be in the top tiers.
            params["qname"] = "name : (" + self._phrase(long_words) + ")"
            params["qorg"] = "organisation : (" + self._phrase(long_words) + ")"
            in_name = "rowid IN (SELECT rowid FROM service_fts WHERE service_fts MATCH :qname)"
            in_org = "rowid IN (SELECT rowid FROM service_fts WHERE service_fts MATCH :qorg)"
        else:
            in_name = in_org = "1"
        if len(words[0]) >= 3:  # a name starting with the first word contains it: test the set first
            params["qfirst"] = "name : (" + self._phrase(words[:1]) + ")"
            starts = ("rowid IN (SELECT rowid FROM service_fts WHERE service_fts MATCH :qfirst)"
                      " AND name LIKE :first ESCAPE '\\'")
        else:
            starts = "name LIKE :first ESCAPE '\\'"
        tier = (f"(CASE WHEN {starts} THEN 0 WHEN {in_name}{short_name} THEN 1"
                f" WHEN {in_org}{short_org} THEN 2 ELSE 3 END)")
        score = f"({tier} * 1000.0 + {_BM25 if long_words else '0.0'})"
        sql = text(f"SELECT rowid AS id, {score} AS score FROM service_fts WHERE {' AND '.join(where)}")
        sql = sql.bindparams(*[bindparam(k, v) for k, v in params.items()])
        return sql.columns(id=Integer, score=Float).subquery("matches")

    def match_ids(self, query: str) -> Subquery | None:
        """The same services as `matches`, unranked (for counting): no bm25, no tiers."""
        words = terms_of(query)
        if not words:
            return None
        params: dict[str, str] = {}
        where = self._where(words, params)
        sql = text(f"SELECT rowid AS id FROM service_fts WHERE {' AND '.join(where)}")
        sql = sql.bindparams(*[bindparam(k, v) for k, v in params.items()])
        return sql.columns(id=Integer).subquery("match_ids")


def backend_for(dialect: str) -> SearchBackend:
    if dialect == "sqlite":
        return SqliteSearch()
    if dialect == "postgresql":
        from sp_desktop.db.search_pg import PostgresSearch

        return PostgresSearch()
    raise ValueError(f"No search backend for the {dialect} database.")
