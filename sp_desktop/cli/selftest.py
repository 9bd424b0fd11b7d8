"""`sp-desktop selftest`: prove that this installation works, end to end, in a few seconds.

Runs in a temporary folder (the practice's data is never touched): creates and migrates a new
database (the migration scripts are loaded from files, so this proves they were installed),
seeds the demo directory, searches it, opens the main window off screen, renders a leaflet
with the bundled fonts and loads that PDF in QtPdf (proving the PDF viewer plug-in is there).
Prints one line per step; exits 0 when all pass, 1 with a plain message when one fails.
The frozen build (build_spec/) runs this straight after building.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from sp_desktop.cli.common import add_subcommand
from sp_desktop.domain.errors import ExitCode
from sp_desktop.services.base import SYSTEM


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_subcommand(sub, "selftest", "check that this installation works (window, database, leaflets)",
                       "Create a temporary demo database, open the window off screen, search, render a "
                       "leaflet and load it in the PDF viewer. Your own data is not touched. Exits 0 if "
                       "everything works.")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder and print where it is")
    p.add_argument("--screenshot", metavar="PNG", help="save a picture of the main window to this file")
    p.set_defaults(run=run_selftest)


class _Steps:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.failed: str | None = None

    def run(self, title: str, fn: Callable[[], Any]) -> Any:
        if self.failed:
            return None
        start = time.perf_counter()
        try:
            value = fn()
        except Exception as exc:  # report every failure plainly, with the details after it
            self.failed = title
            print(f"FAIL  {title}: {exc}", file=self.out)
            print(traceback.format_exc().rstrip(), file=self.out)
            return None
        note = f" — {value}" if isinstance(value, str) and value else ""
        ms = (time.perf_counter() - start) * 1000
        print(f"ok    {title} ({ms:.0f} ms){note}", file=self.out, flush=True)
        return value


def _use_offscreen() -> None:
    # Off screen unless the person asked for a platform: works on a PC with no display (CI, a
    # server) and shows nothing on a receptionist's screen. Also proves the plug-in is bundled.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def run_selftest(args: argparse.Namespace, out: TextIO) -> int:
    from sp_desktop import __version__

    _use_offscreen()
    frozen = "frozen build" if getattr(sys, "frozen", False) else "from source"
    print(f"sp_desktop {__version__} self-test ({frozen}, Python {sys.version.split()[0]}, {sys.platform})",
          file=out)
    steps = _Steps(out)
    tmp = Path(tempfile.mkdtemp(prefix="sp_desktop-selftest-"))
    state: dict[str, Any] = {}
    try:
        steps.run("bundled resources (fonts, taxonomy, demo data) are present", lambda: _resources())
        steps.run("create and migrate a new database, seed the demo directory",
                  lambda: _open(tmp, state))
        steps.run("search the directory", lambda: _search(state))
        steps.run("open the main window (off screen)", lambda: _window(state, args.screenshot))
        steps.run("render a leaflet to PDF", lambda: _leaflet(state))
        steps.run("load the leaflet in the PDF viewer (QtPdf)", lambda: _qtpdf(state))
        steps.run("a leaflet in Arabic, Urdu, Chinese and Polish (bundled fonts, shaping)",
                  lambda: _other_scripts())
    finally:
        window = state.get("window")
        if window is not None:
            window.close()
            window.deleteLater()
        runtime = state.get("runtime")
        if runtime is not None:
            runtime.close()
        if args.keep:
            print(f"Temporary folder kept: {tmp}", file=out)
        else:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    if steps.failed:
        print(f"Self-test FAILED at: {steps.failed}. This installation is not working; reinstall sp_desktop "
              "or send the lines above to whoever looks after it.", file=out)
        return int(ExitCode.REFUSED)
    print("Self-test passed: this installation works.", file=out)
    return 0


def _resources() -> str:
    from sp_desktop.paths import resource_path

    needed = [resource_path("fonts", "DejaVuSans.ttf"), resource_path("fonts", "DejaVuSans-Bold.ttf"),
              resource_path("taxonomy", "default.json"), resource_path("demo", "directory.json")]
    missing = [str(p) for p in needed if not p.is_file()]
    if missing:
        raise FileNotFoundError("missing: " + ", ".join(missing))
    from sp_desktop.db.migrate import MIGRATIONS_DIR

    scripts = sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("*.py"))
    if not scripts or not (MIGRATIONS_DIR / "env.py").is_file():
        raise FileNotFoundError(f"the database migration scripts are missing from {MIGRATIONS_DIR}")
    return f"{len(scripts)} migration scripts"


def _open(tmp: Path, state: dict[str, Any]) -> str:
    from sp_desktop.db.migrate import current_revision, head_revision
    from sp_desktop.runtime import open_runtime

    runtime = open_runtime(argparse.Namespace(data_dir=str(tmp), demo=True, database_url=None))
    state["runtime"] = runtime
    if current_revision(runtime.db) != head_revision():
        raise RuntimeError("the database was not migrated to the newest schema")
    from sp_desktop.services.directory import DirectoryService

    counts = DirectoryService(runtime.context(SYSTEM)).counts()
    if not counts["services"]:
        raise RuntimeError("the demo directory is empty")
    return f"schema {head_revision()}, {counts['services']} demo services"


def _search(state: dict[str, Any]) -> str:
    from sp_desktop.services.directory import DirectoryService

    directory = DirectoryService(state["runtime"].context(SYSTEM))
    result = directory.search("lunch")
    if not result.rows:
        result = directory.search("")
    if not result.rows:
        raise RuntimeError("searching the demo directory found nothing")
    state["service_ids"] = [r.id for r in result.rows[:3]]
    return f"{result.total} found"


def _window(state: dict[str, Any], screenshot: str | None) -> str:
    from sp_desktop.app import build_main_window, create_application

    app = create_application()
    state["app"] = app
    window = build_main_window(state["runtime"], SYSTEM)
    state["window"] = window
    window.show()
    for _ in range(5):
        app.processEvents()
    image = window.grab()
    if image.isNull() or image.width() < 200:
        raise RuntimeError("the window could not be drawn")
    if screenshot:
        image.save(screenshot)
    pages = len(getattr(window, "pages", {}) or {})
    return f"{pages} pages, {app.platformName()} platform"


def _leaflet(state: dict[str, Any]) -> str:
    from sp_desktop.leaflets import Leaflet, LeafletFormat, render_leaflet
    from sp_desktop.leaflets.sample import SAMPLE_PRACTICE, sample_leaflet

    leaflet = None
    try:  # from the demo directory when the leaflet service is installed
        from sp_desktop.services.directory import DirectoryService
        from sp_desktop.services.leaflets import leaflet_content

        directory = DirectoryService(state["runtime"].context(SYSTEM))
        services = tuple(leaflet_content(directory.get_service(i)) for i in state.get("service_ids", []))
        if services:
            leaflet = Leaflet(practice=SAMPLE_PRACTICE, services=services,
                              printed_on=state["runtime"].clock.now().date())
    except ImportError:
        pass
    leaflet = leaflet or sample_leaflet(3)
    pdf = render_leaflet(leaflet, LeafletFormat.STANDARD)
    if not pdf.startswith(b"%PDF"):
        raise RuntimeError("the leaflet is not a PDF")
    state["pdf"] = pdf
    return f"{len(leaflet.services)} services, {len(pdf) // 1024} KB"


#: One line in each script the bundled fonts must carry (the words mean "help with money worries").
OTHER_SCRIPTS = ("مساعدة في المال", "مالی پریشانیوں میں مدد", "帮助解决财务问题",
                 "Pomoc w sprawach finansowych")


def _other_scripts() -> str:
    """Render a leaflet whose text is in non-Latin scripts and read it back through QtPdf: every
    character has a glyph in the bundled fonts, the page is drawn and the Chinese text is found
    (Arabic and Urdu are stored as shaped glyphs, so their characters are checked via the fonts)."""
    from dataclasses import replace

    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
    from PySide6.QtPdf import QPdfDocument

    from sp_desktop.leaflets import LeafletFormat, render_leaflet
    from sp_desktop.leaflets.fonts import missing_characters
    from sp_desktop.leaflets.sample import sample_leaflet

    text = "\n\n".join(OTHER_SCRIPTS)
    missing = missing_characters(text)
    if missing:
        raise RuntimeError(f"the bundled fonts have no glyph for {''.join(sorted(missing))!r}")
    base = sample_leaflet(1)
    service = replace(base.services[0], description=text)
    pdf = render_leaflet(replace(base, services=(service,)), LeafletFormat.STANDARD)
    data = QByteArray(pdf)  # kept alive while QtPdf reads it
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    doc = QPdfDocument()
    try:
        doc.load(buffer)
        if doc.status() != QPdfDocument.Status.Ready or doc.pageCount() < 1:
            raise RuntimeError(f"QtPdf could not read the leaflet ({doc.error()})")
        if doc.render(0, QSize(420, 595)).isNull():
            raise RuntimeError("QtPdf could not draw the first page")
        words = "".join(doc.getAllText(p).text() for p in range(doc.pageCount()))
        if OTHER_SCRIPTS[2] not in words.replace("\n", "").replace(" ", ""):
            raise RuntimeError("the Chinese text is not in the leaflet")
        return f"{len(OTHER_SCRIPTS)} scripts, {len(pdf) // 1024} KB"
    finally:
        doc.close()
        buffer.close()


def _qtpdf(state: dict[str, Any]) -> str:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
    from PySide6.QtPdf import QPdfDocument

    data = QByteArray(state["pdf"])
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    doc = QPdfDocument()
    try:
        doc.load(buffer)
        if doc.status() != QPdfDocument.Status.Ready or doc.pageCount() < 1:
            raise RuntimeError(f"QtPdf could not read the leaflet ({doc.error()})")
        image = doc.render(0, QSize(420, 595))
        if image.isNull():
            raise RuntimeError("QtPdf could not draw the first page")
        dark = sum(1 for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
                   if image.pixelColor(x, y).lightness() < 128)
        if dark < 20:
            raise RuntimeError("the rendered page is blank")
        return f"{doc.pageCount()} page(s) drawn"
    finally:
        doc.close()
        buffer.close()
