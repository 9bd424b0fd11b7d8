"""Issue 18: the words for "is it open" and "can they get in" (plain Python, no database)."""

from __future__ import annotations

from datetime import date, datetime

from sp_desktop.domain.confidence import (
    Capacity,
    CapacityInfo,
    Closure,
    Slot,
    closures_for_leaflet,
    opening_state,
    opens_on,
)

TUE_10 = datetime(2026, 11, 24, 10, 0)  # a Tuesday
SLOTS = [Slot(1, "09:00", "13:00"), Slot(3, "14:00", "16:00")]


def test_open_now_until_and_next_opening():
    assert opening_state(SLOTS, [], TUE_10).text == "Open now until 13:00"
    assert opening_state(SLOTS, [], datetime(2026, 11, 24, 13, 0)).text == "Next: Thursday 14:00"
    assert opening_state(SLOTS, [], datetime(2026, 11, 24, 8, 0)).text == "Next: today 09:00"
    assert opening_state(SLOTS, [], datetime(2026, 11, 23, 18, 0)).text == "Next: tomorrow 09:00"
    assert opening_state([], [], TUE_10, by_appointment=True).text == "By appointment"
    assert opening_state([], [], TUE_10).text == "Opening times not given"


def test_a_closure_suppresses_open_and_the_next_opening_skips_it():
    xmas = Closure(1, date(2026, 11, 20), date(2026, 11, 26), "Holiday")
    state = opening_state(SLOTS, [xmas], TUE_10)
    assert not state.open_now and state.closure == xmas
    assert state.text == "Closed 20 Nov 2026 to 26 Nov 2026 (Holiday); next: Tuesday 1 Dec 2026 09:00"
    assert not opens_on(SLOTS, [xmas], TUE_10.date()) and opens_on(SLOTS, [], TUE_10.date())


def test_leaflets_print_closures_within_four_weeks():
    soon = Closure(1, date(2026, 12, 22), date(2027, 1, 5), "Christmas")
    later = Closure(2, date(2027, 2, 1), date(2027, 2, 2), "Training")
    past = Closure(3, date(2026, 11, 1), date(2026, 11, 2), "Old")
    assert closures_for_leaflet([later, soon, past], date(2026, 11, 24)) == [soon]
    assert closures_for_leaflet([soon], date(2026, 11, 23)) == []  # 29 days ahead: not yet


def test_capacity_says_unconfirmed_in_words_after_thirty_days():
    fresh = CapacityInfo(Capacity.NOT_TAKING, None, date(2026, 10, 25), "Sam")
    assert fresh.text(date(2026, 11, 24)) == (
        "Taking new people: not at the moment (confirmed 25 Oct 2026 by Sam)")
    assert "unconfirmed" in fresh.text(date(2026, 11, 25))
    one = CapacityInfo(Capacity.WAITING_LIST, 1, date(2026, 11, 24), "Sam")
    assert one.answer == "waiting list about 1 week"
