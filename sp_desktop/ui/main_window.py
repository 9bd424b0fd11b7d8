"""The main window: navigation on the left, the current page on the right, a status bar.

Pages come from `sp_desktop.ui.pages.page_specs()`; the window knows nothing about what they
do beyond the small protocol documented there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSplitter,
    QWidget,
)

from sp_desktop import __version__
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import ServiceContext
from sp_desktop.ui.confidence_actions import install_confidence_actions
from sp_desktop.ui.data_menu import install_data_menu
from sp_desktop.ui.leaflet_actions import install_leaflet_actions
from sp_desktop.ui.page_loader import PageLoader
from sp_desktop.ui.pages import PageSpec, page_specs
from sp_desktop.ui.problem_actions import install_problem_actions
from sp_desktop.ui.reference_actions import install_reference_actions
from sp_desktop.ui.relationship_actions import install_relationship_actions
from sp_desktop.ui.tasks import TaskRunner
from sp_desktop.ui.vetting_actions import install_vetting_actions
from sp_desktop.ui.widgets.accessibility import announce, install_accessibility, keep_menu_access_keys_unique
from sp_desktop.ui.widgets.flow_layout import FlowLayout
from sp_desktop.ui.widgets.page_stack import PageStack

#: How long "Undo" stays offered after the leaflet basket was emptied for the next patient.
UNDO_SECONDS = 12


class PageSet(Mapping[str, QWidget]):
    """The pages this person may open, by key (`"reviews" in window.pages`). A page is built the
    first time it is asked for (`window.pages["reviews"]`, showing it, a shortcut), so start-up
    pays only for the Directory. Iterating gives every key; `built()` gives the pages that exist,
    which is what refreshing, marking stale and "can we close?" need."""

    def __init__(self, window: MainWindow, specs: list[PageSpec]) -> None:
        self._window = window
        self._specs = {spec.key: spec for spec in specs}
        self._built: dict[str, QWidget] = {}

    def __getitem__(self, key: str) -> QWidget:
        page = self._built.get(key)
        if page is None:
            spec = self._specs[key]  # KeyError for a page this person may not open
            page = spec.factory(self._window.ctx, self._window)
            page.setObjectName(f"page_{key}")
            self._built[key] = page
            self._window.stack.addWidget(page)
            changed = getattr(page, "changed", None)
            if changed is not None:
                changed.connect(lambda key=key: self._window.data_changed.emit(key))
        return page

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def __contains__(self, key: object) -> bool:
        return key in self._specs

    def built(self) -> dict[str, QWidget]:
        return dict(self._built)


class _WrappingRow(QWidget):
    """A row of labels (FlowLayout) that asks for a second line's height when it wraps."""

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        layout = self.layout()
        if layout is not None:
            height = layout.heightForWidth(self.width())
            if height > 0 and height != self.minimumHeight():
                self.setMinimumHeight(height)


