"""`sp-desktop leaflet` and `sp-desktop booklet` on a real database file, read back with pypdf."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from sp_desktop.cli import build_parser, run_command
from sp_desktop.db.models import AuditEvent, Staff
from sp_desktop.domain.enums import AppRole
from sp_desktop.services.staff import hash_password
from tests.leaflet_support import add_service, approve, build_sentinel_directory, pdf_text, squash

PASSWORD = "Leaflets-are-useful-42"


def _run(argv, capsys=None):
    out, err = io.StringIO(), io.StringIO()
    args = build_parser().parse_args(argv)
    code = run_command(args, out, err)
    extra = capsys.readouterr().err if capsys is not None else ""
    return code, out.getvalue(), err.getvalue() + extra


@pytest.fixture
def people(db, clock, ctx_as, monkeypatch):
    """Staff who can sign in on the command line (password from SP_DESKTOP_PASSWORD)."""
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", PASSWORD)
    made = {role: ctx_as(role, name) for role, name in (
        (AppRole.FRONT_DESK, "Rachel Reception"), (AppRole.CLINICIAN, "Dr Ada Khan"),
        (AppRole.VETTING_LEAD, "Lena Link"))}
    with db.write(clock) as s:
        for staff in s.scalars(select(Staff)):
            staff.password_hash = hash_password(PASSWORD)
    return made


@pytest.fixture
def services(people):
    lead = people[AppRole.VETTING_LEAD]
    org, debt = add_service(lead)
    approve(lead, org)
    _, unvetted = add_service(lead, "Not Yet Checked", "Mystery group", category_codes=("walking-groups",))
    return debt, unvetted


def _base(app_paths):
    return ["--data-dir", str(app_paths.data_dir)]


def test_leaflet_pdf_and_text_from_the_command_line(app_paths, services, tmp_path, capsys):
    debt, _ = services
    target = tmp_path / "out.pdf"
    code, out, err = _run(["leaflet", str(debt), "--format", "large", "--note", "Ring them this week",
                           "-o", str(target), "--text", *_base(app_paths)], capsys)
    assert code == 0, err
    reader = PdfReader(str(target))
    assert int(reader.pages[0].mediabox.width) == 595
    text = squash(pdf_text(target.read_bytes()))
    for expected in ("Debt advice drop-in", "01632 960303", "Monday 10:00 to 12:30", "Ring them this week"):
        assert squash(expected) in text
    assert "Debt advice drop-in" in out and "01632 960303" in out  # the plain text on standard output
    assert "written to" in err


def test_compact_is_refused_for_two_services_with_a_clear_message(app_paths, services, tmp_path, people):
    debt, _ = services
    _, other = add_service(people[AppRole.VETTING_LEAD], service_name="Budgeting", organisation_id=None,
                           org_name="Second Org")
    code, _, err = _run(["leaflet", str(debt), str(other), "--format", "compact", "-o",
                         str(tmp_path / "x.pdf"), *_base(app_paths)])
    assert code == 1
    assert "Compact" in err and "Standard or Large print" in err
    assert not (tmp_path / "x.pdf").exists()


def test_unapproved_service_refused_without_a_reason_and_for_front_desk(app_paths, services, tmp_path, db):
    _, unvetted = services
    target = tmp_path / "x.pdf"
    code, _, err = _run(["leaflet", str(unvetted), "-o", str(target), *_base(app_paths)])
    assert code == 1
    assert "has not been vetted" in err and "--override-reason" in err
    code, _, err = _run(["leaflet", str(unvetted), "-o", str(target), "--override-reason",
                         "Nearest group for this need", "--user", "Rachel Reception", *_base(app_paths)])
    assert code == 4
    assert "Only a clinician" in err
    assert not target.exists()
    with db.read() as s:
        assert not s.scalars(select(AuditEvent).where(AuditEvent.summary.like("%patient leaflet%"))).all()


def test_clinician_override_is_allowed_and_audited(app_paths, services, tmp_path, db):
    _, unvetted = services
    target = tmp_path / "x.pdf"
    code, out, err = _run(["leaflet", str(unvetted), "-o", str(target), "--override-reason",
                           "Nearest group for this need", "--user", "Dr Ada Khan", *_base(app_paths)])
    assert code == 0, err
    assert "Mystery group" in pdf_text(target.read_bytes())
    with db.read() as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.summary.like("%patient leaflet%"))).all()
        assert [(r.staff_name, r.entity_id) for r in rows] == [("Dr Ada Khan", unvetted)]
        assert "Nearest group for this need" in rows[0].summary


def test_unknown_service_and_missing_folder_are_clear_errors(app_paths, services, tmp_path):
    debt, _ = services
    code, _, err = _run(["leaflet", "99999", "-o", str(tmp_path / "x.pdf"), *_base(app_paths)])
    assert code == 1 and "no longer exists" in err
    code, _, err = _run(["leaflet", str(debt), "-o", str(tmp_path / "nope" / "x.pdf"), *_base(app_paths)])
    assert code == 1 and "does not exist" in err
    code, _, err = _run(["leaflet", str(debt), *_base(app_paths)])
    assert code == 1 and "-o FILE.pdf" in err


def test_booklet_by_category_name(app_paths, services, tmp_path, people):
    walk_org, _ = add_service(people[AppRole.VETTING_LEAD], "Paisley Walkers", "Canal walk",
                              category_codes=("walking-groups",))
    approve(people[AppRole.VETTING_LEAD], walk_org)
    target = tmp_path / "booklet.pdf"
    code, out, err = _run(["booklet", "-o", str(target), *_base(app_paths)])
    assert code == 0, err
    assert "Booklet of 2 service entries in 2 categories" in out
    text = squash(pdf_text(target.read_bytes()))
    assert squash("Canal walk") in text and squash("Debt advice drop-in") in text
    assert squash("Mystery group") not in text
    code, out, err = _run(["booklet", "--category", "physical ACTIVITY", "-o", str(target),
                           *_base(app_paths)])
    assert code == 0, err
    text = squash(pdf_text(target.read_bytes()))
    assert squash("Canal walk") in text and squash("Debt advice drop-in") not in text
    code, _, err = _run(["booklet", "--category", "Knitting", "-o", str(target), *_base(app_paths)])
    assert code == 1 and "no category called “Knitting”" in err and "Mental wellbeing" in err


def test_command_line_output_has_no_internal_text(app_paths, db, clock, ctx_as, ctx, tmp_path, monkeypatch,
                                                  capsys):
    directory = build_sentinel_directory(db, clock, ctx_as, ctx)
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", PASSWORD)
    with db.write(clock) as s:
        for staff in s.scalars(select(Staff)):
            staff.password_hash = hash_password(PASSWORD)
    target = tmp_path / "leaflet.pdf"
    reason = directory.sentinels["override_reason"]
    ids = [str(directory.approved_service_id), str(directory.unapproved_service_id)]
    code, out, err = _run(["leaflet", *ids,
                           "--override-reason", reason, "--user", directory.signer_name, "-o", str(target),
                           "--text", *_base(app_paths)], capsys)
    assert code == 0, err
    assert "open concern" in err  # told to the person printing
    assert directory.leaks(out) == []
    assert directory.leaks(pdf_text(target.read_bytes())) == []
    booklet = tmp_path / "booklet.pdf"
    code, out, err = _run(["booklet", "-o", str(booklet), *_base(app_paths)])
    assert code == 0, err
    assert directory.leaks(out + pdf_text(booklet.read_bytes())) == []


def test_characters_that_cannot_be_printed_are_named_and_nothing_is_made(app_paths, services, tmp_path,
                                                                           people):
    debt, _ = services
    target = tmp_path / "leaflet.pdf"
    code, _, err = _run(["leaflet", str(debt), "--note", "See you soon \U0001F44D", "-o", str(target),
                         *_base(app_paths)])
    assert code == 1
    assert "U+1F44D" in err and "THUMBS UP SIGN" in err and "--print-anyway" in err
    assert not target.exists()
    code, _, err = _run(["leaflet", str(debt), "--note", "See you soon \U0001F44D", "-o", str(target),
                         "--print-anyway", *_base(app_paths)])
    assert code == 0, err
    assert target.exists()


def test_the_text_message_form(app_paths, services):
    debt, _ = services
    code, out, err = _run(["leaflet", str(debt), "--sms", *_base(app_paths)])
    assert code == 0, err
    from sp_desktop.leaflets.render import sms_length

    used, limit = sms_length(out.strip())
    assert used <= limit and "Debt advice drop-in" in out
