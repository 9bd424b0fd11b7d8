"""Spreadsheets in and out: CSV (as Excel saves it) and XLSX.

Reading is in three steps, each usable on its own (the import wizard shows them as pages):

1. `read_table(path)`: rows of text with their row numbers as Excel shows them. CSV in UTF-8
   (with or without BOM), UTF-16 ("Unicode text") or Windows-1252, with whatever delimiter Excel
   wrote (comma, semicolon, tab or bar); XLSX through openpyxl in read-only mode.
2. `guess_mapping(headers, memory)`: which column holds what, from the headings (and what the
   practice chose last time). People can change it.
3. `feed_from_table(table, mapping, categories)`: records plus every problem, by row and column.
   Repeated organisation names make one organisation with several services.

`write_directory_csv()` writes the plain export (one row per service, organisation columns
repeated) with the same headings, so an exported file can be read straight back.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from sp_desktop.domain.accessibility import feature_code
from sp_desktop.domain.enums import OrganisationStatus, PhoneType, RegisterKind, ServiceStatus
from sp_desktop.domain.errors import Refused
from sp_desktop.domain.locations import is_confidential_address
from sp_desktop.domain.safe_text import guard_spreadsheet_cell, unguard_spreadsheet_cell
from sp_desktop.domain.validators import (
    FieldError,
    check_age_range,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    normalise_registration,
    normalise_url,
)
from sp_desktop.files import write_atomically
from sp_desktop.interop.records import (
    ContactRec,
    Feed,
    FileDuplicate,
    LocationRec,
    OrgRec,
    PhoneRec,
    Problem,
    ServiceRec,
    SlotRec,
    TermRec,
)
from sp_desktop.interop.richtext import has_markup, plain_text, repair_email, repair_phone, repair_url
from sp_desktop.interop.textparse import (
    BSL_NAMES,
    CategoryChoice,
    CategoryMatcher,
    accessibility_label,
    fold,
    guess_access,
    guess_register,
    normalise_name,
    parse_access,
    parse_age,
    parse_cost,
    parse_opening_times,
    split_address,
    split_list,
)

MAX_CSV_BYTES = 100 * 1024 * 1024
IGNORE = ""  # the mapping value for "do not import this column"



class SpreadsheetError(Refused, ValueError):
    """The file cannot be read as a table; the message says why and what to do."""


# --------------------------------------------------------------------------- reading
@dataclass(frozen=True)
class Table:
    """A sheet of text cells. `rows` are (row number as Excel shows it, cells) after the header row."""

    path: Path
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    header_row: int
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    sheet_names: tuple[str, ...] = ()

    @property
    def describe(self) -> str:
        if self.sheet:
            return f"sheet “{self.sheet}”, {len(self.rows):,} rows"
        delim = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars"}.get(
            self.delimiter, self.delimiter
        )
        enc = {
            "utf-8-sig": "UTF-8 with BOM",
            "utf-8": "UTF-8",
            "cp1252": "Windows-1252",
            "utf-16": "UTF-16",
            "latin-1": "Latin-1",
        }.get(self.encoding, self.encoding)
        return f"{enc}, separated by {delim}, {len(self.rows):,} rows"

    def column_values(self, index: int, limit: int = 3) -> list[str]:
        out = []
        for _, cells in self.rows:
            if index < len(cells) and cells[index].strip():
                out.append(cells[index].strip())
                if len(out) >= limit:
                    break
        return out


def decode_text(data: bytes) -> tuple[str, str]:
    """Bytes of a text file -> (text, encoding name). Excel's encodings, most specific first."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most columns, most consistently."""
    sample_lines = [line for line in text[:64 * 1024].splitlines() if line.strip()][:30]
    if not sample_lines:
        return ","
    best, best_score = ",", -1.0
    for d in (",", ";", "\t", "|"):
        counts = [len(r) for r in csv.reader(sample_lines, delimiter=d)]
        if not counts or max(counts) < 2:
            continue
        mode = max(set(counts), key=counts.count)
        if mode < 2:
            continue
        consistency = counts.count(mode) / len(counts)
        score = consistency * 100 + min(mode, 50)
        if score > best_score:
            best, best_score = d, score
    return best


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return (
            value.date().isoformat()
            if value.time() == time(0)
            else value.isoformat(sep=" ", timespec="minutes")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _find_header(raw_rows: list[tuple[int, list[str]]]) -> int:
    """Index in raw_rows of the heading row: the first of the first rows that names known columns."""
    candidates = [
        (i, cells) for i, (_, cells) in enumerate(raw_rows[:15]) if sum(1 for c in cells if c.strip()) >= 2
    ]
    for i, cells in candidates:
        if sum(1 for c in cells if c.strip() and _synonym_field(c)) >= 2:
            return i
    if candidates:
        return candidates[0][0]
    for i, (_, cells) in enumerate(raw_rows):
        if any(c.strip() for c in cells):
            return i
    raise SpreadsheetError("The file has no rows with anything in them.")


def _table_from_rows(path: Path, raw_rows: list[tuple[int, list[str]]], **info: Any) -> Table:
    if not raw_rows:
        raise SpreadsheetError(f"{path.name} is empty: there is nothing to import.")
    h = _find_header(raw_rows)
    header_row, header_cells = raw_rows[h]
    width = max(len(cells) for _, cells in raw_rows)
    headers = [c.strip() for c in header_cells] + [""] * (width - len(header_cells))
    headers = [hd or f"Column {i + 1}" for i, hd in enumerate(headers)]
    rows = tuple((n, tuple(unguard_spreadsheet_cell(c) for c in cells) + ("",) * (width - len(cells)))
                 for n, cells in raw_rows[h + 1:])
    return Table(path, tuple(headers), rows, header_row, **info)


def read_csv_bytes(path: Path, data: bytes) -> Table:
    text, encoding = decode_text(data)
    delimiter = sniff_delimiter(text)
    # Long cells are read, then reported by row, column and size where they are checked (nothing is cut).
    if csv.field_size_limit() < MAX_CSV_BYTES:
        csv.field_size_limit(MAX_CSV_BYTES)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        raw = [(i + 1, row) for i, row in enumerate(reader)]
    except csv.Error as exc:
        raise SpreadsheetError(f"{path.name} could not be read as CSV ({exc}). Open it in Excel and save it "
                               "again as “CSV UTF-8”.") from None
    return _table_from_rows(path, raw, encoding=encoding, delimiter=delimiter)


def read_xlsx(path: Path, sheet: str | None = None) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    from sp_desktop.interop.safety import SafeZip

    with SafeZip(path):  # refuses zip bombs and odd member names before openpyxl unpacks anything
        pass
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise SpreadsheetError(f"{path.name} could not be opened as an Excel workbook ({exc}).") from None
    try:
        names = tuple(wb.sheetnames)
        if sheet is not None:
            if sheet not in names:
                raise SpreadsheetError(f"{path.name} has no sheet called “{sheet}”. Its sheets are: "
                                       f"{', '.join(names)}.")
            chosen = [sheet]
        else:
            chosen = list(names)
        for name in chosen:
            ws = wb[name]
            raw: list[tuple[int, list[str]]] = []
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = [_cell_text(v) for v in values]
                while cells and not cells[-1].strip():
                    cells.pop()
                raw.append((number, cells))
            if any(cells for _, cells in raw):
                return _table_from_rows(path, raw, sheet=name, sheet_names=names)
        raise SpreadsheetError(f"{path.name} has no rows with anything in them.")
    finally:
        wb.close()


_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG photo"), (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file (Word or Excel 97-2003)"),
    (b"SQLite format 3\x00", "an SQLite database"), (b"MZ", "a Windows program"),
    (b"{\\rtf", "a Word (RTF) document"),
    (b"\x1f\x8b", "a compressed (gzip) file"), (b"Rar!", "a RAR archive"), (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"BM", "a bitmap image"), (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"),
)


