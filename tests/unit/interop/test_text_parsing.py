"""Opening times, ages and costs as people type them."""

from __future__ import annotations

import pytest

from sp_desktop.interop.textparse import (
    CategoryChoice,
    CategoryMatcher,
    format_opening_times,
    normalise_name,
    parse_age,
    parse_cost,
    parse_opening_times,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


@pytest.mark.parametrize(("text", "slots"), [
    ("Mon 10-12, Wed 2pm-4pm", [(MON, "10:00", "12:00"), (WED, "14:00", "16:00")]),
    ("Monday to Friday 9am-5pm", [(d, "09:00", "17:00") for d in range(5)]),
    ("Mon-Fri 9-5", [(d, "09:00", "17:00") for d in range(5)]),
    ("Weekdays 9.30am – 4.30pm", [(d, "09:30", "16:30") for d in range(5)]),
    ("Tues & Thurs 10:00-12:00", [(TUE, "10:00", "12:00"), (THU, "10:00", "12:00")]),
    ("Sat 10am–1pm; Sun closed", [(SAT, "10:00", "13:00")]),
    ("Every Wednesday 7pm-9pm", [(WED, "19:00", "21:00")]),
    ("Mon 9-12 and 1-4", [(MON, "09:00", "12:00"), (MON, "13:00", "16:00")]),
    ("Mon 11-1pm", [(MON, "11:00", "13:00")]),
    ("Fri 7-9", [(FRI, "19:00", "21:00")]),
    ("Monday 10:00 - 12:00; Wednesday 14:00 - 16:00", [(MON, "10:00", "12:00"), (WED, "14:00", "16:00")]),
    ("Tuesdays", [(TUE, None, None)]),
])
def test_opening_times_people_write(text, slots):
    parsed = parse_opening_times(text)
    assert parsed.understood and parsed.note is None
    assert [(s.weekday, s.opens, s.closes) for s in parsed.slots] == slots


@pytest.mark.parametrize(
    "text", ["First Tuesday of the month 10-12", "10am-2pm", "Mon 10-12, Fri", "mon 25-26"]
)
def test_opening_times_that_cannot_be_read_are_kept_as_a_note_and_reported(text):
    parsed = parse_opening_times(text)
    assert not parsed.understood and parsed.slots == () and parsed.note == text
    assert "kept as an opening note" in (parsed.problem or "")


def test_words_without_days_or_times_are_a_note_not_a_problem():
    parsed = parse_opening_times("By appointment")
    assert parsed.understood and parsed.note == "By appointment" and parsed.problem is None


def test_formatted_times_read_back_the_same():
    slots = parse_opening_times("Mon 10-12, Wed 2pm-4pm, Sat 9-5").slots
    again = parse_opening_times(format_opening_times(slots)).slots
    assert [(s.weekday, s.opens, s.closes) for s in again] == [(s.weekday, s.opens, s.closes) for s in slots]


@pytest.mark.parametrize(("text", "ages"), [("18+", (18, None)), ("16-25", (16, 25)), ("16 to 25", (16, 25)),
                                            ("over 50s", (50, None)), ("under 18", (None, 17)),
                                            ("all ages", (None, None)), ("Adults", (18, None)),
                                            ("aged 65 and over", (65, None))])
def test_ages(text, ages):
    got = parse_age(text)
    assert got is not None and (got.min_age, got.max_age) == ages


def test_ages_not_understood():
    assert parse_age("twelve") is None


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("Free", (True, None)),
        ("", (True, None)),
        ("£3 per session", (False, "£3 per session")),
        ("No charge", (True, None)),
        ("Free (donations welcome)", (True, "donations welcome")),  # as the Excel export writes it
        ("Free - donations welcome", (True, "Free - donations welcome")),
    ],
)
def test_costs(text, result):
    assert parse_cost(text) == result


def test_names_match_however_they_are_punctuated():
    assert normalise_name("The Cartvale Money-Advice Project Ltd.") == normalise_name(
        "Cartvale money advice project"
    )
    assert normalise_name("Hearth & Home") == normalise_name("Hearth and Home")


def test_category_matching_by_name_code_and_close_spelling():
    m = CategoryMatcher([CategoryChoice(1, "debt-advice", "Debt advice"),
                         CategoryChoice(2, "community-cafes", "Community cafés and drop-ins")])
    assert m.match("debt advice") == (m.categories[0], True)
    assert m.match("debt-advice") == (m.categories[0], True)
    assert m.match("Community cafes and drop ins") == (m.categories[1], True)
    assert m.match("Debt advise") == (m.categories[0], False)
    assert m.match("Unicorn grooming") == (None, False)
