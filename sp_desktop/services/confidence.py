"""Confidence at the moment of choice (issue 18): what a GP or receptionist sees before suggesting a
service.

* "Why this helps": a clinician-facing note per category (or per service) with its source, author
  and date. Only a vetting lead (or an administrator) writes or clears one; shipped empty; never on
  a patient leaflet.
* Our own track record over the last 12 months, from the signposting log, in SQL aggregates
  (`track_record`): people signposted, outcomes recorded, attended / did not attend / not suitable,
  the median change in each wellbeing question where both scores were recorded, the last three
  pieces of feedback marked shareable and the leaflets acknowledged by the organisation. Fewer than
  5 people: "too few to judge", counts only.
* Capacity: taking new people / waiting list about N weeks / not at the moment, confirmed when and
  by whom, recorded directly or from a contact-log entry.
* Dated closures, and "is it open" from the structured opening times (domain/confidence).

Each public method is one transaction that checks the role and writes its audit row.
"""

from __future__ import annotations

import functools
import json
import statistics
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Integer,
    String,
    and_,
    bindparam,
    column,
    delete,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from sp_desktop.db.models import (
    Category,
    ContactEvent,
    HelpNote,
    Schedule,
    Service,
    ServiceCapacity,
    ServiceClosure,
    Staff,
    service_category,
)
from sp_desktop.domain.confidence import (
    Capacity,
    CapacityInfo,
    Closure,
    OpeningState,
    Slot,
    check_capacity,
    check_closure,
    opening_state,
)
from sp_desktop.domain.enums import AuditAction
from sp_desktop.domain.errors import BadInput
from sp_desktop.domain.formatting import show_date
from sp_desktop.services import audit
from sp_desktop.services.base import Actor, NotFound, Permission, PermissionDenied, ServiceContext

#: Fewer people than this: "too few to judge", counts only (no median, no feedback).
TOO_FEW = 5
TRACK_MONTHS = 12
MAX_NOTE = 2000
MAX_SOURCE = 300
PRACTICE_EXPERIENCE = "practice experience"
ONS4_SHORT = ("Life satisfaction", "Worthwhile", "Happiness", "Anxiety")
ONS4_LOWER_IS_BETTER = (False, False, False, True)


# --------------------------------------------------------------------------- what comes out
@dataclass(frozen=True)
class HelpNoteInfo:
    id: int
    category_id: int | None
    service_id: int | None
    subject: str  # the category's or service's name
    note: str
    source: str
    author: str
    written_on: date

    @property
    def byline(self) -> str:
        return f"Source: {self.source}. Written by {self.author}, {show_date(self.written_on)}."


@dataclass(frozen=True)
class WellbeingChange:
    question: str
    lower_is_better: bool
    median_change: float
    pairs: int

    @property
    def text(self) -> str:
        """"Anxiety: median change -2 (lower is better; 6 people)"."""
        m = self.median_change
        shown = f"{m:+g}" if m else "0"
        better = "lower is better" if self.lower_is_better else "higher is better"
        return f"{self.question}: median change {shown} ({better}; {self.pairs} people)"


