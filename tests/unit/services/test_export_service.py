"""Exports: valid Open Referral, stable round trips, Excel-friendly CSV, and never internal data."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from sp_desktop.db.engine import Database
from sp_desktop.db.models import (
    ContactEvent,
    Organisation,
    Service,
    Signposting,
    SignpostingItem,
    Staff,
    TrustNote,
    VettingCheckItem,
    VettingEvidence,
)
from sp_desktop.domain.enums import AppRole, ContactKind, SignpostingMethod, TrustNoteKind, VettingStatus
from sp_desktop.interop import hsds
from sp_desktop.interop.hsds import read_tables, typed_tables
from sp_desktop.services.base import Actor, ServiceContext
from sp_desktop.services.exports import ExportService
from sp_desktop.services.imports import ImportService
from sp_desktop.services.tasks import Cancelled

HSDS = Path(__file__).parents[3] / ".." / "shared" / "reference" / "hsds-3.0"
SCHEMAS = HSDS / "schema" / "compiled"
needs_schemas = pytest.mark.skipif(not SCHEMAS.is_dir(),
                                   reason=f"the HSDS 3.0 schemas are not at {SCHEMAS.resolve()}")
@pytest.fixture
def demo_ctx(demo_db, clock) -> ServiceContext:
    """Signed in as the demo's practice manager (exports need a named member of staff)."""
    with demo_db.read() as s:
        staff_id = s.scalar(select(Staff.id).where(Staff.name == "Mary Manager"))
    return ServiceContext(demo_db, clock, Actor(staff_id, "Mary Manager", AppRole.ADMINISTRATOR))


def _validator(name: str):
    import jsonschema

    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _errors(validator, instance) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


@needs_schemas
def test_json_export_validates_against_the_hsds_schemas(demo_ctx, tmp_path):
    result = ExportService(demo_ctx).export("hsds-json", tmp_path / "directory.json", include_contacts=True)
    page = json.loads((tmp_path / "directory.json").read_text(encoding="utf-8"))
    assert page["total_items"] == result.organisations == len(page["contents"]) > 50
    org_schema, service_schema = _validator("organization"), _validator("service")
    problems = []
    for org in page["contents"]:
        problems += _errors(org_schema, org)
        for svc in org["services"]:
            problems += _errors(service_schema, svc)
    assert problems == []
    assert sum(len(o["services"]) for o in page["contents"]) == result.services


@needs_schemas
def test_data_package_export_validates_against_the_tabular_schema(demo_ctx, tmp_path):
    ExportService(demo_ctx).export("hsds-csv", tmp_path / "directory.zip")
    with zipfile.ZipFile(tmp_path / "directory.zip") as zf:
        names = set(zf.namelist())
        package = json.loads(zf.read("datapackage.json"))
    assert {"organizations.csv", "services.csv", "locations.csv", "addresses.csv", "schedules.csv",
            "taxonomy_terms.csv", "attributes.csv", "service_at_location.csv"} <= names
    assert {r["path"] for r in package["resources"]} <= names
    tables = typed_tables(read_tables(tmp_path / "directory.zip"))
    assert len(tables["service"]) > 100 and len(tables["schedule"]) > 100
    assert _errors(_validator("tabular"), tables) == []


def _round_trip(demo_ctx, ctx, tmp_path, fmt, name):
    first = tmp_path / f"first-{name}"
    ExportService(demo_ctx).export(fmt, first, include_contacts=True)
    service = ImportService(ctx)
    feed = service.read_feed(service.open(first))
    assert not feed.problems
    result = service.commit(feed)
    assert result.organisations_added == len(ExportService(demo_ctx).records()[0])
    second = tmp_path / f"second-{name}"
    ExportService(ctx).export(fmt, second, include_contacts=True)
    return first, second


def test_round_trip_json_export_import_export_is_the_same(demo_ctx, ctx, tmp_path):
    first, second = _round_trip(demo_ctx, ctx, tmp_path, "hsds-json", "directory.json")
    assert json.loads(first.read_text(encoding="utf-8")) == json.loads(second.read_text(encoding="utf-8"))


