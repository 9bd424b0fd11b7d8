"""Server faults as the person at the window sees them (issue 24, points 3, 6, 9).

A search that fails clears the old results and says why; a save that fails keeps the dialog open
with everything typed in it and says why, in plain words. Faults are real: a table locked by
"another PC" on the test PostgreSQL server, and a SQLite file that has reached its size limit.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from sp_desktop.db.engine import Database
from sp_desktop.db.migrate import MigrationResult, head_revision
from sp_desktop.db.models import Organisation
from sp_desktop.domain.enums import AppRole
from sp_desktop.paths import AppPaths
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import Actor, FixedClock
from sp_desktop.ui import messages
from sp_desktop.ui.dialogs.edit_organisation_dialog import EditOrganisationDialog
from sp_desktop.ui.main_window import MainWindow

ADMIN = Actor(None, "Server Admin", AppRole.ADMINISTRATOR)


@pytest.mark.postgres
def test_a_failed_search_clears_the_old_results_and_says_why(qtbot: Any, pg_database: Any, pg_cluster: Any,
                                                             app_paths: AppPaths, clock: FixedClock) -> None:
    import psycopg

    db: Database = pg_database("pg_demo_template")
    runtime = Runtime(app_paths, db, clock, False, MigrationResult(head_revision(), head_revision(), None))
    window = MainWindow(runtime, runtime.context(ADMIN))
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("directory")
    page.search.setText("debt")
    page.run_search()
    assert page.model.rows()  # results on screen
    other_pc = psycopg.connect(**pg_cluster._connect_args(db.url.database))
    try:
        other_pc.execute("LOCK TABLE service IN ACCESS EXCLUSIVE MODE")  # e.g. a long maintenance job
        page.search.setText("food")
        page.run_search()
    finally:
        other_pc.rollback()
        other_pc.close()
    assert page.model.rows() == []  # the old results are not left up as if they were the answer
    assert page.results_stack.currentWidget() is page.empty
    said = page.empty_label.text()
    assert said.startswith("The search could not be done") and "Another PC is busy" in said
    assert "psycopg" not in said and "LOCK" not in said
    window.grab().save("/tmp/search_failed.png")
    page.run_search()  # Enter again once the other PC is done
    assert page.model.rows()


def test_a_save_on_a_full_disk_says_so_and_keeps_the_typing(qtbot: Any, db: Database, app_paths: AppPaths,
                                                            clock: FixedClock, monkeypatch: Any) -> None:
    from sp_desktop.services.base import ServiceContext

    said: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "warn",
                        lambda parent, title, text_, details="": said.append((title, text_)))

    # SQLite's own limit on the file's size, as on a full disk: every connection gets it
    with db.read() as s:
        pages = s.execute(text("PRAGMA page_count")).scalar()

    @event.listens_for(db.engine, "connect")
    def _cap(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {int(pages)}")

    db.engine.dispose()
    ctx = ServiceContext(db, clock, ADMIN)
    dialog = EditOrganisationDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.name.setText("Community Fridge")
    dialog.description.setPlainText("Free food shared by neighbours. " * 400)  # needs new pages
    assert dialog.save() is False
    assert said and said[0][0] == "The disk is full"
    assert "full" in said[0][1] and "Nothing was half-saved" in said[0][1]
    assert "still in the form" in said[0][1]
    assert dialog.name.text() == "Community Fridge"  # typed text kept, dialog still open
    assert dialog.general.text().startswith("Not saved:")
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Organisation)
                        .where(Organisation.name == "Community Fridge")) == 0  # nothing half-written
    dialog.grab().save("/tmp/save_disk_full.png")


class Heartbeat:
    """A timer on the window's event loop: the longest gap between its ticks is how long the window
    was frozen."""

    def __init__(self, interval_ms: int = 50) -> None:
        import time

        from PySide6.QtCore import QTimer

        self._now = time.monotonic
        self.ticks: list[float] = [self._now()]
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(lambda: self.ticks.append(self._now()))
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        self.ticks.append(self._now())
        return max(b - a for a, b in zip(self.ticks, self.ticks[1:], strict=False))


def _waiting_dialog() -> Any:
    from PySide6.QtWidgets import QApplication

    return next((w for w in QApplication.topLevelWidgets()
                 if w.objectName() == "waiting_for_server" and w.isVisible()), None)


@pytest.mark.postgres
def test_the_window_keeps_running_while_a_save_waits_and_cancel_stops_the_wait(
        qtbot: Any, pg_database: Any, pg_cluster: Any, clock: FixedClock, monkeypatch: Any) -> None:
    import time

    import psycopg
    from PySide6.QtCore import QTimer

    from sp_desktop.services.base import ServiceContext
    from sp_desktop.ui.server_wait import WAITING_TEXT

    said: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "warn",
                        lambda parent, title, text_, details="": said.append((title, text_)))
    db: Database = pg_database("pg_demo_template")
    ctx = ServiceContext(db, clock, ADMIN)
    with db.read() as s:
        org_id = s.scalar(select(Organisation.id).order_by(Organisation.id).limit(1))
    other_pc = psycopg.connect(**pg_cluster._connect_args(db.url.database))
    other_pc.execute("SELECT 1 FROM organisation WHERE id = %s FOR UPDATE", (org_id,))  # mid-save elsewhere
    try:
        dialog = EditOrganisationDialog(ctx, organisation_id=org_id)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.description.setPlainText("Changed while another PC holds the record")
        seen: list[str] = []
        QTimer.singleShot(1500, lambda: seen.append(_waiting_dialog().findChild(
            type(dialog.general), "waiting_text").text() if _waiting_dialog() else ""))
        beat = Heartbeat()
        assert dialog.save() is False  # lock_timeout: about 5 s, told plainly
        frozen = beat.stop()
        assert frozen < 1.0, f"the window froze for {frozen:.2f} s"
        assert seen == [WAITING_TEXT]
        assert said and said[-1][0] == "Someone else is changing this"
        assert dialog.description.toPlainText() == "Changed while another PC holds the record"

        # Cancel: the wait ends at once, the typing stays
        clicked: list[float] = []

        def press_cancel() -> None:
            box = _waiting_dialog()
            if box is not None:
                clicked.append(time.monotonic())
                box.cancel_button.click()

        QTimer.singleShot(1000, press_cancel)
        assert dialog.save() is False
        assert clicked and time.monotonic() - clicked[0] < 1.0
        assert dialog.general.text().startswith("Not saved yet: you stopped waiting")
        assert dialog.description.toPlainText() == "Changed while another PC holds the record"
    finally:
        other_pc.rollback()
        other_pc.close()
    assert dialog.save() is True  # the other PC is done: the same dialog saves


@pytest.mark.postgres
def test_a_banner_with_retry_shows_while_the_server_is_away(qtbot: Any, pg_database: Any, app_paths: AppPaths,
                                                             clock: FixedClock) -> None:
    import time

    from sp_desktop.ui.change_watcher import watch_for_changes
    from sp_desktop.ui.server_banner import AWAY_TEXT
    from tests.faults.proxy import FaultProxy

    direct: Database = pg_database("pg_demo_template")
    proxy = FaultProxy(int(direct.url.port or 5432))
    db = Database.open(direct.url.set(port=proxy.port))  # this PC reaches the server through the proxy
    try:
        migration = MigrationResult(head_revision(), head_revision(), None)
        runtime = Runtime(app_paths, db, clock, False, migration)
        window = MainWindow(runtime, runtime.context(ADMIN))
        qtbot.addWidget(window)
        window.show()
        adapter = watch_for_changes(window, db, interval_ms=100)
        assert adapter is not None
        banner = window.server_banner
        assert adapter.watcher.connected.wait(10) and not banner.isVisible()

        proxy.silent()  # the server stops answering...
        proxy.cut()  # ...and the open connections drop
        started = time.monotonic()
        qtbot.waitUntil(banner.isVisible, timeout=20_000)
        assert time.monotonic() - started < 15
        assert banner.label.text() == AWAY_TEXT
        assert banner.retry.isVisible() and banner.retry.text()  # read by its words
        window.grab().save("/tmp/server_banner.png")

        assert banner.try_again() is False  # still away: says so, stays
        assert banner.label.text().startswith("Still cannot reach the practice server")
        assert banner.isVisible()

        proxy.heal()
        assert banner.try_again() is True  # back: the banner goes
        assert not banner.isVisible()
    finally:
        window.close()
        adapter.stop()
        db.dispose()
        proxy.close()


def test_start_up_against_a_silent_server_offers_retry_change_server_and_quit(
        qtbot: Any, tmp_path: Any, monkeypatch: Any) -> None:
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from sp_desktop.cli import build_parser
    from sp_desktop.paths import AppPaths
    from sp_desktop.services.server_connection import FileStore, ServerSettings, save_server
    from sp_desktop.ui import recovery, server_faults
    from tests.faults.proxy import FaultProxy

    proxy = FaultProxy(1)
    proxy.silent()  # accepts, never answers
    try:
        paths = AppPaths(tmp_path / "data").ensure()
        save_server(paths, ServerSettings("127.0.0.1", proxy.port, "practice", "sp_desktop"), "secret",
                    FileStore())  # this PC was set up for the practice server
        args = build_parser(load_commands=False).parse_args(["--data-dir", str(paths.data_dir)])
        asked: list[tuple[float, str, str, bool]] = []
        answers = iter([server_faults.RETRY, server_faults.QUIT])
        started = time.monotonic()

        def ask(parent: Any, title: str, message: str, server: str, can_change: bool) -> str:
            asked.append((time.monotonic() - started, message, server, can_change))
            return next(answers)

        monkeypatch.setattr(server_faults, "ask_at_start", ask)
        assert recovery.open_runtime_interactive(args) is None  # Retry, then Quit: never a local database
        assert len(asked) == 2
        first_after, message, server, can_change = asked[0]
        assert first_after < 8
        assert server == f"127.0.0.1:{proxy.port}/practice" and "not answering" in message
        assert can_change  # the server came from this PC's settings
        assert not paths.database_file.exists()  # no silent switch to this PC's own database
    finally:
        proxy.close()

    # the real question: three named buttons, Retry first
    monkeypatch.undo()
    chosen: list[str] = []

    def press_retry() -> None:
        box = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "server_unreachable")
        box.grab().save("/tmp/server_unreachable.png")
        names = sorted(b.objectName() for b in box.buttons())
        chosen.append(",".join(names))
        assert isinstance(box, QMessageBox)
        box.findChild(type(box.buttons()[0]), "retry").click()

    QTimer.singleShot(200, press_retry)
    answer = server_faults.ask_at_start(None, "The practice server is not answering", "It is not answering.",
                                        "practice-server:5432/practice", True)
    assert answer == server_faults.RETRY
    assert chosen == ["change_server,quit,retry"]
