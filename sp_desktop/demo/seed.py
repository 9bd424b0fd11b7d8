"""The demo directory: a separate database seeded from resources/demo/ (never the practice's data).

`seed_demo()` runs once on an empty demo database. Each feature that has demo data adds a
step to `DEMO_STEPS` (staff and vetting, contact history, signposting...), each taking the
session, the clock and a seeded `random.Random` so the demo is the same on every PC.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sp_desktop.db.engine import Clock, Database
from sp_desktop.db.models import (
    Category,
    Contact,
    Location,
    Organisation,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    Setting,
)
from sp_desktop.db.sequences import reset_sequences
from sp_desktop.demo.relationships import demo_relationships
from sp_desktop.demo.signposting import demo_signposting
from sp_desktop.demo.vetting import demo_vetting
from sp_desktop.domain.enums import OrganisationStatus, PhoneType, RegisterKind, ServiceStatus
from sp_desktop.domain.validators import normalise_phone, normalise_postcode
from sp_desktop.paths import resource_path

DemoStep = Callable[[Session, Clock, random.Random], None]

#: Extra demo data, run in order after the directory is loaded (same transaction).
DEMO_STEPS: list[DemoStep] = [demo_vetting]  # first: the steps after it use the demo staff it creates
DEMO_STEPS.append(demo_signposting)  # kept after the steps listed above: it uses the staff they create
DEMO_STEPS.append(demo_relationships)  # after vetting: uses its staff and vetting states


def demo_file() -> Path:
    return resource_path("demo", "directory.json")


def is_seeded(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(Organisation)))


def load_directory(session: Session, data: dict[str, Any], clock: Clock) -> dict[str, int]:
    """Insert the demo directory. Returns {key: service id} for later steps."""
    cats = {c.code: c for c in session.scalars(select(Category))}
    service_ids: dict[str, int] = {}
    for o in data["organisations"]:
        org = Organisation(
            uid=f"demo-{o['key']}", name=o["name"], alternate_name=o.get("alternate_name"),
            description=o.get("description"), website=o.get("website"), email=o.get("email"),
            legal_status=o.get("legal_status"), register_kind=RegisterKind(o.get("register_kind") or "none"),
            registration_number=o.get("registration_number"),
            status=OrganisationStatus(o.get("status") or "active"))
        session.add(org)
        session.flush()
        for p in o.get("phones", []):
            session.add(Phone(organisation_id=org.id, number=normalise_phone(p["number"]),
                              type=PhoneType(p.get("type") or "voice"), description=p.get("description")))
        for c in o.get("contacts", []):
            session.add(Contact(organisation_id=org.id, name=c["name"], role=c.get("role"),
                                phone=normalise_phone(c["phone"]) if c.get("phone") else None,
                                email=c.get("email")))
        locs: dict[str, Location] = {}
        for loc in o.get("locations", []):
            postcode = normalise_postcode(loc["postcode"]).value if loc.get("postcode") else None
            obj = Location(uid=f"demo-{loc['key']}", organisation_id=org.id, name=loc.get("name"),
                           address_1=loc.get("address_1"), address_2=loc.get("address_2"),
                           town=loc.get("town"), postcode=postcode,
                           accessibility=list(loc.get("accessibility") or []),
                           accessibility_notes=loc.get("accessibility_notes"),
                           transport_notes=loc.get("transport_notes"))
            session.add(obj)
            locs[loc["key"]] = obj
        session.flush()
        for sv in o.get("services", []):
            access = set(sv.get("access") or [])
            svc = Service(
                uid=f"demo-{sv['key']}", organisation_id=org.id, name=sv["name"],
                description=sv.get("description"),
                eligibility=sv.get("eligibility"), min_age=sv.get("min_age"), max_age=sv.get("max_age"),
                access_self_referral="self_referral" in access,
                access_professional_referral="professional_referral" in access,
                access_drop_in="drop_in" in access, access_appointment="appointment" in access,
                application_process=sv.get("application_process"),
                referral_form_url=sv.get("referral_form_url"),
                is_free=bool(sv.get("free", True)), fee_description=sv.get("fee_description"),
                languages=list(sv.get("languages") or []), interpretation=sv.get("interpretation"),
                bsl=bool(sv.get("bsl")), by_phone=bool(sv.get("by_phone")), online=bool(sv.get("online")),
                schedule_notes=sv.get("schedule_notes"), service_area=sv.get("service_area"),
                status=ServiceStatus(sv.get("status") or "active"), email=sv.get("email"), url=sv.get("url"),
                last_verified_on=date.fromisoformat(sv["last_verified"]) if sv.get("last_verified") else None,
                last_verified_by="Demo data",
                categories=[cats[c] for c in sv.get("categories", []) if c in cats],
                schedules=[Schedule(weekday=x["weekday"], opens_at=x.get("opens"), closes_at=x.get("closes"),
                                    note=x.get("note")) for x in sv.get("schedule", [])])
            session.add(svc)
            session.flush()
            service_ids[sv["key"]] = svc.id
            for p in sv.get("phones", []):
                session.add(Phone(service_id=svc.id, number=normalise_phone(p["number"]),
                                  type=PhoneType(p.get("type") or "voice"), description=p.get("description")))
            for key in sv.get("locations", []):
                session.add(ServiceAtLocation(service_id=svc.id, location_id=locs[key].id))
    session.flush()
    return service_ids


#: The demo directory's fictional practice (Ofcom drama-range phone number).
DEMO_PRACTICE = {
    "practice_name": "Lindenbrae Medical Practice (demo)",
    "practice_address": "14 Lindenbrae Road\nPaisley\nPA1 9ZZ",
    "practice_phone": "0141 496 0123",
}


def seed_demo(db: Database, clock: Clock, path: Path | None = None) -> bool:
    """Fill an empty demo database. Returns False if it already had data."""
    with db.write(clock) as session:
        if is_seeded(session):
            return False
        data = json.loads((path or demo_file()).read_text(encoding="utf-8"))
        load_directory(session, data, clock)
        for key, value in DEMO_PRACTICE.items():  # the demo's own (fictional) practice, for its leaflets
            session.add(Setting(key=key, value=value))
        rng = random.Random(20261124)
        for step in DEMO_STEPS:
            step(session, clock, rng)
        session.flush()
        reset_sequences(session.connection())  # PostgreSQL: steps may insert explicit ids
    return True
