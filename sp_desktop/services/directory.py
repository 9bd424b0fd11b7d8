"""The directory: search, read, add, edit and archive organisations and services."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, and_, func, literal, literal_column, or_, select, type_coerce, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

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
    service_category,
)
from sp_desktop.db.search import LISTING, SqliteSearch, backend_for
from sp_desktop.db.search_terms import Group, query_groups
from sp_desktop.domain.bounds import MAX_RESULTS, MAX_TEXT
from sp_desktop.domain.enums import (
    AccessRoute,
    AppRole,
    AuditAction,
    OrganisationStatus,
    PhoneType,
    RegisterKind,
    ServiceStatus,
    VettingStatus,
)
from sp_desktop.domain.errors import Refused
from sp_desktop.domain.formatting import COST_NOT_STATED, show_age_range, show_date, show_datetime
from sp_desktop.domain.locations import CONFIDENTIAL_LABEL, public_location
from sp_desktop.domain.validators import (
    FieldError,
    check_age_range,
    display_phone,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    normalise_registration,
    normalise_time,
    normalise_url,
    optional_text,
    require_text,
)
from sp_desktop.services import audit
from sp_desktop.services.base import NotFound, Permission, ServiceContext, ValidationFailed, can
from sp_desktop.services.patient_facing import (
    ORGANISATION_COLUMNS,
    ORGANISATION_PARTS,
    SERVICE_COLUMNS,
    SERVICE_PARTS,
    ApprovedDetailsLocked,
    touches_patient_facing,
)


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class SearchFilters:
    category_id: int | None = None  # a top-level category includes its children
    access: AccessRoute | None = None
    free_only: bool = False
    status: ServiceStatus | None = ServiceStatus.ACTIVE  # None = any status
    age: int | None = None  # services open to someone of this age
    vetting: VettingStatus | None = None
    include_archived: bool = False
    organisation_id: int | None = None
    open_today: bool = False  # has an opening time today and no closure covers today (issue 18)


@dataclass(frozen=True)
class ServiceRow:
    id: int
    name: str
    organisation_id: int
    organisation_name: str
    categories: str
    town: str
    is_free: bool
    fee_description: str | None
    access: tuple[AccessRoute, ...]
    last_verified_on: date | None
    status: ServiceStatus
    organisation_status: OrganisationStatus
    vetting_status: VettingStatus
    archived: bool
    by_phone: bool = False  # the service can be used by phone (town is blank when it has no venue)
    online: bool = False
    cost_not_stated: bool = False  # the source did not say (shown as "Cost not stated", never "Free")
    shared_by: str | None = None  # vetted by a neighbouring practice (their word, from a shared directory)

    @property
    def cost(self) -> str:
        if self.cost_not_stated and not self.fee_description:
            return COST_NOT_STATED
        return "Free" if self.is_free else (self.fee_description or "Charge")

    @property
    def access_text(self) -> str:
        return ", ".join(a.label for a in self.access)


@dataclass(frozen=True)
class SearchResult:
    rows: tuple[ServiceRow, ...]
    total: int
    query: str
    # No service answers every word: these answer some of them, most first ("closest matches").
    closest: bool = False

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


@dataclass(frozen=True)
class PhoneInfo:
    number: str  # as stored (E.164 or short)
    type: PhoneType
    description: str | None

    @property
    def display(self) -> str:
        return display_phone(self.number)


@dataclass(frozen=True)
class ContactInfo:
    id: int
    name: str
    role: str | None
    phone: str | None
    email: str | None


@dataclass(frozen=True)
class LocationInfo:
    id: int
    name: str | None
    address_1: str | None
    address_2: str | None
    town: str | None
    postcode: str | None
    accessibility: tuple[str, ...]
    accessibility_notes: str | None
    transport_notes: str | None
    #: a refuge or safe house: outputs use `domain.locations.public_location()`; the front desk is
    #: given the public view only (`DirectoryService` blanks the rest before it leaves the service)
    confidential: bool = False

    @property
    def address_lines(self) -> tuple[str, ...]:
        return tuple(x for x in (self.name, self.address_1, self.address_2, self.town, self.postcode) if x)


@dataclass(frozen=True)
class OpeningSlot:
    weekday: int
    opens: str | None
    closes: str | None
    note: str | None


@dataclass(frozen=True)
class CategoryRef:
    id: int
    code: str
    name: str
    parent_name: str | None


@dataclass(frozen=True)
class OrganisationDetail:
    id: int
    uid: str
    version: int
    name: str
    alternate_name: str | None
    description: str | None
    website: str | None
    email: str | None
    legal_status: str | None
    register_kind: RegisterKind
    registration_number: str | None
    status: OrganisationStatus
    archived: bool
    vetting_status: VettingStatus
    vetting_reason: str | None
    next_review_on: date | None
    approved_on: date | None
    phones: tuple[PhoneInfo, ...]
    contacts: tuple[ContactInfo, ...]
    locations: tuple[LocationInfo, ...]
    service_ids: tuple[int, ...]
    service_names: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    has_logo: bool = False
    shared_vetting: dict[str, Any] | None = None  # from a neighbouring practice's shared directory

    @property
    def shared_vetting_text(self) -> str | None:
        """"Vetted by Foxbar Medical Practice on 12 Mar 2026 (their review due 12 Mar 2027); their checks: …
        Not this practice's approval." or None."""
        sv = self.shared_vetting
        if not sv:
            return None
        from datetime import date as _date

        def day(text: Any) -> str:
            try:
                return show_date(_date.fromisoformat(str(text)))
            except ValueError:
                return str(text)

        text = f"Vetted by {sv.get('practice') or 'another practice'}"
        if sv.get("vetted_on"):
            text += f" on {day(sv['vetted_on'])}"
        if sv.get("review_due"):
            text += f" (their review due {day(sv['review_due'])})"
        checks = [c["item"] + (f" ({day(c['checked_on'])})" if c.get("checked_on") else "")
                  for c in sv.get("checks") or [] if c.get("item")]
        if checks:
            text += "; their checks: " + ", ".join(checks)
        return text + ". This is their word, not this practice's approval: use it as a head start."


@dataclass(frozen=True)
class ServiceDetail:
    id: int
    uid: str
    version: int
    name: str
    alternate_name: str | None
    description: str | None
    url: str | None
    email: str | None
    eligibility: str | None
    min_age: int | None
    max_age: int | None
    access: tuple[AccessRoute, ...]
    application_process: str | None
    referral_form_url: str | None
    is_free: bool
    fee_description: str | None
    languages: tuple[str, ...]
    interpretation: str | None
    bsl: bool
    by_phone: bool
    online: bool
    schedule: tuple[OpeningSlot, ...]
    schedule_notes: str | None
    service_area: str | None
    status: ServiceStatus
    archived: bool
    last_verified_on: date | None
    last_verified_by: str | None
    categories: tuple[CategoryRef, ...]
    locations: tuple[LocationInfo, ...]
    phones: tuple[PhoneInfo, ...]
    contacts: tuple[ContactInfo, ...]
    organisation: OrganisationDetail
    # The source said nothing about cost / ages: "Cost not stated" / "Age not stated".
    cost_not_stated: bool = False
    age_not_stated: bool = False
    # What a feed's publisher said (never the practice's own "last checked"), and the feed's name.
    publisher_assured_on: date | None = None
    publisher_assured_by: str | None = None
    publisher_modified_on: date | None = None
    source_feed: str | None = None
    source_link: str | None = None  # its page in the directory it came from (ALISS)

    @property
    def cost(self) -> str:
        if self.cost_not_stated and not self.fee_description:
            return COST_NOT_STATED
        return "Free" if self.is_free else (self.fee_description or "There is a charge")

    @property
    def ages(self) -> str:
        return show_age_range(self.min_age, self.max_age, self.age_not_stated)

    @property
    def publisher_note(self) -> str | None:
        """"Assured by the publisher (Renfrewshire feed) on 10 Dec 2024, by ..." or None."""
        if not (self.publisher_assured_on or self.publisher_assured_by or self.publisher_modified_on):
            return None
        text = "Assured by the publisher"
        if self.source_feed:
            text += f" ({self.source_feed})"
        if self.publisher_assured_on:
            text += f" on {show_date(self.publisher_assured_on)}"
        if self.publisher_assured_by:
            text += f", by {self.publisher_assured_by}"
        if self.publisher_modified_on:
            text += f"; last changed by the publisher on {show_date(self.publisher_modified_on)}"
        return text + "."