def not_a_spreadsheet(path: Path, head: bytes) -> str | None:
    """What a file that is not a spreadsheet looks like ("a PNG image"), from its first bytes; or None."""
    if path.suffix.lower() == ".xls" and head.startswith(b"\xd0\xcf\x11\xe0"):
        return None  # said separately: the old Excel format
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            if magic == b"BM" and b"," in head[:64]:
                continue  # a CSV that starts with "BM..."
            return kind
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in head:
            return "a Word document"
        if b"ppt/" in head:
            return "a PowerPoint presentation"
        return None  # an Excel workbook, or a zip checked when it is opened
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "a binary file, not text"
    return None


def read_table(path: Path, sheet: str | None = None) -> Table:
    """Read a CSV or XLSX file into a `Table`. Raises SpreadsheetError with a plain message."""
    path = Path(path)
    if not path.is_file():
        raise SpreadsheetError(f"{path} does not exist or is not a file.")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise SpreadsheetError(
            f"{path.name} is in the old Excel 97-2003 format. Open it in Excel and save it as "
            "“Excel Workbook (.xlsx)” or “CSV UTF-8”, then import that file."
        )
    with path.open("rb") as fh:
        head = fh.read(4096)
    kind = not_a_spreadsheet(path, head)
    if kind:
        raise SpreadsheetError(f"{path.name} is not a spreadsheet (it looks like {kind}). Choose a CSV file "
                               "or an Excel workbook (.xlsx) with one row for each service.")
    if suffix in (".xlsx", ".xlsm") or head.startswith(b"PK\x03\x04"):
        return read_xlsx(path, sheet)
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise SpreadsheetError(
            f"{path.name} is {size // (1024 * 1024)} MB; files over "
            f"{MAX_CSV_BYTES // (1024 * 1024)} MB are not imported. Split it into smaller files."
        )
    return read_csv_bytes(path, path.read_bytes())


# --------------------------------------------------------------------------- columns
@dataclass(frozen=True)
class Field:
    key: str
    label: str
    synonyms: tuple[str, ...]
    required: bool = False


