"""Settings (administrators): staff accounts and the practice settings.

Staff accounts: add, change name / job role / app role, reset a forgotten password (also lifts a
sign-in pause), deactivate or reactivate. The service refuses to remove or demote the last
administrator and to deactivate yourself, with messages that say why.

Practice settings: the fields of `PracticeSettings` (practice name and address printed on
leaflets, vetting review interval, idle lock, patient references, backups, leaflet format).
"""

from __future__ import annotations

import base64
from dataclasses import asdict
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.enums import AppRole
from sp_desktop.domain.errors import Refused
from sp_desktop.domain.formatting import show_datetime
from sp_desktop.domain.record_line import PLACEHOLDERS
from sp_desktop.services.base import (
    Permission,
    PermissionDenied,
    ServiceContext,
    ValidationFailed,
    can,
)
from sp_desktop.services.settings import SettingsService
from sp_desktop.services.staff import StaffForm, StaffMember, StaffService
from sp_desktop.ui import messages
from sp_desktop.ui.pages.lazy import LoadWhenShown
from sp_desktop.ui.widgets.field_errors import FIELD_STYLE
from sp_desktop.ui.widgets.search_words_editor import SearchWordsWidget
from sp_desktop.ui.widgets.tables import ResizeMode, configure_table

MAX_LOGO_BYTES = 400_000
_LEAFLET_FORMATS = (("standard", "Standard (A4)"), ("large", "Large print (A4)"), ("compact", "Compact (A5)"))


def account_state(member: StaffMember, now: Any) -> str:
    if not member.active:
        return "✗ Deactivated"
    if not member.has_password:
        return "! No password: cannot sign in"
    if member.locked_until and member.locked_until > now:
        return f"⏸ Sign-in paused until {member.locked_until:%H:%M}"
    return "✓ Can sign in"


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("field_error")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


