"""Privacy by design: the audit trail records THAT a patient-related field changed, never its text;
signposting history is for clinicians and above; retention removes what has passed its period
(on SQLite and PostgreSQL alike)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from signposting_cases import _add_services
from sqlalchemy import select, text

from sp_desktop.db.models import Signposting, SignpostingItem
from sp_desktop.domain.enums import AppRole, Experience, Outcome
from sp_desktop.services.audit import NOT_RECORDED, AuditService
from sp_desktop.services.base import PermissionDenied, ValidationFailed
from sp_desktop.services.history import HistoryService
from sp_desktop.services.retention import RetentionService
from sp_desktop.services.settings import SettingsService
from sp_desktop.services.signposting import OutcomeForm, SignpostingForm, SignpostingService

NOTE = "Told us her daughter SENTINEL-PATIENT-TEXT is caring for her"


def _dump_audit(db) -> str:
    with db.read() as s:
        return " ".join(str(r) for r in s.execute(text("SELECT * FROM audit_event")))


def test_the_audit_trail_says_an_outcome_note_changed_but_never_keeps_it(db, ctx, ctx_as):
    money_id, _, debt_id, _, _ = _add_services(db, ctx.clock)
    front = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    reception = SignpostingService(front)
    d = reception.record(SignpostingForm([debt_id], occurred_on=date(2026, 11, 2)))
    clinician = ctx_as(AppRole.CLINICIAN, "Dr Gordon Gill")
    form = OutcomeForm(Outcome.ENGAGED, Experience.POOR, NOTE, True, [4, 5, 4, 7], [6, 7, 6, 4])
    SignpostingService(clinician).record_outcome(d.items[0].id, form)
    dumped = _dump_audit(db)
    assert "SENTINEL-PATIENT-TEXT" not in dumped and "[4, 5, 4, 7]" not in dumped
    assert SignpostingService(ctx).get(d.id).items[0].experience_note == NOTE  # the record itself keeps it

    # clinicians see WHO changed WHAT and WHEN, without the text
    lines = HistoryService(clinician).for_organisation(money_id)
    outcome = next(line for line in lines if line.entity_type == "signposting" and "outcome" in line.text)
    assert outcome.who == "Dr Gordon Gill"
    assert "Outcome note: (not kept in the history)" in outcome.details
    assert "Wellbeing before: (not kept in the history)" in outcome.details
    assert not any("SENTINEL" in detail for detail in outcome.details)
    entry = AuditService(ctx).history(entity_type="signposting")[0]
    assert entry.changes["experience_note"] == [None, NOT_RECORDED]

    # the front desk sees no signposting changes at all, and is refused when asking for them
    assert all(line.entity_type != "signposting" for line in HistoryService(front).for_organisation(money_id))
    with pytest.raises(PermissionDenied, match="clinician"):
        AuditService(front).history(entity_type="signposting")


def test_a_follow_up_note_about_the_patient_is_refused_not_audited(db, ctx, ctx_as):
    _, _, debt_id, _, _ = _add_services(db, ctx.clock)
    from sp_desktop.services.followups import FollowUpService

    rachel = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    d = SignpostingService(rachel).record(SignpostingForm([debt_id], occurred_on=date(2026, 10, 1),
                                                          follow_up_on=date(2026, 11, 1)))
    with pytest.raises(ValidationFailed):
        FollowUpService(rachel).mark_done("signposting", d.id, NOTE)
    FollowUpService(rachel).mark_done("signposting", d.id)
    assert "SENTINEL-PATIENT-TEXT" not in _dump_audit(db)


def test_retention_removes_references_notes_and_old_records_by_the_practice_settings(db, ctx, ctx_as):
    _, _, debt_id, _, walk_id = _add_services(db, ctx.clock)
    SettingsService(ctx).update(allow_patient_reference=True, patient_reference_retention_days=30,
                                outcome_note_retention_days=60, signposting_retention_days=365)
    today = ctx.today()
    svc = SignpostingService(ctx_as(AppRole.CLINICIAN, "Dr Gordon Gill"))
    made = {}
    for ref, age in (("REF01", 10), ("REF02", 45), ("REF03", 90), ("REF04", 400)):
        d = svc.record(SignpostingForm([debt_id, walk_id], occurred_on=today - timedelta(days=age),
                                       patient_ref=ref))
        svc.record_outcome(d.items[0].id, OutcomeForm(Outcome.ENGAGED, Experience.GOOD, f"note {ref}"))
        made[ref] = d.id
    with pytest.raises(PermissionDenied):
        RetentionService(ctx_as(AppRole.CLINICIAN)).run()
    result = RetentionService(ctx).run()
    assert (result.references_removed, result.notes_removed, result.records_deleted) == (2, 1, 1)
    with db.read() as s:
        refs = dict(s.execute(select(Signposting.id, Signposting.patient_ref)).all())
        notes = dict(s.execute(select(SignpostingItem.signposting_id, SignpostingItem.experience_note)
                               .where(SignpostingItem.experience_note.is_not(None))).all())
    assert made["REF04"] not in refs  # the whole record went, with its items
    assert refs[made["REF01"]] == "REF01" and refs[made["REF02"]] is None and refs[made["REF03"]] is None
    assert notes == {made["REF01"]: "note REF01", made["REF02"]: "note REF02"}
    purge = AuditService(ctx).history(entity_type="retention")[0]
    assert "deleted 1 signposting record" in purge.summary and "REF" not in json.dumps(purge.changes)
    again = RetentionService(ctx).run()
    assert again.purged == 0 and "nothing had passed" in again.describe()


def test_retention_settings_are_checked(ctx):
    with pytest.raises(ValidationFailed) as caught:
        SettingsService(ctx).update(signposting_retention_days=5, outcome_note_retention_days=0)
    assert set(caught.value.errors) == {"signposting_retention_days", "outcome_note_retention_days"}
    defaults = SettingsService(ctx).get()
    assert (defaults.outcome_note_retention_days, defaults.signposting_retention_days) == (365, 1095)
    assert defaults.longest_retention_days == 1095
