"""What every window needs so that anyone can use it: the keyboard, a screen reader, large text.

`install_accessibility(app)` (once; app.py and the main window call it) sets, for the whole app:

* **Tab always leaves.** Tables and lists move with the arrow keys inside and Tab goes to the next
  control (no Tab traps); text boxes take Tab as "next control" (Ctrl+Tab types a tab); date and
  number boxes leave on Tab whatever section they show ("No expiry", "Needed" kept focus before).
* **A focus ring you can see**: a band of 2 px outside and 2 px inside whatever has the keyboard
  focus, in a colour with at least 3:1 contrast against the window and the field (`FocusRing`).
* **Readable colours**: the palette's text colours are darkened (or lightened, on a dark palette)
  until they reach 4.5:1 against their background (WCAG 2.2 AA), the selection included
  (`accessible_palette`).
* **Every dialog fits the screen**: a dialog taller or wider than the screen's free area (or than
  1024 x 720, the smallest desk PC) gets its contents in a scroll area, with its buttons kept in
  view below it, and is capped to the screen (`fit_to_screen`).
* **Drop-downs are labelled**: on Linux a screen reader names a drop-down by its label (a buddy), not
  by its accessible name; a drop-down with only an accessible name gets an invisible buddy label
  with that name, so Orca says "Category filter, Any category" rather than "Any category".

`announce(text)` tells a screen reader about a status or error message (QAccessibleAnnouncementEvent)
and emits `announcer(app).announced` so tests and the log can see what was said. The main window
announces every status-bar message and the match count through it.
"""

from __future__ import annotations

import re
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QColor,
    QGuiApplication,
    QKeyEvent,
    QPainter,
    QPalette,
    QRegion,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLayoutItem,
    QMenu,
    QMenuBar,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QScrollArea,
    QTextEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
)

#: The smallest desk PC: a 1024 x 768 screen less the taskbar (issue 15, point 7).
DESK_SCREEN = QSize(1024, 720)
#: Text against its background (WCAG 2.2 AA, normal text) and a focus indicator against its surroundings.
TEXT_CONTRAST = 4.5
FOCUS_CONTRAST = 3.0
#: How thick the focus ring is, outside and inside the focused control.
FOCUS_WIDTH = 2

_OBJECT_NAME = "sp_accessibility"


# --------------------------------------------------------------------------------------------- colours
def relative_luminance(colour: QColor) -> float:
    """WCAG 2.x relative luminance of an opaque colour."""
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = channel(colour.redF()), channel(colour.greenF()), channel(colour.blueF())
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def flatten(colour: QColor, background: QColor) -> QColor:
    """A translucent colour as it shows over `background` (Fusion's placeholder text is 50 % black)."""
    alpha = colour.alphaF()
    if alpha >= 1.0:
        return QColor(colour)
    mix = [alpha * a + (1 - alpha) * b for a, b in zip(
        (colour.redF(), colour.greenF(), colour.blueF()),
        (background.redF(), background.greenF(), background.blueF()), strict=True)]
    return QColor.fromRgbF(*mix)


def contrast_ratio(foreground: QColor, background: QColor) -> float:
    """WCAG contrast ratio (1 to 21) of `foreground` shown over `background`."""
    fg = relative_luminance(flatten(foreground, background))
    bg = relative_luminance(background)
    light, dark = max(fg, bg), min(fg, bg)
    return (light + 0.05) / (dark + 0.05)


def _towards(colour: QColor, target: QColor, step: float) -> QColor:
    return QColor.fromRgbF(*(a + (b - a) * step for a, b in zip(
        (colour.redF(), colour.greenF(), colour.blueF()), (target.redF(), target.greenF(), target.blueF()),
        strict=True)))


def readable_on(foreground: QColor, background: QColor, ratio: float = TEXT_CONTRAST) -> QColor:
    """`foreground` (made opaque), moved towards black or white just enough to reach `ratio`
    against `background`; unchanged if it already does."""
    colour = flatten(foreground, background)
    if contrast_ratio(colour, background) >= ratio:
        return colour
    target = QColor("black") if relative_luminance(background) > 0.18 else QColor("white")
    for i in range(1, 21):
        moved = _towards(colour, target, i / 20)
        if contrast_ratio(moved, background) >= ratio:
            return moved
    return target