def test_round_trip_data_package_is_the_same(demo_ctx, ctx, tmp_path):
    first, second = _round_trip(demo_ctx, ctx, tmp_path, "hsds-csv", "directory.zip")
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        for name in a.namelist():
            if name != "datapackage.json":  # its title carries the export date
                assert a.read(name) == b.read(name), name


SENTINELS = {
    "trust note": "SENTINEL-TRUST-NOTE", "vetting evidence": "SENTINEL-EVIDENCE",
    "vetting reason": "SENTINEL-VETTING-REASON", "contact history": "SENTINEL-CONTACT-SUMMARY",
    "follow-up": "SENTINEL-FOLLOW-UP", "patient reference": "SENTINEL-PATIENT",
    "outcome note": "SENTINEL-EXPERIENCE", "staff name": "SENTINEL Staffname",
}


def _plant_internal_data(db: Database, clock) -> None:
    with db.write(clock) as s:
        staff = Staff(name=SENTINELS["staff name"], job_role="GP", app_role=AppRole.CLINICIAN)
        s.add(staff)
        s.flush()
        org = s.scalars(select(Organisation).order_by(Organisation.id)).first()
        svc = s.scalars(select(Service).where(Service.organisation_id == org.id)).first()
        org.vetting_reason = SENTINELS["vetting reason"]
        org.vetting_status = VettingStatus.APPROVED
        svc.last_verified_by = SENTINELS["staff name"]
        s.add(TrustNote(organisation_id=org.id, service_id=svc.id, kind=TrustNoteKind.CONCERN,
                        text=SENTINELS["trust note"], author_id=staff.id, noted_on=date(2026, 11, 1)))
        item = s.scalars(select(VettingCheckItem)).first()
        evidence = s.scalar(select(VettingEvidence).where(VettingEvidence.organisation_id == org.id,
                                                          VettingEvidence.item_id == item.id))
        if evidence is None:
            evidence = VettingEvidence(organisation_id=org.id, item_id=item.id, complete=True)
            s.add(evidence)
        evidence.notes = SENTINELS["vetting evidence"]
        evidence.checked_by_id = staff.id
        s.add(
            ContactEvent(
                organisation_id=org.id,
                occurred_at=datetime(2026, 11, 2, 10),
                kind=ContactKind.PHONE,
                summary=SENTINELS["contact history"],
                author_id=staff.id,
                follow_up_action=SENTINELS["follow-up"],
                follow_up_owner_id=staff.id,
            )
        )
        sp = Signposting(occurred_on=date(2026, 11, 3), staff_id=staff.id, method=SignpostingMethod.LEAFLET,
                         patient_ref=SENTINELS["patient reference"])
        sp.items = [SignpostingItem(service_id=svc.id, experience_note=SENTINELS["outcome note"])]
        s.add(sp)


def _all_text(path: Path) -> str:
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            return "\n".join(zf.read(n).decode("utf-8") for n in zf.namelist())
    return path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("contacts", [False, True])
def test_exports_never_contain_internal_data(demo_db, demo_ctx, clock, tmp_path, contacts):
    _plant_internal_data(demo_db, clock)
    for fmt, name in (("hsds-json", "d.json"), ("hsds-csv", "d.zip"), ("csv", "d.csv")):
        ExportService(demo_ctx).export(fmt, tmp_path / name, include_contacts=contacts)
        text = _all_text(tmp_path / name)
        assert "Cartvale" in text  # the directory itself is there
        leaked = [what for what, sentinel in SENTINELS.items() if sentinel.lower() in text.lower()]
        assert leaked == [], f"{fmt} export contains {leaked}"


def test_named_contacts_only_when_asked_for(demo_ctx, tmp_path):
    ExportService(demo_ctx).export("hsds-json", tmp_path / "without.json")
    ExportService(demo_ctx).export("hsds-json", tmp_path / "with.json", include_contacts=True)
    assert "Fiona Cairnduff" not in (tmp_path / "without.json").read_text(encoding="utf-8")
    assert "Fiona Cairnduff" in (tmp_path / "with.json").read_text(encoding="utf-8")


def test_approved_only(demo_ctx, tmp_path):
    everyone = ExportService(demo_ctx).export("hsds-json", tmp_path / "all.json")
    approved = ExportService(demo_ctx).export("hsds-json", tmp_path / "approved.json", approved_only=True)
    assert 0 < approved.organisations < everyone.organisations


