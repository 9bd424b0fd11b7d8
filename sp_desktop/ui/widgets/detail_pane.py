"""The detail pane beside the results: a service as the patient's leaflet would describe it, then a
staff-only part (vetting, the organisation's contact people, status and sections other features add).

`service_html()` is plain string building (no Qt) so it can be tested and reused.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTextBrowser, QWidget

from sp_desktop.domain.enums import OrganisationStatus, ServiceStatus
from sp_desktop.domain.formatting import show_age_range, show_date, show_opening
from sp_desktop.domain.locations import ADDRESS_ON_REQUEST, CONFIDENTIAL_LABEL
from sp_desktop.domain.safe_text import escape_markup
from sp_desktop.domain.validators import display_phone
from sp_desktop.services.directory import LocationInfo, PhoneInfo, ServiceDetail
from sp_desktop.ui.widgets.venue_list_editor import accessibility_label

log = logging.getLogger(__name__)

DetailSection = Callable[[ServiceDetail], str]

_CSS = """
h2 { margin-top: 0; margin-bottom: 2px; }
h3 { margin-top: 14px; margin-bottom: 3px; }
p { margin-top: 2px; margin-bottom: 4px; }
.org { margin-top: 0; }
.muted { color: #555555; }
.notice { font-weight: bold; }
.staff { margin-top: 18px; }
td { padding-right: 10px; padding-bottom: 3px; vertical-align: top; }
"""


def _e(text: object) -> str:
    return escape_markup(text)


def _para(text: str | None) -> str:
    if not text:
        return ""
    return "<p>" + "<br>".join(_e(line) for line in text.strip().splitlines()) + "</p>"


def _link(url: str, text: str | None = None) -> str:
    return f'<a href="{_e(url)}">{_e(text or url)}</a>'


def _phones(phones: Sequence[PhoneInfo]) -> list[str]:
    out = []
    for p in phones:
        kind = p.type.label if p.type.value != "voice" else ""
        label = " — ".join(x for x in (p.description or "", kind) if x)
        out.append(f"<b>{_e(p.display)}</b>" + (f" ({_e(label)})" if label else ""))
    return out


def _venue(loc: LocationInfo) -> str:
    lines = ", ".join(_e(x) for x in loc.address_lines)
    if loc.confidential:  # a refuge or safe house: the front desk is given the town only (services)
        lines = (f"<b>{_e(CONFIDENTIAL_LABEL)}</b> (never printed or exported; leaflets say "
                 f"“{_e(ADDRESS_ON_REQUEST)}”)" + (f"<br>{lines}" if lines else ""))
    parts = [lines]
    access = [accessibility_label(a) for a in loc.accessibility]
    if access or loc.accessibility_notes:
        text = ", ".join(access)
        if loc.accessibility_notes:
            text = (text + ". " if text else "") + loc.accessibility_notes
        parts.append(f"<i>Access:</i> {_e(text)}")
    if loc.transport_notes:
        parts.append(f"<i>Getting there:</i> {_e(loc.transport_notes)}")
    return "<p>" + "<br>".join(parts) + "</p>"


def service_html(d: ServiceDetail, today: date, sections: Sequence[DetailSection] = (),
                 show_staff: bool = True, top: str = "", extra_notices: Sequence[str] = ()) -> str:
    """`top`: HTML shown under the heading and notices (the page's "at a glance" line, issue 18);
    `extra_notices`: words added to the notices ("Problem reported: ...", for everyone)."""
    org = d.organisation
    out: list[str] = [f"<h2>{_e(d.name)}</h2>"]
    run_by = f"Run by <b>{_e(org.name)}</b>"
    if org.alternate_name:
        run_by += f" ({_e(org.alternate_name)})"
    out.append(f'<p class="org">{run_by}</p>')
    notices = []
    if d.archived or org.archived:
        notices.append("Archived: hidden from searches and leaflets.")
    if org.status is OrganisationStatus.CLOSED:
        notices.append("The organisation has closed.")
    elif org.status is OrganisationStatus.TEMPORARILY_CLOSED:
        notices.append("The organisation is temporarily closed.")
    if d.status is ServiceStatus.TEMPORARILY_CLOSED:
        notices.append("This service is temporarily closed.")
    elif d.status is ServiceStatus.INACTIVE:
        notices.append("This service is no longer running.")
    notices.extend(extra_notices)  # e.g. "Problem reported: ..." (ui/problem_actions.py), for everyone
    for n in notices:
        out.append(f'<p class="notice">! {_e(n)}</p>')
    if top:
        out.append(top)

    if d.description:
        out.append("<h3>What it is</h3>" + _para(d.description))

    who = []
    if d.eligibility:
        who.append(_e(d.eligibility))
    who.append(_e(show_age_range(d.min_age, d.max_age, d.age_not_stated)) + ".")
    if d.service_area:
        who.append(f"Area covered: {_e(d.service_area)}.")
    out.append("<h3>Who it is for</h3><p>" + "<br>".join(who) + "</p>")

    out.append(f"<h3>Cost</h3><p>{_e(d.cost)}</p>")

    contact: list[str] = []
    if d.access:
        contact.append("<b>How to get in:</b> " + _e(", ".join(a.label for a in d.access)))
    if d.application_process:
        contact.append(_e(d.application_process).replace("\n", "<br>"))
    phones = _phones(d.phones)
    if not phones and org.phones:
        phones = _phones(org.phones)
    if phones:
        contact.append("<b>Phone:</b> " + "; ".join(phones))
    email = d.email or org.email
    if email:
        contact.append("<b>Email:</b> " + _link(f"mailto:{email}", email))
    web = d.url or org.website
    if web:
        contact.append("<b>Web:</b> " + _link(web))
    if d.referral_form_url:
        contact.append("<b>Referral form:</b> " + _link(d.referral_form_url))
    ways = [w for w, on in (("by phone", d.by_phone), ("online", d.online)) if on]
    if ways:
        contact.append("Also available " + " and ".join(ways) + ".")
    if contact:
        out.append("<h3>How to get in touch</h3><p>" + "<br>".join(contact) + "</p>")

    when: list[str] = []
    if d.schedule:
        when.append("<p>" + "<br>".join(_e(show_opening(s.weekday, s.opens, s.closes, s.note))
                                        for s in d.schedule) + "</p>")
    if d.schedule_notes:
        when.append(_para(d.schedule_notes))
    for loc in d.locations:
        when.append(_venue(loc))
    if not d.locations and (d.by_phone or d.online):
        when.append("<p>No venue: by phone or online.</p>")
    if when:
        out.append("<h3>When and where</h3>" + "".join(when))

    langs = list(d.languages)
    lang_lines = []
    if langs:
        lang_lines.append(_e(", ".join(langs)))
    if d.interpretation:
        lang_lines.append(_e(d.interpretation))
    if d.bsl:
        lang_lines.append("British Sign Language (BSL) available.")
    if lang_lines:
        out.append("<h3>Languages</h3><p>" + "<br>".join(lang_lines) + "</p>")

    if d.categories:
        cats = [f"{c.parent_name} › {c.name}" if c.parent_name else c.name for c in d.categories]
        out.append("<h3>Categories</h3><p>" + _e("; ".join(cats)) + "</p>")

    checked = "Details never checked."
    if d.last_verified_on:
        checked = f"Details last checked {show_date(d.last_verified_on)}"
        checked += f" by {d.last_verified_by}." if d.last_verified_by else "."
    elif d.publisher_note:
        checked = "Details never checked by the practice."
    out.append(f'<p class="muted"><i>{_e(checked)}</i></p>')
    if d.publisher_note:
        out.append(f'<p class="muted" id="publisher_note"><i>{_e(d.publisher_note)}</i></p>')
    link = getattr(d, "source_link", None)
    if link and show_staff:
        where = "ALISS" if "aliss" in link.lower() else (d.source_feed or "the directory it came from")
        out.append(f'<p id="source_link">Its page in {_e(where)}: <a href="{_e(link)}">{_e(link)}</a></p>')

    if show_staff:
        out.append(_staff_html(d, today, sections))
    return "".join(out)


def _staff_html(d: ServiceDetail, today: date, sections: Sequence[DetailSection]) -> str:
    org = d.organisation
    out = ['<hr><h3 class="staff">For staff only — not on leaflets</h3>']
    rows: list[tuple[str, str]] = []
    v = org.vetting_status
    vetting = f"{v.label} {v.symbol}"
    if org.approved_on:
        vetting += f" (approved {show_date(org.approved_on)})"
    if org.vetting_reason:
        vetting += f" — {org.vetting_reason}"
    rows.append(("Vetting", _e(vetting)))
    if org.shared_vetting_text:
        rows.append(("Shared by a neighbour", _e(org.shared_vetting_text)))
    if org.next_review_on:
        review = show_date(org.next_review_on)
        if org.next_review_on < today:
            review += " — Review overdue !"
        rows.append(("Next review", _e(review)))
    rows.append(("Service status", _e(d.status.label) + (" (archived)" if d.archived else "")))
    rows.append(("Organisation status", _e(org.status.label) + (" (archived)" if org.archived else "")))
    if org.registration_number:
        rows.append(("Registered", _e(f"{org.register_kind.label}: {org.registration_number}")))
    if org.legal_status:
        rows.append(("Legal status", _e(org.legal_status)))
    if len(org.service_names) > 1:
        others = [n for n in org.service_names if n != d.name]
        rows.append(("Other services", _e("; ".join(others))))
    out.append("<table>" + "".join(f"<tr><td><b>{k}:</b></td><td>{val}</td></tr>" for k, val in rows)
               + "</table>")
    people = list(org.contacts) + [c for c in d.contacts if c.id not in {x.id for x in org.contacts}]
    if people:
        lines = []
        for c in people:
            bits = [f"<b>{_e(c.name)}</b>" + (f", {_e(c.role)}" if c.role else "")]
            if c.phone:
                bits.append(_e(display_phone(c.phone)))
            if c.email:
                bits.append(_link(f"mailto:{c.email}", c.email))
            lines.append(" · ".join(bits))
        out.append("<p><b>Contact people:</b><br>" + "<br>".join(lines) + "</p>")
    else:
        out.append("<p><b>Contact people:</b> none recorded (add them with Edit organisation, Ctrl+E).</p>")
    for section in sections:
        try:
            extra = section(d)
        except Exception as exc:  # one broken section must not hide the rest
            log.exception("detail section %r failed", section)
            extra = f"<p>! Could not show part of this page: {_e(exc)}</p>"
        if extra:
            out.append(extra)
    return "".join(out)


class DetailPane(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detail")
        self.setAccessibleName("Service details")
        self.setOpenExternalLinks(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.document().setDefaultStyleSheet(_CSS)
        self.document().setDocumentMargin(12)
        self.service_id: int | None = None

    def show_service(self, detail: ServiceDetail, today: date,
                     sections: Sequence[DetailSection] = (), top: str = "",
                     notices: Sequence[str] = ()) -> None:
        self.service_id = detail.id
        bar = self.verticalScrollBar()
        self.setHtml(service_html(detail, today, sections, top=top, extra_notices=notices))
        bar.setValue(0)
        self.setAccessibleDescription(f"Details of {detail.name}, run by {detail.organisation.name}")

    def show_message(self, text: str) -> None:
        self.service_id = None
        self.setHtml(f'<p class="muted" style="margin-top: 24px">{_e(text)}</p>')
        self.setAccessibleDescription(text)


__all__ = ["DetailPane", "DetailSection", "service_html"]
