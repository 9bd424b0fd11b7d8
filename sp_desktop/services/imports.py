"""Importing directory data: spreadsheets and Open Referral feeds, all or nothing.

The use case, in the order the import wizard (and `sp-desktop import`) follows it:

1. `open(path)` reads the file (`LoadedFile`); for a spreadsheet it guesses the column mapping,
   starting from what the practice chose last time.
2. `read_feed(loaded, mapping)` turns it into records with every problem by row and column.
3. `plan(feed, choices)` compares the records with the directory, without changing anything:
   what will be added, what an updated feed changes ("what changed"), records edited here since
   the last import (conflicts: kept unless someone says otherwise), organisations that look like
   ones already in the directory (merge, skip or add), and how the feed's categories map onto
   the practice's own.
4. `commit(feed, choices, progress)` does it in ONE transaction. A problem, or Cancel, rolls all
   of it back, so the database is exactly as it was.

Imported organisations arrive *not vetted*, with the file and date in their history. Nothing an
import does touches vetting decisions, contact history, trust notes or referrals; an updated feed
never overwrites a record edited here unless the person importing chose to.

Local edits are found with `source_checksum`: the checksum of the values as last imported. If
the record's current values no longer give that checksum, someone changed it here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from rapidfuzz import fuzz, process
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session, selectinload

from sp_desktop.db.engine import long_work
from sp_desktop.db.models import (
    AuditEvent,
    Category,
    Contact,
    Location,
    Organisation,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    Setting,
    TrustNote,
    contact_event_person,
    new_uid,
    service_category,
)
from sp_desktop.db.search import sqlite_bulk_index
from sp_desktop.domain.enums import AccessRoute, AuditAction, TrustNoteKind, VettingStatus
from sp_desktop.domain.errors import Refused
from sp_desktop.domain.formatting import show_date
from sp_desktop.interop import feeds, hsds, spreadsheet
from sp_desktop.interop.records import (
    FIELD_LABELS,
    ORG_FIELDS,
    SERVICE_FIELDS,
    ContactRec,
    Feed,
    LocationRec,
    OrgRec,
    PhoneRec,
    Problem,
    ServiceRec,
    SlotRec,
    TermRec,
    changed_fields,
    checksum,
    org_fingerprint,
    screen_feed,
    service_fingerprint,
)
from sp_desktop.interop.textparse import CategoryChoice, CategoryMatcher, normalise_name
from sp_desktop.services import audit
from sp_desktop.services.base import Permission, ServiceContext, require
from sp_desktop.services.tasks import Progress, check

FORMATS = ("auto", "csv", "xlsx", "hsds-json", "hsds-csv")
FORMAT_LABELS = {"csv": "Spreadsheet (CSV)", "xlsx": "Excel workbook", "hsds-json": "Open Referral JSON",
                 "hsds-csv": "Open Referral data package"}
COLUMN_MEMORY_KEY = "import.column_memory"

NEW = "new"
IGNORE = "ignore"
TermTarget = int | Literal["new", "ignore"]
DuplicateChoice = Literal["merge", "skip", "add"]
ConflictChoice = Literal["keep", "take"]

_ACCESS_COLUMNS = {AccessRoute.SELF_REFERRAL: "access_self_referral",
                   AccessRoute.PROFESSIONAL_REFERRAL: "access_professional_referral",
                   AccessRoute.DROP_IN: "access_drop_in", AccessRoute.APPOINTMENT: "access_appointment"}
_CHUNK = 500


class ImportFailed(Refused, ValueError):
    """The file cannot be imported as it is; the message says why and what to do."""


# --------------------------------------------------------------------------- what the UI sees
@dataclass(frozen=True)
class LoadedFile:
    path: Path
    format: str  # csv | xlsx | hsds-json | hsds-csv
    table: spreadsheet.Table | None = None
    mapping: dict[int, str] = field(default_factory=dict)
    feed: Feed | None = None

    @property
    def is_spreadsheet(self) -> bool:
        return self.table is not None


@dataclass(frozen=True)
class TermChoice:
    term_id: str
    name: str
    taxonomy: str | None
    service_count: int
    target: TermTarget  # what will happen unless someone changes it
    suggestion_label: str  # "Debt advice" / "new category" / "left out"


@dataclass(frozen=True)
class DuplicateMatch:
    """An organisation in the file that looks like one already in the directory, or (`in_file`) like another
    in the same file. Nothing is merged until the person importing chooses (`choice` None: not chosen yet)."""

    key: str  # OrgRec.key
    name: str  # as in the file
    rows: tuple[int, ...]
    existing_id: int | None  # None for a duplicate inside the file
    existing_name: str
    score: int
    reason: str
    choice: DuplicateChoice | None
    details: str = ""  # what the file says (venues, phones, services), to compare side by side
    existing_details: str = ""  # what the directory (or the other row of the file) says
    in_file: bool = False

    @property
    def decided(self) -> bool:
        return self.choice is not None

    def describe_existing(self) -> str:
        return f"“{self.existing_name}” (" + ("this file)" if self.in_file else "in the directory)")


@dataclass(frozen=True)
class FieldChange:
    """One field an updated feed changed: our value and theirs, whether someone here edited it since the last
    import, and what will happen (keep ours unless the person importing takes theirs)."""

    record_key: str  # "org:12" / "service:34"
    entity: str  # organisation | service
    name: str
    organisation: str
    field: str  # the record field ("description", "phones"...)
    label: str  # in plain words
    ours: str
    theirs: str
    edited_here: bool
    choice: ConflictChoice

    @property
    def key(self) -> str:
        """What `ImportChoices.fields` is keyed by."""
        return f"{self.record_key}|{self.field}"

    def describe(self) -> str:
        edited = " (edited here since the last import)" if self.edited_here else ""
        will = "take theirs" if self.choice == "take" else "keep ours"
        return f"{self.label}{edited}: “{self.ours}” → “{self.theirs}”: {will}"


@dataclass(frozen=True)
class Change:
    kind: str  # add | update | unchanged | conflict | merge | skip | missing
    entity: str  # organisation | service
    name: str
    organisation: str
    fields: tuple[str, ...] = ()
    key: str = ""  # for conflicts: what `ImportChoices.conflicts` is keyed by
    existing_id: int | None = None
    choice: str = ""
    field_changes: tuple[FieldChange, ...] = ()  # for updates and conflicts: each field, old -> new

    def describe(self) -> str:
        what = f"{self.entity} “{self.name}”"
        if self.entity == "service" and self.organisation:
            what += f" ({self.organisation})"
        changed = ", ".join(self.fields)
        return {
            "add": f"New {what}",
            "update": f"Updated {what}: {changed}",
            "unchanged": f"No change to {what}",
            "conflict": f"Changed in the feed ({changed}) and also edited here: {what}",
            "merge": f"Merged into the existing {what}",
            "skip": f"Left out {what}",
            "missing": f"No longer in the feed: {what}",
            "undecided": f"Looks like one already in the directory (choose merge, leave out or add): {what}",
        }[self.kind]


@dataclass
class ImportChoices:
    """What the person importing decided. Anything not named takes the default."""

    terms: dict[str, TermTarget] = field(default_factory=dict)
    duplicates: dict[str, DuplicateChoice] = field(default_factory=dict)
    conflicts: dict[str, ConflictChoice] = field(default_factory=dict)  # a whole record: every field
    fields: dict[str, ConflictChoice] = field(default_factory=dict)  # FieldChange.key -> keep | take
    default_duplicate: DuplicateChoice | None = None  # None: each likely duplicate needs a choice
    default_conflict: ConflictChoice = "keep"  # "take": every changed field, edited here or not
    # Fields an updated feed changed that nobody here edited: kept ("keep", the default: nothing changes
    # without the person's say) or taken ("take_unedited").
    default_field: Literal["keep", "take_unedited"] = "keep"

    def field_choice(self, record_key: str, field_name: str, edited_here: bool) -> ConflictChoice:
        chosen = self.fields.get(f"{record_key}|{field_name}") or self.conflicts.get(record_key)
        if chosen is not None:
            return chosen
        if self.default_conflict == "take" or (self.default_field == "take_unedited" and not edited_here):
            return "take"
        return "keep"
    unmatched_terms: Literal["new", "ignore"] = "new"
    archive_missing: bool = False
    feed_name: str | None = None
    remember_columns: dict[str, str] | None = None  # header -> field, saved when the import succeeds
    # How people get to services whose source does not say: nothing unless the person importing chooses.
    assume_access: AccessRoute | None = None


@dataclass(frozen=True)
class ImportPlan:
    feed: Feed
    feed_name: str
    terms: tuple[TermChoice, ...]
    duplicates: tuple[DuplicateMatch, ...]
    changes: tuple[Change, ...]
    new_categories: tuple[str, ...]
    without_access: int = 0  # services whose source does not say how people get to them
    assumed_access: AccessRoute | None = None

    @property
    def problems(self) -> list[Problem]:
        return self.feed.problems

    @property
    def has_errors(self) -> bool:
        return bool(self.feed.errors)

    @property
    def conflicts(self) -> list[Change]:
        return [c for c in self.changes if c.kind == "conflict"]

    @property
    def field_changes(self) -> list[FieldChange]:
        return [f for c in self.changes for f in c.field_changes]

    @property
    def undecided(self) -> list[DuplicateMatch]:
        """Likely duplicates nobody has said what to do with yet: the import waits for a choice."""
        return [d for d in self.duplicates if not d.decided]

    def count(self, kind: str, entity: str | None = None) -> int:
        return sum(1 for c in self.changes if c.kind == kind and (entity is None or c.entity == entity))

    def summary_lines(self) -> list[str]:
        f = self.feed
        lines = [
            f"Read {f.source_name}: {_n(len(f.organisations), 'organisation')}, "
            f"{_n(f.service_count, 'service')}, {_n(f.location_count, 'venue')}."
        ]
        if f.shape:
            lines.insert(0, f"Recognised {f.shape}.")
        repaired: Counter[str] = Counter()
        for p in f.problems:
            if p.message.startswith("repaired: "):
                column = (p.column or "").lower()
                repaired["e-mail address" if "mail" in column else "phone number" if "phone" in column
                         else "web address"] += 1
        if repaired:
            lines.append("Repaired (each is listed below): " + ", ".join(
                _n(n, what, what + "es" if what.endswith("s") else None)
                for what, n in sorted(repaired.items())) + ".")
        if f.left_out:
            lines.append("Left out, as sp_desktop has nowhere to keep them (field: records): " + ", ".join(
                f"{name} ({n:,})" for name, n in f.left_out.items()) + ".")
        left_out = [p for p in f.problems if p.is_error or "left out" in p.message.lower()]
        if left_out and not f.errors:
            lines.append(f"{_n(len(left_out), 'item')} left out (each is listed below with the reason).")
        if f.errors:
            lines.append(f"{_n(len(f.errors), 'problem')} must be fixed before anything can be imported.")
        if f.warnings:
            lines.append(f"{_n(len(f.warnings), 'warning')}: imported as described.")
        parts = []
        for kind, label in (
            ("add", "to add"),
            ("update", "to update"),
            ("merge", "to merge into ones already in the directory"),
            ("unchanged", "unchanged"),
            ("skip", "to leave out"),
            ("conflict", "changed in the feed and also edited here"),
            ("missing", "no longer in the feed"),
        ):
            orgs, svcs = self.count(kind, "organisation"), self.count(kind, "service")
            if orgs or svcs:
                parts.append(f"{_n(orgs, 'organisation')} and {_n(svcs, 'service')} {label}")
        lines.extend(p[0].upper() + p[1:] + "." for p in parts)
        against = [d for d in self.duplicates if not d.in_file]
        if against:
            n = len(against)
            lines.append(f"{_n(n, 'organisation')} {'looks' if n == 1 else 'look'} like "
                         f"{'one' if n == 1 else 'ones'} already in the directory.")
        inside = [d for d in self.duplicates if d.in_file]
        if inside:
            n = len(inside)
            lines.append(f"{_n(n, 'organisation')} in the file {'looks' if n == 1 else 'look'} like another "
                         "in the same file.")
        fields = self.field_changes
        if fields:
            taking = sum(1 for f in fields if f.choice == "take")
            edited = sum(1 for f in fields if f.edited_here)
            lines.append(f"The feed changed {_n(len(fields), 'field')} of records you have"
                         + (f" ({edited:,} of them edited here since the last import)" if edited else "")
                         + f": each is kept as it is here unless you take the feed's value; taking "
                         f"{taking:,}, keeping {len(fields) - taking:,}.")
        if self.undecided:
            n = len(self.undecided)
            lines.append(f"Choose what to do with {_n(n, 'likely duplicate')} (merge, leave out or add as "
                         "new): nothing is merged without your choice.")
        noted = sum(1 for o in self.feed.organisations for s in o.services if s.internal_notes)
        if noted:
            lines.append(f"{_n(noted, 'note')} from the Notes column will be kept as the practice's internal "
                         "notes (never printed or exported).")
        if self.new_categories:
            lines.append(f"New categories: {', '.join(self.new_categories)}.")
        if self.without_access:
            n = self.without_access
            said = (f"{_n(n, 'service')} {'does' if n == 1 else 'do'} not say how people get to "
                    f"{'it' if n == 1 else 'them'}")
            lines.append(f"{said}: set to “{self.assumed_access.label}”, as you chose." if self.assumed_access
                         else f"{said}: left empty unless you choose a default.")
        return lines


@dataclass(frozen=True)
class ImportResult:
    source_name: str
    feed_name: str
    organisations_added: int = 0
    services_added: int = 0
    organisations_updated: int = 0
    services_updated: int = 0
    merged: int = 0
    skipped: int = 0
    conflicts_kept: int = 0
    categories_added: int = 0
    archived: int = 0
    organisation_ids: tuple[int, ...] = ()

    def describe(self) -> str:
        parts = [
            f"{_n(self.organisations_added, 'organisation')} and {_n(self.services_added, 'service')} added"
        ]
        if self.organisations_updated or self.services_updated:
            parts.append(f"{_n(self.organisations_updated, 'organisation')} and "
                         f"{_n(self.services_updated, 'service')} updated")
        if self.merged:
            parts.append(f"{_n(self.merged, 'organisation')} merged into existing ones")
        if self.skipped:
            parts.append(f"{_n(self.skipped, 'organisation')} left out")
        if self.conflicts_kept:
            parts.append(f"{_n(self.conflicts_kept, 'record')} edited here kept as they were")
        if self.categories_added:
            parts.append(f"{_n(self.categories_added, 'category', 'categories')} added")
        if self.archived:
            parts.append(f"{_n(self.archived, 'record')} no longer in the feed archived")
        return f"Imported {self.source_name}: " + "; ".join(parts) + ". New organisations are not vetted yet."


def _n(count: int, word: str, plural: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (plural or word + 's')}"


# --------------------------------------------------------------------------- file formats
def detect_format(path: Path) -> str:
    path = Path(path)
    if path.is_dir():
        return "hsds-csv"
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "hsds-json"
    if suffix == ".zip":
        return "hsds-csv"
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return "xlsx"
    if suffix == ".csv":
        names = {n.lower() for n in hsds._file_names("organization")}
        if path.name.lower() in names or (path.parent / "datapackage.json").exists():
            return "hsds-csv"
    return "csv"


def _without_access(feed: Feed) -> int:
    return sum(1 for o in feed.organisations for s in o.services if not s.access)


def apply_chosen_defaults(feed: Feed, choices: ImportChoices) -> Feed:
    """The feed with the defaults the person importing chose (never any other): services that do not say
    how people get to them get `choices.assume_access`."""
    route = choices.assume_access
    if route is None or not _without_access(feed):
        return feed
    orgs = [replace(o, services=[replace(s, access=[route]) if not s.access else s for s in o.services])
            for o in feed.organisations]
    return replace(feed, organisations=orgs)


def leave_out_bad_items(feed: Feed) -> Feed:
    """An Open Referral feed with its bad items left out and the rest importable (--skip-bad-rows, or
    "Leave out the items with errors" in the window). The reader already keeps such items out of the
    records (a service without an organisation, an organisation without a name...); their problems stay in
    the report, as warnings that say so, so every item left out is listed with the reason."""
    if not feed.errors:
        return feed
    problems = [Problem("warning", p.message if "left out" in p.message.lower() else f"{p.message} Left out.",
                        p.row, p.column, p.where) if p.is_error else p for p in feed.problems]
    return replace(feed, problems=problems)


# --------------------------------------------------------------------------- reading the directory
def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _categories(s: Session) -> tuple[list[CategoryChoice], dict[int, Category]]:
    cats = s.scalars(select(Category).order_by(Category.sort_order, Category.name)).all()
    by_id = {c.id: c for c in cats}
    choices = [CategoryChoice(c.id, c.code, c.name, by_id[c.parent_id].name if c.parent_id in by_id else None)
               for c in cats if not c.archived]
    return choices, by_id


def org_record(s: Session, org: Organisation) -> OrgRec:
    """The organisation's current values in record form (for checksums and exports)."""
    phones = s.scalars(select(Phone).where(Phone.organisation_id == org.id, Phone.service_id.is_(None),
                                           Phone.location_id.is_(None), Phone.contact_id.is_(None))
                       .order_by(Phone.id)).all()
    contacts = s.scalars(
        select(Contact)
        .where(Contact.organisation_id == org.id, Contact.service_id.is_(None))
        .order_by(Contact.name, Contact.uid)
    ).all()
    locations = s.scalars(select(Location).where(Location.organisation_id == org.id)
                          .order_by(Location.name, Location.uid)).all()
    return OrgRec(
        name=org.name, id=org.source_id, alternate_name=org.alternate_name, description=org.description,
        website=org.website, email=org.email, legal_status=org.legal_status, register_kind=org.register_kind,
        registration_number=org.registration_number, status=org.status,
        phones=[PhoneRec(p.number, p.type, p.description, p.uid) for p in phones],
        contacts=[ContactRec(c.name, c.role, c.phone, c.email, c.uid) for c in contacts],
        locations=[location_record(loc, loc.source_id) for loc in locations])