FIELDS: tuple[Field, ...] = (
    Field(
        "organisation",
        "Organisation name",
        (
            "organisation",
            "organisation name",
            "organization",
            "organization name",
            "org",
            "org name",
            "name of organisation",
            "name of organization",
            "provider",
            "provider name",
            "group name",
            "charity name",
            "agency",
            "name",
        ),
        required=True,
    ),
    Field(
        "service",
        "Service name",
        (
            "service",
            "service name",
            "activity",
            "activity name",
            "programme",
            "project",
            "session",
            "service title",
            "group or activity",
        ),
    ),
    Field(
        "alternate_name",
        "Other name",
        ("other name", "also known as", "aka", "alternative name", "short name"),
    ),
    Field(
        "description",
        "Service description",
        (
            "description",
            "service description",
            "details",
            "about",
            "summary",
            "what they offer",
            "what it offers",
            "what they do",
            "info",
            "information",
        ),
    ),
    Field(
        "org_description",
        "Organisation description",
        (
            "organisation description",
            "about the organisation",
            "organisation details",
            "org description",
            "organization description",
        ),
    ),
    Field(
        "categories",
        "Categories",
        (
            "category",
            "categories",
            "type",
            "need",
            "needs",
            "topic",
            "theme",
            "themes",
            "tags",
            "service type",
            "category of need",
        ),
    ),
    Field(
        "phone",
        "Phone",
        (
            "phone",
            "telephone",
            "tel",
            "tel no",
            "phone number",
            "telephone number",
            "contact number",
            "number",
            "mobile",
            "phone no",
            "tel number",
        ),
    ),
    Field(
        "org_phone",
        "Organisation phone",
        ("organisation phone", "organization phone", "main phone", "office phone"),
    ),
    Field("service_phone", "Service phone", ("service phone", "booking line", "advice line")),
    Field("email", "Email", ("email", "e-mail", "email address", "e-mail address", "e mail")),
    Field("org_email", "Organisation email", ("organisation email", "organization email")),
    Field("service_email", "Service email", ("service email", "booking email")),
    Field(
        "website",
        "Website",
        (
            "website",
            "web",
            "web site",
            "url",
            "web address",
            "www",
            "site",
            "organisation website",
            "organization website",
        ),
    ),
    Field(
        "service_url",
        "Service web page",
        (
            "service web page",
            "service website",
            "service url",
            "web page",
            "webpage",
            "more info",
            "more information",
        ),
    ),
    Field(
        "registration_number",
        "Charity or company number",
        (
            "charity number",
            "charity no",
            "registered charity number",
            "scottish charity number",
            "company number",
            "registration number",
            "charity or company number",
            "sc number",
            "oscr number",
            "charity reg no",
        ),
    ),
    Field(
        "venue",
        "Venue name",
        ("venue", "venue name", "location", "location name", "place", "building", "where"),
    ),
    Field("address", "Full address (one cell)", ("address", "full address", "location address")),
    Field(
        "address_1",
        "Address line 1",
        ("address line 1", "address 1", "street", "street address", "address1", "line 1"),
    ),
    Field("address_2", "Address line 2", ("address line 2", "address 2", "address2", "line 2", "district")),
    Field("town", "Town", ("town", "city", "town/city", "locality", "town or city")),
    Field("postcode", "Postcode", ("postcode", "post code", "postal code", "zip")),
    Field(
        "opening_times",
        "Opening times",
        (
            "opening times",
            "opening hours",
            "hours",
            "times",
            "when",
            "days and times",
            "day and time",
            "session times",
            "availability",
            "when it runs",
            "days/times", "opens", "opening",
        ),
    ),
    Field("opening_notes", "Opening notes", ("opening notes", "notes on times", "times notes")),
    Field(
        "eligibility",
        "Who it is for",
        (
            "who it is for",
            "who its for",
            "who it's for",
            "eligibility",
            "criteria",
            "who can attend",
            "who can use it",
            "suitable for",
            "target group",
            "client group",
        ),
    ),
    Field("age", "Ages (e.g. 18+, 16-25)", ("age", "ages", "age range", "age group")),
    Field("min_age", "Minimum age", ("minimum age", "min age", "age from", "lower age")),
    Field("max_age", "Maximum age", ("maximum age", "max age", "age to", "upper age")),
    Field("cost", "Cost", ("cost", "costs", "price", "fee", "fees", "charge", "charges", "is it free")),
    Field(
        "access",
        "How to get there (self-referral, GP referral, drop-in, appointment)",
        (
            "access",
            "how to access",
            "referral",
            "referral route",
            "referral type",
            "how to get there",
            "access route",
            "self referral",
            "how to refer",
            "referral needed",
        ),
    ),
    Field(
        "application_process",
        "How to get in touch",
        (
            "how to get in touch",
            "how to join",
            "how to apply",
            "how to book",
            "how to contact",
            "referral process",
            "getting in touch",
            "how to use",
        ),
    ),
    Field(
        "referral_form",
        "Referral form (web address)",
        ("referral form", "referral form link", "referral link", "referral form url"),
    ),
    Field("languages", "Languages", ("languages", "language", "languages spoken")),
    Field("interpretation", "Interpretation", ("interpretation", "interpreters", "interpreting")),
    Field(
        "service_area",
        "Area covered",
        ("area covered", "service area", "area", "coverage", "catchment", "areas covered"),
    ),
    Field(
        "accessibility",
        "Accessibility",
        ("accessibility", "access notes", "disabled access", "wheelchair access", "accessible"),
    ),
    Field(
        "contact_name",
        "Contact name",
        ("contact", "contact name", "contact person", "key contact", "named contact"),
    ),
    Field("contact_role", "Contact role", ("contact role", "job title", "role", "position", "contact title")),
    Field("contact_phone", "Contact phone", ("contact phone", "contact tel", "direct line")),
    Field("contact_email", "Contact email", ("contact email", "contact e-mail")),
    Field(
        "last_checked",
        "Last checked",
        (
            "last checked",
            "date checked",
            "last updated",
            "updated",
            "verified",
            "last verified",
            "date verified",
            "checked",
        ),
    ),
    Field("status", "Status (active, temporarily closed, closed)", ("status", "service status")),
    Field("org_status", "Organisation status (active, temporarily closed, closed)",
          ("organisation status", "organization status", "org status")),
    Field("org_alternate_name", "Organisation other name",
          ("organisation other name", "organisation also known as", "organisation short name",
           "organization other name")),
    Field("legal_status", "Legal status", ("legal status", "legal form", "legal structure")),
    Field("by_phone", "Also by phone (yes or no)", ("by phone", "also by phone", "telephone service",
                                                    "over the phone")),
    Field("online", "Also online (yes or no)",
          ("online", "also online", "online service", "available online")),
    Field("other_contacts", "Other contacts (one a line: name | role | phone | email)",
          ("other contacts", "more contacts", "additional contacts")),
    Field("transport", "Transport and parking", ("transport", "transport and parking", "public transport",
                                                  "parking", "transport notes", "buses")),
    Field("other_venues", "Other venues (one a line: name | address line 1 | line 2 | town | postcode)",
          ("other venues", "more venues", "other locations", "additional venues", "additional locations")),
    Field("notes", "Practice notes (internal: never printed or exported)",
          ("notes", "note", "internal notes", "practice notes", "staff notes", "our notes", "comments",
           "comment", "remarks")),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}


def _header_key(text: str) -> str:
    t = fold(text).replace("_", " ").replace("&", " and ")
    t = re.sub(r"[^\w\s/'-]", " ", t)
    t = re.sub(r"\s+", " ", t).strip()
    return t.removesuffix("?").strip()


_SYNONYMS: dict[str, str] = {}
for _f in FIELDS:
    for _s in (_f.key.replace("_", " "), _f.label, *_f.synonyms):
        _SYNONYMS.setdefault(_header_key(_s), _f.key)
_SYNONYM_LIST = list(_SYNONYMS)


def _synonym_field(header: str) -> str | None:
    key = _header_key(header)
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    if len(key) < 4:
        return None
    best = process.extractOne(key, _SYNONYM_LIST, scorer=fuzz.ratio, score_cutoff=86)
    return _SYNONYMS[best[0]] if best else None


def memory_key(header: str) -> str:
    return _header_key(header)


def guess_mapping(headers: Sequence[str], memory: Mapping[str, str] | None = None) -> dict[int, str]:
    """{column index: field key}. What the practice chose before wins; then headings; one column per field."""
    memory = memory or {}
    mapping: dict[int, str] = {}
    used: set[str] = set()
    for i, h in enumerate(headers):
        remembered = memory.get(memory_key(h))
        if remembered is not None and (remembered == IGNORE or remembered in FIELD_BY_KEY):
            mapping[i] = remembered
            if remembered:
                used.add(remembered)
    for i, h in enumerate(headers):
        if i in mapping:
            continue
        key = _synonym_field(h)
        if key and key not in used:
            mapping[i] = key
            used.add(key)
        else:
            mapping[i] = IGNORE
    return mapping


class MappingError(Refused, ValueError):
    """The column choices cannot work (e.g. no column for the organisation name)."""


# --------------------------------------------------------------------------- rows -> records
@dataclass
class _Row:
    number: int
    values: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # field -> [(header, text)]
    joined: dict[str, str] = field(default_factory=dict)

    def get(self, key: str) -> str:
        return self.joined.get(key, "")

    def header(self, key: str) -> str:
        vals = self.values.get(key)
        return vals[0][0] if vals else FIELD_BY_KEY[key].label


#: cells that say the source did not state a value (what the export writes for cost / ages not stated)
_NOT_STATED = {"not stated", "cost not stated", "age not stated", "ages not stated"}
_ALL_AGES = {"all ages", "any age", "all"}
#: columns about a service (or its venue): a row with none of them names only its organisation
_SERVICE_KEYS = (
    "service", "alternate_name", "description", "categories", "opening_times", "opening_notes", "eligibility",
    "age", "min_age", "max_age", "cost", "access", "application_process", "referral_form", "languages",
    "interpretation", "service_area", "service_phone", "service_email", "service_url", "venue", "address",
    "address_1", "address_2", "town", "postcode", "accessibility", "transport", "last_checked", "status",
    "by_phone", "online", "notes", "other_venues", "phone", "email")
