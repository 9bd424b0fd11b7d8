"""Marking a field as wrong, the same way everywhere.

A field with an error gets a red border (the `invalid` property, styled by `FIELD_STYLE`), a
text message with a symbol next to it ("✗ …", so colour is never the only signal) and the
message as its accessible description, so a screen reader says what is wrong. Warnings (saved
anyway) get "⚠ …" and no border.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

ERROR_COLOUR = "#a4161a"
WARNING_COLOUR = "#7a4b00"

#: Style sheet for a dialog or form holding fields that can be marked.
FIELD_STYLE = (
    f'*[invalid="true"] {{ border: 2px solid {ERROR_COLOUR}; border-radius: 3px; }}'
    f' QLabel#field_error {{ color: {ERROR_COLOUR}; }}'
    f' QLabel#field_warning {{ color: {WARNING_COLOUR}; }}'
)


def message_label() -> QLabel:
    """A hidden, word-wrapped label for a field's error or warning message."""
    label = QLabel()
    label.setObjectName("field_error")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def with_message(widget: QWidget) -> tuple[QWidget, QLabel]:
    """Wrap `widget` with a message label underneath; returns (container, label)."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(widget)
    label = message_label()
    layout.addWidget(label)
    box.setFocusProxy(widget)
    return box, label


def _restyle(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def _original_description(widget: QWidget) -> str:
    saved = widget.property("sp_plain_description")
    if saved is None:
        saved = widget.accessibleDescription()
        widget.setProperty("sp_plain_description", saved)
    return str(saved)


def _described(widget: QWidget) -> list[QWidget]:
    """The widget and, for a group whose focus goes to one control, that control too (a screen
    reader announces the description of what has the focus)."""
    proxy = widget.focusProxy()
    return [widget, proxy] if proxy is not None and proxy is not widget else [widget]


def _add_line(label: QLabel, text: str) -> None:
    lines = [x for x in label.text().split("\n") if x]
    if text not in lines:
        lines.append(text)
    label.setText("\n".join(lines))
    label.setVisible(True)


def mark_error(widget: QWidget, label: QLabel | None, message: str) -> None:
    widget.setProperty("invalid", True)
    for target in _described(widget):
        base = _original_description(target)
        target.setAccessibleDescription(f"Error: {message}" + (f" {base}" if base else ""))
        target.setToolTip(message)
    _restyle(widget)
    if label is not None:
        label.setObjectName("field_error")
        _restyle(label)
        _add_line(label, f"✗ {message}")


def mark_warning(widget: QWidget, label: QLabel | None, message: str) -> None:
    for target in _described(widget):
        base = _original_description(target)
        target.setAccessibleDescription(f"Warning: {message}" + (f" {base}" if base else ""))
        target.setToolTip(message)
    if label is not None:
        if not widget.property("invalid"):
            label.setObjectName("field_warning")
            _restyle(label)
        _add_line(label, f"⚠ {message}")


def clear_mark(widget: QWidget, label: QLabel | None) -> None:
    for target in _described(widget):
        if target.property("sp_plain_description") is not None:
            target.setAccessibleDescription(_original_description(target))
            target.setToolTip("")
    if widget.property("invalid"):
        widget.setProperty("invalid", False)
        _restyle(widget)
    if label is not None:
        label.clear()
        label.setVisible(False)


Resolver = Callable[[str], "tuple[QWidget, QLabel | None] | None"]


class FieldErrors:
    """Knows which widget and message label belong to each field name the services use
    ("name", "phones[0].number", "locations[1].postcode"), and marks them."""

    def __init__(self, general: QLabel | None = None) -> None:
        self._fields: dict[str, tuple[QWidget, QLabel | None]] = {}
        self._resolvers: list[Resolver] = []
        self._marked: list[tuple[QWidget, QLabel | None]] = []
        self.general = general

    def register(self, key: str, widget: QWidget, label: QLabel | None) -> None:
        self._fields[key] = (widget, label)

    def add_resolver(self, resolver: Resolver) -> None:
        """For fields in lists: resolver(key) -> (widget, label) or None if not its key."""
        self._resolvers.append(resolver)

    def resolve(self, key: str) -> tuple[QWidget, QLabel | None] | None:
        if key in self._fields:
            return self._fields[key]
        for resolver in self._resolvers:
            found = resolver(key)
            if found is not None:
                return found
        return None

    def clear(self) -> None:
        for widget, label in self._marked:
            try:
                clear_mark(widget, label)
            except RuntimeError:  # the row was removed since
                pass
        self._marked = []
        if self.general is not None:
            self.general.clear()
            self.general.setVisible(False)

    def show(self, errors: dict[str, str], warnings: dict[str, str] | None = None,
             order: Iterable[str] = ()) -> QWidget | None:
        """Mark every error and warning; returns the first field with an error (in `order`)."""
        self.clear()
        first: QWidget | None = None
        for key in sort_keys(errors, order):
            found = self.resolve(key)
            if found is None:
                self._general(f"✗ {errors[key]}")
                continue
            mark_error(found[0], found[1], errors[key])
            self._marked.append(found)
            if first is None:
                first = found[0]
        for key, message in (warnings or {}).items():
            self.warn(key, message)
        return first

    def warn(self, key: str, message: str) -> None:
        found = self.resolve(key)
        if found is None:
            self._general(f"⚠ {message}")
            return
        mark_warning(found[0], found[1], message)
        self._marked.append(found)

    def live(self, key: str, message: str | None, warning: bool = False) -> None:
        """Check-as-you-go: mark (or clear, when `message` is None) one field."""
        found = self.resolve(key)
        if found is None:
            return
        clear_mark(*found)
        if message:
            (mark_warning if warning else mark_error)(found[0], found[1], message)
            self._marked.append(found)

    def _general(self, text: str) -> None:
        if self.general is None:
            return
        _add_line(self.general, text)


def _split(key: str) -> tuple[str, int, str]:
    """"phones[2].number" -> ("phones", 2, "number"); "name" -> ("name", -1, "")."""
    if "[" in key and "]" in key:
        base, _, rest = key.partition("[")
        index, _, sub = rest.partition("]")
        try:
            return base, int(index), sub.lstrip(".")
        except ValueError:
            return base, -1, sub
    return key, -1, ""


def sort_keys(errors: Iterable[str], order: Iterable[str]) -> list[str]:
    """Error keys in the order the fields appear on screen (`order` lists base names)."""
    order = list(order)

    def key(k: str) -> tuple[int, int, str]:
        base, index, sub = _split(k)
        pos = order.index(base) if base in order else len(order)
        return pos, index, sub

    return sorted(errors, key=key)


def split_key(key: str) -> tuple[str, int, str]:
    return _split(key)


def tab_of(widget: QWidget, tabs: QTabWidget) -> int:
    """Index of the tab page holding `widget`, or -1."""
    for i in range(tabs.count()):
        page = tabs.widget(i)
        if page is not None and (page is widget or page.isAncestorOf(widget)):
            return i
    return -1


__all__ = ["FIELD_STYLE", "FieldErrors", "clear_mark", "mark_error", "mark_warning", "message_label",
           "sort_keys", "split_key", "tab_of", "with_message"]
