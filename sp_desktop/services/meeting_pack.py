"""The practice meeting pack: one document for the monthly practice meeting (issue 19).

What the meeting needs to keep the practice's network alive, for a period: organisations added
and changed, reviews due and overdue, concerns raised and resolved, problems reported with services
and resolved, signposting and acknowledgement counts by category, shared feedback, face-to-face
contact in the period, follow-ups planned, and the organisations no one at the practice has met.
Counts, organisation and service names only: no patient data (no references, notes or outcomes of
individuals), no trust note text and no problem's words (a safeguarding report's are for the lead).
Feedback appears only where the person recording it ticked that it may be shared, with phone
numbers, e-mail addresses, NHS/CHI numbers, postcodes and staff names taken out (the partner
report's rule, domain/scrub.py) and the day left out. Made by the social prescribing lead or the
practice manager (vetting lead and above: they report to the practice meeting); every pack made is
recorded in the audit trail.

`MeetingPackService.build()` reads (a handful of aggregate statements); `render_meeting_pack()`
(sp_desktop/output/meeting_pack_pdf.py) turns the value into PDF bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session, aliased

from sp_desktop.db.models import (
    AuditEvent,
    Category,
    ContactEvent,
    LeafletReference,
    Organisation,
    ReferenceAcknowledgement,
    Service,
    ServiceProblem,
    Signposting,
    SignpostingItem,
    Staff,
    TrustNote,
    contact_event_staff,
    leaflet_reference_service,
    service_category,
)
from sp_desktop.domain.enums import (
    AckOutcome,
    AuditAction,
    ContactKind,
    Experience,
    ProblemKind,
    TrustNoteKind,
    VettingStatus,
)
from sp_desktop.domain.formatting import show_date
from sp_desktop.domain.scrub import scrub
from sp_desktop.services import audit
from sp_desktop.services.base import Permission, ServiceContext
from sp_desktop.services.followups import FollowUpService
from sp_desktop.services.relationships import RelationshipService
from sp_desktop.services.reports import check_period
from sp_desktop.services.settings import read_settings
from sp_desktop.services.vetting import VettingService

FACE_TO_FACE = tuple(k for k in ContactKind if k.face_to_face)
CONCERN_KINDS = (TrustNoteKind.CONCERN, TrustNoteKind.SAFEGUARDING)


@dataclass(frozen=True)
class DirectoryChange:
    organisation: str
    added: bool  # False: changed
    changes: int  # audit rows in the period (the organisation and its services)


@dataclass(frozen=True)
class VettingDecision:
    organisation: str
    on: date
    decision: str  # "Approved; next review 1 Dec 2027"


@dataclass(frozen=True)
class ReviewLine:
    organisation: str
    state: str  # in words with a symbol: "Review overdue !"
    what: str
    due_on: date


@dataclass(frozen=True)
class ConcernLine:
    organisation: str
    kind: str
    noted_on: date
    resolved: bool


@dataclass(frozen=True)
class CategoryCount:
    category: str
    signposted: int  # signposting records with a service in this category
    references: int  # leaflet references issued for its services
    acknowledged: int  # ... that an organisation quoted back
    attended: int


@dataclass(frozen=True)
class ContactLine:
    organisation: str
    on: date
    kind: str
    staff: str  # who from the practice took part (internal document)


@dataclass(frozen=True)
class ProblemLine:
    service: str
    organisation: str
    kind: str
    reported_on: date
    resolved_on: date | None


@dataclass(frozen=True)
class FeedbackLine:
    month: str  # "Mar 2026": the day is left out on purpose
    service: str
    experience: str
    text: str


@dataclass(frozen=True)
class PlannedLine:
    organisation: str
    what: str
    due: date | None
    owner: str


@dataclass(frozen=True)
class NeverMetLine:
    organisation: str
    vetting: str
    approved_on: date | None


@dataclass(frozen=True)
class MeetingPack:
    practice_name: str
    date_from: date
    date_to: date
    made_at: datetime
    made_by: str
    changes: tuple[DirectoryChange, ...]
    decisions: tuple[VettingDecision, ...]
    reviews: tuple[ReviewLine, ...]
    concerns: tuple[ConcernLine, ...]
    by_category: tuple[CategoryCount, ...]
    signposting_records: int
    references_issued: int
    references_acknowledged: int
    face_to_face: tuple[ContactLine, ...]
    planned: tuple[PlannedLine, ...]
    never_met: tuple[NeverMetLine, ...]
    problems: tuple[ProblemLine, ...] = ()
    feedback: tuple[FeedbackLine, ...] = ()

    @property
    def period_text(self) -> str:
        return f"{show_date(self.date_from)} to {show_date(self.date_to)}"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


class MeetingPackService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def build(self, date_from: date, date_to: date) -> MeetingPack:
        check_period(date_from, date_to)
        start = datetime.combine(date_from, datetime.min.time())
        end = datetime.combine(date_to, datetime.max.time())
        with self.ctx.read(Permission.MEETING_PACK) as s:
            settings = read_settings(s)
            changes = self._changes(s, start, end)
            decisions = tuple(
                VettingDecision(name, at.date(), _capitalised(summary or "reviewed"))
                for name, at, summary in s.execute(
                    select(Organisation.name, AuditEvent.at, AuditEvent.summary)
                    .join(Organisation, Organisation.id == AuditEvent.entity_id)
                    .where(AuditEvent.entity_type == "organisation", AuditEvent.action == AuditAction.VETTING,
                           AuditEvent.at.between(start, end))
                    .order_by(AuditEvent.at, Organisation.name)))
            concerns = tuple(
                ConcernLine(r.name, r.kind.label, r.noted_on, bool(r.resolved)) for r in s.execute(
                    select(Organisation.name, TrustNote.kind, TrustNote.noted_on, TrustNote.resolved)
                    .join(Organisation, Organisation.id == TrustNote.organisation_id)
                    .where(TrustNote.kind.in_(CONCERN_KINDS), TrustNote.noted_on.between(date_from, date_to))
                    .order_by(TrustNote.noted_on, Organisation.name)))
            by_category, records, issued, acknowledged = self._by_category(s, date_from, date_to, start, end)
            face = self._face_to_face(s, start, end)
            problems = self._problems(s, start, end)
            feedback = self._feedback(s, date_from, date_to)
        vetting = VettingService(self.ctx)
        reviews = tuple(ReviewLine(r.organisation_name, r.kind.text, r.what, r.due_on)
                        for r in vetting.reviews_due())
        followups = FollowUpService(self.ctx).items()
        planned = tuple(PlannedLine(f.organisation_name, f.title, f.due, f.owner_name)
                        for f in followups if not f.done)
        never = sorted(RelationshipService(self.ctx).never_met(),
                       key=lambda q: (q.vetting_status is not VettingStatus.APPROVED,
                                      q.approved_on or date.max, q.name.lower()))
        never_met = tuple(NeverMetLine(q.name, f"{q.vetting_status.label} {q.vetting_status.symbol}",
                                       q.approved_on) for q in never)
        return MeetingPack(settings.practice_name, date_from, date_to, self.ctx.now(), self.ctx.actor.name,
                           changes, decisions, reviews, concerns, by_category, records, issued, acknowledged,
                           face, planned, never_met, problems, feedback)

    def record_made(self, pack: MeetingPack, pages: int) -> None:
        """The audit row for a pack that was saved or printed (who, when, which period)."""
        with self.ctx.write(Permission.MEETING_PACK) as s:
            audit.record(s, self.ctx, AuditAction.CREATE, "meeting_pack", None,
                         f"Meeting pack {pack.period_text}",
                         {"period": [None, [pack.date_from.isoformat(), pack.date_to.isoformat()]],
                          "pages": [None, pages]},
                         summary=f"{pages} page{'s' if pages != 1 else ''}")

    # ---- pieces
    @staticmethod
    def _problems(s: Session, start: datetime, end: datetime) -> tuple[ProblemLine, ...]:
        """Problems reported in the period, and older ones resolved in it: kind and dates, never the words."""
        rows = s.execute(
            select(Service.name, Organisation.name.label("org"), ServiceProblem.kind,
                   ServiceProblem.reported_at, ServiceProblem.resolved_at)
            .join(Service, Service.id == ServiceProblem.service_id)
            .join(Organisation, Organisation.id == Service.organisation_id)
            .where(ServiceProblem.reported_at.between(start, end)
                   | ServiceProblem.resolved_at.between(start, end))
            .order_by(ServiceProblem.reported_at, Service.name))
        out = []
        for r in rows:
            try:
                kind = ProblemKind(r.kind).label
            except ValueError:
                kind = "Other"
            out.append(ProblemLine(r.name, r.org, kind, r.reported_at.date(),
                                   r.resolved_at.date() if r.resolved_at and r.resolved_at <= end else None))
        return tuple(out)

    @staticmethod
    def _feedback(s: Session, date_from: date, date_to: date) -> tuple[FeedbackLine, ...]:
        from sp_desktop.services.reports import MONTHS

        staff_names = list(s.scalars(select(Staff.name)))
        out = []
        for r in s.execute(
                select(Signposting.occurred_on, Service.name, SignpostingItem.experience,
                       SignpostingItem.experience_note)
                .join(SignpostingItem, SignpostingItem.signposting_id == Signposting.id)
                .join(Service, Service.id == SignpostingItem.service_id)
                .where(Signposting.occurred_on.between(date_from, date_to),
                       SignpostingItem.share_feedback.is_(True), SignpostingItem.experience_note.is_not(None),
                       func.trim(SignpostingItem.experience_note) != "")
                .order_by(Signposting.occurred_on, SignpostingItem.id)):
            text, _found = scrub(r.experience_note.strip(), staff_names)
            experience = Experience(r.experience).label if r.experience else "Not recorded"
            out.append(FeedbackLine(f"{MONTHS[r.occurred_on.month - 1]} {r.occurred_on.year}", r.name,
                                    experience, text))
        return tuple(out)

    @staticmethod
    def _changes(s: Session, start: datetime, end: datetime) -> tuple[DirectoryChange, ...]:
        rows = s.execute(
            select(AuditEvent.organisation_id, AuditEvent.entity_type, AuditEvent.action, func.count())
            .where(AuditEvent.at.between(start, end), AuditEvent.organisation_id.is_not(None),
                   AuditEvent.entity_type.in_(("organisation", "service", "location")),
                   AuditEvent.action.in_((AuditAction.CREATE, AuditAction.UPDATE, AuditAction.IMPORT,
                                          AuditAction.ARCHIVE, AuditAction.RESTORE)))
            .group_by(AuditEvent.organisation_id, AuditEvent.entity_type, AuditEvent.action)).all()
        added: set[int] = set()
        counts: dict[int, int] = {}
        for org_id, entity, action, n in rows:
            if org_id is None:  # an audit row about no organisation (not shown)
                continue
            counts[org_id] = counts.get(org_id, 0) + int(n)
            if entity == "organisation" and action in (AuditAction.CREATE, AuditAction.IMPORT):
                added.add(org_id)
        names = dict(s.execute(select(Organisation.id, Organisation.name)
                               .where(Organisation.id.in_(list(counts)))).all()) if counts else {}
        out = [DirectoryChange(names[i], i in added, n) for i, n in counts.items() if i in names]
        return tuple(sorted(out, key=lambda c: (not c.added, c.organisation.lower())))

    @staticmethod
    def _by_category(s: Session, date_from: date, date_to: date, start: datetime,
                     end: datetime) -> tuple[tuple[CategoryCount, ...], int, int, int]:
        parent = aliased(Category)
        top = func.coalesce(parent.name, Category.name)

        def per_category(service_ids_q: Any) -> Any:
            sub = service_ids_q.subquery()
            return (select(top.label("category"), func.count(distinct(sub.c.key)).label("n"))
                    .select_from(sub)
                    .join(service_category, service_category.c.service_id == sub.c.service_id)
                    .join(Category, Category.id == service_category.c.category_id)
                    .outerjoin(parent, parent.id == Category.parent_id)
                    .group_by(top))

        signposted: dict[str, int] = dict(s.execute(per_category(
            select(Signposting.id.label("key"), SignpostingItem.service_id.label("service_id"))
            .join(SignpostingItem, SignpostingItem.signposting_id == Signposting.id)
            .where(Signposting.occurred_on.between(date_from, date_to)))).all())
        lrs = leaflet_reference_service
        issued_q = (select(LeafletReference.id.label("key"), lrs.c.service_id.label("service_id"))
                    .join(lrs, lrs.c.reference_id == LeafletReference.id)
                    .where(LeafletReference.issued_at.between(start, end)))
        issued: dict[str, int] = dict(s.execute(per_category(issued_q)).all())
        acked_q = (select(ReferenceAcknowledgement.id.label("key"),
                          ReferenceAcknowledgement.service_id.label("service_id"))
                   .join(LeafletReference, LeafletReference.id == ReferenceAcknowledgement.reference_id)
                   .where(LeafletReference.issued_at.between(start, end)))
        acked: dict[str, int] = dict(s.execute(per_category(acked_q)).all())
        attended: dict[str, int] = dict(s.execute(per_category(
            acked_q.where(ReferenceAcknowledgement.outcome == AckOutcome.ATTENDED))).all())
        names = sorted(set(signposted) | set(issued) | set(acked),
                       key=lambda n: (-int(signposted.get(n, 0)), n.lower()))
        rows = tuple(CategoryCount(n, int(signposted.get(n, 0)), int(issued.get(n, 0)), int(acked.get(n, 0)),
                                   int(attended.get(n, 0))) for n in names)
        records = int(s.scalar(select(func.count()).select_from(Signposting)
                               .where(Signposting.occurred_on.between(date_from, date_to))) or 0)
        n_issued = int(s.scalar(select(func.count()).select_from(LeafletReference)
                                .where(LeafletReference.issued_at.between(start, end))) or 0)
        n_acked = int(s.scalar(select(func.count()).select_from(acked_q.subquery())) or 0)
        return rows, records, n_issued, n_acked

    @staticmethod
    def _face_to_face(s: Session, start: datetime, end: datetime) -> tuple[ContactLine, ...]:
        events = s.execute(
            select(ContactEvent.id, Organisation.name, ContactEvent.occurred_at, ContactEvent.kind)
            .join(Organisation, Organisation.id == ContactEvent.organisation_id)
            .where(ContactEvent.kind.in_(FACE_TO_FACE), ContactEvent.occurred_at.between(start, end))
            .order_by(ContactEvent.occurred_at, Organisation.name)).all()
        staff: dict[int, list[str]] = {}
        if events:
            for ev_id, name in s.execute(
                    select(contact_event_staff.c.contact_event_id, Staff.name)
                    .join(Staff, Staff.id == contact_event_staff.c.staff_id)
                    .where(contact_event_staff.c.contact_event_id.in_([e.id for e in events]))
                    .order_by(Staff.name)):
                staff.setdefault(ev_id, []).append(name)
        return tuple(ContactLine(e.name, e.occurred_at.date(), e.kind.label, ", ".join(staff.get(e.id, [])))
                     for e in events)


__all__ = ["CategoryCount", "ConcernLine", "ContactLine", "DirectoryChange", "MeetingPack",
           "MeetingPackService", "NeverMetLine", "PlannedLine", "ReviewLine", "VettingDecision"]