# --------------------------------------------------------------------------- forms (what people typed)
@dataclass(frozen=True)
class KnownValues:
    """Values already in the directory, offered as suggestions while typing a new record."""

    towns: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    legal_statuses: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


@dataclass
class PhoneForm:
    number: str
    type: PhoneType = PhoneType.VOICE
    description: str = ""


@dataclass
class ContactForm:
    name: str
    role: str = ""
    phone: str = ""
    email: str = ""
    id: int | None = None


@dataclass
class LocationForm:
    name: str = ""
    address_1: str = ""
    address_2: str = ""
    town: str = ""
    postcode: str = ""
    accessibility: list[str] = field(default_factory=list)
    accessibility_notes: str = ""
    transport_notes: str = ""
    id: int | None = None
    #: True / False: a vetting lead marks the venue confidential or public; None (the default) keeps it
    #: as stored. Nobody else changes it (`DirectoryService.set_location_confidential` too).
    confidential: bool | None = None


@dataclass
class OrganisationForm:
    name: str
    alternate_name: str = ""
    description: str = ""
    website: str = ""
    email: str = ""
    legal_status: str = ""
    register_kind: RegisterKind = RegisterKind.NONE
    registration_number: str = ""
    status: OrganisationStatus = OrganisationStatus.ACTIVE
    phones: list[PhoneForm] = field(default_factory=list)
    contacts: list[ContactForm] = field(default_factory=list)
    locations: list[LocationForm] = field(default_factory=list)
    #: For a new record: a key made on this PC when the form was opened (becomes the record's uid),
    #: so saving again after a lost reply finds the record already made instead of making another.
    client_key: str = field(default="", compare=False)


@dataclass
class SlotForm:
    weekday: int
    opens: str = ""
    closes: str = ""
    note: str = ""


@dataclass
class ServiceForm:
    organisation_id: int
    name: str
    alternate_name: str = ""
    description: str = ""
    url: str = ""
    email: str = ""
    eligibility: str = ""
    min_age: int | None = None
    max_age: int | None = None
    access: list[AccessRoute] = field(default_factory=list)
    application_process: str = ""
    referral_form_url: str = ""
    is_free: bool = True
    fee_description: str = ""
    languages: list[str] = field(default_factory=lambda: ["English"])
    interpretation: str = ""
    bsl: bool = False
    by_phone: bool = False
    online: bool = False
    schedule: list[SlotForm] = field(default_factory=list)
    schedule_notes: str = ""
    service_area: str = ""
    status: ServiceStatus = ServiceStatus.ACTIVE
    category_ids: list[int] = field(default_factory=list)
    location_ids: list[int] = field(default_factory=list)
    phones: list[PhoneForm] = field(default_factory=list)
    last_verified_on: date | None = None
    cost_not_stated: bool = False  # the source said nothing about cost (and nobody here has said since)
    age_not_stated: bool = False  # the same for ages; kept only while no age is given
    client_key: str = field(default="", compare=False)  # as OrganisationForm.client_key


class ConflictError(Refused, RuntimeError):
    """Someone else saved this record after it was opened. Nothing was saved."""

    def __init__(self, entity: str, label: str, changed_by: str, changed_at: datetime | None) -> None:
        when = show_datetime(changed_at) if changed_at else "a moment ago"
        super().__init__(f"The {entity} “{label}” was changed by {changed_by} at {when} since you opened it. "
                         "Your changes have not been saved: reload to see theirs, then apply yours again.")
        self.entity = entity
        self.label = label
        self.changed_by = changed_by
        self.changed_at = changed_at


# --------------------------------------------------------------------------- validation helpers
#: What a search query can hold that no record can: control characters and lone surrogates.
_SEARCH_NOISE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.warnings: dict[str, str] = {}

    def take(self, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except FieldError as e:
            self.errors.setdefault(e.field, e.message)
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors, self.warnings)


def _opt(errs: _Errors, fn: Any, value: str, field_name: str) -> str | None:
    value = (value or "").strip()
    return errs.take(fn, value, field_name) if value else None


def _phones(
    errs: _Errors, phones: Sequence[PhoneForm], prefix: str
) -> list[tuple[str, PhoneType, str | None]]:
    out = []
    for i, p in enumerate(phones):
        if not (p.number or "").strip():
            continue
        n = errs.take(normalise_phone, p.number, f"{prefix}[{i}].number")
        if n:
            out.append((n, p.type, (p.description or "").strip() or None))
    return out


def _phone_info(p: Phone) -> PhoneInfo:
    return PhoneInfo(p.number, p.type, p.description)


def _location_info(loc: Location) -> LocationInfo:
    return LocationInfo(loc.id, loc.name, loc.address_1, loc.address_2, loc.town, loc.postcode,
                        tuple(loc.accessibility or ()), loc.accessibility_notes, loc.transport_notes,
                        bool(loc.confidential))


def public_location_info(loc: LocationInfo) -> LocationInfo:
    """`loc` as the front desk (and every output) may see it: `domain.locations.public_location`."""
    if not loc.confidential:
        return loc
    view = public_location(loc)
    return LocationInfo(loc.id, view.name, view.address_1, view.address_2, view.town, view.postcode,
                        view.accessibility, view.accessibility_notes, view.transport_notes, True)


def _public_org(d: OrganisationDetail) -> OrganisationDetail:
    if not any(loc.confidential for loc in d.locations):
        return d
    return replace(d, locations=tuple(public_location_info(loc) for loc in d.locations))


def public_service_detail(d: ServiceDetail) -> ServiceDetail:
    """The service with every confidential venue (its own and its organisation's) in its public view."""
    if not (any(loc.confidential for loc in d.locations)
            or any(loc.confidential for loc in d.organisation.locations)):
        return d
    return replace(d, locations=tuple(public_location_info(loc) for loc in d.locations),
                   organisation=_public_org(d.organisation))


def _contact_info(c: Contact) -> ContactInfo:
    return ContactInfo(c.id, c.name, c.role, c.phone, c.email)


def _access(s: Service) -> tuple[AccessRoute, ...]:
    flags = ((AccessRoute.SELF_REFERRAL, s.access_self_referral),
             (AccessRoute.PROFESSIONAL_REFERRAL, s.access_professional_referral),
             (AccessRoute.DROP_IN, s.access_drop_in), (AccessRoute.APPOINTMENT, s.access_appointment))
    return tuple(a for a, on in flags if on)


@functools.cache
def _access_routes(*flags: bool) -> tuple[AccessRoute, ...]:
    """The access routes whose flags (in `AccessRoute` order) are set; 16 possible answers."""
    return tuple(a for a, on in zip(AccessRoute, flags, strict=True) if on)


_SHOWN = LISTING.c.shown.is_(True)
# Organisations whose services are listed last, and never to the front desk.
_BELOW = (VettingStatus.SUSPENDED, VettingStatus.DECLINED)
# What the front desk's unfiltered Directory leaves out, exactly as migration 0010's partial index
# says it (written out, so SQLite can use that index).
_HIDDEN_AT_DESK: Any = literal_column("(service_fts_listing.shown IS 0"
                                 " OR service_fts_listing.vetting_status IN ('suspended', 'declined'))")

_ACCESS_COLUMN = {
    AccessRoute.SELF_REFERRAL: Service.access_self_referral,
    AccessRoute.PROFESSIONAL_REFERRAL: Service.access_professional_referral,
    AccessRoute.DROP_IN: Service.access_drop_in,
    AccessRoute.APPOINTMENT: Service.access_appointment,
}


@dataclass(frozen=True)
class _FilterColumns:
    """Where each search filter looks, in one of the two sources a search reads: the service and
    organisation tables (PostgreSQL), or SQLite's search listing (one row per service, migration
    0003, kept by triggers). `DirectoryService._conditions` turns the filters into conditions on
    either, so the two back ends cannot filter differently."""

    not_archived: tuple[Any, ...]
    status: Any
    organisation_status: Any
    is_free: Any
    access: dict[AccessRoute, Any]
    vetting: Any
    organisation_id: Any
    min_age: Any
    max_age: Any
    service_id: Any
    shown: Any = None  # the listing's precomputed "listed without filters" flag


_TABLES = _FilterColumns(
    not_archived=(Service.archived_at.is_(None), Organisation.archived_at.is_(None)),
    status=Service.status, organisation_status=Organisation.status, is_free=Service.is_free,
    access=dict(_ACCESS_COLUMN), vetting=Organisation.vetting_status, organisation_id=Service.organisation_id,
    min_age=Service.min_age, max_age=Service.max_age, service_id=Service.id)
