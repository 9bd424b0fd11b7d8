"""What someone typed, as the groups of text a service must contain: word forms, synonyms, folding.

Both search back ends match substrings of the folded index text (SQLite's FTS5 trigram index,
PostgreSQL's pg_trgm), so a query word becomes a *group* of alternatives, any of which may occur:

- **Word forms.** The word's Snowball (Porter 2) stem, from the snowballstemmer library: "walking"
  -> "walk", "carers" -> "carer", "mens" -> "men". A stem that ends in the "i" Snowball writes for
  a final "y" loses it ("loneliness" -> "loneli" -> "lonel"), so it is a prefix of every form of the
  word ("lonely", "loneliness"). Agent nouns the stemmer keeps whole lose their ending too
  ("counsellor" -> "counsell", which "counselling" contains). Because the stem is looked for inside
  the indexed words, the index finds every word that carries it: the stemming reaches the index
  without a second copy of the text.
- **Folding.** Apostrophes are dropped ("carer's" -> "carers"; "can't" also stays as typed, which
  is how the index holds it); a hyphenated word or a word followed by in/up/out/on/off matches
  with a hyphen, a space or neither ("drop in", "drop-in" and "dropin" make the same group).
- **Small words** ("to", "my", "a" ...) are ignored unless every word is one.
- **Synonyms.** A shipped list (resources/search/synonyms.txt) plus the practice's own lines (see
  `parse_synonyms`): a word or phrase of a line brings in every other member of the line.

An alternative that contains another alternative of the same group adds nothing to what matches
and is dropped ("lonely" when "lone" is there). Every group holds its typed words or a part of
them, so a service whose name starts with the first typed word always matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import snowballstemmer

from sp_desktop.db.engine import fold

# Function words that say nothing about the help wanted.
STOP_WORDS = frozenset("""
a an and are as at be but by can for from get got has have he her him his i im in into is it its me my
of on or our she so some than that the their them they this to up was we with you your
""".split())
# Second halves of words written as one, two or hyphenated ("drop in", "drop-in", "dropin").
PARTICLES = ("in", "up", "out", "on", "off")
MIN_PHRASE = 3  # the trigram indexes cannot find anything shorter
_APOSTROPHES = re.compile(r"['’‘`]")
_TOKEN = re.compile(r"[\w£'’‘`-]+")
_AGENT = re.compile(r"(?<=[a-z]{6})(or|er)$")

_stemmer = snowballstemmer.stemmer("english")


def like_escape(word: str) -> str:
    """`word` as a literal inside a LIKE pattern (escape character: backslash)."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@lru_cache(maxsize=4096)
def word_key(word: str) -> str:
    """The part every form of `word` shares: its stem, trimmed as the module docstring says."""
    plain = _APOSTROPHES.sub("", word)
    if not plain.isalpha():
        return plain
    stem: str = _stemmer.stemWord(plain)
    if stem.endswith("i") and len(stem) >= 5:
        stem = stem[:-1]
    if stem == plain and (m := _AGENT.search(stem)) is not None:
        stem = stem[:m.start()]
    return stem


@dataclass(frozen=True)
class Group:
    """One thing the service must answer: `typed` (folded, apostrophes dropped) and the texts
    any one of which counts (`alternatives`, each MIN_PHRASE or more characters). A `typed`
    shorter than MIN_PHRASE has no alternatives: it must start a word of the service's or its
    organisation's name."""

    typed: str
    alternatives: tuple[str, ...]

    @property
    def short(self) -> bool:
        return not self.alternatives


@dataclass(frozen=True)
class Synonyms:
    """Lines of words and phrases that mean the same, indexed by the keys of their words."""

    lines: tuple[tuple[str, ...], ...]

    def lookup(self) -> dict[tuple[str, ...], set[str]]:
        return _lookup(self.lines)


@lru_cache(maxsize=16)
def _lookup(lines: tuple[tuple[str, ...], ...]) -> dict[tuple[str, ...], set[str]]:
    found: dict[tuple[str, ...], set[str]] = {}
    for line in lines:
        for member in line:
            key = tuple(word_key(w) for w in _words(member))
            if key:
                found.setdefault(key, set()).update(line)
    return found


def parse_synonyms(text: str) -> tuple[tuple[str, ...], ...]:
    """Lines of comma-separated words and phrases, folded; '#' starts a note. Lines with fewer
    than two members say nothing and are left out."""
    lines = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0]
        members = tuple(dict.fromkeys(" ".join(fold(m).split()) for m in line.split(",") if m.strip()))
        if len(members) >= 2:
            lines.append(members)
    return tuple(lines)


def shipped_synonyms_path() -> Path:
    from sp_desktop.paths import resource_path

    return resource_path("search", "synonyms.txt")


@lru_cache(maxsize=1)
def shipped_synonyms() -> tuple[tuple[str, ...], ...]:
    return parse_synonyms(shipped_synonyms_path().read_text(encoding="utf-8"))


