"""Demo signposting history: a believable 18 months of signposting, outcomes and feedback.

`demo_signposting` is the DEMO_STEPS entry (about 420 records ending on the demo clock's
today). `generate_signposting` is the fast generator behind it (Core bulk inserts, a few
thousand records a second); tests use it to build large histories.

Everything is drawn from the seeded `random.Random`, so the demo is identical on every PC.
The demo never stores patient references (the setting is off by default).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from sp_desktop.db.engine import Clock
from sp_desktop.db.models import (
    Service,
    Signposting,
    SignpostingItem,
    Staff,
    service_category,
    signposting_reason,
)
from sp_desktop.domain.enums import AppRole, Experience, Outcome, SignpostingMethod

#: The demo practice's people (the vetting demo step creates them; created here if absent).
DEMO_STAFF: tuple[tuple[str, AppRole, str], ...] = (
    ("Rachel Reception", AppRole.FRONT_DESK, "Receptionist"),
    ("Dr Gordon Gill", AppRole.CLINICIAN, "GP partner"),
    ("Lena Link", AppRole.VETTING_LEAD, "Community link worker"),
    ("Mary Manager", AppRole.ADMINISTRATOR, "Practice manager"),
)
#: How often each of them signposts (receptionists and the link worker do most of it).
STAFF_WEIGHTS = {"Rachel Reception": 40, "Dr Gordon Gill": 20, "Lena Link": 35, "Mary Manager": 5}

DEMO_RECORDS = 420
#: The newest month is (1 + GROWTH) times as busy as the oldest: social prescribing is growing.
GROWTH = 1.2
DEMO_MONTHS = 18

_METHODS = ((SignpostingMethod.LEAFLET, 55), (SignpostingMethod.REFERRAL_FORM, 20),
            (SignpostingMethod.PHONED, 15), (SignpostingMethod.EMAIL, 10))

_OUTCOMES_USUAL = ((Outcome.ENGAGED, 44), (Outcome.ATTENDED_ONCE, 16), (Outcome.DID_NOT_ATTEND, 14),
                   (Outcome.NOT_SUITABLE, 4), (Outcome.SERVICE_FULL, 5), (Outcome.DECLINED, 7),
                   (Outcome.NOT_KNOWN, 10))
_OUTCOMES_STRUGGLING = ((Outcome.ENGAGED, 20), (Outcome.ATTENDED_ONCE, 20), (Outcome.DID_NOT_ATTEND, 15),
                        (Outcome.NOT_SUITABLE, 18), (Outcome.SERVICE_FULL, 12), (Outcome.DECLINED, 5),
                        (Outcome.NOT_KNOWN, 10))

_GOOD_NOTES = (
    "Felt welcome from the first visit and has been going every week since.",
    "The volunteer rang back the same day, which made a real difference.",
    "Says it has given them a reason to get out of the house.",
    "Helped sort out the benefit forms in one appointment.",
    "Enjoyed the group and has made a couple of friends there.",
    "Staff were patient and explained everything clearly.",
    "Found the walk easy to join and plans to keep going.",
    "Said the advice was practical and not judgemental.",
)
_MIXED_NOTES = (
    "Liked the people but found the building hard to get into.",
    "Helpful once seen, but waited three weeks for a call back.",
    "The session was fine; the times do not fit around work.",
    "Useful advice, though they felt rushed at the end.",
    "Went twice; the group was bigger than expected.",
)
_POOR_NOTES = (
    "Nobody answered the phone over several days.",
    "Was told the service no longer covers this area.",
    "Felt the group was not the right fit and did not return.",
    "Arrived for the session but it had been cancelled without notice.",
    "Waiting list much longer than the leaflet suggested.",
)


@dataclass(frozen=True)
class GeneratedHistory:
    records: int
    items: int
    first_id: int
    last_id: int


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs], k=1)[0]


def demo_staff_ids(session: Session) -> dict[str, int]:
    """The demo staff by name, created (without passwords) if the vetting demo did not make them."""
    ids: dict[str, int] = {}
    for name, role, job in DEMO_STAFF:
        staff_id = session.scalar(select(Staff.id).where(Staff.name == name))
        if staff_id is None:
            staff = Staff(name=name, job_role=job, app_role=role, active=True)
            session.add(staff)
            session.flush()
            staff_id = staff.id
        ids[name] = staff_id
    return ids


def generate_signposting(session: Session, clock: Clock, rng: random.Random, *, count: int,
                         months: int = DEMO_MONTHS, staff_weights: dict[int, int] | None = None,
                         outcome_staff_ids: Sequence[int] | None = None,
                         service_ids: Sequence[int] | None = None,
                         patient_refs: bool = False, batch: int = 2000) -> GeneratedHistory:
    """Insert `count` signposting records spread over the last `months` months (bulk, fast).

    Recent records are busier and mostly still await an outcome; older ones mostly have one.
    A few services are "struggling" (more poor experiences), so reports have something to
    highlight. Some feedback is shared with the organisation; some follow-ups are due.
    """
    now = clock.now().replace(microsecond=0)
    today = now.date()
    if staff_weights is None:
        staff_weights = {sid: STAFF_WEIGHTS.get(name, 10) for name, sid in demo_staff_ids(session).items()}
    staff_ids = list(staff_weights)
    weights = [staff_weights[s] for s in staff_ids]
    outcome_staff = list(outcome_staff_ids or staff_ids)
    if service_ids is None:
        service_ids = list(session.scalars(select(Service.id).where(Service.archived_at.is_(None))
                                           .order_by(Service.id)))
    if not service_ids:
        raise ValueError("There are no services to signpost to.")
    # Popularity: a few services get most of the signposting (a long tail, as in real life).
    pool = list(service_ids)
    rng.shuffle(pool)
    popularity = [1.0 / (rank + 1) ** 0.8 for rank in range(len(pool))]
    struggling = set(pool[2:4]) | set(pool[9:10])
    # Reasons: each service's own categories (the need it meets).
    cats: dict[int, list[int]] = {}
    for sid, cid in session.execute(select(service_category.c.service_id, service_category.c.category_id)
                                    .where(service_category.c.service_id.in_(pool[:400]))
                                    .order_by(service_category.c.service_id, service_category.c.category_id)):
        cats.setdefault(sid, []).append(cid)
    by_category: dict[int, list[int]] = {}
    for sid, cids in cats.items():
        for cid in cids:
            by_category.setdefault(cid, []).append(sid)

    span = max(30, int(months * 30.44))
    start_id = int(session.scalar(select(func.max(Signposting.id))) or 0) + 1
    item_id = first_item_id = int(session.scalar(select(func.max(SignpostingItem.id))) or 0) + 1
    sp_rows: list[dict[str, Any]] = []
    item_rows: list[dict[str, Any]] = []
    reason_rows: list[dict[str, Any]] = []

    def flush() -> None:
        if sp_rows:
            session.execute(insert(Signposting), sp_rows)
        if item_rows:
            session.execute(insert(SignpostingItem), item_rows)
        if reason_rows:
            session.execute(insert(signposting_reason), reason_rows)
        sp_rows.clear()
        item_rows.clear()
        reason_rows.clear()

    for n in range(count):
        sp_id = start_id + n
        # Busier recently (the service is growing), quieter in August and at Christmas.
        while True:
            age = rng.randrange(span)
            if rng.random() * (1 + GROWTH) > 1 + GROWTH * (1 - age / span):
                continue
            when = today - timedelta(days=age)
            quiet = (when.month == 8 and rng.random() < 0.3) or (when.month == 12 and when.day > 20
                                                                 and rng.random() < 0.6)
            if not quiet and when.weekday() < 5:
                break
        first = rng.choices(pool, weights=popularity, k=1)[0]
        chosen = [first]
        extra = _weighted(rng, ((0, 75), (1, 20), (2, 5)))
        related = [s for c in cats.get(first, []) for s in by_category.get(c, []) if s != first]
        for _ in range(extra):
            candidates = related or pool
            pick = rng.choice(candidates)
            if pick not in chosen:
                chosen.append(pick)
        method = _weighted(rng, _METHODS)
        reasons = list(dict.fromkeys(cats.get(first, [])[:1] + ([rng.choice(cats[chosen[1]])]
                                                                if len(chosen) > 1 and cats.get(chosen[1])
                                                                else [])))
        if rng.random() < 0.04:
            reasons = []  # sometimes nobody ticks a reason
        # How long ago decides how likely an outcome is known by now.
        chance = 0.92 if age > 56 else 0.6 if age > 21 else 0.12
        talked = method in (SignpostingMethod.PHONED, SignpostingMethod.REFERRAL_FORM)
        has_ons4 = rng.random() < (0.45 if talked else 0.2)
        all_known = True
        engaged_any = False
        for sid in chosen:
            row: dict[str, Any] = {"id": item_id, "signposting_id": sp_id, "service_id": sid, "outcome": None,
                                   "experience": None, "experience_note": None, "share_feedback": False,
                                   "outcome_by_id": None, "outcome_on": None, "version": 1,
                                   "created_at": now, "updated_at": now}
            item_id += 1
            if rng.random() < chance:
                outcome = _weighted(rng, _OUTCOMES_STRUGGLING if sid in struggling else _OUTCOMES_USUAL)
                row["outcome"] = outcome
                row["outcome_by_id"] = rng.choice(outcome_staff)
                row["outcome_on"] = min(today, when + timedelta(days=rng.randint(10, 60)))
                engaged_any = engaged_any or outcome is Outcome.ENGAGED
                experience: Experience | None = None
                if outcome in (Outcome.ENGAGED, Outcome.ATTENDED_ONCE):
                    odds = ((Experience.GOOD, 35), (Experience.MIXED, 30), (Experience.POOR, 35)) \
                        if sid in struggling else ((Experience.GOOD, 72), (Experience.MIXED, 21),
                                                   (Experience.POOR, 7))
                    experience = _weighted(rng, odds) if rng.random() < 0.85 else None
                elif outcome in (Outcome.NOT_SUITABLE, Outcome.SERVICE_FULL):
                    experience = _weighted(rng, ((Experience.POOR, 45), (Experience.MIXED, 35), (None, 20)))
                row["experience"] = experience
                if experience is not None and rng.random() < 0.45:
                    notes = {Experience.GOOD: _GOOD_NOTES, Experience.MIXED: _MIXED_NOTES,
                             Experience.POOR: _POOR_NOTES}[experience]
                    row["experience_note"] = rng.choice(notes)
                    share_odds = 0.3 if experience is Experience.POOR else 0.65
                    row["share_feedback"] = rng.random() < share_odds
            else:
                all_known = False
            item_rows.append(row)
        before = after = None
        if has_ons4:
            before = [rng.randint(2, 7), rng.randint(2, 7), rng.randint(2, 7), rng.randint(4, 9)]
            if all_known and rng.random() < 0.8:
                lift = rng.randint(1, 3) if engaged_any else rng.randint(-1, 1)
                after = [max(0, min(10, before[0] + lift + rng.randint(-1, 1))),
                         max(0, min(10, before[1] + lift + rng.randint(-1, 1))),
                         max(0, min(10, before[2] + lift + rng.randint(-1, 1))),
                         max(0, min(10, before[3] - lift + rng.randint(-1, 1)))]
        follow_up_on = None
        done = False
        if rng.random() < 0.4:
            follow_up_on = when + timedelta(days=rng.choice((14, 21, 28, 42)))
            # Mostly closed once the outcome is known; a few recent ones are still open (due now).
            done = (all_known and rng.random() < 0.8) or follow_up_on < today - timedelta(days=35)
        sp_rows.append({"id": sp_id, "occurred_on": when, "staff_id": rng.choices(staff_ids, weights)[0],
                        "method": method,
                        "patient_ref": f"R{rng.randint(100000, 999999)}" if patient_refs else None,
                        "follow_up_on": follow_up_on, "follow_up_done": done,
                        "ons4_before": before, "ons4_after": after, "version": 1,
                        "created_at": now, "updated_at": now})
        reason_rows.extend({"signposting_id": sp_id, "category_id": cid} for cid in reasons)
        if len(sp_rows) >= batch:
            flush()
    flush()
    session.flush()
    return GeneratedHistory(count, item_id - first_item_id, start_id, start_id + count - 1)


def demo_signposting(session: Session, clock: Clock, rng: random.Random) -> None:
    """DEMO_STEPS entry: 18 months of signposting by the demo staff."""
    staff = demo_staff_ids(session)
    clinical = [staff[n] for n, role, _ in DEMO_STAFF if role.rank >= AppRole.CLINICIAN.rank]
    generate_signposting(session, clock, random.Random(rng.random()), count=DEMO_RECORDS,
                         staff_weights={staff[n]: w for n, w in STAFF_WEIGHTS.items()},
                         outcome_staff_ids=clinical)


__all__ = ["DEMO_RECORDS", "DEMO_STAFF", "GeneratedHistory", "demo_signposting", "demo_staff_ids",
           "generate_signposting"]
