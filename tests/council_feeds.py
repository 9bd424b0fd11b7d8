"""Open Referral feeds shaped as councils' APIs serve them, with the defects found in two real council
directories (written here, not downloaded): rich-text HTML in every description, the ORUK v1 page object
({"totalElements", "totalPages", "content"}), assured_date on every service, empty fees and no ages,
services without an organisation, and contact details a person would mend at a glance.

Every builder returns plain JSON-ready objects; `write_*` put them on disk in each shape a feed arrives in.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

#: What a council's rich-text editor puts round a description (paragraphs, &amp;, &nbsp;, a list, a style,
#: a script): none of it may reach the window, a leaflet or an export.
RICH_DESCRIPTION = (
    '<p style="margin:0">Struggling with Drug &amp; Alcohol Addiction? We can help.&nbsp;</p>'
    "<ul><li>One-to-one support</li><li>Groups <b>every week</b></li></ul>"
    "<script>track('visit')</script><style>p { color: red }</style>"
    "<p>Call us to make an appointment.&nbsp;</p>"
)
RICH_PLAIN = (
    "Struggling with Drug & Alcohol Addiction? We can help.\n\n• One-to-one support\n"
    "• Groups every week\n\nCall us to make an appointment."
)


def rich_description(n: int) -> str:
    """Each service's own words (feeds repeat little, so nothing here is read twice)."""
    return RICH_DESCRIPTION.replace("We can help.", f"Service {n} can help.")


def rich_plain(n: int) -> str:
    return RICH_PLAIN.replace("We can help.", f"Service {n} can help.")


MARKUP_SIGNS = ("<p", "</", "&amp;", "&nbsp;", "\u00a0", "<li", "<script", "track(", "color: red", "style=")


def organisation(n: int) -> dict[str, Any]:
    return {
        "id": f"org-{n}",
        "name": f"Renfrewshire Group {n}",
        "description": f"<p>Group {n} supports people &amp; families in Paisley.&nbsp;</p>",
        "url": "https:/group{n}.example.co.uk".replace("{n}", str(n)),
        "email": "",
        "logo": "",
        "uri": "",
    }


def service(n: int, org: dict[str, Any] | None, *, defects: bool = True) -> dict[str, Any]:
    """One service in ORUK v1 field names, as the council API serves it."""
    s: dict[str, Any] = {
        "id": f"svc-{n}",
        "name": f"Recovery Service {n}",
        "description": rich_description(n),
        "url": "http:www.recovery{n}.example.co.uk".replace("{n}", str(n))
        if defects
        else f"https://www.recovery{n}.example.co.uk",
        "email": "young.voice@example.gov.uk." if defects else "young.voice@example.gov.uk",
        "status": "active",
        "fees": "",
        "accreditations": "",
        "deliverable_type": "Advice",
        "assured_date": "2024-12-10T00:00:00",
        "attending_type": "",
        "attending_access": "",
        "eligibilitys": [],
        "contacts": [
            {
                "id": f"contact-{n}",
                "name": "",
                "title": "",
                "phones": [
                    {
                        "id": f"phone-{n}",
                        "number": f"+44 (0)141 496 {n % 1000:04d}" if defects else f"0141 496 {n % 1000:04d}",
                    }
                ],
            }
        ],
        "cost_options": [],
        "fundings": [],
        "holiday_schedules": [],
        "languages": [{"id": f"lang-{n}", "language": "English"}],
        "regular_schedules": [
            {
                "id": f"sched-{n}",
                "opens_at": "09:00:00",
                "closes_at": "17:00:00",
                "byday": "MO",
                "freq": "WEEKLY",
                "interval": 1,
            }
        ],
        "service_areas": [{"id": f"area-{n}", "service_area": "Renfrewshire"}],
        "service_at_locations": [
            {
                "id": f"sal-{n}",
                "location": {
                    "id": f"loc-{n % 50}",
                    "name": "Abbey Centre",
                    "description": "",
                    "latitude": 55.845,
                    "longitude": -4.42,
                    "physical_addresses": [
                        {
                            "id": f"addr-{n % 50}",
                            "address_1": "Unit 3, Causeyside St",
                            "city": "Paisley",
                            "state_province": "Renfrewshire",
                            "postal_code": "PA1 1UJ",
                            "country": "GB",
                        }
                    ],
                    "accessibility_for_disabilities": [
                        {"id": f"acc-{n % 50}", "accessibility": "Step-free access"}
                    ],
                },
            }
        ],
        "service_taxonomys": [
            {
                "id": f"st-{n}",
                "taxonomy": {
                    "id": "tax-drugs",
                    "name": "Drugs and alcohol",
                    "vocabulary": "Renfrewshire categories",
                },
            }
        ],
    }
    if org is not None:
        s["organization"] = org
    return s


