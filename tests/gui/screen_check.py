"""Open every dialog (and the main window's pages) on a small screen and report what does not fit.

Run in its own process, because the screen, the scale factor and the font are fixed when Qt starts:

    QT_SCALE_FACTOR=1.5 QT_QPA_PLATFORM=offscreen:configfile=tests/offscreen_1024x768.json \\
        python -m tests.gui.screen_check --font-pt 16 --shots /tmp/shots

Prints one JSON object: {"screen": [w, h], "problems": [...], "checked": n}. A problem is a dialog
larger than the screen's free area, a button cut off or off the screen, or a label or button
narrower than its words."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _problems_in(window, name: str) -> list[str]:  # noqa: ANN001 (Qt types imported late)
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QAbstractButton, QLabel, QScrollArea

    problems = []
    free = window.screen().availableGeometry()
    frame = window.frameGeometry()
    if window.devicePixelRatio() % 1:  # 150 %: logical pixels are rounded from device pixels, so a
        free = free.adjusted(-1, -1, 1, 1)  # window that fits can be reported one logical pixel out
    if not free.contains(frame):
        problems.append(f"{name}: the window {frame.width()}x{frame.height()} at ({frame.x()},{frame.y()}) "
                        f"does not fit the screen's free area {free.width()}x{free.height()}")
    scrolls = [s for s in window.findChildren(QScrollArea) if s.isVisible()]

    def in_scroll(w) -> bool:  # noqa: ANN001
        return any(s.widget() is not None and s.widget().isAncestorOf(w) for s in scrolls)

    for button in window.findChildren(QAbstractButton):
        if not button.isVisible() or button.window() is not window or in_scroll(button):
            continue
        if type(button).__name__ in ("QToolButton",) and button.parentWidget() is not None \
                and type(button.parentWidget()).__name__ in ("QTabBar", "QScrollBar"):
            continue
        r = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
        if not window.rect().contains(r):
            problems.append(f"{name}: button {button.text()!r} is cut off at {r.x()},{r.y()} "
                            f"{r.width()}x{r.height()} (window {window.width()}x{window.height()})")
        elif button.text() and button.width() < button.minimumSizeHint().width():
            problems.append(f"{name}: button {button.text()!r} is {button.width()} wide, its words need "
                            f"{button.minimumSizeHint().width()}")
    nav = getattr(window, "nav", None)
    if nav is not None:  # the page list: every entry whole ("Reviews due (15)", not "Reviews due (1")
        for row in range(nav.count()):
            text = nav.item(row).text()
            if nav.fontMetrics().horizontalAdvance(text) > nav.visualItemRect(nav.item(row)).width():
                problems.append(f"{name}: the navigation cuts {text!r} short")
    for label in window.findChildren(QLabel):
        if not label.isVisible() or label.window() is not window or label.wordWrap() or not label.text():
            continue
        if "<" in label.text():  # rich text: Qt lays it out itself
            continue
        need = label.minimumSizeHint()
        if label.width() < need.width() - 1 or label.height() < need.height() - 1:
            problems.append(f"{name}: label {label.text()[:40]!r} is {label.width()}x{label.height()}, "
                            f"its words need {need.width()}x{need.height()}")
    return problems


def sideways_or_cut(page, name: str) -> list[str]:  # noqa: ANN001 (Qt types imported late)
    """A page that scrolls sideways, or a table cell on screen whose words do not fit it (elided, or
    wrapped onto more lines than the row shows): what a person at 150 % could not read."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtWidgets import QAbstractScrollArea, QTableView

    problems = []
    area = page.parentWidget().parentWidget() if page.parentWidget() is not None else None
    areas = [a for a in [area, *page.findChildren(QAbstractScrollArea)]
             if isinstance(a, QAbstractScrollArea) and a.isVisible()]
    for a in areas:
        bar = a.horizontalScrollBar()
        if bar.isVisible() and bar.maximum() > 0:
            problems.append(f"{name}: {a.objectName() or type(a).__name__} scrolls sideways "
                            f"({bar.maximum()} px more than it shows)")
    for table in page.findChildren(QTableView):
        if not table.isVisible() or table.model() is None:
            continue
        model, metrics = table.model(), table.fontMetrics()
        style = table.style()
        margin = style.pixelMetric(style.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
        viewport = table.viewport().rect()
        first, last = max(table.rowAt(0), 0), table.rowAt(viewport.height() - 1)
        last = model.rowCount() - 1 if last < 0 else last
        for row in range(first, last + 1):
            for col in range(model.columnCount()):
                if table.isColumnHidden(col):
                    continue
                index = model.index(row, col)
                text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
                cell = table.visualRect(index)
                if not text or not cell.intersects(viewport) or cell.bottom() > viewport.bottom():
                    continue  # only whole rows on screen: the last one may be half scrolled in
                room = cell.adjusted(margin, 0, -margin, 0)
                if table.wordWrap():
                    need = metrics.boundingRect(QRect(0, 0, room.width(), 100000),
                                                int(Qt.TextFlag.TextWordWrap.value), text)
                    cut = need.width() > room.width() or need.height() > room.height()
                else:
                    cut = metrics.horizontalAdvance(text) > room.width()
                if cut:
                    problems.append(f"{name}: {table.objectName()} row {row} cuts {text[:40]!r} "
                                    f"(cell {cell.width()}x{cell.height()})")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--font-pt", type=float, default=0.0)
    parser.add_argument("--shots", default="")
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--pages", action="store_true", help="also the main window's pages")
    parser.add_argument("--page", default="", help="only this page (no dialogs): also checks that it does "
                        "not scroll sideways and that no table cell on screen cuts its words")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from sp_desktop.app import create_application

    app = create_application([])
    if args.font_pt:
        font = QFont(app.font())
        font.setPointSizeF(args.font_pt)
        app.setFont(font)

    from sp_desktop.db.migrate import MigrationResult, head_revision
    from sp_desktop.demo.seed import seed_demo
    from sp_desktop.paths import AppPaths
    from sp_desktop.runtime import Runtime
    from sp_desktop.services.base import FixedClock
    from sp_desktop.services.bootstrap import open_database
    from tests.gui.a11y_audit import DIALOGS, ROLES, actor_named, build_dialog

    folder = Path(tempfile.mkdtemp(prefix="screen_check_"))
    clock = FixedClock(datetime(2026, 11, 24, 10, 0))
    db, _ = open_database(f"sqlite:///{folder / 'demo.sqlite3'}", clock, None)
    seed_demo(db, clock)
    runtime = Runtime(AppPaths(data_dir=folder / "data"), db, clock, True,
                      MigrationResult(head_revision(), head_revision(), None))
    shots = Path(args.shots) if args.shots else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    checked = 0
    for key in ([] if args.page else args.only or list(DIALOGS)):
        dialog = build_dialog(runtime, key)
        dialog.show()
        for _ in range(5):
            app.processEvents()
        problems += _problems_in(dialog, key)
        checked += 1
        if shots:
            dialog.grab().save(str(shots / f"dialog_{key.replace(' ', '_').lower()}.png"))
        dialog.close()
        dialog.deleteLater()
        app.processEvents()
    if args.pages or args.page:
        from sp_desktop.ui.main_window import MainWindow

        window = MainWindow(runtime, runtime.context(actor_named(runtime, ROLES["administrator"])))
        window.show()
        for page in [args.page] if args.page else list(window.pages):
            shown = window.show_page(page)
            for _ in range(20):
                app.processEvents()
            window.tasks.wait(10000)
            for _ in range(5):
                app.processEvents()
            problems += _problems_in(window, f"page {page}")
            if args.page:
                problems += sideways_or_cut(shown, f"page {page}")
            checked += 1
            if shots:
                window.grab().save(str(shots / f"page_{page}.png"))
        window.tasks.wait(10000)
    screen = QApplication.primaryScreen().availableGeometry()
    print(json.dumps({"screen": [screen.width(), screen.height()], "checked": checked, "problems": problems}))
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
