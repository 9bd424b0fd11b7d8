"""Pages load their data when first shown, not when the window opens (start-up speed, issue 9).

The window opens on the Directory; the Network lists, the Signposting log, the report and the
other pages read nothing until the person goes to them, yet the navigation already shows the
counts. A page reloads when shown again only if something changed meanwhile (or the day did).
"""

from __future__ import annotations

from typing import Any

from sp_desktop.domain.enums import AppRole
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import FixedClock
from sp_desktop.services.followups import FollowUpService
from sp_desktop.services.signposting import SignpostingForm, SignpostingService
from sp_desktop.services.staff import Authenticator
from sp_desktop.services.vetting import VettingService
from sp_desktop.ui.main_window import MainWindow


def _window(qtbot: Any, runtime: Runtime) -> MainWindow:
    actor = Authenticator(runtime.sign_in_context()).sign_in("Mary Manager", "demo")  # demo admin
    assert actor.role is AppRole.ADMINISTRATOR
    window = MainWindow(runtime, runtime.context(actor))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _nav(window: MainWindow, key: str) -> str:
    row = [s.key for s in window.specs].index(key)
    return window.nav.item(row).text()


def _counting_refreshes(page: Any) -> list[int]:
    calls: list[int] = []
    refresh = page.refresh

    def counted() -> None:
        calls.append(1)
        refresh()

    page.refresh = counted
    return calls


def test_only_the_directory_loads_when_the_window_opens(qtbot: Any, demo_runtime: Runtime) -> None:
    window = _window(qtbot, demo_runtime)
    assert window.current_key() == "directory" and window.page("directory").model.rowCount() > 0
    network, log, reports = window.page("network"), window.page("signposting"), window.page("reports")
    assert all(view.table_data is None for view in network.lists.values())
    assert log.model.rowCount() == 0 and log.summary.text() == ""
    assert reports.report is None and reports.status.text() == ""  # no report worked out in the background
    assert window.page("reviews").model.rowCount() == 0 and window.page("followups").model.rowCount() == 0
    assert window.page("settings")._staff is None  # its tabs are not even built
    # ...but the navigation has its counts, each one SQL count
    ctx = window.ctx
    assert _nav(window, "reviews") == f"Reviews due ({len(VettingService(ctx).reviews_due())})"
    assert _nav(window, "followups") == f"Follow-ups ({len(FollowUpService(ctx).items())})"

    assert window.show_page("signposting") is log and log.model.rowCount() > 0
    assert "record" in log.summary.text()
    assert window.show_page("network") is network and network.lists["who_knows"].table_data is not None
    assert window.show_page("settings").staff.table.rowCount() > 0
    reports = window.show_page("reports")
    qtbot.waitUntil(lambda: reports.report is not None, timeout=10000)
    window.tasks.wait(10000)


def test_a_page_reloads_when_shown_after_a_change_or_on_a_new_day(qtbot: Any, demo_runtime: Runtime) -> None:
    window = _window(qtbot, demo_runtime)
    log = window.show_page("signposting")
    before = log.model.rowCount()
    calls = _counting_refreshes(log)
    window.show_page("directory")
    window.show_page("signposting")
    assert calls == []  # nothing changed: shown as it was

    ctx = window.ctx
    service_id = window.page("directory").model.rows()[0].id
    window.show_page("directory")
    SignpostingService(ctx).record(SignpostingForm([service_id], occurred_on=ctx.today()))
    window.data_changed.emit("directory")  # what a page does after saving
    assert log.property("stale") is True and calls == []  # hidden: not reloaded yet
    window.show_page("signposting")
    assert calls == [1] and log.model.rowCount() == before + 1

    window.show_page("directory")
    clock = demo_runtime.clock
    assert isinstance(clock, FixedClock)
    clock.advance(days=1)
    window.show_page("signposting")
    assert calls == [1, 1]  # a new day: "awaiting" and "follow-up due" are worked out again
