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

from collections.abc import Sequence

from sqlalchemy import Float, Integer, Subquery, bindparam, text

from sp_desktop.db.search_terms import Group, group_words, like_escape

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
    def _group_sql(col: str, g: Group, params: dict[str, object]) -> str:
        """`col` contains one of the alternatives of `g` (LIKE, answered from the trigram index)."""
        parts = []
        for a in g.alternatives:
            key = f"a{len(params)}"
            params[key] = "%" + like_escape(a) + "%"
            parts.append(f"{col} LIKE :{key} ESCAPE '\\'")
        return "(" + " OR ".join(parts) + ")"

    @classmethod
    def _where(cls, groups: Sequence[Group], params: dict[str, object], every: bool = True) -> list[str]:
        """Every group of 3+ characters in the document; shorter words starting the service or
        organisation name or one of their words (as SqliteSearch). Not `every`: any group of 3+
        characters in the document (one condition)."""
        long_groups = [g for g in groups if not g.short]
        if not every:
            return ["(" + " OR ".join(cls._group_sql("ss.document", g, params) for g in long_groups) + ")"]
        where = [cls._group_sql("ss.document", g, params) for g in long_groups]
        for i, g in enumerate(g for g in groups if g.short):
            key = f"p{i}"
            params[key] = like_escape(g.typed) + "%"
            where.append(f"(ss.name LIKE :{key} ESCAPE '\\' OR ss.organisation LIKE :{key} ESCAPE '\\'"
                         f" OR ss.name LIKE '% ' || :{key} ESCAPE '\\'"
                         f" OR ss.organisation LIKE '% ' || :{key} ESCAPE '\\')")
        return where

    def match_ids(self, groups: Sequence[Group], every: bool = True) -> Subquery | None:
        """The same services as `matches`, unranked (for counting)."""
        if not groups or (not every and all(g.short for g in groups)):
            return None
        params: dict[str, object] = {}
        where = self._where(groups, params, every)
        sql = text(f"SELECT ss.service_id AS id FROM service_search AS ss WHERE {' AND '.join(where)}")
        sql = sql.bindparams(*[bindparam(k, v) for k, v in params.items()])
        return sql.columns(id=Integer).subquery("match_ids")

    def matches(self, groups: Sequence[Group], every: bool = True) -> Subquery | None:
        if not groups or (not every and all(g.short for g in groups)):
            return None
        words = group_words(groups)
        long_groups = [g for g in groups if not g.short]
        phrases = [a for g in long_groups for a in g.alternatives]  # in FTS5's phrase order
        params: dict[str, object] = {}
        where = self._where(groups, params, every)
        for i, w in enumerate(phrases):
            params[f"t{i}"] = w
        # Tiers exactly as SqliteSearch: 4 = the organisation is suspended or declined, 0 = service
        # name starts with the first word, 1 = service name answers every group, 2 = organisation
        # name does, 3 = elsewhere; approved organisations first within a tier.
        params["first"] = like_escape(words[0]) + "%"
        for i, g in enumerate(groups):
            if g.short:
                params[f"w{i}"] = "%" + like_escape(g.typed) + "%"
        name_all = " AND ".join(self._group_sql("ss.name", g, params) if not g.short
                                else f"ss.name LIKE :w{i} ESCAPE '\\'" for i, g in enumerate(groups))
        org_all = " AND ".join(self._group_sql("ss.organisation", g, params) if not g.short
                               else f"ss.organisation LIKE :w{i} ESCAPE '\\'" for i, g in enumerate(groups))
        below = "o.vetting_status IN ('suspended', 'declined')"
        tier = (f"(CASE WHEN {below} THEN 4 WHEN ss.name LIKE :first ESCAPE '\\' THEN 0"
                f" WHEN {name_all} THEN 1 "
                f"WHEN {org_all} THEN 2 ELSE 3 END)")
        major = f"({tier} * 2 + CASE WHEN o.vetting_status = 'approved' THEN 0 ELSE 1 END)"
        if not every:
            answered = " + ".join(f"(CASE WHEN {self._group_sql('ss.document', g, params)} THEN 1 ELSE 0 END)"
                                  for g in long_groups)
            major = (f"((CASE WHEN {below} THEN 1000 ELSE 0 END) + ({len(long_groups)} - ({answered})) * 10"
                     f" + {major})")

        vetting = ("JOIN service AS sv ON sv.id = ss.service_id"
                   " JOIN organisation AS o ON o.id = sv.organisation_id")
        if phrases:
            # FTS5 (fts5_aux.c): score = -sum_i idf_i * f_i * (k1 + 1) / (f_i + k1 * (1 - b + b * D / avgdl))
            # with idf_i = ln((N - n_i + 0.5) / (n_i + 0.5)), floored at 1e-6.
            terms = []
            freqs = []
            for i, w in enumerate(phrases):
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
            hits = []
            for i, w in enumerate(phrases):
                params[f"h{i}"] = "%" + like_escape(w) + "%"
                hits.append(f"CAST(count(*) FILTER (WHERE document LIKE :h{i} ESCAPE '\\')"
                            f" AS double precision) AS h{i}")
            stats = (f"(SELECT CAST(count(*) AS double precision) AS n, "
                     f"CAST(sum(ntokens) AS double precision) / greatest(count(*), 1) AS avgdl, "
                     f"{', '.join(hits)} "
                     f"FROM service_search) AS st")
            # each word's weighted frequency once per row (it is used twice in the formula)
            source = (f"service_search AS ss {vetting} CROSS JOIN {stats} "
                      f"CROSS JOIN LATERAL (SELECT {', '.join(freqs)}) AS fr")
        else:
            bm25 = "0.0"
            source = f"service_search AS ss {vetting}"
        score = f"(CAST({major} AS double precision) * 1000.0 + {bm25})"
        sql = text(f"SELECT ss.service_id AS id, {score} AS score FROM {source} WHERE {' AND '.join(where)}")
        sql = sql.bindparams(*[bindparam(k, v) for k, v in params.items()])
        return sql.columns(id=Integer, score=Float).subquery("matches")
