"""Confidence at the moment of choice (issue 18): is it open, can people get in, the closures.

Plain Python (no database, no Qt): the words shown beside a service in the detail pane and on
search rows come from here, so the window, the command line and leaflets say the same thing.

* `opening_state()`: "Open now until 13:00", "Next: Tuesday 10:00", "By appointment", or
  "Closed 22 Dec to 5 Jan (reason)" while a dated closure covers the moment.
* `capacity_words()`: "Taking new people: yes / waiting list about N weeks / not at the moment",
  with when it was confirmed and by whom; a confirmation older than 30 days says "unconfirmed"
  in words (never by colour alone).
* `check_capacity()` and `check_closure()`: the validation, as `BadInput` (field, what is wrong,
  what to do).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sp_desktop.domain.enums import LabelledEnum
from sp_desktop.domain.errors import BadInput
from sp_desktop.domain.formatting import WEEKDAYS, show_date

#: A capacity confirmed longer ago than this is shown as "unconfirmed".
CAPACITY_FRESH_DAYS = 30
MAX_WAIT_WEEKS = 104
#: Leaflets made this close before (or during) a closure print it.
CLOSURE_NOTICE_DAYS = 28
MAX_REASON = 300


class Capacity(LabelledEnum):
    TAKING = "taking"
    WAITING_LIST = "waiting_list"
    NOT_TAKING = "not_taking"


# --------------------------------------------------------------------------- opening times
@dataclass(frozen=True)
class Slot:
    """One weekly opening (0 = Monday; times as "HH:MM", either may be missing)."""

    weekday: int
    opens: str | None
    closes: str | None


@dataclass(frozen=True)
class Closure:
    id: int
    starts_on: date
    ends_on: date
    reason: str

    @property
    def period(self) -> str:
        """"22 Dec 2026 to 5 Jan 2027" (one day: "22 Dec 2026")."""
        if self.starts_on == self.ends_on:
            return show_date(self.starts_on)
        return f"{show_date(self.starts_on)} to {show_date(self.ends_on)}"

    @property
    def text(self) -> str:
        """"Closed 22 Dec 2026 to 5 Jan 2027 (staff training)"."""
        return f"Closed {self.period}" + (f" ({self.reason})" if self.reason else "")

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True)
class OpeningState:
    text: str  # the full words, for the detail pane
    short: str  # for a search row
    open_now: bool
    closure: Closure | None = None  # the closure in force now, if any


@functools.lru_cache(maxsize=2048)
def _time(text: str | None) -> time | None:
    if not text:
        return None
    try:
        h, m = text.split(":")[:2]
        return time(int(h), int(m))
    except (ValueError, TypeError):
        return None


def _hhmm(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def _closed_on(day: date, closures: Sequence[Closure]) -> Closure | None:
    for c in closures:
        if c.covers(day):
            return c
    return None


def opening_state(slots: Sequence[Slot], closures: Sequence[Closure], now: datetime,
                  by_appointment: bool = False) -> OpeningState:
    """What to say about whether a service is open at `now`.

    Open now: a slot today with opens <= now < closes (a slot without a closing time counts as open
    from its opening until midnight). Otherwise the next opening in the coming 8 weeks, skipping
    days a closure covers. No times at all: "By appointment" when that is how people get in, else
    "Opening times not given". A closure in force now always wins over "open"."""
    today = now.date()
    clock = now.time().replace(second=0, microsecond=0)
    closure = _closed_on(today, closures)
    timed = sorted((t for t in ((s.weekday, _time(s.opens), _time(s.closes)) for s in slots)
                    if 0 <= t[0] < 7 and t[1] is not None), key=lambda x: (x[0], x[1] or time.min))
    if closure is None:
        for wd, opens, closes in timed:
            if wd == today.weekday() and opens is not None and opens <= clock and (
                    closes is None or clock < closes):
                until = f" until {_hhmm(closes)}" if closes else ""
                return OpeningState(f"Open now{until}", f"Open{until}", True)
    nxt = _next_opening(timed, closures, now)
    if closure is not None:
        after = f"; next: {nxt}" if nxt else ""
        return OpeningState(closure.text + after, f"Closed to {show_date(closure.ends_on)}", False, closure)
    if nxt:
        return OpeningState(f"Next: {nxt}", f"Next: {nxt}", False)
    if timed:  # times given, but every one in the coming weeks falls in a closure
        return OpeningState("Closed for the coming weeks", "Closed", False)
    if by_appointment:
        return OpeningState("By appointment", "By appointment", False)
    return OpeningState("Opening times not given", "Times not given", False)


def _next_opening(timed: list[tuple[int, time | None, time | None]], closures: Sequence[Closure],
                  now: datetime) -> str | None:
    if not timed:
        return None
    today = now.date()
    clock = now.time()
    for ahead in range(0, 57):
        day = today + timedelta(days=ahead)
        if _closed_on(day, closures) is not None:
            continue
        for wd, opens, _closes in timed:
            if wd != day.weekday() or opens is None:
                continue
            if ahead == 0 and opens <= clock:
                continue
            at = _hhmm(opens)
            if ahead == 0:
                return f"today {at}"
            if ahead == 1:
                return f"tomorrow {at}"
            if ahead < 7:
                return f"{WEEKDAYS[wd]} {at}"
            return f"{WEEKDAYS[wd]} {show_date(day)} {at}"
    return None


def opens_on(slots: Sequence[Slot], closures: Sequence[Closure], day: date) -> bool:
    """The service has an opening time on `day` and no closure covers it (the "Open today" filter)."""
    return (any(s.weekday == day.weekday() and _time(s.opens) is not None for s in slots)
            and _closed_on(day, closures) is None)


def closures_for_leaflet(closures: Sequence[Closure], made_on: date) -> list[Closure]:
    """The closures a leaflet made on `made_on` prints: in force, or starting within four weeks."""
    horizon = made_on + timedelta(days=CLOSURE_NOTICE_DAYS)
    return [c for c in sorted(closures, key=lambda c: c.starts_on)
            if c.ends_on >= made_on and c.starts_on <= horizon]


# --------------------------------------------------------------------------- capacity
@dataclass(frozen=True)
class CapacityInfo:
    state: Capacity
    wait_weeks: int | None
    confirmed_on: date
    confirmed_by: str
    from_contact: bool = False

    def stale(self, today: date) -> bool:
        return (today - self.confirmed_on).days > CAPACITY_FRESH_DAYS

    @property
    def answer(self) -> str:
        if self.state is Capacity.TAKING:
            return "yes"
        if self.state is Capacity.WAITING_LIST:
            n = self.wait_weeks or 0
            return f"waiting list about {n} week{'s' if n != 1 else ''}"
        return "not at the moment"

    def text(self, today: date) -> str:
        """"Taking new people: yes (confirmed 3 Dec 2026 by Sam Reid)"; "... — unconfirmed, ..."."""
        how = " from a contact-log entry" if self.from_contact else ""
        when = f"confirmed {show_date(self.confirmed_on)} by {self.confirmed_by}{how}"
        if self.stale(today):
            return (f"Taking new people: {self.answer} — unconfirmed (last {when}, "
                    f"more than {CAPACITY_FRESH_DAYS} days ago)")
        return f"Taking new people: {self.answer} ({when})"

    def short(self, today: date) -> str:
        word = {Capacity.TAKING: "Taking people", Capacity.NOT_TAKING: "Not taking people"}.get(
            self.state, f"Wait about {self.wait_weeks or 0} wk")
        return f"{word} (unconfirmed)" if self.stale(today) else word


NO_CAPACITY = "Taking new people: not recorded"


def capacity_words(info: CapacityInfo | None, today: date) -> str:
    return info.text(today) if info is not None else NO_CAPACITY


def check_capacity(state: Capacity | str, wait_weeks: int | str | None, confirmed_on: date | None,
                   today: date) -> tuple[Capacity, int | None, date]:
    """The capacity as given, checked: a known answer, waiting weeks 0 to 104 for a waiting list
    (none otherwise), a confirmed date that is not in the future."""
    try:
        cap = state if isinstance(state, Capacity) else Capacity(str(state).strip().lower())
    except ValueError:
        raise BadInput("Taking new people", f"“{state}” is not one of the answers.",
                       "Choose yes, waiting list or not at the moment.") from None
    weeks: int | None = None
    if cap is Capacity.WAITING_LIST:
        if wait_weeks is None or str(wait_weeks).strip() == "":
            raise BadInput("Waiting weeks", "A waiting list needs about how many weeks it is.",
                           f"Give a whole number of weeks from 0 to {MAX_WAIT_WEEKS}.")
        try:
            weeks = int(str(wait_weeks).strip())
        except ValueError:
            raise BadInput("Waiting weeks", f"“{wait_weeks}” is not a whole number of weeks.",
                           f"Give a whole number of weeks from 0 to {MAX_WAIT_WEEKS}.") from None
        if not 0 <= weeks <= MAX_WAIT_WEEKS:
            raise BadInput("Waiting weeks", f"{weeks} weeks is outside 0 to {MAX_WAIT_WEEKS}.",
                           f"Give a whole number of weeks from 0 to {MAX_WAIT_WEEKS} (two years).")
    if confirmed_on is None:
        raise BadInput("Confirmed on", "The date it was confirmed is missing.",
                       "Give the date the organisation told you (today if they told you today).")
    if confirmed_on > today:
        raise BadInput("Confirmed on", f"{show_date(confirmed_on)} is in the future.",
                       "Give the date the organisation told you: today or earlier.")
    return cap, weeks, confirmed_on


def check_closure(starts_on: date | None, ends_on: date | None, reason: str | None) -> tuple[date, date, str]:
    if starts_on is None:
        raise BadInput("Closed from", "The first day of the closure is missing.", "Give the date it closes.")
    if ends_on is None:
        raise BadInput("Closed until", "The last day of the closure is missing.",
                       "Give the last day it is closed (the same day for a one-day closure).")
    if ends_on < starts_on:
        raise BadInput("Closed until", f"The closure ends ({show_date(ends_on)}) before it starts "
                       f"({show_date(starts_on)}).", "Give a last day on or after the first day.")
    if (ends_on - starts_on).days > 366:
        raise BadInput("Closed until", "A closure longer than a year is not a closure.",
                       "Mark the service as temporarily closed or no longer running instead.")
    text = " ".join((reason or "").split())
    if not text:
        raise BadInput("Reason", "The reason for the closure is missing.",
                       "Say why, in a few words (for example “Christmas holidays”).")
    if len(text) > MAX_REASON:
        raise BadInput("Reason", f"The reason is {len(text)} characters long.",
                       f"Keep it to {MAX_REASON} characters.")
    return starts_on, ends_on, text


__all__ = ["CAPACITY_FRESH_DAYS", "CLOSURE_NOTICE_DAYS", "Capacity", "CapacityInfo", "Closure",
           "MAX_WAIT_WEEKS", "NO_CAPACITY", "OpeningState", "Slot", "capacity_words", "check_capacity",
           "check_closure", "closures_for_leaflet", "opening_state", "opens_on"]
