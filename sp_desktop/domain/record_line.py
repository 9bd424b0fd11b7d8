"""The line for the GP record ("Copy for the record", issue 18 point 7).

After a signposting is recorded, one action puts a line on the clipboard for the clinician to paste
into the patient's record in the clinical system. Its words come from a template the practice sets
in Settings, with placeholders in braces:

    {services}      the services, "Debt advice drop-in (Cartvale Money Advice); Canal walk (...)"
    {service}       the service names only, "Debt advice drop-in; Canal walk"
    {organisation}  the organisations, "Cartvale Money Advice; Paisley Walkers"
    {date}          the date of the signposting, "24 Nov 2026"
    {reference}     the leaflet reference, "K7M-2QX" (empty when no leaflet was given)
    {method}        how, "Leaflet given"
    {reasons}       what it was for, "Debt advice; Loneliness"
    {code}, {term}  the clinical code and its term the practice chose in Settings

The app ships **no clinical codes**: {code} and {term} are whatever the practice types (from its
own clinical system), empty until it does. The default template is plain words. A template with a
placeholder not listed above, a format such as {date:%d} or {service.name}, or an unmatched brace
is refused with a message naming it; nothing about the patient is ever in the line.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

from sp_desktop.domain.errors import BadInput

#: Placeholder -> what it holds (the Settings page lists these).
PLACEHOLDERS: dict[str, str] = {
    "services": "services and their organisations",
    "service": "service names",
    "organisation": "organisation names",
    "date": "date of the signposting",
    "reference": "leaflet reference",
    "method": "how (leaflet given, phoned...)",
    "reasons": "what it was for",
    "code": "your clinical code (Settings)",
    "term": "your clinical term (Settings)",
}

DEFAULT_TEMPLATE = "Signposted to {services} on {date}. Leaflet reference {reference}."

MAX_TEMPLATE = 500
MAX_CODE = 40
MAX_TERM = 200


def _names() -> str:
    return ", ".join("{" + name + "}" for name in PLACEHOLDERS)


def check_template(template: str, field: str = "record_line_template") -> str:
    """The template, trimmed, or BadInput saying what is wrong with it."""
    text = " ".join((template or "").split())
    if not text:
        raise BadInput(field, "The line for the record is empty.",
                       f"Type the words you want, with any of {_names()}.")
    if len(text) > MAX_TEMPLATE:
        raise BadInput(field, f"The line for the record is {len(text)} characters; "
                       f"keep it to {MAX_TEMPLATE}.")
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        raise BadInput(field, "A brace { or } is not matched in the line for the record.",
                       "Write placeholders as {date}; to show a brace itself, type it twice: {{ or }}."
                       ) from None
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            shown = "{" + name + "}" if name else "{}"
            raise BadInput(field, f"{shown} is not a placeholder the app knows.", f"Use {_names()}.")
        if spec or conversion:
            raise BadInput(field, f"{{{name}}} cannot have a format or conversion after it.",
                           f"Write it as {{{name}}}.")
    return text


def check_code(value: str, field: str, what: str, limit: int) -> str:
    text = " ".join((value or "").split())
    if len(text) > limit:
        raise BadInput(field, f"The {what} is {len(text)} characters; keep it to {limit}.")
    if "{" in text or "}" in text:
        raise BadInput(field, f"The {what} cannot hold braces {{ }}.",
                       "Type it as your clinical system shows it.")
    return text


def render_line(template: str, values: Mapping[str, str]) -> str:
    """The line, from a template `check_template` accepts and a value for every placeholder.
    Spaces left by empty values are closed up."""
    text = check_template(template).format_map({k: (values.get(k) or "").strip() for k in PLACEHOLDERS})
    return " ".join(text.split())


__all__ = ["DEFAULT_TEMPLATE", "PLACEHOLDERS", "check_code", "check_template", "render_line"]
