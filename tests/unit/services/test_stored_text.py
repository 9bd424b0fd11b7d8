"""Issue 16, point 4: what may be stored, on SQLite and PostgreSQL alike.

NUL and other control characters and broken characters are refused with a message naming the
field (on PostgreSQL a NUL used to end in a DataError traceback); nothing is half-written;
bidi overrides are removed from names; recognisable NHS and CHI numbers are refused in notes,
summaries and references, with the reason."""

from __future__ import annotations

import pytest
from signposting_cases import _add_services
from sqlalchemy import func, select

from sp_desktop.db.models import AuditEvent, ContactEvent, Location, Organisation, Signposting, Staff
from sp_desktop.domain.enums import AppRole, Outcome, TrustNoteKind
from sp_desktop.services.base import ValidationFailed
from sp_desktop.services.directory import DirectoryService, LocationForm, OrganisationForm
from sp_desktop.services.imports import ImportService
from sp_desktop.services.relationships import ContactLogForm, ContactLogService, TrustNoteService
from sp_desktop.services.settings import SettingsService
from sp_desktop.services.signposting import OutcomeForm, SignpostingForm, SignpostingService
from sp_desktop.services.staff import StaffForm, StaffService

NHS = "943 476 5919"  # a valid NHS number (the check digit is right)
CHI = "1201857783"  # 12 Jan 1985 + 4 digits, valid check digit


def _count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("bad", ["Debt\x00advice", "Debt\x1b[2Jadvice", "Debt\x07", "Debt\ud800advice",
                                 "Debt\x9badvice"])
def test_control_and_broken_characters_are_refused_naming_the_field(ctx, db, bad):
    before = _count(db, Organisation)
    with pytest.raises(ValidationFailed) as e:
        DirectoryService(ctx).save_organisation(OrganisationForm(name=bad))
    assert list(e.value.errors) == ["name"]
    assert "organisation name contains" in e.value.errors["name"]
    assert "which cannot be stored" in e.value.errors["name"]
    assert _count(db, Organisation) == before  # nothing half-written


def test_a_nul_in_a_field_the_form_does_not_check_is_refused_by_the_guard_not_a_traceback(ctx, db):
    """Venue lines are not validated field by field: the flush-time guard still refuses, on both back
    ends, with the field named, and rolls the whole save back."""
    before = (_count(db, Organisation), _count(db, Location), _count(db, AuditEvent))
    form = OrganisationForm(name="Knit and Natter", locations=[LocationForm(address_1="1 High\x00Street",
                                                                           town="Paisley")])
    with pytest.raises(ValidationFailed) as e:
        DirectoryService(ctx).save_organisation(form)
    assert e.value.errors == {"address_1": "The venue's address line 1 contains a NUL character (code 0) at "
                                           "character 7, which cannot be stored. Retype the venue's address "
                                           "line 1, or paste it as plain text (it may have come from a "
                                           "damaged file or a terminal)."}
    assert (_count(db, Organisation), _count(db, Location), _count(db, AuditEvent)) == before


def test_tabs_and_line_breaks_are_kept_in_multi_line_text_only(ctx):
    d = DirectoryService(ctx)
    saved = d.save_organisation(OrganisationForm(name="Knit and Natter",
                                                 description="Tuesdays:\tknitting\r\nThursdays: natter"))
    assert d.get_organisation(saved.id).description == "Tuesdays:\tknitting\nThursdays: natter"
    with pytest.raises(ValidationFailed) as e:
        d.save_organisation(OrganisationForm(name="Knit and\tNatter"))
    assert "Keep the organisation name on one line" in e.value.errors["name"]


def test_bidi_overrides_are_removed_from_names(ctx, db):
    saved = DirectoryService(ctx).save_organisation(OrganisationForm(name="Paisley \u202eSreklaw\u202c Club"))
    with db.read() as s:
        assert s.get(Organisation, saved.id).name == "Paisley Sreklaw Club"
    member = StaffService(ctx).add(StaffForm(name="Eve \u2067Admin\u2069", job_role="",
                                             role=AppRole.FRONT_DESK, password="a long enough password 1"))
    with db.read() as s:
        assert s.get(Staff, member.id).name == "Eve Admin"


