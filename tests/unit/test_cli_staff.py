"""Headless commands act as --user NAME (password from SP_DESKTOP_PASSWORD) and obey roles."""

from __future__ import annotations

import io
import json

import pytest

from sp_desktop.cli import build_parser, run_command

ADMIN_PW = "admin password 1"
DESK_PW = "front desk password"


def _run(argv, env=None, monkeypatch=None):
    out, err = io.StringIO(), io.StringIO()
    args = build_parser().parse_args(argv)
    code = run_command(args, out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.delenv("SP_DESKTOP_PASSWORD", raising=False)
    monkeypatch.delenv("SP_DESKTOP_NEW_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: never prompt
    return ["--data-dir", str(tmp_path / "data")]


def test_fresh_database_reads_without_user_and_creates_the_first_administrator(home, monkeypatch):
    code, out, err = _run(["info", *home])
    assert code == 0, err
    code, out, _ = _run(["staff", "list", *home])
    assert code == 0 and "No staff accounts yet" in out
    # --user on a database without accounts says what to do
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", "whatever it is")
    code, _, err = _run(["info", "--user", "Mary Manager", *home])
    assert code == 4 and "no staff accounts yet" in err and "staff add" in err
    monkeypatch.delenv("SP_DESKTOP_PASSWORD")
    # the first account must be an administrator
    monkeypatch.setenv("SP_DESKTOP_NEW_PASSWORD", ADMIN_PW)
    code, _, err = _run(["staff", "add", "Mary Manager", *home])
    assert code == 1 and "--role administrator" in err
    code, out, err = _run(["staff", "add", "Mary Manager", "--role", "administrator", *home])
    assert code == 0 and "first administrator" in out, err
    # after that, adding needs an administrator's --user
    monkeypatch.setenv("SP_DESKTOP_NEW_PASSWORD", DESK_PW)
    code, _, err = _run(["staff", "add", "Rachel Reception", *home])
    assert code == 4 and "--user" in err
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", ADMIN_PW)
    code, out, err = _run(["--user", "Mary Manager", "staff", "add", "Rachel Reception",
                           "--job", "Receptionist", *home])
    assert code == 0 and "Added Rachel Reception (Front desk)" in out, err
    code, out, _ = _run(["staff", "list", "--json", *home])
    listed = {m["name"]: m for m in json.loads(out)}
    assert listed["Rachel Reception"]["role"] == "front_desk" and listed["Rachel Reception"]["can_sign_in"]
    assert listed["Mary Manager"]["last_sign_in"]


def test_user_obeys_roles_and_wrong_passwords_are_refused(home, monkeypatch):
    monkeypatch.setenv("SP_DESKTOP_NEW_PASSWORD", ADMIN_PW)
    assert _run(["staff", "add", "Mary Manager", "--role", "administrator", *home])[0] == 0
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", ADMIN_PW)
    monkeypatch.setenv("SP_DESKTOP_NEW_PASSWORD", DESK_PW)
    assert _run(["staff", "add", "Rachel Reception", "--user", "Mary Manager", *home])[0] == 0
    # Rachel chooses her own password at first sign-in (the administrator set DESK_PW)
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", DESK_PW)
    monkeypatch.setenv("SP_DESKTOP_NEW_PASSWORD", DESK_PW + " now mine")
    assert _run(["info", "--user", "Rachel Reception", *home])[0] == 0
    monkeypatch.delenv("SP_DESKTOP_NEW_PASSWORD")
    # front desk cannot manage staff
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", DESK_PW + " now mine")
    code, _, err = _run(["staff", "set-role", "Rachel Reception", "administrator",
                         "--user", "Rachel Reception", *home])
    assert code == 4 and "can manage staff accounts" in err and "Rachel Reception (Front desk)" in err
    # wrong password: refused, then paused
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", "not the password")
    for _ in range(2):
        code, _, err = _run(["info", "--user", "Rachel Reception", *home])
        assert code == 4 and "not right" in err
    code, _, err = _run(["info", "--user", "Rachel Reception", *home])
    assert code == 4 and "paused" in err
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", DESK_PW)
    code, _, err = _run(["info", "--user", "Rachel Reception", *home])
    assert code == 4 and "try again in" in err
    # no password at all, no terminal
    monkeypatch.delenv("SP_DESKTOP_PASSWORD")
    code, _, err = _run(["info", "--user", "Mary Manager", *home])
    assert code == 4 and "SP_DESKTOP_PASSWORD" in err
    # unknown name
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", ADMIN_PW)
    code, _, err = _run(["info", "--user", "Nobody Here", *home])
    assert code == 4 and "no active staff account called “Nobody Here”" in err


def test_reviews_command_on_the_demo(home, monkeypatch):
    code, out, err = _run(["reviews", "--demo", *home])
    assert code == 0, err
    assert "Review overdue !" in out and "Public liability insurance" in out
    assert out.strip().splitlines()[-1].endswith("overdue.")
    code, out, _ = _run(["reviews", "--demo", "--json", "--within", "10", *home])
    rows = json.loads(out)
    assert rows and all(r["days"] <= 10 for r in rows)
    # demo accounts work from the command line too
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", "demo")
    code, out, err = _run(["staff", "list", "--demo", "--user", "Mary Manager", *home])
    assert code == 0 and "Lena Link" in out and "Vetting lead" in out, err


def test_a_password_the_administrator_set_is_changed_at_first_sign_in(home, monkeypatch):
    monkeypatch.setenv("SP_DESKTOP_NEW_PASSWORD", ADMIN_PW)
    code, _, err = _run(["staff", "add", "Mary Manager", "--role", "administrator", *home])
    assert code == 0, err
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", ADMIN_PW)
    monkeypatch.setenv("SP_DESKTOP_NEW_PASSWORD", DESK_PW)  # Fran's, given by the administrator
    code, _, err = _run(["staff", "add", "Fran Desk", "--role", "front_desk", "--user", "Mary Manager",
                         *home])
    assert code == 0, err
    monkeypatch.delenv("SP_DESKTOP_NEW_PASSWORD")
    # Fran signs in with the password the administrator gave: without a new one, exit 4 and why
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", DESK_PW)
    code, _, err = _run(["info", "--user", "Fran Desk", *home])
    assert code == 4 and "must choose a new password" in err and "SP_DESKTOP_NEW_PASSWORD" in err
    monkeypatch.setenv("SP_DESKTOP_NEW_PASSWORD", "password123")  # a common one: refused, exit 1
    code, _, err = _run(["info", "--user", "Fran Desk", *home])
    assert code == 1 and "too easy to guess" in err and "Nothing was changed" in err
    monkeypatch.setenv("SP_DESKTOP_NEW_PASSWORD", "fran's very own one")
    code, _, err = _run(["info", "--user", "Fran Desk", *home])
    assert code == 0, err
    monkeypatch.delenv("SP_DESKTOP_NEW_PASSWORD")
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", "fran's very own one")
    code, _, err = _run(["info", "--user", "Fran Desk", *home])
    assert code == 0, err  # changed once, not asked again
