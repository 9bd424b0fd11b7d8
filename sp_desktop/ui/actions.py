"""The one way the window makes a QAction: words, keys, tooltip and slot in one call.

A page's keys work while focus is inside that page (`WidgetWithChildrenShortcut`), so the same key
can mean different things on different pages; a dialog passes `scope=None` for the window-wide
default. The slot is called without Qt's `checked` argument.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

PAGE_SCOPE = Qt.ShortcutContext.WidgetWithChildrenShortcut


def make_action(owner: QWidget, text: str, slot: Callable[[], object], *, name: str = "",
                shortcut: str | Sequence[str] | None = None, tip: str = "",
                scope: Qt.ShortcutContext | None = PAGE_SCOPE, add_to_owner: bool = False) -> QAction:
    """A QAction owned by `owner`. `shortcut`: one key sequence or several ("Ctrl++", "Ctrl+=");
    `tip`: tooltip and status-bar text; `add_to_owner`: the keys work without a menu or toolbar."""
    action = QAction(text, owner)
    if name:
        action.setObjectName(name)
    keys = [shortcut] if isinstance(shortcut, str) else list(shortcut or ())
    if keys:
        action.setShortcuts([QKeySequence(k) for k in keys])
        if scope is not None:
            action.setShortcutContext(scope)
    if tip:
        action.setToolTip(tip)
        action.setStatusTip(tip)
    if add_to_owner:
        owner.addAction(action)
    action.triggered.connect(lambda _checked=False: slot())
    return action


__all__ = ["PAGE_SCOPE", "make_action"]
