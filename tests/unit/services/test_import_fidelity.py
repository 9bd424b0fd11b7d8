"""Issue 17, points 1 and 4: the Excel CSV round trip keeps every venue ("Other venues" included), and a
spreadsheet's Notes column becomes the practice's internal note: kept, never printed, never exported.
Real SQLite files, real PDFs read back with pypdf."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sp_desktop.db.models import Location, Organisation, ServiceAtLocation, Staff, TrustNote
from sp_desktop.domain.enums import AppRole, TrustNoteKind, VettingStatus
from sp_desktop.leaflets import LeafletFormat
from sp_desktop.services.base import Actor, ServiceContext
from sp_desktop.services.directory import DirectoryService
from sp_desktop.services.exports import ExportService
from sp_desktop.services.imports import ImportFailed, ImportService
from sp_desktop.services.leaflets import BasketItem, LeafletService
from tests.leaflet_support import pdf_text

pytestmark = pytest.mark.backends("sqlite")


@pytest.fixture
def demo_ctx(demo_db, clock) -> ServiceContext:
    with demo_db.read() as s:
        staff_id = s.scalar(select(Staff.id).where(Staff.name == "Mary Manager"))
    return ServiceContext(demo_db, clock, Actor(staff_id, "Mary Manager", AppRole.ADMINISTRATOR))


def _venue_links(db) -> tuple[int, int]:
    with db.read() as s:
        return (s.scalar(select(func.count()).select_from(Location)),
                s.scalar(select(func.count()).select_from(ServiceAtLocation)))


def test_the_excel_csv_round_trip_keeps_every_venue_of_the_demo(demo_ctx, ctx, tmp_path):
    """Export the demo, import into an empty directory, export again: identical, with every service's
    venues (the first in the address columns, the rest in "Other venues") and the venues' accessibility
    and transport notes."""
    with demo_ctx.db.write(demo_ctx.clock) as s:  # one service at a second venue with its own details
        org = s.scalars(select(Organisation).where(Organisation.locations.any())
                        .order_by(Organisation.id)).first()
        svc = org.services[0]
        venue = Location(organisation_id=org.id, name="~St Mirin's Hall | side room", address_1="Unit 3",
                         address_2="Causeyside St", town="Paisley", postcode="PA1 1UJ",
                         accessibility=["step_free", "hearing_loop"], accessibility_notes="Ramp at the back",
                         transport_notes="Buses 9 and 36; parking behind the hall")
        s.add(venue)
        s.flush()
        s.add(ServiceAtLocation(service_id=svc.id, location_id=venue.id))
    first = tmp_path / "first.csv"
    ExportService(demo_ctx).export("csv", first)
    rows = list(csv.DictReader(io.StringIO(first.read_text(encoding="utf-8-sig"))))
    other = [r["Other venues"] for r in rows if r["Other venues"]]
    assert any("~St Mirin's Hall \\| side room | Unit 3 | Causeyside St | Paisley | PA1 1UJ | " in v
               for v in other)
    service = ImportService(ctx)
    feed = service.read_feed(service.open(first))
    assert not feed.errors
    service.commit(feed)
    # every venue and every service's link to its venues came through
    exported_links = sum(1 + len(r["Other venues"].splitlines()) for r in rows if r["Address line 1"]
                         or r["Venue"] or r["Postcode"] or r["Town"])
    assert _venue_links(ctx.db)[1] == exported_links
    with ctx.db.read() as s:
        hall = s.scalars(select(Location).where(Location.address_1 == "Unit 3")).one()
        assert (hall.name, hall.address_2, hall.town, hall.postcode) == (
            "~St Mirin's Hall | side room", "Causeyside St", "Paisley", "PA1 1UJ")
        assert hall.accessibility == ["step_free", "hearing_loop"]
        assert hall.accessibility_notes == "Ramp at the back"
        assert hall.transport_notes == "Buses 9 and 36; parking behind the hall"
    second = tmp_path / "second.csv"
    ExportService(ctx).export("csv", second)
    assert _without_vetting(second) == _without_vetting(first)


def _without_vetting(path: Path) -> list[list[str]]:
    """The file's cells but the Vetting column (imports arrive not vetted: that, and only that, differs)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    at = rows[0].index("Vetting")
    return [r[:at] + r[at + 1:] for r in rows]


