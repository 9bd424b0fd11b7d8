"""Directory data for leaflet tests: a fully described service, approval through the vetting
service, and a directory with a unique sentinel string in every internal field.

Used by tests/unit/services/test_leaflet_*.py, tests/unit/test_cli_leaflets.py and
tests/gui/test_leaflet_*.py (import as ``from tests.leaflet_support import ...``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pypdf import PdfReader
from sqlalchemy import select

from sp_desktop.db.engine import Database
from sp_desktop.db.models import Contact, ContactEvent, Location, Organisation, Service
from sp_desktop.domain.enums import (
    AccessRoute,
    AppRole,
    ContactKind,
    Experience,
    Outcome,
    PhoneType,
    SignpostingMethod,
    TrustNoteKind,
)
from sp_desktop.services.base import ServiceContext
from sp_desktop.services.directory import (
    ContactForm,
    DirectoryService,
    LocationForm,
    OrganisationForm,
    PhoneForm,
    ServiceForm,
    SlotForm,
)
from sp_desktop.services.vetting import EvidenceForm, VettingService

TODAY = date(2026, 11, 24)


def pdf_text(data: bytes) -> str:
    """All text of a PDF (every page) plus its metadata, for searching."""
    reader = PdfReader(io.BytesIO(data))
    parts = [page.extract_text() or "" for page in reader.pages]
    meta = reader.metadata or {}
    parts += [str(v) for v in meta.values()]
    return "\n".join(parts)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def approve(lead: ServiceContext, organisation_id: int, note: str = "", evidence_note: str = "Seen") -> None:
    """Approve an organisation the proper way: evidence for every mandatory item, then approve."""
    vet = VettingService(lead)
    forms = [EvidenceForm(item.id, True, f"{evidence_note}: {item.label}",
                          TODAY + timedelta(days=300) if item.has_expiry else None)
             for item in vet.checklist() if item.mandatory]
    vet.save_evidence(organisation_id, forms)
    vet.approve(organisation_id, note)


def add_service(ctx: ServiceContext, org_name: str = "Cartvale Money Advice",
                service_name: str = "Debt advice drop-in", *, organisation_id: int | None = None,
                category_codes: tuple[str, ...] = ("debt-advice",), last_verified: date | None = None,
                **service_fields: object) -> tuple[int, int]:
    """An organisation (unless given) with a venue and one fully described service."""
    d = DirectoryService(ctx)
    if organisation_id is None:
        org = d.save_organisation(OrganisationForm(
            name=org_name, description=f"{org_name} is a local charity.",
            website="https://cartvale.example.org", email="hello@cartvale.example.org",
            phones=[PhoneForm("01632 960100", PhoneType.VOICE, "Main office")],
            locations=[LocationForm(name="Threadmill Centre", address_1="14 Threadmill Street",
                                    town="Paisley", postcode="PA1 1TQ",
                                    accessibility=["step_free", "hearing_loop"],
                                    accessibility_notes="Ring the bell at the side door.",
                                    transport_notes="Buses 9 and 38 stop outside.")]))
        organisation_id = org.id
        location_ids = [loc.id for loc in org.locations]
    else:
        location_ids = [loc.id for loc in d.get_organisation(organisation_id).locations]
    with ctx.db.read() as s:
        from sp_desktop.db.models import Category

        cats = list(s.scalars(select(Category.id).where(Category.code.in_(category_codes))))
    values: dict[str, object] = {
        "organisation_id": organisation_id, "name": service_name,
        "description": "An adviser goes through what you owe and helps you make a plan.",
        "eligibility": "Anyone living in Renfrewshire", "min_age": 16,
        "access": [AccessRoute.SELF_REFERRAL, AccessRoute.DROP_IN],
        "application_process": "Ring the advice line or just come along",
        "is_free": True, "languages": ["English", "Polish"], "by_phone": True,
        "schedule": [SlotForm(0, "10:00", "12:30"), SlotForm(3, "13:30", "16:00", "drop in")],
        "schedule_notes": "Closed on public holidays.",
        "category_ids": cats, "location_ids": location_ids,
        "phones": [PhoneForm("01632 960303", PhoneType.VOICE, "Advice line"),
                   PhoneForm("07700 900146", PhoneType.TEXT, "")],
        "url": "https://cartvale.example.org/debt",
        "last_verified_on": last_verified or TODAY - timedelta(days=30),
    }
    values.update(service_fields)
    svc = d.save_service(ServiceForm(**values))  # type: ignore[arg-type]
    return organisation_id, svc.id


# --------------------------------------------------------------------------- sentinels
@dataclass
class SentinelDirectory:
    approved_service_id: int
    unapproved_service_id: int  # suspended organisation, with a vetting reason
    other_service_id: int  # approved, second organisation
    signer_name: str  # the clinician who may sign a leaflet
    clinician: ServiceContext
    reception: ServiceContext
    lead: ServiceContext
    sentinels: dict[str, str] = field(default_factory=dict)

    def leaks(self, text: str, *, allow: tuple[str, ...] = ()) -> list[str]:
        """The sentinel fields whose text appears in `text` (whitespace- and case-insensitive)."""
        flat = squash(text)
        return [name for name, value in self.sentinels.items()
                if name not in allow and squash(value) in flat]


def build_sentinel_directory(db: Database, clock, ctx_as: Callable[..., ServiceContext],
                             admin: ServiceContext, overriding_reason: str = "SNTL-OVERRIDE-REASON-0011"
                             ) -> SentinelDirectory:
    """A directory whose every internal field holds a unique sentinel string."""
    from sp_desktop.services.relationships import ContactLogForm, ContactLogService, TrustNoteService
    from sp_desktop.services.settings import SettingsService
    from sp_desktop.services.signposting import OutcomeForm, SignpostingForm, SignpostingService

    s: dict[str, str] = {
        "staff_lead": "Sntlvetlead Quibble",
        "staff_reception": "Sntlreception Wobble",
        "staff_clinician": "Dr Sntlclinician Hobble",
        "trust_note": "SNTL-TRUST-NOTE-0001",
        "trust_note_resolved": "SNTL-TRUST-RESOLVED-0002",
        "contact_summary": "SNTL-CONTACT-SUMMARY-0003",
        "contact_follow_up": "SNTL-FOLLOW-UP-0004",
        "contact_done_note": "SNTL-DONE-NOTE-0005",
        "evidence_notes": "SNTL-EVIDENCE-0006",
        "vetting_reason": "SNTL-VETTING-REASON-0007",
        "approval_note": "SNTL-APPROVAL-NOTE-0008",
        "patient_ref": "SNTL0009",
        "experience_note": "SNTL-EXPERIENCE-0010",
        "override_reason": overriding_reason,
        "org_contact_name": "Sntlcontact Person",
        "org_contact_role": "SNTL-CONTACT-ROLE-0012",
        "org_contact_email": "sntl.contact0013@cartvale.example.org",
        "org_contact_phone": "01632 960999",
        "service_contact_name": "Sntlservicecontact Body",
        "org_source_id": "SNTL-ORG-SOURCE-0014",
        "org_source_feed": "SNTL-ORG-FEED-0015",
        "service_source_id": "SNTL-SVC-SOURCE-0016",
        "service_source_feed": "SNTL-SVC-FEED-0017",
        "location_source_id": "SNTL-LOC-SOURCE-0018",
        "archive_reason": "SNTL-ARCHIVE-REASON-0019",
        "org_uid": "sntl-org-uid-0020",
        "service_uid": "sntl-svc-uid-0021",
    }
    lead = ctx_as(AppRole.VETTING_LEAD, s["staff_lead"])
    reception = ctx_as(AppRole.FRONT_DESK, s["staff_reception"])
    clinician = ctx_as(AppRole.CLINICIAN, s["staff_clinician"])

    org_id, approved_id = add_service(lead, "Cartvale Money Advice", "Debt advice drop-in",
                                      last_verified=TODAY - timedelta(days=10))
    # last_verified_by records the lead's name on the service
    DirectoryService(lead).mark_verified(approved_id, TODAY - timedelta(days=10))
    d = DirectoryService(lead)
    org = d.get_organisation(org_id)
    form = OrganisationForm(
        name=org.name, description=org.description or "", website=org.website or "", email=org.email or "",
        phones=[PhoneForm("01632 960100", PhoneType.VOICE, "Main office")],
        contacts=[ContactForm(s["org_contact_name"], s["org_contact_role"], s["org_contact_phone"],
                              s["org_contact_email"])],
        locations=[LocationForm(name=loc.name or "", address_1=loc.address_1 or "", town=loc.town or "",
                                postcode=loc.postcode or "", accessibility=list(loc.accessibility),
                                accessibility_notes=loc.accessibility_notes or "",
                                transport_notes=loc.transport_notes or "", id=loc.id)
                   for loc in org.locations])
    d.save_organisation(form, org_id)
    approve(lead, org_id, note=s["approval_note"], evidence_note=s["evidence_notes"])

    other_org, other_id = add_service(lead, "Paisley Walkers", "Canal walk",
                                      category_codes=("walking-groups",), url="",
                                      phones=[PhoneForm("01632 960444")])
    approve(lead, other_org)

    bad_org, unapproved_id = add_service(lead, "Renfrew Lunch Club", "Tuesday lunch",
                                         category_codes=("lunch-clubs",), url="",
                                         phones=[PhoneForm("01632 960555")])
    VettingService(lead).start_review(bad_org)
    VettingService(lead).suspend(bad_org, s["vetting_reason"])

    # an archived service with a reason (audit summary)
    _, archived_id = add_service(lead, service_name="Old debt clinic", organisation_id=org_id)
    DirectoryService(admin).set_archived("service", archived_id, True, s["archive_reason"])

    # source ids, uids and a contact person at service level: written as an import would
    with db.write(clock) as session:
        o = session.get(Organisation, org_id)
        o.source_id, o.source_feed, o.uid = s["org_source_id"], s["org_source_feed"], s["org_uid"]
        sv = session.get(Service, approved_id)
        sv.source_id, sv.source_feed = s["service_source_id"], s["service_source_feed"]
        sv.uid = s["service_uid"]
        for loc in session.scalars(select(Location).where(Location.organisation_id == org_id)):
            loc.source_id = s["location_source_id"]
        session.add(Contact(organisation_id=org_id, service_id=approved_id, name=s["service_contact_name"]))

    # relationships: contact history and trust notes (an open concern, a resolved note)
    log = ContactLogService(clinician)
    log.log(ContactLogForm(org_id, s["contact_summary"], ContactKind.VISIT,
                           occurred_at=datetime(2026, 11, 20, 11, 0), follow_up_action=s["contact_follow_up"],
                           follow_up_due=TODAY + timedelta(days=7)))
    with db.write(clock) as session:
        ev = session.scalars(select(ContactEvent).where(ContactEvent.organisation_id == org_id)).first()
        ev.follow_up_done_note = s["contact_done_note"]
    notes = TrustNoteService(clinician)
    notes.add(org_id, TrustNoteKind.CONCERN, s["trust_note"], service_id=approved_id)
    positive = notes.add(org_id, TrustNoteKind.POSITIVE, s["trust_note_resolved"])
    notes.set_resolved(positive.note.id, True)

    # signposting with a patient reference and a feedback note
    SettingsService(admin).update(allow_patient_reference=True)
    record = SignpostingService(reception).record(SignpostingForm([approved_id], SignpostingMethod.LEAFLET,
                                                                  patient_ref=s["patient_ref"]))
    SignpostingService(clinician).record_outcome(record.items[0].id, OutcomeForm(
        Outcome.ENGAGED, Experience.GOOD, s["experience_note"], share_feedback=False))

    return SentinelDirectory(approved_id, unapproved_id, other_id, s["staff_clinician"], clinician, reception,
                             lead, s)
