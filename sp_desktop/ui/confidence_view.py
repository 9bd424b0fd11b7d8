"""The detail pane's "Before you suggest it" section (issue 18): why this helps, our own track
record, whether it is taking new people and whether it is open. Plain string building (no Qt), so
it can be tested and reused; every state is said in words (never by colour alone)."""

from __future__ import annotations

import html
from datetime import date

from sp_desktop.domain.confidence import capacity_words
from sp_desktop.services.confidence import ServiceConfidence


def _e(text: object) -> str:
    return html.escape(str(text))


def glance_html(c: ServiceConfidence, today: date) -> str:
    """One line under the service's name: open, getting in, track record (words, never colour)."""
    cap = "Taking new people: not recorded"
    if c.capacity is not None:
        stale = " (unconfirmed)" if c.capacity.stale(today) else ""
        cap = f"Taking new people: {c.capacity.answer}{stale}"
    parts = [c.opening.text, cap, c.track.short()]
    return '<p id="at_a_glance"><b>' + _e(" · ".join(parts)) + "</b></p>"


def confidence_html(c: ServiceConfidence, today: date) -> str:
    out = ['<h3 id="before_you_suggest">Before you suggest it</h3>']
    rows: list[tuple[str, str]] = [("Open", _e(c.opening.text)),
                                   ("Getting in", _e(capacity_words(c.capacity, today)))]
    upcoming = [x for x in c.closures if x is not c.opening.closure]
    if upcoming:
        rows.append(("Closures", "<br>".join(_e(x.text) for x in upcoming)))
    out.append("<table>" + "".join(f"<tr><td><b>{k}:</b></td><td>{v}</td></tr>" for k, v in rows)
               + "</table>")
    out.append("<p><b>Why this helps</b> (for clinicians; never on leaflets):</p>")
    if c.notes:
        for n in c.notes:
            out.append(f"<p><i>{_e(n.subject)}:</i> " + "<br>".join(_e(line) for line in n.note.splitlines())
                       + f'<br><span class="muted">{_e(n.byline)}</span></p>')
    else:
        out.append('<p class="muted">No note yet. The vetting lead can write one for this service or its '
                   "category.</p>")
    t = c.track
    out.append("<p><b>Our track record</b> (last 12 months):<br>" + "<br>".join(_e(x) for x in t.lines())
               + "</p>")
    if t.feedback and not t.too_few:
        out.append("<p><b>What people said</b> (shared with their agreement):<br>"
                   + "<br>".join(f"“{_e(f)}”" for f in t.feedback) + "</p>")
    return "".join(out)


__all__ = ["confidence_html", "glance_html"]
