"""Leaflets in the patient's language (issue 14, point 3): a wording table per language kept by
the practice (administrators, audited, importable and exportable as a file), service translations,
and English fallback marked. Real database on every back end; PDFs read back."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from sp_desktop.db.models import AuditEvent
from sp_desktop.domain.enums import AppRole, AuditAction
from sp_desktop.domain.errors import BadInput
from sp_desktop.services.base import NotFound, PermissionDenied
from sp_desktop.services.leaflet_languages import LeafletLanguageService
from sp_desktop.services.leaflets import BasketItem, LeafletService
from tests.leaflet_support import add_service, approve, pdf_text, squash

POLISH = {"title": "Wsparcie, które może pomóc", "how_to_get_in_touch": "Jak się skontaktować",
          "checked": "Sprawdzone przez przychodnię {date}.", "in_english": "(po angielsku: brak tłumaczenia)",
          "printed": "Wydrukowano {date}", "page": "Strona {page} z {total}"}


@pytest.fixture
def two_services(ctx_as):
    lead = ctx_as(AppRole.VETTING_LEAD, "Lena Lead")
    org, debt = add_service(lead)
    approve(lead, org)
    _, second = add_service(lead, service_name="Benefits check", organisation_id=org)
    return debt, second


def test_a_polish_leaflet_uses_the_table_and_marks_english_fallback(ctx, ctx_as, two_services, db):
    debt, second = two_services
    languages = LeafletLanguageService(ctx)
    languages.save_language("pl", "Polski (Polish)", POLISH)
    languages.set_translation(debt, "pl", "Porady dotyczące długów", "Doradca pomoże Ci zrobić plan spłaty.")
    prepared = LeafletService(ctx_as(AppRole.FRONT_DESK)).build_leaflet(
        [BasketItem(debt), BasketItem(second)], language="pl")
    pdf = prepared.pdf()
    flat = squash(pdf_text(pdf))
    for phrase in ("Wsparcie, które może pomóc", "Porady dotyczące długów", "Doradca pomoże Ci zrobić plan",
                   "Jak się skontaktować", "Wydrukowano", "Strona 1 z"):
        assert squash(phrase) in flat, phrase
    assert squash("Benefits check") in flat and squash("(po angielsku: brak tłumaczenia)") in flat
    assert "/Lang (pl)" in pdf.decode("latin-1")
    with db.read() as s:
        summaries = list(s.scalars(select(AuditEvent.summary)
                                   .where(AuditEvent.action == AuditAction.SETTING)))
    assert any("leaflet wording for Polski" in x for x in summaries)


def test_wording_tables_are_for_administrators_and_checked_before_saving(ctx, ctx_as, two_services):
    with pytest.raises(PermissionDenied):
        LeafletLanguageService(ctx_as(AppRole.VETTING_LEAD)).save_language("pl", "Polski", POLISH)
    languages = LeafletLanguageService(ctx)
    with pytest.raises(BadInput, match="same blanks"):
        languages.save_language("pl", "Polski", {"checked": "Sprawdzone przez przychodnię."})
    with pytest.raises(BadInput, match="not a phrase"):
        languages.save_language("pl", "Polski", {"headline": "x"})
    with pytest.raises(BadInput, match="language code"):
        languages.save_language("Polish!", "Polski", POLISH)
    assert languages.languages() == []  # nothing half-written
    with pytest.raises(NotFound, match="no leaflet wording"):
        LeafletService(ctx).build_leaflet([BasketItem(two_services[0])], language="pl")


def test_a_table_goes_out_and_comes_back_as_a_file(ctx):
    languages = LeafletLanguageService(ctx)
    languages.save_language("pl", "Polski (Polish)", POLISH)
    text = languages.export_file("pl")
    data = json.loads(text)
    assert data["format"] == "sp-desktop leaflet wording" and data["phrases"]["title"] == POLISH["title"]
    assert data["english"]["title"] == "Support that might help you"
    data["code"], data["name"] = "pl-x-test", "Polski (test)"
    choice = languages.import_file(json.dumps(data))
    assert choice.code == "pl-x-test" and choice.phrases == len(POLISH)
    assert languages.wording("pl-x-test").title == POLISH["title"]
    with pytest.raises(BadInput, match="not a leaflet wording file"):
        languages.import_file('{"hello": 1}')
    with pytest.raises(BadInput, match="not a leaflet wording file"):
        languages.import_file("not json")


def test_a_service_translation_is_checked_like_the_english_and_locked_once_approved(ctx, ctx_as, two_services,
                                                                                    db):
    debt, _ = two_services  # the organisation is approved
    LeafletLanguageService(ctx).save_language("pl", "Polski (Polish)", POLISH)
    lead = LeafletLanguageService(ctx_as(AppRole.VETTING_LEAD, "Vera Lead"))
    # Bad text is refused with the field named; nothing is saved.
    with pytest.raises(BadInput, match="too long") as long_name:
        lead.set_translation(debt, "pl", "N" * 301, "")
    assert long_name.value.field == "name"
    with pytest.raises(BadInput) as control:
        lead.set_translation(debt, "pl", "Porady", "Plan sp\x07łaty")
    assert control.value.field == "description"
    assert lead.translation(debt, "pl").name == ""
    # Direction overrides are removed, not kept (they would make the name read as something else).
    lead.set_translation(debt, "pl", "Porady \u202edługów", "Doradca pomoże.")
    kept = lead.translation(debt, "pl")
    assert (kept.name, kept.description, kept.english_name) == ("Porady długów", "Doradca pomoże.",
                                                               "Debt advice drop-in")
    # The front desk may read it but not change what an approved organisation's leaflet says.
    desk = LeafletLanguageService(ctx_as(AppRole.FRONT_DESK, "Dan Desk"))
    assert desk.translation(debt, "pl").may_change is False
    with pytest.raises(PermissionDenied, match="vetting lead"):
        desk.set_translation(debt, "pl", "Inna nazwa", "")
    assert desk.translation(debt, "pl").name == "Porady długów"
    with db.read() as s:
        changes = s.scalars(select(AuditEvent.changes).where(AuditEvent.action == AuditAction.UPDATE,
                                                             AuditEvent.entity_id == debt)).all()
    assert [c["translation_pl"][1]["name"] for c in changes if "translation_pl" in c] == ["Porady długów"]
