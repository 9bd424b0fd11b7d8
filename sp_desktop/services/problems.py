"""Problems reported with a service ("Report a problem", issue 18 point 5).

Anyone signed in (front desk and above) reports a problem in one action: the number does not
work, it has closed or moved, a patient reported a bad experience, a safeguarding concern, or
something else, with a few words. From that moment the service shows "Problem reported" to
everyone (`open_problems_in`), and a leaflet for it needs an explicit reason from the person
making it (`services.leaflets`, recorded in the audit trail) until a vetting lead resolves it
from the Reviews page, saying what was done. A safeguarding concern goes to the vetting leads at
once: it is listed first on Reviews and shown to each lead when they next sign in
(`safeguarding_for`), until resolved.

Every report and resolution is one transaction with its audit row. The words typed are about the
service: an NHS or CHI number is refused (db.text_guard); a safeguarding concern's words are
shown only to the vetting lead and the person who reported it. Nothing here reaches a leaflet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sp_desktop.db.models import Organisation, Service, ServiceProblem
from sp_desktop.domain.enums import AuditAction, ProblemKind
from sp_desktop.domain.errors import BadInput
from sp_desktop.domain.formatting import show_date
from sp_desktop.services import audit
from sp_desktop.services.base import NotFound, Permission, ServiceContext, can

#: The words every screen shows beside a service with an open problem (never colour alone).
PROBLEM_REPORTED = "Problem reported"

#: At least this many characters of reason (a few words), at most this many.
MIN_REASON, MAX_REASON = 5, 2000

#: What a safeguarding concern's words are replaced with for people who may not read them.
FOR_THE_LEAD = "(the details are for the vetting lead)"


@dataclass(frozen=True)
class ProblemInfo:
    """One reported problem, as a screen or the command line shows it (never printed for patients)."""

    id: int
    service_id: int
    service_name: str
    organisation_name: str
    kind: ProblemKind
    reason: str
    reported_at: datetime
    reported_by: str
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    resolution: str | None = None

    @property
    def open(self) -> bool:
        return self.resolved_at is None

    @property
    def safeguarding(self) -> bool:
        return self.kind is ProblemKind.SAFEGUARDING

    @property
    def headline(self) -> str:
        """"Problem reported: The number does not work (7 Dec 2026, Sam Reid)"."""
        return (f"{PROBLEM_REPORTED}: {self.kind.label} ({show_date(self.reported_at.date())}, "
                f"{self.reported_by})")

    def describe(self) -> str:
        line = f"{self.headline}. {self.reason}"
        if self.resolved_at is not None:
            line += (f" Resolved {show_date(self.resolved_at.date())} by {self.resolved_by}: "
                     f"{self.resolution}")
        return line


def parse_kind(text: str) -> ProblemKind:
    """A kind from what a person typed: its code ("safeguarding") or label, any case."""
    key = " ".join((text or "").replace("-", " ").replace("_", " ").split()).casefold()
    for kind in ProblemKind:
        if key in (kind.value.replace("_", " "), kind.label.casefold()):
            return kind
    choices = ", ".join(k.value.replace("_", "-") for k in ProblemKind)
    raise BadInput("kind", f"“{text}” is not a kind of problem.", f"Choose one of: {choices}.")


def _words(text: str, field: str, what: str) -> str:
    words = " ".join((text or "").split())
    if len(words) < MIN_REASON:
        raise BadInput(field, f"Say {what} in a few words (at least {MIN_REASON} characters).",
                       "Do not name the patient.")
    if len(words) > MAX_REASON:
        raise BadInput(field, f"That is {len(words):,} characters; keep it to {MAX_REASON:,}.",
                       "Shorten it: the details can go in the contact log.")
    return words


def open_problems_in(s: Session, service_ids: Sequence[int] | None = None) -> dict[int, ServiceProblem]:
    """service id -> its most recent open problem, for these services (all when None). One query on a
    small table (open problems only, indexed by service)."""
    q = select(ServiceProblem).where(ServiceProblem.resolved_at.is_(None))
    if service_ids is not None:
        ids = list(service_ids)
        if not ids:
            return {}
        q = q.where(ServiceProblem.service_id.in_(ids))
    out: dict[int, ServiceProblem] = {}
    for p in s.scalars(q.order_by(ServiceProblem.reported_at, ServiceProblem.id)):
        out[p.service_id] = p  # the latest wins
    return out


class ProblemService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def _info(self, s: Session, p: ServiceProblem,
              names: dict[int, tuple[str, str]] | None = None) -> ProblemInfo:
        if names is None or p.service_id not in names:
            row = s.execute(select(Service.name, Organisation.name).join(Organisation)
                            .where(Service.id == p.service_id)).one()
            svc_name, org_name = row[0], row[1]
        else:
            svc_name, org_name = names[p.service_id]
        kind = ProblemKind(p.kind)
        reason = p.reason
        if (kind is ProblemKind.SAFEGUARDING and not can(self.ctx.actor, Permission.RESOLVE_PROBLEM)
                and p.reported_by_id != self.ctx.actor.id):
            reason = FOR_THE_LEAD
        return ProblemInfo(p.id, p.service_id, svc_name, org_name, kind, reason, p.reported_at, p.reported_by,
                           p.resolved_at, p.resolved_by, p.resolution)

    # ---- reporting (any signed-in role)
    def report(self, service_id: int, kind: ProblemKind | str, reason: str) -> ProblemInfo:
        """Report a problem with a service. Front desk and above; audited. A safeguarding concern is
        routed to the vetting lead (listed first on Reviews, shown at their next sign-in)."""
        kind = kind if isinstance(kind, ProblemKind) else parse_kind(kind)
        words = _words(reason, "reason", "what the problem is")
        with self.ctx.write(Permission.REPORT_PROBLEM) as s:
            svc = s.get(Service, service_id)
            if svc is None:
                raise NotFound(f"Service {service_id} does not exist (it may have been deleted).")
            problem = ServiceProblem(service_id=svc.id, kind=kind.value, reason=words,
                                     reported_at=self.ctx.now(), reported_by_id=self.ctx.actor.id,
                                     reported_by=self.ctx.actor.name)
            s.add(problem)
            s.flush()
            routed = " (sent to the vetting lead)" if kind is ProblemKind.SAFEGUARDING else ""
            audit.record(s, self.ctx, AuditAction.CREATE, "service", svc.id, svc.name,
                         {"problem_reported": [None, kind.label]},
                         summary=f"reported a problem: {kind.label}{routed}",
                         organisation_id=svc.organisation_id)
            return self._info(s, problem)

    # ---- reading (any signed-in role)
    def open_problems(self) -> list[ProblemInfo]:
        """Every open problem, safeguarding concerns first, then the oldest first."""
        with self.ctx.read(Permission.VIEW) as s:
            rows = s.scalars(select(ServiceProblem).where(ServiceProblem.resolved_at.is_(None))
                             .order_by(ServiceProblem.reported_at, ServiceProblem.id)).all()
            names = self._names(s, {p.service_id for p in rows})
            out = [self._info(s, p, names) for p in rows]
        return sorted(out, key=lambda p: (not p.safeguarding, p.reported_at, p.id))

    def open_for(self, service_id: int) -> ProblemInfo | None:
        """The service's most recent open problem, or None."""
        with self.ctx.read(Permission.VIEW) as s:
            p = open_problems_in(s, [service_id]).get(service_id)
            return self._info(s, p) if p is not None else None

    def open_service_ids(self, service_ids: Sequence[int]) -> frozenset[int]:
        """Which of these services have an open problem (for search rows). Open problems are few, so
        the ids of all of them are read (indexed on `resolved_at`) and intersected here: cheaper than
        sending a thousand result ids to the database on every keystroke."""
        ids = set(service_ids)
        if not ids:
            return frozenset()
        with self.ctx.read(Permission.VIEW) as s:
            open_ids = set(s.scalars(select(ServiceProblem.service_id)
                                     .where(ServiceProblem.resolved_at.is_(None))))
        return frozenset(open_ids & ids)

    def history(self, service_id: int) -> list[ProblemInfo]:
        """Every problem reported with the service, newest first."""
        with self.ctx.read(Permission.VIEW) as s:
            rows = s.scalars(select(ServiceProblem).where(ServiceProblem.service_id == service_id)
                             .order_by(ServiceProblem.reported_at.desc(), ServiceProblem.id.desc())).all()
            names = self._names(s, {service_id})
            return [self._info(s, p, names) for p in rows]

    def safeguarding_for(self) -> list[ProblemInfo]:
        """Open safeguarding concerns, for a vetting lead signing in (empty for everyone else)."""
        if not can(self.ctx.actor, Permission.RESOLVE_PROBLEM):
            return []
        return [p for p in self.open_problems() if p.safeguarding]

    @staticmethod
    def _names(s: Session, service_ids: set[int]) -> dict[int, tuple[str, str]]:
        if not service_ids:
            return {}
        return {r[0]: (r[1], r[2]) for r in s.execute(
            select(Service.id, Service.name, Organisation.name).join(Organisation)
            .where(Service.id.in_(sorted(service_ids))))}

    # ---- resolving (vetting lead)
    def resolve(self, service_id: int, resolution: str) -> list[ProblemInfo]:
        """Resolve every open problem of the service, saying what was done. Vetting lead and above;
        audited. After this the service no longer shows "Problem reported" and leaflets are made
        as before. Raises BadInput when nothing is open."""
        words = _words(resolution, "resolution", "what was done")
        with self.ctx.write(Permission.RESOLVE_PROBLEM) as s:
            svc = s.get(Service, service_id)
            if svc is None:
                raise NotFound(f"Service {service_id} does not exist (it may have been deleted).")
            rows = s.scalars(select(ServiceProblem).where(ServiceProblem.service_id == service_id,
                                                          ServiceProblem.resolved_at.is_(None))).all()
            if not rows:
                raise BadInput("service", f"“{svc.name}” has no open problem to resolve.",
                               "See the open ones with `sp-desktop problems` or on the Reviews page.")
            now = self.ctx.now()
            for p in rows:
                p.resolved_at, p.resolved_by, p.resolution = now, self.ctx.actor.name, words
            kinds = ", ".join(dict.fromkeys(ProblemKind(p.kind).label for p in rows))
            audit.record(s, self.ctx, AuditAction.UPDATE, "service", svc.id, svc.name,
                         {"problem_resolved": [kinds, None]},
                         summary=f"resolved the problem reported: {kinds}",
                         organisation_id=svc.organisation_id)
            s.flush()
            names = {svc.id: (svc.name, svc.organisation.name)}
            return [self._info(s, p, names) for p in rows]


__all__ = ["FOR_THE_LEAD", "PROBLEM_REPORTED", "ProblemInfo", "ProblemService", "open_problems_in",
           "parse_kind"]
