"""Reading the Open Referral examples (JSON and the tabular package, HSDS and UK-profile file
names) and refusing harmful zip files."""

from __future__ import annotations

import json
import shutil
import stat
import zipfile
from datetime import date
from pathlib import Path

import pytest

from sp_desktop.domain.enums import AccessRoute, RegisterKind, ServiceStatus
from sp_desktop.interop.hsds import HsdsError, read_hsds
from sp_desktop.interop.safety import SafeZip, UnsafeArchive, ZipLimits

HSDS = Path(__file__).parents[3] / ".." / "shared" / "reference" / "hsds-3.0"
EXAMPLES = HSDS / "examples"
needs_reference = pytest.mark.skipif(not EXAMPLES.is_dir(),
                                     reason=f"the HSDS 3.0 reference copy is not at {HSDS.resolve()}")


def _the_example_organisation(feed, *, from_tables: bool = False):
    assert [o.name for o in feed.organisations] == ["Example Organization Inc."]
    org = feed.organisations[0]
    assert org.id == "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
    assert (org.register_kind, org.registration_number) == (RegisterKind.COMPANIES_HOUSE, "01234567")
    [loc] = org.locations
    assert loc.name == "MyCity Civic Center" and loc.town == "MyCity" and loc.address_1 == "1-30 Main Street"
    assert loc.latitude is None  # 100, 101 is not on Earth; reported, not stored
    assert "Switch hearing aid to T-coil" in (loc.accessibility_notes or "")
    [svc] = org.services
    assert svc.name == "Community Counselling" and svc.status is ServiceStatus.ACTIVE
    assert (svc.min_age, svc.max_age) == (12, 100)
    # assured_date is the publisher's word, never the practice's "last checked" (issue 26)
    assert svc.last_verified_on is None and svc.publisher_assured_on == date(2005, 1, 1)
    assert svc.is_free is False and "£50 per hour" in (svc.fee_description or "")
    assert svc.languages == ["Urdu"]
    assert svc.service_area and svc.service_area.startswith("The service is available to all residents")
    assert [(s.weekday, s.opens, s.closes) for s in svc.schedule] == [
        (3, "10:00", "18:00"),
        (4, "10:00", "18:00"),
    ]
    assert "not available on public holidays" in (svc.schedule_notes or "")
    assert svc.location_ids == [loc.id]
    assert [p.number for p in svc.phones] == ["+441234234567"]  # the quotes in the example are stripped
    assert svc.contacts[0].name == "Ann Persona"
    assert AccessRoute.PROFESSIONAL_REFERRAL in svc.access  # read from "ask your GP for a referral letter"
    if not from_tables:
        assert [feed.terms[t].name for t in svc.term_ids] == ["name"]
    return org, svc


@needs_reference
@pytest.mark.parametrize(
    "name", ["organization_full.json", "service_full.json", "service_at_location_full.json"]
)
def test_example_json_forms(name):
    feed = read_hsds(EXAMPLES / name)
    assert not feed.errors
    _the_example_organisation(feed)
    assert {p.column for p in feed.warnings} == {"postal_code", "latitude"}


@needs_reference
def test_example_list_page():
    feed = read_hsds(EXAMPLES / "organization_list.json")
    assert [o.name for o in feed.organisations] == ["Example Organization Inc."]


@needs_reference
def test_example_tabular_package_folder():
    feed = read_hsds(EXAMPLES / "csv")
    assert not feed.errors
    _the_example_organisation(feed, from_tables=True)
    assert any(p.where == "locations.csv row 2" for p in feed.warnings)  # problems name the file and row


def _package_copy(tmp_path: Path, uk_names: bool) -> Path:
    folder = tmp_path / "feed"
    folder.mkdir()
    for p in (EXAMPLES / "csv").iterdir():
        if p.suffix == ".csv":
            shutil.copyfile(p, folder / p.name)
    shutil.copyfile(HSDS / "datapackage.json", folder / "datapackage.json")
    if uk_names:
        for plural, singular in (
            ("addresses", "address"),
            ("schedules", "schedule"),
            ("attributes", "attribute"),
            ("taxonomies", "taxonomy"),
        ):
            (folder / f"{plural}.csv").rename(folder / f"{singular}.csv")
        (folder / "datapackage.json").unlink()  # names alone are enough (with a warning)
    return folder


@needs_reference
@pytest.mark.parametrize("uk_names", [False, True])
def test_example_package_as_a_zip_in_hsds_and_uk_profile_spelling(tmp_path, uk_names):
    folder = _package_copy(tmp_path, uk_names)
    archive = tmp_path / "feed.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in folder.iterdir():
            zf.write(p, f"council-feed/{p.name}")  # packages often sit in a folder inside the zip
    feed = read_hsds(archive)
    assert not feed.errors
    _, svc = _the_example_organisation(feed, from_tables=True)
    assert svc.schedule  # schedule.csv (UK) or schedules.csv (HSDS) was found
    assert any("datapackage.json" in p.message for p in feed.warnings) == uk_names


def test_not_open_referral_json(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("[1, 2, 3]", encoding="utf-8")
    with pytest.raises(HsdsError, match="holds no organisations"):
        read_hsds(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(HsdsError, match="not valid JSON"):
        read_hsds(path)


def test_a_service_without_a_name_is_an_error_with_where_it_is(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(
        json.dumps(
            {
                "id": "5e0a9f0e-4a8c-4a51-9d0a-0e6f5f4b8c11",
                "name": "Org",
                "description": "",
                "services": [{"id": "x1", "status": "active"}],
            }
        ),
        encoding="utf-8",
    )
    feed = read_hsds(path)
    assert [(p.where, p.column) for p in feed.errors] == [("service x1", "name")]


# --------------------------------------------------------------------------- zip safety
def test_path_traversal_is_refused(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("organizations.csv", "id,name\n")
        zf.writestr("../../etc/cron.d/evil", "x")
    with pytest.raises(UnsafeArchive, match="points outside the archive"):
        read_hsds(archive)
    for name in ("/abs/organizations.csv", "C:/Windows/organizations.csv", "a\\..\\..\\b.csv"):
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr(name, "x")
        with pytest.raises(UnsafeArchive, match="points outside"):
            SafeZip(archive)


def test_zip_bomb_is_refused(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("organizations.csv", b"\0" * (8 * 1024 * 1024))  # 8 MB that packs into a few KB
    with pytest.raises(UnsafeArchive, match="zip bomb"):
        read_hsds(archive)
    with pytest.raises(UnsafeArchive, match="would unpack to"):
        SafeZip(archive, ZipLimits(max_member_bytes=1024 * 1024))


def test_too_many_members_and_links_are_refused(tmp_path):
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(30):
            zf.writestr(f"f{i}.csv", "x")
    with pytest.raises(UnsafeArchive, match="holds 30 files"):
        SafeZip(archive, ZipLimits(max_members=20))
    link = tmp_path / "link.zip"
    with zipfile.ZipFile(link, "w") as zf:
        info = zipfile.ZipInfo("organizations.csv")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafeArchive, match="link to another file"):
        read_hsds(link)


def test_a_damaged_zip_says_so(tmp_path):
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(UnsafeArchive, match="not a readable zip"):
        read_hsds(archive)