_LISTED = _FilterColumns(
    not_archived=(LISTING.c.archived.is_(False),),
    status=LISTING.c.status, organisation_status=LISTING.c.organisation_status, is_free=LISTING.c.is_free,
    access={route: LISTING.c[column.key] for route, column in _ACCESS_COLUMN.items()},
    vetting=LISTING.c.vetting_status, organisation_id=LISTING.c.organisation_id,
    min_age=LISTING.c.min_age, max_age=LISTING.c.max_age, service_id=LISTING.c.id, shown=_SHOWN)


def organisation_detail(s: Session, org: Organisation) -> OrganisationDetail:
    phones = s.scalars(select(Phone).where(Phone.organisation_id == org.id, Phone.service_id.is_(None),
                                           Phone.location_id.is_(None), Phone.contact_id.is_(None))
                       .order_by(Phone.id)).all()
    contacts = s.scalars(
        select(Contact)
        .where(Contact.organisation_id == org.id, Contact.service_id.is_(None))
        .order_by(Contact.name)
    ).all()
    locations = s.scalars(
        select(Location).where(Location.organisation_id == org.id).order_by(Location.name)
    ).all()
    services = s.execute(select(Service.id, Service.name).where(Service.organisation_id == org.id,
                                                                 Service.archived_at.is_(None))
                         .order_by(Service.name)).all()
    return OrganisationDetail(
        id=org.id, uid=org.uid, version=org.version, name=org.name, alternate_name=org.alternate_name,
        description=org.description, website=org.website, email=org.email, legal_status=org.legal_status,
        register_kind=org.register_kind, registration_number=org.registration_number, status=org.status,
        archived=org.archived_at is not None, vetting_status=org.vetting_status,
        vetting_reason=org.vetting_reason, next_review_on=org.next_review_on, approved_on=org.approved_on,
        phones=tuple(_phone_info(p) for p in phones), contacts=tuple(_contact_info(c) for c in contacts),
        locations=tuple(_location_info(loc) for loc in locations),
        service_ids=tuple(r.id for r in services), service_names=tuple(r.name for r in services),
        created_at=org.created_at, updated_at=org.updated_at, has_logo=org.logo_png is not None,
        shared_vetting=org.shared_vetting)


def _not_stated_and_publisher(svc: Service) -> dict[str, Any]:
    return {"cost_not_stated": bool(svc.cost_not_stated), "age_not_stated": bool(svc.age_not_stated),
            "publisher_assured_on": svc.publisher_assured_on,
            "publisher_assured_by": svc.publisher_assured_by,
            "publisher_modified_on": svc.publisher_modified_on, "source_feed": svc.source_feed,
            "source_link": svc.source_id if (svc.source_id or "").startswith("https://") else None}


#: Stored words -> states, for rows read without the enum type's own conversion.
_SERVICE_STATUS = {m.value: m for m in ServiceStatus} | {m.name: m for m in ServiceStatus}
_ORGANISATION_STATUS = {m.value: m for m in OrganisationStatus} | {m.name: m for m in OrganisationStatus}
_VETTING_STATUS = {m.value: m for m in VettingStatus} | {m.name: m for m in VettingStatus}


def _mark_not_stated(s: Session, rows: tuple[ServiceRow, ...]) -> tuple[ServiceRow, ...]:
    """The page's services whose source stated no cost, marked so (one small query for the page); and those
    whose organisation a neighbouring practice vetted, with that practice's name."""
    if not rows:
        return rows
    rows = _mark_shared(s, rows)
    ids = set(s.scalars(select(Service.id).where(Service.id.in_([r.id for r in rows]),
                                                 Service.cost_not_stated.is_(True))))
    return tuple(replace(r, cost_not_stated=True) if r.id in ids else r for r in rows) if ids else rows


def _mark_shared(s: Session, rows: tuple[ServiceRow, ...]) -> tuple[ServiceRow, ...]:
    """The page's services whose organisation a neighbouring practice vetted (a shared directory), with
    that practice's name: one small query for the page's organisations."""
    if not rows:
        return rows
    page_orgs = {r.organisation_id for r in rows}
    shared = {oid: (sv or {}).get("practice") for oid, sv in s.execute(
        select(Organisation.id, Organisation.shared_vetting).where(
            Organisation.id.in_(page_orgs), Organisation.shared_vetting.is_not(None)))}
    if any(shared.values()):
        rows = tuple(replace(r, shared_by=shared[r.organisation_id]) if shared.get(r.organisation_id) else r
                     for r in rows)
    return rows


def service_detail(s: Session, svc: Service) -> ServiceDetail:
    """One service's detail; `service_details` reads many at once."""
    cats = []
    for c in svc.categories:
        cats.append(CategoryRef(c.id, c.code, c.name, c.parent.name if c.parent else None))
    return ServiceDetail(
        id=svc.id, uid=svc.uid, version=svc.version, name=svc.name, alternate_name=svc.alternate_name,
        description=svc.description, url=svc.url, email=svc.email, eligibility=svc.eligibility,
        min_age=svc.min_age, max_age=svc.max_age, access=_access(svc),
        application_process=svc.application_process, referral_form_url=svc.referral_form_url,
        is_free=svc.is_free, fee_description=svc.fee_description, languages=tuple(svc.languages or ()),
        interpretation=svc.interpretation, bsl=svc.bsl, by_phone=svc.by_phone, online=svc.online,
        schedule=tuple(OpeningSlot(x.weekday, x.opens_at, x.closes_at, x.note) for x in svc.schedules),
        schedule_notes=svc.schedule_notes, service_area=svc.service_area, status=svc.status,
        archived=svc.archived_at is not None, last_verified_on=svc.last_verified_on,
        last_verified_by=svc.last_verified_by, categories=tuple(cats),
        locations=tuple(_location_info(loc) for loc in svc.locations),
        phones=tuple(_phone_info(p) for p in svc.phones),
        contacts=tuple(_contact_info(c) for c in svc.contacts),
        organisation=organisation_detail(s, svc.organisation), **_not_stated_and_publisher(svc))


_CHUNK = 500  # ids per IN (...) list: well under every database's parameter limit


def _organisation_details(s: Session, orgs: Sequence[Organisation]) -> dict[int, OrganisationDetail]:
    """`directory.organisation_detail` for many organisations: four statements, not four each."""
    ids = [o.id for o in orgs]
    phones: dict[int, list[Phone]] = {i: [] for i in ids}
    contacts: dict[int, list[Contact]] = {i: [] for i in ids}
    locations: dict[int, list[Location]] = {i: [] for i in ids}
    services: dict[int, list[tuple[int, str]]] = {i: [] for i in ids}
    # Ordered by organisation, then as organisation_detail orders them.
    for p in s.scalars(select(Phone).where(Phone.organisation_id.in_(ids), Phone.service_id.is_(None),
                                           Phone.location_id.is_(None), Phone.contact_id.is_(None))
                       .order_by(Phone.organisation_id, Phone.id)):
        phones[p.organisation_id].append(p)  # type: ignore[index]
    # The organisation's own people (not a service's) are picked here rather than in SQL: with
    # "service_id IS NULL" in the query SQLite's planner walks the service_id index (every
    # organisation-level contact in the directory) instead of the organisation_id one.
    for c in s.scalars(select(Contact).where(Contact.organisation_id.in_(ids))
                       .order_by(Contact.organisation_id, Contact.name)):
        if c.service_id is None:
            contacts[c.organisation_id].append(c)  # type: ignore[index]
    for loc in s.scalars(select(Location).where(Location.organisation_id.in_(ids))
                         .order_by(Location.organisation_id, Location.name)):
        locations[loc.organisation_id].append(loc)  # type: ignore[index]
    for r in s.execute(select(Service.organisation_id, Service.id, Service.name)
                       .where(Service.organisation_id.in_(ids), Service.archived_at.is_(None))
                       .order_by(Service.organisation_id, Service.name)):
        services[r.organisation_id].append((r.id, r.name))
    return {org.id: OrganisationDetail(
        id=org.id, uid=org.uid, version=org.version, name=org.name, alternate_name=org.alternate_name,
        description=org.description, website=org.website, email=org.email, legal_status=org.legal_status,
        register_kind=org.register_kind, registration_number=org.registration_number, status=org.status,
        archived=org.archived_at is not None, vetting_status=org.vetting_status,
        vetting_reason=org.vetting_reason, next_review_on=org.next_review_on, approved_on=org.approved_on,
        phones=tuple(_phone_info(p) for p in phones[org.id]),
        contacts=tuple(_contact_info(c) for c in contacts[org.id]),
        locations=tuple(_location_info(loc) for loc in locations[org.id]),
        service_ids=tuple(i for i, _ in services[org.id]),
        service_names=tuple(n for _, n in services[org.id]),
        created_at=org.created_at, updated_at=org.updated_at, has_logo=org.logo_png is not None,
        shared_vetting=org.shared_vetting)
        for org in orgs}


