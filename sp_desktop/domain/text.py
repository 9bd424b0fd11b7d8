"""The one place that decides whether a piece of text may be stored, and how text is shown safely.

Every save path (the services, through `validators.require_text` / `optional_text` and the
database guard `db.text_guard`) and every importer (`services.imports`) calls `check_text`, so the
same rules hold on SQLite and PostgreSQL alike:

* NUL and the other C0 control characters, DEL and the C1 controls are refused, naming the field.
  Tab and newline are allowed only in multi-line fields (notes, descriptions); a Windows line end
  (CR LF) or a lone CR there becomes a newline. PostgreSQL cannot store NUL at all, and the other
  controls can rewrite a terminal or a log when printed.
* Lone surrogates (half of a UTF-16 pair, e.g. from a broken file) are refused: they cannot be
  written as UTF-8 and would break every export and backup that meets them.
* Bidirectional override and isolate characters (U+202A-U+202E, U+2066-U+2069) are removed from
  names: they make a name read differently from what is stored ("Trojan Source").
* Recognisable NHS and CHI numbers (`find_patient_number`) are refused in free-text and reference
  fields: the directory is not a clinical record, and a patient's number typed into a note would
  reach reports, backups and the audit trail.

`escape_controls` is for printing: staff names and anything else shown in a terminal or a log
goes through it, so a control character is shown as ``\\x1b`` rather than obeyed.
"""

from __future__ import annotations

import re
from datetime import date

from sp_desktop.domain.errors import BadInput

#: Control characters never stored: C0 except tab/LF/CR (handled below), DEL and C1.
_ALWAYS_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SINGLE_LINE_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
#: Embedding, override and isolate controls (and the marks), removed from names.
BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")

_NAMES = {
    "\x00": "a NUL character (code 0)", "\t": "a tab", "\n": "a line break", "\r": "a carriage return",
    "\x1b": "an escape character (code 27)", "\x7f": "a delete character (code 127)",
}


def describe_char(ch: str) -> str:
    """How a refused character is named in a message: 'a NUL character (code 0)'."""
    if ch in _NAMES:
        return _NAMES[ch]
    if "\ud800" <= ch <= "\udfff":
        return f"half of a broken character (U+{ord(ch):04X})"
    return f"a control character (code {ord(ch)})"


def check_text(value: str | None, field: str, label: str | None = None, *, multiline: bool = False,
               where: str = "") -> str | None:
    """`value` unchanged (CR LF -> LF in multi-line text), or BadInput naming the field and the character.

    `field` is the form field or column ("experience_note", "Description"); `label` the words
    people know it by ("note"); `where` a file and row for imports.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        return value
    if multiline and "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    bad = (_ALWAYS_BAD if multiline else _SINGLE_LINE_BAD).search(value) or _SURROGATE.search(value)
    if bad is not None:
        what = label or field.replace("_", " ")
        position = bad.start() + 1
        if bad.group() in "\t\n" and not multiline:
            todo = f"Keep the {what} on one line."
        else:
            todo = (f"Retype the {what}, or paste it as plain text (it may have come from a damaged file "
                    "or a terminal).")
        raise BadInput(field, f"The {what} contains {describe_char(bad.group())} at character {position}, "
                              "which cannot be stored.", todo, where)
    return value


def strip_bidi(value: str) -> str:
    """A name without bidirectional override/isolate characters (they make it read as something else)."""
    return BIDI_CONTROLS.sub("", value)


def check_name(value: str | None, field: str, label: str | None = None, *, where: str = "") -> str | None:
    """A one-line name: controls refused, bidi overrides removed."""
    checked = check_text(value, field, label, where=where)
    return strip_bidi(checked) if checked else checked


# --------------------------------------------------------------------------- NHS and CHI numbers
#: Ten digits written together, 3-3-4 (NHS style) or 6-4 (CHI style), not part of a longer number.
_DIALLING_PREFIX = re.compile(r"(\+\d{1,3}|\(0\))[ -]?$")
_TEN_DIGITS = re.compile(r"(?<![\d])(\d{3}[ -]?\d{3}[ -]?\d{4}|\d{6}[ -]?\d{4})(?![\d])")


def mod11_ok(digits: str) -> bool:
    """The NHS/CHI check digit: weights 10..2 on the first nine digits, 11 - (sum mod 11).

    A result of 10 is never valid; 11 means 0."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _chi_date_ok(digits: str) -> bool:
    day, month, year = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    for century in (1900, 2000):
        try:
            date(century + year, month, day)
            return True
        except ValueError:
            continue
    return False


def find_patient_number(text: str | None) -> str | None:
    """The first recognisable NHS or CHI number in `text` (as written), else None.

    NHS numbers (England, Wales, Isle of Man; Northern Ireland's H&C numbers alike) are ten digits
    with a valid modulus-11 check digit; they never start with 0. A CHI number (Scotland) is a date
    of birth DDMMYY and four digits with the same check. A UK phone number (11 digits starting 0,
    or 10 digits starting 01 with no valid date) is not matched.
    """
    if not text:
        return None
    for m in _TEN_DIGITS.finditer(text):
        if _DIALLING_PREFIX.search(text[max(0, m.start() - 8):m.start()]):
            continue  # +44 141 496 0123, (0)141 496 0123: a phone number
        digits = re.sub(r"[ -]", "", m.group())
        if not mod11_ok(digits):
            continue
        if digits[0] != "0" or _chi_date_ok(digits):
            return m.group()
    return None


def check_no_patient_number(value: str | None, field: str, label: str | None = None, *,
                            where: str = "") -> str | None:
    """BadInput when `value` holds what looks like an NHS or CHI number."""
    found = find_patient_number(value)
    if found is not None:
        what = label or field.replace("_", " ")
        raise BadInput(field, f"The {what} contains “{found}”, which looks like an NHS or CHI number. "
                              "Patient identifiers are never stored in this directory (it is not a "
                              "clinical record, and the text reaches reports and backups).",
                       "Remove the number; use the practice's own short record reference where the form "
                       "asks for one, or keep the detail in the clinical system.", where)
    return value


# --------------------------------------------------------------------------- showing text safely
_SHOW_ESCAPED = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def escape_controls(text: object) -> str:
    """`text` for a terminal or log: control, surrogate and bidi characters shown as escapes.

    ESC becomes ``\\x1b``, RIGHT-TO-LEFT OVERRIDE ``\\u202e``."""
    s = str(text)

    def esc(m: re.Match[str]) -> str:
        code = ord(m.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _SHOW_ESCAPED.sub(esc, s)


def escape_lines(text: object) -> str:
    """`escape_controls`, keeping line breaks and tabs: for terminals and log files."""
    return "\n".join("\t".join(escape_controls(part) for part in line.split("\t"))
                     for line in str(text).split("\n"))


__all__ = ["BIDI_CONTROLS", "check_name", "check_no_patient_number", "check_text", "describe_char",
           "escape_controls", "escape_lines", "find_patient_number", "mod11_ok", "strip_bidi"]
