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

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QRect,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
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


class FitColumns(QObject):
    """A table that never scrolls sideways and never cuts a word off: its columns share the width it
    has (each at least as wide as its longest word, the rest shared by how much text each holds), the
    text wraps, the rows on screen are as tall as their text and the column headings wrap too.

    On a wide window nothing changes to the eye (every column gets its whole text on one line, the
    spare width goes to the widest column). At 1024 x 768 and 150 % (about 480 logical pixels for a
    page beside the navigation), or with a large system font, long names take two or three lines
    instead of ending in "…", which nobody can read. Only the rows on screen (and a sample of the
    first ones, for the widths) are measured, so a list of 25,000 rows costs no more than a short one.
    """

    SAMPLE = 60  # rows measured for the widths, beside those on screen

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view
        self._busy = False
        self.hidden_by_fit: list[int] = []  # columns out of sight for lack of room (logical indexes)
        self.natural: dict[int, int] = {}  # each column's width for its text on one line (last fit)
        self._note = ""
        view.setWordWrap(True)
        view.setTextElideMode(Qt.TextElideMode.ElideNone)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(ResizeMode.Fixed)  # the table shares out the width itself
        self._wrap_headings(True)
        self._columns_timer = QTimer(self)
        self._columns_timer.setSingleShot(True)
        self._columns_timer.setInterval(0)
        self._columns_timer.timeout.connect(self.fit)
        self._rows_timer = QTimer(self)
        self._rows_timer.setSingleShot(True)
        self._rows_timer.setInterval(0)
        self._rows_timer.timeout.connect(self.fit_rows)
        self._viewport = view.viewport()
        self._viewport.installEventFilter(self)
        view.verticalScrollBar().valueChanged.connect(lambda _v: self._rows_timer.start())
        header.sectionCountChanged.connect(lambda *_: self._columns_timer.start())
        self._model: QAbstractItemModel | None = None
        self.watch_model()

    def _wrap_headings(self, wrap: bool) -> None:
        # The word-wrap flag in the headings' alignment makes Qt wrap them when painting. A saved
        # header state holding it cannot be restored (QHeaderView.restoreState refuses it), so it is
        # left out while saving and put back after a restore.
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        if wrap:
            flags |= Qt.AlignmentFlag(Qt.TextFlag.TextWordWrap.value)
        header = self.view.horizontalHeader()
        if header.defaultAlignment() != flags:
            header.setDefaultAlignment(flags)

    def watch_model(self) -> None:
        model = self.view.model()
        if model is None or model is self._model:
            return
        self._model = model
        for signal in (model.modelReset, model.layoutChanged, model.rowsInserted, model.rowsRemoved,
                       model.dataChanged, model.headerDataChanged):
            signal.connect(lambda *_: self._columns_timer.start())

    def eventFilter(self, obj: QObject, event: Any) -> bool:  # noqa: N802 (Qt override)
        if obj is self._viewport and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._columns_timer.start()
        return False

    # ---- measuring
    def _padding(self) -> int:
        style = self.view.style()
        margin = style.pixelMetric(style.PixelMetric.PM_FocusFrameHMargin, None, self.view) + 1
        return 2 * margin + 4

    def _rows_on_screen(self) -> range:
        model = self.view.model()
        rows = model.rowCount() if model is not None else 0
        first = max(self.view.rowAt(0), 0)
        last = self.view.rowAt(self.view.viewport().height() - 1)
        return range(first, rows if last < 0 else min(last + 1, rows))

    def _sample_rows(self) -> list[int]:
        model = self.view.model()
        rows = model.rowCount() if model is not None else 0
        return sorted(set(range(min(rows, self.SAMPLE))) | set(self._rows_on_screen()))

    def fit(self) -> None:
        """Share the width out among the columns, then fit the rows on screen."""
        view, model = self.view, self.view.model()
        if model is None or self._busy:
            return
        self.watch_model()
        header = view.horizontalHeader()
        available = view.viewport().width()
        if available <= 0:
            return
        self._wrap_headings(True)  # (again after a restored header state)
        self._busy = True
        for c in self.hidden_by_fit:  # room may have come back: measure every column again
            header.setSectionHidden(c, False)
        self.hidden_by_fit = []
        self._busy = False
        columns = sorted((c for c in range(model.columnCount()) if not header.isSectionHidden(c)),
                         key=header.visualIndex)
        if not columns:
            return
        metrics = view.fontMetrics()
        head_metrics = header.fontMetrics()
        pad = self._padding()
        sort_room = head_metrics.height() + 4 if view.isSortingEnabled() else 0
        rows = self._sample_rows()
        natural: dict[int, int] = {}
        least: dict[int, int] = {}
        for c in columns:
            title = str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
            nat = head_metrics.horizontalAdvance(title) + pad + sort_room
            word = max((head_metrics.horizontalAdvance(w) for w in title.split()), default=0)
            word += pad + sort_room
            for r in rows:
                text = str(model.index(r, c).data(Qt.ItemDataRole.DisplayRole) or "")
                for line in text.splitlines() or [""]:
                    nat = max(nat, metrics.horizontalAdvance(line) + pad)
                word = max(word, max((metrics.horizontalAdvance(w) for w in text.split()), default=0) + pad)
            natural[c], least[c] = nat, min(word, nat)
        self.natural = dict(natural)
        # Too many columns for the width even one word a line (a ten-column log beside the navigation
        # at 150 %): the right-most go out of sight until there is room, and the table says which.
        while len(columns) > 1 and sum(least[c] for c in columns) > available:
            self.hidden_by_fit.insert(0, columns.pop())
        self._say_hidden()
        natural = {c: natural[c] for c in columns}
        least = {c: least[c] for c in columns}
        total_natural, total_least = sum(natural.values()), sum(least.values())
        if total_natural <= available:
            widths = dict(natural)
            widest = max(columns, key=lambda c: natural[c])
            widths[widest] += available - total_natural
        elif total_least < available:
            widths = self._share(columns, natural, least, available)
        else:  # even one word a column does not fit: scroll sideways rather than cut words
            widths = least
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff if sum(widths.values())
                                          <= available else Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self._busy = True
        try:
            for c in self.hidden_by_fit:
                header.setSectionHidden(c, True)
            for c, width in widths.items():
                if header.sectionSize(c) != width:
                    header.resizeSection(c, width)
            tallest = max(head_metrics.boundingRect(QRect(0, 0, max(widths[c] - pad - sort_room, 1), 10000),
                                                    int(Qt.TextFlag.TextWordWrap.value), str(
                                                        model.headerData(c, Qt.Orientation.Horizontal) or ""))
                          .height() for c in columns)
            header.setMinimumHeight(tallest + pad)
        finally:
            self._busy = False
        self.fit_rows()

    @staticmethod
    def _share(columns: list[int], natural: dict[int, int], least: dict[int, int],
               available: int) -> dict[int, int]:
        """Short columns ("Free", "Approved ✓") keep their words on one line while the long ones
        share what is left, each at least its longest word, by how much text each holds."""
        widths: dict[int, int] = {}
        left = sorted(columns, key=lambda c: natural[c])
        remaining = available
        while left and natural[left[0]] <= remaining / len(left) \
                and sum(least[c] for c in left[1:]) <= remaining - natural[left[0]]:
            c = left.pop(0)
            widths[c] = natural[c]
            remaining -= natural[c]
        if left:
            low, high = sum(least[c] for c in left), sum(natural[c] for c in left)
            share = (remaining - low) / (high - low) if high > low else 0
            for c in left:
                widths[c] = least[c] + int((natural[c] - least[c]) * share)
            widths[max(left, key=lambda c: natural[c])] += remaining - sum(widths[c] for c in left)
        return widths

    def _say_hidden(self) -> None:
        """A tooltip and the table's accessible description name the columns out of sight."""
        model = self.view.model()
        titles = [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in self.hidden_by_fit]
        note = (f"Not shown for lack of room: {', '.join(titles)}. Widen the window (or use a smaller "
                "text size) to see them; the record itself shows everything." if titles else "")
        if note == self._note:
            return
        description = self.view.accessibleDescription()
        if self._note and description.endswith(self._note):
            description = description[: -len(self._note)].rstrip()
        self.view.setAccessibleDescription(f"{description} {note}".strip())
        self.view.horizontalHeader().setToolTip(note)
        self._note = note

    def header_state(self) -> Any:
        """The header's saved state as if no column were out of sight for lack of room (so that
        remembering the layout never remembers a column as hidden by the person)."""
        header = self.view.horizontalHeader()
        self._busy = True
        try:
            for c in self.hidden_by_fit:
                header.setSectionHidden(c, False)
            self._wrap_headings(False)
            state = header.saveState()
            self._wrap_headings(True)
            for c in self.hidden_by_fit:
                header.setSectionHidden(c, True)
        finally:
            self._busy = False
        return state

    def fit_rows(self) -> None:
        """The rows on screen as tall as their wrapped text (twice over: taller rows show fewer)."""
        if self.view.model() is None:
            return
        for _ in range(2):
            for r in self._rows_on_screen():
                self.view.resizeRowToContents(r)


def fit_columns(view: QTableView) -> FitColumns:
    """Make `view` share its width among its columns and wrap its text (see `FitColumns`)."""
    existing = getattr(view, "_sp_fit_columns", None)
    if isinstance(existing, FitColumns):
        return existing
    fitter = FitColumns(view)
    view._sp_fit_columns = fitter  # type: ignore[attr-defined]
    return fitter


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
    fit_width: bool = True,
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
    - `fit_width`: the columns share the table's width and the text wraps, so nothing scrolls
      sideways and no word is cut off (`FitColumns`); widths and modes given above are then only
      where the sharing starts.
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
    if fit_width:
        fit_columns(view)
    return view


def empty_note(name: str, text: str = "") -> QLabel:
    """The words shown when a list is empty ("No open follow-ups. Add one when…"), wrapped."""
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


__all__ = ["FitColumns", "ResizeMode", "configure_table", "empty_note", "fit_columns", "sorting_proxy"]
