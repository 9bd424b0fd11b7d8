"""Issue 18, confidence at the moment of choice: "why this helps" notes (vetting lead only), our own
track record from the signposting log, capacity (direct or from a contact-log entry) and dated
closures, through the service on a real database."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from signposting_cases import _add_services, category_ids
from sqlalchemy import select

from sp_desktop.db.models import (
    AuditEvent,
    ContactEvent,
    HelpNote,
    Schedule,
    Service,
    Signposting,
    SignpostingItem,
    service_category,
)
from sp_desktop.domain.confidence import Capacity
from sp_desktop.domain.enums import AckOutcome, AppRole, ContactKind, Outcome, SignpostingMethod
from sp_desktop.domain.errors import BadInput
from sp_desktop.services.base import PermissionDenied
from sp_desktop.services.confidence import ConfidenceService
from sp_desktop.services.directory import DirectoryService, SearchFilters
from sp_desktop.services.references import ReferenceService

TODAY = date(2026, 11, 24)  # the fixed clock: Tuesday 24 Nov 2026, 10:00


@pytest.fixture
def services(db, clock):
    return _add_services(db, clock)  # money_id, walkers_id, debt_id, benefits_id, walk_id


def _signpost(db, clock, service_id: int, outcomes: list[Outcome | None], *, on: date = TODAY,
              ons4: tuple[list[int], list[int]] | None = None, notes: list[tuple[str, bool]] | None = None,
              staff_id: int) -> None:
    with db.write(clock) as s:
        for k, outcome in enumerate(outcomes):
            sp = Signposting(occurred_on=on - timedelta(days=k), staff_id=staff_id,
                             method=SignpostingMethod.LEAFLET, ons4_before=ons4[0] if ons4 else None,
                             ons4_after=ons4[1] if ons4 else None)
            s.add(sp)
            s.flush()
            note, share = notes[k] if notes and k < len(notes) else (None, False)
            s.add(SignpostingItem(signposting_id=sp.id, service_id=service_id, outcome=outcome,
                                  experience_note=note, share_feedback=share,
                                  outcome_on=on - timedelta(days=k) if outcome else None))


def test_why_this_helps_is_written_by_the_vetting_lead_only_and_shipped_empty(ctx_as, services, db):
    _, _, debt_id, _, _ = services
    (debt_cat,) = category_ids(db, "debt-advice")
    with db.read() as s:
        assert s.scalars(select(HelpNote)).all() == []  # shipped empty
    desk = ConfidenceService(ctx_as(AppRole.FRONT_DESK, "Rachel Reception"))
    clinician = ConfidenceService(ctx_as(AppRole.CLINICIAN, "Dr Clare"))
    for svc in (desk, clinician):
        with pytest.raises(PermissionDenied, match="vetting lead"):
            svc.set_help_note(category_id=debt_cat, note="x", source="y")
    lead = ConfidenceService(ctx_as(AppRole.VETTING_LEAD, "Lena Lead"))
    with db.write(lead.ctx.clock) as s:
        s.execute(service_category.insert().values(service_id=debt_id, category_id=debt_cat))
    note = lead.set_help_note(category_id=debt_cat, note="Debt advice lowers stress within weeks.",
                              source="practice experience")
    assert note.author == "Lena Lead" and note.written_on == TODAY and note.subject
    own = lead.set_help_note(service_id=debt_id, note="They phone back within two days.", source="Audit 2025")
    seen = desk.for_service(debt_id).notes
    assert [n.note for n in seen] == ["They phone back within two days.",
                                      "Debt advice lowers stress within weeks."]  # the service's own first
    assert "Source: Audit 2025. Written by Lena Lead, 24 Nov 2026." == own.byline
    with pytest.raises(BadInput, match="Source: The source is missing"):
        lead.set_help_note(service_id=debt_id, note="Something", source="  ")
    with pytest.raises(BadInput, match="one category or one service"):
        lead.set_help_note(service_id=debt_id, category_id=debt_cat, note="x", source="y")
    with pytest.raises(PermissionDenied):
        clinician.clear_help_note(service_id=debt_id)
    assert lead.clear_help_note(service_id=debt_id) is True
    with db.read() as s:
        actions = [a.action.value for a in s.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "help_note").order_by(AuditEvent.id))]
    assert actions == ["create", "create", "delete"]


def test_track_record_under_five_people_is_too_few_to_judge_with_counts_only(ctx, services, db, clock):
    _, _, debt_id, _, walk_id = services
    _signpost(db, clock, debt_id, [Outcome.ENGAGED, Outcome.DID_NOT_ATTEND, None, Outcome.NOT_SUITABLE],
              ons4=([5, 5, 5, 8], [8, 7, 6, 4]), notes=[("Lovely people", True)], staff_id=ctx.actor.id)
    t = ConfidenceService(ctx).for_service(debt_id).track
    assert (t.people, t.outcomes, t.attended, t.did_not_attend, t.not_suitable) == (4, 3, 1, 1, 1)
    assert t.too_few and t.wellbeing == () and t.feedback == ()
    lines = " ".join(t.lines())
    assert "Too few to judge" in lines and "Lovely people" not in lines and "median" not in lines
    assert ConfidenceService(ctx).for_service(walk_id).track.lines() == [
        "Nobody signposted here from 25 Nov 2025 to 24 Nov 2026: no track record yet."]


def test_track_record_over_twelve_months_with_median_change_and_last_three_shared_feedback(
        ctx, services, db, clock):
    _, _, debt_id, _, _ = services
    notes = [("Newest shared", True), ("Not for sharing", False), ("Second shared", True),
             ("Third shared", True), ("Fourth shared", True), (None, False)]
    _signpost(db, clock, debt_id, [Outcome.ENGAGED, Outcome.ATTENDED_ONCE, Outcome.DID_NOT_ATTEND,
                                   Outcome.NOT_SUITABLE, Outcome.NOT_KNOWN, None],
              ons4=([4, 5, 5, 8], [7, 6, 5, 5]), notes=notes, staff_id=ctx.actor.id)
    # more than 12 months ago: not counted
    _signpost(db, clock, debt_id, [Outcome.ENGAGED] * 3, on=date(2025, 11, 20), staff_id=ctx.actor.id)
    t = ConfidenceService(ctx).for_service(debt_id).track
    assert (t.people, t.outcomes, t.attended, t.did_not_attend, t.not_suitable) == (6, 4, 2, 1, 1)
    assert not t.too_few
    assert t.feedback == ("Newest shared", "Second shared", "Third shared")
    assert [(w.question, w.median_change, w.pairs) for w in t.wellbeing] == [
        ("Life satisfaction", 3.0, 6), ("Worthwhile", 1.0, 6), ("Happiness", 0.0, 6), ("Anxiety", -3.0, 6)]
    assert "Anxiety: median change -3 (lower is better; 6 people)." in t.lines()


def test_track_record_counts_leaflets_acknowledged_by_the_organisation(ctx, services, db, clock):
    _, _, debt_id, _, _ = services
    refs = ReferenceService(ctx)
    codes = [refs.issue([debt_id], "print") for _ in range(3)]
    refs.acknowledge(codes[0], debt_id, AckOutcome.ATTENDED)
    t = ConfidenceService(ctx).for_service(debt_id).track
    assert (t.leaflets_issued, t.leaflets_acknowledged) == (3, 1)
    # the same counting as the partner report's (one source of truth)
    [same] = [a for a in refs.acknowledged_counts(t.since, t.until) if a.service_id == debt_id]
    assert (same.issued, same.acknowledged) == (t.leaflets_issued, t.leaflets_acknowledged)
    assert "Leaflets handed over: 3; acknowledged by the organisation: 1." in t.lines()


def test_capacity_directly_and_from_a_contact_log_entry_validated_and_unconfirmed_after_30_days(
        ctx_as, services, db, clock):
    money_id, walkers_id, debt_id, _, _ = services
    desk = ConfidenceService(ctx_as(AppRole.FRONT_DESK, "Rachel Reception"))
    info = desk.set_capacity(debt_id, Capacity.WAITING_LIST, "6")
    assert info.text(TODAY) == ("Taking new people: waiting list about 6 weeks "
                                "(confirmed 24 Nov 2026 by Rachel Reception)")
    with pytest.raises(BadInput, match="Waiting weeks: 105 weeks is outside 0 to 104"):
        desk.set_capacity(debt_id, "waiting_list", 105)
    with pytest.raises(BadInput, match="Waiting weeks: A waiting list needs"):
        desk.set_capacity(debt_id, "waiting_list", "")
    with pytest.raises(BadInput, match="Confirmed on: 25 Nov 2026 is in the future"):
        desk.set_capacity(debt_id, "taking", None, date(2026, 11, 25))
    with pytest.raises(BadInput, match="is not one of the answers"):
        desk.set_capacity(debt_id, "maybe")
    assert desk.for_service(debt_id).capacity.wait_weeks == 6  # nothing half-written
    with db.write(clock) as s:
        ev = ContactEvent(organisation_id=money_id, occurred_at=datetime(2026, 10, 1, 11, 0),
                          kind=ContactKind.PHONE, summary="Asked about space", author_id=desk.ctx.actor.id)
        other = ContactEvent(organisation_id=walkers_id, occurred_at=datetime(2026, 11, 1, 11, 0),
                             kind=ContactKind.PHONE, summary="Walk chat", author_id=desk.ctx.actor.id)
        s.add_all([ev, other])
        s.flush()
        ev_id, other_id = ev.id, other.id
    with pytest.raises(BadInput, match="not a contact with the organisation"):
        desk.set_capacity(debt_id, "taking", contact_event_id=other_id)
    info = desk.set_capacity(debt_id, "taking", contact_event_id=ev_id)
    assert info.confirmed_on == date(2026, 10, 1) and info.from_contact
    assert info.text(TODAY) == ("Taking new people: yes — unconfirmed (last confirmed 1 Oct 2026 by "
                                "Rachel Reception from a contact-log entry, more than 30 days ago)")
    assert info.short(TODAY) == "Taking people (unconfirmed)"


def test_closures_refuse_end_before_start_and_suppress_open(ctx, services, db, clock):
    _, _, debt_id, benefits_id, _ = services
    with db.write(clock) as s:
        s.add_all([Schedule(service_id=debt_id, weekday=1, opens_at="09:00", closes_at="13:00"),
                   Schedule(service_id=debt_id, weekday=3, opens_at="10:00", closes_at="12:00"),
                   Schedule(service_id=benefits_id, weekday=1, opens_at="09:00", closes_at="13:00")])
    svc = ConfidenceService(ctx)
    assert svc.for_service(debt_id).opening.text == "Open now until 13:00"
    with pytest.raises(BadInput, match="Closed until: The closure ends .* before it starts"):
        svc.add_closure(debt_id, date(2026, 11, 30), date(2026, 11, 20), "Training")
    with pytest.raises(BadInput, match="Reason"):
        svc.add_closure(debt_id, date(2026, 11, 20), date(2026, 11, 30), " ")
    svc.add_closure(debt_id, date(2026, 11, 20), date(2026, 11, 25), "Staff training")
    c = svc.for_service(debt_id)
    assert not c.opening.open_now
    assert c.opening.text == "Closed 20 Nov 2026 to 25 Nov 2026 (Staff training); next: Thursday 10:00"
    states = svc.row_states([(debt_id, False), (benefits_id, False)])
    assert states[debt_id].opening.short == "Closed to 25 Nov 2026"
    assert states[benefits_id].text(TODAY) == "Open until 13:00"
    # a long page: rows beyond the first block are read when first asked for, with the same answer
    many = svc.row_states([(100_000 + k, False) for k in range(150)] + [(debt_id, False)])
    assert len(many) == 151 and many[debt_id].opening.short == "Closed to 25 Nov 2026"
    assert many[100_000].text(TODAY) == "Times not given"
    with pytest.raises(KeyError):
        many[benefits_id]  # not on that page
    # "Open today" on search: only the one with times today and no closure
    directory = DirectoryService(ctx)
    found = directory.search("", SearchFilters(open_today=True))
    assert [r.id for r in found.rows] == [benefits_id]
    assert {r.id for r in directory.search("", SearchFilters()).rows} >= {debt_id, benefits_id}


def test_front_desk_closures_only_for_services_not_yet_approved(ctx_as, services, db, clock):
    from sp_desktop.db.models import Organisation
    from sp_desktop.domain.enums import VettingStatus
    from sp_desktop.services.confidence import ClosureLocked

    money_id, walkers_id, debt_id, _, walk_id = services
    with db.write(clock) as s:
        s.get(Organisation, money_id).vetting_status = VettingStatus.APPROVED
    desk = ConfidenceService(ctx_as(AppRole.FRONT_DESK, "Rachel Reception"))
    with pytest.raises(ClosureLocked, match="ask the vetting lead to add or remove the closure"):
        desk.add_closure(debt_id, TODAY, TODAY, "Boiler broken")
    assert desk.closures(debt_id) == []
    # not vetted yet: the front desk may record it
    assert desk.add_closure(walk_id, TODAY, TODAY, "Boiler broken").reason == "Boiler broken"
    lead = ConfidenceService(ctx_as(AppRole.VETTING_LEAD, "Lena Lead"))
    closure = lead.add_closure(debt_id, TODAY, TODAY, "Boiler broken")
    with pytest.raises(ClosureLocked):
        desk.remove_closure(closure.id)
    lead.remove_closure(closure.id)
    assert lead.closures(debt_id) == []
    with db.read() as s:
        summaries = [a.summary for a in s.scalars(select(AuditEvent).where(AuditEvent.entity_id == debt_id))]
    assert "Closure added: Closed 24 Nov 2026 (Boiler broken)" in summaries
    assert "Closure removed: Closed 24 Nov 2026 (Boiler broken)" in summaries


def test_by_appointment_when_there_are_no_times(ctx, services, db, clock):
    _, _, debt_id, _, _ = services
    with db.write(clock) as s:
        s.get(Service, debt_id).access_appointment = True
    assert ConfidenceService(ctx).for_service(debt_id).opening.text == "By appointment"
