"""No internal data on paper: a unique sentinel string in every internal field of the directory
(trust notes, contact history, vetting evidence and reasons, staff names, contact people,
signposting references and feedback, audit summaries, import source ids), and none of them in
any leaflet format, the plain text or a booklet."""

from __future__ import annotations

import dataclasses

import pytest

from sp_desktop.leaflets import LeafletFormat
from sp_desktop.services.leaflets import BasketItem, LeafletService
from tests.leaflet_support import build_sentinel_directory, pdf_text


@pytest.fixture
def directory(db, clock, ctx_as, ctx):
    return build_sentinel_directory(db, clock, ctx_as, ctx)


def test_sentinels_really_are_in_the_database(directory, db):
    """Guard: the sentinels were stored, so their absence from leaflets means something."""
    from sqlalchemy import text

    with db.read() as s:
        tables = ("trust_note", "contact_event", "vetting_evidence", "organisation", "audit_event",
                  "signposting", "signposting_item", "contact", "service", "location", "staff")
        dump = " ".join(str(v) for table in tables
                        for row in s.execute(text(f"SELECT * FROM {table}")) for v in row)
    stored = dict(directory.sentinels, org_contact_phone="+441632960999")  # phones are kept as E.164
    stored.pop("override_reason")  # recorded when a clinician includes the service (tests below)
    missing = [k for k, v in stored.items() if v not in dump]
    assert missing == []


def test_no_internal_text_on_any_leaflet_format_or_the_plain_text(directory):
    clinician = LeafletService(directory.clinician)
    clinician.include_unapproved(directory.unapproved_service_id, directory.sentinels["override_reason"])
    reason = directory.sentinels["override_reason"]
    items = [BasketItem(directory.approved_service_id),
             BasketItem(directory.unapproved_service_id, override_reason=reason),
             BasketItem(directory.other_service_id)]
    prepared = clinician.build_leaflet(items, note="Your doctor suggests you call them this week.")
    assert prepared.warnings  # the open concern and the override are told to the person printing...
    for fmt in (LeafletFormat.STANDARD, LeafletFormat.LARGE):
        text = pdf_text(dataclasses.replace(prepared, fmt=fmt).pdf())
        assert "Debt advice drop-in" in text and "Tuesday lunch" in text and "Canal walk" in text
        assert directory.leaks(text) == [], fmt
    compact = clinician.build_leaflet(items[:1], fmt=LeafletFormat.COMPACT)
    assert directory.leaks(pdf_text(compact.pdf())) == []
    plain = prepared.text()
    assert "Debt advice drop-in" in plain
    assert directory.leaks(plain) == []
    accessible = prepared.html()  # the accessible version (issue 22): the same words, nothing more
    assert "Debt advice drop-in" in accessible and "Canal walk" in accessible
    assert directory.leaks(accessible) == []
    # ...and never printed
    assert "open concern" not in pdf_text(prepared.pdf()) + plain


def test_a_chosen_signature_is_the_only_staff_name_printed(directory):
    prepared = LeafletService(directory.clinician).build_leaflet(
        [BasketItem(directory.approved_service_id)], note="Please ring them.", sign=True)
    text = pdf_text(prepared.pdf()) + prepared.text()
    assert directory.signer_name in text
    assert directory.leaks(text, allow=("staff_clinician",)) == []


def test_front_desk_leaflet_has_no_internal_text(directory):
    prepared = LeafletService(directory.reception).build_leaflet(
        [BasketItem(directory.approved_service_id), BasketItem(directory.other_service_id)], sign=True)
    text = pdf_text(prepared.pdf()) + prepared.text()
    assert directory.leaks(text, allow=("staff_reception",)) == []


def test_booklet_has_no_internal_text(directory):
    service = LeafletService(directory.reception)
    # Everything flagged (here: an open concern) is kept, so every entry is read for leaks.
    flagged = [c.service_id for c in service.booklet_flagged(None)]
    result = service.booklet_pdf(None, keep_flagged=flagged)
    text = pdf_text(result.pdf)
    assert "Debt advice drop-in" in text and "Canal walk" in text
    assert "Tuesday lunch" not in text  # suspended organisation: not in booklets at all
    assert directory.leaks(text) == []
