"""The one error type for bad input, and the exit codes every command line shares.

`Refused` is the one base of every error that means "the app said no, and nothing was written":
bad input, a missing record, a role that may not do it, a record someone else changed, a file that
cannot be imported. Its message is for people (what, where, what to do) and `exit_code` is the
command line's answer, so the window shows any of them with one helper
(`sp_desktop.ui.messages.refused`) and the command line prints any of them with one handler
(`sp_desktop.cli.run_command`).

`BadInput` is raised by validators, services and importers when what a person typed or
supplied cannot be used. It says *what* is wrong (`message`), *where* (`field`, and for files
`where`, e.g. "directory.xlsx, row 12") and *what to do* (`what_to_do`). The window shows it
with one helper, the command line prints it with one handler and exits with
`ExitCode.REFUSED`.

Exit codes (documented in the README and in every command's --help):

====  ===========================================================
0     done
1     refused or invalid input (the message says what and where)
2     usage: the command line itself is wrong (argparse)
3     cannot open the database (missing, damaged, server away)
4     needs sign-in or permission (no --user, wrong password, role)
====  ===========================================================
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    DONE = 0
    REFUSED = 1
    USAGE = 2
    CANNOT_OPEN = 3
    NEEDS_SIGN_IN = 4


class Refused(Exception):
    """The app refused what was asked; nothing was written. `str(exc)` says why and what to do.

    Subclasses set `exit_code` (an `ExitCode`) for the command line."""

    exit_code: ExitCode = ExitCode.REFUSED

    def text(self) -> str:
        """The message for people, on one line or several (a form's field errors)."""
        return str(self)


class BadInput(Refused, ValueError):
    """Something a person gave cannot be used. Nothing was written.

    `field`: the form field or column ("Phone", "--from"); `message`: what is wrong, in plain
    words; `what_to_do`: how to put it right (optional); `where`: file and row for imports.
    """

    def __init__(self, field: str, message: str, what_to_do: str = "", where: str = "") -> None:
        self.field = field
        self.message = message
        self.what_to_do = what_to_do
        self.where = where
        super().__init__(self.text())

    def text(self) -> str:
        place = f"{self.where}, " if self.where else ""
        head = f"{place}{self.field}: {self.message}" if self.field else f"{place}{self.message}"
        return f"{head} {self.what_to_do}".strip()


__all__ = ["BadInput", "ExitCode", "Refused"]
