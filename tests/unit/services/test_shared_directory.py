"""Issue 19, point 5: sharing the directory with neighbouring practices.

`export --format shared-directory` writes Open Referral JSON (HSDS 3.0) with, per approved organisation,
who vetted it (this practice, by name), when, its review date and the names and dates of its checklist
items; never trust notes, contact history, named contacts, internal notes, vetting evidence or its notes,
outcomes, signposting records or feedback (sentinel test over every private table). Importing it keeps
"vetted by <the other practice> on <date>" as the neighbour's word; this practice's vetting starts from
"not vetted"; a second import from the same practice updates as a feed. Two real data folders exchange
shared directories both ways."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from sp_desktop.db.models import Organisation, Setting, Staff
from sp_desktop.domain.enums import AppRole, VettingStatus
from sp_desktop.interop import hsds
from sp_desktop.services.base import Actor, ServiceContext
from sp_desktop.services.directory import DirectoryService
from sp_desktop.services.exports import ExportService, shared_location
from sp_desktop.services.imports import ImportChoices, ImportService
from tests.leaflet_support import build_sentinel_directory

pytestmark = pytest.mark.backends("sqlite")

SCHEMAS = next((p / "shared" / "reference" / "hsds-3.0" / "schema" / "compiled"
                for p in Path(__file__).resolve().parents
                if (p / "shared" / "reference" / "hsds-3.0").is_dir()), Path("/nonexistent"))


def _shared(ctx: ServiceContext, out: Path) -> list[dict]:
    result = ExportService(ctx).export("shared-directory", out)
    assert not result.include_contacts
    return json.loads(out.read_text(encoding="utf-8"))["contents"]


def test_the_shared_directory_never_carries_anything_private(db, clock, ctx_as, ctx, tmp_path):
    directory = build_sentinel_directory(db, clock, ctx_as, ctx)
    orgs = _shared(ctx, tmp_path / "shared.json")
    text = (tmp_path / "shared.json").read_text(encoding="utf-8")
    assert orgs, "the sentinel directory has approved organisations"
    # every private table's sentinel stays out (staff names included: the provenance names the practice)
    assert directory.leaks(text) == []
    assert "SNTL" not in text.upper() and "sntl" not in text.lower()
    # only approved organisations, each with who vetted it, when, and its checklist items' names and dates
    with db.read() as s:
        approved = set(s.scalars(select(Organisation.name)
                                 .where(Organisation.vetting_status == VettingStatus.APPROVED)))
        practice = s.get(Setting, "practice_name").value
    assert {o["name"] for o in orgs} == approved
    for o in orgs:
        prov = o[hsds.PROVENANCE_FIELD]
        assert prov["vetted_by"] == practice and prov["vetted_on"] and prov["review_due"]
        assert set(prov) == {"vetted_by", "vetted_on", "review_due", "checks"}
        assert all(set(c) == {"item", "checked_on"} for c in prov["checks"])
        assert "contacts" not in o or o["contacts"] == []


@pytest.mark.skipif(not SCHEMAS.is_dir(), reason="the HSDS 3.0 schemas are not here")
def test_the_shared_directory_is_valid_open_referral(demo_db, clock, tmp_path):
    import jsonschema

    with demo_db.read() as s:
        staff_id = s.scalar(select(Staff.id).where(Staff.name == "Mary Manager"))
    ctx = ServiceContext(demo_db, clock, Actor(staff_id, "Mary Manager", AppRole.ADMINISTRATOR))
    orgs = _shared(ctx, tmp_path / "shared.json")
    schema = json.loads((SCHEMAS / "organization.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    assert orgs and all(not list(validator.iter_errors(o)) for o in orgs)
    assert any(o[hsds.PROVENANCE_FIELD]["checks"] for o in orgs)  # the demo's checklists go with them


def test_every_venue_passes_through_the_one_shared_location_function(ctx, tmp_path, monkeypatch):
    """The integrator routes confidential venues through this function: prove every venue goes through it
    (a venue it refuses is not in the file, and the services no longer point at it)."""
    from sp_desktop.services import exports
    from tests.unit.services.test_directory_service import add_org_with_service

    org, svc = add_org_with_service(ctx)
    with ctx.db.write(ctx.clock) as s:
        o = s.get(Organisation, org.id)
        o.vetting_status, o.approved_on, o.next_review_on = VettingStatus.APPROVED, date(2026, 11, 1), \
            date(2027, 11, 1)
    seen = []
    monkeypatch.setattr(exports, "shared_location", lambda loc: seen.append(loc.name) and None)
    orgs = _shared(ctx, tmp_path / "shared.json")
    assert seen == ["Town Hall"]
    assert "Town Hall" not in (tmp_path / "shared.json").read_text(encoding="utf-8")
    assert all(not s.get("service_at_locations") for o in orgs for s in o["services"])
    assert shared_location.__doc__ and "public view" in shared_location.__doc__
    from sp_desktop.interop.records import LocationRec

    assert shared_location(LocationRec("x", town="Paisley", confidential=True)) is None


def _practice(db, clock, name: str) -> ServiceContext:
    with db.write(clock) as s:
        row = s.get(Setting, "practice_name")
        row.value = name
        staff = Staff(name=f"Lead at {name}", job_role="Practice manager", app_role=AppRole.ADMINISTRATOR)
        s.add(staff)
        s.flush()
        return ServiceContext(db, clock, Actor(staff.id, staff.name, AppRole.ADMINISTRATOR))


def test_two_practices_exchange_shared_directories_both_ways(demo_db, db, clock, tmp_path):
    """Practice A (the demo) and practice B (its own folder) share with each other; each keeps the other's
    vetting as theirs, starts its own from "not vetted", and a second share from A updates B as a feed."""
    a = _practice(demo_db, clock, "Foxbar Medical Practice")
    b = _practice(db, clock, "Glenburn Health Centre")
    from tests.unit.services.test_directory_service import add_org_with_service

    b_org, _ = add_org_with_service(b, org_name="Glenburn Men's Shed", service_name="Shed mornings")
    with db.write(clock) as s:
        o = s.get(Organisation, b_org.id)
        o.vetting_status, o.approved_on, o.next_review_on = VettingStatus.APPROVED, date(2026, 10, 1), \
            date(2027, 10, 1)

    a_file, b_file = tmp_path / "foxbar.json", tmp_path / "glenburn.json"
    shared_by_a = _shared(a, a_file)
    _shared(b, b_file)

    # B imports A's
    service = ImportService(b)
    feed = service.read_feed(service.open(a_file))
    assert feed.shape.startswith("a shared directory from Foxbar Medical Practice (")
    plan = service.plan(feed)
    assert plan.feed_name == "Shared directory from Foxbar Medical Practice"
    service.commit(feed, ImportChoices(default_duplicate="add"))
    d = DirectoryService(b)
    first = shared_by_a[0]
    row = next(r for r in d.search(first["services"][0]["name"]).rows if r.organisation_name == first["name"])
    org = d.get_organisation(row.organisation_id)
    assert org.vetting_status is VettingStatus.NOT_VETTED  # never this practice's approval
    text = org.shared_vetting_text
    assert text.startswith("Vetted by Foxbar Medical Practice on ") and "not this practice's approval" in text
    from sp_desktop.ui.models.service_table_model import vetting_text

    assert row.shared_by == "Foxbar Medical Practice"  # on the rows too, in words
    assert vetting_text(row) == "Not checked ○ · vetted by Foxbar Medical Practice (theirs)"
    prov = first[hsds.PROVENANCE_FIELD]
    for check in prov["checks"]:
        assert check["item"] in text  # the neighbour's checks, as a head start

    # A imports B's, the other way
    service_a = ImportService(a)
    feed = service_a.read_feed(service_a.open(b_file))
    service_a.commit(feed, ImportChoices(default_duplicate="add"))
    shed = DirectoryService(a).search("shed mornings").rows
    shed_org = DirectoryService(a).get_organisation(
        next(r for r in shed if r.organisation_name == "Glenburn Men's Shed").organisation_id)
    assert shed_org.shared_vetting_text.startswith("Vetted by Glenburn Health Centre on 1 Oct 2026")
    assert shed_org.vetting_status is VettingStatus.NOT_VETTED

    # A changes a description and shares again: B's second import updates, field by field
    with demo_db.write(clock) as s:
        o = s.scalars(select(Organisation).where(Organisation.name == first["name"])).one()
        o.description = "Now also on Saturdays."
    _shared(a, a_file)
    service = ImportService(b)
    feed = service.read_feed(service.open(a_file))
    plan = service.plan(feed)
    assert plan.count("add") == 0
    [change] = [f for f in plan.field_changes if f.name == first["name"]]
    assert (change.label, change.theirs, change.choice) == ("description", "Now also on Saturdays.", "keep")
    service.commit(feed, ImportChoices(fields={change.key: "take"}))
    assert d.get_organisation(org.id).description == "Now also on Saturdays."
