"""Pages read the practice server off the UI thread: a stalled link never freezes the window (issue 24,
point 2).

A real window on a real PostgreSQL server, reached through the loopback proxy (tests/faults/proxy.py).
The proxy then holds every byte in both directions, as a half-dead router or VPN does, and the person
goes from page to page. A timer on the window's event loop (the heartbeat) must keep ticking: its
longest gap is how long the window was frozen. Each page says "Loading…", then "Waiting for the
practice server…" with Cancel, then what went wrong with Try again; once the link is back, Try again
shows the data.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from sp_desktop.db.engine import Database
from sp_desktop.db.migrate import MigrationResult, head_revision
from sp_desktop.domain.enums import AppRole
from sp_desktop.paths import AppPaths
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import SYSTEM, Actor, FixedClock, ServiceContext
from sp_desktop.services.directory import DirectoryService, OrganisationForm
from sp_desktop.ui.main_window import MainWindow
from sp_desktop.ui.page_loader import LOADING_TEXT, WAITING_TEXT
from tests.faults.proxy import FaultProxy

pytestmark = pytest.mark.postgres

ADMIN = Actor(None, "Server Admin", AppRole.ADMINISTRATOR)
#: the pages that read the server when shown (the Directory searches through server_wait instead)
PAGES = ("reviews", "followups", "network", "signposting", "settings", "basket")


class Heartbeat:
    """A 50 ms timer on the window's event loop; `longest()` is the longest gap between its ticks."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.ticks = [time.monotonic()]
        self.timer = QTimer()
        self.timer.setInterval(50)
        self.timer.timeout.connect(lambda: self.ticks.append(time.monotonic()))
        self.timer.start()

    def longest(self) -> float:
        ticks = [*self.ticks, time.monotonic()]
        return max(b - a for a, b in zip(ticks, ticks[1:], strict=False))


def _window(qtbot: Any, db: Database, app_paths: AppPaths, clock: FixedClock) -> MainWindow:
    runtime = Runtime(app_paths, db, clock, False, MigrationResult(head_revision(), head_revision(), None))
    window = MainWindow(runtime, runtime.context(ADMIN))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _bar_text(page: Any) -> str:
    bar = page.loader.bar
    return bar.label.text() if bar.isVisible() else ""


def test_a_stalled_link_never_freezes_the_window_while_pages_load(
        qtbot: Any, open_via_proxy: Any, proxy: FaultProxy, app_paths: AppPaths, clock: FixedClock) -> None:
    db: Database = open_via_proxy()
    DirectoryService(ServiceContext(db, clock, SYSTEM)).save_organisation(
        OrganisationForm(name="Canal Walkers"))  # never vetted: on Reviews due
    window = _window(qtbot, db, app_paths, clock)
    window.show_page("directory")
    qtbot.waitUntil(lambda: window.page("directory").model.rowCount() >= 0, timeout=10000)

    proxy.drop()  # every byte held, both ways; the far end still acknowledges
    beat = Heartbeat()
    started = time.monotonic()
    reviews = window.show_page("reviews")
    assert time.monotonic() - started < 1.0, "showing the page waited for the server"
    qtbot.waitUntil(lambda: _bar_text(reviews) == LOADING_TEXT, timeout=2000)
    # The rest of the window answers meanwhile: every other page opens (each loading in turn)
    for key in PAGES[1:]:
        started = time.monotonic()
        window.show_page(key)
        assert time.monotonic() - started < 1.0, f"showing {key} waited for the server"
        assert window.current_key() == key
        QApplication.processEvents()
    window.show_page("reviews")
    qtbot.waitUntil(lambda: _bar_text(reviews).startswith(WAITING_TEXT), timeout=4000)
    assert reviews.loader.bar.cancel_button.isVisible()
    # Told within the bounded waits (pool check 5 s, connect 4 s, link 10 s), in plain words
    qtbot.waitUntil(lambda: _bar_text(reviews).startswith("Not up to date:"), timeout=30000)
    said = _bar_text(reviews)
    assert "practice server" in said and "is not answering" in said
    assert "expired" not in said and "Error" not in said and "SELECT" not in said  # no driver words
    assert reviews.loader.bar.retry_button.isVisible()
    assert not reviews.empty.isVisible(), "never 'Nothing due' for a list that could not be read"
    frozen = beat.longest()
    assert frozen < 1.0, f"the window froze for {frozen:.2f} s while pages loaded over a stalled link"
    window.grab().save("/tmp/page_load_stalled.png")

    # The link is back: Try again shows the data and the bar goes
    proxy.heal()
    reviews.loader.bar.retry_button.click()
    qtbot.waitUntil(lambda: not reviews.loader.loading and not reviews.loader.bar.isVisible(), timeout=30000)
    assert any(r.organisation_name == "Canal Walkers" for r in reviews.all_rows)
    assert reviews.model.rowCount() >= 1
    assert beat.longest() < 1.0
    _all_reads_back(qtbot, window)


def _all_reads_back(qtbot: Any, window: MainWindow) -> None:
    """Every page's read has come back (told or shown), so none is still on the wire at the end."""
    loaders = [page.loader for page in window.pages.built().values() if hasattr(page, "loader")]
    loaders.append(window._quiet_loader())
    qtbot.waitUntil(lambda: not any(loader.loading for loader in loaders), timeout=30000)


def test_cancel_stops_waiting_for_a_page_at_once(qtbot: Any, open_via_proxy: Any, proxy: FaultProxy,
                                                 app_paths: AppPaths, clock: FixedClock) -> None:
    db: Database = open_via_proxy()
    window = _window(qtbot, db, app_paths, clock)
    proxy.drop()
    beat = Heartbeat()
    log = window.show_page("signposting")
    qtbot.waitUntil(lambda: _bar_text(log).startswith(WAITING_TEXT), timeout=4000)
    pressed = time.monotonic()
    log.loader.bar.cancel_button.click()
    qtbot.waitUntil(lambda: _bar_text(log).startswith("Not loaded: you stopped waiting"), timeout=3000)
    assert time.monotonic() - pressed < 1.0
    assert beat.longest() < 1.0
    proxy.heal()
    log.loader.bar.retry_button.click()
    qtbot.waitUntil(lambda: not log.loader.bar.isVisible(), timeout=30000)
    assert log.summary.text().startswith("0 services")
    _all_reads_back(qtbot, window)
