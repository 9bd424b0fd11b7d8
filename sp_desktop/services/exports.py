"""Exporting the directory: Open Referral (JSON or data package) and a plain CSV for Excel.

Only directory data leaves: organisations, services, venues, phones, opening times and
categories. The records built here have no field for vetting evidence, trust notes, contact
history, referrals or staff names, so an export cannot carry them. Named contacts (people at
organisations) are left out unless asked for, and archived records are never exported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from sp_desktop.db.models import Category, Location, Organisation, Service
from sp_desktop.domain.enums import AccessRoute, VettingStatus
from sp_desktop.domain.formatting import show_date
from sp_desktop.domain.validators import display_phone
from sp_desktop.interop import hsds, spreadsheet
from sp_desktop.interop.records import ContactRec, OrgRec, ServiceRec, TermRec
from sp_desktop.interop.textparse import BSL_NAMES, accessibility_label, format_opening_times, parse_cost
from sp_desktop.services.base import Permission, ServiceContext
from sp_desktop.services.imports import location_record, org_record, service_record
from sp_desktop.services.tasks import Progress, check

ExportFormat = Literal["csv", "hsds-json", "hsds-csv"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "hsds-json", "hsds-csv")
EXPORT_LABELS = {"csv": "Spreadsheet for Excel (CSV)", "hsds-json": "Open Referral JSON (HSDS 3.0)",
                 "hsds-csv": "Open Referral data package (zip of CSV files)"}


class ExportFailed(RuntimeError):
    """The export could not be written; the message says why. Nothing was left half-written."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: ExportFormat
    organisations: int
    services: int

    def describe(self) -> str:
        return (f"Exported {self.organisations:,} organisations and {self.services:,} services to "
                f"{self.path}.")


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


class ExportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def records(self, *, include_contacts: bool = False, approved_only: bool = False,
                progress: Progress | None = None) -> tuple[list[OrgRec], dict[str, TermRec], dict[str, str]]:
        """(organisations with their services, terms by id, vetting label by organisation id) to export."""
        with self.ctx.read(Permission.VIEW) as s:
            return self._records(s, include_contacts, approved_only, progress)

    def _records(self, s: Session, include_contacts: bool, approved_only: bool,
                 progress: Progress | None) -> tuple[list[OrgRec], dict[str, TermRec], dict[str, str]]:
        cats = {c.id: c for c in s.scalars(select(Category))}
        terms: dict[str, TermRec] = {}
        q = (select(Organisation).where(Organisation.archived_at.is_(None))
             .order_by(func.lower(Organisation.name), Organisation.uid))
        if approved_only:
            q = q.where(Organisation.vetting_status == VettingStatus.APPROVED)
        orgs = s.scalars(q).all()
        out: list[OrgRec] = []
        vetting: dict[str, str] = {}
        for i, org in enumerate(orgs):
            check(progress, i, len(orgs), "Reading the directory…")
            rec = org_record(s, org)
            rec.id = hsds.export_id(org.uid)
            vetting[rec.id] = f"{org.vetting_status.label} {org.vetting_status.symbol}"
            locs = s.scalars(select(Location).where(Location.organisation_id == org.id)
                             .order_by(Location.name, Location.uid)).all()
            rec.locations = [location_record(loc, hsds.export_id(loc.uid)) for loc in locs]
            loc_ids: dict[int, str | None] = {
                loc.id: lrec.id for loc, lrec in zip(locs, rec.locations, strict=True)
            }
            for p in rec.phones:
                p.id = hsds.export_id(p.id or "")
            rec.contacts = _contacts(rec.contacts, include_contacts)
            services = s.scalars(
                select(Service).where(Service.organisation_id == org.id, Service.archived_at.is_(None))
                .order_by(func.lower(Service.name), Service.uid)
                .options(selectinload(Service.categories), selectinload(Service.schedules),
                         selectinload(Service.phones), selectinload(Service.contacts))).all()
            for svc in services:
                srec, _codes = service_record(s, svc, loc_ids)
                srec.id = hsds.export_id(svc.uid)
                srec.location_ids = sorted(x for x in srec.location_ids if x)
                for slot in srec.schedule:
                    slot.id = hsds.export_id(slot.id or "")
                for p in srec.phones:
                    p.id = hsds.export_id(p.id or "")
                srec.contacts = _contacts(srec.contacts, include_contacts)
                for cat in sorted(svc.categories, key=lambda c: (c.name.lower(), c.code)):
                    term = category_term(cat, cats)
                    terms.setdefault(term.id, term)
                    srec.term_ids.append(term.id)
                    parent = cats.get(cat.parent_id) if cat.parent_id else None
                    if parent is not None:
                        pterm = category_term(parent, cats)
                        terms.setdefault(pterm.id, pterm)
                rec.services.append(srec)
            out.append(rec)
        return out, terms, vetting

    # ---- formats
    def export(self, fmt: ExportFormat, out: Path, *, include_contacts: bool = False,
               approved_only: bool = False, progress: Progress | None = None) -> ExportResult:
        if fmt not in EXPORT_FORMATS:
            raise ExportFailed(f"“{fmt}” is not an export format; use one of {', '.join(EXPORT_FORMATS)}.")
        out = Path(out)
        if not out.parent.is_dir():
            raise ExportFailed(f"The folder {out.parent} does not exist: choose another place to save.")
        orgs, terms, vetting = self.records(include_contacts=include_contacts, approved_only=approved_only,
                                            progress=progress)
        check(progress, 1, 2, "Writing the file…")
        services = sum(len(o.services) for o in orgs)
        try:
            if fmt == "csv":
                headings = [h for h, _ in spreadsheet.EXPORT_COLUMNS] + list(spreadsheet.EXTRA_EXPORT_COLUMNS)
                spreadsheet.write_directory_csv(csv_rows(orgs, terms, vetting), out, headings)
            else:
                objects = [hsds.organization_object(o, terms, include_contacts) for o in orgs]
                if fmt == "hsds-json":
                    hsds.write_json(objects, out)
                else:
                    tables = hsds.tables_from_objects(objects)
                    hsds.add_parent_terms(tables, terms.values())
                    hsds.write_tabular(
                        tables, out, f"Social prescribing directory ({show_date(self.ctx.today())})"
                    )
        except hsds.HsdsError as exc:
            raise ExportFailed(str(exc)) from None
        except OSError as exc:
            raise ExportFailed(
                f"Could not write {out}: {exc.strerror or exc}. Check the folder exists and you may "
                "save there, and that the file is not open in another program."
            ) from None
        check(progress, 2, 2, "Done")
        return ExportResult(out, fmt, len(orgs), services)