_YES = {"yes", "y", "true", "1", "✓", "x"}
_NO = {"no", "n", "false", "0"}
#: what practices write in a contact column when there is nothing to write: no value (a note, not an error)
_NO_VALUE = {"not known", "unknown", "n/a", "na", "n.a", "tbc", "tba", "to be confirmed", "-", "--", "–", "—",
             "none", "nil", "no", "?", "not applicable", "not available", "no phone", "no email",
             "no website"}
_CONTACT_KEYS = {"phone", "org_phone", "service_phone", "email", "org_email", "service_email", "website",
                 "service_url", "referral_form", "contact_name", "contact_role", "contact_phone",
                 "contact_email", "registration_number"}
_ORG_STATUS = {"active": OrganisationStatus.ACTIVE, "open": OrganisationStatus.ACTIVE,
               "temporarily closed": OrganisationStatus.TEMPORARILY_CLOSED,
               "paused": OrganisationStatus.TEMPORARILY_CLOSED, "closed": OrganisationStatus.CLOSED}
_STATUS = {"active": ServiceStatus.ACTIVE, "open": ServiceStatus.ACTIVE, "running": ServiceStatus.ACTIVE,
           "yes": ServiceStatus.ACTIVE, "temporarily closed": ServiceStatus.TEMPORARILY_CLOSED,
           "paused": ServiceStatus.TEMPORARILY_CLOSED, "on hold": ServiceStatus.TEMPORARILY_CLOSED,
           "suspended": ServiceStatus.TEMPORARILY_CLOSED, "closed": ServiceStatus.INACTIVE,
           "inactive": ServiceStatus.INACTIVE, "ended": ServiceStatus.INACTIVE, "no": ServiceStatus.INACTIVE,
           "stopped": ServiceStatus.INACTIVE}


def parse_date(text: str) -> date | None:
    t = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y", "%b %Y",
                "%B %Y", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(t, fmt).date()
        except ValueError:
            continue
    return None


_PHONE_KINDS = {t.label.casefold(): t for t in PhoneType} | {t.value: t for t in PhoneType}
_PHONE_ENTRY = re.compile(r"\s*(?P<number>[^\[\];\n]*?)\s*(?:\[(?P<label>[^\]]*)\])?\s*(?:[;\n]|$)")


def phone_entry(display: str, kind: PhoneType, description: str | None) -> str:
    """One number as the export writes it: "0141 496 0123", "0141 496 0123 [Office]",
    "07700 900123 [Text message: bookings]"."""
    if kind is PhoneType.VOICE:
        if not description:
            return display
        head = description.split(":", 1)[0].strip().casefold()
        label = f"{kind.label}: {description}" if ":" in description and head in _PHONE_KINDS else description
    else:
        label = f"{kind.label}: {description}" if description else kind.label
    return f"{display} [{label}]"


def parse_phone_entries(text: str) -> list[tuple[str, PhoneType, str | None]]:
    """(number as written, kind, description) for each number in a cell. Numbers with a label in square
    brackets, as the export writes them, keep their kind and description; other cells are read as people
    write them ("0141 496 0123 / 07700 900123")."""
    if "[" not in (text or ""):
        return [(p, PhoneType.VOICE, None) for p in parse_phone_cell(text or "")]
    out: list[tuple[str, PhoneType, str | None]] = []
    for m in _PHONE_ENTRY.finditer(text):
        number, label = m.group("number").strip(), m.group("label")
        if not number and label is None:
            continue
        kind, said = PhoneType.VOICE, (label or "").strip() or None
        if label is not None:
            head, colon, tail = label.partition(":")
            if colon and head.strip().casefold() in _PHONE_KINDS:
                kind, said = _PHONE_KINDS[head.strip().casefold()], tail.strip() or None
            elif label.strip().casefold() in _PHONE_KINDS:
                kind, said = _PHONE_KINDS[label.strip().casefold()], None
        if re.fullmatch(r"[1-9]\d{9}", number):  # Excel dropped the leading 0
            number = "0" + number
        out.append((number, kind, said))
    return out


def parse_phone_cell(text: str) -> list[str]:
    """Several numbers in one cell: "0141 496 0123 / 07700 900123"."""
    parts = re.split(r"\s*(?:/|;|,|\bor\b|\band\b|\n)\s*", text.strip())
    out = []
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if re.fullmatch(r"[1-9]\d{9}", p):  # Excel dropped the leading 0 of a number stored as a number
            p = "0" + p
        out.append(p)
    return out


_MISSING = object()
_opening_times = lru_cache(maxsize=8192)(parse_opening_times)
_postcode = lru_cache(maxsize=8192)(normalise_postcode)
_age = lru_cache(maxsize=1024)(parse_age)
_org_key = lru_cache(maxsize=16384)(normalise_name)