def location_record(loc: Location, rec_id: str | None) -> LocationRec:
    return LocationRec(rec_id, loc.name, loc.address_1, loc.address_2, loc.town, loc.region, loc.postcode,
                       loc.latitude, loc.longitude, list(loc.accessibility or []), loc.accessibility_notes,
                       loc.transport_notes, loc.country, bool(loc.confidential))


def service_record(
    s: Session, svc: Service, location_ids: Mapping[int, str | None]
) -> tuple[ServiceRec, list[str]]:
    """(record, category codes) of a service's current values.

    `location_ids` maps Location.id -> record id."""
    rec = ServiceRec(name=svc.name, id=svc.source_id)
    for key in SERVICE_FIELDS:
        if key != "name":
            value = getattr(svc, key)
            setattr(rec, key, list(value or []) if key == "languages" else value)
    rec.access = [a for a, col in _ACCESS_COLUMNS.items() if getattr(svc, col)]
    rec.schedule = [SlotRec(x.weekday, x.opens_at, x.closes_at, x.note, x.uid) for x in svc.schedules]
    rec.phones = [PhoneRec(p.number, p.type, p.description, p.uid) for p in svc.phones]
    rec.contacts = [ContactRec(c.name, c.role, c.phone, c.email, c.uid) for c in svc.contacts]
    sal_ids = s.scalars(
        select(ServiceAtLocation.location_id).where(ServiceAtLocation.service_id == svc.id)
    ).all()
    rec.location_ids = [location_ids.get(i) or "" for i in sal_ids]
    return rec, [c.code for c in svc.categories]


# --------------------------------------------------------------------------- analysis (plan and commit)
@dataclass
class _Term:
    term: TermRec
    target: TermTarget
    category_id: int | None = None  # existing
    new_code: str | None = None
    new_parent_term: str | None = None
    services: int = 0

    @property
    def code(self) -> str | None:
        return self.new_code if self.target == NEW else None


@dataclass
class _Svc:
    rec: ServiceRec
    action: str  # add | update | unchanged | conflict | merge
    existing_id: int | None = None
    checksum: str = ""
    fields: list[str] = field(default_factory=list)
    stale_checksum: bool = False  # unchanged, but the checksum kept is of older values (e.g. before 0009)
    changes: list[tuple[str, Any, Any, bool]] = field(default_factory=list)  # (field, ours, theirs, edited)


