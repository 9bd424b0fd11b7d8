"""Every list in the window is set up the same way (ui/widgets/tables.py): whole rows selected, not
editable in place, reachable with the keyboard, named for a screen reader, sortable by a header
click where it says so, and Enter does what a double-click does."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QTableView
from sqlalchemy import select

from sp_desktop.db.models import Organisation, Staff
from sp_desktop.domain.enums import AppRole
from sp_desktop.runtime import Runtime
from sp_desktop.services.base import Actor
from sp_desktop.services.relationships import ContactLogForm, ContactLogService
from sp_desktop.ui.dialogs.organisation_relationship_dialog import OrganisationRelationshipDialog
from sp_desktop.ui.main_window import MainWindow
from sp_desktop.ui.widgets.tables import ResizeMode, configure_table, sorting_proxy

SORT_ROLE = Qt.ItemDataRole.UserRole + 1


def _model(rows: list[tuple[str, int]]) -> QStandardItemModel:
    model = QStandardItemModel(0, 2)
    model.setHorizontalHeaderLabels(["Name", "Count"])
    for name, count in rows:
        items = [QStandardItem(name), QStandardItem(str(count))]
        items[0].setData(name.casefold(), SORT_ROLE)
        items[1].setData(count, SORT_ROLE)
        model.appendRow(items)
    return model


def _shown(qtbot: Any, view: QTableView) -> QTableView:
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    return view


def _cell_pos(view: QTableView, row: int, column: int = 0) -> QPoint:
    return view.visualRect(view.model().index(row, column)).center()


def test_enter_and_double_click_run_the_row_action(qtbot: Any) -> None:
    model = _model([("Carers", 3), ("Debt advice", 12)])
    opened: list[str] = []
    view = QTableView()

    def open_row() -> None:
        opened.append(view.currentIndex().data())

    configure_table(view, name="toy", accessible_name="Toy list", model=model, on_activate=open_row,
                    column_modes={0: ResizeMode.Stretch})
    _shown(qtbot, view)
    assert view.objectName() == "toy" and view.accessibleName() == "Toy list"
    assert view.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows
    assert view.selectionMode() == QAbstractItemView.SelectionMode.SingleSelection
    assert view.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert view.alternatingRowColors() and not view.verticalHeader().isVisible()
    assert view.focusPolicy() & Qt.FocusPolicy.TabFocus, "reachable with Tab"

    view.setFocus()
    view.selectRow(1)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.keyClick(view, Qt.Key.Key_Enter)  # the keypad's Enter too
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # not with Ctrl
    assert opened == ["Debt advice", "Debt advice"]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_cell_pos(view, 0))
    assert len(opened) == 2 and view.currentIndex().row() == 0, "one click only selects"
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_cell_pos(view, 0))
    assert opened == ["Debt advice", "Debt advice", "Carers"]


def test_a_single_click_opens_the_row_when_asked(qtbot: Any) -> None:
    model = _model([("Carers", 3), ("Debt advice", 12)])
    opened: list[int] = []
    view = QTableView()
    configure_table(view, name="toy", accessible_name="Toy list", model=model, activate_on_click=True,
                    on_activate=lambda: opened.append(view.selectionModel().selectedRows()[0].row()))
    _shown(qtbot, view)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_cell_pos(view, 1))
    assert opened == [1]


def test_header_click_sorts_by_the_sort_key_and_starts_in_model_order(qtbot: Any) -> None:
    model = _model([("Carers", 3), ("Debt advice", 12), ("allotments", 120)])
    view = QTableView()
    proxy = sorting_proxy(model, SORT_ROLE, view)
    configure_table(view, name="toy", accessible_name="Toy list", model=proxy, sort_by=-1,
                    single_selection=False, column_widths=(150, 0))
    _shown(qtbot, view)
    assert view.isSortingEnabled() and view.columnWidth(0) == 150
    assert view.selectionMode() == QAbstractItemView.SelectionMode.ExtendedSelection

    def column(c: int) -> list[str]:
        return [proxy.index(r, c).data() for r in range(proxy.rowCount())]

    assert column(0) == ["Carers", "Debt advice", "allotments"], "the model's order until a click"
    header = view.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(1) + 10, header.height() // 2))
    assert column(1) == ["3", "12", "120"], "numbers sort as numbers"
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(0) + 10, header.height() // 2))
    assert column(0) == ["allotments", "Carers", "Debt advice"], "names sort regardless of case"


def test_every_list_in_the_window_is_named_read_only_and_reachable(qtbot: Any, demo_runtime: Runtime) -> None:
    window = MainWindow(demo_runtime, demo_runtime.context(Actor(None, "Admin", AppRole.ADMINISTRATOR)))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    for key in window.pages:
        window.show_page(key)
    views = window.findChildren(QTableView)
    names = {view.objectName() for view in views}
    assert {"results", "reviews_table", "followups_table", "signposting_table", "who_knows_table",
            "service_table"} <= names
    for view in views:
        if view.objectName() == "phrases":  # a form, not a list: the practice types its leaflet wording here
            continue
        assert view.accessibleName(), f"{view.objectName()} has a name for screen readers"
        assert view.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows, view.objectName()
        assert view.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers, view.objectName()
        assert view.focusPolicy() & Qt.FocusPolicy.TabFocus, view.objectName()


def test_enter_on_a_follow_up_opens_the_organisations_history(qtbot: Any, demo_runtime: Runtime,
                                                              monkeypatch: Any) -> None:
    with demo_runtime.db.read() as s:
        staff = s.scalars(select(Staff).where(Staff.name == "Lena Link")).one()
        lena = Actor(staff.id, staff.name, staff.app_role)
        org_id = s.scalars(select(Organisation.id).order_by(Organisation.id).limit(1)).one()
    ctx = demo_runtime.context(lena)
    now = ctx.clock.now()
    form = ContactLogForm(org_id, "Rang about leaflets", occurred_at=now - timedelta(days=3),
                          follow_up_action="Send the leaflet", follow_up_due=now.date() - timedelta(days=1))
    ContactLogService(ctx).log(form)
    window = MainWindow(demo_runtime, ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    page = window.show_page("followups")
    opened: list[int] = []
    def show_for(cls: Any, parent: Any, context: Any, organisation_id: int) -> bool:
        opened.append(organisation_id)
        return False

    monkeypatch.setattr(OrganisationRelationshipDialog, "show_for", classmethod(show_for))
    page.focus_search()  # the first row, overdue first
    item = page.selected_item()
    assert item is not None and item.organisation_id is not None
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # as the "Contact history…" button says
    assert opened == [item.organisation_id]
