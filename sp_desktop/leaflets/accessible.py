"""The leaflet for people who use a screen reader, a magnifier or their own colours: accessible HTML.

Why HTML and not a tagged PDF (issue 22, point 6). A screen reader needs the PDF's structure tree
(headings, paragraphs, lists, links) with every piece of page content marked and linked to it, and
the footer marked as an artifact. ReportLab, which draws the leaflets, writes none of this: its
open-source toolkit has no marked-content or structure-tree support (its authors say so), and its
flowables cannot be asked to wrap what they draw. Adding the tags afterwards (pikepdf) would mean
guessing from font sizes and positions which text run is a heading, a list item or the footer, page
by page; a guess that is wrong reads the leaflet in the wrong order or hides a phone number, which is
worse than an honest untagged PDF. So the PDF gets what can be done well — a title that names its
services, shown in the window title (DisplayDocTitle), its language (/Lang), bookmarks — and the
same leaflet is offered as HTML: real headings, lists and links, `lang="en-GB"`, large text that
reflows, colours the reader's browser or screen reader may override. It is built from the same
`Leaflet` content as the PDF and the plain text, so it holds nothing the paper leaflet does not.

`leaflet_title(leaflet)` is the PDF's (and the HTML page's) title; `leaflet_html(leaflet)` the page.
"""

from __future__ import annotations

from html import escape

from sp_desktop.leaflets.content import Leaflet, LeafletService, format_date
from sp_desktop.leaflets.render import FOOTER_ASK, OPENING, REFERRED


def _plain(text: str | None) -> str:
    """One line of tidy text: no control characters, single spaces."""
    cleaned = "".join(ch if ch >= " " else " " for ch in (text or ""))
    return " ".join(cleaned.split())


def _paragraphs(text: str | None) -> list[str]:
    """Free text split into its paragraphs (blank lines), each tidied."""
    raw = "".join(ch for ch in (text or "") if ch == "\n" or ch >= " ")
    return [p for p in (_plain(block) for block in raw.replace("\r", "").split("\n\n")) if p]


def leaflet_title(leaflet: Leaflet, title: str | None = None) -> str:
    """"Support that might help you: Debt advice drop-in and Canal walk" — the services by name, so a
    screen reader, a window title or a list of files says which leaflet this is. `title`: the heading
    as printed (in the leaflet's language), if not the leaflet's own."""
    names = [n for n in (_plain(s.service_name) or _plain(s.organisation_name) for s in leaflet.services)
             if n]
    title = _plain(title) or _plain(leaflet.title) or OPENING
    if not names:
        return title
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{title}: {listed}"


def _link(href: str, text: str) -> str:
    return f'<a href="{escape(href, quote=True)}">{escape(text)}</a>'


def _web_address(value: str) -> str | None:
    """An http(s) link for a website as people write it ("carers.example.org"); None for anything
    else (no javascript: or file: links on a patient's page)."""
    value = _plain(value)
    if not value or " " in value:
        return None
    lower = value.lower()
    if lower.startswith(("http://", "https://")):
        return value
    if ":" in lower.split("/")[0]:
        return None
    return "https://" + value


def _phone_href(number: str) -> str:
    digits = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    return f"tel:{digits}"


def _list(items: list[str]) -> str:
    """An HTML list of already-escaped items."""
    return "<ul>\n" + "".join(f"  <li>{item}</li>\n" for item in items if item) + "</ul>\n"


