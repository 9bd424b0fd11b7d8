"""File › Import…, Export…, Back up now…, Restore… in the real main window, the backup note in the
status bar, and the automatic backup when the window closes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from sqlalchemy import select

from sp_desktop.db.engine import Database, sqlite_url
from sp_desktop.db.models import Organisation, Staff
from sp_desktop.domain.enums import AppRole, AuditAction
from sp_desktop.services.audit import AuditService
from sp_desktop.services.backups import BackupService
from sp_desktop.services.base import SYSTEM, Actor
from sp_desktop.services.directory import DirectoryService, OrganisationForm
from sp_desktop.ui import data_menu, messages
from sp_desktop.ui.main_window import MainWindow


def _actor(runtime, role: AppRole, name: str) -> Actor:
    with runtime.db.write(runtime.clock) as s:
        staff = Staff(name=name, job_role=role.label, app_role=role)
        s.add(staff)
        s.flush()
        return Actor(staff.id, staff.name, role)


@pytest.fixture
def said(monkeypatch):
    out: list[tuple[str, str, str]] = []
    for kind in ("inform", "warn", "error"):
        monkeypatch.setattr(
            messages, kind, lambda parent, title, text, *a, _k=kind: out.append((_k, title, text))
        )
    return out


@pytest.fixture
def open_window(qtbot):
    def make(runtime, role=AppRole.ADMINISTRATOR, name="Alex Admin") -> MainWindow:
        window = MainWindow(runtime, runtime.context(_actor(runtime, role, name)))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


def _menu_texts(window: MainWindow) -> list[str]:
    return [a.text() for a in window.file_menu.actions() if not a.isSeparator()]


@pytest.mark.parametrize(("role", "expected"), [
    (AppRole.FRONT_DESK, ["&Export…"]),
    (AppRole.VETTING_LEAD, ["&Import…", "Import c&ategories…", "&Export…"]),
    (AppRole.ADMINISTRATOR, ["&Import…", "Import c&ategories…", "&Export…", "Back &up now…",
                             "&Restore from a backup…"]),
])
def test_the_file_menu_offers_what_the_role_allows(open_window, runtime, role, expected):
    window = open_window(runtime, role, f"{role.label} person")
    texts = _menu_texts(window)
    assert [t for t in texts if t in ("&Import…", "Import c&ategories…", "&Export…", "Back &up now…",
                                      "&Restore from a backup…")] == expected
    assert texts[-1] == "E&xit"


def test_back_up_now_and_the_status_bar_note(qtbot, open_window, runtime, said):
    window = open_window(runtime)
    assert window.backup_label.text() == "! Not backed up yet"
    window.data_actions.backup_action.trigger()
    qtbot.waitUntil(lambda: bool(said), timeout=20000)
    kind, title, text = said[-1]
    assert (kind, title) == ("inform", "Backed up") and "checked: OK" in text
    assert window.backup_label.text() == "✓ Backed up today"
    assert len(BackupService(runtime.context(SYSTEM), runtime.paths).list_backups()) == 1


def test_the_days_backup_is_made_in_the_background_never_on_closing(qtbot, open_window, runtime, said,
                                                                       caplog, monkeypatch):
    backups = BackupService(runtime.context(SYSTEM), runtime.paths)
    window = open_window(runtime)
    window.close()  # closing the window makes no backup, however long since the last one
    assert backups.list_backups() == []
    monkeypatch.setattr(data_menu, "FIRST_BACKUP_MS", 0)  # instead of a minute after the window opens
    with caplog.at_level("INFO", logger=data_menu.__name__):
        again = open_window(runtime, name="Sam Second")
        qtbot.waitUntil(lambda: again.backup_label.text() == "✓ Backed up today", timeout=20000)
    [backup] = backups.list_backups()
    # the day's backup is fully checked (integrity_check), not the quick check once made on closing
    assert f"automatic backup: Backed up to {backup.path}" in caplog.text and "checked: OK" in caplog.text
    again.data_actions.backup_if_due()  # the hourly look: one a day
    assert again.data_actions.backup_task is None
    again.close()
    runtime.clock.advance(days=1)
    third = open_window(runtime, name="Tom Third")
    assert third.backup_label.text().startswith("! Last backup 24 Nov 2026")
    qtbot.waitUntil(lambda: third.backup_label.text() == "✓ Backed up today", timeout=20000)
    third.close()
    assert len(backups.list_backups()) == 2
    assert said == []  # no questions asked


@pytest.mark.parametrize("stage", ["Copying the database…", "Checking the copy…"])
def test_closing_abandons_a_running_backup_and_keeps_the_last_good_one(qtbot, open_window, runtime, said,
                                                                       stage):
    import hashlib
    import sqlite3
    import threading

    from PySide6.QtCore import Qt as QtNs

    DirectoryService(runtime.context(SYSTEM)).save_organisation(OrganisationForm(name="Knit and Natter"))
    backups = BackupService(runtime.context(SYSTEM), runtime.paths)
    good = backups.automatic_backup()
    assert good is not None
    before = hashlib.sha256(good.path.read_bytes()).hexdigest()
    runtime.clock.advance(days=1)  # the next day: today's backup is due
    window = open_window(runtime)
    actions = window.data_actions
    pool = window.tasks.pool
    for _ in range(pool.maxThreadCount()):  # hold the workers, so the task can be watched from its start
        pool.reserveThread()
    actions.backup_if_due()
    task = actions.backup_task
    assert task is not None
    paused = threading.Event()

    def slow_disk(_done: int, _total: int, text: str) -> None:
        # runs on the worker: the backup is still at `stage` when the window closes
        if text == stage and not paused.is_set():
            paused.set()
            task._cancel.wait(20)

    task.signals.progressed.connect(slow_disk, QtNs.ConnectionType.DirectConnection)
    for _ in range(pool.maxThreadCount()):
        pool.releaseThread()
    assert paused.wait(20), f"the backup never reached “{stage}”"
    window.close()  # the backup is abandoned, not finished: closing does not wait for it
    assert not window.isVisible() and window.tasks.wait(5000)
    assert actions.backup_task is None or task.cancelled
    [kept] = backups.list_backups()  # no half-made backup for today, and yesterday's is still there
    assert kept.path == good.path
    assert hashlib.sha256(kept.path.read_bytes()).hexdigest() == before
    assert not list(kept.path.parent.glob("*.part"))
    conn = sqlite3.connect(f"file:{kept.path}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT name FROM organisation").fetchall() == [("Knit and Natter",)]
    finally:
        conn.close()
    assert backups.status_text() == "! Last backup 24 Nov 2026"
    assert said == []


def test_the_demo_makes_no_backups(qtbot, open_window, demo_runtime):
    window = open_window(demo_runtime)
    assert window.backup_label.text() == ""
    window.close()
    assert not list(demo_runtime.paths.backup_dir.glob("sp_desktop-backup-*"))


def test_export_from_the_menu(qtbot, open_window, runtime, said, monkeypatch, tmp_path):
    DirectoryService(runtime.context(SYSTEM)).save_organisation(OrganisationForm(name="Knit and Natter"))
    window = open_window(runtime, AppRole.FRONT_DESK, "Rachel Reception")
    monkeypatch.setattr(
        data_menu.ExportDialog, "ask", classmethod(lambda cls, parent: ("hsds-json", False, False, False))
    )
    monkeypatch.setattr(messages, "save_file", lambda *a, **k: str(tmp_path / "for the council"))
    window.data_actions.export_action.trigger()
    qtbot.waitUntil(lambda: bool(said), timeout=20000)
    assert said[-1][:2] == ("inform", "Export finished")
    page = json.loads((tmp_path / "for the council.json").read_text(encoding="utf-8"))  # suffix added
    assert [o["name"] for o in page["contents"]] == ["Knit and Natter"]
    [entry] = [e for e in AuditService(window.ctx).history() if e.action is AuditAction.EXPORT]
    assert entry.staff_name == "Rachel Reception"
    assert "1 organisations and 0 services, without named contacts" in entry.summary


def test_the_export_dialog_starts_with_nothing_extra_ticked(qtbot):
    dialog = data_menu.ExportDialog()
    qtbot.addWidget(dialog)
    boxes = {b.objectName(): b for b in (dialog.contacts, dialog.approved, dialog.declined)}
    assert {name: b.isChecked() for name, b in boxes.items()} == {
        "export_contacts": False, "export_approved": False, "export_declined": False}
    for box in boxes.values():
        assert box.accessibleName() and box.focusPolicy() != Qt.FocusPolicy.NoFocus
    dialog.approved.setChecked(True)
    assert not dialog.declined.isEnabled()  # "approved only" already leaves them out
    dialog.show()
    dialog.grab().save("/tmp/i16b_export_dialog.png")


def test_import_categories_from_a_taxonomy_file(qtbot, open_window, runtime, said, monkeypatch, tmp_path):
    from sp_desktop.services.categories import CategoryService

    path = tmp_path / "taxonomy_terms.json"
    path.write_text(json.dumps([{"id": "t1", "name": "Money"},
                                {"id": "t2", "name": "Fuel debt", "parent_id": "t1"}]), encoding="utf-8")
    window = open_window(runtime, AppRole.VETTING_LEAD, "Sam Lead")
    monkeypatch.setattr(messages, "open_file", lambda *a, **k: str(path))
    window.data_actions.import_categories_action.trigger()
    qtbot.waitUntil(lambda: bool(said), timeout=20000)
    assert said[-1][:2] == ("inform", "Categories imported")
    assert "2 categories added" in said[-1][2]
    [money] = [n for n in CategoryService(window.ctx).tree() if n.name == "Money"]
    assert [c.name for c in money.children] == ["Fuel debt"]


def test_import_from_the_menu_refreshes_the_directory(
    qtbot, open_window, runtime, said, monkeypatch, tmp_path
):
    window = open_window(runtime)
    path = tmp_path / "list.csv"
    path.write_text("Organisation,Service\nKnit and Natter,Knitting circle\n", encoding="utf-8")
    monkeypatch.setattr(messages, "open_file", lambda *a, **k: str(path))
    changed: list[str] = []
    window.data_changed.connect(changed.append)

    def drive(wizard):
        wizard.show()
        wizard.file_page.choose_file()
        for _ in range(3):
            wizard.next()
            qtbot.waitUntil(lambda: wizard.busy is None, timeout=20000)
        with qtbot.waitSignal(wizard.imported, timeout=20000):
            wizard.button(QWizard.WizardButton.FinishButton).click()

    from sp_desktop.ui.dialogs import import_wizard

    monkeypatch.setattr(import_wizard.ImportWizard, "exec", drive)
    window.data_actions.import_action.trigger()
    assert changed == ["import"]
    assert [r.name for r in DirectoryService(runtime.context(SYSTEM)).search("knitting").rows] == [
        "Knitting circle"
    ]


def _names(path: Path) -> list[str]:
    db = Database.open(sqlite_url(path))
    try:
        with db.read() as s:
            return list(s.scalars(select(Organisation.name).order_by(Organisation.name)))
    finally:
        db.dispose()


def test_restore_from_the_menu_then_the_window_closes(qtbot, open_window, runtime, said, monkeypatch):
    d = DirectoryService(runtime.context(SYSTEM))
    d.save_organisation(OrganisationForm(name="Knit and Natter"))
    backup = BackupService(runtime.context(SYSTEM), runtime.paths).back_up_now().path
    d.save_organisation(OrganisationForm(name="Added later"))
    window = open_window(runtime)
    monkeypatch.setattr(messages, "open_file", lambda *a, **k: str(backup))
    asked: list[str] = []
    monkeypatch.setattr(messages, "confirm", lambda parent, title, text, **k: asked.append(text) or True)
    window.data_actions.restore_action.trigger()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
    assert "1 organisation" in asked[0] and "kept as a backup first" in asked[0]
    assert said[-1][0] == "inform" and "Start sp_desktop again" in said[-1][2]
    assert _names(runtime.paths.database_file) == ["Knit and Natter"]
    # the directory as it was is kept, and closing did not make another backup of the restored one
    kept = sorted(runtime.paths.backup_dir.glob("before-restore-*.sqlite3"))
    assert len(kept) == 1 and _names(kept[0]) == ["Added later", "Knit and Natter"]
    assert len(list(runtime.paths.backup_dir.glob("sp_desktop-backup-*"))) == 1


def test_a_damaged_backup_is_refused_from_the_menu(qtbot, open_window, runtime, said, monkeypatch, tmp_path):
    DirectoryService(runtime.context(SYSTEM)).save_organisation(OrganisationForm(name="Knit and Natter"))
    good = BackupService(runtime.context(SYSTEM), runtime.paths).back_up_now().path
    bad = tmp_path / "damaged.sqlite3"
    bad.write_bytes(good.read_bytes()[:6000])
    window = open_window(runtime)
    monkeypatch.setattr(messages, "open_file", lambda *a, **k: str(bad))
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: pytest.fail("should not ask"))
    window.data_actions.restore_action.trigger()
    assert said[-1][:2] == ("error", "This backup cannot be restored") and "damaged" in said[-1][2]
    assert window.isVisible()
    org = DirectoryService(runtime.context(SYSTEM)).get_organisation(1)
    assert org.name == "Knit and Natter"
