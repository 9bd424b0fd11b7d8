"""The neutral form of directory data moving in or out of sp_desktop.

Readers (spreadsheet, Open Referral) produce these records with values already normalised the
way the database stores them (phones in E.164, postcodes spaced, times ``HH:MM``), and the
exporters build them from the database. `fingerprint()` gives the canonical content of a
record, used for the source checksum that tells a feed's own changes from the practice's edits.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sp_desktop.domain.enums import AccessRoute, OrganisationStatus, PhoneType, RegisterKind, ServiceStatus

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """Something wrong or doubtful in the input, said so a person can find and fix it."""

    severity: Severity
    message: str
    row: int | None = None  # spreadsheet row number as Excel shows it
    column: str | None = None  # the column heading (or field name in a feed)
    where: str = ""  # e.g. "services.csv row 4" or "organisation “Age UK”"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def place(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"Row {self.row}")
        if self.where:
            parts.append(self.where)
        if self.column:
            parts.append(self.column)
        return ", ".join(parts)

    def text(self) -> str:
        label = "Error" if self.is_error else "Warning"
        place = self.place
        return f"{label}: {place}: {self.message}" if place else f"{label}: {self.message}"


@dataclass
class PhoneRec:
    number: str
    type: PhoneType = PhoneType.VOICE
    description: str | None = None
    id: str | None = None

    def key(self) -> list[Any]:
        return [self.number, self.type.value, self.description]


@dataclass
class ContactRec:
    name: str
    role: str | None = None
    phone: str | None = None
    email: str | None = None
    id: str | None = None

    def key(self) -> list[Any]:
        return [self.name, self.role, self.phone, self.email]


@dataclass
class LocationRec:
    id: str | None = None
    name: str | None = None
    address_1: str | None = None
    address_2: str | None = None
    town: str | None = None
    region: str | None = None
    postcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    accessibility: list[str] = field(default_factory=list)
    accessibility_notes: str | None = None
    transport_notes: str | None = None
    country: str | None = None  # as the source gave it; None when it said none
    #: a refuge or safe house (an address cell starting "Confidential"): see domain.locations
    confidential: bool = False

    def key(self) -> list[Any]:
        key = [self.id, self.name, self.address_1, self.address_2, self.town, self.region, self.postcode,
               self.latitude, self.longitude, list(self.accessibility), self.accessibility_notes,
               self.transport_notes]
        if self.country:  # added later: left out while empty, so earlier checksums still match
            key.append(self.country)
        if self.confidential:  # the same
            key.append("confidential")
        return key

    def make_confidential(self) -> None:
        """The source said the address is confidential: keep nothing of it but the town."""
        self.confidential = True
        self.address_1 = self.address_2 = self.postcode = None
        self.latitude = self.longitude = None

    @property
    def label(self) -> str:
        if self.confidential:
            return "Confidential location" + (f" ({self.town})" if self.town else "")
        return self.name or self.address_1 or self.postcode or self.town or "venue"


@dataclass
class CapacityRec:
    """Whether the service is taking new people (issue 18), as an Open Referral extension: the
    answer ("taking", "waiting_list", "not_taking"), about how many weeks, and when confirmed. Who
    confirmed it (a staff name) never leaves the practice."""

    state: str
    wait_weeks: int | None
    confirmed_on: date


@dataclass
class SlotRec:
    weekday: int  # 0 = Monday
    opens: str | None = None
    closes: str | None = None
    note: str | None = None
    id: str | None = None

    def key(self) -> list[Any]:
        return [self.weekday, self.opens, self.closes, self.note]


@dataclass
class TermRec:
    """A category as a feed names it (HSDS taxonomy_term) or as a spreadsheet cell spells it."""

    id: str
    name: str
    code: str | None = None
    description: str | None = None
    parent_id: str | None = None
    taxonomy: str | None = None  # the taxonomy's name, for people
    taxonomy_id: str | None = None


@dataclass
class ServiceRec:
    name: str
    id: str | None = None
    alternate_name: str | None = None
    description: str | None = None
    url: str | None = None
    email: str | None = None
    eligibility: str | None = None
    min_age: int | None = None
    max_age: int | None = None
    access: list[AccessRoute] = field(default_factory=list)
    application_process: str | None = None
    referral_form_url: str | None = None
    is_free: bool = True
    fee_description: str | None = None
    languages: list[str] = field(default_factory=list)
    interpretation: str | None = None
    bsl: bool = False
    by_phone: bool = False
    online: bool = False
    schedule: list[SlotRec] = field(default_factory=list)
    schedule_notes: str | None = None
    service_area: str | None = None
    status: ServiceStatus = ServiceStatus.ACTIVE
    last_verified_on: date | None = None
    term_ids: list[str] = field(default_factory=list)
    location_ids: list[str] = field(default_factory=list)  # LocationRec.id of the organisation's venues
    phones: list[PhoneRec] = field(default_factory=list)
    contacts: list[ContactRec] = field(default_factory=list)
    row: int | None = None  # spreadsheet row it came from
    # The source said nothing: shown as "Cost not stated" / "Age not stated", never as Free / All ages.
    cost_not_stated: bool = False
    age_not_stated: bool = False
    # What the feed's publisher said about the record (kept apart from the practice's "last checked").
    publisher_assured_on: date | None = None
    publisher_assured_by: str | None = None
    publisher_modified_on: date | None = None
    # A spreadsheet's "Notes" column: the practice's internal note (kept as a trust note, never printed,
    # exported or compared with a feed).
    internal_notes: str | None = None
    # The record's page in the directory it came from (ALISS: its "permalink"), kept with the service.
    source_url: str | None = None
    # Taking new people (issue 18): an extension field, not part of the source checksum.
    capacity: CapacityRec | None = None


@dataclass
class OrgRec:
    name: str
    id: str | None = None
    alternate_name: str | None = None
    description: str | None = None
    website: str | None = None
    email: str | None = None
    legal_status: str | None = None
    register_kind: RegisterKind = RegisterKind.NONE
    registration_number: str | None = None
    phones: list[PhoneRec] = field(default_factory=list)
    contacts: list[ContactRec] = field(default_factory=list)
    locations: list[LocationRec] = field(default_factory=list)
    services: list[ServiceRec] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # spreadsheet rows it came from
    status: OrganisationStatus = OrganisationStatus.ACTIVE  # open, temporarily closed or closed
    # From a neighbouring practice's shared directory: who vetted it and when (never this practice's approval)
    provenance: dict[str, Any] | None = None

    @property
    def key(self) -> str:
        """Stable key for choices made about this organisation (duplicates, conflicts)."""
        if self.id:
            return f"id:{self.id}"
        if self.rows:
            return f"row:{self.rows[0]}"
        return f"name:{self.name}"

    @property
    def postcodes(self) -> set[str]:
        return {loc.postcode for loc in self.locations if loc.postcode}

    @property
    def phone_numbers(self) -> set[str]:
        nums = {p.number for p in self.phones}
        for s in self.services:
            nums.update(p.number for p in s.phones)
        nums.update(c.phone for c in self.contacts if c.phone)
        return nums


@dataclass(frozen=True)
class FileDuplicate:
    """Two organisations in one file that look like the same one: merged only if the person importing says."""

    key: str  # OrgRec.key of the later one (what the choice is about)
    name: str
    rows: tuple[int, ...]
    other_key: str  # OrgRec.key of the one it looks like
    other_name: str
    other_rows: tuple[int, ...]
    reason: str
    score: int


@dataclass
class Feed:
    """Everything read from one file, ready to be matched against the directory."""

    kind: Literal["spreadsheet", "hsds"]
    source_name: str  # the file or folder name, for the audit trail
    organisations: list[OrgRec] = field(default_factory=list)
    terms: dict[str, TermRec] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    suggested_feed_name: str = ""
    records_read: int = 0
    left_out: dict[str, int] = field(default_factory=dict)  # "services.alert" -> records that had it
    whole_row_errors: int = 0  # errors no single field can be left out for (a spreadsheet row without a name)
    shape: str = ""  # what the file was recognised as, e.g. "...API response: 1 page, 738 services"
    file_duplicates: list[FileDuplicate] = field(default_factory=list)  # likely duplicates inside the file

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def service_count(self) -> int:
        return sum(len(o.services) for o in self.organisations)

    @property
    def location_count(self) -> int:
        return sum(len(o.locations) for o in self.organisations)


# --------------------------------------------------------------------------- fingerprints
ORG_FIELDS = ("name", "alternate_name", "description", "website", "email", "legal_status", "register_kind",
              "registration_number")
SERVICE_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "eligibility",
    "min_age",
    "max_age",
    "application_process",
    "referral_form_url",
    "is_free",
    "fee_description",
    "languages",
    "interpretation",
    "bsl",
    "by_phone",
    "online",
    "schedule_notes",
    "service_area",
    "status",
    "last_verified_on",
    "cost_not_stated",
    "age_not_stated",
    "publisher_assured_on",
    "publisher_assured_by",
    "publisher_modified_on",
)
#: Fields added after feeds were first imported: left out of a fingerprint while they hold their default,
#: so checksums taken before they existed still match (and records are not taken for edited here).
_LATER_FIELDS = ("cost_not_stated", "age_not_stated", "publisher_assured_on", "publisher_assured_by",
                 "publisher_modified_on")

#: Plain-English names of what changed, for the "what changed" summary.
FIELD_LABELS = {
    "name": "name", "alternate_name": "other name", "description": "description", "website": "website",
    "email": "email", "legal_status": "legal status", "register_kind": "charity register",
    "registration_number": "registration number", "phones": "phone numbers", "contacts": "contacts",
    "locations": "venues", "url": "web page", "eligibility": "who it is for", "min_age": "minimum age",
    "max_age": "maximum age", "access": "how to get there", "application_process": "how to get in touch",
    "referral_form_url": "referral form", "is_free": "cost", "fee_description": "cost details",
    "languages": "languages", "interpretation": "interpretation", "bsl": "BSL", "by_phone": "by phone",
    "online": "online", "schedule": "opening times", "schedule_notes": "opening notes",
    "service_area": "area covered", "status": "status", "last_verified_on": "last checked",
    "cost_not_stated": "cost not stated", "age_not_stated": "age not stated",
    "publisher_assured_on": "assured by the publisher on", "publisher_assured_by": "assured by",
    "publisher_modified_on": "last changed by the publisher",
    "categories": "categories", "venues": "venues",
}


def _plain(value: Any) -> Any:
    if isinstance(value, (AccessRoute, OrganisationStatus, PhoneType, RegisterKind, ServiceStatus)):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def org_fingerprint(org: OrgRec) -> dict[str, Any]:
    """What the organisation's own record holds (not its services), canonically ordered."""
    fp: dict[str, Any] = {k: _plain(getattr(org, k)) for k in ORG_FIELDS}
    if org.status is not OrganisationStatus.ACTIVE:  # added later: left out while active (earlier checksums)
        fp["status"] = org.status.value
    fp["phones"] = sorted(p.key() for p in org.phones)
    fp["contacts"] = sorted((c.key() for c in org.contacts), key=lambda k: json.dumps(k, default=str))
    fp["locations"] = sorted((loc.key() for loc in org.locations), key=lambda k: json.dumps(k, default=str))
    return fp


