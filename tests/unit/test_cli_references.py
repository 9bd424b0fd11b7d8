"""`sp-desktop acknowledge` and `sp-desktop reference` on a real database file."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from sp_desktop.cli import build_parser, run_command
from sp_desktop.db.models import ReferenceAcknowledgement, Staff
from sp_desktop.domain.enums import AckOutcome, AppRole
from sp_desktop.domain.references import normalise
from sp_desktop.services.references import ReferenceService
from sp_desktop.services.staff import hash_password
from tests.leaflet_support import add_service, approve

PASSWORD = "References-close-loops-7"


def _run(argv, capsys=None):
    out, err = io.StringIO(), io.StringIO()
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        return exc.code, "", capsys.readouterr().err if capsys else ""
    code = run_command(args, out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def setup(db, clock, ctx_as, monkeypatch, app_paths):
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", PASSWORD)
    desk = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    lead = ctx_as(AppRole.VETTING_LEAD, "Lena Link")
    with db.write(clock) as s:
        for staff in s.scalars(select(Staff)):
            staff.password_hash = hash_password(PASSWORD)
    org, debt = add_service(lead)
    approve(lead, org)
    code = ReferenceService(desk).issue([debt], "print")
    return code, debt, ["--data-dir", str(app_paths.data_dir)]


def test_the_desk_acknowledges_a_code_from_the_command_line(setup, db):
    code, debt, base = setup
    rc, out, err = _run(["--user", "Rachel Reception", "acknowledge", code.lower(), "--service", str(debt),
                         "--outcome", "attended", *base])
    assert rc == 0, err
    assert f"{code} acknowledged for" in out and "attended" in out
    with db.read() as s:
        assert s.scalar(select(ReferenceAcknowledgement.outcome)) is AckOutcome.ATTENDED
    rc, out, _ = _run(["reference", code, *base])
    assert rc == 0 and "attended" in out and code in out


def test_mistakes_get_one_line_and_a_documented_exit_code(setup, capsys):
    code, debt, base = setup
    raw = normalise(code)
    typo = raw[:5] + ("Z" if raw[5] != "Z" else "Y")
    rc, _, err = _run(["--user", "Rachel Reception", "acknowledge", typo, *base])
    assert rc == 1 and f"Did they mean {code}" in err and "Traceback" not in err
    rc, _, err = _run(["acknowledge", code, *base])  # no --user: acknowledging writes
    assert rc == 4 and "--user" in err
    desk = ["--user", "Rachel Reception", "acknowledge", code]
    rc, _, err = _run([*desk, "--outcome", "maybe", *base], capsys)
    assert rc == 2  # usage: argparse names the choices
    rc, _, err = _run([*desk, "--service", "1" * 40, *base], capsys)
    assert rc == 2
    rc, _, err = _run(["--user", "Rachel Reception", "acknowledge", code, *base])
    assert rc == 0
    rc, _, err = _run(["--user", "Rachel Reception", "acknowledge", code, *base])
    assert rc == 1 and "already acknowledged" in err


def test_the_meeting_pack_from_the_command_line(setup, db, tmp_path, monkeypatch):
    from pypdf import PdfReader

    from sp_desktop.db.models import AuditEvent

    _code, _debt, base = setup
    target = tmp_path / "pack.pdf"
    rc, _out, err = _run(["--user", "Rachel Reception", "meeting-pack", "-o", str(target), *base])
    assert rc == 4 and "meeting pack" in err and not target.exists()  # front desk may not
    rc, out, err = _run(["--user", "Lena Link", "meeting-pack", "--from", "2026-11-01", "--to", "30/11/2026",
                         "-o", str(target), *base])
    assert rc == 0, err
    assert "Practice meeting pack for 1 Nov 2026 to 30 Nov 2026" in out
    assert "0 of 1 leaflet references quoted back" in out  # the one issued on 24 Nov
    text = " ".join(p.extract_text() for p in PdfReader(str(target)).pages)
    assert "Practice meeting pack" in text and "Leaflet references given out" in text
    with db.read() as s:
        made_by = s.scalar(select(AuditEvent.staff_name).where(AuditEvent.entity_type == "meeting_pack"))
    assert made_by == "Lena Link"
    rc, _out, err = _run(["--user", "Lena Link", "meeting-pack", "--from", "31 Nov 2026", "-o", str(target),
                          *base])
    assert rc == 1 and "is not a date" in err


def test_every_leaflet_from_the_command_line_carries_its_own_reference(setup, tmp_path):
    from pypdf import PdfReader

    from sp_desktop.domain.references import ALPHABET

    code, debt, base = setup
    target = tmp_path / "leaflet.pdf"
    rc, out, err = _run(["--user", "Rachel Reception", "leaflet", str(debt), "-o", str(target), *base])
    assert rc == 0, err
    reference = out.rsplit("its reference is ", 1)[1].strip()
    assert reference != code and len(reference) == 7 and set(reference.replace("-", "")) <= set(ALPHABET)
    text = " ".join(p.extract_text() for p in PdfReader(str(target)).pages)
    assert f"Tell them the practice sent you: quote {reference}" in " ".join(text.split())
    rc, out, err = _run(["--user", "Rachel Reception", "leaflet", str(debt), "--sms", *base])
    assert rc == 0, err
    sms_ref = out.split(" Quote ", 1)[1][:7]
    assert sms_ref not in (code, reference)  # a new leaflet, a new reference
    rc, out, _ = _run(["reference", sms_ref, *base])
    assert rc == 0 and "(sms)" in out
