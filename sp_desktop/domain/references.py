"""Leaflet references: the short code a patient quotes to the organisation ("K7M-2QX").

Six characters from Crockford's base32 alphabet (digits and A-Z without I, L, O and U, so a
code read out over the phone cannot be mistaken: no 1/I/L, no 0/O, and no accidental words
through U), printed as two groups of three. A code is drawn at random (`secrets`), holds nothing
about the patient, and is unique because the issuer checks it against those already issued
before using it (`draw_unique`); 32**6 (about a billion) codes leave room for a practice's
lifetime of leaflets.

Reading a code back is forgiving in the ways Crockford's rules describe: lower case is upper
case, spaces and hyphens are ignored, I and L are read as 1, O as 0, U as V. There is no check
character: the code stays six characters, and a mistyped code is caught because it is not an
issued one; `near_codes()` lists the issued codes it could have been (one character off, or two
neighbours swapped) so the person is asked, never guessed for.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable

from sp_desktop.domain.errors import BadInput

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 6
_READ_AS = {"I": "1", "L": "1", "O": "0", "U": "V"}


def format_code(code: str) -> str:
    """"K7M2QX" -> "K7M-2QX"."""
    return f"{code[:3]}-{code[3:]}"


def draw(randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    """A new random code (without the hyphen)."""
    return "".join(ALPHABET[randbelow(len(ALPHABET))] for _ in range(LENGTH))


def draw_unique(is_taken: Callable[[str], bool],
                randbelow: Callable[[int], int] = secrets.randbelow, attempts: int = 50) -> str:
    """A random code that `is_taken` says is not in use yet."""
    for _ in range(attempts):
        code = draw(randbelow)
        if not is_taken(code):
            return code
    raise RuntimeError("Could not find an unused leaflet reference after 50 tries.")


def normalise(text: str, field: str = "Reference") -> str:
    """What a person typed -> the stored code (no hyphen), or BadInput saying what is wrong."""
    raw = "".join(ch for ch in (text or "").upper() if ch not in " -–—_.\t")
    if not raw:
        raise BadInput(field, "is empty.", "Type the six characters the organisation gave, e.g. K7M-2QX.")
    raw = "".join(_READ_AS.get(ch, ch) for ch in raw)
    wrong = sorted({ch for ch in raw if ch not in ALPHABET})
    if wrong:
        shown = ", ".join(f"“{ch}”" for ch in wrong)
        raise BadInput(field, f"“{text.strip()[:40]}” has {shown}, which is never in a reference.",
                       "References use only digits and the letters A–Z; check what was read out.")
    if len(raw) != LENGTH:
        raise BadInput(field, f"“{text.strip()[:40]}” has {len(raw)} characters; a reference has {LENGTH}.",
                       "Check the code on the leaflet, e.g. K7M-2QX.")
    return raw


def near_codes(code: str, issued: Iterable[str]) -> list[str]:
    """Issued codes that differ from `code` by one character or by two neighbours swapped."""
    out = []
    for other in issued:
        if other == code or len(other) != len(code):
            continue
        diff = [i for i, (a, b) in enumerate(zip(code, other, strict=True)) if a != b]
        if len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                              and code[diff[0]] == other[diff[1]] and code[diff[1]] == other[diff[0]]):
            out.append(other)
    return sorted(out)


def one_off_patterns(code: str) -> list[str]:
    """SQL LIKE patterns that match every code one character away from `code` (and `code`)."""
    return [code[:i] + "_" + code[i + 1:] for i in range(len(code))]


def swapped(code: str) -> list[str]:
    """`code` with each pair of neighbours swapped."""
    return [code[:i] + code[i + 1] + code[i] + code[i + 2:] for i in range(len(code) - 1)
            if code[i] != code[i + 1]]


__all__ = ["ALPHABET", "LENGTH", "draw", "draw_unique", "format_code", "near_codes", "normalise",
           "one_off_patterns", "swapped"]
