"""A small bar chart drawn with QPainter (QtCharts is not part of the install).

Every bar carries its value as text and its label underneath (or beside it), so the chart reads
without colour. It takes keyboard focus: ← → (or ↑ ↓) move between bars, and the chosen bar's
label and value are shown under the chart and given to screen readers. The whole data set is
also in the accessible description.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

BAR_COLOUR = QColor("#0072B2")  # Okabe-Ito blue: readable on light and dark backgrounds
CURRENT_COLOUR = QColor("#D55E00")


class BarChart(QWidget):
    """Vertical (one bar per category along the bottom) or horizontal (one bar per row) bars."""

    current_changed = Signal(int)

    def __init__(self, title: str, *, horizontal: bool = False, unit: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.horizontal = horizontal
        self.unit = unit
        self.labels: tuple[str, ...] = ()
        self.values: tuple[int, ...] = ()
        self.tips: tuple[str, ...] = ()
        self.current = -1
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAccessibleName(title)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(160)

    # ---- data
    def set_data(self, labels: Sequence[str], values: Sequence[int], tips: Sequence[str] = ()) -> None:
        self.labels = tuple(labels)
        self.values = tuple(int(v) for v in values)
        self.tips = tuple(tips) if len(tips) == len(labels) else tuple("" for _ in labels)
        self.current = -1 if not self.labels else min(max(self.current, -1), len(self.labels) - 1)
        parts = [f"{lab}: {self._value_text(v)}" for lab, v in zip(self.labels, self.values, strict=True)]
        self.setAccessibleDescription(f"{self.title}. " + ("; ".join(parts) if parts else "No data."))
        self.updateGeometry()
        self.update()

    def _value_text(self, value: int) -> str:
        return f"{value} {self.unit}".strip()

    def describe(self, index: int) -> str:
        if not 0 <= index < len(self.labels):
            return ""
        text = f"{self.labels[index]}: {self._value_text(self.values[index])}"
        if self.tips[index]:
            text += f" — {self.tips[index]}"
        return text

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        if self.horizontal:
            return QSize(520, max(160, 26 * len(self.labels) + 40))
        return QSize(640, 260)

    # ---- geometry
    def _plot_rect(self) -> QRectF:
        fm = QFontMetrics(self.font())
        if self.horizontal:
            widest = max((fm.horizontalAdvance(s) for s in self.labels), default=40)
            label_w = min(self.width() * 0.45, widest + 12)
            return QRectF(label_w, 8, max(10.0, self.width() - label_w - fm.horizontalAdvance("00000") - 16),
                          max(10.0, self.height() - 16))
        top = fm.height() + 8
        bottom = fm.height() * (2.4 if self._rotate_labels() else 1.6)
        return QRectF(8, top, max(10.0, self.width() - 16), max(10.0, self.height() - top - bottom))

    def _rotate_labels(self) -> bool:
        if not self.labels or self.horizontal:
            return False
        fm = QFontMetrics(self.font())
        widest = max(fm.horizontalAdvance(s) for s in self.labels)
        return widest + 6 > (self.width() - 16) / len(self.labels)

    def _bar_rect(self, i: int, plot: QRectF, top: int) -> QRectF:
        n = len(self.labels)
        value = self.values[i]
        if self.horizontal:
            slot = plot.height() / n
            thick = min(22.0, slot * 0.7)
            length = plot.width() * (value / top) if top else 0
            return QRectF(plot.left(), plot.top() + slot * i + (slot - thick) / 2, max(length, 1.0), thick)
        slot = plot.width() / n
        thick = min(48.0, slot * 0.7)
        length = plot.height() * (value / top) if top else 0
        return QRectF(plot.left() + slot * i + (slot - thick) / 2, plot.bottom() - length, thick,
                      max(length, 1.0))

    def _top(self) -> int:
        return max(max(self.values, default=0), 1)

    def bar_at(self, x: float, y: float) -> int:
        plot = self._plot_rect()
        n = len(self.labels)
        if not n:
            return -1
        if self.horizontal:
            i = int((y - plot.top()) // (plot.height() / n))
        else:
            i = int((x - plot.left()) // (plot.width() / n))
        return i if 0 <= i < n else -1

    # ---- painting
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text_colour = pal.color(pal.ColorRole.WindowText)
        p.fillRect(self.rect(), pal.color(pal.ColorRole.Base))
        if not self.labels:
            p.setPen(text_colour)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Nothing to show for this period.")
            return
        fm = QFontMetrics(self.font())
        plot = self._plot_rect()
        top = self._top()
        axis_pen = QPen(pal.color(pal.ColorRole.Mid))
        p.setPen(axis_pen)
        if self.horizontal:
            p.drawLine(QPointF(plot.left(), plot.top()), QPointF(plot.left(), plot.bottom()))
        else:
            p.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
        rotate = self._rotate_labels()
        n = len(self.labels)
        for i in range(n):
            r = self._bar_rect(i, plot, top)
            p.fillRect(r, CURRENT_COLOUR if i == self.current else BAR_COLOUR)
            if i == self.current:  # not by colour alone: hatched, outlined and its value in bold
                p.fillRect(r, QBrush(pal.color(pal.ColorRole.Base), Qt.BrushStyle.BDiagPattern))
                p.setPen(QPen(text_colour, 2))
                p.drawRect(r)
            if i == self.current and self.hasFocus():
                p.setPen(QPen(text_colour, 2, Qt.PenStyle.DashLine))
                p.drawRect(r.adjusted(-3, -3, 3, 3))
            p.setPen(text_colour)
            bold = QFont(self.font())
            bold.setBold(i == self.current)
            p.setFont(bold)
            value = str(self.values[i])
            if self.horizontal:
                p.drawText(QRectF(r.right() + 4, r.top(), fm.horizontalAdvance(value) + 8, r.height()),
                           Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, value)
                label = fm.elidedText(self.labels[i], Qt.TextElideMode.ElideRight, int(plot.left() - 8))
                p.drawText(QRectF(0, r.top() - 4, plot.left() - 6, r.height() + 8),
                           Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, label)
            else:
                slot = plot.width() / n
                p.drawText(QRectF(r.center().x() - slot / 2, r.top() - fm.height() - 2, slot, fm.height()),
                           Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, value)
                if rotate:
                    p.save()
                    p.translate(r.center().x() + fm.ascent() / 2, plot.bottom() + 4)
                    p.rotate(-45)
                    p.drawText(QPointF(-fm.horizontalAdvance(self.labels[i]), 0), self.labels[i])
                    p.restore()
                else:
                    p.drawText(QRectF(r.center().x() - slot / 2, plot.bottom() + 2, slot, fm.height() + 2),
                               Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, self.labels[i])
        p.end()

    # ---- interaction
    def set_current(self, index: int) -> None:
        if not self.labels:
            return
        index = max(0, min(index, len(self.labels) - 1))
        if index != self.current:
            self.current = index
            self.setAccessibleDescription(self.describe(index))
            self.current_changed.emit(index)
            self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        key = event.key()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Down):
            self.set_current(self.current + 1)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Up):
            self.set_current(self.current - 1 if self.current > 0 else 0)
        elif key == Qt.Key.Key_Home:
            self.set_current(0)
        elif key == Qt.Key.Key_End:
            self.set_current(len(self.labels) - 1)
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt override)
        if self.current < 0 and self.labels:
            self.set_current(0)
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt override)
        self.update()
        super().focusOutEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        i = self.bar_at(event.position().x(), event.position().y())
        if i >= 0:
            QToolTip.showText(event.globalPosition().toPoint(), self.describe(i), self)
        else:
            QToolTip.hideText()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        i = self.bar_at(event.position().x(), event.position().y())
        if i >= 0:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self.set_current(i)
        super().mousePressEvent(event)


__all__ = ["BarChart"]
