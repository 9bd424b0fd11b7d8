"""Signposting records: what the practice pointed someone to, and what happened afterwards.

A record (`Signposting`) has a date, the staff member who signposted (the acting user), one or
more services (`SignpostingItem` rows), the reasons (categories of need), how it was done and
an optional follow-up date. Outcomes are recorded later, per service, by a clinician or link
worker; the ONS4 personal wellbeing scores (before/after) belong to the record.

This is not a patient record. Patient references are off by default; an administrator may
allow a short practice-internal reference (a record number, never a name or address). With the
setting off, nothing accepts one. References older than the retention period are removed by
`purge_expired_references()` (the records stay, anonymised). References, outcome notes and
wellbeing scores never enter the audit trail (`audit.PATIENT_FIELDS`), so a purge leaves no copy
behind; `services.retention` runs the purges by itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, true, update
from sqlalchemy.orm import Session, aliased

from sp_desktop.db.models import (
    Category,
    LeafletReference,
    Organisation,
    Service,
    Signposting,
    SignpostingItem,
    Staff,
    service_category,
    signposting_reason,
)
from sp_desktop.domain.enums import (
    AuditAction,
    Experience,
    Outcome,
    SignpostingMethod,
    TrustNoteKind,
)
from sp_desktop.domain.formatting import show_date
from sp_desktop.domain.text import find_patient_number
from sp_desktop.domain.validators import FieldError, check_patient_free_text, optional_text
from sp_desktop.services import audit
from sp_desktop.services.base import (
    NotFound,
    Permission,
    ServiceContext,
    ValidationFailed,
    require,
)
from sp_desktop.services.settings import PracticeSettings, read_settings

#: The four ONS personal wellbeing questions, in the order they are stored.
ONS4_QUESTIONS: tuple[str, ...] = (
    "Life satisfaction",
    "Things you do are worthwhile",
    "Happiness yesterday",
    "Anxiety yesterday",
)
#: For anxiety a lower score is better; for the other three a higher score is better.
ONS4_LOWER_IS_BETTER: tuple[bool, ...] = (False, False, False, True)

#: Outcomes that count as "attended" in reports.
ATTENDED = (Outcome.ENGAGED, Outcome.ATTENDED_ONCE)

#: How far ahead the "follow up in ..." choices in the dialog go by default.
DEFAULT_FOLLOW_UP_DAYS = 28

_REFERENCE = re.compile(r"^[A-Z0-9]{1,20}$")
_POSTCODE_LIKE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")
EARLIEST_DATE = date(2000, 1, 1)
#: Experience with a symbol, so the state never depends on colour alone.
EXPERIENCE_TEXT = {Experience.GOOD: "Good ✓", Experience.MIXED: "Mixed ~", Experience.POOR: "Poor !"}


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class ReasonRef:
    id: int
    name: str
    parent_name: str | None

    @property
    def label(self) -> str:
        return f"{self.parent_name} › {self.name}" if self.parent_name else self.name


@dataclass(frozen=True)
class ServiceChoice:
    id: int
    name: str
    organisation_name: str
    category_ids: tuple[int, ...]


@dataclass(frozen=True)
class SignpostingItemInfo:
    id: int
    version: int
    signposting_id: int
    service_id: int
    service_name: str
    organisation_id: int
    organisation_name: str
    outcome: Outcome | None
    experience: Experience | None
    experience_note: str | None
    share_feedback: bool
    outcome_on: date | None
    outcome_by: str | None

    @property
    def outcome_text(self) -> str:
        return self.outcome.label if self.outcome else "Awaiting outcome"

    @property
    def may_raise_trust_note(self) -> bool:
        """A poor experience or "not suitable" outcome is worth telling the vetting review about."""
        return self.experience is Experience.POOR or self.outcome is Outcome.NOT_SUITABLE


@dataclass(frozen=True)
class SignpostingDetail:
    id: int
    version: int
    occurred_on: date
    staff_id: int
    staff_name: str
    method: SignpostingMethod
    patient_ref: str | None
    follow_up_on: date | None
    follow_up_done: bool
    ons4_before: tuple[int, int, int, int] | None
    ons4_after: tuple[int, int, int, int] | None
    reasons: tuple[ReasonRef, ...]
    items: tuple[SignpostingItemInfo, ...]

    @property
    def services_text(self) -> str:
        return "; ".join(i.service_name for i in self.items)

    def item(self, item_id: int) -> SignpostingItemInfo:
        for i in self.items:
            if i.id == item_id:
                return i
        raise NotFound(f"Service {item_id} is not part of this signposting record.")


@dataclass(frozen=True)
class LogRow:
    """One service on one signposting record (outcomes are per service)."""

    item_id: int
    signposting_id: int
    occurred_on: date
    service_id: int
    service_name: str
    organisation_id: int
    organisation_name: str
    reasons: str
    method: SignpostingMethod
    staff_name: str
    outcome: Outcome | None
    experience: Experience | None
    follow_up_on: date | None
    follow_up_done: bool
    patient_ref: str | None  # only filled when the practice allows references
    today: date
    recorded_at: datetime | None = None  # when it was recorded (tells two records of a day apart)
    leaflet_reference: str | None = None  # the code printed on the leaflet, when one was printed

    @property
    def recorded_text(self) -> str:
        """"14:05" on the day it happened; "25 Nov 14:05" when recorded on a later day."""
        if self.recorded_at is None:
            return ""
        if self.recorded_at.date() == self.occurred_on:
            return self.recorded_at.strftime("%H:%M")
        return f"{show_date(self.recorded_at.date())} {self.recorded_at.strftime('%H:%M')}"

    @property
    def outcome_text(self) -> str:
        return self.outcome.label if self.outcome else "Awaiting outcome …"

    @property
    def experience_text(self) -> str:
        if self.experience is None:
            return ""
        return EXPERIENCE_TEXT[self.experience]

    @property
    def follow_up_due(self) -> bool:
        return self.follow_up_on is not None and not self.follow_up_done and self.follow_up_on <= self.today

    @property
    def follow_up_text(self) -> str:
        if self.follow_up_on is None:
            return ""
        if self.follow_up_done:
            return f"Done ✓ ({show_date(self.follow_up_on)})"
        if self.follow_up_on < self.today:
            return f"Overdue ! {show_date(self.follow_up_on)}"
        if self.follow_up_on == self.today:
            return "Due today !"
        return show_date(self.follow_up_on)


@dataclass(frozen=True)
class LogResult:
    rows: tuple[LogRow, ...]
    total: int
    show_patient_ref: bool

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


@dataclass(frozen=True)
class OutcomeSaved:
    detail: SignpostingDetail
    trust_note: Any = None  # relationships.TrustNoteSaved when a trust note was raised


@dataclass(frozen=True)
class FollowUpRow:
    signposting_id: int
    due_on: date
    occurred_on: date
    services: str
    staff_name: str
    overdue: bool

    @property
    def summary(self) -> str:
        return f"Follow up signposting of {show_date(self.occurred_on)}: {self.services}"


@dataclass(frozen=True)
class PurgeResult:
    anonymised: int
    cutoff: date  # references on records dated before this day were removed
    retention_days: int


@dataclass(frozen=True)
class ReferenceStatus:
    allowed: bool
    retention_days: int
    with_reference: int
    expired: int
    cutoff: date


# --------------------------------------------------------------------------- forms
@dataclass
class SignpostingForm:
    service_ids: list[int]
    method: SignpostingMethod = SignpostingMethod.LEAFLET
    occurred_on: date | None = None  # None = today
    reason_category_ids: list[int] = field(default_factory=list)
    follow_up_on: date | None = None
    patient_ref: str = ""
    # Said yes to "is this another patient?" when the same person recorded one of these services
    # today already (see PossibleDuplicate).
    another_patient: bool = False


class PossibleDuplicate(ValueError):
    """The same person already recorded these services today: ask once whether this is another
    patient (then record again with `another_patient`), rather than recording it twice by mistake."""

    def __init__(self, services: Sequence[str], at: Sequence[datetime]) -> None:
        self.services = tuple(services)
        self.at = tuple(at)
        when = ", ".join(t.strftime("%H:%M") for t in self.at)
        super().__init__(f"You recorded {', '.join(self.services)} today already (at {when}). "
                         "Is this another patient?")


@dataclass
class OutcomeForm:
    outcome: Outcome | None
    experience: Experience | None = None
    experience_note: str = ""
    share_feedback: bool = False
    ons4_before: Sequence[int | None] | None = None  # on the whole record; None = leave as it is
    ons4_after: Sequence[int | None] | None = None
    clear_ons4: bool = False  # remove both score sets


@dataclass(frozen=True)
class TrustNoteDraft:
    """A trust note prefilled from an outcome, to be edited and saved in the same step."""

    organisation_id: int
    service_id: int
    kind: TrustNoteKind
    text: str


# --------------------------------------------------------------------------- validation
def normalise_patient_ref(text: str | None, settings: PracticeSettings,
                          field_name: str = "patient_ref") -> str | None:
    """A short practice-internal reference (letters and digits), or None. Never a name or address."""
    raw = (text or "").strip()
    if not raw:
        return None
    if not settings.allow_patient_reference:
        raise FieldError(field_name, "Patient references are switched off for this practice, so no field "
                                     "accepts one. Leave it blank (an administrator can allow short "
                                     "record numbers in Settings).")
    if re.search(r"\s", raw):
        raise FieldError(field_name, "Enter only the short record number from the clinical system, without "
                                     "spaces (letters and digits) — never a name or address.")
    value = raw.upper()
    if not _REFERENCE.match(value):
        raise FieldError(field_name, f"A reference is 1 to 20 letters and digits only (not {len(raw)} "
                                     "characters). Use the record number, never a name or address.")
    if not any(ch.isdigit() for ch in value):
        raise FieldError(field_name, "That looks like a name. Use the record number from the clinical system "
                                     "(it contains digits); names and addresses are never stored here.")
    if _POSTCODE_LIKE.match(value):
        raise FieldError(field_name, "That looks like a postcode. Use the record number from the clinical "
                                     "system; addresses are never stored here.")
    if find_patient_number(value):
        raise FieldError(field_name, "That looks like an NHS or CHI number, which identifies the patient "
                                     "anywhere in the NHS. Use the practice's own short record number "
                                     "instead; NHS and CHI numbers are never stored here.")
    return value


def validate_ons4(values: Sequence[Any] | None, field_name: str) -> tuple[int, int, int, int] | None:
    """Four whole numbers from 0 to 10, or nothing at all (all blank)."""
    if values is None:
        return None
    vals = list(values)
    if all(v is None or v == "" for v in vals):
        return None
    if len(vals) != 4:
        raise FieldError(field_name, f"Give all four wellbeing scores (you gave {len(vals)}), or none.")
    out: list[int] = []
    for i, v in enumerate(vals):
        if v is None or v == "":
            raise FieldError(field_name, f"“{ONS4_QUESTIONS[i]}” has no score: give all four scores "
                                         "from 0 to 10, or leave all four blank.")
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 10:
            raise FieldError(field_name, f"“{ONS4_QUESTIONS[i]}” must be a whole number from 0 to 10 "
                                         f"(not {v!r}).")
        out.append(v)
    return (out[0], out[1], out[2], out[3])


def _ons4(value: Any) -> tuple[int, int, int, int] | None:
    if not value or not isinstance(value, (list, tuple)) or len(value) != 4:
        return None
    return (int(value[0]), int(value[1]), int(value[2]), int(value[3]))


def prefilled_trust_note(item: SignpostingItemInfo, occurred_on: date) -> TrustNoteDraft:
    """The text offered when a poor experience or "not suitable" outcome raises a trust note."""
    parts = []
    if item.outcome is Outcome.NOT_SUITABLE:
        parts.append("Outcome: not suitable")
    if item.experience is Experience.POOR:
        parts.append("patient's experience: poor")
    what = "; ".join(parts) or "Outcome recorded"
    text = f"{what[0].upper()}{what[1:]} (signposted {show_date(occurred_on)} to “{item.service_name}”)."
    if item.experience_note:
        text += f" {item.experience_note}"
    kind = TrustNoteKind.PATIENT_FEEDBACK if item.experience is Experience.POOR else TrustNoteKind.CONCERN
    return TrustNoteDraft(item.organisation_id, item.service_id, kind, text)


# --------------------------------------------------------------------------- helpers
def _reasons_for(s: Session, signposting_id: int) -> tuple[ReasonRef, ...]:
    parent = aliased(Category)
    rows = s.execute(select(Category.id, Category.name, parent.name)
                     .join(signposting_reason, signposting_reason.c.category_id == Category.id)
                     .outerjoin(parent, parent.id == Category.parent_id)
                     .where(signposting_reason.c.signposting_id == signposting_id)
                     .order_by(Category.name)).all()
    return tuple(ReasonRef(r[0], r[1], r[2]) for r in rows)


def _detail(s: Session, sp: Signposting, settings: PracticeSettings | None = None) -> SignpostingDetail:
    outcome_by = aliased(Staff)
    rows = s.execute(
        select(SignpostingItem, Service.name, Organisation.id, Organisation.name, outcome_by.name)
        .join(Service, Service.id == SignpostingItem.service_id)
        .join(Organisation, Organisation.id == Service.organisation_id)
        .outerjoin(outcome_by, outcome_by.id == SignpostingItem.outcome_by_id)
        .where(SignpostingItem.signposting_id == sp.id)
        .order_by(SignpostingItem.id)).all()
    items = tuple(SignpostingItemInfo(
        id=it.id, version=it.version, signposting_id=sp.id, service_id=it.service_id, service_name=svc_name,
        organisation_id=org_id, organisation_name=org_name, outcome=it.outcome, experience=it.experience,
        experience_note=it.experience_note, share_feedback=bool(it.share_feedback), outcome_on=it.outcome_on,
        outcome_by=by_name) for it, svc_name, org_id, org_name, by_name in rows)
    staff_name = s.scalar(select(Staff.name).where(Staff.id == sp.staff_id)) or "Unknown"
    settings = settings or read_settings(s)
    return SignpostingDetail(
        id=sp.id, version=sp.version, occurred_on=sp.occurred_on, staff_id=sp.staff_id, staff_name=staff_name,
        method=sp.method, patient_ref=sp.patient_ref if settings.allow_patient_reference else None,
        follow_up_on=sp.follow_up_on, follow_up_done=bool(sp.follow_up_done),
        ons4_before=_ons4(sp.ons4_before), ons4_after=_ons4(sp.ons4_after),
        reasons=_reasons_for(s, sp.id), items=items)


def _label(services: Sequence[str], occurred_on: date) -> str:
    names = ", ".join(services[:3]) + (f" and {len(services) - 3} more" if len(services) > 3 else "")
    return f"{show_date(occurred_on)}: {names}"


# --------------------------------------------------------------------------- the service
class SignpostingService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # ---- recording
    def record(self, form: SignpostingForm) -> SignpostingDetail:
        """Record that the acting staff member signposted someone to one or more services."""
        with self.ctx.write(Permission.LOG_SIGNPOSTING) as s:
            settings = read_settings(s)
            errors: dict[str, str] = {}
            if self.ctx.actor.id is None:
                raise ValidationFailed({"staff": "Sign in as a staff member to record signposting."})
            today = self.ctx.today()
            occurred_on = form.occurred_on or today
            if occurred_on > today:
                errors["occurred_on"] = f"The date cannot be in the future (today is {show_date(today)})."
            elif occurred_on < EARLIEST_DATE:
                errors["occurred_on"] = f"The date {show_date(occurred_on)} is too long ago; check the year."
            service_ids = list(dict.fromkeys(form.service_ids))
            services: list[tuple[int, str]] = []
            if not service_ids:
                errors["service_ids"] = "Choose at least one service the person was signposted to."
            else:
                found = dict(s.execute(select(Service.id, Service.name)
                                       .where(Service.id.in_(service_ids))).all())
                missing = [i for i in service_ids if i not in found]
                if missing:
                    errors["service_ids"] = (f"{len(missing)} of the chosen services no longer exist"
                                             " (someone may have removed them); choose again.")
                services = [(i, found[i]) for i in service_ids if i in found]
            reason_ids = list(dict.fromkeys(form.reason_category_ids))
            reasons: list[Category] = []
            if reason_ids:
                reasons = list(s.scalars(select(Category).where(Category.id.in_(reason_ids))))
                if len(reasons) != len(reason_ids):
                    errors["reason_category_ids"] = ("One of the chosen reasons is no longer in the "
                                                     "category list.")
            if not isinstance(form.method, SignpostingMethod):
                errors["method"] = "Choose how the person was signposted."
            if form.follow_up_on is not None and form.follow_up_on < occurred_on:
                errors["follow_up_on"] = (f"The follow-up date ({show_date(form.follow_up_on)}) is before "
                                          f"the signposting date ({show_date(occurred_on)}).")
            ref: str | None = None
            try:
                ref = normalise_patient_ref(form.patient_ref, settings)
            except FieldError as e:
                errors[e.field] = e.message
            if errors:
                raise ValidationFailed(errors)
            if not form.another_patient:
                # a different patient reference says it is another patient; no reference says nothing
                same_person = (or_(Signposting.patient_ref.is_(None), Signposting.patient_ref == ref)
                               if ref else true())
                earlier = s.execute(
                    select(Service.name, Signposting.created_at)
                    .join(SignpostingItem, SignpostingItem.signposting_id == Signposting.id)
                    .join(Service, Service.id == SignpostingItem.service_id)
                    .where(Signposting.staff_id == self.ctx.actor.id, Signposting.occurred_on == occurred_on,
                           SignpostingItem.service_id.in_([i for i, _ in services]), same_person)
                    .order_by(Signposting.created_at)).all()
                if earlier:
                    raise PossibleDuplicate(list(dict.fromkeys(n for n, _ in earlier)),
                                            sorted({t for _, t in earlier}))
            sp = Signposting(occurred_on=occurred_on, staff_id=self.ctx.actor.id, method=form.method,
                             patient_ref=ref, follow_up_on=form.follow_up_on, follow_up_done=False,
                             items=[SignpostingItem(service_id=i, share_feedback=False) for i, _ in services],
                             reasons=reasons)
            s.add(sp)
            s.flush()
            changes: dict[str, list[Any]] = {
                "occurred_on": [None, occurred_on.isoformat()], "method": [None, form.method.value],
                "services": [None, [name for _, name in services]],
                "reasons": [None, sorted(c.name for c in reasons)]}
            if form.follow_up_on:
                changes["follow_up_on"] = [None, form.follow_up_on.isoformat()]
            # The reference itself never enters the audit trail (a purge must leave no copy).
            summary = "with a patient reference" if ref else ""
            audit.record(s, self.ctx, AuditAction.CREATE, "signposting", sp.id,
                         _label([n for _, n in services], occurred_on), changes, summary=summary)
            return _detail(s, sp, settings)

    def get(self, signposting_id: int) -> SignpostingDetail:
        with self.ctx.read() as s:
            sp = s.get(Signposting, signposting_id)
            if sp is None:
                raise NotFound("That signposting record no longer exists.")
            return _detail(s, sp)

    def detail_for_item(self, item_id: int) -> SignpostingDetail:
        with self.ctx.read() as s:
            sp_id = s.scalar(select(SignpostingItem.signposting_id).where(SignpostingItem.id == item_id))
            if sp_id is None:
                raise NotFound("That signposting record no longer exists.")
            sp = s.get(Signposting, sp_id)
            assert sp is not None
            return _detail(s, sp)

    def describe_services(self, service_ids: Sequence[int]) -> list[ServiceChoice]:
        """Name, organisation and categories of services (in the order given), for the record dialog."""
        ids = list(dict.fromkeys(service_ids))
        if not ids:
            return []
        with self.ctx.read() as s:
            rows = {r[0]: r for r in s.execute(select(Service.id, Service.name, Organisation.name)
                                               .join(Organisation, Organisation.id == Service.organisation_id)
                                               .where(Service.id.in_(ids)))}
            cats: dict[int, list[int]] = {}
            for sid, cid in s.execute(select(service_category.c.service_id, service_category.c.category_id)
                                      .where(service_category.c.service_id.in_(ids))
                                      .order_by(service_category.c.category_id)):
                cats.setdefault(sid, []).append(cid)
        return [ServiceChoice(i, rows[i][1], rows[i][2], tuple(cats.get(i, ()))) for i in ids if i in rows]

    def reason_choices(self) -> list[ReasonRef]:
        """Every category (not archived) as a possible reason, grouped under its parent."""
        parent = aliased(Category)
        with self.ctx.read() as s:
            rows = s.execute(select(Category.id, Category.name, parent.name)
                             .outerjoin(parent, parent.id == Category.parent_id)
                             .where(Category.archived.is_(False))
                             .order_by(func.coalesce(parent.sort_order, Category.sort_order),
                                       func.coalesce(parent.id, Category.id), parent.id.is_not(None),
                                       Category.sort_order, Category.name)).all()
        return [ReasonRef(r[0], r[1], r[2]) for r in rows]

    # ---- outcomes
    def record_outcome(self, item_id: int, form: OutcomeForm, *, expected_version: int | None = None,
                       trust_note: TrustNoteDraft | None = None) -> OutcomeSaved:
        """Record what happened after signposting to one service, and optionally raise a trust note.

        The outcome and the ONS4 scores are saved in one transaction. The trust note is then
        written by the relationships feature's `TrustNoteService` (same permission, validation
        and audit as any trust note); its text is checked before anything is saved, so in
        practice both are saved or neither.
        """
        if trust_note is not None:
            self._check_trust_note(trust_note)
        detail = self._save_outcome(item_id, form, expected_version)
        saved_note = None
        if trust_note is not None:
            from sp_desktop.services.relationships import TrustNoteService

            try:
                saved_note = TrustNoteService(self.ctx).add(trust_note.organisation_id, trust_note.kind,
                                                            trust_note.text, service_id=trust_note.service_id)
            except ValidationFailed as exc:
                raise ValidationFailed({"trust_note": "The outcome was saved, but the trust note was not: "
                                        + "; ".join(exc.errors.values())}) from exc
        return OutcomeSaved(detail, saved_note)

    def _check_trust_note(self, draft: TrustNoteDraft) -> None:
        require(self.ctx.actor, Permission.TRUST_NOTES)
        from sp_desktop.services.relationships import NOTE_MAX

        text = (draft.text or "").strip()
        if not text:
            raise ValidationFailed({"trust_note": "Write the trust note, or untick “Add a trust note”."})
        if len(text) > NOTE_MAX:
            raise ValidationFailed({"trust_note": f"Keep the trust note under {NOTE_MAX} characters "
                                                  f"(it has {len(text)})."})
        if self.ctx.actor.id is None:
            raise ValidationFailed({"trust_note": "Sign in as a named staff member to write a trust note."})

    def _save_outcome(self, item_id: int, form: OutcomeForm,
                      expected_version: int | None) -> SignpostingDetail:
        with self.ctx.write(Permission.RECORD_OUTCOMES) as s:
            item = s.get(SignpostingItem, item_id)
            if item is None:
                raise NotFound("That signposting record no longer exists.")
            if expected_version is not None and item.version != expected_version:
                raise ValidationFailed({"outcome": "Someone else recorded an outcome for this service since "
                                                   "you opened it. Close this window and open it again to "
                                                   "see theirs."})
            sp = item.signposting
            errors: dict[str, str] = {}
            if not isinstance(form.outcome, Outcome):
                errors["outcome"] = "Choose an outcome (“Not known” if nobody knows yet)."
            if form.experience is not None and not isinstance(form.experience, Experience):
                errors["experience"] = "Choose good, mixed or poor, or leave the experience blank."
            note: str | None = None
            try:
                note = check_patient_free_text(
                    optional_text(form.experience_note, "experience_note", "note", 2000), "experience_note",
                    "note")
            except FieldError as e:
                errors[e.field] = e.message
            if form.share_feedback and not note:
                errors["share_feedback"] = ("There is no feedback to share: write the patient's feedback in "
                                            "the note, or untick “Share with the organisation”.")
            before = after = None
            try:
                before = validate_ons4(form.ons4_before, "ons4_before")
            except FieldError as e:
                errors[e.field] = e.message
            try:
                after = validate_ons4(form.ons4_after, "ons4_after")
            except FieldError as e:
                errors[e.field] = e.message
            final_before = None if form.clear_ons4 else (before if form.ons4_before is not None
                                                          else _ons4(sp.ons4_before))
            final_after = None if form.clear_ons4 else (after if form.ons4_after is not None
                                                        else _ons4(sp.ons4_after))
            if final_after is not None and final_before is None and "ons4_after" not in errors:
                errors["ons4_before"] = ("Scores after signposting are only useful with the scores before: "
                                         "give the four scores before as well, or leave both blank.")
            if errors:
                raise ValidationFailed(errors)
            item.outcome = form.outcome
            item.experience = form.experience
            item.experience_note = note
            item.share_feedback = bool(form.share_feedback and note)
            item.outcome_by_id = self.ctx.actor.id
            item.outcome_on = self.ctx.today()
            if _ons4(sp.ons4_before) != final_before:
                sp.ons4_before = list(final_before) if final_before else None
            if _ons4(sp.ons4_after) != final_after:
                sp.ons4_after = list(final_after) if final_after else None
            item_changes = audit.pending_changes(item)
            sp_changes = {k: v for k, v in audit.pending_changes(sp).items() if k != "patient_ref"}
            s.flush()
            # Once every service on the record has an outcome, the follow-up is done.
            remaining = s.scalar(select(func.count()).select_from(SignpostingItem).where(
                SignpostingItem.signposting_id == sp.id, SignpostingItem.outcome.is_(None)))
            if not remaining and sp.follow_up_on is not None and not sp.follow_up_done:
                sp.follow_up_done = True
                sp_changes["follow_up_done"] = [False, True]
                s.flush()
            service_name, org_id = s.execute(select(Service.name, Service.organisation_id)
                                             .where(Service.id == item.service_id)).one()
            audit.record(s, self.ctx, AuditAction.UPDATE, "signposting", sp.id,
                         _label([service_name], sp.occurred_on), {**sp_changes, **item_changes},
                         summary=f"outcome for “{service_name}”: {form.outcome.label if form.outcome else ''}"
                         .strip(),
                         organisation_id=org_id)
            return _detail(s, sp)

    # ---- follow-ups
    def _due_query(self, on: date) -> Any:
        return and_(Signposting.follow_up_on.is_not(None), Signposting.follow_up_on <= on,
                    Signposting.follow_up_done.is_(False))

    def count_follow_ups_due(self, on: date | None = None) -> int:
        """How many signposting follow-ups are due on or before `on` (default today)."""
        on = on or self.ctx.today()
        with self.ctx.read() as s:
            q = select(func.count()).select_from(Signposting).where(self._due_query(on))
            return int(s.scalar(q) or 0)

    def follow_ups_due(self, on: date | None = None, *, horizon_days: int = 0) -> list[FollowUpRow]:
        """Signposting follow-ups due by `on` + `horizon_days`, oldest first."""
        on = on or self.ctx.today()
        until = on + timedelta(days=horizon_days)
        with self.ctx.read() as s:
            rows = s.execute(select(Signposting.id, Signposting.follow_up_on, Signposting.occurred_on,
                                    Staff.name)
                             .join(Staff, Staff.id == Signposting.staff_id)
                             .where(self._due_query(until))
                             .order_by(Signposting.follow_up_on, Signposting.id)).all()
            ids = [r[0] for r in rows]
            names: dict[int, list[str]] = {}
            if ids:
                for sp_id, name in s.execute(select(SignpostingItem.signposting_id, Service.name)
                                             .join(Service, Service.id == SignpostingItem.service_id)
                                             .where(SignpostingItem.signposting_id.in_(ids))
                                             .order_by(SignpostingItem.id)):
                    names.setdefault(sp_id, []).append(name)
            out: list[FollowUpRow] = []
            for sp_id, due, occurred, staff_name in rows:
                assert due is not None
                services = ", ".join(names.get(sp_id, []))
                out.append(FollowUpRow(sp_id, due, occurred, services, staff_name, due < on))
            return out

    def set_follow_up(self, signposting_id: int, *, done: bool | None = None,
                      follow_up_on: date | None | bool = False) -> SignpostingDetail:
        """Mark the follow-up done (or not), or move it (`follow_up_on=None` removes it)."""
        with self.ctx.write(Permission.LOG_SIGNPOSTING) as s:
            sp = s.get(Signposting, signposting_id)
            if sp is None:
                raise NotFound("That signposting record no longer exists.")
            if follow_up_on is not False:
                new_date = follow_up_on if isinstance(follow_up_on, date) else None
                if new_date is not None and new_date < sp.occurred_on:
                    raise ValidationFailed({"follow_up_on": "The follow-up date is before the signposting "
                                                            f"date ({show_date(sp.occurred_on)})."})
                sp.follow_up_on = new_date
            if done is not None:
                sp.follow_up_done = done
            changes = {k: v for k, v in audit.pending_changes(sp).items() if k != "patient_ref"}
            if changes:
                names = s.scalars(select(Service.name)
                                  .join(SignpostingItem, SignpostingItem.service_id == Service.id)
                                  .where(SignpostingItem.signposting_id == sp.id)).all()
                audit.record(s, self.ctx, AuditAction.UPDATE, "signposting", sp.id, _label(list(names),
                             sp.occurred_on), changes, summary="follow-up")
            s.flush()
            return _detail(s, sp)

    # ---- the log
    def log(self, date_from: date | None = None, date_to: date | None = None, *, text: str = "",
            state: str = "all", staff_id: int | None = None, method: SignpostingMethod | None = None,
            organisation_id: int | None = None, limit: int = 5000) -> LogResult:
        """Rows for the signposting log, newest first.

        `state` is one of all, awaiting, recorded, follow_up_due or poor.
        """
        with self.ctx.read() as s:
            settings = read_settings(s)
            today = self.ctx.today()
            conds: list[Any] = []
            if date_from:
                conds.append(Signposting.occurred_on >= date_from)
            if date_to:
                conds.append(Signposting.occurred_on <= date_to)
            if staff_id:
                conds.append(Signposting.staff_id == staff_id)
            if method:
                conds.append(Signposting.method == method)
            if organisation_id:
                conds.append(Service.organisation_id == organisation_id)
            if state == "awaiting":
                conds.append(SignpostingItem.outcome.is_(None))
            elif state == "recorded":
                conds.append(SignpostingItem.outcome.is_not(None))
            elif state == "follow_up_due":
                conds.append(self._due_query(today))
            elif state == "poor":
                conds.append(or_(SignpostingItem.experience == Experience.POOR,
                                 SignpostingItem.outcome == Outcome.NOT_SUITABLE))
            words = [w for w in text.split() if w]
            for w in words:
                like = f"%{w.lower()}%"
                cond = or_(func.lower(Service.name).like(like), func.lower(Organisation.name).like(like),
                           func.lower(Staff.name).like(like),
                           exists().where(signposting_reason.c.signposting_id == Signposting.id,
                                          signposting_reason.c.category_id == Category.id,
                                          func.lower(Category.name).like(like)))
                if settings.allow_patient_reference:
                    cond = or_(cond, func.lower(func.coalesce(Signposting.patient_ref, "")) == w.lower())
                conds.append(cond)
            base = (select(SignpostingItem.id, SignpostingItem.signposting_id, Signposting.occurred_on,
                           Service.id, Service.name, Organisation.id, Organisation.name, Signposting.method,
                           Staff.name, SignpostingItem.outcome, SignpostingItem.experience,
                           Signposting.follow_up_on, Signposting.follow_up_done, Signposting.patient_ref,
                           Signposting.created_at)
                    .join(Signposting, Signposting.id == SignpostingItem.signposting_id)
                    .join(Service, Service.id == SignpostingItem.service_id)
                    .join(Organisation, Organisation.id == Service.organisation_id)
                    .join(Staff, Staff.id == Signposting.staff_id)
                    .where(*conds))
            if words or organisation_id:
                counted = select(func.count()).select_from(base.subquery())
            else:  # no condition on the service, organisation or staff: their (foreign-key, NOT NULL)
                # joins cannot drop a row, and skipping them counts 200,000 rows in ~0.1 s, not ~1 s
                counted = (select(func.count()).select_from(SignpostingItem)
                           .join(Signposting, Signposting.id == SignpostingItem.signposting_id).where(*conds))
            total = int(s.scalar(counted) or 0)
            rows = s.execute(base.order_by(Signposting.occurred_on.desc(), Signposting.id.desc(),
                                           SignpostingItem.id).limit(limit)).all()
            reasons: dict[int, list[str]] = {}
            shown_ids = sorted({r[1] for r in rows})  # the reasons of the rows shown, not of every match
            for start in range(0, len(shown_ids), 500):
                for sp_id, name in s.execute(
                        select(signposting_reason.c.signposting_id, Category.name)
                        .join(Category, Category.id == signposting_reason.c.category_id)
                        .where(signposting_reason.c.signposting_id.in_(shown_ids[start:start + 500]))
                        .order_by(Category.name)):
                    reasons.setdefault(sp_id, []).append(name)
            show_ref = settings.allow_patient_reference
            codes: dict[int, str] = {}  # the leaflet reference printed for a record, if any
            for start in range(0, len(shown_ids), 500):
                for sp_id, code in s.execute(
                        select(LeafletReference.signposting_id, LeafletReference.code)
                        .where(LeafletReference.signposting_id.in_(shown_ids[start:start + 500]))
                        .order_by(LeafletReference.id)):
                    if sp_id is not None:
                        codes.setdefault(sp_id, code)
            out = tuple(LogRow(
                item_id=r[0], signposting_id=r[1], occurred_on=r[2], service_id=r[3], service_name=r[4],
                organisation_id=r[5], organisation_name=r[6], reasons=", ".join(reasons.get(r[1], [])),
                method=r[7], staff_name=r[8], outcome=r[9], experience=r[10], follow_up_on=r[11],
                follow_up_done=bool(r[12]), patient_ref=r[13] if show_ref else None, today=today,
                recorded_at=r[14], leaflet_reference=codes.get(r[1]))
                for r in rows)
            return LogResult(out, total, show_ref)

    # ---- patient references
    def reference_status(self) -> ReferenceStatus:
        with self.ctx.read() as s:
            settings = read_settings(s)
            cutoff = self.ctx.today() - timedelta(days=settings.patient_reference_retention_days)
            with_ref = s.scalar(select(func.count()).select_from(Signposting)
                                .where(Signposting.patient_ref.is_not(None))) or 0
            expired = s.scalar(select(func.count()).select_from(Signposting)
                               .where(Signposting.patient_ref.is_not(None),
                                      Signposting.occurred_on < cutoff)) or 0
            days = settings.patient_reference_retention_days
            allowed = settings.allow_patient_reference
            return ReferenceStatus(allowed, days, int(with_ref), int(expired), cutoff)

    def purge_expired_references(self) -> PurgeResult:
        """Remove patient references from records older than the retention period (administrators).

        The records stay (anonymised) so the reports do not change. The purge is audited.
        """
        with self.ctx.write(Permission.SETTINGS) as s:
            settings = read_settings(s)
            days = settings.patient_reference_retention_days
            cutoff = self.ctx.today() - timedelta(days=days)
            result = s.execute(update(Signposting)
                               .where(Signposting.patient_ref.is_not(None), Signposting.occurred_on < cutoff)
                               .values(patient_ref=None, version=Signposting.version + 1,
                                       updated_at=self.ctx.now())
                               .execution_options(synchronize_session=False))
            count = int(getattr(result, "rowcount", 0) or 0)
            audit.record(s, self.ctx, AuditAction.PURGE, "signposting", None, "Patient references",
                         {"anonymised_records": [None, count], "dated_before": [None, cutoff.isoformat()],
                          "retention_days": [None, days]},
                         summary=f"removed patient references from {count} signposting record"
                                 f"{'' if count == 1 else 's'} dated before {show_date(cutoff)} "
                                 f"(retention {days} days)")
            return PurgeResult(count, cutoff, days)


# --------------------------------------------------------------------------- follow-ups page
class SignpostingFollowUps:
    """Signposting follow-ups on the Follow-ups page (a provider for `services.followups`).

    The owner is the staff member who signposted. With patient references allowed, the title
    carries the reference so the person can be contacted; otherwise only the date and services.
    """

    kind = "signposting"
    label = "Signposting follow-up"
    done_permission = Permission.LOG_SIGNPOSTING

    def count_open(self, session: Session, *, owner_id: int | None) -> int:
        q = (select(func.count()).select_from(Signposting).join(Staff, Staff.id == Signposting.staff_id)
             .where(Signposting.follow_up_on.is_not(None), Signposting.follow_up_done.is_(False)))
        if owner_id is not None:
            q = q.where(Signposting.staff_id == owner_id)
        return int(session.scalar(q) or 0)

    def items(self, session: Session, *, owner_id: int | None, done_since: Any) -> list[Any]:
        from sp_desktop.services.followup_item import FollowUpItem

        settings = read_settings(session)
        q = (select(Signposting.id, Signposting.occurred_on, Signposting.follow_up_on,
                    Signposting.follow_up_done, Signposting.updated_at, Signposting.patient_ref,
                    Signposting.staff_id, Staff.name)
             .join(Staff, Staff.id == Signposting.staff_id)
             .where(Signposting.follow_up_on.is_not(None)))
        if done_since is None:
            q = q.where(Signposting.follow_up_done.is_(False))
        else:
            q = q.where(or_(Signposting.follow_up_done.is_(False), Signposting.updated_at >= done_since))
        if owner_id is not None:
            q = q.where(Signposting.staff_id == owner_id)
        rows = session.execute(q).all()
        services: dict[int, list[tuple[str, int, str]]] = {}
        ids = [r[0] for r in rows]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for sp_id, svc_name, org_id, org_name in session.execute(
                    select(SignpostingItem.signposting_id, Service.name, Organisation.id, Organisation.name)
                    .join(Service, Service.id == SignpostingItem.service_id)
                    .join(Organisation, Organisation.id == Service.organisation_id)
                    .where(SignpostingItem.signposting_id.in_(chunk))
                    .order_by(SignpostingItem.id)):
                services.setdefault(sp_id, []).append((svc_name, org_id, org_name))
        out = []
        for sp_id, occurred, due, done, updated, ref, staff_id, staff_name in rows:
            svcs = services.get(sp_id, [])
            orgs = list(dict.fromkeys((o_id, o_name) for _, o_id, o_name in svcs))
            names = ", ".join(n for n, _, _ in svcs) or "services"
            who = f" (patient ref {ref})" if ref and settings.allow_patient_reference else ""
            out.append(FollowUpItem(
                kind=self.kind, ref=sp_id, title=f"Ask how the signposting went{who}: {names}", due=due,
                owner_id=staff_id, owner_name=staff_name,
                organisation_id=orgs[0][0] if len(orgs) == 1 else None,
                organisation_name="; ".join(name for _, name in orgs),
                source=f"Signposting on {show_date(occurred)} ({staff_name})",
                done_at=updated if done else None, done_note=None))
        return out

    def mark_done(self, session: Session, ctx: ServiceContext, ref: int, note: str) -> None:
        sp = session.get(Signposting, ref)
        if sp is None or sp.follow_up_on is None:
            raise NotFound("That follow-up no longer exists: someone may have changed the signposting "
                           "record. Reload.")
        if sp.follow_up_done:
            raise ValidationFailed({"done": "This follow-up was already marked done."})
        if note.strip():  # it would say how the patient is; nothing here keeps patient text
            raise ValidationFailed({"note": "A note is not kept on a signposting follow-up, because it would "
                                            "describe the patient. Leave the note empty, and record how it "
                                            "went as the outcome on the Signposting page."})
        sp.follow_up_done = True
        names = session.scalars(select(Service.name)
                                .join(SignpostingItem, SignpostingItem.service_id == Service.id)
                                .where(SignpostingItem.signposting_id == sp.id)).all()
        label = _label(list(names), sp.occurred_on)
        audit.record(session, ctx, AuditAction.UPDATE, "signposting", sp.id, label,
                     {"follow_up_done": [False, True]},
                     summary="follow-up done")


__all__ = [
    "ATTENDED",
    "DEFAULT_FOLLOW_UP_DAYS",
    "ONS4_LOWER_IS_BETTER",
    "ONS4_QUESTIONS",
    "FollowUpRow",
    "LogResult",
    "LogRow",
    "OutcomeForm",
    "OutcomeSaved",
    "PossibleDuplicate",
    "PurgeResult",
    "ReasonRef",
    "ReferenceStatus",
    "ServiceChoice",
    "SignpostingDetail",
    "SignpostingFollowUps",
    "SignpostingForm",
    "SignpostingItemInfo",
    "SignpostingService",
    "TrustNoteDraft",
    "normalise_patient_ref",
    "prefilled_trust_note",
    "validate_ons4",
]