class _Reader:
    def __init__(self, table: Table, mapping: Mapping[int, str], categories: Sequence[CategoryChoice],
                 create_missing_categories: bool) -> None:
        self.table = table
        self.mapping = {i: k for i, k in mapping.items() if k}
        self.matcher = CategoryMatcher(categories)
        self.create = create_missing_categories
        self.problems: list[Problem] = []
        self.bad_rows: set[int] = set()
        self.row_errors: set[int] = set()  # rows with an error no single field can be left out for
        self.field_errors: dict[int, str] = {}  # id(problem) -> the field it is about
        self.terms: dict[str, TermRec] = {}
        self._memo: dict[tuple[Any, ...], Any] = {}

    def error(self, row: _Row, key: str | None, message: str) -> None:
        problem = Problem("error", message, row.number, row.header(key) if key else None)
        self.problems.append(problem)
        self.bad_rows.add(row.number)
        if key is None or key == "organisation":
            self.row_errors.add(row.number)
        else:
            self.field_errors[id(problem)] = key

    def warn(self, row: _Row, key: str | None, message: str) -> None:
        self.problems.append(Problem("warning", message, row.number, row.header(key) if key else None))

    def take(self, row: _Row, key: str, fn: Any, *args: Any) -> Any:
        memo_key = (fn, *args)  # the same phone or email on many rows is checked once
        result = self._memo.get(memo_key, _MISSING)
        if result is _MISSING:
            try:
                result = fn(*args)
            except FieldError as exc:
                result = exc
            self._memo[memo_key] = result
        if isinstance(result, FieldError):
            self.error(row, key, result.message)
            return None
        return result

    def rows(self) -> list[_Row]:
        out = []
        for number, cells in self.table.rows:
            if not any(c.strip() for c in cells):
                continue
            row = _Row(number)
            for i, key in self.mapping.items():
                text = cells[i].strip() if i < len(cells) else ""
                if ("<" in text or "&" in text) and has_markup(text):  # rich text pasted from a web page
                    text = plain_text(text) or ""
                if text and key in _CONTACT_KEYS and fold(text).strip(" .") in _NO_VALUE:
                    self.problems.append(Problem("warning", f"“{text}” is taken to mean no value; left empty",
                                                 number, self.table.headers[i]))
                    text = ""
                row.values.setdefault(key, []).append((self.table.headers[i], text))
            row.joined = {k: "\n".join(t for _, t in v if t).strip() for k, v in row.values.items()}
            out.append(row)
        return out

    def text(self, row: _Row, key: str, limit: int = 20000) -> str | None:
        value = row.get(key)
        if len(value) > limit:
            self.error(row, key, f"is too long ({len(value):,} characters; at most {limit:,}).")
            return None
        return value or None

    def phones(self, row: _Row, key: str, description: str | None = None) -> list[PhoneRec]:
        out = []
        for raw, kind, said in parse_phone_entries(row.get(key)):
            raw, note = repair_phone(raw)
            if note:
                self.warn(row, key, f"repaired: {note}")
            number = self.take(row, key, normalise_phone, raw, key)
            if number:
                out.append(PhoneRec(number, kind, said or description))
        return out

    def yes_no(self, row: _Row, key: str) -> bool:
        value = fold(row.get(key)).strip(" .!")
        if not value or value in _NO:
            return False
        if value in _YES:
            return True
        self.warn(row, key, f"“{row.get(key)}” is not yes or no; taken as no")
        return False

    def other_contacts(self, row: _Row) -> list[ContactRec]:
        """The "Other contacts" cell: one person a line, "name | role | phone | email"."""
        out = []
        for line in row.get("other_contacts").splitlines():
            if not line.strip():
                continue
            name, role, phone_text, email_text = ([*_split_venue(line), "", "", "", ""])[:4]
            if not name:
                self.warn(row, "other_contacts", f"“{line.strip()[:80]}” has no name; left out")
                continue
            phone = self.take(row, "other_contacts", normalise_phone, phone_text, "other_contacts") \
                if phone_text else None
            email = self.take(row, "other_contacts", normalise_email, email_text, "other_contacts") \
                if email_text else None
            out.append(ContactRec(name[:200], role[:200] or None, phone, email))
        return out

    def single(self, row: _Row, key: str, fn: Any) -> str | None:
        value = row.get(key)
        if not value:
            return None
        repair = {normalise_email: repair_email, normalise_url: repair_url}.get(fn)
        if repair is not None:
            value, note = repair(value)
            if note:
                self.warn(row, key, f"repaired: {note}")
        checked = self.take(row, key, fn, value, key)
        return str(checked) if checked is not None else None

    def service(self, row: _Row, org_name: str) -> ServiceRec:
        name = self.text(row, "service", 300) or org_name
        svc = ServiceRec(name=name, row=row.number)
        svc.alternate_name = self.text(row, "alternate_name", 300)
        svc.description = self.text(row, "description")
        svc.url = self.single(row, "service_url", normalise_url)
        svc.email = self.single(row, "service_email", normalise_email)
        svc.phones = self.phones(row, "service_phone")
        svc.eligibility = self.text(row, "eligibility")
        svc.interpretation = self.text(row, "interpretation")
        svc.application_process = self.text(row, "application_process")
        svc.referral_form_url = self.single(row, "referral_form", normalise_url)
        svc.service_area = self.text(row, "service_area", 300)
        # ages
        age_text = row.get("age")
        if age_text and fold(age_text).strip(" .") in _NOT_STATED:
            age_text = ""
        if age_text:
            ages = _age(age_text)
            if ages is None:
                self.warn(
                    row,
                    "age",
                    f"could not read “{age_text}” as ages (write e.g. 18+, 16-25 or under 18); "
                    "it will be kept in “who it is for”",
                )
                svc.eligibility = "\n".join(x for x in (svc.eligibility, f"Ages: {age_text}") if x)
            else:
                svc.min_age, svc.max_age = ages.min_age, ages.max_age
        all_ages = False
        for key in ("min_age", "max_age"):
            value = row.get(key)
            if value and fold(value).strip(" .") in _NOT_STATED:
                continue
            if value and fold(value).strip(" .") in _ALL_AGES:
                all_ages = True  # said so: "All ages", not "Age not stated"
                continue
            if value:
                if re.fullmatch(r"\d{1,3}", value):
                    setattr(svc, key, int(value))
                else:
                    self.error(row, key, f"“{value}” is not an age in years (write a whole number, e.g. 18).")
        self.take(
            row, "max_age" if row.values.get("max_age") else "age", check_age_range, svc.min_age, svc.max_age
        )
        if svc.min_age is not None and svc.max_age is not None and svc.min_age > svc.max_age:
            svc.min_age = svc.max_age = None  # reported above; never stored the wrong way round
        if svc.min_age is None and svc.max_age is None and not age_text and not all_ages:
            svc.age_not_stated = True  # nothing said about ages: "Age not stated", not "All ages"
        # cost (nothing said: "Cost not stated", not "Free"), access, languages
        cost_text = row.get("cost")
        if not cost_text or fold(cost_text).strip(" .") in _NOT_STATED:
            svc.is_free, svc.fee_description, svc.cost_not_stated = False, None, True
        else:
            svc.is_free, svc.fee_description = parse_cost(cost_text)
        access_text = row.get("access")
        routes, understood = parse_access(access_text)
        if not understood:
            self.warn(row, "access", f"could not tell how people get to the service from “{access_text}”; "
                                     "it is left empty")
        svc.access = routes or guess_access(svc.application_process)
        for lang in split_list(row.get("languages")):
            if fold(lang) in BSL_NAMES:
                svc.bsl = True
            elif lang not in svc.languages:
                svc.languages.append(lang)
        # opening times
        times_text = row.get("opening_times")
        notes = [self.text(row, "opening_notes") or ""]
        if times_text:
            parsed = _opening_times(times_text)
            svc.schedule = [SlotRec(s.weekday, s.opens, s.closes, s.note) for s in parsed.slots]
            if parsed.problem:
                self.warn(row, "opening_times", parsed.problem)
            if parsed.note:
                notes.insert(0, parsed.note)
        svc.schedule_notes = "\n".join(n for n in notes if n) or None
        # categories
        for text, cat, exact in self.matcher.split_cell(row.get("categories")):
            if cat is not None:
                if not exact:
                    self.warn(row, "categories", f"“{text}” taken to mean the category “{cat.name}”")
                term_id = f"category:{cat.code}"
                self.terms.setdefault(term_id, TermRec(term_id, cat.name, code=cat.code))
            else:
                if self.create:
                    self.warn(
                        row,
                        "categories",
                        f"“{text}” is not one of the practice's categories; it will be "
                        "added as a new category",
                    )
                else:
                    self.error(
                        row,
                        "categories",
                        f"“{text}” is not one of the practice's categories. Use a "
                        "category from the list, or tick “Add categories that are not "
                        "in the list”.",
                    )
                    continue
                term_id = f"new:{normalise_name(text)}"
                self.terms.setdefault(term_id, TermRec(term_id, text.strip()))
            if term_id not in svc.term_ids:
                svc.term_ids.append(term_id)
        # status, last checked
        status_text = fold(row.get("status"))
        if status_text:
            status = _STATUS.get(status_text)
            if status is None:
                self.warn(row, "status", f"“{row.get('status')}” is not a status sp_desktop knows (active, "
                                         "temporarily closed or closed); the service will be active")
            else:
                svc.status = status
        svc.by_phone = self.yes_no(row, "by_phone")
        svc.online = self.yes_no(row, "online")
        svc.internal_notes = self.text(row, "notes")  # the practice's own: a trust note, never printed
        checked = row.get("last_checked")
        if checked:
            when = parse_date(checked)
            if when is None:
                self.warn(
                    row, "last_checked", f"“{checked}” is not a date (write e.g. 12/03/2026); left empty"
                )
            svc.last_verified_on = when
        return svc

    def location(self, row: _Row) -> LocationRec | None:
        loc = LocationRec(name=self.text(row, "venue", 300))
        whole = row.get("address")
        if whole:
            parts = split_address(whole)
            loc.address_1, loc.address_2, loc.town = parts["address_1"], parts["address_2"], parts["town"]
            postcode_text = parts["postcode"] or ""
        else:
            postcode_text = ""
        town = self.text(row, "town", 120)
        if whole and town and loc.town and fold(loc.town) != fold(town):
            # "Unit 3, Causeyside St" with the town in its own column: the last part is a street, not a town
            loc.address_2 = ", ".join(x for x in (loc.address_2, loc.town) if x)
        loc.address_1 = self.text(row, "address_1", 300) or loc.address_1
        loc.address_2 = self.text(row, "address_2", 300) or loc.address_2
        loc.town = town or loc.town
        postcode_text = row.get("postcode") or postcode_text
        if postcode_text:
            checked = _postcode(postcode_text)
            loc.postcode = checked.value[:12]
            if checked.warning:
                self.warn(row, "postcode" if row.get("postcode") else "address", checked.warning)
        loc.accessibility, loc.accessibility_notes = split_accessibility(self.text(row, "accessibility"))
        loc.transport_notes = self.text(row, "transport")
        if is_confidential_address(whole) or is_confidential_address(row.get("address_1")):
            loc.make_confidential()  # a refuge or safe house: nothing of the address is kept but the town
            self.warn(row, "address" if is_confidential_address(whole) else "address_1",
                      "the address says “Confidential”: the venue is marked confidential (its address is "
                      "never printed, exported or shown to the front desk) and nothing else in the cell "
                      "is kept")
        if not any((loc.name, loc.address_1, loc.town, loc.postcode, loc.confidential)):
            return None
        loc.id = venue_key(loc)
        return loc

    def other_venues(self, row: _Row) -> list[LocationRec]:
        """The "Other venues" cell: one venue a line, its parts separated by " | " (as the export writes)."""
        out = []
        for line in row.get("other_venues").splitlines():
            if not line.strip():
                continue
            parts = _split_venue(line)
            if len(parts) > len(VENUE_PARTS):
                self.warn(row, "other_venues", f"“{line.strip()[:80]}” has more than {len(VENUE_PARTS)} "
                                               "parts; the extra parts are kept in the transport notes")
                parts = [*parts[:len(VENUE_PARTS) - 1], " | ".join(parts[len(VENUE_PARTS) - 1:])]
            values = dict(zip(VENUE_PARTS, [p or None for p in parts], strict=False))
            loc = LocationRec(name=values.get("name"), address_1=values.get("address_1"),
                              address_2=values.get("address_2"), town=values.get("town"),
                              transport_notes=values.get("transport_notes"))
            loc.accessibility, loc.accessibility_notes = split_accessibility(values.get("accessibility"))
            if values.get("postcode"):
                checked = _postcode(values["postcode"] or "")
                loc.postcode = checked.value[:12]
                if checked.warning:
                    self.warn(row, "other_venues", checked.warning)
            if not any((loc.name, loc.address_1, loc.town, loc.postcode)):
                self.warn(row, "other_venues", f"“{line.strip()[:80]}” names no venue; left out")
                continue
            loc.id = venue_key(loc)
            out.append(loc)
        return out


    def registration(self, row: _Row, org: OrgRec) -> None:
        value = row.get("registration_number")
        if not value or org.registration_number:
            return
        kind = guess_register(value, row.header("registration_number"))
        if kind is RegisterKind.NONE:
            self.warn(
                row,
                "registration_number",
                f"“{value}” does not look like a charity or company number; left out",
            )
            return
        try:
            org.registration_number = normalise_registration(kind, value)
            org.register_kind = kind
        except FieldError as exc:
            self.warn(row, "registration_number", exc.message + " Left out.")

    def contact(self, row: _Row) -> ContactRec | None:
        name = self.text(row, "contact_name", 200)
        role = self.text(row, "contact_role", 200)
        phone_text = row.get("contact_phone")
        email_text = row.get("contact_email")
        if not any((name, role, phone_text, email_text)):
            return None
        phone = None
        if phone_text:
            nums = parse_phone_cell(phone_text)
            phone = self.take(
                row, "contact_phone", normalise_phone, nums[0] if nums else phone_text, "contact_phone"
            )
        email = self.single(row, "contact_email", normalise_email)
        return ContactRec(name or role or "Contact", role if name else None, phone, email)