#: (text role, background role) pairs that a person reads; each must reach 4.5:1.
TEXT_PAIRS: tuple[tuple[QPalette.ColorRole, QPalette.ColorRole], ...] = (
    (QPalette.ColorRole.WindowText, QPalette.ColorRole.Window),
    (QPalette.ColorRole.Text, QPalette.ColorRole.Base),
    (QPalette.ColorRole.Text, QPalette.ColorRole.AlternateBase),
    (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button),
    (QPalette.ColorRole.PlaceholderText, QPalette.ColorRole.Base),
    (QPalette.ColorRole.HighlightedText, QPalette.ColorRole.Highlight),
    (QPalette.ColorRole.ToolTipText, QPalette.ColorRole.ToolTipBase),
    (QPalette.ColorRole.Link, QPalette.ColorRole.Base),
    (QPalette.ColorRole.LinkVisited, QPalette.ColorRole.Base),
    (QPalette.ColorRole.BrightText, QPalette.ColorRole.Dark),
)
_GROUPS = (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive)


def accessible_palette(palette: QPalette) -> QPalette:
    """`palette` with every text colour readable (>= 4.5:1) on its background, in the active and
    inactive groups. The selection keeps its white (or light) text and gets a darker background."""
    fixed = QPalette(palette)
    for group in _GROUPS:
        for text_role, back_role in TEXT_PAIRS:
            text, back = fixed.color(group, text_role), fixed.color(group, back_role)
            if contrast_ratio(text, back) >= TEXT_CONTRAST:
                continue
            if text_role is QPalette.ColorRole.HighlightedText:
                fixed.setColor(group, back_role, readable_on(back, text))  # darken the selection instead
            elif text_role is QPalette.ColorRole.BrightText:
                continue  # only used by some styles for pressed buttons; not text anyone reads
            else:
                fixed.setColor(group, text_role, readable_on(text, back))
    return fixed


def focus_colour(palette: QPalette) -> QColor:
    """A focus-ring colour with >= 3:1 contrast against both the window and the field backgrounds."""
    window, base = palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.Base)
    for candidate in ("#0b4f9c", "#1a1a8c", "#000000") if relative_luminance(window) > 0.18 \
            else ("#8ab4f8", "#ffd75e", "#ffffff"):
        colour = QColor(candidate)
        if min(contrast_ratio(colour, window), contrast_ratio(colour, base)) >= FOCUS_CONTRAST:
            return colour
    return QColor("#000000")


# ------------------------------------------------------------------------------------------ focus ring
class FocusRing(QWidget):
    """A solid band around the focused control: FOCUS_WIDTH px outside it and FOCUS_WIDTH px inside
    its edge (so it still shows where the outside is clipped, e.g. at a scroll area's edge). It is a
    sibling standing above the control, masked to the band, so it hides nothing and takes no clicks."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("focus_ring")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.target: QWidget | None = None

    def colour(self) -> QColor:
        return focus_colour(QApplication.palette())

    def _band(self) -> QRegion:
        outer = self.rect()
        inner = outer.adjusted(2 * FOCUS_WIDTH, 2 * FOCUS_WIDTH, -2 * FOCUS_WIDTH, -2 * FOCUS_WIDTH)
        return QRegion(outer).subtracted(QRegion(inner))

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self.setMask(self._band())

    def paintEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setClipRegion(self._band())
        painter.fillRect(self.rect(), self.colour())
        painter.end()

    def follow(self, widget: QWidget | None) -> None:
        """Stand around `widget` (None, a window or a control that takes no Tab focus: hide)."""
        if self.target is not None and shiboken6.isValid(self.target):
            self.target.removeEventFilter(self)
        self.target = None
        if widget is None or widget.isWindow() or widget.parentWidget() is None or not _ring_wanted(widget):
            self.hide()
            return
        self.target = widget
        if self.parentWidget() is not widget.parentWidget():
            self.setParent(widget.parentWidget())
        widget.installEventFilter(self)
        self._place()

    def _place(self) -> None:
        widget = self.target
        if widget is None or not widget.isVisible():
            self.hide()
            return
        self.setGeometry(widget.geometry().adjusted(-FOCUS_WIDTH, -FOCUS_WIDTH, FOCUS_WIDTH, FOCUS_WIDTH))
        self.show()
        self.raise_()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if obj is self.target and event.type() in (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show,
                                                   QEvent.Type.Hide, QEvent.Type.ZOrderChange):
            self._place()
        elif obj is self.target and event.type() == QEvent.Type.ParentChange:
            self.follow(self.target)
        return False


def _ring_wanted(widget: QWidget) -> bool:
    if isinstance(widget.window(), _QT_OWN_DIALOGS):  # their native look already shows the focus, and a
        return False  # progress dialog closes while its task reports (the ring must not move with it)
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) or isinstance(widget, QAbstractItemView)


# ------------------------------------------------------------------------------------------ announcing
class Announcer(QObject):
    """Tells screen readers about status and error messages; `announced` lets others see them too."""

    announced = Signal(str)

    def announce(self, text: str, source: QObject | None = None, assertive: bool = False) -> None:
        text = " ".join(text.split())
        if not text:
            return
        target = source or QApplication.activeWindow() or next(iter(QApplication.topLevelWidgets()), None)
        if target is not None and QAccessible.isActive():
            event = QAccessibleAnnouncementEvent(target, text)
            event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive if assertive
                                else QAccessible.AnnouncementPoliteness.Polite)
            QAccessible.updateAccessibility(event)
        self.announced.emit(text)


def announcer(app: QApplication | None = None) -> Announcer:
    """The app's announcer (made on first use)."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    found = app.findChild(Announcer, "sp_announcer")
    if found is None:
        found = Announcer(app)
        found.setObjectName("sp_announcer")
    return found