SENTINEL = "NOTE-SENTINEL-Q7X ask for Jean, not the front desk; late invoices twice"


def _sheet(tmp_path: Path) -> Path:
    path = tmp_path / "practice list.csv"
    path.write_text("Organisation,Service,Description,Phone,Notes\n"
                    f'Knit and Natter,Knitting circle,Knitting and a chat,01632 960777,"{SENTINEL}"\n'
                    "Knit and Natter,Crochet,Crochet for beginners,01632 960777,\n", encoding="utf-8")
    return path


def test_a_notes_column_is_kept_as_the_practices_internal_note(ctx, db, tmp_path):
    service = ImportService(ctx)
    loaded = service.open(_sheet(tmp_path))
    assert "notes" in loaded.mapping.values()  # the Notes column is recognised, not left unmapped
    feed = service.read_feed(loaded)
    plan = service.plan(feed)
    assert any("1 note from the Notes column will be kept as the practice's internal notes (never printed "
               "or exported)" in line for line in plan.summary_lines())
    service.commit(feed)
    with db.read() as s:
        [note] = s.scalars(select(TrustNote)).all()
        assert note.kind is TrustNoteKind.GENERAL and note.author_id == ctx.actor.id
        assert note.text.startswith(SENTINEL) and "row 2 of practice list.csv" in note.text
        assert note.service_id is not None
    directory = DirectoryService(ctx)
    knitting = directory.get_service(directory.search("knitting circle").rows[0].id)
    assert knitting.description == "Knitting and a chat"  # never in the public description


def test_the_internal_note_never_reaches_a_leaflet_or_an_export(ctx, db, tmp_path):
    service = ImportService(ctx)
    service.commit(service.read_feed(service.open(_sheet(tmp_path))))
    with db.write(ctx.clock) as s:  # approved, so the leaflet prints it without an override
        for org in s.scalars(select(Organisation)):
            org.vetting_status, org.approved_on = VettingStatus.APPROVED, ctx.today()
            org.next_review_on = ctx.today().replace(year=ctx.today().year + 1)
    directory = DirectoryService(ctx)
    ids = [r.id for r in directory.search("knit").rows]
    assert len(ids) == 2
    with db.read() as s:  # guard: the sentinel really is stored
        assert s.scalar(select(func.count()).select_from(TrustNote).where(TrustNote.text.contains("Q7X")))
    leaflets = LeafletService(ctx)
    prepared = leaflets.build_leaflet([BasketItem(i) for i in ids])
    for fmt in (LeafletFormat.STANDARD, LeafletFormat.LARGE):
        import dataclasses

        words = pdf_text(dataclasses.replace(prepared, fmt=fmt).pdf())
        assert "Knitting circle" in words and "Q7X" not in words and "Jean" not in words
    assert "Q7X" not in prepared.text() and "Q7X" not in prepared.html()
    for fmt, name in (("csv", "d.csv"), ("hsds-json", "d.json")):
        out = tmp_path / name
        ExportService(ctx).export(fmt, out, include_contacts=True)
        body = out.read_text(encoding="utf-8-sig")
        assert "Knitting circle" in body and "Q7X" not in body and "late invoices" not in body


def test_notes_need_a_named_person_to_sign_them(db, clock, tmp_path):
    from sp_desktop.services.base import SYSTEM

    service = ImportService(ServiceContext(db, clock, SYSTEM))
    feed = service.read_feed(service.open(_sheet(tmp_path)))
    with pytest.raises(ImportFailed, match="practice notes.*Sign in"):
        service.commit(feed)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Organisation)) == 0
