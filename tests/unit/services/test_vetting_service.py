"""Vetting through its service: roles, checklist, approval, review dates, reviews due, leaflets, history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sp_desktop.domain.enums import AccessRoute, AppRole, AuditAction, OrganisationStatus, VettingStatus
from sp_desktop.services.audit import AuditService
from sp_desktop.services.base import PermissionDenied, ValidationFailed
from sp_desktop.services.directory import DirectoryService, OrganisationForm, ServiceForm
from sp_desktop.services.settings import SettingsService
from sp_desktop.services.vetting import (
    DEFAULT_CHECKLIST,
    CheckItemForm,
    DueKind,
    EvidenceForm,
    ReviewState,
    VettingService,
    add_months,
    next_review_date,
)

TODAY = date(2026, 11, 24)  # the fixed clock in conftest


def _org(ctx, name="Cartvale Money Advice", service="Debt advice drop-in"):
    d = DirectoryService(ctx)
    org = d.save_organisation(OrganisationForm(name=name))
    svc = d.save_service(ServiceForm(organisation_id=org.id, name=service, description="Help with debt.",
                                     access=[AccessRoute.SELF_REFERRAL]))
    return org.id, svc.id


def _items(ctx):
    return {i.code: i for i in VettingService(ctx).checklist()}


def _complete_forms(ctx, insurance_expiry=date(2027, 6, 30), skip=()):
    forms = []
    for code, item in _items(ctx).items():
        if code in skip or not item.mandatory:
            continue
        forms.append(EvidenceForm(item.id, True, f"Seen: {item.label}",
                                  insurance_expiry if item.has_expiry else None))
    return forms


@pytest.fixture
def lead(ctx_as):
    return ctx_as(AppRole.VETTING_LEAD, "Lena Link")


def test_default_checklist_is_seeded_in_order(ctx):
    items = VettingService(ctx).checklist()
    assert [i.code for i in items] == [c[0] for c in DEFAULT_CHECKLIST]
    insurance = next(i for i in items if i.code == "insurance")
    assert insurance.has_expiry and insurance.mandatory
    assert not next(i for i in items if i.code == "referral_pathway").mandatory
    labels = " ".join(i.label for i in items)
    for words in ("public register", "Safeguarding policy", "PVG/DBS", "UK GDPR", "Complaints",
                  "Met in person", "Referral pathway"):
        assert words in labels


def test_front_desk_cannot_approve_or_edit_vetting_and_is_told_why(ctx, ctx_as):
    org_id, _ = _org(ctx)
    desk = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    svc = VettingService(desk)
    item = next(iter(_items(ctx).values()))
    for attempt in (lambda: svc.approve(org_id), lambda: svc.suspend(org_id, "concern raised"),
                    lambda: svc.decline(org_id, "not suitable"), lambda: svc.start_review(org_id),
                    lambda: svc.save_evidence(org_id, [EvidenceForm(item.id, True, "seen")]),
                    lambda: svc.save_check_item(CheckItemForm("Food hygiene certificate"))):
        with pytest.raises(PermissionDenied) as info:
            attempt()
        message = str(info.value)
        assert "Only a vetting lead or administrator can make vetting decisions" in message
        assert "Rachel Reception (Front desk)" in message
    # the record is unchanged and front desk can still read it
    record = svc.record(org_id)
    assert record.status is VettingStatus.NOT_VETTED and not any(r.complete for r in record.rows)
    # a clinician cannot either
    with pytest.raises(PermissionDenied):
        VettingService(ctx_as(AppRole.CLINICIAN, "Dr Gordon Gill")).approve(org_id)


def test_approval_only_when_mandatory_items_are_complete(ctx, lead):
    org_id, _ = _org(ctx)
    svc = VettingService(lead)
    with pytest.raises(ValidationFailed) as info:
        svc.approve(org_id)
    assert "cannot be approved yet" in info.value.errors["checklist"]
    assert "Public liability insurance" in info.value.errors["checklist"]
    # all but the safeguarding item
    record = svc.save_evidence(org_id, _complete_forms(ctx, skip={"safeguarding"}))
    assert record.status is VettingStatus.IN_REVIEW  # evidence starts the review
    assert record.missing == ("Safeguarding policy seen and named safeguarding lead",)
    with pytest.raises(ValidationFailed) as info:
        svc.approve(org_id)
    message = info.value.errors["checklist"]
    assert "Safeguarding policy" in message and "insurance" not in message
    assert svc.record(org_id).status is VettingStatus.IN_REVIEW
    # the optional referral pathway item is not needed
    safeguarding = _items(ctx)["safeguarding"]
    svc.save_evidence(org_id, [EvidenceForm(safeguarding.id, True, "Policy v3 seen; lead: Fiona")])
    record = svc.approve(org_id)
    assert record.status is VettingStatus.APPROVED
    assert record.approved_by == "Lena Link" and record.approved_on == TODAY
    assert record.next_review_on == date(2027, 6, 30)  # insurance expiry comes before 12 months


def test_evidence_rows_record_who_and_when(ctx, lead, clock):
    org_id, _ = _org(ctx)
    items = _items(ctx)
    record = VettingService(lead).save_evidence(org_id, [
        EvidenceForm(items["register"].id, True, "OSCR SC012345, in good standing",
                     checked_on=date(2026, 11, 20)),
        EvidenceForm(items["insurance"].id, True, "Certificate seen", date(2027, 3, 31))])
    rows = {r.item.code: r for r in record.rows}
    assert rows["register"].checked_by == "Lena Link" and rows["register"].checked_on == date(2026, 11, 20)
    assert rows["insurance"].checked_on == TODAY and rows["insurance"].expires_on == date(2027, 3, 31)
    assert rows["pvg"].complete is False and rows["pvg"].checked_by is None
    # untick clears who and when but keeps the notes
    record = VettingService(lead).save_evidence(org_id, [EvidenceForm(items["register"].id, False,
                                                                      "OSCR SC012345, in good standing")])
    row = next(r for r in record.rows if r.item.code == "register")
    assert not row.complete and row.checked_by is None and row.notes.startswith("OSCR")


def test_evidence_validation_is_specific(ctx, lead):
    org_id, _ = _org(ctx)
    items = _items(ctx)
    with pytest.raises(ValidationFailed) as info:
        VettingService(lead).save_evidence(org_id, [
            EvidenceForm(items["insurance"].id, True, "seen"),
            EvidenceForm(items["register"].id, True, "seen", checked_on=TODAY + timedelta(days=1))])
    assert "enter the expiry date" in info.value.errors["insurance"]
    assert "cannot be in the future" in info.value.errors["register"]
    with pytest.raises(ValidationFailed) as info:
        VettingService(lead).save_evidence(org_id, [EvidenceForm(items["insurance"].id, True, "old",
                                                                 date(2026, 10, 1))])
    assert "1 Oct 2026 has passed" in info.value.errors["insurance"]
    # nothing half-written
    assert VettingService(lead).record(org_id).status is VettingStatus.NOT_VETTED


def test_review_dates_for_a_fixed_clock(ctx, lead, clock):
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert next_review_date(TODAY, 12, [None]) == date(2027, 11, 24)
    assert next_review_date(TODAY, 12, [date(2027, 1, 10), date(2027, 5, 1)]) == date(2027, 1, 10)

    org_id, _ = _org(ctx)
    svc = VettingService(lead)
    svc.save_evidence(org_id, _complete_forms(ctx, insurance_expiry=date(2028, 1, 1)))
    record = svc.approve(org_id)
    assert record.next_review_on == date(2027, 11, 24)
    assert record.review is ReviewState.IN_DATE and record.review_text == "Next review 24 Nov 2027"
    # the practice changes the interval to 6 months: the next approval uses it
    SettingsService(ctx).update(review_interval_months=6)
    assert svc.approve(org_id).next_review_on == date(2027, 5, 24)
    # insurance renewed with an earlier expiry brings the review forward straight away
    insurance = _items(ctx)["insurance"]
    record = svc.save_evidence(org_id, [EvidenceForm(insurance.id, True, "New certificate",
                                                     date(2027, 2, 14))])
    assert record.next_review_on == date(2027, 2, 14)
    # time passes
    clock.current = clock.current.replace(year=2027, month=1, day=20)
    record = svc.record(org_id)
    assert record.review is ReviewState.DUE_SOON
    assert "Review due soon" in record.review_text and "25 days" in record.review_text
    clock.current = clock.current.replace(month=2, day=20)
    record = svc.record(org_id)
    assert record.review is ReviewState.OVERDUE and record.review_text.startswith("Review overdue !")
    # now the expired insurance blocks re-approval until renewed
    with pytest.raises(ValidationFailed, match=r"insurance \(expired\)"):
        svc.approve(org_id)
    svc.save_evidence(org_id, [EvidenceForm(insurance.id, True, "Renewed", date(2028, 2, 14))])
    assert svc.approve(org_id).next_review_on == date(2027, 8, 20)


def test_reviews_due_lists_overdue_due_soon_and_expiring(ctx, lead, clock):
    svc = VettingService(lead)
    ids = {}
    # approved on different days by moving the clock back
    plan = {
        "Overdue Org": (TODAY - timedelta(days=400), date(2030, 1, 1)),      # review was due 20 days ago
        "Due Soon Org": (TODAY - timedelta(days=355), date(2030, 1, 1)),     # due in 10 days
        "Fine Org": (TODAY - timedelta(days=30), date(2030, 1, 1)),          # nothing due
        "Insurance Org": (TODAY - timedelta(days=30), TODAY + timedelta(days=12)),  # expiry: review forward
    }
    now = clock.current
    for name, (approved, expiry) in plan.items():
        ids[name], _ = _org(ctx, name, f"{name} service")
        clock.current = now.replace(year=approved.year, month=approved.month, day=approved.day)
        svc.save_evidence(ids[name], _complete_forms(ctx, insurance_expiry=expiry))
        svc.approve(ids[name])
    clock.current = now
    # in review with insurance expiring in 20 days; not vetted; declined (never listed)
    ids["Review Org"], _ = _org(ctx, "Review Org", "Review service")
    svc.save_evidence(ids["Review Org"], _complete_forms(ctx, insurance_expiry=TODAY + timedelta(days=20),
                                                          skip={"pvg"}))
    ids["New Org"], _ = _org(ctx, "New Org", "New service")
    ids["Declined Org"], _ = _org(ctx, "Declined Org", "Declined service")
    svc.decline(ids["Declined Org"], "No safeguarding policy")

    due = svc.reviews_due()
    # never vetted at the top (it may not go on leaflets until someone checks it); declined never listed
    assert [d.organisation_name for d in due] == ["New Org", "Overdue Org", "Due Soon Org", "Insurance Org",
                                                  "Review Org"]
    assert due[0].kind is DueKind.NEVER_VETTED and due[0].kind.text == "Never vetted ○"
    due = due[1:]
    by_name = {d.organisation_name: d for d in due}
    assert by_name["Overdue Org"].kind is DueKind.OVERDUE and by_name["Overdue Org"].days == -35
    assert by_name["Overdue Org"].when_text == "35 days ago"
    assert by_name["Due Soon Org"].kind is DueKind.DUE_SOON
    assert by_name["Due Soon Org"].when_text == "in 10 days"
    assert by_name["Insurance Org"].kind is DueKind.DUE_SOON  # its review is the expiry date
    assert by_name["Insurance Org"].expiring[0].label == "Public liability insurance"
    assert "Public liability insurance expires" in by_name["Insurance Org"].what
    assert by_name["Review Org"].kind is DueKind.EXPIRING and by_name["Review Org"].days == 20
    assert by_name["Overdue Org"].approved_by == "Lena Link"
    assert svc.overdue_count() == 1
    assert svc.count_reviews_due() == 5  # the navigation's count, one SQL query
    # a shorter window
    assert [d.organisation_name for d in svc.reviews_due(within_days=10)] == ["New Org", "Overdue Org",
                                                                              "Due Soon Org"]
    assert svc.count_reviews_due(within_days=10) == 3
    DirectoryService(ctx).set_archived("organisation", ids["New Org"], True, "never started")
    # archiving or closing takes an organisation off the list
    DirectoryService(ctx).set_archived("organisation", ids["Due Soon Org"], True, "merged")
    assert "Due Soon Org" not in [d.organisation_name for d in svc.reviews_due()]
    assert svc.count_reviews_due() == len(svc.reviews_due()) == 3
    # approving the overdue one: one fewer, and the overdue count drops
    svc.save_evidence(ids["Overdue Org"], _complete_forms(ctx, insurance_expiry=date(2030, 1, 1)))
    svc.approve(ids["Overdue Org"])
    assert [d.organisation_name for d in svc.reviews_due()] == ["Insurance Org", "Review Org"]
    assert svc.overdue_count() == 0 and svc.count_reviews_due() == 2


def test_suspend_and_decline_need_a_reason(ctx, lead):
    org_id, _ = _org(ctx)
    svc = VettingService(lead)
    with pytest.raises(ValidationFailed, match="can.t be suspended|cannot be suspended"):
        svc.suspend(org_id, "Safeguarding concern reported")  # not vetted: nothing to suspend
    svc.save_evidence(org_id, _complete_forms(ctx))
    svc.approve(org_id)
    with pytest.raises(ValidationFailed) as info:
        svc.suspend(org_id, "  ")
    assert "Say why" in info.value.errors["reason"]
    record = svc.suspend(org_id, "Safeguarding concern reported by a patient; awaiting their response")
    assert record.status is VettingStatus.SUSPENDED and record.reason.startswith("Safeguarding concern")
    assert record.status_text == "Suspended ⊘"
    record = svc.decline(org_id, "Did not respond to the concern")
    assert record.status is VettingStatus.DECLINED and record.next_review_on is None
    record = svc.start_review(org_id)
    assert record.status is VettingStatus.IN_REVIEW and record.reason is None


def test_every_vetting_change_is_in_the_history_with_the_right_person(ctx, lead, ctx_as):
    org_id, _ = _org(ctx)
    svc = VettingService(lead)
    items = _items(ctx)
    svc.save_evidence(org_id, _complete_forms(ctx))
    manager = ctx_as(AppRole.ADMINISTRATOR, "Mary Manager")
    VettingService(manager).approve(org_id, note="Visited on 20 Nov")
    svc.save_evidence(org_id, [EvidenceForm(items["insurance"].id, True, "Renewed", date(2027, 4, 1))])
    svc.suspend(org_id, "Venue closed for repairs")
    history = AuditService(ctx).history(organisation_id=org_id)
    assert history[0].summary == "suspended: Venue closed for repairs"
    assert history[0].staff_name == "Lena Link"
    approvals = [h for h in history if h.summary.startswith("approved")]
    assert len(approvals) == 1 and approvals[0].staff_name == "Mary Manager"
    assert "next review 30 Jun 2027" in approvals[0].summary and "Visited on 20 Nov" in approvals[0].summary
    assert approvals[0].changes["vetting_status"] == ["in_review", "approved"]
    ticks = [h for h in history if h.entity_type == "vetting_evidence"]
    assert len(ticks) == len(_complete_forms(ctx)) + 1
    assert all(h.staff_name == "Lena Link" for h in ticks)
    moved = [h for h in history if "next review moved" in h.summary]
    assert moved and moved[0].changes["next_review_on"] == ["2027-06-30", "2027-04-01"]
    assert history[-1].action is AuditAction.CREATE  # oldest last
    assert [h.at for h in history] == sorted((h.at for h in history), reverse=True)


def test_practice_can_edit_the_checklist(ctx, lead, ctx_as):
    svc = VettingService(lead)
    item = svc.save_check_item(CheckItemForm("Food hygiene certificate seen", "For lunch clubs", True, True))
    assert item.code == "food_hygiene_certificate_seen" and item.has_expiry
    assert svc.checklist()[-1].id == item.id
    svc.move_check_item(item.id, -1)
    assert svc.checklist()[-2].id == item.id
    org_id, _ = _org(ctx)
    svc.save_evidence(org_id, _complete_forms(ctx, skip={"food_hygiene_certificate_seen"}))
    with pytest.raises(ValidationFailed, match="Food hygiene"):
        svc.approve(org_id)
    svc.set_check_item_active(item.id, False)  # no longer required
    assert svc.approve(org_id).status is VettingStatus.APPROVED
    assert item.id not in [i.id for i in svc.checklist()]
    assert item.id in [i.id for i in svc.checklist(include_inactive=True)]
    with pytest.raises(PermissionDenied):
        VettingService(ctx_as(AppRole.CLINICIAN, "Dr Gill")).set_check_item_active(item.id, True)


def test_leaflet_eligibility_rule(ctx, lead, ctx_as):
    d = DirectoryService(ctx)
    approved_org, approved_svc = _org(ctx, "Approved Org", "Approved service")
    review_org, review_svc = _org(ctx, "Review Org", "Review service")
    _closed_org, closed_svc = _org(ctx, "Closed Org", "Closed service")
    _arch_org, archived_svc = _org(ctx, "Archive Org", "Archived service")
    svc = VettingService(lead)
    svc.save_evidence(approved_org, _complete_forms(ctx))
    svc.approve(approved_org)
    svc.start_review(review_org)
    org = d.get_organisation(_closed_org)
    d.save_organisation(OrganisationForm(name=org.name, status=OrganisationStatus.CLOSED), org.id)
    d.set_archived("service", archived_svc, True)

    desk = VettingService(ctx_as(AppRole.FRONT_DESK, "Rachel Reception"))
    result = desk.leaflet_eligibility([approved_svc, review_svc, closed_svc, archived_svc, 99999])
    assert set(result) == {approved_svc, review_svc, closed_svc, archived_svc, 99999}
    assert result[approved_svc].allowed and result[approved_svc].reason == ""
    r = result[review_svc]
    assert not r.allowed and r.overridable and r.needs_override and "still being vetted" in r.reason
    assert not result[closed_svc].allowed and not result[closed_svc].overridable
    assert "closed" in result[closed_svc].reason
    assert "archived" in result[archived_svc].reason and not result[archived_svc].overridable
    assert not result[99999].allowed and not result[99999].overridable

    # front desk cannot override; a clinician can, with a reason, and it is recorded
    with pytest.raises(PermissionDenied, match="put a service that is not approved on a leaflet"):
        desk.record_leaflet_override(review_svc, "Patient already attends")
    gp = VettingService(ctx_as(AppRole.CLINICIAN, "Dr Gordon Gill"))
    with pytest.raises(ValidationFailed, match="Say why"):
        gp.record_leaflet_override(review_svc, "")
    with pytest.raises(ValidationFailed, match="closed"):
        gp.record_leaflet_override(closed_svc, "Patient asked for it")
    gp.record_leaflet_override(review_svc, "Patient already attends and finds it helpful")
    entry = AuditService(ctx).history(organisation_id=review_org)[0]
    assert entry.staff_name == "Dr Gordon Gill"
    assert "although the organisation is in review: Patient already attends" in entry.summary

    # an approved organisation whose review is overdue stays allowed, with a warning
    with ctx.db.write(ctx.clock) as s:
        from sp_desktop.db.models import Organisation
        s.get(Organisation, approved_org).next_review_on = TODAY - timedelta(days=3)
    warn = desk.leaflet_eligibility([approved_svc])[approved_svc]
    assert warn.allowed and "review overdue since 21 Nov 2026" in warn.warning
