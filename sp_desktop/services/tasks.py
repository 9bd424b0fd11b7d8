"""Progress reporting for long work, shared by services and the window (Qt-free).

A long-running service function takes `progress: Progress`; it calls
`progress(done, total, text)` now and then and stops (raising `Cancelled`) when that returns
False. `check(progress, ...)` does both in one line.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def __call__(self, done: int, total: int, text: str = "") -> bool: ...


class Cancelled(Exception):
    """The user cancelled; nothing was written."""

    def __init__(self, message: str = "Cancelled: nothing was changed.") -> None:
        super().__init__(message)


def no_progress(done: int, total: int, text: str = "") -> bool:
    return True


def check(progress: Progress | None, done: int, total: int, text: str = "") -> None:
    if progress is not None and not progress(done, total, text):
        raise Cancelled()