@dataclass(frozen=True)
class TrackRecord:
    since: date
    until: date
    people: int
    outcomes: int
    attended: int
    did_not_attend: int
    not_suitable: int
    wellbeing: tuple[WellbeingChange, ...]
    feedback: tuple[str, ...]
    leaflets_issued: int
    leaflets_acknowledged: int

    @property
    def too_few(self) -> bool:
        return self.people < TOO_FEW

    def lines(self) -> list[str]:
        """The track record in words (counts only when too few to judge)."""
        period = f"{show_date(self.since)} to {show_date(self.until)}"
        leaflets = (f"Leaflets handed over: {self.leaflets_issued}; acknowledged by the organisation: "
                    f"{self.leaflets_acknowledged}.")
        if self.people == 0:
            return [f"Nobody signposted here from {period}: no track record yet."] + (
                [leaflets] if self.leaflets_issued else [])
        out = [f"{self.people} {'person' if self.people == 1 else 'people'} signposted from {period}; "
               f"outcomes recorded for {self.outcomes}."]
        if self.too_few:
            out.append("Too few to judge (fewer than 5 people): counts only.")
        out.append(f"Attended: {self.attended}. Did not attend: {self.did_not_attend}. "
                   f"Not suitable: {self.not_suitable}.")
        if self.leaflets_issued:
            out.append(leaflets)
        if not self.too_few:
            if self.wellbeing:
                out += [w.text + "." for w in self.wellbeing]
            else:
                out.append("No wellbeing scores recorded before and after.")
        return out

    def short(self) -> str:
        if self.people == 0:
            return "No track record"
        if self.too_few:
            return f"{self.people} signposted: too few to judge"
        return f"{self.people} signposted, {self.attended} attended"


@dataclass(frozen=True)
class ServiceConfidence:
    """Everything the detail pane shows for one service under "Before you suggest it"."""

    service_id: int
    notes: tuple[HelpNoteInfo, ...]  # the service's own first, then its categories'
    track: TrackRecord
    capacity: CapacityInfo | None
    opening: OpeningState
    closures: tuple[Closure, ...]  # in force or to come


@dataclass(frozen=True)
class RowState:
    """The short form on a search row."""

    opening: OpeningState
    capacity: CapacityInfo | None

    def text(self, today: date) -> str:
        cap = self.capacity.short(today) if self.capacity is not None else ""
        return "; ".join(x for x in (self.opening.short, cap) if x)


class ClosureLocked(PermissionDenied):
    """The front desk tried to add or remove a closure of an approved organisation's service."""

    def __init__(self, actor: Actor, label: str) -> None:
        PermissionError.__init__(
            self, f"“{label}” is approved, so what its leaflets say was checked by the vetting lead, and a "
                  f"closure prints on its leaflets. You are signed in as {actor.description}: log the call "
                  "(Ctrl+L) and ask the vetting lead to add or remove the closure. Nothing was saved.")
        self.permission = Permission.VET


#: How many search rows' opening and capacity are read at a time.
ROWS_AT_ONCE = 80


class RowStates(Mapping[int, RowState]):
    """`row_states()`'s answer: the first rows read at once, the rest a block at a time when first
    asked for (in the order the rows were given), then kept."""

    def __init__(self, service: ConfidenceService, rows: Sequence[tuple[int, bool]], now: datetime) -> None:
        self._service = service
        self._order = [sid for sid, _ in rows]
        self._position = {sid: i for i, sid in enumerate(self._order)}
        self._appointment = dict(rows)
        self._now = now
        self._known: dict[int, RowState] = {}
        self._read(self._order[:ROWS_AT_ONCE])

    def _read(self, ids: list[int]) -> None:
        slots, closures, caps = self._service._page_facts(ids, self._now.date())
        for sid in ids:
            self._known[sid] = RowState(opening_state(slots.get(sid, ()), closures.get(sid, ()), self._now,
                                                      self._appointment[sid]), caps.get(sid))

    def __getitem__(self, sid: int) -> RowState:
        state = self._known.get(sid)
        if state is None:
            at = self._position[sid]  # KeyError for a service not in the results
            self._read([x for x in self._order[at:at + ROWS_AT_ONCE] if x not in self._known])
            state = self._known[sid]
        return state

    def __iter__(self) -> Iterator[int]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)


def _closure(c: ServiceClosure) -> Closure:
    return Closure(c.id, c.starts_on, c.ends_on, c.reason)


def _capacity(c: ServiceCapacity) -> CapacityInfo:
    return CapacityInfo(c.state, c.wait_weeks, c.confirmed_on, c.confirmed_by, c.contact_event_id is not None)


def _one_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1) + timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28) + timedelta(days=1)


