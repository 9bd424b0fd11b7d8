""""Copy for the record" (issue 18 point 7): the practice's template, validated, filled from the
signposting record; no clinical code shipped; nothing about the patient; never on a leaflet."""

from __future__ import annotations

import pytest

from sp_desktop.domain.enums import AppRole, SignpostingMethod
from sp_desktop.domain.errors import BadInput
from sp_desktop.domain.record_line import DEFAULT_TEMPLATE, PLACEHOLDERS, check_template
from sp_desktop.services.base import PermissionDenied, ValidationFailed
from sp_desktop.services.leaflets import BasketItem, LeafletService
from sp_desktop.services.record_line import RecordLineService
from sp_desktop.services.references import ReferenceService
from sp_desktop.services.settings import SettingsService
from sp_desktop.services.signposting import SignpostingForm, SignpostingService
from tests.leaflet_support import add_service, approve, pdf_text


@pytest.fixture
def record(ctx_as, ctx):
    lead = ctx_as(AppRole.VETTING_LEAD, "Lena Link")
    org, sid = add_service(lead)
    approve(lead, org)
    desk = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    saved = SignpostingService(desk).record(SignpostingForm(
        [sid], SignpostingMethod.LEAFLET, patient_ref=""))
    return desk, sid, saved


def test_the_default_line_is_plain_words_with_no_clinical_code(record, ctx):
    desk, sid, saved = record
    assert "{code}" not in DEFAULT_TEMPLATE and "{term}" not in DEFAULT_TEMPLATE
    settings = SettingsService(ctx).get()
    assert (settings.record_code, settings.record_term) == ("", "")  # shipped empty: no codes
    line = RecordLineService(desk).line(saved.id)
    assert line == ("Signposted to Debt advice drop-in (Cartvale Money Advice) on 24 Nov 2026. "
                    "Leaflet reference none.")


def test_the_practice_template_code_and_term_and_the_leaflet_reference(record, ctx, db):
    desk, sid, saved = record
    SettingsService(ctx).update(record_line_template="{code} {term}: {service} via {method}, ref {reference}",
                                record_code="XaB12", record_term="Signposting to community service")
    leaflet = LeafletService(desk).hand_over(LeafletService(desk).build_leaflet([BasketItem(sid)]))
    # just handed over, not yet linked (the basket links it after the record is saved)
    line = RecordLineService(desk).line(saved.id, leaflet.reference)
    assert line == (f"XaB12 Signposting to community service: Debt advice drop-in via Leaflet given, "
                    f"ref {leaflet.reference}")
    ReferenceService(desk).link(leaflet.reference, saved.id)
    assert RecordLineService(desk).line(saved.id).endswith(f"ref {leaflet.reference}")
    # the line is never on the leaflet, nor the code and term
    text = pdf_text(leaflet.pdf()) + leaflet.text()
    assert "XaB12" not in text and "Signposting to community service" not in text


@pytest.mark.parametrize(("template", "message"), [
    ("Signposted to {patient}", "{patient} is not a placeholder"),
    ("Signposted {}", "{} is not a placeholder"),
    ("On {date:%d}", "cannot have a format"),
    ("On {date!r}", "cannot have a format"),
    ("Signposted {service.name}", "is not a placeholder"),
    ("Signposted to {service", "not matched"),
    ("   ", "is empty"),
    ("x" * 501, "keep it to 500"),
])
def test_a_bad_template_is_refused_with_a_clear_message_and_nothing_changes(ctx, template, message):
    with pytest.raises(BadInput, match=message.replace("{", r"\{").replace("}", r"\}")
                       .replace("(", r"\(")):
        check_template(template)
    with pytest.raises(ValidationFailed) as refused:
        SettingsService(ctx).update(record_line_template=template)
    assert "record_line_template" in refused.value.errors
    assert SettingsService(ctx).get().record_line_template == DEFAULT_TEMPLATE
    if "not a placeholder" in message:  # the message lists what may be used
        assert all("{" + name + "}" in refused.value.errors["record_line_template"] for name in PLACEHOLDERS)


def test_code_and_term_are_checked_and_only_administrators_change_the_template(ctx, ctx_as):
    with pytest.raises(ValidationFailed) as refused:
        SettingsService(ctx).update(record_code="{x}", record_term="t" * 201)
    assert set(refused.value.errors) == {"record_code", "record_term"}
    for role in (AppRole.FRONT_DESK, AppRole.CLINICIAN, AppRole.VETTING_LEAD):
        with pytest.raises(PermissionDenied):
            SettingsService(ctx_as(role)).update(record_line_template="Signposted to {service}")
