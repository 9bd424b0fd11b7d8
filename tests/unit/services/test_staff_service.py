"""Staff accounts and signing in: hashing, slowing down wrong passwords, roles, first run."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sp_desktop.db.models import Staff
from sp_desktop.domain.enums import AppRole, AuditAction
from sp_desktop.services.audit import AuditService
from sp_desktop.services.base import SYSTEM, PermissionDenied, ServiceContext, ValidationFailed
from sp_desktop.services.staff import (
    FREE_ATTEMPTS,
    Authenticator,
    SignInFailed,
    StaffForm,
    StaffService,
    lockout_delay,
)

PASSWORD = "correct horse battery"


@pytest.fixture
def auth(db, clock) -> Authenticator:
    return Authenticator(ServiceContext(db, clock, SYSTEM))


def _add(ctx, name="Rachel Reception", role=AppRole.FRONT_DESK, password=PASSWORD, job="Receptionist"):
    return StaffService(ctx).add(StaffForm(name, job, role, password))


def test_first_run_creates_the_first_administrator_once(auth, db, clock):
    assert auth.needs_first_administrator()
    assert auth.accounts() == []
    actor = auth.create_first_administrator("Mary Manager", PASSWORD)
    assert actor.role is AppRole.ADMINISTRATOR and actor.id
    assert not auth.needs_first_administrator()
    assert [a.name for a in auth.accounts()] == ["Mary Manager"]
    with pytest.raises(PermissionError, match="already has an administrator"):
        auth.create_first_administrator("Someone Else", PASSWORD)
    # the new administrator can sign in
    assert auth.sign_in("mary manager", PASSWORD) == actor


def test_first_administrator_password_rules_apply(auth):
    with pytest.raises(ValidationFailed) as info:
        auth.create_first_administrator("Mary Manager", "short")
    assert "at least 8 characters" in info.value.errors["password"]
    with pytest.raises(ValidationFailed) as info:
        auth.create_first_administrator("", PASSWORD)
    assert "name" in info.value.errors
    assert auth.needs_first_administrator()


def test_wrong_passwords_are_refused_and_slowed_down_by_the_clock(ctx, auth, clock):
    _add(ctx)
    for attempt in range(1, FREE_ATTEMPTS):
        with pytest.raises(SignInFailed, match="not right") as info:
            auth.sign_in("Rachel Reception", "wrong password")
        assert info.value.retry_at is None
        assert f"{FREE_ATTEMPTS - attempt} more" in str(info.value)
    with pytest.raises(SignInFailed, match="paused for 30 seconds") as info:
        auth.sign_in("Rachel Reception", "wrong password")
    assert info.value.retry_at == clock.now() + timedelta(seconds=30)
    # while paused even the right password is refused, without checking it
    with pytest.raises(SignInFailed, match="Sign-in is paused: try again in 30 seconds"):
        auth.sign_in("Rachel Reception", PASSWORD)
    clock.advance(seconds=20)
    with pytest.raises(SignInFailed, match="try again in 10 seconds"):
        auth.sign_in("Rachel Reception", PASSWORD)
    clock.advance(seconds=10)
    # another wrong one doubles the pause
    with pytest.raises(SignInFailed, match="paused for 1 minute") as info:
        auth.sign_in("Rachel Reception", "still wrong")
    assert info.value.failures == FREE_ATTEMPTS + 1
    clock.advance(minutes=1)
    actor = auth.sign_in("Rachel Reception", PASSWORD)
    assert actor.name == "Rachel Reception" and actor.role is AppRole.FRONT_DESK
    member = StaffService(ctx).get(actor.id)
    assert member.failed_attempts == 0 and member.locked_until is None
    assert member.last_sign_in == clock.now()


def test_pause_grows_and_is_capped():
    assert lockout_delay(1) == timedelta(0)
    assert lockout_delay(3) == timedelta(seconds=30)
    assert lockout_delay(4) == timedelta(minutes=1)
    assert lockout_delay(5) == timedelta(minutes=2)
    assert lockout_delay(30) == timedelta(minutes=15)


def test_pause_survives_a_restart(ctx, db, clock):
    _add(ctx)
    for _ in range(FREE_ATTEMPTS):
        with pytest.raises(SignInFailed):
            Authenticator(ServiceContext(db, clock, SYSTEM)).sign_in("Rachel Reception", "nope nope")
    # a fresh Authenticator (a new app start) still sees the pause stored in the database
    with pytest.raises(SignInFailed, match="paused"):
        Authenticator(ServiceContext(db, clock, SYSTEM)).sign_in("Rachel Reception", PASSWORD)


def test_unknown_inactive_and_passwordless_accounts_cannot_sign_in(ctx, auth, make_staff):
    with pytest.raises(SignInFailed, match="no active staff account called “Nobody”"):
        auth.sign_in("Nobody", PASSWORD)
    member = _add(ctx)
    StaffService(ctx).set_active(member.id, False)
    with pytest.raises(SignInFailed, match="no active staff account"):
        auth.sign_in("Rachel Reception", PASSWORD)
    make_staff(AppRole.CLINICIAN, "Dr No Password")
    with pytest.raises(SignInFailed, match="has no password yet"):
        auth.sign_in("Dr No Password", "anything at all")
    assert "Dr No Password" not in [a.name for a in auth.accounts()]


@pytest.mark.backends("sqlite")  # reads the database file's raw bytes
def test_password_is_not_recoverable_from_the_database_file(ctx, db, app_paths):
    secret = "Tangerine-Lighthouse-42"
    _add(ctx, password=secret)
    with db.read() as s:
        stored = s.query(Staff.password_hash).filter(Staff.name == "Rachel Reception").scalar()
    assert stored.startswith("$argon2id$") and secret not in stored
    db.dispose()  # checkpoint the WAL into the main file
    raw = b""
    for path in app_paths.data_dir.rglob("directory.sqlite3*"):
        raw += path.read_bytes()
    assert b"$argon2id$v=19$" in raw
    assert secret.encode() not in raw and secret.encode("utf-16-le") not in raw
    # nor in the audit trail
    assert all(secret not in str(e.changes) + e.summary for e in AuditService(ctx).history(limit=1000))


def test_each_account_gets_its_own_salt(ctx):
    _add(ctx, "Anna One")
    _add(ctx, "Ben Two")
    with ctx.db.read() as s:
        hashes = [h for (h,) in s.query(Staff.password_hash).filter(Staff.password_hash.is_not(None))]
    assert len(set(hashes)) == 2
    assert len({h.split("$")[4] for h in hashes}) == 2  # different salts


def test_only_an_administrator_manages_staff(ctx_as):
    for role in (AppRole.FRONT_DESK, AppRole.CLINICIAN, AppRole.VETTING_LEAD):
        with pytest.raises(PermissionDenied, match="administrator can manage staff accounts") as info:
            _add(ctx_as(role, f"{role.label} user"), "New Person")
        assert "You are signed in as" in str(info.value)


def test_administrator_adds_changes_resets_and_deactivates(ctx, auth, clock):
    svc = StaffService(ctx)
    member = _add(ctx, "Dr Gordon Gill", AppRole.CLINICIAN, job="GP")
    with pytest.raises(ValidationFailed, match="already a staff account"):
        _add(ctx, "dr gordon  gill")
    svc.update(member.id, role=AppRole.VETTING_LEAD, job_role="GP partner")
    assert auth.sign_in("Dr Gordon Gill", PASSWORD).role is AppRole.VETTING_LEAD
    # forgotten password and a pause: the reset lifts both
    for _ in range(FREE_ATTEMPTS):
        with pytest.raises(SignInFailed):
            auth.sign_in("Dr Gordon Gill", "forgotten it")
    svc.reset_password(member.id, "new and long enough")
    assert auth.sign_in("Dr Gordon Gill", "new and long enough").id == member.id
    svc.set_active(member.id, False)
    assert "Dr Gordon Gill" not in [a.name for a in auth.accounts()]
    assert [m.name for m in svc.list()] == ["Alex Admin"]
    assert "Dr Gordon Gill" in [m.name for m in svc.list(include_inactive=True)]
    history = [e.summary or ",".join(e.changes) for e in AuditService(ctx).history(entity_type="staff",
                                                                                    entity_id=member.id)]
    assert "account deactivated" in history and "password reset by an administrator" in history
    assert all(e.staff_name == "Alex Admin" for e in AuditService(ctx).history(entity_type="staff",
                                                                               entity_id=member.id)
               if e.action is not AuditAction.SIGN_IN)


def test_the_last_administrator_cannot_be_removed_or_demoted(ctx):
    svc = StaffService(ctx)
    with pytest.raises(ValidationFailed, match="own account"):
        svc.set_active(ctx.actor.id, False)
    with pytest.raises(ValidationFailed, match="only administrator"):
        svc.update(ctx.actor.id, role=AppRole.FRONT_DESK)
    other = _add(ctx, "Mary Manager", AppRole.ADMINISTRATOR)
    svc.update(ctx.actor.id, role=AppRole.VETTING_LEAD)  # fine now: Mary is an administrator
    with pytest.raises(ValidationFailed, match="only administrator"):
        StaffService(ctx.as_actor(other.actor)).update(other.id, role=AppRole.CLINICIAN)


def test_change_own_password(ctx, auth):
    member = _add(ctx)
    me = StaffService(ctx.as_actor(member.actor))
    with pytest.raises(ValidationFailed, match="current password is not right"):
        me.change_own_password("wrong one", "a brand new password")
    with pytest.raises(ValidationFailed, match="too easy"):
        me.change_own_password(PASSWORD, "password123")
    me.change_own_password(PASSWORD, "a brand new password")
    with pytest.raises(SignInFailed):
        auth.sign_in("Rachel Reception", PASSWORD)
    assert auth.sign_in("Rachel Reception", "a brand new password").id == member.id