def _service_html(svc: LeafletService, number: int) -> str:
    name = _plain(svc.service_name) or _plain(svc.organisation_name) or "Service"
    org = _plain(svc.organisation_name)
    heading_id = f"service-{number}"
    out = [f'<section aria-labelledby="{heading_id}">\n<h2 id="{heading_id}">{escape(name)}</h2>\n']
    if org and org.casefold() != name.casefold():
        out.append(f"<p>Run by {escape(org)}</p>\n")

    def block(label: str, body: str) -> None:
        if body:
            out.append(f"<h3>{escape(label)}</h3>\n{body}")

    block("What it is", "".join(f"<p>{escape(p)}</p>\n" for p in _paragraphs(svc.description)))
    block("Who it is for", "".join(f"<p>{escape(p)}</p>\n" for p in _paragraphs(svc.who_for)))
    block("Cost", "".join(f"<p>{escape(p)}</p>\n" for p in _paragraphs(svc.cost)))
    contact: list[str] = []
    if svc.referred_by_practice:
        contact.append(escape(REFERRED))
    contact += [escape(_plain(x)) for x in svc.how_to_get_in_touch if _plain(x)]
    for label, number_text in svc.phones:
        shown = _plain(number_text)
        if shown:
            contact.append(f"{escape(_plain(label) or 'Phone')}: {_link(_phone_href(shown), shown)}")
    email = _plain(svc.email)
    if email and "@" in email and " " not in email:
        contact.append(f"Email: {_link('mailto:' + email, email)}")
    website = _plain(svc.website)
    href = _web_address(website) if website else None
    if website:
        contact.append(f"Website: {_link(href, website) if href else escape(website)}")
    if contact:
        block("How to get in touch", _list(contact))
    when = [escape(_plain(t)) for t in svc.opening_times if _plain(t)]
    when += [escape(p) for p in _paragraphs(svc.opening_notes)]
    block("When", _list(when) if when else "")
    for venue in svc.venues:
        lines = [escape(x) for x in (_plain(venue.name), *(_plain(a) for a in venue.address_lines)) if x]
        access = "; ".join(a for a in (_plain(x) for x in venue.accessibility) if a)
        if _plain(venue.accessibility_notes):
            access = (access + ". " if access else "") + _plain(venue.accessibility_notes)
        if access:
            lines.append("Access: " + escape(access))
        if _plain(venue.transport_notes):
            lines.append("Getting there: " + escape(_plain(venue.transport_notes)))
        block("Where", _list(lines) if lines else "")
    if _plain(svc.remote_note):
        block("Where", f"<p>{escape(_plain(svc.remote_note))}</p>\n")
    if svc.last_verified is not None:
        out.append(f"<p>Checked by the practice on {escape(format_date(svc.last_verified))}</p>\n")
    out.append("</section>\n")
    return "".join(out)


_STYLE = (
    "body{font-family:Arial,Helvetica,sans-serif;font-size:1.25rem;line-height:1.5;max-width:40em;"
    "margin:1em auto;padding:0 1em;color:#000;background:#fff}"
    "h1{font-size:1.8em}h2{font-size:1.4em;margin-top:1.5em;border-top:2px solid #000;padding-top:.5em}"
    "h3{font-size:1.1em}a{color:#0b4f9c}a:focus{outline:3px solid #0b4f9c;outline-offset:2px}"
    "footer{margin-top:2em;border-top:1px solid #000}"
)


def leaflet_html(leaflet: Leaflet) -> str:
    """The leaflet as one self-contained, accessible HTML page (UTF-8 text)."""
    if not leaflet.services:
        raise ValueError("A leaflet needs at least one service.")
    lang = escape(_plain(leaflet.language) or "en-GB", quote=True)
    practice = leaflet.practice
    title = leaflet_title(leaflet)
    parts = [
        "<!DOCTYPE html>\n",
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n",
    ]
    sender = [escape(x) for x in (_plain(practice.name), *(_plain(a) for a in practice.address_lines)) if x]
    header = "<header>\n"
    if sender:
        header += "<p>From " + ", ".join(sender) + "</p>\n"
    if _plain(practice.phone):
        header += f"<p>Phone {_link(_phone_href(_plain(practice.phone)), _plain(practice.phone))}</p>\n"
    parts.append(header + "</header>\n<main>\n")
    parts.append(f"<h1>{escape(_plain(leaflet.title) or OPENING)}</h1>\n")
    for para in _paragraphs(leaflet.personal_note):
        parts.append(f"<p>{escape(para)}</p>\n")
    if _plain(leaflet.staff_signature):
        parts.append(f"<p>{escape(_plain(leaflet.staff_signature))}</p>\n")
    if leaflet.reference:  # what the patient quotes to the organisation (services/references.py)
        before, _, after = leaflet.wording.quote_reference.partition("{reference}")
        parts.append(f"<p>{escape(before)}<strong>{escape(_plain(leaflet.reference))}</strong>"
                     f"{escape(after)}</p>\n")
    for number, svc in enumerate(leaflet.services, start=1):
        parts.append(_service_html(svc, number))
    parts.append("</main>\n<footer>\n")
    parts.append(f"<p>Printed {escape(format_date(leaflet.printed_on))}</p>\n<p>{escape(FOOTER_ASK)}</p>\n")
    parts.append("</footer>\n</body>\n</html>\n")
    return "".join(parts)


__all__ = ["leaflet_html", "leaflet_title"]
