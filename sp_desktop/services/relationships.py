"""Relationships with community organisations: contact history, trust notes, health and the network.

Trust between a practice and a community organisation grows from face-to-face contact between
named people. This module records those contacts, keeps clinicians' private trust notes, and
derives each organisation's relationship health in ONE place (`health_for`), aggregated in SQL
for many organisations at once, so the directory, the detail pane and the network page agree.

- `ContactLogService`: log, correct (author or vetting lead; audited) and list contacts.
- `TrustNoteService`: private notes (clinician and above only; front desk can neither read nor
  write them). A concern or safeguarding concern tells the caller to ask whether to bring the
  vetting review forward and, for safeguarding, whether to suspend the organisation from
  leaflets at once (`bring_review_forward`, `suspend_for_safeguarding`). `open_concerns()` tells
  the leaflet feature which organisations have an open concern, without the private text.
- `RelationshipService`: health for organisations, the network ("who here knows X?"),
  organisations no one has met, approved organisations with no contact in a year, and CSV
  export of each list.

Trust note text never leaves this module except to a clinician's screen: audit rows record
that a note changed, not what it says, and the network lists never include notes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import LargeBinary, Select, and_, case, cast, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from sp_desktop.db.engine import fold
from sp_desktop.db.models import (
    Contact,
    ContactEvent,
    Organisation,
    Service,
    Staff,
    TrustNote,
    contact_event_staff,
)
from sp_desktop.db.search import terms_of
from sp_desktop.domain.enums import (
    AppRole,
    AuditAction,
    ContactKind,
    OrganisationStatus,
    RelationshipHealth,
    TrustNoteKind,
    VettingStatus,
)
from sp_desktop.domain.formatting import show_date, show_datetime
from sp_desktop.domain.safe_text import guard_spreadsheet_cell
from sp_desktop.files import write_atomically
from sp_desktop.services import audit
from sp_desktop.services.base import (
    Actor,
    NotFound,
    Permission,
    PermissionDenied,
    ServiceContext,
    ValidationFailed,
    can,
)

#: The kinds of contact that count as meeting in person.
FACE_TO_FACE_KINDS: tuple[ContactKind, ...] = tuple(k for k in ContactKind if k.face_to_face)
#: Trust note kinds that ask about the vetting review (and, for safeguarding, suspension).
CONCERN_KINDS: tuple[TrustNoteKind, ...] = (TrustNoteKind.CONCERN, TrustNoteKind.SAFEGUARDING)

SUMMARY_MAX = 2000
NOTE_MAX = 4000
_CHUNK = 500  # organisation ids per IN (...) list; keeps well under every database's parameter limit


class NotAllowed(PermissionDenied):
    """Refused for a reason other than role alone (e.g. only the author may correct a contact)."""

    def __init__(self, permission: Permission, message: str) -> None:
        PermissionError.__init__(self, message)
        self.permission = permission


def twelve_months_before(today: date) -> date:
    """The first day that still counts as "within the last 12 months" (same date a year ago;
    29 Feb falls back to 28 Feb)."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def _cutoff(today: date) -> datetime:
    return datetime.combine(twelve_months_before(today), time.min)


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    unique = sorted(set(ids))
    for i in range(0, len(unique), _CHUNK):
        yield unique[i:i + _CHUNK]


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class StaffRef:
    id: int
    name: str
    job_role: str = ""


