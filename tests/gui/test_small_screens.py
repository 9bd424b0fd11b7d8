"""The window fits a small screen: a 1024 x 768 monitor at 100 %, or a 1280-pixel laptop at 125 %
Windows scaling (1,024 logical pixels). With every page built, an administrator's window can be
made 1024 x 740 (room for the taskbar), and at that size the Directory shows its search box,
filters, action buttons, results and detail pane whole: the filters and buttons wrap onto a second
row instead of forcing the window wider (it used to need 1,203 pixels) or hiding behind "»"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QTabWidget, QToolButton, QWidget

from sp_desktop.domain.enums import AppRole
from sp_desktop.runtime import Runtime
from sp_desktop.services.staff import Authenticator
from sp_desktop.ui.main_window import MainWindow
from sp_desktop.ui.models.service_table_model import COL_ORGANISATION, COL_SERVICE
from sp_desktop.ui.pages import directory_page
from sp_desktop.ui.pages.directory_page import DirectoryPage
from sp_desktop.ui.widgets.action_bar import ActionBar

ROOT = Path(__file__).resolve().parents[2]
SMALL = (1024, 740)  # a 1024 x 768 screen less the taskbar
ALL_PAGES = ["directory", "basket", "reviews", "followups", "network", "signposting", "reports", "settings"]


def _window(qtbot: Any, runtime: Runtime, size: tuple[int, int]) -> MainWindow:
    actor = Authenticator(runtime.sign_in_context()).sign_in("Mary Manager", "demo")  # demo admin
    assert actor.role is AppRole.ADMINISTRATOR
    window = MainWindow(runtime, runtime.context(actor))
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _rect(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def _directory(qtbot: Any, window: MainWindow) -> DirectoryPage:
    page = window.show_page("directory")
    assert isinstance(page, DirectoryPage)
    qtbot.waitUntil(lambda: page._layout_settled)
    _settle()
    return page


def _controls(page: DirectoryPage) -> dict[str, QWidget]:
    """What a person uses on the Directory, by a name for the failure message."""
    controls: dict[str, QWidget] = {"search box": page.search}
    for w in page.filters.focus_widgets():
        controls[w.accessibleName() or w.objectName()] = w
    for action in page.toolbar.actions():
        button = page.toolbar.widgetForAction(action)
        # an action hidden on purpose (not for this person's role) has no button to see
        if button is not None and not action.isSeparator() and action.isVisible():
            controls[f"button {action.text()!r}"] = button
    controls["results table"] = page.table
    controls["detail pane"] = page.detail
    return controls


def _cut_off(page: DirectoryPage) -> list[str]:
    """Controls that are hidden, outside the page, smaller than their words need, or overlapping."""
    problems = []
    area = page.rect()
    controls = _controls(page)
    for name, w in controls.items():
        if not w.isVisible():
            problems.append(f"{name} is hidden")
            continue
        r = _rect(w, page)
        if not area.contains(r):
            problems.append(f"{name} at {r} is outside the page {area}")
        need = w.minimumSizeHint() if name in ("results table", "detail pane", "search box") else w.sizeHint()
        if w.width() < need.width() or w.height() < need.height():
            problems.append(f"{name} is {w.width()}x{w.height()}, needs {need.width()}x{need.height()}")
    names = list(controls)
    for i, a in enumerate(names):
        for b in names[:i]:
            if controls[a].isVisible() and controls[b].isVisible() and \
                    _rect(controls[a], page).intersects(_rect(controls[b], page)):
                problems.append(f"{a} overlaps {b}")
    return problems


def _rows(widgets: list[QWidget], ancestor: QWidget) -> int:
    """How many rows the widgets stand in (a check box is centred beside the taller drop-downs)."""
    rows = 0
    bottom = -1
    for r in sorted((_rect(w, ancestor) for w in widgets), key=lambda r: r.center().y()):
        if r.center().y() > bottom:
            rows += 1
            bottom = r.bottom()
        bottom = max(bottom, r.bottom())
    return rows


def test_every_page_fits_a_1024_by_740_window(qtbot: Any, demo_runtime: Runtime) -> None:
    window = _window(qtbot, demo_runtime, SMALL)
    assert list(window.pages) == ALL_PAGES
    for key in ALL_PAGES:
        page = window.show_page(key)
        if key == "reports":
            qtbot.waitUntil(lambda page=page: page.report is not None, timeout=10000)
        for tabs in page.findChildren(QTabWidget):  # each tab of the page, as a person would look
            for index in range(tabs.count()):
                tabs.setCurrentIndex(index)
        _settle()
        smallest = window.minimumSizeHint()
        assert smallest.width() <= SMALL[0] and smallest.height() <= SMALL[1], \
            f"with the {key} page the window needs at least {smallest.width()}x{smallest.height()}"
    window.tasks.wait(10000)
    # every page is built now, so the window's own minimum takes them all into account
    window.resize(*SMALL)
    _settle()
    assert (window.width(), window.height()) == SMALL
    for key in ALL_PAGES:
        window.show_page(key)
        _settle()
        page_rect = _rect(window.pages[key], window)
        assert window.rect().contains(page_rect), f"the {key} page runs off the window"


def test_at_1024_by_740_the_directory_shows_everything_whole(qtbot: Any, demo_runtime: Runtime) -> None:
    window = _window(qtbot, demo_runtime, SMALL)
    page = _directory(qtbot, window)
    assert (window.width(), window.height()) == SMALL
    assert _cut_off(page) == []
    # the filters and the action buttons took a second row rather than more width
    filters = page.filters.focus_widgets()[:-1]
    buttons = [w for a in page.toolbar.actions() if (w := page.toolbar.widgetForAction(a)) is not None
               and not a.isSeparator()]
    assert _rows(filters, page) == 2 and _rows(buttons, page) == 2
    # ...and the results still have room: whole service and organisation names, a screenful of rows
    header = page.table.horizontalHeader()
    viewport = page.table.viewport()
    for column in (COL_SERVICE, COL_ORGANISATION):
        assert 0 <= header.sectionViewportPosition(column)
        assert header.sectionViewportPosition(column) + header.sectionSize(column) <= viewport.width()
    assert viewport.height() >= 15 * page.table.verticalHeader().defaultSectionSize()
    assert page.detail.width() >= directory_page.DETAIL_MIN_WIDTH
    assert page.detail.height() >= viewport.height()


def test_at_1280_pixels_filters_and_buttons_stay_on_one_row(qtbot: Any, demo_runtime: Runtime) -> None:
    window = _window(qtbot, demo_runtime, (1280, 800))
    page = _directory(qtbot, window)
    assert _cut_off(page) == []
    buttons = [w for a in page.toolbar.actions() if (w := page.toolbar.widgetForAction(a)) is not None
               and not a.isSeparator()]
    assert _rows(page.filters.focus_widgets(), page) == 1 and _rows(buttons, page) == 1


@pytest.mark.parametrize("width", [1024, 1280])
def test_tab_order_is_the_same_when_the_filters_wrap(qtbot: Any, demo_runtime: Runtime, width: int) -> None:
    window = _window(qtbot, demo_runtime, (width, 740))
    page = _directory(qtbot, window)
    page.focus_search()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search)
    seen = []
    for _ in range(8):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focus = QApplication.focusWidget()
        seen.append(focus.parent() if focus is not None and focus.parent() is page.filters.age else focus)
    assert seen == [*page.filters.focus_widgets(), page.table]


def test_the_window_can_be_narrower_still_and_nothing_overlaps(qtbot: Any, demo_runtime: Runtime) -> None:
    """At its smallest the Directory wraps onto more rows; every control is still whole."""
    window = _window(qtbot, demo_runtime, SMALL)
    page = _directory(qtbot, window)
    smallest = window.minimumSizeHint()
    window.resize(smallest.width(), SMALL[1])
    _settle()
    assert window.width() == smallest.width() < SMALL[0]
    assert _cut_off(page) == []


def test_action_bar_buttons_follow_their_actions(qtbot: Any) -> None:
    bar = ActionBar("Actions")
    qtbot.addWidget(bar)
    first, second, third = (QAction(text, bar) for text in ("First", "Second", "Third"))
    bar.addAction(first)
    bar.addSeparator()
    bar.addAction(third)
    bar.insertAction(third, second)  # before "Third"
    bar.resize(bar.sizeHint().width(), bar.heightForWidth(bar.sizeHint().width()))
    bar.show()
    _settle()
    buttons = {a.text(): bar.widgetForAction(a) for a in (first, second, third)}
    assert all(isinstance(b, QToolButton) for b in buttons.values())
    lefts = [_rect(buttons[t], bar).left() for t in ("First", "Second", "Third")]  # type: ignore[arg-type]
    assert lefts == sorted(lefts), "in the order of the actions"
    assert buttons["First"].focusPolicy() == Qt.FocusPolicy.NoFocus  # type: ignore[union-attr]
    second.setEnabled(False)
    assert not buttons["Second"].isEnabled()  # type: ignore[union-attr]
    second.setVisible(False)
    _settle()
    assert not buttons["Second"].isVisible()  # type: ignore[union-attr]
    bar.removeAction(third)
    assert bar.widgetForAction(third) is None and third not in bar.actions()
    one_row = bar.heightForWidth(bar.sizeHint().width())
    assert bar.heightForWidth(bar.minimumSizeHint().width()) > one_row, "narrow: a row each"


# --------------------------------------------------------------------------- the window's size on opening
def test_the_window_opens_at_the_size_it_was_closed_at(qtbot: Any, demo_runtime: Runtime) -> None:
    first = _window(qtbot, demo_runtime, (1100, 720))
    first.close()
    actor = Authenticator(demo_runtime.sign_in_context()).sign_in("Mary Manager", "demo")
    again = MainWindow(demo_runtime, demo_runtime.context(actor))  # no resize: as the app opens it
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert (again.width(), again.height()) == (1100, 720)


def test_the_first_window_is_1280_by_800_on_a_large_screen(qtbot: Any, demo_runtime: Runtime) -> None:
    actor = Authenticator(demo_runtime.sign_in_context()).sign_in("Mary Manager", "demo")
    window = MainWindow(demo_runtime, demo_runtime.context(actor))  # nothing remembered yet
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert (window.width(), window.height()) == (1280, 800)


def test_the_first_window_fits_a_small_screen(tmp_path: Path) -> None:
    """The whole app, first start, on an 800 x 800 screen (Qt's default offscreen screen): the
    window is no taller than the screen and no wider than it can shrink to, not 1280 x 800."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SP_DESKTOP_BENCH_EXIT="1", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "sp_desktop", "--data-dir", str(tmp_path / "d")],
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    ready = [line for line in done.stdout.splitlines() if line.startswith("ready")]
    assert ready, done.stdout[-2000:] + done.stderr[-2000:]
    width, height = (int(n) for n in ready[-1].split("size=")[1].split()[0].split("x"))
    assert height <= 800 and width <= SMALL[0], ready[-1]