def test_csv_export_opens_in_excel_and_reads_back(demo_ctx, ctx, tmp_path):
    with demo_ctx.db.write(demo_ctx.clock) as s:
        svc = s.scalars(select(Service).order_by(Service.id)).first()
        svc.description = "=HYPERLINK(\"http://evil.example\") – not a formula once exported"
        svc_name = svc.name
    path = tmp_path / "directory.csv"
    result = ExportService(demo_ctx).export("csv", path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel shows £ and é properly
    assert b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == result.services
    row = next(r for r in rows if r["Service"] == svc_name)
    assert row["Description"].startswith("'=HYPERLINK")  # Excel will not run it
    assert row["Vetting"] and row["Categories"] and row["Organisation"]
    # and the same file imports straight back (headings are recognised, nothing to fix)
    service = ImportService(ctx)
    loaded = service.open(path)
    assert {loaded.table.headers[i] for i, k in loaded.mapping.items() if k} >= {"Organisation", "Service",
                                                                                 "Opening times", "Postcode"}
    feed = service.read_feed(loaded)
    assert not feed.errors
    assert feed.service_count == result.services
    described = next(s for o in feed.organisations for s in o.services if s.name == svc_name)
    assert described.description.startswith("=HYPERLINK")  # the apostrophe was only for Excel


# --------------------------------------------------------------------------- streaming and atomic writes
class _StopMidway(Exception):
    pass


@pytest.mark.parametrize("fmt,name", [("hsds-json", "d.json"), ("hsds-csv", "d.zip"), ("csv", "d.csv")])
@pytest.mark.parametrize("how", ["cancel", "failure"])
def test_an_export_stopped_midway_leaves_the_earlier_file_as_it_was(demo_ctx, tmp_path, fmt, name, how):
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / name
    ExportService(demo_ctx).export(fmt, out)
    before = out.read_bytes()
    calls: list[int] = []

    def progress(done: int, total: int, text: str = "") -> bool:
        calls.append(done)
        if 0 < done < total:  # part of the directory is already in the new file
            if how == "failure":
                raise _StopMidway("disk pulled out")
            return False
        return True

    with pytest.raises(Cancelled if how == "cancel" else _StopMidway):
        ExportService(demo_ctx).export(fmt, out, include_contacts=True, progress=progress)
    assert len(calls) >= 2
    assert out.read_bytes() == before
    assert [p.name for p in folder.iterdir()] == [name]  # no temporary file or folder left


def test_json_export_is_written_while_the_directory_is_read(demo_ctx, tmp_path, monkeypatch):
    monkeypatch.setattr(hsds, "_BUFFER", 4096)  # the demo directory is smaller than the usual buffer
    monkeypatch.setattr(hsds, "_JSON_BATCH", 5)  # ... and than the usual batch of organisations
    out = tmp_path / "d.json"
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int, text: str = "") -> bool:
        part = out.with_name(out.name + ".part")
        seen.append((done, part.stat().st_size if part.exists() else -1))
        assert done == total or not out.exists()  # the file appears only when complete
        return True

    result = ExportService(demo_ctx).export("hsds-json", out, progress=progress)
    assert seen[-1][0] == result.organisations  # "Done"
    midway = [size for done, size in seen if 0 < done < result.organisations]
    assert midway and all(size > 0 for size in midway)  # organisations already written
    assert json.loads(out.read_text(encoding="utf-8"))["total_items"] == result.organisations


def test_an_export_of_an_empty_directory(ctx, tmp_path):
    for fmt, name in (("hsds-json", "d.json"), ("hsds-csv", "d.zip"), ("csv", "d.csv")):
        result = ExportService(ctx).export(fmt, tmp_path / name)
        assert (result.organisations, result.services) == (0, 0)
    page = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert page["contents"] == [] and page["empty"] is True and page["total_items"] == 0
    tables = read_tables(tmp_path / "d.zip")
    assert tables.get("organization", []) == []


# --------------------------------------------------------------------------- issue 16: who, what, how many
def _set_vetting(db: Database, clock, status: VettingStatus) -> str:
    with db.write(clock) as s:
        org = s.scalars(select(Organisation).where(Organisation.vetting_status == VettingStatus.APPROVED,
                                                   Organisation.archived_at.is_(None))
                        .order_by(Organisation.name)).first()
        org.vetting_status = status
        return org.name


