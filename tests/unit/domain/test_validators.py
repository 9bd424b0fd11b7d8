from __future__ import annotations

import pytest

from sp_desktop.domain.enums import RegisterKind
from sp_desktop.domain.formatting import show_age_range, show_date, show_opening
from sp_desktop.domain.validators import (
    FieldError,
    display_phone,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    normalise_registration,
    normalise_time,
    normalise_url,
)


@pytest.mark.parametrize("typed, stored, shown", [
    ("0141 496 0123", "+441414960123", "0141 496 0123"),
    ("(0141) 496-0123", "+441414960123", "0141 496 0123"),
    ("+44 141 496 0123", "+441414960123", "0141 496 0123"),
    ("01632 960123", "+441632960123", "01632 960123"),  # Ofcom drama range, used by the demo
    ("07700 900456", "+447700900456", "07700 900456"),
    ("0808 157 0123", "+448081570123", "0808 157 0123"),
    ("116 123", "116123", "116 123"),  # short numbers such as Samaritans' are allowed
    ("111", "111", "111"),
])
def test_phone_numbers_are_stored_e164_and_shown_as_people_write_them(typed, stored, shown):
    assert normalise_phone(typed) == stored
    assert display_phone(stored) == shown


@pytest.mark.parametrize("typed", ["0141 496", "12345678901234", "call us", "07700 90012", "+44"])
def test_bad_phone_numbers_are_refused_with_a_message(typed):
    with pytest.raises(FieldError) as exc:
        normalise_phone(typed, "phones[0].number")
    assert exc.value.field == "phones[0].number"
    assert "phone" in exc.value.message.lower() or "digits" in exc.value.message.lower()


def test_email_and_web_addresses():
    assert normalise_email(" Help@Example.ORG ") == "Help@example.org"
    for bad in ("help@", "help.example.org", "a@b", "a b@example.org", "a..b@example.org"):
        with pytest.raises(FieldError):
            normalise_email(bad)
    assert normalise_url("www.example.org/refer") == "https://www.example.org/refer"
    assert normalise_url("http://example.org") == "http://example.org"
    with pytest.raises(FieldError):
        normalise_url("not a site")


def test_postcodes_are_normalised_and_odd_ones_only_warned():
    assert normalise_postcode("pa11aa").value == "PA1 1AA"
    assert normalise_postcode(" g41  2ab ").value == "G41 2AB"
    checked = normalise_postcode("Paisley")
    assert checked.value == "PAISLEY" and "does not look like a UK postcode" in checked.warning


def test_charity_numbers_per_register():
    assert normalise_registration(RegisterKind.OSCR, "sc 012345") == "SC012345"
    assert normalise_registration(RegisterKind.CCEW, "1123456") == "1123456"
    assert normalise_registration(RegisterKind.CCNI, "100123") == "NIC100123"
    assert normalise_registration(RegisterKind.COMPANIES_HOUSE, "sc123456") == "SC123456"
    assert normalise_registration(RegisterKind.NONE, "") is None
    with pytest.raises(FieldError, match="SC followed by 6 digits"):
        normalise_registration(RegisterKind.OSCR, "1123456")
    with pytest.raises(FieldError):
        normalise_registration(RegisterKind.NONE, "SC012345")


def test_times_and_display_formats():
    assert normalise_time("9:30") == "09:30" and normalise_time("1400") == "14:00"
    with pytest.raises(FieldError):
        normalise_time("25:00")
    from datetime import date

    assert show_date(date(2026, 3, 2)) == "2 Mar 2026"
    assert show_age_range(None, None) == "All ages" and show_age_range(11, 18) == "Ages 11 to 18"
    assert show_opening(0, "10:00", "12:00", "1st week only") == "Monday 10:00 to 12:00 (1st week only)"
