"""A council's Open Referral feed imported as a new user would (issue 26), into a real database: what
reaches the window, a leaflet and an export is plain words with nothing invented; the publisher's assurance
is shown as the publisher's, never as the practice's check; services without an organisation can be left
out (all or nothing otherwise), each listed with the reason. Feeds are built in tests/council_feeds.py."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sp_desktop.db.models import Base, Service
from sp_desktop.domain.enums import AppRole
from sp_desktop.services.directory import DirectoryService
from sp_desktop.services.exports import ExportService
from sp_desktop.services.imports import ImportFailed, ImportService, report_lines
from sp_desktop.services.leaflets import BasketItem, LeafletService
from tests.leaflet_support import pdf_text

sys.path.insert(0, str(Path(__file__).parents[2]))
import council_feeds as cf  # noqa: E402


def _counts(db) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
        }


def _import(ctx, path, **read):
    service = ImportService(ctx)
    feed = service.read_feed(service.open(path), **read)
    plan = service.plan(feed)
    return service, feed, plan, service.commit(feed)


@pytest.fixture
def council(ctx, tmp_path):
    path = cf.write_json(tmp_path / "renfrewshire.json", cf.oruk_page(cf.services(6, orgs=2)))
    _service, _feed, plan, result = _import(ctx, path)
    assert result.services_added == 6
    with ctx.db.read() as s:
        first = s.scalar(select(Service.id).where(Service.source_id == "svc-0"))
    return plan, first


def test_the_window_shows_plain_words_cost_and_age_not_stated_and_the_publishers_word(ctx, council):
    plan, sid = council
    assert plan.summary_lines()[0] == (
        "Recognised an Open Referral UK API response (content, totalElements, "
        "totalPages): 1 page, 6 services."
    )
    assert (
        "Left out, as sp_desktop has nowhere to keep them (field: records): services.deliverable_type (6)."
        in plan.summary_lines()
    )
    directory = DirectoryService(ctx)
    d = directory.get_service(sid)
    assert d.description == cf.rich_plain(0)
    assert d.organisation.description == "Group 0 supports people & families in Paisley."
    assert d.cost == "Cost not stated" and d.ages == "Age not stated"
    assert d.last_verified_on is None  # nobody here has checked
    assert d.publisher_note == "Assured by the publisher (renfrewshire) on 10 Dec 2024."
    [row] = [r for r in directory.search("Recovery Service 0").rows if r.id == sid]
    assert row.cost == "Cost not stated" and row.last_verified_on is None
    for text in (d.description, d.organisation.description or "", row.cost):
        assert not any(sign in text for sign in cf.MARKUP_SIGNS)


def test_the_leaflet_has_no_markup_invents_nothing_and_does_not_claim_a_check(ctx_as, council):
    _plan, sid = council
    clinician = LeafletService(ctx_as(AppRole.CLINICIAN))
    check = clinician.include_unapproved(sid, "Patient asked for it by name")
    assert any("never been checked by the practice" in w and "10 Dec 2024" in w for w in check.warnings)
    prepared = clinician.build_leaflet([BasketItem(sid, override_reason="Patient asked for it by name")])
    text = pdf_text(prepared.pdf())
    assert "Struggling with Drug & Alcohol Addiction? Service 0 can help." in text
    assert "One-to-one support" in text
    assert "Cost not stated" in text and "Age not stated" in text
    assert "Free" not in text and "All ages" not in text
    assert "10 Dec 2024" not in text and "Checked by the practice" not in text
    for sign in cf.MARKUP_SIGNS:
        assert sign not in text, sign
    plain = prepared.text()
    assert "Cost not stated" in plain and not any(sign in plain for sign in cf.MARKUP_SIGNS)


def test_exports_say_not_stated_and_carry_no_markup(ctx, council, tmp_path):
    exports = ExportService(ctx)
    exports.export("csv", tmp_path / "directory.csv")
    with (tmp_path / "directory.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    row = next(r for r in rows if r["Service"] == "Recovery Service 0")
    assert row["Cost"] == "Cost not stated" and row["Minimum age"] == "Age not stated"
    assert row["Description"] == cf.rich_plain(0) and row["Last checked"] == ""
    exports.export("hsds-json", tmp_path / "directory.json")
    data = json.loads((tmp_path / "directory.json").read_text(encoding="utf-8"))
    orgs = data if isinstance(data, list) else data.get("contents", data)
    services = [s for o in orgs for s in o.get("services", [])]
    svc = next(s for s in services if s["name"] == "Recovery Service 0")
    assert "cost_options" not in svc and "fees_description" not in svc  # nothing said, nothing invented
    assert svc["description"] == cf.rich_plain(0)
    assert svc["assured_date"] == "2024-12-10"  # passed on as the publisher said it
    blob = json.dumps(data, ensure_ascii=False)
    assert not any(sign in blob for sign in ("<p", "&amp;", "&nbsp;", "\u00a0", "<script"))


def test_the_spreadsheet_round_trip_keeps_not_stated(ctx, council, tmp_path, db):
    ExportService(ctx).export("csv", tmp_path / "directory.csv")
    service = ImportService(ctx)
    feed = service.read_feed(service.open(tmp_path / "directory.csv"))
    svc = next(s for o in feed.organisations for s in o.services if s.name == "Recovery Service 0")
    assert svc.cost_not_stated and svc.age_not_stated and not svc.is_free
    assert not [p for p in feed.problems if p.column in ("Cost", "Minimum age")]


def test_services_without_an_organisation_stop_the_import_unless_left_out(ctx, db, tmp_path):
    path = cf.write_json(tmp_path / "feed.json", cf.oruk_page(cf.services(819, without_org=7, orgs=200)))
    before = _counts(db)
    service = ImportService(ctx)
    feed = service.read_feed(service.open(path))
    with pytest.raises(ImportFailed):
        service.commit(feed)
    assert _counts(db) == before  # all or nothing
    kept = service.read_feed(service.open(path), skip_bad_rows=True)
    plan = service.plan(kept)
    assert not plan.has_errors
    lines = report_lines(plan)
    assert "7 items left out (each is listed below with the reason)." in lines
    for n in range(812, 819):
        assert any(f"service “Recovery Service {n}”" in line and "left out" in line for line in lines), n
    result = service.commit(kept)
    assert result.services_added == 812
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Service)) == 812


def test_an_updated_feed_after_the_upgrade_repair_is_not_taken_for_local_edits(ctx, db, tmp_path, clock):
    items = cf.services(2, orgs=1)
    path = cf.write_json(tmp_path / "feed.json", items)
    _import(ctx, path)
    with db.write(
        clock
    ) as s:  # what upgrade 0009 leaves: the words repaired, the old checksum of the HTML kept
        svc = s.scalar(select(Service).where(Service.source_id == "svc-0"))
        svc.source_checksum = "0" * 64
    service = ImportService(ctx)
    plan = service.plan(service.read_feed(service.open(path)))
    assert not plan.conflicts and plan.count("unchanged", "service") == 2
    service.commit(service.read_feed(service.open(path)))
    items[0]["name"] = "Recovery Service 0 (Paisley)"
    plan = service.plan(service.read_feed(service.open(cf.write_json(tmp_path / "feed2.json", items))))
    assert not plan.conflicts and plan.count("update", "service") == 1


def test_cli_names_only_options_that_work_and_skip_bad_rows_imports_the_rest(tmp_path, monkeypatch):
    import io

    from sp_desktop.cli import build_parser, run_command

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    monkeypatch.setenv("SP_DESKTOP_NEW_PASSWORD", "admin password 1")
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", "admin password 1")

    def run(argv):
        out, err = io.StringIO(), io.StringIO()
        return run_command(build_parser().parse_args(argv), out, err), out.getvalue(), err.getvalue()

    data = ["--data-dir", str(tmp_path / "data")]
    assert run(["staff", "add", "Mary Manager", "--role", "administrator", *data])[0] == 0
    home = [*data, "--user", "Mary Manager"]
    path = cf.write_json(tmp_path / "feed.json", cf.oruk_page(cf.services(30, without_org=3, orgs=9)))
    code, out, err = run(["import", str(path), *home])
    assert code == 1
    assert "use --skip-bad-rows to leave those items out" in err and "rows out" not in err
    assert "1 page, 30 services" in out
    code, out, err = run(["import", str(path), "--skip-bad-rows", *home])
    assert code == 0, err
    assert "27 services added" in out
    assert out.count("does not say which organisation runs it") == 3
    assert "repaired: “young.voice@example.gov.uk.” read as “young.voice@example.gov.uk”" in out


def test_today_is_not_the_feeds_date(ctx, council, clock):
    _plan, sid = council
    d = DirectoryService(ctx).get_service(sid)
    assert d.publisher_assured_on == date(2024, 12, 10) and d.publisher_assured_on != clock.now().date()
