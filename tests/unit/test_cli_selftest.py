"""`sp-desktop selftest` passes on a working installation and never touches the practice's data."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from sp_desktop.cli import build_parser, run_command


def test_selftest_passes_and_leaves_the_data_folder_alone(qapp: Any, tmp_path: Path) -> None:
    data = tmp_path / "practice"
    args = build_parser().parse_args(["--data-dir", str(data), "selftest", "--screenshot",
                                      str(tmp_path / "window.png")])
    out = io.StringIO()
    assert run_command(args, out) == 0, out.getvalue()
    text = out.getvalue()
    assert "Self-test passed" in text and "FAIL" not in text
    for step in ("migrate a new database", "search the directory", "open the main window",
                 "render a leaflet", "load the leaflet in the PDF viewer",
                 "a leaflet in Arabic, Urdu, Chinese"):
        assert f"ok    {step}" in text or step in text
    assert (tmp_path / "window.png").stat().st_size > 10_000
    assert not data.exists()  # ran in its own temporary folder


def test_selftest_reports_a_failure_plainly(qapp: Any, tmp_path: Path, monkeypatch: Any) -> None:
    from sp_desktop.cli import selftest

    def broken(state: Any) -> str:
        raise RuntimeError("no QtPdf plug-in")

    monkeypatch.setattr(selftest, "_qtpdf", broken)
    args = build_parser().parse_args(["selftest"])
    out = io.StringIO()
    assert run_command(args, out) == 1
    assert "FAIL  load the leaflet in the PDF viewer (QtPdf): no QtPdf plug-in" in out.getvalue()
    assert "Self-test FAILED" in out.getvalue()
