"""A small signposting history whose report figures are worked out by hand (see EXPECTED).

Period 1 Sep 2026 to 30 Nov 2026 (the test clock is 24 Nov 2026). Two organisations, three
services, twelve records in the period and one before it. Sentinel strings sit in every place
that must never reach a report: a patient reference, an unshared feedback note, a trust note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from sp_desktop.db.engine import Database
from sp_desktop.db.models import Category, Organisation, Service
from sp_desktop.domain.enums import AppRole, Experience, Outcome, SignpostingMethod, TrustNoteKind
from sp_desktop.services.base import ServiceContext
from sp_desktop.services.settings import SettingsService
from sp_desktop.services.signposting import OutcomeForm, SignpostingForm, SignpostingService

PERIOD = (date(2026, 9, 1), date(2026, 11, 30))
PATIENT_REF_SENTINEL = "PTREF9911"
STAFF_ONLY_SENTINEL = "STAFFONLYSENTINEL unshared note"
TRUST_NOTE_SENTINEL = "TRUSTNOTESENTINEL private"
SHARED_GOOD = "Really helpful and kind staff."
SHARED_POOR = "SHAREDPOOR waited a long time."
OUT_OF_RANGE_NOTE = "OUTOFRANGE note from August"


@dataclass
class SmallHistory:
    money_id: int
    walkers_id: int
    debt_id: int  # "Debt advice drop-in" (S1)
    benefits_id: int  # "Benefits check" (S2)
    walk_id: int  # "Canal walk" (S3)
    reception: ServiceContext
    clinician: ServiceContext
    admin: ServiceContext
    record_ids: dict[str, int]
    item_ids: dict[str, int]


def _add_services(db: Database, clock) -> tuple[int, int, int, int, int]:
    with db.write(clock) as s:
        money = Organisation(name="Renfrew Money Matters")
        walkers = Organisation(name="Paisley Walkers")
        s.add_all([money, walkers])
        s.flush()
        debt = Service(organisation_id=money.id, name="Debt advice drop-in")
        benefits = Service(organisation_id=money.id, name="Benefits check")
        walk = Service(organisation_id=walkers.id, name="Canal walk")
        s.add_all([debt, benefits, walk])
        s.flush()
        return money.id, walkers.id, debt.id, benefits.id, walk.id


def category_ids(db: Database, *codes: str) -> list[int]:
    with db.read() as s:
        found = dict(s.execute(select(Category.code, Category.id).where(Category.code.in_(codes))).all())
    return [found[c] for c in codes]


def build_small_history(db: Database, clock, ctx_as, admin: ServiceContext) -> SmallHistory:
    money_id, walkers_id, debt_id, benefits_id, walk_id = _add_services(db, clock)
    reception = ctx_as(AppRole.FRONT_DESK, "Rachel Test")
    clinician = ctx_as(AppRole.CLINICIAN, "Dr Clare Test")
    debt_cat, welfare_cat, walking_cat, befriending_cat = category_ids(
        db, "debt-advice", "welfare-rights", "walking-groups", "befriending")
    SettingsService(admin).update(allow_patient_reference=True)

    records: dict[str, int] = {}
    items: dict[str, int] = {}

    def rec(key: str, ctx: ServiceContext, on: date, services: list[int], reasons: list[int],
            method: SignpostingMethod, ref: str = "") -> None:
        d = SignpostingService(ctx).record(SignpostingForm(services, method, on, reasons, patient_ref=ref))
        records[key] = d.id
        for item in d.items:
            items[f"{key}:{item.service_name}"] = item.id

    def out(key: str, outcome: Outcome, experience: Experience | None = None, note: str = "",
            share: bool = False, before=None, after=None) -> None:
        SignpostingService(clinician).record_outcome(items[key], OutcomeForm(outcome, experience, note, share,
                                                                             before, after))

    L, F, P, E = (SignpostingMethod.LEAFLET, SignpostingMethod.REFERRAL_FORM, SignpostingMethod.PHONED,
                  SignpostingMethod.EMAIL)
    rec("R0", reception, date(2026, 8, 15), [debt_id], [debt_cat], L)
    out("R0:Debt advice drop-in", Outcome.ENGAGED, Experience.POOR, OUT_OF_RANGE_NOTE, True)
    rec("R1", reception, date(2026, 9, 2), [debt_id], [debt_cat], L, ref=PATIENT_REF_SENTINEL)
    out("R1:Debt advice drop-in", Outcome.ENGAGED, Experience.GOOD, SHARED_GOOD, True,
        [5, 5, 5, 8], [7, 6, 8, 4])
    rec("R2", reception, date(2026, 9, 10), [debt_id, walk_id], [debt_cat, walking_cat], F)
    out("R2:Debt advice drop-in", Outcome.ATTENDED_ONCE, Experience.POOR, SHARED_POOR, True,
        [4, 6, 5, 6], [6, 6, 7, 5])
    out("R2:Canal walk", Outcome.DID_NOT_ATTEND)
    rec("R3", reception, date(2026, 10, 15), [debt_id], [welfare_cat], P)
    out("R3:Debt advice drop-in", Outcome.NOT_SUITABLE, Experience.POOR, STAFF_ONLY_SENTINEL, False,
        [3, 3, 3, 9], None)
    rec("R4", reception, date(2026, 10, 20), [debt_id], [], L)
    out("R4:Debt advice drop-in", Outcome.NOT_KNOWN)
    rec("R5", reception, date(2026, 11, 1), [debt_id], [befriending_cat], L)
    out("R5:Debt advice drop-in", Outcome.ENGAGED, Experience.MIXED)
    rec("R6", reception, date(2026, 11, 5), [benefits_id], [welfare_cat], L)
    for key, day, outcome in (("R7", 3, Outcome.ENGAGED), ("R8", 4, Outcome.ENGAGED),
                              ("R9", 6, Outcome.ENGAGED), ("R10", 9, Outcome.DID_NOT_ATTEND),
                              ("R11", 10, Outcome.DID_NOT_ATTEND), ("R12", 11, Outcome.DECLINED)):
        rec(key, clinician, date(2026, 11, day), [benefits_id], [debt_cat], E)
        out(f"{key}:Benefits check", outcome)

    from sp_desktop.services.relationships import TrustNoteService

    TrustNoteService(clinician).add(money_id, TrustNoteKind.CONCERN, TRUST_NOTE_SENTINEL, service_id=debt_id)
    return SmallHistory(money_id, walkers_id, debt_id, benefits_id, walk_id, reception, clinician, admin,
                        records, items)


#: Worked out by hand from the records above (see the module docstring).
EXPECTED = {
    "records": 12,
    "items": 13,
    "by_service": [("Benefits check", 7), ("Debt advice drop-in", 5), ("Canal walk", 1)],
    "attended_text": {"Benefits check": "50% (3 of 6)", "Debt advice drop-in": "3 of 4",
                      "Canal walk": "0 of 1"},
    "poor_text": {"Benefits check": "—", "Debt advice drop-in": "2 of 4", "Canal walk": "—"},
    "flagged": ["Debt advice drop-in"],
    "by_organisation": [("Renfrew Money Matters", 12), ("Paisley Walkers", 1)],
    "by_category": [("Money, debt and benefits", 10), ("Loneliness and social connection", 1),
                    ("Physical activity", 1), ("No reason recorded", 1)],
    "by_month": [("Sep 2026", 2, 3), ("Oct 2026", 2, 2), ("Nov 2026", 8, 8)],
    "by_staff": [("Dr Clare Test", 6, 6), ("Rachel Test", 6, 7)],
    "by_method": [("Leaflet given", 4), ("Phoned on the patient's behalf", 1), ("Referral form sent", 1),
                  ("E-mail", 6)],
    "ons4_pairs": 2,
    "ons4_change": [2.0, 0.5, 2.5, -2.5],
    "totals": {"engaged": 5, "attended_once": 1, "did_not_attend": 3, "not_suitable": 1, "service_full": 0,
               "declined": 1, "not_known": 1, "awaiting": 1, "good": 1, "mixed": 1, "poor": 2},
}
