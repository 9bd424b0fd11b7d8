"""Headless subcommands (`sp-desktop search ...`). Each module in `COMMANDS` registers one or
more subparsers whose `run(args, out) -> int` uses the same services and rules as the window."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import TextIO

from sp_desktop import __version__
from sp_desktop.domain.bounds import MAX_DAYS_AHEAD, MAX_ID, MAX_RESULTS, check_argument, check_int
from sp_desktop.domain.errors import ExitCode, Refused
from sp_desktop.runtime import add_common_options

#: Modules under sp_desktop.cli that define `register(subparsers)`.
COMMANDS = ["directory", "server", "leaflets", "staff", "reports", "data", "references", "problems",
            "selftest"]


class CommandError(Refused, RuntimeError):
    """A headless command failed in a way the user can fix; printed without a traceback.
    `exit_code` is one of `sp_desktop.domain.errors.ExitCode`."""

    def __init__(self, message: str, exit_code: int = ExitCode.REFUSED) -> None:
        super().__init__(message)
        self.exit_code = ExitCode(exit_code)


def names_a_command(argv: Sequence[str]) -> bool:
    """True unless `argv` only holds global options (the window is wanted). Importing every
    command module (reportlab, openpyxl, ...) costs the window ~0.5 s at start-up for nothing."""
    takes_value = {"--data-dir", "--database-url"}
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in takes_value:
            skip = True
        elif arg in ("-h", "--help") or not arg.startswith("-"):
            return True
    return False


#: Arguments that are file or folder names (longer limit; still no control characters).
PATH_ARGUMENTS = {"source", "out", "output", "csv", "file", "dest", "data_dir", "screenshot", "keep"}
#: Bounds of whole-number arguments (low, high); any other whole number is a record number.
NUMBER_BOUNDS = {"limit": (1, MAX_RESULTS), "within": (0, MAX_DAYS_AHEAD)}


def _name_arguments(parser: argparse.ArgumentParser) -> None:
    """Remember, on every (sub)parser, how each argument is written (--from, ORGANISATION), for messages."""
    names: dict[str, str] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _name_arguments(child)
        elif action.option_strings:
            names[action.dest] = max(action.option_strings, key=len)
        elif action.dest != argparse.SUPPRESS:
            names[action.dest] = str(action.metavar or action.dest).upper()
    parser.set_defaults(_argument_names=names)


def check_arguments(args: argparse.Namespace) -> None:
    """Refuse, before anything is opened, arguments no command can use: control or broken characters,
    text over 1,000 characters (4,096 for file names), numbers out of range (`domain.bounds`)."""
    names: dict[str, str] = getattr(args, "_argument_names", {}) or {}
    for dest, value in vars(args).items():
        if dest.startswith("_") or dest in ("run", "command", "database_url") or callable(value):
            continue
        field = names.get(dest, dest)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, bool) or item is None:
                continue
            if isinstance(item, str):
                check_argument(item, field, path=dest in PATH_ARGUMENTS)
            elif isinstance(item, int):
                low, high = NUMBER_BOUNDS.get(dest, (0, MAX_ID))
                check_int(item, field, low, high)


def build_parser(load_commands: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sp-desktop",
        description="Social prescribing directory for a GP practice. With no command, opens the window.")
    parser.add_argument("--version", action="version", version=f"sp_desktop {__version__}")
    add_common_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if load_commands else ():
        importlib.import_module(f"sp_desktop.cli.{name}").register(sub)
    _name_arguments(parser)
    return parser


class SafeTerminal:
    """A text stream that shows control characters as escapes (``\\x1b``) instead of passing them on.

    Everything a command prints goes through it: names and notes come from people and files, and an
    escape sequence in a staff name must not recolour, retitle or rewrite the terminal it is shown in.
    Line breaks and tabs are kept.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        from sp_desktop.domain.text import escape_lines

        self.stream.write(escape_lines(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


def one_line(message: object) -> str:
    """A message on one line, without SQLAlchemy's "(Background on this error at: ...)" link."""
    text = str(message).split("(Background on this error at:")[0]
    return " ".join(text.split())


def run_command(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from sp_desktop.runtime import StartupError

    out = SafeTerminal(out or sys.stdout)  # type: ignore[assignment]
    err = SafeTerminal(err or sys.stderr)  # type: ignore[assignment]
    try:
        check_arguments(args)
        return int(args.run(args, out) or 0)
    except Refused as exc:  # bad input, not found, not allowed, changed meanwhile: nothing was written
        print(f"sp-desktop {args.command}: {exc.text()}", file=err)
        return int(exc.exit_code)
    except StartupError as exc:
        print(f"sp-desktop: {one_line(exc)}", file=err)
        return int(ExitCode.CANNOT_OPEN)
    except PermissionError as exc:
        print(f"sp-desktop {args.command}: {exc}", file=err)
        return int(ExitCode.NEEDS_SIGN_IN)
    except KeyboardInterrupt:
        print("Stopped.", file=err)
        return 130
    except Exception as exc:  # the server away, read-only, a lock, a timeout, the disk: one plain line
        from sp_desktop.db.faults import explain
        from sp_desktop.diagnostics import log

        fault = explain(exc, _where(args))
        log.error("sp-desktop %s failed", args.command, exc_info=exc)
        if fault is None:
            print(f"sp-desktop {args.command}: an unexpected error stopped the command "
                  f"({type(exc).__name__}); the details are in the log file. Nothing was half-saved: "
                  "each change is saved whole or not at all.", file=err)
            return int(ExitCode.REFUSED)
        print(f"sp-desktop {args.command}: {fault.message}", file=err)
        return int(fault.exit_code)


def _where(args: argparse.Namespace) -> str | None:
    """The database the command was using, for messages (no password)."""
    from sp_desktop.runtime import describe_target

    try:
        return describe_target(args)
    except Exception:
        return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    return run_command(args)
