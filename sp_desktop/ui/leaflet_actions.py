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

from sp_desktop.services.base import Permission, can
from sp_desktop.ui.actions import PAGE_SCOPE, make_action
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
        on_page = directory is not None and hasattr(directory, "add_selection_action")
        self.add_action = make_action(directory if directory is not None else window, "Add to leaflet basket",
                                      self.add_selected, name="add_to_basket", shortcut="Ctrl+B",
                                      tip="Put the selected service on a patient leaflet (Ctrl+B)",
                                      scope=PAGE_SCOPE if on_page else None)
        if on_page:
            directory.add_selection_action(self.add_action)
        else:
            window.addAction(self.add_action)

        self.print_action = make_action(
            window, "&Print leaflet…", self.print_leaflet, name="print_leaflet", shortcut="Ctrl+P",
            tip="Print the leaflet basket, or the selected service when the basket is empty (Ctrl+P)",
            scope=None, add_to_owner=True)

        self.print_selected_action = make_action(
            directory if directory is not None else window, "Print leaflet\tCtrl+P", self.print_selected,
            name="print_selected", tip="Print a leaflet for the selected service only, straight away (Ctrl+P "
                                       "when the basket is empty); the leaflet basket is left as it is")
        self.print_selected_action.setIconText("Print leaflet")  # the toolbar button's words
        if on_page:
            directory.add_selection_action(self.print_selected_action)

        self.next_patient_action = make_action(
            window, "&Next patient", self.next_patient, name="next_patient", shortcut="Ctrl+Shift+N",
            scope=None, add_to_owner=True,
            tip="Start afresh for the next patient: empty the leaflet basket and clear the search "
                "(Ctrl+Shift+N)")

        self.booklet_action = make_action(
            window, "Make a &booklet…", lambda: self.basket.make_booklet(), name="make_booklet",
            tip="A booklet of approved services by category, for the waiting room")

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
