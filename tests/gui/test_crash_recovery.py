"""The global error handler (friendly dialog, log file, drafts kept and offered again), the damaged
database dialog flow at start-up, and Tools > Check the database."""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout, QWidget

from sp_desktop import diagnostics
from sp_desktop.db.errors import StorageError
from sp_desktop.db.migrate import sqlite_backup
from sp_desktop.paths import AppPaths
from sp_desktop.runtime import Runtime, open_runtime
from sp_desktop.services.base import SYSTEM, FixedClock
from sp_desktop.services.directory import DirectoryService, OrganisationForm
from sp_desktop.services.health import DamagedDatabase
from sp_desktop.ui import crash, messages, recovery
from sp_desktop.ui.main_window import MainWindow
from tests.reliability.damage import corrupt

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 24, 10, 0, 0)


class NoteDialog(QDialog):
    """A stand-in edit dialog implementing the draft protocol."""

    def __init__(self, record_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record_id = record_id
        self.setWindowTitle(f"Edit organisation — record {record_id}")
        self.edit = QLineEdit()
        self.edit.setAccessibleName("Name")
        QVBoxLayout(self).addWidget(self.edit)

    def draft(self) -> dict[str, Any] | None:
        return {"id": self.record_id, "name": self.edit.text()} if self.edit.text() else None

    def restore_draft(self, state: dict[str, Any]) -> None:
        self.edit.setText(state["name"])

    @classmethod
    def open_for_draft(cls, ctx: Any, parent: QWidget | None, state: dict[str, Any]) -> NoteDialog:
        return cls(state["id"], parent)


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str, str]]:
    calls: list[tuple[str, str, str, str]] = []
    for kind in ("error", "warn", "inform"):
        monkeypatch.setattr(messages, kind, lambda parent, title, text, details="", kind=kind:
                            calls.append((kind, title, text, details)))
    return calls


@pytest.fixture
def handler(qapp: Any, tmp_path: Path) -> Any:
    log_path = diagnostics.setup_logging(tmp_path / "logs")
    h = crash.CrashHandler(qapp, tmp_path, log_path, autosave_ms=60_000).install()
    yield h
    h.uninstall()
    h.deleteLater()
    diagnostics.setup_logging(None)


def _boom() -> None:
    raise ValueError("sentinel-boom-4711")


@pytest.mark.qt_no_exception_capture
def test_unexpected_error_shows_friendly_dialog_logs_it_and_keeps_the_open_form(
        qtbot: Any, handler: Any, shown: list, tmp_path: Path) -> None:
    dialog = NoteDialog(12)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.edit, "Paisley Food Bank (half-typed)")
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, _boom)  # an error in a slot, as a bug would raise it
    qtbot.waitUntil(lambda: bool(shown))
    kind, title, text, details = shown[0]
    assert kind == "error" and title == "Something went wrong"
    assert "carry on working" in text and "have been kept" in text
    assert "“Edit organisation — record 12”" in text
    assert str(handler.log_path) in text
    assert "sentinel-boom-4711" in details and "Traceback" in details
    assert "sentinel-boom-4711" in handler.log_path.read_text(encoding="utf-8")
    drafts = diagnostics.list_drafts(tmp_path)
    assert len(drafts) == 1 and drafts[0].state == {"id": 12, "name": "Paisley Food Bank (half-typed)"}
    assert drafts[0].title == "Edit organisation — record 12"

    # closing the form normally means the draft is no longer needed
    dialog.reject()
    assert diagnostics.list_drafts(tmp_path) == []


@pytest.mark.qt_no_exception_capture
def test_error_in_a_background_thread_reaches_the_window(qtbot: Any, handler: Any, shown: list) -> None:
    def work() -> None:
        raise RuntimeError("sentinel-thread-error")

    thread = threading.Thread(target=work, name="worker")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bool(shown))
    assert shown[0][1] == "Something went wrong" and "sentinel-thread-error" in shown[0][3]