def test_a_staff_name_with_a_terminal_escape_is_refused(ctx, db):
    with pytest.raises(ValidationFailed) as e:
        StaffService(ctx).add(StaffForm(name="Eve\x1b]0;owned\x07", job_role="", role=AppRole.FRONT_DESK,
                                        password="a long enough password 1"))
    assert "escape character" in " ".join(e.value.errors.values())
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Staff).where(Staff.name.like("Eve%"))) == 0


def test_an_nhs_number_is_not_a_practice_reference(ctx, ctx_as, db, clock):
    _, _, debt_id, _, _ = _add_services(db, clock)
    SettingsService(ctx).update(allow_patient_reference=True)
    svc = SignpostingService(ctx_as(AppRole.CLINICIAN))
    for ref in (NHS.replace(" ", ""), CHI):
        with pytest.raises(ValidationFailed) as e:
            svc.record(SignpostingForm([debt_id], patient_ref=ref))
        assert "looks like an NHS or CHI number" in e.value.errors["patient_ref"]
        assert "practice's own short record number" in e.value.errors["patient_ref"]
    assert _count(db, Signposting) == 0
    assert svc.record(SignpostingForm([debt_id], patient_ref="EMIS4471")).patient_ref == "EMIS4471"


def test_nhs_and_chi_numbers_are_refused_in_notes_and_summaries(ctx, ctx_as, db, clock):
    _, _, debt_id, _, _ = _add_services(db, clock)
    gp = ctx_as(AppRole.CLINICIAN, "Dr Gordon Gill")
    record = SignpostingService(gp).record(SignpostingForm([debt_id]))
    with pytest.raises(ValidationFailed) as e:
        SignpostingService(gp).record_outcome(record.items[0].id, OutcomeForm(
            Outcome.ENGAGED, experience_note=f"Went twice, NHS no {NHS}, very helpful"))
    assert "“943 476 5919”, which looks like an NHS or CHI number" in e.value.errors["experience_note"]
    with db.read() as s:
        org_id = s.scalar(select(Organisation.id))
    log = ContactLogService(gp)
    with pytest.raises(ValidationFailed) as e:
        log.log(ContactLogForm(org_id, f"Rang about patient CHI {CHI}"))
    assert "looks like an NHS or CHI number" in e.value.errors["summary"]
    with pytest.raises(ValidationFailed) as e:
        TrustNoteService(gp).add(org_id, TrustNoteKind.CONCERN, f"Patient {NHS} was turned away")
    assert "looks like an NHS or CHI number" in " ".join(e.value.errors.values())
    assert _count(db, ContactEvent) == 0
    # a phone number is not mistaken for one
    log.log(ContactLogForm(org_id, "Rang 0141 496 0123 about the waiting list"))
    assert _count(db, ContactEvent) == 1


def test_an_import_with_a_nul_in_a_cell_reports_the_row_and_column_and_writes_nothing(ctx, db, tmp_path):
    from sp_desktop.services.imports import ImportFailed

    service = ImportService(ctx)
    before = _count(db, Organisation)
    sheet = tmp_path / "list.csv"
    sheet.write_text("Organisation,Service,Description\nKnit and Natter,Knitting,Fine\n"
                     "Paisley Walkers,Walks,Meet at\x00the Abbey\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="binary file"):  # a NUL: refused as a whole file
        service.open(sheet)
    sheet.write_text("Organisation,Service,Description\nKnit and Natter,Knitting,Fine\n"
                     "Paisley Walkers,Walks,Meet at\x1b[2Jthe Abbey\n", encoding="utf-8")
    feed = service.read_feed(service.open(sheet))
    [problem] = feed.errors
    assert problem.row == 3 and problem.column == "description"
    assert "escape character (code 27)" in problem.message
    with pytest.raises(Exception, match="must be fixed first"):
        service.commit(feed)
    assert _count(db, Organisation) == before


def test_a_search_with_control_characters_finds_what_the_words_find(ctx, db, clock):
    _add_services(db, clock)
    d = DirectoryService(ctx)
    plain = [r.id for r in d.search("debt").rows]
    assert plain
    assert [r.id for r in d.search("\x00debt\x07\udcff\x1b").rows] == plain
    assert d.search("debt " * 1000, limit=10**30).rows is not None  # long and huge: bounded, no error