@dataclass(frozen=True)
class PersonRef:
    """One of the organisation's people (a directory contact)."""

    id: int
    name: str
    role: str | None = None

    @property
    def display(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


@dataclass(frozen=True)
class ContactEntry:
    """One logged contact, as shown in a timeline."""

    id: int
    version: int
    organisation_id: int
    organisation_name: str
    occurred_at: datetime
    kind: ContactKind
    summary: str
    author_id: int
    author_name: str
    staff: tuple[StaffRef, ...]
    people: tuple[PersonRef, ...]
    follow_up_action: str | None
    follow_up_owner_id: int | None
    follow_up_owner_name: str | None
    follow_up_due: date | None
    follow_up_done_at: datetime | None
    follow_up_done_note: str | None

    @property
    def staff_names(self) -> str:
        return ", ".join(s.name for s in self.staff)

    @property
    def people_names(self) -> str:
        return ", ".join(p.name for p in self.people)

    @property
    def has_follow_up(self) -> bool:
        return bool(self.follow_up_action)

    @property
    def follow_up_open(self) -> bool:
        return self.has_follow_up and self.follow_up_done_at is None

    def follow_up_text(self) -> str:
        if not self.follow_up_action:
            return ""
        owner = self.follow_up_owner_name or "no one"
        text = f"{self.follow_up_action} — {owner}, by {show_date(self.follow_up_due)}"
        if self.follow_up_done_at is not None:
            text += f" (done {show_date(self.follow_up_done_at)})"
        return text


@dataclass
class ContactLogForm:
    """What someone typed in the log-contact dialog."""

    organisation_id: int
    summary: str
    kind: ContactKind = ContactKind.PHONE
    occurred_at: datetime | None = None  # None = now
    staff_ids: list[int] = field(default_factory=list)  # empty = the person logging it
    person_ids: list[int] = field(default_factory=list)
    follow_up_action: str = ""
    follow_up_owner_id: int | None = None  # None = the person logging it
    follow_up_due: date | None = None


@dataclass(frozen=True)
class StaffMet:
    staff_id: int
    name: str
    last_met: datetime


@dataclass(frozen=True)
class OrganisationHealth:
    """The derived state of the practice's relationship with one organisation."""

    organisation_id: int
    level: RelationshipHealth
    last_contact: datetime | None
    last_contact_kind: ContactKind | None
    last_face_to_face: datetime | None
    contacts_last_12_months: int
    staff_met: tuple[StaffMet, ...]

    @property
    def text(self) -> str:
        """``Relationship: Strong ●`` — text and symbol, never colour alone."""
        return f"Relationship: {self.level.label} {self.level.symbol}"

    @property
    def short_text(self) -> str:
        return f"{self.level.label} {self.level.symbol}"

    def describe(self) -> str:
        """One plain sentence for the detail pane."""
        if self.last_contact is None:
            return "No contact recorded yet."
        parts = [f"Last contact {show_date(self.last_contact)}"
                 + (f" ({self.last_contact_kind.label.lower()})" if self.last_contact_kind else "")]
        if self.last_face_to_face is not None:
            parts.append(f"last met in person {show_date(self.last_face_to_face)}")
        else:
            parts.append("never met in person")
        n = self.contacts_last_12_months
        parts.append(f"{n} contact{'s' if n != 1 else ''} in the last 12 months")
        text = "; ".join(parts) + "."
        if self.staff_met:
            text += " Met by " + ", ".join(s.name for s in self.staff_met) + "."
        return text


def _no_health(org_id: int) -> OrganisationHealth:
    return OrganisationHealth(org_id, RelationshipHealth.NONE, None, None, None, 0, ())


_NO_CONTACT = _no_health(0)  # the facts of every organisation without contacts (its id aside)


def health_for(session: Session, org_ids: Sequence[int], today: date) -> dict[int, OrganisationHealth]:
    """THE relationship health of each organisation in `org_ids`, aggregated in SQL.

    - strong: a face-to-face contact within the last 12 months;
    - fading: a contact within the last 12 months, none of them face to face;
    - none: no contact in the last 12 months.
    Every id asked for is in the result (organisations with no contact get level none).
    """
    result: dict[int, OrganisationHealth] = {}
    for chunk in _chunks(list(org_ids)):
        result.update(_health_where(session, partial(_in, chunk), today))
    for org_id in org_ids:
        result.setdefault(org_id, _no_health(org_id))
    return result


def _in(ids: list[int], column: Any) -> Any:
    return column.in_(ids)


def health_of_selected(session: Session, organisations: Select[Any], today: date,
                       staff_met: bool = True) -> dict[int, OrganisationHealth]:
    """`health_for` the organisations whose ids `organisations` (a one-column SELECT) gives, in two
    statements however many there are (the Network page's lists: up to every organisation).
    Only organisations with at least one contact are in the result: the rest are `_no_health`.
    With `staff_met=False` (one statement) every `staff_met` is left empty, for lists that do
    not show it."""
    return _health_where(session, lambda org_id: org_id.in_(organisations), today, staff_met)


def _health_where(session: Session, scope: Callable[[Any], Any], today: date,
                  staff_met: bool = True) -> dict[int, OrganisationHealth]:
    """Health of the organisations with contacts among those `scope` (a condition on a contact's
    organisation id) picks. The rules of `health_for` live here, once. The contacts are read
    through aliases, so a `scope` whose subquery looks at ContactEvent is never correlated with them."""
    result: dict[int, OrganisationHealth] = {}
    cutoff = _cutoff(today)
    ce, latest = aliased(ContactEvent), aliased(ContactEvent)
    f2f = ce.kind.in_(FACE_TO_FACE_KINDS)
    last_kind = (select(latest.kind).where(latest.organisation_id == ce.organisation_id)
                 .order_by(latest.occurred_at.desc(), latest.id.desc()).limit(1).scalar_subquery())
    stats = select(
        ce.organisation_id.label("org_id"),
        func.max(ce.occurred_at).label("last"),
        func.max(case((f2f, ce.occurred_at))).label("last_f2f"),
        func.sum(case((ce.occurred_at >= cutoff, 1), else_=0)).label("recent"),
        last_kind.label("last_kind"),
    ).where(scope(ce.organisation_id)).group_by(ce.organisation_id)
    met: dict[int, list[StaffMet]] = {}
    if staff_met:
        met_q = (select(ce.organisation_id, Staff.id, Staff.name, func.max(ce.occurred_at).label("last_met"))
                 .join(contact_event_staff, contact_event_staff.c.contact_event_id == ce.id)
                 .join(Staff, Staff.id == contact_event_staff.c.staff_id)
                 .where(scope(ce.organisation_id), f2f)
                 .group_by(ce.organisation_id, Staff.id, Staff.name)
                 .order_by(ce.organisation_id, func.max(ce.occurred_at).desc(), Staff.name))
        for org_id, staff_id, name, last_met in session.execute(met_q):
            met.setdefault(org_id, []).append(StaffMet(staff_id, name, _as_datetime(last_met)))
    for r in session.execute(stats):
        last = _as_datetime(r.last)
        last_f2f = _as_datetime(r.last_f2f) if r.last_f2f is not None else None
        if last_f2f is not None and last_f2f >= cutoff:
            level = RelationshipHealth.STRONG
        elif last is not None and last >= cutoff:
            level = RelationshipHealth.FADING
        else:
            level = RelationshipHealth.NONE
        result[r.org_id] = OrganisationHealth(
            r.org_id, level, last, ContactKind(r.last_kind) if r.last_kind is not None else None, last_f2f,
            int(r.recent or 0), tuple(met.get(r.org_id, ())))
    return result


def _as_datetime(value: Any) -> datetime:
    """Aggregates over a DateTime column come back typed on most drivers; be safe with text."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time.min)
    return datetime.fromisoformat(str(value))


# --------------------------------------------------------------------------- contact log
def _staff_ref(s: Staff) -> StaffRef:
    return StaffRef(s.id, s.name, s.job_role or "")


def _entry(session: Session, ev: ContactEvent, names: dict[int, str] | None = None) -> ContactEntry:
    names = names if names is not None else {}

    def staff_name(staff_id: int | None) -> str | None:
        if staff_id is None:
            return None
        if staff_id not in names:
            names[staff_id] = session.get(Staff, staff_id).name  # type: ignore[union-attr]
        return names[staff_id]

    org_name = names.get(-ev.organisation_id)
    if org_name is None:
        org_name = session.scalar(select(Organisation.name)
                                  .where(Organisation.id == ev.organisation_id)) or ""
        names[-ev.organisation_id] = org_name
    return ContactEntry(
        id=ev.id, version=ev.version, organisation_id=ev.organisation_id, organisation_name=org_name,
        occurred_at=ev.occurred_at, kind=ev.kind, summary=ev.summary, author_id=ev.author_id,
        author_name=staff_name(ev.author_id) or "", staff=tuple(_staff_ref(s) for s in ev.staff),
        people=tuple(PersonRef(p.id, p.name, p.role) for p in ev.people),
        follow_up_action=ev.follow_up_action, follow_up_owner_id=ev.follow_up_owner_id,
        follow_up_owner_name=staff_name(ev.follow_up_owner_id), follow_up_due=ev.follow_up_due,
        follow_up_done_at=ev.follow_up_done_at, follow_up_done_note=ev.follow_up_done_note)


def _contact_label(kind: ContactKind, org_name: str, when: datetime) -> str:
    return f"{kind.label} with {org_name} on {show_date(when)}"


def organisation_people(session: Session, organisation_id: int) -> list[PersonRef]:
    """The organisation's people: its own contacts and those of its services."""
    q = (select(Contact).outerjoin(Service, Service.id == Contact.service_id)
         .where(or_(Contact.organisation_id == organisation_id, Service.organisation_id == organisation_id))
         .order_by(Contact.name, Contact.id))
    seen: set[int] = set()
    out = []
    for c in session.scalars(q):
        if c.id not in seen:
            seen.add(c.id)
            out.append(PersonRef(c.id, c.name, c.role))
    return out


def may_change_entry(actor: Actor, author_id: int) -> bool:
    """Who may correct a logged contact, or correct or resolve a trust note: the person who wrote
    it, or a vetting lead or administrator. The one statement of that rule."""
    return actor.id == author_id or actor.role.rank >= AppRole.VETTING_LEAD.rank


class ContactLogService:
    """Log, correct and list contacts between practice staff and organisations."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # ---- choices for forms
    def staff_choices(self) -> list[StaffRef]:
        """Active staff, by name (for "staff involved" and follow-up owner)."""
        with self.ctx.read() as s:
            rows = s.scalars(select(Staff).where(Staff.active.is_(True)).order_by(func.lower(Staff.name)))
            return [_staff_ref(x) for x in rows]

    def people_choices(self, organisation_id: int) -> list[PersonRef]:
        with self.ctx.read() as s:
            return organisation_people(s, organisation_id)

    # ---- reading
    def get(self, contact_id: int) -> ContactEntry:
        with self.ctx.read() as s:
            ev = s.get(ContactEvent, contact_id)
            if ev is None:
                raise NotFound("That contact no longer exists. Reload the list.")
            return _entry(s, ev)

    def timeline(self, organisation_id: int | None, kinds: Iterable[ContactKind] | None = None,
                 staff_id: int | None = None, limit: int = 1000) -> list[ContactEntry]:
        """Contacts with one organisation (or all, with None), newest first, optionally only of
        some kinds and only those a given staff member took part in."""
        with self.ctx.read() as s:
            q = (select(ContactEvent)
                 .options(selectinload(ContactEvent.staff), selectinload(ContactEvent.people))
                 .order_by(ContactEvent.occurred_at.desc(), ContactEvent.id.desc()).limit(limit))
            if organisation_id is not None:
                q = q.where(ContactEvent.organisation_id == organisation_id)
            kind_list = list(kinds) if kinds is not None else None
            if kind_list is not None:
                q = q.where(ContactEvent.kind.in_(kind_list))
            if staff_id is not None:
                q = q.where(exists().where(contact_event_staff.c.contact_event_id == ContactEvent.id,
                                           contact_event_staff.c.staff_id == staff_id))
            names: dict[int, str] = {}
            return [_entry(s, ev, names) for ev in s.scalars(q)]

    def can_correct(self, entry: ContactEntry) -> bool:
        return self._may_correct(self.ctx.actor, entry.author_id)

    @staticmethod
    def _may_correct(actor: Actor, author_id: int) -> bool:
        return may_change_entry(actor, author_id)

    # ---- writing
    def log(self, form: ContactLogForm) -> ContactEntry:
        """Record a contact. Anyone signed in may (front desk included)."""
        with self.ctx.write(Permission.LOG_CONTACT) as s:
            ev = ContactEvent(author_id=self._actor_id())
            self._apply(s, ev, form, new=True)
            s.add(ev)
            s.flush()
            org_name = s.get(Organisation, ev.organisation_id).name  # type: ignore[union-attr]
            changes = audit.snapshot(ev)
            changes["staff"] = [None, [x.name for x in ev.staff]]
            if ev.people:
                changes["people"] = [None, [x.name for x in ev.people]]
            audit.record(s, self.ctx, AuditAction.CREATE, "contact_event", ev.id,
                         _contact_label(ev.kind, org_name, ev.occurred_at), changes,
                         organisation_id=ev.organisation_id)
            return _entry(s, ev)

    def correct(self, contact_id: int, form: ContactLogForm,
                expected_version: int | None = None) -> ContactEntry:
        """Correct a logged contact: only its author or a vetting lead (or administrator) may.
        The audit trail keeps the old and new values."""
        with self.ctx.write(Permission.LOG_CONTACT) as s:
            ev = s.get(ContactEvent, contact_id)
            if ev is None:
                raise NotFound("That contact no longer exists: someone may have removed it. Reload the list.")
            if not self._may_correct(self.ctx.actor, ev.author_id):
                author = s.get(Staff, ev.author_id)
                raise NotAllowed(
                    Permission.LOG_CONTACT,
                    f"Only the person who logged this contact ({author.name if author else 'its author'}) "
                    f"or a vetting lead or administrator can correct it. You are signed in as "
                    f"{self.ctx.actor.description}; ask one of them.")
            if expected_version is not None and ev.version != expected_version:
                from sp_desktop.services.directory import ConflictError

                who, when = _last_change(s, "contact_event", ev.id)
                raise ConflictError("contact", _contact_label(ev.kind, "the organisation", ev.occurred_at),
                                    who, when)
            old_staff = [x.name for x in ev.staff]
            old_people = [x.name for x in ev.people]
            old_org = ev.organisation_id
            self._apply(s, ev, form, new=False)
            changes = audit.pending_changes(ev)
            if "organisation_id" in changes:
                ids = [old_org, ev.organisation_id]
                names = dict(s.execute(select(Organisation.id, Organisation.name)
                                       .where(Organisation.id.in_(ids))).tuples().all())
                changes["organisation"] = [names.get(old_org), names.get(ev.organisation_id)]
            new_staff = [x.name for x in ev.staff]
            new_people = [x.name for x in ev.people]
            if sorted(old_staff) != sorted(new_staff):
                changes["staff"] = [old_staff, new_staff]
            if sorted(old_people) != sorted(new_people):
                changes["people"] = [old_people, new_people]
            if changes:
                org_name = s.get(Organisation, ev.organisation_id).name  # type: ignore[union-attr]
                audit.record(s, self.ctx, AuditAction.UPDATE, "contact_event", ev.id,
                             _contact_label(ev.kind, org_name, ev.occurred_at), changes,
                             summary="contact corrected", organisation_id=ev.organisation_id)
                if old_org != ev.organisation_id:  # the old organisation's history shows it moved
                    audit.record(s, self.ctx, AuditAction.UPDATE, "contact_event", ev.id,
                                 _contact_label(ev.kind, org_name, ev.occurred_at), changes,
                                 summary="contact moved to another organisation", organisation_id=old_org)
            s.flush()
            return _entry(s, ev)

    def _actor_id(self) -> int:
        if self.ctx.actor.id is None:
            raise ValidationFailed({"staff": "Sign in as a named staff member to log a contact."})
        return self.ctx.actor.id

    def _apply(self, s: Session, ev: ContactEvent, form: ContactLogForm, new: bool) -> None:
        errors: dict[str, str] = {}
        now = self.ctx.now()
        org = s.get(Organisation, form.organisation_id)
        if org is None:
            errors["organisation_id"] = "Choose the organisation the contact was with."
        summary = " ".join((form.summary or "").split())
        if not summary:
            errors["summary"] = "Write a one-line summary of the contact, e.g. “Rang about the waiting list”."
        elif len(summary) > SUMMARY_MAX:
            errors["summary"] = f"Keep the summary under {SUMMARY_MAX} characters (it has {len(summary)})."
        occurred = (form.occurred_at or now).replace(microsecond=0)
        if occurred > now + timedelta(minutes=5):
            errors["occurred_at"] = (f"{show_datetime(occurred)} is in the future. Log a contact after it "
                                     "happens; for a planned one, add a follow-up action instead.")
        try:
            kind = ContactKind(form.kind)
        except ValueError:
            errors["kind"] = "Choose what kind of contact it was (phone call, visit…)."
            kind = ContactKind.PHONE
        staff_ids = list(dict.fromkeys(form.staff_ids or ([self.ctx.actor.id] if self.ctx.actor.id else [])))
        staff = s.scalars(select(Staff).where(Staff.id.in_(staff_ids))).all() if staff_ids else []
        if not staff_ids:
            errors["staff_ids"] = "Choose at least one member of the practice staff who took part."
        elif len(staff) != len(staff_ids):
            errors["staff_ids"] = "One of the chosen staff members no longer exists: reload and choose again."
        person_ids = list(dict.fromkeys(form.person_ids))
        people: Sequence[Contact] = []
        if person_ids and org is not None:
            allowed = {p.id for p in organisation_people(s, org.id)}
            if not set(person_ids) <= allowed:
                errors["person_ids"] = f"Choose people who belong to {org.name}."
            people = s.scalars(select(Contact).where(Contact.id.in_(person_ids))).all()
        action = " ".join((form.follow_up_action or "").split())
        if kind.is_plan and not action:
            action = kind.planned_action  # a plan's follow-up is the meeting itself, on its date
        owner_id: int | None = None
        due: date | None = None
        if kind.is_plan and form.follow_up_due is None:
            errors["follow_up_due"] = ("Choose the date of the visit." if kind is ContactKind.VISIT_PLANNED
                                       else "Choose the date of the practice meeting.")
        elif action:
            owner_id = form.follow_up_owner_id or self.ctx.actor.id
            if owner_id is None or s.get(Staff, owner_id) is None:
                errors["follow_up_owner_id"] = "Choose who will do the follow-up."
            due = form.follow_up_due
            if due is None:
                errors["follow_up_due"] = "Choose when the follow-up is due."
            elif due < occurred.date():
                errors["follow_up_due"] = (f"The follow-up is due {show_date(due)}, before the contact "
                                           f"({show_date(occurred)}). Choose a later date.")
        elif form.follow_up_due is not None:
            errors["follow_up_action"] = "Say what the follow-up is, or clear its due date."
        if errors:
            raise ValidationFailed(errors)
        assert org is not None
        ev.organisation_id = org.id
        ev.occurred_at = occurred
        ev.kind = kind
        ev.summary = summary
        if sorted(x.id for x in ev.staff) != sorted(x.id for x in staff) or new:
            ev.staff = sorted(staff, key=lambda x: x.name)
        if sorted(x.id for x in ev.people) != sorted(x.id for x in people) or new:
            ev.people = list(people)
        if action:
            if (ev.follow_up_action, ev.follow_up_owner_id, ev.follow_up_due) != (action, owner_id, due):
                ev.follow_up_action, ev.follow_up_owner_id, ev.follow_up_due = action, owner_id, due
        else:
            ev.follow_up_action = None
            ev.follow_up_owner_id = None
            ev.follow_up_due = None
            ev.follow_up_done_at = None
            ev.follow_up_done_note = None


def _last_change(s: Session, entity_type: str, entity_id: int) -> tuple[str, datetime | None]:
    from sp_desktop.db.models import AuditEvent

    row = s.execute(select(AuditEvent.staff_name, AuditEvent.at)
                    .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
                    .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(1)).first()
    return (row.staff_name, row.at) if row else ("someone", None)


# --------------------------------------------------------------------------- trust notes
#: What the audit trail shows instead of a trust note's text (the trail is readable by front desk).
PRIVATE_TEXT = "(private note text — not copied into the audit trail)"


@dataclass(frozen=True)
class TrustNoteEntry:
    id: int
    version: int
    organisation_id: int
    organisation_name: str
    service_id: int | None
    service_name: str | None
    kind: TrustNoteKind
    text: str
    author_id: int
    author_name: str
    noted_on: date
    resolved: bool

    @property
    def about(self) -> str:
        return self.service_name or self.organisation_name

    @property
    def is_concern(self) -> bool:
        return self.kind in CONCERN_KINDS


@dataclass(frozen=True)
class TrustNoteSaved:
    """A saved note plus what the window should now ask the author."""

    note: TrustNoteEntry
    ask_bring_review_forward: bool  # a concern: bring the vetting review forward to today?
    ask_suspend: bool  # a safeguarding concern: suspend from leaflets at once?
    next_review_on: date | None
    vetting_status: VettingStatus


@dataclass(frozen=True)
class OpenConcerns:
    """Open (unresolved) concerns about an organisation, WITHOUT their private text, so that
    anyone printing a leaflet can be warned — front desk included."""

    organisation_id: int
    organisation_name: str
    concerns: int
    safeguarding: int
    latest_on: date

    @property
    def warning(self) -> str:
        if self.safeguarding:
            what = "an open safeguarding concern" if self.safeguarding == 1 else \
                f"{self.safeguarding} open safeguarding concerns"
        else:
            what = "an open concern" if self.concerns == 1 else f"{self.concerns} open concerns"
        return (f"! {self.organisation_name} has {what} (latest noted {show_date(self.latest_on)}). "
                "Check with a clinician or the vetting lead before giving this leaflet.")


def open_concerns_in(session: Session, org_ids: Sequence[int]) -> dict[int, OpenConcerns]:
    """Organisations among `org_ids` with unresolved concern or safeguarding notes (no text)."""
    out: dict[int, OpenConcerns] = {}
    tn = TrustNote
    for chunk in _chunks(list(org_ids)):
        q = (select(tn.organisation_id, Organisation.name,
                    func.sum(case((tn.kind == TrustNoteKind.CONCERN, 1), else_=0)).label("concerns"),
                    func.sum(case((tn.kind == TrustNoteKind.SAFEGUARDING, 1), else_=0)).label("safeguarding"),
                    func.max(tn.noted_on).label("latest"))
             .join(Organisation, Organisation.id == tn.organisation_id)
             .where(tn.organisation_id.in_(chunk), tn.kind.in_(CONCERN_KINDS), tn.resolved.is_(False))
             .group_by(tn.organisation_id, Organisation.name))
        for r in session.execute(q):
            latest = r.latest if isinstance(r.latest, date) else date.fromisoformat(str(r.latest))
            out[r.organisation_id] = OpenConcerns(r.organisation_id, r.name, int(r.concerns or 0),
                                                  int(r.safeguarding or 0), latest)
    return out


def _note_entry(s: Session, n: TrustNote) -> TrustNoteEntry:
    org_name = s.scalar(select(Organisation.name).where(Organisation.id == n.organisation_id)) or ""
    svc_name = s.scalar(select(Service.name).where(Service.id == n.service_id)) if n.service_id else None
    author = s.scalar(select(Staff.name).where(Staff.id == n.author_id)) or ""
    return TrustNoteEntry(n.id, n.version, n.organisation_id, org_name, n.service_id, svc_name, n.kind,
                          n.text, n.author_id, author, n.noted_on, n.resolved)


def _masked(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    if "text" in changes:
        changes["text"] = [PRIVATE_TEXT if changes["text"][0] else None, PRIVATE_TEXT]
    return changes


class TrustNoteService:
    """Private notes about organisations and services, for clinicians and above only."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @property
    def allowed(self) -> bool:
        """Whether the signed-in person may read and write trust notes (for hiding tabs)."""
        return can(self.ctx.actor, Permission.TRUST_NOTES)

    def notes(self, organisation_id: int, include_resolved: bool = True) -> list[TrustNoteEntry]:
        """Notes about an organisation and its services, newest first."""
        with self.ctx.read(Permission.TRUST_NOTES) as s:
            q = (select(TrustNote).where(TrustNote.organisation_id == organisation_id)
                 .order_by(TrustNote.noted_on.desc(), TrustNote.id.desc()))
            if not include_resolved:
                q = q.where(TrustNote.resolved.is_(False))
            return [_note_entry(s, n) for n in s.scalars(q)]

    def get(self, note_id: int) -> TrustNoteEntry:
        with self.ctx.read(Permission.TRUST_NOTES) as s:
            n = s.get(TrustNote, note_id)
            if n is None:
                raise NotFound("That trust note no longer exists. Reload the list.")
            return _note_entry(s, n)

    def _validate(self, s: Session, organisation_id: int, kind: TrustNoteKind, text: str,
                  service_id: int | None) -> tuple[Organisation, str]:
        errors: dict[str, str] = {}
        org = s.get(Organisation, organisation_id)
        if org is None:
            errors["organisation_id"] = "Choose the organisation the note is about."
        clean = (text or "").strip()
        if not clean:
            errors["text"] = "Write the note: what happened or what you know, as facts."
        elif len(clean) > NOTE_MAX:
            errors["text"] = f"Keep the note under {NOTE_MAX} characters (it has {len(clean)})."
        try:
            TrustNoteKind(kind)
        except ValueError:
            errors["kind"] = "Choose what kind of note it is."
        if service_id is not None and org is not None:
            owner = s.scalar(select(Service.organisation_id).where(Service.id == service_id))
            if owner != org.id:
                errors["service_id"] = f"Choose one of {org.name}'s services, or the whole organisation."
        if errors:
            raise ValidationFailed(errors)
        assert org is not None
        return org, clean

    def add(self, organisation_id: int, kind: TrustNoteKind, text: str,
            service_id: int | None = None) -> TrustNoteSaved:
        """Save a note. For a concern the result says to ask about bringing the vetting review
        forward; for a safeguarding concern, also about suspending the organisation from leaflets."""
        with self.ctx.write(Permission.TRUST_NOTES) as s:
            if self.ctx.actor.id is None:
                raise ValidationFailed({"author": "Sign in as a named staff member to write a trust note."})
            org, clean = self._validate(s, organisation_id, kind, text, service_id)
            note = TrustNote(organisation_id=org.id, service_id=service_id, kind=TrustNoteKind(kind),
                             text=clean, author_id=self.ctx.actor.id, noted_on=self.ctx.today(),
                             resolved=False)
            s.add(note)
            s.flush()
            audit.record(s, self.ctx, AuditAction.CREATE, "trust_note", note.id,
                         f"{note.kind.label} about {org.name}", _masked(audit.snapshot(note)),
                         organisation_id=org.id)
            today = self.ctx.today()
            review_later = org.next_review_on is None or org.next_review_on > today
            ask_review = note.kind in CONCERN_KINDS and review_later
            ask_suspend = (note.kind is TrustNoteKind.SAFEGUARDING
                           and org.vetting_status not in (VettingStatus.SUSPENDED, VettingStatus.DECLINED))
            return TrustNoteSaved(_note_entry(s, note), ask_review, ask_suspend, org.next_review_on,
                                  org.vetting_status)

    def may_change(self, note: TrustNoteEntry) -> bool:
        """Whether the signed-in person may correct or resolve `note` (the rule `correct` and
        `set_resolved` apply): its author, or a vetting lead or administrator."""
        return may_change_entry(self.ctx.actor, note.author_id)

    def _note_for_change(self, s: Session, note_id: int) -> TrustNote:
        n = s.get(TrustNote, note_id)
        if n is None:
            raise NotFound("That trust note no longer exists. Reload the list.")
        actor = self.ctx.actor
        if not may_change_entry(actor, n.author_id):
            author = s.scalar(select(Staff.name).where(Staff.id == n.author_id)) or "its author"
            raise NotAllowed(Permission.TRUST_NOTES,
                             f"Only the person who wrote this note ({author}) or a vetting lead or "
                             f"administrator can change it. You are signed in as {actor.description}.")
        return n

    def correct(self, note_id: int, kind: TrustNoteKind, text: str, service_id: int | None = None,
                expected_version: int | None = None) -> TrustNoteEntry:
        with self.ctx.write(Permission.TRUST_NOTES) as s:
            n = self._note_for_change(s, note_id)
            if expected_version is not None and n.version != expected_version:
                from sp_desktop.services.directory import ConflictError

                who, when = _last_change(s, "trust_note", n.id)
                raise ConflictError("trust note", "this note", who, when)
            org, clean = self._validate(s, n.organisation_id, kind, text, service_id)
            n.kind, n.text, n.service_id = TrustNoteKind(kind), clean, service_id
            changes = _masked(audit.pending_changes(n))
            if changes:
                audit.record(s, self.ctx, AuditAction.UPDATE, "trust_note", n.id,
                             f"{n.kind.label} about {org.name}", changes, summary="trust note corrected",
                             organisation_id=org.id)
            s.flush()
            return _note_entry(s, n)

    def set_resolved(self, note_id: int, resolved: bool = True) -> TrustNoteEntry:
        """Mark a note resolved (e.g. a concern dealt with at the vetting review) or open again."""
        with self.ctx.write(Permission.TRUST_NOTES) as s:
            n = self._note_for_change(s, note_id)
            if n.resolved != resolved:
                n.resolved = resolved
                org_name = s.scalar(select(Organisation.name)
                                    .where(Organisation.id == n.organisation_id)) or ""
                audit.record(s, self.ctx, AuditAction.UPDATE, "trust_note", n.id,
                             f"{n.kind.label} about {org_name}", {"resolved": [not resolved, resolved]},
                             summary="marked resolved" if resolved else "opened again",
                             organisation_id=n.organisation_id)
            s.flush()
            return _note_entry(s, n)

    def _concern(self, s: Session, note_id: int,
                 kinds: tuple[TrustNoteKind, ...]) -> tuple[TrustNote, Organisation]:
        n = s.get(TrustNote, note_id)
        if n is None:
            raise NotFound("That trust note no longer exists. Reload the list.")
        if n.kind not in kinds:
            raise ValidationFailed({"kind": f"This is a “{n.kind.label}” note; only "
                                            + " or ".join(f"a {k.label.lower()}" for k in kinds)
                                            + " can do this."})
        org = s.get(Organisation, n.organisation_id)
        assert org is not None
        return n, org

    def bring_review_forward(self, note_id: int) -> date:
        """After a concern: set the organisation's next vetting review to today (audited).
        Returns the review date (unchanged if it was already today or earlier)."""
        with self.ctx.write(Permission.TRUST_NOTES) as s:
            n, org = self._concern(s, note_id, CONCERN_KINDS)
            today = self.ctx.today()
            if org.next_review_on is not None and org.next_review_on <= today:
                return org.next_review_on
            org.next_review_on = today
            audit.record(s, self.ctx, AuditAction.VETTING, "organisation", org.id, org.name,
                         audit.pending_changes(org),
                         summary=f"vetting review brought forward to {show_date(today)} after a "
                                 f"{n.kind.label.lower()} was noted", organisation_id=org.id)
            return today

    def suspend_for_safeguarding(self, note_id: int, reason: str) -> None:
        """After a safeguarding concern: suspend the organisation from leaflets at once (audited).
        The reason is shown to all staff, so it should not repeat the private note."""
        clean = (reason or "").strip()
        if not clean:
            raise ValidationFailed({"reason": "Give a short reason for the suspension (shown to all staff), "
                                              "e.g. “Safeguarding concern under review”."})
        with self.ctx.write(Permission.TRUST_NOTES) as s:
            n, org = self._concern(s, note_id, (TrustNoteKind.SAFEGUARDING,))
            if org.vetting_status is VettingStatus.SUSPENDED:
                return
            org.vetting_status = VettingStatus.SUSPENDED
            org.vetting_reason = clean
            audit.record(s, self.ctx, AuditAction.VETTING, "organisation", org.id, org.name,
                         audit.pending_changes(org),
                         summary="suspended from leaflets after a safeguarding concern",
                         organisation_id=org.id)

    def open_concerns(self, org_ids: Sequence[int]) -> dict[int, OpenConcerns]:
        """For the leaflet feature: which of these organisations have open concerns. No private
        text, so anyone who can print (front desk included) may be warned."""
        with self.ctx.read(Permission.VIEW) as s:
            return open_concerns_in(s, org_ids)


# --------------------------------------------------------------------------- the network
@dataclass(frozen=True)
class Acquaintance:
    """A staff member who has been in contact with an organisation."""

    staff_id: int
    staff_name: str
    job_role: str
    organisation_id: int
    organisation_name: str
    contacts: int
    contacts_last_12_months: int
    last_contact: datetime
    last_met: datetime | None  # last face-to-face contact

    @property
    def how_well(self) -> str:
        if self.last_met is not None:
            return f"Met in person {show_date(self.last_met)}"
        return f"By phone or e-mail only (last {show_date(self.last_contact)})"


@dataclass(frozen=True)
class QuietOrganisation:
    """An organisation on one of the "needs attention" lists, with its relationship facts."""

    organisation_id: int
    name: str
    vetting_status: VettingStatus
    approved_on: date | None
    next_review_on: date | None
    health: OrganisationHealth


WHO_KNOWS = "who_knows"
NEVER_MET = "never_met"
NO_RECENT_CONTACT = "no_recent_contact"
LIST_TITLES = {
    WHO_KNOWS: "Who knows whom",
    NEVER_MET: "Organisations no one here has met",
    NO_RECENT_CONTACT: "Approved organisations with no contact in a year",
}


#: "Who knows whom": its columns, and what an empty cell says.
WHO_KNOWS_HEADERS = ("Organisation", "Staff member", "Job role", "Last met in person", "Last contact",
                     "Contacts in last 12 months", "Contacts in all")
WHO_KNOWS_BLANKS = ("", "", "", "Not in person", "", "", "")
#: `who_knows_page`: organisations per page in the list's own order (about four staff each with
#: contacts logged for most organisations), rows per page when sorted by a column.
PAGE_ORGANISATIONS = 100
PAGE_ROWS = 500


@dataclass(frozen=True)
class WhoKnowsPage:
    """Part of "who knows whom" in the order asked for, and where the next part starts (None: this
    part ends the list). Pass `next` back as `after` to read on."""

    rows: tuple[Acquaintance, ...]
    next: str | int | None


@dataclass(frozen=True)
class NetworkTable:
    """One network list ready to show, print or export: typed values, formatted two ways."""

    name: str
    title: str
    subtitle: str
    headers: tuple[str, ...]
    values: tuple[tuple[Any, ...], ...]
    organisation_ids: tuple[int, ...] = ()  # the organisation of each row (for opening it)
    blanks: tuple[str, ...] = ()  # what an empty cell says, per column (e.g. "Never")

    def _blank(self, col: int) -> str:
        return self.blanks[col] if col < len(self.blanks) else ""

    def display(self, values: Sequence[Any]) -> list[str]:
        """A row of this list's `values` as words (blank cells as the list says)."""
        return [_display(v) if v is not None else self._blank(i) for i, v in enumerate(values)]

    def display_row(self, row: int) -> list[str]:
        return self.display(self.values[row])

    def display_rows(self) -> list[list[str]]:
        return [self.display_row(i) for i in range(len(self.values))]

    def csv_rows(self) -> list[list[str]]:
        return [[guard_spreadsheet_cell(_csv_value(v)) if v is not None else self._blank(i)
                 for i, v in enumerate(row)] for row in self.values]


def _display(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime | date):
        return show_date(v)
    if isinstance(v, VettingStatus):
        return f"{v.label} {v.symbol}"
    if isinstance(v, ContactKind | RelationshipHealth):
        return v.label
    return str(v)


def _csv_value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, VettingStatus | ContactKind | RelationshipHealth):
        return v.label
    return str(v)


