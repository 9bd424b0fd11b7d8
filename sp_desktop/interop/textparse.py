"""Reading the way people write things in spreadsheets: opening times, ages, costs, categories.

Each parser returns what it understood plus, where it could not understand everything, the
text to keep as a note, so nothing typed is silently lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from sp_desktop.db.engine import fold as _slow_fold
from sp_desktop.domain.accessibility import STAFF_LABELS, feature_code
from sp_desktop.domain.enums import AccessRoute, RegisterKind
from sp_desktop.interop.records import SlotRec

# --------------------------------------------------------------------------- opening times
_DAY_WORDS = {
    "mon": 0, "monday": 0, "mondays": 0,
    "tue": 1, "tues": 1, "tuesday": 1, "tuesdays": 1,
    "wed": 2, "weds": 2, "wednesday": 2, "wednesdays": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "thursdays": 3,
    "fri": 4, "friday": 4, "fridays": 4,
    "sat": 5, "saturday": 5, "saturdays": 5,
    "sun": 6, "sunday": 6, "sundays": 6,
}
_DAY = (r"(?:mon(?:day)?s?|tue(?:s(?:day)?)?s?|wed(?:s|nesday)?s?|thu(?:r(?:s(?:day)?)?)?s?|fri(?:day)?s?"
        r"|sat(?:urday)?s?|sun(?:day)?s?)")
_TIME = r"(?:(?:\d{1,2})(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?|noon|midday|midnight)"
_DASH = r"\s*(?:-|–|—|to|until|till|til)\s*"
_TOKENS = re.compile(
    rf"(?P<dayrange>\b{_DAY}\b{_DASH}\b{_DAY}\b)"
    rf"|(?P<timerange>(?<![\w:.]){_TIME}{_DASH}{_TIME}(?![\w:]))"
    rf"|(?P<day>\b{_DAY}\b)"
    r"|(?P<weekdays>\bweekdays\b|\bweek\s?days\b|\bmonday\s+to\s+friday\b)"
    r"|(?P<weekends>\bweekends?\b)"
    r"|(?P<daily>\bdaily\b|\bevery\s*day\b|\b7\s*days(?:\s*a\s*week)?\b|\ball\s+week\b)"
    r"|(?P<closed>\bclosed\b)"
    r"|(?P<filler>\band\b|&|,|;|/|\+|\bevery\b|\beach\b|\bon\b|\bfrom\b|\bbetween\b|\bopen\b|\bopening\b"
    r"|\bthe\b|\bhours\b|\bonly\b|\balso\b|\bat\b|\bs\b|:|\.|\(|\)|\n)"
    r"|(?P<space>\s+)",
    re.IGNORECASE)
_ALWAYS = re.compile(
    r"^\s*(24\s*/\s*7|24\s*hours?(\s*a\s*day)?(,?\s*(7|seven)\s*days(\s*a\s*week)?)?)\s*\.?\s*$",
    re.IGNORECASE,
)


def fold(text: str | None) -> str:
    """`db.engine.fold` (case and accents), with a fast path for plain ASCII text."""
    if text and text.isascii():
        return text.casefold()
    return _slow_fold(text)


@dataclass(frozen=True)
class ParsedTimes:
    slots: tuple[SlotRec, ...]
    note: str | None  # text to keep as an opening note (what could not be read, or all of it)
    understood: bool  # False: some of the text had days or times that could not be read

    @property
    def problem(self) -> str | None:
        if self.understood:
            return None
        return (f"could not read “{self.note}” as days and times (e.g. “Mon 10-12, Wed 2pm-4pm”); "
                "it will be kept as an opening note")


def _day_index(word: str) -> int:
    w = word.lower().rstrip(".")
    if w in _DAY_WORDS:
        return _DAY_WORDS[w]
    return _DAY_WORDS[w[:3]]


def _parse_time(text: str) -> tuple[int, int, str | None]:
    t = text.strip().lower().replace(".", ":").replace("a:m:", "am").replace("p:m:", "pm")
    if t in ("noon", "midday"):
        return 12, 0, "pm"
    if t == "midnight":
        return 0, 0, "am"
    m = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", t)
    if not m:
        raise ValueError(text)
    return int(m.group(1)), int(m.group(2) or 0), m.group(3)


def _to_24(h: int, meridiem: str | None) -> int:
    if meridiem == "pm" and h < 12:
        return h + 12
    if meridiem == "am" and h == 12:
        return 0
    return h


def parse_time_range(text: str) -> tuple[str, str] | None:
    """"10-12" -> ("10:00", "12:00"); "2pm-4pm" -> ("14:00", "16:00"); "9-5" -> ("09:00", "17:00")."""
    parts = re.split(_DASH, text.strip(), maxsplit=1, flags=re.IGNORECASE)
    if len(parts) != 2:
        return None
    try:
        (h1, m1, ap1), (h2, m2, ap2) = _parse_time(parts[0]), _parse_time(parts[1])
    except ValueError:
        return None
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59:
        return None
    end = _to_24(h2, ap2)
    if ap1 is None and ap2 is not None:
        # "2-4pm": the start shares the end's half of the day when that keeps it before the end.
        start = h1 + 12 if ap2 == "pm" and h1 < 12 and h1 + 12 < end + (m2 > m1) else h1
    elif ap1 is None and ap2 is None and h1 <= 23:
        # "2-4" is the afternoon; "07:30-19:00" and "7-19" are a 24-hour clock (a leading zero, or an end
        # after 12), as the export writes them
        twenty_four = parts[0].strip().startswith("0") or h2 > 12
        start = h1 + 12 if 1 <= h1 <= 7 and not twenty_four else h1
    else:
        start = _to_24(h1, ap1)
    if ap2 is None and (end, m2) <= (start, m1) and end + 12 <= 24:
        end += 12
    if end == 24:
        end, m2 = 23, 59
    if (end, m2) <= (start, m1) or start > 23:
        return None
    return f"{start:02d}:{m1:02d}", f"{end:02d}:{m2:02d}"


def parse_opening_times(text: str) -> ParsedTimes:
    """Read "Mon 10-12, Wed 2pm-4pm", "Mon-Fri 9am to 5pm", "Tues & Thurs 10:00-12:00", "Sat closed"."""
    raw = (text or "").strip()
    if not raw:
        return ParsedTimes((), None, True)
    if _ALWAYS.match(raw):
        return ParsedTimes(tuple(SlotRec(d, "00:00", "23:59") for d in range(7)), None, True)
    slots: list[SlotRec] = []
    days: list[int] = []
    days_used = False
    unknown = False
    saw_day_or_time = False
    pos = 0
    pending_range: list[tuple[str, str]] = []
    for m in _TOKENS.finditer(raw):
        if m.start() != pos:
            unknown = True
        pos = m.end()
        kind = m.lastgroup
        if kind in ("space", "filler"):
            continue
        if kind in ("dayrange", "day", "weekdays", "weekends", "daily"):
            saw_day_or_time = True
            if days_used or pending_range:
                days = []
                days_used = False
            if kind == "dayrange":
                a, b = re.split(_DASH, m.group(), maxsplit=1, flags=re.IGNORECASE)
                start, end = _day_index(a), _day_index(b)
                span = (
                    list(range(start, end + 1))
                    if start <= end
                    else list(range(start, 7)) + list(range(0, end + 1))
                )
                days.extend(span)
            elif kind == "day":
                days.append(_day_index(m.group()))
            elif kind == "weekdays":
                days.extend(range(5))
            elif kind == "weekends":
                days.extend((5, 6))
            else:
                days.extend(range(7))
            if pending_range:  # "10-12 Mondays": the time came first
                for d in days:
                    for o, c in pending_range:
                        slots.append(SlotRec(d, o, c))
                pending_range = []
                days_used = True
        elif kind == "timerange":
            saw_day_or_time = True
            rng = parse_time_range(m.group())
            if rng is None:
                unknown = True
                continue
            if days:
                for d in days:
                    slots.append(SlotRec(d, rng[0], rng[1]))
                days_used = True
            else:
                pending_range.append(rng)
        elif kind == "closed":
            days = []
            days_used = False
    if pos != len(raw):
        unknown = True
    if pending_range:  # times with no day at all
        unknown = True
    if days and not days_used and slots:
        unknown = True  # "Mon 10-12, Fri" — a day left without times
    elif days and not days_used and not slots:
        # Only days ("Tuesdays"): keep them as slots without times.
        slots = [SlotRec(d) for d in days]
    if not saw_day_or_time and not re.search(r"\d", raw):
        return ParsedTimes((), raw, True)  # "By appointment": a note, nothing to read
    if unknown or not slots:
        return ParsedTimes((), raw, False)
    seen: set[tuple[int, str | None, str | None]] = set()
    unique = []
    for s in sorted(slots, key=lambda s: (s.weekday, s.opens or "", s.closes or "")):
        k = (s.weekday, s.opens, s.closes)
        if k not in seen:
            seen.add(k)
            unique.append(s)
    return ParsedTimes(tuple(unique), None, True)


_SHORT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def format_opening_times(slots: Iterable[SlotRec]) -> str:
    """The inverse of `parse_opening_times` for simple weekly slots: "Mon 10:00-12:00; Wed 14:00-16:00"."""
    parts = []
    for s in slots:
        if s.opens and s.closes:
            parts.append(f"{_SHORT_DAYS[s.weekday]} {s.opens}-{s.closes}")
        else:
            parts.append(_SHORT_DAYS[s.weekday])
    return "; ".join(parts)


# --------------------------------------------------------------------------- ages, cost, access
@dataclass(frozen=True)
class AgeRange:
    min_age: int | None
    max_age: int | None


def parse_age(text: str) -> AgeRange | None:
    """"18+", "16-25", "16 to 25", "over 50s", "under 18", "all ages". None when not understood."""
    t = fold(text).strip().rstrip(".")
    if not t or t in ("all", "any", "all ages", "any age", "everyone", "no limit", "n/a", "none"):
        return AgeRange(None, None)
    if t in ("adult", "adults", "adults only"):
        return AgeRange(18, None)
    t = re.sub(r"\b(years?|yrs?|olds?|aged|ages?)\b", " ", t)
    t = re.sub(r"\s+", " ", t).strip()
    if m := re.fullmatch(r"(\d{1,3})\s*(\+|and over|and above|or over|or older|plus)", t):
        return AgeRange(int(m.group(1)), None)
    if m := re.fullmatch(r"(over|above|from|at least|min(?:imum)?)\s*(\d{1,3})\s*'?s?(\+)?", t):
        return AgeRange(int(m.group(2)), None)
    if m := re.fullmatch(r"(under|below)\s*(\d{1,3})\s*'?s?", t):
        return AgeRange(None, max(int(m.group(2)) - 1, 0))
    if m := re.fullmatch(r"(up to|max(?:imum)?|to)\s*(\d{1,3})", t):
        return AgeRange(None, int(m.group(2)))
    if m := re.fullmatch(r"(\d{1,3})\s*(?:-|–|to)\s*(\d{1,3})", t):
        return AgeRange(int(m.group(1)), int(m.group(2)))
    if m := re.fullmatch(r"(\d{1,3})", t):
        return AgeRange(int(m.group(1)), None)
    return None


_FREE = re.compile(r"^\s*(free|no charge|no cost|free of charge|£?0(\.00)?|nil|none)\b[\s.!]*", re.IGNORECASE)


def parse_cost(text: str) -> tuple[bool, str | None]:
    """(is_free, fee description): "Free" -> (True, None); "£3 a session" -> (False, "£3 a session")."""
    t = (text or "").strip()
    if not t:
        return True, None
    charge = re.fullmatch(r"(?is)charge:\s*(.+)", t)
    if charge:  # "Charge: 0" (as the export writes a charge whose words alone would read as free)
        return False, charge.group(1).strip()
    m = _FREE.match(t)
    if m:
        bracketed = re.fullmatch(r"\s*\((.*)\)\s*", t[m.end():], re.S)
        if bracketed and bracketed.group(1).strip():
            return True, bracketed.group(1).strip()  # "Free (donations welcome)", as the export writes it
        rest = t[m.end():].strip(" -–—,;:()")
        return True, (t if rest else None)
    if fold(t).strip(" .") in ("there is a charge", "yes", "y", "paid", "charge", "fee"):
        return False, None  # a charge with no words for it (shown as "There is a charge")
    return False, t


_ACCESS_WORDS: list[tuple[re.Pattern[str], AccessRoute]] = [
    (re.compile(r"\bself[\s-]*refer", re.I), AccessRoute.SELF_REFERRAL),
    (re.compile(r"\bself\b", re.I), AccessRoute.SELF_REFERRAL),
    (
        re.compile(
            r"\b(gp|doctor|professional|social worker|link worker|referral (needed|only|required))\b", re.I
        ),
        AccessRoute.PROFESSIONAL_REFERRAL,
    ),
    (re.compile(r"\bdrop[\s-]*in\b|\bjust (turn|come) (up|along)\b", re.I), AccessRoute.DROP_IN),
    (re.compile(r"\bappointments?\b|\bbook(ing)?\b", re.I), AccessRoute.APPOINTMENT),
]


def parse_access(text: str) -> tuple[list[AccessRoute], bool]:
    """Ways in named in free text. Returns (routes, understood)."""
    t = (text or "").strip()
    if not t:
        return [], True
    found: list[AccessRoute] = []
    for pattern, route in _ACCESS_WORDS:
        if pattern.search(t) and route not in found:
            found.append(route)
    if not found and re.search(r"\breferr", t, re.I):
        found.append(AccessRoute.PROFESSIONAL_REFERRAL)
    order = list(AccessRoute)
    return sorted(found, key=order.index), bool(found)


def guess_access(application_process: str | None) -> list[AccessRoute]:
    """For feeds that do not say: read the "how to apply" text. Nothing is assumed (issue 17): a service
    that does not say how people get to it has no route until the person importing chooses a default."""
    routes, _ = parse_access(application_process or "")
    return routes


def split_list(text: str) -> list[str]:
    """"English, Polish and Urdu" -> ["English", "Polish", "Urdu"]."""
    parts = re.split(r"\s*(?:,|;|/|\||\n|\band\b|&)\s*", (text or "").strip())
    return [p.strip() for p in parts if p and p.strip()]


# --------------------------------------------------------------------------- languages, accessibility
LANGUAGE_CODES = {
    "English": "en", "Welsh": "cy", "Scottish Gaelic": "gd", "Gaelic": "gd", "Irish": "ga", "Polish": "pl",
    "Urdu": "ur", "Punjabi": "pa", "Arabic": "ar", "Bengali": "bn", "Romanian": "ro", "Portuguese": "pt",
    "Spanish": "es", "French": "fr", "Italian": "it", "Lithuanian": "lt", "Somali": "so", "Mandarin": "zh",
    "Chinese": "zh", "Cantonese": "yue", "Tamil": "ta", "Turkish": "tr", "Farsi": "fa", "Persian": "fa",
    "Kurdish": "ku", "Tigrinya": "ti", "Ukrainian": "uk", "Russian": "ru", "Hindi": "hi", "Gujarati": "gu",
    "Slovak": "sk", "Czech": "cs", "Latvian": "lv", "Pashto": "ps", "Dari": "prs", "Amharic": "am",
}
BSL_NAMES = ("british sign language", "bsl")
BSL_CODE = "bfi"
_CODE_TO_LANGUAGE: dict[str, str] = {}
for _name, _code in LANGUAGE_CODES.items():
    _CODE_TO_LANGUAGE.setdefault(_code, _name)


def language_name(name: str | None, code: str | None) -> str | None:
    if name and name.strip():
        return name.strip()
    if code:
        return _CODE_TO_LANGUAGE.get(code.strip().lower().split("-")[0])
    return None


def language_code(name: str) -> str | None:
    return LANGUAGE_CODES.get(name.strip())


#: The venue accessibility features sp_desktop records, with the words used for them in exports
#: (one vocabulary, with the synonyms imports recognise: sp_desktop/domain/accessibility.py).
ACCESSIBILITY_LABELS = STAFF_LABELS


def accessibility_label(code: str) -> str:
    return ACCESSIBILITY_LABELS.get(code, code)


def accessibility_code(text: str) -> str:
    """An export label or a code back to the code; anything else is kept as written."""
    t = text.strip()
    return feature_code(t) or t


# --------------------------------------------------------------------------- names and categories
_NAME_NOISE = re.compile(r"\b(the|ltd|limited|cic|scio|plc|llp|inc|incorporated|co)\b")


def normalise_name(name: str) -> str:
    """For matching organisations:

    "The Cartvale Money-Advice Project Ltd." -> "cartvale money advice project".
    """
    t = fold(name).replace("&", " and ").replace("'", "").replace("’", "")
    t = re.sub(r"[^\w\s]", " ", t)
    t = _NAME_NOISE.sub(" ", t)
    return re.sub(r"\s+", " ", t).strip()


@dataclass(frozen=True)
class CategoryChoice:
    """A category of the practice, as readers and mappers see it (no ORM)."""

    id: int
    code: str
    name: str
    parent_name: str | None = None

    @property
    def label(self) -> str:
        return f"{self.parent_name} › {self.name}" if self.parent_name else self.name


@dataclass
class CategoryMatcher:
    """Finds a practice category for what someone wrote: by code, by name, then a close spelling."""

    categories: Sequence[CategoryChoice]
    threshold: float = 90.0
    _by_key: dict[str, CategoryChoice] = field(default_factory=dict, init=False)
    _names: list[str] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        for c in self.categories:
            self._by_key.setdefault(self._k(c.name), c)
        for c in self.categories:
            self._by_key.setdefault(self._k(c.code), c)
        self._names = [self._k(c.name) for c in self.categories]

    @staticmethod
    def _k(text: str) -> str:
        t = fold(text).replace("&", " and ").replace("-", " ").replace("_", " ")
        return re.sub(r"[^\w\s]", "", re.sub(r"\s+", " ", t)).strip()

    def exact(self, text: str) -> CategoryChoice | None:
        return self._by_key.get(self._k(text))

    def match(self, text: str) -> tuple[CategoryChoice | None, bool]:
        """(category, exact). A close spelling ("Debt advise") is returned with exact=False."""
        hit = self.exact(text)
        if hit is not None:
            return hit, True
        if not self._names:
            return None, False
        best = process.extractOne(self._k(text), self._names, scorer=fuzz.ratio, score_cutoff=self.threshold)
        if best is None:
            return None, False
        return self.categories[best[2]], False

    def split_cell(self, text: str) -> list[tuple[str, CategoryChoice | None, bool]]:
        """Split a cell of several categories, keeping names that contain commas together."""
        out: list[tuple[str, CategoryChoice | None, bool]] = []
        whole = (text or "").strip()
        if not whole:
            return out
        hit = self.exact(whole)
        if hit is not None:
            return [(whole, hit, True)]
        for part in re.split(r"\s*(?:;|\||\n|/)\s*", whole):
            if not part.strip():
                continue
            hit = self.exact(part)
            if hit is not None:
                out.append((part.strip(), hit, True))
                continue
            bits = [b.strip() for b in part.split(",") if b.strip()]
            i = 0
            while i < len(bits):
                for j in range(len(bits), i, -1):
                    candidate = ", ".join(bits[i:j])
                    found = self.exact(candidate)
                    if found is not None:
                        out.append((candidate, found, True))
                        i = j
                        break
                else:
                    cat, exact = self.match(bits[i])
                    out.append((bits[i], cat, exact))
                    i += 1
        return out


# --------------------------------------------------------------------------- addresses, registers
_POSTCODE_IN_TEXT = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2})\s*$", re.IGNORECASE)


def split_address(text: str) -> dict[str, str | None]:
    """"12 High Street, Ferguslie, Paisley PA1 2AB" -> address_1, address_2, town, postcode."""
    t = re.sub(r"\s+", " ", (text or "").replace("\n", ", ")).strip(" ,")
    postcode = None
    m = _POSTCODE_IN_TEXT.search(t)
    if m:
        postcode = m.group(1).upper()
        t = t[:m.start()].strip(" ,")
    parts = [p.strip() for p in t.split(",") if p.strip()]
    out: dict[str, str | None] = {"address_1": None, "address_2": None, "town": None, "postcode": postcode}
    if len(parts) == 1:
        out["address_1"] = parts[0]
    elif len(parts) >= 2:
        out["address_1"] = parts[0]
        out["town"] = parts[-1]
        if len(parts) > 2:
            out["address_2"] = ", ".join(parts[1:-1])
    return out


def guess_register(number: str, heading: str = "") -> RegisterKind:
    """Which register a number belongs to, from its shape (and the column heading)."""
    n = re.sub(r"\s+", "", number.upper())
    head = heading.upper()
    company_column = "COMPAN" in head and "CHARIT" not in head
    if re.fullmatch(r"SC0\d{5}", n) and not company_column:
        return RegisterKind.OSCR
    if re.fullmatch(r"NIC1\d{5}", n):
        return RegisterKind.CCNI
    if re.fullmatch(r"\d{6,7}(-\d{1,2})?", n):
        return RegisterKind.COMPANIES_HOUSE if company_column else RegisterKind.CCEW
    if re.fullmatch(r"\d{8}|(SC|NI|OC|SO|NC|R0)\d{6}", n):
        return RegisterKind.COMPANIES_HOUSE
    return RegisterKind.NONE