def test_an_export_needs_a_named_member_of_staff(demo_db, clock, tmp_path):
    from sp_desktop.services.base import SYSTEM
    from sp_desktop.services.exports import ExportNeedsSignIn

    for nobody in (SYSTEM, Actor(None, "nobody (no --user given)", AppRole.FRONT_DESK)):
        with pytest.raises(ExportNeedsSignIn, match="Sign in first"):
            ExportService(ServiceContext(demo_db, clock, nobody)).export("csv", tmp_path / "d.csv")
    assert not (tmp_path / "d.csv").exists()


def test_every_export_is_in_the_audit_trail_with_who_what_and_how_many(demo_ctx, tmp_path):
    from sp_desktop.db.models import AuditEvent
    from sp_desktop.domain.enums import AuditAction
    from sp_desktop.services.audit import AuditService

    result = ExportService(demo_ctx).export("hsds-json", tmp_path / "for the council.json",
                                            include_contacts=True)
    with demo_ctx.db.read() as s:
        [event] = s.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.EXPORT)).all()
        assert event.staff_name == "Mary Manager" and event.staff_id == demo_ctx.actor.id
        assert event.at == demo_ctx.now()
        assert event.changes["format"] == [None, "hsds-json"]
        assert event.changes["organisations"] == [None, result.organisations]
        assert event.changes["services"] == [None, result.services]
        assert event.changes["named_contacts"] == [None, True]
        assert event.changes["file"] == [None, "for the council.json"]
    line = next(e.describe() for e in AuditService(demo_ctx).history() if e.action is AuditAction.EXPORT)
    assert line.startswith("Mary Manager exported directory “the directory”: Open Referral JSON (HSDS 3.0): "
                           f"{result.organisations:,} organisations and {result.services:,} services, with "
                           "named contacts")


def test_declined_and_suspended_organisations_stay_out_unless_asked_for(demo_db, demo_ctx, clock, tmp_path):
    declined = _set_vetting(demo_db, clock, VettingStatus.DECLINED)
    suspended = _set_vetting(demo_db, clock, VettingStatus.SUSPENDED)
    usual = ExportService(demo_ctx).export("csv", tmp_path / "usual.csv")
    text = _all_text(tmp_path / "usual.csv")
    assert declined not in text and suspended not in text
    assert "declined and suspended organisations left out" in usual.describe()
    asked = ExportService(demo_ctx).export("csv", tmp_path / "asked.csv", include_declined=True)
    text = _all_text(tmp_path / "asked.csv")
    assert declined in text and suspended in text
    with demo_db.read() as s:
        withheld = len(s.scalars(select(Organisation.id).where(
            Organisation.vetting_status.in_([VettingStatus.DECLINED, VettingStatus.SUSPENDED]),
            Organisation.archived_at.is_(None))).all())
    assert withheld >= 2 and asked.organisations == usual.organisations + withheld


def test_a_named_contacts_phone_on_a_service_stays_out_without_contacts(demo_db, demo_ctx, clock, tmp_path):
    from sp_desktop.db.models import Contact, Phone

    with demo_db.write(clock) as s:
        svc = s.scalars(select(Service).join(Organisation)
                        .where(Organisation.vetting_status == VettingStatus.APPROVED,
                               Service.archived_at.is_(None)).order_by(Service.id)).first()
        person = Contact(organisation_id=svc.organisation_id, service_id=svc.id, name="Morag Personal",
                         phone="+447700900777")
        s.add(person)
        s.flush()
        s.add(Phone(service_id=svc.id, contact_id=person.id, number="+447700900777"))
    ExportService(demo_ctx).export("hsds-json", tmp_path / "without.json")
    text = (tmp_path / "without.json").read_text(encoding="utf-8")
    assert "Morag Personal" not in text and "900777" not in text
    ExportService(demo_ctx).export("hsds-json", tmp_path / "with.json", include_contacts=True)
    text = (tmp_path / "with.json").read_text(encoding="utf-8")
    assert "Morag Personal" in text and "900777" in text
