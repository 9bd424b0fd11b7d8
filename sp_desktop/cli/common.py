"""Helpers shared by the headless commands, including who a command acts as.

Headless commands obey the same roles as the window:

* ``--user NAME`` signs in as that staff member. The password is read from the
  ``SP_DESKTOP_PASSWORD`` environment variable (for scheduled jobs) or asked for in the
  terminal. Wrong passwords are refused and slowed down exactly as in the window.
* Without ``--user`` a command may only READ what any signed-in member of staff (front desk)
  can read: searching, counts, the reviews list. Anything that changes data, or needs a higher
  role, stops with a message asking for ``--user`` (exit code 4). This keeps ``sp-desktop info``
  and ``search`` working on a fresh, empty database that has no accounts yet.

Exit codes (`sp_desktop.domain.errors.ExitCode`): 0 done, 1 refused or invalid input (the
message says what and where), 2 usage (the command line itself is wrong), 3 cannot open the
database, 4 needs sign-in or permission (no ``--user``, a role that may not, unknown name,
wrong or missing password, sign-in paused).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from sp_desktop.domain.enums import AppRole
from sp_desktop.domain.errors import ExitCode
from sp_desktop.runtime import Runtime, add_common_options, open_runtime
from sp_desktop.services.base import Actor, Permission, PermissionDenied, ServiceContext

PASSWORD_ENV = "SP_DESKTOP_PASSWORD"
SIGN_IN_FAILED = ExitCode.NEEDS_SIGN_IN

#: The actor of a command run without --user: may read what front desk can, never write.
NOBODY = Actor(None, "nobody (no --user given)", AppRole.FRONT_DESK)

USER_HINT = ("Give --user \"Your Name\" to act as a named member of staff (the password is asked for, "
             f"or read from {PASSWORD_ENV}).")


class SignInRequired(PermissionError):
    """A command without --user tried to change data or to do something beyond front desk."""


class ReadOnlyContext(ServiceContext):
    """The context of a command run without --user: reads as front desk, refuses every write but
    one. A leaflet made without --user (front desk may print leaflets) is still given its own
    leaflet reference, which is stored with no one named as its issuer: the reference holds
    nothing about anyone, and a leaflet without one could never be acknowledged."""

    @contextmanager
    def write(self, permission: Permission) -> Iterator[object]:  # type: ignore[override]
        if permission is not Permission.PRINT_LEAFLETS:
            raise SignInRequired(f"This command changes data, so it must act as a named member of staff. "
                                 f"{USER_HINT}")
        with super().write(permission) as session:
            yield session

    @contextmanager
    def read(self, permission: Permission = Permission.VIEW) -> Iterator[object]:  # type: ignore[override]
        if permission.role.rank > AppRole.FRONT_DESK.rank:
            raise SignInRequired(f"This needs a {permission.role.label.lower()} or above. {USER_HINT}")
        with super().read(permission) as session:
            yield session


def add_subcommand(sub: argparse._SubParsersAction, name: str, help_text: str,  # type: ignore[type-arg]
                   description: str) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=description,
                       epilog="Who the command acts as: --user NAME signs in as that member of staff "
                              f"(password from {PASSWORD_ENV}, or asked for). Without --user a command "
                              "can only read what front desk can. Exit codes: 0 done, 1 refused or "
                              "invalid input, 2 usage, 3 cannot open the database, 4 needs sign-in or "
                              "permission.")
    # The global options are accepted after the command too (`sp-desktop search debt --demo`).
    add_common_options(p, for_subcommand=True)
    return p


def read_password(name: str, environ: dict[str, str] | None = None) -> str:
    """The password for --user: SP_DESKTOP_PASSWORD, else asked for in the terminal."""
    from sp_desktop.cli import CommandError

    env = os.environ if environ is None else environ
    if env.get(PASSWORD_ENV):
        return env[PASSWORD_ENV]
    if not sys.stdin or not sys.stdin.isatty():
        raise CommandError(f"No password for {name}: set {PASSWORD_ENV} (for scheduled jobs) or run the "
                           "command in a terminal to be asked.", SIGN_IN_FAILED)
    return getpass.getpass(f"Password for {name}: ")


def resolve_actor(rt: Runtime, args: argparse.Namespace) -> Actor | None:
    """Sign in as --user (None without --user). Raises CommandError(exit 4) when refused."""
    from sp_desktop.cli import CommandError
    from sp_desktop.services.staff import Authenticator, SignInFailed

    name = (getattr(args, "user", None) or "").strip()
    if not name:
        return None
    auth = Authenticator(rt.sign_in_context())
    if auth.needs_first_administrator() and not auth.accounts():
        raise CommandError(f"This database has no staff accounts yet, so “{name}” cannot sign in. Create "
                           "the first administrator with: sp-desktop staff add \"Your Name\" --role "
                           "administrator (or by starting the app).", SIGN_IN_FAILED)
    try:
        return auth.sign_in(name, read_password(name))
    except SignInFailed as exc:
        raise CommandError(str(exc), SIGN_IN_FAILED) from exc


@contextmanager
def runtime_for(args: argparse.Namespace) -> Iterator[tuple[Runtime, ServiceContext]]:
    """Open the database and sign in as --user (or act read-only without it)."""
    rt = open_runtime(args)
    try:
        actor = resolve_actor(rt, args)
        if actor is None:
            ctx: ServiceContext = ReadOnlyContext(rt.db, rt.clock, NOBODY)
            try:
                yield rt, ctx
            except PermissionDenied as exc:
                raise SignInRequired(f"{exc} {USER_HINT}") from exc
        else:
            yield rt, rt.context(actor)
    finally:
        rt.close()


__all__ = ["NOBODY", "PASSWORD_ENV", "ReadOnlyContext", "SignInRequired", "add_subcommand", "read_password",
           "resolve_actor", "runtime_for"]
