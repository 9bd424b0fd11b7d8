"""Demo relationships: a year of contact history, follow-ups and trust notes.

`demo_relationships` is the DEMO_STEPS entry. Relative to the demo clock's now it writes about
two hundred contacts over the last year between the demo staff and most organisations (some
are never contacted, some only by phone or e-mail, some approved organisations not for over a
year), follow-up actions (most done, some overdue, some due soon) and about forty trust notes
of every kind. Everything comes from the seeded `random.Random`, so the demo is the same on
every PC. The Cartside Carers Centre always has a visit, a phone call and a talk, so "who here
knows the carers' centre?" has an answer.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sp_desktop.db.engine import Clock
from sp_desktop.db.models import (
    Contact,
    ContactEvent,
    Organisation,
    Service,
    Staff,
    TrustNote,
    VettingCheckItem,
    VettingEvidence,
)
from sp_desktop.domain.enums import AppRole, ContactKind, TrustNoteKind, VettingStatus

#: Demo staff (the vetting demo step creates them; created here, without passwords, if absent).
DEMO_STAFF: tuple[tuple[str, AppRole, str], ...] = (
    ("Rachel Reception", AppRole.FRONT_DESK, "Receptionist"),
    ("Dr Gordon Gill", AppRole.CLINICIAN, "GP partner"),
    ("Lena Link", AppRole.VETTING_LEAD, "Community link worker"),
    ("Mary Manager", AppRole.ADMINISTRATOR, "Practice manager"),
)
CARERS_CENTRE = "demo-org-cartside-carers"

_SUMMARIES: dict[ContactKind, tuple[str, ...]] = {
    ContactKind.PHONE: (
        "{person} rang to say {service} has spaces again from next month.",
        "Rang {person} to check how to refer to {service}; self-referral by phone is fine.",
        "{person} called to confirm they received our referral and will contact the patient this week.",
        "Rang to check holiday opening; {service} closes for two weeks at Christmas.",
        "Left a message for {person} about updating their details; they rang back the same day.",
        "{person} rang to ask whether the practice could display their new poster.",
        "Rang {person} about a patient who is waiting; they expect a space within three weeks.",
    ),
    ContactKind.EMAIL: (
        "E-mailed {person} the practice's updated referral form.",
        "{person} e-mailed the new programme for {service}.",
        "E-mail from {person}: new phone number for {service}.",
        "Sent {person} our leaflet draft to check their details are right.",
        "{person} e-mailed to say the Thursday session is moving to the afternoon.",
    ),
    ContactKind.VIDEO: (
        "Video call with {person} to plan a joint session for patients.",
        "Video call with {person} about how they would like feedback on referrals.",
    ),
    ContactKind.MEETING_AT_PRACTICE: (
        "{person} came to the practice to meet the team and talk about {service}.",
        "Met {person} at the practice to agree how referrals and feedback will work.",
        "{person} dropped in with leaflets and stayed to talk through who {service} suits best.",
    ),
    ContactKind.VISIT: (
        "Visited {org} and met {person}; saw {service} running.",
        "Visited {org} for {service}: welcoming, step-free entrance, a quiet room if needed.",
        "Visit to meet {person} and the volunteers; talked through their safeguarding arrangements.",
        "Sat in on {service} with {person}'s agreement; friendly and well organised.",
    ),
    ContactKind.EVENT: (
        "Met {person} at the Cartvale community networking morning.",
        "Spoke with {person} at the health and wellbeing fair in the town hall.",
        "Met {person} at the third-sector forum; swapped contact details.",
    ),
    ContactKind.TRAINING: (
        "{person} gave a short talk at the practice team meeting about {service}.",
        "Lunchtime session for reception staff from {person} on how to refer to {service}.",
    ),
}

_FOLLOW_UPS = (
    "Update the directory entry with the new times",
    "Send {person} the practice's referral form",
    "Share the new leaflet with reception",
    "Arrange a visit to see {service}",
    "Ask {person} for a copy of their safeguarding policy",
    "Invite {person} to the next practice team meeting",
    "Check the insurance renewal date",
    "Put the new phone number on the leaflet",
    "Send {person} feedback from patients we referred",
)
_DONE_NOTES = (
    "Done and checked with reception.", "Sent by e-mail.", "Visit booked.",
    "Copy received and filed with the vetting evidence.", "Done.", "Agreed for the spring meeting.",
    "Updated; leaflet reprinted.",
)

_NOTES: dict[TrustNoteKind, tuple[str, ...]] = {
    TrustNoteKind.POSITIVE: (
        "Three patients referred this year all attended and spoke well of the welcome they got.",
        "{person} rang back within a day every time we referred someone.",
        "Visited and found the group well run; volunteers knew the patients' names.",
        "They sent written feedback on each referral, as agreed at our meeting.",
        "Patient with anxiety was met at the door by a volunteer as arranged.",
        "Quick to tell us about a change to their opening times, before patients were affected.",
        "Helped a patient with a benefits appeal that was upheld.",
        "Good links with the community mental health team; they refer back when needed.",
    ),
    TrustNoteKind.PATIENT_FEEDBACK: (
        "Patient said the sessions were the first thing in months that got them out of the house.",
        "Patient found the waiting list about six weeks, longer than the leaflet suggested.",
        "Patient liked the group but found the room cold in winter.",
        "Patient said the adviser was patient and explained the forms clearly.",
        "Patient's daughter said the phone line was hard to get through to in the mornings.",
        "Patient felt the group was aimed at younger people and did not go back.",
        "Patient said the drop-in was friendly and they have been three times.",
    ),
    TrustNoteKind.GENERAL: (
        "{person} is leaving in the spring; a new coordinator will be named.",
        "Funding for the outreach worker ends next March; they are applying to renew it.",
        "They prefer referrals by e-mail rather than phone.",
        "Closes for two weeks over Christmas and New Year.",
        "Moving to new premises in the town centre later this year.",
        "Can take patients with mobility problems; transport can be arranged on request.",
    ),
    TrustNoteKind.CONCERN: (
        "Two patients in October said their calls were not returned within a week.",
        "Leaflet says step-free, but the group met upstairs with no lift on our visit.",
        "A patient was turned away because the session was full; no waiting list offered.",
        "The public liability insurance certificate we hold has expired; asked for the renewal.",
    ),
    TrustNoteKind.SAFEGUARDING: (
        "{person} told us their safeguarding lead left last month and no one has taken over, while "
        "volunteers still run one-to-one sessions. Raised with the vetting lead the same day.",
        "A patient reported an uncomfortable one-to-one session; the organisation followed its "
        "procedure and confirmed the outcome to us in writing.",
    ),
}


@dataclass
class _Org:
    id: int
    uid: str
    name: str
    vetting: VettingStatus
    people: list[Contact]
    services: list[str]


def demo_staff(session: Session) -> dict[str, Staff]:
    """The demo staff by name: found by name, else the first active staff member with that
    role (if the vetting demo named them differently), else created without a password."""
    out: dict[str, Staff] = {}
    for name, role, job in DEMO_STAFF:
        staff = session.scalar(select(Staff).where(Staff.name == name))
        if staff is None:
            staff = session.scalar(select(Staff).where(Staff.app_role == role, Staff.active.is_(True),
                                                       Staff.id.not_in([s.id for s in out.values()]))
                                   .order_by(Staff.id))
        if staff is None:
            staff = Staff(name=name, job_role=job, app_role=role, active=True)
            session.add(staff)
            session.flush()
        out[name] = staff
    return out


def _when(rng: random.Random, now: datetime, days_ago: float) -> datetime:
    day = (now - timedelta(days=days_ago)).date()
    while day.weekday() >= 5:  # people meet on working days
        day -= timedelta(days=1)
    at = datetime.combine(day, time(rng.randint(9, 16), rng.choice((0, 10, 15, 20, 30, 40, 45, 50))))
    return min(at, now - timedelta(minutes=30))


def _fill(text: str, org: _Org, person: Contact | None, rng: random.Random) -> str:
    service = f"“{rng.choice(org.services)}”" if org.services else org.name
    name = person.name.split()[0] if person is not None else "their coordinator"
    if person is not None and person.name.startswith(("Rev.", "Dr ")):
        name = person.name
    text = text.format(person=name, service=service, org=org.name)
    return text[0].upper() + text[1:]


class _Builder:
    def __init__(self, session: Session, clock: Clock, rng: random.Random, staff: dict[str, Staff]) -> None:
        self.session = session
        self.now = clock.now().replace(microsecond=0)
        self.today = self.now.date()
        self.rng = rng
        self.staff = staff
        self.events: list[ContactEvent] = []
        known = {x.id for x in staff.values()}
        # Other active staff (the vetting demo adds a practice nurse) join team talks.
        active = session.scalars(select(Staff).where(Staff.active.is_(True)).order_by(Staff.id))
        self.others = [x for x in active if x.id not in known]

    def staff_for(self, kind: ContactKind) -> list[Staff]:
        s, r = self.staff, self.rng
        if kind is ContactKind.TRAINING:
            team = [s["Lena Link"], s["Rachel Reception"], s["Dr Gordon Gill"], s["Mary Manager"],
                    *self.others]
            return team[:r.randint(2, len(team))]
        if kind in (ContactKind.PHONE, ContactKind.EMAIL):
            return [r.choices([s["Rachel Reception"], s["Lena Link"], s["Dr Gordon Gill"], s["Mary Manager"]],
                              weights=[40, 45, 8, 7])[0]]
        lead = r.choices([s["Lena Link"], s["Dr Gordon Gill"], s["Mary Manager"], s["Rachel Reception"]],
                         weights=[60, 15, 15, 10])[0]
        others = [x for x in (s["Dr Gordon Gill"], s["Mary Manager"], s["Lena Link"]) if x is not lead]
        return [lead] + ([r.choice(others)] if r.random() < 0.3 else [])

    def add(self, org: _Org, kind: ContactKind, when: datetime, staff: Sequence[Staff] | None = None,
            follow_up: bool | None = None, summary: str | None = None) -> ContactEvent:
        r = self.rng
        staff = list(staff) if staff else self.staff_for(kind)
        person = r.choice(org.people) if org.people else None
        people = [person] if person is not None else []
        if kind.face_to_face and len(org.people) > 1 and r.random() < 0.3:
            people = list(org.people[:2])
        ev = ContactEvent(organisation_id=org.id, occurred_at=when, kind=kind,
                          summary=summary or _fill(r.choice(_SUMMARIES[kind]), org, person, r),
                          author_id=staff[0].id,
                          staff=sorted(staff, key=lambda x: x.name), people=people)
        if follow_up if follow_up is not None else r.random() < 0.28:
            owner = staff[0] if r.random() < 0.7 else self.staff["Lena Link"]
            ev.follow_up_action = _fill(r.choice(_FOLLOW_UPS), org, person, r)
            ev.follow_up_owner_id = owner.id
            ev.follow_up_due = when.date() + timedelta(days=r.choice((3, 7, 7, 14, 14, 21, 28)))
            if ev.follow_up_due < self.today and r.random() < 0.88:
                done = datetime.combine(ev.follow_up_due - timedelta(days=r.randint(0, 5)), time(15, 30))
                ev.follow_up_done_at = min(max(done, when + timedelta(hours=2)), self.now)
                ev.follow_up_done_note = r.choice(_DONE_NOTES)
        self.session.add(ev)
        self.events.append(ev)
        return ev


def _organisations(session: Session) -> list[_Org]:
    orgs = session.scalars(select(Organisation).where(Organisation.archived_at.is_(None))
                           .order_by(Organisation.id)).all()
    people: dict[int, list[Contact]] = {}
    q = select(Contact).where(Contact.organisation_id.is_not(None)).order_by(Contact.id)
    for c in session.scalars(q):
        people.setdefault(c.organisation_id, []).append(c)  # type: ignore[arg-type]
    services: dict[int, list[str]] = {}
    for org_id, name in session.execute(select(Service.organisation_id, Service.name)
                                        .where(Service.archived_at.is_(None)).order_by(Service.id)):
        services.setdefault(org_id, []).append(name)
    return [_Org(o.id, o.uid, o.name, o.vetting_status, people.get(o.id, []), services.get(o.id, []))
            for o in orgs]


def _met_evidence(session: Session) -> dict[int, tuple[date, int, str]]:
    """Vetting evidence that someone met the organisation: {org id: (date, staff id, note)}."""
    q = (select(VettingEvidence.organisation_id, VettingEvidence.checked_on, VettingEvidence.checked_by_id,
                VettingEvidence.notes)
         .join(VettingCheckItem, VettingCheckItem.id == VettingEvidence.item_id)
         .where(VettingCheckItem.code == "met", VettingEvidence.complete.is_(True),
                VettingEvidence.checked_on.is_not(None), VettingEvidence.checked_by_id.is_not(None))
         .order_by(VettingEvidence.organisation_id))
    return {r.organisation_id: (r.checked_on, r.checked_by_id, r.notes or "") for r in session.execute(q)}


def demo_relationships(session: Session, clock: Clock, rng: random.Random) -> None:
    """DEMO_STEPS entry: a year of contacts, follow-ups and trust notes (see module docstring)."""
    r = random.Random(rng.random())
    staff = demo_staff(session)
    b = _Builder(session, clock, r, staff)
    orgs = _organisations(session)
    if not orgs:
        return
    by_id = {s.id: s for s in session.scalars(select(Staff))}
    # The "met in person or visited" vetting evidence is a contact too: log it on the day it was checked.
    met = _met_evidence(session)
    for org in orgs:
        if org.id in met:
            day, staff_id, note = met[org.id]
            kind = ContactKind.VISIT if note.startswith("Visited") else ContactKind.MEETING_AT_PRACTICE
            b.add(org, kind, _when(r, b.now, (b.today - day).days), [by_id[staff_id]], follow_up=False,
                  summary=note or None)

    carers = next((o for o in orgs if o.uid == CARERS_CENTRE), None)
    others = [o for o in orgs if o is not carers]
    r.shuffle(others)
    year_ago = b.today - timedelta(days=365)
    if met:
        # Organisations no one has met (not vetted, or in review without a meeting): some never
        # contacted, some only by phone or e-mail. Organisations met over a year ago (reviews
        # overdue): most have gone quiet, the rest have had calls since (fading).
        no_met = [o for o in others if o.id not in met]
        never = no_met[:max(2, (len(no_met) + 1) // 2)]
        phone_only = no_met[len(never):]
        old = [o for o in others if o.id in met and met[o.id][0] < year_ago]
        lapsed = old[:max(1, len(old) * 3 // 5)] if old else []
        fading = old[len(lapsed):]
        active = [o for o in others if o.id in met and o not in old]
    else:  # no vetting demo: split at random
        n = len(others)
        never = others[:max(2, n // 10)]
        phone_only = others[len(never):len(never) + max(2, n // 8)]
        rest = others[len(never) + len(phone_only):]
        approved = [o for o in rest if o.vetting is VettingStatus.APPROVED]
        lapsed = (approved if len(approved) >= 4 else rest)[:max(3, n // 12)]
        fading = []
        active = [o for o in rest if o not in lapsed]
        for org in lapsed:
            b.add(org, r.choice([ContactKind.VISIT, ContactKind.MEETING_AT_PRACTICE]),
                  _when(r, b.now, r.uniform(400, 600)), follow_up=False)

    if carers is not None:
        b.add(carers, ContactKind.VISIT, _when(r, b.now, 47), [staff["Lena Link"]], follow_up=False)
        b.add(carers, ContactKind.PHONE, _when(r, b.now, 6), [staff["Rachel Reception"]], follow_up=False)
        b.add(carers, ContactKind.TRAINING, _when(r, b.now, 130),
              [staff["Dr Gordon Gill"], staff["Lena Link"], staff["Rachel Reception"]], follow_up=False)
        b.add(carers, ContactKind.EMAIL, _when(r, b.now, 200), [staff["Lena Link"]])

    f2f_kinds = [ContactKind.VISIT, ContactKind.MEETING_AT_PRACTICE, ContactKind.EVENT, ContactKind.TRAINING]
    remote_kinds = [ContactKind.PHONE, ContactKind.EMAIL, ContactKind.VIDEO]
    for org in active:
        for _ in range(r.choices([0, 1, 2, 3, 4, 5], weights=[8, 20, 26, 22, 14, 10])[0]):
            in_person = r.random() < 0.25
            kind = r.choices(f2f_kinds, weights=[35, 25, 28, 12])[0] if in_person else \
                r.choices(remote_kinds, weights=[60, 32, 8])[0]
            b.add(org, kind, _when(r, b.now, r.uniform(1, 360)))
    for org in fading + phone_only:
        for _ in range(r.randint(1, 3)):
            b.add(org, r.choices(remote_kinds, weights=[70, 25, 5])[0], _when(r, b.now, r.uniform(5, 330)))
    for org in lapsed:
        if r.random() < 0.5:
            b.add(org, ContactKind.PHONE, _when(r, b.now, r.uniform(370, 399)), follow_up=False)
    # Plans that turn calls into meetings: a visit arranged and an invitation to a practice meeting
    # (follow-ups on their dates; marking one done logs the meeting).
    for org, kind, days in zip(phone_only[:2], (ContactKind.VISIT_PLANNED, ContactKind.INVITE), (9, 23),
                               strict=False):
        ev = b.add(org, kind, _when(r, b.now, 3), [staff["Lena Link"]], follow_up=False,
                   summary=("Rang to arrange a visit to their group" if kind is ContactKind.VISIT_PLANNED
                            else "Invited them to talk to the practice team at the practice meeting"))
        ev.follow_up_action = kind.planned_action
        ev.follow_up_owner_id = staff["Lena Link"].id
        ev.follow_up_due = b.today + timedelta(days=days)
    session.flush()
    _ensure_follow_up_mix(b)
    _trust_notes(session, b, orgs, never)
    session.flush()


def _ensure_follow_up_mix(b: _Builder) -> None:
    """At least four overdue and four due-soon follow-ups, so the page shows both."""
    never = b.today + timedelta(days=10000)

    def due(e: ContactEvent) -> datetime:
        return datetime.combine(e.follow_up_due or never, time.min)

    start = datetime.combine(b.today, time.min)
    with_fu = [e for e in b.events if e.follow_up_action]
    overdue = [e for e in with_fu if e.follow_up_done_at is None and due(e) < start]
    done_past = sorted((e for e in with_fu if e.follow_up_done_at is not None and due(e) < start),
                       key=due, reverse=True)
    for ev in done_past[:max(0, 4 - len(overdue))]:
        ev.follow_up_done_at = None
        ev.follow_up_done_note = None
    recent = sorted((e for e in b.events if not e.follow_up_action
                     and e.occurred_at.date() > b.today - timedelta(days=10)),
                    key=lambda e: e.occurred_at, reverse=True)
    upcoming = [e for e in with_fu if due(e) >= start]
    actions = ("Send the practice's referral form", "Share the new leaflet with reception", "Arrange a visit",
               "Put the new phone number on the leaflet")
    for i, ev in enumerate(recent[:max(0, 4 - len(upcoming))]):
        ev.follow_up_action = actions[i % 4]
        ev.follow_up_owner_id = ev.author_id
        ev.follow_up_due = b.today + timedelta(days=3 + 4 * i)


def _trust_notes(session: Session, b: _Builder, orgs: list[_Org], never: list[_Org]) -> None:
    r = b.rng
    authors = [b.staff["Lena Link"], b.staff["Dr Gordon Gill"], b.staff["Mary Manager"]]
    contacted = [o for o in orgs if o not in never]
    plan: list[tuple[TrustNoteKind, _Org, str, bool]] = []
    per_kind = {TrustNoteKind.POSITIVE: 12, TrustNoteKind.PATIENT_FEEDBACK: 10, TrustNoteKind.GENERAL: 8,
                TrustNoteKind.CONCERN: 6}
    for kind, count in per_kind.items():
        texts = _NOTES[kind]
        for i in range(count):
            org = r.choice(contacted)
            resolved = kind is TrustNoteKind.CONCERN and i % 2 == 1
            plan.append((kind, org, texts[i % len(texts)], resolved))
    # Safeguarding: open on a suspended organisation (if the vetting demo made one), one resolved.
    suspended = [o for o in orgs if o.vetting is VettingStatus.SUSPENDED]
    open_on = suspended[0] if suspended else r.choice(contacted)
    plan.append((TrustNoteKind.SAFEGUARDING, open_on, _NOTES[TrustNoteKind.SAFEGUARDING][0], False))
    plan.append((TrustNoteKind.SAFEGUARDING, r.choice(contacted), _NOTES[TrustNoteKind.SAFEGUARDING][1],
                 True))
    for kind, org, text, resolved in plan:
        person = r.choice(org.people) if org.people else None
        service_id = None
        if org.services and r.random() < 0.35:
            service_id = session.scalar(select(Service.id).where(Service.organisation_id == org.id,
                                                                 Service.name == r.choice(org.services)))
        noted = b.today - timedelta(days=r.randint(3, 340))
        if kind is TrustNoteKind.SAFEGUARDING and not resolved:
            noted = b.today - timedelta(days=r.randint(10, 30))
        session.add(TrustNote(organisation_id=org.id, service_id=service_id, kind=kind,
                              text=_fill(text, org, person, r), author_id=r.choice(authors).id,
                              noted_on=noted, resolved=resolved))


__all__ = ["DEMO_STAFF", "demo_relationships", "demo_staff"]
