"""Vetted data changes on purpose: the last-checked date, the approved-record lock, suggested changes
and what Reviews due lists — through the services, on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from sp_desktop.db.models import AuditEvent, ChangeSuggestion, Organisation, Service
from sp_desktop.domain.enums import AccessRoute, AppRole, VettingStatus
from sp_desktop.services.concurrency import service_form_from
from sp_desktop.services.directory import DirectoryService, OrganisationForm, PhoneForm, ServiceForm
from sp_desktop.services.patient_facing import ApprovedDetailsLocked, may_change_patient_facing
from sp_desktop.services.suggestions import ACCEPTED, PARTLY_ACCEPTED, REJECTED, SuggestionService
from sp_desktop.services.vetting import DueKind, VettingService

CHECKED = date(2026, 9, 1)


def _service(ctx, approved=True):
    d = DirectoryService(ctx)
    org = d.save_organisation(OrganisationForm(name="Cartvale Money Advice"))
    svc = d.save_service(ServiceForm(organisation_id=org.id, name="Debt advice drop-in",
                                     description="Help with debt.", access=[AccessRoute.SELF_REFERRAL],
                                     phones=[PhoneForm("0141 496 0000")], last_verified_on=CHECKED))
    with ctx.db.write(ctx.clock) as s:  # the vetting lead approved it (set up directly, not under test)
        o = s.get(Organisation, org.id)
        o.vetting_status = VettingStatus.APPROVED if approved else VettingStatus.NOT_VETTED
        o.next_review_on = date(2027, 9, 1) if approved else None
    return org.id, svc.id


def _row(ctx, sid):
    with ctx.db.read() as s:
        svc = s.get(Service, sid)
        return {c.key: getattr(svc, c.key) for c in Service.__table__.columns}


def test_last_checked_moves_only_when_someone_says_they_checked(ctx, clock):
    org_id, sid = _service(ctx, approved=False)
    d = DirectoryService(ctx)
    form = service_form_from(d.get_service(sid))
    assert form.last_verified_on is None  # the form says nothing about checking
    d.save_service(replace(form, description="Help with debt and money worries."), sid)
    saved = d.get_service(sid)
    assert saved.description == "Help with debt and money worries."
    assert saved.last_verified_on == CHECKED  # kept, not wiped
    assert _row(ctx, sid)["changed_since_checked_at"] == clock.now()
    due = {r.organisation_id: r for r in VettingService(ctx).reviews_due()}
    assert "changed on 24 Nov 2026 since its details were last checked" in due[org_id].what
    # someone ticks that they checked: the date moves and the mark clears
    d.save_service(replace(service_form_from(d.get_service(sid)), last_verified_on=date(2026, 11, 24)), sid)
    assert d.get_service(sid).last_verified_on == date(2026, 11, 24)
    assert _row(ctx, sid)["changed_since_checked_at"] is None
    # a change that does not reach the leaflet (the categories) marks nothing
    d.save_service(replace(service_form_from(d.get_service(sid)), category_ids=[]), sid)
    assert _row(ctx, sid)["changed_since_checked_at"] is None


def test_front_desk_cannot_change_what_an_approved_leaflet_says(ctx, ctx_as):
    _org_id, sid = _service(ctx)
    desk = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    assert not may_change_patient_facing(desk.actor, VettingStatus.APPROVED)
    assert may_change_patient_facing(desk.actor, VettingStatus.NOT_VETTED)
    before = _row(ctx, sid)
    d = DirectoryService(desk)
    form = service_form_from(d.get_service(sid))
    for change in (dict(name="x"), dict(phones=[PhoneForm("0141 496 0999")]), dict(url="https://example.org")):
        with pytest.raises(ApprovedDetailsLocked, match="Suggest a change"):
            d.save_service(replace(form, **change), sid)
    assert _row(ctx, sid) == before  # nothing half-written
    assert d.get_service(sid).phones[0].display == "0141 496 0000"
    # the organisation's patient-facing fields are locked the same way
    org = d.get_organisation(_org_id)
    with pytest.raises(ApprovedDetailsLocked):
        d.save_organisation(OrganisationForm(name=org.name, website="https://scam.example"), _org_id)
    assert d.get_organisation(_org_id).website is None


def test_suggested_change_waits_for_the_lead_who_accepts_field_by_field(ctx, ctx_as):
    org_id, sid = _service(ctx)
    desk = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    lead = ctx_as(AppRole.VETTING_LEAD, "Lena Link")
    before = _row(ctx, sid)
    form = service_form_from(DirectoryService(desk).get_service(sid))
    suggested = SuggestionService(desk).suggest_service_change(
        sid, replace(form, phones=[PhoneForm("0141 496 0999")], description="Help with debt, Mondays."))
    assert {(f.label, f.old, f.new) for f in suggested.fields} == {
        ("Phone numbers", "0141 496 0000", "0141 496 0999"),
        ("Description", "Help with debt.", "Help with debt, Mondays.")}
    assert _row(ctx, sid) == before  # nothing on the record changed
    # Reviews due shows it, at the top
    due = VettingService(lead).reviews_due()
    assert due[0].organisation_id == org_id and due[0].kind is DueKind.SUGGESTED
    assert "Rachel Reception suggested a change" in due[0].what
    assert VettingService(lead).count_reviews_due() == len(due)
    # the front desk cannot decide it
    with pytest.raises(PermissionError):
        SuggestionService(desk).decide(suggested.id, ["Phone numbers"])
    # the lead takes the new phone number only
    decided = SuggestionService(lead).decide(suggested.id, ["Phone numbers"])
    assert decided.state == PARTLY_ACCEPTED and decided.accepted == ("Phone numbers",)
    detail = DirectoryService(lead).get_service(sid)
    assert [p.display for p in detail.phones] == ["0141 496 0999"]
    assert detail.description == "Help with debt."
    assert detail.last_verified_on == CHECKED
    with ctx.db.read() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.entity_type == "service",
                                                    AuditEvent.entity_id == sid)
                           .order_by(AuditEvent.id)).all()
        assert events[-1].staff_name == "Lena Link"
        assert "Rachel Reception's suggested change" in events[-1].summary
        assert s.scalar(select(ChangeSuggestion.decided_by)) == "Lena Link"
    assert SuggestionService(lead).pending() == []
    assert all(r.kind is not DueKind.SUGGESTED for r in VettingService(lead).reviews_due())
    # a decided suggestion cannot be decided again
    with pytest.raises(ValueError, match="already decided"):
        SuggestionService(lead).decide(suggested.id, [])


def test_rejecting_or_accepting_all(ctx, ctx_as):
    _org_id, sid = _service(ctx)
    desk = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    lead = ctx_as(AppRole.VETTING_LEAD, "Lena Link")
    form = service_form_from(DirectoryService(desk).get_service(sid))
    first = SuggestionService(desk).suggest_service_change(sid, replace(form, name="x"))
    before = _row(ctx, sid)
    assert SuggestionService(lead).decide(first.id, []).state == REJECTED
    assert _row(ctx, sid) == before
    second = SuggestionService(desk).suggest_service_change(sid, replace(form, url="https://cartvale.example"))
    assert SuggestionService(lead).decide(second.id, ["Website"]).state == ACCEPTED
    assert DirectoryService(lead).get_service(sid).url == "https://cartvale.example"
    # nothing patient-facing changed: nothing to suggest, and it says what to do
    with pytest.raises(ValueError, match="nothing to suggest"):
        SuggestionService(desk).suggest_service_change(sid, service_form_from(
            DirectoryService(desk).get_service(sid)))


def test_never_vetted_organisations_come_first_in_reviews_due(ctx, clock):
    org_id, _sid = _service(ctx, approved=False)
    with ctx.db.write(clock) as s:  # another one, approved and overdue
        o = s.get(Organisation, org_id)
        other = Organisation(name="Overdue Org", vetting_status=VettingStatus.APPROVED,
                             next_review_on=clock.now().date() - timedelta(days=40))
        s.add(other)
        s.flush()
        assert o is not None
    due = VettingService(ctx).reviews_due()
    assert [(r.organisation_name, r.kind) for r in due] == [("Cartvale Money Advice", DueKind.NEVER_VETTED),
                                                           ("Overdue Org", DueKind.OVERDUE)]
    assert VettingService(ctx).count_reviews_due() == 2
