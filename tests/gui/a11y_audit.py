"""How a keyboard or screen-reader user meets the app: the Tab chain of a window, the name each focus
stop is read by, access keys, and every dialog the app opens, built with the demo data.

Used by tests/gui/test_accessibility_gui.py and by `python -m tests.gui.a11y_audit` (prints the counts that
docs/accessibility.md reports)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QGroupBox,
    QLabel,
    QMenu,
    QRadioButton,
    QTabBar,
    QWidget,
)
from sqlalchemy import select

from sp_desktop.db.models import Organisation, Service, Staff
from sp_desktop.domain.enums import VettingStatus
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import Actor

try:
    from sp_desktop.ui.widgets.accessibility import plain_words
except ImportError:  # counting the app as it was before issue 22 (docs/accessibility.md)
    def plain_words(text: str) -> str:
        text = re.sub(r"<[^>]+>", " ", re.sub(r"&(?!&)", "", text))
        return " ".join(text.split()).strip(" :.…").lower()

ROLES = {"front desk": "Rachel Reception", "clinician": "Dr Gordon Gill", "vetting lead": "Lena Link",
         "administrator": "Mary Manager"}


def actor_named(runtime: Runtime, name: str) -> Actor:
    with runtime.db.read() as s:
        staff = s.scalar(select(Staff).where(Staff.name == name))
        assert staff is not None, name
        return Actor(staff.id, staff.name, staff.app_role)


# ------------------------------------------------------------------------------------ focus stops
def is_stop(w: QWidget, window: QWidget) -> bool:
    """Can Tab land on `w`? (visible, enabled, takes Tab focus, not a part of another control)."""
    return (w.window() is window and w.isVisible() and w.isEnabled() and w.focusProxy() is None
            and bool(w.focusPolicy() & Qt.FocusPolicy.TabFocus) and w.width() > 0 and w.height() > 0
            and not isinstance(w.parentWidget(), (QAbstractSpinBox, QComboBox))  # their line edits
            and w.objectName() != "qt_scrollarea_viewport")


def focus_stops(window: QWidget) -> list[QWidget]:
    return [w for w in window.findChildren(QWidget) if is_stop(w, window)]


@dataclass
class Walk:
    visited: list[QWidget] = field(default_factory=list)
    traps: list[str] = field(default_factory=list)
    unreachable: list[QWidget] = field(default_factory=list)


def describe(w: QWidget | None) -> str:
    if w is None:
        return "nothing"
    text = w.text() if hasattr(w, "text") and isinstance(getattr(w, "text"), Callable) else ""  # noqa: B009
    try:
        text = str(text)
    except Exception:  # noqa: BLE001
        text = ""
    return f"{type(w).__name__}({w.objectName() or ''!s}{' ' + repr(text) if text else ''}" \
        f"{' ' + repr(w.accessibleName()) if w.accessibleName() else ''})"


def _press(w: QWidget, key: Qt.Key) -> None:
    mods = Qt.KeyboardModifier.ShiftModifier if key == Qt.Key.Key_Backtab else Qt.KeyboardModifier.NoModifier
    for kind in (QKeyEvent.Type.KeyPress, QKeyEvent.Type.KeyRelease):
        QApplication.sendEvent(w, QKeyEvent(kind, key, mods))
    QApplication.processEvents()


def walk_tab(window: QWidget, key: Qt.Key = Qt.Key.Key_Tab) -> Walk:
    """Press Tab from the first focus stop until focus comes back to it. A trap: the focus stays put,
    or goes round a loop that never comes back. Unreachable: a focus stop Tab never lands on."""
    result = Walk()
    stops = focus_stops(window)
    if not stops:
        return result
    window.activateWindow()
    start = QApplication.focusWidget()
    if start is None or start.window() is not window or not is_stop(start, window):
        start = stops[0]
        start.setFocus(Qt.FocusReason.TabFocusReason)
        QApplication.processEvents()
        start = QApplication.focusWidget() or start
    result.visited.append(start)
    current = start
    for _ in range(len(stops) * 3 + 10):
        _press(current, key)
        after = QApplication.focusWidget()
        stays = 0
        while after is current and stays < 40:  # a text with links: Tab goes from link to link, then on
            stays += 1
            _press(current, key)
            after = QApplication.focusWidget()
        if after is None:
            result.traps.append(f"Tab from {describe(current)} left the focus nowhere")
            break
        if after is current and len(stops) > 1:
            result.traps.append(f"Tab stays on {describe(current)}")
            break
        if after is current:
            break
        if after is start:
            break
        if after in result.visited:
            loop = result.visited[result.visited.index(after):]
            result.traps.append("Tab goes round " + " -> ".join(describe(w) for w in loop[:6]))
            break
        result.visited.append(after)
        current = after
    else:
        result.traps.append("Tab never came back to where it started")
    seen = set(map(id, result.visited))
    # a stop inside the control that had focus (e.g. a spin box's own line edit) counts as reached
    result.unreachable = [w for w in stops if id(w) not in seen
                          and not any(v.isAncestorOf(w) for v in result.visited)
                          and not _radio_group_reached(w, result.visited)]
    return result


def _radio_group_reached(w: QWidget, visited: list[QWidget]) -> bool:
    """Tab stops at a group of option buttons once (the chosen one); the arrow keys choose inside it."""
    if not isinstance(w, QRadioButton):
        return False
    group = w.group()
    return any(isinstance(v, QRadioButton) and ((group is not None and v.group() is group)
                                                or (w.autoExclusive()
                                                    and v.parentWidget() is w.parentWidget()))
               for v in visited)


# ----------------------------------------------------------------------------------------- names
def spoken_name(w: QWidget) -> str:
    """What a screen reader on Linux says a control is called: its accessible name, or for a
    drop-down or a date/number box (which Qt names by its value on Linux) the label whose buddy it is."""
    iface = QAccessible.queryAccessibleInterface(w)
    labels = [a.text(QAccessible.Text.Name) for a, _ in iface.relations(QAccessible.RelationFlag.Label)] \
        if iface is not None else []
    if isinstance(w, QComboBox) and not w.isEditable():
        return (labels or [""])[0]
    if isinstance(w, QAbstractSpinBox):
        return w.accessibleName() or (labels or [""])[0]
    name = iface.text(QAccessible.Text.Name) if iface is not None else ""
    return name or (labels or [""])[0]


def hidden_text(w: QWidget) -> str:
    """A label or button whose accessible name replaces the words on screen (a problem): the words."""
    if isinstance(w, (QLabel, QAbstractButton)) and w.accessibleName():
        shown, name = plain_words(w.text()), plain_words(w.accessibleName())
        if shown and shown not in name and name not in shown:
            return w.text()
    return ""


# ------------------------------------------------------------------------------------ access keys
def _mnemonic(text: str) -> str:
    m = re.search(r"&([^&\s])", text.replace("&&", ""))
    return m.group(1).lower() if m else ""


def duplicate_access_keys_in_menu(menu: QMenu) -> list[str]:
    seen: dict[str, str] = {}
    clashes = []
    for action in menu.actions():
        if action.isSeparator() or not action.isVisible():
            continue
        key = _mnemonic(action.text())
        if key and key in seen:
            clashes.append(f"{menu.title()!r}: {seen[key]!r} and {action.text()!r} "
                           f"both use Alt+{key.upper()}")
        elif key:
            seen[key] = action.text()
    return clashes


def duplicate_access_keys_in(window: QWidget) -> list[str]:
    """Access keys used twice among the visible labels, buttons, group boxes and tabs of a window."""
    seen: dict[str, str] = {}
    clashes = []
    widgets: list[tuple[str, QWidget]] = []
    for w in window.findChildren(QWidget):
        if not w.isVisible() or w.window() is not window:
            continue
        if isinstance(w, (QLabel, QAbstractButton)):
            widgets.append((w.text(), w))
        elif isinstance(w, QGroupBox):
            widgets.append((w.title(), w))
        elif isinstance(w, QTabBar):
            widgets.extend((w.tabText(i), w) for i in range(w.count()))
    for text, _w in widgets:
        key = _mnemonic(text)
        if key and key in seen and seen[key] != text:
            clashes.append(f"{window.windowTitle()!r}: {seen[key]!r} and {text!r} both use Alt+{key.upper()}")
        elif key:
            seen[key] = text
    return clashes


# ----------------------------------------------------------------------------------------- dialogs
def _org(runtime: Runtime, vetting: VettingStatus | None = None) -> tuple[int, str]:
    with runtime.db.read() as s:
        q = select(Organisation.id, Organisation.name).where(Organisation.archived_at.is_(None))
        if vetting is not None:
            q = q.where(Organisation.vetting_status == vetting)
        row = s.execute(q.order_by(Organisation.id)).first()
        assert row is not None
        return int(row.id), str(row.name)


def _carers(runtime: Runtime) -> tuple[int, str]:
    with runtime.db.read() as s:
        row = s.execute(select(Organisation.id, Organisation.name)
                        .where(Organisation.name.like("%Carers%"))).first()
        assert row is not None
        return int(row.id), str(row.name)


def _service(runtime: Runtime, vetting: VettingStatus = VettingStatus.APPROVED) -> tuple[int, str]:
    with runtime.db.read() as s:
        row = s.execute(select(Service.id, Service.name).join(Organisation)
                        .where(Organisation.vetting_status == vetting, Service.archived_at.is_(None))
                        .order_by(Service.id)).first()
        assert row is not None
        return int(row.id), str(row.name)


DialogFactory = Callable[[Runtime, Actor], QDialog]


def _about(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.ui.dialogs.about_dialog import AboutDialog
    return AboutDialog(rt)


def _archive(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.services.directory import DirectoryService
    from sp_desktop.ui.dialogs.archive_dialog import ArchiveDialog
    return ArchiveDialog(DirectoryService(rt.context(a)).get_service(_service(rt)[0]))


def _booklet(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.ui.dialogs.booklet_dialog import BookletDialog
    from sp_desktop.ui.tasks import TaskRunner
    return BookletDialog(rt.context(a), TaskRunner())


def _password(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.ui.dialogs.change_password_dialog import ChangePasswordDialog
    return ChangePasswordDialog(rt.context(a))


def _check_item(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.ui.dialogs.checklist_dialog import CheckItemDialog
    return CheckItemDialog(None)


def _checklist(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.ui.dialogs.checklist_dialog import ChecklistDialog
    return ChecklistDialog(rt.context(a))


def _edit_org(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.ui.dialogs.edit_organisation_dialog import EditOrganisationDialog
    return EditOrganisationDialog(rt.context(a), organisation_id=_org(rt)[0])


def _edit_service(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.ui.dialogs.edit_service_dialog import EditServiceDialog
    return EditServiceDialog(rt.context(a), service_id=_service(rt)[0])


def _history(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.ui.dialogs.history_dialog import HistoryDialog
    org_id, name = _carers(rt)
    return HistoryDialog(rt.context(a), name, organisation_id=org_id)


def _import(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.ui.dialogs.import_wizard import ImportWizard
    from sp_desktop.ui.tasks import TaskRunner
    return ImportWizard(rt.context(a), TaskRunner())


def _override(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.services.leaflets import LeafletService
    from sp_desktop.ui.dialogs.leaflet_override_dialog import LeafletOverrideDialog
    sid, _ = _service(rt, VettingStatus.NOT_VETTED)
    return LeafletOverrideDialog(LeafletService(rt.context(a)).check([sid])[0])


def _preview(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.leaflets.render import render_leaflet
    from sp_desktop.leaflets.sample import sample_leaflet
    from sp_desktop.ui.dialogs.leaflet_preview_dialog import LeafletPreviewDialog
    return LeafletPreviewDialog(render_leaflet(sample_leaflet(2)), "Leaflet preview", "leaflet.pdf")


def _log_contact(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.ui.dialogs.log_contact_dialog import LogContactDialog
    org_id, name = _carers(rt)
    return LogContactDialog(rt.context(a), org_id, name)


def _new_org(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.ui.dialogs.new_organisation_dialog import NewOrganisationDialog
    return NewOrganisationDialog(rt.context(a))


def _open_org(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.ui.dialogs.open_organisation_dialog import OpenOrganisationDialog
    return OpenOrganisationDialog(rt.context(a))


def _relationship(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.ui.dialogs.organisation_relationship_dialog import OrganisationRelationshipDialog
    return OrganisationRelationshipDialog(rt.context(a), _carers(rt)[0])


def _outcome(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.services.signposting import SignpostingService
    from sp_desktop.ui.dialogs.outcome_dialog import OutcomeDialog
    ctx = rt.context(a)
    item = next(r.item_id for r in SignpostingService(ctx).log(state="awaiting").rows)
    return OutcomeDialog(ctx, item)


def _partner(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.services.reports import ReportService
    from sp_desktop.ui.dialogs.partner_report_dialog import PartnerReportDialog
    choices = ReportService(rt.context(a)).organisations_signposted(date(2025, 12, 1), date(2026, 11, 24))
    return PartnerReportDialog(choices, "the period")


def _record(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.ui.dialogs.record_signposting_dialog import RecordSignpostingDialog
    return RecordSignpostingDialog(rt.context(a), [_service(rt)[0]])


def _server(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.ui.dialogs.server_dialog import ServerDialog
    return ServerDialog(rt.paths, current_database=str(rt.paths.database_file))


def _sign_in(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.ui.dialogs.sign_in_dialog import SignInDialog
    return SignInDialog(rt.sign_in_context(), demo=True)


def _unlock(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.ui.dialogs.sign_in_dialog import SignInDialog
    return SignInDialog(rt.sign_in_context(), demo=True, fixed=a)


def _first_admin(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.ui.dialogs.sign_in_dialog import FirstAdministratorDialog
    return FirstAdministratorDialog(rt.sign_in_context())


def _trust_note(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.ui.dialogs.trust_note_dialog import TrustNoteDialog
    org_id, name = _carers(rt)
    return TrustNoteDialog(rt.context(a), org_id, name)


def _reason(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.ui.dialogs.vetting_dialog import ReasonDialog
    return ReasonDialog("Reject", "Why is this organisation not suitable?")


def _approve(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.services.vetting import VettingService
    from sp_desktop.ui.dialogs.vetting_dialog import ApproveDialog
    return ApproveDialog(VettingService(rt.context(a)).record(_org(rt)[0]), a.name)


def _vetting(rt: Runtime, a: Actor) -> QDialog:
    from sp_desktop.ui.dialogs.vetting_dialog import VettingDialog
    return VettingDialog(rt.context(a), _org(rt, VettingStatus.NOT_VETTED)[0])


#: Every dialog, with who opens it (the least powerful role that can).
DIALOGS: dict[str, tuple[DialogFactory, str]] = {
    "About": (_about, "front desk"),
    "Archive service": (_archive, "vetting lead"),
    "Booklet": (_booklet, "clinician"),
    "Change password": (_password, "front desk"),
    "Checklist item": (_check_item, "administrator"),
    "Vetting checklist": (_checklist, "administrator"),
    "Edit organisation": (_edit_org, "vetting lead"),
    "Edit service": (_edit_service, "vetting lead"),
    "Change history": (_history, "vetting lead"),
    "Import": (_import, "administrator"),
    "Leaflet override": (_override, "clinician"),
    "Leaflet preview": (_preview, "front desk"),
    "Log contact": (_log_contact, "front desk"),
    "New organisation": (_new_org, "vetting lead"),
    "Open organisation": (_open_org, "front desk"),
    "Relationship": (_relationship, "front desk"),
    "Outcome": (_outcome, "clinician"),
    "Partner report": (_partner, "vetting lead"),
    "Record signposting": (_record, "front desk"),
    "Server": (_server, "administrator"),
    "Sign in": (_sign_in, "front desk"),
    "Unlock": (_unlock, "front desk"),
    "First administrator": (_first_admin, "administrator"),
    "Trust note": (_trust_note, "clinician"),
    "Reason": (_reason, "vetting lead"),
    "Vetting": (_vetting, "vetting lead"),
    "Approve": (_approve, "vetting lead"),
}


def build_dialog(runtime: Runtime, key: str) -> QDialog:
    factory, role = DIALOGS[key]
    return factory(runtime, actor_named(runtime, ROLES[role]))


# ------------------------------------------------------------------------------------------- counts
_PAIRS = (("WindowText", "Window"), ("Text", "Base"), ("Text", "AlternateBase"), ("ButtonText", "Button"),
          ("PlaceholderText", "Base"), ("HighlightedText", "Highlight"), ("ToolTipText", "ToolTipBase"),
          ("Link", "Base"), ("LinkVisited", "Base"))


def _ratio(fg, bg) -> float:  # noqa: ANN001
    def lum(c) -> float:  # noqa: ANN001
        def ch(v: float) -> float:
            return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())
    a = fg.alphaF()
    from PySide6.QtGui import QColor
    flat = QColor.fromRgbF(*(a * x + (1 - a) * y for x, y in zip(
        (fg.redF(), fg.greenF(), fg.blueF()), (bg.redF(), bg.greenF(), bg.blueF()), strict=True)))
    hi, lo = sorted((lum(flat), lum(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def counts() -> dict[str, int]:
    """The numbers docs/accessibility.md reports, for whichever sp_desktop is on the path."""
    import subprocess
    import sys
    import tempfile
    from datetime import datetime
    from pathlib import Path

    from PySide6.QtGui import QColor, QPalette

    from sp_desktop.app import create_application
    from sp_desktop.db.migrate import MigrationResult, head_revision
    from sp_desktop.demo.seed import seed_demo
    from sp_desktop.paths import AppPaths
    from sp_desktop.services.base import FixedClock
    from sp_desktop.services.bootstrap import open_database
    from sp_desktop.ui.main_window import MainWindow

    app = create_application([])
    folder = Path(tempfile.mkdtemp(prefix="a11y_counts_"))
    clock = FixedClock(datetime(2026, 11, 24, 10, 0))
    db, _ = open_database(f"sqlite:///{folder / 'demo.sqlite3'}", clock, None)
    seed_demo(db, clock)
    runtime = Runtime(AppPaths(data_dir=folder / "data"), db, clock, True,
                      MigrationResult(head_revision(), head_revision(), None))
    out = dict.fromkeys(("focus stops", "tab traps", "unreachable controls", "unnamed focus stops",
                         "names hiding visible text", "duplicate access keys"), 0)

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    def audit(window: QWidget) -> None:
        walk = walk_tab(window)
        stops = focus_stops(window)
        out["focus stops"] += len(stops)
        out["tab traps"] += len(walk.traps)
        out["unreachable controls"] += len(walk.unreachable)
        out["unnamed focus stops"] += sum(not spoken_name(w).strip() for w in stops)
        out["names hiding visible text"] += sum(bool(hidden_text(w)) for w in window.findChildren(QWidget)
                                                if w.isVisible())

    for role in ROLES.values():
        window = MainWindow(runtime, runtime.context(actor_named(runtime, role)))
        window.resize(1024, 720)
        window.show()
        for key in window.pages:
            window.show_page(key)
            settle()
            window.tasks.wait(10000)
            settle()
            audit(window)
        for action in window.menuBar().actions():
            if action.menu() is not None:
                action.menu().aboutToShow.emit()
                out["duplicate access keys"] += len(duplicate_access_keys_in_menu(action.menu()))
        window.tasks.wait(10000)
        window.close()
    for key in DIALOGS:
        dialog = build_dialog(runtime, key)
        dialog.show()
        settle()
        audit(dialog)
        out["duplicate access keys"] += len(duplicate_access_keys_in(dialog))
        dialog.close()
    # status messages: every showMessage() call, and whether the status bar says them to a screen reader
    root = Path(__import__("sp_desktop").__file__).parent
    calls = sum(p.read_text(encoding="utf-8").count("showMessage(") for p in root.rglob("*.py"))
    window = MainWindow(runtime, runtime.context(actor_named(runtime, ROLES["front desk"])))
    said: list[str] = []
    try:
        from sp_desktop.ui.widgets.accessibility import announcer
        announcer().announced.connect(said.append)
    except ImportError:
        pass
    window.statusBar().showMessage("Saved")
    out["status messages never announced"] = 0 if said else calls
    window.close()
    # contrast: the palette's text pairs (active and inactive) and the colours the app sets itself
    palette = app.palette()
    failures = 0
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for fg, bg in _PAIRS:
            failures += _ratio(palette.color(group, getattr(QPalette.ColorRole, fg)),
                               palette.color(group, getattr(QPalette.ColorRole, bg))) < 4.5
    staff = (root / "ui" / "pages" / "staff_page.py").read_text(encoding="utf-8")
    failures += "color: palette(dark)" in staff and _ratio(palette.color(QPalette.ColorRole.Dark),
                                                            palette.color(QPalette.ColorRole.Window)) < 4.5
    out["contrast failures"] = int(failures)
    base = palette.color(QPalette.ColorRole.Base)
    out["contrast failures"] += sum(_ratio(QColor(c), base) < 4.5 for c in ("#a4161a", "#7a4b00", "#555555"))
    # dialogs and pages that do not fit 1024 x 768, at 100 % and at 150 %
    here = Path(__file__).resolve().parents[2]
    for scale in ("1", "1.5"):
        env = dict(__import__("os").environ, QT_SCALE_FACTOR=scale, PYTHONPATH=str(here),
                   QT_QPA_PLATFORM=f"offscreen:configfile={here / 'tests' / 'offscreen_1024x768.json'}")
        done = subprocess.run([sys.executable, "-m", "tests.gui.screen_check", "--pages"], env=env, cwd=here,
                              capture_output=True, text=True, timeout=900)
        import json
        problems = json.loads(done.stdout.strip().splitlines()[-1])["problems"]
        out[f"cut-off windows, buttons or words at 1024x768, {int(float(scale) * 100)} %"] = len(problems)
    db.dispose()
    return out


if __name__ == "__main__":
    import json
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(json.dumps(counts(), indent=1))
