"""PostgreSQL search: the same matches and the same order as SQLite's FTS5 trigram search.

Migration 0002 keeps a ``service_search`` table (one row per service) with the same five
folded texts as SQLite's ``service_fts`` — name, organisation, description, categories, place
— folded by a server-side ``sp_fold()`` that matches the app's Python `fold()`, plus their
concatenation ``document`` with a pg_trgm GIN index.

Matching is FTS5 trigram semantics: every query word of 3+ characters must occur as a
substring (``document LIKE '%word%'``, answered from the trigram index); 1-2 character words
must start the service or organisation name or one of their words (as in `SqliteSearch`).

Ranking is the same too: the same tiers (service name starts with the first word; name has
every word; organisation name has every word; elsewhere), then FTS5's own bm25 formula
computed in SQL — the same column weights (10, 6, 1, 5, 3), k1 = 1.2, b = 0.75, phrase
frequency = overlapping occurrences of the word in each column, document length = trigrams
(characters - 2 per column), IDF over all indexed services — so a shared test can demand the
same ids in the same order from both back ends.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, Subquery, bindparam, text

from sp_desktop.db.search import _like_escape, terms_of

# Column -> bm25 weight, in service_fts's column order (see search._BM25).
_WEIGHTS = (("name", 10.0), ("organisation", 6.0), ("description", 1.0), ("categories", 5.0), ("place", 3.0))
_K1 = 1.2
_B = 0.75
_F8 = "CAST({} AS double precision)"


def _self_overlapping(word: str) -> bool:
    """True if two occurrences of `word` can overlap ("ana" in "banana"): a proper prefix of it is
    also a suffix."""
    return any(word[:k] == word[-k:] for k in range(1, len(word)))


def _occurrences(column: str, param: str, word: str) -> str:
    """SQL for how many times `word` occurs in `column`, overlapping occurrences included (as
    FTS5 counts phrase instances). Most words cannot overlap themselves, and for those a
    replace() count is exact and much cheaper than the sp_count() loop."""
    if _self_overlapping(word):
        return f"sp_count({column}, {param})"
    return f"((char_length({column}) - char_length(replace({column}, {param}, ''))) / char_length({param}))"


class PostgresSearch:
    """Trigram substring search with FTS5-compatible bm25 ranking (see module docstring)."""

    @staticmethod
    def _where(words: list[str], params: dict[str, object]) -> list[str]:
        """Every 3+ character word a substring of the document; shorter words starting the
        service or organisation name or one of their words (as SqliteSearch)."""
        long_words = [w for w in words if len(w) >= 3]
        short_words = [w for w in words if len(w) < 3]
        where: list[str] = []
        for i, w in enumerate(long_words):
            params[f"l{i}"] = "%" + _like_escape(w) + "%"
            where.append(f"ss.document LIKE :l{i} ESCAPE '\\'")
        for i, w in enumerate(short_words):
            key = f"p{i}"
            params[key] = _like_escape(w) + "%"
            where.append(f"(ss.name LIKE :{key} ESCAPE '\\' OR ss.organisation LIKE :{key} ESCAPE '\\'"
                         f" OR ss.name LIKE '% ' || :{key} ESCAPE '\\'"
                         f" OR ss.organisation LIKE '% ' || :{key} ESCAPE '\\')")
        return where

    def match_ids(self, query: str) -> Subquery | None:
        """The same services as `matches`, unranked (for counting)."""
        words = terms_of(query)
        if not words:
            return None
        params: dict[str, object] = {}
        where = self._where(words, params)
        sql = text(f"SELECT ss.service_id AS id FROM service_search AS ss WHERE {' AND '.join(where)}")
        sql = sql.bindparams(*[bindparam(k, v) for k, v in params.items()])
        return sql.columns(id=Integer).subquery("match_ids")

    def matches(self, query: str) -> Subquery | None:
        words = terms_of(query)
        if not words:
            return None
        long_words = [w for w in words if len(w) >= 3]
        params: dict[str, object] = {}
        where = self._where(words, params)
        for i, w in enumerate(long_words):
            params[f"t{i}"] = w
        # Tiers exactly as SqliteSearch: 0 = service name starts with the first word, 1 = service
        # name contains every word, 2 = organisation name does, 3 = elsewhere.
        params["first"] = _like_escape(words[0]) + "%"
        for i, w in enumerate(words):
            params[f"w{i}"] = "%" + _like_escape(w) + "%"
        name_all = " AND ".join(f"ss.name LIKE :w{i} ESCAPE '\\'" for i in range(len(words)))
        org_all = " AND ".join(f"ss.organisation LIKE :w{i} ESCAPE '\\'" for i in range(len(words)))
        tier = (f"(CASE WHEN ss.name LIKE :first ESCAPE '\\' THEN 0 WHEN {name_all} THEN 1 "
                f"WHEN {org_all} THEN 2 ELSE 3 END)")

        if long_words:
            # FTS5 (fts5_aux.c): score = -sum_i idf_i * f_i * (k1 + 1) / (f_i + k1 * (1 - b + b * D / avgdl))
            # with idf_i = ln((N - n_i + 0.5) / (n_i + 0.5)), floored at 1e-6.
            terms = []
            freqs = []
            for i, w in enumerate(long_words):
                freqs.append(" + ".join(f"{_F8.format(weight)} * {_occurrences(f'ss.{col}', f':t{i}', w)}"
                                        for col, weight in _WEIGHTS) + f" AS f{i}")
                freq = f"fr.f{i}"
                raw_idf = f"ln((st.n - st.h{i} + 0.5) / (st.h{i} + 0.5))"
                idf = f"(CASE WHEN {raw_idf} <= 0.0 THEN 1e-6 ELSE {raw_idf} END)"
                k1 = _F8.format(_K1)
                b = _F8.format(_B)
                terms.append(f"{idf} * (({freq}) * ({k1} + 1.0)) / "
                             f"(({freq}) + {k1} * (1.0 - {b} + {b} * ss.ntokens / st.avgdl))")
            bm25 = "(-1.0 * (" + " + ".join(terms) + "))"
            hits = ", ".join(f"CAST(count(*) FILTER (WHERE document LIKE :l{i} ESCAPE '\\')"
                             f" AS double precision) AS h{i}" for i in range(len(long_words)))
            stats = (f"(SELECT CAST(count(*) AS double precision) AS n, "
                     f"CAST(sum(ntokens) AS double precision) / greatest(count(*), 1) AS avgdl, {hits} "
                     f"FROM service_search) AS st")
            # each word's weighted frequency once per row (it is used twice in the formula)
            source = (f"service_search AS ss CROSS JOIN {stats} "
                      f"CROSS JOIN LATERAL (SELECT {', '.join(freqs)}) AS fr")
        else:
            bm25 = "0.0"
            source = "service_search AS ss"
        score = f"(CAST({tier} AS double precision) * 1000.0 + {bm25})"
        sql = text(f"SELECT ss.service_id AS id, {score} AS score FROM {source} WHERE {' AND '.join(where)}")
        sql = sql.bindparams(*[bindparam(k, v) for k, v in params.items()])
        return sql.columns(id=Integer, score=Float).subquery("matches")
