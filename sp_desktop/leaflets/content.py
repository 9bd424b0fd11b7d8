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
    "Booklet",
    "BookletSection",
    "Leaflet",
    "LeafletFormat",
    "LeafletService",
    "LeafletVenue",
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
            LeafletFormat.COMPACT: "Compact (A5, one service)",
        }[self]

    @property
    def min_body_pt(self) -> float:
        """The smallest text size allowed anywhere on the page, in points."""
        return 18.0 if self is LeafletFormat.LARGE else 14.0

    @property
    def max_services(self) -> int | None:
        """How many services fit this format (None: no limit)."""
        return 1 if self is LeafletFormat.COMPACT else None

    @property
    def paper(self) -> str:
        return "A5" if self is LeafletFormat.COMPACT else "A4"


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

    def __post_init__(self) -> None:
        _tuplify(self)

    @property
    def service_count(self) -> int:
        return sum(len(s.services) for s in self.sections)
