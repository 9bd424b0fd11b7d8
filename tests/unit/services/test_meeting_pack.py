"""The practice meeting pack: figures worked out by hand from signposting_cases, the PDF read back,
who may make it, its audit row, and no patient data in it (sentinels)."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from pypdf import PdfReader
from signposting_cases import (
    PATIENT_REF_SENTINEL,
    SHARED_POOR,
    STAFF_ONLY_SENTINEL,
    TRUST_NOTE_SENTINEL,
    build_small_history,
    category_ids,
)
from sqlalchemy import select

from sp_desktop.db.models import AuditEvent, Category, service_category
from sp_desktop.domain.enums import AckOutcome, AppRole, ContactKind
from sp_desktop.output.meeting_pack_pdf import render_meeting_pack
from sp_desktop.services.base import PermissionDenied
from sp_desktop.services.meeting_pack import MeetingPackService
from sp_desktop.services.references import ReferenceService
from sp_desktop.services.relationships import ContactLogForm, ContactLogService


@pytest.fixture
def history(db, clock, ctx_as, ctx):
    h = build_small_history(db, clock, ctx_as, ctx)
    money_cat, walking_cat = category_ids(db, "debt-advice", "walking-groups")
    with db.write(clock) as s:
        s.execute(service_category.insert(), [
            {"service_id": h.debt_id, "category_id": money_cat},
            {"service_id": h.benefits_id, "category_id": money_cat},
            {"service_id": h.walk_id, "category_id": walking_cat}])
    return h


def _text(pdf: bytes) -> str:
    return " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pack_counts_the_period_by_category_with_acknowledgements(history, ctx_as, clock, db):
    clock.current = datetime(2026, 11, 20, 11, 0)
    desk = ReferenceService(history.reception)
    a = desk.issue([history.debt_id, history.benefits_id])
    b = desk.issue([history.walk_id])
    desk.acknowledge(a, history.debt_id, AckOutcome.ATTENDED)
    desk.acknowledge(b, history.walk_id, AckOutcome.DID_NOT_ATTEND)
    ContactLogService(history.reception).log(ContactLogForm(
        organisation_id=history.walkers_id, kind=ContactKind.VISIT,
        summary="Walked the canal route with them",
        occurred_at=datetime(2026, 11, 18, 14, 0)))
    lead = ctx_as(AppRole.VETTING_LEAD, "Lena Link")
    pack = MeetingPackService(lead).build(date(2026, 11, 1), date(2026, 11, 30))

    assert pack.signposting_records == 8  # R5..R12 (signposting_cases.EXPECTED by month: Nov 8)
    assert (pack.references_issued, pack.references_acknowledged) == (2, 2)
    with db.read() as s:
        money_top = s.scalar(select(Category.name).where(Category.id == select(Category.parent_id).where(
            Category.code == "debt-advice").scalar_subquery()))
    rows = {r.category: (r.signposted, r.references, r.acknowledged, r.attended) for r in pack.by_category}
    assert rows[money_top] == (8, 1, 1, 1)  # a reference with two services in one category counts once
    assert rows["Physical activity"] == (0, 1, 1, 0)
    assert [(c.organisation, c.kind) for c in pack.face_to_face] == [
        ("Paisley Walkers", "Visit to the organisation")]
    assert [c.organisation for c in pack.concerns] == ["Renfrew Money Matters"]
    assert {n.organisation for n in pack.never_met} == {"Renfrew Money Matters"}  # the walkers were visited

    pdf = render_meeting_pack(pack)
    text = _text(pdf)
    assert "Practice meeting pack" in text and "1 Nov 2026 to 30 Nov 2026" in text
    assert "Paisley Walkers" in text and "Visit to the organisation" in text
    for secret in (PATIENT_REF_SENTINEL, TRUST_NOTE_SENTINEL, STAFF_ONLY_SENTINEL, SHARED_POOR,
                   "Walked the canal route"):
        assert secret not in text, secret
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta.title == "Practice meeting pack, 1 Nov 2026 to 30 Nov 2026"


def test_only_the_lead_and_the_manager_make_it_and_each_pack_is_audited(history, ctx_as, db):
    for role in (AppRole.FRONT_DESK, AppRole.CLINICIAN):
        with pytest.raises(PermissionDenied) as err:
            MeetingPackService(ctx_as(role)).build(date(2026, 11, 1), date(2026, 11, 30))
        assert "make the practice meeting pack" in str(err.value)
    manager = ctx_as(AppRole.ADMINISTRATOR, "Mary Manager")
    service = MeetingPackService(manager)
    pack = service.build(date(2026, 9, 1), date(2026, 11, 30))
    service.record_made(pack, 3)
    with db.read() as s:
        row = s.execute(select(AuditEvent.staff_name, AuditEvent.entity_label, AuditEvent.changes)
                        .where(AuditEvent.entity_type == "meeting_pack")).one()
    assert row.staff_name == "Mary Manager" and row.entity_label == "Meeting pack 1 Sep 2026 to 30 Nov 2026"
    assert row.changes["pages"] == [None, 3]


def test_an_empty_period_says_so_in_words(history, ctx_as):
    pack = MeetingPackService(ctx_as(AppRole.VETTING_LEAD)).build(date(2024, 1, 1), date(2024, 1, 31))
    assert pack.signposting_records == 0 and pack.by_category == () and pack.face_to_face == ()
    text = _text(render_meeting_pack(pack))
    assert "No signposting or leaflet references in this period." in text
    assert "No one from the practice met an organisation in person in this period." in text


def test_problems_reported_and_resolved_and_shared_feedback_are_in_the_pack_without_their_words(
        history, ctx_as, clock):
    from signposting_cases import SHARED_GOOD

    from sp_desktop.domain.enums import ProblemKind
    from sp_desktop.services.problems import ProblemService

    clock.current = datetime(2026, 11, 12, 9, 30)
    desk = ProblemService(history.reception)
    desk.report(history.walk_id, ProblemKind.CLOSED_OR_MOVED, "PROBLEMWORDS the hall door was locked")
    desk.report(history.debt_id, ProblemKind.NUMBER_DOES_NOT_WORK, "PROBLEMWORDS rang 0141 496 0999 twice")
    lead = ctx_as(AppRole.VETTING_LEAD, "Lena Link")
    clock.current = datetime(2026, 11, 14, 16, 0)
    ProblemService(lead).resolve(history.debt_id, "RESOLUTIONWORDS new number confirmed")

    pack = MeetingPackService(lead).build(date(2026, 9, 1), date(2026, 11, 30))
    assert [(p.service, p.kind, p.reported_on, p.resolved_on) for p in pack.problems] == [
        ("Canal walk", ProblemKind.CLOSED_OR_MOVED.label, date(2026, 11, 12), None),
        ("Debt advice drop-in", ProblemKind.NUMBER_DOES_NOT_WORK.label, date(2026, 11, 12),
         date(2026, 11, 14))]
    # only feedback ticked "may be shared", with the month and not the day
    assert [(f.month, f.service, f.text) for f in pack.feedback] == [
        ("Sep 2026", "Debt advice drop-in", SHARED_GOOD), ("Sep 2026", "Debt advice drop-in", SHARED_POOR)]

    text = " ".join(_text(render_meeting_pack(pack)).split())
    assert "Problems reported and resolved" in text and "Closed or moved" in text.replace("\n", " ")
    assert "Open !" in text and "Resolved ✓ 14 Nov 2026" in text
    assert "Really helpful and kind staff." in text and "SHAREDPOOR waited a long time." in text
    for secret in ("PROBLEMWORDS", "RESOLUTIONWORDS", "0141 496 0999", STAFF_ONLY_SENTINEL,
                   TRUST_NOTE_SENTINEL, PATIENT_REF_SENTINEL):
        assert secret not in text, secret

    november = MeetingPackService(lead).build(date(2026, 11, 1), date(2026, 11, 30))
    assert november.feedback == ()  # the shared feedback was recorded in September
    assert "No shared feedback was recorded in this period." in _text(render_meeting_pack(november))


def test_a_year_at_a_large_practice_lists_the_first_ones_and_says_where_the_rest_are() -> None:
    from sp_desktop.output.meeting_pack_pdf import LIST_LIMIT
    from sp_desktop.services.meeting_pack import FeedbackLine, MeetingPack, NeverMetLine

    never = tuple(NeverMetLine(f"Organisation {i:03d}", "Approved ✓", date(2025, 1, 1)) for i in range(100))
    feedback = tuple(FeedbackLine("Mar 2025", f"Service {i:03d}", "Good", f"Feedback {i:03d}")
                     for i in range(55))
    pack = MeetingPack("Riverside Medical Practice", date(2025, 1, 1), date(2025, 12, 31),
                       datetime(2026, 1, 5, 9, 0), "Lena Link", (), (), (), (), (), 0, 0, 0, (), (), never,
                       feedback=feedback)
    text = " ".join(_text(render_meeting_pack(pack)).split())
    assert f"Organisation {LIST_LIMIT - 1:03d}" in text and f"Organisation {LIST_LIMIT:03d}" not in text
    assert (f"The first {LIST_LIMIT} organisations are listed; the other {100 - LIST_LIMIT} are on the "
            "Network page.") in text
    assert f"The first {LIST_LIMIT} pieces of feedback are listed; the other {55 - LIST_LIMIT} are on the " \
           "Signposting log." in text
    assert "Organisations no one here has met 100" in text  # the figure at a glance counts every one
