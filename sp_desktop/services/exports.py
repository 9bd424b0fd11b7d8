"""Exporting the directory: Open Referral (JSON or data package) and a plain CSV for Excel.

Only directory data leaves: organisations, services, venues, phones, opening times and
categories. The records built here have no field for vetting evidence, trust notes, contact
history, referrals or staff names, so an export cannot carry them. Named contacts (people at
organisations: their names, roles, phone numbers and email addresses) are left out unless the
person exporting chooses them; organisations whose vetting was declined or that are suspended are
left out unless asked for (a file outlives the decision); archived records are never exported.

An export needs a signed-in member of staff (never the system account or a command without
--user) and is written to the audit trail: who, when, which format, how many organisations and
services, and whether contacts or declined/suspended organisations went too. If the audit row
cannot be written the file is removed: no export leaves without its record.
"""

from __future__ import annotations

import functools
import shutil
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Executable, Row, func, select
from sqlalchemy.orm import Session

from sp_desktop.db.engine import long_work
from sp_desktop.db.models import (
    Category,
    Contact,
    Location,
    Organisation,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    service_category,
)
from sp_desktop.domain.confidence import Capacity
from sp_desktop.domain.enums import AccessRoute, AuditAction, VettingStatus
from sp_desktop.domain.formatting import AGE_NOT_STATED, COST_NOT_STATED, show_date
from sp_desktop.domain.locations import CONFIDENTIAL_EXPORT_LINE, public_location
from sp_desktop.domain.validators import display_phone
from sp_desktop.interop import hsds, spreadsheet
from sp_desktop.interop.records import (
    SERVICE_FIELDS,
    CapacityRec,
    ContactRec,
    LocationRec,
    OrgRec,
    PhoneRec,
    ServiceRec,
    SlotRec,
    TermRec,
)
from sp_desktop.interop.textparse import BSL_NAMES, format_opening_times, parse_cost
from sp_desktop.services import audit
from sp_desktop.services.base import Permission, ServiceContext, require
from sp_desktop.services.tasks import Progress, check

ExportFormat = Literal["csv", "hsds-json", "hsds-csv", "shared-directory"]
ALL_AGES = "All ages"
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "hsds-json", "hsds-csv", "shared-directory")
EXPORT_LABELS = {"csv": "Spreadsheet for Excel (CSV)", "hsds-json": "Open Referral JSON (HSDS 3.0)",
                 "hsds-csv": "Open Referral data package (zip of CSV files)",
                 "shared-directory": "Shared directory for neighbouring practices (Open Referral JSON with "
                                     "who vetted each organisation)"}

#: Organisations read per round of queries: each round is one query per table, so the export's
#: memory is that of a round, whatever the size of the directory.
CHUNK = 500
#: Progress is reported (and Cancel looked at) every this many organisations.
PROGRESS_EVERY = 50


#: Vetting states whose organisations stay out of an export unless asked for.
WITHHELD = (VettingStatus.DECLINED, VettingStatus.SUSPENDED)


class ExportFailed(RuntimeError):
    """The export could not be written; the message says why. Nothing was left half-written."""


