"""Remake the README's screenshots from the demo directory (resources/screenshots/*.png).

    .venv/bin/python tools/screenshots.py

Runs on Qt's offscreen platform with a 1600 x 900 screen of its own (the default offscreen screen is
800 x 600, which caps dialogs narrower than any practice PC shows them).

Signs in as the demo's social prescribing lead on a throw-away copy of the demo database, types a
search as a receptionist would, and grabs the window at 1600 x 900; then the vetting record of
the first result. Nothing outside a temporary folder is touched."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT = ROOT / "resources" / "screenshots"


def _screen_1600x900() -> None:
    import json
    import os

    config = Path(tempfile.gettempdir()) / "sp_desktop-screenshots-screen.json"
    config.write_text(json.dumps({"synchronousWindowSystem": False, "windowFrameMargins": True, "screens": [
        {"name": "OffscreenScreen", "x": 0, "y": 0, "width": 1600, "height": 900, "logicalDpi": 96,
         "logicalBaseDpi": 96, "dpr": 1}]}), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


def main() -> None:
    _screen_1600x900()
    from PySide6.QtCore import QSize, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QDialog, QLineEdit

    from sp_desktop.app import build_main_window
    from sp_desktop.runtime import open_runtime
    from sp_desktop.services.base import SYSTEM
    from sp_desktop.services.staff import Authenticator
    from sp_desktop.ui.application import create_application

    app = create_application()
    with tempfile.TemporaryDirectory() as tmp:
        runtime = open_runtime(argparse.Namespace(data_dir=tmp, demo=True, database_url=None))
        actor = Authenticator(runtime.context(SYSTEM)).sign_in("Lena Link", "demo")
        window = build_main_window(runtime, actor)
        window.resize(QSize(1600, 900))
        window.show()

        def settle(ms: int = 800) -> None:  # past the search box's typing pause and the first paint
            QTest.qWait(ms)

        settle()
        page = window.show_page("directory")
        search = page.findChild(QLineEdit)
        QTest.keyClicks(search, "debt")
        settle(1500)
        window.grab().save(str(OUT / "directory.png"))
        def grab_the_record() -> None:  # the vetting record opens as a modal dialog
            dialog = app.activeModalWidget()
            if isinstance(dialog, QDialog):
                settle()
                dialog.grab().save(str(OUT / "vetting.png"))
                dialog.reject()

        QTimer.singleShot(1500, grab_the_record)
        for action in page.actions():
            if action.text().replace("&", "").startswith("Vetting record"):
                action.trigger()
                break
        settle()
        window.close()
        runtime.close()
    print(f"saved in {OUT}")


if __name__ == "__main__":
    main()
