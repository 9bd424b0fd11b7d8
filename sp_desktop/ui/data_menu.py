"""File menu: Import…, Export…, Back up now…, Restore… — and automatic backups.

`install_data_menu(window)` (called once by MainWindow) adds the actions the signed-in person's
role allows (import: vetting lead and up; back up and restore: administrators), shows the quiet
"✓ Backed up today" note in the status bar, and makes the day's backup in the background: a
minute after the window opens (after the first screen, never slowing start-up) and then every
hour whether today's backup is due, for PCs that are never switched off. Closing the window never
makes a backup: a backup still running then is abandoned safely (services/backups.py), so the
window is gone at once and the previous good backups are as they were.
Long work runs in the background with a progress bar (`ui.tasks`); files are chosen through
`ui.messages` so tests can answer the dialogs.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.services.backups import (
    SERVER_MESSAGE,
    BackupService,
    RestoreRefused,
    RestoreResult,
)
from sp_desktop.services.base import Permission, ServiceContext, can
from sp_desktop.services.tasks import Cancelled
from sp_desktop.ui import messages
from sp_desktop.ui.actions import make_action
from sp_desktop.ui.tasks import run_with_progress

if TYPE_CHECKING:
    from sp_desktop.services.exports import ExportResult

# services.exports (and through it the importers, rapidfuzz, openpyxl...) is imported when an
# export is asked for, not when the window opens.
log = logging.getLogger(__name__)
SOURCE_KEY = "import"
HOURLY_MS = 60 * 60 * 1000
#: The first look at whether today's backup is due, after the window opens: late enough not to
#: compete with start-up and the first searches, early enough that a short session still gets it.
FIRST_BACKUP_MS = 60 * 1000
_SUFFIX = {"csv": ".csv", "hsds-json": ".json", "hsds-csv": ".zip", "shared-directory": ".json"}
_FILTERS = {"csv": "CSV for Excel (*.csv)", "hsds-json": "Open Referral JSON (*.json)",
            "hsds-csv": "Open Referral data package (*.zip)",
            "shared-directory": "Shared directory for neighbouring practices (*.json)"}


class ExportDialog(QDialog):
    """Choose what to export: the format, and whether named contacts go too."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("export_dialog")
        self.setWindowTitle("Export the directory")
        self.setAccessibleName("Export the directory")
        layout = QVBoxLayout(self)
        intro = QLabel("Export the organisations and services that are not archived; declined and "
                       "suspended organisations only if you tick the box below. Vetting evidence, trust "
                       "notes, contact history and referrals are never exported.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        from sp_desktop.services.exports import EXPORT_FORMATS, EXPORT_LABELS

        self.radios: dict[str, QRadioButton] = {}
        for i, fmt in enumerate(EXPORT_FORMATS):
            radio = QRadioButton(("&1 ", "&2 ", "&3 ", "&4 ")[i] + EXPORT_LABELS[fmt])
            radio.setObjectName(f"export_{fmt}")
            radio.setAccessibleName(EXPORT_LABELS[fmt])
            self.radios[fmt] = radio
            layout.addWidget(radio)
        self.radios["csv"].setChecked(True)
        self.contacts = QCheckBox("Include &named contacts (people at organisations)")
        self.contacts.setObjectName("export_contacts")
        self.contacts.setAccessibleName("Include named contacts")
        self.approved = QCheckBox("Only organisations whose vetting is &approved")
        self.approved.setObjectName("export_approved")
        self.approved.setAccessibleName("Only approved organisations")
        self.declined = QCheckBox("Include organisations whose vetting was &declined or that are suspended")
        self.declined.setObjectName("export_declined")
        self.declined.setAccessibleName("Include declined and suspended organisations")
        self.approved.toggled.connect(lambda on: self.declined.setEnabled(not on))
        note = QLabel("Named contacts are people's names, phone numbers and email addresses: include them "
                      "only when whoever receives the file needs them. The export is recorded in the "
                      "audit trail with your name.")
        note.setWordWrap(True)
        layout.addWidget(self.contacts)
        layout.addWidget(self.approved)
        layout.addWidget(self.declined)
        layout.addWidget(note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Export…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen_format(self) -> str:
        return next(fmt for fmt, r in self.radios.items() if r.isChecked())

    @classmethod
    def ask(cls, parent: QWidget | None) -> tuple[str, bool, bool, bool] | None:
        """(format, include contacts, approved only, include declined and suspended), or None when
        cancelled. Every box starts unticked: nothing extra leaves unless chosen."""
        dialog = cls(parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return (dialog.chosen_format(), dialog.contacts.isChecked(), dialog.approved.isChecked(),
                dialog.declined.isChecked() and not dialog.approved.isChecked())


class DataActions(QObject):
    """What install_data_menu adds to the window; kept alive as `window.data_actions`."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.ctx: ServiceContext = window.ctx
        self.runtime = window.runtime
        self.restart_required = False
        actor = self.ctx.actor
        self.import_action = make_action(
            window, "&Import…", self.import_data, name="action_import", shortcut="Ctrl+Shift+I", scope=None,
            tip="Import organisations and services from a spreadsheet or an Open Referral feed")
        self.import_categories_action = make_action(
            window, "Import c&ategories…", self.import_categories, name="action_import_categories",
            tip="Add the terms of an Open Referral taxonomy file to the practice's categories")
        self.export_action = make_action(window, "&Export…", self.export_data, name="action_export",
                                         shortcut="Ctrl+Shift+E", scope=None,
                                         tip="Export the directory for Excel or as Open Referral")
        self.backup_action = make_action(window, "Back &up now…", self.back_up_now, name="action_backup",
                                         tip="Make a checked backup of the directory now")
        self.restore_action = make_action(
            window, "&Restore from a backup…", self.restore, name="action_restore",
            tip="Replace the directory with a backup (the current data is kept)")
        actions = [self.export_action]
        if can(actor, Permission.EDIT_CATEGORIES):
            actions.insert(0, self.import_categories_action)
        if can(actor, Permission.IMPORT):
            actions.insert(0, self.import_action)
        if can(actor, Permission.BACKUP_RESTORE):
            actions += [self.backup_action, self.restore_action]
        self._add_to_file_menu(actions)
        self.update_backup_status()
        self.timer = QTimer(self)
        self.timer.setInterval(HOURLY_MS)
        self.timer.timeout.connect(self.backup_if_due)
        self.backup_task: Any = None  # the background backup running now, if any
        if not self.runtime.demo:
            self.timer.start()
            QTimer.singleShot(FIRST_BACKUP_MS, self, self.backup_if_due)

    def _add_to_file_menu(self, actions: list[QAction]) -> None:
        menu = getattr(self.window, "file_menu", None)
        if menu is None:
            return
        existing = menu.actions()
        # just before the separator above "Exit", as a group of their own
        before = existing[-2] if len(existing) >= 2 and existing[-2].isSeparator() else (
            existing[-1] if existing else None)
        if before is None:
            for a in actions:
                menu.addAction(a)
            return
        menu.insertSeparator(before)
        for a in actions:
            menu.insertAction(before, a)

    def backups(self) -> BackupService:
        return BackupService(self.ctx, self.runtime.paths)

    # ---- status
    def update_backup_status(self) -> None:
        try:
            text = self.backups().status_text()
        except Exception as exc:  # a backup folder on a share that hangs or errors must not stop the window
            log.warning("backup status unavailable: %s", exc)
            text = "! Backup status unknown"
        if self.runtime.demo:
            text = ""
        self.window.set_backup_status(text)

    # ---- import and export
    def import_data(self) -> None:
        from sp_desktop.ui.dialogs.import_wizard import ImportWizard

        wizard = ImportWizard(self.ctx, self.window.tasks, self.window)
        wizard.imported.connect(lambda _result: self.window.data_changed.emit(SOURCE_KEY))
        wizard.exec()
        wizard.deleteLater()

    def import_categories(self) -> None:
        """A taxonomy file's terms as categories: a small file, read and added in the background."""
        from sp_desktop.services.categories import CategoryService, TaxonomyFileError

        chosen = messages.open_file(self.window, "Import categories from a taxonomy file",
                                    "Taxonomy terms (*.json);;All files (*)")
        if not chosen:
            return
        path = Path(chosen)

        def work(_progress: Any) -> Any:
            return CategoryService(self.ctx).import_taxonomy(path)

        def done(result: Any) -> None:
            self.window.data_changed.emit(SOURCE_KEY)
            messages.inform(self.window, "Categories imported", result.describe())

        def failed(exc: BaseException, details: str) -> None:
            if isinstance(exc, (TaxonomyFileError, PermissionError)):
                messages.error(self.window, "These categories cannot be imported", str(exc))
            else:
                messages.error(self.window, "Something went wrong", str(exc), details)

        run_with_progress(self.window, self.window.tasks, "Importing categories…", work, done, failed)

    def export_data(self) -> None:
        chosen = ExportDialog.ask(self.window)
        if chosen is None:
            return
        fmt, contacts, approved, declined = chosen
        name = f"directory-{self.ctx.today().isoformat()}{_SUFFIX[fmt]}"
        target = messages.save_file(self.window, "Export the directory", name, _FILTERS[fmt])
        if not target:
            return
        path = Path(target)
        if path.suffix.lower() != _SUFFIX[fmt]:
            path = path.with_name(path.name + _SUFFIX[fmt])
        from sp_desktop.services.exports import ExportService

        service = ExportService(self.ctx)

        def done(result: ExportResult) -> None:
            messages.inform(self.window, "Export finished", result.describe())

        def failed(exc: BaseException, details: str) -> None:
            messages.error(self.window, "The export did not finish", str(exc), details)

        run_with_progress(self.window, self.window.tasks, "Exporting…",
                          lambda progress: service.export(fmt, path, include_contacts=contacts,  # type: ignore[arg-type]
                                                          approved_only=approved, include_declined=declined,
                                                          progress=progress),
                          done, failed)

    # ---- backups
    def back_up_now(self) -> None:
        service = self.backups()
        if not service.available:
            messages.inform(self.window, "Backups are made by the server", SERVER_MESSAGE)
            return

        def done(info: Any) -> None:
            self.update_backup_status()
            messages.inform(self.window, "Backed up", info.describe())

        def failed(exc: BaseException, details: str) -> None:
            self.update_backup_status()
            messages.error(self.window, "The backup did not work", str(exc), details)

        run_with_progress(self.window, self.window.tasks, "Backing up…",
                          lambda progress: service.back_up_now(progress), done, failed)

    def backup_if_due(self) -> None:
        """The day's automatic backup, fully checked, in the background (a minute after the window
        opens, then hourly). Closing the window abandons it safely if it is still running."""
        if self.runtime.demo or self.restart_required or self.backup_task is not None:
            return
        service = self.backups()
        try:
            if not service.available or not service.is_due():
                return
        except OSError as exc:  # a backup folder on a share that errors
            log.warning("backup status unavailable: %s", exc)
            return

        def finished(info: Any) -> None:
            self.backup_task = None
            if info is not None:
                log.info("automatic backup: %s", info.describe())
            self.update_backup_status()

        def failed(exc: BaseException, _details: str) -> None:
            self.backup_task = None
            if isinstance(exc, Cancelled):
                log.info("automatic backup abandoned (the window closed); the earlier backups are kept")
                return
            # Not a dialog in the middle of someone's work: the status bar says "! Last backup
            # <date>" and the log has the reason; the next hourly look tries again.
            log.warning("automatic backup failed: %s", exc)
            self.update_backup_status()

        self.backup_task = self.window.tasks.start(lambda progress: service.automatic_backup(progress),
                                                   finished, failed, stop_on_close=True)

    def restore(self) -> None:
        service = self.backups()
        if not service.available:
            messages.inform(self.window, "Backups are restored on the server", SERVER_MESSAGE)
            return
        folder, _ = service.folder()
        chosen = messages.open_file(
            self.window,
            "Choose the backup to restore",
            "sp_desktop backups (*.sqlite3 *.sqlite *.db);;All files (*)",
            str(folder),
        )
        if not chosen:
            return
        try:
            summary = service.inspect(Path(chosen))
        except RestoreRefused as exc:
            messages.error(self.window, "This backup cannot be restored", str(exc))
            return
        text = (
            f"{Path(chosen).name}\n\n{summary.describe()}\n\nThe directory as it is now will be kept as a "
            "backup first. Make sure sp_desktop is closed on every other PC. When the restore is done "
            "sp_desktop closes; start it again to carry on with the restored directory."
        )
        if not messages.confirm(self.window, "Restore this backup?", text, yes="Restore", no="Cancel"):
            return

        def done(result: RestoreResult) -> None:
            self.restart_required = True
            messages.inform(self.window, "Restored — sp_desktop will now close",
                            f"{result.describe()}\n\nStart sp_desktop again to carry on.")
            self.window.close()

        def failed(exc: BaseException, details: str) -> None:
            messages.error(self.window, "The backup was not restored", str(exc), details)

        run_with_progress(self.window, self.window.tasks, "Restoring…",
                          lambda progress: service.restore(Path(chosen), progress), done, failed)


def install_data_menu(window: Any) -> DataActions:
    actions = DataActions(window)
    window.data_actions = actions
    return actions