def announce(text: str, source: QObject | None = None, *, assertive: bool = False) -> None:
    """Say `text` to a screen reader now (a status message, "Saved", an error shown on a form)."""
    announcer().announce(text, source, assertive)


# ----------------------------------------------------------------------------------- dialogs fit screen
def available_size(widget: QWidget) -> QSize:
    """The room a window may take: the screen's free area, and never more than DESK_SCREEN."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    free = screen.availableGeometry().size() if screen is not None else DESK_SCREEN
    return free.boundedTo(DESK_SCREEN)


def _frame_extra(widget: QWidget) -> QSize:
    frame, inner = widget.frameGeometry(), widget.geometry()
    extra = QSize(frame.width() - inner.width(), frame.height() - inner.height())
    return extra if extra.height() > 0 else QSize(8, 32)  # a title bar and borders before it is shown


def _is_button_row(item: Any) -> bool:
    """A button box, or a row of buttons (and space) laid out side by side."""
    if isinstance(item.widget(), QDialogButtonBox):
        return True
    row = item.layout()
    if not isinstance(row, QHBoxLayout) or row.count() == 0:
        return False
    widgets = [row.itemAt(i).widget() for i in range(row.count())]
    present = [w for w in widgets if w is not None]
    return bool(present) and all(isinstance(w, QAbstractButton) for w in present) \
        and all(w is not None or row.itemAt(i).spacerItem() is not None for i, w in enumerate(widgets))


def make_scrollable(dialog: QDialog) -> QScrollArea | None:
    """Put `dialog`'s contents, except a button box at the bottom, in a scroll area; returns it
    (None if the dialog has no vertical box layout or was made scrollable before)."""
    existing = dialog.findChild(QScrollArea, "fit_scroll")
    layout = dialog.layout()
    if existing is not None or not isinstance(layout, QVBoxLayout) or layout.count() == 0:
        return None
    buttons: list[QLayoutItem | None] = []
    while layout.count() > 1 and _is_button_row(layout.itemAt(layout.count() - 1)):
        buttons.insert(0, layout.takeAt(layout.count() - 1))
    # moving a control to another parent hides it until the event loop runs: note who showed
    shown = [c for c in dialog.children() if isinstance(c, QWidget) and not c.isWindow() and not c.isHidden()]
    body = QWidget(dialog)
    body.setObjectName("fit_body")
    inner = QVBoxLayout(body)
    inner.setContentsMargins(0, 0, 0, 0)
    inner.setSpacing(layout.spacing())
    while layout.count():
        stretch = layout.stretch(0)
        item = layout.takeAt(0)
        child_widget, child_layout = item.widget(), item.layout()
        if child_widget is not None:
            inner.addWidget(child_widget, stretch, item.alignment())
        elif child_layout is not None:
            inner.addLayout(child_layout, stretch)
        elif item is not None:
            inner.addItem(item)
    scroll = QScrollArea(dialog)
    scroll.setObjectName("fit_scroll")
    scroll.setAccessibleName(dialog.windowTitle() or "Contents")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its controls take the focus, and it follows them
    scroll.setWidget(body)
    layout.addWidget(scroll, 1)
    for item in buttons:
        if item is not None:
            layout.addItem(item)
    for child in shown:
        child.show()
    _keep_focus_in_view(scroll)
    return scroll


def _keep_focus_in_view(scroll: QScrollArea) -> None:
    app = QApplication.instance()

    def changed(_old: QWidget | None, new: QWidget | None) -> None:
        body = scroll.widget()
        if new is not None and body is not None and body.isAncestorOf(new):
            scroll.ensureWidgetVisible(new, 16, 16)

    app.focusChanged.connect(changed)
    scroll.destroyed.connect(lambda *_: _disconnect(app, changed))


def _disconnect(app: Any, slot: Any) -> None:
    try:
        app.focusChanged.disconnect(slot)
    except (RuntimeError, TypeError):
        pass


def fit_to_screen(dialog: QDialog) -> None:
    """Make `dialog` fit the screen's free area (and DESK_SCREEN): its contents scroll inside it if
    they need more, its buttons stay in view, and it is moved back onto the screen."""
    if isinstance(dialog, QWizard):
        room = available_size(dialog) - _frame_extra(dialog)
        if dialog.width() > room.width() or dialog.height() > room.height():
            dialog.resize(dialog.size().boundedTo(room))
        return
    room = available_size(dialog) - _frame_extra(dialog)
    wanted = dialog.size()
    needs = dialog.sizeHint().expandedTo(dialog.minimumSizeHint()).expandedTo(wanted)
    layout = dialog.layout()
    if layout is not None and layout.hasHeightForWidth():  # wrapped words: taller when narrower
        width = min(needs.width(), room.width())
        tall = layout.totalHeightForWidth(width)
        needs.setHeight(max(needs.height(), tall))
        wanted = wanted.expandedTo(QSize(width, tall))
    if needs.width() > room.width() or needs.height() > room.height() \
            or dialog.minimumSizeHint().height() > room.height():
        scroll = make_scrollable(dialog)
        if scroll is not None:
            body = scroll.widget()
            margins = dialog.layout().contentsMargins()
            bar = scroll.style().pixelMetric(scroll.style().PixelMetric.PM_ScrollBarExtent, None, scroll)
            inner = body.sizeHint().expandedTo(body.minimumSizeHint())
            buttons = dialog.layout().sizeHint().height() - scroll.sizeHint().height()
            wanted = wanted.expandedTo(QSize(inner.width() + margins.left() + margins.right() + bar + 4,
                                             inner.height() + max(0, buttons) + 4))
    if dialog.minimumWidth() > room.width() or dialog.minimumHeight() > room.height():
        dialog.setMinimumSize(dialog.minimumSize().boundedTo(room))
    size = wanted.boundedTo(room).expandedTo(dialog.minimumSizeHint().boundedTo(room))
    dialog.resize(size)
    screen = dialog.screen() or QGuiApplication.primaryScreen()
    if screen is not None and dialog.isWindow():
        free = screen.availableGeometry()
        frame = dialog.frameGeometry()
        x = min(max(frame.x(), free.x()), free.right() - size.width() - _frame_extra(dialog).width() + 1)
        y = min(max(frame.y(), free.y()), free.bottom() - size.height() - _frame_extra(dialog).height() + 1)
        dialog.move(max(free.x(), x), max(free.y(), y))


# -------------------------------------------------------------------------------------- access keys
def mnemonic(text: str) -> str:
    """The access key letter in `text` ("&Save" -> "s"), lower case; "" for none."""
    m = re.search(r"&([^&\s])", text.replace("&&", ""))
    return m.group(1).lower() if m else ""


def with_access_key(text: str, used: set[str]) -> str:
    """`text` with its access key moved to the first letter not in `used` (the start of a word first);
    unchanged if every letter is taken."""
    plain = re.sub(r"&(?!&)", "", text)
    positions = [i for i, ch in enumerate(plain) if ch.isalnum() and (i == 0 or not plain[i - 1].isalnum())]
    positions += [i for i, ch in enumerate(plain) if ch.isalnum() and i not in positions]
    for i in positions:
        if plain[i].lower() not in used:
            return plain[:i] + "&" + plain[i:]
    return text


_CONVENTIONAL = {"exit", "quit", "about sp_desktop"}


def settle_menu_access_keys(menu: QMenu) -> None:
    """Every visible item of `menu` gets its own access key: a clash or a missing key is moved to a
    free letter of the item's words (the first item to claim a letter keeps it)."""
    used: set[str] = set()
    actions = [a for a in menu.actions() if not a.isSeparator() and a.isVisible() and a.text()]
    # the keys everyone knows first (E&xit, &Quit), then the menu's order
    actions.sort(key=lambda a: plain_words(a.text()) not in _CONVENTIONAL)
    for action in actions:
        key = mnemonic(action.text())
        if key and key not in used:
            used.add(key)
            continue
        new = with_access_key(action.text(), used)
        if new != action.text():
            action.setText(new)
            used.add(mnemonic(new))


