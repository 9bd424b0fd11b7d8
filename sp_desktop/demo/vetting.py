"""Demo staff (one per role, password "demo") and a realistic mix of vetting records.

Runs FIRST among the demo steps: later steps (contacts, signposting) use these staff.

Staff, all with the password ``demo`` (documented in the README under "Demo accounts"):
Rachel Reception (front desk), Dr Gordon Gill (clinician), Priya Patel (clinician, practice
nurse), Lena Link (vetting lead) and Mary Manager (administrator).

Vetting states, relative to the clock: most organisations approved (approval dates spread over
the last year, so the next reviews fall at different times), a few with the review overdue or
due within 30 days, some with public liability insurance expiring soon (which brings their
review forward) and one already expired; some in review with part of the checklist done;
some not vetted; two suspended and two declined, with reasons. Every tick and decision has
an audit row with the right person and date, so the history window has something to show.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sp_desktop.db.engine import Clock
from sp_desktop.db.models import (
    AuditEvent,
    Contact,
    Location,
    Organisation,
    Staff,
    VettingCheckItem,
    VettingEvidence,
)
from sp_desktop.domain.enums import AppRole, AuditAction, RegisterKind, VettingStatus
from sp_desktop.domain.formatting import show_date
from sp_desktop.domain.organisation_kind import kind_of
from sp_desktop.services.settings import read_settings
from sp_desktop.services.staff import hash_password
from sp_desktop.services.vetting import item_applies, next_review_date, seed_vetting_checklist

DEMO_PASSWORD = "demo"

#: (name, app role, job role) — the README lists these under "Demo accounts".
DEMO_ACCOUNTS: tuple[tuple[str, AppRole, str], ...] = (
    ("Rachel Reception", AppRole.FRONT_DESK, "Receptionist"),
    ("Dr Gordon Gill", AppRole.CLINICIAN, "GP partner"),
    ("Priya Patel", AppRole.CLINICIAN, "Practice nurse"),
    ("Lena Link", AppRole.VETTING_LEAD, "Social prescribing link worker"),
    ("Mary Manager", AppRole.ADMINISTRATOR, "Practice manager"),
)

SUSPENDED = {
    "demo-org-twirl-community-dance":
        "Public liability insurance lapsed in October; waiting for the new certificate.",
    "demo-org-openroom-youth-wellbeing":
        "Their safeguarding lead has left; suspended until the new lead is named and the policy updated.",
}
DECLINED = {
    "demo-org-clippens-community-action":
        "No safeguarding policy and no plan to write one. Look again if that changes.",
    "demo-org-launchpad-futures":
        "No reply to three requests for their insurance and policies; could not confirm who runs it.",
}
IN_REVIEW = ("demo-org-sunflower-ukrainian-group", "demo-org-southside-silver-rainbows",
             "demo-org-inkwell-writers", "demo-org-steady-ground-pain-group", "demo-org-bright-sparks-club",
             "demo-org-southside-african-families")
NOT_VETTED = ("demo-org-threadwork-crafters", "demo-org-brocklaw-allotments",
              "demo-org-airways-support-group", "demo-org-barrhead-bumps-babies",
              "demo-org-comhla-gaelic-choir", "demo-org-veterans-breakfast-club")
#: Approved organisations whose review is overdue / due within 30 days / whose insurance expires soon.
OVERDUE = ("demo-org-linwood-mens-shed", "demo-org-cartvale-community-choir", "demo-org-loom-arts-studio",
           "demo-org-southside-striders", "demo-org-clicks-and-cuppas")
DUE_SOON = ("demo-org-golden-threads-day-club", "demo-org-canalside-community-garden",
            "demo-org-listening-lamp", "demo-org-spokes-and-smiles")
INSURANCE_EXPIRING = ("demo-org-step-together-walks", "demo-org-talk-it-out-mens-group",
                      "demo-org-rainbow-threads-lgbt", "demo-org-southside-green-hands")
INSURANCE_EXPIRED = ("demo-org-stagedoor-southside",)
#: The in-review organisation whose (already ticked) insurance expires soon.
IN_REVIEW_EXPIRING = "demo-org-steady-ground-pain-group"

_INSURERS = ("Clydeside Mutual", "Thistle Community Insurance", "Northern Voluntary Sector Insurers",
             "Saltire Charity Cover")
_PVG = ("PVG scheme membership confirmed for all staff and the {n} volunteers who work one-to-one.",
        "PVG records seen for the coordinator and {n} volunteers; new volunteers join the scheme before "
        "starting.",
        "Not applicable: group sessions only, always run by two volunteers; no one-to-one work.")
_DATA = ("Data protection policy seen; registered with the ICO.",
         "Privacy notice on their website; paper forms kept in a locked cabinet and shredded after a year.",
         "UK GDPR policy seen (updated this year); they keep only name and phone number for members.")
_COMPLAINTS = ("Complaints procedure on their website; the chair deals with complaints.",
               "Written complaints procedure seen; complaints go to the manager, then the board.",
               "Leaflet explains how to complain; they have had none in the last year.")
_PATHWAY = ("Patients can self-refer by phone; they e-mail the practice when someone starts.",
            "Referral form agreed; they let the practice know within two weeks if someone does not attend.",
            "Drop in without referral; they send a short update to the link worker each quarter.")


def demo_staff_accounts(session: Session) -> dict[str, Staff]:
    """Create (or complete) the demo accounts with the password "demo"."""
    out: dict[str, Staff] = {}
    for name, role, job in DEMO_ACCOUNTS:
        staff = session.scalar(select(Staff).where(Staff.name == name))
        if staff is None:
            staff = Staff(name=name, job_role=job, app_role=role, active=True)
            session.add(staff)
        if not staff.password_hash:
            staff.password_hash = hash_password(DEMO_PASSWORD)
        out[name] = staff
    session.flush()
    return out


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(9, 16), rng.choice((0, 10, 15, 20, 30, 40, 45, 50))))


def _audit(session: Session, when: datetime, who: Staff, action: AuditAction, entity_type: str,
           entity_id: int, label: str, org_id: int, summary: str,
           changes: dict[str, Any] | None = None) -> None:
    session.add(AuditEvent(at=when, staff_id=who.id, staff_name=who.name, action=action,
                           entity_type=entity_type, entity_id=entity_id, entity_label=label[:300],
                           organisation_id=org_id, changes=changes or {}, summary=summary))


def _note(code: str, org: Organisation, contact: str | None, venue: str | None, checked: date,
          rng: random.Random, expiry: date | None) -> str:
    if code == "constitution":
        return f"Constitution seen (adopted {checked.year - rng.randint(2, 12)}); committee list seen."
    if code == "register":
        if org.register_kind is RegisterKind.NONE or not org.registration_number:
            return "Unregistered community group: constitution and committee list seen."
        return (f"{org.register_kind.label} register checked: {org.registration_number}, in good standing, "
                "accounts up to date.")
    if code == "safeguarding":
        lead = contact or "the group coordinator"
        return f"Policy seen (reviewed {checked.year - rng.randint(0, 1)}); safeguarding lead: {lead}."
    if code == "pvg":
        return rng.choice(_PVG).format(n=rng.randint(3, 25))
    if code == "insurance":
        cover = rng.choice((5, 5, 10))
        return f"Certificate seen: {rng.choice(_INSURERS)}, £{cover} million public liability" + \
            (f", expires {show_date(expiry)}." if expiry else ".")
    if code == "data_protection":
        return rng.choice(_DATA)
    if code == "complaints":
        return rng.choice(_COMPLAINTS)
    if code == "met":
        if venue and rng.random() < 0.6:
            return f"Visited {venue}; welcoming, accessible entrance."
        return f"Met {contact or 'the coordinator'} at the practice to talk through what they offer."
    if code == "referral_pathway":
        return rng.choice(_PATHWAY)
    return "Seen."


def demo_vetting(session: Session, clock: Clock, rng: random.Random) -> None:
    """DEMO_STEPS entry: demo staff in every role and vetting records for the demo directory."""
    seed_vetting_checklist(session)
    staff = demo_staff_accounts(session)
    lena, mary, gordon = staff["Lena Link"], staff["Mary Manager"], staff["Dr Gordon Gill"]
    today = clock.now().date()
    interval = read_settings(session).review_interval_months
    items = list(session.scalars(select(VettingCheckItem).where(VettingCheckItem.active.is_(True))
                                 .order_by(VettingCheckItem.sort_order)))
    contacts: dict[int, str] = {}
    for c in session.scalars(select(Contact).where(Contact.organisation_id.is_not(None))
                             .order_by(Contact.id)):
        contacts.setdefault(c.organisation_id, c.name)  # type: ignore[arg-type]
    venues: dict[int, str] = {}
    for loc in session.scalars(select(Location).where(Location.organisation_id.is_not(None))
                               .order_by(Location.id)):
        if loc.name:
            venues.setdefault(loc.organisation_id, loc.name)  # type: ignore[arg-type]

    orgs = list(session.scalars(select(Organisation).order_by(Organisation.id)))
    for org in orgs:
        key = org.uid
        if key in NOT_VETTED:
            continue
        r = random.Random(f"{rng.random()}-{key}")  # stable per organisation, whatever the order
        checker = lena if r.random() < 0.8 else mary
        approver = lena if r.random() < 0.75 else mary
        # when the (latest) approval happened, and when the insurance expires
        if key in OVERDUE:
            approved = today - timedelta(days=365 + r.randint(6, 70))
            expiry = today + timedelta(days=r.randint(60, 200))
        elif key in DUE_SOON:
            approved = today - timedelta(days=365 - r.randint(4, 27))
            expiry = today + timedelta(days=r.randint(90, 250))
        elif key in INSURANCE_EXPIRING:
            approved = today - timedelta(days=r.randint(90, 240))
            expiry = today + timedelta(days=r.randint(5, 28))
        elif key in INSURANCE_EXPIRED:
            approved = today - timedelta(days=r.randint(200, 300))
            expiry = today - timedelta(days=r.randint(3, 12))
        elif key in IN_REVIEW or key in SUSPENDED or key in DECLINED:
            approved = today - timedelta(days=r.randint(20, 60))  # when the checks were done
            expiry = today + timedelta(days=r.randint(120, 330))
        else:
            approved = today - timedelta(days=r.randint(10, 330))
            expiry = approved + timedelta(days=r.randint(200, 500))
            if expiry <= today + timedelta(days=31):
                expiry = today + timedelta(days=r.randint(45, 300))
        if key == IN_REVIEW_EXPIRING:
            expiry = today + timedelta(days=r.randint(8, 20))
        if key == "demo-org-twirl-community-dance":  # suspended: the insurance lapsed last month
            approved = today - timedelta(days=r.randint(150, 250))
            expiry = today - timedelta(days=r.randint(20, 40))

        # which checklist items are done
        if key in IN_REVIEW:
            done_codes = {"register", "safeguarding", "met", "insurance"} if key == IN_REVIEW_EXPIRING \
                else set(r.sample(["register", "safeguarding", "pvg", "data_protection", "complaints", "met"],
                                  r.randint(2, 4)))
        elif key in DECLINED:
            done_codes = {"register", "met"}
        else:
            done_codes = {it.code for it in items if it.mandatory}
            if r.random() < 0.7:
                done_codes.add("referral_pathway")
        # only the items for this kind of organisation: a community group shows its constitution
        kind = kind_of(org.legal_status)
        applies = {it.code for it in items if item_applies(it, kind)}
        if "register" in done_codes and "register" not in applies:
            done_codes.add("constitution")
        done_codes &= applies
        start = approved - timedelta(days=r.randint(8, 30))
        first_tick: datetime | None = None
        last_tick: datetime | None = None
        for it in items:
            if it.code not in done_codes:
                continue
            checked = start + timedelta(days=r.randint(0, max(0, (approved - start).days)))
            who = gordon if it.code == "met" and r.random() < 0.25 else checker
            exp = expiry if it.has_expiry else None
            note = _note(it.code, org, contacts.get(org.id), venues.get(org.id), checked, r, exp)
            ev = VettingEvidence(organisation_id=org.id, item_id=it.id, complete=True, checked_by_id=who.id,
                                 checked_on=checked, notes=note, expires_on=exp)
            session.add(ev)
            session.flush()
            when = _at(checked, r)
            first_tick = min(first_tick or when, when)
            last_tick = max(last_tick or when, when)
            summary = f"ticked “{it.label}”" + (f" (expires {show_date(exp)})" if exp else "")
            _audit(session, when, who, AuditAction.VETTING, "vetting_evidence", ev.id,
                   f"{org.name}: {it.label}", org.id, summary,
                   {"complete": [False, True], "notes": [None, note]}
                   | ({"expires_on": [None, exp.isoformat()]} if exp else {}))
        started = (first_tick or _at(start, r)) - timedelta(minutes=5)
        _audit(session, started, checker, AuditAction.VETTING, "organisation", org.id, org.name, org.id,
               "review started", {"vetting_status": ["not_vetted", "in_review"]})

        if key in IN_REVIEW:
            org.vetting_status = VettingStatus.IN_REVIEW
            continue
        if key in DECLINED:
            org.vetting_status = VettingStatus.DECLINED
            org.vetting_reason = DECLINED[key]
            declined_at = max(_at(approved, r), (last_tick or started) + timedelta(minutes=20))
            _audit(session, declined_at, approver, AuditAction.VETTING, "organisation", org.id, org.name,
                   org.id, f"declined: {DECLINED[key]}",
                   {"vetting_status": ["in_review", "declined"], "vetting_reason": [None, DECLINED[key]]})
            continue
        # approved (possibly later suspended)
        expiries = [expiry] if "insurance" in done_codes else []
        due = next_review_date(approved, interval, expiries)
        org.vetting_status = VettingStatus.APPROVED
        org.approved_by_id = approver.id
        org.approved_on = approved
        org.next_review_on = due
        text = f"approved; next review {show_date(due)}"
        if expiries and due == expiry:
            text += " (brought forward by an expiry date)"
        approved_at = max(_at(approved, r), (last_tick or started) + timedelta(minutes=20))
        _audit(session, approved_at, approver, AuditAction.VETTING, "organisation", org.id, org.name,
               org.id, text, {"vetting_status": ["in_review", "approved"],
                              "approved_on": [None, approved.isoformat()],
                              "next_review_on": [None, due.isoformat()]})
        if key in SUSPENDED:
            suspended_on = today - timedelta(days=r.randint(5, 20))
            org.vetting_status = VettingStatus.SUSPENDED
            org.vetting_reason = SUSPENDED[key]
            _audit(session, _at(suspended_on, r), lena, AuditAction.VETTING, "organisation", org.id,
                   org.name, org.id, f"suspended: {SUSPENDED[key]}",
                   {"vetting_status": ["approved", "suspended"], "vetting_reason": [None, SUSPENDED[key]]})
    session.flush()


__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "demo_staff_accounts", "demo_vetting"]
