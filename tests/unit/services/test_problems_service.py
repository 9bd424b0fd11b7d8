"""Report a problem (issue 18 point 5): any role reports, everyone then sees "Problem reported", a
leaflet needs a reason until the vetting lead resolves it; a safeguarding concern goes to the lead.
Role rules are tested by calling the service directly, on a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sp_desktop.db.models import AuditEvent, ServiceProblem
from sp_desktop.domain.enums import AppRole, ProblemKind
from sp_desktop.domain.errors import BadInput
from sp_desktop.leaflets import LeafletFormat
from sp_desktop.services.base import PermissionDenied
from sp_desktop.services.leaflets import BasketItem, LeafletRefused, LeafletService
from sp_desktop.services.problems import FOR_THE_LEAD, ProblemService
from tests.leaflet_support import add_service, approve, pdf_text

REASON = "Rang twice, number unobtainable SENTINEL-PROBLEM-7731"
PRINT_REASON = "Patient knows them already SENTINEL-WHY-5512"


@pytest.fixture
def people(ctx_as):
    return {role: ctx_as(role, name) for role, name in (
        (AppRole.FRONT_DESK, "Rachel Reception"), (AppRole.CLINICIAN, "Dr Ada Khan"),
        (AppRole.VETTING_LEAD, "Lena Link"))}


@pytest.fixture
def debt(people):
    lead = people[AppRole.VETTING_LEAD]
    org, sid = add_service(lead)
    approve(lead, org)
    return sid


def _audit(db, key):
    """(staff name, service id, summary) of the audit rows whose changes name `key`."""
    with db.read() as s:
        return [(e.staff_name, e.entity_id, e.summary) for e in s.scalars(select(AuditEvent))
                if key in (e.changes or {})]


def test_front_desk_reports_and_everyone_sees_it_until_the_lead_resolves_it(people, debt, db):
    desk, gp, lead = people[AppRole.FRONT_DESK], people[AppRole.CLINICIAN], people[AppRole.VETTING_LEAD]
    info = ProblemService(desk).report(debt, ProblemKind.NUMBER_DOES_NOT_WORK, REASON)
    assert info.headline.startswith("Problem reported: The number does not work (24 Nov 2026, "
                                    "Rachel Reception")
    for who in (desk, gp, lead):
        seen = ProblemService(who).open_for(debt)
        assert seen is not None and seen.kind is ProblemKind.NUMBER_DOES_NOT_WORK
        assert ProblemService(who).open_service_ids([debt, 99999]) == {debt}
        assert [p.service_id for p in ProblemService(who).open_problems()] == [debt]
    [(who, service_id, _)] = _audit(db, "problem_reported")
    assert who == "Rachel Reception" and service_id == debt

    # only the vetting lead resolves it
    for who in (desk, gp):
        with pytest.raises(PermissionDenied, match="resolve a problem"):
            ProblemService(who).resolve(debt, "Checked: new number 01632 960111")
    done = ProblemService(lead).resolve(debt, "Checked with them: new number 01632 960111")
    assert done[0].resolved_by == "Lena Link"
    assert ProblemService(desk).open_for(debt) is None and ProblemService(desk).open_problems() == []
    assert len(_audit(db, "problem_resolved")) == 1
    assert ProblemService(desk).history(debt)[0].resolution == "Checked with them: new number 01632 960111"
    with pytest.raises(BadInput, match="no open problem"):
        ProblemService(lead).resolve(debt, "Nothing to do here")


def test_a_leaflet_needs_a_reason_while_a_problem_is_open_and_the_reason_is_audited(people, debt, db):
    desk, lead = people[AppRole.FRONT_DESK], people[AppRole.VETTING_LEAD]
    leaflets = LeafletService(desk)
    assert leaflets.build_leaflet([BasketItem(debt)]).leaflet.services  # fine before
    ProblemService(desk).report(debt, "closed-or-moved", REASON)
    [check] = leaflets.check([debt])
    assert check.problem.startswith("Problem reported: Closed or moved") and check.can_add
    assert any("needs your reason" in w for w in check.warnings)
    with pytest.raises(LeafletRefused) as refused:
        leaflets.build_leaflet([BasketItem(debt)])
    why = refused.value.problems[debt]
    assert "Problem reported" in why and "Give a reason" in why
    with pytest.raises(BadInput, match="say in a few words"):
        leaflets.build_leaflet([BasketItem(debt, problem_reason="ok")])
    prepared = leaflets.build_leaflet([BasketItem(debt, problem_reason=PRINT_REASON)], record_overrides=True)
    [(who, _, summary)] = _audit(db, "leaflet_despite_problem")
    assert who == "Rachel Reception" and "SENTINEL-WHY-5512" in summary
    # none of it on paper: the problem, its reason, the reason for printing
    texts = [pdf_text(prepared.pdf()), pdf_text(leaflets.build_leaflet(
        [BasketItem(debt, problem_reason=PRINT_REASON)], fmt=LeafletFormat.LARGE).pdf()),
        prepared.text(), prepared.sms(), prepared.html()]
    for text in texts:
        assert "Debt advice drop-in" in text or "Debt advice" in text
        for word in ("SENTINEL", "Problem reported", "Closed or moved", "Rachel"):
            assert word not in text
    # a booklet lists it for a decision: left out unless kept (then "please phone before you go")
    assert [c.service_id for c in leaflets.booklet_flagged()] == [debt]
    with pytest.raises(LeafletRefused, match="no approved services"):  # the only one is left out
        leaflets.booklet_pdf()
    kept = pdf_text(leaflets.booklet_pdf(keep_flagged=[debt]).pdf)
    assert "Debt advice drop-in" in kept and "SENTINEL" not in kept and "Problem reported" not in kept
    ProblemService(lead).resolve(debt, "They have moved to Causeyside Street, details updated")
    assert leaflets.build_leaflet([BasketItem(debt)]).leaflet.services
    assert leaflets.booklet_flagged() == []


def test_safeguarding_goes_to_the_lead_and_its_words_only_to_the_lead_and_the_reporter(people, debt, ctx_as):
    desk, gp, lead = people[AppRole.FRONT_DESK], people[AppRole.CLINICIAN], people[AppRole.VETTING_LEAD]
    other_desk = ctx_as(AppRole.FRONT_DESK, "Robin Reception")
    ProblemService(desk).report(debt, ProblemKind.NUMBER_DOES_NOT_WORK, "Rings out every time")
    ProblemService(gp).report(debt, ProblemKind.SAFEGUARDING, "Volunteer alone with a vulnerable adult")
    # the lead is told at sign-in; nobody else is
    [concern] = ProblemService(lead).safeguarding_for()
    assert concern.reason == "Volunteer alone with a vulnerable adult"
    assert ProblemService(desk).safeguarding_for() == [] and ProblemService(gp).safeguarding_for() == []
    # listed first, for everyone; the words for the lead and the reporter only
    assert ProblemService(lead).open_problems()[0].safeguarding
    assert ProblemService(other_desk).open_problems()[0].reason == FOR_THE_LEAD
    assert ProblemService(gp).open_problems()[0].reason == "Volunteer alone with a vulnerable adult"
    assert ProblemService(other_desk).open_problems()[1].reason == "Rings out every time"
    ProblemService(lead).resolve(debt, "Spoke to their safeguarding officer today")
    assert ProblemService(lead).safeguarding_for() == []


def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_stored(people, debt, db):
    desk = people[AppRole.FRONT_DESK]
    with pytest.raises(BadInput, match="at least 5 characters"):
        ProblemService(desk).report(debt, ProblemKind.OTHER, "  bad ")
    with pytest.raises(BadInput, match="not a kind of problem.*number-does-not-work"):
        ProblemService(desk).report(debt, "broken", "The door was locked all day")
    with pytest.raises(BadInput, match="keep it to 2,000"):
        ProblemService(desk).report(debt, ProblemKind.OTHER, "x" * 2001)
    from sp_desktop.services.base import ValidationFailed

    with pytest.raises(ValidationFailed, match="NHS"):  # the stored-text guard: no patient numbers
        ProblemService(desk).report(debt, ProblemKind.BAD_EXPERIENCE, "Patient 943 476 5919 was turned away")
    with db.read() as s:
        assert s.scalars(select(ServiceProblem)).all() == []
