"""One way to set up a read-only table of rows, so every list in the app looks and behaves alike.

`configure_table(view, name=..., accessible_name=...)` gives a table whole-row selection (one row
by default), no editing in place, alternating row colours, no row numbers and columns the person
can widen; on request, sorting by a click on a column header, rows as tall as their text, column
widths, a stretching column, and a row action that Enter and a double-click (or a single click)
run, so the keyboard reaches everything the mouse does.

`empty_note(name)` is the line shown under (or instead of) a list with nothing in it, saying
what to do next.

`sorting_proxy(model, sort_role)` is the proxy for a model that gives a sort key per cell in
`sort_role` (numbers and dates then sort as numbers and dates, not as text).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView

ResizeMode = QHeaderView.ResizeMode


def sorting_proxy(model: QAbstractItemModel, sort_role: int,
                  parent: QObject | None = None) -> QSortFilterProxyModel:
    """A proxy over `model` that sorts by the values the model gives in `sort_role`."""
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(sort_role)
    return proxy


class _EnterActivates(QObject):
    """Enter or Return (without modifiers) on the table runs the row action."""

    def __init__(self, view: QTableView, action: Callable[[], object]) -> None:
        super().__init__(view)
        self.action = action

    def eventFilter(self, obj: QObject, event: Any) -> bool:  # noqa: N802 (Qt override)
        if isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.action()
            return True
        return False


def configure_table(
    view: QTableView,
    *,
    name: str,
    accessible_name: str,
    accessible_description: str = "",
    model: QAbstractItemModel | None = None,
    single_selection: bool = True,
    alternating_rows: bool = True,
    word_wrap: bool = True,
    rows_fit_contents: bool = False,
    resize_mode: ResizeMode = ResizeMode.Interactive,
    column_modes: Mapping[int, ResizeMode] | None = None,
    stretch_last: bool = False,
    column_widths: Mapping[int, int] | Sequence[int] = (),
    sort_by: int | None = None,
    sort_order: Qt.SortOrder = Qt.SortOrder.AscendingOrder,
    on_activate: Callable[[], object] | None = None,
    activate_on_click: bool = False,
) -> QTableView:
    """Set up `view` as a read-only list of rows; returns it.

    - `name`, `accessible_name`, `accessible_description`: the object name (tests, settings) and what a
      screen reader says for the table.
    - `model`: set on the view (leave out for a QTableWidget).
    - `single_selection`: one row at a time (otherwise Shift/Ctrl extend the selection).
    - `rows_fit_contents`: each row as tall as its (wrapped) text.
    - `resize_mode` for every column, `column_modes` for some (e.g. ``{COL_SUMMARY: Stretch}``),
      `stretch_last` to let the last column take the spare width.
    - `column_widths`: starting widths, by column (a sequence: in column order, 0 leaves a column be).
    - `sort_by`: sortable by a click on a header, starting sorted by this column in `sort_order`
      (-1: in the model's own order until a header is clicked); None: not sortable.
    - `on_activate`: the row action, run by Enter/Return and by a double-click, or with
      `activate_on_click` by a single click (which selects the row first).
    """
    view.setObjectName(name)
    view.setAccessibleName(accessible_name)
    if accessible_description:
        view.setAccessibleDescription(accessible_description)
    if model is not None:
        view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection if single_selection
                          else QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(alternating_rows)
    view.setWordWrap(word_wrap)
    vertical = view.verticalHeader()
    vertical.hide()
    if rows_fit_contents:
        vertical.setSectionResizeMode(ResizeMode.ResizeToContents)
    header = view.horizontalHeader()
    header.setSectionResizeMode(resize_mode)
    for column, mode in (column_modes or {}).items():
        header.setSectionResizeMode(column, mode)
    header.setStretchLastSection(stretch_last)
    widths = column_widths.items() if isinstance(column_widths, Mapping) else enumerate(column_widths)
    for column, width in widths:
        if width:
            view.setColumnWidth(column, width)
    if sort_by is not None:
        # The indicator first: turning sorting on then sorts once, by this column.
        header.setSortIndicator(sort_by, sort_order)
        view.setSortingEnabled(True)
    if on_activate is not None:
        action = on_activate
        view.installEventFilter(_EnterActivates(view, action))
        if activate_on_click:
            def clicked(index: QModelIndex) -> None:
                if index.isValid():
                    view.selectRow(index.row())
                    action()

            view.clicked.connect(clicked)
        else:
            view.doubleClicked.connect(lambda _index: action())
    return view


def empty_note(name: str, text: str = "") -> QLabel:
    """The words shown when a list is empty ("No open follow-ups. Add one when…"), wrapped."""
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


__all__ = ["ResizeMode", "configure_table", "empty_note", "sorting_proxy"]
