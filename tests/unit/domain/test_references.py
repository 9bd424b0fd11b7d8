"""Leaflet references: alphabet, reading back what people type, uniqueness, near matches."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sp_desktop.domain.errors import BadInput
from sp_desktop.domain.references import (
    ALPHABET,
    draw,
    draw_unique,
    format_code,
    near_codes,
    normalise,
    one_off_patterns,
    swapped,
)


def test_the_alphabet_is_crockford_base32_without_confusable_letters():
    assert len(ALPHABET) == 32 and len(set(ALPHABET)) == 32
    assert not set("ILOU") & set(ALPHABET)
    assert set("0123456789") <= set(ALPHABET)


def test_a_code_is_six_characters_printed_as_two_groups_of_three():
    code = draw()
    assert len(code) == 6 and set(code) <= set(ALPHABET)
    assert format_code("K7M2QX") == "K7M-2QX"


def test_a_million_draws_with_the_issued_check_are_all_unique():
    rng = random.Random(20261207)
    issued: set[str] = set()
    for _ in range(1_000_000):
        code = draw_unique(issued.__contains__, rng.randrange)
        issued.add(code)
    assert len(issued) == 1_000_000
    assert all(len(c) == 6 for c in list(issued)[:1000])


@given(st.text(alphabet=ALPHABET, min_size=6, max_size=6))
def test_what_is_printed_reads_back_however_it_is_typed(code):
    printed = format_code(code)
    assert normalise(printed) == code
    assert normalise(printed.lower()) == code
    assert normalise(" " + printed.replace("-", " ") + " ") == code


def test_letters_people_confuse_are_read_as_crockford_says():
    assert normalise("k7m-2qx") == "K7M2QX"
    assert normalise("IOL-UAB") == "101VAB"


@pytest.mark.parametrize("typed, words", [
    ("", "is empty"),
    ("K7M-2Q", "has 5 characters"),
    ("K7M-2QXX", "has 7 characters"),
    ("K7M-2Q!", "“!”"),
])
def test_bad_codes_say_what_is_wrong(typed, words):
    with pytest.raises(BadInput) as err:
        normalise(typed)
    assert words in err.value.message and err.value.field == "Reference"


def test_near_codes_find_one_character_off_and_swapped_neighbours_only():
    issued = ["K7M2QX", "K7M2QY", "7KM2QX", "K7N2QY", "ABCDEF"]
    assert near_codes("K7M2QZ", issued) == ["K7M2QX", "K7M2QY"]
    assert near_codes("K7M2QX", issued) == ["7KM2QX", "K7M2QY"]
    assert near_codes("ZZZZZZ", issued) == []
    assert "K7M_QX" in one_off_patterns("K7M2QX") and len(one_off_patterns("K7M2QX")) == 6
    assert "7KM2QX" in swapped("K7M2QX")
