"""Issue 17, point 2: a value absent from the source stays empty (cost, how people get in, ages, country);
a default is applied only where the person importing chose it. Table tests on a real database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from sp_desktop.db.models import Location
from sp_desktop.domain.enums import AccessRoute
from sp_desktop.services.directory import DirectoryService
from sp_desktop.services.exports import ExportService
from sp_desktop.services.imports import ImportChoices, ImportService


def _feed(tmp_path: Path, country: str | None = "US", access: bool = False) -> Path:
    address = {
        "id": "a1",
        "location_id": "l1",
        "address_1": "1 Main Street",
        "city": "Springfield",
        "state_province": "IL",
        "postal_code": "62701",
    }
    if country is not None:
        address["country"] = country
    svc = {
        "id": "s1",
        "name": "Counselling",
        "status": "active",
        "service_at_locations": [
            {"id": "sal1", "location": {"id": "l1", "name": "Civic Center", "addresses": [address]}}
        ],
    }
    if access:
        svc["application_process"] = "Drop in on Tuesdays"
    org = {"id": "o1", "name": "Example Org", "services": [svc]}
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([org]), encoding="utf-8")
    return path


def _import(ctx, path, choices=None):
    service = ImportService(ctx)
    feed = service.read_feed(service.open(path))
    plan = service.plan(feed, choices)
    service.commit(feed, choices)
    return plan


def _only_service(ctx):
    directory = DirectoryService(ctx)
    [row] = directory.search("counselling").rows
    return directory.get_service(row.id)


@pytest.mark.parametrize(("what", "shown"), [("cost", "Cost not stated"), ("ages", "Age not stated")])
def test_absent_cost_and_ages_stay_not_stated(ctx, tmp_path, what, shown):
    _import(ctx, _feed(tmp_path))
    assert getattr(_only_service(ctx), what) == shown


def test_absent_access_stays_empty_and_the_preview_says_so(ctx, tmp_path):
    plan = _import(ctx, _feed(tmp_path))
    assert (
        "1 service does not say how people get to it: left empty unless you choose a default."
        in plan.summary_lines()
    )
    assert _only_service(ctx).access == ()


def test_a_chosen_default_is_applied_and_said(ctx, tmp_path):
    choices = ImportChoices(assume_access=AccessRoute.SELF_REFERRAL)
    plan = _import(ctx, _feed(tmp_path), choices)
    assert (
        "1 service does not say how people get to it: set to “Self-referral”, as you chose."
        in plan.summary_lines()
    )
    assert _only_service(ctx).access == (AccessRoute.SELF_REFERRAL,)


def test_access_the_source_gives_is_read_not_assumed(ctx, tmp_path):
    plan = _import(ctx, _feed(tmp_path, access=True), ImportChoices(assume_access=AccessRoute.APPOINTMENT))
    assert plan.without_access == 0
    assert _only_service(ctx).access == (AccessRoute.DROP_IN,)


@pytest.mark.parametrize(
    ("given", "stored", "exported"), [("US", "US", "US"), ("gb", "GB", "GB"), (None, None, "GB")]
)
def test_a_venues_country_is_kept_as_the_source_gave_it(ctx, tmp_path, given, stored, exported):
    _import(ctx, _feed(tmp_path, country=given))
    with ctx.db.read() as s:
        assert s.scalar(select(Location.country)) == stored
    out = tmp_path / "out.json"
    ExportService(ctx).export("hsds-json", out)
    text = out.read_text(encoding="utf-8")
    assert f'"country": "{exported}"' in text


@pytest.mark.backends("sqlite")
def test_organisation_status_and_not_stated_survive_the_excel_csv_round_trip(ctx, ctx_as, tmp_path, db):
    """Issue 17.1: export to the Excel CSV, import into an empty directory, export again: identical."""
    from sp_desktop.db.models import Organisation
    from sp_desktop.domain.enums import OrganisationStatus

    _import(ctx, _feed(tmp_path))
    with db.write(ctx.clock) as s:
        s.scalar(select(Organisation)).status = OrganisationStatus.TEMPORARILY_CLOSED
    first = tmp_path / "first.csv"
    ExportService(ctx).export("csv", first)
    assert "Temporarily closed" in first.read_text(encoding="utf-8-sig")
    with db.write(ctx.clock) as s:  # an empty directory again (the same file, so the same settings)
        for table in ("service_at_location", "service_category", "phone", "schedule", "contact", "service",
                      "location", "organisation"):
            s.execute(text(f"DELETE FROM {table}"))
    service = ImportService(ctx)
    service.commit(service.read_feed(service.open(first)))
    with db.read() as s:
        assert s.scalar(select(Organisation.status)) is OrganisationStatus.TEMPORARILY_CLOSED
    second = tmp_path / "second.csv"
    ExportService(ctx).export("csv", second)
    assert second.read_text(encoding="utf-8-sig") == first.read_text(encoding="utf-8-sig")
