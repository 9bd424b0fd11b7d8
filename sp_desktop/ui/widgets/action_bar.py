"""A bar of buttons for actions, like a text-only QToolBar, that wraps onto a second row when the
window is narrow instead of hiding the actions that do not fit behind a "»" button.

Use it like a toolbar: `bar.addAction(action)`, `bar.addSeparator()`, `bar.actions()`,
`bar.widgetForAction(action)`. A button follows its action (text, tooltip, enabled, visible). As in
a QToolBar the buttons take no keyboard focus: the actions they show are reached by their shortcuts
and from menus, so Tab goes from the controls above straight to the list below.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QActionEvent
from PySide6.QtWidgets import QFrame, QSizePolicy, QToolButton, QWidget

from sp_desktop.ui.widgets.flow_layout import FlowLayout


class ActionBar(QWidget):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.flow = FlowLayout(self, spacing=2, row_spacing=2)
        self.flow.setContentsMargins(4, 2, 4, 2)
        self._widgets: dict[QAction, QWidget] = {}

    def addSeparator(self) -> QAction:  # noqa: N802 (QToolBar's name)
        action = QAction(self)
        action.setSeparator(True)
        self.addAction(action)
        return action

    def widgetForAction(self, action: QAction) -> QWidget | None:  # noqa: N802 (QToolBar's name)
        return self._widgets.get(action)

    def actionEvent(self, event: QActionEvent) -> None:  # noqa: N802 (Qt override)
        action = event.action()
        kind = event.type()
        widget: QWidget | None = self._widgets.get(action)
        if kind == QEvent.Type.ActionAdded and widget is None:
            widget = self._separator() if action.isSeparator() else self._button(action)
            before = self._widgets.get(event.before()) if event.before() is not None else None
            index = self.flow.indexOf(before) if before is not None else -1
            self.flow.insert_widget(index, widget)
            self._widgets[action] = widget
            widget.setVisible(action.isVisible())
        elif kind == QEvent.Type.ActionChanged and widget is not None:
            if widget.isVisibleTo(self) != action.isVisible():
                widget.setVisible(action.isVisible())
                self.flow.invalidate()
        elif kind == QEvent.Type.ActionRemoved and widget is not None:
            del self._widgets[action]
            self.flow.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        super().actionEvent(event)

    def _button(self, action: QAction) -> QToolButton:
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setAutoRaise(True)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if action.objectName():
            button.setObjectName(f"{action.objectName()}_button")
        return button

    def _separator(self) -> QFrame:
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.VLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        line.setFixedWidth(9)
        line.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        return line


__all__ = ["ActionBar"]