def service_fingerprint(svc: ServiceRec, category_codes: list[str]) -> dict[str, Any]:
    fp: dict[str, Any] = {k: _plain(getattr(svc, k)) for k in SERVICE_FIELDS}
    for k in _LATER_FIELDS:
        if not fp[k]:
            del fp[k]
    fp["access"] = sorted(a.value for a in svc.access)
    fp["schedule"] = sorted((s.key() for s in svc.schedule), key=lambda k: json.dumps(k, default=str))
    fp["phones"] = sorted(p.key() for p in svc.phones)
    fp["contacts"] = sorted((c.key() for c in svc.contacts), key=lambda k: json.dumps(k, default=str))
    fp["categories"] = sorted(set(category_codes))
    fp["venues"] = sorted(set(svc.location_ids))
    return fp


def checksum(fingerprint: dict[str, Any]) -> str:
    text = json.dumps(fingerprint, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Plain-English names of the fields that differ between two fingerprints."""
    keys = [*new, *(k for k in old if k not in new)]
    return [FIELD_LABELS.get(k, k.replace("_", " ")) for k in keys if old.get(k) != new.get(k)]


# --------------------------------------------------------------------------- screening stored text
#: Record fields that are multi-line (tab and newline kept); every other text field is one line.
MULTILINE_FIELDS = frozenset({"internal_notes", "description", "eligibility", "application_process",
                              "fee_description", "interpretation", "schedule_notes", "accessibility_notes",
                              "transport_notes"})
_FOLD_LINES = str.maketrans({"\t": " ", "\r": " ", "\n": " "})


_SKIP_SCREEN = frozenset({"id", "row", "rows", "term_ids", "location_ids"})


def _screen(rec: Any, problems: list[Problem], row: int | None, where: str) -> None:
    """Every text field of `rec` checked (`check_text`), one-line fields folded onto one line, bidi
    controls taken out of names. The checks are those of `check_text`, run on every value; the
    call (and the field's label, needed only for a message) is made only for a value that the
    same patterns find something in, as that is where it can refuse or change anything."""
    from sp_desktop.domain.errors import BadInput
    from sp_desktop.domain.text import _ALWAYS_BAD, _SINGLE_LINE_BAD, _SURROGATE, BIDI_CONTROLS, check_text

    for key, value in list(vars(rec).items()):
        if value is None or key in _SKIP_SCREEN:
            continue
        is_list = isinstance(value, list)
        if not is_list and not isinstance(value, str):
            continue
        values = value if is_list else [value]
        multiline = key in MULTILINE_FIELDS
        bad_chars = _ALWAYS_BAD if multiline else _SINGLE_LINE_BAD
        is_name = key.endswith("name")
        cleaned: list[Any] = []
        for v in values:
            if not isinstance(v, str):
                cleaned.append(v)
                continue
            if not multiline and ("\t" in v or "\r" in v or "\n" in v):
                v = " ".join(v.translate(_FOLD_LINES).split())
            if (multiline and "\r" in v) or bad_chars.search(v) or _SURROGATE.search(v):
                label = FIELD_LABELS.get(key, key.replace("_", " "))
                try:
                    v = check_text(v, key, label, multiline=multiline) or v
                except BadInput as exc:
                    message = f"{exc.message} {exc.what_to_do}".strip()
                    problems.append(Problem("error", message, row, label, where))
            if is_name and BIDI_CONTROLS.search(v):
                v = BIDI_CONTROLS.sub("", v)
            cleaned.append(v)
        if cleaned != values:
            setattr(rec, key, cleaned if is_list else cleaned[0])


def screen_feed(feed: Feed) -> Feed:
    """Refuse (as row errors) control characters and broken characters in every text field of `feed`,
    fold line breaks out of one-line fields and remove bidi overrides from names (`domain.text`).
    Idempotent: a second call finds nothing new to report."""
    if getattr(feed, "_screened", False):
        return feed
    problems: list[Problem] = []
    for org in feed.organisations:
        row = org.rows[0] if org.rows else None
        where = "" if row is not None else f"organisation “{org.name[:80]}”"
        _screen(org, problems, row, where)
        for sub in [*org.phones, *org.contacts, *org.locations]:
            _screen(sub, problems, row, where)
        for svc in org.services:
            srow = svc.row if svc.row is not None else row
            swhere = "" if srow is not None else f"service “{svc.name[:80]}”"
            _screen(svc, problems, srow, swhere)
            for sub in [*svc.phones, *svc.contacts, *svc.schedule]:
                _screen(sub, problems, srow, swhere)
    for term in feed.terms.values():
        _screen(term, problems, None, f"category “{term.name[:80]}”")
    feed.problems.extend(problems)
    feed._screened = True  # type: ignore[attr-defined]
    return feed
