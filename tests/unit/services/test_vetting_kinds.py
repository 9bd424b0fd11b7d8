"""Checklist items by kind of organisation, and "does not apply" with a reason (issue 25 point 4),
through the service on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader

from sp_desktop.domain.enums import AppRole, AuditAction, VettingStatus
from sp_desktop.domain.errors import BadInput
from sp_desktop.domain.organisation_kind import OrganisationKind, kind_of
from sp_desktop.services.audit import AuditService
from sp_desktop.services.base import PermissionDenied, ValidationFailed
from sp_desktop.services.directory import DirectoryService, OrganisationForm
from sp_desktop.services.vetting import CheckItemForm, EvidenceForm, VettingService
from sp_desktop.services.vetting_summary import write_vetting_summary

TODAY = date(2026, 11, 24)  # the fixed clock in conftest


@pytest.fixture
def lead(ctx_as):
    return ctx_as(AppRole.VETTING_LEAD, "Lena Link")


def _org(ctx, legal_status: str, name: str = "Foxbar Men's Shed") -> int:
    return DirectoryService(ctx).save_organisation(OrganisationForm(name=name, legal_status=legal_status)).id


def _codes(lead, org_id):
    return [r.item.code for r in VettingService(lead).record(org_id).rows]


def _tick_all(lead, org_id, skip=()):
    record = VettingService(lead).record(org_id)
    forms = [EvidenceForm(r.item.id, True, f"Seen: {r.item.label}",
                          date(2027, 6, 30) if r.item.has_expiry else None)
             for r in record.rows if r.item.mandatory and r.item.code not in skip]
    return VettingService(lead).save_evidence(org_id, forms)


@pytest.mark.parametrize("text, kind", [
    ("Registered charity", OrganisationKind.REGISTERED_CHARITY),
    ("Scottish charitable incorporated organisation (SCIO)", OrganisationKind.SCIO),
    ("scio", OrganisationKind.SCIO),
    ("Community interest company", OrganisationKind.SOCIAL_ENTERPRISE),
    ("NHS Greater Glasgow and Clyde health board", OrganisationKind.PUBLIC_BODY),
    ("Unincorporated association", OrganisationKind.COMMUNITY_GROUP),
    ("", None), ("Partnership", None),
])
def test_the_kind_is_read_from_the_legal_status(text, kind):
    assert kind_of(text) is kind


def test_items_depend_on_the_kind_of_organisation(ctx, lead):
    charity = _org(ctx, "Registered charity", "Cartvale Money Advice")
    scio = _org(ctx, "SCIO", "Paisley Befrienders")
    group = _org(ctx, "Community group", "Foxbar Men's Shed")
    public = _org(ctx, "Public body", "Renfrewshire Leisure")
    unstated = _org(ctx, "", "Somebody's Walking Group")
    assert "register" in _codes(lead, charity) and "constitution" not in _codes(lead, charity)
    assert "register" in _codes(lead, scio) and "constitution" not in _codes(lead, scio)
    assert "constitution" in _codes(lead, group) and "register" not in _codes(lead, group)
    assert "register" not in _codes(lead, public) and "constitution" not in _codes(lead, public)
    assert "safeguarding" in _codes(lead, public)
    # not stated: every item is asked for (fail closed)
    assert {"register", "constitution"} <= set(_codes(lead, unstated))
    assert VettingService(lead).record(unstated).kind_text == "Not stated"
    # a community group is approved without any register entry
    record = _tick_all(lead, group)
    assert record.ready_to_approve
    assert VettingService(lead).approve(group).status is VettingStatus.APPROVED


def test_does_not_apply_needs_a_reason_and_unblocks_approval(ctx, lead, ctx_as, clock):
    org_id = _org(ctx, "Registered charity", "Cartvale Money Advice")
    svc = VettingService(lead)
    pvg = next(r.item for r in svc.record(org_id).rows if r.item.code == "pvg")
    _tick_all(lead, org_id, skip={"pvg"})
    with pytest.raises(ValidationFailed):
        svc.approve(org_id)
    for empty in ("", "   ", "no"):
        with pytest.raises(BadInput) as info:
            svc.mark_not_applicable(org_id, pvg.id, empty)
        assert info.value.field == "Reason" and "why" in str(info.value)
    with pytest.raises(BadInput):
        svc.mark_not_applicable(org_id, pvg.id, "x" * 1001)
    with pytest.raises(BadInput) as info:  # an NHS number is never kept in vetting text
        svc.mark_not_applicable(org_id, pvg.id, "Only patient 943 476 5919 goes")
    assert "reason it does not apply" in str(info.value)
    assert svc.record(org_id).missing == ("PVG/DBS checks for staff and volunteers working with vulnerable "
                                          "people",)
    with pytest.raises(PermissionDenied):
        VettingService(ctx_as(AppRole.FRONT_DESK)).mark_not_applicable(org_id, pvg.id, "Advice only")
    record = svc.mark_not_applicable(org_id, pvg.id, "  Advice by phone only;   no one-to-one work  ")
    row = next(r for r in record.rows if r.item.id == pvg.id)
    assert row.not_applicable == "Advice by phone only; no one-to-one work"
    assert row.checked_by == "Lena Link" and row.checked_on == TODAY and not row.complete
    assert record.ready_to_approve
    assert svc.approve(org_id).status is VettingStatus.APPROVED
    lines = [e for e in AuditService(lead).history(organisation_id=org_id)
             if e.action is AuditAction.VETTING and "not applying" in e.summary]
    assert lines and lines[0].staff_name == "Lena Link"
    assert "Advice by phone only" in lines[0].summary
    # it applies after all: back on the to-do list
    record = svc.clear_not_applicable(org_id, pvg.id)
    assert next(r for r in record.rows if r.item.id == pvg.id).not_applicable is None
    assert "PVG" in record.missing[0]
    # ticking an item that did not apply clears the reason
    svc.mark_not_applicable(org_id, pvg.id, "Advice by phone only")
    record = svc.save_evidence(org_id, [EvidenceForm(pvg.id, True, "Two volunteers: PVG seen")])
    assert next(r for r in record.rows if r.item.id == pvg.id).not_applicable is None


def test_the_checklist_editor_sets_the_kinds(ctx, lead):
    svc = VettingService(lead)
    item = svc.save_check_item(CheckItemForm("Food hygiene certificate seen", "", True, False,
                                             (OrganisationKind.SOCIAL_ENTERPRISE,)))
    assert item.applies_to == (OrganisationKind.SOCIAL_ENTERPRISE,)
    assert item.applies_text == "social enterprise"
    group = _org(ctx, "Community group")
    enterprise = _org(ctx, "Social enterprise", "Cafe Paisley CIC")
    assert "food_hygiene_certificate_seen" not in _codes(lead, group)
    assert "food_hygiene_certificate_seen" in _codes(lead, enterprise)
    item = svc.save_check_item(CheckItemForm(item.label, "", True, False, tuple(OrganisationKind)), item.id)
    assert item.applies_to == () and item.applies_text == "every kind of organisation"
    assert "food_hygiene_certificate_seen" in _codes(lead, group)


def test_the_vetting_summary_says_does_not_apply(ctx, lead, tmp_path):
    org_id = _org(ctx, "Public body", "Renfrewshire Leisure")
    svc = VettingService(lead)
    pvg = next(r.item for r in svc.record(org_id).rows if r.item.code == "pvg")
    svc.mark_not_applicable(org_id, pvg.id, "Sessions led by council staff under council PVG")
    path = write_vetting_summary(lead, org_id, tmp_path / "summary.pdf")
    text = " ".join("".join(p.extract_text() for p in PdfReader(path).pages).split())
    assert "Does not apply: Sessions led by council staff under council PVG" in text
    assert "Public body" in text
    assert "Registered charity or company" not in text  # a public body has no register item


def test_old_evidence_of_an_item_that_no_longer_applies_does_not_hold_up_approval(ctx, lead, clock):
    """A group first entered without a kind had its register entry ticked 14 months ago; once it is
    recorded as a community group, that item is off its checklist and approving does not ask for it
    to be re-checked."""
    from sp_desktop.services.vetting import StaleEvidence

    org_id = _org(ctx, "", "Foxbar Men's Shed")
    svc = VettingService(lead)
    register = next(r.item for r in svc.record(org_id).rows if r.item.code == "register")
    svc.save_evidence(org_id, [EvidenceForm(register.id, True, "Not on OSCR; constitution seen",
                                            checked_on=date(2025, 9, 1))])
    _tick_all(lead, org_id, skip={"register"})
    with pytest.raises(StaleEvidence):
        svc.approve(org_id)
    d = DirectoryService(ctx)
    org = d.get_organisation(org_id)
    d.save_organisation(OrganisationForm(name=org.name, legal_status="Community group"), org_id,
                        expected_version=org.version)
    assert svc.approve(org_id).status is VettingStatus.APPROVED
