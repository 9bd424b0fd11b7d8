"""Staff accounts and signing in.

Passwords are hashed with Argon2id (argon2-cffi's `PasswordHasher`: memory-hard, a random salt
per hash, the parameters stored in the hash itself) and never stored, logged or audited in
clear. Hashes are upgraded on the next successful sign-in when the parameters change.

Repeated wrong passwords slow down: after `FREE_ATTEMPTS` failures in a row the account is
paused for `lockout_delay(failures)` (30 seconds, doubling with each further failure, at most
15 minutes). The count and the pause are stored on the staff row (`failed_attempts`,
`locked_until`) and measured with the service clock, so restarting the app does not reset them
and tests need no sleeping. While paused, no password is even checked.

Guessing can never leave the practice without a usable administrator: when the account being
guessed is an administrator and no OTHER administrator could sign in now, its pause is capped at
`LAST_ADMIN_LONGEST_PAUSE` (one minute: still at most a guess a minute, each an Argon2 check). And an
administrator can always recover on the PC itself: `sp-desktop staff recover NAME` sets a new
password for an administrator of the local database without signing in, because it needs what only
the person who looks after the PC has: the right to change the data folder (user-only files,
sp_desktop.private_files). `Authenticator.recover_administrator` does it, audited.

`Authenticator` is used before anyone is signed in (the sign-in window, `--user` on the command
line, the first administrator of a new practice). `StaffService` manages accounts and needs
the administrator role, except `change_own_password()`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sp_desktop.db.models import Staff
from sp_desktop.domain.enums import AppRole, AuditAction
from sp_desktop.domain.formatting import show_datetime
from sp_desktop.services import audit
from sp_desktop.services.base import Actor, NotFound, Permission, ServiceContext, ValidationFailed, require

#: Wrong passwords allowed in a row before sign-in pauses.
FREE_ATTEMPTS = 3
FIRST_PAUSE = timedelta(seconds=30)
LONGEST_PAUSE = timedelta(minutes=15)
#: The longest pause for an administrator when no other administrator could sign in.
LAST_ADMIN_LONGEST_PAUSE = timedelta(minutes=1)
MIN_PASSWORD_LENGTH = 8

_COMMON_PASSWORDS = frozenset({
    "password", "password1", "password12", "password123", "passw0rd", "12345678", "123456789",
    "1234567890", "87654321", "qwertyui", "qwertyuiop", "iloveyou", "letmein1", "letmein!", "welcome1",
    "welcome123", "abcd1234", "sunshine", "football", "changeme", "11111111", "00000000", "practice",
    "surgery1", "reception", "doctor123", "nhspassword",
})


def hasher() -> PasswordHasher:
    """Argon2id with argon2-cffi's default (RFC 9106 low-memory) parameters."""
    return PasswordHasher()


def hash_password(password: str) -> str:
    return hasher().hash(password)


def lockout_delay(failures: int) -> timedelta:
    """How long sign-in pauses after `failures` wrong passwords in a row (0 before the limit)."""
    if failures < FREE_ATTEMPTS:
        return timedelta(0)
    delay: timedelta = FIRST_PAUSE * (2 ** (failures - FREE_ATTEMPTS))
    return min(delay, LONGEST_PAUSE)