#: The parts of a venue in the "Other venues" cell, in order (trailing empty parts may be left off).
VENUE_PARTS = ("name", "address_1", "address_2", "town", "postcode", "accessibility", "transport_notes")


def _escape(text: str | None) -> str:
    return (text or "").replace("\\", "\\\\").replace("|", "\\|")


def _split_venue(line: str) -> list[str]:
    """Split a venue line at each "|" not escaped with a backslash, unescaping the parts."""
    parts, current, chars = [], [], iter(line)
    for ch in chars:
        if ch == "\\":
            current.append(next(chars, ""))
        elif ch == "|":
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    return parts


def venue_key(loc: LocationRec) -> str:
    return f"loc:{normalise_name(' '.join(x or '' for x in (loc.name, loc.address_1, loc.postcode)))}"


def accessibility_text(loc: LocationRec) -> str:
    """A venue's accessibility as the export writes it: the features' labels, then the notes."""
    parts = [accessibility_label(a) for a in loc.accessibility]
    if loc.accessibility_notes:
        parts.append(loc.accessibility_notes)
    return "; ".join(parts)


def split_accessibility(text: str | None) -> tuple[list[str], str | None]:
    """(feature codes, notes) from an accessibility cell: the known features named first ("Step-free
    access; Hearing loop; ramp at the side door"), the rest kept word for word as notes."""
    if not text:
        return [], None
    codes: list[str] = []
    rest = text
    while rest:
        head, sep, tail = rest.partition(";")
        code = feature_code(head)
        if code is None or code in codes:
            break
        codes.append(code)
        rest = tail.lstrip(" ") if sep else ""
    return codes, rest.strip() or None


