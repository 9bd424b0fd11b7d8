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
    to a prefix match on the service and organisation names (a trigram index cannot see them)."""

    def matches(self, query: str) -> Subquery | None:
        words = terms_of(query)
        if not words:
            return None
        long_words = [w for w in words if len(w) >= 3]
        short_words = [w for w in words if len(w) < 3]
        params: dict[str, str] = {}
        where: list[str] = []
        if long_words:
            params["q"] = " AND ".join('"' + w.replace('"', '""') + '"' for w in long_words)
            where.append("service_fts MATCH :q")
        for i, w in enumerate(short_words):
            key = f"p{i}"
            params[key] = _like_escape(w) + "%"
            where.append(f"(name LIKE :{key} ESCAPE '\\' OR organisation LIKE :{key} ESCAPE '\\'"
                         f" OR name LIKE '% ' || :{key} ESCAPE '\\' OR organisation LIKE '% ' || :{key} ESCAPE '\\')")
        # Tiers before bm25: people expect "Debt advice" above a long description that mentions
        # debt twice. 0 = service name starts with the first word, 1 = service name contains
        # every word, 2 = organisation name does, 3 = elsewhere. bm25 orders within a tier.
        params["first"] = _like_escape(words[0]) + "%"
        name_all = " AND ".join(f"name LIKE :w{i} ESCAPE '\\'" for i in range(len(words)))
        org_all = " AND ".join(f"organisation LIKE :w{i} ESCAPE '\\'" for i in range(len(words)))
        for i, w in enumerate(words):
            params[f"w{i}"] = "%" + _like_escape(w) + "%"
        tier = (f"(CASE WHEN name LIKE :first ESCAPE '\\' THEN 0 WHEN {name_all} THEN 1 "
                f"WHEN {org_all} THEN 2 ELSE 3 END)")
        score = f"({tier} * 1000.0 + {_BM25 if long_words else '0.0'})"
        sql = text(f"SELECT rowid AS id, {score} AS score FROM service_fts WHERE {' AND '.join(where)}")
        sql = sql.bindparams(*[bindparam(k, v) for k, v in params.items()])
        return sql.columns(id=Integer, score=Float).subquery("matches")


def backend_for(dialect: str) -> SearchBackend:
    if dialect == "sqlite":
        return SqliteSearch()
    if dialect == "postgresql":
        from sp_desktop.db.search_pg import PostgresSearch

        return PostgresSearch()
    raise ValueError(f"No search backend for the {dialect} database.")
