"""Recording signposting, outcomes, patient references and their retention purge."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from signposting_cases import PATIENT_REF_SENTINEL, _add_services, build_small_history, category_ids
from sqlalchemy import select, text

from sp_desktop.db.models import AuditEvent, Signposting, TrustNote
from sp_desktop.domain.enums import (
    AppRole,
    AuditAction,
    Experience,
    Outcome,
    SignpostingMethod,
    TrustNoteKind,
)
from sp_desktop.services.audit import AuditService
from sp_desktop.services.base import PermissionDenied, ValidationFailed
from sp_desktop.services.settings import SettingsService
from sp_desktop.services.signposting import (
    OutcomeForm,
    SignpostingForm,
    SignpostingService,
    prefilled_trust_note,
)


@pytest.fixture
def services(db, clock):
    return _add_services(db, clock)  # money_id, walkers_id, debt_id, benefits_id, walk_id


def test_front_desk_records_signposting_in_one_step(db, clock, ctx_as, services):
    _, _, debt_id, benefits_id, _ = services
    rachel = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    debt_cat, = category_ids(db, "debt-advice")
    d = SignpostingService(rachel).record(SignpostingForm(
        [debt_id, benefits_id], SignpostingMethod.LEAFLET, reason_category_ids=[debt_cat],
        follow_up_on=date(2026, 12, 22)))
    assert d.occurred_on == date(2026, 11, 24)  # today by default
    assert d.staff_name == "Rachel Reception"
    assert [i.service_name for i in d.items] == ["Debt advice drop-in", "Benefits check"]
    assert [r.label for r in d.reasons] == ["Money, debt and benefits › Debt advice"]
    assert all(i.outcome is None for i in d.items)
    assert d.patient_ref is None
    entry = AuditService(ctx_as(AppRole.CLINICIAN)).history(entity_type="signposting")[0]
    assert entry.action is AuditAction.CREATE and entry.staff_name == "Rachel Reception"
    assert "Debt advice drop-in" in entry.entity_label


def test_bad_records_are_refused_with_reasons(ctx_as, services):
    _, _, debt_id, _, _ = services
    svc = SignpostingService(ctx_as(AppRole.FRONT_DESK))
    with pytest.raises(ValidationFailed) as e:
        svc.record(SignpostingForm([], occurred_on=date(2026, 11, 25), follow_up_on=date(2026, 11, 1)))
    assert set(e.value.errors) == {"service_ids", "occurred_on", "follow_up_on"}
    assert "future" in e.value.errors["occurred_on"]
    with pytest.raises(ValidationFailed) as e:
        svc.record(SignpostingForm([debt_id], occurred_on=date(2026, 11, 20), follow_up_on=date(2026, 11, 1)))
    assert "before the signposting date" in e.value.errors["follow_up_on"]
    with pytest.raises(ValidationFailed) as e:
        svc.record(SignpostingForm([debt_id, 99999]))
    assert "no longer exist" in e.value.errors["service_ids"]


@pytest.mark.parametrize("ref", ["12345", "A1", "x9", "   7   ", "Jo Smith", "Smith", "PA4 8AA", "PA48AA",
                                 "1 High Street", "R-123", "ABCDEFGHIJ12345678901"])
def test_with_patient_references_off_no_field_accepts_one(ctx, ctx_as, services, ref):
    _, _, debt_id, _, _ = services
    assert SettingsService(ctx).get().allow_patient_reference is False  # off by default
    svc = SignpostingService(ctx_as(AppRole.CLINICIAN))
    with pytest.raises(ValidationFailed) as e:
        svc.record(SignpostingForm([debt_id], patient_ref=ref))
    assert "switched off" in e.value.errors["patient_ref"]
    with ctx.db.read() as s:
        assert s.scalar(select(Signposting.id)) is None  # nothing half-written


def test_with_patient_references_on_only_short_record_numbers_are_accepted(ctx, ctx_as, services):
    _, _, debt_id, _, _ = services
    SettingsService(ctx).update(allow_patient_reference=True)
    svc = SignpostingService(ctx_as(AppRole.CLINICIAN))
    assert svc.record(SignpostingForm([debt_id], patient_ref=" emis4471 ")).patient_ref == "EMIS4471"
    assert svc.record(SignpostingForm([debt_id], patient_ref="")).patient_ref is None
    refused = {"Jo Smith": "spaces", "Smith": "looks like a name", "PA48AA": "postcode",
               "1 High Street": "spaces", "R-123": "letters and digits",
               "A" * 12 + "1" * 9: "letters and digits"}
    for ref, why in refused.items():
        with pytest.raises(ValidationFailed) as e:
            svc.record(SignpostingForm([debt_id], patient_ref=ref))
        assert why in e.value.errors["patient_ref"], ref


def test_references_never_enter_the_audit_trail(db, ctx, ctx_as, services):
    _, _, debt_id, _, _ = services
    SettingsService(ctx).update(allow_patient_reference=True)
    SignpostingService(ctx_as(AppRole.FRONT_DESK)).record(SignpostingForm([debt_id], patient_ref="QQ4242"))
    with db.read() as s:
        dumped = " ".join(str(r) for r in s.execute(text("SELECT * FROM audit_event")))
    assert "QQ4242" not in dumped
    assert "with a patient reference" in dumped


def test_retention_purge_anonymises_exactly_the_expired_references_and_is_audited(db, clock, ctx, ctx_as,
                                                                                   services):
    _, _, debt_id, _, _ = services
    SettingsService(ctx).update(allow_patient_reference=True, patient_reference_retention_days=90)
    svc = SignpostingService(ctx_as(AppRole.CLINICIAN))
    today = clock.now().date()
    cutoff = today - timedelta(days=90)
    made = {}
    for ref, on, expired in (("OLD1", cutoff - timedelta(days=300), True),
                             ("OLD2", cutoff - timedelta(days=1), True),
                             ("EDGE3", cutoff, False), ("NEW4", cutoff + timedelta(days=1), False),
                             ("NEW5", today, False), ("", cutoff - timedelta(days=5), False)):
        d = svc.record(SignpostingForm([debt_id], occurred_on=on, patient_ref=ref))
        made[d.id] = (ref, expired)
    status = SignpostingService(ctx).reference_status()
    assert (status.with_reference, status.expired, status.cutoff) == (5, 2, cutoff)

    with pytest.raises(PermissionDenied, match="administrator"):
        SignpostingService(ctx_as(AppRole.VETTING_LEAD)).purge_expired_references()
    result = SignpostingService(ctx).purge_expired_references()
    assert (result.anonymised, result.cutoff, result.retention_days) == (2, cutoff, 90)
    with db.read() as s:
        now_refs = dict(s.execute(select(Signposting.id, Signposting.patient_ref)).all())
    for sp_id, (ref, expired) in made.items():
        assert now_refs[sp_id] == (None if expired or not ref else ref), ref
    assert len(now_refs) == 6  # the records stay
    entry = AuditService(ctx).history(entity_type="signposting")[0]
    assert entry.action is AuditAction.PURGE and entry.staff_name == "Alex Admin"
    assert "2 signposting records" in entry.summary and "90 days" in entry.summary
    # Running it again finds nothing more and says so.
    assert SignpostingService(ctx).purge_expired_references().anonymised == 0


def test_outcome_is_recorded_by_clinicians_with_ons4_and_closes_the_follow_up(ctx_as, services):
    _, _, debt_id, benefits_id, _ = services
    reception = SignpostingService(ctx_as(AppRole.FRONT_DESK, "Rachel Reception"))
    d = reception.record(SignpostingForm([debt_id, benefits_id], occurred_on=date(2026, 10, 1),
                                         follow_up_on=date(2026, 10, 29)))
    assert reception.count_follow_ups_due() == 1
    assert reception.follow_ups_due()[0].overdue
    with pytest.raises(PermissionDenied, match="clinician"):
        reception.record_outcome(d.items[0].id, OutcomeForm(Outcome.ENGAGED))
    gp = SignpostingService(ctx_as(AppRole.CLINICIAN, "Dr Gordon Gill"))
    saved = gp.record_outcome(d.items[0].id, OutcomeForm(Outcome.ENGAGED, Experience.GOOD, "Goes every week.",
                                                         True, [4, 5, 4, 7], [6, 7, 6, 4]))
    item = saved.detail.item(d.items[0].id)
    assert (item.outcome, item.experience, item.share_feedback, item.outcome_by) == (
        Outcome.ENGAGED, Experience.GOOD, True, "Dr Gordon Gill")
    assert saved.detail.ons4_before == (4, 5, 4, 7) and saved.detail.ons4_after == (6, 7, 6, 4)
    assert saved.detail.follow_up_done is False  # one service still awaits its outcome
    saved = gp.record_outcome(d.items[1].id, OutcomeForm(Outcome.SERVICE_FULL))
    assert saved.detail.follow_up_done is True
    assert gp.count_follow_ups_due() == 0


@pytest.mark.parametrize(("before", "after", "field", "words"), [
    ([4, 5, 11, 7], None, "ons4_before", "from 0 to 10"),
    ([4, 5, None, 7], None, "ons4_before", "no score"),
    ([4, 5, 6], None, "ons4_before", "all four"),
    ([4, 5, 6, 7.5], None, "ons4_before", "whole number"),
    ([4, 5, 6, -1], None, "ons4_before", "from 0 to 10"),
    (None, [4, 5, 6, 7], "ons4_before", "before as well"),
])
def test_ons4_scores_are_four_whole_numbers_from_0_to_10(ctx_as, services, before, after, field, words):
    _, _, debt_id, _, _ = services
    d = SignpostingService(ctx_as(AppRole.FRONT_DESK)).record(SignpostingForm([debt_id]))
    gp = SignpostingService(ctx_as(AppRole.CLINICIAN))
    with pytest.raises(ValidationFailed) as e:
        gp.record_outcome(d.items[0].id, OutcomeForm(Outcome.ENGAGED, ons4_before=before, ons4_after=after))
    assert words in e.value.errors[field]
    assert gp.get(d.id).items[0].outcome is None  # nothing saved


def test_sharing_feedback_needs_a_note(ctx_as, services):
    _, _, debt_id, _, _ = services
    d = SignpostingService(ctx_as(AppRole.FRONT_DESK)).record(SignpostingForm([debt_id]))
    with pytest.raises(ValidationFailed) as e:
        SignpostingService(ctx_as(AppRole.CLINICIAN)).record_outcome(
            d.items[0].id, OutcomeForm(Outcome.ENGAGED, Experience.GOOD, "  ", share_feedback=True))
    assert "no feedback to share" in e.value.errors["share_feedback"]


def test_poor_experience_raises_a_prefilled_trust_note_in_the_same_step(db, ctx_as, services):
    money_id, _, debt_id, _, _ = services
    d = SignpostingService(ctx_as(AppRole.FRONT_DESK)).record(SignpostingForm([debt_id],
                                                                              occurred_on=date(2026, 10, 2)))
    gp = SignpostingService(ctx_as(AppRole.CLINICIAN, "Dr Gordon Gill"))
    item = d.items[0]
    form = OutcomeForm(Outcome.NOT_SUITABLE, Experience.POOR, "Nobody answered the phone for a week.")
    # What the dialog shows once poor/not suitable is chosen:
    from dataclasses import replace

    draft = prefilled_trust_note(replace(item, outcome=form.outcome, experience=form.experience,
                                         experience_note=form.experience_note), d.occurred_on)
    assert draft.organisation_id == money_id and draft.service_id == debt_id
    assert draft.kind is TrustNoteKind.PATIENT_FEEDBACK
    assert draft.text.startswith("Outcome: not suitable; patient's experience: poor (signposted 2 Oct 2026 "
                                 "to “Debt advice drop-in”).")
    assert "Nobody answered the phone" in draft.text
    saved = gp.record_outcome(item.id, form, trust_note=draft)
    assert saved.trust_note is not None and saved.trust_note.note.text == draft.text
    with db.read() as s:
        note = s.scalars(select(TrustNote)).one()
        assert (note.organisation_id, note.service_id, note.kind) == (money_id, debt_id,
                                                                      TrustNoteKind.PATIENT_FEEDBACK)
        # audited as a trust note, without its private text
        ev = s.scalars(select(AuditEvent).where(AuditEvent.entity_type == "trust_note")).one()
        assert "Nobody answered" not in str(ev.changes)


def test_an_empty_trust_note_stops_before_anything_is_saved(ctx_as, services):
    _, _, debt_id, _, _ = services
    d = SignpostingService(ctx_as(AppRole.FRONT_DESK)).record(SignpostingForm([debt_id]))
    gp = SignpostingService(ctx_as(AppRole.CLINICIAN))
    draft = prefilled_trust_note(d.items[0], d.occurred_on)
    from dataclasses import replace

    with pytest.raises(ValidationFailed) as e:
        gp.record_outcome(d.items[0].id, OutcomeForm(Outcome.NOT_SUITABLE),
                          trust_note=replace(draft, text=" "))
    assert "trust_note" in e.value.errors
    assert gp.get(d.id).items[0].outcome is None


def test_log_lists_one_row_per_service_with_filters(db, clock, ctx, ctx_as):
    h = build_small_history(db, clock, ctx_as, ctx)
    svc = SignpostingService(h.reception)
    every = svc.log()
    assert every.total == 14 and every.show_patient_ref
    assert every.rows[0].occurred_on == date(2026, 11, 11)  # newest first
    period = svc.log(date(2026, 9, 1), date(2026, 9, 30))
    assert [(r.occurred_on.day, r.service_name) for r in period.rows] == [
        (10, "Debt advice drop-in"), (10, "Canal walk"), (2, "Debt advice drop-in")]
    assert period.rows[2].patient_ref == PATIENT_REF_SENTINEL
    assert period.rows[0].reasons == "Debt advice, Walking groups"
    assert svc.log(state="awaiting").total == 1
    assert svc.log(text="walkers").total == 1
    assert svc.log(text="welfare").total == 2  # by reason
    assert svc.log(text=PATIENT_REF_SENTINEL.lower()).total == 1
    poor = svc.log(state="poor")
    assert {r.experience_text for r in poor.rows} == {"Poor !"}
    assert svc.log(organisation_id=h.walkers_id).rows[0].outcome_text == "Did not attend"
    # With references switched off again, the log no longer shows them.
    SettingsService(ctx).update(allow_patient_reference=False)
    off = svc.log(date(2026, 9, 1), date(2026, 9, 30))
    assert not off.show_patient_ref and all(r.patient_ref is None for r in off.rows)


def test_follow_up_can_be_moved_and_marked_done(ctx_as, services):
    _, _, debt_id, _, _ = services
    svc = SignpostingService(ctx_as(AppRole.FRONT_DESK))
    d = svc.record(SignpostingForm([debt_id], occurred_on=date(2026, 11, 2), follow_up_on=date(2026, 12, 1)))
    assert svc.count_follow_ups_due() == 0
    assert len(svc.follow_ups_due(horizon_days=7)) == 1
    svc.set_follow_up(d.id, follow_up_on=date(2026, 11, 20))
    assert svc.count_follow_ups_due() == 1
    svc.set_follow_up(d.id, done=True)
    assert svc.count_follow_ups_due() == 0
    with pytest.raises(ValidationFailed):
        svc.set_follow_up(d.id, follow_up_on=date(2026, 10, 1))


def test_signposting_follow_ups_appear_on_the_follow_ups_page_and_can_be_marked_done(ctx, ctx_as, services):
    from sp_desktop.services.followups import FollowUpService

    _, _, debt_id, benefits_id, walk_id = services
    rachel = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    svc = SignpostingService(rachel)
    due = svc.record(SignpostingForm([debt_id, benefits_id], occurred_on=date(2026, 10, 1),
                                     follow_up_on=date(2026, 11, 1)))
    svc.record(SignpostingForm([walk_id], follow_up_on=date(2026, 12, 15)))  # not due yet
    svc.record(SignpostingForm([walk_id]))  # no follow-up
    items = [i for i in FollowUpService(rachel).items() if i.kind == "signposting"]
    assert [i.ref for i in items] == [due.id, due.id + 1]
    first = items[0]
    assert first.overdue and first.status_text == "Overdue !"
    assert first.title == "Ask how the signposting went: Debt advice drop-in, Benefits check"
    assert first.owner_name == "Rachel Reception" and first.organisation_name == "Renfrew Money Matters"
    assert first.source == "Signposting on 1 Oct 2026 (Rachel Reception)"
    assert FollowUpService(rachel).count_overdue() == 1
    with pytest.raises(ValidationFailed) as refused:  # a note would describe the patient: not kept
        FollowUpService(rachel).mark_done("signposting", due.id, "Rang: going every week")
    assert "describe the patient" in refused.value.errors["note"]
    assert not svc.get(due.id).follow_up_done
    FollowUpService(rachel).mark_done("signposting", due.id)
    assert svc.get(due.id).follow_up_done
    assert svc.count_follow_ups_due() == 0
    entry = AuditService(ctx).history(entity_type="signposting")[0]
    assert entry.summary == "follow-up done"
    with pytest.raises(ValidationFailed):
        FollowUpService(rachel).mark_done("signposting", due.id)
    # With references allowed, the title says whom to contact.
    SettingsService(ctx).update(allow_patient_reference=True)
    svc.record(SignpostingForm([walk_id], occurred_on=date(2026, 11, 2), follow_up_on=date(2026, 11, 20),
                               patient_ref="EMIS77"))
    titles = [i.title for i in FollowUpService(rachel).items() if i.kind == "signposting"]
    assert "Ask how the signposting went (patient ref EMIS77): Canal walk" in titles
