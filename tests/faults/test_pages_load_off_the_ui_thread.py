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

# Cancelling a read that the proxy holds abandons that connection (its socket is never answered): the
# pool drops it and Python collects it later, which psycopg reports as "deleted while still open".
pytestmark = [pytest.mark.postgres,
              pytest.mark.filterwarnings("ignore:.*was deleted while still open:ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]

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


# ---- what the person does on a page: scrolling, sorting, choosing, and the clicks that read the server


def _staff_actor(db: Database, clock: FixedClock) -> Actor:
    from sp_desktop.services.staff import StaffForm, StaffService

    member = StaffService(ServiceContext(db, clock, ADMIN)).add(
        StaffForm("Sam Carter", "Practice nurse", AppRole.CLINICIAN, "a long enough password 1"))
    return Actor(member.id, "Sam Carter", AppRole.CLINICIAN)


def _network_with_contacts(db: Database, clock: FixedClock, names: tuple[str, ...]) -> None:
    from sp_desktop.domain.enums import ContactKind
    from sp_desktop.services.relationships import ContactLogForm, ContactLogService

    directory = DirectoryService(ServiceContext(db, clock, SYSTEM))
    log = ContactLogService(ServiceContext(db, clock, _staff_actor(db, clock)))
    for n, name in enumerate(names):
        org = directory.save_organisation(OrganisationForm(name=name))
        for _ in range(n + 1):  # the last one most contacted
            log.log(ContactLogForm(org.id, f"Rang {name}", ContactKind.PHONE))


def _wait_then_cancel(qtbot: Any, page: Any) -> None:
    qtbot.waitUntil(lambda: _bar_text(page).startswith(WAITING_TEXT), timeout=4000)
    assert page.loader.bar.cancel_button.isVisible()
    pressed = time.monotonic()
    page.loader.bar.cancel_button.click()
    assert _bar_text(page).startswith("Not loaded: you stopped waiting")
    assert time.monotonic() - pressed < 1.0


def test_who_knows_whom_scrolls_and_sorts_off_the_ui_thread(
        qtbot: Any, open_via_proxy: Any, proxy: FaultProxy, app_paths: AppPaths, clock: FixedClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import Qt

    from sp_desktop.services import relationships

    monkeypatch.setattr(relationships, "PAGE_ORGANISATIONS", 1)  # one organisation's rows a page
    monkeypatch.setattr(relationships, "PAGE_ROWS", 1)
    db: Database = open_via_proxy()
    names = ("Allotment Friends", "Befriending Line", "Carers Centre")
    _network_with_contacts(db, clock, names)
    window = _window(qtbot, db, app_paths, clock)
    network = window.show_page("network")
    listed = network.lists["who_knows"]
    model = listed.model
    qtbot.waitUntil(lambda: not network.loader.loading and model.rowCount() >= 1, timeout=10000)
    qtbot.waitUntil(lambda: not network.loader.loading, timeout=10000)
    header = listed.view.horizontalHeader()

    # Sorting by "Contacts in all", most first, over a stalled link: the click returns at once
    proxy.drop()
    beat = Heartbeat()
    shown = [model.index(r, 0).data() for r in range(model.rowCount())]
    started = time.monotonic()
    header.setSortIndicator(6, Qt.SortOrder.DescendingOrder)
    assert time.monotonic() - started < 1.0, "sorting waited for the server"
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == shown  # kept until read
    qtbot.waitUntil(lambda: _bar_text(network) == LOADING_TEXT, timeout=2000)
    _wait_then_cancel(qtbot, network)
    frozen = beat.longest()
    assert frozen < 1.0, f"the window froze for {frozen:.2f} s while sorting over a stalled link"

    # The link is back: Try again reads the list in the new order, most contacted first
    proxy.heal()
    network.loader.bar.retry_button.click()
    qtbot.waitUntil(lambda: not network.loader.loading and not network.loader.bar.isVisible(), timeout=30000)
    assert model.index(0, 0).data() == "Carers Centre"

    # Scrolling on over a stalled link: the next page is read off the UI thread too
    proxy.drop()
    if model.canFetchMore():
        read = model.rowCount()
        started = time.monotonic()
        model.fetchMore()
        assert time.monotonic() - started < 1.0, "scrolling on waited for the server"
        assert model.rowCount() == read and not model.canFetchMore()  # one read at a time
        qtbot.waitUntil(lambda: _bar_text(network) == LOADING_TEXT, timeout=2000)
        _wait_then_cancel(qtbot, network)
        proxy.heal()
        network.loader.bar.retry_button.click()
        qtbot.waitUntil(lambda: model.rowCount() > read, timeout=30000)
    proxy.heal()
    for _ in range(len(names) + 1):
        qtbot.waitUntil(lambda: not network.loader.loading, timeout=30000)
        if not model.canFetchMore():
            break
        model.fetchMore()
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == list(reversed(names))
    frozen = beat.longest()
    assert frozen < 1.0, f"the window froze for {frozen:.2f} s while scrolling over a stalled link"
    _all_reads_back(qtbot, window)


def test_choosing_a_language_in_settings_reads_its_wording_off_the_ui_thread(
        qtbot: Any, open_via_proxy: Any, proxy: FaultProxy, app_paths: AppPaths, clock: FixedClock) -> None:
    from sp_desktop.services.leaflet_languages import LeafletLanguageService

    db: Database = open_via_proxy()
    LeafletLanguageService(ServiceContext(db, clock, ADMIN)).save_language(
        "pl", "Polski (Polish)", {"title": "Ulotka dla pacjenta"})
    window = _window(qtbot, db, app_paths, clock)
    settings = window.show_page("settings")
    qtbot.waitUntil(lambda: settings.languages.chooser.count() == 2 and not settings.loader.loading,
                    timeout=10000)
    widget = settings.languages
    settings.tabs.setCurrentWidget(widget)

    proxy.drop()
    beat = Heartbeat()
    started = time.monotonic()
    widget.chooser.setCurrentIndex(1)
    assert time.monotonic() - started < 1.0, "choosing a language waited for the server"
    assert widget.code.text() == ""  # still the blank "New language" until the wording is read
    qtbot.waitUntil(lambda: _bar_text(settings) == LOADING_TEXT, timeout=2000)
    _wait_then_cancel(qtbot, settings)
    frozen = beat.longest()
    assert frozen < 1.0, f"the window froze for {frozen:.2f} s while reading a language's wording"

    proxy.heal()
    settings.loader.bar.retry_button.click()
    qtbot.waitUntil(lambda: widget.code.text() == "pl", timeout=30000)
    assert "Ulotka dla pacjenta" in widget.phrases().values()
    assert widget.name.text() == "Polski (Polish)"
    _all_reads_back(qtbot, window)


def _waiting_dialog() -> Any:
    for w in QApplication.topLevelWidgets():
        if w.objectName() == "waiting_for_server" and w.isVisible():
            return w
    return None


class Person:
    """Presses Cancel on "Waiting for the practice server…" as soon as it shows. A timer on the
    window's event loop: a wait made on the window's thread runs that loop itself, so the test's
    own polling only resumes once the wait is over."""

    def __init__(self, on_seen: Any = None) -> None:
        from PySide6.QtCore import QTimer

        self.seen_at: float | None = None
        self.on_seen = on_seen
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._look)
        self.timer.start()

    def _look(self) -> None:
        dialog = _waiting_dialog()
        if dialog is not None and self.seen_at is None:
            self.seen_at = time.monotonic()
            if self.on_seen is not None:
                self.on_seen()
            self.timer.stop()
            dialog.cancel_button.click()


def test_the_directory_reads_its_categories_off_the_ui_thread(
        qtbot: Any, open_via_proxy: Any, proxy: FaultProxy, app_paths: AppPaths, clock: FixedClock) -> None:
    from PySide6.QtCore import QTimer

    from sp_desktop.services.categories import CategoryService

    db: Database = open_via_proxy()
    window = _window(qtbot, db, app_paths, clock)
    directory = window.show_page("directory")
    qtbot.waitUntil(lambda: not directory.loader.loading, timeout=10000)
    _all_reads_back(qtbot, window)  # the window's own start-up reads (the practice's details) are done
    CategoryService(ServiceContext(db, clock, ADMIN)).save("Walking groups")
    categories = directory.filters.category

    proxy.drop()
    beat = Heartbeat()
    said: list[str] = []
    # The search beside it waits with its own "Waiting for the practice server…" and Cancel, which
    # stops every wait: the category list's read too
    person = Person(on_seen=lambda: said.append(_bar_text(directory)))
    pressed = time.monotonic()
    QTimer.singleShot(0, directory.refresh)  # as after a change on another page
    qtbot.waitUntil(lambda: person.seen_at is not None, timeout=3000)
    assert person.seen_at is not None and person.seen_at - pressed < 1.0
    assert said == [LOADING_TEXT]
    qtbot.waitUntil(lambda: _bar_text(directory).startswith("Not up to date:"), timeout=5000)
    assert categories.findText("Walking groups") < 0
    frozen = beat.longest()
    assert frozen < 1.0, f"the window froze for {frozen:.2f} s while the directory read its categories"

    proxy.heal()
    directory.loader.bar.retry_button.click()
    qtbot.waitUntil(lambda: categories.findText("Walking groups") >= 0, timeout=30000)
    qtbot.waitUntil(lambda: not directory.loader.bar.isVisible(), timeout=30000)
    _all_reads_back(qtbot, window)


def test_a_click_that_reads_the_server_shows_waiting_with_cancel_within_a_second(
        qtbot: Any, open_via_proxy: Any, proxy: FaultProxy, app_paths: AppPaths, clock: FixedClock) -> None:
    """Opening a record is read on the window's thread; every wait for the server made there goes
    through one place (`ui/server_wait.install_ui_wait`): the window keeps answering and says
    "Waiting for the practice server…" with Cancel."""
    from PySide6.QtCore import QTimer

    from sp_desktop.db.faults import explain
    from sp_desktop.ui.server_wait import SHOW_AFTER_MS

    db: Database = open_via_proxy()
    _network_with_contacts(db, clock, ("Canal Walkers",))
    window = _window(qtbot, db, app_paths, clock)
    network = window.show_page("network")
    listed = network.lists["who_knows"]
    qtbot.waitUntil(lambda: not network.loader.loading and listed.model.rowCount() == 1, timeout=10000)
    _all_reads_back(qtbot, window)
    listed.view.selectRow(0)

    proxy.drop()
    beat = Heartbeat()
    outcome: list[BaseException | None] = []

    def open_record() -> None:  # the Open button, as a person presses it
        try:
            network.open_selected(listed)
            outcome.append(None)
        except Exception as exc:  # in the app: the crash handler says it in plain words
            outcome.append(exc)

    person = Person()
    pressed = time.monotonic()
    QTimer.singleShot(0, open_record)
    qtbot.waitUntil(lambda: bool(outcome), timeout=5000)
    assert person.seen_at is not None, f"no “Waiting for the practice server…” with Cancel: {outcome!r}"
    assert person.seen_at - pressed < SHOW_AFTER_MS / 1000 + 0.5
    assert time.monotonic() - person.seen_at < 1.0, "Cancel did not end the wait at once"
    error = outcome[0]
    assert error is not None, "the record opened without the server"
    fault = explain(error, db.describe())
    assert fault is not None and "practice server" in fault.message
    frozen = beat.longest()
    assert frozen < 1.0, f"the window froze for {frozen:.2f} s while opening a record"

    # The link is back: the same click opens the record
    proxy.heal()
    from sp_desktop.ui.dialogs.organisation_relationship_dialog import OrganisationRelationshipDialog

    def close_when_open() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, OrganisationRelationshipDialog) and w.isVisible():
                w.reject()
                return
        QTimer.singleShot(50, close_when_open)

    outcome.clear()
    QTimer.singleShot(50, close_when_open)
    QTimer.singleShot(0, open_record)
    qtbot.waitUntil(lambda: bool(outcome), timeout=30000)
    assert outcome == [None]
    _all_reads_back(qtbot, window)
