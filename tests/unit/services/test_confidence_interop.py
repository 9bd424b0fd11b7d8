"""Issue 18: "taking new people" travels in the Open Referral export as an extension field that the
HSDS 3.0 schemas ignore, without the staff name, and is read back on import; a nonsense value in a
feed is left out with a warning."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from sp_desktop.db.models import Service, ServiceCapacity, Staff
from sp_desktop.domain.confidence import Capacity
from sp_desktop.domain.enums import AppRole
from sp_desktop.interop.hsds import CAPACITY_KEY
from sp_desktop.services.base import Actor, ServiceContext
from sp_desktop.services.confidence import ConfidenceService
from sp_desktop.services.exports import ExportService
from sp_desktop.services.imports import ImportService

# beside the project's folder (main) or one level further up (a worktree in wt/NAME)
_COMPILED = Path("shared", "reference", "hsds-3.0", "schema", "compiled")
SCHEMAS = next((p for p in (Path(__file__).parents[n] / _COMPILED for n in (4, 5)) if p.is_dir()),
               Path("/nonexistent"))


@pytest.fixture
def demo_ctx(demo_db, clock) -> ServiceContext:
    with demo_db.read() as s:
        staff_id = s.scalar(select(Staff.id).where(Staff.name == "Mary Manager"))
    return ServiceContext(demo_db, clock, Actor(staff_id, "Mary Manager", AppRole.ADMINISTRATOR))


def _services(page: dict) -> list[dict]:
    return [svc for org in page["contents"] for svc in org["services"]]


def test_capacity_is_exported_as_an_extension_and_read_back(demo_ctx, demo_db, ctx, db, tmp_path):
    with demo_db.read() as s:
        sid, name = s.execute(select(Service.id, Service.name).where(Service.archived_at.is_(None))
                              .order_by(Service.id)).first()
    ConfidenceService(demo_ctx).set_capacity(sid, Capacity.WAITING_LIST, 6, date(2026, 11, 20))
    out = tmp_path / "directory.json"
    ExportService(demo_ctx).export("hsds-json", out)
    raw = out.read_text(encoding="utf-8")
    page = json.loads(raw)
    found = [svc for svc in _services(page) if CAPACITY_KEY in svc]
    assert len(found) == 1 and found[0]["name"] == name
    assert found[0][CAPACITY_KEY][0] | {"id": "x"} == {
        "id": "x", "service_id": found[0]["id"], "description": "Waiting list (about 6 weeks)",
        "updated": "2026-11-20", "x_state": "waiting_list", "x_wait_weeks": 6}
    assert "Mary Manager" not in raw  # who confirmed it never leaves the practice
    if SCHEMAS.is_dir():  # HSDS 3.0 validation ignores the extension (the schemas are beside the project)
        import jsonschema

        schema = json.loads((SCHEMAS / "service.json").read_text(encoding="utf-8"))
        validator = jsonschema.Draft202012Validator(schema)
        assert [e.message for e in validator.iter_errors(found[0])] == []

    service = ImportService(ctx)
    feed = service.read_feed(service.open(out))
    assert not feed.errors
    service.commit(feed)
    with db.read() as s:
        rows = s.execute(select(Service.name, ServiceCapacity.state, ServiceCapacity.wait_weeks,
                                ServiceCapacity.confirmed_on, ServiceCapacity.confirmed_by).join(
            ServiceCapacity, ServiceCapacity.service_id == Service.id)).all()
    assert len(rows) == 1
    got_name, state, weeks, confirmed_on, confirmed_by = rows[0]
    assert got_name == name
    assert (state, weeks, confirmed_on) == (Capacity.WAITING_LIST, 6, date(2026, 11, 20))
    assert confirmed_by.startswith("the ") and confirmed_by.endswith(" feed")
    # exported again from the second practice: the same extension
    again = tmp_path / "again.json"
    ExportService(ctx).export("hsds-json", again)
    assert [svc[CAPACITY_KEY][0]["x_wait_weeks"] for svc in _services(json.loads(again.read_text()))
            if CAPACITY_KEY in svc] == [6]


@pytest.mark.parametrize("value, why", [
    ({"x_state": "maybe", "updated": "2026-11-01"}, "is not taking, waiting_list or not_taking"),
    ({"x_state": "waiting_list", "x_wait_weeks": 300, "updated": "2026-11-01"}, "from 0 to 104"),
    ({"x_state": "taking", "updated": "soon"}, "no date it was confirmed"),
])
def test_a_nonsense_capacity_in_a_feed_is_left_out_with_a_warning(ctx, db, tmp_path, value, why):
    feed_file = tmp_path / "feed.json"
    services = [{"id": "svc-1", "name": "Debt advice", "status": "active", CAPACITY_KEY: [value]}]
    feed_file.write_text(json.dumps([{"id": "org-1", "name": "Cartvale Money Advice", "services": services}]),
                         encoding="utf-8")
    service = ImportService(ctx)
    feed = service.read_feed(service.open(feed_file))
    assert any(why in p.message and p.column == CAPACITY_KEY for p in feed.warnings), feed.warnings
    service.commit(feed)
    with db.read() as s:
        assert s.scalars(select(ServiceCapacity)).all() == []
        assert s.scalar(select(Service.name)) == "Debt advice"  # the rest of the record is kept