def service_details(s: Session, service_ids: Sequence[int]) -> dict[int, ServiceDetail]:
    """The `ServiceDetail` of each service in `service_ids` that exists (missing ids are left
    out), exactly as `directory.service_detail` makes it one at a time (a test compares them),
    in about a dozen statements for every 500 services: the services with their categories,
    opening times, venues, phones and people loaded together, then their organisations' details
    together."""
    out: dict[int, ServiceDetail] = {}
    unique = list(dict.fromkeys(service_ids))
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start:start + _CHUNK]
        svcs = s.scalars(select(Service).where(Service.id.in_(chunk)).options(
            selectinload(Service.categories).joinedload(Category.parent), selectinload(Service.schedules),
            selectinload(Service.locations), selectinload(Service.phones), selectinload(Service.contacts),
            joinedload(Service.organisation))).unique().all()
        orgs = _organisation_details(s, list({svc.organisation_id: svc.organisation
                                              for svc in svcs}.values()))
        for svc in svcs:
            out[svc.id] = ServiceDetail(
                id=svc.id, uid=svc.uid, version=svc.version, name=svc.name, alternate_name=svc.alternate_name,
                description=svc.description, url=svc.url, email=svc.email, eligibility=svc.eligibility,
                min_age=svc.min_age, max_age=svc.max_age, access=_access(svc),
                application_process=svc.application_process, referral_form_url=svc.referral_form_url,
                is_free=svc.is_free, fee_description=svc.fee_description,
                languages=tuple(svc.languages or ()),
                interpretation=svc.interpretation, bsl=svc.bsl, by_phone=svc.by_phone, online=svc.online,
                schedule=tuple(OpeningSlot(x.weekday, x.opens_at, x.closes_at, x.note)
                               for x in svc.schedules),
                schedule_notes=svc.schedule_notes, service_area=svc.service_area, status=svc.status,
                archived=svc.archived_at is not None, last_verified_on=svc.last_verified_on,
                last_verified_by=svc.last_verified_by,
                categories=tuple(CategoryRef(c.id, c.code, c.name, c.parent.name if c.parent else None)
                                 for c in svc.categories),
                locations=tuple(_location_info(loc) for loc in svc.locations),
                phones=tuple(_phone_info(p) for p in svc.phones),
                contacts=tuple(_contact_info(c) for c in svc.contacts),
                organisation=orgs[svc.organisation_id], **_not_stated_and_publisher(svc))
    return out


def _last_change(s: Session, entity_type: str, entity_id: int) -> tuple[str, datetime | None]:
    row = s.execute(select(AuditEvent.staff_name, AuditEvent.at)
                    .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
                    .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(1)).first()
    return (row.staff_name, row.at) if row else ("someone", None)


# --------------------------------------------------------------------------- the service
def _aggregate_order_by(*args: Any) -> Any:
    """PostgreSQL's `aggregate_order_by`, imported only when used (the dialect package costs
    ~50 ms of start-up on SQLite, where it is never needed)."""
    from sqlalchemy.dialects.postgresql import aggregate_order_by

    return aggregate_order_by(*args)


