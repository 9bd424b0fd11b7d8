"""The practice meeting pack as PDF (reportlab; no Qt, no database).

`MeetingPack` in (sp_desktop/services/meeting_pack.py), bytes out. It shares the practice
report's fonts, page template, tables and charts (report_pdf.py), so the two documents the
meeting reads look alike. Every chart is followed by a table of the same numbers and every bar
carries its value, so nothing depends on telling colours apart; states are words with a symbol.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Spacer

from sp_desktop.domain.formatting import show_date, show_datetime
from sp_desktop.output.pdf import BODY_W, build_pdf, pdf_fonts
from sp_desktop.output.pdf import para as _p
from sp_desktop.output.report_pdf import _Styles, _table, horizontal_chart

if TYPE_CHECKING:  # the pack a service builds: in; bytes out
    from sp_desktop.services.meeting_pack import MeetingPack


def _section(story: list[Any], st: _Styles, title: str, lead: str = "") -> None:
    story.append(CondPageBreak(45 * mm))
    story.append(_p(title, st.h2))
    if lead:
        story.append(_p(lead, st.small))
        story.append(Spacer(1, 2 * mm))


#: Rows a list in the pack shows. A month at a practice is a page or two; a year at a large practice
#: lists thousands of organisations and feedback: the meeting reads the first ones, and the pack says
#: truly how many more there are and where in the app they are listed.
LIST_LIMIT = 40


def _more(story: list[Any], st: _Styles, total: int, what: str, where: str) -> None:
    if total > LIST_LIMIT:
        story.append(_p(f"The first {LIST_LIMIT} {what} are listed; the other {total - LIST_LIMIT:,} are on "
                        f"{where}.", st.small))


def _empty(story: list[Any], st: _Styles, text: str) -> None:
    story.append(_p(text, st.body))


def render_meeting_pack(pack: MeetingPack) -> bytes:
    fonts = pdf_fonts()
    st = _Styles(fonts)
    story: list[Any] = [
        _p("Practice meeting pack", st.title),
        _p(f"{pack.practice_name} · {pack.period_text}", st.subtitle),
        _p(f"Made {show_datetime(pack.made_at)} by {pack.made_by}. For the practice team only: "
           "counts and organisation names, no patient details.", st.small),
        Spacer(1, 4 * mm),
    ]
    summary = [
        ["Signposting records in the period", str(pack.signposting_records)],
        ["Leaflet references given out", str(pack.references_issued)],
        ["… quoted back by the organisation", str(pack.references_acknowledged)],
        ["Organisations added or changed", str(len(pack.changes))],
        ["Vetting decisions in the period", str(len(pack.decisions))],
        ["Reviews due or overdue now", str(len(pack.reviews))],
        ["Concerns raised in the period", str(len(pack.concerns))],
        ["Problems reported with services", str(sum(1 for p in pack.problems
                                                    if pack.date_from <= p.reported_on <= pack.date_to))],
        ["Face-to-face contacts in the period", str(len(pack.face_to_face))],
        ["Organisations no one here has met", str(len(pack.never_met))],
    ]
    story.append(_table(st, ["At a glance", "Number"], summary, [BODY_W - 30 * mm, 30 * mm]))

    _section(story, st, "Signposting and acknowledgements by category",
             "Records: signposting records with a service in the category. References: leaflets given "
             "out; quoted back: the organisation told us the reference reached them.")
    if pack.by_category:
        rows = pack.by_category[:12]
        story.append(horizontal_chart([r.category for r in rows], [r.signposted for r in rows], fonts))
        story.append(_table(st, ["Category", "Records", "References", "Quoted back", "Attended"],
                            [[r.category, str(r.signposted), str(r.references), str(r.acknowledged),
                              str(r.attended)] for r in pack.by_category],
                            [BODY_W - 100 * mm, 25 * mm, 25 * mm, 25 * mm, 25 * mm]))
    else:
        _empty(story, st, "No signposting or leaflet references in this period.")

    _section(story, st, "Reviews due and overdue", "As of the day the pack was made, most urgent first.")
    if pack.reviews:
        story.append(_table(st, ["Organisation", "State", "What", "Date"],
                            [[r.organisation, r.state, r.what, show_date(r.due_on)]
                             for r in pack.reviews[:LIST_LIMIT]],
                            [55 * mm, 32 * mm, BODY_W - 112 * mm, 25 * mm], numeric_from=4))
        _more(story, st, len(pack.reviews), "reviews", "the Reviews due page")
    else:
        _empty(story, st, "No reviews are due or overdue.")

    _section(story, st, "Organisations added and changed")
    if pack.changes:
        story.append(_table(st, ["Organisation", "What happened", "Changes recorded"],
                            [[c.organisation, "Added ✚" if c.added else "Changed ✎", str(c.changes)]
                             for c in pack.changes[:LIST_LIMIT]],
                            [BODY_W - 70 * mm, 35 * mm, 35 * mm], numeric_from=2))
        _more(story, st, len(pack.changes), "organisations", "each organisation's Change history")
    else:
        _empty(story, st, "No organisations were added or changed in this period.")

    _section(story, st, "Vetting decisions in the period")
    if pack.decisions:
        story.append(_table(st, ["Date", "Organisation", "Decision"],
                            [[show_date(d.on), d.organisation, d.decision]
                             for d in pack.decisions[:LIST_LIMIT]],
                            [25 * mm, 65 * mm, BODY_W - 90 * mm], numeric_from=3))
        _more(story, st, len(pack.decisions), "decisions", "each organisation's vetting record (History)")
    else:
        _empty(story, st, "No vetting decisions were recorded in this period.")

    _section(story, st, "Concerns raised and resolved",
             "Concerns and safeguarding notes recorded in the period (their text stays in the trust notes).")
    if pack.concerns:
        story.append(_table(st, ["Organisation", "Kind", "Raised", "Now"],
                            [[c.organisation, c.kind, show_date(c.noted_on),
                              "Resolved ✓" if c.resolved else "Open !"] for c in pack.concerns[:LIST_LIMIT]],
                            [BODY_W - 100 * mm, 45 * mm, 30 * mm, 25 * mm], numeric_from=4))
        _more(story, st, len(pack.concerns), "concerns", "the organisations' trust notes")
    else:
        _empty(story, st, "No concerns were raised in this period.")

    _section(story, st, "Problems reported and resolved",
             "Problems reported with a service in the period, or resolved in it (what was said stays with "
             "the vetting lead, in Reviews due).")
    if pack.problems:
        story.append(_table(st, ["Service (organisation)", "Problem", "Reported", "Resolved"],
                            [[f"{p.service}\n{p.organisation}", p.kind, show_date(p.reported_on),
                              f"Resolved ✓ {show_date(p.resolved_on)}" if p.resolved_on else "Open !"]
                             for p in pack.problems[:LIST_LIMIT]],
                            [BODY_W - 115 * mm, 45 * mm, 30 * mm, 40 * mm], numeric_from=4))
        _more(story, st, len(pack.problems), "problems", "the Reviews due page (Problems reported)")
    else:
        _empty(story, st, "No problems were reported or resolved in this period.")

    _section(story, st, "Shared feedback",
             "What patients said, where the person recording it ticked that it may be shared: the month "
             "only, with phone numbers, e-mail addresses, NHS and CHI numbers, postcodes and staff names "
             "taken out.")
    if pack.feedback:
        story.append(_table(st, ["Month", "Service", "Experience", "What they said"],
                            [[f.month, f.service, f.experience, f.text] for f in pack.feedback[:LIST_LIMIT]],
                            [22 * mm, 45 * mm, 28 * mm, BODY_W - 95 * mm]))
        _more(story, st, len(pack.feedback), "pieces of feedback", "the Signposting log")
    else:
        _empty(story, st, "No shared feedback was recorded in this period.")

    _section(story, st, "Face-to-face contact in the period")
    if pack.face_to_face:
        story.append(_table(st, ["Date", "Organisation", "How", "Who from the practice"],
                            [[show_date(c.on), c.organisation, c.kind, c.staff]
                             for c in pack.face_to_face[:LIST_LIMIT]],
                            [25 * mm, 60 * mm, 45 * mm, BODY_W - 130 * mm], numeric_from=4))
        _more(story, st, len(pack.face_to_face), "meetings", "the Network page")
    else:
        _empty(story, st, "No one from the practice met an organisation in person in this period.")

    _section(story, st, "Planned: open follow-ups", "Visits, invitations and other actions still to do.")
    if pack.planned:
        story.append(_table(st, ["Due", "Organisation", "What", "Who"],
                            [[show_date(p.due, "no date"), p.organisation, p.what, p.owner]
                             for p in pack.planned[:LIST_LIMIT]],
                            [25 * mm, 55 * mm, BODY_W - 120 * mm, 40 * mm], numeric_from=4))
        _more(story, st, len(pack.planned), "follow-ups", "the Follow-ups page")
    else:
        _empty(story, st, "No follow-ups are open.")

    _section(story, st, "Organisations no one here has met",
             "Approved organisations first, longest approved first: a visit or an invitation to a practice "
             "meeting builds the trust the directory depends on.")
    if pack.never_met:
        story.append(_table(st, ["Organisation", "Vetting", "Approved on"],
                            [[n.organisation, n.vetting, show_date(n.approved_on, "")]
                             for n in pack.never_met[:LIST_LIMIT]],
                            [BODY_W - 75 * mm, 45 * mm, 30 * mm], numeric_from=3))
        _more(story, st, len(pack.never_met), "organisations", "the Network page")
    else:
        _empty(story, st, "Someone at the practice has met every open organisation.")

    title = f"Practice meeting pack, {pack.period_text}"
    return build_pdf(story, title=title, author=pack.practice_name, footer=f"{pack.practice_name} · {title}",
                  footer_right="For the practice team only", fonts=fonts)


__all__ = ["render_meeting_pack"]
