"""Usable by every receptionist (issue 22): Tab reaches every control and never gets stuck, every focus
stop has a name a screen reader can say, access keys are unique, status messages are announced,
focus is visible, colours are readable and every dialog fits the screen.

Each page is walked as each role sees it; each dialog as the least powerful role that opens it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QLabel, QLineEdit, QWidget

from sp_desktop.runtime import Runtime
from sp_desktop.ui.main_window import MainWindow
from sp_desktop.ui.widgets import accessibility
from sp_desktop.ui.widgets.accessibility import (
    DESK_SCREEN,
    FOCUS_WIDTH,
    TEXT_PAIRS,
    announcer,
    contrast_ratio,
    focus_colour,
    install_accessibility,
)
from tests.gui.a11y_audit import (
    DIALOGS,
    ROLES,
    actor_named,
    build_dialog,
    duplicate_access_keys_in,
    duplicate_access_keys_in_menu,
    focus_stops,
    hidden_text,
    spoken_name,
    walk_tab,
)

ROOT = Path(__file__).resolve().parents[2]


def _window(qtbot: Any, runtime: Runtime, role: str) -> MainWindow:
    window = MainWindow(runtime, runtime.context(actor_named(runtime, ROLES[role])))
    qtbot.addWidget(window)
    window.resize(1024, 720)
    window.show()
    qtbot.waitExposed(window)
    return window


def _show_page(qtbot: Any, window: MainWindow, key: str) -> QWidget:
    page = window.show_page(key)
    if key == "reports":
        qtbot.waitUntil(lambda: page.report is not None, timeout=10000)
    if key == "directory":
        qtbot.waitUntil(lambda: page._layout_settled)
    for _ in range(3):
        QApplication.processEvents()
    return page


def _show(qtbot: Any, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    for _ in range(3):
        QApplication.processEvents()
    return dialog


# ------------------------------------------------------------------------------------------- keyboard
@pytest.mark.parametrize("role", list(ROLES))
def test_tab_reaches_every_control_of_every_page_without_a_trap(qtbot: Any, demo_runtime: Runtime,
                                                                 role: str) -> None:
    window = _window(qtbot, demo_runtime, role)
    problems = []
    for key in window.pages:
        _show_page(qtbot, window, key)
        walk = walk_tab(window)
        problems += [f"{key}: {t}" for t in walk.traps]
        problems += [f"{key}: Tab never reaches {w.objectName() or type(w).__name__} "
                     f"({spoken_name(w)!r})" for w in walk.unreachable]
        back = walk_tab(window, Qt.Key.Key_Backtab)
        problems += [f"{key} (Shift+Tab): {t}" for t in back.traps]
    window.tasks.wait(10000)
    assert problems == []


@pytest.mark.parametrize("key", list(DIALOGS))
def test_tab_reaches_every_control_of_every_dialog_without_a_trap(qtbot: Any, demo_runtime: Runtime,
                                                                   key: str) -> None:
    install_accessibility()
    dialog = _show(qtbot, build_dialog(demo_runtime, key))
    walk = walk_tab(dialog)
    assert walk.traps == []
    assert [f"{w.objectName() or type(w).__name__} ({spoken_name(w)!r})" for w in walk.unreachable] == []
    assert walk_tab(dialog, Qt.Key.Key_Backtab).traps == []
    assert duplicate_access_keys_in(dialog) == []


def test_a_table_keeps_arrows_inside_and_tab_leaves(qtbot: Any, demo_runtime: Runtime) -> None:
    window = _window(qtbot, demo_runtime, "administrator")
    page = _show_page(qtbot, window, "network")
    tables = [v for v in page.findChildren(QWidget) if v.objectName().endswith("_table") and v.isVisible()]
    assert tables
    table = tables[0]
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is table and table.currentIndex().row() == 1
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not table


def test_menus_have_unique_access_keys_and_show_shortcuts(qtbot: Any, demo_runtime: Runtime) -> None:
    window = _window(qtbot, demo_runtime, "administrator")
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    clashes = []
    for menu in menus:
        menu.aboutToShow.emit()  # menus settle their access keys as they open
        clashes += duplicate_access_keys_in_menu(menu)
    bar_keys = [a.text() for a in window.menuBar().actions()]
    assert clashes == []
    assert len({t.lower().split("&")[1][0] for t in bar_keys if "&" in t}) == len(bar_keys)
    go = window.go_menu
    assert all("&" in a.text() for a in go.actions() if not a.isSeparator()), "every page has an access key"


# ------------------------------------------------------------------------------------------ names
@pytest.mark.parametrize("role", ["front desk", "administrator"])
def test_every_focus_stop_on_every_page_has_a_name(qtbot: Any, demo_runtime: Runtime, role: str) -> None:
    window = _window(qtbot, demo_runtime, role)
    unnamed, hidden = [], []
    for key in window.pages:
        _show_page(qtbot, window, key)
        unnamed += [f"{key}: {w.objectName() or type(w).__name__}" for w in focus_stops(window)
                    if not spoken_name(w).strip()]
        hidden += [f"{key}: {w.objectName()} shows {t!r} but is read as {w.accessibleName()!r}"
                   for w in window.findChildren(QWidget) if w.isVisible() and (t := hidden_text(w))]
    window.tasks.wait(10000)
    assert unnamed == []
    assert hidden == []


def _focusable_parts(page: QWidget) -> list[QWidget]:
    """Every control on a page that can take the keyboard focus, shown or not (a tab not chosen yet,
    a button shown only in some states): not only the ones on screen now."""
    from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QScrollBar, QTabBar, QToolButton

    parts = []
    for w in page.findChildren(QWidget):
        if not w.focusPolicy() & Qt.FocusPolicy.TabFocus or w.focusProxy() is not None:
            continue
        if w.objectName() == "qt_scrollarea_viewport" or isinstance(w, QScrollBar):
            continue
        if isinstance(w.parentWidget(), (QAbstractSpinBox, QComboBox)):
            continue  # the line edit inside a date box or an editable drop-down: named with it
        if isinstance(w, QToolButton) and isinstance(w.parentWidget(), QTabBar):
            continue  # the tab bar's own scroll arrows
        parts.append(w)
    return parts


@pytest.mark.parametrize("role", list(ROLES))
def test_every_focusable_control_of_every_page_has_a_name_shown_or_not(qtbot: Any, demo_runtime: Runtime,
                                                                       role: str) -> None:
    """Orca and NVDA cannot run here; this is the check that stands in for them: every control a
    screen-reader user can reach has a name to read (its own words, or its label's), including
    those on tabs not opened and controls shown only in some states."""
    window = _window(qtbot, demo_runtime, role)
    unnamed, checked = [], 0
    for key in window.pages:
        page = _show_page(qtbot, window, key)
        for w in _focusable_parts(page):
            checked += 1
            if not spoken_name(w).strip():
                unnamed.append(f"{key}: {w.objectName() or type(w).__name__} "
                               f"({type(w).__name__}, {'shown' if w.isVisible() else 'hidden'})")
    window.tasks.wait(10000)
    assert checked > 40
    assert unnamed == [], "\n".join(unnamed)


PAGES = ("directory", "basket", "reviews", "followups", "network", "signposting", "reports", "settings")


@pytest.mark.parametrize("page", PAGES)
def test_at_150_percent_a_page_fits_without_scrolling_sideways_and_cuts_no_words(tmp_path: Path,
                                                                                 page: str) -> None:
    """1024 x 768 at 150 % (683 x 512 logical pixels): the page beside the navigation never scrolls
    sideways, and no table cell on screen ends in "…" or hides a line of its words."""
    env = dict(os.environ, QT_SCALE_FACTOR="1.5", QT_QPA_PLATFORM=f"offscreen:configfile={SMALL_SCREEN}",
               PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "tests.gui.screen_check", "--page", page,
                           "--shots", str(tmp_path)], capture_output=True, text=True, timeout=600, env=env,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["screen"] == [683, 512] and found["checked"] == 1
    assert found["problems"] == []


@pytest.mark.parametrize("key", list(DIALOGS))
def test_every_focus_stop_in_every_dialog_has_a_name(qtbot: Any, demo_runtime: Runtime, key: str) -> None:
    install_accessibility()
    dialog = _show(qtbot, build_dialog(demo_runtime, key))
    assert [f"{w.objectName() or type(w).__name__}" for w in focus_stops(dialog)
            if not spoken_name(w).strip()] == []
    assert [f"{w.objectName()} shows {t!r} but is read as {w.accessibleName()!r}"
            for w in dialog.findChildren(QWidget) if w.isVisible() and (t := hidden_text(w))] == []


def test_status_messages_and_the_match_count_are_announced(qtbot: Any, demo_runtime: Runtime) -> None:
    window = _window(qtbot, demo_runtime, "front desk")
    page = _show_page(qtbot, window, "directory")
    said: list[str] = []
    announcer().announced.connect(said.append)
    window.statusBar().showMessage("Added Cartside Carers Centre to the basket", 3000)
    assert "Added Cartside Carers Centre to the basket" in said
    qtbot.keyClicks(page.search, "debt")
    qtbot.waitUntil(lambda: any("match" in s for s in said), timeout=5000)
    shown = window.match_label.text()
    assert shown and shown in said
    # the label is read by its words; what it is about is the description
    assert window.match_label.accessibleName() == "" and window.match_label.accessibleDescription()


# ------------------------------------------------------------------------------------ focus, contrast
def test_every_text_colour_in_the_palette_reads_at_4_5_to_1(qapp: QApplication) -> None:
    install_accessibility()
    palette = QApplication.palette()
    failures = []
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for text, back in TEXT_PAIRS:
            if text is QPalette.ColorRole.BrightText:
                continue
            ratio = contrast_ratio(palette.color(group, text), palette.color(group, back))
            if ratio < 4.5:
                failures.append(f"{group.name} {text.name} on {back.name}: {ratio:.2f}:1")
    assert failures == []


def test_colours_the_app_sets_itself_read_at_4_5_to_1(qapp: QApplication) -> None:
    from sp_desktop.ui.widgets import bar_chart, field_errors

    install_accessibility()
    window = QApplication.palette().color(QPalette.ColorRole.Window)
    base = QApplication.palette().color(QPalette.ColorRole.Base)
    for colour in (field_errors.ERROR_COLOUR, field_errors.WARNING_COLOUR, "#555555"):  # detail pane .muted
        assert contrast_ratio(QColor(colour), base) >= 4.5, colour
        assert contrast_ratio(QColor(colour), window) >= 4.5, colour
    for colour in (bar_chart.BAR_COLOUR, bar_chart.CURRENT_COLOUR):  # bars: graphics, 3:1
        assert contrast_ratio(colour, base) >= 3.0


def test_the_focus_ring_is_2px_and_3_to_1_round_a_table(qtbot: Any, demo_runtime: Runtime) -> None:
    window = _window(qtbot, demo_runtime, "front desk")
    page = _show_page(qtbot, window, "directory")
    page.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.table)
    QApplication.processEvents()
    ring = focus_colour(QApplication.palette())
    assert contrast_ratio(ring, QApplication.palette().color(QPalette.ColorRole.Window)) >= 3.0
    assert contrast_ratio(ring, QApplication.palette().color(QPalette.ColorRole.Base)) >= 3.0
    shot = window.grab().toImage()
    top_left = page.table.mapTo(window, QPoint(0, 0))
    middle_y = top_left.y() + page.table.height() // 2
    # the band across the table's left edge: FOCUS_WIDTH px inside (and outside, unless clipped there)
    band = [shot.pixelColor(top_left.x() + dx, middle_y) for dx in range(FOCUS_WIDTH)]
    assert all(c.rgb() == ring.rgb() for c in band), [c.name() for c in band]
    # ...and it goes when the focus moves on
    page.search.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search)
    QApplication.processEvents()
    shot = window.grab().toImage()
    assert shot.pixelColor(top_left.x(), middle_y).rgb() != ring.rgb()


def test_no_label_with_content_looks_disabled(qtbot: Any, demo_runtime: Runtime) -> None:
    window = _window(qtbot, demo_runtime, "administrator")
    greyed = []
    for key in window.pages:
        _show_page(qtbot, window, key)
        greyed += [f"{key}: {w.objectName()} {w.text()!r}" for w in window.findChildren(QLabel)
                   if w.isVisible() and not w.isEnabled() and w.text().strip()]
    window.tasks.wait(10000)
    assert greyed == []


# --------------------------------------------------------------------------------------- dialog sizes
@pytest.mark.parametrize("key", list(DIALOGS))
def test_every_dialog_fits_1024_by_720(qtbot: Any, demo_runtime: Runtime, key: str) -> None:
    install_accessibility()
    dialog = _show(qtbot, build_dialog(demo_runtime, key))
    hint = dialog.sizeHint()
    assert hint.width() <= DESK_SCREEN.width() and hint.height() <= DESK_SCREEN.height(), hint
    assert dialog.width() <= DESK_SCREEN.width() and dialog.height() <= DESK_SCREEN.height()
    buttons = [b for b in dialog.findChildren(QAbstractButton) if b.isVisible()
               and b.window() is dialog and not _inside_scroll(b, dialog)]
    for button in buttons:
        corner = button.mapTo(dialog, QPoint(button.width(), button.height()))
        assert dialog.rect().contains(corner - QPoint(1, 1)), f"{button.text()!r} is cut off"


def _inside_scroll(w: QWidget, dialog: QWidget) -> bool:
    body = dialog.findChild(QWidget, "fit_body")
    return body is not None and body.isAncestorOf(w)


def test_a_line_edit_shows_its_placeholder_at_4_5_to_1(qapp: QApplication) -> None:
    install_accessibility()
    edit = QLineEdit()
    colour = edit.palette().color(QPalette.ColorRole.PlaceholderText)
    assert contrast_ratio(colour, edit.palette().color(QPalette.ColorRole.Base)) >= 4.5
    assert accessibility.readable_on(QColor("#7f7f7f"), QColor("white")) != QColor("#7f7f7f")


# ------------------------------------------------------------------ 150 % scaling and a 16 pt font
SMALL_SCREEN = Path(__file__).resolve().parents[1] / "offscreen_1024x768.json"


def _screen_check(tmp_path: Path, scale: str, font_pt: int, pages: bool) -> dict[str, Any]:
    """Every dialog (and page) in a fresh app on a 1024 x 768 screen, as tests/gui/screen_check.py
    reports it; screenshots in tmp_path/shots."""
    env = dict(os.environ, QT_SCALE_FACTOR=scale, QT_QPA_PLATFORM=f"offscreen:configfile={SMALL_SCREEN}",
               PYTHONPATH=str(ROOT))
    args = [sys.executable, "-m", "tests.gui.screen_check", "--font-pt", str(font_pt),
            "--shots", str(tmp_path / "shots")] + (["--pages"] if pages else [])
    done = subprocess.run(args, capture_output=True, text=True, timeout=600, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_at_150_percent_on_1024_by_768_every_dialog_and_page_fits(tmp_path: Path) -> None:
    found = _screen_check(tmp_path, "1.5", 0, pages=True)
    assert found["screen"] == [683, 512]  # 1024 x 768 at 150 %: the logical pixels a window has
    assert found["checked"] == len(DIALOGS) + 8
    assert found["problems"] == []


def test_with_a_16_pt_font_on_1024_by_768_every_dialog_and_page_fits(tmp_path: Path) -> None:
    found = _screen_check(tmp_path, "1", 16, pages=True)
    assert found["screen"] == [1024, 768]
    assert found["problems"] == []


def test_the_charts_current_bar_is_not_shown_by_colour_alone(qtbot: Any) -> None:
    from sp_desktop.ui.widgets.bar_chart import BarChart

    chart = BarChart("Records per month", unit="records")
    qtbot.addWidget(chart)
    chart.resize(500, 260)
    chart.set_data(["Sep", "Oct", "Nov"], [5, 9, 3])
    chart.show()
    qtbot.waitExposed(chart)
    chart.set_current(1)
    shot = chart.grab().toImage()
    plot, top = chart._plot_rect(), chart._top()

    def light_pixels(index: int) -> int:  # the hatching shows the background through the bar
        r = chart._bar_rect(index, plot, top).toRect().adjusted(3, 3, -3, -3)
        return sum(shot.pixelColor(x, y).lightness() > 200 for x in range(r.left(), r.right())
                   for y in range(r.top(), r.bottom()))

    assert light_pixels(1) > 20, "the current bar is hatched"
    assert light_pixels(0) == 0 and light_pixels(2) == 0, "the others are solid"


def test_every_table_tells_a_screen_reader_its_column_headings(qtbot: Any, demo_runtime: Runtime) -> None:
    from PySide6.QtGui import QAccessible
    from PySide6.QtWidgets import QTableView

    window = _window(qtbot, demo_runtime, "administrator")
    missing, tables = [], 0
    for key in window.pages:
        _show_page(qtbot, window, key)
        for table in window.findChildren(QTableView):
            if not table.isVisible() or table.model() is None or table.model().rowCount() == 0:
                continue
            tables += 1
            iface = QAccessible.queryAccessibleInterface(table)
            cells = [iface.child(i) for i in range(iface.childCount())]
            cells = [c for c in cells if c is not None and c.role() == QAccessible.Role.Cell]
            assert cells, table.objectName()
            cell = cells[0].tableCellInterface()
            headings = [h.text(QAccessible.Text.Name) for h in cell.columnHeaderCells()]
            if not headings or not headings[0].strip():
                missing.append(f"{key}: {table.objectName()}")
    window.tasks.wait(10000)
    assert tables >= 5
    assert missing == []


def test_the_settings_help_text_reads_at_4_5_to_1(qtbot: Any, demo_runtime: Runtime) -> None:
    window = _window(qtbot, demo_runtime, "administrator")
    page = _show_page(qtbot, window, "settings")
    hints = [w for w in page.findChildren(QLabel) if w.objectName().endswith("_help")]
    assert hints
    for hint in hints:
        colour = hint.palette().color(QPalette.ColorRole.WindowText)
        assert "color" not in hint.styleSheet()
        assert contrast_ratio(colour, hint.palette().color(QPalette.ColorRole.Window)) >= 4.5
    window.tasks.wait(10000)
