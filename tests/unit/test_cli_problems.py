"""`sp-desktop problem`, `problems` and the leaflet's refusal while a problem is open, on a real
database file; the leaflet read back with pypdf."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from sp_desktop.cli import build_parser, run_command
from sp_desktop.db.models import AuditEvent, Staff
from sp_desktop.domain.enums import AppRole
from sp_desktop.services.staff import hash_password
from tests.leaflet_support import add_service, approve

PASSWORD = "Problems-get-fixed-42"


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = run_command(build_parser().parse_args(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def debt(db, clock, ctx_as, monkeypatch):
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", PASSWORD)
    made = {role: ctx_as(role, name) for role, name in (
        (AppRole.FRONT_DESK, "Rachel Reception"), (AppRole.VETTING_LEAD, "Lena Link"))}
    with db.write(clock) as s:
        for staff in s.scalars(select(Staff)):
            staff.password_hash = hash_password(PASSWORD)
    lead = made[AppRole.VETTING_LEAD]
    org, sid = add_service(lead)
    approve(lead, org)
    return sid


def test_report_list_refuse_a_leaflet_override_it_and_resolve(app_paths, debt, tmp_path, db):
    base = ["--data-dir", str(app_paths.data_dir)]
    desk = ["--user", "Rachel Reception"]
    # without --user: nothing is reported (exit 4)
    code, _, err = _run(["problem", str(debt), "--reason", "Number rings out", *base])
    assert code == 4 and "--user" in err
    code, out, err = _run(["problem", str(debt), "--reason", "Number rings out", "--kind",
                           "number-does-not-work", *desk, *base])
    assert code == 0, err
    assert "Problem reported: The number does not work" in out and "Debt advice drop-in" in out
    code, out, _ = _run(["problems", *base])
    assert code == 0 and f"{debt}\tDebt advice drop-in" in out and "Number rings out" in out
    code, out, _ = _run(["search", "debt", *base])  # search says so too, in words
    assert code == 0 and f"{debt}  ! Problem reported — Debt advice drop-in" in out
    code, out, _ = _run(["search", "debt", "--json", *base])
    assert code == 0 and '"problem_reported": true' in out
    # a leaflet now needs a reason: exit 1 with a clear message, no file
    target = tmp_path / "leaflet.pdf"
    code, _, err = _run(["leaflet", str(debt), "-o", str(target), *desk, *base])
    assert code == 1 and not target.exists()
    assert "Problem reported: The number does not work" in err and "--override-reason" in err
    code, _, err = _run(["leaflet", str(debt), "-o", str(target), "--override-reason",
                         "Told them to phone the office line instead", *desk, *base])
    assert code == 0, err
    text = "".join(p.extract_text() for p in PdfReader(str(target)).pages)
    assert "Debt advice drop-in" in text and "Problem reported" not in text and "phone the office" not in text
    with db.read() as s:
        summaries = [e.summary for e in s.scalars(select(AuditEvent))]
    assert any("although a problem is reported: Told them to phone" in x for x in summaries)
    # only the lead resolves
    code, _, err = _run(["problem", str(debt), "--resolve", "New number checked today", *desk, *base])
    assert code == 4 and "resolve a problem" in err
    code, out, err = _run(["problem", str(debt), "--resolve", "New number checked today",
                           "--user", "Lena Link", *base])
    assert code == 0 and "no longer shows" in out, err
    assert _run(["problems", *base])[1].startswith("No open problems.")
    target.unlink()
    assert _run(["leaflet", str(debt), "-o", str(target), *desk, *base])[0] == 0


def test_bad_arguments_get_clear_messages(app_paths, debt):
    base = ["--data-dir", str(app_paths.data_dir), "--user", "Rachel Reception"]
    code, _, err = _run(["problem", str(debt), *base])
    assert code == 2 and "--reason" in err and "--resolve" in err
    code, _, err = _run(["problem", str(debt), "--reason", "no", *base])
    assert code == 1 and "at least 5 characters" in err
    code, _, err = _run(["problem", "99999", "--reason", "The door was locked", *base])
    assert code == 1 and "99999 does not exist" in err
    with pytest.raises(SystemExit):
        build_parser().parse_args(["problem", str(debt), "--reason", "x", "--kind", "broken"])
