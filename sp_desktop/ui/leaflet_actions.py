"""Hooks the leaflet basket into the window and the Directory page.

`install_leaflet_actions(window)` (called once by MainWindow) adds:
  - "Add to leaflet basket" (Ctrl+B) on the Directory page (toolbar and context menu), for the
    selected service; the navigation shows "Leaflet basket (n)";
  - "Print leaflet…" (Ctrl+P, File menu): prints the basket or, when it is empty, the service
    selected in the Directory (quick print: exactly that service, never added to the basket). The
    print dialog is pre-set to the default printer and the format (Standard unless changed); after
    printing, a one-key "Record signposting?";
  - "Print leaflet" on the Directory's toolbar and context menu (the selected service, quick print);
  - "Next patient" (Ctrl+Shift+N, File menu): empties the basket (with Undo), clears the search and
    goes back to the Directory's search box;
  - "Make a booklet…" (File menu).

UX flow 1, no mouse: type `debt`, Ctrl+P (the top result is selected), Enter, then Y or N.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from sp_desktop.services.base import Permission, can
from sp_desktop.ui.leaflet_printing import LeafletPrinter


class LeafletActions:
    """The actions; kept alive by the window (`window.leaflet_actions`)."""

    def __init__(self, window: Any, basket: Callable[[], Any], directory: Any | None,
                 basket_if_built: Callable[[], Any] | None = None) -> None:
        self.window = window
        self._basket = basket  # the basket page is built when first needed (ui/pages/__init__.py)
        self._basket_if_built = basket_if_built or basket
        self.directory = directory
        # quick print prepares and prints without the basket page (ui/leaflet_printing.py)
        self.printer = LeafletPrinter(window.ctx, window)
        self.add_action = QAction("Add to leaflet basket", directory if directory is not None else window)
        self.add_action.setObjectName("add_to_basket")
        self.add_action.setShortcut(QKeySequence("Ctrl+B"))
        tip = "Put the selected service on a patient leaflet (Ctrl+B)"
        self.add_action.setToolTip(tip)
        self.add_action.setStatusTip(tip)
        self.add_action.triggered.connect(lambda _checked=False: self.add_selected())
        if directory is not None and hasattr(directory, "add_selection_action"):
            self.add_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            directory.add_selection_action(self.add_action)
        else:
            window.addAction(self.add_action)

        self.print_action = QAction("&Print leaflet…", window)
        self.print_action.setObjectName("print_leaflet")
        self.print_action.setShortcut(QKeySequence("Ctrl+P"))
        tip = "Print the leaflet basket, or the selected service when the basket is empty (Ctrl+P)"
        self.print_action.setToolTip(tip)
        self.print_action.setStatusTip(tip)
        self.print_action.triggered.connect(lambda _checked=False: self.print_leaflet())
        window.addAction(self.print_action)

        self.print_selected_action = QAction("Print leaflet\tCtrl+P", directory if directory is not None
                                             else window)
        self.print_selected_action.setObjectName("print_selected")
        self.print_selected_action.setIconText("Print leaflet")  # the toolbar button's words
        tip = ("Print a leaflet for the selected service only, straight away (Ctrl+P when the basket is "
               "empty); the leaflet basket is left as it is")
        self.print_selected_action.setToolTip(tip)
        self.print_selected_action.setStatusTip(tip)
        self.print_selected_action.triggered.connect(lambda _checked=False: self.print_selected())
        if directory is not None and hasattr(directory, "add_selection_action"):
            directory.add_selection_action(self.print_selected_action)

        self.next_patient_action = QAction("&Next patient", window)
        self.next_patient_action.setObjectName("next_patient")
        self.next_patient_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        tip = ("Start afresh for the next patient: empty the leaflet basket and clear the search "
               "(Ctrl+Shift+N)")
        self.next_patient_action.setToolTip(tip)
        self.next_patient_action.setStatusTip(tip)
        self.next_patient_action.triggered.connect(lambda _checked=False: self.next_patient())
        window.addAction(self.next_patient_action)

        self.booklet_action = QAction("Make a &booklet…", window)
        self.booklet_action.setObjectName("make_booklet")
        self.booklet_action.setStatusTip("A booklet of approved services by category, for the waiting room")
        self.booklet_action.triggered.connect(lambda _checked=False: self.basket.make_booklet())

        menu = getattr(window, "file_menu", None)
        if menu is not None:
            first = menu.actions()[0] if menu.actions() else None
            menu.insertAction(first, self.print_action)
            menu.insertAction(first, self.next_patient_action)
            menu.insertAction(first, self.booklet_action)
            menu.insertSeparator(first)
        if not can(window.ctx.actor, Permission.PRINT_LEAFLETS):
            for action in (self.add_action, self.print_action, self.booklet_action,
                           self.print_selected_action):
                action.setEnabled(False)
                action.setVisible(False)

    @property
    def basket(self) -> Any:
        return self._basket()

    def selected_service_id(self) -> int | None:
        if self.directory is None or not hasattr(self.directory, "selected_service_id"):
            return None
        sid = self.directory.selected_service_id()
        return int(sid) if sid is not None else None

    def add_selected(self) -> bool:
        sid = self.selected_service_id()
        if sid is None:
            self.window.statusBar().showMessage("Select a service in the Directory first.", 6000)
            return False
        return bool(self.basket.add_service(sid, self.window))

    def basket_count(self) -> int:
        """What the basket holds, without building its page when it has never been shown."""
        page = self._basket_if_built()
        return int(page.count()) if page is not None else 0

    def print_leaflet(self) -> None:
        """Ctrl+P: the basket, or the selected service when the basket is empty (quick print)."""
        if self.basket_count() == 0:
            on_directory = self.directory is not None and self.window.stack.currentWidget() is self.directory
            if not on_directory:
                self.window.statusBar().showMessage(
                    "The leaflet basket is empty: select a service in the Directory and press Ctrl+P.", 8000)
                return
            self.print_selected()
            return
        self.basket.print_leaflet(self.window)

    def print_selected(self) -> None:
        sid = self.selected_service_id()
        if sid is None:
            self.window.statusBar().showMessage("Select a service in the Directory first.", 6000)
            return
        self.quick_print([sid])

    def quick_print(self, service_ids: list[int]) -> None:
        """Print exactly these services (never adding them to the basket, nor building its page)."""
        self.printer.print_services(list(service_ids), self.window)

    def next_patient(self) -> None:
        """One key between patients: nothing of the last one is left on screen."""
        basket = self._basket_if_built()
        if basket is not None and basket.count():
            basket.clear(remember=True)
            offer = getattr(self.window, "offer_undo", None)
            if callable(offer):
                offer("Ready for the next patient: the leaflet basket is empty.", basket.restore_last)
        else:
            self.window.statusBar().showMessage("Ready for the next patient.", 6000)
        if self.directory is not None:
            self.window.show_page("directory")
            self.directory.table.clearSelection()  # the last patient's service is not kept selected
            self.directory.table.setCurrentIndex(self.directory.model.index(-1, -1))
            self.directory.clear_search()


def install_leaflet_actions(window: Any) -> LeafletActions | None:
    """Add the leaflet actions to the window (and its Directory page), if it has a basket page."""
    pages = getattr(window, "pages", {})
    if "basket" not in pages:
        return None
    built = getattr(pages, "built", None)
    actions = LeafletActions(window, lambda: pages["basket"], pages.get("directory"),
                             (lambda: built().get("basket")) if callable(built) else None)
    window.leaflet_actions = actions
    return actions


__all__ = ["LeafletActions", "install_leaflet_actions"]
