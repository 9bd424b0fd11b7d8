"""The line under a "Kind" (legal status) field saying which vetting checklist it gets: the kind of
organisation read from what is typed, or "not stated" and every item applies (issue 25 point 4)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit

from sp_desktop.domain.organisation_kind import kind_of


def hint_text(legal_status: str) -> str:
    kind = kind_of(legal_status)
    if kind is None:
        return "Vetting checklist: kind not stated, so every item is asked for."
    return f"Vetting checklist for: {kind.label}."


def kind_hint(edit: QLineEdit, name: str) -> QLabel:
    label = QLabel(hint_text(edit.text()))
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setAccessibleName(label.text())

    def update(text: str) -> None:
        label.setText(hint_text(text))
        label.setAccessibleName(label.text())

    edit.textChanged.connect(update)
    return label


__all__ = ["hint_text", "kind_hint"]
