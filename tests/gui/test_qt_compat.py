"""The window survives a long day of Qt calls (PySide6 6.12 leaks references to None on 3.11)."""

from __future__ import annotations

import subprocess
import sys


def test_many_qt_calls_do_not_abort_the_interpreter():
    code = ("import os\nos.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
            "from sp_desktop.app import create_application\n"
            "from PySide6.QtWidgets import QWidget\n"
            "app = create_application()\nw = QWidget()\n"
            "for _ in range(50000):\n    w.setEnabled(True)\n"
            "print('survived')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "survived" in out.stdout
