"""domain/text.py: the one text check, NHS/CHI recognition and escaping for terminals."""

from __future__ import annotations

import pytest

from sp_desktop.domain.errors import BadInput
from sp_desktop.domain.text import check_text, escape_controls, find_patient_number, mod11_ok, strip_bidi


@pytest.mark.parametrize("text", ["NHS 943 476 5919", "nhs no: 943-476-5919", "9434765919.",
                                  "CHI 120185 7783", "chi 1201857783"])
def test_nhs_and_chi_numbers_are_recognised_as_people_write_them(text):
    assert find_patient_number(text)


@pytest.mark.parametrize("text", ["0141 496 0123", "01632 960123", "07700 900123", "+44 141 496 0123",
                                  "+44 (0)141 496 0123",
                                  "9434765918",  # wrong check digit
                                  "0113859999",  # starts 0 and 01/13 is no date: a phone number
                                  "19434765919",  # part of a longer number
                                  "Charity SC012345, company 01234567", "£1,234,567,890", ""])
def test_phone_numbers_and_other_numbers_are_not(text):
    assert find_patient_number(text) is None


def test_the_check_digit_follows_the_nhs_rule():
    assert mod11_ok("9434765919")
    assert not mod11_ok("9434765910")
    assert not mod11_ok("123")


def test_check_text_names_the_field_and_the_character():
    with pytest.raises(BadInput) as e:
        check_text("ab\x00c", "summary", "summary")
    assert e.value.field == "summary"
    assert e.value.message == ("The summary contains a NUL character (code 0) at character 3, which cannot "
                               "be stored.")
    assert check_text("a\tb\r\nc", "notes", multiline=True) == "a\tb\nc"
    with pytest.raises(BadInput, match="line break"):
        check_text("a\nb", "name")
    with pytest.raises(BadInput, match="half of a broken character"):
        check_text("a\udcffb", "name")


def test_escaping_for_a_terminal_shows_every_control_and_bidi_character():
    shown = escape_controls("Eve\x1b]0;owned\x07 \u202eAdmin\x9b\x00")
    assert shown == "Eve\\x1b]0;owned\\x07 \\u202eAdmin\\x9b\\x00"
    assert escape_controls("Café – naïve") == "Café – naïve"
    assert strip_bidi("a\u202eb\u2066c\u2069") == "abc"


def test_the_log_shows_control_characters_escaped(tmp_path):
    import logging

    from sp_desktop.diagnostics import setup_logging

    path = setup_logging(tmp_path)
    try:
        logging.getLogger("sp_desktop").warning("signed in: %s", "Eve\x1b]0;owned\x07\nSmith")
    finally:
        setup_logging(None)
    text = path.read_text(encoding="utf-8")
    assert "Eve\\x1b]0;owned\\x07\nSmith" in text and "\x1b" not in text
