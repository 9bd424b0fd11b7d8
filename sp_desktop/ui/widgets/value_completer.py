"""Suggestions while typing a field that repeats values already in the directory (town, area
covered, legal status, languages, category): "pai" offers "Paisley". The suggestions are only
offered: the field keeps exactly what was typed unless one is chosen (Down then Enter, or a click),
and Tab moves on with the typed text as it is.

`offer_values(edit, values)` fits a QLineEdit; `offer_each_value(edit, values)` one that holds a list
separated by commas ("English, Pol" offers "Polish" for the word being typed).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit


def _completer(edit: QLineEdit, values: Iterable[str]) -> QCompleter:
    model = QStringListModel([v for v in values if v], edit)
    completer = QCompleter(model, edit)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)  # "ley" finds "Paisley" as well as "Leyton"
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    completer.setMaxVisibleItems(8)
    completer.popup().setAccessibleName(f"Suggestions for {edit.accessibleName() or 'this field'}")
    return completer


def offer_values(edit: QLineEdit, values: Iterable[str]) -> QCompleter:
    """Offer `values` (most used first) as the person types in `edit`."""
    completer = _completer(edit, values)
    edit.setCompleter(completer)
    return completer


class _EachWord(QCompleter):
    """Completes the last item of a comma-separated list, keeping the items before it."""

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 (Qt override)
        return [path.rsplit(",", 1)[-1].strip()]

    def pathFromIndex(self, index: object) -> str:  # noqa: N802 (Qt override)
        chosen = str(super().pathFromIndex(index))  # type: ignore[arg-type]
        edit = self.widget()
        typed = edit.text() if isinstance(edit, QLineEdit) else ""
        head = typed.rsplit(",", 1)[0] if "," in typed else ""
        return f"{head.rstrip()}, {chosen}" if head.strip() else chosen


def offer_each_value(edit: QLineEdit, values: Iterable[str]) -> QCompleter:
    """As `offer_values`, for a field holding a list separated by commas."""
    completer = _EachWord(QStringListModel([v for v in values if v], edit), edit)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    completer.setMaxVisibleItems(8)
    completer.popup().setAccessibleName(f"Suggestions for {edit.accessibleName() or 'this field'}")
    edit.setCompleter(completer)
    return completer


__all__ = ["offer_values", "offer_each_value"]
