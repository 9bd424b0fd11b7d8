"""Issue 18 on paper: "why this helps", its source and author, the track record, shared feedback and
capacity never reach a patient leaflet (sentinels read back from the real PDF, plain text, accessible
HTML and SMS); a dated closure prints on leaflets made within four weeks of it, and only then."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from sp_desktop.domain.confidence import Capacity
from sp_desktop.domain.enums import Experience, Outcome, SignpostingMethod
from sp_desktop.leaflets import LeafletFormat
from sp_desktop.services.confidence import ConfidenceService
from sp_desktop.services.leaflets import BasketItem, LeafletService
from sp_desktop.services.signposting import OutcomeForm, SignpostingForm, SignpostingService
from tests.leaflet_support import TODAY, build_sentinel_directory, pdf_text

SENTINELS = {
    "help_note_service": "SNTL-WHY-SERVICE-0031",
    "help_note_category": "SNTL-WHY-CATEGORY-0032",
    "help_source": "SNTL-SOURCE-CITATION-0033",
    "shared_feedback": "SNTL-SHARED-FEEDBACK-0034",
}


@pytest.fixture
def directory(db, clock, ctx_as, ctx):
    d = build_sentinel_directory(db, clock, ctx_as, ctx)
    d.sentinels.update(SENTINELS)
    sid = d.approved_service_id
    lead = ConfidenceService(d.lead)
    lead.set_help_note(service_id=sid, note=SENTINELS["help_note_service"], source=SENTINELS["help_source"])
    category = lead.note_subjects(sid)[-1]
    assert category[0] == "category"
    lead.set_help_note(category_id=category[1], note=SENTINELS["help_note_category"],
                       source="practice experience")
    ConfidenceService(d.reception).set_capacity(sid, Capacity.WAITING_LIST, 7)
    for _ in range(5):  # enough people for the track record to show feedback and medians
        record = SignpostingService(d.reception).record(SignpostingForm([sid], SignpostingMethod.LEAFLET,
                                                                                  another_patient=True))
        SignpostingService(d.clinician).record_outcome(record.items[0].id, OutcomeForm(
            Outcome.ENGAGED, Experience.GOOD, SENTINELS["shared_feedback"], share_feedback=True))
    return d


def test_the_track_record_really_holds_the_sentinels(directory):
    c = ConfidenceService(directory.clinician).for_service(directory.approved_service_id)
    assert SENTINELS["shared_feedback"] in c.track.feedback
    assert {n.note for n in c.notes} == {SENTINELS["help_note_service"], SENTINELS["help_note_category"]}
    assert c.capacity is not None and c.capacity.confirmed_by == directory.sentinels["staff_reception"]


def test_nothing_from_confidence_reaches_any_leaflet_form(directory):
    prepared = LeafletService(directory.clinician).build_leaflet(
        [BasketItem(directory.approved_service_id), BasketItem(directory.other_service_id)])
    texts = {fmt.value: pdf_text(dataclasses.replace(prepared, fmt=fmt).pdf())
             for fmt in (LeafletFormat.STANDARD, LeafletFormat.LARGE)}
    compact = LeafletService(directory.clinician).build_leaflet([BasketItem(directory.approved_service_id)],
                                                                 fmt=LeafletFormat.COMPACT)
    texts |= {"compact": pdf_text(compact.pdf()), "text": prepared.text(), "html": prepared.html(),
              "sms": prepared.sms()}
    for form, text in texts.items():
        assert "Debt advice drop-in" in text, form
        assert directory.leaks(text) == [], form
        for words in ("waiting list", "Taking new people", "track record", "signposted", "Why this helps"):
            assert words.lower() not in text.lower(), (form, words)


def test_a_closure_prints_within_four_weeks_and_not_before(directory):
    sid = directory.approved_service_id
    lead = ConfidenceService(directory.lead)
    far = lead.add_closure(sid, TODAY + timedelta(days=29), TODAY + timedelta(days=40), "Building work")
    leaflets = LeafletService(directory.reception)
    prepared = leaflets.build_leaflet([BasketItem(sid)])
    assert "Building work" not in pdf_text(prepared.pdf())
    lead.remove_closure(far.id)
    soon = lead.add_closure(sid, TODAY + timedelta(days=28), TODAY + timedelta(days=42), "Christmas holidays")
    prepared = leaflets.build_leaflet([BasketItem(sid)])
    line = f"Closed {soon.period} (Christmas holidays)"
    assert line == "Closed 22 Dec 2026 to 5 Jan 2027 (Christmas holidays)"
    for text in (pdf_text(prepared.pdf()), prepared.text(), prepared.html(), prepared.sms()):
        assert line in " ".join(text.split()), text[:400]
    # the name of whoever recorded the closure is not printed
    assert directory.leaks(pdf_text(prepared.pdf()) + prepared.text()) == []
    flagged = [c.service_id for c in leaflets.booklet_flagged(None)]
    booklet = pdf_text(leaflets.booklet_pdf(None, keep_flagged=flagged).pdf)
    assert line in " ".join(booklet.split())
    assert directory.leaks(booklet) == []