class StaffDialog(QDialog):
    """Add an account (with its first password) or change name, job role and app role."""

    def __init__(self, member: StaffMember | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.member = member
        self.setObjectName("staff_dialog")
        self.setWindowTitle(f"Change {member.name}" if member else "Add a staff account")
        self.setAccessibleName(self.windowTitle())
        self.setStyleSheet(FIELD_STYLE)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(member.name if member else "")
        self.name.setObjectName("staff_name")
        self.job = QLineEdit(member.job_role if member else "")
        self.job.setObjectName("staff_job")
        self.job.setPlaceholderText("e.g. Receptionist, GP, Practice nurse, Link worker")
        self.role = QComboBox()
        self.role.setObjectName("staff_role")
        for role in AppRole:
            self.role.addItem(f"{role.label} — {_ROLE_HELP[role]}", role)
        self.role.setCurrentIndex(list(AppRole).index(member.role) if member else 0)
        self.password = QLineEdit()
        self.password.setObjectName("staff_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("at least 10 characters; they choose their own at first sign-in")
        self.confirm = QLineEdit()
        self.confirm.setObjectName("staff_confirm")
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.errors: dict[str, QLabel] = {}
        rows: list[tuple[str, str, QWidget]] = [("name", "&Name", self.name),
                                                ("job_role", "&Job role", self.job),
                                                ("role", "App &role", self.role)]
        if member is None:
            rows += [("password", "&Password", self.password), ("confirm", "&Type it again", self.confirm)]
        for key, text, widget in rows:
            widget.setAccessibleName(text.replace("&", ""))
            box = QWidget()
            inner = QVBoxLayout(box)
            inner.setContentsMargins(0, 0, 0, 0)
            inner.addWidget(widget)
            self.errors[key] = _error_label()
            inner.addWidget(self.errors[key])
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, box)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            text = errors.get(key, "")
            label.setText(f"✗ {text}" if text else "")
            label.setVisible(bool(text))

    def selected_role(self) -> AppRole:
        return AppRole(self.role.currentData())


_ROLE_HELP = {
    AppRole.FRONT_DESK: "search, print leaflets, log contacts and signposting",
    AppRole.CLINICIAN: "plus trust notes, referral outcomes, leaflet overrides",
    AppRole.VETTING_LEAD: "plus vetting decisions, archiving, categories, imports",
    AppRole.ADMINISTRATOR: "plus staff accounts, settings, restore from backup",
}


class NewPasswordDialog(QDialog):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("new_password_dialog")
        self.setWindowTitle(f"New password for {name}")
        self.setAccessibleName(self.windowTitle())
        layout = QVBoxLayout(self)
        intro = QLabel("The new password works at once and lifts any sign-in pause. Tell them in person; "
                       "they can change it with File > Change my password.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.password = QLineEdit()
        self.password.setObjectName("new_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("New password")
        self.confirm = QLineEdit()
        self.confirm.setObjectName("new_password_confirm")
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm.setAccessibleName("Type it again")
        form.addRow("&New password", self.password)
        form.addRow("&Type it again", self.confirm)
        layout.addLayout(form)
        self.error = _error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class StaffAccountsWidget(QWidget):
    changed = Signal()

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = StaffService(ctx)
        self.members: list[StaffMember] = []
        layout = QVBoxLayout(self)
        intro = QLabel("Who can sign in, and what their role lets them do. Deactivated accounts keep "
                       "their name on past records.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Name", "Job role", "App role", "Account", "Last signed in"])
        configure_table(self.table, name="staff_table", accessible_name="Staff accounts",
                        alternating_rows=False, resize_mode=ResizeMode.ResizeToContents, stretch_last=True)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        layout.addWidget(self.table, 1)
        bar = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (("add", "&Add…", self.add), ("edit", "C&hange…", self.edit),
                                ("reset", "&Reset password…", self.reset_password),
                                ("active", "&Deactivate", self.toggle_active)):
            b = QPushButton(text)
            b.setObjectName(f"staff_{key}")
            b.clicked.connect(lambda _c=False, f=slot: f())
            bar.addWidget(b)
            self.buttons[key] = b
        bar.addStretch(1)
        layout.addLayout(bar)
        self.table.itemSelectionChanged.connect(self._update)
        self.refresh()

    def refresh(self, select: int | None = None) -> None:
        current = self.current()
        keep = select if select is not None else (current.id if current else None)
        self.members = self.service.list(include_inactive=True)
        now = self.ctx.now()
        self.table.setRowCount(len(self.members))
        for row, m in enumerate(self.members):
            cells = (m.name, m.job_role or "—", m.role.label, account_state(m, now),
                     show_datetime(m.last_sign_in, "Never"))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, m.id)
                self.table.setItem(row, col, item)
        ids = [m.id for m in self.members]
        self.table.selectRow(ids.index(keep) if keep in ids else 0)
        self._update()

    def current(self) -> StaffMember | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or not (0 <= rows[0].row() < len(self.members)):
            return None
        return self.members[rows[0].row()]

    def _update(self) -> None:
        m = self.current()
        for key in ("edit", "reset", "active"):
            self.buttons[key].setEnabled(m is not None)
        self.buttons["active"].setText("Re&activate" if m is not None and not m.active else "&Deactivate")

    def _refused(self, title: str, exc: Refused) -> None:
        messages.refused(self, title, exc)

    def add(self) -> None:
        dialog = StaffDialog(None, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            if dialog.password.text() != dialog.confirm.text():
                dialog.show_errors({"confirm": "The two passwords are different."})
                continue
            try:
                form = StaffForm(dialog.name.text(), dialog.job.text(), dialog.selected_role(),
                                 dialog.password.text())
                member = self.service.add(form)
            except ValidationFailed as exc:
                dialog.show_errors(exc.errors)
                continue
            except PermissionDenied as exc:
                self._refused("Not added", exc)
                return
            self.refresh(member.id)
            self.changed.emit()
            return

    def edit(self) -> None:
        m = self.current()
        if m is None:
            return
        dialog = StaffDialog(m, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                self.service.update(m.id, name=dialog.name.text(), job_role=dialog.job.text(),
                                    role=dialog.selected_role())
            except ValidationFailed as exc:
                dialog.show_errors(exc.errors)
                continue
            except Refused as exc:
                self._refused("Not changed", exc)
                return
            self.refresh(m.id)
            self.changed.emit()
            return

    def reset_password(self) -> None:
        m = self.current()
        if m is None:
            return
        dialog = NewPasswordDialog(m.name, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            if dialog.password.text() != dialog.confirm.text():
                dialog.error.setText("✗ The two passwords are different.")
                dialog.error.setVisible(True)
                continue
            try:
                self.service.reset_password(m.id, dialog.password.text())
            except ValidationFailed as exc:
                dialog.error.setText("✗ " + " ".join(exc.errors.values()))
                dialog.error.setVisible(True)
                continue
            except Refused as exc:
                self._refused("Password not changed", exc)
                return
            self.refresh(m.id)
            messages.inform(self, "Password changed", f"{m.name} can sign in with the new password now.")
            return

    def toggle_active(self) -> None:
        m = self.current()
        if m is None:
            return
        if m.active and not messages.confirm(self, "Deactivate", f"Deactivate {m.name}? They will no longer "
                                             "be able to sign in; their name stays on past records.",
                                             yes="Deactivate", no="Keep"):
            return
        try:
            self.service.set_active(m.id, not m.active)
        except Refused as exc:
            self._refused("Not changed", exc)
            return
        self.refresh(m.id)
        self.changed.emit()


class PracticeSettingsWidget(QWidget):
    changed = Signal()

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = SettingsService(ctx)
        self.setStyleSheet(FIELD_STYLE)
        outer = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        host = QWidget()
        host_layout = QVBoxLayout(host)
        form = QFormLayout()
        host_layout.addLayout(form)
        host_layout.addStretch(1)
        scroll.setWidget(host)
        outer.addWidget(scroll, 1)
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}

        def add(key: str, label: str, widget: QWidget, help_text: str = "") -> None:
            widget.setObjectName(f"setting_{key}")
            widget.setAccessibleName(label.replace("&", ""))
            if help_text:
                widget.setToolTip(help_text)
                widget.setAccessibleDescription(help_text)
            box = QWidget()
            inner = QVBoxLayout(box)
            inner.setContentsMargins(0, 0, 0, 0)
            inner.setSpacing(1)
            inner.addWidget(widget)
            if help_text:
                hint = QLabel(help_text)
                hint.setWordWrap(True)
                hint.setObjectName(f"{key}_help")  # full-contrast text (palette(dark) was 2.3:1), smaller
                font = hint.font()
                font.setPointSizeF(font.pointSizeF() * 0.95)
                hint.setFont(font)
                inner.addWidget(hint)
            self.errors[key] = _error_label()
            inner.addWidget(self.errors[key])
            caption = QLabel(label)
            caption.setBuddy(widget)
            form.addRow(caption, box)
            self.widgets[key] = widget

        def spin(low: int, high: int, suffix: str = "", special: str = "") -> QSpinBox:
            s = QSpinBox()
            s.setMaximumWidth(220)
            s.setRange(low, high)
            s.setSuffix(suffix)
            if special:
                s.setSpecialValueText(special)
            return s

        add("practice_name", "Practice &name", QLineEdit(), "Printed at the top of every leaflet.")
        address = QPlainTextEdit()
        address.setTabChangesFocus(True)
        address.setFixedHeight(80)
        add("practice_address", "&Address", address, "One line per address line.")
        add("practice_phone", "&Phone", QLineEdit())
        logo_box = QWidget()
        logo_row = QHBoxLayout(logo_box)
        logo_row.setContentsMargins(0, 0, 0, 0)
        self.logo_state = QLabel()
        choose = QPushButton("Choose &logo…")
        choose.setObjectName("choose_logo")
        choose.clicked.connect(self.choose_logo)
        remove = QPushButton("Remove logo")
        remove.setObjectName("remove_logo")
        remove.clicked.connect(self.remove_logo)
        logo_row.addWidget(self.logo_state, 1)
        logo_row.addWidget(choose)
        logo_row.addWidget(remove)
        add("practice_logo_png", "Logo", logo_box, "A PNG image for the leaflet header (optional).")
        add("review_interval_months", "&Vetting review every", spin(1, 60, " months"),
            "How long an approval lasts; an expiring certificate brings the review forward.")
        add("review_due_soon_days", "Reviews '&due soon'", spin(1, 365, " days ahead"),
            "How far ahead the Reviews due page looks.")
        add("idle_lock_minutes", "&Lock when idle after", spin(0, 240, " minutes", "Never"),
            "On shared reception PCs the window locks and asks for the password again.")
        add("allow_patient_reference", "Patient references",
            QCheckBox("Allow a practice-internal &reference on signposting records"))
        add("patient_reference_retention_days", "Keep references for", spin(1, 3650, " days"))
        add("outcome_note_retention_days", "Keep &outcome notes for", spin(1, 3650, " days"),
            "Outcome notes and feedback are removed this long after the signposting date.")
        add("signposting_retention_days", "Keep si&gnposting records for", spin(30, 3650, " days"),
            "Whole signposting records are deleted this long after their date (backups too). "
            "Old records are removed automatically every day.")
        add("backup_folder", "&Backup folder", QLineEdit(), "Empty: the backups folder beside the data.")
        add("backups_keep_daily", "Daily backups kept", spin(1, 60))
        add("backups_keep_weekly", "Weekly backups kept", spin(0, 52))
        formats = QComboBox()
        formats.setMaximumWidth(320)
        for value, text in _LEAFLET_FORMATS:
            formats.addItem(text, value)
        add("default_leaflet_format", "Default leaflet &format", formats)
        names = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        add("record_line_template", "Line for the GP &record", QLineEdit(),
            f"“Copy for the record” puts this on the clipboard after a signposting is recorded. "
            f"You can use {names}.")
        add("record_code", "Clinical code", QLineEdit(),
            "Optional: the code your clinical system uses for social prescribing or signposting, as "
            "{code}. The app ships no codes: type your own.")
        add("record_term", "Clinical term", QLineEdit(),
            "Optional: the term that goes with the code, as {term}.")

        bar = QHBoxLayout()
        bar.addStretch(1)
        self.save_button = QPushButton("&Save settings")
        self.save_button.setObjectName("save_settings")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("Undo changes")
        self.revert_button.setObjectName("revert_settings")
        self.revert_button.clicked.connect(self.load)
        bar.addWidget(self.revert_button)
        bar.addWidget(self.save_button)
        outer.addLayout(bar)
        self.logo: str | None = None
        self.load()

    def load(self) -> None:
        self.settings = self.service.get()
        for key, value in asdict(self.settings).items():
            w = self.widgets.get(key)
            if isinstance(w, QLineEdit):
                w.setText(str(value or ""))
            elif isinstance(w, QPlainTextEdit):
                w.setPlainText(str(value or ""))
            elif isinstance(w, QSpinBox):
                w.setValue(int(value))
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(value))
            elif isinstance(w, QComboBox):
                w.setCurrentIndex(max(0, w.findData(value)))
        self.logo = self.settings.practice_logo_png
        self._show_logo()
        for label in self.errors.values():
            label.setVisible(False)

    def _show_logo(self) -> None:
        if self.logo:
            size = len(base64.b64decode(self.logo))
            self.logo_state.setText(f"✓ Logo set ({size // 1024 or 1} KB)")
        else:
            self.logo_state.setText("No logo")

    def choose_logo(self) -> None:
        path = messages.open_file(self, "Choose the practice logo", "PNG images (*.png)")
        if not path:
            return
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            messages.warn(self, "Logo not read", f"Could not read {path}: {exc.strerror or exc}.")
            return
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            messages.warn(self, "Not a PNG image",
                          f"{Path(path).name} is not a PNG image. Save the logo as PNG and choose it again.")
            return
        if len(data) > MAX_LOGO_BYTES:
            messages.warn(self, "Logo too large",
                          f"{Path(path).name} is {len(data) // 1024} KB; use an image under "
                          f"{MAX_LOGO_BYTES // 1000} KB.")
            return
        self.logo = base64.b64encode(data).decode("ascii")
        self._show_logo()

    def remove_logo(self) -> None:
        self.logo = None
        self._show_logo()

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, w in self.widgets.items():
            if isinstance(w, QLineEdit):
                out[key] = w.text().strip()
            elif isinstance(w, QPlainTextEdit):
                out[key] = w.toPlainText().strip()
            elif isinstance(w, QSpinBox):
                out[key] = w.value()
            elif isinstance(w, QCheckBox):
                out[key] = w.isChecked()
            elif isinstance(w, QComboBox):
                out[key] = w.currentData()
        out["practice_logo_png"] = self.logo
        return out

    def dirty(self) -> bool:
        current = asdict(self.settings)
        return any(current[k] != v for k, v in self.values().items())

    def save(self) -> bool:
        current = asdict(self.settings)
        changes = {k: v for k, v in self.values().items() if current[k] != v}
        for label in self.errors.values():
            label.setVisible(False)
        if not changes:
            return True
        try:
            self.settings = self.service.update(**changes)
        except ValidationFailed as exc:
            for key, text in exc.errors.items():
                if key in self.errors:
                    self.errors[key].setText(f"✗ {text}")
                    self.errors[key].setVisible(True)
            first = next((k for k in exc.errors if k in self.widgets), None)
            if first:
                self.widgets[first].setFocus()
            return False
        except PermissionDenied as exc:
            messages.warn(self, "Settings not saved", str(exc))
            return False
        self.load()
        self.changed.emit()
        messages.inform(self, "Settings saved",
                        "The practice settings are saved for every PC of the practice.")
        return True


class SettingsPage(LoadWhenShown, QWidget):
    """The Settings page: staff accounts and practice settings for administrators, search words
    for vetting leads and administrators. Its tabs are built (and loaded) when it is first shown
    (see ui/pages/lazy.py)."""

    changed = Signal()

    def __init__(self, ctx: ServiceContext, window: Any = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.main_window = window
        self.setAccessibleName("Settings")
        layout = QVBoxLayout(self)
        title = QLabel("<b>Settings</b>")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        title.setFont(font)
        layout.addWidget(title)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settings_tabs")
        layout.addWidget(self.tabs, 1)
        self._staff: StaffAccountsWidget | None = None
        self._practice: PracticeSettingsWidget | None = None
        self._search_words: SearchWordsWidget | None = None
        self._built = False

    @property
    def staff(self) -> StaffAccountsWidget:
        self._build_tabs()
        assert self._staff is not None
        return self._staff

    @property
    def practice(self) -> PracticeSettingsWidget:
        self._build_tabs()
        assert self._practice is not None
        return self._practice

    @property
    def search_words(self) -> SearchWordsWidget:
        self._build_tabs()
        assert self._search_words is not None
        return self._search_words

    def _build_tabs(self) -> bool:
        """Build (and so load) the tabs the first time; False when they were already there."""
        if self._built:
            return False
        self._built = True
        if can(self.ctx.actor, Permission.SETTINGS):
            self._staff = StaffAccountsWidget(self.ctx)
            self._practice = PracticeSettingsWidget(self.ctx)
            self.tabs.addTab(self._staff, "&Staff accounts")
            self.tabs.addTab(self._practice, "&Practice settings")
            from sp_desktop.ui.widgets.leaflet_languages_widget import LeafletLanguagesWidget

            self.languages = LeafletLanguagesWidget(self.ctx)
            self.tabs.addTab(self.languages, "&Leaflet languages")
            self._staff.changed.connect(self.changed.emit)
            self._practice.changed.connect(self.changed.emit)
        self._search_words = SearchWordsWidget(self.ctx)
        self.tabs.addTab(self._search_words, "Search &words")
        self._search_words.changed.connect(self.changed.emit)
        return True

    def refresh(self) -> None:
        if self._build_tabs():
            return
        if self._staff is not None:
            self._staff.refresh()
        if self._practice is not None and not self._practice.dirty():
            self._practice.load()
        if self._search_words is not None and not self._search_words.dirty():
            self._search_words.load()

    def can_close(self) -> bool:
        if self._search_words is not None and self._search_words.dirty():
            choice = messages.ask_save_discard_cancel(self, "Unsaved search words",
                                                      "The search words have changes that are not saved.")
            if choice == "cancel" or (choice == "save" and not self._search_words.save()):
                return False
        if self._practice is None or not self._practice.dirty():
            return True
        choice = messages.ask_save_discard_cancel(self, "Unsaved settings",
                                                  "The practice settings have changes that are not saved.")
        if choice == "save":
            return self.practice.save()
        return choice == "discard"


__all__ = ["NewPasswordDialog", "PracticeSettingsWidget", "SettingsPage", "StaffAccountsWidget",
           "StaffDialog"]
