"""Confidential locations (refuges, safe houses; issue 18 point 6, issue 17 point 4).

A venue's name, street, postcode, map position and notes hold sentinel strings; once the vetting
lead marks it confidential none of them appears in any output that exists: every leaflet form
(PDF standard / large / compact read back with pypdf, plain text, SMS, accessible HTML), a booklet,
every export (Excel CSV, Open Referral JSON, Open Referral data package), the vetting summary PDF,
or what the front desk is shown. Leaflets say "Address given when you phone". A spreadsheet
address cell starting "Confidential" sets it; an export read back keeps it confidential."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from sp_desktop.db.models import AuditEvent, Location
from sp_desktop.domain.enums import AppRole
from sp_desktop.domain.locations import ADDRESS_ON_REQUEST, public_location
from sp_desktop.leaflets import LeafletFormat
from sp_desktop.services.base import PermissionDenied
from sp_desktop.services.directory import DirectoryService, LocationForm, OrganisationForm
from sp_desktop.services.exports import ExportService
from sp_desktop.services.imports import ImportService
from sp_desktop.services.leaflets import BasketItem, LeafletService
from sp_desktop.services.vetting_summary import build_vetting_summary, render_vetting_summary
from tests.leaflet_support import add_service, approve, pdf_text, squash

SENTINELS = {
    "name": "Sntlvenue Harbourhouse",
    "street": "Sntlstreet Hiddenroad",
    "line2": "Sntlline Twoplace",
    "postcode": "PA2 9XQ",
    "access": "SNTL-ACCESS-NOTE-4411",
    "transport": "SNTL-TRANSPORT-4412",
    "latitude": "55.8412345",
    "longitude": "-4.4298765",
}
ROOT = Path(__file__).resolve().parents[3]


def _leaks(text: str) -> list[str]:
    flat = squash(text)
    return [k for k, v in SENTINELS.items() if squash(v) in flat or v.replace(" ", "") in flat]


@pytest.fixture
def people(ctx_as):
    return {role: ctx_as(role, name) for role, name in (
        (AppRole.FRONT_DESK, "Rachel Reception"), (AppRole.CLINICIAN, "Dr Ada Khan"),
        (AppRole.VETTING_LEAD, "Lena Link"))}


@pytest.fixture
def refuge(people, db, clock):
    """An approved refuge advice service at a venue full of sentinels, marked confidential by the lead."""
    lead = people[AppRole.VETTING_LEAD]
    d = DirectoryService(lead)
    org = d.save_organisation(OrganisationForm(
        name="Harbour Women's Aid", description="Support for women and children.",
        locations=[LocationForm(name=SENTINELS["name"], address_1=SENTINELS["street"],
                                address_2=SENTINELS["line2"], town="Paisley", postcode=SENTINELS["postcode"],
                                accessibility=["step_free"], accessibility_notes=SENTINELS["access"],
                                transport_notes=SENTINELS["transport"])]))
    with db.write(clock) as s:  # a map position, as a feed would have given it
        loc = s.get(Location, org.locations[0].id)
        loc.latitude, loc.longitude = float(SENTINELS["latitude"]), float(SENTINELS["longitude"])
    _, sid = add_service(lead, organisation_id=org.id, service_name="Refuge advice line",
                         category_codes=("debt-advice",))
    approve(lead, org.id)
    # before it is marked, the address does go on paper (so its absence below means something)
    before = LeafletService(people[AppRole.FRONT_DESK]).build_leaflet([BasketItem(sid)])
    assert "street" in _leaks(pdf_text(before.pdf()))
    # only the lead marks it
    for role in (AppRole.FRONT_DESK, AppRole.CLINICIAN):
        with pytest.raises(PermissionDenied):
            DirectoryService(people[role]).set_location_confidential(org.locations[0].id, True)
    info = d.set_location_confidential(org.locations[0].id, True)
    assert info.confidential and info.address_1 == SENTINELS["street"]  # the lead still sees it
    return org.id, sid, org.locations[0].id


def test_the_public_view_keeps_the_area_and_says_address_given_when_you_phone():
    class Loc:
        name, address_1, address_2, town, region = "Maple House", "1 Elm St", None, "Paisley", None
        postcode = "PA1 1AA"
        latitude, longitude, accessibility = 55.8, -4.4, ["step_free"]
        accessibility_notes, transport_notes, confidential = "side door", "bus 9", True

    view = public_location(Loc())
    assert view.address_lines == ("Paisley", ADDRESS_ON_REQUEST)
    assert (view.name, view.address_1, view.postcode, view.latitude, view.longitude) == (None,) * 5
    assert (view.accessibility_notes, view.transport_notes) == (None, None)
    assert view.accessibility == ("step_free",)
    Loc.confidential = False
    assert public_location(Loc()).address_lines == ("1 Elm St", "Paisley", "PA1 1AA")


def test_no_leaflet_form_or_booklet_carries_the_address(refuge, people):
    _, sid, _ = refuge
    for role in (AppRole.FRONT_DESK, AppRole.CLINICIAN, AppRole.VETTING_LEAD):
        leaflets = LeafletService(people[role])
        prepared = leaflets.build_leaflet([BasketItem(sid)])
        for fmt in (LeafletFormat.STANDARD, LeafletFormat.LARGE, LeafletFormat.COMPACT):
            text = pdf_text(leaflets.build_leaflet([BasketItem(sid)], fmt=fmt).pdf())
            assert "Refuge advice line" in text
            assert _leaks(text) == [], (role, fmt)
            assert squash(ADDRESS_ON_REQUEST) in squash(text), fmt
            assert "onfidential" not in text  # the staff label and the export line stay off paper
        for other in (prepared.text(), prepared.html()):
            assert _leaks(other) == [] and ADDRESS_ON_REQUEST in other and "Paisley" in other
            assert "onfidential" not in other
        assert _leaks(prepared.sms()) == []
    booklet = LeafletService(people[AppRole.FRONT_DESK]).booklet_pdf()
    text = pdf_text(booklet.pdf)
    assert "Refuge advice line" in text and _leaks(text) == []
    assert squash(ADDRESS_ON_REQUEST) in squash(text)


def test_no_export_carries_the_address_and_the_export_reads_back_confidential(refuge, people, tmp_path, ctx):
    desk = people[AppRole.FRONT_DESK]
    for fmt, name in (("csv", "directory.csv"), ("hsds-json", "directory.json"),
                      ("hsds-csv", "directory.zip")):
        path = tmp_path / name
        ExportService(desk).export(fmt, path)
        if fmt == "hsds-csv":
            with zipfile.ZipFile(path) as z:
                text = "\n".join(z.read(n).decode("utf-8") for n in z.namelist())
        else:
            text = path.read_text(encoding="utf-8-sig")
        assert "Refuge advice line" in text and "Paisley" in text
        assert _leaks(text) == [], fmt
        assert "Confidential: address given when you phone" in text, fmt
    # the JSON has no map position for the venue at all
    orgs = json.loads((tmp_path / "directory.json").read_text(encoding="utf-8"))
    orgs = orgs if isinstance(orgs, list) else orgs.get("organizations", orgs)
    dumped = json.dumps(orgs)
    assert "55.84" not in dumped and "-4.42" not in dumped
    # read back (here or by another practice's copy), every format marks the venue confidential again
    service = ImportService(ctx)
    for name in ("directory.csv", "directory.json", "directory.zip"):
        feed = service.read_feed(service.open(tmp_path / name))
        venues = [loc for org in feed.organisations if org.name == "Harbour Women's Aid"
                  for loc in org.locations]
        assert [(v.confidential, v.town, v.address_1) for v in venues] == [(True, "Paisley", None)], name


def test_the_front_desk_is_shown_the_area_only_and_clinicians_the_address(refuge, people):
    org_id, sid, loc_id = refuge
    desk = DirectoryService(people[AppRole.FRONT_DESK])
    for detail in (desk.get_service(sid), desk.get_organisation(org_id)):
        assert _leaks(repr(detail)) == []
    [loc] = desk.get_service(sid).locations
    assert loc.confidential and loc.town == "Paisley" and loc.address_1 is None
    gp = DirectoryService(people[AppRole.CLINICIAN]).get_service(sid)
    assert gp.locations[0].address_1 == SENTINELS["street"] and gp.locations[0].confidential
    # search no longer knows the venue's postcode or house name (it still knows the town)
    for words in (SENTINELS["postcode"], "Harbourhouse"):
        assert sid not in [r.id for r in desk.search(words).rows], words
    assert sid in [r.id for r in desk.search("refuge Paisley").rows]
    DirectoryService(people[AppRole.VETTING_LEAD]).set_location_confidential(loc_id, False)
    assert sid in [r.id for r in desk.search(SENTINELS["postcode"]).rows]  # re-indexed when unmarked


def test_a_front_desk_save_keeps_the_address_and_only_the_lead_marks_or_unmarks_it(people, db):
    lead, desk = DirectoryService(people[AppRole.VETTING_LEAD]), DirectoryService(people[AppRole.FRONT_DESK])
    venue = LocationForm(name=SENTINELS["name"], address_1=SENTINELS["street"], town="Paisley",
                         postcode=SENTINELS["postcode"], confidential=True)
    # a front desk form cannot mark a venue confidential (nor make one public): only the lead's can
    made = desk.save_organisation(OrganisationForm(name="Harbour Drop-in", locations=[venue]))
    assert not made.locations[0].confidential
    org = lead.save_organisation(OrganisationForm(name="Harbour Women's Aid", locations=[venue]))
    loc_id = org.locations[0].id
    assert org.locations[0].confidential
    seen = desk.get_organisation(org.id)
    assert _leaks(repr(seen)) == []
    # the form the front desk saves (no address, "public") changes the description and loses nothing
    form = OrganisationForm(name=seen.name, description="Support for women and children, day and night.",
                            locations=[LocationForm(name="", address_1="", town=loc.town or "", id=loc.id,
                                                    confidential=False) for loc in seen.locations])
    assert _leaks(repr(desk.save_organisation(form, org.id, seen.version))) == []  # what it returns too
    with db.read() as s:
        loc = s.get(Location, loc_id)
        stored = (loc.address_1, loc.postcode, loc.confidential)
        audits = [(e.entity_label, e.changes) for e in s.scalars(select(AuditEvent))]
    assert stored == (SENTINELS["street"], SENTINELS["postcode"], True)
    assert _leaks(repr(audits)) == []  # the audit trail (printed in the vetting summary) names no venue
    assert not lead.set_location_confidential(loc_id, False).confidential
    assert "street" in _leaks(repr(desk.get_organisation(org.id)))
    with db.read() as s:
        marks = [e.changes for e in s.scalars(select(AuditEvent).where(AuditEvent.entity_type == "location"))]
    assert marks == [{"confidential": [True, False]}]


def test_the_vetting_summary_pdf_does_not_print_the_address(refuge, people):
    org_id, _, _ = refuge
    pdf = render_vetting_summary(build_vetting_summary(people[AppRole.VETTING_LEAD], org_id))
    text = pdf_text(pdf)
    assert "Harbour Women" in text and _leaks(text) == [], text
    assert squash(ADDRESS_ON_REQUEST) in squash(text)


def test_a_spreadsheet_address_starting_confidential_marks_the_venue(ctx, tmp_path, db):
    path = tmp_path / "practice list.csv"
    path.write_text("Organisation,Service,Phone,Address,Town\n"
                    "Harbour Women's Aid,Refuge advice line,01632 960777,"
                    f"\"CONFIDENTIAL - {SENTINELS['street']}, {SENTINELS['postcode']}\",Paisley\n"
                    "Paisley Walkers,Canal walk,01632 960444,\"14 Threadmill Street, PA1 1TQ\",Paisley\n",
                    encoding="utf-8")
    service = ImportService(ctx)
    feed = service.read_feed(service.open(path))
    notes = [p for p in feed.problems if "Confidential" in p.message]
    assert len(notes) == 1 and notes[0].row == 2 and not notes[0].is_error
    service.commit(feed)
    with db.read() as s:
        rows = [(loc.town, loc.confidential, loc.address_1) for loc in s.scalars(select(Location))]
        dumped = " ".join(str(v) for loc in s.scalars(select(Location)) for v in vars(loc).values())
    assert sorted(rows) == [("Paisley", False, "14 Threadmill Street"), ("Paisley", True, None)]
    assert _leaks(dumped) == []  # nothing else in the cell was stored
    # an export of it, imported into an empty directory, is still confidential
    out = tmp_path / "out.csv"
    ExportService(ctx).export("csv", out)
    assert _leaks(out.read_text(encoding="utf-8-sig")) == []


def test_every_module_that_reads_an_address_goes_through_the_public_view():
    """A guard for outputs added later (a shared directory, a new report): every module of the core
    that reads a venue's street or postcode either calls `public_location` (or shows the confidential
    label) or is one of the places that take addresses in (importers, validators, the edit forms)."""
    takes_in = {"interop/spreadsheet.py", "interop/textparse.py", "interop/records.py", "interop/hsds.py",
                "services/imports.py", "domain/validators.py", "domain/scrub.py", "domain/locations.py",
                "db/models.py", "db/text_guard.py", "demo/seed.py"}
    core = ROOT / "sp_desktop"
    offenders = []
    for path in sorted(core.rglob("*.py")):
        rel = path.relative_to(core).as_posix()
        if rel.startswith(("ui/", "db/migrations/")) or rel in takes_in:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\.(address_1|postcode)\b|Location\.(address_1|postcode)", text) and not (
                "public_location" in text or "CONFIDENTIAL_LABEL" in text):
            offenders.append(rel)
    assert offenders == []


def test_the_confidential_export_still_validates_against_hsds_3(refuge, people, tmp_path):
    from tests.unit.services.test_export_service import SCHEMAS, _errors, _validator

    if not SCHEMAS.is_dir():
        pytest.skip(f"the HSDS 3.0 schemas are not at {SCHEMAS.resolve()}")
    ExportService(people[AppRole.FRONT_DESK]).export("hsds-json", tmp_path / "directory.json")
    page = json.loads((tmp_path / "directory.json").read_text(encoding="utf-8"))
    org_schema = _validator("organization")
    [org] = [o for o in page["contents"] if o["name"] == "Harbour Women's Aid"]
    assert _errors(org_schema, org) == []
    assert org["locations"][0]["addresses"][0]["address_1"] == "Confidential: address given when you phone"
