"""Signposting records can be told apart (issue 25 point 7): the log shows the time each was
recorded and the leaflet reference where one was printed; recording the same service again on the
same day by the same person is refused once (PossibleDuplicate) until they say it is another patient.
Through the services on a real database (SQLite file and PostgreSQL)."""

from __future__ import annotations

import pytest
from signposting_cases import _add_services

from sp_desktop.domain.enums import AppRole, SignpostingMethod
from sp_desktop.services.references import ReferenceService
from sp_desktop.services.signposting import PossibleDuplicate, SignpostingForm, SignpostingService


def test_same_service_same_day_same_person_asks_once_whether_another_patient(db, clock, ctx_as):
    _, _, debt_id, benefits_id, walk_id = _add_services(db, clock)
    rachel = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    svc = SignpostingService(rachel)
    first = svc.record(SignpostingForm([debt_id]))
    clock.advance(minutes=25)
    with pytest.raises(PossibleDuplicate) as dup:
        svc.record(SignpostingForm([debt_id, walk_id]))
    assert dup.value.services == ("Debt advice drop-in",)
    assert "10:00" in str(dup.value) and "another patient" in str(dup.value)
    assert svc.log().total == 1  # nothing written by the refused one
    second = svc.record(SignpostingForm([debt_id, walk_id], another_patient=True))
    assert second.id != first.id
    # someone else, another service, or another day: no question
    SignpostingService(ctx_as(AppRole.CLINICIAN, "Dr Gill")).record(SignpostingForm([debt_id]))
    svc.record(SignpostingForm([benefits_id]))
    clock.advance(days=1)
    svc.record(SignpostingForm([debt_id]))
    assert svc.log().total == 1 + 2 + 1 + 1 + 1


def test_the_log_shows_the_time_recorded_and_the_leaflet_reference(db, clock, ctx_as):
    _, _, debt_id, _, _ = _add_services(db, clock)
    rachel = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    svc = SignpostingService(rachel)
    a = svc.record(SignpostingForm([debt_id], SignpostingMethod.LEAFLET))
    code = ReferenceService(rachel).issue([debt_id], signposting_id=a.id)
    clock.advance(minutes=42)
    svc.record(SignpostingForm([debt_id], SignpostingMethod.PHONED, another_patient=True))
    rows = svc.log().rows
    assert [r.recorded_text for r in rows] == ["10:42", "10:00"]  # newest first
    assert rows[1].leaflet_reference and rows[1].leaflet_reference.replace("-", "") in code.replace("-", "")
    assert rows[0].leaflet_reference is None
