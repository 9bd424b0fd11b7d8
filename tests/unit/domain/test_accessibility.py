"""The one vocabulary of venue accessibility features (codes, staff labels, patient words, synonyms)."""

from __future__ import annotations

import pytest

from sp_desktop.domain.accessibility import (
    ACCESSIBILITY_FEATURES,
    PATIENT_WORDING,
    STAFF_LABELS,
    feature_code,
    patient_wording,
    staff_label,
)

CODES = ["step_free", "accessible_toilet", "hearing_loop", "lift", "accessible_parking", "quiet_space",
         "large_print", "bsl"]


def test_every_code_the_demo_and_the_editor_use_has_a_label_and_patient_words() -> None:
    assert [f.code for f in ACCESSIBILITY_FEATURES] == CODES
    for code in CODES:
        assert STAFF_LABELS[code] and PATIENT_WORDING[code]
        assert "_" not in staff_label(code) and "_" not in patient_wording(code)
    assert staff_label("lift") == "Lift"
    assert staff_label("bsl") == "British Sign Language interpreter"
    assert patient_wording("step_free") == "Step-free access"


@pytest.mark.parametrize(("text", "code"), [
    ("Step-free access", "step_free"), ("step free access", "step_free"),
    ("Wheelchair accessible", "step_free"), ("Level access", "step_free"),
    ("Disabled toilet", "accessible_toilet"), ("ACCESSIBLE TOILETS", "accessible_toilet"),
    ("Induction loop", "hearing_loop"), ("Hearing loop available", "hearing_loop"),
    ("Lift to all floors", "lift"), ("Elevator", "lift"), ("lift", "lift"),
    ("Blue badge parking", "accessible_parking"), ("Quiet room", "quiet_space"),
    ("Large print", "large_print"), ("Large-print materials", "large_print"),
    ("BSL", "bsl"), ("British Sign Language interpreter available", "bsl"), ("BSL interpreter", "bsl"),
    ("  Step–free  access. ", "step_free"),
])
def test_import_wording_is_recognised(text: str, code: str) -> None:
    assert feature_code(text) == code


def test_unknown_wording_is_not_guessed() -> None:
    assert feature_code("Braille menus") is None
    assert feature_code("") is None and feature_code(None) is None
    assert feature_code("toilet") is None  # not every toilet is accessible


def test_no_word_means_two_features() -> None:
    seen: dict[str, str] = {}
    for f in ACCESSIBILITY_FEATURES:
        for word in f.words:
            assert feature_code(word) == f.code, word
            assert seen.setdefault(word.casefold(), f.code) == f.code, word


def test_unknown_codes_are_shown_in_words() -> None:
    assert staff_label("braille_menus") == "Braille menus"
    assert patient_wording("braille_menus") == "Braille menus"
    assert staff_label("Braille menus on request") == "Braille menus on request"


def test_imports_exports_and_leaflets_use_the_same_words() -> None:
    from sp_desktop.interop.textparse import accessibility_code, accessibility_label
    from sp_desktop.services.directory import LocationInfo
    from sp_desktop.services.leaflets import _venue

    for code in CODES:
        assert accessibility_label(code) == staff_label(code)  # exports
        assert accessibility_code(accessibility_label(code)) == code  # export -> import round trip
    # words written by older exports and by other directories' feeds still come back as codes
    assert accessibility_code("Lift to all floors") == "lift"
    assert accessibility_code("British Sign Language interpreter available") == "bsl"
    assert accessibility_code("Disabled toilet") == "accessible_toilet"
    assert accessibility_code("Braille menus") == "Braille menus"  # kept as written
    assert accessibility_code("braille_menus") == "braille_menus"
    hall = LocationInfo(1, "Hall", "1 High Street", None, "Paisley", "PA1 1AA", tuple(CODES), None, None)
    venue = _venue(hall)
    assert venue.accessibility == tuple(patient_wording(c) for c in CODES)