def keep_menu_access_keys_unique(menu_bar: QMenuBar) -> None:
    """Settle the access keys of every menu in `menu_bar` now and each time one opens (items come and
    go with the role and the page)."""
    for action in menu_bar.actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and not menu.property("sp_keys"):
            menu.setProperty("sp_keys", True)
            settle_menu_access_keys(menu)
            menu.aboutToShow.connect(lambda menu=menu: settle_menu_access_keys(menu))


def settle_window_access_keys(window: QWidget) -> None:
    """The buttons, labels and check boxes of a dialog each get their own access key: buttons claim
    theirs first, and a label whose key is taken moves to a free letter of its words."""
    buttons = [w for w in window.findChildren(QAbstractButton) if w.window() is window and w.isVisible()]
    labels = [w for w in window.findChildren(QLabel) if w.window() is window and w.isVisible()
              and w.buddy() is not None and not w.textFormat() == Qt.TextFormat.RichText]
    groups = [w for w in window.findChildren(QGroupBox) if w.window() is window and w.isVisible()]
    used: dict[str, QWidget] = {}
    for w in [*buttons, *groups, *labels]:
        text = w.title() if isinstance(w, QGroupBox) else w.text()  # type: ignore[attr-defined]
        key = mnemonic(text)
        if not key:
            continue
        if key not in used:
            used[key] = w
            continue
        new = with_access_key(text, set(used))
        if mnemonic(new) and mnemonic(new) not in used:
            w.setTitle(new) if isinstance(w, QGroupBox) else w.setText(new)  # type: ignore[attr-defined]
            used[mnemonic(new)] = w