@dataclass
class _Org:
    rec: OrgRec
    action: str  # add | update | unchanged | conflict | merge | skip
    existing_id: int | None = None
    checksum: str = ""
    fields: list[str] = field(default_factory=list)
    services: list[_Svc] = field(default_factory=list)
    duplicate: DuplicateMatch | None = None
    changes: list[tuple[str, Any, Any, bool]] = field(default_factory=list)  # (field, ours, theirs, edited)


@dataclass
class _Analysis:
    feed_name: str
    terms: dict[str, _Term]
    orgs: list[_Org]
    missing: list[tuple[str, int, str, str]]  # (entity, id, name, organisation name)
    category_codes: dict[int, str]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalise_name(text)).strip("-")[:70] or "category"


#: The audit trail's names for record fields (edits here) -> the fingerprint's.
_AUDIT_FIELDS = {"opening times": "schedule", "venues": "venues", "locations": "locations",
                 "phones": "phones", "categories": "categories", "contacts": "contacts"}


def _show_value(key: str, value: Any) -> str:
    """A fingerprint value in words, for the old -> new preview."""
    from sp_desktop.domain.validators import display_phone

    if value is None or value == [] or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key == "phones":
        return "; ".join(display_phone(p[0]) + (f" ({p[2]})" if p[2] else "") for p in value)
    if key == "schedule":
        days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        return "; ".join(f"{days[x[0]]} {x[1] or ''}-{x[2] or ''}".strip() for x in value)
    if key == "contacts":
        return "; ".join(" ".join(str(p) for p in c if p) for c in value)
    if key == "locations":
        return "; ".join(", ".join(str(p) for p in loc[1:8] if p) for loc in value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= 300 else text[:299] + "…"


class _Analyser:
    def __init__(self, s: Session, feed: Feed, choices: ImportChoices) -> None:
        self.s = s
        self.feed = feed
        self.choices = choices
        self.cat_choices, self.cats = _categories(s)
        self.matcher = CategoryMatcher(self.cat_choices)

    # ---- categories
    def terms(self) -> dict[str, _Term]:
        feed, choices = self.feed, self.choices
        by_code = {c.code: c for c in self.cats.values()}
        counts: Counter[str] = Counter(
            t for o in feed.organisations for sv in o.services for t in sv.term_ids
        )
        out: dict[str, _Term] = {}
        for tid, term in feed.terms.items():
            target: TermTarget
            existing: Category | None = None
            if tid.startswith("category:") and feed.kind == "spreadsheet":
                existing = by_code.get(tid.split(":", 1)[1])
            elif term.taxonomy_id == hsds.CATEGORY_TAXONOMY["id"] and term.code in by_code:
                existing = by_code[term.code or ""]
            else:
                hit, exact = self.matcher.match(term.name)
                if hit is not None:
                    existing = self.cats[hit.id]
            if existing is not None:
                target = existing.id
            else:
                target = "new" if (feed.kind == "spreadsheet" or choices.unmatched_terms == NEW) else "ignore"
            chosen = choices.terms.get(tid)
            if chosen is not None and (chosen in (NEW, IGNORE) or chosen in self.cats):
                target = chosen
            out[tid] = _Term(term, target, services=counts.get(tid, 0))
        # codes and parents for new categories (deterministic, so plan and commit agree)
        taken = {c.code for c in self.cats.values()}
        for tid in sorted(
            out, key=lambda k: (out[k].term.parent_id is not None, out[k].term.name.lower(), k)
        ):
            t = out[tid]
            if t.target == NEW:
                ours = t.term.taxonomy_id == hsds.CATEGORY_TAXONOMY["id"] and t.term.code
                base = (t.term.code if ours else _slug(t.term.name)) or "category"
                code, n = base[:80], 2
                while code in taken:
                    code = f"{base[:74]}-{n}"
                    n += 1
                taken.add(code)
                t.new_code = code
                if t.term.parent_id and t.term.parent_id in out:
                    t.new_parent_term = t.term.parent_id
            elif isinstance(t.target, int):
                t.category_id = t.target
        return out

    def category_codes(self, terms: Mapping[str, _Term], rec: ServiceRec) -> list[str]:
        codes = []
        for tid in rec.term_ids:
            t = terms.get(tid)
            if t is None or t.target == IGNORE:
                continue
            code = t.new_code if t.target == NEW else self.cats[int(t.target)].code
            if code and code not in codes:
                codes.append(code)
        return codes

    # ---- matching
    def feed_name(self) -> str:
        if self.choices.feed_name:
            return self.choices.feed_name
        ids = [o.id for o in self.feed.organisations if o.id]
        if self.feed.kind == "hsds" and ids:
            seen: Counter[str] = Counter()
            for chunk in _chunks(ids):
                for name in self.s.scalars(select(Organisation.source_feed).where(
                        Organisation.source_id.in_(chunk), Organisation.source_feed.is_not(None))):
                    seen[name or ""] += 1
            if seen:
                return seen.most_common(1)[0][0]
        return (self.feed.suggested_feed_name or self.feed.source_name)[:200]

    def run(self) -> _Analysis:
        terms = self.terms()
        feed_name = self.feed_name()
        ids = [o.id for o in self.feed.organisations if o.id] if self.feed.kind == "hsds" else []
        existing: dict[str, Organisation] = {}
        for chunk in _chunks(ids):
            for org in self.s.scalars(select(Organisation).where(Organisation.source_id.in_(chunk),
                                                                 Organisation.source_feed.is_not(None))):
                existing.setdefault(org.source_id or "", org)
        orgs: list[_Org] = []
        unmatched: list[_Org] = []
        for rec in self.feed.organisations:
            found = existing.get(rec.id or "")
            if found is None:
                item = _Org(rec, "add", services=[_Svc(s, "add") for s in rec.services])
                unmatched.append(item)
            else:
                item = self.compare_org(rec, found, terms)
            orgs.append(item)
        self.find_duplicates(unmatched)
        missing = self.missing(feed_name, existing)
        return _Analysis(feed_name, terms, orgs, missing, {c.id: c.code for c in self.cats.values()})

    def compare_org(self, rec: OrgRec, org: Organisation, terms: Mapping[str, _Term]) -> _Org:
        new_fp = org_fingerprint(rec)
        new_sum = checksum(new_fp)
        current = org_record(self.s, org)
        cur_fp = org_fingerprint(current)
        item = _Org(rec, "unchanged", org.id, new_sum)
        if new_sum != org.source_checksum:
            edited = checksum(cur_fp) != org.source_checksum
            item.fields = changed_fields(cur_fp, new_fp)
            if not item.fields:
                item.action = "unchanged"
            else:
                item.changes = self.field_changes("organisation", org.id, cur_fp, new_fp, edited)
                item.action = "conflict" if any(c[3] for c in item.changes) else "update"
        loc_ids = {loc.id: loc.source_id for loc in self.s.scalars(
            select(Location).where(Location.organisation_id == org.id))}
        services = {sv.source_id: sv for sv in self.s.scalars(
            select(Service).where(Service.organisation_id == org.id, Service.source_id.is_not(None))
            .options(selectinload(Service.categories), selectinload(Service.schedules),
                     selectinload(Service.phones), selectinload(Service.contacts)))}
        for srec in rec.services:
            svc = services.get(srec.id or "")
            if svc is None:
                item.services.append(_Svc(srec, "add"))
                continue
            new_sfp = service_fingerprint(srec, self.category_codes(terms, srec))
            s_sum = checksum(new_sfp)
            sitem = _Svc(srec, "unchanged", svc.id, s_sum)
            sitem.stale_checksum = s_sum != svc.source_checksum
            if s_sum != svc.source_checksum:
                cur_rec, cur_codes = service_record(self.s, svc, loc_ids)
                cur_sfp = service_fingerprint(cur_rec, cur_codes)
                sitem.fields = changed_fields(cur_sfp, new_sfp)
                if sitem.fields:
                    edited = checksum(cur_sfp) != svc.source_checksum
                    sitem.changes = self.field_changes("service", svc.id, cur_sfp, new_sfp, edited)
                    sitem.action = "conflict" if any(c[3] for c in sitem.changes) else "update"
            item.services.append(sitem)
        return item

    def field_changes(self, entity: str, ident: int, ours: Mapping[str, Any], theirs: Mapping[str, Any],
                      edited: bool) -> list[tuple[str, Any, Any, bool]]:
        """(field, ours, theirs, edited here) for each field the feed changed. A field counts as edited here
        when the history has someone here changing it since the record was last imported; when the record
        was edited but the history cannot say which field (older records), every changed field does."""
        keys = [k for k in [*theirs, *(k for k in ours if k not in theirs)] if ours.get(k) != theirs.get(k)]
        touched: set[str] = set()
        if edited:
            last_import = self.s.scalar(select(func.max(AuditEvent.id)).where(
                AuditEvent.entity_type == entity, AuditEvent.entity_id == ident,
                AuditEvent.action == AuditAction.IMPORT))
            q = select(AuditEvent.changes).where(
                AuditEvent.entity_type == entity, AuditEvent.entity_id == ident,
                AuditEvent.action == AuditAction.UPDATE)
            if last_import is not None:
                q = q.where(AuditEvent.id > last_import)
            for changes in self.s.scalars(q):
                for k in (changes or {}):
                    touched.add(_AUDIT_FIELDS.get(k, "access" if k.startswith("access_") else k))
            if entity == "organisation" and "venues" in touched:
                touched.add("locations")  # an organisation's venues are "venues" in its history
            if not touched & set(keys):
                touched = set(keys)  # edited, but not in a way the history names: treat all as edited
        return [(k, ours.get(k), theirs.get(k), k in touched) for k in keys]

    def find_duplicates(self, items: list[_Org]) -> None:
        if not items:
            return
        rows = self.s.execute(select(Organisation.id, Organisation.name)
                              .where(Organisation.archived_at.is_(None))).all()
        if not rows:
            return
        names = [normalise_name(r.name) for r in rows]
        postcodes: dict[int, set[str]] = {}
        for oid, pc in self.s.execute(select(Location.organisation_id, Location.postcode)
                                      .where(Location.postcode.is_not(None))):
            if oid is not None and pc:
                postcodes.setdefault(oid, set()).add(pc)
        phones: dict[int, set[str]] = {}
        for oid, sid, number in self.s.execute(
            select(Phone.organisation_id, Service.organisation_id, Phone.number).outerjoin(
                Service, Service.id == Phone.service_id
            )
        ):
            phones.setdefault(oid or sid, set()).add(number)
        for contact_org, contact_phone in self.s.execute(select(Contact.organisation_id, Contact.phone)
                                          .where(Contact.phone.is_not(None))):
            if contact_org is not None and contact_phone:
                phones.setdefault(contact_org, set()).add(contact_phone)
        service_names: dict[int, list[str]] = {}
        for oid, sname in self.s.execute(select(Service.organisation_id, Service.name)
                                         .where(Service.archived_at.is_(None)).order_by(Service.name)):
            service_names.setdefault(oid, []).append(sname)
        for item in items:
            query = normalise_name(item.rec.name)
            best: DuplicateMatch | None = None
            for _name, score, idx in process.extract(query, names, scorer=fuzz.token_sort_ratio, limit=5,
                                                     score_cutoff=75):
                oid, oname = rows[idx].id, rows[idx].name
                shared_pc = sorted(item.rec.postcodes & postcodes.get(oid, set()))
                shared_ph = sorted(item.rec.phone_numbers & phones.get(oid, set()))
                if shared_pc:
                    reason = f"similar name and the same postcode {shared_pc[0]}"
                elif shared_ph:
                    from sp_desktop.domain.validators import display_phone

                    reason = f"similar name and the same phone number {display_phone(shared_ph[0])}"
                elif score >= 95:
                    reason = "the same or nearly the same name"
                else:
                    continue
                rank = score + (10 if shared_pc or shared_ph else 0)
                if best is None or rank > best.score:
                    choice = self.choices.duplicates.get(item.rec.key, self.choices.default_duplicate)
                    theirs = _details(sorted(postcodes.get(oid, set())), sorted(phones.get(oid, set())),
                                      service_names.get(oid, []))
                    best = DuplicateMatch(item.rec.key, item.rec.name, tuple(item.rec.rows), oid, oname,
                                          int(round(rank)), reason, choice, _rec_details(item.rec), theirs)
            if best is not None:
                item.duplicate = best
                item.existing_id = best.existing_id
                item.action = best.choice or "undecided"
                if item.action == "merge":
                    for sv in item.services:
                        sv.action = "merge"

    def missing(self, feed_name: str, matched: Mapping[str, Organisation]) -> list[tuple[str, int, str, str]]:
        if self.feed.kind != "hsds":
            return []
        in_feed_orgs = {o.id for o in self.feed.organisations if o.id}
        in_feed_svcs = {s.id for o in self.feed.organisations for s in o.services if s.id}
        out: list[tuple[str, int, str, str]] = []
        for org in self.s.scalars(select(Organisation).where(Organisation.source_feed == feed_name,
                                                             Organisation.archived_at.is_(None))):
            if org.source_id not in in_feed_orgs:
                out.append(("organisation", org.id, org.name, ""))
        for svc, oname in self.s.execute(
            select(Service, Organisation.name)
            .join(Organisation, Organisation.id == Service.organisation_id)
            .where(Service.source_feed == feed_name, Service.archived_at.is_(None))
        ):
            if svc.source_id not in in_feed_svcs and svc.organisation.source_id in in_feed_orgs:
                out.append(("service", svc.id, svc.name, oname))
        return out


def _details(postcodes: Sequence[str], phones: Sequence[str], services: Sequence[str]) -> str:
    from sp_desktop.domain.validators import display_phone

    parts = []
    if postcodes:
        parts.append("postcode " + ", ".join(postcodes[:3]))
    if phones:
        parts.append("phone " + ", ".join(display_phone(p) for p in phones[:2]))
    if services:
        parts.append(_n(len(services), "service") + ": " + ", ".join(services[:3])
                     + ("…" if len(services) > 3 else ""))
    return "; ".join(parts) or "no venue, phone or service"


def _rec_details(rec: OrgRec) -> str:
    return _details(sorted(rec.postcodes), sorted(rec.phone_numbers), [s.name for s in rec.services])


def file_duplicates(feed: Feed, choices: ImportChoices) -> list[DuplicateMatch]:
    """The likely duplicates inside the file, with what the person importing chose for each."""
    by_key = {o.key: o for o in feed.organisations}
    out = []
    for d in feed.file_duplicates:
        mine, other = by_key.get(d.key), by_key.get(d.other_key)
        if mine is None or other is None:
            continue
        rows = f" (row {', '.join(map(str, d.other_rows))})" if d.other_rows else ""
        out.append(DuplicateMatch(d.key, d.name, d.rows, None, d.other_name + rows, d.score, d.reason,
                                  choices.duplicates.get(d.key, choices.default_duplicate),
                                  _rec_details(mine), _rec_details(other), in_file=True))
    return out


def apply_file_duplicates(feed: Feed, choices: ImportChoices) -> Feed:
    """The feed with the chosen merges inside the file made: "merge" joins an organisation to the one it looks
    like (services, venues, phones and contacts; blanks filled in), "skip" leaves it out, "add" keeps both.
    Undecided ones are kept apart (the import refuses to write until they are decided). The feed given is not
    changed."""
    chosen = {d.key: d for d in feed.file_duplicates}
    if not chosen:
        return feed
    import copy

    orgs = [copy.deepcopy(o) if o.key in chosen or o.key in {d.other_key for d in chosen.values()} else o
            for o in feed.organisations]
    by_key = {o.key: o for o in orgs}
    gone: set[str] = set()
    merged_into: dict[str, str] = {}
    for d in feed.file_duplicates:
        choice = choices.duplicates.get(d.key, choices.default_duplicate)
        mine = by_key.get(d.key)
        if mine is None or choice not in ("merge", "skip"):
            continue
        gone.add(d.key)
        if choice == "skip":
            continue
        target_key = d.other_key
        while target_key in merged_into:
            target_key = merged_into[target_key]
        target = by_key.get(target_key)
        if target is None or target is mine:
            gone.discard(d.key)
            continue
        merged_into[d.key] = target_key
        for key in ("alternate_name", "description", "website", "email", "legal_status"):
            if not getattr(target, key) and getattr(mine, key):
                setattr(target, key, getattr(mine, key))
        if not target.registration_number and mine.registration_number:
            target.register_kind, target.registration_number = mine.register_kind, mine.registration_number
        have = {p.number for p in target.phones}
        target.phones.extend(p for p in mine.phones if p.number not in have)
        keys = [c.key() for c in target.contacts]
        target.contacts.extend(c for c in mine.contacts if c.key() not in keys)
        venues = {loc.id for loc in target.locations}
        target.locations.extend(loc for loc in mine.locations if loc.id not in venues)
        target.services.extend(mine.services)
        target.rows.extend(mine.rows)
    if not gone:
        return feed
    return replace(feed, organisations=[o for o in orgs if o.key not in gone])


def _plan_from(
    analysis: _Analysis, feed: Feed, choices: ImportChoices, cats: Mapping[int, str]
) -> ImportPlan:
    changes: list[Change] = []

    def fields_of(record_key: str, entity: str, name: str, org_name: str,
                  items: Sequence[tuple[str, Any, Any, bool]]) -> tuple[FieldChange, ...]:
        return tuple(FieldChange(record_key, entity, name, org_name, k,
                                 FIELD_LABELS.get(k, k.replace("_", " ")), _show_value(k, ours),
                                 _show_value(k, theirs), edited,
                                 choices.field_choice(record_key, k, edited))
                     for k, ours, theirs, edited in items)

    for o in analysis.orgs:
        if o.action in ("update", "conflict"):
            key = f"org:{o.existing_id}"
            changes.append(
                Change(
                    o.action,
                    "organisation",
                    o.rec.name,
                    "",
                    tuple(o.fields),
                    key,
                    o.existing_id,
                    choices.conflicts.get(key, choices.default_conflict) if o.action == "conflict" else "",
                    fields_of(key, "organisation", o.rec.name, "", o.changes),
                )
            )
        elif o.action in ("add", "merge", "skip", "unchanged", "undecided"):
            changes.append(Change(o.action, "organisation", o.rec.name, "", (), o.rec.key, o.existing_id))
        if o.action in ("skip", "undecided"):
            continue
        for sv in o.services:
            key = f"service:{sv.existing_id}" if sv.existing_id else ""
            choice = choices.conflicts.get(key, choices.default_conflict) if sv.action == "conflict" else ""
            changes.append(Change(sv.action if o.action != "merge" else "merge", "service", sv.rec.name,
                                  o.rec.name, tuple(sv.fields), key, sv.existing_id, choice,
                                  fields_of(key, "service", sv.rec.name, o.rec.name, sv.changes)
                                  if sv.action in ("update", "conflict") else ()))
    for entity, ident, name, org_name in analysis.missing:
        changes.append(Change("missing", entity, name, org_name, (), f"{entity}:{ident}", ident))
    terms = []
    for tid, t in sorted(analysis.terms.items(), key=lambda kv: kv[1].term.name.lower()):
        if t.target == NEW:
            label = "new category"
        elif t.target == IGNORE:
            label = "left out"
        else:
            label = cats.get(int(t.target), "?")
        terms.append(TermChoice(tid, t.term.name, t.term.taxonomy, t.services, t.target, label))
    new_cats = tuple(t.term.name for t in analysis.terms.values() if t.target == NEW and t.services)
    dups = tuple(o.duplicate for o in analysis.orgs if o.duplicate is not None)
    return ImportPlan(feed, analysis.feed_name, tuple(terms), dups, tuple(changes), new_cats)


# --------------------------------------------------------------------------- the service
class ImportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # ---- reading
    def column_memory(self) -> dict[str, str]:
        with self.ctx.db.read() as s:
            row = s.get(Setting, COLUMN_MEMORY_KEY)
            value = row.value if row is not None else None
            return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    def categories(self) -> list[CategoryChoice]:
        with self.ctx.read() as s:
            return _categories(s)[0]

    def open(self, path: Path | str, fmt: str = "auto", sheet: str | None = None) -> LoadedFile:
        """Read the file (nothing is written). Raises ImportFailed with a message for people."""
        require(self.ctx.actor, Permission.IMPORT)
        path = Path(path)
        if fmt not in FORMATS:
            raise ImportFailed(
                f"“{fmt}” is not a format sp_desktop imports; use one of {', '.join(FORMATS)}."
            )
        if not path.exists():
            raise ImportFailed(f"{path} does not exist.")
        fmt = detect_format(path) if fmt == "auto" else fmt
        try:
            if fmt in ("csv", "xlsx"):
                if path.is_dir():
                    raise ImportFailed(f"{path} is a folder; choose the spreadsheet file itself.")
                table = spreadsheet.read_table(path, sheet)
                mapping = spreadsheet.guess_mapping(table.headers, self.column_memory())
                return LoadedFile(path, fmt, table=table, mapping=mapping)
            return LoadedFile(path, fmt, feed=feeds.read_feed(path))
        except (spreadsheet.SpreadsheetError, hsds.HsdsError, hsds.UnsafeArchive) as exc:
            raise ImportFailed(str(exc)) from None
        except OSError as exc:
            raise ImportFailed(f"{path.name} could not be read: {exc.strerror or exc}.") from None

    def read_feed(self, loaded: LoadedFile, mapping: Mapping[int, str] | None = None, *,
                  create_missing_categories: bool = False, skip_bad_rows: bool = False,
                  skip_bad_fields: bool = False) -> Feed:
        if loaded.feed is not None:
            return screen_feed(leave_out_bad_items(loaded.feed) if skip_bad_rows else loaded.feed)
        assert loaded.table is not None
        try:
            return screen_feed(spreadsheet.feed_from_table(
                loaded.table,
                mapping if mapping is not None else loaded.mapping,
                self.categories(),
                create_missing_categories=create_missing_categories,
                skip_bad_rows=skip_bad_rows,
                skip_bad_fields=skip_bad_fields,
            ))
        except spreadsheet.MappingError as exc:
            raise ImportFailed(str(exc)) from None

    def plan(self, feed: Feed, choices: ImportChoices | None = None) -> ImportPlan:
        """Compare the feed with the directory. Changes nothing."""
        choices = choices or ImportChoices()
        without_access = _without_access(feed)
        inside = file_duplicates(feed, choices)
        feed = apply_file_duplicates(apply_chosen_defaults(feed, choices), choices)
        with long_work("import"), self.ctx.read(Permission.IMPORT) as s:
            analysis = _Analyser(s, feed, choices).run()
            cats = {c.id: c.name for c in s.scalars(select(Category))}
            plan = _plan_from(analysis, feed, choices, cats)
            plan = replace(plan, duplicates=tuple(inside) + plan.duplicates)
            return replace(plan, without_access=without_access, assumed_access=choices.assume_access)

    # ---- writing
    def commit(self, feed: Feed, choices: ImportChoices | None = None,
               progress: Progress | None = None) -> ImportResult:
        """Import in one transaction. Raises ImportFailed (nothing written) while the feed has errors."""
        choices = choices or ImportChoices()
        screen_feed(feed)
        if feed.errors:
            raise ImportFailed(
                f"{len(feed.errors)} problem(s) in {feed.source_name} must be fixed first; nothing "
                "was imported. " + "; ".join(p.text() for p in feed.errors[:3])
            )
        if choices.archive_missing:
            require(self.ctx.actor, Permission.ARCHIVE)
        noted = any(v.internal_notes for o in feed.organisations for v in o.services)
        if self.ctx.actor.id is None and noted:
            raise ImportFailed(
                f"{feed.source_name} has practice notes, which are kept as internal notes signed by the "
                "person importing. Sign in to import it (on the command line: --user \"Your Name\"); "
                "nothing was imported.")
        undecided = [d for d in file_duplicates(feed, choices) if not d.decided]
        feed = apply_file_duplicates(apply_chosen_defaults(feed, choices), choices)
        with long_work("import"), self.ctx.write(Permission.IMPORT) as s:
            check(progress, 0, 1, "Comparing with the directory…")
            analysis = _Analyser(s, feed, choices).run()
            undecided += [o.duplicate for o in analysis.orgs if o.action == "undecided" and o.duplicate]
            if undecided:
                names = "; ".join(f"“{d.name}” looks like {d.describe_existing()}" for d in undecided[:3])
                raise ImportFailed(
                    f"{_n(len(undecided), 'organisation')} {'looks' if len(undecided) == 1 else 'look'} like "
                    f"{'one' if len(undecided) == 1 else 'ones'} you have ({names}"
                    f"{'…' if len(undecided) > 3 else ''}). Say for each whether to merge it, leave it out "
                    "or add it as new (on the command line: --duplicates merge, skip or add); nothing was "
                    "imported.")
            writer = _Writer(s, self.ctx, feed, choices, analysis, progress)
            result = writer.run()
            if choices.remember_columns:
                row = s.get(Setting, COLUMN_MEMORY_KEY)
                memory = dict(row.value) if row is not None and isinstance(row.value, dict) else {}
                memory.update({spreadsheet.memory_key(k): v for k, v in choices.remember_columns.items()})
                if row is None:
                    s.add(Setting(key=COLUMN_MEMORY_KEY, value=memory))
                else:
                    row.value = memory
            check(progress, 1, 1, "Saving…")
            s.flush()
        return result


# --------------------------------------------------------------------------- writing
class _Writer:
    def __init__(
        self,
        s: Session,
        ctx: ServiceContext,
        feed: Feed,
        choices: ImportChoices,
        analysis: _Analysis,
        progress: Progress | None,
    ) -> None:
        self.s = s
        self.ctx = ctx
        self.feed = feed
        self.choices = choices
        self.a = analysis
        self.progress = progress
        self.now = ctx.now()
        self.hsds = feed.kind == "hsds"
        self.category_ids: dict[str, int] = {code: cid for cid, code in analysis.category_codes.items()}
        self.stats: Counter[str] = Counter()
        self.new_org_ids: list[int] = []
        self.taken: dict[type, set[str]] = {}
        fmt = "Open Referral feed" if self.hsds else "spreadsheet"
        self.source_text = f"{feed.source_name} ({fmt}), {show_date(self.now)}"
        self.total = max(1, sum(1 + len(o.services) for o in analysis.orgs))
        self.done = 0

    def tick(self, n: int, text: str) -> None:
        self.done += n
        check(self.progress, min(self.done, self.total), self.total, text)

    # ---- uids: keep a feed's ids where they are UUIDs not used yet
    def uid_for(self, model: type, wanted: str | None) -> str:
        taken = self.taken.setdefault(model, set())
        if wanted and hsds.is_uuid(wanted) and wanted not in taken:
            taken.add(wanted)
            return wanted
        uid = new_uid()
        taken.add(uid)
        return uid

    def reserve_existing(self) -> None:
        """Mark the feed's ids that the database already uses as taken."""
        wanted: dict[type, list[str]] = {Organisation: [], Service: [], Location: [], Phone: [], Schedule: [],
                                         Contact: []}
        for o in self.a.orgs:
            wanted[Organisation].append(o.rec.id or "")
            wanted[Location].extend(loc.id or "" for loc in o.rec.locations)
            wanted[Phone].extend(p.id or "" for p in o.rec.phones)
            wanted[Contact].extend(c.id or "" for c in o.rec.contacts)
            for sv in o.services:
                wanted[Service].append(sv.rec.id or "")
                wanted[Phone].extend(p.id or "" for p in sv.rec.phones)
                wanted[Schedule].extend(x.id or "" for x in sv.rec.schedule)
                wanted[Contact].extend(c.id or "" for c in sv.rec.contacts)
        for model, ids in wanted.items():
            ids = [i for i in ids if i and hsds.is_uuid(i)]
            taken = self.taken.setdefault(model, set())
            for chunk in _chunks(ids):
                taken.update(self.s.scalars(select(model.uid).where(model.uid.in_(chunk))))  # type: ignore[attr-defined]

    # ---- the steps
    def run(self) -> ImportResult:
        if self.hsds:
            self.reserve_existing()
        self.create_categories()
        adds = [o for o in self.a.orgs if o.action == "add"]
        self.bulk_add(adds)
        for o in self.a.orgs:
            if o.action == "merge":
                self.merge(o)
            elif o.action in ("update", "conflict", "unchanged"):
                self.update(o)
            elif o.action == "skip":
                self.stats["skipped"] += 1
                self.tick(1 + len(o.services), "Leaving out duplicates…")
        if self.choices.archive_missing:
            self.archive_missing()
        st = self.stats
        return ImportResult(
            self.feed.source_name,
            self.a.feed_name,
            st["orgs_added"],
            st["services_added"],
            st["orgs_updated"],
            st["services_updated"],
            st["merged"],
            st["skipped"],
            st["conflicts_kept"],
            st["categories_added"],
            st["archived"],
            tuple(self.new_org_ids),
        )

    def create_categories(self) -> None:
        pending = [t for t in self.a.terms.values() if t.target == NEW and t.services]
        needed = {t.term.id for t in pending}
        # parents of used new categories are created too, so the hierarchy survives
        for t in list(pending):
            parent = self.a.terms.get(t.new_parent_term or "")
            if parent is not None and parent.target == NEW and parent.term.id not in needed:
                pending.append(parent)
                needed.add(parent.term.id)
        if pending:
            require(self.ctx.actor, Permission.EDIT_CATEGORIES)
        made: dict[str, Category] = {}
        for t in sorted(pending, key=lambda t: t.new_parent_term is not None):
            parent_id = None
            parent = self.a.terms.get(t.new_parent_term or "")
            if parent is not None:
                if parent.term.id in made:
                    parent_cat: Category | None = made[parent.term.id]
                elif isinstance(parent.target, int):
                    parent_cat = self.s.get(Category, parent.target)
                else:
                    parent_cat = None
                if parent_cat is not None:
                    parent_id = parent_cat.parent_id or parent_cat.id  # the practice's list has two levels
            desc = t.term.description if t.term.description and t.term.description != t.term.name else None
            cat = Category(code=t.new_code, name=t.term.name[:200], description=desc, parent_id=parent_id,
                           sort_order=999)
            self.s.add(cat)
            self.s.flush()
            made[t.term.id] = cat
            self.category_ids[cat.code] = cat.id
            audit.record(self.s, self.ctx, AuditAction.CREATE, "category", cat.id, cat.name,
                         summary=f"added by importing {self.source_text}")
            self.stats["categories_added"] += 1

    def codes_for(self, rec: ServiceRec) -> list[str]:
        codes = []
        for tid in rec.term_ids:
            t = self.a.terms.get(tid)
            if t is None or t.target == IGNORE:
                continue
            code = t.new_code if t.target == NEW else self.a.category_codes.get(int(t.target))
            if code and code not in codes:
                codes.append(code)
        return codes

    # ---- values
    def org_values(self, rec: OrgRec) -> dict[str, Any]:
        return {k: getattr(rec, k) for k in ORG_FIELDS}

    def service_values(self, rec: ServiceRec) -> dict[str, Any]:
        v = {k: getattr(rec, k) for k in SERVICE_FIELDS}
        v["languages"] = list(rec.languages)
        for route, col in _ACCESS_COLUMNS.items():
            v[col] = route in rec.access
        return v

    def location_values(self, loc: LocationRec) -> dict[str, Any]:
        return {"name": loc.name, "address_1": loc.address_1, "address_2": loc.address_2, "town": loc.town,
                "region": loc.region, "postcode": loc.postcode, "latitude": loc.latitude,
                "longitude": loc.longitude, "accessibility": list(loc.accessibility),
                "accessibility_notes": loc.accessibility_notes, "transport_notes": loc.transport_notes,
                "country": loc.country, "source_id": loc.id if self.hsds else None,
                "confidential": bool(loc.confidential)}

    def org_checksum(self, rec: OrgRec) -> str | None:
        return checksum(org_fingerprint(rec)) if self.hsds else None

    def service_checksum(self, rec: ServiceRec) -> str | None:
        return checksum(service_fingerprint(rec, self.codes_for(rec))) if self.hsds else None

    # ---- adding (bulk: 10,000 rows in seconds)
    def bulk_add(self, items: list[_Org]) -> None:
        if not items:
            return
        s, now = self.s, self.now
        stamp = {"created_at": now, "updated_at": now, "version": 1}
        org_rows = []
        for o in items:
            org_rows.append(
                {
                    **self.org_values(o.rec),
                    **stamp,
                    "uid": self.uid_for(Organisation, o.rec.id),
                    "status": o.rec.status,
                    "vetting_status": VettingStatus.NOT_VETTED,
                    "source_feed": self.a.feed_name
                    if self.hsds
                    else f"Spreadsheet {self.feed.source_name}"[:200],
                    "source_id": o.rec.id if self.hsds else None,
                    "source_checksum": self.org_checksum(o.rec),
                    "shared_vetting": o.rec.provenance,  # a neighbour's word, shown as theirs
                }
            )
        org_ids = self.insert_ids(Organisation, org_rows, "Adding organisations…")
        self.new_org_ids.extend(org_ids)
        # venues
        loc_rows, loc_keys = [], []
        for o, oid in zip(items, org_ids, strict=True):
            for loc in o.rec.locations:
                loc_rows.append({**self.location_values(loc), **stamp, "uid": self.uid_for(Location, loc.id),
                                 "organisation_id": oid})
                loc_keys.append((oid, loc.id))
        loc_ids = dict(zip(loc_keys, self.insert_ids(Location, loc_rows, "Adding venues…"), strict=True))
        # services
        svc_rows, svc_owner = [], []
        for o, oid in zip(items, org_ids, strict=True):
            for sv in o.services:
                svc_rows.append(
                    {
                        **self.service_values(sv.rec),
                        **stamp,
                        "uid": self.uid_for(Service, sv.rec.id),
                        "organisation_id": oid,
                        "source_feed": self.a.feed_name if self.hsds else None,
                        "source_id": sv.rec.id if self.hsds else None,
                        "source_checksum": self.service_checksum(sv.rec),
                    }
                )
                svc_owner.append((oid, o, sv))
        # On SQLite every insert into service, service_at_location and service_category rebuilds that
        # service's search-index rows (triggers from migrations 0001 and 0003), row by row. The services
        # get their ids up front, so they are inserted (after their venues and categories: foreign keys
        # checked at commit) without those triggers and then indexed in one statement per index table
        # (search.sqlite_bulk_index), in the same transaction.
        services_last = self.ctx.db.is_sqlite
        if services_last:
            s.execute(text("PRAGMA defer_foreign_keys = ON"))
            first = (s.scalar(select(func.max(Service.id))) or 0) + 1
            svc_ids = list(range(first, first + len(svc_rows)))
            for row, sid in zip(svc_rows, svc_ids, strict=True):
                row["id"] = sid
        else:
            svc_ids = self.insert_ids(Service, svc_rows, "Adding services…")
        # children
        phones, schedules, contacts, sals, cats = [], [], [], [], []
        capacities: list[dict[str, Any]] = []
        for o, oid in zip(items, org_ids, strict=True):
            phones.extend(self.phone_rows(o.rec.phones, organisation_id=oid))
            contacts.extend(self.contact_rows(o.rec.contacts, stamp, organisation_id=oid, service_id=None))
        for (oid, _o, sv), sid in zip(svc_owner, svc_ids, strict=True):
            rec = sv.rec
            phones.extend(self.phone_rows(rec.phones, service_id=sid))
            contacts.extend(self.contact_rows(rec.contacts, stamp, organisation_id=oid, service_id=sid))
            for slot in rec.schedule:
                schedules.append(
                    {
                        "uid": self.uid_for(Schedule, slot.id),
                        "service_id": sid,
                        "weekday": slot.weekday,
                        "opens_at": slot.opens,
                        "closes_at": slot.closes,
                        "note": slot.note,
                    }
                )
            for lid in dict.fromkeys(rec.location_ids):
                if (oid, lid) in loc_ids:
                    sals.append({"uid": new_uid(), "service_id": sid, "location_id": loc_ids[(oid, lid)]})
            for code in self.codes_for(rec):
                if code in self.category_ids:
                    cats.append({"service_id": sid, "category_id": self.category_ids[code]})
            if rec.capacity is not None and rec.capacity.confirmed_on <= now.date():  # issue 18
                capacities.append({"service_id": sid, "state": rec.capacity.state,
                                   "wait_weeks": rec.capacity.wait_weeks,
                                   "confirmed_on": rec.capacity.confirmed_on,
                                   "confirmed_by": f"the {self.feed.source_name} feed"[:120],
                                   "contact_event_id": None, "recorded_at": now})
        for model, rows in ((Phone, phones), (Schedule, schedules), (Contact, contacts)):
            for chunk in _chunks(rows):
                s.execute(insert(model.__table__), list(chunk))  # type: ignore[arg-type]  # Core executemany
        with (sqlite_bulk_index(s, svc_ids[0], svc_ids[-1]) if services_last and svc_ids else nullcontext()):
            for chunk in _chunks(sals):
                s.execute(insert(ServiceAtLocation.__table__), list(chunk))  # type: ignore[arg-type]
            for chunk in _chunks(cats):
                s.execute(insert(service_category), list(chunk))
            if services_last:
                self.insert_ids(Service, svc_rows, "Adding services…")
        notes = [self.note_row(oid, sid, sv.rec, stamp)
                 for (oid, _o, sv), sid in zip(svc_owner, svc_ids, strict=True) if sv.rec.internal_notes]
        for chunk in _chunks(notes):
            s.execute(insert(TrustNote.__table__), list(chunk))  # type: ignore[arg-type]
        for chunk in _chunks(capacities):
            s.execute(insert(ServiceCapacity.__table__), list(chunk))  # type: ignore[arg-type]
        # history: where each organisation and service came from
        events = []
        per_org: Counter[int] = Counter(oid for oid, _, _ in svc_owner)
        base = {"at": now, "staff_id": self.ctx.actor.id, "staff_name": self.ctx.actor.name,
                "action": AuditAction.IMPORT}
        for o, oid in zip(items, org_ids, strict=True):
            events.append(
                {
                    **base,
                    "entity_type": "organisation",
                    "entity_id": oid,
                    "entity_label": o.rec.name[:300],
                    "organisation_id": oid,
                    "changes": {"source": [None, self.feed.source_name]},
                    "summary": f"added from {self.source_text} with {_n(per_org[oid], 'service')}; "
                    "not vetted yet",
                }
            )
        for (oid, _o, sv), sid in zip(svc_owner, svc_ids, strict=True):
            events.append(
                {
                    **base,
                    "entity_type": "service",
                    "entity_id": sid,
                    "entity_label": sv.rec.name[:300],
                    "organisation_id": oid,
                    "changes": {"source": [None, self.feed.source_name]},
                    "summary": f"added from {self.source_text}",
                }
            )
        for chunk in _chunks(events):
            s.execute(insert(AuditEvent.__table__), list(chunk))  # type: ignore[arg-type]
        self.stats["orgs_added"] += len(items)
        self.stats["services_added"] += len(svc_ids)
        self.tick(len(items), "Adding organisations…")

    def note_row(self, org_id: int, service_id: int | None, rec: ServiceRec,
                 stamp: Mapping[str, Any]) -> dict[str, Any]:
        """A spreadsheet's "Notes" cell as the practice's internal note (a trust note: never printed, never
        exported), signed by the person importing."""
        where = f"row {rec.row} of {self.feed.source_name}" if rec.row else self.feed.source_name
        return {**stamp, "organisation_id": org_id, "service_id": service_id, "kind": TrustNoteKind.GENERAL,
                "text": f"{rec.internal_notes}\n(Imported from {where}.)", "author_id": self.ctx.actor.id,
                "noted_on": self.ctx.today(), "resolved": False}

    def add_note(self, org_id: int, service_id: int | None, rec: ServiceRec) -> None:
        if rec.internal_notes:
            self.s.add(TrustNote(**self.note_row(org_id, service_id, rec, {})))

    def insert_ids(self, model: Any, rows: list[dict[str, Any]], text: str) -> list[int]:
        """Insert rows (one executemany per batch) and return their ids in the same order.

        The ids are looked up by uid afterwards: RETURNING with a guaranteed order makes
        SQLAlchemy insert one row per statement on SQLite, ten times slower.
        """
        table = model.__table__
        for chunk in _chunks(rows, 2000):
            self.s.execute(insert(table), list(chunk))
            self.tick(len(chunk) if model is Service else 0, text)
        by_uid: dict[str, int] = {}
        uids = [r["uid"] for r in rows]
        for chunk in _chunks(uids):
            for uid, ident in self.s.execute(select(table.c.uid, table.c.id).where(table.c.uid.in_(chunk))):
                by_uid[uid] = ident
        return [by_uid[u] for u in uids]

    def phone_rows(self, phones: Sequence[PhoneRec], **owner: int | None) -> list[dict[str, Any]]:
        base = {"organisation_id": None, "service_id": None, "location_id": None, "contact_id": None}
        return [{**base, **owner, "uid": self.uid_for(Phone, p.id), "number": p.number, "type": p.type,
                 "description": p.description} for p in phones]

    def contact_rows(self, contacts: Sequence[ContactRec], stamp: dict[str, Any],
                     **owner: int | None) -> list[dict[str, Any]]:
        return [{**owner, **stamp, "location_id": None, "uid": self.uid_for(Contact, c.id), "name": c.name,
                 "role": c.role, "phone": c.phone, "email": c.email} for c in contacts]

    # ---- adding one service to an existing organisation (merges and updated feeds)
    def add_service(self, org: Organisation, rec: ServiceRec, loc_map: Mapping[str | None, int]) -> Service:
        svc = Service(organisation_id=org.id, uid=self.uid_for(Service, rec.id), **self.service_values(rec))
        if self.hsds:
            svc.source_feed, svc.source_id, svc.source_checksum = (
                self.a.feed_name,
                rec.id,
                self.service_checksum(rec),
            )
        self.s.add(svc)
        self.s.flush()
        self.replace_service_children(svc, rec, loc_map)
        self.add_note(org.id, svc.id, rec)
        audit.record(self.s, self.ctx, AuditAction.IMPORT, "service", svc.id, svc.name,
                     {"source": [None, self.feed.source_name]}, summary=f"added from {self.source_text}",
                     organisation_id=org.id)
        self.stats["services_added"] += 1
        return svc

    def replace_service_children(
        self, svc: Service, rec: ServiceRec, loc_map: Mapping[str | None, int],
        only: set[str] | None = None,
    ) -> None:
        """The service's phones, opening times, venues, categories and contacts as the feed gives them (with
        `only`, just those of these that were taken)."""
        s = self.s
        every = only is None
        only = only or set()
        if every or "phones" in only:
            for p in s.scalars(select(Phone).where(Phone.service_id == svc.id)):
                s.delete(p)
        if every or "schedule" in only:
            for x in list(svc.schedules):
                s.delete(x)
        if every or "venues" in only:
            for sal in s.scalars(select(ServiceAtLocation).where(ServiceAtLocation.service_id == svc.id)):
                s.delete(sal)
        s.flush()
        s.expire(svc, ["schedules"])
        if every or "phones" in only:
            for row in self.phone_rows(rec.phones, service_id=svc.id):
                s.add(Phone(**row))
        if every or "schedule" in only:
            for slot in rec.schedule:
                s.add(Schedule(uid=self.uid_for(Schedule, slot.id), service_id=svc.id, weekday=slot.weekday,
                               opens_at=slot.opens, closes_at=slot.closes, note=slot.note))
        if every or "venues" in only:
            for lid in dict.fromkeys(rec.location_ids):
                if lid in loc_map:
                    s.add(ServiceAtLocation(service_id=svc.id, location_id=loc_map[lid]))
        if every or "categories" in only:
            ids = [self.category_ids[c] for c in self.codes_for(rec) if c in self.category_ids]
            svc.categories = list(s.scalars(select(Category).where(Category.id.in_(ids)))) if ids else []
        if every or "contacts" in only:
            self.sync_contacts(svc.organisation_id, svc.id, rec.contacts)
        self.take_capacity(svc, rec)
        s.flush()

    def take_capacity(self, svc: Service, rec: ServiceRec, only_if_missing: bool = False) -> bool:
        """Taking new people from the feed's extension field (issue 18), confirmed by the feed on the
        date it gives. A newer answer recorded here is kept; a date after today is not taken."""
        from sp_desktop.domain.confidence import Capacity

        cap = rec.capacity
        if cap is None or cap.confirmed_on > self.now.date():
            return False
        row = self.s.get(ServiceCapacity, svc.id)
        if row is not None and (only_if_missing or row.confirmed_on > cap.confirmed_on):
            return False
        if row is None:
            row = ServiceCapacity(service_id=svc.id)
            self.s.add(row)
        row.state, row.wait_weeks, row.confirmed_on = Capacity(cap.state), cap.wait_weeks, cap.confirmed_on
        row.confirmed_by = f"the {self.feed.source_name} feed"[:120]
        row.contact_event_id, row.recorded_at = None, self.now
        return True

    def sync_contacts(self, org_id: int, service_id: int | None, contacts: Sequence[ContactRec]) -> None:
        """Match contacts by the feed's id; remove those gone from the feed unless the contact log
        names them."""
        s = self.s
        q = select(Contact).where(Contact.organisation_id == org_id)
        q = (
            q.where(Contact.service_id.is_(None))
            if service_id is None
            else q.where(Contact.service_id == service_id)
        )
        existing = {c.uid: c for c in s.scalars(q)}
        keep: set[str] = set()
        for rec in contacts:
            obj = existing.get(rec.id or "")
            if obj is None:
                obj = Contact(
                    organisation_id=org_id, service_id=service_id, uid=self.uid_for(Contact, rec.id)
                )
                s.add(obj)
            obj.name, obj.role, obj.phone, obj.email = rec.name, rec.role, rec.phone, rec.email
            keep.add(obj.uid)
        for uid, obj in existing.items():
            if uid in keep:
                continue
            logged = s.scalar(select(func.count()).select_from(contact_event_person)
                              .where(contact_event_person.c.contact_id == obj.id))
            if not logged:
                s.delete(obj)

    # ---- merging into an organisation already in the directory
    def merge(self, item: _Org) -> None:
        s, rec = self.s, item.rec
        org = s.get(Organisation, item.existing_id)
        assert org is not None
        filled = []
        for key in ("alternate_name", "description", "website", "email", "legal_status"):
            if not getattr(org, key) and getattr(rec, key):
                setattr(org, key, getattr(rec, key))
                filled.append(key.replace("_", " "))
        if org.registration_number is None and rec.registration_number:
            org.register_kind, org.registration_number = rec.register_kind, rec.registration_number
            filled.append("registration number")
        have_phones = {p.number for p in s.scalars(select(Phone).where(
            Phone.organisation_id == org.id, Phone.service_id.is_(None), Phone.contact_id.is_(None)))}
        for row in self.phone_rows(
            [p for p in rec.phones if p.number not in have_phones], organisation_id=org.id
        ):
            s.add(Phone(**row))
            filled.append("phone")
        have_contacts = {normalise_name(c.name) for c in s.scalars(select(Contact).where(
            Contact.organisation_id == org.id))}
        for c in rec.contacts:
            if normalise_name(c.name) not in have_contacts:
                s.add(
                    Contact(
                        organisation_id=org.id,
                        uid=self.uid_for(Contact, c.id),
                        name=c.name,
                        role=c.role,
                        phone=c.phone,
                        email=c.email,
                    )
                )
                filled.append("contact")
        loc_map = self.merge_locations(org, rec.locations)
        if rec.provenance is not None:
            org.shared_vetting = rec.provenance
            filled.append(f"vetted by {rec.provenance['practice']} (their word)")
        if self.hsds and org.source_id is None and rec.id:
            org.source_feed, org.source_id, org.source_checksum = (
                self.a.feed_name,
                rec.id,
                self.org_checksum(rec),
            )
        s.flush()
        services = {normalise_name(sv.name): sv for sv in s.scalars(select(Service).where(
            Service.organisation_id == org.id, Service.archived_at.is_(None)))}
        added, topped = [], []
        for sv in item.services:
            existing = services.get(normalise_name(sv.rec.name))
            if existing is None:
                self.add_service(org, sv.rec, loc_map)
                added.append(sv.rec.name)
            else:
                if self.fill_service(existing, sv.rec, loc_map):
                    topped.append(existing.name)
                self.add_note(org.id, existing.id, sv.rec)
            self.tick(1, "Merging…")
        parts = []
        if filled:
            parts.append("filled in " + ", ".join(dict.fromkeys(filled)))
        if added:
            parts.append("added " + _n(len(added), "service"))
        if topped:
            parts.append("filled in details of " + _n(len(topped), "service"))
        audit.record(s, self.ctx, AuditAction.IMPORT, "organisation", org.id, org.name,
                     {"source": [None, self.feed.source_name]},
                     summary=f"merged with “{rec.name}” from {self.source_text}"
                             + (": " + "; ".join(parts) if parts else ": nothing new"),
                     organisation_id=org.id)
        self.stats["merged"] += 1
        self.tick(1, "Merging…")

    def merge_locations(self, org: Organisation, locs: Sequence[LocationRec]) -> dict[str | None, int]:
        s = self.s
        existing = list(s.scalars(select(Location).where(Location.organisation_id == org.id)))

        def key(name: str | None, a1: str | None, pc: str | None) -> tuple[str, str]:
            return (normalise_name(a1 or name or ""), (pc or "").replace(" ", "").upper())

        by_key = {key(x.name, x.address_1, x.postcode): x for x in existing}
        by_source = {x.source_id: x for x in existing if x.source_id}
        out: dict[str | None, int] = {}
        for loc in locs:
            obj = by_source.get(loc.id or "") or by_key.get(key(loc.name, loc.address_1, loc.postcode))
            if obj is None:
                obj = Location(
                    organisation_id=org.id, uid=self.uid_for(Location, loc.id), **self.location_values(loc)
                )
                s.add(obj)
                s.flush()
            out[loc.id] = obj.id
        return out

    def fill_service(self, svc: Service, rec: ServiceRec, loc_map: Mapping[str | None, int]) -> bool:
        s = self.s
        changed = False
        for key in (
            "alternate_name",
            "description",
            "url",
            "email",
            "eligibility",
            "application_process",
            "referral_form_url",
            "interpretation",
            "schedule_notes",
            "service_area",
            "last_verified_on",
            "min_age",
            "max_age",
            "publisher_assured_on",
            "publisher_assured_by",
            "publisher_modified_on",
        ):
            if getattr(svc, key) is None and getattr(rec, key) is not None:
                setattr(svc, key, getattr(rec, key))
                changed = True
        if self.take_capacity(svc, rec, only_if_missing=True):
            changed = True
        if not svc.schedules and rec.schedule:
            for slot in rec.schedule:
                s.add(Schedule(uid=self.uid_for(Schedule, slot.id), service_id=svc.id, weekday=slot.weekday,
                               opens_at=slot.opens, closes_at=slot.closes, note=slot.note))
            changed = True
        have = {p.number for p in s.scalars(select(Phone).where(Phone.service_id == svc.id))}
        for row in self.phone_rows([p for p in rec.phones if p.number not in have], service_id=svc.id):
            s.add(Phone(**row))
            changed = True
        ids = [self.category_ids[c] for c in self.codes_for(rec) if c in self.category_ids]
        current = {c.id for c in svc.categories}
        extra = [i for i in ids if i not in current]
        if extra:
            svc.categories = list(svc.categories) + list(
                s.scalars(select(Category).where(Category.id.in_(extra)))
            )
            changed = True
        linked = set(
            s.scalars(select(ServiceAtLocation.location_id).where(ServiceAtLocation.service_id == svc.id))
        )
        for lid in rec.location_ids:
            target = loc_map.get(lid)
            if target is not None and target not in linked:
                s.add(ServiceAtLocation(service_id=svc.id, location_id=target))
                linked.add(target)
                changed = True
        if self.hsds and svc.source_id is None and rec.id:
            svc.source_feed, svc.source_id, svc.source_checksum = (
                self.a.feed_name,
                rec.id,
                self.service_checksum(rec),
            )
        if changed:
            audit.record(
                s,
                self.ctx,
                AuditAction.IMPORT,
                "service",
                svc.id,
                svc.name,
                summary=f"details filled in from {self.source_text}",
                organisation_id=svc.organisation_id,
            )
        return changed

    # ---- an updated feed
    def chosen_fields(self, record_key: str, changes: Sequence[tuple[str, Any, Any, bool]]) -> set[str]:
        """The fields of a record whose feed value the person importing chose to take."""
        return {f for f, _ours, _theirs, edited in changes
                if self.choices.field_choice(record_key, f, edited) == "take"}

    def update(self, item: _Org) -> None:
        """An updated feed, field by field: each field the feed changed is taken only where the person
        importing chose so; the rest stay as they are here (listed in the history as kept)."""
        s, rec = self.s, item.rec
        org = s.get(Organisation, item.existing_id)
        assert org is not None
        key = f"org:{org.id}"
        if rec.provenance is not None and rec.provenance != org.shared_vetting:
            org.shared_vetting = rec.provenance  # the neighbour's latest word (never this practice's vetting)
        taken = self.chosen_fields(key, item.changes) if item.action in ("update", "conflict") else set()
        values = self.org_values(rec)
        for f in sorted(taken):
            if f in values:
                setattr(org, f, values[f])
            elif f == "status":
                org.status = rec.status
        if "phones" in taken:
            for p in s.scalars(select(Phone).where(
                    Phone.organisation_id == org.id, Phone.service_id.is_(None), Phone.location_id.is_(None),
                    Phone.contact_id.is_(None))):
                s.delete(p)
            s.flush()
            for row in self.phone_rows(rec.phones, organisation_id=org.id):
                s.add(Phone(**row))
        if "contacts" in taken:
            self.sync_contacts(org.id, None, rec.contacts)
        service_takes = {sv.existing_id: self.chosen_fields(f"service:{sv.existing_id}", sv.changes)
                         for sv in item.services if sv.action in ("update", "conflict")}
        add_venues = ("locations" in taken or any("venues" in t for t in service_takes.values())
                      or any(sv.action == "add" for sv in item.services))
        loc_map = self.sync_locations(org, rec.locations, replace="locations" in taken, add_new=add_venues)
        if item.action in ("update", "conflict"):
            org.source_checksum = item.checksum  # the feed's version is now the one "last imported"
            self.record_fields(org.id, "organisation", org.id, org.name, item.changes, taken)
        elif item.action == "unchanged" and item.checksum and item.checksum != org.source_checksum:
            org.source_checksum = item.checksum  # the values here are exactly the feed's (see services)
        s.flush()
        for sv in item.services:
            if sv.action == "add":
                self.add_service(org, sv.rec, loc_map)
            elif sv.action == "unchanged" and sv.stale_checksum:
                # The values here are exactly the feed's (e.g. text repaired by upgrade 0009 to what the feed
                # now gives): remember that, so a later change in the feed is not taken for an edit here.
                svc = s.get(Service, sv.existing_id)
                if svc is not None:
                    svc.source_checksum = sv.checksum
            elif sv.action in ("update", "conflict"):
                svc = s.get(Service, sv.existing_id)
                assert svc is not None
                took = service_takes[svc.id]
                values = self.service_values(sv.rec)
                for f in sorted(took):
                    if f == "access":
                        for route, col in _ACCESS_COLUMNS.items():
                            setattr(svc, col, route in sv.rec.access)
                    elif f in values:
                        setattr(svc, f, values[f])
                self.replace_service_children(svc, sv.rec, loc_map, only=took)
                svc.source_checksum = sv.checksum
                self.record_fields(org.id, "service", svc.id, svc.name, sv.changes, took)
            self.tick(1, "Updating…")
        if "locations" in taken:
            self.drop_unused_locations(org, {loc.id for loc in rec.locations})
        self.tick(1, "Updating…")

    def record_fields(self, org_id: int, entity: str, ident: int, label: str,
                      changes: Sequence[tuple[str, Any, Any, bool]], taken: set[str]) -> None:
        """The history of a field-by-field update: what was taken (old -> new) and what was kept."""
        took = [FIELD_LABELS.get(f, f) for f, *_ in changes if f in taken]
        kept = [FIELD_LABELS.get(f, f) for f, *_ in changes if f not in taken]
        parts = []
        if took:
            parts.append("took the feed's " + ", ".join(took))
        if kept:
            parts.append("kept the practice's " + ", ".join(kept))
        diff = {FIELD_LABELS.get(f, f): [_show_value(f, ours), _show_value(f, theirs)]
                for f, ours, theirs, _e in changes if f in taken}
        audit.record(self.s, self.ctx, AuditAction.IMPORT, entity, ident, label,
                     {"source": [None, self.feed.source_name], **diff},
                     summary=f"{self.source_text}: " + "; ".join(parts), organisation_id=org_id)
        if took:
            self.stats["orgs_updated" if entity == "organisation" else "services_updated"] += 1
        if kept:
            self.stats["conflicts_kept"] += 1

    def sync_locations(
        self, org: Organisation, locs: Sequence[LocationRec], replace: bool, add_new: bool = True
    ) -> dict[str | None, int]:
        """Venues by the feed's id: update them (when the organisation's venues are taken) and add new ones
        (when something taken needs them)."""
        s = self.s
        existing = {
            x.source_id: x
            for x in s.scalars(select(Location).where(Location.organisation_id == org.id))
            if x.source_id
        }
        out: dict[str | None, int] = {}
        for loc in locs:
            obj = existing.get(loc.id or "")
            if obj is None and not add_new:
                continue
            if obj is None:
                obj = Location(
                    organisation_id=org.id, uid=self.uid_for(Location, loc.id), **self.location_values(loc)
                )
                s.add(obj)
                s.flush()
            elif replace:
                for key, value in self.location_values(loc).items():
                    if key == "confidential" and obj.confidential:
                        continue  # a feed never makes a confidential venue public again
                    setattr(obj, key, value)
            out[loc.id] = obj.id
        return out

    def drop_unused_locations(self, org: Organisation, keep: set[str | None]) -> None:
        s = self.s
        s.flush()
        for loc in s.scalars(select(Location).where(Location.organisation_id == org.id,
                                                    Location.source_id.is_not(None))):
            if loc.source_id in keep:
                continue
            used = s.scalar(select(func.count()).select_from(ServiceAtLocation)
                            .where(ServiceAtLocation.location_id == loc.id))
            if not used:
                s.delete(loc)

    def archive_missing(self) -> None:
        for entity, ident, name, _org in self.a.missing:
            model: Any = Organisation if entity == "organisation" else Service
            obj = self.s.get(model, ident)
            if obj is None or obj.archived_at is not None:
                continue
            obj.archived_at = self.now
            org_id = obj.id if entity == "organisation" else obj.organisation_id
            audit.record(
                self.s,
                self.ctx,
                AuditAction.ARCHIVE,
                entity,
                obj.id,
                name,
                {"archived": [False, True]},
                summary=f"no longer in the feed “{self.a.feed_name}” ({self.source_text})",
                organisation_id=org_id,
            )
            self.stats["archived"] += 1


def report_lines(plan: ImportPlan, limit: int | None = None) -> list[str]:
    """The validation report and the "what changed" summary as lines of text (CLI, logs)."""
    lines = list(plan.summary_lines())
    problems = plan.problems if limit is None else plan.problems[:limit]
    if problems:
        lines.append("")
        lines.extend(p.text() for p in problems)
        if limit is not None and len(plan.problems) > limit:
            lines.append(f"… and {len(plan.problems) - limit} more.")
    interesting = [c for c in plan.changes if c.kind in ("update", "conflict", "missing", "merge", "skip",
                                                         "undecided")]
    if interesting:
        lines.append("")
        lines.append("What changed:")
        for c in interesting:
            lines.append("  " + c.describe())
            lines.extend("      " + f.describe() for f in c.field_changes)
    if plan.duplicates:
        lines.append("")
        lines.append("Possible duplicates:")
        for d in plan.duplicates:
            rows = f" (row {', '.join(map(str, d.rows))})" if d.rows else ""
            will = {"merge": "will merge", "skip": "will skip", "add": "will add as new",
                    None: "waits for your choice (merge, skip or add)"}[d.choice]
            where = "in this file" if d.in_file else "in the directory"
            lines.append(f"  “{d.name}”{rows} looks like “{d.existing_name}” {where} ({d.reason}): {will}")
            lines.append(f"      in the file: {d.details}")
            lines.append(f"      {where}: {d.existing_details}")
    return lines


__all__ = [
    "Change",
    "FieldChange",
    "DuplicateMatch",
    "FORMATS",
    "ImportChoices",
    "ImportFailed",
    "ImportPlan",
    "ImportResult",
    "ImportService",
    "LoadedFile",
    "TermChoice",
    "detect_format",
    "report_lines",
]