class ConfidenceService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # ------------------------------------------------------------------ reading
    def for_service(self, service_id: int) -> ServiceConfidence:
        """The detail pane's "Before you suggest it" for one service (every role may read it).

        Plain SQL statements made once (`_queries()`): the counts are SQL aggregates over the service's
        own rows (indexes on signposting_item.service_id and, from migration 0013,
        leaflet_reference_service.service_id), so the cost does not grow with the log."""
        now = self.ctx.clock.now()
        today = now.date()
        since = _one_year_before(today)
        q = _queries()
        with self.ctx.read() as s:
            head = s.execute(q.service, {"sid": service_id}).first()
            if head is None:
                raise NotFound(f"Service {service_id} does not exist (it may have been deleted).")
            appointment, state, weeks, confirmed_on, confirmed_by, event_id = head
            capacity = (CapacityInfo(Capacity(state), weeks, confirmed_on, confirmed_by, event_id is not None)
                        if state is not None else None)
            slots = [Slot(w, o, c) for w, o, c in s.execute(q.slots, {"sid": service_id})]
            closures = tuple(Closure(*row) for row in s.execute(q.closures, {"sid": service_id,
                                                                             "today": today}))
            # the service's own note first, then its categories' by name
            notes = tuple(sorted((HelpNoteInfo(*row) for row in s.execute(q.notes, {"sid": service_id})),
                                 key=lambda n: (n.service_id is None, n.subject.casefold())))
            track = self._track(s, q, service_id, since, today)
        return ServiceConfidence(service_id, notes, track, capacity,
                                 opening_state(slots, closures, now, bool(appointment)), closures)

    def row_states(self, rows: Sequence[tuple[int, bool]]) -> Mapping[int, RowState]:
        """Opening and capacity in short form for search rows: `rows` is (service id, by appointment),
        in the order shown. The first `ROWS_AT_ONCE` are read now (three small queries); the rest
        as they are first asked for (scrolling, sorting), the same number at a time: a keystroke
        pays for the rows a person can see, not for all thousand."""
        return RowStates(self, rows, self.ctx.clock.now()) if rows else {}

    def _page_facts(self, ids: Sequence[int], today: date
                    ) -> tuple[dict[int, list[Slot]], dict[int, list[Closure]], dict[int, CapacityInfo]]:
        slots: dict[int, list[Slot]] = {}
        closures: dict[int, list[Closure]] = {}
        caps: dict[int, CapacityInfo] = {}
        q = _queries()
        # The ids written into the statement as numbers (int() each: nothing else can get in):
        # many bound parameters cost SQLAlchemy more than the queries themselves.
        listed = "(" + ",".join(str(int(sid)) for sid in ids) + ")"
        with self.ctx.read() as s:
            for sid, wd, opens, closes in s.execute(q.page_slots(listed)):
                slots.setdefault(sid, []).append(Slot(wd, opens, closes))
            for sid, *closure in s.execute(q.page_closures(listed), {"today": today}):
                closures.setdefault(sid, []).append(Closure(*closure))
            for sid, state, weeks, on, by, event_id in s.execute(q.page_capacity(listed)):
                caps[sid] = CapacityInfo(Capacity(state), weeks, on, by, event_id is not None)
        return slots, closures, caps

    @staticmethod
    def _track(s: Session, q: _Statements, service_id: int, since: date, until: date) -> TrackRecord:
        period = {"sid": service_id, "since": since, "until": until}
        counts = s.execute(q.track, period).one()
        people, outcomes, attended, dna, not_suitable = (int(x or 0) for x in counts)
        issued, acknowledged = (int(x or 0) for x in s.execute(q.leaflets, {
            "sid": service_id, "start": datetime.combine(since, datetime.min.time()),
            "end": datetime.combine(until, datetime.max.time())}).one())
        wellbeing: tuple[WellbeingChange, ...] = ()
        feedback: tuple[str, ...] = ()
        if people >= TOO_FEW:
            pairs = [(b, a) for b, a in (( _scores(x), _scores(y)) for x, y in s.execute(q.wellbeing, period))
                     if b is not None and a is not None]
            if pairs:
                wellbeing = tuple(
                    WellbeingChange(ONS4_SHORT[k], ONS4_LOWER_IS_BETTER[k],
                                    float(statistics.median(a[k] - b[k] for b, a in pairs)), len(pairs))
                    for k in range(4))
            feedback = tuple(str(x) for (x,) in s.execute(q.feedback, period | {"yes": True}))
        return TrackRecord(since, until, people, outcomes, attended, dna, not_suitable, wellbeing, feedback,
                           issued, acknowledged)

    def track_record(self, service_id: int) -> TrackRecord:
        return self.for_service(service_id).track

    def contact_entries(self, service_id: int, limit: int = 20) -> list[tuple[int, str]]:
        """(id, "3 Dec 2026 · Phone · Sam Reid: summary") of the latest contact-log entries with the
        service's organisation, newest first: the entries a capacity can be recorded from."""
        from sp_desktop.domain.formatting import show_date as _show

        with self.ctx.read() as s:
            org_id = s.scalar(select(Service.organisation_id).where(Service.id == service_id))
            if org_id is None:
                raise NotFound(f"Service {service_id} does not exist (it may have been deleted).")
            q = (select(ContactEvent.id, ContactEvent.occurred_at, ContactEvent.kind, ContactEvent.summary,
                        Staff.name)
                 .join(Staff, Staff.id == ContactEvent.author_id)
                 .where(ContactEvent.organisation_id == org_id, ContactEvent.occurred_at <= self.ctx.now())
                 .order_by(ContactEvent.occurred_at.desc(), ContactEvent.id.desc()).limit(limit))
            out = []
            for eid, at, kind, summary, name in s.execute(q):
                line = " ".join((summary or "").split())
                out.append((eid, f"{_show(at)} · {kind.label} · {name}: {line[:80]}"))
            return out

    def note_subjects(self, service_id: int) -> list[tuple[str, int, str, HelpNoteInfo | None]]:
        """What a "why this helps" note for this service can be about: ("service", id, name, note)
        first, then ("category", id, name, note) for each of its categories and their parents."""
        with self.ctx.read() as s:
            name = s.scalar(select(Service.name).where(Service.id == service_id))
            if name is None:
                raise NotFound(f"Service {service_id} does not exist (it may have been deleted).")
            cat_ids = list(s.scalars(select(service_category.c.category_id)
                                     .where(service_category.c.service_id == service_id)))
            parents = list(s.scalars(select(Category.parent_id).where(Category.id.in_(cat_ids),
                                                                       Category.parent_id.is_not(None))))
            wanted = list(dict.fromkeys(parents + cat_ids))
            names = dict(s.execute(select(Category.id, Category.name).where(Category.id.in_(wanted))).all())
            notes = {(n.category_id, n.service_id): n for n in s.scalars(
                select(HelpNote).where(or_(HelpNote.service_id == service_id,
                                           HelpNote.category_id.in_(wanted))))}
            out: list[tuple[str, int, str, HelpNoteInfo | None]] = []
            own = notes.get((None, service_id))
            out.append(("service", service_id, str(name), _note(own, str(name)) if own else None))
            for cid in wanted:
                n = notes.get((cid, None))
                label = str(names.get(cid, ""))
                out.append(("category", cid, label, _note(n, label) if n else None))
            return out

    # ------------------------------------------------------------------ "why this helps"
    def help_notes(self) -> list[HelpNoteInfo]:
        """Every note, categories first (by name), then services."""
        with self.ctx.read() as s:
            q = (select(HelpNote, func.coalesce(Category.name, Service.name))
                 .outerjoin(Category, Category.id == HelpNote.category_id)
                 .outerjoin(Service, Service.id == HelpNote.service_id))
            notes = [_note(n, name) for n, name in s.execute(q)]
        return sorted(notes, key=lambda n: (n.service_id is not None, n.subject.casefold()))

    def set_help_note(self, *, note: str, source: str, category_id: int | None = None,
                      service_id: int | None = None) -> HelpNoteInfo:
        """Write (or rewrite) the note for one category or one service. Vetting lead and above."""
        if (category_id is None) == (service_id is None):
            raise BadInput("About", "A note is about one category or one service.",
                           "Choose a category, or a service, not both.")
        text = (note or "").strip()
        if not text:
            raise BadInput("Why this helps", "The note is empty.",
                           "Say in a few lines what the support does and what to expect "
                           "(or clear the note instead).")
        if len(text) > MAX_NOTE:
            raise BadInput("Why this helps", f"The note is {len(text)} characters long.",
                           f"Keep it to {MAX_NOTE} characters: a short note for a busy clinician.")
        src = " ".join((source or "").split())
        if not src:
            raise BadInput("Source", "The source is missing.",
                           f"Give a citation, or write “{PRACTICE_EXPERIENCE}”.")
        if len(src) > MAX_SOURCE:
            raise BadInput("Source", f"The source is {len(src)} characters long.",
                           f"Keep it to {MAX_SOURCE} characters.")
        with self.ctx.write(Permission.VET) as s:
            subject = self._subject(s, category_id, service_id)
            row = s.scalar(select(HelpNote).where(HelpNote.category_id == category_id) if category_id
                           else select(HelpNote).where(HelpNote.service_id == service_id))
            if row is None:
                row = HelpNote(category_id=category_id, service_id=service_id)
                s.add(row)
                action = AuditAction.CREATE
            else:
                action = AuditAction.UPDATE
            before = {"note": row.note, "source": row.source}
            row.note, row.source = text, src
            row.author_id, row.author_name = self.ctx.actor.id, self.ctx.actor.name
            row.written_on = self.ctx.today()
            s.flush()
            audit.record(s, self.ctx, action, "help_note", row.id, f"Why this helps: {subject}",
                         {k: [before[k], getattr(row, k)] for k in before if before[k] != getattr(row, k)})
            return _note(row, subject)

    def clear_help_note(self, *, category_id: int | None = None, service_id: int | None = None) -> bool:
        """Remove the note for a category or service; False when there was none. Vetting lead and above."""
        with self.ctx.write(Permission.VET) as s:
            subject = self._subject(s, category_id, service_id)
            cond = ((HelpNote.category_id == category_id) if category_id
                    else (HelpNote.service_id == service_id))
            row = s.scalar(select(HelpNote).where(cond))
            if row is None:
                return False
            audit.record(s, self.ctx, AuditAction.DELETE, "help_note", row.id, f"Why this helps: {subject}",
                         {"note": [row.note, None], "source": [row.source, None]})
            s.delete(row)
            return True

    @staticmethod
    def _subject(s: Session, category_id: int | None, service_id: int | None) -> str:
        if category_id is not None:
            name = s.scalar(select(Category.name).where(Category.id == category_id))
            if name is None:
                raise NotFound(f"Category {category_id} does not exist.")
            return str(name)
        name = s.scalar(select(Service.name).where(Service.id == service_id))
        if name is None:
            raise NotFound(f"Service {service_id} does not exist (it may have been deleted).")
        return str(name)

    # ------------------------------------------------------------------ capacity
    def set_capacity(self, service_id: int, state: Capacity | str, wait_weeks: int | str | None = None,
                     confirmed_on: date | None = None, *,
                     contact_event_id: int | None = None) -> CapacityInfo:
        """Record whether the service is taking new people. Directly: confirmed by the signed-in
        member of staff on `confirmed_on` (today when not given). From a contact-log entry: the
        entry's date and author, and the entry must be with the service's organisation."""
        today = self.ctx.today()
        with self.ctx.write(Permission.LOG_CONTACT) as s:
            svc = s.get(Service, service_id)
            if svc is None:
                raise NotFound(f"Service {service_id} does not exist (it may have been deleted).")
            by = self.ctx.actor.name
            if contact_event_id is not None:
                ev = s.get(ContactEvent, contact_event_id)
                if ev is None or ev.organisation_id != svc.organisation_id:
                    raise BadInput("Contact-log entry", "That entry is not a contact with the organisation "
                                   "that runs this service.", "Choose one of its own contact-log entries.")
                confirmed_on = ev.occurred_at.date()
                by = s.scalar(select(Staff.name).where(Staff.id == ev.author_id)) or by
            cap, weeks, on = check_capacity(state, wait_weeks, confirmed_on or today, today)
            row = s.get(ServiceCapacity, service_id)
            old = ({"state": row.state.value, "wait_weeks": row.wait_weeks,
                    "confirmed_on": row.confirmed_on.isoformat()} if row is not None else {})
            if row is None:
                row = ServiceCapacity(service_id=service_id)
                s.add(row)
            row.state, row.wait_weeks, row.confirmed_on, row.confirmed_by = cap, weeks, on, by
            row.contact_event_id, row.recorded_at = contact_event_id, self.ctx.now()
            new = {"state": cap.value, "wait_weeks": weeks, "confirmed_on": on.isoformat()}
            audit.record(s, self.ctx, AuditAction.UPDATE, "service", service_id, svc.name,
                         {k: [old.get(k), v] for k, v in new.items() if old.get(k) != v},
                         summary="Taking new people: " + CapacityInfo(cap, weeks, on, by).answer,
                         organisation_id=svc.organisation_id)
            return _capacity(row)

    # ------------------------------------------------------------------ closures
    def add_closure(self, service_id: int, starts_on: date | None, ends_on: date | None,
                    reason: str | None) -> Closure:
        """A dated closure (every role that may edit the directory); end before start is refused."""
        start, end, why = check_closure(starts_on, ends_on, reason)
        with self.ctx.write(Permission.EDIT_DIRECTORY) as s:
            svc = s.get(Service, service_id)
            if svc is None:
                raise NotFound(f"Service {service_id} does not exist (it may have been deleted).")
            self._may_print_on_leaflets(svc)
            row = ServiceClosure(service_id=service_id, starts_on=start, ends_on=end, reason=why,
                                 recorded_by=self.ctx.actor.name, recorded_at=self.ctx.now())
            s.add(row)
            s.flush()
            c = _closure(row)
            audit.record(s, self.ctx, AuditAction.UPDATE, "service", service_id, svc.name,
                         {"closure": [None, c.text]}, summary=f"Closure added: {c.text}",
                         organisation_id=svc.organisation_id)
            return c

    def remove_closure(self, closure_id: int) -> None:
        with self.ctx.write(Permission.EDIT_DIRECTORY) as s:
            row = s.get(ServiceClosure, closure_id)
            if row is None:
                raise NotFound("That closure has already been removed.")
            svc = s.get(Service, row.service_id)
            if svc is not None:
                self._may_print_on_leaflets(svc)
            c = _closure(row)
            audit.record(s, self.ctx, AuditAction.UPDATE, "service", row.service_id, svc.name if svc else "",
                         {"closure": [c.text, None]}, summary=f"Closure removed: {c.text}",
                         organisation_id=svc.organisation_id if svc else None)
            s.execute(delete(ServiceClosure).where(ServiceClosure.id == closure_id))

    def _may_print_on_leaflets(self, svc: Service) -> None:
        """A closure prints on leaflets: for an approved organisation's service only the vetting lead
        (or an administrator) adds or removes one, as for every other patient-facing detail."""
        from sp_desktop.services.patient_facing import may_change_patient_facing

        if not may_change_patient_facing(self.ctx.actor, svc.organisation.vetting_status):
            raise ClosureLocked(self.ctx.actor, svc.name)

    def closures(self, service_id: int, include_past: bool = False) -> list[Closure]:
        with self.ctx.read() as s:
            q = select(ServiceClosure).where(ServiceClosure.service_id == service_id)
            if not include_past:
                q = q.where(ServiceClosure.ends_on >= self.ctx.today())
            return [_closure(c) for c in s.scalars(q.order_by(ServiceClosure.starts_on, ServiceClosure.id))]


