"""A row of widgets that wraps onto more rows when the width runs short (filters, action buttons).

Each widget keeps its own preferred width (a drop-down never shrinks so far that its words are cut
off); what does not fit on a row goes to the next, and the layout asks for the height of the rows it
needs (height-for-width), so the widgets under it move down instead of being overlapped. The
narrowest it can be is its widest widget, so a window can be made as narrow as a small screen.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget, QWidgetItem


class FlowLayout(QLayout):
    """Left to right, then onto the next row; each row as tall as its tallest widget, the others
    centred in it (a widget that expands vertically, such as a separator line, takes the row's
    height)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6,
                 row_spacing: int | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)
        self._row_spacing = spacing if row_spacing is None else row_spacing

    # ---- QLayout
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt override)
        self._items.append(item)

    def insert_widget(self, index: int, widget: QWidget) -> None:
        """Put `widget` before the one at `index` (at the end when `index` is out of range)."""
        self.addChildWidget(widget)
        index = index if 0 <= index <= len(self._items) else len(self._items)
        self._items.insert(index, QWidgetItem(widget))
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt override)
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt override)
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 (Qt override)
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt override)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt override)
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt override)
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        """Everything on one row."""
        sizes = [self._size(item) for item in self._visible()]
        width = sum(s.width() for s in sizes) + max(0, len(sizes) - 1) * self.spacing()
        return self._with_margins(width, max((s.height() for s in sizes), default=0))

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt override)
        """As wide as the widest widget; the height for a width comes from heightForWidth."""
        sizes = [self._size(item) for item in self._visible()]
        return self._with_margins(max((s.width() for s in sizes), default=0),
                                  max((s.height() for s in sizes), default=0))

    # ---- arranging
    def _visible(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    @staticmethod
    def _size(item: QLayoutItem) -> QSize:
        return item.sizeHint().expandedTo(item.minimumSize()).boundedTo(item.maximumSize())

    def _with_margins(self, width: int, height: int) -> QSize:
        m = self.contentsMargins()
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def rows(self, width: int) -> list[list[QLayoutItem]]:
        """The visible items row by row at `width` (the layout's whole width, margins included)."""
        m = self.contentsMargins()
        inner = max(0, width - m.left() - m.right())
        rows: list[list[QLayoutItem]] = []
        used = 0
        for item in self._visible():
            w = self._size(item).width()
            if rows and rows[-1] and used + self.spacing() + w <= inner:
                rows[-1].append(item)
                used += self.spacing() + w
            else:
                rows.append([item])
                used = w
        return rows

    def _arrange(self, rect: QRect, apply: bool) -> int:
        m = self.contentsMargins()
        rows = self.rows(rect.width())
        if not rows:
            return m.top() + m.bottom()
        inner = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        y = inner.y()
        for i, row in enumerate(rows):
            height = max(self._size(item).height() for item in row)
            if apply:
                x = inner.x()
                for item in row:
                    size = self._size(item)
                    w = min(size.width(), inner.width())  # a lone widget wider than the layout
                    h = height if item.expandingDirections() & Qt.Orientation.Vertical else size.height()
                    item.setGeometry(QRect(x, y + (height - h) // 2, w, h))
                    x += w + self.spacing()
            y += height + (self._row_spacing if i < len(rows) - 1 else 0)
        return y - inner.y() + m.top() + m.bottom()




def kept_together(*widgets: QWidget) -> QWidget:
    """Widgets that wrap as one ("to" and its date: never "to" at the end of one row and the date on
    the next): a box of them, side by side, to add to a `FlowLayout`."""
    from PySide6.QtWidgets import QHBoxLayout

    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        row.addWidget(w)
    return box


__all__ = ["FlowLayout", "kept_together"]