def write_csv(path: Path | str, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """Write a CSV (UTF-8 with BOM so Excel shows accents) via a temp file and an atomic rename,
    so a failed export never leaves a half-written file. Returns the number of data rows."""
    target = Path(path)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    write_atomically(target, buffer.getvalue(), encoding="utf-8-sig", make_folder=False)
    return count


class RelationshipService:
    """Relationship health and the practice's network of contacts."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def health(self, org_ids: Sequence[int]) -> dict[int, OrganisationHealth]:
        with self.ctx.read() as s:
            return health_for(s, org_ids, self.ctx.today())

    def health_of(self, organisation_id: int) -> OrganisationHealth:
        return self.health([organisation_id])[organisation_id]

    @staticmethod
    def _folded(column: Any) -> Any:
        # sp_fold(): case- and accent-folding, registered on every SQLite connection and created
        # on PostgreSQL by migration 0002 — the same as the app's Python `fold()`.
        return func.sp_fold(column)

    def _matches(self, text: str) -> list[Any]:
        conditions = []
        sqlite = self.ctx.db.dialect == "sqlite"
        for word in terms_of(text):
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

            def like(col: Any, pattern: str = pattern) -> Any:
                folded = self._folded(col).like(pattern, escape="\\")
                if not sqlite:
                    return folded
                # SQLite's LIKE ignores case in ASCII, and fold() of ASCII text is its lower case,
                # so only a name with other characters (more bytes than characters) is folded
                # first: the same matches without a Python call per name (500,000 people at
                # 25,000 organisations: ~0.3 s a statement, and the Network page makes two).
                return or_(col.like(pattern, escape="\\"),
                           and_(func.length(col) != func.length(cast(col, LargeBinary)), folded))

            conditions.append(or_(
                like(Organisation.name), like(Organisation.alternate_name),
                exists().where(Service.organisation_id == Organisation.id, Service.archived_at.is_(None),
                               like(Service.name)),
                exists().where(Contact.organisation_id == Organisation.id, like(Contact.name)),
            ))
        return conditions

    def who_knows(self, text: str = "", staff_id: int | None = None) -> list[Acquaintance]:
        """Which current staff have been in contact with which organisations. With `text`, only
        organisations whose name, services or people match every word ("carers centre").
        Those who have met in person come first, most recent first."""
        cutoff = _cutoff(self.ctx.today())
        ce = ContactEvent
        f2f = ce.kind.in_(FACE_TO_FACE_KINDS)
        with self.ctx.read() as s:
            q = (select(Staff.id.label("staff_id"), Staff.name.label("staff_name"), Staff.job_role,
                        Organisation.id.label("org_id"), Organisation.name.label("org_name"),
                        func.count(ce.id).label("n"),
                        func.sum(case((ce.occurred_at >= cutoff, 1), else_=0)).label("recent"),
                        func.max(ce.occurred_at).label("last"),
                        func.max(case((f2f, ce.occurred_at))).label("last_met"))
                 .select_from(ce)
                 .join(contact_event_staff, contact_event_staff.c.contact_event_id == ce.id)
                 .join(Staff, Staff.id == contact_event_staff.c.staff_id)
                 .join(Organisation, Organisation.id == ce.organisation_id)
                 .where(Organisation.archived_at.is_(None), Staff.active.is_(True), *self._matches(text))
                 .group_by(Staff.id, Staff.name, Staff.job_role, Organisation.id, Organisation.name))
            if staff_id is not None:
                q = q.where(Staff.id == staff_id)
            # Core rows (no ORM row loading): with contacts logged for most organisations this is
            # tens of thousands of staff-organisation pairs.
            rows = [Acquaintance(r.staff_id, r.staff_name, r.job_role or "", r.org_id, r.org_name, int(r.n),
                                 int(r.recent or 0), _as_datetime(r.last),
                                 _as_datetime(r.last_met) if r.last_met is not None else None)
                    for r in s.connection().execute(q).all()]
        # By organisation, those who met in person first, most recent first, then by last contact
        # and staff name (then organisation and staff id): stable sorts from the last key to the
        # first, each name folded once. `who_knows_page` reads the same order from SQL.
        folded: dict[str, str] = {}

        def folded_name(name: str) -> str:
            f = folded.get(name)
            if f is None:
                f = folded[name] = fold(name)
            return f

        rows.sort(key=lambda a: (folded_name(a.staff_name), a.organisation_id, a.staff_id))
        rows.sort(key=lambda a: a.last_contact, reverse=True)
        rows.sort(key=lambda a: a.last_met or a.last_contact, reverse=True)
        rows.sort(key=lambda a: (folded_name(a.organisation_name), a.last_met is None))
        return rows

    # ---- "who knows whom" page by page: the Network page reads the first page and a SQL count
    # when it opens, and more as the list is scrolled, instead of every pair (70,000 with
    # contacts logged for most organisations of a large practice).
    def _text_key(self, column: Any) -> Any:
        """`column` folded as the app's `fold()`, compared code point by code point as Python
        compares strings (PostgreSQL would otherwise use the database's locale)."""
        folded = self._folded(column)
        return folded.collate("C") if self.ctx.db.dialect == "postgresql" else folded

    def _who_knows_organisations(self, text: str) -> list[Any]:
        """Conditions on Organisation: open, and matching every word of `text`."""
        return [Organisation.archived_at.is_(None), *self._matches(text)]

    def _pairs(self, organisation_ids: Any, facts: bool = True) -> Any:
        """One row per organisation in `organisation_ids` (a select or a list of ids) and current
        staff member who has been in contact with it, with the counts and dates `who_knows` gives
        (without them, `facts=False`, the indexes alone answer: a count takes half the time)."""
        ce, ces = ContactEvent, contact_event_staff
        cutoff = _cutoff(self.ctx.today())
        columns = [ce.organisation_id.label("org_id"), ces.c.staff_id.label("staff_id")]
        if facts:
            columns += [func.count().label("n"),
                        func.sum(case((ce.occurred_at >= cutoff, 1), else_=0)).label("recent"),
                        func.max(ce.occurred_at).label("last"),
                        func.max(case((ce.kind.in_(FACE_TO_FACE_KINDS), ce.occurred_at))).label("last_met")]
        return (select(*columns)
                .select_from(ce)
                .join(ces, ces.c.contact_event_id == ce.id)
                .join(Staff, Staff.id == ces.c.staff_id)
                .where(ce.organisation_id.in_(organisation_ids), Staff.active.is_(True))
                .group_by(ce.organisation_id, ces.c.staff_id)
                .subquery("pairs"))

    def who_knows_count(self, text: str = "") -> int:
        """How many rows `who_knows(text)` has, in one SQL count."""
        pairs = self._pairs(select(Organisation.id).where(*self._who_knows_organisations(text)), facts=False)
        with self.ctx.read() as s:
            return int(s.scalar(select(func.count()).select_from(pairs)) or 0)

    def who_knows_page(self, text: str = "", *, sort_column: int = -1, descending: bool = False,
                       after: str | int | None = None) -> WhoKnowsPage:
        """The next part of `who_knows(text)`, read from SQL.

        In the list's own order (`sort_column` -1: by organisation, those who met in person first,
        most recent first, ...): the rows of the next `PAGE_ORGANISATIONS` organisations by name
        (keyset: `after` is the last folded name read). Sorted by a column of `WHO_KNOWS_HEADERS`
        (ascending, or `descending`): the next `PAGE_ROWS` rows (`after` is how many were read);
        rows equal in that column keep the list's own order, as they did when a click on a
        column header sorted the whole list on screen. Names sort ignoring case and accents, a
        blank "Last met in person" before any date."""
        if not -1 <= sort_column < len(WHO_KNOWS_HEADERS):
            raise ValueError(f"No column {sort_column} in who knows whom")
        organisations = self._who_knows_organisations(text)
        name_key, staff_key = self._text_key(Organisation.name), self._text_key(Staff.name)
        with self.ctx.read() as s:
            following: str | int | None = None
            if sort_column == -1:
                ids, following = self._next_organisations(s, organisations,
                                                          after if isinstance(after, str) else None)
                if not ids:
                    return WhoKnowsPage((), None)
                pairs = self._pairs(ids)
            else:
                pairs = self._pairs(select(Organisation.id).where(*organisations))
            own_order = [name_key, pairs.c.last_met.is_(None),
                         func.coalesce(pairs.c.last_met, pairs.c.last).desc(), pairs.c.last.desc(), staff_key,
                         pairs.c.org_id, pairs.c.staff_id]
            q = (select(pairs.c.staff_id, Staff.name.label("staff_name"), Staff.job_role, pairs.c.org_id,
                        Organisation.name.label("org_name"), pairs.c.n, pairs.c.recent, pairs.c.last,
                        pairs.c.last_met)
                 .select_from(pairs)
                 .join(Staff, Staff.id == pairs.c.staff_id)
                 .join(Organisation, Organisation.id == pairs.c.org_id))
            offset = after if isinstance(after, int) and sort_column != -1 else 0
            if sort_column == -1:
                q = q.order_by(*own_order)
            else:
                key = (name_key, staff_key, self._text_key(Staff.job_role), pairs.c.last_met, pairs.c.last,
                       pairs.c.recent, pairs.c.n)[sort_column]
                keys = [key.desc() if descending else key]
                if sort_column == 3:  # blank first going up, last going down (as "" sorted before dates)
                    met = pairs.c.last_met
                    keys.insert(0, met.is_(None) if descending else met.is_not(None))
                q = q.order_by(*keys, *own_order).offset(offset).limit(PAGE_ROWS + 1)
            rows = [Acquaintance(r.staff_id, r.staff_name, r.job_role or "", r.org_id, r.org_name, int(r.n),
                                 int(r.recent or 0), _as_datetime(r.last),
                                 _as_datetime(r.last_met) if r.last_met is not None else None)
                    for r in s.connection().execute(q).all()]
        if sort_column == -1:
            return WhoKnowsPage(tuple(rows), following)
        more = len(rows) > PAGE_ROWS
        return WhoKnowsPage(tuple(rows[:PAGE_ROWS]), offset + PAGE_ROWS if more else None)

    def _next_organisations(self, s: Session, organisations: list[Any],
                            after: str | None) -> tuple[list[int], str | None]:
        """The ids of the next `PAGE_ORGANISATIONS` organisations (by folded name, after `after`)
        meeting `organisations` that someone here has been in contact with, and those with the
        same name as the last of them (their rows interleave, so they are never split between
        pages); and, when more follow, the last folded name to read on from."""
        ce, ces = ContactEvent, contact_event_staff
        name_key = self._text_key(Organisation.name)
        known = exists().where(ce.organisation_id == Organisation.id, ces.c.contact_event_id == ce.id,
                               Staff.id == ces.c.staff_id, Staff.active.is_(True))
        conditions = [*organisations, known]
        if after is not None:
            conditions.append(name_key > after)
        named = s.connection().execute(
            select(Organisation.id, self._folded(Organisation.name).label("key")).where(*conditions)
            .order_by(name_key, Organisation.id).limit(PAGE_ORGANISATIONS + 1)).all()
        ids = [int(r.id) for r in named[:PAGE_ORGANISATIONS]]
        if len(named) <= PAGE_ORGANISATIONS:
            return ids, None
        last: str = named[PAGE_ORGANISATIONS - 1].key
        if named[PAGE_ORGANISATIONS].key == last:
            ids += s.scalars(select(Organisation.id).where(*conditions, name_key == last,
                                                             Organisation.id.not_in(ids))).all()
        return ids, last

    def who_knows_table(self, people: Sequence[Acquaintance], text: str = "") -> NetworkTable:
        """`people` (all or part of `who_knows(text)`) as a network list to show, print or export."""
        subtitle = f"As of {show_date(self.ctx.today())}" + (
            f"; organisations matching “{text.strip()}”" if text.strip() else "")
        return NetworkTable(WHO_KNOWS, LIST_TITLES[WHO_KNOWS], subtitle, WHO_KNOWS_HEADERS,
                            tuple((a.organisation_name, a.staff_name, a.job_role, a.last_met,
                                   a.last_contact, a.contacts_last_12_months, a.contacts) for a in people),
                            tuple(a.organisation_id for a in people), WHO_KNOWS_BLANKS)

    def _listed(self, name: str) -> Any:
        """Which open organisations are on the NEVER_MET or NO_RECENT_CONTACT list (a condition)."""
        if name == NEVER_MET:  # no one at the practice has ever met them face to face
            listed = ~exists().where(ContactEvent.organisation_id == Organisation.id,
                                     ContactEvent.kind.in_(FACE_TO_FACE_KINDS))
        elif name == NO_RECENT_CONTACT:  # approved, no contact of any kind in the last 12 months
            listed = and_(Organisation.vetting_status == VettingStatus.APPROVED,
                          ~exists().where(ContactEvent.organisation_id == Organisation.id,
                                          ContactEvent.occurred_at >= _cutoff(self.ctx.today())))
        else:
            raise ValueError(f"Unknown network list {name!r}")
        return and_(Organisation.archived_at.is_(None), Organisation.status != OrganisationStatus.CLOSED,
                    listed)

    def _quiet(self, s: Session, name: str,
               staff_met: bool = True) -> tuple[Sequence[Any], dict[int, OrganisationHealth]]:
        """The organisations on one list, by name, and the health of those with contacts: two or
        three statements, rows read through the Core connection (no ORM row loading), because a
        list can hold every organisation (25,000 at 50,000 services)."""
        listed = self._listed(name)
        order: list[Any] = [func.lower(Organisation.name)]
        if name == NEVER_MET:  # approved ones first, longest approved first: the ones to visit soonest
            order = [case((Organisation.vetting_status == VettingStatus.APPROVED, 0), else_=1),
                     Organisation.approved_on.is_(None), Organisation.approved_on, *order]
        q = (select(Organisation.id, Organisation.name, Organisation.vetting_status, Organisation.approved_on,
                    Organisation.next_review_on)
             .where(listed)
             .order_by(*order))
        rows = s.connection().execute(q).all()
        return rows, health_of_selected(s, select(Organisation.id).where(listed), self.ctx.today(), staff_met)

    def _quiet_organisations(self, name: str) -> list[QuietOrganisation]:
        with self.ctx.read() as s:
            rows, health = self._quiet(s, name)
        return [QuietOrganisation(r.id, r.name, r.vetting_status, r.approved_on, r.next_review_on,
                                  health.get(r.id) or _no_health(r.id)) for r in rows]

    def never_met(self) -> list[QuietOrganisation]:
        """Open organisations no one at the practice has ever met face to face: approved ones first,
        longest approved first (the ones a visit or an invitation is most overdue for), then the rest
        by name."""
        return self._quiet_organisations(NEVER_MET)

    def approved_without_contact(self) -> list[QuietOrganisation]:
        """Approved organisations with no contact of any kind in the last 12 months
        (relationship health "none" — the same rule as `health_for`)."""
        return self._quiet_organisations(NO_RECENT_CONTACT)

    def count(self, name: str) -> int:
        """How many rows `table(name)` has (NEVER_MET, NO_RECENT_CONTACT), in one SQL count:
        the Network page shows it on a list's tab before the list is loaded."""
        with self.ctx.read() as s:
            return int(s.scalar(select(func.count()).select_from(Organisation)
                                .where(self._listed(name))) or 0)

    def table(self, name: str, text: str = "") -> NetworkTable:
        """One of the network lists (WHO_KNOWS, NEVER_MET, NO_RECENT_CONTACT) for showing,
        printing or exporting. Contains no trust notes and no contact summaries."""
        today = self.ctx.today()
        as_of = f"As of {show_date(today)}"
        if name == WHO_KNOWS:
            return self.who_knows_table(self.who_knows(text), text)
        # The two organisation lists take each row's values straight from the SQL rows and the
        # health of the organisations with contacts (no objects per row: up to 25,000 rows).
        values: list[tuple[Any, ...]] = []
        if name == NEVER_MET:
            with self.ctx.read() as s:
                rows, health = self._quiet(s, name, staff_met=False)
            for r in rows:
                h = health.get(r.id, _NO_CONTACT)
                values.append((r.name, r.vetting_status, h.last_contact, h.last_contact_kind,
                               h.contacts_last_12_months))
            return NetworkTable(name, LIST_TITLES[name], as_of + "; no face-to-face contact ever recorded",
                                ("Organisation", "Vetting", "Last contact", "How",
                                 "Contacts in last 12 months"),
                                tuple(values), tuple(r.id for r in rows), ("", "", "Never", "", ""))
        if name == NO_RECENT_CONTACT:
            with self.ctx.read() as s:
                rows, health = self._quiet(s, name, staff_met=False)
            for r in rows:
                h = health.get(r.id, _NO_CONTACT)
                values.append((r.name, r.approved_on, r.next_review_on, h.last_contact, h.last_contact_kind,
                               h.last_face_to_face))
            return NetworkTable(name, LIST_TITLES[name],
                                as_of + f"; no contact since {show_date(twelve_months_before(today))}",
                                ("Organisation", "Approved on", "Next review", "Last contact", "How",
                                 "Last met in person"),
                                tuple(values), tuple(r.id for r in rows), ("", "", "", "Never", "", "Never"))
        raise ValueError(f"Unknown network list {name!r}")

    def export_csv(self, name: str, path: Path | str, text: str = "") -> int:
        """Write one network list as CSV (dates as YYYY-MM-DD). Returns the number of rows."""
        table = self.table(name, text)
        return write_csv(path, table.headers, table.csv_rows())


__all__ = [
    "Acquaintance", "ContactEntry", "ContactLogForm", "ContactLogService", "FACE_TO_FACE_KINDS",
    "LIST_TITLES", "NEVER_MET", "NO_RECENT_CONTACT", "NetworkTable", "NotAllowed", "OpenConcerns",
    "OrganisationHealth", "PersonRef", "QuietOrganisation", "RelationshipService", "StaffMet", "StaffRef",
    "TrustNoteEntry", "TrustNoteSaved", "TrustNoteService", "WHO_KNOWS", "WHO_KNOWS_BLANKS",
    "WHO_KNOWS_HEADERS", "WhoKnowsPage", "health_for", "health_of_selected",
    "open_concerns_in", "organisation_people", "twelve_months_before", "write_csv",
]
