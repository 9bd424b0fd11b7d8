"""The shipped data files: the default category taxonomy and the fictional demo directory.

These are what a new practice sees first (the demo) and starts from (the taxonomy), so they must
load, hang together and stay clearly fictional: drama-range phone numbers, example.* web
addresses, valid categories and venues that belong to the right organisation.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TAXONOMY = ROOT / "resources" / "taxonomy" / "default.json"
DIRECTORY = ROOT / "resources" / "demo" / "directory.json"
GENERATOR = ROOT / "resources" / "demo" / "make_directory.py"

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PHONE = re.compile(r"^(?:01632 960\d{3}|07700 900\d{3})$")
HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")
# Outward code for the practice's area (Paisley and Renfrewshire PA1-PA12, Barrhead/Neilston G78,
# Glasgow south side G41-G53); inward code uses only the letters Royal Mail allows there.
POSTCODE = re.compile(r"^(?:PA(?:[1-9]|1[0-2])|G4[1-9]|G5[0-3]|G78) \d[ABD-HJLNP-UW-Z]{2}$")
EXAMPLE_URL = re.compile(r"^https://[a-z0-9-]+\.example\.(?:org|com|net)(?:/[a-z0-9/-]*)?$")
EXAMPLE_EMAIL = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*@[a-z0-9-]+\.example\.(?:org|com|net)$")

ORG_KEYS = {"key", "name", "alternate_name", "description", "website", "email", "legal_status",
            "register_kind", "registration_number", "status", "phones", "contacts", "locations", "services"}
LOCATION_KEYS = {"key", "name", "address_1", "address_2", "town", "postcode", "accessibility",
                 "accessibility_notes", "transport_notes"}
SERVICE_KEYS = {"key", "name", "description", "eligibility", "min_age", "max_age", "access",
                "application_process", "referral_form_url", "free", "fee_description", "languages",
                "interpretation", "bsl", "by_phone", "online", "service_area", "status", "email", "url",
                "phones", "categories", "locations", "schedule", "schedule_notes", "last_verified"}
PHONE_KEYS = {"number", "type", "description"}
CONTACT_KEYS = {"name", "role", "phone", "email"}
SCHEDULE_KEYS = {"weekday", "opens", "closes", "note"}

ACCESS = {"self_referral", "professional_referral", "drop_in", "appointment"}
ACCESSIBILITY = {"step_free", "accessible_toilet", "hearing_loop", "lift", "accessible_parking",
                 "quiet_space", "large_print", "bsl"}
PHONE_TYPES = {"voice", "text", "textphone", "fax"}
REGISTERS = {
    "oscr": re.compile(r"^SC0\d{5}$"),
    "ccew": re.compile(r"^\d{6,7}$"),
    "ccni": re.compile(r"^NIC1\d{5}$"),
    "companies_house": re.compile(r"^(?:\d{8}|SC\d{6})$"),
}

REQUIRED_TOP_LEVEL = {
    "loneliness", "mental-wellbeing", "physical-activity", "money-debt-benefits", "housing", "carers",
    "bereavement", "alcohol-drugs", "food", "employment-learning", "arts-creativity", "nature-green-space",
    "parenting-families", "older-people", "young-people", "long-term-conditions", "domestic-abuse",
    "lgbt-plus", "minority-ethnic-communities", "digital-inclusion", "volunteering", "advocacy-legal",
    "disability",
}

FIRST_VERIFIED = dt.date(2025, 3, 1)
LAST_VERIFIED = dt.date(2026, 11, 15)


@cache
def taxonomy() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(TAXONOMY.read_text(encoding="utf-8"))
    return data


@cache
def directory() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DIRECTORY.read_text(encoding="utf-8"))
    return data


def top_level_of() -> dict[str, str]:
    """Every code (both levels) -> its top-level code."""
    mapping = {}
    for cat in taxonomy()["categories"]:
        mapping[cat["code"]] = cat["code"]
        for child in cat["children"]:
            mapping[child["code"]] = cat["code"]
    return mapping


def organisations() -> list[dict[str, Any]]:
    orgs: list[dict[str, Any]] = directory()["organisations"]
    return orgs


def services() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(org, svc) for org in organisations() for svc in org["services"]]


def all_phones() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for org in organisations():
        found += [(org["key"], p) for p in org["phones"]]
        for svc in org["services"]:
            found += [(svc["key"], p) for p in svc["phones"]]
    return found


def is_sentence(text: str) -> bool:
    return bool(text) and text[0].isupper() and text.rstrip().endswith((".", "!", "?"))


# --- taxonomy ---------------------------------------------------------------------------------

def test_taxonomy_has_two_levels_with_three_to_six_children() -> None:
    data = taxonomy()
    assert data["version"] == 1
    assert len(data["categories"]) >= len(REQUIRED_TOP_LEVEL)
    for cat in data["categories"]:
        assert set(cat) == {"code", "name", "description", "children"}, cat["code"]
        assert 3 <= len(cat["children"]) <= 6, f"{cat['code']} has {len(cat['children'])} children"
        for child in cat["children"]:
            assert set(child) == {"code", "name", "description"}, child["code"]


def test_taxonomy_codes_are_unique_slugs_with_plain_descriptions() -> None:
    entries = [c for cat in taxonomy()["categories"] for c in (cat, *cat["children"])]
    codes = [e["code"] for e in entries]
    assert [c for c, n in Counter(codes).items() if n > 1] == []
    for entry in entries:
        assert SLUG.match(entry["code"]), entry["code"]
        assert entry["name"].strip() and entry["name"] == entry["name"].strip(), entry["code"]
        assert is_sentence(entry["description"]), f"{entry['code']}: description should be one plain sentence"
    names = [e["name"].casefold() for e in entries]
    assert [n for n, k in Counter(names).items() if k > 1] == []


def test_taxonomy_covers_what_a_link_worker_needs() -> None:
    top = {cat["code"] for cat in taxonomy()["categories"]}
    assert REQUIRED_TOP_LEVEL <= top, f"missing: {sorted(REQUIRED_TOP_LEVEL - top)}"
    assert "debt-advice" in top_level_of()


# --- directory: shape -------------------------------------------------------------------------

def test_directory_is_big_enough_to_demo() -> None:
    data = directory()
    assert data["version"] == 1
    assert "fictional" in data["description"].lower()
    assert len(organisations()) >= 65
    assert len(services()) >= 110


def test_every_record_has_exactly_the_agreed_fields() -> None:
    for org in organisations():
        assert set(org) == ORG_KEYS, org["key"]
        for contact in org["contacts"]:
            assert set(contact) == CONTACT_KEYS, org["key"]
        for loc in org["locations"]:
            assert set(loc) == LOCATION_KEYS, loc["key"]
        for phone in org["phones"]:
            assert set(phone) == PHONE_KEYS, org["key"]
        for svc in org["services"]:
            assert set(svc) == SERVICE_KEYS, svc["key"]
            for phone in svc["phones"]:
                assert set(phone) == PHONE_KEYS, svc["key"]
            for row in svc["schedule"]:
                assert set(row) == SCHEDULE_KEYS, svc["key"]


def test_keys_are_unique_and_prefixed() -> None:
    org_keys = [o["key"] for o in organisations()]
    loc_keys = [loc["key"] for o in organisations() for loc in o["locations"]]
    svc_keys = [s["key"] for _, s in services()]
    for prefix, keys in (("org-", org_keys), ("loc-", loc_keys), ("svc-", svc_keys)):
        assert [k for k, n in Counter(keys).items() if n > 1] == [], prefix
        for key in keys:
            assert key.startswith(prefix) and SLUG.match(key), key
    names = [o["name"] for o in organisations()]
    assert [n for n, k in Counter(names).items() if k > 1] == []


# --- directory: organisations -----------------------------------------------------------------

def test_organisations_are_fictional_and_well_formed() -> None:
    for org in organisations():
        key = org["key"]
        assert org["name"].strip(), key
        assert is_sentence(org["description"]), key
        assert EXAMPLE_URL.match(org["website"]), f"{key}: {org['website']}"
        assert EXAMPLE_EMAIL.match(org["email"]), f"{key}: {org['email']}"
        assert org["legal_status"].strip(), key
        for contact in org["contacts"]:
            assert contact["name"].strip() and contact["role"].strip(), key
            assert contact["email"] is None or EXAMPLE_EMAIL.match(contact["email"]), key


def test_registration_numbers_match_their_register() -> None:
    kinds: Counter[str] = Counter()
    for org in organisations():
        kind, number = org["register_kind"], org["registration_number"]
        kinds[kind] += 1
        if kind == "none":
            assert number is None, org["key"]
        else:
            assert kind in REGISTERS, f"{org['key']}: unknown register {kind!r}"
            assert number and REGISTERS[kind].match(number), f"{org['key']}: {number!r} is not {kind}"
    assert kinds["oscr"] >= 30 and kinds["none"] >= 5 and kinds["companies_house"] >= 3


def test_most_organisations_are_active_with_two_paused_and_one_closed() -> None:
    statuses = Counter(o["status"] for o in organisations())
    assert set(statuses) <= {"active", "temporarily_closed", "closed"}
    assert statuses["temporarily_closed"] == 2
    assert statuses["closed"] == 1
    for org in organisations():
        if org["status"] == "closed":
            assert all(s["status"] == "inactive" for s in org["services"]), org["key"]


def test_locations_have_local_postcodes_and_known_accessibility_features() -> None:
    for org in organisations():
        for loc in org["locations"]:
            assert loc["name"].strip() and loc["address_1"].strip() and loc["town"].strip(), loc["key"]
            assert POSTCODE.match(loc["postcode"]), f"{loc['key']}: postcode {loc['postcode']!r}"
            assert set(loc["accessibility"]) <= ACCESSIBILITY, loc["key"]


def test_several_organisations_run_several_services_and_venues() -> None:
    assert sum(1 for o in organisations() if 2 <= len(o["services"]) <= 4) >= 10
    assert sum(1 for o in organisations() if len(o["locations"]) >= 2) >= 5


# --- directory: phone numbers -----------------------------------------------------------------

def test_every_phone_number_is_in_an_ofcom_drama_range() -> None:
    numbers = [(owner, p["number"]) for owner, p in all_phones()]
    numbers += [(o["key"], c["phone"]) for o in organisations() for c in o["contacts"] if c["phone"]]
    assert numbers
    for owner, number in numbers:
        assert PHONE.match(number), f"{owner}: {number!r} is not a drama-range number"
    for owner, phone in all_phones():
        assert phone["type"] in PHONE_TYPES, owner
        assert phone["description"].strip(), owner
        if phone["type"] == "text":
            assert phone["number"].startswith("07700"), f"{owner}: text numbers should be mobiles"


def test_phone_numbers_are_not_reused() -> None:
    numbers = [p["number"] for _, p in all_phones()]
    numbers += [c["phone"] for o in organisations() for c in o["contacts"] if c["phone"]]
    assert [n for n, k in Counter(numbers).items() if k > 1] == []


# --- directory: services ----------------------------------------------------------------------

def test_service_categories_exist_in_the_taxonomy() -> None:
    known = top_level_of()
    for _, svc in services():
        assert 1 <= len(svc["categories"]) <= 3, svc["key"]
        assert len(set(svc["categories"])) == len(svc["categories"]), svc["key"]
        unknown = [c for c in svc["categories"] if c not in known]
        assert unknown == [], f"{svc['key']}: unknown categories {unknown}"


def test_services_span_many_top_level_categories() -> None:
    known = top_level_of()
    used = {known[c] for _, svc in services() for c in svc["categories"]}
    assert len(used) >= 18, sorted(used)
    assert REQUIRED_TOP_LEVEL <= used, f"no service in: {sorted(REQUIRED_TOP_LEVEL - used)}"


def test_service_locations_belong_to_the_same_organisation() -> None:
    for org, svc in services():
        own = {loc["key"] for loc in org["locations"]}
        stray = [k for k in svc["locations"] if k not in own]
        assert stray == [], f"{svc['key']} uses venues of another organisation: {stray}"
        assert len(set(svc["locations"])) == len(svc["locations"]), svc["key"]
        if not svc["locations"]:
            reachable = svc["by_phone"] or svc["online"] or re.search(r"\b(home|door)\b", svc["description"])
            assert reachable, f"{svc['key']} has no venue: it should be by phone, online or at home"


def test_access_routes_are_known_non_empty_and_varied() -> None:
    routes: Counter[str] = Counter()
    for _, svc in services():
        assert svc["access"], f"{svc['key']}: say how people get in"
        assert set(svc["access"]) <= ACCESS, svc["key"]
        assert len(set(svc["access"])) == len(svc["access"]), svc["key"]
        assert svc["application_process"].strip(), svc["key"]
        routes.update(svc["access"])
        if svc["referral_form_url"] is not None:
            assert EXAMPLE_URL.match(svc["referral_form_url"]), svc["key"]
    assert all(routes[r] >= 10 for r in ACCESS), routes


def test_schedules_use_valid_days_and_times() -> None:
    for _, svc in services():
        for row in svc["schedule"]:
            assert isinstance(row["weekday"], int) and 0 <= row["weekday"] <= 6, svc["key"]
            assert HHMM.match(row["opens"]) and HHMM.match(row["closes"]), svc["key"]
            assert row["opens"] < row["closes"], f"{svc['key']}: {row['opens']} is not before {row['closes']}"
            assert row["note"] is None or row["note"].strip(), svc["key"]
        slots = [(r["weekday"], r["opens"]) for r in svc["schedule"]]
        assert len(set(slots)) == len(slots), f"{svc['key']}: duplicate schedule rows"
    assert sum(1 for _, s in services() if s["schedule"]) >= 100


def test_services_are_described_in_plain_sentences() -> None:
    for _, svc in services():
        for field in ("description", "eligibility", "application_process"):
            assert is_sentence(svc[field]), f"{svc['key']}.{field}: {svc[field]!r}"
        assert 1 <= svc["description"].count(". ") + 1 <= 5, svc["key"]
        assert svc["languages"] and all(lang.strip() for lang in svc["languages"]), svc["key"]
        assert svc["service_area"].strip(), svc["key"]
        assert svc["status"] in {"active", "inactive", "temporarily_closed"}, svc["key"]
        assert svc["email"] is None or EXAMPLE_EMAIL.match(svc["email"]), svc["key"]
        assert svc["url"] is None or EXAMPLE_URL.match(svc["url"]), svc["key"]
        text = json.dumps(svc).lower()
        assert "todo" not in text and "lorem" not in text, svc["key"]


def test_ages_and_costs_are_consistent() -> None:
    for _, svc in services():
        lo, hi = svc["min_age"], svc["max_age"]
        for age in (lo, hi):
            assert age is None or (isinstance(age, int) and 0 <= age <= 120), svc["key"]
        if lo is not None and hi is not None:
            assert lo <= hi, svc["key"]
        assert isinstance(svc["free"], bool), svc["key"]
        if not svc["free"]:
            assert svc["fee_description"], f"{svc['key']}: say what it costs"
    paid = [s for _, s in services() if not s["free"]]
    assert len(paid) >= 5


def test_last_verified_dates_parse_and_some_are_overdue() -> None:
    dates = [dt.date.fromisoformat(s["last_verified"]) for _, s in services()]
    assert all(FIRST_VERIFIED <= d <= LAST_VERIFIED for d in dates)
    a_year_before_latest = LAST_VERIFIED - dt.timedelta(days=365)
    overdue = sum(1 for d in dates if d < a_year_before_latest)
    assert 5 <= overdue <= len(dates) // 2


# --- directory: what the demo has to show ---------------------------------------------------

def test_debt_search_has_at_least_four_services_to_find() -> None:
    debt = [s["key"] for _, s in services() if "debt" in (s["name"] + " " + s["description"]).lower()]
    assert len(debt) >= 4, debt


def test_demo_includes_a_carers_centre() -> None:
    assert any("Carers" in o["name"] and "Centre" in o["name"] for o in organisations())


def test_demo_has_accented_names_for_accent_insensitive_search() -> None:
    names = [s["name"] for _, s in services()]
    assert any("Café" in n for n in names)
    assert any("Crèche" in n or "crèche" in n for n in names)
    assert sum(1 for n in names if not n.isascii()) >= 4


def test_age_limits_on_young_and_older_peoples_services() -> None:
    top = top_level_of()

    def in_area(svc: dict[str, Any], area: str) -> bool:
        return any(top[c] == area for c in svc["categories"])

    young = [s for _, s in services() if in_area(s, "young-people")]
    older = [s for _, s in services() if in_area(s, "older-people")]
    assert sum(1 for s in young if s["max_age"] is not None) >= 5
    assert sum(1 for s in older if s["min_age"] is not None) >= 5


def test_demo_has_phone_only_online_and_bsl_services() -> None:
    phone_only = [s for _, s in services() if s["by_phone"] and not s["locations"]]
    online = [s for _, s in services() if s["online"]]
    assert len(phone_only) >= 5
    assert len(online) >= 10
    assert any(s["bsl"] for _, s in services())
    languages = {lang for _, s in services() for lang in s["languages"]}
    assert {"Polish", "Urdu", "Arabic"} <= languages


def test_json_matches_its_generator() -> None:
    """directory.json is written by make_directory.py; editing one without the other is a mistake."""
    spec = importlib.util.spec_from_file_location("sp_demo_make_directory", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build() == directory(), "re-run: .venv/bin/python resources/demo/make_directory.py"
