"""Sensible limits for what a person can ask the app to do, so no request runs for minutes or
fills the memory: dates, periods, counts and the length of text arguments.

Each check raises `BadInput` naming the field, saying what the limit is and what to do. The
services use them for what the window sends; the command line checks every argument with
`check_argument` before a command starts (`cli.run_command`).
"""

from __future__ import annotations

from datetime import date

from sp_desktop.domain.errors import BadInput
from sp_desktop.domain.text import check_text

#: Signposting, reviews and reports are about the practice's own years: nothing before 2000 or
#: after 2099 can be a real record, and a period longer than ten years is never a meeting's report.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2099, 12, 31)
MAX_PERIOD_YEARS = 10
#: Days ahead a "due soon" list may look (ten years).
MAX_DAYS_AHEAD = 3650
#: Longest text argument (a name, a search, a note) and longest path, in characters.
MAX_TEXT = 1000
MAX_PATH = 4096
#: Largest record number: database ids are 32-bit on every back end.
MAX_ID = 2**31 - 1
#: Most results a search returns.
MAX_RESULTS = 1000


def check_date(value: date, field: str, label: str = "date") -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise BadInput(field, f"The {label} {value.isoformat()} is outside the years this app keeps "
                              f"({EARLIEST_DATE.year} to {LATEST_DATE.year}).",
                       "Give a date in those years.")
    return value


def check_period(date_from: date, date_to: date, field_from: str = "date_from",
                 field_to: str = "date_to") -> None:
    """Both dates in range and the period at most `MAX_PERIOD_YEARS` long."""
    check_date(date_from, field_from, "first day")
    check_date(date_to, field_to, "last day")
    try:
        limit = date_from.replace(year=date_from.year + MAX_PERIOD_YEARS)
    except ValueError:  # 29 February
        limit = date(date_from.year + MAX_PERIOD_YEARS, 3, 1)
    if date_to >= limit:
        raise BadInput(field_to, f"The period is longer than {MAX_PERIOD_YEARS} years.",
                       f"Choose a period of at most {MAX_PERIOD_YEARS} years, e.g. one report per year.")


def check_int(value: int, field: str, low: int, high: int, label: str = "number") -> int:
    if not low <= value <= high:
        raise BadInput(field, f"The {label} {value if abs(value) < 10**12 else 'given'} is out of range.",
                       f"Give a whole number from {low:,} to {high:,}.")
    return value


def check_length(value: str, field: str, limit: int = MAX_TEXT, label: str = "text") -> str:
    if len(value) > limit:
        raise BadInput(field, f"The {label} is too long ({len(value):,} characters; at most {limit:,}).",
                       "Shorten it.")
    return value


def check_argument(value: str, field: str, *, path: bool = False) -> str:
    """A command-line text argument: one line, no control or broken characters, not too long."""
    check_length(value, field, MAX_PATH if path else MAX_TEXT, "file name" if path else "text")
    check_text(value, field, "file name" if path else "value")
    return value


__all__ = ["EARLIEST_DATE", "LATEST_DATE", "MAX_DAYS_AHEAD", "MAX_ID", "MAX_PATH", "MAX_PERIOD_YEARS",
           "MAX_RESULTS", "MAX_TEXT", "check_argument", "check_date", "check_int", "check_length",
           "check_period"]