def _contacts(contacts: list[ContactRec], include: bool) -> list[ContactRec]:
    if not include:
        return []
    for c in contacts:
        c.id = hsds.export_id(c.id or "")
    return contacts


def _cost_text(s: ServiceRec) -> str:
    fee = (s.fee_description or "").strip()
    if s.is_free:
        if fee and parse_cost(fee)[0]:
            return fee
        return f"Free ({fee})" if fee else "Free"
    return fee or "There is a charge"


def csv_rows(orgs: list[OrgRec], terms: dict[str, TermRec], vetting: dict[str, str]) -> list[list[str]]:
    """One row per service (organisation columns repeated), in `spreadsheet.EXPORT_COLUMNS` order."""
    rows: list[list[str]] = []
    for org in orgs:
        locations = {loc.id: loc for loc in org.locations}
        contact = org.contacts[0] if org.contacts else None
        for s in org.services or [ServiceRec(name="")]:
            venues = [locations[i] for i in s.location_ids if i in locations]
            first = venues[0] if venues else None
            languages = [x for x in s.languages if x.strip().lower() not in BSL_NAMES]
            if s.bsl or len(languages) < len(s.languages):
                languages.append("British Sign Language")
            access_notes = []
            if first is not None:
                access_notes = [accessibility_label(a) for a in first.accessibility]
                if first.accessibility_notes:
                    access_notes.append(first.accessibility_notes)
            values = {
                "organisation": org.name,
                "org_description": org.description,
                "website": org.website,
                "org_email": org.email,
                "org_phone": "; ".join(display_phone(p.number) for p in org.phones),
                "registration_number": org.registration_number,
                "service": s.name,
                "alternate_name": s.alternate_name,
                "description": s.description,
                "categories": "; ".join(terms[t].name for t in s.term_ids if t in terms),
                "opening_times": format_opening_times(s.schedule),
                "opening_notes": s.schedule_notes,
                "eligibility": s.eligibility,
                "min_age": "" if s.min_age is None else str(s.min_age),
                "max_age": "" if s.max_age is None else str(s.max_age),
                "cost": _cost_text(s) if s.name else "",
                "access": "; ".join(a.label for a in AccessRoute if a in s.access),
                "application_process": s.application_process,
                "referral_form": s.referral_form_url,
                "languages": "; ".join(languages),
                "interpretation": s.interpretation,
                "service_area": s.service_area,
                "service_phone": "; ".join(display_phone(p.number) for p in s.phones),
                "service_email": s.email,
                "service_url": s.url,
                "venue": first.name if first else None,
                "address_1": first.address_1 if first else None,
                "address_2": first.address_2 if first else None,
                "town": first.town if first else None,
                "postcode": first.postcode if first else None,
                "accessibility": "; ".join(access_notes),
                "contact_name": contact.name if contact else None,
                "contact_role": contact.role if contact else None,
                "contact_phone": display_phone(contact.phone) if contact and contact.phone else None,
                "contact_email": contact.email if contact else None,
                "last_checked": show_date(s.last_verified_on),
                "status": s.status.label if s.name else "",
            }
            row = [values.get(key) or "" for _, key in spreadsheet.EXPORT_COLUMNS]
            row.append("; ".join(v.label for v in venues[1:]))
            row.append(vetting.get(org.id or "", ""))
            rows.append(row)
    return rows
