# A data file: long lines of prose read better unbroken.
# ruff: noqa: E501
"""Build ``resources/demo/directory.json``: the fictional demo directory for sp_desktop.

Everything here is invented: organisation names, people, addresses and registration
numbers. Phone numbers come only from Ofcom's drama ranges (01632 960xxx, 07700 900xxx).
The output is deterministic, so re-running it gives the same file.

    .venv/bin/python resources/demo/make_directory.py
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import unicodedata
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("directory.json")
RNG = random.Random(20260301)

_LANDLINES = iter(RNG.sample(range(1000), 1000))
_MOBILES = iter(RNG.sample(range(1000), 1000))
_DAYS = {"Mon": 0, "Tue": 1, "Wed": 2, "Thu": 3, "Fri": 4, "Sat": 5, "Sun": 6}
_SCHEDULE = re.compile(r"^(\w{3})(?:-(\w{3}))? (\d\d:\d\d)-(\d\d:\d\d)(?: \[(.+)\])?$")
_VERIFIED_FROM = dt.date(2025, 3, 1)
_VERIFIED_TO = dt.date(2026, 11, 15)
_STALE_BEFORE = dt.date(2025, 11, 15)

Json = dict[str, Any]


def landline() -> str:
    return f"01632 960{next(_LANDLINES):03d}"


def mobile() -> str:
    return f"07700 900{next(_MOBILES):03d}"


def phone(description: str, kind: str = "voice", *, mob: bool = False) -> Json:
    return {"number": mobile() if mob or kind == "text" else landline(), "type": kind,
            "description": description}


def person(name: str, role: str, reach: str | None = "mobile", email: bool = True) -> Json:
    """A contact; `reach` is "mobile", "landline" or None. Email is filled in by `org`."""
    number = mobile() if reach == "mobile" else landline() if reach == "landline" else None
    return {"name": name, "role": role, "phone": number, "email": email}


def loc(slug: str, name: str, address_1: str, town: str, postcode: str, access: str = "",
        notes: str | None = None, transport: str | None = None, address_2: str | None = None) -> Json:
    return {"key": f"loc-{slug}", "name": name, "address_1": address_1, "address_2": address_2,
            "town": town, "postcode": postcode, "accessibility": access.split(),
            "accessibility_notes": notes, "transport_notes": transport}


def schedule(text: str) -> list[Json]:
    """'Mon-Fri 09:00-17:00; Sat 10:00-12:00 [1st Saturday only]' -> schedule rows."""
    rows = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        m = _SCHEDULE.match(part)
        if not m:
            raise ValueError(f"bad schedule part: {part!r}")
        first, last, opens, closes, note = m.groups()
        for day in range(_DAYS[first], _DAYS[last or first] + 1):
            rows.append({"weekday": day, "opens": opens, "closes": closes, "note": note})
    return rows


def _default_process(access: list[str], has_phone: bool) -> str:
    if access == ["professional_referral"]:
        return "Ask your GP, link worker or another professional to refer you. The team will then phone you."
    if "drop_in" in access:
        return "Just come along at the times shown. You do not need to book."
    if "appointment" in access:
        return "Phone to book an appointment." if has_phone else "Phone the office to book an appointment."
    return "Phone or email to have a chat about what you need. You can refer yourself."


def svc(slug: str, name: str, description: str, *, who: str, cats: str, access: str, when: str = "",
        how: str | None = None, min_age: int | None = None, max_age: int | None = None,
        form: bool = False, fee: str | None = None, languages: tuple[str, ...] = ("English",),
        interpretation: str | None = None, bsl: bool = False, by_phone: bool = False,
        online: bool = False, area: str = "Renfrewshire", status: str | None = None,
        email: str | None = None, url: bool = False, phones: tuple[Json, ...] = (),
        at: tuple[str, ...] | None = None, notes: str | None = None,
        verified: str | None = None) -> Json:
    routes = access.split()
    return {
        "key": f"svc-{slug}", "name": name, "description": description, "eligibility": who,
        "min_age": min_age, "max_age": max_age, "access": routes,
        "application_process": how or _default_process(routes, bool(phones)),
        "referral_form_url": form, "free": fee is None or fee.startswith("Free"),
        "fee_description": fee, "languages": list(languages), "interpretation": interpretation,
        "bsl": bsl, "by_phone": by_phone, "online": online, "service_area": area,
        "status": status, "email": email, "url": url, "phones": list(phones),
        "categories": cats.split(), "locations": at, "schedule": schedule(when),
        "schedule_notes": notes, "last_verified": verified,
    }


def _verified_date() -> str:
    """Most entries checked in the last year; about a fifth are overdue for review."""
    if RNG.random() < 0.22:
        lo, hi = _VERIFIED_FROM, _STALE_BEFORE
    else:
        lo, hi = _STALE_BEFORE, _VERIFIED_TO
    return (lo + dt.timedelta(days=RNG.randint(0, (hi - lo).days))).isoformat()


_SERVICE_STATUS = {"active": "active", "temporarily_closed": "temporarily_closed", "closed": "inactive"}


def org(slug: str, name: str, description: str, *, legal: str, register: str, number: str | None = None,
        locations: tuple[Json, ...] = (), services: tuple[Json, ...] = (), alt: str | None = None,
        status: str = "active", phones: tuple[Json, ...] | None = None,
        contacts: tuple[Json, ...] = ()) -> Json:
    domain = f"{slug}.example.org"
    loc_keys = [x["key"] for x in locations]
    for s in services:
        short = s["key"].removeprefix("svc-")
        if s["locations"] is None:
            s["locations"] = loc_keys[:1]
        if s["referral_form_url"] is True:
            s["referral_form_url"] = f"https://{domain}/refer"
        s["referral_form_url"] = s["referral_form_url"] or None
        s["url"] = f"https://{domain}/{short}" if s["url"] else None
        if s["email"]:
            s["email"] = f"{s['email']}@{domain}"
        s["status"] = s["status"] or _SERVICE_STATUS[status]
        s["last_verified"] = s["last_verified"] or _verified_date()
        s["locations"] = list(s["locations"])
    people = []
    for c in contacts:
        first = next(w for w in c["name"].split() if not w.endswith("."))  # skip titles such as "Rev."
        local = unicodedata.normalize("NFKD", first).encode("ascii", "ignore").decode().lower()
        people.append({**c, "email": f"{local}@{domain}" if c["email"] else None})
    return {
        "key": f"org-{slug}", "name": name, "alternate_name": alt, "description": description,
        "website": f"https://{domain}", "email": f"hello@{domain}", "legal_status": legal,
        "register_kind": register, "registration_number": number, "status": status,
        "phones": list(phones) if phones is not None else [phone("Office")],
        "contacts": people, "locations": list(locations), "services": list(services),
    }


SCIO = "Scottish charitable incorporated organisation"
CLG = "Company limited by guarantee"
UA = "Unincorporated association"
CIC = "Community interest company"
TRUST = "Charitable trust"
SOCIETY = "Registered society (credit union)"

STEP_FREE = "step_free accessible_toilet"
FULL = "step_free accessible_toilet hearing_loop accessible_parking"


def money_housing_food() -> list[Json]:
    return [
        org("cartvale-money-advice", "Cartvale Money Advice Project",
            "A local charity giving free, confidential advice on debt, benefits and money worries. "
            "Advisers are trained and the service never judges anyone for being in debt.",
            legal=SCIO, register="oscr", number="SC047312",
            phones=(phone("Advice line"), phone("Office")),
            contacts=(person("Fiona Cairnduff", "Advice services manager", "landline"),
                      person("Raj Mehta", "Money adviser (GP practice outreach)")),
            locations=(
                loc("cartvale-money-advice-office", "Cartvale Money Advice Project office", "14 Threadmill Street",
                    "Paisley", "PA1 1TQ", FULL, "Interview rooms on the ground floor.",
                    "Five minutes' walk from Paisley Gilmour Street station; buses 9 and 38 stop at the Cross."),
                loc("lindenbrae-medical-practice", "Lindenbrae Medical Practice", "2 Lindenbrae Road",
                    "Paisley", "PA2 7HN", FULL, "Advice sessions in room 4 on the ground floor.",
                    "Bus 61 stops outside the practice."),
            ),
            services=(
                svc("cartvale-debt-advice", "Debt advice appointments",
                    "A money adviser goes through everything you owe, helps you deal with creditors and explains "
                    "your options, from payment plans to debt solutions. Bring any letters and bills you have, "
                    "even unopened ones.",
                    who="Anyone living in Renfrewshire who is worried about debt or arrears.",
                    cats="debt-advice budgeting", access="self_referral appointment", by_phone=True,
                    when="Mon-Thu 09:30-16:30; Fri 09:30-12:30", url=True, email="advice",
                    how="Phone the advice line or email to book. If you cannot talk freely, ask for a call-back.",
                    notes="Closed on public holidays."),
                svc("cartvale-benefits-check", "Benefits check and form filling",
                    "An adviser checks which benefits you could get and helps you fill in forms for Universal "
                    "Credit, Adult Disability Payment, Pension Age Disability Payment and others. They can also help "
                    "you ask for a decision to be looked at again.",
                    who="Adults in Renfrewshire, including people in work.",
                    cats="welfare-rights", access="self_referral appointment", by_phone=True,
                    when="Mon-Thu 09:30-16:30", languages=("English", "Punjabi"),
                    interpretation="Interpreters can be arranged for any language; say when you book."),
                svc("cartvale-gp-money-clinic", "Money and debt clinic at Lindenbrae Medical Practice",
                    "A money adviser sees patients at the practice every Tuesday morning, so you can get help with "
                    "debt, benefits or bills somewhere you already know. Appointments are 45 minutes.",
                    who="Patients of Lindenbrae Medical Practice.",
                    cats="debt-advice welfare-rights", access="professional_referral appointment", form=True,
                    when="Tue 09:00-12:30", at=("loc-lindenbrae-medical-practice",), area="Paisley",
                    how="Ask a GP, nurse or receptionist to book you in, or use the referral form."),
            )),
        org("southside-welfare-rights", "Southside Welfare Rights Collective",
            "A community advice centre on the south side of Glasgow. It helps with debt, benefits, energy "
            "bills and appeals, and runs a weekly drop-in.",
            legal=CLG, register="oscr", number="SC039518",
            contacts=(person("Siobhan Devlin", "Senior welfare rights officer", "landline"),),
            locations=(
                loc("southside-welfare-rights-centre", "Southside Advice Centre", "221 Calderwood Road",
                    "Glasgow", "G42 8RB", "step_free accessible_toilet hearing_loop",
                    "Ramp at the side entrance; ring the bell.",
                    "Buses 5 and 31 stop nearby; Crossbank station is ten minutes' walk."),
            ),
            services=(
                svc("southside-debt-benefits-drop-in", "Debt and benefits drop-in",
                    "Come in and see an adviser about debt, benefits, rent arrears or a letter you do not "
                    "understand. Simple questions are sorted on the day; bigger problems get a follow-up appointment.",
                    who="Adults living in Glasgow south side.", cats="debt-advice welfare-rights",
                    access="drop_in self_referral", when="Mon 10:00-13:00; Wed 13:30-16:00", area="Glasgow South",
                    languages=("English", "Urdu", "Polish"), interpretation="Interpreters can be arranged for appointments.",
                    how="Come along to the drop-in. Arrive early on Mondays as it gets busy."),
                svc("southside-benefit-appeals", "Benefit appeals and tribunal representation",
                    "If a benefit has been refused or stopped, a welfare rights officer can prepare your appeal and "
                    "come to the tribunal with you. Most appeals that are represented succeed.",
                    who="Adults in Glasgow south side appealing a benefit decision.",
                    cats="welfare-rights independent-advocacy", access="self_referral professional_referral appointment",
                    form=True, by_phone=True, area="Glasgow South", when="Mon-Fri 09:30-16:30",
                    how="Phone as soon as you get the decision letter: there are time limits.",
                    phones=(phone("Appeals line"),)),
                svc("southside-fuel-debt", "Energy bill and fuel debt advice",
                    "Help with energy debt, prepayment meters, getting cut off and applying for grants towards bills. "
                    "Advisers can talk to your supplier for you.",
                    who="Households in Glasgow struggling with gas or electricity bills.",
                    cats="energy-advice debt-advice", access="self_referral", by_phone=True, at=(),
                    area="Glasgow", when="Tue-Thu 10:00-15:00", email="energy",
                    phones=(phone("Energy advice line"),),
                    how="Phone the energy advice line; have a recent bill or your meter number handy."),
            )),
        org("riverside-renfrew-credit-union", "Riverside Renfrew Credit Union",
            "A member-owned savings and loans co-operative for people who live or work in Renfrewshire. "
            "It offers fair loans and simple savings accounts.",
            legal=SOCIETY, register="none", alt="Riverside CU",
            contacts=(person("Graham Lennox", "Member services", "landline"),),
            locations=(
                loc("riverside-cu-renfrew", "Credit union shop", "9 Ferryhill Street", "Renfrew", "PA4 8BW",
                    STEP_FREE, None, "Bus 23 stops at the Town Hall, two minutes' walk."),
            ),
            services=(
                svc("riverside-savings-loans", "Savings accounts and affordable loans",
                    "Open a savings account from £1 and, once you are a member, borrow at a fair rate instead of "
                    "using doorstep lenders or payday loans. Staff explain the repayments before you sign.",
                    who="Anyone aged 16 or over who lives or works in Renfrewshire.", min_age=16,
                    cats="budgeting", access="self_referral drop_in", online=True, url=True,
                    when="Mon-Fri 10:00-16:00; Sat 10:00-12:00",
                    fee="Savings accounts are free; loans charge interest, shown before you apply",
                    how="Call in with photo ID and proof of address, or apply online."),
                svc("riverside-jam-jar", "Jam jar budgeting account",
                    "A bank-style account that splits your income into pots for rent, bills and food, so bills get "
                    "paid first. Staff help you set it up and check in after a month.",
                    who="Credit union members who want help to stay on top of bills.",
                    cats="budgeting debt-advice", access="appointment self_referral", when="Tue 10:00-15:00; Thu 10:00-15:00",
                    how="Phone the shop to book a half-hour set-up appointment."),
            )),
        org("hearth-housing-advice", "Hearth Housing Advice",
            "An independent housing advice charity for Renfrewshire. It helps people find somewhere to live, "
            "keep their home and deal with landlords.",
            legal=SCIO, register="oscr", number="SC044187",
            phones=(phone("Housing advice line"), phone("Office")),
            contacts=(person("Connor Whyte", "Housing adviser", "landline"),
                      person("Lesley Munro", "Tenancy support team leader")),
            locations=(
                loc("hearth-paisley", "Hearth advice centre", "37 Causeyside Lane", "Paisley", "PA1 1UL",
                    "step_free accessible_toilet quiet_space", "Private rooms available.",
                    "Next to the Cart bridge; buses 1, 9 and 38 stop in Causeyside Lane."),
                loc("hearth-johnstone", "Johnstone Town Hall (Hearth outreach room)", "Ludovic Square", "Johnstone",
                    "PA5 8EQ", FULL, "Lift to the first floor.", "Johnstone bus station is opposite."),
            ),
            services=(
                svc("hearth-housing-advice-line", "Housing advice line",
                    "Advisers answer questions about renting, repairs, eviction notices, rent arrears and applying "
                    "for a council or housing association home. Calls are confidential.",
                    who="Anyone in Renfrewshire with a housing problem, whether you rent, own or have nowhere to stay.",
                    cats="housing-advice", access="self_referral", by_phone=True, at=(), when="Mon-Fri 09:00-17:00",
                    how="Phone the housing advice line. If you have been given a notice to leave, say so straight away."),
                svc("hearth-homelessness-drop-in", "Homelessness drop-in",
                    "If you are homeless or about to lose your home, come in and an adviser will help you make a "
                    "homeless application, find somewhere to stay tonight and sort out next steps.",
                    who="Adults who are homeless or at risk of homelessness in Renfrewshire.", min_age=16,
                    cats="homelessness housing-advice", access="drop_in",
                    when="Mon 10:00-13:00; Wed 10:00-13:00; Fri 10:00-13:00", at=("loc-hearth-paisley",)),
                svc("hearth-tenancy-support", "Tenancy support",
                    "A support worker visits you at home for up to six months to help you settle into a new tenancy: "
                    "setting up bills, getting furniture, dealing with letters and getting to know the area.",
                    who="People starting or struggling to keep a tenancy, including after homelessness.",
                    cats="tenancy-support homelessness", access="professional_referral self_referral", form=True,
                    at=("loc-hearth-paisley", "loc-hearth-johnstone"), when="Mon-Fri 09:00-17:00",
                    how="Refer yourself by phone or ask a professional to complete the referral form."),
            )),
        org("welcome-home-furniture", "Welcome Home Furniture Reuse",
            "A social enterprise that collects good second-hand furniture and passes it on at low cost. "
            "It also gives starter packs to people moving into an empty home.",
            legal=CIC, register="companies_house", number="SC612847",
            contacts=(person("Derek Aitchison", "Warehouse manager", "landline"),),
            locations=(
                loc("welcome-home-warehouse", "Welcome Home warehouse", "Unit 6, Abbeymill Trading Estate", "Paisley",
                    "PA3 4DX", "step_free accessible_parking", "Large warehouse with a level entrance; no public toilet.",
                    "Bus 36 stops at the estate entrance."),
            ),
            services=(
                svc("welcome-home-starter-packs", "Starter packs for new tenancies",
                    "A pack of bedding, towels, pots, pans and crockery, plus a bed and sofa where needed, delivered "
                    "to people setting up home after homelessness or leaving care.",
                    who="People moving into an unfurnished tenancy after homelessness, care or fleeing abuse.",
                    cats="tenancy-support homelessness", access="professional_referral", form=True,
                    when="Mon-Fri 09:00-16:00"),
                svc("welcome-home-shop", "Low-cost furniture shop",
                    "Browse tables, beds, sofas and white goods at low prices. Delivery is available within "
                    "Renfrewshire.",
                    who="Anyone. Discounts for people on low incomes.",
                    cats="tenancy-support", access="drop_in", when="Tue-Sat 10:00-16:00",
                    fee="Prices from £5; delivery £15; 50% off with a benefits letter"),
            )),
        org("threadmill-foodbank", "Threadmill Foodbank",
            "A volunteer-run foodbank giving emergency food parcels across Paisley and Johnstone. "
            "Volunteers also make sure people get advice so they need the foodbank less in future.",
            legal=SCIO, register="oscr", number="SC046905",
            contacts=(person("Margaret Boyd", "Foodbank coordinator"),),
            locations=(
                loc("threadmill-st-ninians", "St Ninian's Hall", "48 Weaver Row", "Paisley", "PA3 2RD",
                    STEP_FREE, None, "Buses 9 and 38 stop outside the hall."),
                loc("threadmill-johnstone", "Johnstone Baptist Church hall", "5 Kilbarchan Wynd", "Johnstone", "PA5 8SA",
                    "step_free", "Toilets up three steps.", "Buses 30 and 38 stop on the main road."),
            ),
            services=(
                svc("threadmill-food-parcels", "Emergency food parcels",
                    "Collect three days of nutritionally balanced food, plus toiletries and nappies if needed. "
                    "Volunteers offer a cup of tea and can put you in touch with money advice.",
                    who="Anyone in crisis who cannot afford food. You need a foodbank voucher.",
                    cats="food-banks crisis-grants", access="professional_referral",
                    at=("loc-threadmill-st-ninians", "loc-threadmill-johnstone"),
                    when="Mon 12:00-14:00; Wed 12:00-14:00; Fri 12:00-14:00",
                    how="Get a voucher from your GP practice, social worker, housing officer or advice centre, "
                        "then bring it to a distribution centre.",
                    notes="Johnstone is open on Wednesdays only; Paisley on all three days."),
            )),
        org("linnburn-community-pantry", "Linnburn Community Pantry",
            "A membership food shop in Linwood. Members pay a small weekly fee and choose food worth several "
            "times as much.",
            legal=CIC, register="companies_house", number="SC701264",
            contacts=(person("Ayesha Khan", "Pantry manager"),),
            locations=(
                loc("linnburn-pantry-shop", "Linnburn Pantry", "3 Bridgewater Parade", "Linwood", "PA3 3JU",
                    "step_free accessible_parking", None, "Buses 36 and 38 stop in Bridgewater Parade."),
            ),
            services=(
                svc("linnburn-pantry-membership", "Pantry membership",
                    "Join the pantry and choose your own shopping each week: fresh fruit and vegetables, chilled and "
                    "store-cupboard food. There is no referral and no means test.",
                    who="Anyone living in Linwood, Johnstone or Paisley north.", cats="community-pantries",
                    access="self_referral drop_in", when="Tue 12:00-18:00; Thu 12:00-18:00; Sat 10:00-13:00",
                    fee="£3.50 a week for shopping worth about £20; joining is free",
                    how="Come in with proof of address to sign up; it takes five minutes."),
                svc("linnburn-community-fridge", "Community fridge",
                    "A fridge of surplus food from local shops that anyone can take from, no questions asked.",
                    who="Anyone.", cats="community-pantries food", access="drop_in",
                    when="Tue-Sat 10:00-16:00", area="Linwood"),
            )),
        org("weavers-table", "Weaver's Table Community Kitchen",
            "A community kitchen and café in Govanhill. It serves pay-what-you-can meals and teaches people "
            "to cook on a budget.",
            legal=SCIO, register="oscr", number="SC050733",
            contacts=(person("Tomasz Nowak", "Head cook"), person("Rebecca Ross", "Project coordinator", "landline")),
            locations=(
                loc("weavers-table-kitchen", "Weaver's Table", "88 Daisybank Street", "Glasgow", "G42 7QW",
                    "step_free accessible_toilet quiet_space", None, "Buses 5 and 7 stop at Daisybank Street."),
            ),
            services=(
                svc("weavers-table-cafe", "Pay-what-you-can café",
                    "A hot lunch, soup and home baking at the price you can afford, including nothing at all. "
                    "People come for the food and stay for the company.",
                    who="Everyone is welcome.", cats="community-meals community-cafes", access="drop_in",
                    when="Tue-Fri 12:00-15:00", area="Glasgow South",
                    languages=("English", "Polish", "Romanian")),
                svc("weavers-table-cook-and-eat", "Cook and eat on a budget",
                    "A six-week course where small groups cook simple, healthy meals for under £1 a portion and "
                    "then eat together. You take home the recipes and a bag of ingredients.",
                    who="Adults who want to cook more and spend less.", min_age=16,
                    cats="cooking-skills healthy-weight", access="self_referral professional_referral",
                    when="Mon 10:00-13:00", area="Glasgow South", form=True,
                    how="Phone or email to put your name down; courses start every two months."),
            )),
    ]


def carers_bereavement() -> list[Json]:
    return [
        org("cartside-carers", "Cartside Carers Centre",
            "The carers' centre for Paisley and west Renfrewshire. It supports adult and young carers with "
            "information, a listening ear, breaks and groups.",
            legal=CLG, register="oscr", number="SC031276",
            phones=(phone("Reception"), phone("Young carers team")),
            contacts=(person("Heather McCallum", "Carer support worker", "landline"),
                      person("Jamie Lindsay", "Young carers worker")),
            locations=(
                loc("cartside-carers-centre", "Cartside Carers Centre", "17 Shuttle Place", "Paisley", "PA1 2LP",
                    "step_free accessible_toilet hearing_loop quiet_space large_print",
                    "Quiet room available for private conversations.",
                    "Three minutes from Paisley Canal station; buses 1 and 61 stop on Shuttle Place."),
                loc("cartside-carers-johnstone", "Johnstone Community Centre (carers' room)", "40 Thorn Road",
                    "Johnstone", "PA5 0BJ", STEP_FREE, None, "Buses 30 and 38 stop on Thorn Road."),
            ),
            services=(
                svc("cartside-carer-support", "Carer support and adult carer support plans",
                    "A carer support worker meets you to talk about your caring role, what would help and your "
                    "right to an adult carer support plan. They can help with benefits, emergency planning and "
                    "getting a break.",
                    who="Adults who look after a family member, partner or friend in Paisley or west Renfrewshire.",
                    cats="carer-support", access="self_referral professional_referral appointment", by_phone=True,
                    form=True, url=True, at=("loc-cartside-carers-centre", "loc-cartside-carers-johnstone"),
                    when="Mon-Fri 09:00-17:00",
                    how="Phone reception or fill in the online form. Most carers are seen within two weeks."),
                svc("cartside-young-carers", "Young carers project",
                    "Young carers get a worker of their own, clubs and trips where they can have fun with others who "
                    "understand, and help talking to school about their caring role.",
                    who="Children and young people aged 8 to 18 who help look after someone at home.",
                    min_age=8, max_age=18, cats="young-carers youth-clubs",
                    access="self_referral professional_referral", form=True,
                    when="Tue 16:00-18:00 [Ages 8-12]; Thu 17:00-19:00 [Ages 13-18]",
                    how="A parent, the young person or a teacher can phone or use the referral form."),
                svc("cartside-short-breaks", "Carers' short breaks fund",
                    "Grants of up to £500 towards a break from caring: a weekend away, a hobby, driving lessons or "
                    "anything that gives you time for yourself.",
                    who="Unpaid carers registered with Cartside Carers Centre.",
                    cats="short-breaks", access="self_referral", online=True, url=True,
                    how="Register with the centre, then apply online or ask your support worker for a paper form."),
                svc("cartside-carers-coffee", "Carers' coffee morning",
                    "An informal get-together with tea, coffee and home baking. Sometimes a guest talks about "
                    "benefits, Power of Attorney or looking after yourself.",
                    who="Any unpaid carer. The person you care for is welcome to come along too.",
                    cats="carer-groups loneliness", access="drop_in", when="Wed 10:30-12:00 [1st and 3rd week only]",
                    at=("loc-cartside-carers-johnstone",), area="Johnstone and the villages"),
            )),
        org("southside-carers-network", "Southside Carers Network",
            "A small carer-led charity in Glasgow's south side. Carers run groups and courses for other carers.",
            legal=SCIO, register="oscr", number="SC052219",
            contacts=(person("Parveen Akhtar", "Chair"),),
            locations=(
                loc("southside-carers-hall", "Langcroft Community Hall", "12 Langcroft Terrace", "Glasgow", "G43 2TB",
                    "step_free accessible_toilet hearing_loop", None, "Bus 57 stops outside; Pollokshaws West station nearby."),
            ),
            services=(
                svc("southside-carers-cafe", "Carers' café and peer group",
                    "A relaxed monthly café where carers share tips and support each other, with a sitting service "
                    "available so you can come.",
                    who="Unpaid carers in Glasgow south side.", cats="carer-groups", access="drop_in self_referral",
                    when="Sat 10:30-12:30 [Last Saturday of the month]", area="Glasgow South",
                    languages=("English", "Urdu", "Punjabi")),
                svc("southside-dementia-carers-course", "Caring for someone with dementia course",
                    "Five weekly sessions on understanding dementia, communication, legal matters and looking after "
                    "yourself, led by a carer and a dementia nurse.",
                    who="Family and friends caring for someone with dementia.",
                    cats="carer-support dementia-support", access="self_referral professional_referral",
                    when="Thu 13:30-15:30", area="Glasgow South",
                    how="Phone to book a place; courses run in spring and autumn."),
            )),
        org("willowbank-bereavement", "Willowbank Bereavement Support",
            "A Paisley charity offering bereavement counselling and groups for adults and children. "
            "Counsellors are trained volunteers supervised by qualified staff.",
            legal=SCIO, register="oscr", number="SC040881",
            contacts=(person("Anne-Marie Quinn", "Counselling coordinator", "landline"),),
            locations=(
                loc("willowbank-house", "Willowbank House", "6 Orchard Brae", "Paisley", "PA2 6NG",
                    "quiet_space hearing_loop", "Entrance has three steps with a handrail; ground floor rooms only.",
                    "Bus 61 stops at Orchard Brae."),
            ),
            services=(
                svc("willowbank-counselling", "One-to-one bereavement counselling",
                    "Up to twelve weekly sessions with a trained bereavement counsellor, in person or by video. "
                    "You can talk about the person who died and how you are coping.",
                    who="Adults in Renfrewshire who have been bereaved, however long ago.", min_age=18,
                    cats="bereavement-counselling", access="self_referral professional_referral appointment",
                    online=True, form=True, when="Mon-Thu 10:00-20:00",
                    how="Phone to have a short assessment call; the waiting time is usually three to five weeks."),
                svc("willowbank-coffee-group", "Coffee and chat bereavement group",
                    "A friendly fortnightly group where bereaved people meet others who understand. There is no "
                    "pressure to talk.", who="Bereaved adults.", cats="bereavement-groups loneliness",
                    access="drop_in", when="Thu 14:00-15:30 [Every other week]"),
                svc("willowbank-little-acorns", "Little Acorns children's bereavement service",
                    "Play and art-based sessions that help children and young people understand and express their "
                    "grief, with support for parents too.",
                    who="Children and young people aged 5 to 17 who have been bereaved.", min_age=5, max_age=17,
                    cats="child-bereavement youth-mental-health", access="self_referral professional_referral",
                    form=True, when="Mon-Thu 15:30-18:00",
                    how="A parent, carer, teacher or GP can phone or complete the referral form."),
            )),
        org("harbourlight-bereavement", "Harbourlight Bereavement Network",
            "A UK-wide charity running a bereavement helpline and online groups, staffed by trained volunteers.",
            legal="Charitable company limited by guarantee", register="ccew", number="1187654",
            phones=(phone("Head office"),),
            contacts=(person("Catriona Bell", "Volunteer services lead", "landline"),),
            services=(
                svc("harbourlight-helpline", "Bereavement helpline",
                    "Talk to a trained volunteer about your loss, in confidence. Calls usually last up to an hour.",
                    who="Anyone affected by a death, of any age over 16.", min_age=16,
                    cats="bereavement-counselling crisis-support", access="self_referral", by_phone=True, at=(),
                    area="UK-wide", when="Mon-Fri 09:30-17:00; Tue-Thu 18:00-21:00",
                    how="Phone the helpline; if all volunteers are busy, leave a message for a call-back.",
                    phones=(phone("Helpline"),), notes="The evening line is busiest; try a morning call if you can."),
                svc("harbourlight-online-group", "Online bereavement group",
                    "A six-week video group for people grieving the loss of a partner, led by two trained "
                    "facilitators. Cameras on or off.", who="Adults bereaved of a partner.", min_age=18,
                    cats="bereavement-groups", access="self_referral", online=True, at=(), area="UK-wide",
                    when="Wed 19:00-20:30", url=True,
                    how="Sign up on the website; you will be invited to a short welcome call first."),
            )),
        org("bridgeways-suicide-bereavement", "Bridgeways Peer Support",
            "A peer support group for people bereaved by suicide, run by people who have lost someone "
            "themselves.", legal=UA, register="none",
            phones=(phone("Group phone", mob=True),),
            contacts=(person("Lorna Fairlie", "Group organiser"),),
            locations=(
                loc("bridgeways-barrhead", "Barrhead Community Hub (Room 3)", "55 Levernside Road", "Barrhead",
                    "G78 1SA", FULL, None, "Barrhead station is five minutes' walk; bus 4 stops outside."),
            ),
            services=(
                svc("bridgeways-peer-group", "Bereaved by suicide peer group",
                    "A monthly evening group where you can talk or just listen, with people who understand "
                    "suicide bereavement. New members are met first by one of the organisers.",
                    who="Adults bereaved by suicide, however recently or long ago.", min_age=18,
                    cats="suicide-bereavement peer-support", access="self_referral",
                    when="Tue 19:00-21:00 [2nd Tuesday of the month]", area="East Renfrewshire and Renfrewshire",
                    how="Phone or text the group phone first so someone can meet you at the door."),
            )),
    ]


def connection_and_older_people() -> list[Json]:
    return [
        org("brocklaw-befrienders", "Brocklaw Befrienders",
            "A volunteer befriending scheme matching lonely older people with a regular visitor or caller.",
            legal=UA, register="oscr", number="SC043590",
            contacts=(person("Sheena Galbraith", "Befriending coordinator", "landline"),),
            locations=(
                loc("brocklaw-office", "Brocklaw Befrienders office", "21 Kirkhill Court", "Paisley", "PA2 9DT",
                    "step_free", "Office only; visits happen in your home.", None),
            ),
            services=(
                svc("brocklaw-telephone-befriending", "Telephone befriending",
                    "A volunteer phones you at the same time each week for a chat. You are matched with someone "
                    "who shares your interests.", who="People aged 60 and over in Renfrewshire who feel lonely.",
                    min_age=60, cats="befriending", access="self_referral professional_referral", by_phone=True,
                    at=(), when="Mon-Fri 10:00-16:00", form=True,
                    how="Phone the coordinator, who will ring back to hear what you would like."),
                svc("brocklaw-home-befriending", "Home visit befriending",
                    "A checked and trained volunteer visits you at home for an hour or two each week, or takes you "
                    "out for a coffee or a walk.",
                    who="People aged 60 and over in Paisley and Renfrew who are isolated.", min_age=60,
                    cats="befriending help-at-home", access="professional_referral self_referral", form=True,
                    area="Paisley and Renfrew", at=(),
                    how="Phone or use the referral form. There is a waiting list of about two months."),
            )),
        org("linnburn-community-hub", "Linnburn Community Hub",
            "A busy community centre in Linwood with a café, activities and rooms for local groups.",
            legal=SCIO, register="oscr", number="SC049114",
            contacts=(person("Kirsty Alexander", "Hub manager", "landline"), person("Ewan Brodie", "Café supervisor")),
            locations=(
                loc("linnburn-hub", "Linnburn Community Hub", "1 Clippens Square", "Linwood", "PA3 3TS",
                    "step_free accessible_toilet hearing_loop accessible_parking quiet_space",
                    "Changing Places toilet on the ground floor.", "Buses 36 and 38 stop in Clippens Square."),
            ),
            services=(
                svc("linnburn-cafe-connect", "Café Connect lunch club",
                    "A two-course lunch in the hub café followed by a quiz, bingo or a visiting speaker. Volunteers "
                    "make a point of introducing new people.",
                    who="Anyone who would like company over lunch; most people are over 60.",
                    cats="lunch-clubs community-cafes", access="drop_in self_referral", when="Wed 12:00-14:30",
                    fee="£4 for lunch, tea and cake", area="Linwood",
                    how="Come along, or phone the hub the week before if you need help with transport."),
                svc("linnburn-crafty-crew", "Crafty Crew",
                    "A relaxed craft group: bring your own knitting or try card-making, crochet and seasonal crafts "
                    "with materials provided.", who="Adults of all ages.", cats="crafts social-groups",
                    access="drop_in", when="Mon 13:30-15:30", fee="£2 including tea; first visit free",
                    area="Linwood"),
                svc("linnburn-baby-cafe", "Baby Café and crèche",
                    "A weekly drop-in for parents with babies and toddlers, with a crèche in the room next door so you "
                    "can have a proper cup of coffee.",
                    who="Parents and carers with children under 3.", cats="parent-toddler childcare-creche",
                    access="drop_in", when="Fri 10:00-11:30", area="Linwood"),
            )),
        org("golden-threads-day-club", "Golden Threads Day Club",
            "A day club for older people in Paisley offering company, activities and a hot lunch.",
            legal=SCIO, register="oscr", number="SC035662",
            contacts=(person("Elaine Robertson", "Day club organiser", "landline"),),
            locations=(
                loc("golden-threads-hall", "Abbeymill Hall", "9 Abbeymill Road", "Paisley", "PA1 2SB", FULL,
                    None, "The club minibus collects members; buses 9 and 38 stop at Abbeymill Road."),
            ),
            services=(
                svc("golden-threads-day-club-lunch", "Day club with lunch",
                    "A full day of company, gentle activities, entertainment and a two-course lunch. The minibus "
                    "picks you up at home and brings you back.",
                    who="People aged 65 and over in Paisley, including people with mild memory problems.",
                    min_age=65, cats="day-opportunities lunch-clubs", access="self_referral professional_referral",
                    when="Tue 10:00-15:00; Thu 10:00-15:00",
                    fee="£8 a day including lunch and transport", area="Paisley",
                    how="Phone the organiser to arrange a free taster day."),
                svc("golden-threads-chair-exercise", "Chair-based exercise",
                    "Forty minutes of seated exercise to music to keep joints moving and improve strength, led by a "
                    "trained instructor.", who="Older adults who find standing exercise difficult.", min_age=55,
                    cats="gentle-exercise falls-prevention", access="drop_in", when="Fri 11:00-11:45",
                    fee="£2 a class", area="Paisley"),
            )),
        org("cartvale-dementia-friendly", "Cartvale Dementia Friendly Community",
            "A group of local people making Renfrewshire a better place to live with dementia. "
            "They run memory cafés and a singing group.",
            legal=UA, register="oscr", number="SC048829",
            phones=(phone("Coordinator", mob=True),),
            contacts=(person("Irene Carmichael", "Volunteer coordinator"),),
            locations=(
                loc("cartvale-dementia-renfrew", "Renfrew Victory Church Hall", "3 Ferry Loan", "Renfrew", "PA4 0RE",
                    "step_free accessible_toilet hearing_loop", "Dementia-friendly signage throughout.",
                    "Bus 23 stops on Ferry Loan."),
                loc("cartvale-dementia-erskine", "Erskine Parish Hall", "14 Bargarran Walk", "Erskine", "PA8 6BS",
                    STEP_FREE, None, "Buses 23 and 60 stop at Bargarran Walk."),
            ),
            services=(
                svc("cartvale-memory-cafe", "Memory Café",
                    "A welcoming café for people living with dementia and the people who care for them. There is "
                    "tea, music, reminiscence and someone to talk to about what support is out there.",
                    who="People living with dementia or memory problems, with their family or carers.",
                    cats="dementia-support carer-groups", access="drop_in",
                    when="Mon 14:00-16:00 [1st and 3rd week only]", at=("loc-cartvale-dementia-renfrew",),
                    area="Renfrew"),
                svc("cartvale-songs-memories", "Songs and memories group",
                    "Singing favourite songs together, with simple percussion and a cuppa. No singing experience "
                    "needed.", who="People living with dementia and their carers.",
                    cats="dementia-support music-singing", access="drop_in self_referral",
                    when="Thu 10:30-12:00", at=("loc-cartvale-dementia-erskine",), area="Erskine"),
            )),
        org("ready-hands-repair", "Ready Hands Care and Repair",
            "Helps older and disabled people stay safe and independent at home with small repairs, adaptations "
            "and safety checks.", legal=CLG, register="oscr", number="SC028466",
            contacts=(person("Bill Drummond", "Service coordinator", "landline"),),
            locations=(
                loc("ready-hands-office", "Ready Hands office", "Unit 2, Linside Business Park", "Renfrew",
                    "PA4 9HX", "step_free accessible_parking", "Office visits by appointment; work is done in your home.",
                    None),
            ),
            services=(
                svc("ready-hands-small-repairs", "Small repairs service",
                    "A handyperson comes to your home to fit grab rails, key safes, smoke alarms and curtain rails and does small jobs "
                    "such as changing light bulbs and fixing dripping taps.",
                    who="Homeowners and private tenants aged 60 or over, or disabled, in Renfrewshire.", min_age=60,
                    cats="home-adaptations help-at-home", access="self_referral professional_referral", at=(),
                    when="Mon-Fri 09:00-16:30", fee="Labour is free; you pay for materials",
                    how="Phone the office and describe the job; a visit is usually arranged within two weeks."),
                svc("ready-hands-falls-check", "Falls prevention home check",
                    "A trained worker visits your home to spot trip hazards, poor lighting and loose rugs, and fits small "
                    "fixes on the spot.", who="People aged 65 and over who have fallen or are worried about falling.",
                    min_age=65, cats="falls-prevention home-adaptations", access="professional_referral self_referral",
                    form=True, at=(), when="Mon-Fri 09:00-16:30"),
            )),
        org("southside-asian-elders", "Southside Asian Elders Forum",
            "A community association for South Asian older people on Glasgow's south side, meeting in Urdu, "
            "Punjabi and Hindi.", legal=SCIO, register="oscr", number="SC037741",
            contacts=(person("Nasreen Bashir", "Development worker", "landline"),),
            locations=(
                loc("asian-elders-centre", "Maxwellton Community Rooms", "31 Albertbank Street", "Glasgow", "G41 2XP",
                    "step_free accessible_toilet hearing_loop", "Prayer room available.",
                    "Buses 38 and 57 stop at Albertbank Street; Pollokshields East station nearby."),
            ),
            services=(
                svc("asian-elders-chai-chat", "Chai and chat lunch club",
                    "A weekly lunch club with a hot South Asian meal, chai and conversation, plus health talks and "
                    "help with forms in Urdu and Punjabi.",
                    who="South Asian people aged 55 and over.", min_age=55,
                    cats="community-language-groups lunch-clubs", access="drop_in self_referral",
                    when="Wed 11:30-14:30", fee="£3 for lunch", area="Glasgow South",
                    languages=("Urdu", "Punjabi", "Hindi", "English")),
                svc("asian-elders-chair-yoga", "Chair yoga for women",
                    "A women-only gentle chair yoga class with a female instructor, followed by tea.",
                    who="Women aged 50 and over.", min_age=50, cats="gentle-exercise womens-groups",
                    access="drop_in", when="Mon 11:00-12:00", area="Glasgow South",
                    languages=("Urdu", "Punjabi", "English")),
            )),
        org("talk-it-out-mens-group", "Talk It Out Men's Group",
            "A free peer support group for men to talk about how they are doing, started by local men after "
            "losing a friend to suicide.", legal=UA, register="none",
            phones=(),
            contacts=(person("Stevie Kerr", "Founder"),),
            locations=(
                loc("talk-it-out-johnstone", "Johnstone Rugby Club function room", "Ryefield Park", "Johnstone",
                    "PA5 0DL", "step_free accessible_toilet accessible_parking", None,
                    "Bus 38 stops at Ryefield Park gates."),
                loc("talk-it-out-shawlands", "Shawmoss Church hall", "102 Kilmory Road", "Glasgow", "G41 3DN",
                    "step_free", "Accessible toilet is on the first floor with no lift.",
                    "Shawmoss station is five minutes' walk."),
            ),
            services=(
                svc("talk-it-out-mondays", "Monday night men's talking group",
                    "Men sit in a circle, have a brew and take turns to say how their week has been. You can just "
                    "listen. What is said in the group stays in the group.",
                    who="Men aged 18 and over.", min_age=18, cats="mens-groups peer-support",
                    access="drop_in", when="Mon 19:00-21:00",
                    at=("loc-talk-it-out-johnstone", "loc-talk-it-out-shawlands"), area="Renfrewshire and Glasgow South",
                    how="Just turn up. Someone will meet you at the door.",
                    notes="Open every Monday including public holidays."),
            )),
        org("linwood-mens-shed", "Linwood Men's Shed",
            "A workshop where men (and women on Fridays) make, mend and chat. Members restore furniture, "
            "make bird boxes for schools and fix bikes.", legal=SCIO, register="oscr", number="SC051807",
            contacts=(person("Alex Dunlop", "Shed chair"),),
            locations=(
                loc("linwood-shed", "The Shed", "Unit 11, Clippens Industrial Estate", "Linwood", "PA3 3BG",
                    "step_free accessible_toilet accessible_parking", "Workshop floor is level; tea room upstairs.",
                    "Bus 36 stops at the estate entrance."),
            ),
            services=(
                svc("linwood-shed-sessions", "Shed workshop sessions",
                    "Drop in to the workshop for woodwork, metalwork or just a cup of tea. Experienced members "
                    "show new people how to use the tools safely.",
                    who="Adults over 18. Tuesdays and Thursdays are men-only; Fridays are open to everyone.",
                    min_age=18, cats="mens-groups crafts", access="drop_in",
                    when="Tue 10:00-15:00; Thu 10:00-15:00; Fri 10:00-13:00",
                    fee="£2 a visit towards materials; first month free", area="Linwood"),
            )),
        org("erskine-riverside-shed", "Erskine Riverside Men's Shed",
            "A men's shed by the river in Erskine with a woodwork shop and a small garden. "
            "It is temporarily closed while it moves to new premises.",
            legal=SCIO, register="oscr", number="SC053046", status="temporarily_closed",
            contacts=(person("Hugh Paterson", "Secretary"),),
            locations=(
                loc("erskine-shed", "Riverside Shed", "Boat Lane", "Erskine", "PA8 7AZ",
                    "step_free", "Portable toilet only at the current site.", "Bus 23 stops at Boat Lane."),
            ),
            services=(
                svc("erskine-shed-sessions", "Shed sessions",
                    "Woodwork, repairs and conversation in a friendly workshop. Members make planters and benches "
                    "for local care homes.", who="Adults, mainly men over 50.", min_age=18,
                    cats="mens-groups crafts", access="drop_in", when="Wed 10:00-14:00; Sat 10:00-13:00",
                    area="Erskine", notes="Closed until the move to new premises is finished; phone for news."),
                svc("erskine-shed-garden", "Shed garden",
                    "Growing vegetables in raised beds beside the shed, with produce shared among members.",
                    who="Shed members.", cats="community-gardens mens-groups", access="drop_in",
                    when="Wed 10:00-14:00", area="Erskine"),
            )),
    ]


def wellbeing_and_recovery() -> list[Json]:
    return [
        org("cartvale-mental-health", "Cartvale Association for Mental Health",
            "A local mental health charity running drop-ins, peer groups and courses for people with low mood, "
            "anxiety and stress.", legal=CLG, register="oscr", number="SC026193", alt="CAMH",
            phones=(phone("Reception"), phone("Text us", "text")),
            contacts=(person("Nicola Baird", "Wellbeing services lead", "landline"),
                      person("Samir Haddad", "Peer support worker")),
            locations=(
                loc("camh-wellbeing-centre", "The Wellbeing Centre", "60 Loom Lane", "Paisley", "PA1 1XE",
                    "step_free accessible_toilet hearing_loop quiet_space lift", "Quiet room on every floor.",
                    "Paisley Gilmour Street station is three minutes' walk."),
                loc("camh-renfrew", "Renfrew Health and Social Work Centre (room 2)", "10 Inchmurrin Street",
                    "Renfrew", "PA4 8PG", FULL, None, "Bus 23 stops outside."),
            ),
            services=(
                svc("camh-wellbeing-drop-in", "Wellbeing drop-in",
                    "A calm place to come when things feel hard. A worker will sit with you, listen and help you "
                    "think about what might help, from groups to counselling.",
                    who="Adults aged 16 and over who are struggling with their mental health.", min_age=16,
                    cats="talking-support crisis-support", access="drop_in", when="Mon-Fri 10:00-15:00",
                    at=("loc-camh-wellbeing-centre",)),
                svc("camh-peer-support", "Peer support group",
                    "A weekly group led by people with their own experience of mental ill health. Members share "
                    "what helps and set small goals for the week.",
                    who="Adults living with anxiety, depression or other mental health problems.", min_age=18,
                    cats="peer-support", access="self_referral drop_in", when="Thu 13:00-14:30",
                    at=("loc-camh-wellbeing-centre", "loc-camh-renfrew")),
                svc("camh-managing-stress", "Managing stress course",
                    "A six-week class that teaches practical ways to tackle stress, worry, panic and poor sleep. "
                    "It is like a lesson: you do not have to talk about yourself.",
                    who="Adults who feel stressed or anxious.", min_age=16, cats="stress-anxiety sleep-support",
                    access="self_referral professional_referral", when="Tue 18:00-19:30", online=True,
                    at=("loc-camh-renfrew",), url=True,
                    how="Book a place online or by phone. The course is also run live online."),
                svc("camh-mindfulness", "Mindfulness for beginners",
                    "An eight-week mindfulness course with a qualified teacher, with short home practices each week.",
                    who="Adults. Not suitable during a mental health crisis.", min_age=18,
                    cats="mindfulness-relaxation stress-anxiety", access="self_referral appointment",
                    when="Wed 18:30-20:30", at=("loc-camh-wellbeing-centre",),
                    fee="£40 for eight weeks; free to people on benefits"),
            )),
        org("listening-lamp", "Listening Lamp",
            "An evening listening line staffed by trained volunteers, for anyone who is struggling or needs to "
            "talk.", legal=SCIO, register="oscr", number="SC045518",
            phones=(phone("Office (not for support calls)"),),
            contacts=(person("Gillian Moffat", "Volunteer manager", "landline"),),
            services=(
                svc("listening-lamp-line", "Evening listening line",
                    "Phone or text to talk to a trained volunteer who will listen without judging. You do not have "
                    "to give your name. If you are in danger now, call 999.",
                    who="Anyone aged 16 or over in the west of Scotland.", min_age=16,
                    cats="crisis-support talking-support", access="self_referral", by_phone=True, at=(),
                    area="West of Scotland", when="Mon-Sun 18:00-23:30",
                    phones=(phone("Listening line"), phone("Text line", "text")),
                    how="Phone or text the listening line during opening hours."),
            )),
        org("openroom-youth-wellbeing", "Openroom Youth Wellbeing",
            "A young people's mental wellbeing charity offering counselling, text support and groups.",
            legal=SCIO, register="oscr", number="SC049987",
            contacts=(person("Megan Tait", "Youth counsellor", "landline"),),
            locations=(
                loc("openroom-paisley", "Openroom", "25 Cotton Street", "Paisley", "PA1 1BJ",
                    "step_free accessible_toilet quiet_space", None, "Buses 1, 9 and 38 stop nearby."),
            ),
            services=(
                svc("openroom-youth-counselling", "Youth counselling",
                    "Up to ten sessions with a counsellor trained to work with young people, in person or by video, "
                    "at a time that fits around school or college.",
                    who="Young people aged 12 to 25 in Renfrewshire.", min_age=12, max_age=25,
                    cats="youth-mental-health talking-support", access="self_referral professional_referral",
                    form=True, online=True, when="Mon-Thu 14:00-20:00",
                    how="Young people can refer themselves online or by phone; parents and professionals can "
                        "use the referral form."),
                svc("openroom-text-support", "Text support",
                    "Text a trained worker for support with stress, exams, friendships or feeling low. Replies "
                    "usually come within an hour during opening times.",
                    who="Young people aged 12 to 25.", min_age=12, max_age=25,
                    cats="youth-mental-health", access="self_referral", by_phone=True, at=(),
                    when="Mon-Fri 16:00-22:00", phones=(phone("Text support", "text"),)),
            )),
        org("thornrigg-womens-centre", "Thornrigg Women's Centre",
            "A women's centre in Barrhead with a café, courses and a crèche, run by and for local women.",
            legal=SCIO, register="oscr", number="SC038274",
            contacts=(person("Julie Fraser", "Centre manager", "landline"),),
            locations=(
                loc("thornrigg-centre", "Thornrigg Women's Centre", "7 Gateside Row", "Barrhead", "G78 2HU",
                    "step_free accessible_toilet quiet_space", "Women-only building.",
                    "Barrhead station is ten minutes' walk; bus 4 stops on Gateside Row."),
            ),
            services=(
                svc("thornrigg-womens-drop-in", "Women's drop-in and café",
                    "Come in for a coffee, a chat and information about anything from benefits to health. Staff can "
                    "help you find the right support.", who="Women aged 16 and over.", min_age=16,
                    cats="womens-groups community-cafes", access="drop_in",
                    when="Mon 10:00-14:00; Wed 10:00-14:00; Fri 10:00-14:00", area="Barrhead and Neilston"),
                svc("thornrigg-confidence-course", "Confidence and wellbeing course",
                    "An eight-week group course to build confidence, assertiveness and self-esteem, with free crèche "
                    "places.", who="Women aged 16 and over.", min_age=16,
                    cats="stress-anxiety womens-groups", access="self_referral professional_referral",
                    when="Tue 10:00-12:30", area="Barrhead and Neilston"),
                svc("thornrigg-creche", "Crèche while you learn",
                    "Free crèche places for children aged six months to five years while mums attend courses and "
                    "groups at the centre.", who="Women using the centre's courses and groups.",
                    cats="childcare-creche", access="appointment", when="Mon-Fri 09:30-14:30",
                    area="Barrhead and Neilston", how="Book a crèche place when you book your course."),
            )),
        org("cartvale-recovery-community", "Cartvale Recovery Community",
            "A peer-led recovery community for people in or seeking recovery from alcohol and drugs, and their "
            "families.", legal=SCIO, register="oscr", number="SC050206",
            phones=(phone("Recovery hub"),),
            contacts=(person("Danny McGuire", "Recovery development worker"),),
            locations=(
                loc("cartvale-recovery-hub", "The Recovery Hub", "4 Bobbin Street", "Paisley", "PA3 2NW",
                    "step_free accessible_toilet", None, "Buses 9 and 36 stop on Bobbin Street."),
            ),
            services=(
                svc("cartvale-recovery-cafe", "Recovery Café",
                    "A Friday night café with food, music and company, free of alcohol and drugs. People at every "
                    "stage of recovery come along, as do family members.",
                    who="Anyone in or thinking about recovery, and their families and friends.", min_age=16,
                    cats="recovery-communities community-cafes", access="drop_in", when="Fri 18:00-21:00",
                    area="Paisley"),
                svc("cartvale-recovery-group", "Recovery peer group",
                    "A mutual aid meeting where people share what is working for them in recovery, led by trained "
                    "peer volunteers.", who="Adults in recovery from alcohol or drugs.", min_age=18,
                    cats="recovery-communities peer-support", access="drop_in",
                    when="Mon 18:30-20:00; Thu 11:00-12:30"),
                svc("cartvale-recovery-football", "Recovery walking and football",
                    "A weekly walk on Saturday mornings and five-a-side football on Tuesday evenings, for fitness "
                    "and friendship in recovery.", who="Adults in recovery.", min_age=18,
                    cats="recovery-communities sport-clubs walking-groups", access="drop_in",
                    when="Tue 19:00-20:00; Sat 10:00-11:30",
                    notes="The walk leaves from the Recovery Hub; football is at the Ferguslie sports pitches."),
            )),
        org("southside-alcohol-drug-support", "Southside Alcohol and Drug Support",
            "A community alcohol and drug service in Glasgow's south side offering one-to-one support and "
            "groups for families.", legal=CLG, register="oscr", number="SC029915",
            contacts=(person("Claire Donnachie", "Team leader", "landline"),),
            locations=(
                loc("sads-base", "Kilmory Resource Centre", "150 Kilmory Road", "Glasgow", "G41 3DT",
                    "step_free accessible_toilet hearing_loop lift", None,
                    "Shawmoss station is five minutes' walk; buses 38 and 57 stop outside."),
            ),
            services=(
                svc("sads-one-to-one", "Alcohol and drug one-to-one support",
                    "A key worker helps you set your own goals, whether that is cutting down, stopping or staying "
                    "safer, and supports you for as long as you need.",
                    who="Adults in Glasgow south side worried about their alcohol or drug use.", min_age=16,
                    cats="alcohol-support drug-support", access="self_referral professional_referral drop_in",
                    when="Mon-Fri 09:00-17:00; Wed 17:00-19:00", area="Glasgow South", form=True,
                    how="Drop in, phone or ask your GP to refer you. You will be offered a first appointment "
                        "within a week."),
                svc("sads-family-group", "Families affected group",
                    "A group for parents, partners and relatives of someone using alcohol or drugs, to get support, "
                    "information and naloxone training.", who="Adults affected by someone else's drinking or drug use.",
                    min_age=18, cats="affected-families", access="drop_in self_referral",
                    when="Tue 18:00-19:30", area="Glasgow South"),
            )),
        org("lantern-line", "Lantern Line",
            "A UK-wide charity helping people whose gambling is causing harm, and the people close to them.",
            legal="Charitable company limited by guarantee", register="ccni", number="NIC105432",
            phones=(phone("Freephone helpline"),),
            contacts=(person("Orla Devine", "Services director", "landline"),),
            services=(
                svc("lantern-line-gambling-support", "Gambling support helpline and web chat",
                    "Talk to an adviser about your own or someone else's gambling, on the phone or by web chat. "
                    "They can arrange free counselling and help block gambling sites.",
                    who="Anyone aged 16 or over affected by gambling.", min_age=16,
                    cats="gambling-support affected-families", access="self_referral", by_phone=True, online=True,
                    at=(), area="UK-wide", when="Mon-Sun 08:00-23:00", url=True,
                    how="Phone the freephone helpline or start a web chat on the website."),
            )),
    ]


def activity_and_nature() -> list[Json]:
    return [
        org("cartvale-leisure-trust", "Cartvale Leisure and Libraries Trust",
            "The charitable trust that runs sports centres, pools and libraries across Renfrewshire. "
            "It offers health programmes alongside everyday leisure and library services.",
            legal=TRUST, register="oscr", number="SC043009", alt="Cartvale Leisure",
            phones=(phone("Bookings"), phone("Health programmes")),
            contacts=(person("Karen Baxter", "Health and wellbeing officer", "landline"),
                      person("Martin Sloan", "Libraries outreach officer", "landline")),
            locations=(
                loc("cartvale-sports-centre", "Cartvale Sports Centre", "1 Meadowside Way", "Paisley", "PA3 4LA",
                    "step_free accessible_toilet hearing_loop lift accessible_parking",
                    "Pool hoist and accessible changing rooms.", "Buses 9 and 36 stop outside."),
                loc("johnstone-pool", "Johnstone Swimming Pool", "8 Tannahill Walk", "Johnstone", "PA5 8YH",
                    "step_free accessible_toilet accessible_parking", "Pool hoist available; ask at reception.",
                    "Johnstone station is ten minutes' walk."),
                loc("renfrew-library", "Renfrew Library", "2 Hairst Street Gardens", "Renfrew", "PA4 8QY",
                    "step_free accessible_toilet hearing_loop large_print", None, "Bus 23 stops outside."),
                loc("erskine-library", "Erskine Library", "Bridgewater Walk", "Erskine", "PA8 7AG",
                    "step_free accessible_toilet large_print", None, "Buses 23 and 60 stop nearby."),
            ),
            services=(
                svc("cartvale-live-active", "Live Active exercise referral",
                    "Twelve weeks of supported exercise in the gym, pool or classes, planned with an instructor "
                    "who understands health conditions. You get a review at 6 and 12 weeks.",
                    who="Adults with a health condition, such as heart disease, diabetes, arthritis or low mood, who "
                        "would benefit from being more active.", min_age=16,
                    cats="gentle-exercise heart-lung-health self-management",
                    access="professional_referral", form=True,
                    at=("loc-cartvale-sports-centre", "loc-johnstone-pool"), when="Mon-Fri 09:00-20:00",
                    fee="£10 for the 12-week programme",
                    how="Your GP, practice nurse, physiotherapist or link worker completes the referral form; "
                        "an instructor then phones you to book a first visit."),
                svc("cartvale-quiet-swim", "Quiet swim",
                    "A calmer swim with no music, low lighting and fewer people in the pool, with lifeguards trained "
                    "in autism awareness.", who="Anyone who finds busy pools overwhelming, including autistic people "
                    "and their families.", cats="swimming autism-neurodiversity", access="drop_in",
                    at=("loc-johnstone-pool",), when="Sun 08:00-09:00", fee="£3.20 adults, £1.60 children",
                    area="Johnstone and the villages"),
                svc("cartvale-steady-steps", "Steady Steps strength and balance classes",
                    "A 16-week class that builds leg strength and balance to reduce the risk of falls, with "
                    "exercises to practise at home.", who="People aged 60 and over who have fallen or feel unsteady.",
                    min_age=60, cats="falls-prevention gentle-exercise", access="professional_referral self_referral",
                    at=("loc-cartvale-sports-centre",), when="Tue 14:00-15:00; Fri 14:00-15:00",
                    fee="£2 a class", phones=(phone("Steady Steps bookings"),)),
                svc("cartvale-books-on-wheels", "Books on wheels",
                    "A volunteer brings library books, large print and audiobooks to your door every three weeks "
                    "and stays for a chat.", who="People who cannot get to a library because of age, illness, "
                    "disability or caring.", cats="help-at-home writing-reading befriending",
                    access="self_referral professional_referral", at=(), when="Mon-Fri 09:30-16:30"),
                svc("cartvale-rhyme-time", "Bookbug rhyme time",
                    "Songs, rhymes and stories for babies and toddlers with their grown-ups, followed by time to "
                    "play and chat.", who="Children under 4 with a parent or carer.", max_age=4,
                    cats="parent-toddler", access="drop_in",
                    at=("loc-renfrew-library", "loc-erskine-library"), when="Wed 10:30-11:00; Fri 10:30-11:00",
                    notes="Wednesdays at Renfrew, Fridays at Erskine."),
                svc("cartvale-library-digital-help", "Digital help at the library",
                    "Book a half-hour session with a library digital champion for help with phones, tablets, "
                    "email, online forms and video calls.", who="Anyone.",
                    cats="digital-skills online-safety", access="appointment drop_in",
                    at=("loc-renfrew-library", "loc-erskine-library"), when="Thu 10:00-12:00; Sat 10:00-12:00"),
            )),
        org("step-together-walks", "Step Together Health Walks",
            "A volunteer-led walking network with short, friendly walks across Paisley and Johnstone. "
            "Every walk ends with a cuppa.", legal=UA, register="none",
            phones=(phone("Walks coordinator", mob=True),),
            contacts=(person("Morven Hastie", "Walks coordinator"),),
            locations=(
                loc("step-together-canal", "Johnstone canal path (meet at the Quay Street car park)", "Quay Street",
                    "Johnstone", "PA5 8EH", "accessible_parking", "Flat tarmac path; no toilets on the route.",
                    "Johnstone station is five minutes' walk."),
                loc("step-together-park", "Brodie Meadows park (meet at the bandstand)", "Meadows Drive", "Paisley",
                    "PA2 0ES", "accessible_toilet", "Toilets in the café next to the bandstand.",
                    "Bus 61 stops at the park gates."),
                loc("step-together-abbey", "Cartvale Abbey Close (meet at the war memorial)", "Abbey Close",
                    "Paisley", "PA1 1JF", "step_free", None, "Paisley Gilmour Street station is five minutes' walk."),
            ),
            services=(
                svc("step-together-canal-walk", "Canal path health walk",
                    "A flat one-hour walk along the old canal path at an easy pace, with a trained walk leader at "
                    "the front and back.", who="Adults of any fitness level.", cats="walking-groups loneliness",
                    access="drop_in", when="Mon 10:30-11:30", at=("loc-step-together-canal",),
                    area="Johnstone and the villages",
                    how="Just turn up in comfortable shoes. Tell the walk leader if it is your first time."),
                svc("step-together-park-walk", "Park health walk",
                    "A 30 or 60-minute walk around the park paths, finishing with tea in the café.",
                    who="Adults, including people building up after illness.", cats="walking-groups",
                    access="drop_in", when="Thu 10:00-11:00", at=("loc-step-together-park",), area="Paisley"),
                svc("step-together-buggy-walk", "Buggy walk",
                    "A gentle walk for parents and carers with babies in prams or slings, ending at a café.",
                    who="Parents and carers with babies and toddlers.", cats="walking-groups parent-toddler perinatal-support",
                    access="drop_in", when="Tue 10:00-11:00", at=("loc-step-together-abbey",), area="Paisley"),
            )),
        org("southside-striders", "Southside Striders",
            "A walking club on Glasgow's south side with shorter health walks and longer Nordic walking sessions.",
            legal=UA, register="none", phones=(),
            contacts=(person("Gordon Rae", "Club secretary"),),
            locations=(
                loc("striders-park", "Linnpark Woods (meet at the visitor centre)", "Linnpark Avenue", "Glasgow",
                    "G44 3PU", "accessible_toilet accessible_parking", "Paths are mostly level gravel.",
                    "Bus 34 stops at Linnpark Avenue."),
            ),
            services=(
                svc("striders-health-walk", "Wednesday health walk",
                    "A one-hour led walk through the woods at a chatty pace.", who="Adults of any fitness level.",
                    cats="walking-groups outdoor-activities", access="drop_in", when="Wed 10:00-11:00",
                    area="Glasgow South"),
                svc("striders-nordic", "Nordic walking",
                    "Walking with poles for a whole-body workout. Poles are provided and the first session covers "
                    "the technique.", who="Adults who can walk for an hour.", min_age=16,
                    cats="walking-groups sport-clubs", access="self_referral", when="Sat 09:30-11:00",
                    fee="£3 a session; poles provided", area="Glasgow South",
                    how="Text or phone the club secretary to book your first session."),
            )),
        org("spokes-and-smiles", "Spokes and Smiles Community Cycling",
            "A community cycling project with adapted bikes, a bike library and confidence sessions.",
            legal=CIC, register="companies_house", number="SC654321",
            contacts=(person("Zara Whitelaw", "Cycling instructor"),),
            locations=(
                loc("spokes-track", "Cartvale Sports Centre cycle track", "1 Meadowside Way", "Paisley", "PA3 4LA",
                    "step_free accessible_toilet accessible_parking", "Adapted trikes, hand-cycles and wheelchair bikes.",
                    "Buses 9 and 36 stop outside."),
            ),
            services=(
                svc("spokes-inclusive-cycling", "Inclusive cycling sessions",
                    "Try a trike, side-by-side tandem or wheelchair bike on a safe traffic-free track with trained "
                    "staff. Carers ride free.", who="Disabled people and anyone who cannot ride a standard bike.",
                    cats="cycling physical-disability learning-disability", access="drop_in self_referral",
                    when="Sat 10:00-13:00; Wed 13:00-15:00", fee="£3 a session; carers free"),
                svc("spokes-bike-library", "Bike library",
                    "Borrow a bike, helmet and lock for up to a month to see if cycling is for you.",
                    who="Adults in Renfrewshire.", min_age=16, cats="cycling", access="appointment",
                    when="Wed 13:00-17:00", how="Phone to book a fitting; bring photo ID."),
                svc("spokes-learn-to-ride", "Learn to ride for adults",
                    "Small-group sessions for adults who never learned to ride or have not ridden for years.",
                    who="Adults.", min_age=18, cats="cycling sport-clubs", access="self_referral",
                    when="Sun 10:00-12:00", fee="£20 for a four-week course; free on benefits"),
            )),
        org("canalside-community-garden", "Canalside Community Garden",
            "A community garden in Johnstone with raised beds, a polytunnel and a wildflower meadow.",
            legal=SCIO, register="oscr", number="SC047956",
            contacts=(person("Rhona Middleton", "Garden coordinator"),),
            locations=(
                loc("canalside-garden", "Canalside Community Garden", "Off Rannoch Walk", "Johnstone", "PA5 9DW",
                    "step_free accessible_toilet", "Wide level paths and raised beds at wheelchair height.",
                    "Bus 30 stops on Rannoch Walk."),
            ),
            services=(
                svc("canalside-growing-together", "Growing together sessions",
                    "Plant, weed, harvest and share what grows, with a gardener on hand. Tea and home-grown soup "
                    "at lunchtime.", who="Anyone; people who are new to gardening are very welcome.",
                    cats="community-gardens mental-wellbeing", access="drop_in",
                    when="Tue 10:00-14:00; Sat 10:00-13:00", area="Johnstone and the villages"),
                svc("canalside-green-referral", "Green health referral programme",
                    "A ten-week programme of gardening and nature activities in a small group, for people whose "
                    "mental health would benefit from time outdoors.",
                    who="Adults with low mood, anxiety or stress.", min_age=18,
                    cats="community-gardens mental-wellbeing supported-volunteering",
                    access="professional_referral", form=True, when="Thu 10:00-13:00",
                    area="Johnstone and the villages"),
            )),
        org("southside-green-hands", "Southside Green Hands",
            "A volunteer conservation group caring for parks and woodland on the south side of Glasgow.",
            legal=UA, register="oscr", number="SC052780",
            contacts=(person("Iain Cowan", "Volunteer leader"),),
            locations=(
                loc("green-hands-depot", "Kilmory Park depot", "Kilmory Park Road", "Glasgow", "G43 1RT",
                    "accessible_toilet", "Rough ground on work sites; ask about accessible tasks.",
                    "Bus 57 stops at the park entrance."),
            ),
            services=(
                svc("green-hands-conservation", "Park conservation volunteers",
                    "Practical outdoor work such as planting trees, clearing paths and building bird boxes. Tools, "
                    "gloves and training are provided.", who="Adults aged 16 and over.", min_age=16,
                    cats="conservation-volunteering volunteer-opportunities", access="drop_in self_referral",
                    when="Sat 10:00-13:00", area="Glasgow South"),
                svc("green-hands-nature-rambles", "Nature rambles",
                    "A slow walk with a naturalist looking at birds, trees and wildflowers through the seasons.",
                    who="All ages; children with an adult.", cats="outdoor-activities walking-groups",
                    access="drop_in", when="Sun 14:00-15:30 [1st Sunday of the month]", area="Glasgow South"),
            )),
        org("brocklaw-allotments", "Brocklaw Allotment Association",
            "A members' association managing 60 allotment plots, with starter plots for beginners.",
            legal=UA, register="none", phones=(phone("Plot secretary", mob=True),),
            contacts=(person("Sandra Kelso", "Plot secretary"),),
            locations=(
                loc("brocklaw-allotments-site", "Brocklaw Allotments", "Brocklaw Lane", "Elderslie", "PA5 9NX",
                    "accessible_parking", "Some paths are grass; an accessible raised plot is available.",
                    "Bus 38 stops at Brocklaw Lane end."),
            ),
            services=(
                svc("brocklaw-starter-plots", "Starter plots",
                    "Quarter-size plots for beginners, with a mentor from among the plot-holders for your first "
                    "year.", who="Adults living in Renfrewshire.", min_age=18, cats="allotments community-gardens",
                    access="self_referral", when="Sat 10:00-12:00", fee="£15 a year for a starter plot",
                    area="Johnstone and the villages",
                    how="Phone or text the plot secretary; there is a short waiting list in spring."),
            )),
    ]


def arts_and_culture() -> list[Json]:
    return [
        org("loom-arts-studio", "Loom Arts Studio",
            "A community art studio in Paisley running open studio sessions and art for wellbeing courses.",
            legal=CIC, register="companies_house", number="SC598112",
            contacts=(person("Natalie Petrie", "Studio director"),),
            locations=(
                loc("loom-studio", "Loom Arts Studio", "Second floor, 19 Dyers Wynd", "Paisley", "PA1 1DN",
                    "lift accessible_toilet", "Lift to the second floor.", "Buses 1, 9 and 38 stop at the Cross."),
            ),
            services=(
                svc("loom-open-studio", "Open studio art group",
                    "Paint, draw or print in a friendly studio with materials provided and an artist on hand "
                    "to help if you want it.", who="Adults of any ability.", min_age=16,
                    cats="art-groups social-groups", access="drop_in", when="Wed 13:00-16:00; Sat 10:30-13:00",
                    fee="£3 per session, first session free", area="Paisley"),
                svc("loom-art-for-wellbeing", "Art for wellbeing course",
                    "A ten-week small-group course using art to relax, build confidence and meet people. "
                    "No art experience needed.", who="Adults with low mood, anxiety or who feel isolated.",
                    min_age=18, cats="art-groups mental-wellbeing", access="professional_referral self_referral",
                    form=True, when="Mon 10:30-12:30", area="Paisley"),
            )),
        org("cartvale-community-choir", "Cartvale Community Choir",
            "A no-audition community choir singing pop, folk and Scottish songs, plus a singing for lung health "
            "group.", legal=UA, register="oscr", number="SC046233",
            phones=(phone("Choir secretary", mob=True),),
            contacts=(person("Eilidh Morrison", "Musical director"),),
            locations=(
                loc("choir-hall", "Weaver Row Church hall", "60 Weaver Row", "Paisley", "PA3 2RF",
                    "step_free accessible_toilet hearing_loop", None, "Buses 9 and 38 stop outside."),
            ),
            services=(
                svc("cartvale-choir-sing-for-fun", "Sing for fun community choir",
                    "A friendly choir where nobody has to read music. Songs are taught by ear and there is a tea "
                    "break halfway.", who="Adults who like singing, whatever their voice.", min_age=16,
                    cats="music-singing social-groups", access="drop_in", when="Tue 19:00-21:00",
                    fee="£4 a session; first month free", area="Paisley"),
                svc("cartvale-singing-breathing", "Singing for lung health",
                    "A singing group led by a trained practitioner, with breathing exercises that can help with "
                    "breathlessness.", who="Adults living with COPD, asthma or other lung conditions.",
                    min_age=18, cats="heart-lung-health music-singing", access="drop_in professional_referral",
                    when="Thu 13:30-15:00", area="Paisley"),
            )),
        org("comhla-gaelic-choir", "Còmhla Gaelic Choir",
            "A welcoming Gaelic choir for learners and native speakers. Nobody needs to speak Gaelic to join.",
            legal=UA, register="none", alt="Còisir Chòmhla", phones=(),
            contacts=(person("Mòrag NicLeòid", "Choir leader"),),
            locations=(
                loc("comhla-hall", "Elderslie Village Hall", "22 Wallace Row", "Elderslie", "PA5 9LB",
                    "step_free accessible_toilet", None, "Bus 38 stops outside."),
            ),
            services=(
                svc("comhla-gaelic-singing", "Gaelic singing for beginners",
                    "Learn traditional Gaelic songs line by line, with the words written out phonetically. "
                    "The choir sings at local ceilidhs and the Mòd.", who="Adults; no Gaelic needed.",
                    min_age=16, cats="music-singing adult-learning", access="drop_in", when="Mon 19:30-21:00",
                    languages=("Scottish Gaelic", "English"), fee="£2 a week",
                    area="Johnstone and the villages"),
            )),
        org("inkwell-writers", "Inkwell Writers' Circle",
            "A creative writing group that meets in Renfrew and online, and publishes a yearly anthology.",
            legal=UA, register="none", phones=(),
            contacts=(person("Colin Weir", "Convener"),),
            locations=(
                loc("inkwell-renfrew", "Renfrew Town Hall (Council Chamber)", "Hairst Street Gardens", "Renfrew",
                    "PA4 8PF", "step_free lift accessible_toilet", None, "Bus 23 stops at the Town Hall."),
            ),
            services=(
                svc("inkwell-writing-group", "Creative writing group",
                    "Members share short pieces, try writing prompts and give kind, useful feedback. Poetry, "
                    "memoir and stories are all welcome.", who="Adults who enjoy writing, beginners included.",
                    min_age=18, cats="writing-reading", access="drop_in", online=True,
                    when="Thu 19:00-21:00 [Alternate weeks in person and online]", area="Renfrew"),
            )),
        org("threadwork-crafters", "Threadwork Crafters",
            "A sewing and textiles group that makes quilts for the children's ward and teaches sewing skills. "
            "Its weekly sewing bee is paused while the hall is repaired.", legal=UA, register="none",
            phones=(),
            contacts=(person("Patricia Lennie", "Group leader"),),
            locations=(
                loc("threadwork-hall", "Houston Village Hall", "5 Kirk Loan", "Houston", "PA6 7HP",
                    "step_free", "Toilets up two steps.", "Bus 21 stops outside."),
            ),
            services=(
                svc("threadwork-sewing-bee", "Sewing bee",
                    "Learn hand and machine sewing, mend clothes and work on group quilting projects. Machines "
                    "and fabric are provided.", who="Adults of any experience.", cats="crafts social-groups",
                    access="drop_in", when="Mon 10:00-12:30", fee="£2 a session", area="Houston and Bridge of Weir",
                    status="temporarily_closed", notes="Paused until the hall roof is repaired."),
            )),
        org("stagedoor-southside", "Stagedoor Southside Theatre Company",
            "A community theatre company putting on two shows a year with local casts of all ages. "
            "Sessions are paused while its venue is refurbished.", legal=SCIO, register="oscr", number="SC055019",
            status="temporarily_closed",
            contacts=(person("Ruairidh Grant", "Artistic director"),),
            locations=(
                loc("stagedoor-theatre", "The Old Tram Depot", "44 Carnbrae Road", "Glasgow", "G52 2NQ",
                    "step_free accessible_toilet hearing_loop", None, "Hillpark station is five minutes' walk."),
            ),
            services=(
                svc("stagedoor-adult-drama", "Community drama group",
                    "Drama games, improvisation and rehearsals for the next show. Backstage roles are available "
                    "for people who would rather not perform.", who="Adults aged 18 and over.", min_age=18,
                    cats="drama social-groups", access="drop_in", when="Wed 19:00-21:00", area="Glasgow South"),
                svc("stagedoor-youth-theatre", "Youth theatre",
                    "Weekly drama sessions for young people that build confidence and end in a performance each term.",
                    who="Young people aged 11 to 17.", min_age=11, max_age=17, cats="drama youth-clubs",
                    access="self_referral", when="Sat 10:00-12:00", fee="£2 a session; free for anyone who needs it",
                    area="Glasgow South"),
            )),
        org("twirl-community-dance", "Twirl Community Dance",
            "A community dance company running tea dances and movement classes for people of all abilities.",
            legal=CIC, register="companies_house", number="SC702915",
            contacts=(person("Lynsey Arbuckle", "Dance artist"),),
            locations=(
                loc("twirl-town-hall", "Renfrew Town Hall (Ballroom)", "Hairst Street Gardens", "Renfrew", "PA4 8PF",
                    "step_free lift accessible_toilet hearing_loop", None, "Bus 23 stops at the Town Hall."),
                loc("twirl-barrhead", "Barrhead Community Hub (Main Hall)", "55 Levernside Road", "Barrhead",
                    "G78 1SA", FULL, None, "Barrhead station is five minutes' walk."),
            ),
            services=(
                svc("twirl-tea-dance", "Tea dance",
                    "Ballroom and old-time dancing to a live band, with tea and scones at the interval. Come with "
                    "a partner, on your own or just to watch.", who="Adults; most dancers are over 55.",
                    cats="dance loneliness", access="drop_in", when="Thu 13:30-15:30 [1st and 3rd week only]",
                    at=("loc-twirl-town-hall",), fee="£3 including tea", area="Renfrew"),
                svc("twirl-moving-well", "Moving Well dance class",
                    "A seated and standing dance class designed for people living with Parkinson's, MS or after a "
                    "stroke, to help balance, flexibility and confidence.",
                    who="Adults with a neurological condition, with their partners or carers.", min_age=18,
                    cats="dance condition-support-groups gentle-exercise", access="drop_in professional_referral",
                    when="Mon 11:00-12:15", at=("loc-twirl-barrhead",), area="Barrhead and Neilston"),
            )),
        org("southside-african-families", "Southside African Families Association",
            "A community association bringing together African families on Glasgow's south side to celebrate "
            "their heritage and support each other.", legal=SCIO, register="oscr", number="SC054377",
            contacts=(person("Abena Owusu", "Chair"), person("Tunde Adeyemi", "Youth lead")),
            locations=(
                loc("african-families-hall", "Langcroft Community Hall", "12 Langcroft Terrace", "Glasgow", "G43 2TB",
                    "step_free accessible_toilet hearing_loop", None, "Bus 57 stops outside."),
            ),
            services=(
                svc("african-families-heritage", "Family heritage Saturdays",
                    "A monthly family afternoon with food, drumming, storytelling and a homework club, plus "
                    "information stalls from local services.", who="African and Caribbean families, and friends.",
                    cats="cultural-associations family-support", access="drop_in",
                    when="Sat 13:00-17:00 [Last Saturday of the month]", area="Glasgow South",
                    languages=("English", "Twi", "Yoruba", "French")),
            )),
        org("clippens-community-action", "Clippens Community Action Group",
            "Local residents who organise clean-ups, planting days and events to improve Linwood.",
            legal=UA, register="none", phones=(phone("Group phone", mob=True),),
            contacts=(person("Janice Wardlaw", "Secretary"),),
            locations=(
                loc("clippens-meeting-point", "Linnburn Community Hub (front door)", "1 Clippens Square", "Linwood",
                    "PA3 3TS", "step_free accessible_toilet", None, "Buses 36 and 38 stop in Clippens Square."),
            ),
            services=(
                svc("clippens-clean-ups", "Community clean-ups and planting days",
                    "Monthly litter picks and planting in local green spaces. Gloves, pickers and a bacon roll "
                    "are provided.", who="Anyone; under-16s with an adult.",
                    cats="community-action conservation-volunteering volunteer-opportunities", access="drop_in",
                    when="Sat 10:00-12:00 [2nd Saturday of the month]", area="Linwood"),
            )),
    ]


def families_and_young_people() -> list[Json]:
    return [
        org("little-sprouts-family-hub", "Little Sprouts Family Hub",
            "A family centre in Foxbrae, Paisley, with play sessions, parenting courses and one-to-one family "
            "support.", legal=SCIO, register="oscr", number="SC041562",
            contacts=(person("Donna Hutchison", "Family support manager", "landline"),),
            locations=(
                loc("little-sprouts-hub", "Little Sprouts Family Hub", "3 Foxbrae Crescent", "Paisley", "PA2 8JR",
                    "step_free accessible_toilet quiet_space accessible_parking", "Baby-changing and buggy park.",
                    "Bus 61 stops at Foxbrae Crescent."),
            ),
            services=(
                svc("little-sprouts-stay-play", "Stay and play",
                    "Messy play, songs and snacks for little ones while parents and carers meet others. Family "
                    "workers are around for a chat.", who="Parents and carers with children aged 0 to 5.",
                    cats="parent-toddler", access="drop_in", when="Mon 09:30-11:30; Thu 13:00-15:00",
                    area="Paisley"),
                svc("little-sprouts-calmer-mornings", "Calmer Mornings parenting course",
                    "An eight-week group course on routines, behaviour and staying calm, with a free crèche. "
                    "Parents say the best part is meeting others in the same boat.",
                    who="Parents and carers of children aged 2 to 10.", cats="parenting-programmes childcare-creche",
                    access="self_referral professional_referral", form=True, when="Wed 09:45-11:45", area="Paisley"),
                svc("little-sprouts-family-support", "Family support worker",
                    "A family support worker visits at home to help with routines, money, housing or getting "
                    "children to school, for as long as the family needs.",
                    who="Families with children under 12 in Paisley going through a hard time.",
                    cats="family-support", access="professional_referral self_referral", form=True,
                    when="Mon-Fri 09:00-17:00", at=(), area="Paisley"),
            )),
        org("barrhead-bumps-babies", "Barrhead Bumps and Babies",
            "A volunteer-led group for parents-to-be and parents of young babies.", legal=UA, register="none",
            phones=(phone("Group phone", mob=True),),
            contacts=(person("Leanne Gibb", "Volunteer organiser"),),
            locations=(
                loc("bumps-babies-hall", "Barrhead Community Hub (Main Hall)", "55 Levernside Road", "Barrhead",
                    "G78 1SA", FULL, None, "Barrhead station is five minutes' walk."),
            ),
            services=(
                svc("bumps-and-babies-group", "Bumps and babies group",
                    "A relaxed weekly group with tea, cake and baby massage. A health visitor joins once a month to "
                    "answer questions about feeding and sleep.",
                    who="Pregnant people and parents with babies up to 12 months.",
                    cats="perinatal-support parent-toddler", access="drop_in", when="Tue 13:00-14:30",
                    area="Barrhead and Neilston"),
            )),
        org("southside-family-support", "Southside Family Support",
            "Works with families on the south side of Glasgow facing poverty, poor health or family breakdown.",
            legal=CLG, register="oscr", number="SC024718",
            contacts=(person("Michelle Cassidy", "Service manager", "landline"),
                      person("Kwame Mensah", "Dads' worker")),
            locations=(
                loc("sfs-base", "Cathcart Family Centre", "12 Millbrae Gardens", "Glasgow", "G44 3QJ",
                    "step_free accessible_toilet", None, "Cathcart station is two minutes' walk."),
            ),
            services=(
                svc("sfs-family-support", "Intensive family support",
                    "A key worker supports the whole family at home with whatever is getting in the way, from "
                    "debt and housing to children's behaviour.",
                    who="Families with children under 16 in Glasgow south side.",
                    cats="family-support", access="professional_referral", form=True, at=(),
                    when="Mon-Fri 09:00-17:00", area="Glasgow South"),
                svc("sfs-dads-group", "Dads' group",
                    "A Saturday morning group where dads and male carers do activities with their children and "
                    "get to know other dads.", who="Dads and male carers with children under 12.",
                    cats="parenting-programmes mens-groups", access="drop_in", when="Sat 10:00-12:00",
                    area="Glasgow South"),
            )),
        org("cartvale-youth-hub", "Cartvale Youth Hub",
            "A youth work charity running youth clubs, mentoring and street work in Paisley and Renfrew.",
            legal=SCIO, register="oscr", number="SC039702",
            contacts=(person("Liam Devlin", "Senior youth worker"), person("Hannah Orr", "Mentoring coordinator")),
            locations=(
                loc("youth-hub-paisley", "The Youth Hub", "18 Cotton Street", "Paisley", "PA1 1BH",
                    "step_free accessible_toilet quiet_space", None, "Buses 1, 9 and 38 stop nearby."),
                loc("youth-hub-renfrew", "Renfrew Youth Centre", "6 Moorpark Avenue", "Renfrew", "PA4 8DL",
                    STEP_FREE, None, "Bus 23 stops on Moorpark Avenue."),
            ),
            services=(
                svc("youth-hub-junior-club", "Junior youth club (S1 to S3)",
                    "Games, cooking, sport, trips and a safe place to hang out with friends, run by qualified "
                    "youth workers.", who="Young people aged 11 to 14.", min_age=11, max_age=14,
                    cats="youth-clubs", access="drop_in", when="Tue 18:00-20:00; Thu 18:00-20:00",
                    at=("loc-youth-hub-paisley", "loc-youth-hub-renfrew"), fee="50p a night"),
                svc("youth-hub-senior-club", "Senior youth club (S4 and over)",
                    "A space for older teenagers to relax, plan trips and get help with college, work or worries.",
                    who="Young people aged 15 to 19.", min_age=15, max_age=19, cats="youth-clubs youth-employment",
                    access="drop_in", when="Wed 18:30-21:00", at=("loc-youth-hub-paisley",)),
                svc("youth-hub-mentoring", "One-to-one mentoring",
                    "A trained volunteer mentor meets a young person once a week for a year to do activities and "
                    "talk about goals.", who="Young people aged 12 to 18 who would benefit from a trusted adult.",
                    min_age=12, max_age=18, cats="youth-mentoring", access="professional_referral", form=True,
                    when="Mon-Fri 10:00-18:00", at=("loc-youth-hub-paisley",)),
            )),
        org("launchpad-futures", "Launchpad Futures",
            "A social enterprise helping young people into training, college and jobs.",
            legal=CIC, register="companies_house", number="SC687430",
            contacts=(person("Sophie Langlands", "Employability coach"),),
            locations=(
                loc("launchpad-office", "Launchpad Futures", "Unit 4, Cartside Business Centre", "Paisley", "PA3 2HT",
                    "step_free accessible_toilet lift", None, "Five minutes from Paisley St James station."),
            ),
            services=(
                svc("launchpad-youth-employability", "Young people's employability programme",
                    "A coach helps you work out what you want to do, then supports you with CVs, work tasters, "
                    "interview practice and your first weeks in a job or college.",
                    who="Young people aged 16 to 24 who are not in work, education or training.",
                    min_age=16, max_age=24, cats="youth-employment employability",
                    access="self_referral professional_referral", form=True, online=True, when="Mon-Fri 09:30-16:30",
                    how="Text, phone or fill in the short online form; a coach will meet you somewhere you choose."),
            )),
    ]


def health_conditions() -> list[Json]:
    return [
        org("bluebell-cancer-support", "Bluebell Cancer Support Centre",
            "A drop-in centre for anyone affected by cancer, with information, complementary therapies and money "
            "advice.", legal=SCIO, register="oscr", number="SC033871",
            contacts=(person("Yvonne Steele", "Centre manager", "landline"),),
            locations=(
                loc("bluebell-centre", "Bluebell Centre", "11 Newlands Brae", "Glasgow", "G43 2JP",
                    "step_free accessible_toilet hearing_loop quiet_space accessible_parking", None,
                    "Newlands station is five minutes' walk; bus 57 stops outside."),
            ),
            services=(
                svc("bluebell-drop-in", "Cancer support drop-in",
                    "Call in for a cup of tea, information and a chat with a trained support worker, whether you "
                    "have cancer or someone close to you does.", who="Anyone affected by cancer.",
                    cats="cancer-support peer-support", access="drop_in", when="Mon-Thu 10:00-16:00",
                    area="Glasgow South and East Renfrewshire"),
                svc("bluebell-complementary-therapies", "Complementary therapies",
                    "Up to six sessions of massage, reflexology or reiki to help you relax during and after "
                    "treatment.", who="People with cancer and their carers.", cats="cancer-support",
                    access="appointment", when="Tue 10:00-16:00; Thu 10:00-16:00",
                    area="Glasgow South and East Renfrewshire",
                    how="Ask at the drop-in or phone to book; a therapist checks your medical history first."),
                svc("bluebell-money-advice", "Cancer money and debt advice",
                    "A welfare rights adviser helps with benefits, debt, grants, travel costs and returning to work "
                    "after a cancer diagnosis.", who="People affected by cancer and their families.",
                    cats="cancer-support welfare-rights debt-advice", access="appointment self_referral professional_referral",
                    by_phone=True, when="Wed 10:00-16:00", area="Glasgow South and East Renfrewshire"),
            )),
        org("airways-support-group", "Airways Lung Support Group",
            "A self-help group for people living with lung conditions, meeting monthly with exercise and speakers.",
            legal=UA, register="none", phones=(phone("Group contact", mob=True),),
            contacts=(person("Jim McCreadie", "Group chair"),),
            locations=(
                loc("airways-hall", "Gallowmuir Church hall", "8 Gallowmuir Road", "Paisley", "PA2 7QB",
                    "step_free accessible_toilet accessible_parking", None, "Bus 61 stops nearby."),
            ),
            services=(
                svc("airways-lung-group", "Lung health support group",
                    "Gentle exercise, a guest speaker and tea, with members sharing tips for living well with "
                    "COPD, asthma and other lung conditions.", who="People with lung conditions and their families.",
                    cats="heart-lung-health condition-support-groups", access="drop_in",
                    when="Mon 14:00-16:00 [1st Monday of the month]", area="Paisley"),
            )),
        org("steady-ground-pain-group", "Steady Ground Chronic Pain Group",
            "A peer support group for people living with long-term pain.", legal=UA, register="none",
            phones=(),
            contacts=(person("Louise Armour", "Facilitator"),),
            services=(
                svc("steady-ground-pain-peer", "Living with pain peer group",
                    "An online group where members share pacing, sleep and coping tips and support each other "
                    "through flare-ups.", who="Adults with chronic pain such as fibromyalgia or back pain.",
                    min_age=18, cats="chronic-pain peer-support", access="self_referral", online=True, at=(),
                    when="Wed 19:00-20:30", area="Renfrewshire and Glasgow", url=True,
                    how="Email the group to get a video link and a short welcome call."),
            )),
        org("cartvale-stroke-club", "Cartvale Stroke Club",
            "A social club for stroke survivors and their families with exercise, games and outings.",
            legal=UA, register="oscr", number="SC030459",
            contacts=(person("Bernadette Doyle", "Club secretary", "landline"),),
            locations=(
                loc("stroke-club-hall", "Renfrew Victory Church Hall", "3 Ferry Loan", "Renfrew", "PA4 0RE",
                    "step_free accessible_toilet hearing_loop", None, "Bus 23 stops on Ferry Loan; club minibus available."),
            ),
            services=(
                svc("stroke-club-weekly", "Stroke club",
                    "A weekly afternoon of seated exercise, communication games, quizzes and friendship, with "
                    "help for people with aphasia.", who="People who have had a stroke, and their carers.",
                    cats="condition-support-groups physical-disability", access="self_referral professional_referral",
                    when="Wed 13:30-15:30", fee="£2 a week including tea", area="Renfrew and Erskine"),
            )),
        org("wellwise-health", "Wellwise Health Network",
            "A health charity running courses and groups that help people live well with long-term conditions, "
            "stop smoking and eat well.", legal=SCIO, register="oscr", number="SC048350",
            phones=(phone("Bookings"),),
            contacts=(person("Priya Nair", "Programme manager", "landline"), person("Ross Kennedy", "Stop smoking adviser")),
            locations=(
                loc("wellwise-paisley", "Wellwise Centre", "30 Loom Lane", "Paisley", "PA1 1XB",
                    "step_free accessible_toilet hearing_loop lift", None, "Three minutes from Paisley Gilmour Street."),
                loc("wellwise-pollok", "Nitshill Health Hub", "90 Darnley Gate", "Glasgow", "G53 7RS",
                    FULL, None, "Nitshill station is five minutes' walk; bus 3 stops outside."),
            ),
            services=(
                svc("wellwise-living-well", "Living well with a long-term condition",
                    "A six-week course on managing symptoms, pacing, medication, low mood and talking with "
                    "health professionals, led by trained tutors who live with conditions themselves.",
                    who="Adults living with any long-term condition, and their carers.", min_age=18,
                    cats="self-management condition-support-groups", access="self_referral professional_referral",
                    online=True, form=True, at=("loc-wellwise-paisley", "loc-wellwise-pollok"),
                    when="Tue 10:00-12:30; Thu 18:00-20:30", area="Renfrewshire and Glasgow South",
                    notes="Courses start every six weeks; the Thursday course is online."),
                svc("wellwise-diabetes-group", "Diabetes support and education group",
                    "A monthly group with a dietitian or nurse guest, cooking tips and members' own experience of "
                    "living with type 2 diabetes.", who="Adults with type 2 diabetes or pre-diabetes.",
                    min_age=18, cats="diabetes-support healthy-weight", access="drop_in self_referral",
                    when="Mon 18:00-19:30 [Last Monday of the month]", at=("loc-wellwise-pollok",),
                    area="Glasgow South", languages=("English", "Urdu")),
                svc("wellwise-stop-smoking", "Stop smoking support",
                    "Weekly one-to-one support from an adviser for 12 weeks, with free nicotine replacement. "
                    "You are around three times more likely to stop than going it alone.",
                    who="Anyone aged 12 or over who smokes and wants to stop.", min_age=12,
                    cats="stop-smoking", access="self_referral professional_referral appointment drop_in",
                    by_phone=True, at=("loc-wellwise-paisley", "loc-wellwise-pollok"),
                    when="Mon-Fri 09:00-17:00", phones=(phone("Stop smoking line"),)),
                svc("wellwise-healthy-weight", "Weigh to Go healthy weight group",
                    "A friendly 12-week group on eating well, portion sizes and moving more, with weekly weigh-ins "
                    "if you want them.", who="Adults with a BMI over 25 who want support to lose weight.",
                    min_age=18, cats="healthy-weight", access="professional_referral self_referral",
                    form=True, at=("loc-wellwise-paisley",), when="Wed 17:30-19:00"),
            )),
    ]


def safety_and_identity() -> list[Json]:
    return [
        org("clearwater-womens-support", "Clearwater Women's Support",
            "Supports women, children and young people affected by domestic abuse in Renfrewshire, with advice, "
            "refuge and children's workers.", legal=SCIO, register="oscr", number="SC027740",
            phones=(phone("Office"),),
            contacts=(person("Gail Stirling", "Service manager", "landline"),),
            locations=(
                loc("clearwater-outreach", "Clearwater outreach office", "Address given when you make contact",
                    "Paisley", "PA1 2TU", "step_free accessible_toilet quiet_space",
                    "The office address is kept private for safety; staff can also meet you somewhere safe.", None),
            ),
            services=(
                svc("clearwater-da-support", "Domestic abuse support service",
                    "A support worker listens, helps you plan for your safety and supports you with housing, "
                    "money, police and court, whether or not you want to leave.",
                    who="Women aged 16 and over affected by domestic abuse, now or in the past.", min_age=16,
                    cats="domestic-abuse-support", access="self_referral professional_referral", by_phone=True,
                    when="Mon-Fri 09:00-17:00", phones=(phone("Support line"),),
                    interpretation="Interpreters can be arranged, including female interpreters.",
                    how="Phone the support line when it is safe for you. If you are in danger now, call 999.",
                    notes="Outside these hours, phone the national domestic abuse helpline (24 hours)."),
                svc("clearwater-children-young-people", "Children and young people's support",
                    "One-to-one and group work with children and young people to help them understand what has "
                    "happened, feel safe and rebuild relationships.",
                    who="Children and young people aged 5 to 18 affected by domestic abuse.", min_age=5, max_age=18,
                    cats="children-affected-abuse youth-mental-health", access="professional_referral self_referral",
                    form=True, when="Mon-Fri 09:00-17:00"),
                svc("clearwater-refuge", "Refuge accommodation",
                    "Safe, self-contained flats at a private address with support workers on site during the day.",
                    who="Women, and their children, who need to leave home because of domestic abuse.", min_age=16,
                    cats="safe-accommodation domestic-abuse-support", access="self_referral professional_referral",
                    by_phone=True, at=(), when="Mon-Fri 09:00-17:00", phones=(phone("Refuge referrals"),),
                    how="Phone the refuge referrals number. The refuge address is never shared."),
            )),
        org("northstar-sv-support", "Northstar Sexual Violence Support",
            "A confidential service for anyone affected by rape, sexual assault or sexual abuse at any time in "
            "their life.", legal=SCIO, register="oscr", number="SC044976",
            phones=(phone("Office"),),
            contacts=(person("Alison Rennie", "Support services coordinator", "landline"),),
            locations=(
                loc("northstar-office", "Northstar support rooms", "Address given when you make contact", "Glasgow",
                    "G41 1HL", "step_free accessible_toilet quiet_space lift", None, None),
            ),
            services=(
                svc("northstar-support-line", "Sexual violence support line",
                    "Talk in confidence to a trained support worker. You do not need to give your name or report "
                    "to the police.", who="Anyone aged 13 or over affected by sexual violence, and their supporters.",
                    min_age=13, cats="sexual-violence-support crisis-support", access="self_referral",
                    by_phone=True, online=True, at=(), when="Mon-Fri 10:00-20:00; Sat 10:00-14:00",
                    area="Glasgow and Renfrewshire", phones=(phone("Support line"),)),
                svc("northstar-one-to-one", "One-to-one support",
                    "Regular meetings with the same support worker for as long as you need, including support "
                    "through a police report or court case.", who="Anyone aged 13 or over.", min_age=13,
                    cats="sexual-violence-support victims-witnesses", access="self_referral professional_referral appointment",
                    when="Mon-Fri 09:00-17:00", area="Glasgow and Renfrewshire", bsl=True,
                    interpretation="Interpreters and BSL interpreters can be arranged."),
            )),
        org("rainbow-threads-lgbt", "Rainbow Threads LGBT+ Renfrewshire",
            "An LGBT+ community group running social nights, a youth group and a trans and non-binary peer group.",
            legal=SCIO, register="oscr", number="SC054128",
            phones=(phone("Text us", "text"),),
            contacts=(person("Jordan Blake", "Community worker"), person("Ash Morrison", "Youth worker")),
            locations=(
                loc("rainbow-threads-base", "The Arts Centre (studio 2)", "27 Sma' Wynd", "Paisley", "PA1 1SN",
                    "step_free accessible_toilet hearing_loop", "Gender-neutral toilets.",
                    "Paisley Gilmour Street station is five minutes' walk."),
            ),
            services=(
                svc("rainbow-threads-social", "LGBT+ social night",
                    "A relaxed monthly social with board games, films or a quiz, free of alcohol, where LGBT+ "
                    "adults can meet people.", who="LGBT+ adults aged 18 and over.", min_age=18,
                    cats="lgbt-social loneliness", access="drop_in", when="Fri 19:00-21:30 [2nd Friday of the month]"),
                svc("rainbow-threads-youth", "LGBT+ youth group",
                    "A weekly group with youth workers for young people who are LGBT+ or questioning, with "
                    "activities, support and a safe space.", who="Young people aged 12 to 25.", min_age=12,
                    max_age=25, cats="lgbt-wellbeing youth-clubs", access="self_referral drop_in",
                    when="Thu 18:00-20:00", how="Text the group first if you would like a worker to meet you."),
                svc("rainbow-threads-trans-peer", "Trans and non-binary peer support",
                    "A fortnightly peer group for trans and non-binary adults to share experiences and information "
                    "about healthcare, ID and coming out.", who="Trans and non-binary adults and those questioning.",
                    min_age=18, cats="trans-support peer-support", access="self_referral", online=True,
                    when="Tue 19:00-20:30 [Every other week]"),
            )),
        org("southside-silver-rainbows", "Southside Silver Rainbows",
            "A friendship group for older lesbian, gay, bisexual and trans people.", legal=UA, register="none",
            phones=(),
            contacts=(person("Malcolm Greig", "Organiser"),),
            locations=(
                loc("silver-rainbows-cafe", "Weaver's Table (back room)", "88 Daisybank Street", "Glasgow", "G42 7QW",
                    "step_free accessible_toilet", None, "Buses 5 and 7 stop at Daisybank Street."),
            ),
            services=(
                svc("silver-rainbows-coffee", "Older LGBT+ coffee club",
                    "A monthly coffee morning with conversation, occasional speakers and trips.",
                    who="LGBT+ people aged 50 and over.", min_age=50, cats="lgbt-social day-opportunities",
                    access="drop_in self_referral", when="Sat 10:30-12:30 [1st Saturday of the month]",
                    area="Glasgow South"),
            )),
        org("razem-polish-support", "Razem Polish Community Support",
            "A Polish community organisation in Paisley offering advice, groups and events in Polish.",
            legal=SCIO, register="oscr", number="SC051390", alt="Razem",
            contacts=(person("Agnieszka Wiśniewska", "Advice worker", "landline"), person("Piotr Zieliński", "Volunteer")),
            locations=(
                loc("razem-centre", "Razem Community Centre", "12 Bobbin Street", "Paisley", "PA3 2NU",
                    "step_free accessible_toilet", None, "Buses 9 and 36 stop on Bobbin Street."),
            ),
            services=(
                svc("razem-money-advice", "Porady finansowe: money and debt advice in Polish",
                    "A Polish-speaking adviser helps with debt, benefits, tax letters and bank problems, and can "
                    "come with you to appointments.", who="Polish speakers living in Renfrewshire.",
                    cats="debt-advice welfare-rights community-language-groups", access="appointment self_referral",
                    by_phone=True, when="Mon 10:00-16:00; Wed 10:00-16:00", languages=("Polish", "English")),
                svc("razem-zlota-jesien", "Klub Seniora „Złota Jesień”",
                    "A social club for older Polish people with coffee, cake, trips and talks in Polish.",
                    who="Polish speakers aged 60 and over.", min_age=60,
                    cats="community-language-groups day-opportunities", access="drop_in",
                    when="Thu 11:00-13:30", languages=("Polish",), area="Paisley"),
                svc("razem-saturday-club", "Polish Saturday family club",
                    "Polish language, songs and games for children while parents meet over coffee.",
                    who="Polish-speaking families with children aged 4 to 12.",
                    cats="community-language-groups family-support", access="drop_in self_referral",
                    when="Sat 10:00-12:30", languages=("Polish", "English"), fee="£3 per family per week",
                    area="Paisley"),
            )),
        org("jasmine-house", "Jasmine House Arabic-speaking Community Association",
            "A community association for Arabic-speaking families in Glasgow, run by volunteers.",
            legal=SCIO, register="oscr", number="SC053611", alt="Jasmine House",
            contacts=(person("Rania Khalil", "Coordinator"),),
            locations=(
                loc("jasmine-house-rooms", "Jasmine House", "41 Calderwood Road", "Glasgow", "G42 8PY",
                    "step_free", "Accessible toilet in the neighbouring library.", "Buses 5 and 31 stop nearby."),
            ),
            services=(
                svc("jasmine-womens-group", "Arabic-speaking women's group",
                    "Women meet for tea, crafts, cooking and talks on health and rights, with a crèche in the "
                    "next room.", who="Arabic-speaking women.", cats="community-language-groups womens-groups",
                    access="drop_in", when="Wed 10:30-13:00", languages=("Arabic", "English"), area="Glasgow South"),
                svc("jasmine-help-with-forms", "Help with letters, forms and appointments in Arabic",
                    "A bilingual volunteer explains letters, helps fill in forms and makes phone calls to GP "
                    "practices, schools and housing with you.", who="Arabic speakers living in Glasgow.",
                    cats="interpreting-advocacy refugee-asylum-support", access="appointment drop_in",
                    when="Mon 13:00-16:00", languages=("Arabic", "Kurdish", "English"), area="Glasgow"),
            )),
        org("new-neighbours", "New Neighbours Refugee Welcome",
            "Welcomes refugees and people seeking asylum in Glasgow with a weekly drop-in, English conversation "
            "and accredited immigration advice.", legal=SCIO, register="oscr", number="SC049560",
            contacts=(person("Ellen Sutherland", "Project manager", "landline"), person("Yonas Tesfaye", "Drop-in coordinator")),
            locations=(
                loc("new-neighbours-hall", "Govanside Community Church", "230 Langlands Walk", "Glasgow", "G51 3LR",
                    "step_free accessible_toilet hearing_loop", None, "Govanside subway is five minutes' walk."),
            ),
            services=(
                svc("new-neighbours-drop-in", "Welcome drop-in",
                    "A hot meal, help with practical problems, clothing and toiletries, and a warm welcome. "
                    "Caseworkers and a nurse attend most weeks.", who="Refugees and people seeking asylum.",
                    cats="refugee-asylum-support community-meals", access="drop_in", when="Tue 11:00-15:00",
                    languages=("English", "Arabic", "Farsi", "Tigrinya", "French"),
                    interpretation="Volunteer interpreters attend most weeks.", area="Glasgow"),
                svc("new-neighbours-conversation-cafe", "Conversation Café",
                    "Practise everyday English over tea with friendly volunteers, in small tables by level.",
                    who="Adults learning English, at any level.", min_age=16,
                    cats="esol community-cafes", access="drop_in", when="Thu 13:00-15:00", area="Glasgow"),
                svc("new-neighbours-immigration", "Immigration advice clinic",
                    "A regulated immigration adviser gives free advice on asylum claims, family reunion and "
                    "applications to stay.", who="Refugees, people seeking asylum and their families.",
                    cats="immigration-advice refugee-asylum-support", access="appointment",
                    when="Tue 11:00-15:00 [Appointments only]", languages=("English",),
                    interpretation="Interpreters are booked for every appointment.", area="Glasgow",
                    how="Ask at the drop-in for an appointment; bring any Home Office letters."),
            )),
        org("sunflower-ukrainian-group", "Sunflower Ukrainian Community Group",
            "A mutual support group for Ukrainian people living in Renfrewshire.", legal=UA, register="none",
            phones=(phone("Group phone", mob=True),),
            contacts=(person("Olena Kovalenko", "Organiser"),),
            locations=(
                loc("sunflower-hall", "Erskine Parish Hall", "14 Bargarran Walk", "Erskine", "PA8 6BS",
                    STEP_FREE, None, "Buses 23 and 60 stop at Bargarran Walk."),
            ),
            services=(
                svc("sunflower-meetup", "Ukrainian community meet-up",
                    "A weekly meet-up with tea, children's activities and help with local services, work and "
                    "English classes.", who="Ukrainian people and families.",
                    cats="community-language-groups refugee-asylum-support", access="drop_in",
                    when="Sun 14:00-17:00", languages=("Ukrainian", "Russian", "English"), area="Renfrewshire"),
            )),
    ]


def learning_work_and_rights() -> list[Json]:
    return [
        org("cartvale-community-learning", "Cartvale Community Learning Partnership",
            "A partnership of tutors and volunteers offering free adult learning: English classes, reading and "
            "writing, and family learning.", legal=SCIO, register="oscr", number="SC046611",
            contacts=(person("Lorraine Kerr", "Adult learning coordinator", "landline"),),
            locations=(
                loc("ccl-learning-centre", "Threadmill Learning Centre", "3 Threadmill Street", "Paisley", "PA1 1TR",
                    "step_free accessible_toilet hearing_loop lift large_print", None,
                    "Five minutes from Paisley Gilmour Street station."),
                loc("ccl-johnstone", "Johnstone Community Centre (room 5)", "40 Thorn Road", "Johnstone", "PA5 0BJ",
                    STEP_FREE, None, "Buses 30 and 38 stop on Thorn Road."),
            ),
            services=(
                svc("ccl-esol", "ESOL English classes",
                    "Free English classes from beginner to upper intermediate, with speaking, listening, reading and "
                    "writing. You are tested on your first day so you join the right class.",
                    who="Adults whose first language is not English.", min_age=16, cats="esol",
                    access="self_referral appointment", when="Mon 09:30-12:00; Wed 09:30-12:00; Thu 18:00-20:00",
                    at=("loc-ccl-learning-centre", "loc-ccl-johnstone"),
                    how="Phone or call in to book a placement test; bring ID.",
                    notes="Classes follow school terms."),
                svc("ccl-literacy", "Reading, writing and numbers",
                    "One-to-one or small-group help with reading, spelling, writing and everyday maths, at your "
                    "own pace and in private.", who="Adults who want to improve their reading, writing or maths.",
                    min_age=16, cats="literacy-numeracy adult-learning", access="self_referral professional_referral",
                    when="Tue 10:00-12:00; Tue 18:00-20:00", at=("loc-ccl-learning-centre",)),
                svc("ccl-family-learning", "Family learning",
                    "Parents and children learn together through games, cooking and crafts, building "
                    "confidence in reading and numbers.", who="Parents and carers with children aged 3 to 8.",
                    cats="adult-learning family-support", access="self_referral", when="Fri 13:30-15:00",
                    at=("loc-ccl-johnstone",), area="Johnstone and the villages"),
            )),
        org("clicks-and-cuppas", "Clicks and Cuppas Digital Help",
            "A volunteer digital support project helping people get online, with drop-ins, a tablet loan "
            "scheme and scam awareness sessions.", legal=SCIO, register="oscr", number="SC054702",
            contacts=(person("Neil Hendry", "Digital inclusion officer", "landline"),),
            locations=(
                loc("clicks-linnburn", "Linnburn Community Hub (IT suite)", "1 Clippens Square", "Linwood", "PA3 3TS",
                    "step_free accessible_toilet hearing_loop accessible_parking", None,
                    "Buses 36 and 38 stop in Clippens Square."),
                loc("clicks-barrhead", "Barrhead Community Hub (library corner)", "55 Levernside Road", "Barrhead",
                    "G78 1SA", FULL, None, "Barrhead station is five minutes' walk."),
            ),
            services=(
                svc("clicks-digital-drop-in", "Digital drop-in",
                    "Bring your phone, tablet or laptop and a volunteer will help with whatever you are stuck on, "
                    "from setting up email to ordering a prescription online.",
                    who="Anyone who wants help with technology, especially older people.",
                    cats="digital-skills", access="drop_in", when="Mon 10:00-12:00; Thu 14:00-16:00",
                    at=("loc-clicks-linnburn", "loc-clicks-barrhead"),
                    notes="Mondays in Linwood, Thursdays in Barrhead."),
                svc("clicks-tablet-loan", "Tablet lending scheme",
                    "Borrow a tablet with free data for three months, with a volunteer to help you learn to use "
                    "it at home.", who="People who are isolated and have no device or internet.",
                    cats="devices-data digital-skills", access="professional_referral self_referral", form=True,
                    at=(), when="Mon-Fri 09:30-16:30"),
                svc("clicks-scam-awareness", "Staying safe from scams",
                    "A friendly one-hour session on spotting scam calls, texts and emails and keeping your "
                    "money safe.", who="Anyone, especially older people and carers.",
                    cats="online-safety", access="self_referral drop_in", when="Wed 14:00-15:00 [Last Wednesday of the month]",
                    at=("loc-clicks-linnburn",)),
            )),
        org("clearpath-employability", "Clearpath Employability Partnership",
            "A not-for-profit employability service helping adults in Renfrewshire into work, training and "
            "better jobs.", legal=CLG, register="companies_house", number="SC487215",
            contacts=(person("Barry Murdoch", "Employability team leader", "landline"),),
            locations=(
                loc("clearpath-paisley", "Clearpath Employment Hub", "45 Causeyside Lane", "Paisley", "PA1 1UN",
                    "step_free accessible_toilet lift", None, "Buses 1, 9 and 38 stop in Causeyside Lane."),
                loc("clearpath-renfrew", "Renfrew Town Hall (Clearpath room)", "Hairst Street Gardens", "Renfrew",
                    "PA4 8PF", "step_free lift accessible_toilet", None, "Bus 23 stops at the Town Hall."),
            ),
            services=(
                svc("clearpath-keyworker", "One-to-one employability key worker",
                    "A key worker helps you with CVs, applications, interviews, childcare and travel costs, and "
                    "keeps in touch when you start work.", who="Unemployed adults aged 16 and over in Renfrewshire.",
                    min_age=16, cats="employability", access="self_referral professional_referral drop_in",
                    when="Mon-Fri 09:00-17:00", at=("loc-clearpath-paisley", "loc-clearpath-renfrew")),
                svc("clearpath-health-work", "Health and work support",
                    "For people whose health makes work hard: a key worker and occupational therapist help you stay "
                    "in or return to work at a pace that suits your health.",
                    who="Adults with a health condition or disability who are in work and struggling, or want to work.",
                    min_age=16, cats="employability long-term-conditions disability-advice",
                    access="professional_referral self_referral", form=True, when="Mon-Fri 09:00-17:00",
                    at=("loc-clearpath-paisley",)),
                svc("clearpath-training", "Work-ready training courses",
                    "Short courses leading to certificates such as food hygiene, first aid, forklift and "
                    "construction site cards.", who="Adults working with a Clearpath key worker.", min_age=16,
                    cats="training-qualifications", access="professional_referral", when="Mon-Thu 09:30-15:30",
                    at=("loc-clearpath-paisley",),
                    how="Ask your Clearpath key worker to book you onto a course."),
            )),
        org("cartvale-volunteer-centre", "Cartvale Volunteer Centre",
            "Helps people find volunteering that suits them and supports local groups to involve volunteers.",
            legal=SCIO, register="oscr", number="SC036984",
            contacts=(person("Tracey Ballantyne", "Volunteer development officer", "landline"),),
            locations=(
                loc("volunteer-centre", "Cartvale Volunteer Centre", "33 Dyers Wynd", "Paisley", "PA1 1DP",
                    "step_free accessible_toilet hearing_loop", None, "Buses 1, 9 and 38 stop at the Cross."),
            ),
            services=(
                svc("volunteer-centre-find-a-role", "Find a volunteering role",
                    "A volunteer adviser talks with you about your interests and the time you have, then "
                    "introduces you to local organisations looking for help.", who="Anyone aged 14 and over.",
                    min_age=14, cats="volunteer-opportunities", access="self_referral drop_in appointment",
                    online=True, url=True, when="Mon-Fri 09:30-16:30"),
                svc("volunteer-centre-supported", "Supported volunteering",
                    "Extra one-to-one support to start volunteering, for people building confidence after illness, "
                    "unemployment or isolation, or with additional needs.",
                    who="Adults who would like support to start volunteering.", min_age=16,
                    cats="supported-volunteering mental-wellbeing", access="professional_referral self_referral",
                    form=True, when="Mon-Fri 09:30-16:30"),
                svc("volunteer-centre-youth-awards", "Young volunteers' awards",
                    "Young people log their volunteering hours and earn recognised awards for their CV or "
                    "college applications.", who="Young people aged 12 to 25.", min_age=12, max_age=25,
                    cats="volunteer-opportunities youth-employment", access="self_referral", online=True,
                    when="Mon-Fri 09:30-16:30"),
            )),
        org("clearvoice-advocacy", "Clearvoice Independent Advocacy",
            "Independent advocacy for adults in Renfrewshire who need support to have their say about their "
            "care, health and rights.", legal=SCIO, register="oscr", number="SC032815",
            contacts=(person("Moira Hamilton", "Advocacy manager", "landline"),),
            locations=(
                loc("clearvoice-office", "Clearvoice office", "5 Shuttle Place", "Paisley", "PA1 2LR",
                    "step_free accessible_toilet hearing_loop large_print", None, "Three minutes from Paisley Canal station."),
            ),
            services=(
                svc("clearvoice-adult-advocacy", "Independent advocacy for adults",
                    "An advocate supports you to say what you want at meetings about your care, housing or money, "
                    "and makes sure you are listened to. They are on your side only.",
                    who="Adults with a learning disability, mental illness, dementia or other condition that makes "
                        "it hard to be heard.", min_age=16,
                    cats="independent-advocacy rights-complaints", access="self_referral professional_referral",
                    form=True, by_phone=True, when="Mon-Fri 09:00-17:00", bsl=True,
                    interpretation="Interpreters and BSL interpreters can be arranged."),
                svc("clearvoice-mental-health-advocacy", "Mental health advocacy",
                    "Support for people in hospital or under a compulsory treatment order to understand their "
                    "rights and take part in tribunals.", who="Adults and young people subject to mental health law.",
                    cats="independent-advocacy mental-wellbeing", access="self_referral professional_referral",
                    by_phone=True, when="Mon-Fri 09:00-17:00", phones=(phone("Mental health advocacy"),)),
            )),
        org("southside-law-clinic", "Southside Community Law Clinic",
            "A free legal advice clinic staffed by volunteer solicitors and trained law students.",
            legal=CLG, register="oscr", number="SC045107",
            contacts=(person("Fraser Lockhart", "Supervising solicitor", "landline"),),
            locations=(
                loc("law-clinic", "Southside Advice Centre (upstairs)", "221 Calderwood Road", "Glasgow", "G42 8RB",
                    "lift accessible_toilet hearing_loop", None, "Buses 5 and 31 stop nearby."),
            ),
            services=(
                svc("law-clinic-advice", "Free legal advice clinic",
                    "A 30-minute appointment with a volunteer solicitor about employment, housing, consumer, "
                    "family or small claims problems.", who="People on low incomes in Glasgow.",
                    cats="legal-advice rights-complaints", access="appointment self_referral",
                    when="Wed 17:30-20:00", area="Glasgow",
                    how="Phone on Monday or Tuesday to book; the week's slots fill quickly."),
            )),
    ]


def disability_transport_and_more() -> list[Json]:
    return [
        org("cartvale-disability-forum", "Cartvale Disability Forum",
            "A disabled people's organisation giving advice on rights, equipment and support, run by "
            "disabled people.", legal=SCIO, register="oscr", number="SC038817",
            phones=(phone("Advice line"), phone("Textphone", "textphone")),
            contacts=(person("Kenneth Barr", "Advice worker", "landline"),),
            locations=(
                loc("disability-forum-centre", "Access Centre", "2 Meadowside Way", "Paisley", "PA3 4LB",
                    "step_free accessible_toilet hearing_loop accessible_parking large_print quiet_space",
                    "Changing Places toilet; equipment showroom on the ground floor.", "Buses 9 and 36 stop outside."),
            ),
            services=(
                svc("disability-forum-advice", "Disability advice and equipment information",
                    "Advice on disability rights, Blue Badges, adapted housing and equipment, with a showroom where "
                    "you can try aids before you buy.", who="Disabled people, their families and carers.",
                    cats="disability-advice physical-disability", access="drop_in self_referral appointment",
                    by_phone=True, when="Mon-Thu 10:00-16:00", bsl=True,
                    interpretation="BSL interpreters can be booked for appointments."),
            )),
        org("clearsight-sight-loss", "Clearsight Sight Loss Support",
            "Supports people with sight loss in Renfrewshire with equipment, training and social groups.",
            legal=SCIO, register="oscr", number="SC029358",
            contacts=(person("Alan Crichton", "Rehabilitation worker", "landline"),),
            locations=(
                loc("clearsight-centre", "Clearsight Resource Centre", "16 Loom Lane", "Paisley", "PA1 1XD",
                    "step_free accessible_toilet hearing_loop large_print",
                    "Tactile paving and high-contrast signs throughout; guide dogs welcome.",
                    "Paisley Gilmour Street station is three minutes' walk."),
            ),
            services=(
                svc("clearsight-support", "Sight loss support and equipment",
                    "A worker visits you at home to help with magnifiers, talking devices and ways to stay "
                    "independent, and can help you register as sight impaired.",
                    who="People with a sight impairment, and their families.",
                    cats="sensory-impairment help-at-home", access="self_referral professional_referral",
                    when="Mon-Fri 09:00-17:00", form=True),
                svc("clearsight-audio-book-club", "Audiobook club",
                    "Members listen to the same audiobook each month and meet to talk about it over tea.",
                    who="People with sight loss.", cats="writing-reading sensory-impairment social-groups",
                    access="drop_in", when="Thu 14:00-15:30 [Last Thursday of the month]"),
            )),
        org("hands-together-deaf-club", "Hands Together Deaf Club",
            "A social club for Deaf people and BSL users, run in BSL.", legal=UA, register="oscr", number="SC041003",
            phones=(phone("Text only", "text"),),
            contacts=(person("Donald Rankin", "Club secretary", None),),
            locations=(
                loc("deaf-club-rooms", "Hands Together club rooms", "9 Weaver Row", "Paisley", "PA3 2RA",
                    "step_free accessible_toilet hearing_loop bsl", "Visual fire alarms.",
                    "Buses 9 and 38 stop outside."),
            ),
            services=(
                svc("deaf-club-social", "Deaf club social",
                    "A weekly social with games, talks and news from the Deaf community, all in BSL. Hearing "
                    "people learning BSL are welcome.", who="Deaf people, BSL users and BSL learners.",
                    cats="sensory-impairment social-groups", access="drop_in", when="Fri 18:00-22:00; Sat 12:00-16:00",
                    languages=("British Sign Language", "English"), bsl=True),
            )),
        org("spectrum-southside", "Spectrum Southside Autism Network",
            "A network run by autistic adults and parents, offering social groups and peer support.",
            legal=SCIO, register="oscr", number="SC052544",
            contacts=(person("Ruth Abernethy", "Coordinator"),),
            locations=(
                loc("spectrum-rooms", "Cathcart Family Centre (quiet room)", "12 Millbrae Gardens", "Glasgow",
                    "G44 3QJ", "step_free accessible_toilet quiet_space", "Low lighting and ear defenders available.",
                    "Cathcart station is two minutes' walk."),
            ),
            services=(
                svc("spectrum-adult-social", "Autistic adults' social group",
                    "A low-pressure social group with board games, video games and a quiet corner. You can "
                    "join in or just be there.", who="Autistic adults, diagnosed or self-identified.", min_age=18,
                    cats="autism-neurodiversity social-groups", access="drop_in self_referral",
                    when="Tue 18:30-20:30", area="Glasgow South"),
                svc("spectrum-parents-group", "Parents' and carers' group",
                    "Parents and carers of autistic children share experience on school, diagnosis and support.",
                    who="Parents and carers of autistic children and young people.",
                    cats="autism-neurodiversity family-support peer-support", access="drop_in", online=True,
                    when="Thu 10:00-11:30 [Alternate weeks online]", area="Glasgow South"),
            )),
        org("bright-sparks-club", "Bright Sparks Club",
            "A social club for adults with a learning disability, with discos, outings and a drama group.",
            legal=UA, register="oscr", number="SC034190",
            contacts=(person("Carol Nimmo", "Club leader"),),
            locations=(
                loc("bright-sparks-hall", "Johnstone Community Centre (main hall)", "40 Thorn Road", "Johnstone",
                    "PA5 0BJ", STEP_FREE, "Easy-read information available.", "Buses 30 and 38 stop on Thorn Road."),
            ),
            services=(
                svc("bright-sparks-friday", "Friday social club",
                    "Disco, karaoke, games and a snack bar every Friday night, with trips in the summer.",
                    who="Adults aged 16 and over with a learning disability. Support workers welcome.", min_age=16,
                    cats="learning-disability social-groups", access="drop_in", when="Fri 18:30-21:00",
                    fee="£3 a night; support workers free", area="Johnstone and the villages"),
            )),
        org("cartvale-community-transport", "Cartvale Community Transport",
            "Provides accessible door-to-door transport for people who find it hard to use buses.",
            legal=SCIO, register="oscr", number="SC031588",
            phones=(phone("Bookings"), phone("Office")),
            contacts=(person("Tom Gilchrist", "Transport coordinator", "landline"),),
            locations=(
                loc("transport-depot", "Cartvale Transport depot", "Unit 9, Abbeymill Trading Estate", "Paisley",
                    "PA3 4DY", "step_free accessible_parking", None, "Bus 36 stops at the estate entrance."),
            ),
            services=(
                svc("transport-dial-a-bus", "Dial-a-bus",
                    "A wheelchair-accessible minibus that picks you up at home for shopping, groups or visits "
                    "anywhere in Renfrewshire. Book at least a day ahead.",
                    who="People who cannot easily use public transport because of age, disability or health.",
                    cats="community-transport", access="self_referral", by_phone=True, at=(),
                    when="Mon-Fri 09:00-16:00", fee="£2.50 single, £4 return; free for carers",
                    phones=(phone("Dial-a-bus bookings"),), how="Register by phone, then book each trip by phone."),
                svc("transport-volunteer-cars", "Volunteer car scheme for health appointments",
                    "A volunteer driver takes you to GP, hospital, dental or optician appointments and waits to bring "
                    "you home.", who="People with no other way of getting to health appointments.",
                    cats="community-transport older-people", access="self_referral professional_referral", at=(),
                    by_phone=True, when="Mon-Fri 09:00-16:00", fee="45p a mile, worked out when you book"),
                svc("transport-mobility-hire", "Wheelchair and scooter hire",
                    "Borrow a wheelchair or mobility scooter for a day out in Paisley town centre, or hire one for "
                    "a week.", who="Anyone with limited mobility.", cats="shopmobility physical-disability",
                    access="appointment drop_in", when="Mon-Sat 10:00-16:00",
                    fee="No charge for a day in town; £10 a week for longer hire"),
                svc("transport-travel-buddy", "Travel buddy",
                    "A volunteer meets you at your door and travels with you on buses and trains until you feel confident making the journey "
                    "on your own, usually over four to six trips.",
                    who="Adults who have lost confidence using public transport after illness, bereavement or a fall.",
                    min_age=16, cats="travel-support loneliness", access="self_referral professional_referral",
                    at=(), when="Mon-Fri 09:00-16:00", form=True,
                    how="Phone the office; a volunteer coordinator will visit to plan the first trip with you."),
            )),
        org("forces-friends", "Forces Friends Advice Service",
            "A veterans' charity giving welfare advice and running social groups for the armed forces community.",
            legal=SCIO, register="oscr", number="SC050877",
            contacts=(person("Craig Sneddon", "Veterans' caseworker", "landline"),),
            locations=(
                loc("forces-friends-office", "Forces Friends", "22 Causeyside Lane", "Paisley", "PA1 1UJ",
                    "step_free accessible_toilet", None, "Buses 1, 9 and 38 stop in Causeyside Lane."),
            ),
            services=(
                svc("forces-friends-welfare", "Veterans' advice and welfare",
                    "A caseworker helps with pensions, benefits, debt, housing and getting help from military "
                    "charities.", who="Anyone who has served in the armed forces, and their families.",
                    cats="veterans-support welfare-rights", access="self_referral professional_referral appointment",
                    by_phone=True, when="Mon-Fri 09:00-16:30"),
                svc("forces-friends-families", "Forces families coffee group",
                    "A monthly coffee morning for partners and families of serving personnel and veterans.",
                    who="Families of serving personnel and veterans.", cats="armed-forces-families",
                    access="drop_in", when="Sat 10:00-12:00 [1st Saturday of the month]"),
            )),
        org("veterans-breakfast-club", "Cartvale Veterans' Breakfast Club",
            "An informal breakfast club where veterans meet for a fry-up and a blether.", legal=UA, register="none",
            phones=(),
            contacts=(person("George Fulton", "Organiser"),),
            locations=(
                loc("breakfast-club-cafe", "Canalside Café", "2 Quay Street", "Johnstone", "PA5 8EJ",
                    "step_free accessible_toilet", None, "Johnstone station is five minutes' walk."),
            ),
            services=(
                svc("veterans-breakfast", "Veterans' breakfast",
                    "Turn up, buy a breakfast and sit down with others who have served. No forms, no speeches.",
                    who="Veterans of any service and their families.",
                    cats="veterans-support veterans-wellbeing loneliness", access="drop_in",
                    when="Sat 09:00-11:00 [2nd Saturday of the month]", fee="You pay for your own breakfast",
                    area="Johnstone and the villages"),
            )),
        org("lindenbrae-parish-church", "Lindenbrae Parish Church",
            "A parish church whose hall hosts a warm welcome lunch and a toddler group, open to people of any "
            "faith or none.", legal="Congregation of a Scottish church", register="oscr", number="SC011874",
            contacts=(person("Rev. Elspeth Gow", "Minister", "landline"),),
            locations=(
                loc("lindenbrae-hall", "Lindenbrae Church hall", "4 Lindenbrae Road", "Paisley", "PA2 7HQ",
                    "step_free accessible_toilet hearing_loop", None, "Bus 61 stops outside."),
            ),
            services=(
                svc("lindenbrae-warm-welcome", "Warm welcome lunch",
                    "Soup, a sandwich and a warm place to sit every Tuesday through the winter, with board games and "
                    "newspapers.", who="Everyone is welcome.", cats="community-meals faith-groups loneliness",
                    access="drop_in", when="Tue 12:00-14:00", area="Paisley",
                    notes="Runs from October to March."),
                svc("lindenbrae-toddlers", "Tiny Steps toddler group",
                    "Toys, songs and snacks for toddlers and tea for grown-ups.",
                    who="Parents and carers with children aged 0 to 4.", cats="parent-toddler",
                    access="drop_in", when="Thu 09:30-11:00", fee="£1 per family", area="Paisley"),
            )),
        org("southside-interfaith", "Southside Interfaith Forum",
            "Brings together people of different faiths and none on the south side through walks, meals and "
            "conversation.", legal=UA, register="oscr", number="SC049221", phones=(phone("Forum phone", mob=True),),
            contacts=(person("Imran Siddiqui", "Co-chair"), person("Rachel Goldberg", "Co-chair")),
            locations=(
                loc("interfaith-start", "Kilmory Park (meet at the main gate)", "Kilmory Park Road", "Glasgow",
                    "G43 1RU", "accessible_toilet", "Level paths; toilets in the park café.",
                    "Bus 57 stops at the park entrance."),
            ),
            services=(
                svc("interfaith-friendship-walks", "Interfaith friendship walks",
                    "A monthly walk visiting a different place of worship each time, with tea and a chance to ask "
                    "questions.", who="Anyone.", cats="interfaith walking-groups", access="drop_in",
                    when="Sun 13:00-15:30 [3rd Sunday of the month]", area="Glasgow South"),
                svc("interfaith-spiritual-care", "Listening and spiritual care",
                    "Trained listeners from several faith traditions offer a confidential conversation for anyone "
                    "going through a difficult time, whatever their beliefs.", who="Adults of any faith or none.",
                    min_age=18, cats="spiritual-care talking-support", access="appointment self_referral",
                    by_phone=True, at=(), when="Mon-Fri 10:00-16:00", area="Glasgow South"),
            )),
        org("open-gate-throughcare", "Open Gate Throughcare",
            "Supports people leaving prison, and their families, to settle back into the community.",
            legal=SCIO, register="oscr", number="SC047120",
            contacts=(person("Paul Harkins", "Throughcare mentor"),),
            locations=(
                loc("open-gate-office", "Open Gate", "14 Carnbrae Road", "Glasgow", "G52 2NT",
                    "step_free accessible_toilet", None, "Hillpark station is five minutes' walk."),
            ),
            services=(
                svc("open-gate-mentoring", "Support for people leaving prison",
                    "A mentor with lived experience meets you at the gate and helps with housing, benefits, GP "
                    "registration and appointments in the first weeks.", who="Adults leaving prison to the west of Scotland.",
                    min_age=16, cats="prison-leavers housing-advice", access="self_referral professional_referral",
                    form=True, by_phone=True, when="Mon-Fri 08:30-17:00", area="West of Scotland"),
                svc("open-gate-families", "Families of prisoners support",
                    "Support, information about visits and a monthly group for families with someone in prison.",
                    who="Family members of people in prison.", cats="families-of-prisoners family-support",
                    access="self_referral drop_in", when="Wed 10:00-12:00", area="West of Scotland"),
            )),
        org("steadfast-victim-support", "Steadfast Victim Support",
            "Free, confidential support for victims and witnesses of crime.", legal=SCIO, register="oscr",
            number="SC039866", phones=(phone("Support line"),),
            contacts=(person("Jacqueline Wyllie", "Service coordinator", "landline"),),
            services=(
                svc("steadfast-support", "Victim and witness support",
                    "Emotional and practical support after a crime, whether or not you reported it, and help "
                    "to get ready for court.", who="Victims and witnesses of crime, and their families.",
                    cats="victims-witnesses", access="self_referral professional_referral", by_phone=True, at=(),
                    when="Mon-Fri 09:00-17:00", area="Renfrewshire and Glasgow"),
            )),
        org("southside-connected", "Southside Connected",
            "A digital inclusion project that gave free SIM cards and data to people on low incomes. "
            "The project ended when its funding finished.", legal=UA, register="none", status="closed",
            contacts=(person("Andrew Mair", "Former project worker", None),),
            locations=(
                loc("southside-connected-base", "Southside Advice Centre (ground floor)", "221 Calderwood Road",
                    "Glasgow", "G42 8RB", "step_free accessible_toilet", None, "Buses 5 and 31 stop nearby."),
            ),
            services=(
                svc("southside-connected-sims", "Free SIM cards and data",
                    "Free SIM cards with a year of data, calls and texts, given out with a short introduction to "
                    "using the internet safely.", who="Adults on low incomes in Glasgow south side.",
                    cats="devices-data digital-skills", access="drop_in professional_referral",
                    when="Thu 10:00-13:00", area="Glasgow South", verified="2025-04-22",
                    notes="This service has ended. Digital help at Renfrew and Erskine libraries, or Clicks and Cuppas, can help instead."),
            )),
    ]


def build() -> Json:
    organisations = (money_housing_food() + carers_bereavement() + connection_and_older_people()
                     + wellbeing_and_recovery() + activity_and_nature() + arts_and_culture()
                     + families_and_young_people() + health_conditions() + safety_and_identity()
                     + learning_work_and_rights() + disability_transport_and_more())
    return {
        "version": 1,
        "description": "Fictional demo directory for a west of Scotland GP practice (Paisley, Renfrewshire "
                       "and Glasgow south side). Every organisation, person, address and registration number "
                       "is invented; phone numbers are from Ofcom's drama ranges.",
        "organisations": organisations,
    }


def main() -> None:
    data = build()
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    services = sum(len(o["services"]) for o in data["organisations"])
    print(f"Wrote {OUT}: {len(data['organisations'])} organisations, {services} services")


if __name__ == "__main__":
    main()