class DirectoryService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.search_backend = backend_for(ctx.db.dialect)

    # ---- reading
    def search(
        self, query: str = "", filters: SearchFilters | None = None, limit: int = 1000
    ) -> SearchResult:
        """Ranked services matching `query` and `filters`. Without a query, sorted by name.

        The query's words are matched as word forms, folded and with the practice's synonyms (see
        db/search_terms). Approved organisations' services come first for the same match;
        suspended and declined ones come last, and the front desk does not see them at all.
        When no service answers every word, the services answering most of them are returned,
        with `closest` set. Control and broken characters in the query become spaces (PostgreSQL
        refuses a NUL even in a search), the query is cut at 1,000 characters and `limit` kept
        within 1 to 1,000."""
        query = _SEARCH_NOISE.sub(" ", query or "")[:MAX_TEXT]
        limit = max(1, min(int(limit), MAX_RESULTS))
        f = filters or SearchFilters()
        found, groups = self._search(query, None, f, limit, True)
        if found.total == 0 and len(groups) > 1 and any(not g.short for g in groups):
            closest, _ = self._search(query, groups, f, limit, False)
            if closest.total:
                return replace(closest, closest=True)
        return found

    def _front_desk(self) -> bool:
        return self.ctx.actor.role is AppRole.FRONT_DESK

    @staticmethod
    def _groups(s: Session, query: str) -> list[Group]:
        from sp_desktop.services.search_words import synonyms_in

        return query_groups(query, synonyms_in(s)) if query.strip() else []

    def _search(self, query: str, groups: list[Group] | None, f: SearchFilters, limit: int,
                every: bool) -> tuple[SearchResult, list[Group]]:
        backend = self.search_backend
        if isinstance(backend, SqliteSearch):
            return self._search_listing(backend, groups, query, f, limit, every)
        with self.ctx.read() as s:
            if groups is None:
                groups = self._groups(s, query)
            matches = backend.matches(groups, every)
            town = (select(func.min(Location.town)).join(ServiceAtLocation,
                                                          ServiceAtLocation.location_id == Location.id)
                    .where(ServiceAtLocation.service_id == Service.id).correlate(Service).scalar_subquery())
            # In category-id order on both back ends: SQLite's group_concat follows the index on
            # service_category (service_id, category_id); PostgreSQL is told the same order.
            cats = (select(func.group_concat(Category.name, ", ") if self.ctx.db.is_sqlite
                           else func.string_agg(Category.name, _aggregate_order_by(
                               literal(", "), service_category.c.category_id)))
                    .join(service_category, service_category.c.category_id == Category.id)
                    .where(service_category.c.service_id == Service.id).correlate(Service).scalar_subquery())
            cols = [Service.id, Service.name, Service.organisation_id, Organisation.name.label("org_name"),
                    cats.label("cats"), town.label("town"), Service.is_free, Service.fee_description,
                    Service.access_self_referral, Service.access_professional_referral,
                    Service.access_drop_in, Service.access_appointment, Service.last_verified_on,
                    Service.status, Organisation.status.label("org_status"), Organisation.vetting_status,
                    Service.archived_at, Organisation.archived_at.label("org_archived"),
                    Service.by_phone, Service.online]
            # The page of ids first (filters, ranking, limit), then the display columns for those
            # rows only: categories and town are subqueries, too costly for every one of 30,000
            # matches of a common word when at most `limit` are shown.
            keys = [Service.id.label("id")] + (
                [matches.c.score.label("score")] if matches is not None else []
            )
            page_q = select(*keys).join(Organisation, Organisation.id == Service.organisation_id)
            count_q = (
                select(func.count())
                .select_from(Service)
                .join(Organisation, Organisation.id == Service.organisation_id)
            )
            if matches is not None:
                page_q = page_q.join(matches, matches.c.id == Service.id)
                # counting needs no ranking: the backend's unranked match when it has one
                counted = backend.match_ids(groups, every)
                assert counted is not None
                count_q = count_q.join(counted, counted.c.id == Service.id)
            conditions = self._conditions(_TABLES, f)
            if f.open_today:
                conditions.append(self._open_today(Service.id))
            if self._front_desk():  # never suspended or declined organisations' services
                conditions.append(Organisation.vetting_status.not_in(_BELOW))
            if conditions:
                page_q = page_q.where(and_(*conditions))
                count_q = count_q.where(and_(*conditions))
            order = [matches.c.score, Service.name] if matches is not None else [func.lower(Service.name)]
            page = page_q.order_by(*order, Service.id).limit(limit).subquery("page")
            q = (select(*cols).join(Organisation, Organisation.id == Service.organisation_id)
                 .join(page, page.c.id == Service.id))
            outer = [page.c.score, Service.name] if matches is not None else [func.lower(Service.name)]
            q = q.order_by(*outer, Service.id)
            rows = tuple(
                ServiceRow(r.id, r.name, r.organisation_id, r.org_name, r.cats or "", r.town or "", r.is_free,
                           r.fee_description,
                           tuple(a for a, on in zip(AccessRoute, (r.access_self_referral,
                                                                  r.access_professional_referral,
                                                                  r.access_drop_in, r.access_appointment),
                                                    strict=True) if on),
                           r.last_verified_on, r.status, r.org_status, r.vetting_status,
                           r.archived_at is not None or r.org_archived is not None,
                           bool(r.by_phone), bool(r.online))
                for r in s.execute(q))
            rows = _mark_not_stated(s, rows)
            total = len(rows) if len(rows) < limit else int(s.execute(count_q).scalar_one())
            return SearchResult(rows, total, query), groups

    def _search_listing(self, backend: SqliteSearch, groups: list[Group] | None, query: str, f: SearchFilters,
                        limit: int, every: bool) -> tuple[SearchResult, list[Group]]:
        """`search` on SQLite: filters, ranking and the rows shown all come from the search
        index's listing table (migration 0003), one row per service, kept by triggers."""
        lst = LISTING
        conditions = self._conditions(_LISTED, f)
        if f.open_today:
            conditions.append(self._open_today(lst.c.id))
        # What the Directory shows unfiltered is one indexed flag; the few rows without it can
        # be found through that index, so matches are counted without reading the listing.
        hidden: Any = lst.c.shown.is_(False) if len(conditions) == 1 and conditions[0] is _SHOWN else None
        if self._front_desk():  # never suspended or declined organisations' services
            conditions.append(lst.c.vetting_status.not_in(_BELOW))
            hidden = _HIDDEN_AT_DESK if hidden is not None else None
        with self.ctx.read() as s:
            if groups is None:
                groups = self._groups(s, query)
            ranked = backend.page(s, groups, conditions, limit, hidden, every)
            total: int | None
            if ranked is None:  # no query: every service, by name
                page = (select(lst.c.id, func.lower(lst.c.service_name).label("k1"), literal("").label("k2"))
                        .where(*conditions).order_by(func.lower(lst.c.service_name), lst.c.id)
                        .limit(limit).subquery("page"))
                total = None
            elif ranked.rows is None:
                return SearchResult((), 0, query), groups
            else:
                page, total = ranked.rows, ranked.total
            q = (select(lst.c.id, lst.c.service_name, lst.c.organisation_id, lst.c.organisation_name,
                        lst.c.categories, lst.c.town, lst.c.is_free, lst.c.fee_description,
                        lst.c.access_self_referral, lst.c.access_professional_referral, lst.c.access_drop_in,
                        lst.c.access_appointment, lst.c.last_verified_on, type_coerce(lst.c.status, String),
                        type_coerce(lst.c.organisation_status, String),
                        type_coerce(lst.c.vetting_status, String), lst.c.archived, lst.c.by_phone,
                        lst.c.online, Service.cost_not_stated)
                 .join(page, page.c.id == lst.c.id)
                 # "cost not stated" from the service's own row (a primary-key lookup for each of the
                 # page's rows), not a second statement with the page's ids bound one by one
                 .join(Service, Service.id == lst.c.id)
                 .order_by(page.c.k1, page.c.k2, lst.c.id))
            # the three states as their stored words, made enums here by a dictionary lookup (the
            # type's own conversion, per value, was a tenth of the time of a common word's search)
            service_status, org_statuses, vettings = _SERVICE_STATUS, _ORGANISATION_STATUS, _VETTING_STATUS
            rows = tuple(
                ServiceRow(sid, name, org_id, org_name, cats or "", town or "", is_free, fee,
                           _access_routes(a1, a2, a3, a4), verified, service_status[status],
                           org_statuses[org_status], vettings[vetting], bool(archived), bool(by_phone),
                           bool(online), bool(not_stated))
                for (sid, name, org_id, org_name, cats, town, is_free, fee, a1, a2, a3, a4, verified, status,
                     org_status, vetting, archived, by_phone, online, not_stated)
                in s.execute(q).all())
            rows = _mark_shared(s, rows)  # "vetted by <neighbour> (theirs)"
            if total is None:
                total = len(rows) if len(rows) < limit else int(
                    s.execute(select(func.count()).select_from(lst).where(*conditions)).scalar_one())
            return SearchResult(rows, total, query), groups

    @staticmethod
    def _conditions(on: _FilterColumns, f: SearchFilters) -> list[Any]:
        """The filters as SQL conditions on either source: one translation for both back ends."""
        c: list[Any] = []
        if on.shown is not None and not f.include_archived and f.status is ServiceStatus.ACTIVE:
            c.append(on.shown)  # not archived, active, organisation not closed: one indexed flag
        else:
            if not f.include_archived:
                c += on.not_archived
            if f.status is not None:
                c.append(on.status == f.status)
                if f.status is ServiceStatus.ACTIVE:
                    c.append(on.organisation_status != OrganisationStatus.CLOSED)
        if f.free_only:
            c.append(on.is_free.is_(True))
        if f.access is not None:
            c.append(on.access[f.access].is_(True))
        if f.vetting is not None:
            c.append(on.vetting == f.vetting)
        if f.organisation_id is not None:
            c.append(on.organisation_id == f.organisation_id)
        if f.age is not None:
            c.append(or_(on.min_age.is_(None), on.min_age <= f.age))
            c.append(or_(on.max_age.is_(None), on.max_age >= f.age))
        if f.category_id is not None:
            ids = select(Category.id).where(or_(Category.id == f.category_id,
                                                Category.parent_id == f.category_id))
            c.append(on.service_id.in_(select(service_category.c.service_id)
                                       .where(service_category.c.category_id.in_(ids))))
        return c

    def _open_today(self, id_column: Any) -> Any:
        from sp_desktop.services.confidence import open_on_condition

        return open_on_condition(id_column, self.ctx.today())

    def get_service(self, service_id: int) -> ServiceDetail:
        with self.ctx.read() as s:
            svc = s.get(Service, service_id, options=[selectinload(Service.categories),
                                                      selectinload(Service.schedules)])
            if svc is None:
                raise NotFound(f"Service {service_id} does not exist (it may have been deleted).")
            detail = service_detail(s, svc)
        return public_service_detail(detail) if self._front_desk() else detail

    def get_organisation(self, organisation_id: int) -> OrganisationDetail:
        with self.ctx.read() as s:
            org = s.get(Organisation, organisation_id)
            if org is None:
                raise NotFound(f"Organisation {organisation_id} does not exist (it may have been deleted).")
            detail = organisation_detail(s, org)
        return _public_org(detail) if self._front_desk() else detail

    def organisations(self, include_archived: bool = False) -> list[tuple[int, str]]:
        """(id, name) of organisations, by name, for pickers."""
        with self.ctx.read() as s:
            q = select(Organisation.id, Organisation.name).order_by(func.lower(Organisation.name))
            if not include_archived:
                q = q.where(Organisation.archived_at.is_(None))
            return [(r.id, r.name) for r in s.execute(q)]

    def known_values(self) -> KnownValues:
        """What people have typed before in the fields a new record repeats (towns, areas covered,
        legal statuses, languages), most used first, for the forms' suggestions as they type."""

        def most_used(s: Session, col: Any, limit: int = 500) -> tuple[str, ...]:
            q = (select(col, func.count()).where(col.is_not(None), col != "").group_by(col)
                 .order_by(func.count().desc(), col).limit(limit * 4))
            counts: dict[str, int] = {}
            spelling: dict[str, str] = {}  # "paisley" and "Paisley" are one town: the commoner spelling
            for value, n in s.execute(q):
                text = " ".join(str(value).split())
                key = text.casefold()
                counts[key] = counts.get(key, 0) + int(n)
                spelling.setdefault(key, text)
            ranked = sorted(counts, key=lambda k: (-counts[k], k))[:limit]
            return tuple(spelling[k] for k in ranked)

        with self.ctx.read() as s:
            languages: dict[str, str] = {}
            for (value,) in s.execute(select(Service.languages).where(Service.archived_at.is_(None))):
                for name in value or ():
                    text = " ".join(str(name).split())
                    if text:
                        languages.setdefault(text.casefold(), text)
            return KnownValues(towns=most_used(s, Location.town), areas=most_used(s, Service.service_area),
                               legal_statuses=most_used(s, Organisation.legal_status),
                               languages=tuple(sorted(languages.values(), key=str.casefold)))

    def service_counts(self) -> dict[int, int]:
        """Organisation id -> how many services it runs (archived ones not counted; none: absent)."""
        with self.ctx.read() as s:
            q = (select(Service.organisation_id, func.count()).where(Service.archived_at.is_(None))
                 .group_by(Service.organisation_id))
            return {int(org_id): int(n) for org_id, n in s.execute(q)}

    def counts(self) -> dict[str, int]:
        with self.ctx.read() as s:
            return {
                "organisations": s.scalar(select(func.count()).select_from(Organisation)
                                          .where(Organisation.archived_at.is_(None))) or 0,
                "services": s.scalar(select(func.count()).select_from(Service)
                                     .where(Service.archived_at.is_(None))) or 0,
                "locations": s.scalar(select(func.count()).select_from(Location)) or 0,
                "categories": s.scalar(select(func.count()).select_from(Category)
                                       .where(Category.archived.is_(False))) or 0,
                "archived services": s.scalar(select(func.count()).select_from(Service)
                                              .where(Service.archived_at.is_not(None))) or 0,
            }

    # ---- validation
    def validate_organisation(self, form: OrganisationForm) -> tuple[dict[str, Any], _Errors]:
        e = _Errors()
        v: dict[str, Any] = {
            "name": e.take(require_text, form.name, "name", "organisation name", 300),
            "alternate_name": e.take(optional_text, form.alternate_name, "alternate_name", "other name", 300),
            "description": e.take(optional_text, form.description, "description", "description"),
            "website": _opt(e, normalise_url, form.website, "website"),
            "email": _opt(e, normalise_email, form.email, "email"),
            "legal_status": e.take(optional_text, form.legal_status, "legal_status", "legal status", 200),
            "register_kind": form.register_kind,
            "registration_number": e.take(
                normalise_registration, form.register_kind, form.registration_number, "registration_number"
            ),
            "status": form.status,
        }
        v["phones"] = _phones(e, form.phones, "phones")
        contacts = []
        for i, c in enumerate(form.contacts):
            if not any((c.name.strip(), c.role.strip(), c.phone.strip(), c.email.strip())):
                continue
            contacts.append({
                "id": c.id,
                "name": e.take(require_text, c.name, f"contacts[{i}].name", "contact's name", 200),
                "role": (c.role or "").strip() or None,
                "phone": _opt(e, normalise_phone, c.phone, f"contacts[{i}].phone"),
                "email": _opt(e, normalise_email, c.email, f"contacts[{i}].email"),
            })
        v["contacts"] = contacts
        locations = []
        for i, loc in enumerate(form.locations):
            if not any((loc.name.strip(), loc.address_1.strip(), loc.town.strip(), loc.postcode.strip(),
                        loc.confidential)):
                continue
            postcode = None
            if loc.postcode.strip():
                checked = normalise_postcode(loc.postcode, f"locations[{i}].postcode")
                postcode = checked.value
                if checked.warning:
                    e.warnings[f"locations[{i}].postcode"] = checked.warning
            # A new venue needs its first line or a name; a confidential venue's public view (the town only,
            # as the front desk sees it) may be saved back as it is: the stored address is kept.
            if not (loc.address_1.strip() or loc.name.strip() or loc.confidential
                    or (loc.id is not None and loc.town.strip())):
                e.errors[f"locations[{i}].address_1"] = (
                    "Enter the first line of the address or the venue name."
                )
            locations.append({
                "id": loc.id, "name": loc.name.strip() or None, "address_1": loc.address_1.strip() or None,
                "address_2": loc.address_2.strip() or None, "town": loc.town.strip() or None,
                "postcode": postcode, "accessibility": list(loc.accessibility),
                "accessibility_notes": loc.accessibility_notes.strip() or None,
                "transport_notes": loc.transport_notes.strip() or None,
                "confidential": loc.confidential,
            })
        v["locations"] = locations
        return v, e

    def validate_service(self, form: ServiceForm) -> tuple[dict[str, Any], _Errors]:
        e = _Errors()
        v: dict[str, Any] = {
            "name": e.take(require_text, form.name, "name", "service name", 300),
            "alternate_name": e.take(optional_text, form.alternate_name, "alternate_name", "other name", 300),
            "description": e.take(optional_text, form.description, "description", "description"),
            "url": _opt(e, normalise_url, form.url, "url"),
            "email": _opt(e, normalise_email, form.email, "email"),
            "eligibility": e.take(optional_text, form.eligibility, "eligibility", "who it is for"),
            "min_age": form.min_age, "max_age": form.max_age,
            "application_process": e.take(optional_text, form.application_process, "application_process",
                                          "how to get in touch"),
            "referral_form_url": _opt(e, normalise_url, form.referral_form_url, "referral_form_url"),
            "is_free": form.is_free,
            "fee_description": e.take(optional_text, form.fee_description, "fee_description", "cost details"),
            "languages": [x.strip() for x in form.languages if x.strip()],
            "interpretation": e.take(optional_text, form.interpretation, "interpretation", "interpretation"),
            "bsl": form.bsl, "by_phone": form.by_phone, "online": form.online,
            "schedule_notes": e.take(optional_text, form.schedule_notes, "schedule_notes", "opening notes"),
            "service_area": e.take(optional_text, form.service_area, "service_area", "service area", 300),
            "status": form.status, "last_verified_on": form.last_verified_on,
            "cost_not_stated": form.cost_not_stated and not (form.fee_description or "").strip(),
            "age_not_stated": form.age_not_stated and form.min_age is None and form.max_age is None,
        }
        if v["cost_not_stated"]:
            v["is_free"] = False
        e.take(check_age_range, form.min_age, form.max_age)
        if not form.access:
            e.errors["access"] = "Choose at least one way to get to the service (e.g. self-referral)."
        if not form.is_free and not form.cost_not_stated and not (form.fee_description or "").strip():
            e.errors["fee_description"] = "Say what it costs, e.g. “£3 a session”."
        for a in AccessRoute:
            v[_ACCESS_COLUMN[a].key] = a in form.access
        slots = []
        for i, slot in enumerate(form.schedule):
            opens = _opt(e, normalise_time, slot.opens, f"schedule[{i}].opens")
            closes = _opt(e, normalise_time, slot.closes, f"schedule[{i}].closes")
            if opens and closes and closes <= opens:
                e.errors[f"schedule[{i}].closes"] = (
                    f"Closing time {closes} must be after opening time {opens}."
                )
            if not 0 <= slot.weekday <= 6:
                e.errors[f"schedule[{i}].weekday"] = "Choose a day of the week."
            slots.append((slot.weekday, opens, closes, (slot.note or "").strip() or None))
        v["schedule"] = slots
        v["phones"] = _phones(e, form.phones, "phones")
        return v, e

    # ---- writing
    def save_organisation(self, form: OrganisationForm, organisation_id: int | None = None,
                          expected_version: int | None = None) -> OrganisationDetail:
        """Create (`organisation_id` None) or update an organisation, exactly once.

        A retry of a save whose reply was lost is recognised: a new record by its `client_key`, an
        update because what is saved now is already exactly the form (no false conflict)."""
        if organisation_id is None and form.client_key:
            made = self._made_already(Organisation, form.client_key)
            if made is not None:
                return self.get_organisation(made)
        try:
            return self._save_organisation(form, organisation_id, expected_version)
        except ConflictError as exc:
            if organisation_id is not None \
                    and self._saved_as_form("organisation", organisation_id, form, exc):
                return self.get_organisation(organisation_id)
            raise
        except IntegrityError:
            made = self._made_already(Organisation, form.client_key) if form.client_key else None
            if made is None:
                raise
            return self.get_organisation(made)  # the same form saved at the same moment (two clicks)

    def _made_already(self, model: Any, key: str) -> int | None:
        with self.ctx.read() as s:
            return s.scalar(select(model.id).where(model.uid == key))

    def _saved_as_form(self, entity: str, ident: int, form: OrganisationForm | ServiceForm,
                       conflict: ConflictError) -> bool:
        """True when our own earlier save of `form` got through (its reply was lost): the last change
        was made by this person and the record as saved now shows exactly `form`."""
        from sp_desktop.services.concurrency import conflict_view

        if conflict.changed_by != self.ctx.actor.name:
            return False  # someone else's save, even of the same values, is theirs to show
        try:
            view = conflict_view(self.ctx, entity, ident, form)
        except NotFound:
            return False
        return not view.differences

    def _save_organisation(self, form: OrganisationForm, organisation_id: int | None,
                           expected_version: int | None) -> OrganisationDetail:
        values, errs = self.validate_organisation(form)
        errs.raise_if_any()
        with self.ctx.write(Permission.EDIT_DIRECTORY) as s:
            if organisation_id is None:
                org = Organisation(uid=form.client_key) if form.client_key else Organisation()
                s.add(org)
            else:
                org = self._load_for_update(
                    s, Organisation, organisation_id, expected_version, "organisation"
                )
            for key in ("name", "alternate_name", "description", "website", "email", "legal_status",
                        "register_kind", "registration_number", "status"):
                setattr(org, key, values[key])
            changes = audit.pending_changes(org) if organisation_id else {}
            s.flush()
            sub = self._replace_org_children(s, org, values)
            changes.update(sub)
            if (organisation_id is not None and org.vetting_status is VettingStatus.APPROVED
                    and not can(self.ctx.actor, Permission.VET)
                    and touches_patient_facing(changes, ORGANISATION_COLUMNS, ORGANISATION_PARTS)):
                raise ApprovedDetailsLocked(self.ctx.actor, org.name)  # the transaction is rolled back
            if organisation_id is None:
                audit.record(s, self.ctx, AuditAction.CREATE, "organisation", org.id, org.name,
                             audit.snapshot(org), organisation_id=org.id)
            elif changes:
                audit.record(s, self.ctx, AuditAction.UPDATE, "organisation", org.id, org.name, changes,
                             organisation_id=org.id)
            s.flush()
            saved = organisation_detail(s, org)
        return _public_org(saved) if self._front_desk() else saved  # what the front desk may see

    def add_organisation_with_service(self, organisation: OrganisationForm,
                                      service: ServiceForm) -> ServiceDetail:
        """A new organisation with its first service at its venues (the guided form), in one
        transaction: all three are saved, linked (the service meets at every venue given), or
        nothing is. Errors name the part: "organisation.name", "service.access",
        "organisation.locations[0].postcode". Saving the same forms again (a lost reply, a double
        Enter) returns the service already made, by the forms' client keys."""
        if service.client_key:
            made = self._made_already(Service, service.client_key)
            if made is not None:
                return self.get_service(made)
        org_values, org_errs = self.validate_organisation(organisation)
        svc_values, svc_errs = self.validate_service(replace(service, organisation_id=0))
        errors = {f"organisation.{k}": v for k, v in org_errs.errors.items()}
        errors.update({f"service.{k}": v for k, v in svc_errs.errors.items()})
        if errors:
            warnings = {f"organisation.{k}": v for k, v in org_errs.warnings.items()}
            warnings.update({f"service.{k}": v for k, v in svc_errs.warnings.items()})
            raise ValidationFailed(errors, warnings)
        try:
            with self.ctx.write(Permission.EDIT_DIRECTORY) as s:
                org = Organisation(uid=organisation.client_key) if organisation.client_key else Organisation()
                s.add(org)
                for key in ("name", "alternate_name", "description", "website", "email", "legal_status",
                            "register_kind", "registration_number", "status"):
                    setattr(org, key, org_values[key])
                s.flush()
                self._replace_org_children(s, org, org_values)
                audit.record(s, self.ctx, AuditAction.CREATE, "organisation", org.id, org.name,
                             audit.snapshot(org), organisation_id=org.id)
                s.flush()
                venues = list(s.scalars(select(Location.id).where(Location.organisation_id == org.id)
                                        .order_by(Location.id)))
                form = replace(service, organisation_id=org.id, location_ids=venues)
                return self.write_service(s, form, svc_values, None, None)
        except IntegrityError:
            made = self._made_already(Service, service.client_key) if service.client_key else None
            if made is None:
                raise
            return self.get_service(made)  # the same forms saved at the same moment (two presses)

    def _replace_org_children(
        self, s: Session, org: Organisation, values: dict[str, Any]
    ) -> dict[str, list[Any]]:
        changes: dict[str, list[Any]] = {}
        old_phones = s.scalars(
            select(Phone)
            .where(
                Phone.organisation_id == org.id,
                Phone.service_id.is_(None),
                Phone.location_id.is_(None),
                Phone.contact_id.is_(None),
            )
            .order_by(Phone.id)
        ).all()
        old = [(p.number, p.type, p.description) for p in old_phones]
        if old != values["phones"]:
            for p in old_phones:
                s.delete(p)
            for number, ptype, desc in values["phones"]:
                s.add(Phone(organisation_id=org.id, number=number, type=ptype, description=desc))
            changes["phones"] = [
                [display_phone(x[0]) for x in old],
                [display_phone(x[0]) for x in values["phones"]],
            ]

        existing = {c.id: c for c in s.scalars(select(Contact).where(Contact.organisation_id == org.id,
                                                                      Contact.service_id.is_(None)))}
        kept: set[int] = set()
        before = sorted(c.name for c in existing.values())
        touched = False
        for c in values["contacts"]:
            obj = existing.get(c["id"]) if c["id"] else None
            if obj is None:
                obj = Contact(organisation_id=org.id)
                s.add(obj)
                touched = True
            for k in ("name", "role", "phone", "email"):
                if getattr(obj, k) != c[k]:
                    setattr(obj, k, c[k])
                    touched = True
            if obj.id:
                kept.add(obj.id)
        for cid, obj in existing.items():
            if cid not in kept:
                s.delete(obj)
                touched = True
        if touched:
            changes["contacts"] = [before, sorted(c["name"] for c in values["contacts"])]

        existing_locs = {
            loc.id: loc for loc in s.scalars(select(Location).where(Location.organisation_id == org.id))
        }
        kept = set()
        def venue_label(name: str | None, address_1: str | None, town: str | None, confidential: bool) -> str:
            if confidential:  # the audit trail is printed in the vetting summary: the public view only
                return CONFIDENTIAL_LABEL + (f" ({town})" if town else "")
            return name or address_1 or ""

        before_locs = sorted(filter(None, (
            venue_label(loc.name, loc.address_1, loc.town, bool(loc.confidential))
            for loc in existing_locs.values())))
        touched = False
        lead = can(self.ctx.actor, Permission.VET)
        for loc in values["locations"]:
            venue = existing_locs.get(loc["id"]) if loc["id"] else None
            if venue is not None and venue.confidential and self._front_desk():
                kept.add(venue.id)  # the front desk was shown the public view only: the address stays
                continue
            if venue is None:
                venue = Location(organisation_id=org.id, confidential=False)
                s.add(venue)
                touched = True
            for k, val in loc.items():
                if k == "confidential" and (val is None or not lead):
                    continue  # only the vetting lead marks a location confidential (or not); None keeps it
                if k != "id" and getattr(venue, k) != val:
                    setattr(venue, k, val)
                    touched = True
            if venue.id:
                kept.add(venue.id)
        for lid, old_venue in existing_locs.items():
            if lid not in kept:
                in_use = s.scalar(select(func.count()).select_from(ServiceAtLocation)
                                  .where(ServiceAtLocation.location_id == lid))
                if in_use:
                    raise ValidationFailed(
                        {
                            "locations": f"The venue “{old_venue.name or old_venue.address_1}” is used by "
                            f"{in_use} service(s): remove it from them first."
                        }
                    )
                s.delete(old_venue)
                touched = True
        if touched:
            after_locs = [venue_label(loc.name, loc.address_1, loc.town, bool(loc.confidential))
                          for loc in s.scalars(select(Location).where(Location.organisation_id == org.id))]
            changes["venues"] = [before_locs, sorted(filter(None, after_locs))]
        return changes

    def _imported_without_access(self, service_id: int) -> bool:
        with self.ctx.read() as s:
            svc = s.get(Service, service_id)
            return svc is not None and not any(getattr(svc, col.key) for col in _ACCESS_COLUMN.values())

    def save_service(self, form: ServiceForm, service_id: int | None = None,
                     expected_version: int | None = None) -> ServiceDetail:
        """Add or change a service, exactly once (as `save_organisation`). The last-checked date
        moves only when the form says someone checked (`form.last_verified_on`); any other change
        to a patient-facing field keeps it and marks the service "changed since last checked".
        The front desk may not change the patient-facing fields of an approved organisation's
        service (ApprovedDetailsLocked)."""
        if service_id is None and form.client_key:
            made = self._made_already(Service, form.client_key)
            if made is not None:
                return self.get_service(made)
        try:
            return self._save_service(form, service_id, expected_version)
        except ConflictError as exc:
            if service_id is not None and self._saved_as_form("service", service_id, form, exc):
                return self.get_service(service_id)
            raise
        except IntegrityError:
            made = self._made_already(Service, form.client_key) if form.client_key else None
            if made is None:
                raise
            return self.get_service(made)

    def _save_service(self, form: ServiceForm, service_id: int | None,
                      expected_version: int | None) -> ServiceDetail:
        values, errs = self.validate_service(form)
        if "access" in errs.errors and service_id is not None and self._imported_without_access(service_id):
            del errs.errors["access"]  # its source never said; an unrelated edit must not make someone guess
        errs.raise_if_any()
        with self.ctx.write(Permission.EDIT_DIRECTORY) as s:
            return self.write_service(s, form, values, service_id, expected_version)

    def write_service(self, s: Session, form: ServiceForm, values: dict[str, Any], service_id: int | None,
                      expected_version: int | None, summary: str = "",
                      locked: bool = True) -> ServiceDetail:
        """save_service's work inside the caller's transaction (accepting a suggestion uses it)."""
        org = s.get(Organisation, form.organisation_id)
        if org is None:
            raise ValidationFailed({"organisation_id": "Choose the organisation that runs this service."})
        if service_id is None:
            svc = Service(organisation_id=org.id, uid=form.client_key) if form.client_key \
                else Service(organisation_id=org.id)
            s.add(svc)
        else:
            svc = self._load_for_update(s, Service, service_id, expected_version, "service")
            svc.organisation_id = org.id
        for key, val in values.items():
            if key == "last_verified_on" and val is None and service_id is not None:
                continue  # nobody said they checked: the last-checked date stays as it was
            if key not in ("schedule", "phones"):
                setattr(svc, key, val)
        if values["last_verified_on"] is None and service_id is None:
            svc.last_verified_on = self.ctx.today()
        if form.last_verified_on is not None:
            svc.last_verified_by = self.ctx.actor.name
        changes = audit.pending_changes(svc) if service_id else {}
        s.flush()
        # categories
        cats = s.scalars(select(Category).where(Category.id.in_(form.category_ids))).all() \
            if form.category_ids else []
        if len(cats) != len(set(form.category_ids)):
            raise ValidationFailed({"categories": "One of the chosen categories no longer exists: reload."})
        old_cats = sorted(c.name for c in svc.categories)
        if sorted(c.id for c in svc.categories) != sorted(c.id for c in cats):
            svc.categories = list(cats)
            changes["categories"] = [old_cats, sorted(c.name for c in cats)]
        # venues
        old_locs = set(s.scalars(select(ServiceAtLocation.location_id)
                                 .where(ServiceAtLocation.service_id == svc.id)))
        new_locs = set(form.location_ids)
        if new_locs - old_locs:
            valid = set(s.scalars(select(Location.id).where(Location.id.in_(new_locs - old_locs),
                                                            Location.organisation_id == org.id)))
            if valid != new_locs - old_locs:
                raise ValidationFailed({"locations": "A chosen venue does not belong to this organisation."})
        if old_locs != new_locs:
            for lid in old_locs - new_locs:
                sal = s.scalar(select(ServiceAtLocation).where(ServiceAtLocation.service_id == svc.id,
                                                               ServiceAtLocation.location_id == lid))
                s.delete(sal)
            for lid in new_locs - old_locs:
                s.add(ServiceAtLocation(service_id=svc.id, location_id=lid))
            changes["venues"] = [sorted(old_locs), sorted(new_locs)]
        # schedule
        old_slots = [(x.weekday, x.opens_at, x.closes_at, x.note) for x in svc.schedules]
        if old_slots != values["schedule"]:
            svc.schedules = [Schedule(weekday=w, opens_at=o, closes_at=c, note=n)
                             for w, o, c, n in values["schedule"]]
            changes["opening times"] = [len(old_slots), len(values["schedule"])]
        # phones
        old_phones = s.scalars(select(Phone).where(Phone.service_id == svc.id).order_by(Phone.id)).all()
        if [(p.number, p.type, p.description) for p in old_phones] != values["phones"]:
            for p in old_phones:
                s.delete(p)
            for number, ptype, desc in values["phones"]:
                s.add(Phone(service_id=svc.id, number=number, type=ptype, description=desc))
            changes["phones"] = [[display_phone(p.number) for p in old_phones],
                                 [display_phone(x[0]) for x in values["phones"]]]
        mark: tuple[datetime | None] | None = None  # the new "changed since last checked", if it moves
        if service_id is not None and touches_patient_facing(changes, SERVICE_COLUMNS, SERVICE_PARTS):
            if (locked and org.vetting_status is VettingStatus.APPROVED
                    and not can(self.ctx.actor, Permission.VET)):
                raise ApprovedDetailsLocked(self.ctx.actor, svc.name)  # the transaction is rolled back
            if form.last_verified_on is None:
                mark = (self.ctx.now(),)
        if form.last_verified_on is not None and svc.changed_since_checked_at is not None:
            mark = (None,)
        s.flush()
        if mark is not None:  # bookkeeping beside the save: not a second version of the record
            s.execute(update(Service).where(Service.id == svc.id)
                      .values(changed_since_checked_at=mark[0]).execution_options(synchronize_session=False))
        if service_id is None:
            audit.record(s, self.ctx, AuditAction.CREATE, "service", svc.id, svc.name, audit.snapshot(svc),
                         organisation_id=org.id)
        elif changes:
            audit.record(s, self.ctx, AuditAction.UPDATE, "service", svc.id, svc.name, changes,
                         summary=summary, organisation_id=org.id)
        s.flush()
        s.expire(svc)
        saved = service_detail(s, svc)
        return public_service_detail(saved) if self._front_desk() else saved

    def _load_for_update(self, s: Session, model: Any, ident: int, expected_version: int | None,
                         entity: str) -> Any:
        obj = s.get(model, ident, with_for_update=not self.ctx.db.is_sqlite)
        if obj is None:
            raise NotFound(f"That {entity} no longer exists: someone may have removed it. Reload the list.")
        if expected_version is not None and obj.version != expected_version:
            who, when = _last_change(s, entity, ident)
            raise ConflictError(entity, obj.name, who, when)
        return obj

    def set_archived(self, entity: str, ident: int, archived: bool, reason: str = "") -> None:
        """Archive (hide from the directory and leaflets, keep history) or restore."""
        model = {"organisation": Organisation, "service": Service}[entity]
        with self.ctx.write(Permission.ARCHIVE) as s:
            obj: Any = s.get(model, ident)
            if obj is None:
                raise NotFound(f"That {entity} no longer exists.")
            if (obj.archived_at is not None) == archived:
                return
            obj.archived_at = self.ctx.now() if archived else None
            org_id = obj.id if entity == "organisation" else obj.organisation_id
            audit.record(
                s,
                self.ctx,
                AuditAction.ARCHIVE if archived else AuditAction.RESTORE,
                entity,
                obj.id,
                obj.name,
                {"archived": [not archived, archived]},
                summary=reason.strip(),
                organisation_id=org_id,
            )

    def set_location_confidential(self, location_id: int, confidential: bool) -> LocationInfo:
        """Mark a venue confidential (a refuge, a safe house) or public again. Vetting lead and above;
        audited. A confidential venue's name, street, postcode, map position and notes never leave the
        practice (`domain.locations.public_location`) and are not shown to the front desk."""
        with self.ctx.write(Permission.VET) as s:
            loc = s.get(Location, location_id)
            if loc is None:
                raise NotFound(f"Venue {location_id} does not exist (it may have been removed).")
            if bool(loc.confidential) != confidential:
                loc.confidential = confidential
                label = f"venue in {loc.town}" if loc.town else f"venue {loc.id}"  # never its name or street
                audit.record(s, self.ctx, AuditAction.UPDATE, "location", loc.id, label,
                             {"confidential": [not confidential, confidential]},
                             summary=("marked the venue confidential: its address is no longer printed, "
                                      "exported or shown to the front desk") if confidential else
                                     "made the venue public again: its address is printed and exported",
                             organisation_id=loc.organisation_id)
                s.flush()
            return _location_info(loc)

    def mark_verified(self, service_id: int, on: date | None = None) -> None:
        """Record that someone checked the service's details are still right."""
        with self.ctx.write(Permission.EDIT_DIRECTORY) as s:
            svc = s.get(Service, service_id)
            if svc is None:
                raise NotFound("That service no longer exists.")
            svc.last_verified_on = on or self.ctx.today()
            svc.last_verified_by = self.ctx.actor.name
            svc.changed_since_checked_at = None
            changes = audit.pending_changes(svc)
            audit.record(s, self.ctx, AuditAction.UPDATE, "service", svc.id, svc.name, changes,
                         summary="details checked and confirmed", organisation_id=svc.organisation_id)


__all__ = [
    "ConflictError",
    "ContactForm",
    "DirectoryService",
    "LocationForm",
    "OrganisationDetail",
    "OrganisationForm",
    "PhoneForm",
    "SearchFilters",
    "SearchResult",
    "ServiceDetail",
    "ServiceForm",
    "ServiceRow",
    "SlotForm",
]
