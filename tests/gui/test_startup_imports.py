"""Start-up stays quick: the window opens without importing libraries it needs only later.

Rendering leaflets (reportlab, qrcode, Pillow), importing and exporting (openpyxl, rapidfuzz,
jsonschema), migrations (alembic), previews and printing (QtPdf, QtPrintSupport) and the
PostgreSQL dialect together cost about half a second of start-up; each is imported when first
used. The app is started as a person would (`python -m sp_desktop --data-dir ...`) and the
loaded modules are read at the moment the main window is on screen.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sp_desktop.db.engine import Database
from sp_desktop.paths import AppPaths

ROOT = Path(__file__).resolve().parents[2]
NOT_AT_START = ("reportlab", "qrcode", "PIL", "openpyxl", "rapidfuzz", "jsonschema", "alembic", "pypdf",
                "psycopg", "PySide6.QtPdf", "PySide6.QtPrintSupport", "sqlalchemy.dialects.postgresql",
                "sp_desktop.leaflets.render", "sp_desktop.services.exports", "sp_desktop.services.imports",
                # pages other than the Directory are built when first shown (ui/pages/__init__.py)
                "sp_desktop.ui.pages.basket_page", "sp_desktop.ui.pages.network_page",
                "sp_desktop.ui.pages.signposting_page", "sp_desktop.ui.pages.reports_page",
                "sp_desktop.ui.pages.followups_page", "sp_desktop.ui.pages.reviews_page",
                "sp_desktop.ui.pages.staff_page", "sp_desktop.services.reports")

_PROBE = """
import runpy, sys
import sp_desktop.ui.recovery as recovery
shown = recovery.after_show
def after_show(window, app):
    print("MODULES " + " ".join(sorted(sys.modules)), flush=True)
    shown(window, app)
recovery.after_show = after_show
sys.argv = ["sp_desktop", "--data-dir", sys.argv[1]]
runpy.run_module("sp_desktop", run_name="__main__")
"""


def test_the_window_opens_without_the_libraries_it_needs_later(db: Database, app_paths: AppPaths) -> None:
    db.dispose()  # the app opens the (migrated) database file itself
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SP_DESKTOP_BENCH_EXIT="1", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", _PROBE, str(app_paths.data_dir)], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("MODULES ")]
    assert lines and "ready" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
    loaded = set(lines[0].split()[1:])
    assert "sp_desktop.ui.main_window" in loaded and "sp_desktop.ui.pages.directory_page" in loaded
    early = sorted(name for name in loaded for heavy in NOT_AT_START
                   if name == heavy or name.startswith(heavy + "."))
    assert early == [], f"imported before the window showed: {early}"
