"""Issue 17, point 6: importing from ALISS, Scotland's national directory of local support.

The samples here are written by us to the field names of the ALISS project's API serializers
(aliss/api/serializers.py in the public aliss/ALISS repository: v4SearchSerializer / v4ServiceSerializer,
OrganisationSerializer, LocationSerializer, ServiceAreaSerializer, CategorySearchSerializer,
v4OrganisationDetailSerializer) and to the v4 views' wrappers ({"meta", "count", "next", "previous", "data"}
for a search, {"meta", "data"} for one record). They are not copies of real ALISS records: the names,
numbers and addresses are invented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from sp_desktop.db.models import Location, Organisation, Service
from sp_desktop.domain.enums import VettingStatus
from sp_desktop.services.directory import DirectoryService
from sp_desktop.services.imports import ImportChoices, ImportService, report_lines
from tests.unit.services.test_import_service import dump

pytestmark = pytest.mark.backends("sqlite")

META = {"licence": "https://creativecommons.org/licenses/by/4.0/",
        "attribution": [{"text": "Contains contributions from ALISS users",
                         "url": "https://www.aliss.org/terms-and-conditions"}]}
ORG = {"id": "5b8a7c1e-1111-4c2d-9e3f-0a1b2c3d4e5f", "name": "Paisley Walking Friends",
       "aliss_url": "https://www.aliss.org/organisations/paisley-walking-friends/",
       "permalink": "https://www.aliss.org/organisations/5b8a7c1e-1111-4c2d-9e3f-0a1b2c3d4e5f/",
       "is_claimed": True, "slug": "paisley-walking-friends"}
LOCATION = {"id": "9c0d1e2f-2222-4a3b-8c4d-5e6f7a8b9c0d",
            "formatted_address": "Unit 3, Causeyside St, Paisley, PA1 1UJ",
            "name": "Causeyside Hub", "description": "Ring the buzzer for the back door",
            "street_address": "Unit 3, Causeyside St", "locality": "Paisley", "region": "Renfrewshire",
            "state": "Scotland", "postal_code": "PA1 1UJ", "country": "GB",
            "latitude": 55.8431, "longitude": -4.4237}


def _service(n: int, **extra: object) -> dict[str, object]:
    sid = f"1a2b3c4d-000{n}-4e5f-8a9b-0c1d2e3f4a5b"
    return {"id": sid, "name": f"Health walk {n}", "description": "A gentle walk round the park, then tea.",
            "url": "https://walks.example.org", "phone": "0141 496 0123", "email": "walks@example.org",
            "categories": [{"name": "Physical activity", "slug": "physical-activity"},
                           {"name": "Befriending and social groups", "slug": "befriending"}],
            "service_areas": [{"code": "S12000038", "type": "Local authority", "name": "Renfrewshire"}],
            "organisation": ORG, "slug": f"health-walk-{n}",
            "aliss_url": f"https://www.aliss.org/services/health-walk-{n}/",
            "permalink": f"https://www.aliss.org/services/{sid}/",
            "last_updated": "2026-03-14T09:30:00Z", "locations": [LOCATION], **extra}


def _search(tmp_path: Path, services: list[dict[str, object]], count: int | None = None,
            nxt: str | None = None) -> Path:
    path = tmp_path / "aliss-search.json"
    path.write_text(json.dumps({"meta": META, "count": count or len(services), "next": nxt, "previous": None,
                                "data": services}), encoding="utf-8")
    return path


def _import(ctx, path, choices=None):
    service = ImportService(ctx)
    feed = service.read_feed(service.open(path))
    plan = service.plan(feed, choices)
    return service, feed, plan


def test_an_aliss_search_is_recognised_and_imported_not_vetted_with_its_links(ctx, db, tmp_path):
    service, feed, plan = _import(ctx, _search(tmp_path, [_service(1), _service(2)]))
    assert feed.shape == "an ALISS search (count, next, data): 2 services"
    assert not feed.errors
    assert len(feed.organisations) == 1 and feed.service_count == 2
    # what sp_desktop has nowhere to keep is listed, field by field, before anything is written
    assert feed.left_out == {"locations.description": 2}
    assert any("locations.description (2)" in line for line in plan.summary_lines())
    service.commit(feed)
    with db.read() as s:
        org = s.scalars(select(Organisation)).one()
        assert org.vetting_status is VettingStatus.NOT_VETTED
        assert org.source_id == ORG["permalink"]
        links = sorted(s.scalars(select(Service.source_id)))
        assert links == [f"https://www.aliss.org/services/1a2b3c4d-000{n}-4e5f-8a9b-0c1d2e3f4a5b/"
                         for n in (1, 2)]
        hall = s.scalars(select(Location)).one()  # both services meet at the same venue
        assert (hall.name, hall.address_1, hall.town, hall.region, hall.postcode, hall.country) == (
            "Causeyside Hub", "Unit 3, Causeyside St", "Paisley", "Renfrewshire", "PA1 1UJ", "GB")
    directory = DirectoryService(ctx)
    walk = directory.get_service(directory.search("health walk 1").rows[0].id)
    assert walk.source_link == "https://www.aliss.org/services/1a2b3c4d-0001-4e5f-8a9b-0c1d2e3f4a5b/"
    assert walk.service_area == "Renfrewshire"
    assert [p.number for p in walk.phones] == ["+441414960123"]
    assert walk.url == "https://walks.example.org" and walk.email == "walks@example.org"
    assert walk.publisher_modified_on.isoformat() == "2026-03-14"
    assert walk.last_verified_on is None  # ALISS's date is ALISS's, not the practice's check
    # nothing invented: ALISS says nothing about cost, ages or how to get in
    assert walk.cost == "Cost not stated" and walk.ages == "Age not stated" and walk.access == ()
    # ALISS categories are matched to the practice's own; one it has no match for is added (shown first)
    assert {t.name: t.suggestion_label for t in plan.terms} == {
        "Physical activity": "Physical activity", "Befriending and social groups": "new category"}
    assert sorted(c.name for c in walk.categories) == ["Befriending and social groups", "Physical activity"]


def test_the_aliss_link_is_on_the_staff_view_of_the_service(ctx, tmp_path):
    from sp_desktop.ui.widgets.detail_pane import service_html

    service, feed, _plan = _import(ctx, _search(tmp_path, [_service(1)]))
    service.commit(feed)
    directory = DirectoryService(ctx)
    walk = directory.get_service(directory.search("health walk").rows[0].id)
    html = service_html(walk, ctx.today(), show_staff=True)
    assert "Its page in ALISS" in html and walk.source_link in html


def test_importing_the_same_search_again_changes_nothing(ctx, db, tmp_path):
    path = _search(tmp_path, [_service(1)])
    service, feed, _ = _import(ctx, path)
    service.commit(feed)
    before = dump(db)
    service, feed, plan = _import(ctx, path)
    assert plan.count("unchanged", "service") == 1 and plan.count("add") == 0
    service.commit(feed)
    assert {k: v for k, v in dump(db).items() if k != "audit_event"} == \
        {k: v for k, v in before.items() if k != "audit_event"}


def test_a_page_of_a_longer_search_says_the_rest_is_not_in_the_file(ctx, tmp_path):
    path = _search(tmp_path, [_service(1)], count=57, nxt="https://www.aliss.org/api/v4/search/?page=2")
    _service_, feed, plan = _import(ctx, path)
    [warning] = [p for p in feed.problems if "found 57 services" in p.message]
    assert "this file holds 1: only these are imported" in warning.message
    assert any("found 57 services" in line for line in report_lines(plan))


def test_an_aliss_organisation_with_its_services_and_venues(ctx, db, tmp_path):
    detail = {**ORG, "description": "Walking groups for all abilities.", "facebook": "https://fb.example.org/pwf",
              "twitter": "", "url": "https://pwf.example.org", "phone": "0141 496 0999",
              "email": "hello@pwf.example.org", "last_edited": "2026-02-01T10:00:00Z",
              "services": [{k: v for k, v in _service(3).items()
                            if k in ("id", "name", "description", "url", "phone", "email", "categories",
                                     "service_areas")}],
              "locations": [LOCATION]}
    path = tmp_path / "aliss-organisation.json"
    path.write_text(json.dumps({"meta": META, "data": detail}), encoding="utf-8")
    service, feed, _plan = _import(ctx, path)
    assert feed.shape == "an ALISS export: 1 service"
    assert feed.left_out == {"organisations.facebook": 1, "locations.description": 1}
    service.commit(feed, ImportChoices())
    org = DirectoryService(ctx).get_organisation(DirectoryService(ctx).search("health walk 3").rows[0]
                                                 .organisation_id)
    assert org.website == "https://pwf.example.org" and org.description == "Walking groups for all abilities."
    assert [loc.postcode for loc in org.locations] == ["PA1 1UJ"]
    assert org.vetting_status is VettingStatus.NOT_VETTED


@pytest.mark.parametrize("damage", ["truncated", "binary", "latin-1"])
def test_a_damaged_aliss_file_writes_nothing(ctx, db, tmp_path, damage):
    from sp_desktop.services.imports import ImportFailed

    good = _search(tmp_path, [_service(1)]).read_bytes()
    data = {"truncated": good[: len(good) // 2], "binary": b"\x89PNG\r\n\x1a\n" + good[:50],
            "latin-1": good.decode("utf-8").replace("Health", "Sant\u00e9").encode("latin-1")}[damage]
    path = tmp_path / "aliss-damaged.json"
    path.write_bytes(data)
    before = dump(db)
    service = ImportService(ctx)
    try:
        feed = service.read_feed(service.open(path))
        if damage != "latin-1":
            pytest.fail("a damaged file was read")
        service.commit(feed)  # latin-1 is read as such (decode_text), so the words survive
        assert DirectoryService(ctx).search("santé walk").rows
    except ImportFailed as exc:
        assert damage != "latin-1", exc
        assert "aliss-damaged.json" in str(exc)
        assert dump(db) == before