def check_password_rules(password: str, name: str = "") -> str | None:
    """Why `password` is not acceptable for a new password, or None when it is fine."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return (f"Use at least {MIN_PASSWORD_LENGTH} characters "
                "(a short phrase of three words is easy to remember).")
    if password.strip() != password:
        return "Do not start or end the password with a space."
    lowered = password.casefold()
    if lowered in _COMMON_PASSWORDS or len(set(lowered)) <= 2:
        return "That password is too easy to guess. Choose something less common, such as three random words."
    if name and lowered.replace(" ", "") in {name.casefold().replace(" ", ""), *name.casefold().split()}:
        return "Do not use your name as your password."
    return None


def _wait_text(seconds: float) -> str:
    s = max(1, int(round(seconds)))
    if s < 60:
        return f"{s} second{'s' if s != 1 else ''}"
    m = (s + 59) // 60
    return f"{m} minute{'s' if m != 1 else ''}"


# --------------------------------------------------------------------------- results and errors
@dataclass(frozen=True)
class StaffMember:
    id: int
    name: str
    job_role: str
    role: AppRole
    active: bool
    has_password: bool
    last_sign_in: datetime | None
    locked_until: datetime | None
    failed_attempts: int
    version: int

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.name, self.role)

    @property
    def role_text(self) -> str:
        return self.role.label


@dataclass(frozen=True)
class SignInName:
    """An account offered in the sign-in list."""

    id: int
    name: str
    job_role: str
    role: AppRole


class SignInFailed(PermissionError):
    """Signing in was refused. The message says why and what to do; `retry_at` is set while paused."""

    def __init__(self, message: str, retry_at: datetime | None = None, failures: int = 0) -> None:
        super().__init__(message)
        self.retry_at = retry_at
        self.failures = failures


def _member(s: Staff) -> StaffMember:
    return StaffMember(s.id, s.name, s.job_role or "", s.app_role, bool(s.active), bool(s.password_hash),
                       s.last_sign_in, s.locked_until, s.failed_attempts or 0, s.version)


def _find_by_name(session: Session, name: str) -> Staff | None:
    wanted = " ".join(name.split()).casefold()
    for staff in session.scalars(select(Staff).where(func.lower(Staff.name) == wanted.lower())):
        return staff
    # Fallback for names whose case folding SQL lower() does not know (accented capitals).
    for staff in session.scalars(select(Staff)):
        if " ".join(staff.name.split()).casefold() == wanted:
            return staff
    return None


def _active_admins(session: Session, with_password: bool = True) -> int:
    q = select(func.count()).select_from(Staff).where(Staff.active.is_(True),
                                                       Staff.app_role == AppRole.ADMINISTRATOR)
    if with_password:
        q = q.where(Staff.password_hash.is_not(None))
    return int(session.scalar(q) or 0)


def _other_usable_admins(session: Session, staff: Staff, now: datetime) -> int:
    """Administrators other than `staff` who could sign in now (active, a password, not paused)."""
    q = (select(func.count()).select_from(Staff)
         .where(Staff.id != staff.id, Staff.active.is_(True), Staff.app_role == AppRole.ADMINISTRATOR,
                Staff.password_hash.is_not(None))
         .where((Staff.locked_until.is_(None)) | (Staff.locked_until <= now)))
    return int(session.scalar(q) or 0)


class RecoveryRefused(PermissionError):
    """The local administrator recovery cannot be used here; the message says why."""


def _validate_new(session: Session, name: str, job_role: str, password: str | None,
                  staff_id: int | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    clean = " ".join(name.split())
    if not clean:
        errors["name"] = "Enter the person's name as colleagues know it, e.g. “Dr Ada Khan”."
    elif len(clean) > 120:
        errors["name"] = "The name is too long (at most 120 characters)."
    else:
        other = _find_by_name(session, clean)
        if other is not None and other.id != staff_id:
            state = "" if other.active else " (deactivated — reactivate it instead)"
            errors["name"] = f"There is already a staff account called “{other.name}”{state}."
    if len(job_role) > 80:
        errors["job_role"] = "The job role is too long (at most 80 characters)."
    if password is not None:
        problem = check_password_rules(password, clean)
        if problem:
            errors["password"] = problem
    return errors


# --------------------------------------------------------------------------- signing in
class Authenticator:
    """Signing in, before anyone is signed in. Uses the context's database and clock only."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def accounts(self) -> list[SignInName]:
        """Active staff who can sign in (have a password), by name."""
        with self.ctx.db.read() as s:
            rows = s.scalars(select(Staff).where(Staff.active.is_(True), Staff.password_hash.is_not(None))
                             .order_by(func.lower(Staff.name)))
            return [SignInName(r.id, r.name, r.job_role or "", r.app_role) for r in rows]

    def needs_first_administrator(self) -> bool:
        """True for a new practice: nobody could sign in as an administrator."""
        with self.ctx.db.read() as s:
            return _active_admins(s) == 0

    def create_first_administrator(self, name: str, password: str,
                                   job_role: str = "Practice manager") -> Actor:
        """Create the practice's first administrator. Refused once an administrator exists."""
        with self.ctx.db.write(self.ctx.clock) as s:
            if _active_admins(s) > 0:
                raise PermissionError("This practice already has an administrator. Ask them to add your "
                                      "account (Settings > Staff accounts).")
            existing = _find_by_name(s, name)
            if existing is not None and not existing.password_hash:
                # A staff row without a password (e.g. recorded as meeting someone) becomes the administrator.
                errors = _validate_new(s, name, job_role, password, existing.id)
                if errors:
                    raise ValidationFailed(errors)
                staff = existing
                staff.app_role = AppRole.ADMINISTRATOR
                staff.active = True
                staff.job_role = job_role.strip() or staff.job_role
            else:
                errors = _validate_new(s, name, job_role, password)
                if errors:
                    raise ValidationFailed(errors)
                staff = Staff(name=" ".join(name.split()), job_role=job_role.strip(),
                              app_role=AppRole.ADMINISTRATOR, active=True)
                s.add(staff)
            staff.password_hash = hash_password(password)
            staff.failed_attempts = 0
            staff.locked_until = None
            s.flush()
            actor = Actor(staff.id, staff.name, AppRole.ADMINISTRATOR)
            audit.record(s, self.ctx.as_actor(actor), AuditAction.CREATE, "staff", staff.id, staff.name,
                         {"app_role": [None, AppRole.ADMINISTRATOR.value]},
                         summary="first administrator of the practice")
            return actor

    def sign_in(self, name: str, password: str) -> Actor:
        """The signed-in `Actor`, or `SignInFailed` with a message for the person at the keyboard.

        On a read-only practice server (maintenance, a standby) sign-in still works: the password is
        checked by reading only, and the sign-in that could not go into the audit trail is noted in
        this PC's log instead."""
        from sp_desktop.db.faults import explain

        try:
            return self._sign_in(name, password)
        except SignInFailed:
            raise
        except Exception as exc:
            fault = explain(exc)
            if fault is None or fault.cause != "read_only":
                raise
        return self._sign_in_read_only(name, password)

    def _sign_in_read_only(self, name: str, password: str) -> Actor:
        from sp_desktop.diagnostics import log

        now = self.ctx.now()
        with self.ctx.db.read() as s:
            staff = _find_by_name(s, name)
            if staff is None or not staff.active:
                raise SignInFailed(f"There is no active staff account called “{' '.join(name.split())}”. "
                                   "Check the name, or ask an administrator to add you.")
            if staff.locked_until is not None and now < staff.locked_until:
                raise SignInFailed(f"Too many wrong passwords for {staff.name}. Sign-in is paused until "
                                   f"{staff.locked_until:%H:%M:%S}. An administrator can reset the password.",
                                   staff.locked_until, staff.failed_attempts)
            if not staff.password_hash:
                raise SignInFailed(f"{staff.name} has no password yet. Ask an administrator to set one "
                                   "(Settings > Staff accounts > Reset password).")
            try:
                hasher().verify(staff.password_hash, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                log.warning("wrong password for %s while the practice server is read-only (not counted)",
                            staff.name)
                raise SignInFailed("That password is not right. (The practice server is read-only just now, "
                                   "so wrong tries are noted on this PC only.)") from None
            actor = Actor(staff.id, staff.name, staff.app_role)
        log.warning("%s signed in at %s while the practice server was read-only: the sign-in is noted "
                    "here because it could not be added to the audit trail", actor.name, now.isoformat())
        return actor

    def _sign_in(self, name: str, password: str) -> Actor:
        now = self.ctx.now()
        failure: SignInFailed | None = None
        with self.ctx.db.write(self.ctx.clock) as s:
            staff = _find_by_name(s, name)
            if staff is None or not staff.active:
                raise SignInFailed(f"There is no active staff account called “{' '.join(name.split())}”. "
                                   "Check the name, or ask an administrator to add you.")
            if staff.locked_until is not None and now < staff.locked_until:
                wait = (staff.locked_until - now).total_seconds()
                raise SignInFailed(f"Too many wrong passwords for {staff.name}. Sign-in is paused: try again "
                                   f"in {_wait_text(wait)} (at {staff.locked_until:%H:%M:%S}). "
                                   "An administrator can reset the password.",
                                   staff.locked_until, staff.failed_attempts)
            if not staff.password_hash:
                raise SignInFailed(f"{staff.name} has no password yet. Ask an administrator to set one "
                                   "(Settings > Staff accounts > Reset password).")
            ph = hasher()
            try:
                ph.verify(staff.password_hash, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                staff.failed_attempts = (staff.failed_attempts or 0) + 1
                delay = lockout_delay(staff.failed_attempts)
                if delay > LAST_ADMIN_LONGEST_PAUSE and staff.app_role is AppRole.ADMINISTRATOR \
                        and _other_usable_admins(s, staff, now) == 0:
                    delay = LAST_ADMIN_LONGEST_PAUSE  # guessing must not lock the practice out
                if delay:
                    staff.locked_until = now + delay
                    failure = SignInFailed(
                        f"That password is not right. After {staff.failed_attempts} wrong tries sign-in "
                        f"is paused for {_wait_text(delay.total_seconds())}. If you have forgotten your "
                        "password, ask an administrator to reset it.",
                        staff.locked_until, staff.failed_attempts)
                    if staff.failed_attempts == FREE_ATTEMPTS:
                        audit.record(s, self.ctx.as_actor(Actor(staff.id, staff.name, staff.app_role)),
                                     AuditAction.SIGN_IN, "staff", staff.id, staff.name,
                                     summary=f"sign-in paused after {FREE_ATTEMPTS} wrong passwords")
                else:
                    left = FREE_ATTEMPTS - staff.failed_attempts
                    failure = SignInFailed(f"That password is not right. {left} more "
                                           f"{'try' if left == 1 else 'tries'} before sign-in pauses.",
                                           None, staff.failed_attempts)
            else:
                if ph.check_needs_rehash(staff.password_hash):
                    staff.password_hash = ph.hash(password)
                staff.failed_attempts = 0
                staff.locked_until = None
                staff.last_sign_in = now
                actor = Actor(staff.id, staff.name, staff.app_role)
                audit.record(s, self.ctx.as_actor(actor), AuditAction.SIGN_IN, "staff", staff.id, staff.name,
                             summary="signed in")
        if failure is not None:
            raise failure  # after the commit, so the count and the pause are kept
        return actor


    def recover_administrator(self, name: str, new_password: str, who: str) -> Actor:
        """`sp-desktop staff recover`: a new password for an administrator of the LOCAL database,
        without signing in; the pause and wrong-password count are cleared and it is audited.

        The safeguard is the file system: only someone who may change this PC's data folder (user-only
        permissions) can run it against the file. Refused for a PostgreSQL server (its own administrator
        manages accounts there) and for accounts that are not administrators."""
        path = self.ctx.db.sqlite_path
        if path is None:
            raise RecoveryRefused("Recovery on this PC works only for the directory kept in a file on this "
                                  "PC. On a practice server, another administrator can reset the password, "
                                  "or whoever looks after the server can.")
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            raise RecoveryRefused(f"You may not change {path}, so you cannot recover an account from it. Run "
                                  "this as the Windows or computer account that uses sp_desktop on this PC.")
        problem = check_password_rules(new_password, name)
        with self.ctx.db.write(self.ctx.clock) as s:
            staff = _find_by_name(s, name)
            if staff is None:
                raise RecoveryRefused(f"There is no staff account called “{' '.join(name.split())}”. "
                                      "`sp-desktop staff list --all` shows them all.")
            if staff.app_role is not AppRole.ADMINISTRATOR:
                raise RecoveryRefused(f"{staff.name} is not an administrator. Recovery is only for "
                                      "administrators; an administrator can reset anyone else's password.")
            if problem:
                raise ValidationFailed({"password": problem})
            staff.password_hash = hash_password(new_password)
            staff.failed_attempts = 0
            staff.locked_until = None
            staff.active = True
            actor = Actor(staff.id, staff.name, staff.app_role)
            recovery = Actor(None, f"local recovery on this PC ({who})"[:120], AppRole.ADMINISTRATOR)
            audit.record(s, self.ctx.as_actor(recovery), AuditAction.UPDATE, "staff", staff.id, staff.name,
                         summary="administrator password reset on this PC by someone with access to the "
                                 "data folder (sp-desktop staff recover); sign-in pause lifted")
            return actor


# --------------------------------------------------------------------------- managing accounts
@dataclass(frozen=True)
class StaffForm:
    name: str
    job_role: str
    role: AppRole
    password: str


class StaffService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def list(self, include_inactive: bool = False) -> list[StaffMember]:
        """Staff by name. Everyone may see colleagues' names and roles (for pickers)."""
        with self.ctx.read() as s:
            q = select(Staff).order_by(func.lower(Staff.name))
            if not include_inactive:
                q = q.where(Staff.active.is_(True))
            return [_member(x) for x in s.scalars(q)]

    def get(self, staff_id: int) -> StaffMember:
        with self.ctx.read() as s:
            return _member(self._load(s, staff_id))

    def find(self, name: str) -> StaffMember | None:
        with self.ctx.read() as s:
            staff = _find_by_name(s, name)
            return _member(staff) if staff else None

    @staticmethod
    def _load(s: Session, staff_id: int) -> Staff:
        staff = s.get(Staff, staff_id)
        if staff is None:
            raise NotFound("That staff account no longer exists. Reload the list.")
        return staff

    def add(self, form: StaffForm) -> StaffMember:
        with self.ctx.write(Permission.MANAGE_STAFF) as s:
            errors = _validate_new(s, form.name, form.job_role, form.password)
            if errors:
                raise ValidationFailed(errors)
            staff = Staff(name=" ".join(form.name.split()), job_role=form.job_role.strip(),
                          app_role=form.role, active=True, password_hash=hash_password(form.password))
            s.add(staff)
            s.flush()
            audit.record(s, self.ctx, AuditAction.CREATE, "staff", staff.id, staff.name,
                         audit.snapshot(staff))
            return _member(staff)

    def update(self, staff_id: int, *, name: str | None = None, job_role: str | None = None,
               role: AppRole | None = None) -> StaffMember:
        """Rename, change the job role or the app role. The last administrator keeps the role."""
        with self.ctx.write(Permission.MANAGE_STAFF) as s:
            staff = self._load(s, staff_id)
            errors = _validate_new(s, name if name is not None else staff.name,
                                   job_role if job_role is not None else staff.job_role or "", None, staff.id)
            if errors:
                raise ValidationFailed(errors)
            if role is not None and role is not staff.app_role and staff.app_role is AppRole.ADMINISTRATOR \
                    and staff.active and _active_admins(s, with_password=False) <= 1:
                raise ValidationFailed({"role": f"{staff.name} is the only administrator. Make someone "
                                                "else an administrator first, so the practice is not "
                                                "locked out."})
            if name is not None:
                staff.name = " ".join(name.split())
            if job_role is not None:
                staff.job_role = job_role.strip()
            if role is not None:
                staff.app_role = role
            changes = audit.pending_changes(staff)
            if changes:
                audit.record(s, self.ctx, AuditAction.UPDATE, "staff", staff.id, staff.name, changes)
            s.flush()
            return _member(staff)

    def reset_password(self, staff_id: int, new_password: str) -> StaffMember:
        """Set someone's password (they forgot it) and lift any sign-in pause."""
        with self.ctx.write(Permission.MANAGE_STAFF) as s:
            staff = self._load(s, staff_id)
            problem = check_password_rules(new_password, staff.name)
            if problem:
                raise ValidationFailed({"password": problem})
            staff.password_hash = hash_password(new_password)
            staff.failed_attempts = 0
            staff.locked_until = None
            audit.record(s, self.ctx, AuditAction.UPDATE, "staff", staff.id, staff.name,
                         summary="password reset by an administrator")
            s.flush()
            return _member(staff)

    def set_active(self, staff_id: int, active: bool) -> StaffMember:
        """Deactivate (they can no longer sign in; their name stays on past records) or reactivate."""
        with self.ctx.write(Permission.MANAGE_STAFF) as s:
            staff = self._load(s, staff_id)
            if bool(staff.active) == active:
                return _member(staff)
            if not active:
                if staff.id == self.ctx.actor.id:
                    raise ValidationFailed({"active": "You cannot deactivate your own account while "
                                                      "signed in."})
                if staff.app_role is AppRole.ADMINISTRATOR and _active_admins(s, with_password=False) <= 1:
                    raise ValidationFailed({"active": f"{staff.name} is the only administrator. Make someone "
                                                      "else an administrator first."})
            staff.active = active
            audit.record(s, self.ctx, AuditAction.UPDATE, "staff", staff.id, staff.name,
                         {"active": [not active, active]},
                         summary="account reactivated" if active else "account deactivated")
            s.flush()
            return _member(staff)

    def change_own_password(self, current: str, new: str) -> None:
        """The signed-in person changes their own password (any role)."""
        require(self.ctx.actor, Permission.VIEW)
        if self.ctx.actor.id is None:
            raise PermissionError("The built-in account has no password to change.")
        with self.ctx.db.write(self.ctx.clock) as s:
            staff = self._load(s, self.ctx.actor.id)
            try:
                if not staff.password_hash:
                    raise VerifyMismatchError
                hasher().verify(staff.password_hash, current)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                raise ValidationFailed({"current": "Your current password is not right."}) from None
            problem = check_password_rules(new, staff.name)
            if problem:
                raise ValidationFailed({"password": problem})
            if new == current:
                raise ValidationFailed({"password": "Choose a password different from your current one."})
            staff.password_hash = hash_password(new)
            audit.record(s, self.ctx, AuditAction.UPDATE, "staff", staff.id, staff.name,
                         summary="changed their own password")


def describe_pause(member: StaffMember, now: datetime) -> str:
    """'paused until 10:05' for a staff list, or ''."""
    if member.locked_until and member.locked_until > now:
        return f"sign-in paused until {show_datetime(member.locked_until)}"
    return ""


__all__ = [
    "FREE_ATTEMPTS", "LAST_ADMIN_LONGEST_PAUSE", "Authenticator", "RecoveryRefused",
    "SignInFailed", "SignInName", "StaffForm", "StaffMember",
    "StaffService",
    "check_password_rules", "describe_pause", "hash_password", "lockout_delay",
]
