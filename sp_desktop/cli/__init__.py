"""Headless subcommands (`sp-desktop search ...`). Each module in `COMMANDS` registers one or
more subparsers whose `run(args, out) -> int` uses the same services and rules as the window."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import TextIO

from sp_desktop import __version__
from sp_desktop.domain.errors import BadInput, ExitCode
from sp_desktop.runtime import add_common_options

#: Modules under sp_desktop.cli that define `register(subparsers)`.
COMMANDS = ["directory", "server", "leaflets", "staff", "reports", "data", "references", "selftest"]


class CommandError(RuntimeError):
    """A headless command failed in a way the user can fix; printed without a traceback.
    `exit_code` is one of `sp_desktop.domain.errors.ExitCode`."""

    def __init__(self, message: str, exit_code: int = ExitCode.REFUSED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


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


def build_parser(load_commands: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sp-desktop",
        description="Social prescribing directory for a GP practice. With no command, opens the window.")
    parser.add_argument("--version", action="version", version=f"sp_desktop {__version__}")
    add_common_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if load_commands else ():
        importlib.import_module(f"sp_desktop.cli.{name}").register(sub)
    return parser


def run_command(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from sp_desktop.runtime import StartupError

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        return int(args.run(args, out) or 0)
    except CommandError as exc:
        print(f"sp-desktop {args.command}: {exc}", file=err)
        return int(exc.exit_code)
    except BadInput as exc:
        print(f"sp-desktop {args.command}: {exc.text()}", file=err)
        return int(ExitCode.REFUSED)
    except StartupError as exc:
        print(f"sp-desktop: {exc}", file=err)
        return int(ExitCode.CANNOT_OPEN)
    except PermissionError as exc:
        print(f"sp-desktop {args.command}: {exc}", file=err)
        return int(ExitCode.NEEDS_SIGN_IN)
    except KeyboardInterrupt:
        print("Stopped.", file=err)
        return 130


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    return run_command(args)
