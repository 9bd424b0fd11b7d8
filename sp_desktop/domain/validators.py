"""Validators for what people type. Each returns a normalised value or raises `FieldError`.

`FieldError.field` names the form field, so the UI can mark it and importers can report
"row 12, column Phone".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, shortnumberinfo

from sp_desktop.domain.enums import RegisterKind
from sp_desktop.domain.errors import BadInput
from sp_desktop.domain.text import check_no_patient_number, check_text, strip_bidi


class FieldError(BadInput):
    """A value a person typed is not acceptable. `message` says what to do."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message)


@dataclass(frozen=True)
class Checked:
    """A normalised value plus an optional warning (saved anyway)."""

    value: str
    warning: str | None = None


# Ofcom reserves these ranges for TV and radio drama. They are not "valid" numbers in
# libphonenumber's metadata, but they are exactly what a demo or training directory must use.
_DRAMA_RANGES = (re.compile(r"^\+441632960\d{3}$"), re.compile(r"^\+447700900\d{3}$"),
                 re.compile(r"^\+44(113|114|115|116|117|118|121|131|141|151|161|191)4960\d{3}$"),
                 re.compile(r"^\+44(20)79460\d{3}$"), re.compile(r"^\+44(808)1570\d{3}$"))


def normalise_phone(text: str, field: str = "phone") -> str:
    """UK phone number -> E.164 (``+441632960123``); short numbers (``116 123``) stay as digits."""
    raw = (text or "").strip()
    if not raw:
        raise FieldError(field, "Enter a phone number.")
    if re.search(r"[A-Za-z]", raw.replace("ext", "").replace("x", "")):
        raise FieldError(field, f"“{raw}” is not a phone number: use digits, e.g. 0141 496 0123.")
    digits = re.sub(r"[\s\-().]", "", raw)
    if re.fullmatch(r"\d{3,6}", digits):
        try:
            short = phonenumbers.parse(digits, "GB")
        except phonenumbers.NumberParseException:
            short = None
        if short is not None and shortnumberinfo.is_valid_short_number(short):
            return digits
    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        raise FieldError(field, f"“{raw}” is not a phone number: use a UK number such as "
                                "0141 496 0123 or an international one starting with +.") from None
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if phonenumbers.is_valid_number(number) or any(r.match(e164) for r in _DRAMA_RANGES):
        return e164
    raise FieldError(field, f"“{raw}” is not a complete phone number: check the digits "
                            "(a UK number has 10 or 11 digits starting with 0).")


def display_phone(stored: str) -> str:
    """Stored E.164 -> how people write it (``01632 960123``); short numbers spaced ``116 123``."""
    if not stored:
        return ""
    if not stored.startswith("+"):
        return f"{stored[:3]} {stored[3:]}".strip() if len(stored) == 6 else stored
    try:
        number = phonenumbers.parse(stored, None)
    except phonenumbers.NumberParseException:
        return stored
    fmt = PhoneNumberFormat.NATIONAL if number.country_code == 44 else PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, fmt)


_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")


def normalise_email(text: str, field: str = "email") -> str:
    raw = (text or "").strip()
    if not _EMAIL.match(raw) or ".." in raw:
        raise FieldError(field, f"“{raw}” is not an email address: it should look like name@example.org.")
    local, _, domain = raw.rpartition("@")
    return f"{local}@{domain.lower()}"


_URL = re.compile(r"^https?://[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+(?::\d+)?(?:[/?#]\S*)?$")


def normalise_url(text: str, field: str = "website") -> str:
    """Adds https:// when people type ``www.example.org``."""
    raw = (text or "").strip()
    if raw and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", raw):
        raw = "https://" + raw
    if not _URL.match(raw):
        raise FieldError(field, f"“{text.strip()}” is not a web address: it should look like "
                                "www.example.org.")
    return raw


# Outward code + inward code, per the Royal Mail format (GIR 0AA aside).
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def normalise_postcode(text: str, field: str = "postcode") -> Checked:
    """Upper-case and space a UK postcode. An odd-looking one is kept with a warning, not refused."""
    raw = re.sub(r"\s+", " ", (text or "").strip().upper())
    m = _POSTCODE.match(raw.replace(" ", "")) or _POSTCODE.match(raw)
    if m:
        return Checked(f"{m.group(1)} {m.group(2)}")
    return Checked(raw, f"“{raw}” does not look like a UK postcode (e.g. PA1 1AA); saved as typed.")


