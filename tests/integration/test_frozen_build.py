"""The frozen (PyInstaller) build: build it and run its own self-test. Slow (minutes): deselected
by default; run with `pytest tests/integration/test_frozen_build.py -m slow_build`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow_build
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="build_linux.sh builds on Linux")
def test_frozen_build_passes_its_selftest() -> None:
    proc = subprocess.run(["bash", str(ROOT / "build_spec" / "build_linux.sh")], capture_output=True,
                          text=True, cwd=ROOT, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "Self-test passed" in proc.stdout
    assert "(frozen build" in proc.stdout
    app = ROOT / "dist" / "sp_desktop"
    assert (app / "_internal" / "sp_desktop" / "db" / "migrations" / "versions").is_dir()
    assert (app / "_internal" / "resources" / "fonts" / "DejaVuSans.ttf").is_file()
    assert not list(app.rglob("*QtWebEngine*")) and not list(app.rglob("*tkinter*"))
