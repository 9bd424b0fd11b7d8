"""The log file and saved drafts: what survives a crash. Qt-free (used by the window and commands).

* `setup_logging(log_dir)`: a rotating log (``logs/sp_desktop.log``, 1 MB x 5) for the window and
  the headless commands alike. A read-only or full data folder never stops the app: it then logs
  to standard error only.
* Drafts: an edit dialog with unsaved changes may offer its state as a plain JSON-able dict
  (``draft() -> dict | None`` and ``restore_draft(dict)``, see `sp_desktop.ui.crash`). The
  window saves those into ``drafts/`` (temp file + atomic rename) every few seconds and when
  something goes wrong, deletes them when the dialog is closed normally, and offers the ones
  left over when sp_desktop next starts.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sp_desktop.files import write_atomically

LOG_NAME = "sp_desktop.log"
LOG_BYTES = 1_000_000
LOG_BACKUPS = 5
_FORMAT = "%(asctime)s %(levelname)s [%(process)d %(threadName)s] %(name)s: %(message)s"

log = logging.getLogger("sp_desktop")


class SafeFormatter(logging.Formatter):
    """Log lines with control characters shown as escapes (a staff name or a file name holding an
    escape sequence must not rewrite the terminal of whoever reads the log with `cat` or `tail`)."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802  (logging's name)
        from sp_desktop.domain.text import escape_lines

        return escape_lines(super().formatMessage(record))


def setup_logging(log_dir: Path | None, level: int = logging.INFO, console: bool = False) -> Path | None:
    """Send sp_desktop's log to a rotating file in `log_dir`. Returns the file, or None if unwritable.

    Idempotent: calling it again (tests, a second window) replaces the handlers it added.
    """
    for handler in list(log.handlers):
        if getattr(handler, "_sp_desktop", False):
            log.removeHandler(handler)
            handler.close()
    log.setLevel(level)
    log.propagate = False
    path: Path | None = None
    if log_dir is not None:
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
            path = log_dir / LOG_NAME
            from sp_desktop.private_files import create_private_file, make_private

            make_private(log_dir)  # the log may name staff and organisations: user-only
            create_private_file(path)
            make_private(path)
            file_handler: logging.Handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
        except OSError:
            path = None
            file_handler = logging.StreamHandler(sys.stderr)
            file_handler.setLevel(logging.WARNING)
        file_handler.setFormatter(SafeFormatter(_FORMAT))
        file_handler._sp_desktop = True  # type: ignore[attr-defined]
        log.addHandler(file_handler)
        from sp_desktop import __version__

        log.info("sp_desktop %s started (pid %d)", __version__, os.getpid())
    if console:
        stream = logging.StreamHandler(sys.stderr)
        stream.setLevel(logging.WARNING)
        stream.setFormatter(SafeFormatter("%(levelname)s: %(message)s"))
        stream._sp_desktop = True  # type: ignore[attr-defined]
        log.addHandler(stream)
    return path


def log_file(log_dir: Path) -> Path:
    return log_dir / LOG_NAME


# --------------------------------------------------------------------------- drafts
def drafts_dir(data_dir: Path) -> Path:
    return data_dir / "drafts"


@dataclass(frozen=True)
class Draft:
    path: Path
    dialog: str  # "module:QualName" of the dialog that made it
    title: str  # what the person saw, e.g. "Edit organisation — Paisley Food Bank"
    saved_at: datetime
    state: dict[str, Any]


def write_draft(data_dir: Path, key: str, dialog: str, title: str, state: dict[str, Any],
                now: datetime | None = None) -> Path:
    """Save (or replace) the draft called `key`. Atomic: a crash mid-write leaves the old one."""
    folder = drafts_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{key}.json"
    saved_at = (now or datetime.now()).isoformat(timespec="seconds")
    payload = {"dialog": dialog, "title": title, "saved_at": saved_at, "state": state}
    return write_atomically(path, json.dumps(payload, ensure_ascii=False, indent=1, default=str))


def remove_draft(data_dir: Path, key: str) -> None:
    try:
        (drafts_dir(data_dir) / f"{key}.json").unlink(missing_ok=True)
    except OSError:
        log.warning("could not remove draft %s", key, exc_info=True)


def list_drafts(data_dir: Path) -> list[Draft]:
    """Drafts left from an earlier run, oldest first. Unreadable files are skipped (and kept)."""
    out: list[Draft] = []
    folder = drafts_dir(data_dir)
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            out.append(Draft(path, str(data["dialog"]), str(data.get("title") or "an unsaved form"),
                             datetime.fromisoformat(str(data["saved_at"])), dict(data["state"])))
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("skipping unreadable draft %s", path)
    return sorted(out, key=lambda d: d.saved_at)


__all__ = ["Draft", "drafts_dir", "list_drafts", "log", "log_file", "remove_draft", "setup_logging",
           "write_draft"]
