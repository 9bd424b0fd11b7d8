"""`sp-desktop staff ...` (accounts, for practice IT) and `sp-desktop reviews` (vetting reviews due)."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from typing import TextIO

from sp_desktop.cli import CommandError
from sp_desktop.cli.common import add_subcommand, runtime_for
from sp_desktop.domain.enums import AppRole
from sp_desktop.domain.errors import ExitCode
from sp_desktop.domain.formatting import show_date, show_datetime
from sp_desktop.services.base import ServiceContext, ValidationFailed
from sp_desktop.services.staff import Authenticator, StaffForm, StaffMember, StaffService
from sp_desktop.services.vetting import VettingService

NEW_PASSWORD_ENV = "SP_DESKTOP_NEW_PASSWORD"
_ROLES = {r.value: r for r in AppRole} | {r.value.replace("_", "-"): r for r in AppRole}


def _role(text: str) -> AppRole:
    try:
        return _ROLES[text.strip().lower().replace(" ", "_")]
    except KeyError:
        raise argparse.ArgumentTypeError(
            f"“{text}” is not a role; choose one of: {', '.join(r.value for r in AppRole)}") from None


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    roles = ", ".join(f"{r.value} ({r.label.lower()})" for r in AppRole)
    p = add_subcommand(
        sub, "staff", "staff accounts: list, add, set role, reset password, deactivate (administrators)",
        "Manage who can sign in. Listing needs no --user; the other actions need --user NAME of an "
        "administrator. On a new database with no administrator, `staff add NAME --role administrator` "
        "creates the first administrator without --user. New passwords are read from "
        f"{NEW_PASSWORD_ENV} or asked for twice. Roles: {roles}.")
    actions = p.add_subparsers(dest="staff_action", metavar="ACTION", required=True)

    a = actions.add_parser("list", help="list staff accounts", description="List staff accounts by name.")
    a.add_argument("--all", action="store_true", help="include deactivated accounts")
    a.add_argument("--json", action="store_true", help="print JSON")
    a.set_defaults(run=run_list)

    a = actions.add_parser("add", help="add an account", description="Add a staff account.")
    a.add_argument("name", help="the person's name as colleagues know it, e.g. \"Dr Ada Khan\"")
    a.add_argument("--role", type=_role, default=AppRole.FRONT_DESK,
                   help=f"app role (default front_desk): {roles}")
    a.add_argument("--job", default="", help="job role, e.g. Receptionist, GP, Practice manager")
    a.set_defaults(run=run_add)

    a = actions.add_parser("set-role", help="change someone's app role", description="Change an app role.")
    a.add_argument("name")
    a.add_argument("role", type=_role, help=roles)
    a.set_defaults(run=run_set_role)

    a = actions.add_parser("reset-password", help="set a new password (and lift a sign-in pause)",
                           description="Set a new password for someone who forgot theirs.")
    a.add_argument("name")
    a.set_defaults(run=run_reset_password)

    a = actions.add_parser(
        "recover", help="administrators locked out: set a new password on this PC (no sign-in needed)",
        description="For an administrator who forgot the password or whose sign-in is paused, when no other "
                    "administrator can help: sets a new password and lifts the pause. It needs no --user, "
                    "only the right to change this PC's data folder (run it as the computer account that "
                    "uses sp_desktop). Works on the directory kept in a file on this PC, not on a server. "
                    f"The new password is read from {NEW_PASSWORD_ENV} or asked for twice. Audited.")
    a.add_argument("name", help="the administrator's name")
    a.set_defaults(run=run_recover)

    for verb, active in (("deactivate", False), ("activate", True)):
        a = actions.add_parser(verb, help=f"{verb} an account",
                               description="Let a deactivated account sign in again." if active else
                               "Deactivated accounts cannot sign in; their name stays on past records.")
        a.add_argument("name")
        a.set_defaults(run=run_set_active, active=active)

    for action in actions.choices.values():
        from sp_desktop.runtime import add_common_options

        add_common_options(action, for_subcommand=True)

    p = add_subcommand(sub, "reviews", "list organisations whose vetting review is overdue or due soon",
                       "Vetting reviews overdue or due soon, and evidence (e.g. insurance) expiring, most "
                       "urgent first, as on the Reviews due page. Exit code 0 even when some are overdue.")
    p.add_argument("--within", type=int, metavar="DAYS", default=None,
                   help="'due soon' means within this many days (default: the practice setting, 30)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=run_reviews)


def _new_password(name: str) -> str:
    if os.environ.get(NEW_PASSWORD_ENV):
        return os.environ[NEW_PASSWORD_ENV]
    if not sys.stdin or not sys.stdin.isatty():
        raise CommandError(f"No new password for {name}: set {NEW_PASSWORD_ENV} or run in a terminal.")
    first = getpass.getpass(f"New password for {name}: ")
    if getpass.getpass("Type it again: ") != first:
        raise CommandError("The two passwords are different; nothing was changed.")
    return first


def _find(ctx: ServiceContext, name: str) -> StaffMember:
    member = StaffService(ctx).find(name)
    if member is None:
        raise CommandError(f"There is no staff account called “{name}”. `sp-desktop staff list --all` "
                           "shows them all.")
    return member


def _errors(exc: ValidationFailed) -> CommandError:
    return CommandError(" ".join(exc.errors.values()))


def run_list(args: argparse.Namespace, out: TextIO) -> int:
    with runtime_for(args) as (_rt, ctx):
        members = StaffService(ctx).list(include_inactive=args.all)
        now = ctx.now()
    if args.json:
        json.dump([{"id": m.id, "name": m.name, "job_role": m.job_role, "role": m.role.value,
                    "active": m.active, "can_sign_in": m.active and m.has_password,
                    "last_sign_in": m.last_sign_in.isoformat() if m.last_sign_in else None} for m in members],
                  out, indent=2, ensure_ascii=False)
        out.write("\n")
        return 0
    if not members:
        print("No staff accounts yet. Create the first administrator with:\n"
              "  sp-desktop staff add \"Your Name\" --role administrator --job \"Practice manager\"",
              file=out)
        return 0
    for m in members:
        notes = []
        if not m.active:
            notes.append("deactivated")
        elif not m.has_password:
            notes.append("no password: cannot sign in")
        if m.locked_until and m.locked_until > now:
            notes.append(f"sign-in paused until {show_datetime(m.locked_until)}")
        last = f"last signed in {show_datetime(m.last_sign_in)}" if m.last_sign_in else "never signed in"
        print(f"{m.name:<28} {m.role.label:<14} {m.job_role or '—':<32} {last}"
              + (f"  ({'; '.join(notes)})" if notes else ""), file=out)
    return 0


def run_add(args: argparse.Namespace, out: TextIO) -> int:
    with runtime_for(args) as (rt, ctx):
        auth = Authenticator(rt.sign_in_context())
        try:
            if not getattr(args, "user", None) and auth.needs_first_administrator():
                if args.role is not AppRole.ADMINISTRATOR:
                    raise CommandError("This database has no administrator yet: the first account must be "
                                       "one. Add --role administrator.", ExitCode.REFUSED)
                actor = auth.create_first_administrator(args.name, _new_password(args.name), args.job or
                                                        "Practice manager")
                print(f"Created the first administrator, {actor.name}. They can now sign in and add others.",
                      file=out)
                return 0
            form = StaffForm(args.name, args.job, args.role, _new_password(args.name))
            member = StaffService(ctx).add(form)
        except ValidationFailed as exc:
            raise _errors(exc) from exc
    print(f"Added {member.name} ({member.role.label}).", file=out)
    return 0


def run_set_role(args: argparse.Namespace, out: TextIO) -> int:
    with runtime_for(args) as (_rt, ctx):
        member = _find(ctx, args.name)
        try:
            member = StaffService(ctx).update(member.id, role=args.role)
        except ValidationFailed as exc:
            raise _errors(exc) from exc
    print(f"{member.name} is now {member.role.label.lower()}.", file=out)
    return 0


def run_reset_password(args: argparse.Namespace, out: TextIO) -> int:
    with runtime_for(args) as (_rt, ctx):
        member = _find(ctx, args.name)
        try:
            StaffService(ctx).reset_password(member.id, _new_password(member.name))
        except ValidationFailed as exc:
            raise _errors(exc) from exc
    print(f"New password set for {member.name}; any sign-in pause is lifted.", file=out)
    return 0


def run_recover(args: argparse.Namespace, out: TextIO) -> int:
    from sp_desktop.runtime import open_runtime
    from sp_desktop.services.staff import RecoveryRefused

    rt = open_runtime(args)
    try:
        try:
            who = getpass.getuser()
        except (OSError, KeyError):
            who = "unknown computer account"
        try:
            actor = Authenticator(rt.sign_in_context()).recover_administrator(
                args.name, _new_password(args.name), who)
        except RecoveryRefused as exc:
            raise CommandError(str(exc), ExitCode.NEEDS_SIGN_IN) from exc
        except ValidationFailed as exc:
            raise _errors(exc) from exc
    finally:
        rt.close()
    print(f"New password set for {actor.name}; the sign-in pause is lifted. They can sign in now.", file=out)
    return 0


def run_set_active(args: argparse.Namespace, out: TextIO) -> int:
    with runtime_for(args) as (_rt, ctx):
        member = _find(ctx, args.name)
        try:
            member = StaffService(ctx).set_active(member.id, args.active)
        except ValidationFailed as exc:
            raise _errors(exc) from exc
    print(f"{member.name} {'can sign in again' if member.active else 'can no longer sign in'}.", file=out)
    return 0


def run_reviews(args: argparse.Namespace, out: TextIO) -> int:
    with runtime_for(args) as (_rt, ctx):
        due = VettingService(ctx).reviews_due(args.within)
    if args.json:
        json.dump([{"organisation_id": d.organisation_id, "organisation": d.organisation_name,
                    "kind": d.kind.value, "due_on": d.due_on.isoformat(), "days": d.days,
                    "vetting_status": d.vetting_status.value,
                    "next_review_on": d.next_review_on.isoformat() if d.next_review_on else None,
                    "expiring": [{"item": x.label, "expires_on": x.expires_on.isoformat()}
                                 for x in d.expiring],
                    "approved_by": d.approved_by} for d in due], out, indent=2, ensure_ascii=False)
        out.write("\n")
        return 0
    if not due:
        print("Nothing due: every approved organisation is within its review date.", file=out)
        return 0
    for d in due:
        print(f"{d.kind.text:<20} {show_date(d.due_on):>11} ({d.when_text})  {d.organisation_name} — "
              f"{d.what}", file=out)
    overdue = sum(1 for d in due if d.kind.value == "overdue")
    print(f"{len(due)} organisation{'s' if len(due) != 1 else ''} need attention; {overdue} review"
          f"{'s' if overdue != 1 else ''} overdue.", file=out)
    return 0
