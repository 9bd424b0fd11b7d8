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


@pytest.mark.slow_build
@pytest.mark.postgres
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="build_linux.sh builds on Linux")
def test_the_frozen_app_reaches_a_practice_server(tmp_path: Path, pg_cluster: object) -> None:
    """After the build above: the frozen app opens a PostgreSQL database (its driver's compiled
    parts and everything they import are in the bundle)."""
    import os

    app = ROOT / "dist" / "sp_desktop" / "sp_desktop"
    if not app.exists():
        pytest.skip("build the app first (test_frozen_build_passes_its_selftest)")
    pg_cluster.create_database("frozen_app")  # type: ignore[attr-defined]
    url = pg_cluster.url("frozen_app").render_as_string(hide_password=False)  # type: ignore[attr-defined]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(QT_QPA_PLATFORM="offscreen", SP_DESKTOP_NEW_PASSWORD="a long pass phrase for the test")
    run = [str(app), "--data-dir", str(tmp_path), "--database-url", url]
    added = subprocess.run([*run, "staff", "add", "Ada Admin", "--role", "administrator"],
                           capture_output=True, text=True, env=env, timeout=300)
    assert added.returncode == 0, added.stderr
    info = subprocess.run([*run, "info"], capture_output=True, text=True, env=env, timeout=120)
    assert info.returncode == 0, info.stderr
    assert "postgresql" in info.stdout.lower()
