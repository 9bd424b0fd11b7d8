"""Leaflet references: issued with a leaflet, acknowledged when the organisation quotes them back."""

from __future__ import annotations

from datetime import date

import pytest
from signposting_cases import _add_services
from sqlalchemy import select

from sp_desktop.db.models import AuditEvent, LeafletReference, ReferenceAcknowledgement, SignpostingItem
from sp_desktop.domain.enums import AckOutcome, AppRole, Outcome, SignpostingMethod
from sp_desktop.domain.errors import BadInput
from sp_desktop.domain.references import ALPHABET, normalise
from sp_desktop.services.references import ReferenceService, UnknownReference
from sp_desktop.services.signposting import OutcomeForm, SignpostingForm, SignpostingService


@pytest.fixture
def services(db, clock):
    return _add_services(db, clock)  # money_id, walkers_id, debt_id, benefits_id, walk_id


def test_a_reference_is_issued_for_a_leaflet_and_read_back(ctx_as, services, db):
    _, _, debt_id, benefits_id, _ = services
    desk = ReferenceService(ctx_as(AppRole.FRONT_DESK, "Rachel Reception"))
    shown = desk.issue([debt_id, benefits_id], "print")
    assert len(shown) == 7 and shown[3] == "-" and set(shown.replace("-", "")) <= set(ALPHABET)
    info = desk.lookup(shown.lower().replace("-", " "))
    assert info.shown == shown and info.form == "print" and info.issued_on == date(2026, 11, 24)
    assert sorted(s.name for s in info.services) == ["Benefits check", "Debt advice drop-in"]
    assert info.signposting_id is None
    with db.read() as s:
        row = s.scalar(select(LeafletReference))
        assert row.code == normalise(shown)  # nothing else: no patient data to store


def test_acknowledging_puts_the_organisations_word_on_the_signposting_record(ctx_as, services, db):
    _, _, debt_id, benefits_id, _ = services
    desk_ctx = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    record = SignpostingService(desk_ctx).record(
        SignpostingForm([debt_id, benefits_id], SignpostingMethod.LEAFLET))
    refs = ReferenceService(desk_ctx)
    code = refs.issue([debt_id, benefits_id], "print")
    refs.link(code, record.id)

    done = refs.acknowledge(code, debt_id, AckOutcome.ATTENDED)
    assert done.outcome_recorded and done.linked
    assert "acknowledged for Debt advice drop-in" in done.message and "signposting record" in done.message
    with db.read() as s:
        items = {i.service_id: i for i in s.scalars(select(SignpostingItem))}
        assert items[debt_id].outcome is Outcome.ATTENDED_ONCE
        assert items[debt_id].outcome_on == date(2026, 11, 24)
        assert items[benefits_id].outcome is None
        audit = s.scalars(select(AuditEvent).where(AuditEvent.entity_type == "leaflet_reference")).all()
        assert len(audit) == 1 and audit[0].staff_name == "Rachel Reception"
    info = refs.lookup(code)
    assert {s.name: s.acknowledged for s in info.services} == {
        "Debt advice drop-in": AckOutcome.ATTENDED, "Benefits check": None}


def test_an_outcome_a_clinician_recorded_is_never_overwritten(ctx_as, services, db):
    _, _, debt_id, _, _ = services
    gp = ctx_as(AppRole.CLINICIAN, "Dr Gill")
    record = SignpostingService(gp).record(SignpostingForm([debt_id], SignpostingMethod.LEAFLET))
    SignpostingService(gp).record_outcome(record.items[0].id, OutcomeForm(outcome=Outcome.NOT_SUITABLE))
    refs = ReferenceService(gp)
    code = refs.issue([debt_id])
    refs.link(code, record.id)
    done = refs.acknowledge(code, outcome=AckOutcome.ATTENDED)  # one service: no need to name it
    assert not done.outcome_recorded and "already has an outcome" in done.message
    with db.read() as s:
        assert s.scalar(select(SignpostingItem.outcome)) is Outcome.NOT_SUITABLE
        assert s.scalar(select(ReferenceAcknowledgement.outcome)) is AckOutcome.ATTENDED


def test_an_unlinked_reference_is_acknowledged_against_the_leaflet(ctx_as, services):
    _, _, debt_id, _, _ = services
    refs = ReferenceService(ctx_as(AppRole.FRONT_DESK))
    code = refs.issue([debt_id], "sms")
    done = refs.acknowledge(code, debt_id)
    assert not done.linked and "no signposting record" in done.message
    assert done.outcome is AckOutcome.ARRIVED


