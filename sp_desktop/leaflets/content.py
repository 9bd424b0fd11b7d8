"""What goes on a patient leaflet or booklet: plain frozen values, nothing else.

These dataclasses are the whole contract between the services layer and the renderer. They
deliberately have no field for anything internal (trust notes, contact history, vetting
evidence, referral records, staff names other than an optional chosen signature), so a
leaflet *cannot* carry it: whatever builds these values decides what the patient may see.

Sequences are tuples so values stay hashable and immutable; lists handed in are converted.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

__all__ = [
    "ENGLISH",
    "Booklet",
    "BookletSection",
    "CheckedState",
    "Leaflet",
    "LeafletFormat",
    "LeafletService",
    "LeafletVenue",
    "LeafletWording",
    "PracticeHeader",
    "format_date",
]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_date(value: date) -> str:
    """``12 Mar 2026``: the house date style, independent of the machine's locale."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def _tuplify(obj: Any) -> None:
    """Convert list fields of a frozen dataclass to tuples (nested pairs too)."""
    for f in fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, list):
            value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
            object.__setattr__(obj, f.name, value)


class LeafletFormat(enum.Enum):
    """Paper formats. All follow RNIB Clear Print (left-aligned, no italics, generous spacing)."""

    STANDARD = "standard"
    LARGE = "large"
    COMPACT = "compact"

    @property
    def label(self) -> str:
        return {
            LeafletFormat.STANDARD: "Standard (A4)",
            LeafletFormat.LARGE: "Large print (A4)",
            LeafletFormat.COMPACT: "Compact (A5 card, both sides, one service)",
        }[self]

    @property
    def min_body_pt(self) -> float:
        """The smallest text size allowed anywhere on the page, in points: 14 pt (RNIB Clear
        Print) for the standard leaflet and the compact A5 card, 18 pt for large print. The card
        is printed on both sides: at 14 pt a described service does not fit one A5 side, and a
        smaller size would not be Clear Print."""
        return 18.0 if self is LeafletFormat.LARGE else 14.0

    @property
    def max_services(self) -> int | None:
        """How many services fit this format (None: no limit)."""
        return 1 if self is LeafletFormat.COMPACT else None

    @property
    def paper(self) -> str:
        return "A5" if self is LeafletFormat.COMPACT else "A4"


class CheckedState(enum.Enum):
    """What the leaflet may truthfully say about the practice's check of a service.

    Decided by the services layer (``services.leaflets``) from the one leaflet rule; the renderer
    only words it. The default everywhere is ``NOT_CHECKED``: a value nobody decided never
    claims a check (fail closed)."""

    CHECKED = "checked"
    """Approved organisation, details confirmed within the practice's review interval."""
    STALE = "stale"
    """Approved, but the details were last confirmed longer ago than the review interval."""
    NOT_CHECKED = "not_checked"
    """Printed on a clinician's override (not approved, never vetted, suspended ...)."""


@dataclass(frozen=True)
class LeafletWording:
    """Every fixed phrase a leaflet or booklet prints, in one language.

    English is the default (``ENGLISH``); a practice can keep a table per language (Settings,
    ``services.leaflet_language``). ``{date}``, ``{page}``, ``{total}``, ``{name}`` are filled
    in. No machine translation: a phrase is what a person typed.
    """

    language: str = "en-GB"
    title: str = "Support that might help you"
    for_label: str = "For:"
    run_by: str = "Run by {name}"
    what_it_is: str = "What it is"
    who_it_is_for: str = "Who it is for"
    cost: str = "Cost"
    how_to_get_in_touch: str = "How to get in touch"
    when_and_where: str = "When and where"
    phone: str = "Phone"
    email: str = "Email:"
    website: str = "Website:"
    qr_hint: str = "Or scan the square code with a phone camera."
    qr_full: str = "Scan the square code with a phone camera for the full web address."
    access: str = "Access:"
    getting_there: str = "Getting there:"
    referred: str = ("We have referred you to this service, so they should get in touch with you. "
                     "You can also contact them yourself.")
    checked: str = "Checked by the practice on {date}."
    stale: str = "The practice last confirmed these details on {date}. Please phone before you go."
    never_confirmed: str = "The practice has not confirmed these details yet. Please phone before you go."
    not_checked: str = "The practice has not checked this service. Please phone before you go."
    footer: str = "Ask at reception if you would like this in large print or another format."
    footer_large: str = ("Ask at reception if you would like this in another format, such as audio, "
                         "Braille, easy read or another language.")
    printed: str = "Printed {date}"
    quote_reference: str = "Tell them the practice sent you: quote {reference}."
    page: str = "Page {page} of {total}"
    continued: str = "(continued)"
    in_english: str = "(in English: no translation yet)"
    contents: str = "Contents"
    index: str = "Index of organisations"
    index_note: str = "The numbers are the pages where each organisation appears."

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        """The phrase names (everything but ``language``), in table order."""
        return tuple(f.name for f in fields(cls) if f.name != "language")


