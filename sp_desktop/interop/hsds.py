"""Open Referral: HSDS 3.0 and the UK profile (ORUK 3.0), as JSON and as a tabular data package.

Reading: `read_hsds(path)` accepts
  - JSON: one organization (with nested services, as the spec's ``organization_full.json``), a
    list of them, an HSDS 3.0 API page (``{"contents": [...], "total_items"}``), an Open Referral UK
    v1/v2 API page (``{"content": [...], "totalElements", "totalPages"}``, ORUK v1 field names read as
    HSDS 3.0's: `oruk_v1`), or services / service_at_location objects with their organization nested
    (``service_full.json``); a folder or zip of such pages is read as one feed. What was found is
    reported (``Feed.shape``); a data package description, a taxonomy or an unknown shape is refused
    saying what it is;
  - free text is read as plain words (`richtext.plain_text`); e-mail and web addresses and phone
    numbers with obvious slips are mended and each repair listed; the publisher's assured_date and
    last_modified are kept as the publisher's (never the practice's "last checked"); no cost, ages or
    way in is invented; fields sp_desktop has nowhere to keep are counted (``Feed.left_out``);
  - a tabular data package: a folder or a zip of CSV files with ``datapackage.json``; file names
    in the HSDS spelling (``addresses.csv``, ``schedules.csv``...) or the UK profile's singular
    one (``address.csv``, ``schedule.csv``, ``attribute.csv``, ``taxonomy.csv``).
Both forms become the same nested objects, then the same records (`records.Feed`).

Writing: `organization_object()` builds spec-shaped JSON objects from records;
`tables_from_objects()` flattens them into the tabular form; `write_json()` and
`write_tabular()` write files atomically. Only directory data goes out: the records carry no
vetting, notes, contact history or referrals, so exports cannot leak them.

Ids: exported ids are the records' own UUIDs (a non-UUID id is turned into a stable UUIDv5).
Sub-objects sp_desktop does not keep ids for (addresses, languages, service areas...) get ids
derived from their parent's, so exporting the same data twice gives the same file.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import re
import shutil
import tempfile
import uuid
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

import phonenumbers

from sp_desktop.domain.enums import AccessRoute, OrganisationStatus, PhoneType, RegisterKind, ServiceStatus
from sp_desktop.domain.errors import Refused
from sp_desktop.domain.locations import is_confidential_address
from sp_desktop.domain.validators import (
    FieldError,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    normalise_registration,
    normalise_url,
)
from sp_desktop.files import atomic_path
from sp_desktop.interop.records import (
    CapacityRec,
    ContactRec,
    Feed,
    LocationRec,
    OrgRec,
    PhoneRec,
    Problem,
    ServiceRec,
    SlotRec,
    TermRec,
)
from sp_desktop.interop.richtext import plain_text, repair_email, repair_phone, repair_url
from sp_desktop.interop.safety import SafeZip, UnsafeArchive
from sp_desktop.interop.spreadsheet import decode_text
from sp_desktop.interop.textparse import (
    BSL_CODE,
    BSL_NAMES,
    accessibility_code,
    accessibility_label,
    guess_access,
    language_code,
    language_name,
)

MAX_JSON_BYTES = 200 * 1024 * 1024
NAMESPACE = uuid.UUID("5b0d3c5e-8f61-4f0e-9d1b-2f4a2f1c7e11")  # sp_desktop's namespace for derived ids


class HsdsError(Refused, ValueError):
    """The file is not Open Referral data sp_desktop can read; the message says why."""


_NAMESPACE_BYTES = NAMESPACE.bytes
_VARIANT = "89ab" * 4
_VARIANT_OF = {f"{i:x}": _VARIANT[i] for i in range(16)}  # hex digit -> variant digit, without int()
_sha1 = hashlib.sha1
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def derived_id(*parts: str) -> str:
    """``str(uuid.uuid5(NAMESPACE, "\\x1f".join(parts)))``, without building UUID objects (an export of a
    large directory makes millions of these)."""
    h = _sha1(_NAMESPACE_BYTES + "\x1f".join(parts).encode("utf-8")).hexdigest()
    # version 5 in the 13th digit; the RFC 4122 variant (binary 10xx) in the 17th
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT_OF[h[16]]}{h[17:20]}-{h[20:32]}"


def export_id(uid: str) -> str:
    """A record's uid as an HSDS id (UUIDs pass through; anything else becomes a stable UUIDv5)."""
    if isinstance(uid, str):
        if _CANONICAL_UUID.fullmatch(uid):
            return uid  # already what str(uuid.UUID(uid)) gives
        if len(uid.replace("urn:", "").replace("uuid:", "").strip("{}").replace("-", "")) != 32:
            return derived_id("uid", uid)  # what uuid.UUID() would refuse (as it checks first)
    try:
        return str(uuid.UUID(uid))
    except (ValueError, AttributeError, TypeError):
        return derived_id("uid", str(uid))


def is_uuid(text: str | None) -> bool:
    try:
        uuid.UUID(str(text))
    except ValueError:
        return False
    return True


# Taxonomies sp_desktop writes: the practice's categories, and details HSDS has no field for.
CATEGORY_TAXONOMY = {"id": derived_id("taxonomy", "categories"), "name": "Practice categories",
                     "description": "The needs a GP practice's social prescribing directory is organised by."}
DETAILS_TAXONOMY = {"id": derived_id("taxonomy", "service-details"), "name": "sp_desktop service details",
                    "description": "How people get to a service and how it is delivered."}
DETAIL_TERMS: dict[str, str] = {
    "self_referral": "Self-referral", "professional_referral": "GP or professional referral",
    "drop_in": "Drop-in", "appointment": "By appointment", "by_phone": "By phone", "online": "Online",
    "referral_form": "Referral form", "all_ages": "For all ages (the practice says so)",
}
DETAIL_TERM_IDS = {derived_id("detail", code): code for code in DETAIL_TERMS}

_REGISTER_SCHEMES = {RegisterKind.OSCR: ("GB-SC", "Scottish charity number"),
                     RegisterKind.CCEW: ("GB-CHC", "Charity number (England and Wales)"),
                     RegisterKind.CCNI: ("GB-NIC", "Charity number (Northern Ireland)"),
                     RegisterKind.COMPANIES_HOUSE: ("GB-COH", "Company number")}
_SCHEME_REGISTER = {scheme: kind for kind, (scheme, _) in _REGISTER_SCHEMES.items()}
_STATUS_OUT = {ServiceStatus.ACTIVE: "active", ServiceStatus.TEMPORARILY_CLOSED: "temporarily closed",
               ServiceStatus.INACTIVE: "inactive"}
_STATUS_IN = {"active": ServiceStatus.ACTIVE, "temporarily closed": ServiceStatus.TEMPORARILY_CLOSED,
              "temporarily_closed": ServiceStatus.TEMPORARILY_CLOSED, "inactive": ServiceStatus.INACTIVE,
              "defunct": ServiceStatus.INACTIVE}
_PHONE_TYPES = {"voice": PhoneType.VOICE, "cell": PhoneType.VOICE, "pager": PhoneType.VOICE,
                "text": PhoneType.TEXT, "sms": PhoneType.TEXT, "fax": PhoneType.FAX, "video": PhoneType.VIDEO,
                "textphone": PhoneType.TEXTPHONE}
_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

#: The tabular resources sp_desktop reads and writes: name -> (HSDS file name, fields with types).
RESOURCES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "organization": ("organizations.csv", (("id", "string"), ("name", "string"), ("alternate_name", "string"), ("description", "string"), ("email", "string"), ("website", "string"), ("tax_status", "string"), ("tax_id", "string"), ("year_incorporated", "number"), ("legal_status", "string"), ("logo", "string"), ("uri", "string"), ("parent_organization_id", "string"))),  # noqa: E501
    "service": ("services.csv", (("id", "string"), ("organization_id", "string"), ("program_id", "string"), ("name", "string"), ("alternate_name", "string"), ("description", "string"), ("url", "string"), ("email", "string"), ("status", "string"), ("interpretation_services", "string"), ("application_process", "string"), ("fees_description", "string"), ("wait_time", "string"), ("fees", "string"), ("accreditations", "string"), ("eligibility_description", "string"), ("minimum_age", "number"), ("maximum_age", "number"), ("assured_date", "date"), ("assurer_email", "string"), ("licenses", "string"), ("alert", "string"), ("last_modified", "datetime"))),  # noqa: E501
    "attribute": ("attributes.csv", (("id", "string"), ("link_id", "string"), ("taxonomy_term_id", "string"), ("link_type", "string"), ("link_entity", "string"), ("value", "string"))),  # noqa: E501
    "service_at_location": ("service_at_location.csv", (("id", "string"), ("service_id", "string"), ("location_id", "string"), ("description", "string"))),  # noqa: E501
    "location": ("locations.csv", (("id", "string"), ("location_type", "string"), ("url", "string"), ("organization_id", "string"), ("name", "string"), ("alternate_name", "string"), ("description", "string"), ("transportation", "string"), ("latitude", "number"), ("longitude", "number"), ("external_identifier", "string"), ("external_identifier_type", "string"))),  # noqa: E501
    "phone": ("phones.csv", (("id", "string"), ("location_id", "string"), ("service_id", "string"), ("organization_id", "string"), ("contact_id", "string"), ("service_at_location_id", "string"), ("number", "string"), ("extension", "number"), ("type", "string"), ("description", "string"))),  # noqa: E501
    "contact": ("contacts.csv", (("id", "string"), ("organization_id", "string"), ("service_id", "string"), ("service_at_location_id", "string"), ("location_id", "string"), ("name", "string"), ("title", "string"), ("department", "string"), ("email", "string"))),  # noqa: E501
    "address": ("addresses.csv", (("id", "string"), ("location_id", "string"), ("attention", "string"), ("address_1", "string"), ("address_2", "string"), ("city", "string"), ("region", "string"), ("state_province", "string"), ("postal_code", "string"), ("country", "string"), ("address_type", "string"))),  # noqa: E501
    "schedule": ("schedules.csv", (("id", "string"), ("service_id", "string"), ("location_id", "string"), ("service_at_location_id", "string"), ("valid_from", "date"), ("valid_to", "date"), ("dtstart", "date"), ("timezone", "number"), ("until", "date"), ("count", "number"), ("wkst", "string"), ("freq", "string"), ("interval", "number"), ("byday", "string"), ("byweekno", "string"), ("bymonthday", "string"), ("byyearday", "string"), ("description", "string"), ("opens_at", "time"), ("closes_at", "time"), ("schedule_link", "string"), ("attending_type", "string"), ("notes", "string"))),  # noqa: E501
    "service_area": ("service_areas.csv", (("id", "string"), ("service_id", "string"), ("name", "string"), ("description", "string"), ("extent", "string"), ("extent_type", "string"), ("uri", "string"))),  # noqa: E501
    "language": ("languages.csv", (("id", "string"), ("service_id", "string"), ("location_id", "string"), ("phone_id", "string"), ("name", "string"), ("code", "string"), ("note", "string"))),  # noqa: E501
    "accessibility": ("accessibility.csv", (("id", "string"), ("location_id", "string"), ("description", "string"), ("details", "string"), ("url", "string"))),  # noqa: E501
    "taxonomy_term": ("taxonomy_terms.csv", (("id", "string"), ("code", "string"), ("name", "string"), ("description", "string"), ("parent_id", "string"), ("taxonomy", "string"), ("language", "string"), ("taxonomy_id", "string"), ("term_uri", "string"))),  # noqa: E501
    "cost_option": ("cost_options.csv", (("id", "string"), ("service_id", "string"), ("valid_from", "date"), ("valid_to", "date"), ("option", "string"), ("currency", "string"), ("amount", "number"), ("amount_description", "string"))),  # noqa: E501
    "organization_identifier": ("organization_identifiers.csv", (("id", "string"), ("organization_id", "string"), ("identifier_scheme", "string"), ("identifier_type", "string"), ("identifier", "string"))),  # noqa: E501
    "taxonomy": ("taxonomies.csv", (("id", "string"), ("name", "string"), ("description", "string"), ("uri", "string"), ("version", "string"))),  # noqa: E501
}


