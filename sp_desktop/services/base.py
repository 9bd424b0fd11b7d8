"""What every service needs: the database, a clock and the acting staff member.

Services are the only code that writes. Each public method is one transaction
(`ServiceContext.write()`), checks the actor's permission first, records what it changed in
the audit trail inside that same transaction, and returns frozen dataclasses (never live ORM
objects) to its caller.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import Enum

from sqlalchemy.orm import Session

import sp_desktop.db.stamps  # noqa: F401  (registers created/updated stamping)
from sp_desktop.db.engine import Clock, Database
from sp_desktop.db.text_guard import TextRefused  # importing it registers the stored-text check
from sp_desktop.domain.enums import AppRole
from sp_desktop.domain.errors import BadInput, ExitCode, Refused


class SystemClock:
    """Local wall-clock time, to the second (naive, like everything stored)."""

    def now(self) -> datetime:
        return datetime.now().replace(microsecond=0)


@dataclass
class FixedClock:
    """A clock for tests and scripted runs; move it with `advance()` or set `.current`."""

    current: datetime

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        from datetime import timedelta

        self.current = self.current + timedelta(**kwargs)


def today(clock: Clock) -> date:
    return clock.now().date()


@dataclass(frozen=True)
class Actor:
    """The signed-in staff member on whose behalf a service acts."""

    id: int | None
    name: str
    role: AppRole

    @property
    def description(self) -> str:
        return f"{self.name} ({self.role.label})"


#: Used by start-up tasks (migrations, seeding, retention) that act for no person. Never a default:
#: code that acts as it names it, so a forgotten actor cannot silently become an administrator.
SYSTEM = Actor(None, "sp_desktop", AppRole.ADMINISTRATOR)

#: Before anyone has signed in (the sign-in window, ``--user``): `NotSignedInContext` refuses every
#: permission check; signing in itself (`staff.Authenticator`) reads the accounts directly.
NOT_SIGNED_IN = Actor(None, "not signed in", AppRole.FRONT_DESK)


class Permission(Enum):
    """What a role may do. Each maps to the least role that may do it (roles are cumulative).

    The value is (name, least role): with the role alone as the value, Enum would make every
    permission needing the same role an alias of the first (OVERRIDE_LEAFLET would *be*
    TRUST_NOTES) and refusals would name the wrong action.
    """

    VIEW = ("view", AppRole.FRONT_DESK)
    PRINT_LEAFLETS = ("print_leaflets", AppRole.FRONT_DESK)
    LOG_CONTACT = ("log_contact", AppRole.FRONT_DESK)
    LOG_SIGNPOSTING = ("log_signposting", AppRole.FRONT_DESK)
    REPORT_PROBLEM = ("report_problem", AppRole.FRONT_DESK)  # "Problem reported" (issue 18)
    EDIT_DIRECTORY = ("edit_directory", AppRole.FRONT_DESK)
    TRUST_NOTES = ("trust_notes", AppRole.CLINICIAN)
    RECORD_OUTCOMES = ("record_outcomes", AppRole.CLINICIAN)
    OVERRIDE_LEAFLET = ("override_leaflet", AppRole.CLINICIAN)
    VET = ("vet", AppRole.VETTING_LEAD)
    RESOLVE_PROBLEM = ("resolve_problem", AppRole.VETTING_LEAD)
    ARCHIVE = ("archive", AppRole.VETTING_LEAD)
    EDIT_CATEGORIES = ("edit_categories", AppRole.VETTING_LEAD)
    IMPORT = ("import", AppRole.VETTING_LEAD)
    MEETING_PACK = ("meeting_pack", AppRole.VETTING_LEAD)
    MANAGE_STAFF = ("manage_staff", AppRole.ADMINISTRATOR)
    SETTINGS = ("settings", AppRole.ADMINISTRATOR)
    BACKUP_RESTORE = ("backup_restore", AppRole.ADMINISTRATOR)
    MOVE_TO_SERVER = ("move_to_server", AppRole.ADMINISTRATOR)
    CHECK_DATABASE = ("check_database", AppRole.ADMINISTRATOR)
    PARTNER_REPORT = ("partner_report", AppRole.VETTING_LEAD)  # goes outside the practice: managers
    SIGNPOSTING_HISTORY = ("signposting_history", AppRole.CLINICIAN)

    @property
    def role(self) -> AppRole:
        """The least role that has this permission."""
        return self.value[1]


_PERMISSION_TEXT = {
    Permission.TRUST_NOTES: "read or write trust notes",
    Permission.RECORD_OUTCOMES: "record referral outcomes",
    Permission.OVERRIDE_LEAFLET: "put a service that is not approved on a leaflet",
    Permission.VET: "make vetting decisions",
    Permission.RESOLVE_PROBLEM: "resolve a problem reported with a service",
    Permission.ARCHIVE: "archive organisations or services",
    Permission.EDIT_CATEGORIES: "edit the category list",
    Permission.IMPORT: "import directory data",
    Permission.MEETING_PACK: "make the practice meeting pack",
    Permission.MANAGE_STAFF: "manage staff accounts",
    Permission.SETTINGS: "change practice settings",
    Permission.BACKUP_RESTORE: "make or restore backups",
    Permission.MOVE_TO_SERVER: "move the directory to a PostgreSQL server",
    Permission.CHECK_DATABASE: "check the database file for damage",
    Permission.PARTNER_REPORT: "make a partner report for a community organisation",
    Permission.SIGNPOSTING_HISTORY: "see the change history of signposting records",
}


class PermissionDenied(Refused, PermissionError):
    """The acting staff member's role does not allow this. The message says who can."""

    exit_code = ExitCode.NEEDS_SIGN_IN

    def __init__(self, actor: Actor, permission: Permission) -> None:
        needed = permission.role
        allowed = [r.label.lower() for r in AppRole if r.rank >= needed.rank]
        who = " or ".join([", ".join(allowed[:-1]), allowed[-1]] if len(allowed) > 1 else allowed)
        what = _PERMISSION_TEXT.get(permission, permission.name.lower().replace("_", " "))
        article = "an" if who[:1] in "aeiou" else "a"
        super().__init__(f"Only {article} {who} can {what}. You are signed in as {actor.description}; "
                         "ask a colleague with that role.")
        self.permission = permission