class ExportNeedsSignIn(PermissionError):
    """Exports are made by a named, signed-in member of staff (the audit trail says who)."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: ExportFormat
    organisations: int
    services: int
    include_contacts: bool = False
    include_declined: bool = False

    def describe(self) -> str:
        contacts = "with named contacts" if self.include_contacts else "without named contacts"
        declined = ("declined and suspended organisations included" if self.include_declined
                    else "declined and suspended organisations left out")
        return (f"Exported {self.organisations:,} organisations and {self.services:,} services to "
                f"{self.path} ({contacts}; {declined}).")


def category_term(cat: Category, by_id: dict[int, Category]) -> TermRec:
    parent = by_id.get(cat.parent_id) if cat.parent_id else None
    return TermRec(
        hsds.derived_id("category", cat.code),
        cat.name,
        code=cat.code,
        description=cat.description,
        parent_id=hsds.derived_id("category", parent.code) if parent else None,
        taxonomy=hsds.CATEGORY_TAXONOMY["name"],
        taxonomy_id=hsds.CATEGORY_TAXONOMY["id"],
    )


_ACCESS = [(route, getattr(Service, f"access_{route.value}")) for route in AccessRoute]
_SERVICE_COLUMNS = [getattr(Service, key) for key in SERVICE_FIELDS]


def _grouped(rows: Iterable[Row[Any]]) -> dict[int, list[Row[Any]]]:
    """Rows by their first column (an owner's id), keeping the query's order within each owner."""
    out: dict[int, list[Row[Any]]] = defaultdict(list)
    for row in rows:
        out[row[0]].append(row)
    return out


class DirectoryReader:
    """The directory as export records, read in rounds of `CHUNK` organisations.

    Each round is one query per table (organisations, their phones, contacts and venues, then the
    services with their opening times, phones, contacts, venues and categories), so reading is linear
    in the size of the directory and only one round is in memory at a time. Records come out in the
    order the export writes them: organisations by name, their services by name. `terms` gathers
    the categories used (and their parents) as services are read.
    """

    def __init__(self, s: Session, *, include_contacts: bool = False, approved_only: bool = False,
                 include_declined: bool = False) -> None:
        self.s = s
        self.include_contacts = include_contacts
        cats = {c.id: c for c in s.scalars(select(Category))}
        self._cats = cats
        self._terms_by_cat = {cid: category_term(c, cats) for cid, c in cats.items()}
        #: category id -> ((name, code) to sort by, its term, its parent's term or None), worked out
        #: once rather than for each of the services (plain tuples: no ORM attribute access per row)
        self._term_info: dict[int, tuple[tuple[str, str, int], TermRec, TermRec | None]] = {
            cid: ((c.name.lower(), c.code, cid), self._terms_by_cat[cid],
                  self._terms_by_cat[c.parent_id] if c.parent_id and c.parent_id in cats else None)
            for cid, c in cats.items()}
        self.terms: dict[str, TermRec] = {}
        q = (select(Organisation.id).where(Organisation.archived_at.is_(None))
             .order_by(func.lower(Organisation.name), Organisation.uid))
        if approved_only:
            q = q.where(Organisation.vetting_status == VettingStatus.APPROVED)
        elif not include_declined:
            q = q.where(Organisation.vetting_status.not_in(WITHHELD))
        self.org_ids: list[int] = list(s.scalars(q))
        self.organisations_read = 0
        self.services = 0

    def __len__(self) -> int:
        return len(self.org_ids)

    def organisations(self, progress: Progress | None = None,
                      text: str = "Exporting the directory…") -> Iterator[tuple[OrgRec, str]]:
        """(record with its services, vetting label) for each organisation, checking `progress`."""
        total = len(self.org_ids)
        done = 0
        for start in range(0, total, CHUNK):
            for item in self._round(self.org_ids[start:start + CHUNK]):
                if done % PROGRESS_EVERY == 0:
                    check(progress, done, total, text)
                yield item
                done += 1
                self.organisations_read = done

    def _rows(self, q: Executable) -> dict[int, list[Row[Any]]]:
        # plain rows (no ORM loading), fetched together: iterating a Result fetches row by row
        return _grouped(self.s.connection().execute(q).all())

    def _round(self, ids: Sequence[int]) -> Iterator[tuple[OrgRec, str]]:
        export_id = hsds.export_id
        orgs = {r.id: r for r in self.s.connection().execute(
            select(Organisation.id, Organisation.uid, Organisation.name, Organisation.alternate_name,
                   Organisation.description, Organisation.website, Organisation.email,
                   Organisation.legal_status, Organisation.register_kind, Organisation.registration_number,
                   Organisation.vetting_status, Organisation.status).where(Organisation.id.in_(ids))).all()}
        org_phones = self._rows(
            select(Phone.organisation_id, Phone.number, Phone.type, Phone.description, Phone.uid)
            .where(Phone.organisation_id.in_(ids), Phone.service_id.is_(None), Phone.location_id.is_(None),
                   Phone.contact_id.is_(None))
            .order_by(Phone.id))
        org_contacts = self._rows(
            select(Contact.organisation_id, Contact.name, Contact.role, Contact.phone, Contact.email,
                   Contact.uid)
            .where(Contact.organisation_id.in_(ids), Contact.service_id.is_(None))
            .order_by(Contact.name, Contact.uid)) if self.include_contacts else {}
        locations = self._rows(
            select(Location.organisation_id, Location.id, Location.uid, Location.name, Location.address_1,
                   Location.address_2, Location.town, Location.region, Location.postcode,
                   Location.latitude, Location.longitude, Location.accessibility,
                   Location.accessibility_notes, Location.transport_notes, Location.country,
                   Location.confidential)
            .where(Location.organisation_id.in_(ids))
            .order_by(Location.name, Location.uid))
        in_round = (Service.organisation_id.in_(ids), Service.archived_at.is_(None))
        services = self._rows(
            select(Service.organisation_id, Service.id, Service.uid, *_SERVICE_COLUMNS,
                   *(col for _, col in _ACCESS))
            .where(*in_round)
            .order_by(func.lower(Service.name), Service.uid))
        schedules = self._rows(
            select(Schedule.service_id, Schedule.weekday, Schedule.opens_at, Schedule.closes_at,
                   Schedule.note, Schedule.uid)
            .join(Service, Service.id == Schedule.service_id).where(*in_round)
            .order_by(Schedule.weekday, Schedule.opens_at, Schedule.id))
        svc_phones = self._rows(
            select(Phone.service_id, Phone.number, Phone.type, Phone.description, Phone.uid)
            .join(Service, Service.id == Phone.service_id).where(*in_round)
            .where(Phone.contact_id.is_(None) if not self.include_contacts else Phone.id.is_not(None))
            .order_by(Phone.id))
        svc_contacts = self._rows(
            select(Contact.service_id, Contact.name, Contact.role, Contact.phone, Contact.email, Contact.uid)
            .join(Service, Service.id == Contact.service_id).where(*in_round)
            .order_by(Contact.name, Contact.id)) if self.include_contacts else {}
        venues = self._rows(
            select(ServiceAtLocation.service_id, ServiceAtLocation.location_id)
            .join(Service, Service.id == ServiceAtLocation.service_id).where(*in_round))
        categories = self._rows(
            select(service_category.c.service_id, service_category.c.category_id)
            .join(Service, Service.id == service_category.c.service_id).where(*in_round))
        capacity = self._rows(
            select(ServiceCapacity.service_id, ServiceCapacity.state, ServiceCapacity.wait_weeks,
                   ServiceCapacity.confirmed_on)
            .join(Service, Service.id == ServiceCapacity.service_id).where(*in_round))

        n_fields = len(SERVICE_FIELDS)
        for org_id in ids:
            org = orgs.get(org_id)
            if org is None:  # archived or deleted since the list was read
                continue
            rec = OrgRec(
                name=org.name, id=export_id(org.uid), alternate_name=org.alternate_name,
                description=org.description, website=org.website, email=org.email,
                legal_status=org.legal_status, register_kind=org.register_kind,
                registration_number=org.registration_number, status=org.status,
                phones=[PhoneRec(p.number, p.type, p.description, export_id(p.uid))
                        for p in org_phones.get(org_id, ())],
                contacts=[ContactRec(c.name, c.role, c.phone, c.email, export_id(c.uid))
                          for c in org_contacts.get(org_id, ())],
            )
            loc_ids: dict[int, str] = {}
            for loc in locations.get(org_id, ()):
                lid = export_id(loc.uid)
                loc_ids[loc.id] = lid
                view = public_location(loc)  # a refuge's street, postcode and map position never leave
                rec.locations.append(LocationRec(
                    lid, view.name, CONFIDENTIAL_EXPORT_LINE if view.confidential else view.address_1,
                    view.address_2, view.town, view.region, view.postcode, view.latitude, view.longitude,
                    list(view.accessibility), view.accessibility_notes, view.transport_notes, loc.country,
                    view.confidential))
            for row in services.get(org_id, ()):
                sid = row.id
                fields = dict(zip(SERVICE_FIELDS, row[3:3 + n_fields], strict=True))
                fields["languages"] = list(fields["languages"] or [])
                srec = ServiceRec(**fields, id=export_id(row.uid))
                flags = row[3 + n_fields:]
                srec.access = [route for (route, _), on in zip(_ACCESS, flags, strict=True) if on]
                srec.schedule = [SlotRec(x.weekday, x.opens_at, x.closes_at, x.note, export_id(x.uid))
                                 for x in schedules.get(sid, ())]
                srec.phones = [PhoneRec(p.number, p.type, p.description, export_id(p.uid))
                               for p in svc_phones.get(sid, ())]
                srec.contacts = [ContactRec(c.name, c.role, c.phone, c.email, export_id(c.uid))
                                 for c in svc_contacts.get(sid, ())]
                srec.location_ids = sorted(loc_ids[v.location_id] for v in venues.get(sid, ())
                                           if v.location_id in loc_ids)
                self._add_terms(srec, [c.category_id for c in categories.get(sid, ())])
                for cap in capacity.get(sid, ()):
                    srec.capacity = CapacityRec(Capacity(cap.state).value, cap.wait_weeks, cap.confirmed_on)
                rec.services.append(srec)
                self.services += 1
            yield rec, f"{org.vetting_status.label} {org.vetting_status.symbol}"

    def _add_terms(self, srec: ServiceRec, category_ids: list[int]) -> None:
        info = self._term_info
        for _key, term, pterm in sorted(info[i] for i in category_ids):
            self.terms.setdefault(term.id, term)
            srec.term_ids.append(term.id)
            if pterm is not None:
                self.terms.setdefault(pterm.id, pterm)


class ExportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def records(self, *, include_contacts: bool = False, approved_only: bool = False,
                include_declined: bool = False, progress: Progress | None = None,
                ) -> tuple[list[OrgRec], dict[str, TermRec], dict[str, str]]:
        """(organisations with their services, terms by id, vetting label by organisation id) to export,
        all in memory (the export itself streams: see `export`)."""
        with long_work("export"), self.ctx.read(Permission.VIEW) as s:
            reader = DirectoryReader(s, include_contacts=include_contacts, approved_only=approved_only,
                                     include_declined=include_declined)
            orgs: list[OrgRec] = []
            vetting: dict[str, str] = {}
            for rec, label in reader.organisations(progress, "Reading the directory…"):
                orgs.append(rec)
                vetting[rec.id or ""] = label
            return orgs, reader.terms, vetting

    # ---- formats
    def export(self, fmt: ExportFormat, out: Path, *, include_contacts: bool = False,
               approved_only: bool = False, include_declined: bool = False,
               progress: Progress | None = None) -> ExportResult:
        """Write the directory to `out`, streaming: organisations are read, turned into the format and
        written a round at a time, into a temporary file that replaces `out` only when complete (a
        failure or Cancel leaves any earlier file at `out` as it was). Then the audit row."""
        if self.ctx.actor.id is None:
            raise ExportNeedsSignIn(
                "Exports are made by a named member of staff, so that the audit trail says who took the "
                "data. Sign in first (on the command line: --user \"Your Name\").")
        require(self.ctx.actor, Permission.VIEW)
        if fmt not in EXPORT_FORMATS:
            raise ExportFailed(f"“{fmt}” is not an export format; use one of {', '.join(EXPORT_FORMATS)}.")
        out = Path(out)
        if not out.parent.is_dir():
            raise ExportFailed(f"The folder {out.parent} does not exist: choose another place to save.")
        try:
            with long_work("export"), self.ctx.read(Permission.VIEW) as s:
                reader = DirectoryReader(s, include_contacts=include_contacts, approved_only=approved_only,
                                         include_declined=include_declined)
                orgs = reader.organisations(progress)
                if fmt == "shared-directory":
                    # approved organisations only, never named contacts; every venue through shared_location()
                    reader = DirectoryReader(s, approved_only=True)
                    provenance = shared_provenance(s)
                    orgs = reader.organisations(progress)
                    objects = (hsds.organization_object(shared_record(rec), reader.terms, False)
                               | {hsds.PROVENANCE_FIELD: provenance.get(rec.id or "")} for rec, _ in orgs)
                    hsds.write_json(objects, out, total=len(reader))
                elif fmt == "csv":
                    headings = ([h for h, _ in spreadsheet.EXPORT_COLUMNS]
                                + list(spreadsheet.EXTRA_EXPORT_COLUMNS))
                    rows = (row for rec, label in orgs for row in org_csv_rows(rec, reader.terms, label))
                    spreadsheet.write_directory_csv(rows, out, headings)
                else:
                    objects = (hsds.organization_object(rec, reader.terms, include_contacts)
                               for rec, _ in orgs)
                    if fmt == "hsds-json":
                        hsds.write_json(objects, out, total=len(reader))
                    else:
                        hsds.write_tabular_stream(
                            objects, out, f"Social prescribing directory ({show_date(self.ctx.today())})",
                            more_terms=lambda: reader.terms.values())
                count, services = reader.organisations_read, reader.services
        except hsds.HsdsError as exc:
            raise ExportFailed(str(exc)) from None
        except OSError as exc:
            raise ExportFailed(
                f"Could not write {out}: {exc.strerror or exc}. Check the folder exists and you may "
                "save there, and that the file is not open in another program."
            ) from None
        shared = fmt == "shared-directory"
        result = ExportResult(out, fmt, count, services, include_contacts and not shared,
                              include_declined and not approved_only and not shared)
        approved_only = approved_only or shared
        try:
            self._audit(result, approved_only)
        except Exception:  # no export leaves without its audit row
            if out.is_dir():
                shutil.rmtree(out, ignore_errors=True)
            else:
                out.unlink(missing_ok=True)
            raise
        check(progress, count, count, "Done")
        return result

    def _audit(self, result: ExportResult, approved_only: bool) -> None:
        which = ("approved organisations only" if approved_only else
                 "declined and suspended organisations included" if result.include_declined else
                 "declined and suspended organisations left out")
        changes: dict[str, list[Any]] = {
            "format": [None, result.format], "file": [None, result.path.name],
            "organisations": [None, result.organisations], "services": [None, result.services],
            "named_contacts": [None, result.include_contacts], "which": [None, which],
        }
        summary = (f"{EXPORT_LABELS[result.format]}: {result.organisations:,} organisations and "
                   f"{result.services:,} services, {'with' if result.include_contacts else 'without'} named "
                   f"contacts, {which}, to {result.path.name}")
        with self.ctx.write(Permission.VIEW) as s:
            audit.record(s, self.ctx, AuditAction.EXPORT, "directory", None, "the directory", changes,
                         summary=summary)


# --------------------------------------------------------------------------- sharing with neighbours
def shared_location(loc: LocationRec) -> LocationRec | None:
    """The one place every venue passes through on its way into a shared directory: the venue as a
    neighbouring practice may see it, or None to leave it out. The records it gets have already been
    through the public view of a venue (`public_location`, in `DirectoryReader`); a confidential venue is
    left out of a shared directory altogether."""
    return None if loc.confidential else loc


def shared_record(rec: OrgRec) -> OrgRec:
    """An organisation as it goes to a neighbouring practice: no named contacts, and each venue as
    `shared_location` gives it (services lose their links to venues left out)."""
    venues = [v for v in (shared_location(loc) for loc in rec.locations) if v is not None]
    kept = {v.id for v in venues}
    services = [replace(svc, contacts=[], location_ids=[i for i in svc.location_ids if i in kept])
                for svc in rec.services]
    return replace(rec, contacts=[], locations=venues, services=services)


def shared_provenance(s: Session) -> dict[str, dict[str, Any]]:
    """For each approved organisation (by its export id): who vetted it (this practice, by name), when, when
    its review is due, and the names and dates of the checklist items done. Never the evidence, its notes or
    who checked."""
    from sp_desktop.db.models import VettingCheckItem, VettingEvidence
    from sp_desktop.services.settings import read_settings

    practice = read_settings(s).practice_name.strip() or "another practice"
    out: dict[str, dict[str, Any]] = {}
    rows = s.execute(select(Organisation.id, Organisation.uid, Organisation.approved_on,
                            Organisation.next_review_on)
                     .where(Organisation.vetting_status == VettingStatus.APPROVED,
                            Organisation.archived_at.is_(None)))
    by_id = {r.id: r for r in rows}
    checks: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for org_id, label, checked_on in s.execute(
            select(VettingEvidence.organisation_id, VettingCheckItem.label, VettingEvidence.checked_on)
            .join(VettingCheckItem, VettingCheckItem.id == VettingEvidence.item_id)
            .where(VettingEvidence.complete.is_(True))
            .order_by(VettingCheckItem.sort_order, VettingCheckItem.label)):
        if org_id in by_id:
            checks[org_id].append({"item": label,
                                   "checked_on": checked_on.isoformat() if checked_on else None})
    for org_id, r in by_id.items():
        out[hsds.export_id(r.uid)] = {
            "vetted_by": practice,
            "vetted_on": r.approved_on.isoformat() if r.approved_on else None,
            "review_due": r.next_review_on.isoformat() if r.next_review_on else None,
            "checks": checks.get(org_id, []),
        }
    return out


def _cost_text(s: ServiceRec) -> str:
    fee = (s.fee_description or "").strip()
    if s.cost_not_stated and not fee:
        return COST_NOT_STATED
    if s.is_free:
        if fee and parse_cost(fee) == (True, fee):  # says "free" itself, and reads back as itself
            return fee
        return f"Free ({fee})" if fee else "Free"
    if fee and parse_cost(fee) != (False, fee):  # words that would read back as free ("0", "Free…")
        return f"Charge: {fee}"
    return fee or "There is a charge"


def csv_rows(orgs: Iterable[OrgRec], terms: dict[str, TermRec], vetting: dict[str, str]) -> list[list[str]]:
    """One row per service (organisation columns repeated), in `spreadsheet.EXPORT_COLUMNS` order."""
    return [row for org in orgs for row in org_csv_rows(org, terms, vetting.get(org.id or "", ""))]


_display_phone = functools.lru_cache(maxsize=65536)(display_phone)  # phonenumbers is slow; numbers repeat


def _phones_text(phones: Iterable[PhoneRec]) -> str:
    return "; ".join(spreadsheet.phone_entry(_display_phone(p.number), p.type, p.description) for p in phones)


def _min_age_text(s: ServiceRec) -> str:
    if s.min_age is not None:
        return str(s.min_age)
    if s.age_not_stated:
        return AGE_NOT_STATED
    return "" if s.max_age is not None else ALL_AGES  # said: for all ages (read back as such)


def _venue_order(loc: LocationRec) -> tuple[str, ...]:
    return tuple(x or "" for x in (loc.name, loc.address_1, loc.address_2, loc.town, loc.postcode,
                                   spreadsheet.accessibility_text(loc), loc.transport_notes))


def org_csv_rows(org: OrgRec, terms: dict[str, TermRec], vetting: str) -> Iterator[list[str]]:
    """The spreadsheet rows of one organisation: one per service, or one for an organisation without."""
    display_phone = _display_phone
    locations = {loc.id: loc for loc in org.locations}
    contact = org.contacts[0] if org.contacts else None
    for s in org.services or [ServiceRec(name="")]:
        # in an order that depends only on what the venues say (ids are new after an import), so the
        # same directory always gives the same file
        venues = sorted((locations[i] for i in s.location_ids if i in locations), key=_venue_order)
        first = venues[0] if venues else None
        languages = [x for x in s.languages if x.strip().lower() not in BSL_NAMES]
        if s.bsl or len(languages) < len(s.languages):
            languages.append("British Sign Language")
        values = {
            "organisation": org.name,
            "org_description": org.description,
            "website": org.website,
            "org_email": org.email,
            "org_phone": _phones_text(org.phones),
            "registration_number": org.registration_number,
            "service": s.name,
            "alternate_name": s.alternate_name,
            "description": s.description,
            "categories": "; ".join(terms[t].name for t in s.term_ids if t in terms),
            "opening_times": format_opening_times(s.schedule),
            "opening_notes": s.schedule_notes,
            "eligibility": s.eligibility,
            "min_age": _min_age_text(s) if s.name else "",
            "max_age": "" if s.max_age is None else str(s.max_age),
            "cost": _cost_text(s) if s.name else "",
            "access": "; ".join(a.label for a in AccessRoute if a in s.access),
            "application_process": s.application_process,
            "referral_form": s.referral_form_url,
            "languages": "; ".join(languages),
            "interpretation": s.interpretation,
            "service_area": s.service_area,
            "service_phone": _phones_text(s.phones),
            "service_email": s.email,
            "service_url": s.url,
            "venue": first.name if first else None,
            "address_1": first.address_1 if first else None,
            "address_2": first.address_2 if first else None,
            "town": first.town if first else None,
            "postcode": first.postcode if first else None,
            "accessibility": spreadsheet.accessibility_text(first) if first else None,
            "transport": first.transport_notes if first else None,
            "contact_name": contact.name if contact else None,
            "contact_role": contact.role if contact else None,
            "contact_phone": display_phone(contact.phone) if contact and contact.phone else None,
            "contact_email": contact.email if contact else None,
            "last_checked": show_date(s.last_verified_on),
            "status": s.status.label if s.name else "",
            "org_status": org.status.label,
            "org_alternate_name": org.alternate_name,
            "legal_status": org.legal_status,
            "by_phone": "Yes" if s.by_phone else "",
            "online": "Yes" if s.online else "",
            "other_contacts": "\n".join(spreadsheet.contact_line(c, display_phone(c.phone) if c.phone else "")
                                        for c in org.contacts[1:]),
        }
        row = [values.get(key) or "" for _, key in spreadsheet.EXPORT_COLUMNS]
        row.append("\n".join(spreadsheet.venue_line(v) for v in venues[1:]))
        row.append(vetting)
        yield row