def services(count: int, *, without_org: int = 0, orgs: int | None = None) -> list[dict[str, Any]]:
    """`count` services over `orgs` organisations; the last `without_org` have no organisation."""
    n_orgs = orgs or max(1, count // 3)
    out = [service(i, organisation(i % n_orgs)) for i in range(count - without_org)]
    out += [service(i, None) for i in range(count - without_org, count)]
    return out


def oruk_page(
    items: list[dict[str, Any]], number: int = 0, total_pages: int = 1, total_elements: int | None = None
) -> dict[str, Any]:
    """The ORUK v1 (Spring) page object council APIs answer with."""
    return {
        "totalElements": len(items) if total_elements is None else total_elements,
        "totalPages": total_pages,
        "number": number,
        "size": len(items),
        "first": number == 0,
        "last": number == total_pages - 1,
        "numberOfElements": len(items),
        "empty": not items,
        "content": items,
    }


def hsds_list(items: list[dict[str, Any]], page: int = 1, total_pages: int = 1) -> dict[str, Any]:
    """The HSDS 3.0 API list response."""
    return {
        "total_items": len(items),
        "total_pages": total_pages,
        "page_number": page,
        "size": len(items),
        "first_page": page == 1,
        "last_page": page == total_pages,
        "empty": not items,
        "contents": items,
    }


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def write_pages_folder(folder: Path, items: list[dict[str, Any]], per_page: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pages = [items[i : i + per_page] for i in range(0, len(items), per_page)]
    for n, chunk in enumerate(pages):
        write_json(folder / f"page-{n + 1}.json", oruk_page(chunk, n, len(pages), len(items)))
    return folder


def write_pages_zip(path: Path, items: list[dict[str, Any]], per_page: int) -> Path:
    pages = [items[i : i + per_page] for i in range(0, len(items), per_page)]
    with zipfile.ZipFile(path, "w") as zf:
        for n, chunk in enumerate(pages):
            zf.writestr(
                f"services/page-{n + 1}.json", json.dumps(oruk_page(chunk, n, len(pages), len(items)))
            )
    return path


def write_data_package(folder: Path, count: int) -> Path:
    """The tabular form (HSDS 3.0 CSV files and datapackage.json) with the same defects."""
    import csv

    folder.mkdir(parents=True, exist_ok=True)

    def table(name: str, header: list[str], rows: list[list[Any]]) -> None:
        with (folder / name).open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(rows)

    table(
        "organizations.csv",
        ["id", "name", "description", "website"],
        [
            [
                f"org-{i}",
                f"Renfrewshire Group {i}",
                f"<p>Group {i} &amp; friends&nbsp;</p>",
                "http:www.group.example.co.uk",
            ]
            for i in range(count)
        ],
    )
    table(
        "services.csv",
        [
            "id",
            "organization_id",
            "name",
            "description",
            "email",
            "status",
            "fees_description",
            "assured_date",
        ],
        [
            [
                f"svc-{i}",
                f"org-{i}",
                f"Recovery Service {i}",
                RICH_DESCRIPTION,
                "young.voice@example.gov.uk.",
                "active",
                "",
                "2024-12-10",
            ]
            for i in range(count)
        ],
    )
    (folder / "datapackage.json").write_text(
        json.dumps(
            {
                "name": "renfrewshire",
                "title": "Renfrewshire directory",
                "profile": "tabular-data-package",
                "resources": [
                    {"name": "organization", "path": "organizations.csv"},
                    {"name": "service", "path": "services.csv"},
                ],
            }
        ),
        encoding="utf-8",
    )
    return folder
