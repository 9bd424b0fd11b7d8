"""Vetting: how each organisation was checked, by whom and when, and when it is next due.

The rules, in one place:

* Status goes **not vetted -> in review -> approved**; an organisation can be **suspended** or
  **declined**, always with a reason. Recording any evidence for a not-vetted organisation
  starts its review.
* Each organisation has evidence per checklist item (who checked, when, notes, expiry). The
  practice can edit the checklist (vetting lead); `seed_vetting_checklist` puts in the defaults.
* Approval needs `Permission.VET` and every mandatory active item complete and in date;
  otherwise `ValidationFailed` lists what is missing. It records the approver and date and sets
  the next review date: approval + `PracticeSettings.review_interval_months`, brought forward to
  the earliest expiry of its evidence (insurance, say). Changing evidence of an approved
  organisation recomputes the date (renewed insurance moves it back).
* `reviews_due()` lists what needs attention (reviews overdue or due soon, evidence expiring).
* `leaflet_eligibility()` decides whether a service may go on a patient leaflet.

Every change writes an audit row in the same transaction.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session, aliased

from sp_desktop.db.models import Organisation, Service, Staff, VettingCheckItem, VettingEvidence
from sp_desktop.domain.bounds import MAX_DAYS_AHEAD
from sp_desktop.domain.enums import AuditAction, OrganisationStatus, ServiceStatus, VettingStatus
from sp_desktop.domain.errors import BadInput
from sp_desktop.domain.formatting import show_date
from sp_desktop.domain.organisation_kind import SHORT_LABELS, OrganisationKind, kind_of, parse_kinds
from sp_desktop.services import audit
from sp_desktop.services.base import NotFound, Permission, ServiceContext, ValidationFailed, require
from sp_desktop.services.settings import read_settings

# --------------------------------------------------------------------------- the default checklist
#: (code, label, guidance, mandatory, has_expiry) — the practice can edit the list afterwards.
DEFAULT_CHECKLIST: tuple[tuple[str, str, str, bool, bool], ...] = (
    ("register", "Registered charity or company checked on the public register",
     "Look the organisation up on the OSCR, Charity Commission or Companies House register and note the "
     "number and that it is in good standing.",
     True, False),
    ("constitution", "Constitution or governing document seen",
     "A community group that is not a registered charity: see its constitution (or rules) and note who its "
     "office bearers are and when it was adopted.", True, False),
    ("safeguarding", "Safeguarding policy seen and named safeguarding lead",
     "A written safeguarding policy (adults and children where relevant) and the name of the person "
     "responsible for safeguarding.", True, False),
    ("pvg", "PVG/DBS checks for staff and volunteers working with vulnerable people",
     "Confirm that staff and volunteers who work with vulnerable people are members of the PVG scheme "
     "(Scotland) or have DBS checks. Note 'not applicable' and why if no one works with vulnerable people.",
     True, False),
    ("insurance", "Public liability insurance",
     "See the current certificate and record its expiry date: the review comes forward to that date.",
     True, True),
    ("data_protection", "Data protection / UK GDPR policy",
     "A data protection policy or privacy notice that covers the information they keep about people.",
     True, False),
    ("complaints", "Complaints procedure",
     "How someone can complain, and who deals with it.", True, False),
    ("met", "Met in person or visited",
     "Someone from the practice has met the organisation or visited the venue.", True, False),
    ("referral_pathway", "Referral pathway agreed",
     "How they accept referrals and how they feed back to the practice.", False, False),
)


#: Default items that apply only to some kinds of organisation (the rest apply to all). A public body
#: needs neither the charity register nor a constitution.
DEFAULT_APPLIES_TO: dict[str, tuple[OrganisationKind, ...]] = {
    "register": (OrganisationKind.REGISTERED_CHARITY, OrganisationKind.SCIO,
                 OrganisationKind.SOCIAL_ENTERPRISE),
    "constitution": (OrganisationKind.COMMUNITY_GROUP,),
}


def seed_vetting_checklist(session: Session) -> None:
    """First-run seed step: the default checklist, when the practice has none yet (idempotent)."""
    if session.scalar(select(func.count()).select_from(VettingCheckItem)):
        return
    for order, (code, label, guidance, mandatory, has_expiry) in enumerate(DEFAULT_CHECKLIST):
        session.add(VettingCheckItem(code=code, label=label, guidance=guidance, mandatory=mandatory,
                                     has_expiry=has_expiry, sort_order=(order + 1) * 10, active=True,
                                     applies_to=[k.value for k in DEFAULT_APPLIES_TO.get(code, ())] or None))
    session.flush()


# --------------------------------------------------------------------------- dates
def add_months(day: date, months: int) -> date:
    """The same day `months` later (31 Jan + 1 month = 28 or 29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


#: Months to the first review of an organisation approved for the first time.
FIRST_REVIEW_MONTHS = 6


def next_review_date(approved_on: date, interval_months: int, expiries: Iterable[date | None]) -> date:
    """Approval + the review interval, brought forward to the earliest evidence expiry."""
    due = add_months(approved_on, interval_months)
    dates = [d for d in expiries if d is not None]
    return min([due, *dates])


class ReviewState(Enum):
    """Where an organisation's periodic review stands (for approved organisations)."""

    NONE = "none"          # not approved, or no review date
    IN_DATE = "in_date"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def review_state(status: VettingStatus, next_review_on: date | None, today: date,
                 soon_days: int = 30) -> ReviewState:
    if status is not VettingStatus.APPROVED or next_review_on is None:
        return ReviewState.NONE
    if next_review_on < today:
        return ReviewState.OVERDUE
    if next_review_on <= today + timedelta(days=soon_days):
        return ReviewState.DUE_SOON
    return ReviewState.IN_DATE


def review_text(state: ReviewState, next_review_on: date | None, today: date) -> str:
    """'Review overdue !' style text, with the symbol, for the window, leaflets dialog and PDF."""
    if state is ReviewState.OVERDUE and next_review_on:
        days = (today - next_review_on).days
        return f"Review overdue ! (due {show_date(next_review_on)}, {days} day{'s' if days != 1 else ''} ago)"
    if state is ReviewState.DUE_SOON and next_review_on:
        days = (next_review_on - today).days
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        return f"Review due soon ◔ ({show_date(next_review_on)}, {when})"
    if state is ReviewState.IN_DATE and next_review_on:
        return f"Next review {show_date(next_review_on)}"
    return ""


def status_text(status: VettingStatus) -> str:
    """'Approved ✓' — the vetting status with its symbol (never colour alone)."""
    return f"{status.label} {status.symbol}"


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class CheckItem:
    id: int
    code: str
    label: str
    guidance: str
    mandatory: bool
    has_expiry: bool
    sort_order: int
    active: bool
    version: int
    applies_to: tuple[OrganisationKind, ...] = ()  # empty: every kind of organisation

    def applies(self, kind: OrganisationKind | None) -> bool:
        """An organisation of a kind not stated gets every item (fail closed)."""
        return not self.applies_to or kind is None or kind in self.applies_to

    @property
    def applies_text(self) -> str:
        if not self.applies_to:
            return "every kind of organisation"
        return ", ".join(SHORT_LABELS[k] for k in self.applies_to)


@dataclass(frozen=True)
class EvidenceRow:
    """One checklist item for one organisation, with its evidence (or none yet)."""

    item: CheckItem
    complete: bool
    checked_by: str | None
    checked_on: date | None
    notes: str
    expires_on: date | None
    evidence_id: int | None
    #: "Does not apply" and why (checked_by / checked_on say who decided and when), else None
    not_applicable: str | None = None

    def expired(self, today: date) -> bool:
        return self.expires_on is not None and self.expires_on < today

    def expiring(self, today: date, days: int = 30) -> bool:
        return self.expires_on is not None and today <= self.expires_on <= today + timedelta(days=days)

    def counts(self, today: date) -> bool:
        """Complete and in date: counts towards approval."""
        return self.complete and not self.expired(today)


@dataclass(frozen=True)
class VettingRecord:
    organisation_id: int
    organisation_name: str
    organisation_version: int
    organisation_status: OrganisationStatus
    archived: bool
    register_text: str
    status: VettingStatus
    reason: str | None
    approved_by: str | None
    approved_on: date | None
    next_review_on: date | None
    review: ReviewState
    rows: tuple[EvidenceRow, ...]
    missing: tuple[str, ...]  # labels of mandatory items not complete or out of date (and that apply)
    today: date
    review_interval_months: int
    evidence_max_age_months: int = 12  # evidence checked longer ago than this is "to re-check"
    kind: OrganisationKind | None = None  # from the legal status; None: not stated (every item applies)

    @property
    def kind_text(self) -> str:
        return self.kind.label if self.kind else "Not stated"

    @property
    def status_text(self) -> str:
        return status_text(self.status)

    @property
    def review_text(self) -> str:
        return review_text(self.review, self.next_review_on, self.today)

    @property
    def ready_to_approve(self) -> bool:
        return not self.missing

    def stale(self, row: EvidenceRow) -> bool:
        """Complete evidence checked longer ago than the practice's limit: approving asks for it
        to be checked again."""
        return bool(row.complete and row.checked_on is not None
                    and row.checked_on < add_months(self.today, -self.evidence_max_age_months))

    @property
    def proposed_next_review(self) -> date:
        """The next review date approval today would set (6 months for a first approval)."""
        months = FIRST_REVIEW_MONTHS if self.approved_on is None else self.review_interval_months
        return next_review_date(self.today, months, (r.expires_on for r in self.rows if r.complete))


@dataclass(frozen=True)
class EvidenceForm:
    item_id: int
    complete: bool
    notes: str = ""
    expires_on: date | None = None
    checked_on: date | None = None  # default today
    # "I checked it again": records who and today even when nothing else about it changed
    rechecked: bool = False


class StaleEvidence(ValueError):
    """Approving would rest on evidence checked longer ago than the practice's limit: re-check it
    (EvidenceForm.rechecked) or approve with `stale_ok`, and the approval says so."""

    def __init__(self, organisation: str, items: Sequence[tuple[str, date]], months: int) -> None:
        self.items = tuple(items)
        self.months = months
        listed = "; ".join(f"{label} (checked {show_date(on)})" for label, on in self.items)
        super().__init__(f"Some of {organisation}'s evidence was checked more than {months} months ago: "
                         f"{listed}. Check it again, or approve saying it was not re-checked.")


@dataclass(frozen=True)
class CheckItemForm:
    label: str
    guidance: str = ""
    mandatory: bool = True
    has_expiry: bool = False
    applies_to: tuple[OrganisationKind, ...] = ()  # empty: every kind (choosing all five means the same)


class DueKind(Enum):
    """Why an organisation is on the reviews-due list, most urgent first: never vetted at all, a
    change suggested by the front desk, patient-facing details changed since they were last checked,
    then reviews and evidence by date."""

    NEVER_VETTED = "never_vetted"
    SUGGESTED = "suggested"
    CHANGED = "changed"
    OVERDUE = "overdue"
    EXPIRED = "expired"
    DUE_SOON = "due_soon"
    EXPIRING = "expiring"

    @property
    def rank(self) -> int:
        return list(DueKind).index(self)

    @property
    def text(self) -> str:
        return {"never_vetted": "Never vetted ○", "suggested": "Change suggested ✎",
                "changed": "Changed since last checked ✎",
                "overdue": "Review overdue !", "expired": "Evidence expired !",
                "due_soon": "Review due soon ◔", "expiring": "Evidence expiring ◔"}[self.value]

    @property
    def first(self) -> bool:
        """Listed above the reviews and evidence that fall due by date."""
        return self in (DueKind.NEVER_VETTED, DueKind.SUGGESTED, DueKind.CHANGED)


@dataclass(frozen=True)
class ExpiringItem:
    label: str
    expires_on: date


@dataclass(frozen=True)
class ReviewDue:
    """One organisation needing attention on the Reviews due page."""

    organisation_id: int
    organisation_name: str
    vetting_status: VettingStatus
    next_review_on: date | None
    review: ReviewState
    expiring: tuple[ExpiringItem, ...]
    approved_by: str | None
    approved_on: date | None
    kind: DueKind
    due_on: date  # the earliest date that matters (review date or expiry)
    today: date
    notes: tuple[str, ...] = ()  # never vetted, suggested changes, changed since last checked

    @property
    def days(self) -> int:
        """Days until `due_on` (negative when it has passed)."""
        return (self.due_on - self.today).days

    @property
    def when_text(self) -> str:
        d = self.days
        if d < 0:
            return f"{-d} day{'s' if d != -1 else ''} ago"
        if d == 0:
            return "today"
        return f"in {d} day{'s' if d != 1 else ''}"

    @property
    def what(self) -> str:
        parts = []
        if self.review is ReviewState.OVERDUE:
            parts.append(f"Review was due {show_date(self.next_review_on)}")
        elif self.review is ReviewState.DUE_SOON:
            parts.append(f"Review due {show_date(self.next_review_on)}")
        for item in self.expiring:
            verb = "expired" if item.expires_on < self.today else "expires"
            parts.append(f"{item.label} {verb} {show_date(item.expires_on)}")
        return "; ".join([*self.notes, *parts])


@dataclass(frozen=True)
class Eligibility:
    """Whether one service may go on a patient leaflet. See `leaflet_eligibility()`."""

    service_id: int
    allowed: bool          # may be printed as it is
    overridable: bool      # not allowed, but a clinician may include it with a recorded reason
    reason: str            # why it is not allowed ("" when allowed), in plain words
    vetting_status: VettingStatus | None
    organisation_name: str = ""
    service_name: str = ""
    warning: str = ""      # allowed, but worth telling the person printing (temporarily closed...)

    @property
    def needs_override(self) -> bool:
        return not self.allowed and self.overridable


# --------------------------------------------------------------------------- leaflet rule
def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


_NOT_APPROVED_TEXT = {
    VettingStatus.NOT_VETTED: "has not been vetted by the practice yet",
    VettingStatus.IN_REVIEW: "is still being vetted (in review)",
    VettingStatus.SUSPENDED: "is suspended by the practice",
    VettingStatus.DECLINED: "was declined by the practice",
}


def leaflet_eligibility(session: Session, service_ids: Sequence[int],
                        today: date | None = None) -> dict[int, Eligibility]:
    """Decide, for each service id, whether it may go on a patient leaflet.

    The one rule used by leaflets, booklets and anything else given to patients:

    * **allowed** — the organisation is *approved*, neither the service nor the organisation is
      archived, the organisation is not closed and the service is not inactive. `warning` may
      still say something worth knowing (temporarily closed, vetting review overdue).
    * **needs a clinician's override** (`allowed=False, overridable=True`) — the organisation is
      not approved (not vetted, in review, suspended or declined). The leaflet may include it
      only if someone with `Permission.OVERRIDE_LEAFLET` (clinician or above) gives a reason,
      which the caller records with `record_leaflet_override()` (or
      `VettingService.record_leaflet_override`) in the same transaction as the leaflet record.
    * **never** (`allowed=False, overridable=False`) — the service or its organisation is
      archived, closed or inactive, or no longer exists.

    Every id asked for is in the result. `today` (for the "review overdue" warning) defaults to
    the session clock's date. Reads only; call it inside any session.
    """
    ids = sorted(set(service_ids))
    if today is None:
        clock = session.info.get("clock")
        today = clock.now().date() if clock is not None else date.today()
    result: dict[int, Eligibility] = {}
    rows = session.execute(
        select(Service.id, Service.name, Service.status, Service.archived_at,
               Organisation.name.label("org_name"), Organisation.status.label("org_status"),
               Organisation.archived_at.label("org_archived"), Organisation.vetting_status,
               Organisation.vetting_reason, Organisation.next_review_on)
        .join(Organisation, Organisation.id == Service.organisation_id)
        .where(Service.id.in_(ids))).all() if ids else []
    found = {r.id: r for r in rows}
    for sid in ids:
        r = found.get(sid)
        if r is None:
            result[sid] = Eligibility(sid, False, False, "This service no longer exists in the directory.",
                                      None)
            continue
        base = {"service_id": sid, "vetting_status": r.vetting_status, "organisation_name": r.org_name,
                "service_name": r.name}
        if r.archived_at is not None or r.org_archived is not None:
            what = "service" if r.archived_at is not None else f"organisation {r.org_name}"
            result[sid] = Eligibility(allowed=False, overridable=False, **base,
                                      reason=f"The {what} is archived: it is no longer in the directory.")
        elif r.org_status is OrganisationStatus.CLOSED:
            result[sid] = Eligibility(allowed=False, overridable=False,
                                      reason=f"{r.org_name} has closed.", **base)
        elif r.status is ServiceStatus.INACTIVE:
            result[sid] = Eligibility(allowed=False, overridable=False,
                                      reason=f"“{r.name}” is no longer running.", **base)
        elif r.vetting_status is not VettingStatus.APPROVED:
            why = _NOT_APPROVED_TEXT[r.vetting_status]
            reason = f"{r.org_name} {why}"
            if r.vetting_reason and r.vetting_status in (VettingStatus.SUSPENDED, VettingStatus.DECLINED):
                reason += f" ({r.vetting_reason})"
            reason += ". A clinician can still include it by giving a reason."
            result[sid] = Eligibility(allowed=False, overridable=True, reason=reason, **base)
        else:
            warnings = []
            if (r.status is ServiceStatus.TEMPORARILY_CLOSED
                    or r.org_status is OrganisationStatus.TEMPORARILY_CLOSED):
                warnings.append("temporarily closed")
            if r.next_review_on is not None and r.next_review_on < today:
                warnings.append(f"vetting review overdue since {show_date(r.next_review_on)}")
            result[sid] = Eligibility(allowed=True, overridable=False, reason="",
                                      warning=_sentence("; ".join(warnings)), **base)
    return result


def record_leaflet_override(session: Session, ctx: ServiceContext, service_id: int,
                            reason: str) -> Eligibility:
    """Record, in the caller's transaction, that `ctx.actor` put a not-approved service on a leaflet.

    Needs `Permission.OVERRIDE_LEAFLET` (clinician or above) and a reason; refused for services
    that can never be printed (archived, closed). Writes an audit row on the service. Returns the
    service's eligibility.
    """
    require(ctx.actor, Permission.OVERRIDE_LEAFLET)
    text = " ".join(reason.split())
    if len(text) < 5:
        raise ValidationFailed({"reason": "Say why this service is right for this patient although the "
                                          "practice has not approved it (a few words are enough)."})
    elig = leaflet_eligibility(session, [service_id], ctx.today())[service_id]
    if elig.allowed:
        return elig
    if not elig.overridable:
        raise ValidationFailed({"service": elig.reason})
    org_id = session.scalar(select(Service.organisation_id).where(Service.id == service_id))
    state = elig.vetting_status.label.lower() if elig.vetting_status else "not approved"
    audit.record(session, ctx, AuditAction.VETTING, "service", service_id, elig.service_name,
                 {"leaflet_override": [None, text]},
                 summary=f"put on a patient leaflet although the organisation is {state}: {text}",
                 organisation_id=org_id)
    return elig


# --------------------------------------------------------------------------- the service
def _item(x: VettingCheckItem) -> CheckItem:
    return CheckItem(x.id, x.code, x.label, x.guidance or "", bool(x.mandatory), bool(x.has_expiry),
                     x.sort_order, bool(x.active), x.version, parse_kinds(x.applies_to))


def item_applies(x: VettingCheckItem, kind: OrganisationKind | None) -> bool:
    """Whether a checklist item is on the list for this kind of organisation (None: not stated, all)."""
    return _item(x).applies(kind)


def _kinds_value(kinds: Sequence[OrganisationKind]) -> list[str] | None:
    chosen = [k.value for k in OrganisationKind if k in kinds]
    return None if not chosen or len(chosen) == len(OrganisationKind) else chosen


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")[:60] or "item"


def _due_conditions(horizon: date) -> tuple[list[Any], list[Any]]:
    """The WHERE conditions of `VettingService.reviews_due` (and its count), by the horizon date:
    approved organisations whose review falls by then, and approved or in-review organisations
    with complete evidence (of an active checklist item; needs the joins to VettingEvidence and
    VettingCheckItem) that expires by then. Archived and closed organisations are left out."""
    live = [Organisation.archived_at.is_(None), Organisation.status != OrganisationStatus.CLOSED]
    review_due = [*live, Organisation.vetting_status == VettingStatus.APPROVED,
                  Organisation.next_review_on.is_not(None), Organisation.next_review_on <= horizon]
    evidence_due = [*live, Organisation.vetting_status.in_([VettingStatus.APPROVED, VettingStatus.IN_REVIEW]),
                    VettingEvidence.complete.is_(True), VettingCheckItem.active.is_(True),
                    VettingEvidence.expires_on.is_not(None), VettingEvidence.expires_on <= horizon]
    return review_due, evidence_due


class VettingService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # ---- the checklist
    def checklist(self, include_inactive: bool = False) -> list[CheckItem]:
        with self.ctx.read() as s:
            q = select(VettingCheckItem).order_by(VettingCheckItem.sort_order, VettingCheckItem.id)
            if not include_inactive:
                q = q.where(VettingCheckItem.active.is_(True))
            return [_item(x) for x in s.scalars(q)]

    def save_check_item(self, form: CheckItemForm, item_id: int | None = None) -> CheckItem:
        """Add a checklist item (at the end) or change one. Vetting lead."""
        label = " ".join(form.label.split())
        errors = {}
        if not label:
            errors["label"] = "Enter what is checked, e.g. “Food hygiene certificate seen”."
        elif len(label) > 300:
            errors["label"] = "Keep the item under 300 characters; put detail in the guidance."
        if errors:
            raise ValidationFailed(errors)
        with self.ctx.write(Permission.VET) as s:
            if item_id is None:
                code = base = _slug(label)
                n = 2
                while s.scalar(select(VettingCheckItem.id).where(VettingCheckItem.code == code)):
                    code = f"{base}_{n}"
                    n += 1
                last = s.scalar(select(func.max(VettingCheckItem.sort_order))) or 0
                item = VettingCheckItem(code=code, label=label, guidance=form.guidance.strip() or None,
                                        mandatory=form.mandatory, has_expiry=form.has_expiry,
                                        sort_order=last + 10, active=True,
                                        applies_to=_kinds_value(form.applies_to))
                s.add(item)
                s.flush()
                audit.record(s, self.ctx, AuditAction.CREATE, "vetting_check_item", item.id, item.label,
                             audit.snapshot(item), summary="added to the vetting checklist")
            else:
                found = s.get(VettingCheckItem, item_id)
                if found is None:
                    raise NotFound("That checklist item no longer exists.")
                item = found
                item.label = label
                item.guidance = form.guidance.strip() or None
                item.mandatory = form.mandatory
                item.has_expiry = form.has_expiry
                if parse_kinds(item.applies_to) != parse_kinds(_kinds_value(form.applies_to)):
                    item.applies_to = _kinds_value(form.applies_to)
                changes = audit.pending_changes(item)
                if changes:
                    audit.record(s, self.ctx, AuditAction.UPDATE, "vetting_check_item", item.id, item.label,
                                 changes)
            s.flush()
            return _item(item)

    def set_check_item_active(self, item_id: int, active: bool) -> CheckItem:
        """Retire an item from the checklist (its past evidence is kept) or bring it back."""
        with self.ctx.write(Permission.VET) as s:
            item = s.get(VettingCheckItem, item_id)
            if item is None:
                raise NotFound("That checklist item no longer exists.")
            if bool(item.active) != active:
                item.active = active
                audit.record(s, self.ctx, AuditAction.UPDATE, "vetting_check_item", item.id, item.label,
                             {"active": [not active, active]},
                             summary="brought back onto the checklist" if active
                             else "removed from the checklist")
            s.flush()
            return _item(item)

    def move_check_item(self, item_id: int, offset: int) -> list[CheckItem]:
        """Move an active item up (-1) or down (+1) the checklist."""
        with self.ctx.write(Permission.VET) as s:
            items = list(s.scalars(select(VettingCheckItem).where(VettingCheckItem.active.is_(True))
                                   .order_by(VettingCheckItem.sort_order, VettingCheckItem.id)))
            index = next((i for i, x in enumerate(items) if x.id == item_id), None)
            if index is None:
                raise NotFound("That checklist item no longer exists.")
            target = index + offset
            if 0 <= target < len(items):
                items.insert(target, items.pop(index))
                for order, x in enumerate(items):
                    x.sort_order = (order + 1) * 10
                audit.record(s, self.ctx, AuditAction.UPDATE, "vetting_check_item", item_id,
                             items[target].label,
                             summary="moved " + ("up" if offset < 0 else "down") + " the checklist")
            s.flush()
            return [_item(x) for x in items]

    # ---- one organisation's record
    def record(self, organisation_id: int) -> VettingRecord:
        with self.ctx.read() as s:
            return self._record(s, organisation_id)

    def _record(self, s: Session, organisation_id: int) -> VettingRecord:
        org = s.get(Organisation, organisation_id)
        if org is None:
            raise NotFound("That organisation no longer exists. Reload the list.")
        settings = read_settings(s)
        today = self.ctx.today()
        checker = aliased(Staff)
        items = s.scalars(select(VettingCheckItem).where(VettingCheckItem.active.is_(True))
                          .order_by(VettingCheckItem.sort_order, VettingCheckItem.id)).all()
        evidence = {e.item_id: (e, name) for e, name in s.execute(
            select(VettingEvidence, checker.name)
            .outerjoin(checker, checker.id == VettingEvidence.checked_by_id)
            .where(VettingEvidence.organisation_id == organisation_id))}
        kind = kind_of(org.legal_status)
        rows = []
        for it in items:
            item = _item(it)
            if not item.applies(kind):
                continue  # not on this kind of organisation's checklist
            ev, who = evidence.get(it.id, (None, None))
            if ev is None:
                rows.append(EvidenceRow(item, False, None, None, "", None, None))
            else:
                rows.append(EvidenceRow(item, bool(ev.complete), who, ev.checked_on, ev.notes or "",
                                        ev.expires_on, ev.id, ev.not_applicable_reason))
        missing = tuple(r.item.label + (" (expired)" if r.complete and r.expired(today) else "")
                        for r in rows if r.item.mandatory and not r.counts(today) and not r.not_applicable)
        approver = s.get(Staff, org.approved_by_id).name if org.approved_by_id else None  # type: ignore[union-attr]
        register = org.register_kind.label
        if org.registration_number:
            register += f" {org.registration_number}"
        return VettingRecord(
            organisation_id=org.id, organisation_name=org.name, organisation_version=org.version,
            organisation_status=org.status, archived=org.archived_at is not None, register_text=register,
            status=org.vetting_status, reason=org.vetting_reason, approved_by=approver,
            approved_on=org.approved_on, next_review_on=org.next_review_on,
            review=review_state(org.vetting_status, org.next_review_on, today, settings.review_due_soon_days),
            rows=tuple(rows), missing=missing, today=today,
            review_interval_months=settings.review_interval_months,
            evidence_max_age_months=settings.evidence_max_age_months, kind=kind)

    def _org_for_update(self, s: Session, organisation_id: int) -> Organisation:
        org = s.get(Organisation, organisation_id)
        if org is None:
            raise NotFound("That organisation no longer exists. Reload the list.")
        return org

    def _expiries(self, s: Session, organisation_id: int) -> list[date]:
        return list(s.scalars(
            select(VettingEvidence.expires_on)
            .join(VettingCheckItem, VettingCheckItem.id == VettingEvidence.item_id)
            .where(VettingEvidence.organisation_id == organisation_id, VettingEvidence.complete.is_(True),
                   VettingCheckItem.active.is_(True), VettingEvidence.expires_on.is_not(None))))

    def save_evidence(self, organisation_id: int, forms: Sequence[EvidenceForm]) -> VettingRecord:
        """Record evidence for checklist items (one transaction). Vetting lead.

        Ticking an item records the signed-in person and today (or `checked_on`) as who checked
        it and when. Un-ticking clears them. Starting on a not-vetted organisation moves it to
        "in review"; changing an approved organisation's evidence recomputes its review date.
        """
        today = self.ctx.today()
        with self.ctx.write(Permission.VET) as s:
            org = self._org_for_update(s, organisation_id)
            items = {x.id: x for x in s.scalars(select(VettingCheckItem))}
            errors: dict[str, str] = {}
            for f in forms:
                it = items.get(f.item_id)
                if it is None:
                    errors[f"item_{f.item_id}"] = "That checklist item no longer exists: reopen the record."
                    continue
                if f.complete and it.has_expiry and f.expires_on is None:
                    errors[it.code] = f"“{it.label}”: enter the expiry date shown on the document."
                elif f.complete and f.expires_on is not None and f.expires_on < today:
                    errors[it.code] = (f"“{it.label}”: the expiry date {show_date(f.expires_on)} has "
                                       "passed, so this evidence is out of date. Ask for the current "
                                       "document, or leave it unticked.")
                if f.checked_on is not None and f.checked_on > today:
                    errors[it.code] = f"“{it.label}”: the date checked cannot be in the future."
                if len(f.notes) > 4000:
                    errors[it.code] = f"“{it.label}”: the notes are too long (at most 4,000 characters)."
            if errors:
                raise ValidationFailed(errors)
            existing = {e.item_id: e for e in s.scalars(
                select(VettingEvidence).where(VettingEvidence.organisation_id == organisation_id))}
            changed_any = False
            for f in forms:
                it = items[f.item_id]
                ev = existing.get(f.item_id)
                notes = f.notes.strip() or None
                if ev is None:
                    if not f.complete and not notes and f.expires_on is None:
                        continue
                    ev = VettingEvidence(organisation_id=organisation_id, item_id=f.item_id, complete=False)
                    s.add(ev)
                    old: tuple[bool, str | None, date | None] = (False, None, None)
                else:
                    old = (bool(ev.complete), ev.notes, ev.expires_on)
                new = (f.complete, notes, f.expires_on)
                if old == new and not (f.rechecked and f.complete) and (
                        f.checked_on is None or f.checked_on == ev.checked_on):
                    continue
                ev.complete, ev.notes, ev.expires_on = new
                if f.complete:
                    ev.not_applicable_reason = None
                    ev.checked_by_id = self.ctx.actor.id
                    ev.checked_on = f.checked_on or today
                elif not ev.not_applicable_reason:
                    ev.checked_by_id = None
                    ev.checked_on = None
                s.flush()
                if f.complete and not old[0]:
                    summary = f"ticked “{it.label}”"
                elif f.complete and old == new:
                    summary = f"checked “{it.label}” again"
                elif not f.complete and old[0]:
                    summary = f"unticked “{it.label}”"
                else:
                    summary = f"updated the evidence for “{it.label}”"
                if f.complete and f.expires_on:
                    summary += f" (expires {show_date(f.expires_on)})"
                changes = {}
                for key, a, b in (("complete", old[0], new[0]), ("notes", old[1], new[1]),
                                  ("expires_on", old[2], new[2])):
                    if a != b:
                        changes[key] = [audit._plain(a), audit._plain(b)]
                audit.record(s, self.ctx, AuditAction.VETTING, "vetting_evidence", ev.id,
                             f"{org.name}: {it.label}", changes, summary=summary, organisation_id=org.id)
                changed_any = True
            if changed_any:
                if org.vetting_status is VettingStatus.NOT_VETTED:
                    self._set_status(s, org, VettingStatus.IN_REVIEW, None, "review started")
                elif org.vetting_status is VettingStatus.APPROVED and org.approved_on is not None:
                    # an earlier expiry brings the planned review (chosen or default) forward; a
                    # later one never puts it back
                    settings = read_settings(s)
                    planned = (org.next_review_on
                               or add_months(org.approved_on, settings.review_interval_months))
                    due = min([planned, *[d for d in self._expiries(s, org.id) if d is not None]])
                    if due != org.next_review_on:
                        old_due = org.next_review_on
                        org.next_review_on = due
                        audit.record(s, self.ctx, AuditAction.VETTING, "organisation", org.id, org.name,
                                     {"next_review_on": [audit._plain(old_due), due.isoformat()]},
                                     summary=f"next review moved to {show_date(due)} "
                                             "(evidence dates changed)",
                                     organisation_id=org.id)
            s.flush()
            return self._record(s, organisation_id)

    # ---- "does not apply"
    def mark_not_applicable(self, organisation_id: int, item_id: int, reason: str) -> VettingRecord:
        """Record that a checklist item does not apply to this organisation, and why (required).
        Records who and today, un-ticks the item, writes an audit row. A required item that does not
        apply no longer stands in the way of approval. Vetting lead."""
        text = " ".join((reason or "").split())
        if len(text) < 3:
            raise BadInput("Reason", "say why this item does not apply to the organisation.",
                           "For example: “No one works with vulnerable people; all sessions are "
                           "supervised by NHS staff”.")
        if len(text) > 1000:
            raise BadInput("Reason", f"the reason is {len(text):,} characters long; at most 1,000.",
                           "Shorten it; put detail in the item's notes.")
        if any(ord(ch) < 32 for ch in text):
            raise BadInput("Reason", "the reason contains control characters.", "Type it again.")
        today = self.ctx.today()
        with self.ctx.write(Permission.VET) as s:
            org = self._org_for_update(s, organisation_id)
            self._decidable(org)
            it = s.get(VettingCheckItem, item_id)
            if it is None or not it.active:
                raise NotFound("That checklist item is no longer on the checklist: reopen the record.")
            ev = s.scalar(select(VettingEvidence).where(VettingEvidence.organisation_id == org.id,
                                                        VettingEvidence.item_id == item_id))
            if ev is None:
                ev = VettingEvidence(organisation_id=org.id, item_id=item_id, complete=False)
                s.add(ev)
            old = (bool(ev.complete), ev.not_applicable_reason)
            ev.complete = False
            ev.expires_on = None
            ev.not_applicable_reason = text
            ev.checked_by_id = self.ctx.actor.id
            ev.checked_on = today
            s.flush()
            audit.record(s, self.ctx, AuditAction.VETTING, "vetting_evidence", ev.id,
                         f"{org.name}: {it.label}",
                         {"complete": [old[0], False], "not_applicable_reason": [old[1], text]},
                         summary=f"marked “{it.label}” as not applying: {text}", organisation_id=org.id)
            if org.vetting_status is VettingStatus.NOT_VETTED:
                self._set_status(s, org, VettingStatus.IN_REVIEW, None, "review started")
            s.flush()
            return self._record(s, organisation_id)

    def clear_not_applicable(self, organisation_id: int, item_id: int) -> VettingRecord:
        """The item applies after all: it is back to be checked (not ticked). Vetting lead."""
        with self.ctx.write(Permission.VET) as s:
            org = self._org_for_update(s, organisation_id)
            ev = s.scalar(select(VettingEvidence).where(VettingEvidence.organisation_id == org.id,
                                                        VettingEvidence.item_id == item_id))
            if ev is not None and ev.not_applicable_reason:
                it = s.get(VettingCheckItem, item_id)
                label = it.label if it is not None else "item"
                old = ev.not_applicable_reason
                ev.not_applicable_reason = None
                ev.checked_by_id = None
                ev.checked_on = None
                s.flush()
                audit.record(s, self.ctx, AuditAction.VETTING, "vetting_evidence", ev.id,
                             f"{org.name}: {label}", {"not_applicable_reason": [old, None]},
                             summary=f"“{label}” applies after all", organisation_id=org.id)
            s.flush()
            return self._record(s, organisation_id)

    # ---- decisions
    def _set_status(self, s: Session, org: Organisation, status: VettingStatus, reason: str | None,
                    summary: str) -> None:
        org.vetting_status = status
        org.vetting_reason = reason
        changes = audit.pending_changes(org)
        s.flush()
        audit.record(s, self.ctx, AuditAction.VETTING, "organisation", org.id, org.name, changes,
                     summary=summary, organisation_id=org.id)

    def _decidable(self, org: Organisation) -> None:
        if org.archived_at is not None:
            raise ValidationFailed({"organisation": f"{org.name} is archived. Restore it before making "
                                                    "vetting decisions."})

    def start_review(self, organisation_id: int) -> VettingRecord:
        """Not vetted, suspended or declined -> in review. Vetting lead."""
        with self.ctx.write(Permission.VET) as s:
            org = self._org_for_update(s, organisation_id)
            self._decidable(org)
            if org.vetting_status in (VettingStatus.IN_REVIEW, VettingStatus.APPROVED):
                state = org.vetting_status.label.lower()
                raise ValidationFailed({"status": f"{org.name} is already {state}. To renew an approval, "
                                                  "update the evidence and approve again."})
            self._set_status(s, org, VettingStatus.IN_REVIEW, None, "review started")
            return self._record(s, organisation_id)

    def approve(self, organisation_id: int, note: str = "", next_review_on: date | None = None,
                stale_ok: bool = False) -> VettingRecord:
        """Approve (or re-approve after a periodic review). Vetting lead; checklist complete.

        Records the approver and today, and sets the next review date: the one the lead chose
        (`next_review_on`), else 6 months for an organisation approved for the first time and the
        practice's interval (12 months) for a renewal; an earlier evidence expiry still brings it
        forward. Evidence checked longer ago than the practice's limit (12 months) raises
        StaleEvidence, unless `stale_ok`: then the approval's record says which was not re-checked.
        """
        with self.ctx.write(Permission.VET) as s:
            org = self._org_for_update(s, organisation_id)
            self._decidable(org)
            if org.status is OrganisationStatus.CLOSED:
                raise ValidationFailed({"organisation": f"{org.name} is marked as closed; it cannot be "
                                                        "approved."})
            record = self._record(s, organisation_id)
            if record.missing:
                listing = "; ".join(record.missing)
                raise ValidationFailed({"checklist": f"{org.name} cannot be approved yet. Still to do: "
                                                     f"{listing}. Tick each with its evidence first."})
            settings = read_settings(s)
            today = self.ctx.today()
            on_list = {r.item.id for r in record.rows}  # the items for this kind of organisation
            stale = [(label, on) for item_id, label, on in s.execute(
                select(VettingEvidence.item_id, VettingCheckItem.label, VettingEvidence.checked_on)
                .join(VettingCheckItem, VettingCheckItem.id == VettingEvidence.item_id)
                .where(VettingEvidence.organisation_id == org.id, VettingEvidence.complete.is_(True),
                       VettingEvidence.checked_on < add_months(today, -settings.evidence_max_age_months))
                .order_by(VettingEvidence.checked_on)) if on is not None and item_id in on_list]
            if stale and not stale_ok:
                raise StaleEvidence(org.name, stale, settings.evidence_max_age_months)
            first = org.approved_on is None
            months = FIRST_REVIEW_MONTHS if first else settings.review_interval_months
            if next_review_on is not None and not today < next_review_on <= add_months(today, 36):
                raise ValidationFailed({"next_review_on": "Choose a next review date after today and within "
                                                          "3 years."})
            expiries = self._expiries(s, org.id)
            due = (min([next_review_on, *[d for d in expiries if d is not None]]) if next_review_on
                   else next_review_date(today, months, expiries))
            renewal = org.vetting_status is VettingStatus.APPROVED
            org.approved_by_id = self.ctx.actor.id
            org.approved_on = today
            org.next_review_on = due
            summary = ("review completed, approval renewed" if renewal else "approved") + \
                f"; next review {show_date(due)}"
            if next_review_on is not None and due == next_review_on:
                summary += " (chosen)"
            elif due < add_months(today, months if next_review_on is None else 36):
                summary += " (brought forward by an expiry date)"
            if stale:
                summary += ". Approved without re-checking: " + "; ".join(
                    f"{label} (checked {show_date(on)})" for label, on in stale)
            if note.strip():
                summary += f". Note: {' '.join(note.split())}"
            self._set_status(s, org, VettingStatus.APPROVED, None, summary)
            return self._record(s, organisation_id)

    def _with_reason(self, organisation_id: int, status: VettingStatus, reason: str,
                     allowed_from: set[VettingStatus], verb: str) -> VettingRecord:
        text = " ".join(reason.split())
        require(self.ctx.actor, Permission.VET)
        if len(text) < 3:
            raise ValidationFailed({"reason": f"Say why the organisation is {verb}; the reason is kept in "
                                              "the vetting record."})
        with self.ctx.write(Permission.VET) as s:
            org = self._org_for_update(s, organisation_id)
            self._decidable(org)
            if org.vetting_status not in allowed_from:
                state = org.vetting_status.label.lower()
                raise ValidationFailed({"status": f"{org.name} is {state}; it cannot be {verb} from that "
                                                  "state."})
            if status is VettingStatus.DECLINED:
                org.next_review_on = None
            self._set_status(s, org, status, text, f"{verb}: {text}")
            return self._record(s, organisation_id)

    def suspend(self, organisation_id: int, reason: str) -> VettingRecord:
        """Stop using an approved (or in-review) organisation for now, with a reason. Vetting lead."""
        return self._with_reason(organisation_id, VettingStatus.SUSPENDED, reason,
                                 {VettingStatus.APPROVED, VettingStatus.IN_REVIEW}, "suspended")

    def decline(self, organisation_id: int, reason: str) -> VettingRecord:
        """Decide not to use the organisation, with a reason. Vetting lead."""
        return self._with_reason(organisation_id, VettingStatus.DECLINED, reason,
                                 {VettingStatus.NOT_VETTED, VettingStatus.IN_REVIEW, VettingStatus.SUSPENDED,
                                  VettingStatus.APPROVED}, "declined")

    # ---- what needs attention
    def reviews_due(self, within_days: int | None = None) -> list[ReviewDue]:
        """Organisations needing attention, most urgent first.

        Approved organisations whose review is overdue or due within `within_days` (default the
        practice's `review_due_soon_days`, 30), and approved or in-review organisations with
        evidence that has expired or expires within that time. Archived and closed
        organisations are left out. The date filtering is done by the database.
        """
        today = self.ctx.today()
        with self.ctx.read() as s:
            days = within_days if within_days is not None else read_settings(s).review_due_soon_days
            if not 0 <= days <= MAX_DAYS_AHEAD:
                shown = days if abs(days) < 10**9 else "more"
                raise ValidationFailed({"within_days": f"Look at most {MAX_DAYS_AHEAD:,} days ahead "
                                                       f"(ten years), not {shown}."})
            horizon = today + timedelta(days=days)
            approver = aliased(Staff)
            review_due, evidence_due = _due_conditions(horizon)
            cols = [Organisation.id, Organisation.name, Organisation.vetting_status,
                    Organisation.next_review_on, Organisation.approved_on, approver.name.label("approver")]
            reviews = s.execute(
                select(*cols)
                .outerjoin(approver, approver.id == Organisation.approved_by_id)
                .where(*review_due)).all()
            expiring = s.execute(
                select(*cols, VettingCheckItem.label, VettingEvidence.expires_on)
                .join(VettingEvidence, VettingEvidence.organisation_id == Organisation.id)
                .join(VettingCheckItem, VettingCheckItem.id == VettingEvidence.item_id)
                .outerjoin(approver, approver.id == Organisation.approved_by_id)
                .where(*evidence_due)
                .order_by(VettingEvidence.expires_on)).all()
        orgs: dict[int, dict[str, Any]] = {}
        for r in [*reviews, *expiring]:
            orgs.setdefault(r.id, {"row": r, "items": []})
        for r in expiring:
            orgs[r.id]["items"].append(ExpiringItem(r.label, r.expires_on))
        out = []
        for oid, entry in orgs.items():
            r = entry["row"]
            items = tuple(entry["items"])
            state = review_state(r.vetting_status, r.next_review_on, today, days)
            kinds = []
            dates = []
            if state is ReviewState.OVERDUE:
                kinds.append(DueKind.OVERDUE)
            elif state is ReviewState.DUE_SOON:
                kinds.append(DueKind.DUE_SOON)
            if state in (ReviewState.OVERDUE, ReviewState.DUE_SOON) and r.next_review_on:
                dates.append(r.next_review_on)
            for it in items:
                kinds.append(DueKind.EXPIRED if it.expires_on < today else DueKind.EXPIRING)
                dates.append(it.expires_on)
            if not kinds:
                continue
            out.append(ReviewDue(oid, r.name, r.vetting_status, r.next_review_on, state, items, r.approver,
                                 r.approved_on, min(kinds, key=lambda k: k.rank), min(dates), today))
        self._add_attention(s_today=today, out=out)
        out.sort(key=lambda x: (not x.kind.first, x.kind.rank if x.kind.first else 0, x.due_on,
                                x.organisation_name.casefold()))
        return out

    def _attention_queries(self) -> tuple[Any, Any, Any]:
        """Organisations needing a look whatever the dates: never vetted; with a change the front desk
        suggested; with a service whose patient-facing details changed since they were last checked."""
        from sp_desktop.db.models import ChangeSuggestion, Service

        live = [Organisation.archived_at.is_(None), Organisation.status != OrganisationStatus.CLOSED]
        never = select(Organisation.id).where(*live, Organisation.vetting_status == VettingStatus.NOT_VETTED)
        suggested = (select(Organisation.id).join(ChangeSuggestion, ChangeSuggestion.organisation_id
                                                  == Organisation.id)
                     .where(*live, ChangeSuggestion.state == "pending"))
        changed = (select(Organisation.id).join(Service, Service.organisation_id == Organisation.id)
                   .where(*live, Service.archived_at.is_(None),
                          Service.changed_since_checked_at.is_not(None)))
        return never, suggested, changed

    def _add_attention(self, s_today: date, out: list[ReviewDue]) -> None:
        from sp_desktop.db.models import ChangeSuggestion, Service

        never_q, _suggested_q, _changed_q = self._attention_queries()
        approver = aliased(Staff)
        with self.ctx.read() as s:
            cols = [Organisation.id, Organisation.name, Organisation.vetting_status,
                    Organisation.next_review_on, Organisation.approved_on, approver.name.label("approver"),
                    Organisation.created_at]
            base = select(*cols).outerjoin(approver, approver.id == Organisation.approved_by_id)
            never = s.execute(base.where(Organisation.id.in_(never_q))).all()
            suggestions = s.execute(
                select(ChangeSuggestion.organisation_id, ChangeSuggestion.entity_label,
                       ChangeSuggestion.suggested_by, ChangeSuggestion.suggested_at)
                .where(ChangeSuggestion.state == "pending").order_by(ChangeSuggestion.suggested_at)).all()
            changed = s.execute(
                select(Service.organisation_id, Service.name, Service.changed_since_checked_at)
                .where(Service.archived_at.is_(None), Service.changed_since_checked_at.is_not(None))
                .order_by(Service.changed_since_checked_at)).all()
            wanted = {r.organisation_id for r in (*suggestions, *changed)}
            orgs = {r.id: r for r in s.execute(base.where(
                Organisation.id.in_(wanted), Organisation.archived_at.is_(None),
                Organisation.status != OrganisationStatus.CLOSED))} if wanted else {}
        by_org: dict[int, ReviewDue] = {r.organisation_id: r for r in out}
        extra: dict[int, dict[str, Any]] = {}

        def note(row: Any, kind: DueKind, text: str, on: date) -> None:
            entry = extra.setdefault(row.id, {"row": row, "kinds": [], "notes": [], "dates": []})
            entry["kinds"].append(kind)
            entry["notes"].append(text)
            entry["dates"].append(on)

        for r in never:
            note(r, DueKind.NEVER_VETTED, "Never vetted: check it before it goes on leaflets",
                 r.created_at.date())
        for sug in suggestions:
            if sug.organisation_id in orgs:
                note(orgs[sug.organisation_id], DueKind.SUGGESTED,
                     f"{sug.suggested_by} suggested a change to “{sug.entity_label}” on "
                     f"{show_date(sug.suggested_at.date())}", sug.suggested_at.date())
        for ch in changed:
            if ch.organisation_id in orgs:
                when = ch.changed_since_checked_at.date()
                note(orgs[ch.organisation_id], DueKind.CHANGED,
                     f"“{ch.name}” changed on {show_date(when)} since its details were last checked", when)
        days = 0
        for oid, entry in extra.items():
            r = entry["row"]
            kind = min(entry["kinds"], key=lambda k: k.rank)
            old = by_org.get(oid)
            if old is not None:
                out.remove(old)
                out.append(replace(old, kind=kind, notes=tuple(entry["notes"]),
                                   due_on=min([old.due_on, *entry["dates"]])))
            else:
                state = review_state(r.vetting_status, r.next_review_on, s_today, days)
                out.append(ReviewDue(oid, r.name, r.vetting_status, r.next_review_on, state, (), r.approver,
                                     r.approved_on, kind, min(entry["dates"]), s_today,
                                     tuple(entry["notes"])))

    def count_reviews_due(self, within_days: int | None = None) -> int:
        """`len(reviews_due(within_days))` as one SQL count (the navigation's "Reviews due (n)")."""
        today = self.ctx.today()
        with self.ctx.read() as s:
            days = within_days if within_days is not None else read_settings(s).review_due_soon_days
            if not 0 <= days <= MAX_DAYS_AHEAD:
                shown = days if abs(days) < 10**9 else "more"
                raise ValidationFailed({"within_days": f"Look at most {MAX_DAYS_AHEAD:,} days ahead "
                                                       f"(ten years), not {shown}."})
            review_due, evidence_due = _due_conditions(today + timedelta(days=days))
            ids = union(select(Organisation.id).where(*review_due),
                        select(Organisation.id)
                        .join(VettingEvidence, VettingEvidence.organisation_id == Organisation.id)
                        .join(VettingCheckItem, VettingCheckItem.id == VettingEvidence.item_id)
                        .where(*evidence_due),
                        *self._attention_queries()).subquery()
            return int(s.scalar(select(func.count()).select_from(ids)) or 0)

    def overdue_count(self) -> int:
        """Approved organisations whose review date has passed (shown on start)."""
        today = self.ctx.today()
        with self.ctx.read() as s:
            return int(s.scalar(select(func.count()).select_from(Organisation).where(
                Organisation.archived_at.is_(None), Organisation.status != OrganisationStatus.CLOSED,
                Organisation.vetting_status == VettingStatus.APPROVED,
                Organisation.next_review_on < today)) or 0)

    # ---- leaflets
    def leaflet_eligibility(self, service_ids: Sequence[int]) -> dict[int, Eligibility]:
        """`leaflet_eligibility()` in its own read transaction (see there for the rule)."""
        with self.ctx.read() as s:
            return leaflet_eligibility(s, service_ids, self.ctx.today())

    def record_leaflet_override(self, service_id: int, reason: str) -> Eligibility:
        """`record_leaflet_override()` in its own transaction. Clinician or above."""
        require(self.ctx.actor, Permission.OVERRIDE_LEAFLET)
        with self.ctx.write(Permission.OVERRIDE_LEAFLET) as s:
            return record_leaflet_override(s, self.ctx, service_id, reason)


__all__ = [
    "DEFAULT_APPLIES_TO", "DEFAULT_CHECKLIST", "FIRST_REVIEW_MONTHS", "CheckItem", "CheckItemForm", "DueKind",
    "Eligibility", "EvidenceForm", "StaleEvidence",
    "EvidenceRow",
    "ExpiringItem", "ReviewDue", "ReviewState", "VettingRecord", "VettingService", "add_months",
    "item_applies", "leaflet_eligibility", "next_review_date", "record_leaflet_override", "review_state",
    "review_text",
    "seed_vetting_checklist", "status_text",
]