def closures_by_service(s: Session, service_ids: Sequence[int], today: date) -> dict[int, list[Closure]]:
    """Closures not yet over, per service (for leaflets, which read in their own transaction)."""
    out: dict[int, list[Closure]] = {}
    if not service_ids:
        return out
    for c in s.scalars(select(ServiceClosure).where(ServiceClosure.service_id.in_(list(service_ids)),
                                                    ServiceClosure.ends_on >= today)
                       .order_by(ServiceClosure.starts_on)):
        out.setdefault(c.service_id, []).append(_closure(c))
    return out


def open_on_condition(id_column: object, day: date) -> object:
    """SQL: the service has an opening time on `day` and no closure covers that day ("Open today")."""
    opens = select(Schedule.service_id).where(Schedule.weekday == day.weekday(),
                                              Schedule.opens_at.is_not(None))
    closed = select(ServiceClosure.service_id).where(ServiceClosure.starts_on <= day,
                                                     ServiceClosure.ends_on >= day)
    return and_(id_column.in_(opens), id_column.not_in(closed))  # type: ignore[attr-defined]


def _scores(value: object) -> tuple[int, int, int, int] | None:
    """Four wellbeing scores as stored (a JSON list; text on some drivers), or None if incomplete."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if not isinstance(value, list) or len(value) != 4 or not all(isinstance(v, int) for v in value):
        return None
    return (value[0], value[1], value[2], value[3])


@dataclass(frozen=True)
class _Statements:
    service: Any
    slots: Any
    closures: Any
    notes: Any
    track: Any
    leaflets: Any
    wellbeing: Any
    feedback: Any
    page_slots: Any
    page_closures: Any
    page_capacity: Any


_IN_PERIOD = ("FROM signposting_item i JOIN signposting sp ON sp.id = i.signposting_id "
              "WHERE i.service_id = :sid AND sp.occurred_on >= :since AND sp.occurred_on <= :until")


@functools.cache
def _queries() -> _Statements:
    """The reading statements, made once: plain SQL that SQLite and PostgreSQL both run, typed so
    dates and flags come back as Python values on both."""
    d, b = Date(), Boolean()
    period = [bindparam("since", type_=d), bindparam("until", type_=d)]
    return _Statements(
        service=text("SELECT s.access_appointment, c.state, c.wait_weeks, c.confirmed_on, c.confirmed_by, "
                     "c.contact_event_id FROM service s LEFT JOIN service_capacity c ON c.service_id = s.id "
                     "WHERE s.id = :sid").columns(
            column("access_appointment", b), column("state", String()), column("wait_weeks", Integer()),
            column("confirmed_on", d), column("confirmed_by", String()),
            column("contact_event_id", Integer())),
        slots=text("SELECT weekday, opens_at, closes_at FROM schedule WHERE service_id = :sid"),
        closures=text("SELECT id, starts_on, ends_on, reason FROM service_closure "
                      "WHERE service_id = :sid AND ends_on >= :today ORDER BY starts_on, id").bindparams(
            bindparam("today", type_=d)).columns(
            column("id", Integer()), column("starts_on", d), column("ends_on", d),
            column("reason", String())),
        notes=text("SELECT n.id, n.category_id, n.service_id, COALESCE(c.name, s.name), n.note, n.source, "
                   "n.author_name, n.written_on FROM help_note n "
                   "LEFT JOIN category c ON c.id = n.category_id LEFT JOIN service s ON s.id = n.service_id "
                   "WHERE n.service_id = :sid "
                   "OR n.category_id IN (SELECT category_id FROM service_category WHERE service_id = :sid) "
                   "OR n.category_id IN (SELECT parent_id FROM category WHERE id IN "
                   "(SELECT category_id FROM service_category WHERE service_id = :sid))").columns(
            column("id", Integer()), column("category_id", Integer()), column("service_id", Integer()),
            column("subject", String()), column("note", String()), column("source", String()),
            column("author_name", String()), column("written_on", d)),
        track=text("SELECT COUNT(DISTINCT sp.id), "
                   "SUM(CASE WHEN i.outcome IS NOT NULL AND i.outcome <> 'not_known' THEN 1 ELSE 0 END), "
                   "SUM(CASE WHEN i.outcome IN ('engaged', 'attended_once') THEN 1 ELSE 0 END), "
                   "SUM(CASE WHEN i.outcome = 'did_not_attend' THEN 1 ELSE 0 END), "
                   "SUM(CASE WHEN i.outcome = 'not_suitable' THEN 1 ELSE 0 END) " + _IN_PERIOD
                   ).bindparams(*period),
        # the same counting as ReferenceService.acknowledged_counts, for one service
        leaflets=text("SELECT (SELECT COUNT(*) FROM leaflet_reference_service ls JOIN leaflet_reference r "
                      "ON r.id = ls.reference_id WHERE ls.service_id = :sid AND r.issued_at >= :start "
                      "AND r.issued_at <= :end), "
                      "(SELECT COUNT(*) FROM reference_acknowledgement a JOIN leaflet_reference r "
                      "ON r.id = a.reference_id WHERE a.service_id = :sid AND r.issued_at >= :start "
                      "AND r.issued_at <= :end)").bindparams(
            bindparam("start", type_=DateTime()), bindparam("end", type_=DateTime())),
        wellbeing=text("SELECT ons4_before, ons4_after FROM signposting WHERE id IN "
                       "(SELECT sp.id " + _IN_PERIOD + ") "
                       "AND ons4_before IS NOT NULL AND ons4_after IS NOT NULL").bindparams(*period).columns(
            column("ons4_before", JSON()), column("ons4_after", JSON())),
        feedback=text("SELECT i.experience_note " + _IN_PERIOD + " AND i.share_feedback = :yes "
                      "AND i.experience_note IS NOT NULL AND i.experience_note <> '' "
                      "ORDER BY COALESCE(i.outcome_on, sp.occurred_on) DESC, i.id DESC LIMIT 3").bindparams(
            *period, bindparam("yes", type_=b)),
        page_slots=lambda ids: text("SELECT service_id, weekday, opens_at, closes_at FROM schedule "
                                    f"WHERE service_id IN {ids}"),
        page_closures=lambda ids: text("SELECT service_id, id, starts_on, ends_on, reason "
                                       "FROM service_closure WHERE ends_on >= :today "
                                       f"AND service_id IN {ids}").bindparams(
            bindparam("today", type_=d)).columns(
            column("service_id", Integer()), column("id", Integer()), column("starts_on", d),
            column("ends_on", d), column("reason", String())),
        page_capacity=lambda ids: text("SELECT service_id, state, wait_weeks, confirmed_on, confirmed_by, "
                                       "contact_event_id FROM service_capacity "
                                       f"WHERE service_id IN {ids}").columns(
            column("service_id", Integer()), column("state", String()), column("wait_weeks", Integer()),
            column("confirmed_on", d), column("confirmed_by", String()),
            column("contact_event_id", Integer())),
    )


def _note(n: HelpNote, subject: str) -> HelpNoteInfo:
    return HelpNoteInfo(n.id, n.category_id, n.service_id, subject, n.note, n.source, n.author_name,
                        n.written_on)


__all__ = ["ConfidenceService", "HelpNoteInfo", "PRACTICE_EXPERIENCE", "RowState", "ServiceConfidence",
           "TOO_FEW", "TrackRecord", "WellbeingChange", "closures_by_service", "open_on_condition"]