ENGLISH = LeafletWording()


@dataclass(frozen=True)
class PracticeHeader:
    """The practice's own details, printed at the top of every leaflet."""

    name: str
    address_lines: tuple[str, ...] = ()
    phone: str | None = None
    logo_png: bytes | None = None

    def __post_init__(self) -> None:
        _tuplify(self)


@dataclass(frozen=True)
class LeafletVenue:
    """A place where a service runs."""

    name: str | None
    address_lines: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    """Short facts such as "Step-free entrance", "Hearing loop"."""
    accessibility_notes: str | None = None
    transport_notes: str | None = None

    def __post_init__(self) -> None:
        _tuplify(self)


@dataclass(frozen=True)
class LeafletService:
    """One service as a patient should read about it."""

    service_name: str
    organisation_name: str
    description: str | None = None
    who_for: str | None = None
    cost: str | None = None
    how_to_get_in_touch: tuple[str, ...] = ()
    """Plain sentences, e.g. "You can ring them yourself", "Just drop in"."""
    phones: tuple[tuple[str, str], ...] = ()
    """(label, number as people write it), e.g. ("Helpline", "0800 123 4567"); label may be ""."""
    email: str | None = None
    website: str | None = None
    opening_times: tuple[str, ...] = ()
    """Lines such as "Monday 10:00 to 12:00"."""
    opening_notes: str | None = None
    venues: tuple[LeafletVenue, ...] = ()
    remote_note: str | None = None
    """For services not at a venue, e.g. "By phone and online"."""
    last_verified: date | None = None
    referred_by_practice: bool = False
    checked: CheckedState = CheckedState.NOT_CHECKED
    """What the leaflet may say about the practice's check (see ``CheckedState``)."""
    english_fallback: bool = False
    """The leaflet is in another language but this service has no translation: its own words
    are printed in English and marked so."""

    def __post_init__(self) -> None:
        _tuplify(self)


@dataclass(frozen=True)
class Leaflet:
    """A leaflet for one patient: one or more services and an optional personal note."""

    practice: PracticeHeader
    services: tuple[LeafletService, ...]
    printed_on: date
    personal_note: str | None = None
    staff_signature: str | None = None
    """Shown under the personal note only when the person printing chose to sign it."""
    title: str = "Support that might help you"
    language: str = "en-GB"
    wording: LeafletWording = ENGLISH
    reference: str | None = None
    """The leaflet's own short reference (``K7M-2QX``), given when it leaves the practice
    (services/references.py): random, nothing about the patient. None on a preview."""

    def __post_init__(self) -> None:
        _tuplify(self)


@dataclass(frozen=True)
class BookletSection:
    """One category of a booklet. Services are printed in alphabetical order."""

    category_name: str
    services: tuple[LeafletService, ...] = ()

    def __post_init__(self) -> None:
        _tuplify(self)


@dataclass(frozen=True)
class Booklet:
    """A booklet of services by category, for the waiting room or a newsletter.

    Sections are printed in the order given; empty sections are left out.
    """

    practice: PracticeHeader
    title: str
    sections: tuple[BookletSection, ...]
    printed_on: date
    language: str = "en-GB"
    introduction: str | None = field(default=None)
    wording: LeafletWording = ENGLISH

    def __post_init__(self) -> None:
        _tuplify(self)

    @property
    def service_count(self) -> int:
        return sum(len(s.services) for s in self.sections)
