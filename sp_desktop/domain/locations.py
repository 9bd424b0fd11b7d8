"""The public view of a location: the ONE place that decides what of a venue may leave the practice.

A confidential location (a refuge, a safe house) keeps its street, postcode and map position in
the database for the practice's clinicians and vetting lead, but nothing that leaves the practice
or reaches the front desk may carry them: leaflets (PDF, accessible HTML, plain text, SMS),
booklets, Open Referral JSON and data packages, the Excel CSV, reports, the shared directory.
Every one of those outputs calls `public_location()` and uses what it returns, never the row
itself. For a confidential location that is the town and region (the general area, so a
patient knows roughly where), the step-free/hearing-loop facts, and the words
"Address given when you phone" in place of the address. The venue's own name and its free-text
notes (access, how to get there) are withheld too: they name or describe the place.

Qt-free and database-free: it takes any object with the location's attributes (an ORM row, a
`LocationInfo`, an interop `LocationRec`) so every layer can call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: What a leaflet (and any other output) says in place of a confidential location's address.
ADDRESS_ON_REQUEST = "Address given when you phone"

#: The first address line an export writes for a confidential location: it tells the reader why there
#: is no address, and it marks the venue confidential again when the file is imported (here or elsewhere).
CONFIDENTIAL_EXPORT_LINE = "Confidential: address given when you phone"

#: What the staff screens call a confidential location (beside its general area).
CONFIDENTIAL_LABEL = "Confidential location"

#: An address cell in a spreadsheet import that starts with this word (any case) marks the
#: venue confidential; nothing else in the cell is stored.
CONFIDENTIAL_PREFIX = "confidential"


@dataclass(frozen=True)
class PublicLocation:
    """What of a location may be shown outside the practice / to the front desk."""

    name: str | None
    address_1: str | None
    address_2: str | None
    town: str | None
    region: str | None
    postcode: str | None
    latitude: float | None
    longitude: float | None
    accessibility: tuple[str, ...]
    accessibility_notes: str | None
    transport_notes: str | None
    confidential: bool

    @property
    def address_lines(self) -> tuple[str, ...]:
        """The lines to print: the real ones, or the general area and "Address given when you phone"."""
        if self.confidential:
            return tuple(x for x in (self.town, ADDRESS_ON_REQUEST) if x)
        return tuple(x for x in (self.address_1, self.address_2, self.town, self.postcode) if x)


def _text(value: Any) -> str | None:
    text = (value or "").strip() if isinstance(value, str) else None
    return text or None


def public_location(loc: Any) -> PublicLocation:
    """The public view of `loc` (anything with the location attributes; missing ones count as empty).

    Not confidential: every public field as stored. Confidential: no name, street, postcode,
    map position or free-text notes; the town and region and the accessibility facts stay."""
    confidential = bool(getattr(loc, "confidential", False))
    accessibility = tuple(str(a) for a in (getattr(loc, "accessibility", None) or ()) if a)
    town, region = _text(getattr(loc, "town", None)), _text(getattr(loc, "region", None))
    if confidential:
        return PublicLocation(None, None, None, town, region, None, None, None, accessibility, None, None,
                              True)
    return PublicLocation(
        _text(getattr(loc, "name", None)), _text(getattr(loc, "address_1", None)),
        _text(getattr(loc, "address_2", None)), town, region, _text(getattr(loc, "postcode", None)),
        getattr(loc, "latitude", None), getattr(loc, "longitude", None), accessibility,
        _text(getattr(loc, "accessibility_notes", None)), _text(getattr(loc, "transport_notes", None)), False)


def is_confidential_address(cell: str | None) -> bool:
    """True for an import's address cell that marks the venue confidential ("Confidential",
    "CONFIDENTIAL - refuge", "Confidential address")."""
    return (cell or "").strip().casefold().startswith(CONFIDENTIAL_PREFIX)


__all__ = ["ADDRESS_ON_REQUEST", "CONFIDENTIAL_EXPORT_LINE", "CONFIDENTIAL_LABEL", "PublicLocation",
           "is_confidential_address", "public_location"]