class NotFound(Refused, LookupError):
    """The thing asked for does not exist (or no longer exists)."""


class ValidationFailed(BadInput):
    """One or more fields are wrong. `errors` maps field name -> message for people.

    A `BadInput` for several fields at once: `field` is the first field named, `message` every
    "field: message" pair, so the command line prints it like any other bad input."""

    def __init__(self, errors: dict[str, str], warnings: dict[str, str] | None = None) -> None:
        super().__init__("", "; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.field = next(iter(errors), "")
        self.errors = errors
        self.warnings = warnings or {}

    def text(self) -> str:
        return self.message


def can(actor: Actor, permission: Permission) -> bool:
    """May `actor` do this? The one rule for every role check: the window asks it before it offers
    an action, and the service asks it again (`require`) when the action is done."""
    return actor.role.rank >= permission.role.rank


def require(actor: Actor, permission: Permission) -> None:
    if not can(actor, permission):
        raise PermissionDenied(actor, permission)


@dataclass
class ServiceContext:
    """The dependencies of every service, passed in (never global)."""

    db: Database
    clock: Clock
    actor: Actor  # always explicit: there is no default actor (fail closed)

    def as_actor(self, actor: Actor) -> ServiceContext:
        return replace(self, actor=actor)

    def now(self) -> datetime:
        return self.clock.now().replace(microsecond=0)

    def today(self) -> date:
        return self.clock.now().date()

    @contextmanager
    def write(self, permission: Permission) -> Iterator[Session]:
        require(self.actor, permission)
        try:
            with self.db.write(self.clock) as session:
                yield session
        except TextRefused as exc:  # the flush-time guard: show it like any other field error
            raise ValidationFailed({exc.field: f"{exc.message} {exc.what_to_do}".strip()}) from None

    @contextmanager
    def read(self, permission: Permission = Permission.VIEW) -> Iterator[Session]:
        require(self.actor, permission)
        with self.db.read() as session:
            yield session


class NotSignedIn(Refused, PermissionError):
    """Something tried to read or change data through a context nobody has signed in to."""

    exit_code = ExitCode.NEEDS_SIGN_IN


class NotSignedInContext(ServiceContext):
    """The context used before sign-in: every permission-checked read or write is refused."""

    @contextmanager
    def write(self, permission: Permission) -> Iterator[Session]:
        raise NotSignedIn("Sign in first: nobody is signed in on this window.")
        yield  # pragma: no cover  (makes this a generator)

    @contextmanager
    def read(self, permission: Permission = Permission.VIEW) -> Iterator[Session]:
        raise NotSignedIn("Sign in first: nobody is signed in on this window.")
        yield  # pragma: no cover
