"""The main window's pages, one at a time, each in a scroll area of its own.

On a large screen the scroll area is invisible: the page fills it. On a small one (1024 x 768 at
150 % scaling is 683 x 512 logical pixels, or a 16 pt system font) a page that needs more room than
the window has scrolls inside the window instead of pushing the window off the screen.

`PageStack` behaves like a QStackedWidget of the pages themselves: `addWidget(page)`,
`setCurrentWidget(page)`, `currentWidget()` (the page) and `indexOf(page)` take and give pages;
the scroll areas stay out of sight."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QStackedWidget, QWidget


class PageStack(QStackedWidget):
    def _host(self, page: QWidget) -> QWidget:
        area = page.parentWidget().parentWidget() if page.parentWidget() is not None else None
        return area if isinstance(area, QScrollArea) and area.widget() is page else page

    def addWidget(self, page: QWidget) -> int:  # noqa: N802 (Qt override)
        area = QScrollArea()
        area.setObjectName(f"{page.objectName() or 'page'}_area")
        area.setAccessibleName(page.accessibleName() or "Page")
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the page's controls take the focus
        area.setWidget(page)
        return super().addWidget(area)

    def setCurrentWidget(self, page: QWidget) -> None:  # noqa: N802 (Qt override)
        super().setCurrentWidget(self._host(page))

    def currentWidget(self) -> QWidget | None:  # noqa: N802 (Qt override)
        area = super().currentWidget()
        return area.widget() if isinstance(area, QScrollArea) else area

    def indexOf(self, page: QWidget) -> int:  # noqa: N802 (Qt override)
        return super().indexOf(self._host(page))

    def page_at(self, index: int) -> QWidget | None:
        area = self.widget(index)
        return area.widget() if isinstance(area, QScrollArea) else area


__all__ = ["PageStack"]