def test_unknown_mistyped_and_used_codes_get_clear_messages(ctx_as, services):
    _, _, debt_id, benefits_id, _ = services
    refs = ReferenceService(ctx_as(AppRole.FRONT_DESK))
    code = refs.issue([debt_id])
    raw = normalise(code)
    other = next(ch for ch in ALPHABET if ch != raw[4])
    typo = raw[:4] + other + raw[5]
    with pytest.raises(UnknownReference) as err:
        refs.acknowledge(typo, debt_id)
    assert [n.code for n in err.value.near] == [raw]
    assert "is not a reference this practice gave out" in err.value.message
    assert f"Did they mean {code}" in err.value.what_to_do and "Debt advice drop-in" in err.value.what_to_do

    with pytest.raises(UnknownReference) as err:
        refs.lookup("ZZZ-ZZZ" if raw != "ZZZZZZ" else "YYY-YYY")
    assert err.value.near == () and "another practice" in err.value.what_to_do

    with pytest.raises(BadInput) as err:
        refs.acknowledge(code, benefits_id)
    assert "was not given for that service" in err.value.message

    refs.acknowledge(code, debt_id, AckOutcome.CONTACTED)
    with pytest.raises(BadInput) as err:
        refs.acknowledge(code, debt_id, AckOutcome.ATTENDED)
    assert "already acknowledged" in err.value.message and "Nothing was changed" in err.value.what_to_do

    with pytest.raises(BadInput) as err:
        refs.acknowledge("K7M-2Q!", debt_id)
    assert "never in a reference" in err.value.message


def test_a_leaflet_with_several_services_needs_the_service_named(ctx_as, services):
    _, _, debt_id, benefits_id, _ = services
    refs = ReferenceService(ctx_as(AppRole.FRONT_DESK))
    code = refs.issue([debt_id, benefits_id])
    with pytest.raises(BadInput) as err:
        refs.acknowledge(code)
    assert "was given for 2 services" in err.value.message and f"id {debt_id}" in err.value.message


def test_counts_per_service_for_a_period(ctx_as, services, clock):
    _, _, debt_id, benefits_id, _ = services
    refs = ReferenceService(ctx_as(AppRole.FRONT_DESK))
    a = refs.issue([debt_id, benefits_id])
    refs.issue([debt_id])
    refs.acknowledge(a, debt_id, AckOutcome.ATTENDED)
    refs.acknowledge(a, benefits_id, AckOutcome.DID_NOT_ATTEND)
    counts = {c.service_name: (c.issued, c.acknowledged, c.attended)
              for c in refs.acknowledged_counts(date(2026, 11, 1), date(2026, 11, 30))}
    assert counts == {"Debt advice drop-in": (2, 1, 1), "Benefits check": (1, 1, 0)}
    assert refs.acknowledged_counts(date(2026, 10, 1), date(2026, 10, 31)) == []


def test_a_reference_needs_services_and_a_known_form(ctx_as, services):
    _, _, debt_id, _, _ = services
    refs = ReferenceService(ctx_as(AppRole.FRONT_DESK))
    with pytest.raises(BadInput) as err:
        refs.issue([], "print")
    assert "at least one service" in err.value.message
    with pytest.raises(BadInput) as err:
        refs.issue([debt_id], "carrier pigeon")
    assert "print, pdf, text, sms" in err.value.what_to_do


def test_the_partner_report_counts_references_and_ends_with_a_page_for_them_to_fill(ctx_as, services):
    import io

    from pypdf import PdfReader

    from sp_desktop.output.report_pdf import render_partner_report
    from sp_desktop.services.reports import ReportService

    money_id, walkers_id, debt_id, benefits_id, walk_id = services
    desk = ReferenceService(ctx_as(AppRole.FRONT_DESK))
    a = desk.issue([debt_id, walk_id])
    desk.issue([benefits_id])
    desk.acknowledge(a, debt_id, AckOutcome.ATTENDED)
    lead = ctx_as(AppRole.VETTING_LEAD, "Lena Link")
    report = ReportService(lead).partner_report(money_id, date(2026, 11, 1), date(2026, 11, 30))
    assert {(r.service_name, r.issued, r.acknowledged) for r in report.references} == {
        ("Debt advice drop-in", 1, 1), ("Benefits check", 1, 0)}  # the walkers' service is not theirs
    reader = PdfReader(io.BytesIO(render_partner_report(report)))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "We gave out 2 with your services on them in this period; you told us about 1." in text
    last = " ".join((reader.pages[-1].extract_text() or "").split())
    assert f"Tell {report.practice_name} what you need" in last
    assert "Are you taking new people at the moment?" in last and "Changes coming up" in last
    assert a not in text  # the codes themselves are not listed
