"""Finding and removing details that could identify someone in free text (shared feedback).

Pure functions, no database: the caller passes the staff names to look for. What is found is
replaced by a bracketed word saying what was there ("[phone number removed]"), and listed, so
the person making a report can see exactly what was taken out before it goes to a partner.

Found: e-mail addresses; UK phone numbers (0..., +44...); NHS numbers (10 digits, often
3-3-4) and CHI numbers (10 digits, date of birth first, often 6-4); UK postcodes; the names of
the practice's staff (full name, or title and surname); and anyone addressed by a title
("Mrs Brown", "Dr Singh"). A first name on its own ("Mary") cannot be told from an ordinary word
and is not found: the report's privacy line says what was checked, no more.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = ["Removed", "scrub"]

_TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Doctor|Nurse|Sister|Prof|Professor|Rev|Father)"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("e-mail address", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("phone number", re.compile(r"(?<![\w+])\+\d{1,3}[\s\-()\d]{7,18}\d")),  # +44 ..., international
    # Ten digits: NHS (3-3-4) or CHI (date of birth, then 4); UK phone numbers have eleven.
    ("NHS or CHI number",
     re.compile(r"(?<!\d)\d{3}[\s-]?\d{3}[\s-]?\d{4}(?!\d)|(?<!\d)\d{6}[\s-]?\d{4}(?!\d)")),
    ("phone number", re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)\d(?:[\s\-()]{0,2}\d){8,10}(?!\d)")),
    ("postcode", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE)),
    ("name", re.compile(rf"\b{_TITLES}\.?\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?")),
)


@dataclass(frozen=True)
class Removed:
    kind: str
    """"phone number", "e-mail address", "NHS or CHI number", "postcode", "staff name", "name"."""
    text: str
    """What was removed (for the person making the report; never printed)."""


def _staff_patterns(staff_names: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    return _compiled_staff_patterns(frozenset(" ".join(n.split()) for n in staff_names if n and n.strip()))


@functools.lru_cache(maxsize=8)  # a report scrubs thousands of notes against the same staff list
def _compiled_staff_patterns(names: frozenset[str]) -> tuple[re.Pattern[str], ...]:
    out: list[re.Pattern[str]] = []
    for name in sorted(names, key=lambda n: (-len(n), n)):
        words = [w for w in name.split() if w.rstrip(".") not in ("Dr", "Mr", "Mrs", "Ms", "Miss", "Mx")]
        forms = [re.escape(name)]
        if len(words) >= 2:
            forms.append(r"\s+".join(re.escape(w) for w in words))
            surname = words[-1]
            if len(surname) >= 3:
                forms.append(rf"{_TITLES}\.?\s+{re.escape(surname)}")
                forms.append(rf"{re.escape(words[0])}\s+{re.escape(surname)}")
        out.append(re.compile(r"\b(?:" + "|".join(forms) + r")\b", re.IGNORECASE))
    return tuple(out)


def scrub(text: str, staff_names: Iterable[str] = ()) -> tuple[str, tuple[Removed, ...]]:
    """``text`` with identifying details replaced, and what was removed (in order found)."""
    removed: list[Removed] = []

    def replacer(kind: str) -> Callable[[re.Match[str]], str]:
        def replace(match: re.Match[str]) -> str:
            removed.append(Removed(kind, match.group(0)))
            return f"[{kind} removed]"
        return replace

    for pattern in _staff_patterns(staff_names):
        text = pattern.sub(replacer("staff name"), text)
    for kind, pattern in _PATTERNS:
        text = pattern.sub(replacer(kind), text)
    return text, tuple(removed)
