"""Passwords an administrator sets are changed at first sign-in; new passwords are long and not
common (issue 25 point 8). Through the services, on a real database (SQLite file and PostgreSQL)."""

from __future__ import annotations

import pytest

from sp_desktop.demo.vetting import DEMO_PASSWORD
from sp_desktop.domain.enums import AppRole
from sp_desktop.services.base import ValidationFailed
from sp_desktop.services.staff import (
    MIN_PASSWORD_LENGTH,
    Authenticator,
    StaffForm,
    StaffService,
    check_password_rules,
    common_passwords,
)

GIVEN = "given by the admin 1"


def test_new_passwords_need_ten_characters_and_not_a_common_one():
    assert MIN_PASSWORD_LENGTH == 10
    assert "at least 10 characters" in check_password_rules("nine char")
    assert check_password_rules("ten chars!") is None
    assert len(common_passwords()) > 100  # the shipped list is read
    for common in ("Password123", "qwertyuiop", "RECEPTION123", "1234567890", "welcome2026"):
        assert "too easy to guess" in check_password_rules(common), common


def test_an_account_the_administrator_adds_must_choose_its_own_password(ctx, db, clock):
    staff = StaffService(ctx)
    nadia = staff.add(StaffForm("Nadia Nurse", "Practice nurse", AppRole.CLINICIAN, GIVEN))
    auth = Authenticator(ctx)
    actor = auth.sign_in("Nadia Nurse", GIVEN)
    assert auth.must_change_password(actor)
    mine = ctx.as_actor(actor)
    with pytest.raises(ValidationFailed) as short:
        StaffService(mine).change_own_password(GIVEN, "short one")
    assert "10 characters" in short.value.errors["password"]
    assert auth.must_change_password(actor)  # refused: still to change
    StaffService(mine).change_own_password(GIVEN, "nadia's own secret")
    assert not auth.must_change_password(auth.sign_in("Nadia Nurse", "nadia's own secret"))
    # a reset by the administrator asks again
    staff.reset_password(nadia.id, "another given one")
    assert auth.must_change_password(auth.sign_in("Nadia Nurse", "another given one"))


def test_the_administrators_own_reset_and_the_first_administrator_are_not_asked(ctx):
    auth = Authenticator(ctx)
    assert ctx.actor.id is not None
    StaffService(ctx).reset_password(ctx.actor.id, "my own new password")
    assert not auth.must_change_password(auth.sign_in(ctx.actor.name, "my own new password"))


def test_demo_accounts_keep_their_published_password(demo_db, clock):
    from sp_desktop.services.base import SYSTEM, ServiceContext

    auth = Authenticator(ServiceContext(demo_db, clock, SYSTEM))
    for name in ("Rachel Reception", "Dr Gordon Gill", "Lena Link", "Mary Manager"):
        actor = auth.sign_in(name, DEMO_PASSWORD)
        assert not auth.must_change_password(actor), name
