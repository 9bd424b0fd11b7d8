"""Figure cards: a row of big numbers, each over its label ("64% (177 of 275)" over "Attended").

The cards stand in one row while they fit and wrap onto more rows when the width runs short
(6 in a row, then 3 + 3, then 2 + 2 + 2, then one under another), so a value or its label is
never cut off however narrow the window: a card is never narrower than its own text, and values
are never elided.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QFrame, QLabel, QLayout, QLayoutItem, QVBoxLayout, QWidget


class CardGridLayout(QLayout):
    """Cards in as many columns as fit, in balanced rows (6 cards: 6, then 3 + 3, 2 + 2 + 2, 1 each).

    A column is as wide as its widest card; spare width is shared out equally between columns.
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = 18) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)

    # ---- QLayout
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt override)
        self._items.append(item)

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
        """Every card in one row."""
        sizes = self._sizes()
        widths = self._column_widths(sizes, len(sizes))
        return self._with_margins(sum(widths) + max(0, len(widths) - 1) * self.spacing(),
                                  max((h.height() for h in sizes), default=0))

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt override)
        """One card wide (the widest); the height comes from heightForWidth."""
        sizes = self._sizes()
        return self._with_margins(max((h.width() for h in sizes), default=0),
                                  max((h.height() for h in sizes), default=0))

    # ---- arranging
    def _visible(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _sizes(self) -> list[QSize]:
        """What each card needs: its own full text, never less."""
        return [item.sizeHint().expandedTo(item.minimumSize()) for item in self._visible()]

    def _with_margins(self, width: int, height: int) -> QSize:
        m = self.contentsMargins()
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    @staticmethod
    def _column_widths(sizes: list[QSize], columns: int) -> list[int]:
        return [max(sizes[i].width() for i in range(c, len(sizes), columns)) for c in range(columns)]

    def columns(self, width: int) -> int:
        """How many cards stand in a row at `width` (the layout's whole width, margins included)."""
        sizes = self._sizes()
        m = self.contentsMargins()
        inner = width - m.left() - m.right()
        n = len(sizes)
        for columns in range(n, 1, -1):
            if math.ceil(n / math.ceil(n / columns)) != columns:
                continue  # 6 cards go 3 + 3, never 5 + 1 or 4 + 2
            if sum(self._column_widths(sizes, columns)) + (columns - 1) * self.spacing() <= inner:
                return columns
        return 1

    def _arrange(self, rect: QRect, apply: bool) -> int:
        m = self.contentsMargins()
        visible = self._visible()
        if not visible:
            return m.top() + m.bottom()
        sizes = self._sizes()
        columns = self.columns(rect.width())
        widths = self._column_widths(sizes, columns)
        rows = math.ceil(len(visible) / columns)
        heights = [max(sizes[i].height() for i in range(r * columns, min(len(sizes), (r + 1) * columns)))
                   for r in range(rows)]
        spacing = self.spacing()
        if apply:
            inner = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
            spare = max(0, inner.width() - sum(widths) - (columns - 1) * spacing) // columns
            widths = [w + spare for w in widths]
            for i, item in enumerate(visible):
                row, column = divmod(i, columns)
                x = inner.x() + sum(widths[:column]) + column * spacing
                y = inner.y() + sum(heights[:row]) + row * spacing
                item.setGeometry(QRect(x, y, widths[column], heights[row]))
        return sum(heights) + (rows - 1) * spacing + m.top() + m.bottom()


class FigureCards(QFrame):
    """Cards of figures by key: `values[key]` is the big number, `titles[key]` the words under it."""

    def __init__(self, cards: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.grid = CardGridLayout(self)
        self.values: dict[str, QLabel] = {}
        self.titles: dict[str, QLabel] = {}
        for key, title in cards:
            card = QWidget()
            card.setObjectName(f"card_{key}")
            box = QVBoxLayout(card)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(0)
            value = QLabel("–")
            value.setObjectName(f"glance_{key}")
            font = value.font()
            font.setPointSizeF(font.pointSizeF() * 1.5)
            font.setBold(True)
            value.setFont(font)
            value.setAccessibleDescription(title)  # read as "3 !, Services with …"
            value.setTextFormat(Qt.TextFormat.PlainText)
            label = QLabel(title)
            label.setObjectName(f"glance_{key}_title")
            box.addWidget(value)
            box.addWidget(label)
            self.grid.addWidget(card)
            self.values[key] = value
            self.titles[key] = label


__all__ = ["CardGridLayout", "FigureCards"]