def _file_names(resource: str) -> list[str]:
    """Every spelling of a resource's file: HSDS plural, UK-profile singular and common variants."""
    path = RESOURCES[resource][0]
    names = [path, f"{resource}.csv", f"{resource}s.csv"]
    if resource.endswith("y"):
        names.append(f"{resource[:-1]}ies.csv")
    if resource.endswith("s"):
        names.append(f"{resource}es.csv")
    if resource == "service_at_location":
        names.append("service_at_locations.csv")
    return names


# --------------------------------------------------------------------------- small helpers
def _s(value: Any) -> str | None:
    """Text or None; numbers become text, whitespace is trimmed."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _t(value: Any) -> str | None:
    """Free text from a feed as plain words: HTML (paragraphs, lists, entities, &nbsp;) read and removed."""
    return plain_text(_s(value))


#: Feeds repeat numbers (a council's switchboard on hundreds of services); phonenumbers is slow to parse.
_cached_phone = functools.lru_cache(maxsize=65536)(normalise_phone)

_REPAIRS: dict[Any, Callable[[str], tuple[str, str | None]]] = {
    normalise_email: repair_email, normalise_url: repair_url}


def _num(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def _date(value: Any) -> date | None:
    text = _s(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _time(value: Any) -> str | None:
    text = _s(value)
    if not text:
        return None
    m = re.match(r"^(\d{1,2}):(\d{2})", text)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        return None
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []

    def error(self, where: str, message: str, column: str | None = None) -> None:
        self.items.append(Problem("error", message, None, column, where))

    def warn(self, where: str, message: str, column: str | None = None) -> None:
        self.items.append(Problem("warning", message, None, column, where))


def _where(obj: dict[str, Any], kind: str) -> str:
    src = obj.get("_where")
    if src:
        return str(src)
    name = _t(obj.get("name"))
    return f"{kind} “{name}”" if name else f"{kind} {obj.get('id') or '(no id)'}"


# --------------------------------------------------------------------------- reading files
def read_hsds(path: Path, from_pages: Callable[[list[tuple[str, Any]], str], Feed] | None = None) -> Feed:
    """Read an Open Referral JSON file, or a tabular data package (folder, zip or one of its CSVs).
    `from_pages` turns loaded JSON documents into a feed (default `feed_from_pages`; interop/feeds.py
    passes one that also knows other publishers' shapes, such as ALISS)."""
    path = Path(path)
    pages_to_feed = from_pages or feed_from_pages
    if not path.exists():
        raise HsdsError(f"{path} does not exist.")
    if path.is_dir():
        pages = [p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".json"
                 and p.name.lower() != "datapackage.json"]
        if pages and not any(p.suffix.lower() == ".csv" for p in path.iterdir()):
            return pages_to_feed([(p.name, _load_json(p.read_bytes(), p.name))
                                  for p in sorted(pages, key=lambda p: _natural(p.name))], path.name)
        tables, problems, name = read_package_folder(path)
        return _package_feed(tables, path.name, problems, name)
    suffix = path.suffix.lower()
    if suffix == ".zip":
        with SafeZip(path) as zf:
            members = [n for n in zf.names if not n.endswith("/")]
            jsons = [n for n in members if n.lower().endswith(".json")
                     and PurePosixPath(n).name.lower() != "datapackage.json"]
            if jsons and not any(n.lower().endswith(".csv") for n in members):
                return pages_to_feed([(PurePosixPath(n).name, _load_json(zf.read(n), PurePosixPath(n).name))
                                      for n in sorted(jsons, key=_natural)], path.name)
        tables, problems, name = read_package_zip(path)
        return _package_feed(tables, path.name, problems, name)
    if suffix == ".csv":
        tables, problems, name = read_package_folder(path.parent)
        return _package_feed(tables, path.parent.name, problems, name)
    size = path.stat().st_size
    if size > MAX_JSON_BYTES:
        raise HsdsError(f"{path.name} is {size // (1024 * 1024)} MB; files over "
                        f"{MAX_JSON_BYTES // (1024 * 1024)} MB are not imported.")
    return pages_to_feed([(path.name, _load_json(path.read_bytes(), path.name))], path.name)


def _load_json(data: bytes, name: str) -> Any:
    if len(data) > MAX_JSON_BYTES:
        raise HsdsError(f"{name} is {len(data) // (1024 * 1024)} MB; files over "
                        f"{MAX_JSON_BYTES // (1024 * 1024)} MB are not imported.")
    text, _enc = decode_text(data)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise HsdsError(
            f"{name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from None


def _natural(name: str) -> list[Any]:
    """Sort key putting page-2.json before page-10.json."""
    return [int(x) if x.isdigit() else x.lower() for x in re.split(r"(\d+)", name)]


def _package_feed(tables: dict[str, list[dict[str, Any]]], source: str, problems: list[Problem],
                  name: str) -> Feed:
    feed = feed_from_tables(tables, source, problems, name)
    n_tables = sum(1 for rows in tables.values() if rows)
    feed.shape = (f"an Open Referral data package ({_plural(n_tables, 'table')}): "
                  f"{_plural(len(tables.get('organization', [])), 'organisation')}, "
                  f"{_plural(len(tables.get('service', [])), 'service')}")
    return feed


def _parse_csv(data: bytes, file_name: str) -> list[dict[str, Any]]:
    text, _ = decode_text(data)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = []
    try:
        for i, row in enumerate(reader, start=2):
            clean = {(k or "").strip().lower(): (v.strip() if isinstance(v, str) else v)
                     for k, v in row.items() if k is not None}
            if not any(v for v in clean.values()):
                continue
            clean["_where"] = f"{file_name} row {i}"
            rows.append(clean)
    except csv.Error as exc:
        raise HsdsError(f"{file_name} could not be read as CSV ({exc}).") from None
    return rows


def _resource_paths(package: dict[str, Any] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    if not package:
        return out
    for res in package.get("resources") or []:
        if isinstance(res, dict) and isinstance(res.get("name"), str) and isinstance(res.get("path"), str):
            out[res["name"]] = res["path"]
    return out


def _tables_from_files(files: dict[str, Any], read: Any, label: str,
                       package: dict[str, Any] | None) -> dict[str, list[dict[str, Any]]]:
    """files: lower-case base name -> member. Returns resource -> rows."""
    declared = _resource_paths(package)
    tables: dict[str, list[dict[str, Any]]] = {}
    for resource in RESOURCES:
        candidates = []
        if resource in declared:
            candidates.append(Path(declared[resource]).name.lower())
        candidates += [n.lower() for n in _file_names(resource)]
        for name in candidates:
            if name in files:
                tables[resource] = _parse_csv(read(files[name]), Path(str(files[name])).name)
                break
    if "organization" not in tables:
        raise HsdsError(
            f"{label} has no organizations.csv (or organization.csv), so it is not an Open Referral "
            "data package sp_desktop can read."
        )
    return tables


def _package_name(package: dict[str, Any] | None, fallback: str) -> str:
    if package:
        title = _s(package.get("title")) or _s(package.get("name"))
        if title and title.lower() not in ("human services data specification", "human_services_data"):
            return title
    return fallback


def read_package_folder(folder: Path) -> tuple[dict[str, list[dict[str, Any]]], list[Problem], str]:
    files = {
        p.name.lower(): p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".json")
    }
    problems: list[Problem] = []
    package = None
    dp = files.get("datapackage.json")
    if dp is None:
        problems.append(
            Problem(
                "warning",
                "there is no datapackage.json; the CSV files were recognised by their names",
                where=folder.name,
            )
        )
    else:
        package = _load_package(dp.read_bytes(), folder.name, problems, base=folder)
    tables = _tables_from_files(files, lambda p: p.read_bytes(), folder.name, package)
    return tables, problems, _package_name(package, folder.name)


def _load_package(
    data: bytes, label: str, problems: list[Problem], base: Path | None = None
) -> dict[str, Any] | None:
    text, _ = decode_text(data)
    try:
        value = json.loads(text)
        return value if isinstance(value, dict) else None
    except json.JSONDecodeError:
        pass
    # A datapackage.json checked out from git as a symbolic link arrives as the link's text.
    target = text.strip()
    if base is not None and target and "\n" not in target and target.endswith(".json"):
        candidate = (base / target).resolve()
        if candidate.is_file() and candidate.stat().st_size < 10 * 1024 * 1024:
            try:
                value = json.loads(candidate.read_text(encoding="utf-8"))
                return value if isinstance(value, dict) else None
            except (json.JSONDecodeError, UnicodeDecodeError):
                pass
    problems.append(Problem("warning", "datapackage.json could not be read; the CSV files were recognised by "
                                       "their names", where=label))
    return None


def read_package_zip(path: Path) -> tuple[dict[str, list[dict[str, Any]]], list[Problem], str]:
    problems: list[Problem] = []
    with SafeZip(path) as zf:
        csvs = [n for n in zf.names if n.lower().endswith((".csv", ".json"))]
        if not csvs:
            raise HsdsError(f"{path.name} holds no CSV files, so it is not an Open Referral data package.")
        # The package may sit in a folder inside the zip: use the shallowest folder with the files.
        dps = sorted(
            (n for n in csvs if Path(n).name.lower() == "datapackage.json"), key=lambda n: n.count("/")
        )
        orgs = sorted(
            (n for n in csvs if Path(n).name.lower() in ("organizations.csv", "organization.csv")),
            key=lambda n: n.count("/"),
        )
        anchor = dps[0] if dps else (orgs[0] if orgs else csvs[0])
        def parent(name: str) -> str:
            text = str(PurePosixPath(name.replace("\\", "/")).parent)
            return "" if text == "." else text

        folder = parent(anchor)
        files = {PurePosixPath(n).name.lower(): n for n in csvs if parent(n) == folder}
        package = None
        if "datapackage.json" in files:
            package = _load_package(zf.read(files["datapackage.json"]), path.name, problems)
        else:
            problems.append(
                Problem(
                    "warning",
                    "there is no datapackage.json; the CSV files were recognised by their names",
                    where=path.name,
                )
            )
        tables = _tables_from_files(files, zf.read, path.name, package)
    return tables, problems, _package_name(package, path.stem)


# --------------------------------------------------------------------------- tables -> nested objects
def objects_from_tables(tables: dict[str, list[dict[str, Any]]], problems: _Problems) -> list[dict[str, Any]]:
    """Assemble tabular rows into organization objects nested as in the JSON form."""
    def by_id(resource: str) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for row in tables.get(resource, []):
            rid = _s(row.get("id"))
            if not rid:
                problems.error(row["_where"], "has no id, so nothing can refer to it; left out", "id")
                continue
            if rid in out:
                problems.warn(row["_where"], f"repeats the id {rid}; the later row is left out", "id")
                continue
            out[rid] = dict(row)
        return out

    # rows looked up by id below (and loop variables); any of them may be missing from the package
    svc: dict[str, Any] | None
    loc: dict[str, Any] | None
    org: dict[str, Any] | None
    sal: dict[str, Any] | None
    contact: dict[str, Any] | None
    term: dict[str, Any] | None
    orgs = by_id("organization")
    services = by_id("service")
    locations = by_id("location")
    contacts = by_id("contact")
    sals = by_id("service_at_location")
    terms = by_id("taxonomy_term")
    taxonomies = by_id("taxonomy")
    for term in terms.values():
        tax = taxonomies.get(_s(term.get("taxonomy_id")) or "")
        if tax is not None:
            term["taxonomy_detail"] = tax
    for o in orgs.values():
        for key in ("services", "locations", "contacts", "phones", "organization_identifiers"):
            o[key] = []
    for s in services.values():
        for key in (
            "phones",
            "schedules",
            "service_areas",
            "languages",
            "cost_options",
            "contacts",
            "attributes",
            "service_at_locations",
        ):
            s[key] = []
    for loc in locations.values():
        for key in ("addresses", "accessibility"):
            loc[key] = []
    for c in contacts.values():
        c["phones"] = []

    for s in services.values():
        org = orgs.get(_s(s.get("organization_id")) or "")
        if org is None:
            problems.error(
                s["_where"],
                f"names organisation {s.get('organization_id') or '(none)'}, which is not "
                "in the organisations file; the service is left out",
                "organization_id",
            )
            continue
        org["services"].append(s)
    for sal in sals.values():
        svc = services.get(_s(sal.get("service_id")) or "")
        loc = locations.get(_s(sal.get("location_id")) or "")
        if svc is None or loc is None:
            problems.warn(sal["_where"], "links a service or venue that is not in the package; left out")
            continue
        sal.update({"location": loc, "phones": [], "schedules": [], "contacts": []})
        svc["service_at_locations"].append(sal)
    for loc in locations.values():
        org = orgs.get(_s(loc.get("organization_id")) or "")
        if org is not None:
            org["locations"].append(loc)
    for row in tables.get("address", []):
        loc = locations.get(_s(row.get("location_id")) or "")
        if loc is not None:
            loc["addresses"].append(row)
    for row in tables.get("accessibility", []):
        loc = locations.get(_s(row.get("location_id")) or "")
        if loc is not None:
            loc["accessibility"].append(row)
    for c in contacts.values():
        svc = services.get(_s(c.get("service_id")) or "")
        sal = sals.get(_s(c.get("service_at_location_id")) or "")
        org = orgs.get(_s(c.get("organization_id")) or "")
        if svc is not None:
            svc["contacts"].append(c)
        elif sal is not None and "location" in sal:
            sal["contacts"].append(c)
        elif org is not None:
            org["contacts"].append(c)
    for row in tables.get("phone", []):
        contact = contacts.get(_s(row.get("contact_id")) or "")
        svc = services.get(_s(row.get("service_id")) or "")
        sal = sals.get(_s(row.get("service_at_location_id")) or "")
        org = orgs.get(_s(row.get("organization_id")) or "")
        if contact is not None:
            contact["phones"].append(row)
        if svc is not None:
            svc["phones"].append(row)
        elif sal is not None and "location" in sal:
            sal["phones"].append(row)
        elif org is not None and contact is None:
            org["phones"].append(row)
    for row in tables.get("schedule", []):
        svc = services.get(_s(row.get("service_id")) or "")
        sal = sals.get(_s(row.get("service_at_location_id")) or "")
        if svc is not None:
            svc["schedules"].append(row)
        elif sal is not None and "location" in sal:
            sal["schedules"].append(row)
    for resource, key in (("service_area", "service_areas"), ("language", "languages"),
                          ("cost_option", "cost_options")):
        for row in tables.get(resource, []):
            svc = services.get(_s(row.get("service_id")) or "")
            if svc is not None:
                svc[key].append(row)
    for row in tables.get("organization_identifier", []):
        org = orgs.get(_s(row.get("organization_id")) or "")
        if org is not None:
            org["organization_identifiers"].append(row)
    for row in tables.get("attribute", []):
        entity = (_s(row.get("link_entity")) or "").lower()
        svc = services.get(_s(row.get("link_id")) or "")
        if svc is None or entity not in ("service", "services", ""):
            continue
        term = terms.get(_s(row.get("taxonomy_term_id")) or "")
        if term is None:
            problems.warn(
                row["_where"],
                f"names taxonomy term {row.get('taxonomy_term_id') or '(none)'}, which is "
                "not in the package; left out",
                "taxonomy_term_id",
            )
            continue
        attr = dict(row)
        attr["taxonomy_term"] = term
        svc["attributes"].append(attr)
    for t in terms.values():
        t["_all_terms"] = terms  # parents, for categories made from a feed's taxonomy
    return list(orgs.values())


def feed_from_tables(tables: dict[str, list[dict[str, Any]]], source_name: str,
                     problems: Sequence[Problem] = (), suggested_name: str = "") -> Feed:
    p = _Problems()
    p.items.extend(problems)
    orgs = objects_from_tables(tables, p)
    feed = _feed_from_objects(orgs, source_name, p)
    feed.records_read = sum(len(rows) for rows in tables.values())
    feed.suggested_feed_name = suggested_name or source_name
    return feed


# --------------------------------------------------------------------------- JSON -> objects
def _kind(obj: dict[str, Any]) -> str:
    if isinstance(obj.get("service"), dict):
        return "service_at_location"
    if "services" in obj or "organization_identifiers" in obj:
        return "organization"
    if any(k in obj for k in ("organization", "organization_id", "service_at_locations", "status")):
        return "service"
    return "organization"


_SERVICE_KEYS = frozenset({
    "organization", "organization_id", "service_at_locations", "status", "fees", "fees_description",
    "eligibility_description", "application_process", "assured_date", "url", "schedules", "service_areas",
    "languages", "cost_options", "attributes", "service", "location", "interpretation_services",
    "minimum_age", "maximum_age"})
_ORG_KEYS = frozenset({"services", "organization_identifiers", "website", "legal_status", "tax_status",
                       "year_incorporated", "locations", "logo", "parent_organization_id"})
_TAXONOMY_KEYS = frozenset({"parent_id", "taxonomy", "taxonomy_id", "taxonomy_detail", "term_uri",
                            "vocabulary", "code"})
_TAXONOMY_ONLY = frozenset({"id", "name", "description", "uri", "version"})


def _looks_like_taxonomy(item: dict[str, Any]) -> bool:
    keys = set(item)
    if keys & (_SERVICE_KEYS | _ORG_KEYS):
        return False
    return bool(keys & _TAXONOMY_KEYS) or (bool(keys) and keys <= _TAXONOMY_ONLY and "version" in keys)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


@dataclass
class _Page:
    """One JSON document of a feed, unwrapped: its items and what it said about the whole."""

    items: list[dict[str, Any]]
    style: str  # "oruk-page" | "hsds-list" | "list" | "single"
    total_items: int | None = None
    total_pages: int | None = None
    number: int | None = None  # as the page says it (ORUK counts from 0, HSDS from 1)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def unwrap_json(data: Any, source_name: str) -> _Page:
    """Recognise what a JSON document is. Raises HsdsError, saying what it is, for what is not
    organisations or services (a data package description, a taxonomy, an unknown wrapper)."""
    if isinstance(data, dict):
        if isinstance(data.get("content"), list) and ("totalElements" in data or "totalPages" in data
                                                      or "pageable" in data or "number" in data):
            return _Page(_list(data["content"]), "oruk-page", _int(data.get("totalElements")),
                         _int(data.get("totalPages")), _int(data.get("number")))
        if isinstance(data.get("contents"), list):
            return _Page(_list(data["contents"]), "hsds-list", _int(data.get("total_items")),
                         _int(data.get("total_pages")), _int(data.get("page_number", data.get("page"))))
        if isinstance(data.get("resources"), list) and ("profile" in data or "resources" in data):
            raise HsdsError(
                f"{source_name} is the description of a data package (datapackage.json), not the data. "
                "Choose the folder or zip file that holds it together with its CSV files "
                "(organizations.csv, services.csv...).")
        if _looks_like_taxonomy(data):
            raise HsdsError(
                f"{source_name} is a taxonomy (a list of categories), not organisations or services. To add "
                "its terms to the practice's categories, choose “Import categories…” in the File "
                "menu (on the command line: sp-desktop import-categories).")
        if not ({"name", "id"} & set(data)) or not (set(data) & (_SERVICE_KEYS | _ORG_KEYS | {"name"})):
            keys = ", ".join(sorted(str(k) for k in data)[:8])
            raise HsdsError(
                f"{source_name} is not a shape of Open Referral data sp_desktop recognises (its keys are: "
                f"{keys}). "
                "It reads an organisation or service, a list of them, an Open Referral UK API page "
                "(content, totalElements, totalPages) or an HSDS 3.0 list (contents, total_items).")
        return _Page([data], "single", 1, 1, None)
    if isinstance(data, list):
        return _Page(_list(data), "list", None, None, None)
    raise HsdsError(f"{source_name} does not hold Open Referral organisations or services.")


def _describe_pages(pages: list[_Page], items: list[dict[str, Any]], source: str) -> tuple[str, list[str]]:
    """("an Open Referral UK API response: 1 page, 738 services", [warnings])."""
    services = sum(1 for i in items if _kind(i) != "organization")
    orgs = len(items) - services
    what = ", ".join(x for x in (_plural(orgs, "organisation") if orgs else "",
                                 _plural(services, "service") if services else "") if x)
    style = pages[0].style
    label = {"oruk-page": "an Open Referral UK API response (content, totalElements, totalPages)",
             "hsds-list": "an HSDS 3.0 list response (contents, total_items)",
             "list": "a list", "single": "one record"}[style]
    if len(pages) > 1:
        label = f"{len(pages)} pages of " + label.replace("an ", "", 1).replace("a ", "", 1)
    warnings: list[str] = []
    if style in ("oruk-page", "hsds-list"):
        declared_pages = max((p.total_pages or 0) for p in pages)
        declared_items = max((p.total_items or 0) for p in pages)
        text = f"{label}: {_plural(len(pages), 'page')}, {what}"
        if declared_pages > len(pages):
            warnings.append(
                f"{source} says the feed has {_plural(declared_pages, 'page')} but {len(pages)} "
                f"{'is' if len(pages) == 1 else 'are'} here: only these {_plural(len(items), 'record')} are "
                "imported. Save every page into one folder (or zip) and import that to get them all.")
        elif declared_items and declared_items > len(items):
            warnings.append(f"{source} says the feed has {_plural(declared_items, 'record')} but "
                            f"{len(items):,} {'is' if len(items) == 1 else 'are'} here: only these are "
                            "imported.")
        return text, warnings
    return f"{label}: {what}", warnings


def feed_from_pages(documents: list[tuple[str, Any]], source_name: str) -> Feed:
    """A feed from one or more JSON documents (an API response saved as a file, or a folder or zip of its
    pages)."""
    pages = [unwrap_json(data, name) for name, data in documents]
    items = [i for page in pages for i in page.items]
    if not items:
        raise HsdsError(f"{source_name} holds no organisations or services.")
    if all(_looks_like_taxonomy(i) for i in items):
        raise HsdsError(
            f"{source_name} is a taxonomy (a list of categories), not organisations or services. To add "
            "its terms to the practice's categories, choose “Import categories…” in the File "
            "menu (on the command line: sp-desktop import-categories).")
    shape, warnings = _describe_pages(pages, items, source_name)
    feed = feed_from_items(items, source_name)
    feed.shape = shape
    if feed.suggested_feed_name.startswith("Shared directory from "):
        feed.shape = "a s" + feed.suggested_feed_name[1:] + f" ({shape})"
    feed.problems[:0] = [Problem("warning", w, where=source_name) for w in warnings]
    return feed


def feed_from_json(data: Any, source_name: str) -> Feed:
    return feed_from_pages([(source_name, data)], source_name)


def _oruk_location(loc: dict[str, Any]) -> dict[str, Any]:
    if "physical_addresses" not in loc and "accessibility_for_disabilities" not in loc:
        return loc
    loc = dict(loc)
    if not loc.get("addresses"):
        loc["addresses"] = _list(loc.get("physical_addresses"))
    if not loc.get("accessibility"):
        loc["accessibility"] = [{"id": a.get("id"), "description": a.get("accessibility")}
                                for a in _list(loc.get("accessibility_for_disabilities"))]
    return loc


def oruk_v1(item: dict[str, Any]) -> dict[str, Any]:
    """An Open Referral UK v1 object (as council APIs serve it) in HSDS 3.0 field names: regular_schedules,
    service_taxonomys, physical_addresses, accessibility_for_disabilities, languages as {"language": ...},
    service_areas as {"service_area": ...} and the organisation's "url". HSDS 3.0 objects pass unchanged."""
    v1 = ("regular_schedules", "service_taxonomys", "eligibilitys", "holiday_schedules", "fundings")
    if not any(k in item for k in v1) and not isinstance(item.get("organization"), dict):
        return item
    d = dict(item)
    if not d.get("schedules") and isinstance(d.get("regular_schedules"), list):
        d["schedules"] = [{**r, "byday": r.get("byday") or r.get("weekday")}
                          for r in _list(d["regular_schedules"])]
    if not d.get("attributes") and isinstance(d.get("service_taxonomys"), list):
        attrs = []
        for st in _list(d["service_taxonomys"]):
            tax = st.get("taxonomy") if isinstance(st.get("taxonomy"), dict) else None
            if tax is not None:
                attrs.append({"id": st.get("id"), "taxonomy_term": {
                    "id": tax.get("id"), "name": tax.get("name"), "parent_id": tax.get("parent"),
                    "taxonomy": tax.get("vocabulary")}})
        d["attributes"] = attrs
    if isinstance(d.get("languages"), list):
        d["languages"] = [{"name": x.get("language"), **x} if "language" in x and "name" not in x else x
                          for x in _list(d["languages"])]
    if isinstance(d.get("service_areas"), list):
        d["service_areas"] = [{"name": x.get("service_area"), **x} if "service_area" in x and "name" not in x
                              else x for x in _list(d["service_areas"])]
    if isinstance(d.get("service_at_locations"), list):
        d["service_at_locations"] = [
            {**sal, "location": _oruk_location(sal["location"])} if isinstance(sal.get("location"), dict)
            else sal
            for sal in _list(d["service_at_locations"])]
    org = d.get("organization")
    if isinstance(org, dict) and org.get("url") and not org.get("website"):
        d["organization"] = {**org, "website": org.get("url")}
    return d


def feed_from_items(items: list[dict[str, Any]], source_name: str) -> Feed:
    p = _Problems()
    items = [oruk_v1(i) for i in items]
    orgs: dict[str, dict[str, Any]] = {}
    order: list[dict[str, Any]] = []

    def add_org(o: dict[str, Any]) -> dict[str, Any]:
        oid = _s(o.get("id"))
        if oid and oid in orgs:
            return orgs[oid]
        o = dict(o)
        o["services"] = list(_list(o.get("services")))
        if oid:
            orgs[oid] = o
        order.append(o)
        return o

    for item in items:
        kind = _kind(item)
        if kind == "organization":
            existing = orgs.get(_s(item.get("id")) or "")
            if existing is not None:
                existing["services"].extend(_list(item.get("services")))
            else:
                add_org(item)
            continue
        if kind == "service_at_location":
            svc = dict(item["service"])
            sal = {k: v for k, v in item.items() if k != "service"}
            svc["service_at_locations"] = [*_list(svc.get("service_at_locations")), sal]
        else:
            svc = item
        org_obj = svc.get("organization") if isinstance(svc.get("organization"), dict) else None
        org_id = _s((org_obj or {}).get("id")) or _s(svc.get("organization_id"))
        if org_obj is None and org_id and org_id in orgs:
            org_obj = orgs[org_id]
        if org_obj is None:
            p.error(_where(svc, "service"), "does not say which organisation runs it (no “organization”); "
                                            "left out", "organization")
            continue
        target = add_org(org_obj)
        target["services"] = [s for s in target["services"] if _s(s.get("id")) != _s(svc.get("id"))] + [svc]
    feed = _feed_from_objects(order, source_name, p)
    feed.records_read = len(items)
    feed.suggested_feed_name = Path(source_name).stem
    shared_by = next((o.provenance["practice"] for o in feed.organisations if o.provenance), None)
    if shared_by:  # a neighbouring practice's shared directory: its second import updates the first
        feed.suggested_feed_name = f"Shared directory from {shared_by}"[:200]
    return feed


# --------------------------------------------------------------------------- objects -> records
#: The fields of each HSDS / ORUK object that sp_desktop keeps (every other field with a value is counted and
#: listed as left out, before anything is written).
_ORG_STATUS_IN = {"active": OrganisationStatus.ACTIVE, "closed": OrganisationStatus.CLOSED,
                  "temporarily closed": OrganisationStatus.TEMPORARILY_CLOSED}
#: sp_desktop's extension field for an organisation's status (HSDS 3.0 has none; "status" would make the
#: object look like a service to readers that tell them apart by it).
ORG_STATUS_FIELD = "operating_status"
#: sp_desktop's extension in a shared directory: who vetted the organisation (a neighbouring practice), when,
#: its review date and the names and dates of its checklist items.
PROVENANCE_FIELD = "sp_desktop_provenance"
_ORG_KEPT = frozenset({"id", "name", ORG_STATUS_FIELD, PROVENANCE_FIELD, "alternate_name", "description",
                       "email", "website", "url", "legal_status", "organization_identifiers", "phones",
                       "contacts", "locations", "services"})
_SERVICE_KEPT = frozenset({
    "id", "organization", "name", "alternate_name", "description", "url", "email", "status",
    "interpretation_services", "application_process", "eligibility_description", "minimum_age", "maximum_age",
    "assured_date", "assured_by", "assurer_email", "last_modified", "fees_description", "fees",
    "cost_options", "languages", "service_areas", "schedules", "regular_schedules", "phones", "contacts",
    "service_at_locations", "attributes", "service_taxonomys", "x_service_capacity"})
_LOCATION_KEPT = frozenset({"id", "name", "alternate_name", "addresses", "physical_addresses",
                            "accessibility", "accessibility_for_disabilities", "latitude", "longitude",
                            "transportation", "location_type"})


def _provenance(value: Any) -> dict[str, Any] | None:
    """A shared directory's provenance, kept to what it may say: the practice, dates, checklist item names and
    dates (anything else in it is dropped)."""
    if not isinstance(value, dict) or not _t(value.get("vetted_by")):
        return None
    day = _date(value.get("vetted_on"))
    due = _date(value.get("review_due"))
    checks = []
    for c in _list(value.get("checks"))[:50]:
        item = _t(c.get("item"))
        if item:
            when = _date(c.get("checked_on"))
            checks.append({"item": item[:300], "checked_on": when.isoformat() if when else None})
    return {"practice": (_t(value.get("vetted_by")) or "")[:200],
            "vetted_on": day.isoformat() if day else None,
            "review_due": due.isoformat() if due else None, "checks": checks}


class _Mapper:
    def __init__(self, problems: _Problems) -> None:
        self.p = problems
        self.terms: dict[str, TermRec] = {}
        self.left_out: Counter[str] = Counter()  # "services.alert" -> how many records had it

    def note_left_out(self, kind: str, d: dict[str, Any], kept: frozenset[str]) -> None:
        """Count the fields of `d` that hold something sp_desktop has nowhere to keep."""
        for k, v in d.items():
            if k in kept or k.startswith("_") or k.endswith("_id") or v in (None, "", [], {}):
                continue
            self.left_out[f"{kind}.{k}"] += 1

    def opt(self, where: str, column: str, fn: Any, value: Any, limit: int = 320) -> str | None:
        text = _s(value)
        if not text:
            return None
        repair = _REPAIRS.get(fn)
        note = None
        if repair is not None:
            text, note = repair(text)
        try:
            result = str(fn(text, column))
        except FieldError as exc:
            self.p.warn(where, f"{exc.message} Left out.", column)
            return None
        if len(result) > limit:
            self.p.warn(where, f"is longer than {limit} characters; left out", column)
            return None
        if note:
            self.p.warn(where, f"repaired: {note}", column)
        return result

    def capacity(self, where: str, items: list[dict[str, Any]]) -> CapacityRec | None:
        """Taking new people, from our own extension field (issue 18); a value that does not make
        sense is left out with a warning saying why."""
        if not items:
            return None
        d = items[0]
        state = (_s(d.get("x_state")) or "").lower()
        if state not in _CAPACITY_WORDS:
            self.p.warn(where, f"taking new people “{state}” is not taking, waiting_list or not_taking; "
                        "left out", CAPACITY_KEY)
            return None
        weeks_value = _num(d.get("x_wait_weeks"))
        weeks = int(weeks_value) if weeks_value is not None else None
        if state == "waiting_list" and (weeks is None or not 0 <= weeks <= 104 or weeks != weeks_value):
            self.p.warn(where, "a waiting list needs a whole number of weeks from 0 to 104; left out",
                        CAPACITY_KEY)
            return None
        confirmed = _date(_s(d.get("updated")))
        if confirmed is None:
            self.p.warn(where, "taking new people has no date it was confirmed (YYYY-MM-DD); left out",
                        CAPACITY_KEY)
            return None
        return CapacityRec(state, weeks if state == "waiting_list" else None, confirmed)

    def phone(self, where: str, d: dict[str, Any], column: str = "phones") -> PhoneRec | None:
        raw = _s(d.get("number"))
        if not raw:
            return None
        raw = raw.strip("\"' ")
        raw, note = repair_phone(raw)
        if note:
            self.p.warn(where, f"repaired: {note}", column)
        try:
            number = _cached_phone(raw, column)
        except FieldError as exc:
            if len(raw) > 32 or not re.search(r"\d", raw):
                self.p.warn(where, f"{exc.message} Left out.", column)
                return None
            self.p.warn(where, f"{exc.message} Kept as written.", column)
            number = raw
        desc = _t(d.get("description"))
        ext = _s(d.get("extension"))
        if ext:
            desc = f"{desc} (extension {ext})" if desc else f"Extension {ext}"
        ptype = _PHONE_TYPES.get((_s(d.get("type")) or "voice").lower(), PhoneType.VOICE)
        return PhoneRec(number, ptype, _truncate(desc, 200) if desc else None, _s(d.get("id")))

    def phones(self, where: str, items: Iterable[dict[str, Any]], column: str = "phones") -> list[PhoneRec]:
        out: list[PhoneRec] = []
        for d in items:
            rec = self.phone(where, d, column)
            if rec is not None and rec.number not in {x.number for x in out}:
                out.append(rec)
        return out

    def contact(self, where: str, d: dict[str, Any]) -> ContactRec | None:
        name = _t(d.get("name"))
        title = _t(d.get("title"))
        dept = _t(d.get("department"))
        role = ", ".join(x for x in (title, dept) if x) or None
        email = self.opt(where, "contacts.email", normalise_email, d.get("email"))
        phones = self.phones(where, _list(d.get("phones")), "contacts.phones")
        if not any((name, role, email, phones)):
            return None
        return ContactRec(
            _truncate(name or role or "Contact", 200),
            _truncate(role, 200) if role and name else None,
            phones[0].number if phones else None,
            email,
            _s(d.get("id")),
        )

    def location(self, where: str, d: dict[str, Any]) -> LocationRec:
        self.note_left_out("locations", d, _LOCATION_KEPT)
        loc = LocationRec(id=_s(d.get("id")), name=_t(d.get("name")) or _t(d.get("alternate_name")))
        addresses = _list(d.get("addresses"))
        addresses.sort(key=lambda a: (_s(a.get("address_type")) or "physical") != "physical")
        if addresses:
            a = addresses[0]
            loc.address_1 = _t(a.get("address_1"))
            loc.address_2 = _t(a.get("address_2"))
            loc.town = _t(a.get("city"))
            state = _t(a.get("state_province"))
            loc.region = _t(a.get("region")) or (state if state != loc.town else None)
            country = _s(a.get("country"))
            loc.country = (country.upper() if len(country) == 2 else country)[:60] if country else None
            pc = _s(a.get("postal_code"))
            if pc:
                checked = normalise_postcode(pc)
                loc.postcode = checked.value[:12]
                if checked.warning:
                    self.p.warn(where, checked.warning, "postal_code")
        lat, lon = _num(d.get("latitude")), _num(d.get("longitude"))
        if lat is not None and lon is not None:
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                loc.latitude, loc.longitude = lat, lon
            else:
                self.p.warn(where, f"latitude {lat:g} / longitude {lon:g} is not a place on Earth; left out",
                            "latitude")
        loc.transport_notes = _t(d.get("transportation"))
        if is_confidential_address(loc.address_1):
            loc.make_confidential()  # as written by our own export: "Confidential: address given when…"
        notes = []
        for acc in _list(d.get("accessibility")):
            desc = _t(acc.get("description"))
            if desc:
                code = accessibility_code(desc)
                if code not in loc.accessibility:
                    loc.accessibility.append(code)
            details = _t(acc.get("details"))
            if details and details not in notes:
                notes.append(details)
        loc.accessibility_notes = "\n".join(notes) or None
        for key, limit in (
            ("name", 300),
            ("address_1", 300),
            ("address_2", 300),
            ("town", 120),
            ("region", 120),
        ):
            value = getattr(loc, key)
            if value and len(value) > limit:
                setattr(loc, key, _truncate(value, limit))
        return loc

    def term(self, d: dict[str, Any]) -> TermRec | None:
        name = _s(d.get("name"))
        tid = _s(d.get("id")) or (f"term:{name}" if name else None)
        if not tid or not name:
            return None
        tax: dict[str, Any] = d["taxonomy_detail"] if isinstance(d.get("taxonomy_detail"), dict) else {}
        rec = TermRec(tid, name, code=_s(d.get("code")), description=_s(d.get("description")),
                      parent_id=_s(d.get("parent_id")), taxonomy=_s(tax.get("name")) or _s(d.get("taxonomy")),
                      taxonomy_id=_s(tax.get("id")) or _s(d.get("taxonomy_id")))
        self.terms.setdefault(tid, rec)
        all_terms = d.get("_all_terms")
        parent = all_terms.get(rec.parent_id) if isinstance(all_terms, dict) and rec.parent_id else None
        if parent is not None and rec.parent_id not in self.terms:
            self.term(parent)
        return rec

    def schedules(self, where: str, svc: ServiceRec, items: Iterable[dict[str, Any]]) -> None:
        notes: list[str] = [svc.schedule_notes] if svc.schedule_notes else []
        seen: set[str] = set()
        for d in items:
            sid = _s(d.get("id"))
            if sid:
                if sid in seen:
                    continue
                seen.add(sid)
            freq = (_s(d.get("freq")) or "").upper()
            byday = [b.strip().upper() for b in (_s(d.get("byday")) or "").split(",") if b.strip()]
            opens, closes = _time(d.get("opens_at")), _time(d.get("closes_at"))
            note = _t(d.get("notes"))
            desc = _t(d.get("description"))
            weekly = freq in ("WEEKLY", "") and byday and all(b in _BYDAY for b in byday)
            if weekly:
                if opens and closes and closes <= opens:
                    self.p.warn(
                        where,
                        f"closing time {closes} is not after opening time {opens}; the times are left out",
                        "schedules",
                    )
                    opens = closes = None
                slot_note = note if note and len(note) <= 200 else None
                if note and slot_note is None and note not in notes:
                    notes.append(note)
                for i, b in enumerate(byday):
                    slot_id = sid if i == 0 else (derived_id(sid, b) if sid else None)
                    svc.schedule.append(SlotRec(_BYDAY.index(b), opens, closes, slot_note, slot_id))
            elif freq or byday or opens:
                text = desc or _describe_schedule(freq, byday, d, opens, closes)
                if text and text not in notes:
                    notes.append(text)
                desc = None
                if note and note not in notes:
                    notes.append(note)
            elif note and note not in notes:
                notes.append(note)
            if desc and desc not in notes:
                notes.append(desc)
        svc.schedule.sort(key=lambda s: (s.weekday, s.opens or "", s.closes or ""))
        svc.schedule_notes = "\n".join(notes) or None

    def service(self, where_org: str, d: dict[str, Any], org: OrgRec) -> ServiceRec | None:
        self.note_left_out("services", d, _SERVICE_KEPT)
        where = _where(d, "service")
        name = _t(d.get("name"))
        if not name:
            self.p.error(where, "has no name; the service is left out", "name")
            return None
        svc = ServiceRec(name=_truncate(name, 300), id=_s(d.get("id")))
        if not svc.id:
            self.p.warn(where, "has no id, so a later update of this feed cannot be matched to it", "id")
        svc.alternate_name = _t(d.get("alternate_name"))
        svc.description = _t(d.get("description"))
        svc.url = self.opt(where, "url", normalise_url, d.get("url"), 500)
        svc.email = self.opt(where, "email", normalise_email, d.get("email"))
        status_text = (_s(d.get("status")) or "active").lower()
        svc.status = _STATUS_IN.get(status_text, ServiceStatus.ACTIVE)
        if status_text not in _STATUS_IN:
            self.p.warn(where, f"status “{status_text}” is not one HSDS defines; taken as active", "status")
        svc.interpretation = _t(d.get("interpretation_services"))
        svc.application_process = _t(d.get("application_process"))
        svc.eligibility = _t(d.get("eligibility_description"))
        for key, src in (("min_age", "minimum_age"), ("max_age", "maximum_age")):
            value = _num(d.get(src))
            if value is None:
                continue
            if 0 <= value <= 120:
                setattr(svc, key, int(value))
            else:
                self.p.warn(where, f"{src} {value:g} is not an age between 0 and 120; left out", src)
        if svc.min_age is not None and svc.max_age is not None and svc.min_age > svc.max_age:
            self.p.warn(where, "the minimum age is above the maximum age; both are left out", "minimum_age")
            svc.min_age = svc.max_age = None
        if svc.min_age is None and svc.max_age is None:
            svc.age_not_stated = True  # "Age not stated", not "All ages": the feed did not say
        # The publisher's word (assured_date, assured_by, last_modified) is kept apart: the practice's own
        # "last checked" stays empty until someone here checks.
        for src, kept_as in (("assured_date", "publisher_assured_on"),
                             ("last_modified", "publisher_modified_on")):
            text = _s(d.get(src))
            if text:
                setattr(svc, kept_as, _date(text))
                if getattr(svc, kept_as) is None:
                    self.p.warn(where, f"{src} “{text}” is not a date (YYYY-MM-DD); left out", src)
        assurer = _t(d.get("assured_by")) or _s(d.get("assurer_email"))
        svc.publisher_assured_by = _truncate(assurer, 320) if assurer else None
        # cost: nothing said is "Cost not stated", never "Free"
        fees = _t(d.get("fees_description")) or _t(d.get("fees"))
        options = _list(d.get("cost_options"))
        amounts = [a for a in (_num(o.get("amount")) for o in options) if a is not None]
        if any(a > 0 for a in amounts):
            svc.is_free = False
        elif amounts:
            svc.is_free = True
        elif not fees and not options:
            svc.is_free, svc.cost_not_stated = False, True
        else:
            svc.is_free = fees is not None and bool(
                re.fullmatch(r"\s*(free|no charge|free of charge)\s*\.?\s*", fees, re.I)
            )
        if fees and not svc.is_free and fees.strip(" .").lower() == "there is a charge":
            pass  # what the export writes for a charge it has no words for: no words here either
        elif fees:
            svc.fee_description = fees
        elif not svc.is_free and not svc.cost_not_stated:
            parts = []
            for o in options:
                amount = _num(o.get("amount"))
                cur = (_s(o.get("currency")) or "").upper()
                money = (
                    (f"£{amount:g}" if cur in ("GBP", "") else f"{amount:g} {cur}")
                    if amount is not None
                    else ""
                )
                parts.append(
                    " ".join(x for x in (_s(o.get("option")), money, _s(o.get("amount_description"))) if x)
                )
            svc.fee_description = "; ".join(x for x in parts if x) or "There is a charge"
        # languages
        for lang in _list(d.get("languages")):
            lname = language_name(_s(lang.get("name")), _s(lang.get("code")))
            if not lname:
                continue
            if lname.lower() in BSL_NAMES or (_s(lang.get("code")) or "").lower() == BSL_CODE:
                svc.bsl = True
            elif lname not in svc.languages:
                svc.languages.append(lname)
        # area
        areas = [(_t(a.get("name")) or _t(a.get("description"))) for a in _list(d.get("service_areas"))]
        area_text = "; ".join(a for a in areas if a)
        if area_text:
            if len(area_text) > 300:
                self.p.warn(
                    where, "the area covered is longer than 300 characters; it was shortened", "service_areas"
                )
            svc.service_area = _truncate(area_text, 300)
        # venues, phones, contacts, schedules (the service's own and those at each venue)
        sched_items = list(_list(d.get("schedules")))
        phone_items = list(_list(d.get("phones")))
        contact_items = list(_list(d.get("contacts")))
        for sal in _list(d.get("service_at_locations")):
            loc_obj = sal.get("location") if isinstance(sal.get("location"), dict) else None
            loc_id = _s((loc_obj or {}).get("id")) or _s(sal.get("location_id"))
            if loc_obj is not None and loc_id and not any(x.id == loc_id for x in org.locations):
                org.locations.append(self.location(_where(loc_obj, "venue"), loc_obj))
            if loc_id and any(x.id == loc_id for x in org.locations):
                if loc_id not in svc.location_ids:
                    svc.location_ids.append(loc_id)
            elif loc_id:
                self.p.warn(
                    where, f"names venue {loc_id}, which is not in the feed; left out", "service_at_locations"
                )
            sched_items += _list(sal.get("schedules"))
            phone_items += _list(sal.get("phones"))
            contact_items += _list(sal.get("contacts"))
        self.schedules(where, svc, sched_items)
        svc.capacity = self.capacity(where, _list(d.get(CAPACITY_KEY)))
        svc.phones = self.phones(where, phone_items)
        seen_contacts: set[str] = set()
        for c in contact_items:
            cid = _s(c.get("id"))
            if cid and cid in seen_contacts:
                continue
            if cid:
                seen_contacts.add(cid)
            rec = self.contact(where, c)
            if rec is not None:
                svc.contacts.append(rec)
        # categories and details
        details: set[str] = set()
        for attr in _list(d.get("attributes")):
            term_obj = attr.get("taxonomy_term") if isinstance(attr.get("taxonomy_term"), dict) else None
            if term_obj is None:
                continue
            tid = _s(term_obj.get("id")) or ""
            if tid in DETAIL_TERM_IDS:
                code = DETAIL_TERM_IDS[tid]
                details.add(code)
                if code == "referral_form":
                    svc.referral_form_url = self.opt(
                        where, "attributes", normalise_url, attr.get("value"), 500
                    )
                continue
            term_rec = self.term(term_obj)
            if term_rec is not None and term_rec.id not in svc.term_ids:
                svc.term_ids.append(term_rec.id)
        routes = [a for a in AccessRoute if a.value in details]
        svc.access = routes or guess_access(svc.application_process)
        svc.by_phone = "by_phone" in details
        svc.online = "online" in details
        if "all_ages" in details and svc.min_age is None and svc.max_age is None:
            svc.age_not_stated = False  # said: for all ages (HSDS has no field for it; our detail term)
        for key, limit in (("alternate_name", 300),):
            value = getattr(svc, key)
            if value and len(value) > limit:
                setattr(svc, key, _truncate(value, limit))
        return svc

    def organisation(self, d: dict[str, Any]) -> OrgRec | None:
        self.note_left_out("organizations", d, _ORG_KEPT)
        where = _where(d, "organisation")
        name = _t(d.get("name"))
        if not name:
            self.p.error(where, "has no name; the organisation and its services are left out", "name")
            return None
        org = OrgRec(name=_truncate(name, 300), id=_s(d.get("id")))
        if not org.id:
            self.p.warn(where, "has no id, so a later update of this feed cannot be matched to it", "id")
        org.alternate_name = _t(d.get("alternate_name"))
        org.description = _t(d.get("description"))
        org.email = self.opt(where, "email", normalise_email, d.get("email"))
        org.website = self.opt(where, "website", normalise_url, d.get("website"), 500)
        legal = _t(d.get("legal_status"))
        org.legal_status = _truncate(legal, 200) if legal else None
        status = (_s(d.get(ORG_STATUS_FIELD)) or "").lower().replace("_", " ")
        if status:  # not an HSDS 3.0 field: sp_desktop's own, so a closed organisation stays closed
            found = _ORG_STATUS_IN.get(status)
            if found is None:
                self.p.warn(where, f"status “{status}” is not active, temporarily closed or closed; taken as "
                                   "active", ORG_STATUS_FIELD)
            else:
                org.status = found
        org.provenance = _provenance(d.get(PROVENANCE_FIELD))
        for ident in _list(d.get("organization_identifiers")):
            scheme = (_s(ident.get("identifier_scheme")) or "").upper()
            kind = _SCHEME_REGISTER.get(scheme)
            number = _s(ident.get("identifier"))
            if kind is None or not number or org.registration_number:
                continue
            if kind is RegisterKind.COMPANIES_HOUSE and number.isdigit():
                number = number.zfill(8)
            try:
                org.registration_number = normalise_registration(kind, number)
                org.register_kind = kind
            except FieldError as exc:
                self.p.warn(where, f"{exc.message} Left out.", "organization_identifiers")
        org.phones = self.phones(where, _list(d.get("phones")))
        seen: set[str] = set()
        for c in _list(d.get("contacts")):
            cid = _s(c.get("id"))
            if cid and cid in seen:
                continue
            if cid:
                seen.add(cid)
            rec = self.contact(where, c)
            if rec is not None:
                org.contacts.append(rec)
        for loc in _list(d.get("locations")):
            lid = _s(loc.get("id"))
            if lid and any(x.id == lid for x in org.locations):
                continue
            org.locations.append(self.location(_where(loc, "venue"), loc))
        for s in _list(d.get("services")):
            svc = self.service(where, s, org)
            if svc is not None:
                org.services.append(svc)
        return org


def _describe_schedule(freq: str, byday: list[str], d: dict[str, Any], opens: str | None,
                       closes: str | None) -> str:
    names = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday",
             "SA": "Saturday", "SU": "Sunday"}
    ordinals = {"1": "first", "2": "second", "3": "third", "4": "fourth", "5": "fifth", "-1": "last"}
    days = []
    for b in byday:
        m = re.fullmatch(r"(-?\d)?([A-Z]{2})", b)
        if m and m.group(2) in names:
            days.append(" ".join(x for x in (ordinals.get(m.group(1) or "", ""), names[m.group(2)]) if x))
    when = " and ".join(days)
    monthday = _s(d.get("bymonthday"))
    text = "Every month" if freq == "MONTHLY" else "Weekly" if freq == "WEEKLY" else "Opening times"
    if when:
        text += f", on the {when}" if freq == "MONTHLY" else f" on {when}"
    elif monthday:
        text += f", on day {monthday}"
    if opens and closes:
        text += f", {opens} to {closes}"
    return text


def _feed_from_objects(orgs: list[dict[str, Any]], source_name: str, p: _Problems) -> Feed:
    mapper = _Mapper(p)
    feed = Feed("hsds", source_name)
    for d in orgs:
        rec = mapper.organisation(d)
        if rec is not None:
            feed.organisations.append(rec)
    feed.terms = mapper.terms
    feed.problems = p.items
    feed.left_out = dict(mapper.left_out.most_common())
    return feed


# --------------------------------------------------------------------------- records -> objects (export)
@functools.lru_cache(maxsize=65536)
def _phone_text(number: str) -> str:
    """A stored number as the export writes it; cached, as parsing with phonenumbers is slow and a
    directory repeats numbers (bounded, so memory does not grow with the directory)."""
    if number.startswith("+"):
        try:
            return phonenumbers.format_number(phonenumbers.parse(number, None),
                                              phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        except phonenumbers.NumberParseException:
            return number
    return number


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    """Leave out empty values: HSDS fields are strings or numbers, never null."""
    return {k: v for k, v in d.items() if v or (v is not None and v != [] and v != "")}  # `v or` is quicker


def _phone_object(p: PhoneRec, owner: str, **links: str) -> dict[str, Any]:
    pid = export_id(p.id) if p.id else derived_id(owner, "phone", p.number)
    return _clean({"id": pid, **links, "number": _phone_text(p.number), "type": p.type.value,
                   "description": p.description})


def _contact_object(c: ContactRec, owner: str, **links: str) -> dict[str, Any]:
    cid = export_id(c.id) if c.id else derived_id(owner, "contact", c.name)
    phones = [_clean({"id": derived_id(cid, "phone"), "contact_id": cid, "number": _phone_text(c.phone),
                      "type": "voice"})] if c.phone else []
    return _clean({"id": cid, **links, "name": c.name, "title": c.role, "email": c.email, "phones": phones})


def _location_object(loc: LocationRec, org_id: str) -> dict[str, Any]:
    lid = export_id(loc.id or "")
    addresses = []
    if any((loc.address_1, loc.address_2, loc.town, loc.postcode)):
        addresses.append(
            _clean(
                {
                    "id": derived_id(lid, "address"),
                    "location_id": lid,
                    "address_1": loc.address_1 or "",
                    "address_2": loc.address_2,
                    "city": loc.town or "",
                    "region": loc.region,
                    "state_province": loc.region or loc.town or "",
                    "postal_code": loc.postcode or "",
                    "country": loc.country or "GB",  # venues typed here are in the UK practice's area
                    "address_type": "physical",
                }
            )
        )
        for key in ("address_1", "city", "state_province", "postal_code"):  # required by the schema
            addresses[0].setdefault(key, "")
    access = [{"id": derived_id(lid, "accessibility", code), "location_id": lid,
               "description": accessibility_label(code)} for code in loc.accessibility]
    if loc.accessibility_notes:
        access.append({"id": derived_id(lid, "accessibility-notes"), "location_id": lid,
                       "details": loc.accessibility_notes})
    return _clean(
        {
            "id": lid,
            "location_type": "physical",
            "organization_id": org_id,
            "name": loc.name,
            "transportation": loc.transport_notes,
            "latitude": loc.latitude,
            "longitude": loc.longitude,
            "addresses": addresses,
            "accessibility": access,
        }
    )


def term_object(t: TermRec) -> dict[str, Any]:
    """The HSDS taxonomy_term object of `t`. The same term comes back as the same (shared) object:
    an export nests a category under every service that has it (treat the result as read-only)."""
    return _term_object(t.id, t.name, t.code, t.description, t.parent_id, t.taxonomy, t.taxonomy_id)


@functools.lru_cache(maxsize=4096)
def _term_object(tid: str, name: str, code: str | None, description: str | None, parent_id: str | None,
                 taxonomy: str | None, taxonomy_id: str | None) -> dict[str, Any]:
    t = TermRec(tid, name, code, description, parent_id, taxonomy, taxonomy_id)
    tax = CATEGORY_TAXONOMY if t.taxonomy_id in (None, CATEGORY_TAXONOMY["id"]) else {
        "id": t.taxonomy_id, "name": t.taxonomy or "Taxonomy", "description": t.taxonomy or "Taxonomy"}
    return _clean(
        {
            "id": t.id,
            "code": t.code,
            "name": t.name,
            "parent_id": t.parent_id,
            "taxonomy": tax["name"],
            "taxonomy_id": tax["id"],
            "taxonomy_detail": dict(tax),
        }
    ) | {"description": t.description or ""}


@functools.lru_cache(maxsize=64)
def _detail_term(code: str) -> dict[str, Any]:  # shared, read-only (see term_object)
    return {"id": derived_id("detail", code), "code": code, "name": DETAIL_TERMS[code],
            "description": DETAIL_TERMS[code], "taxonomy": DETAILS_TAXONOMY["name"],
            "taxonomy_id": DETAILS_TAXONOMY["id"], "taxonomy_detail": dict(DETAILS_TAXONOMY)}


def service_object(s: ServiceRec, org_id: str, terms: dict[str, TermRec],
                   locations: dict[str, LocationRec], include_contacts: bool) -> dict[str, Any]:
    sid = export_id(s.id or "")
    schedules = []
    for slot in s.schedule:
        slot_id = export_id(slot.id) if slot.id else derived_id(sid, "schedule", str(slot.weekday),
                                                                  slot.opens or "", slot.closes or "")
        schedules.append(
            _clean(
                {
                    "id": slot_id,
                    "service_id": sid,
                    "freq": "WEEKLY",
                    "wkst": "MO",
                    "interval": 1,
                    "byday": _BYDAY[slot.weekday],
                    "opens_at": f"{slot.opens}:00" if slot.opens else None,
                    "closes_at": f"{slot.closes}:00" if slot.closes else None,
                    "notes": slot.note,
                }
            )
        )
    if s.schedule_notes:
        schedules.append(
            {"id": derived_id(sid, "schedule-notes"), "service_id": sid, "description": s.schedule_notes}
        )
    languages = [_clean({"id": derived_id(sid, "language", name), "service_id": sid, "name": name,
                         "code": language_code(name)})
                 for name in s.languages if name.strip().lower() not in BSL_NAMES]
    if s.bsl or len(languages) < len(s.languages):
        languages.append({"id": derived_id(sid, "language", "bsl"), "service_id": sid,
                          "name": "British Sign Language", "code": BSL_CODE})
    cost_options = []
    if s.is_free and not s.cost_not_stated:
        cost_options.append({"id": derived_id(sid, "cost"), "service_id": sid, "option": "Free", "amount": 0,
                             "currency": "GBP"})
    attributes = []
    for tid in s.term_ids:
        t = terms.get(tid)
        if t is None:
            continue
        attributes.append(
            {
                "id": derived_id(sid, "attribute", t.id),
                "link_id": sid,
                "link_type": "category",
                "link_entity": "service",
                "taxonomy_term_id": t.id,
                "taxonomy_term": term_object(t),
            }
        )
    all_ages = s.min_age is None and s.max_age is None and not s.age_not_stated
    detail_codes = [a.value for a in s.access] + [
        c for c, on in (("by_phone", s.by_phone), ("online", s.online), ("all_ages", all_ages)) if on
    ]
    for code in detail_codes:
        detail = _detail_term(code)
        attributes.append({"id": derived_id(sid, "attribute", code), "link_id": sid, "link_type": "detail",
                           "link_entity": "service", "taxonomy_term_id": detail["id"],
                           "taxonomy_term": detail})
    if s.referral_form_url:
        detail = _detail_term("referral_form")
        attributes.append({"id": derived_id(sid, "attribute", "referral_form"), "link_id": sid,
                           "link_type": "detail", "link_entity": "service",
                           "taxonomy_term_id": detail["id"], "taxonomy_term": detail,
                           "value": s.referral_form_url})
    sals = []
    for lid in s.location_ids:
        loc = locations.get(lid)
        if loc is None:
            continue
        loc_id = export_id(loc.id or "")
        sals.append(
            {
                "id": derived_id("service_at_location", sid, loc_id),
                "service_id": sid,
                "location_id": loc_id,
                "location": _location_object(loc, org_id),
            }
        )
    return _clean({
        "id": sid, "organization_id": org_id, "name": s.name, "alternate_name": s.alternate_name,
        "description": s.description, "url": s.url, "email": s.email, "status": _STATUS_OUT[s.status],
        "interpretation_services": s.interpretation, "application_process": s.application_process,
        "fees_description": s.fee_description or (
            None if s.is_free or s.cost_not_stated else "There is a charge"),
        "eligibility_description": s.eligibility,
        "minimum_age": s.min_age, "maximum_age": s.max_age,
        # the practice's own check, else the assurance it was given (passed on as the publisher said it)
        "assured_date": _iso(s.last_verified_on or s.publisher_assured_on),
        "phones": [_phone_object(p, sid, service_id=sid) for p in s.phones],
        "schedules": schedules,
        "service_areas": [{"id": derived_id(sid, "service-area"), "service_id": sid, "name": s.service_area}]
        if s.service_area else [],
        "service_at_locations": sals, "languages": languages, "cost_options": cost_options,
        "contacts": [_contact_object(c, sid, service_id=sid) for c in s.contacts] if include_contacts else [],
        "attributes": attributes,
        CAPACITY_KEY: [_capacity_object(s.capacity, sid)] if s.capacity else None,
    })


#: Issue 18: whether the service is taking new people, as an extension field (HSDS 3.0 validation
#: ignores properties it does not define; HSDS 3.1 calls this `service_capacity`). Shaped like 3.1's
#: service_capacity (available / description / updated) with the practice's answer alongside.
CAPACITY_KEY = "x_service_capacity"
_CAPACITY_WORDS = {"taking": "Taking new people", "waiting_list": "Waiting list",
                   "not_taking": "Not taking new people at the moment"}


def _capacity_object(c: CapacityRec, sid: str) -> dict[str, Any]:
    words = _CAPACITY_WORDS.get(c.state, c.state)
    if c.state == "waiting_list" and c.wait_weeks is not None:
        words += f" (about {c.wait_weeks} weeks)"
    return _clean({"id": derived_id(sid, "capacity"), "service_id": sid, "description": words,
                   "updated": _iso(c.confirmed_on), "x_state": c.state, "x_wait_weeks": c.wait_weeks})


def organization_object(
    org: OrgRec, terms: dict[str, TermRec], include_contacts: bool = False
) -> dict[str, Any]:
    """One organization object with its services nested, shaped like the spec's organization_full.json."""
    oid = export_id(org.id or "")
    idents = []
    if org.registration_number and org.register_kind in _REGISTER_SCHEMES:
        scheme, label = _REGISTER_SCHEMES[org.register_kind]
        idents.append(
            {
                "id": derived_id(oid, "identifier"),
                "organization_id": oid,
                "identifier_scheme": scheme,
                "identifier_type": label,
                "identifier": org.registration_number,
            }
        )
    locations = {loc.id or "": loc for loc in org.locations}
    return _clean(
        {
            "id": oid,
            "name": org.name,
            "alternate_name": org.alternate_name,
            "description": org.description or "",
            "email": org.email,
            "website": org.website,
            "legal_status": org.legal_status,
            # an extension field (HSDS 3.0 has no organisation status): written only when not active
            ORG_STATUS_FIELD: None if org.status is OrganisationStatus.ACTIVE
            else org.status.value.replace("_", " "),
            "organization_identifiers": idents,
            "phones": [_phone_object(p, oid, organization_id=oid) for p in org.phones],
            "contacts": [_contact_object(c, oid, organization_id=oid) for c in org.contacts]
            if include_contacts
            else [],
            "locations": [_location_object(loc, oid) for loc in org.locations],
            "services": [service_object(s, oid, terms, locations, include_contacts) for s in org.services],
        }
    ) | {"description": org.description or ""}


def _page_header(total: int) -> dict[str, Any]:
    return {"total_items": total, "total_pages": 1, "page_number": 1, "size": total,
            "first_page": True, "last_page": True, "empty": not total}


def page_object(orgs: list[dict[str, Any]]) -> dict[str, Any]:
    """The objects as one page of the HSDS API's /organizations list (what `write_json` writes)."""
    return _page_header(len(orgs)) | {"contents": orgs}


# --------------------------------------------------------------------------- objects -> tables
_SCALAR = (str, int, float)
_PLAIN = frozenset(_SCALAR)  # the usual types exactly (quick to check; True is not an int here)
#: Tabular resources whose rows are shared between organisations (a category used by many services).
#: Every other row belongs to one organisation, with ids derived from that organisation's records, so
#: its repeats (a venue under each of the organisation's services) are within that organisation.
_SHARED = ("taxonomy_term", "taxonomy")
Emit = Callable[[str, dict[str, Any]], None]


class _Flattener:
    """Organization objects -> rows of the tabular form, handed to `emit(resource, row)` in order.

    With `per_organisation`, rows already seen are remembered only within an organisation (and for
    the shared resources), so memory does not grow with the directory."""

    def __init__(self, emit: Emit, *, per_organisation: bool = False) -> None:
        self.emit = emit
        self.per_organisation = per_organisation
        self.seen: dict[str, set[str]] = {name: set() for name in RESOURCES}

    def put(self, resource: str, obj: dict[str, Any], **links: str) -> bool:
        """Emit `obj`'s row unless a row with its id was emitted already; True if emitted."""
        seen = self.seen[resource]
        oid = links["id"] if "id" in links else obj.get("id")
        if oid in seen:  # a repeat (a venue under each service, a category under many): no row built
            return False
        row = {k: v for k, v in obj.items()
               if type(v) in _PLAIN or (isinstance(v, _SCALAR) and not isinstance(v, bool))}
        row.update(links)
        seen.add(str(row.get("id")))
        self.emit(resource, row)
        return True

    def put_term(self, term: dict[str, Any]) -> None:
        if self.put("taxonomy_term", term) and isinstance(term.get("taxonomy_detail"), dict):
            self.put("taxonomy", term["taxonomy_detail"])

    def put_contact(self, c: dict[str, Any], **links: str) -> None:
        self.put("contact", c, **links)
        for p in _list(c.get("phones")):
            self.put("phone", p, contact_id=c["id"])

    def put_location(self, loc: dict[str, Any]) -> None:
        if not self.put("location", loc):
            return  # the venue's rows went with it the first time (the same venue, the same rows)
        for a in _list(loc.get("addresses")):
            self.put("address", a, location_id=loc["id"])
        for a in _list(loc.get("accessibility")):
            self.put("accessibility", a, location_id=loc["id"])

    def organisation(self, o: dict[str, Any]) -> None:
        if self.per_organisation:
            for name, seen in self.seen.items():
                if name not in _SHARED:
                    seen.clear()
        put = self.put
        put("organization", o)
        for x in _list(o.get("organization_identifiers")):
            put("organization_identifier", x, organization_id=o["id"])
        for p in _list(o.get("phones")):
            put("phone", p, organization_id=o["id"])
        for c in _list(o.get("contacts")):
            self.put_contact(c, organization_id=o["id"])
        for loc in _list(o.get("locations")):
            self.put_location(loc)
        for s in _list(o.get("services")):
            put("service", s, organization_id=o["id"])
            for p in _list(s.get("phones")):
                put("phone", p, service_id=s["id"])
            for resource, key in (("schedule", "schedules"), ("service_area", "service_areas"),
                                  ("language", "languages"), ("cost_option", "cost_options")):
                for x in _list(s.get(key)):
                    put(resource, x, service_id=s["id"])
            for c in _list(s.get("contacts")):
                self.put_contact(c, service_id=s["id"])
            for sal in _list(s.get("service_at_locations")):
                if isinstance(sal.get("location"), dict):
                    self.put_location(sal["location"])
                put("service_at_location", sal, service_id=s["id"])
            for a in _list(s.get("attributes")):
                put("attribute", a, link_id=s["id"])
                if isinstance(a.get("taxonomy_term"), dict):
                    self.put_term(a["taxonomy_term"])

    def parent_terms(self, terms: Iterable[TermRec]) -> None:
        """The parents of the categories used (the JSON form nests only the terms services use)."""
        have = self.seen["taxonomy_term"]
        for t in terms:
            if t.id not in have:
                obj = term_object(t)
                self.emit("taxonomy_term", {k: v for k, v in obj.items() if isinstance(v, _SCALAR)})
                have.add(t.id)


def tables_from_objects(orgs: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Flatten organization objects into the tabular form (resource -> rows)."""
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in RESOURCES}
    flat = _Flattener(lambda resource, row: tables[resource].append(row))
    for o in orgs:
        flat.organisation(o)
    return tables


def add_parent_terms(tables: dict[str, list[dict[str, Any]]], terms: Iterable[TermRec]) -> None:
    """Put the parents of the categories used into the taxonomy_terms table too (the JSON form nests only
    the terms services use)."""
    flat = _Flattener(lambda resource, row: tables[resource].append(row))
    flat.seen["taxonomy_term"] = {row["id"] for row in tables["taxonomy_term"]}
    flat.parent_terms(terms)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def datapackage(title: str) -> dict[str, Any]:
    resources = []
    for name, (path, fields) in RESOURCES.items():
        resources.append(
            {
                "name": name,
                "path": path,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "schema": {"primaryKey": "id", "fields": [{"name": f, "type": t} for f, t in fields]},
            }
        )
    return {
        "name": "sp-desktop-directory",
        "title": title,
        "profile": "tabular-data-package",
        "version": "3.0.0",
        "homepage": "https://openreferral.org",
        "resources": resources,
    }


# --------------------------------------------------------------------------- writing files
_BUFFER = 1 << 20
_JSON_BATCH = 100  # organisations encoded together by write_json
_ZIP_LEVEL = 1


def write_json(orgs: Iterable[dict[str, Any]], out: Path, total: int | None = None) -> None:
    """Write the objects as one page of the HSDS API's /organizations list, atomically.

    The text is that of ``json.dumps(page_object(orgs), indent=2, ensure_ascii=False)``, written an
    organization at a time, so `orgs` can be a generator and the document is never all in memory.
    `total` (the number of objects, which the page states before them) is needed with a generator."""
    if total is None:
        orgs = list(orgs)
        total = len(orgs)
    head = json.dumps(_page_header(total), indent=2, ensure_ascii=False)  # "{\n  ...\n}"
    count = 0
    # A batch of organisations is encoded as {"contents": [...]}: the encoder then indents them as
    # deep as the page nests them, so the batch's text between the brackets is the page's own
    # (no re-indenting each line afterwards), and memory stays that of one batch.
    opening, closing = '{\n  "contents": [\n    ', "\n  ]\n}"
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        text = json.dumps({"contents": batch}, indent=2, ensure_ascii=False)
        fh.write(",\n    " if count > len(batch) else "\n    ")
        fh.write(text[len(opening):-len(closing)])
        batch.clear()

    with atomic_path(out) as tmp, tmp.open("w", encoding="utf-8", newline="", buffering=_BUFFER) as fh:
        fh.write(head[:-2] + ',\n  "contents": [')
        for org in orgs:
            batch.append(org)
            count += 1
            if len(batch) == _JSON_BATCH:
                flush()
        if batch:
            flush()
        if count != total:
            raise HsdsError(f"The directory changed while it was being exported ({count:,} organisations "
                            f"instead of {total:,}); export again.")
        fh.write("\n  ]\n}" if count else "]\n}")


class _CsvFiles:
    """The data package's CSV files in `folder`, written a row at a time (`emit(resource, row)`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._stack = ExitStack()
        self._writers: dict[str, tuple[Callable[[list[Any]], Any], list[str]]] = {}

    def __enter__(self) -> Emit:
        with self._stack as stack:
            for name, (path, fields) in RESOURCES.items():
                fh = stack.enter_context(
                    (self.folder / path).open("w", encoding="utf-8", newline="", buffering=_BUFFER // 4))
                writer = csv.writer(fh, lineterminator="\r\n")
                columns = [f for f, _ in fields]
                writer.writerow(columns)
                self._writers[name] = (writer.writerow, columns)
            self._stack = stack.pop_all()
        return self.emit

    def emit(self, resource: str, row: dict[str, Any]) -> None:
        writerow, columns = self._writers[resource]
        # the csv module writes None as "" and str and int as `_cell` would; the rest go through `_cell`
        writerow([v if v is None or type(v) is str or type(v) is int else _cell(v)
                  for v in map(row.get, columns)])

    def __exit__(self, *exc: object) -> None:
        self._stack.close()


def write_tabular(tables: dict[str, list[dict[str, Any]]], out: Path, title: str) -> None:
    """A zip (when `out` ends in .zip) or a new folder of CSVs plus datapackage.json, written atomically."""

    def fill(emit: Emit) -> None:
        for name in RESOURCES:
            for row in tables.get(name, []):
                emit(name, row)

    _write_package(out, title, fill)


def write_tabular_stream(orgs: Iterable[dict[str, Any]], out: Path, title: str,
                         more_terms: Callable[[], Iterable[TermRec]] | None = None) -> None:
    """`write_tabular(tables_from_objects(orgs) + add_parent_terms(more_terms()))`, flattening and
    writing an organization at a time (`orgs` can be a generator; `more_terms` is called at the end)."""

    def fill(emit: Emit) -> None:
        flat = _Flattener(emit, per_organisation=True)
        for o in orgs:
            flat.organisation(o)
        if more_terms is not None:
            flat.parent_terms(more_terms())

    _write_package(out, title, fill)


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    # the fastest deflate level: ~3x quicker than the default 6 on a large directory, ~10 % bigger
    info.compress_level = _ZIP_LEVEL  # type: ignore[attr-defined]  # Python 3.13+
    info._compresslevel = _ZIP_LEVEL  # type: ignore[attr-defined]  # Python 3.11 and 3.12
    info.external_attr = 0o644 << 16
    return info


def _write_package(out: Path, title: str, fill: Callable[[Emit], None]) -> None:
    """datapackage.json and one CSV per resource, the rows coming from `fill(emit)`: a zip, built from
    CSVs written first to a temporary folder beside it, or a new folder; either appears only complete."""
    meta = json.dumps(datapackage(title), indent=2, ensure_ascii=False).encode("utf-8")
    if out.suffix.lower() == ".zip":
        parts = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent))
        try:
            with _CsvFiles(parts) as emit:
                fill(emit)
            with atomic_path(out) as tmp, zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                zf.writestr(_zip_info("datapackage.json"), meta)
                for path, _ in RESOURCES.values():
                    info = _zip_info(path)
                    info.file_size = (parts / path).stat().st_size  # so zip64 is used when needed
                    with (parts / path).open("rb") as src, zf.open(info, "w") as dst:
                        shutil.copyfileobj(src, dst, _BUFFER)
        finally:
            shutil.rmtree(parts, ignore_errors=True)
        return
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise HsdsError(f"{out} already exists and is not an empty folder: choose a new folder name.")
    tmp_dir = out.with_name(out.name + ".part")
    shutil.rmtree(tmp_dir, ignore_errors=True)
    tmp_dir.mkdir(parents=True)
    try:
        (tmp_dir / "datapackage.json").write_bytes(meta)
        with _CsvFiles(tmp_dir) as emit:
            fill(emit)
        if out.exists():
            out.rmdir()
        tmp_dir.replace(out)
    except BaseException:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise


def typed_tables(tables: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """CSV text back to typed values (numbers as numbers, empty cells dropped), e.g. for schema checks."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, rows in tables.items():
        if name not in RESOURCES:
            continue
        types = dict(RESOURCES[name][1])
        typed_rows = []
        for row in rows:
            typed: dict[str, Any] = {}
            for key, value in row.items():
                if key.startswith("_") or value in (None, "") or key not in types:
                    continue
                if types[key] == "number":
                    num = _num(value)
                    typed[key] = int(num) if num is not None and num.is_integer() else num
                else:
                    typed[key] = str(value)
            typed_rows.append(typed)
        out[name] = typed_rows
    return out


def read_tables(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The raw rows of a data package (folder or zip), by resource name."""
    if path.is_dir():
        return read_package_folder(path)[0]
    return read_package_zip(path)[0]


__all__ = ["HsdsError", "UnsafeArchive", "feed_from_json", "feed_from_tables", "organization_object",
           "read_hsds", "read_tables", "tables_from_objects", "typed_tables", "write_json", "write_tabular",
           "write_tabular_stream"]
