"""Honest re-checking (issue 25 point 5), through VettingService on a real database (SQLite file and
PostgreSQL): re-ticking an item records who and today; approving lists evidence older than the
practice's limit (12 months by default) and needs it re-checked or the approval to say so; the lead
chooses the next review date (default 6 months for a new organisation, 12 for a renewal)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from sp_desktop.db.models import AuditEvent
from sp_desktop.domain.enums import AppRole
from sp_desktop.services.base import ValidationFailed
from sp_desktop.services.settings import SettingsService
from sp_desktop.services.vetting import EvidenceForm, StaleEvidence, VettingService
from tests.unit.services.test_vetting_service import _complete_forms, _items, _org

TODAY = date(2026, 11, 24)


@pytest.fixture
def lead(ctx_as):
    return ctx_as(AppRole.VETTING_LEAD, "Lena Link")


def test_ticking_again_records_who_and_today(ctx, lead, ctx_as, clock):
    org_id, _ = _org(ctx)
    register = _items(ctx)["register"]
    svc = VettingService(lead)
    note = "OSCR, good standing"
    svc.save_evidence(org_id, [EvidenceForm(register.id, True, note, checked_on=date(2025, 9, 1))])
    # saving the same again (no re-check) keeps the date it was really checked
    record = svc.save_evidence(org_id, [EvidenceForm(register.id, True, note)])
    row = next(r for r in record.rows if r.item.code == "register")
    assert row.checked_on == date(2025, 9, 1)
    other = VettingService(ctx_as(AppRole.VETTING_LEAD, "Vic Vetter"))
    record = other.save_evidence(org_id, [EvidenceForm(register.id, True, note, rechecked=True)])
    row = next(r for r in record.rows if r.item.code == "register")
    assert row.checked_on == TODAY and row.checked_by == "Vic Vetter"


def test_approving_on_old_evidence_lists_it_and_needs_a_recheck_or_says_so(ctx, lead, clock):
    org_id, _ = _org(ctx)
    svc = VettingService(lead)
    forms = _complete_forms(ctx, insurance_expiry=date(2028, 1, 1))
    register = _items(ctx)["register"]
    forms = [EvidenceForm(f.item_id, f.complete, f.notes, f.expires_on,
                          checked_on=date(2025, 9, 20) if f.item_id == register.id else None) for f in forms]
    svc.save_evidence(org_id, forms)
    with pytest.raises(StaleEvidence) as stale:
        svc.approve(org_id)
    assert stale.value.months == 12 and "checked 20 Sep 2025" in str(stale.value)
    assert [label for label, _ in stale.value.items] == [register.label]
    assert svc.record(org_id).approved_on is None  # nothing written
    # approve anyway: the record says it was not re-checked
    record = svc.approve(org_id, stale_ok=True)
    assert record.approved_on == TODAY
    with ctx.db.read() as s:
        summaries = list(s.scalars(select(AuditEvent.summary).where(AuditEvent.organisation_id == org_id)))
    assert any("Approved without re-checking" in t and "20 Sep 2025" in t for t in summaries)
    # the practice's limit is a setting
    SettingsService(ctx).update(evidence_max_age_months=18)
    assert svc.approve(org_id).approved_on == TODAY  # 14 months is within 18


def test_the_lead_chooses_the_next_review_date(ctx, lead, clock):
    org_id, _ = _org(ctx)
    svc = VettingService(lead)
    svc.save_evidence(org_id, _complete_forms(ctx, insurance_expiry=date(2028, 6, 1)))
    assert svc.approve(org_id).next_review_on == date(2027, 5, 24)  # new organisation: 6 months
    assert svc.approve(org_id, next_review_on=date(2027, 3, 1)).next_review_on == date(2027, 3, 1)
    assert svc.approve(org_id).next_review_on == date(2027, 11, 24)  # renewal: 12 months
    for bad in (TODAY, date(2030, 1, 1)):
        with pytest.raises(ValidationFailed) as info:
            svc.approve(org_id, next_review_on=bad)
        assert "after today and within 3 years" in info.value.errors["next_review_on"]