def contact_line(c: ContactRec, phone: str) -> str:
    """One line of the "Other contacts" cell (read back by `_Reader.other_contacts`)."""
    parts = [_escape(v) for v in (c.name, c.role, phone, c.email)]
    while parts and not parts[-1]:
        parts.pop()
    return " | ".join(parts)


def venue_line(loc: LocationRec) -> str:
    """One line of the "Other venues" cell (read back by `_Reader.other_venues`)."""
    parts = [_escape(v) for v in (loc.name, loc.address_1, loc.address_2, loc.town, loc.postcode,
                                  accessibility_text(loc), loc.transport_notes)]
    while parts and not parts[-1]:
        parts.pop()
    return " | ".join(parts)


def feed_from_table(table: Table, mapping: Mapping[int, str], categories: Sequence[CategoryChoice],
                    *, create_missing_categories: bool = False, skip_bad_rows: bool = False,
                    skip_bad_fields: bool = False) -> Feed:
    """Turn rows into organisations and services. Every problem is listed with its row and column.

    With `skip_bad_fields`, a row whose errors are all about single fields (a phone that is not one, a
    category not in the list) is imported without those fields; with `skip_bad_rows`, rows with errors are
    left out. Either way their problems stay in the report, saying what was done.
    """
    if "organisation" not in mapping.values():
        raise MappingError("Choose the column that holds the organisation name (it is needed for every row).")
    r = _Reader(table, mapping, categories, create_missing_categories)
    groups: dict[str, OrgRec] = {}
    shared: dict[str, dict[str, list[Any]]] = {}  # org key -> {"phone"/"email"/"website": [(row, value)...]}
    row_services: list[tuple[str, _Row, ServiceRec, LocationRec | None]] = []
    seen_rows: dict[tuple[str, ...], int] = {}
    rows = r.rows()
    for row in rows:
        name = r.text(row, "organisation", 300)
        if not name:
            r.error(row, "organisation", "the organisation name is empty (every row needs one).")
            # still check the rest of the row, so one pass through the report finds everything
            for key in ("phone", "org_phone"):
                r.phones(row, key)
            for key, fn in (
                ("email", normalise_email),
                ("org_email", normalise_email),
                ("website", normalise_url),
            ):
                r.single(row, key, fn)
            r.contact(row)
            r.service(row, "")
            r.location(row)
            continue
        signature = tuple(t for k in sorted(row.values) for _, t in row.values[k])
        if signature in seen_rows:
            r.warn(row, None, f"repeats row {seen_rows[signature]} exactly; left out")
            continue
        seen_rows[signature] = row.number
        key = " ".join(name.split())  # rows with the same name are one organisation's services
        org = groups.get(key)
        if org is None:
            org = groups[key] = OrgRec(name=name)
            shared[key] = {"phone": [], "email": [], "website": []}
        org.rows.append(row.number)
        desc = r.text(row, "org_description")
        if desc and not org.description:
            org.description = desc
        for attr, field_key, limit in (("alternate_name", "org_alternate_name", 300),
                                       ("legal_status", "legal_status", 200)):
            value = r.text(row, field_key, limit)
            if value and not getattr(org, attr):
                setattr(org, attr, value)
        org_status = fold(row.get("org_status"))
        if org_status:
            if org_status in _ORG_STATUS:
                org.status = _ORG_STATUS[org_status]
            else:
                r.warn(row, "org_status", f"“{row.get('org_status')}” is not an organisation status (active, "
                                          "temporarily closed or closed); left as active")
        for p in r.phones(row, "org_phone"):
            if p.number not in {x.number for x in org.phones}:
                org.phones.append(p)
        org_email = r.single(row, "org_email", normalise_email)
        if org_email and not org.email:
            org.email = org_email
        r.registration(row, org)
        shared[key]["phone"].append((row, r.phones(row, "phone")))
        shared[key]["email"].append((row, r.single(row, "email", normalise_email)))
        shared[key]["website"].append((row, r.single(row, "website", normalise_url)))
        for contact in ([c] if (c := r.contact(row)) else []) + r.other_contacts(row):
            if contact.key() not in [c.key() for c in org.contacts]:
                org.contacts.append(contact)
        if "service" in r.mapping.values() and not any(row.get(k) for k in _SERVICE_KEYS):
            continue  # the organisation alone (as the export writes one without services): no service
        svc = r.service(row, name)
        loc = r.location(row)
        row_services.append((key, row, svc, loc))

    file_duplicates = _near_duplicates(r, groups, rows)

    # Phone, email and website the same on every row of an organisation belong to it;
    # otherwise to each service.
    for key, org in groups.items():
        vals = shared[key]
        phone_sets = [tuple(p.number for p in ps) for _, ps in vals["phone"]]
        org_level_phone = len(set(phone_sets)) == 1
        if org_level_phone and phone_sets[0]:
            for p in vals["phone"][0][1]:
                if p.number not in {x.number for x in org.phones}:
                    org.phones.append(p)
        emails = [e for _, e in vals["email"]]
        if len(set(emails)) == 1 and emails[0] and not org.email:
            org.email = emails[0]
        sites = [w for _, w in vals["website"]]
        if len(set(sites)) == 1 and sites[0]:
            org.website = sites[0]
        else:
            org.website = next((w for w in sites if w), None)
        shared[key]["_org_level"] = [org_level_phone, len(set(emails)) == 1, len(set(sites)) == 1]

    for key, row, svc, loc in row_services:
        org = groups[key]
        phone_org, email_org, site_org = shared[key]["_org_level"]
        if not phone_org:
            ps = next(p for rw, p in shared[key]["phone"] if rw is row)
            svc.phones.extend(p for p in ps if p.number not in {x.number for x in svc.phones})
        if not email_org and not svc.email:
            svc.email = next(e for rw, e in shared[key]["email"] if rw is row)
        if not site_org and not svc.url:
            site = next(w for rw, w in shared[key]["website"] if rw is row)
            if site != org.website:
                svc.url = site
        for venue in ([loc] if loc is not None else []) + r.other_venues(row):
            existing = next((x for x in org.locations if x.id == venue.id), None)
            if existing is None:
                org.locations.append(venue)
            else:
                existing.accessibility = existing.accessibility or venue.accessibility
                existing.accessibility_notes = existing.accessibility_notes or venue.accessibility_notes
                existing.transport_notes = existing.transport_notes or venue.transport_notes
            if venue.id not in svc.location_ids:
                svc.location_ids.append(venue.id or "")
        same = next((s for s in org.services if fold(s.name) == fold(svc.name)), None)
        if same is not None:
            r.warn(row, "service" if row.values.get("service") else "organisation",
                   f"“{svc.name}” appears again for “{org.name}” (first on row {same.row}); imported as a "
                   "second service with the same name")
        org.services.append(svc)

    feed = Feed("spreadsheet", table.path.name, terms=r.terms, records_read=len(rows))
    problems = r.problems
    if skip_bad_fields:  # the bad fields are left out, so their errors no longer stop the import
        problems = [Problem("warning", f"{p.message} The row is imported without it.", p.row, p.column,
                            p.where)
                    if p.is_error and id(p) in r.field_errors and p.row not in r.row_errors else p
                    for p in problems]
        r.bad_rows = set(r.row_errors)
    if skip_bad_rows:  # the rows are left out, so their errors no longer stop the import
        problems = [Problem("warning", f"{p.message} This row is left out.", p.row, p.column, p.where)
                    if p.is_error and p.row in r.bad_rows else p for p in problems]
    feed.whole_row_errors = sum(1 for p in problems if p.is_error and id(p) not in r.field_errors)
    feed.problems = sorted(problems, key=lambda p: (p.row or 0, not p.is_error))
    for org in groups.values():
        if skip_bad_rows:
            org.services = [s for s in org.services if s.row not in r.bad_rows]
            if not org.services and all(n in r.bad_rows for n in org.rows):
                continue
        feed.organisations.append(org)
    feed.suggested_feed_name = f"Spreadsheet {table.path.name}"
    kept = {o.key for o in feed.organisations}
    feed.file_duplicates = [d for d in file_duplicates if d.key in kept and d.other_key in kept]
    return feed