class MainWindow(QMainWindow):
    data_changed = Signal(str)  # emitted after any page saved something; others refresh
    changed_elsewhere = Signal()  # the change watcher saw another PC's change (ui/change_watcher.py)
    switch_user_requested = Signal()
    closing = Signal()  # the window agreed to close (its background work has been stopped or finished)

    def __init__(self, runtime: Runtime, ctx: ServiceContext, specs: list[PageSpec] | None = None) -> None:
        super().__init__()
        from sp_desktop.ui import default_button

        default_button.install()  # Enter keeps each dialog's main action (see that module)
        install_accessibility()  # once per app (app.py does it first; tests build windows directly)
        self.runtime = runtime
        self.ctx = ctx
        self.tasks = TaskRunner(self)
        self._undo_ui_wait: Callable[[], None] | None = None
        if not ctx.db.is_sqlite:
            # A click that reads or writes the practice server (a save, opening a record) never
            # freezes the window: "Waiting for the practice server…" with Cancel (ui/server_wait.py).
            from sp_desktop.ui.server_wait import install_ui_wait

            self._undo_ui_wait = undo = install_ui_wait()
            self.destroyed.connect(lambda _obj=None: undo())
        self.setObjectName("MainWindow")
        title = "sp_desktop — Social prescribing directory"
        if runtime.demo:
            title += " — DEMO"
        self.setWindowTitle(title)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Pages")
        self.nav.setAccessibleDescription("Choose a page; Ctrl+1 to Ctrl+9 jump straight to one.")
        self.nav.setMinimumWidth(190)
        self.nav.setMaximumWidth(260)
        self.nav.setSpacing(2)
        font = self.nav.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.nav.setFont(font)
        self.stack = PageStack()  # each page scrolls inside the window on a small screen
        self.specs: list[PageSpec] = [
            spec for spec in (specs if specs is not None else page_specs())
            if ctx.actor.role.rank >= spec.min_role.rank
        ]
        self.pages = PageSet(self, self.specs)
        for spec in self.specs:
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.nav.addItem(item)
        if self.specs:
            self.page(self.specs[0].key)  # the home page is built now; the others when first shown
        self.nav.currentRowChanged.connect(self._show_row)
        self.data_changed.connect(self._on_data_changed)

        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([self.nav.minimumWidth(), 1280])  # the nav's words fit; the pages get the rest
        self.setCentralWidget(splitter)

        self._build_status_bar()
        self._build_menus()
        install_relationship_actions(self)  # Log contact (Ctrl+L), history, trust notes on the Directory
        install_leaflet_actions(self)  # Ctrl+B add to the leaflet basket, Ctrl+P print leaflet, booklets
        install_vetting_actions(self)  # vetting record, change history, overdue reviews note, my password
        install_data_menu(self)  # File: Import, Export, Back up now, Restore; backup status; daily backup
        install_reference_actions(self)  # Ctrl+K: an organisation quoted a leaflet reference back
        install_confidence_actions(self)  # taking new people, closures, why this helps (issue 18)
        install_problem_actions(self)  # Ctrl+Shift+R report a problem; safeguarding concerns for the lead
        keep_menu_access_keys_unique(self.menuBar())  # one access key per item in each menu (after all menus)
        self.refresh_counts()
        self._restore_geometry()
        if self.nav.count():
            self.nav.setCurrentRow(0)
        QTimer.singleShot(0, self.focus_search)
        QTimer.singleShot(0, self._check_practice_details)

    def _restore_geometry(self) -> None:
        """The size and place the window had when last closed on this PC; the first time, 1280x800
        or the screen's free area if that is smaller (a 1024x768 screen, or 1280 px at 125 %)."""
        saved = QSettings().value("main_window/geometry")
        if saved and self.restoreGeometry(saved):
            return
        size = QSize(1280, 800)
        screen = self.screen()
        if screen is None:
            self.resize(size)
            return
        # the frame (title bar, borders) must fit too
        frame = QSize(8, 32) if self.frameGeometry().height() <= self.height() else \
            self.frameGeometry().size() - self.size()
        free = screen.availableGeometry()
        size = size.boundedTo(free.size() - frame)
        self.resize(size)
        # centred in the free area, so a window as wide as a small screen is not pushed off its edge
        self.move(free.x() + (free.width() - size.width() - frame.width()) // 2,
                  free.y() + (free.height() - size.height() - frame.height()) // 2)

    # ---- status bar
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        # A label is read by its words; the accessible description adds what the words are about.
        self.user_label = QLabel(f"Signed in: {self.ctx.actor.description}")
        self.user_label.setAccessibleDescription("Signed-in staff member")
        self.match_label = QLabel("")
        self.match_label.setAccessibleDescription("Number of matching services")
        self.backup_label = QLabel("")
        self.backup_label.setAccessibleDescription("Backup status")
        # every status-bar message ("Added … to the basket", "Saved") is said to a screen reader too
        bar.messageChanged.connect(lambda text: announce(text, bar))
        # in a row that wraps onto a second line on a small screen or with large text, never cut off
        holder = _WrappingRow()
        holder.setObjectName("status_labels")
        row = FlowLayout(holder, spacing=12, row_spacing=0)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.user_label)
        if self.runtime.demo:
            demo = QLabel("DEMO — fictional data")
            demo.setObjectName("demo_badge")
            demo.setAccessibleDescription("Demo directory: fictional data")
            demo.setStyleSheet(
                "QLabel { font-weight: bold; padding: 0 6px; border: 1px solid palette(mid); }")
            row.addWidget(demo)
        row.addWidget(self.match_label)
        bar.addWidget(holder, 1)
        # "Basket emptied for the next patient — Undo": for a few seconds after a leaflet left the app
        self.undo_button = QPushButton("Undo (Ctrl+Z)")
        self.undo_button.setObjectName("undo")
        self.undo_button.setAccessibleName("Undo")
        self.undo_button.setVisible(False)
        self.undo_button.clicked.connect(self._undo)
        self._undo_action: Callable[[], None] | None = None
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.setInterval(UNDO_SECONDS * 1000)
        self._undo_timer.timeout.connect(self._forget_undo)
        self.undo_action = QAction("&Undo emptying the leaflet basket", self)
        self.undo_action.setObjectName("undo_basket")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setEnabled(False)
        self.undo_action.triggered.connect(self._undo)
        self.addAction(self.undo_action)
        bar.addPermanentWidget(self.undo_button)
        # the leaflet basket's count, always in sight (whatever page is shown)
        self.basket_label = QLabel("")
        self.basket_label.setObjectName("basket_count")
        self.basket_label.setAccessibleName("Services in the leaflet basket")
        self.basket_label.setToolTip("The services chosen for the patient in front of you. Ctrl+Shift+N "
                                     "starts afresh for the next patient.")
        row.addWidget(self.basket_label)  # in the row that wraps, so a small screen still shows it whole
        bar.addPermanentWidget(self.backup_label)

    def offer_undo(self, text: str, undo: Callable[[], None]) -> None:
        """Say `text` in the status bar with an Undo button (Alt+U) for UNDO_SECONDS seconds."""
        self._undo_action = undo
        self.statusBar().showMessage(f"{text} Undo (Ctrl+Z) brings it back.", UNDO_SECONDS * 1000)
        self.undo_button.setToolTip(f"{text} Click to undo (Ctrl+Z).")
        self.undo_button.setVisible(True)
        self.undo_action.setEnabled(True)
        self._undo_timer.start()

    def _undo(self) -> None:
        undo, self._undo_action = self._undo_action, None
        self._forget_undo()
        if undo is not None:
            undo()

    def _forget_undo(self) -> None:
        self._undo_timer.stop()
        self._undo_action = None
        self.undo_button.setVisible(False)
        self.undo_action.setEnabled(False)

    def set_match_count(self, text: str) -> None:
        if text != self.match_label.text():
            self.match_label.setText(text)
            announce(text, self.match_label)

    def set_backup_status(self, text: str) -> None:
        if text != self.backup_label.text():
            self.backup_label.setText(text)
            announce(text, self.backup_label)

    # ---- menus and shortcuts
    def _build_menus(self) -> None:
        self.file_menu = self.menuBar().addMenu("&File")
        self.switch_user_action = QAction("S&witch user…", self)
        self.switch_user_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.switch_user_action.triggered.connect(self.switch_user_requested.emit)
        self.file_menu.addAction(self.switch_user_action)
        self.file_menu.addSeparator()
        quit_action = QAction("E&xit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.file_menu.addAction(quit_action)
        self.go_menu = self.menuBar().addMenu("&Go")
        for i, spec in enumerate(self.specs):
            action = QAction(spec.title, self)
            if i < 9:
                action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            action.triggered.connect(lambda _=False, key=spec.key: self.show_page(key))
            self.go_menu.addAction(action)
        find = QAction("&Find", self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.focus_search)
        self.addAction(find)
        self.go_menu.addSeparator()
        self.go_menu.addAction(find)
        self.help_menu = self.menuBar().addMenu("&Help")
        shortcuts = QAction("&Keyboard shortcuts", self)
        shortcuts.setObjectName("keyboard_shortcuts")
        shortcuts.setShortcut(QKeySequence.StandardKey.HelpContents)  # F1
        shortcuts.triggered.connect(self.show_shortcuts)
        self.addAction(shortcuts)
        self.help_menu.addAction(shortcuts)
        guide = QAction("&User guide", self)
        guide.setObjectName("user_guide")
        guide.triggered.connect(self.show_guide)
        self.help_menu.addAction(guide)
        self.help_menu.addSeparator()
        about = QAction("&About sp_desktop", self)
        about.triggered.connect(self.show_about)
        self.help_menu.addAction(about)

    def _quiet_loader(self) -> PageLoader:
        """Reads for the window itself (navigation counts, the first-start check), off the UI thread
        when the directory is on the practice server; a failure leaves things as they were."""
        loader = getattr(self, "count_loader", None)
        if loader is None:
            loader = self.count_loader = PageLoader(self, self.ctx.db, quiet=True)
        return loader

    def _check_practice_details(self) -> None:
        """At start: ask an administrator for the practice's details if they are missing. Read off
        the UI thread, so a slow server never holds the window that has just opened."""
        from sp_desktop.db.faults import explain
        from sp_desktop.services.settings import SettingsService

        settings = SettingsService(self.ctx)

        def read() -> bool:
            try:
                return settings.get().needs_practice_details
            except Exception as exc:  # the practice server is away: the banner says so; ask next time
                if explain(exc) is None:
                    raise
                return False

        def ask(missing: bool) -> None:
            if missing:
                self._ask_practice_details(None)

        self._quiet_loader().load(read, ask, key="practice details")

    def ask_practice_details_if_missing(self, then: Callable[[], None] | None = None) -> bool:
        """First start: an administrator is asked for the practice's details (window-modal, without
        blocking); `then()` runs once they are saved. Others are told whom to ask. Returns True when
        the details are already there."""
        from sp_desktop.services.settings import SettingsService

        try:
            missing = SettingsService(self.ctx).get().needs_practice_details
        except Exception as exc:  # the practice server is away: the banner says so; ask next time
            from sp_desktop.db.faults import explain

            if explain(exc) is None:
                raise
            return True
        if not missing:
            return True
        return self._ask_practice_details(then)

    def _ask_practice_details(self, then: Callable[[], None] | None) -> bool:
        from sp_desktop.services.base import Permission, can

        if not can(self.ctx.actor, Permission.SETTINGS):
            if then is not None:
                from sp_desktop.services.leaflets import NO_PRACTICE
                from sp_desktop.ui import messages

                messages.warn(self, "The practice's details are missing", NO_PRACTICE)
            return False
        from sp_desktop.ui.dialogs.practice_details_dialog import PracticeDetailsDialog

        shown = getattr(self, "practice_dialog", None)
        if isinstance(shown, PracticeDetailsDialog) and shown.isVisible():
            return False
        dialog = PracticeDetailsDialog(self.ctx, self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if then is not None:
            dialog.accepted.connect(then)
        self.practice_dialog = dialog
        dialog.open()
        return False

    def show_shortcuts(self) -> None:
        from sp_desktop.ui.dialogs.help_dialog import KeyboardShortcutsDialog

        dialog = KeyboardShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.help_dialog: QDialog = dialog
        dialog.open()

    def show_guide(self) -> None:
        from sp_desktop.ui.dialogs.help_dialog import UserGuideDialog

        dialog = UserGuideDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.help_dialog = dialog
        dialog.open()

    def show_about(self) -> None:
        from sp_desktop.ui.dialogs.about_dialog import AboutDialog

        AboutDialog(self.runtime, self).exec()

    # ---- pages
    def page(self, key: str) -> Any:
        return self.pages[key]

    def show_page(self, key: str) -> Any:
        for row in range(self.nav.count()):
            if self.nav.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.nav.setCurrentRow(row)
                return self.pages[key]
        raise KeyError(key)

    def current_key(self) -> str:
        item = self.nav.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else ""

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        key = self.nav.item(row).data(Qt.ItemDataRole.UserRole)
        page = self.pages[key]
        self.stack.setCurrentWidget(page)
        self.set_match_count("")  # "164 services match" belongs to the Directory; it says it again
        refresh = getattr(page, "on_shown", None) or getattr(page, "refresh", None)
        if refresh:
            refresh()

    def focus_search(self) -> None:
        page = self.stack.currentWidget()
        focus = getattr(page, "focus_search", None)
        if focus:
            focus()

    def refresh_counts(self) -> None:
        """The navigation's counts ("Reviews due (3)"): SQL counts, read off the UI thread when the
        directory is on the practice server (the entries keep their old numbers meanwhile)."""
        ctx = self.ctx
        count_fns: list[Callable[[], int | None] | None] = []
        for spec in self.specs:
            page = self.pages.built().get(spec.key)
            count_fn = getattr(page, "count", None) if page is not None else None
            if callable(count_fn):
                count_fns.append(count_fn)
            elif spec.count is not None:
                count_fns.append(partial(spec.count, ctx))
            else:
                count_fns.append(None)
        self._quiet_loader().load(lambda: [f() if f is not None else None for f in count_fns],
                                  self._show_counts)

    def _show_counts(self, counts: list[int | None]) -> None:
        for row, (spec, count) in enumerate(zip(self.specs, counts, strict=True)):
            text = spec.title if count is None else f"{spec.title} ({count})"
            item = self.nav.item(row)
            item.setText(text)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
        self._fit_nav()
        if not hasattr(self, "basket_label"):
            return  # a page refreshed while the window is still being built
        basket = self.pages.built().get("basket")
        count = basket.count() if basket is not None and hasattr(basket, "count") else 0
        if "basket" in self.pages:
            self.basket_label.setText(f"Leaflet basket: {count}")
        self.basket_label.setVisible("basket" in self.pages)

    def _fit_nav(self) -> None:
        """The navigation is as wide as its longest entry ("Reviews due (15)"), whatever the font."""
        metrics = self.nav.fontMetrics()
        widest = max((metrics.horizontalAdvance(self.nav.item(r).text()) for r in range(self.nav.count())),
                     default=0)
        padding = 2 * self.nav.frameWidth() + 2 * self.nav.spacing() + metrics.averageCharWidth() * 2 + 8
        need = widest + padding
        self.nav.setMaximumWidth(max(260, need))
        self.nav.setMinimumWidth(max(190, need))

    def _on_data_changed(self, source_key: str) -> None:
        for key, page in self.pages.built().items():
            if key != source_key and hasattr(page, "refresh") and page is self.stack.currentWidget():
                page.refresh()
            elif key != source_key:
                page.setProperty("stale", True)
        self.refresh_counts()

    # ---- closing
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        for page in self.pages.built().values():
            can_close = getattr(page, "can_close", None)
            if can_close is not None and not can_close():
                event.ignore()
                return
        settings = QSettings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        self.tasks.stop_for_close()  # a background database check stops; it runs again next time
        self.tasks.wait(10000)
        self.closing.emit()
        if self._undo_ui_wait is not None:
            self._undo_ui_wait()
        event.accept()


__all__ = ["MainWindow", "__version__"]