# ------------------------------------------------------------------------------------ keyboard policy
def _move_focus(widget: QWidget, forward: bool) -> None:
    """Focus the next (previous) control in the window's Tab chain after `widget`'s own parts."""
    window = widget.window()
    candidate: QWidget | None = widget
    for _ in range(2000):
        candidate = candidate.nextInFocusChain() if forward else candidate.previousInFocusChain()
        if candidate is None or candidate is widget:
            return
        if widget.isAncestorOf(candidate) or candidate.window() is not window:
            continue
        if candidate.focusProxy() is not None or not candidate.isEnabled() or not candidate.isVisible():
            continue
        if candidate.focusPolicy() & Qt.FocusPolicy.TabFocus:
            reason = Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
            candidate.setFocus(reason)
            return


class _TabLeaves(QObject):
    """Tab and Shift+Tab on a date or number box go to the next or previous control (the arrow keys
    and Left/Right still move between its day, month and year)."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and isinstance(obj, QWidget):
            mods = event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
            if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and mods == Qt.KeyboardModifier.NoModifier:
                backwards = event.key() == Qt.Key.Key_Backtab \
                    or bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                _move_focus(obj, not backwards)
                return True
        return False


def label_drop_down(combo: QComboBox) -> QLabel | None:
    """Give a drop-down with an accessible name but no label an invisible buddy label with that name
    (what Linux screen readers read as its name)."""
    name = combo.accessibleName()
    parent = combo.parentWidget()
    if not name or parent is None or combo.isEditable():
        return None
    for label in parent.findChildren(QLabel):
        if label.buddy() is combo:
            return None
    label = QLabel(name, parent)
    label.setObjectName(f"{combo.objectName() or 'drop_down'}_label")
    label.setBuddy(combo)
    label.hide()
    return label


def plain_words(text: str) -> str:
    """The words of a label or button as heard: no markup, access keys or trailing dots and colons."""
    text = re.sub(r"<[^>]+>", " ", re.sub(r"&(?!&)", "", text))
    return " ".join(text.split()).strip(" :.…").lower()


def words_first(widget: QLabel | QAbstractButton) -> None:
    """A label or button is read by the words it shows. An accessible name that would replace them
    ("Number of matching services" for "164 services match") becomes the accessible description, said
    after the words; a button keeps a name, its own words."""
    name = widget.accessibleName()
    if not name:
        return
    shown = plain_words(widget.text())
    if isinstance(widget, QLabel):
        if widget.buddy() is None:
            widget.setAccessibleDescription(widget.accessibleDescription() or name)
            widget.setAccessibleName("")
        return
    if shown and shown not in plain_words(name) and plain_words(name) not in shown:
        widget.setAccessibleDescription(widget.accessibleDescription() or name)
        widget.setAccessibleName(re.sub(r"&(?!&)", "", widget.text()))


#: Qt's own dialogs size and place themselves (and a progress dialog must not be moved while a task
#: reports to it).
_QT_OWN_DIALOGS = (QProgressDialog, QMessageBox, QFileDialog, QInputDialog)


class _Policy(QObject):
    """The app-wide rules above, applied to each widget as it is first shown."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName(_OBJECT_NAME)
        self.tab_leaves = _TabLeaves(self)
        self.ring = FocusRing()
        app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if not shiboken6.isValid(self.ring):  # it went with the window it last stood in
            self.ring = FocusRing()
        try:
            self.ring.follow(new)
        except RuntimeError:  # a widget being deleted
            pass

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        if kind == QEvent.Type.Polish:
            if isinstance(obj, QAbstractItemView):
                obj.setTabKeyNavigation(False)
            elif isinstance(obj, (QPlainTextEdit, QTextEdit)):
                obj.setTabChangesFocus(True)
            elif isinstance(obj, QAbstractSpinBox):
                obj.installEventFilter(self.tab_leaves)
            elif isinstance(obj, QComboBox):
                label_drop_down(obj)
            elif isinstance(obj, (QLabel, QAbstractButton)):
                words_first(obj)
            elif type(obj) is QScrollArea and not obj.accessibleName():
                obj.setAccessibleName(obj.window().windowTitle() or "Contents")
        elif kind == QEvent.Type.Show and isinstance(obj, QDialog) and obj.isWindow() \
                and not isinstance(obj, _QT_OWN_DIALOGS) and not obj.property("sp_fitted"):
            obj.setProperty("sp_fitted", True)
            if not isinstance(obj, QWizard):  # a wizard's pages come and go; it sizes itself below
                settle_window_access_keys(obj)
            fit_to_screen(obj)
        return False


def install_accessibility(app: QApplication | None = None) -> None:
    """Apply the rules above to the whole app (again: nothing happens)."""
    found = app or QApplication.instance()
    if not isinstance(found, QApplication):
        return
    app = found
    if app.findChild(_Policy, _OBJECT_NAME) is not None:
        return
    app.setPalette(accessible_palette(app.palette()))
    policy = _Policy(app)
    app.installEventFilter(policy)
    announcer(app)


def scroll_area_named(area: QAbstractScrollArea, name: str) -> QAbstractScrollArea:
    """Name a scroll area for a screen reader (it is read as a region)."""
    area.setAccessibleName(name)
    return area


__all__ = [
    "DESK_SCREEN", "FOCUS_WIDTH", "Announcer", "FocusRing", "accessible_palette", "announce", "announcer",
    "keep_menu_access_keys_unique",
    "available_size", "contrast_ratio", "fit_to_screen", "focus_colour", "install_accessibility",
    "label_drop_down", "make_scrollable", "mnemonic", "plain_words", "readable_on", "relative_luminance",
    "settle_menu_access_keys", "settle_window_access_keys", "with_access_key", "words_first",
]
