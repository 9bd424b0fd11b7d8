"""Leaflet references: issued when a leaflet leaves the practice, acknowledged when an
organisation quotes one back. Closing the loop without patient data.

* `ReferenceService.issue()` draws a new random code (domain/references.py), unique among
  those issued, and stores it with the date, the services on the leaflet and how it left
  (printed, PDF, text, SMS). Anyone who may print a leaflet may issue one.
* `link()` ties a reference to the signposting record made at the same time.
* `acknowledge()` records that an organisation told the practice the reference reached it
  (front desk and above: whoever answers the phone). When the reference belongs to a
  signposting record whose service has no outcome yet, an outcome the organisation reported
  (attended, did not attend, not suitable) is put on it; an outcome a clinician has already
  recorded is never overwritten. Unknown codes, codes one character off an issued one, a
  service that was not on that leaflet and a second acknowledgement all get a clear message;
  a near match is offered, never guessed.
* `acknowledged_counts()` feeds the partner report, the track record and the meeting pack.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sp_desktop.db.models import (
    LeafletReference,
    ReferenceAcknowledgement,
    Service,
    Signposting,
    SignpostingItem,
    Staff,
    leaflet_reference_service,
)
from sp_desktop.domain import references as codes
from sp_desktop.domain.enums import AckOutcome, AuditAction, Outcome
from sp_desktop.domain.errors import BadInput
from sp_desktop.domain.formatting import show_date
from sp_desktop.services import audit
from sp_desktop.services.base import NotFound, Permission, ServiceContext

#: The forms a leaflet leaves the practice in.
FORMS = ("print", "pdf", "text", "sms", "accessible")

#: An organisation's report -> the signposting outcome it implies (None: no outcome implied).
_OUTCOME = {
    AckOutcome.ATTENDED: Outcome.ATTENDED_ONCE,
    AckOutcome.DID_NOT_ATTEND: Outcome.DID_NOT_ATTEND,
    AckOutcome.NOT_SUITABLE: Outcome.NOT_SUITABLE,
    AckOutcome.CONTACTED: None,
    AckOutcome.ARRIVED: None,
}


@dataclass(frozen=True)
class ReferencedService:
    id: int
    name: str
    acknowledged: AckOutcome | None


@dataclass(frozen=True)
class ReferenceInfo:
    code: str
    issued_on: date
    form: str
    services: tuple[ReferencedService, ...]
    signposting_id: int | None

    @property
    def shown(self) -> str:
        return codes.format_code(self.code)

    @property
    def service_names(self) -> str:
        return ", ".join(s.name for s in self.services)


@dataclass(frozen=True)
class Acknowledged:
    code: str
    service_name: str
    outcome: AckOutcome
    outcome_recorded: bool  # put on the signposting record
    linked: bool  # the reference belongs to a signposting record

    @property
    def message(self) -> str:
        where = ("on the signposting record" if self.outcome_recorded else
                 "against the leaflet (its signposting record already has an outcome)" if self.linked else
                 "against the leaflet (no signposting record was made with it)")
        return (f"{codes.format_code(self.code)} acknowledged for {self.service_name}: "
                f"{self.outcome.label.lower()}; recorded {where}.")


class UnknownReference(BadInput):
    """The code is not one this practice issued. `near` lists issued codes it could have been."""

    def __init__(self, typed: str, near: Sequence[ReferenceInfo]) -> None:
        if near:
            options = " or ".join(f"{n.shown} ({show_date(n.issued_on)}: {n.service_names})"
                                  for n in near[:3])
            todo = f"Did they mean {options}? Check with them and type the code again."
        else:
            todo = "Check the code with the organisation; it may be another practice's."
        super().__init__("Reference",
                         f"{codes.format_code(typed)} is not a reference this practice gave out.", todo)
        self.near = tuple(near)


@dataclass(frozen=True)
class AcknowledgedCount:
    service_id: int
    service_name: str
    organisation_id: int
    issued: int
    acknowledged: int
    attended: int


class ReferenceService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # ---- issuing
    def issue(self, service_ids: Sequence[int], form: str = "print", *,
              signposting_id: int | None = None) -> str:
        """A new reference for a leaflet holding `service_ids`; returns the code printed as XXX-XXX."""
        if form not in FORMS:
            raise BadInput("Form", f"“{form}” is not a way a leaflet leaves the practice.",
                           f"Use one of: {', '.join(FORMS)}.")
        ids = list(dict.fromkeys(service_ids))
        if not ids:
            raise BadInput("Services", "A leaflet reference needs at least one service.")
        with self.ctx.write(Permission.PRINT_LEAFLETS) as s:
            found = set(s.scalars(select(Service.id).where(Service.id.in_(ids))))
            if len(found) != len(ids):
                raise NotFound("One of the services on the leaflet no longer exists.")

            def taken(code: str) -> bool:
                return s.scalar(select(LeafletReference.id).where(LeafletReference.code == code)) is not None

            code = codes.draw_unique(taken)
            ref = LeafletReference(code=code, issued_at=self.ctx.now(), issued_by_id=self.ctx.actor.id,
                                   form=form, signposting_id=signposting_id)
            s.add(ref)
            s.flush()
            s.execute(leaflet_reference_service.insert(),
                      [{"reference_id": ref.id, "service_id": i} for i in ids])
            return codes.format_code(code)

    def withdraw(self, code: str) -> bool:
        """The leaflet never left after all (its print or save was cancelled): forget a reference
        that no one has acknowledged, so "references given out" counts only leaflets handed over.
        Returns False (and keeps it) once it has been acknowledged."""
        raw = codes.normalise(code)
        with self.ctx.write(Permission.PRINT_LEAFLETS) as s:
            ref = s.scalar(select(LeafletReference).where(LeafletReference.code == raw))
            if ref is None:
                return True
            if s.scalar(select(ReferenceAcknowledgement.id)
                        .where(ReferenceAcknowledgement.reference_id == ref.id).limit(1)) is not None:
                return False
            lrs = leaflet_reference_service
            s.execute(lrs.delete().where(lrs.c.reference_id == ref.id))
            s.delete(ref)
            return True

    def link(self, code: str, signposting_id: int) -> None:
        """Tie a reference to the signposting record made when its leaflet was handed over."""
        raw = codes.normalise(code)
        with self.ctx.write(Permission.LOG_SIGNPOSTING) as s:
            ref = s.scalar(select(LeafletReference).where(LeafletReference.code == raw))
            if ref is None:
                raise NotFound(f"Leaflet reference {codes.format_code(raw)} is not known.")
            if s.get(Signposting, signposting_id) is None:
                raise NotFound("That signposting record no longer exists.")
            ref.signposting_id = signposting_id

    # ---- looking up
    def _info(self, s: Session, ref: LeafletReference) -> ReferenceInfo:
        acks = dict(s.execute(select(ReferenceAcknowledgement.service_id, ReferenceAcknowledgement.outcome)
                              .where(ReferenceAcknowledgement.reference_id == ref.id)).all())
        rows = s.execute(select(Service.id, Service.name).join(
            leaflet_reference_service, leaflet_reference_service.c.service_id == Service.id)
            .where(leaflet_reference_service.c.reference_id == ref.id).order_by(Service.name)).all()
        return ReferenceInfo(ref.code, ref.issued_at.date(), ref.form,
                             tuple(ReferencedService(i, n, acks.get(i)) for i, n in rows), ref.signposting_id)

    def _near(self, s: Session, raw: str) -> list[ReferenceInfo]:
        patterns = [LeafletReference.code.like(p) for p in codes.one_off_patterns(raw)]
        candidates = list(s.scalars(select(LeafletReference).where(
            or_(*patterns, LeafletReference.code.in_(codes.swapped(raw))))))
        near = set(codes.near_codes(raw, [c.code for c in candidates]))
        return [self._info(s, c) for c in sorted(candidates, key=lambda c: c.code) if c.code in near]

    def lookup(self, code: str) -> ReferenceInfo:
        """The reference and its services, or UnknownReference (with near matches) / BadInput."""
        raw = codes.normalise(code)
        with self.ctx.read(Permission.VIEW) as s:
            ref = s.scalar(select(LeafletReference).where(LeafletReference.code == raw))
            if ref is None:
                raise UnknownReference(raw, self._near(s, raw))
            return self._info(s, ref)

    # ---- acknowledging
    def acknowledge(self, code: str, service_id: int | None = None,
                    outcome: AckOutcome | str = AckOutcome.ARRIVED) -> Acknowledged:
        """Record that the organisation running `service_id` quoted `code` back."""
        raw = codes.normalise(code)
        try:
            outcome = AckOutcome(outcome)
        except ValueError:
            raise BadInput("Outcome", f"“{outcome}” is not an outcome.",
                           "Use attended, contacted, not-suitable or did-not-attend.") from None
        try:
            with self.ctx.write(Permission.LOG_SIGNPOSTING) as s:
                ref = s.scalar(select(LeafletReference).where(LeafletReference.code == raw))
                if ref is None:
                    raise UnknownReference(raw, self._near(s, raw))
                info = self._info(s, ref)
                by_id = {x.id: x for x in info.services}
                if service_id is None:
                    if len(by_id) != 1:
                        names = "; ".join(f"{x.name} (id {x.id})" for x in info.services)
                        raise BadInput("Service",
                                       f"{info.shown} was given for {len(by_id)} services: {names}.",
                                       "Choose the service whose organisation told you.")
                    service_id = next(iter(by_id))
                if service_id not in by_id:
                    names = "; ".join(f"{x.name} (id {x.id})" for x in info.services)
                    raise BadInput("Service",
                                   f"{info.shown} was not given for that service; it was for {names}.",
                                   "Choose one of those, or check the code with the organisation.")
                svc = by_id[service_id]
                if svc.acknowledged is not None:
                    when = s.execute(select(ReferenceAcknowledgement.recorded_at, Staff.name)
                                     .outerjoin(Staff, Staff.id == ReferenceAcknowledgement.recorded_by_id)
                                     .where(ReferenceAcknowledgement.reference_id == ref.id,
                                            ReferenceAcknowledgement.service_id == service_id)).one()
                    raise BadInput("Reference", f"{info.shown} was already acknowledged for {svc.name} on "
                                   f"{show_date(when[0].date())} by {when[1] or 'someone'} "
                                   f"({svc.acknowledged.label.lower()}).",
                                   "Nothing was changed; a code is acknowledged once per service.")
                s.add(ReferenceAcknowledgement(reference_id=ref.id, service_id=service_id, outcome=outcome,
                                               recorded_at=self.ctx.now(), recorded_by_id=self.ctx.actor.id))
                recorded = False
                implied = _OUTCOME[outcome]
                if ref.signposting_id is not None and implied is not None:
                    item = s.scalar(select(SignpostingItem).where(
                        SignpostingItem.signposting_id == ref.signposting_id,
                        SignpostingItem.service_id == service_id))
                    if item is not None and item.outcome is None:
                        item.outcome = implied
                        item.outcome_on = self.ctx.today()
                        item.outcome_by_id = self.ctx.actor.id
                        recorded = True
                organisation_id = s.scalar(select(Service.organisation_id).where(Service.id == service_id))
                audit.record(s, self.ctx, AuditAction.UPDATE, "leaflet_reference", ref.id, info.shown,
                             {"acknowledged": [None, outcome.value], "service": [None, svc.name]},
                             summary=f"acknowledged by the organisation: {outcome.label.lower()}"
                                     + ("; outcome put on the signposting record" if recorded else ""),
                             organisation_id=organisation_id)
                s.flush()
                return Acknowledged(raw, svc.name, outcome, recorded, ref.signposting_id is not None)
        except IntegrityError as exc:  # two desks acknowledged the same code at once
            raise BadInput("Reference",
                           f"{codes.format_code(raw)} was acknowledged by someone else just now.",
                           "Nothing was changed.") from exc

    # ---- counts
    def acknowledged_counts(self, date_from: date, date_to: date, *,
                            organisation_id: int | None = None) -> list[AcknowledgedCount]:
        """Per service: references issued in the period, how many were acknowledged, attended."""
        start = datetime.combine(date_from, datetime.min.time())
        end = datetime.combine(date_to, datetime.max.time())
        with self.ctx.read(Permission.VIEW) as s:
            issued = (select(leaflet_reference_service.c.service_id.label("sid"),
                             func.count().label("n"))
                      .join(LeafletReference, LeafletReference.id == leaflet_reference_service.c.reference_id)
                      .where(LeafletReference.issued_at.between(start, end))
                      .group_by(leaflet_reference_service.c.service_id).subquery())
            acked = (select(ReferenceAcknowledgement.service_id.label("sid"), func.count().label("n"),
                            func.sum(case((ReferenceAcknowledgement.outcome == AckOutcome.ATTENDED, 1),
                                          else_=0)).label("attended"))
                     .join(LeafletReference, LeafletReference.id == ReferenceAcknowledgement.reference_id)
                     .where(LeafletReference.issued_at.between(start, end))
                     .group_by(ReferenceAcknowledgement.service_id).subquery())
            q = (select(Service.id, Service.name, Service.organisation_id, issued.c.n,
                        func.coalesce(acked.c.n, 0), func.coalesce(acked.c.attended, 0))
                 .join(issued, issued.c.sid == Service.id)
                 .outerjoin(acked, acked.c.sid == Service.id)
                 .order_by(Service.name, Service.id))
            if organisation_id is not None:
                q = q.where(Service.organisation_id == organisation_id)
            return [AcknowledgedCount(i, n, o, int(a), int(b), int(c)) for i, n, o, a, b, c in s.execute(q)]


__all__ = ["Acknowledged", "AcknowledgedCount", "FORMS", "ReferenceInfo", "ReferenceService",
           "UnknownReference"]