def _near_duplicates(r: _Reader, groups: Mapping[str, OrgRec], rows: Sequence[_Row]) -> list[FileDuplicate]:
    """Organisations in the file whose names are the same but for capitals, spaces or punctuation ("PAISLEY
    CARERS CENTRE" and "Paisley Carers' Centre"), or nearly the same ("Paisley Carer Centre"): shown side by
    side before anything is written, and merged only if the person importing says so. Names are compared
    within groups that share their first word, so a large file stays quick."""
    by_number = {row.number: row for row in rows}
    buckets: dict[str, list[tuple[str, OrgRec]]] = {}
    for org in groups.values():
        norm = _org_key(org.name) or fold(org.name)
        buckets.setdefault(norm.split(" ", 1)[0], []).append((norm, org))
    out: list[FileDuplicate] = []
    for members in buckets.values():
        if len(members) < 2 or len(members) > 300:
            continue
        keys = [k for k, _ in members]
        paired: set[int] = set()
        for i, (norm, org) in enumerate(members):
            for _match, score, j in process.extract(norm, keys[i + 1:], scorer=fuzz.ratio, score_cutoff=90,
                                                    limit=3):
                other = members[i + 1 + j][1]
                if id(other) in paired or re.findall(r"\d+", other.name) != re.findall(r"\d+", org.name):
                    continue  # "Group 1" and "Group 2" are two groups
                paired.add(id(other))
                same = keys[i + 1 + j] == norm
                reason = ("the same name apart from capitals, spaces or punctuation" if same
                          else "nearly the same name")
                out.append(FileDuplicate(other.key, other.name, tuple(other.rows), org.key, org.name,
                                         tuple(org.rows), reason, int(score)))
                row = by_number.get(other.rows[0])
                if row is not None:
                    r.warn(row, "organisation", f"“{other.name}” looks like “{org.name}” (row {org.rows[0]}; "
                                                f"{reason}): choose whether to merge them, keep both or "
                                                "leave this one out")
    return out


def bad_row_numbers(feed: Feed) -> list[int]:
    return sorted({p.row for p in feed.errors if p.row is not None})


# --------------------------------------------------------------------------- writing (plain export)
#: Headings of the plain export, in order. Each is a heading `guess_mapping` recognises.
EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Organisation", "organisation"), ("Organisation description", "org_description"),
    ("Website", "website"), ("Organisation email", "org_email"), ("Organisation phone", "org_phone"),
    ("Charity or company number", "registration_number"), ("Service", "service"),
    ("Other name", "alternate_name"), ("Description", "description"), ("Categories", "categories"),
    ("Opening times", "opening_times"), ("Opening notes", "opening_notes"), ("Who it is for", "eligibility"),
    ("Minimum age", "min_age"), ("Maximum age", "max_age"), ("Cost", "cost"),
    ("How to get there", "access"), ("How to get in touch", "application_process"),
    ("Referral form", "referral_form"), ("Languages", "languages"), ("Interpretation", "interpretation"),
    ("Area covered", "service_area"), ("Service phone", "service_phone"), ("Service email", "service_email"),
    ("Service web page", "service_url"), ("Venue", "venue"), ("Address line 1", "address_1"),
    ("Address line 2", "address_2"), ("Town", "town"), ("Postcode", "postcode"),
    ("Accessibility", "accessibility"), ("Transport and parking", "transport"),
    ("Contact name", "contact_name"), ("Contact role", "contact_role"),
    ("Contact phone", "contact_phone"), ("Contact email", "contact_email"), ("Last checked", "last_checked"),
    ("Status", "status"), ("Organisation status", "org_status"),
    ("Organisation other name", "org_alternate_name"), ("Legal status", "legal_status"),
    ("Also by phone", "by_phone"), ("Also online", "online"), ("Other contacts", "other_contacts"),
)
EXTRA_EXPORT_COLUMNS = ("Other venues", "Vetting")


def write_directory_csv(rows: Iterable[Sequence[str]], out: Path, headings: Sequence[str]) -> int:
    """Write rows as an Excel-friendly CSV (UTF-8 with BOM, CRLF), atomically. Returns the row count."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(headings)
    count = 0
    for row in rows:
        writer.writerow([guard_spreadsheet_cell(str(c)) if c else "" for c in row])
        count += 1
    write_atomically(out, buffer.getvalue(), encoding="utf-8-sig", make_folder=False)
    return count
