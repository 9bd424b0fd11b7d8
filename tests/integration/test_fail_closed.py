"""Fail closed: without its sign-in (here: the password library hidden) the app stops with a clear
message and a non-zero exit, opens no database and never shows a window; services need a named actor."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sp_desktop.db.engine import Database
from sp_desktop.domain.errors import ExitCode
from sp_desktop.services.base import (
    NOT_SIGNED_IN,
    SYSTEM,
    FixedClock,
    NotSignedIn,
    NotSignedInContext,
    ServiceContext,
)
from sp_desktop.services.directory import DirectoryService, OrganisationForm

ROOT = Path(__file__).resolve().parents[2]

# Runs the real app (python -m sp_desktop's main) in a fresh interpreter with argon2 made
# unimportable, as a broken install would leave it. The one message helper is replaced by a
# recorder (as every GUI test does), so the test can read what the person would be shown.
DRIVER = r'''
import importlib.abc, json, sys

class HideArgon2(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "argon2" or name.startswith("argon2."):
            raise ImportError(f"No module named {name!r}")
        return None

sys.meta_path.insert(0, HideArgon2())
from sp_desktop.ui import messages
shown = []
messages.error = lambda parent, title, text, details="": shown.append([title, text])
from sp_desktop.app import main
code = main(sys.argv[1:])
from PySide6.QtWidgets import QApplication
windows = [type(w).__name__ for w in QApplication.topLevelWidgets() if w.isVisible()]
print("RESULT " + json.dumps({"code": code, "shown": shown, "windows": windows}), flush=True)
sys.exit(code)
'''


def test_app_stops_with_a_message_when_the_password_library_is_missing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    env.pop("SP_DESKTOP_BENCH_EXIT", None)
    proc = subprocess.run([sys.executable, "-c", DRIVER, "--data-dir", str(data)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == ExitCode.NEEDS_SIGN_IN, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "sign-in could not be loaded" in proc.stderr and "argon2" in proc.stderr
    result = json.loads(proc.stdout.split("RESULT ", 1)[1])
    assert result["code"] == ExitCode.NEEDS_SIGN_IN
    [(title, text)] = result["shown"]
    assert title == "sp_desktop cannot start" and "Nothing has been opened or changed" in text
    assert result["windows"] == []  # no main window, signed in as nobody
    assert not (data / "directory.sqlite3").exists()  # no database was even opened


def test_a_service_context_needs_a_named_actor(db: Database) -> None:
    clock = FixedClock(__import__("datetime").datetime(2026, 12, 7, 9))
    with pytest.raises(TypeError):
        ServiceContext(db, clock)  # type: ignore[call-arg]
    before_sign_in = NotSignedInContext(db, clock, NOT_SIGNED_IN)
    with pytest.raises(NotSignedIn):
        DirectoryService(before_sign_in).save_organisation(OrganisationForm(name="Paisley Food Bank"))
    with pytest.raises(NotSignedIn):
        DirectoryService(before_sign_in).counts()
    assert DirectoryService(ServiceContext(db, clock, SYSTEM)).counts()["organisations"] == 0