def test_disk_full_error_gets_the_plain_storage_message(handler: Any, shown: list) -> None:
    try:
        raise StorageError("The disk that holds the database is full, so this change was not saved.")
    except StorageError as exc:
        handler.handle(type(exc), exc, exc.__traceback__)
    assert shown[0][1] == "Could not save" and "disk that holds the database is full" in shown[0][2]


def test_drafts_autosave_and_are_offered_and_restored_next_time(qtbot: Any, handler: Any, shown: list,
                                                                tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = NoteDialog(7)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.edit, "Renfrew Men's Shed")
    handler.timer.setInterval(50)
    handler.timer.start()
    qtbot.waitUntil(lambda: len(diagnostics.list_drafts(tmp_path)) == 1)
    dialog.hide()  # as if the process died: no normal close, the file stays
    handler.timer.stop()
    handler._last_written.clear()

    monkeypatch.setattr(crash, "DRAFT_MODULES", ("sp_desktop.ui.", NoteDialog.__module__))
    asked: list[str] = []
    monkeypatch.setattr(messages, "confirm", lambda parent, title, text, yes="Yes", no="No":
                        asked.append(text) or True)
    window = QWidget()
    window.ctx = None  # type: ignore[attr-defined]
    qtbot.addWidget(window)
    opened = crash.offer_drafts(window, tmp_path)
    assert "Edit organisation — record 7" in asked[0] and "Reopen" in asked[0] or asked
    assert len(opened) == 1 and opened[0].edit.text() == "Renfrew Men's Shed"
    assert opened[0].record_id == 7
    assert diagnostics.list_drafts(tmp_path) == []  # back in a dialog; autosave takes over again
    opened[0].reject()