_REGISTER_FORMATS: dict[RegisterKind, tuple[re.Pattern[str], str]] = {
    RegisterKind.OSCR: (re.compile(r"^SC0\d{5}$"), "SC followed by 6 digits, e.g. SC012345"),
    RegisterKind.CCEW: (re.compile(r"^\d{6,7}(-\d{1,2})?$"), "6 or 7 digits, e.g. 1123456"),
    RegisterKind.CCNI: (re.compile(r"^(NIC)?1\d{5}$"), "NIC followed by 6 digits, e.g. NIC100123"),
    RegisterKind.COMPANIES_HOUSE: (re.compile(r"^(\d{8}|(SC|NI|OC|SO|NC|R0)\d{6})$"),
                                   "8 characters, e.g. 01234567 or SC123456"),
}


def normalise_registration(kind: RegisterKind, text: str | None,
                           field: str = "registration_number") -> str | None:
    raw = re.sub(r"\s+", "", (text or "").upper())
    if kind is RegisterKind.NONE:
        if raw:
            raise FieldError(field, "Choose the register this number belongs to, or clear the number.")
        return None
    if not raw:
        raise FieldError(field, f"Enter the {kind.label} number, or choose “Not registered”.")
    pattern, example = _REGISTER_FORMATS[kind]
    if kind is RegisterKind.CCNI and raw.isdigit():
        raw = "NIC" + raw
    if not pattern.match(raw):
        raise FieldError(field, f"“{text}” is not a {kind.label} number: it should be {example}.")
    return raw


def _checked(value: str, field: str, label: str, multiline: bool) -> str:
    """`domain.text.check_text` as a FieldError (the form marks the field)."""
    try:
        return check_text(value, field, label, multiline=multiline) or ""
    except BadInput as exc:
        raise FieldError(field, f"{exc.message} {exc.what_to_do}".strip()) from None


def require_text(text: str | None, field: str, label: str, max_length: int = 500) -> str:
    """A one-line name or title: control characters refused, bidi overrides removed."""
    value = (text or "").strip()
    if not value:
        raise FieldError(field, f"Enter the {label}.")
    if len(value) > max_length:
        raise FieldError(field, f"The {label} is too long ({len(value)} characters; at most {max_length}).")
    value = strip_bidi(_checked(value, field, label, multiline=False)).strip()
    if not value:
        raise FieldError(field, f"Enter the {label}.")
    return value


def optional_text(text: str | None, field: str, label: str, max_length: int = 20000,
                  multiline: bool | None = None) -> str | None:
    """Optional text; multi-line (tab and newline allowed) unless short (`max_length` 300 or less)."""
    value = (text or "").strip()
    if len(value) > max_length:
        raise FieldError(field, f"The {label} is too long ({len(value)} characters; at most {max_length}).")
    if value:
        value = _checked(value, field, label, max_length > 300 if multiline is None else multiline)
    return value or None


def check_patient_free_text(text: str | None, field: str, label: str) -> str | None:
    """FieldError when a note or reference holds what looks like an NHS or CHI number."""
    try:
        return check_no_patient_number(text, field, label)
    except BadInput as exc:
        raise FieldError(field, f"{exc.message} {exc.what_to_do}".strip()) from None


def check_age_range(min_age: int | None, max_age: int | None) -> None:
    for name, v in (("min_age", min_age), ("max_age", max_age)):
        if v is not None and not 0 <= v <= 120:
            raise FieldError(name, "Ages must be between 0 and 120.")
    if min_age is not None and max_age is not None and min_age > max_age:
        raise FieldError("max_age", f"The maximum age ({max_age}) is below the minimum age ({min_age}).")


_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]?([0-5]\d)$")


def normalise_time(text: str, field: str = "time") -> str:
    m = _TIME.match((text or "").strip())
    if not m:
        raise FieldError(field, f"“{text}” is not a time: use the 24-hour clock, e.g. 09:30 or 14:00.")
    return f"{int(m.group(1)):02d}:{m.group(2)}"
