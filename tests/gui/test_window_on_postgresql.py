"""The whole window on the practice server: every page of the main window opens and refreshes on
the demo directory in a real PostgreSQL database, the directory finds what it finds on SQLite,
and a change made by "another PC" appears by itself (LISTEN/NOTIFY)."""

from __future__ import annotations

from typing import Any

import pytest

from sp_desktop.db.engine import Database
from sp_desktop.db.migrate import MigrationResult, head_revision
from sp_desktop.domain.enums import AppRole
from sp_desktop.paths import AppPaths
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import Actor, FixedClock, ServiceContext, SystemClock
from sp_desktop.services.concurrency import service_form_from
from sp_desktop.services.directory import DirectoryService
from sp_desktop.ui.change_watcher import ELSEWHERE_MESSAGE, watch_for_changes
from sp_desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.postgres


def test_every_page_works_on_the_server_and_follows_other_pcs(qtbot: Any, pg_database: Any,
                                                              app_paths: AppPaths, clock: FixedClock) -> None:
    db: Database = pg_database("pg_demo_template")
    runtime = Runtime(app_paths, db, clock, False, MigrationResult(head_revision(), head_revision(), None))
    admin = Actor(None, "Server Admin", AppRole.ADMINISTRATOR)
    window = MainWindow(runtime, runtime.context(admin))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    for spec in window.specs:  # every page loads its data from the server
        page = window.show_page(spec.key)
        refresh = getattr(page, "refresh", None)
        if callable(refresh):
            refresh()
    window.refresh_counts()
    page = window.show_page("directory")
    page.search.setText("debt")
    page.run_search()
    expected = [r.id for r in DirectoryService(runtime.context(admin)).search("debt").rows]
    assert [r.id for r in page.model.rows()] == expected and expected
    window.grab().save("/tmp/window_on_postgresql.png")

    adapter = watch_for_changes(window, db, interval_ms=50)
    assert adapter is not None
    chosen = page.model.rows()[1]
    page.select_service(chosen.id)
    other = Database.open(db.url)  # another PC
    try:
        someone = Actor(None, "Other PC", AppRole.ADMINISTRATOR)
        d = DirectoryService(ServiceContext(other, SystemClock(), someone))
        current = d.get_service(chosen.id)
        form = service_form_from(current)
        form.name = current.name + " (changed at reception)"
        d.save_service(form, chosen.id, expected_version=current.version)
    finally:
        other.dispose()
    qtbot.waitUntil(lambda: page.selected_row() is not None and "reception" in page.selected_row().name,
                    timeout=10000)
    assert page.selected_service_id() == chosen.id
    assert window.statusBar().currentMessage() == ELSEWHERE_MESSAGE
    adapter.stop()