def test_a_draft_that_cannot_be_reopened_is_kept(qtbot: Any, shown: list, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    diagnostics.write_draft(tmp_path, "old", "sp_desktop.ui.dialogs.gone:GoneDialog", "Edit service — X",
                            {"id": 1})
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    window = QWidget()
    window.ctx = None  # type: ignore[attr-defined]
    qtbot.addWidget(window)
    assert crash.offer_drafts(window, tmp_path) == []
    assert shown[0][0] == "warn" and "nothing is lost" in shown[0][2]
    assert len(diagnostics.list_drafts(tmp_path)) == 1


def test_log_file_rotates_and_a_read_only_log_folder_does_not_stop_the_app(tmp_path: Path) -> None:
    path = diagnostics.setup_logging(tmp_path / "logs")
    try:
        assert path == tmp_path / "logs" / "sp_desktop.log"
        for i in range(3000):
            diagnostics.log.info("line %d %s", i, "x" * 500)
        assert (tmp_path / "logs" / "sp_desktop.log.1").exists()
        assert len(list((tmp_path / "logs").glob("sp_desktop.log*"))) <= diagnostics.LOG_BACKUPS + 1
    finally:
        diagnostics.setup_logging(None)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the log folder should be")
    assert diagnostics.setup_logging(blocked / "logs") is None  # falls back to standard error
    diagnostics.log.warning("still works")
    diagnostics.setup_logging(None)
    assert not [h for h in logging.getLogger("sp_desktop").handlers if getattr(h, "_sp_desktop", False)]


# --------------------------------------------------------------------------- damaged database at start
def _args(data_dir: Path) -> argparse.Namespace:
    return argparse.Namespace(data_dir=str(data_dir), demo=False, database_url=None)


def _prepare_damaged(tmp_path: Path) -> AppPaths:
    paths = AppPaths(tmp_path / "data")
    rt = open_runtime(_args(paths.data_dir), FixedClock(NOW))
    DirectoryService(rt.context(SYSTEM)).save_organisation(OrganisationForm(name="Paisley Food Bank"))
    rt.close()
    sqlite_backup(paths.database_file, paths.backup_dir / "daily.sqlite3")
    corrupt(paths.database_file)
    return paths


def _opener(args: argparse.Namespace) -> Runtime:
    return open_runtime(args, FixedClock(NOW))


def test_damaged_database_restore_choice_opens_the_backup(tmp_path: Path, shown: list,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _prepare_damaged(tmp_path)
    offered: list[Any] = []
    monkeypatch.setattr(recovery, "ask_damaged", lambda parent, report: offered.append(report) or "restore")
    runtime = recovery.open_runtime_interactive(_args(paths.data_dir), opener=_opener)
    assert runtime is not None
    try:
        names = dict(DirectoryService(runtime.context(SYSTEM)).organisations()).values()
        assert "Paisley Food Bank" in names
    finally:
        runtime.close()
    assert offered[0].backup is not None and offered[0].moved_to.exists()
    assert shown[-1][:2] == ("inform", "Backup restored")
    assert (paths.backup_dir / "daily.sqlite3").exists()


def test_damaged_database_quit_choice_does_not_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _prepare_damaged(tmp_path)
    monkeypatch.setattr(recovery, "ask_damaged", lambda parent, report: "quit")
    assert recovery.open_runtime_interactive(_args(paths.data_dir), opener=_opener) is None
    assert not paths.database_file.exists()


def test_damaged_database_start_empty_after_confirming(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _prepare_damaged(tmp_path)
    monkeypatch.setattr(recovery, "ask_damaged", lambda parent, report: "empty")
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    runtime = recovery.open_runtime_interactive(_args(paths.data_dir), opener=_opener)
    assert runtime is not None
    try:
        assert DirectoryService(runtime.context(SYSTEM)).counts()["organisations"] == 0
    finally:
        runtime.close()
    assert list(paths.data_dir.glob("directory.damaged-*.sqlite3"))


def test_damaged_database_dialog_offers_the_backup(qtbot: Any, tmp_path: Path, qapp: Any) -> None:
    """The real dialog: its buttons name the backup's date; Escape means Quit."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    paths = _prepare_damaged(tmp_path)
    with pytest.raises(DamagedDatabase) as caught:
        _opener(_args(paths.data_dir))
    seen: dict[str, Any] = {}

    def look_and_close() -> None:
        box = next(w for w in qapp.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
        seen["buttons"] = [b.text() for b in box.buttons()]
        seen["text"] = box.text()
        box.grab().save(str(tmp_path / "damaged.png"))
        box.reject()

    QTimer.singleShot(100, look_and_close)
    assert recovery.ask_damaged(None, caught.value.report) == "quit"
    assert any(b.startswith("Restore the backup from ") for b in seen["buttons"])
    assert "Start a new, empty directory" in seen["buttons"] and "Quit" in seen["buttons"]
    assert "damaged" in seen["text"]


# --------------------------------------------------------------------------- Tools > Check the database
def test_check_the_database_action_for_administrators(qtbot: Any, runtime: Runtime, ctx: Any, shown: list,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    window = MainWindow(runtime, ctx, specs=[])
    qtbot.addWidget(window)
    action = recovery.install_database_check(window, weekly=False)
    assert action is not None and action in window.tools_menu.actions()
    action.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert shown[-1][:2] == ("inform", "Database check")
    state = json.loads((runtime.paths.data_dir / "database-check.json").read_text())
    assert state["last_full_check_ok"] is True

    # damage an index while the app is open: the check says so plainly
    runtime.db.dispose()
    corrupt(runtime.db.sqlite_path, "ix_organisation_name")
    action.trigger()
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=20_000)
    kind, title, text, details = shown[-1]
    assert kind == "error" and title == "The database is damaged" and "start it again" in text and details
    window.tasks.wait()


def test_no_check_action_for_front_desk(qtbot: Any, runtime: Runtime, ctx_as: Any) -> None:
    from sp_desktop.domain.enums import AppRole

    window = MainWindow(runtime, ctx_as(AppRole.FRONT_DESK), specs=[])
    qtbot.addWidget(window)
    assert recovery.install_database_check(window, weekly=False) is None
    assert window.findChild(object, "check_database") is None


# --------------------------------------------------------------------------- the whole app
def test_whole_app_starts_logs_and_quits_when_ready(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SP_DESKTOP_BENCH_EXIT="1",
               PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "sp_desktop", "--data-dir", str(tmp_path / "d")],
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1].startswith("ready")
    assert "sp_desktop" in (tmp_path / "d" / "logs" / "sp_desktop.log").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the real organisation dialog
def test_organisation_dialog_draft_survives_a_crash_and_is_restored(qtbot: Any, ctx: Any, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from sp_desktop.services.directory import ContactForm, LocationForm
    from sp_desktop.ui.dialogs.edit_organisation_dialog import EditOrganisationDialog

    org = DirectoryService(ctx).save_organisation(OrganisationForm(
        name="Paisley Food Bank", contacts=[ContactForm(name="Ann")],
        locations=[LocationForm(name="St Mirin's Hall", address_1="1 High St", postcode="PA1 1AA")]))
    dialog = EditOrganisationDialog(ctx, None, org.id)
    qtbot.addWidget(dialog)
    assert dialog.draft() is None  # nothing typed yet: nothing to keep
    dialog.description.setPlainText("Open Tuesdays — half-typed sentinel-draft-99")
    dialog.website.setText("www.paisleyfoodbank.example.org")
    state = dialog.draft()
    assert state is not None and state["organisation_id"] == org.id
    json.dumps(state)  # plain JSON
    diagnostics.write_draft(tmp_path, "k", f"{EditOrganisationDialog.__module__}:EditOrganisationDialog",
                            dialog.windowTitle(), state)
    dialog.close()

    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    window = QWidget()
    window.ctx = ctx  # type: ignore[attr-defined]
    qtbot.addWidget(window)
    [restored] = crash.offer_drafts(window, tmp_path)
    assert restored.description.toPlainText() == "Open Tuesdays — half-typed sentinel-draft-99"
    assert restored.website.text() == "www.paisleyfoodbank.example.org"
    assert [c.name for c in restored.contacts.values()] == ["Ann"]
    assert [v.name for v in restored.venues.values()] == ["St Mirin's Hall"]
    assert restored.is_dirty()
    assert restored.save()  # and it saves as the person meant
    saved = DirectoryService(ctx).get_organisation(org.id)
    assert saved.description == "Open Tuesdays — half-typed sentinel-draft-99"


def test_service_dialog_draft_round_trip(qtbot: Any, ctx: Any, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from sp_desktop.domain.enums import AccessRoute
    from sp_desktop.services.directory import LocationForm, PhoneForm, ServiceForm, SlotForm
    from sp_desktop.ui.dialogs.edit_service_dialog import EditServiceDialog

    directory = DirectoryService(ctx)
    org = directory.save_organisation(OrganisationForm(
        name="Paisley Food Bank", locations=[LocationForm(name="Hall", address_1="1 High St")]))
    svc = directory.save_service(ServiceForm(organisation_id=org.id, name="Friday food parcels",
                                             access=[AccessRoute.DROP_IN], location_ids=[org.locations[0].id],
                                             phones=[PhoneForm("0141 496 0123")],
                                             schedule=[SlotForm(4, "10:00", "12:00")]))
    dialog = EditServiceDialog(ctx, None, svc.id)
    qtbot.addWidget(dialog)
    assert dialog.draft() is None
    dialog.eligibility.setPlainText("Anyone — sentinel-service-draft")
    dialog.access_boxes[AccessRoute.SELF_REFERRAL].setChecked(True)
    dialog.charge.setChecked(True)
    dialog.fee_description.setText("£1 a bag")
    state = dialog.draft()
    assert state is not None
    diagnostics.write_draft(tmp_path, "s", f"{EditServiceDialog.__module__}:EditServiceDialog",
                            dialog.windowTitle(), json.loads(json.dumps(state)))
    expected = dialog.to_form()
    dialog.close()

    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    window = QWidget()
    window.ctx = ctx  # type: ignore[attr-defined]
    qtbot.addWidget(window)
    [restored] = crash.offer_drafts(window, tmp_path)
    assert restored.to_form() == expected  # every field back as typed
    assert restored.save()
    assert DirectoryService(ctx).get_service(svc.id).fee_description == "£1 a bag"