def _words(text: str) -> list[str]:
    """Folded words with apostrophes dropped; a hyphen splits ("drop-in" -> "drop", "in")."""
    return [w for w in re.split(r"[^\w£]+", _APOSTROPHES.sub("", fold(text))) if w]


def _forms(word: str) -> list[str]:
    """`word` and its key (both as matched), for one word as typed (folded, apostrophes kept)."""
    plain = _APOSTROPHES.sub("", word)
    out = [plain, word_key(plain)]
    if plain != word:
        out.append(word)  # the index holds "can't" as written
    return out


def _member_forms(member: str) -> list[str]:
    """What a synonym line's member adds: a word's forms; a phrase as written and without
    apostrophes. Single words of MIN_PHRASE letters or fewer are left out (see the file)."""
    if " " not in member:
        return [] if len(_APOSTROPHES.sub("", member)) <= MIN_PHRASE else _forms(member)
    return [member, _APOSTROPHES.sub("", member)]


def _reduce(alternatives: Iterable[str]) -> tuple[str, ...]:
    """Distinct alternatives of MIN_PHRASE+ characters, dropping any that contains another."""
    alts = sorted({a for a in alternatives if len(a) >= MIN_PHRASE}, key=lambda a: (len(a), a))
    kept: list[str] = []
    for a in alts:
        if not any(k in a for k in kept):
            kept.append(a)
    return tuple(kept)


def _tokens(query: str) -> list[tuple[str, str]]:
    """(plain, as typed) folded words: hyphenated words stay whole here, apostrophes kept in the
    second."""
    out = []
    for raw in _TOKEN.findall(fold(query)):
        for piece in re.split(r"_+", raw):
            piece = piece.strip("-'’‘`")
            plain = _APOSTROPHES.sub("", piece)
            if plain.strip("-"):
                out.append((plain, piece))
    return out


def query_groups(query: str, synonyms: Synonyms | None = None) -> list[Group]:
    """The groups `query` asks for, in the order typed (see the module docstring)."""
    return list(_query_groups(query, (synonyms or Synonyms(())).lines))


@lru_cache(maxsize=512)  # each keystroke's query is asked for again when the results refresh
def _query_groups(query: str, lines: tuple[tuple[str, ...], ...]) -> tuple[Group, ...]:
    lookup = _lookup(lines)
    raw = _tokens(query)
    # hyphenated words: their parts as words, remembering which were joined
    words: list[tuple[str, str, bool]] = []  # (plain, as typed, joined to the next by a hyphen)
    for plain, typed in raw:
        parts = [p for p in plain.split("-") if p]
        typed_parts = [p for p in typed.split("-") if p]
        if len(typed_parts) != len(parts):
            typed_parts = parts
        for i, (p, t) in enumerate(zip(parts, typed_parts, strict=True)):
            words.append((p, t, i < len(parts) - 1))
    if not words:
        return ()
    keys = [word_key(p) for p, _t, _j in words]
    everything_small = all(p in STOP_WORDS for p, _t, _j in words)
    groups: list[Group] = []
    i = 0
    while i < len(words):
        plain, typed, joined = words[i]
        # a phrase of the synonym list, longest first
        for n in range(min(4, len(words) - i), 1, -1):
            found = lookup.get(tuple(keys[i:i + n]))
            if found:
                phrase = " ".join(w[0] for w in words[i:i + n])
                typed_phrase = " ".join(w[1] for w in words[i:i + n])
                alts = [phrase, typed_phrase, *(f for m in found for f in _member_forms(m))]
                groups.append(Group(phrase, _reduce(alts)))
                i += n
                break
        else:
            nxt = words[i + 1] if i + 1 < len(words) else None
            if nxt is not None and (joined or nxt[0] in PARTICLES) and len(plain) + len(nxt[0]) >= MIN_PHRASE:
                a, b = plain, nxt[0]
                groups.append(Group(f"{a} {b}", _reduce([f"{a} {b}", f"{a}-{b}", a + b])))
                i += 2
                continue
            i += 1
            if plain in STOP_WORDS and not everything_small:
                continue
            if len(plain) < MIN_PHRASE:
                groups.append(Group(plain, ()))
                continue
            alts = _forms(typed)
            particle = next((p for p in PARTICLES
                             if plain.endswith(p) and len(plain) - len(p) >= MIN_PHRASE), None)
            if particle:
                stem = plain[:-len(particle)]
                alts += [f"{stem} {particle}", f"{stem}-{particle}"]
            for m in lookup.get((keys[i - 1],), ()):
                alts += _member_forms(m)
            groups.append(Group(plain, _reduce(alts)))
    return tuple(groups)


def group_words(groups: Sequence[Group]) -> list[str]:
    """The typed words of `groups` (for the tiers: the service name starts with the first)."""
    return [g.typed for g in groups]
