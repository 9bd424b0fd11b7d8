"""How values are shown to people: one place, so the window, leaflets and reports agree."""

from __future__ import annotations

from datetime import date, datetime

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def show_date(value: date | datetime | None, empty: str = "") -> str:
    """``12 Mar 2026`` (no leading zero on the day)."""
    if value is None:
        return empty
    return f"{value.day} {value.strftime('%b %Y')}"


def show_datetime(value: datetime | None, empty: str = "") -> str:
    if value is None:
        return empty
    return f"{show_date(value)} {value.strftime('%H:%M')}"


#: What the app says when the source gave no cost / no ages (never "Free" / "All ages", which it did not say).
COST_NOT_STATED = "Cost not stated"
AGE_NOT_STATED = "Age not stated"


def show_age_range(min_age: int | None, max_age: int | None, not_stated: bool = False) -> str:
    if min_age is None and max_age is None:
        return AGE_NOT_STATED if not_stated else "All ages"
    if min_age is not None and max_age is not None:
        return f"Ages {min_age} to {max_age}"
    if min_age is not None:
        return f"Aged {min_age} and over"
    return f"Aged up to {max_age}"


def show_opening(weekday: int, opens: str | None, closes: str | None, note: str | None = None) -> str:
    day = WEEKDAYS[weekday] if 0 <= weekday < 7 else "?"
    text = day
    if opens and closes:
        text += f" {opens} to {closes}"
    elif opens:
        text += f" from {opens}"
    if note:
        text += f" ({note})"
    return text
