"""The directory's results table: one row per service (a `ServiceRow` from DirectoryService.search).

Rows arrive in ranked order (best match first). Clicking a header sorts in the model; sorting by
column -1 (the header's "no sort" state) puts the ranked order back.

The "Open / taking people" column is the short form of issue 18's "is it open" and "can they get
in" (`RowState` from ConfidenceService.row_states, handed in with the rows like the health).

The Relationship column shows each organisation's relationship health (``Strong ●``), handed in
with the rows by whoever asked RelationshipService for the whole result set (one call per search,
not one per row).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from sp_desktop.domain.confidence import NO_CAPACITY
from sp_desktop.domain.enums import RelationshipHealth, ServiceStatus
from sp_desktop.domain.formatting import show_date
from sp_desktop.services.confidence import RowState
from sp_desktop.services.directory import ServiceRow
from sp_desktop.services.problems import PROBLEM_REPORTED
from sp_desktop.services.relationships import OrganisationHealth

COL_SERVICE = 0
COL_ORGANISATION = 1
COL_VETTING = 2
COL_RELATIONSHIP = 3
COL_TOWN = 4
COL_COST = 5
COL_NOW = 6
COL_CATEGORIES = 7
COL_ACCESS = 8
COL_LAST_CHECKED = 9

HEADERS = ("Service", "Organisation", "Vetting", "Relationship", "Town", "Cost", "Open / taking people",
           "Categories", "How to access", "Last checked")
HEADER_TIPS = (
    "The service's name (and its state when it is not running normally)",
    "The organisation that runs the service",
    "Whether the practice has checked the organisation and approved it",
    "The practice's relationship with the organisation: Strong ● (met in person in the last 12 months), "
    "Fading ◐ (in touch, but not in person), None ○ (no contact in 12 months)",
    "Where the service meets (first venue), or By phone / Online when it has no venue",
    "Free, or what it costs",
    "Open now (and until when) or when it next opens, or closed for a dated closure; then whether it is "
    "taking new people, with “(unconfirmed)” when nobody has confirmed that in the last 30 days",
    "What needs the service helps with",
    "How people can get in: self-referral, GP referral, drop-in or appointment",
    "When someone last checked the details were right",
)

#: Role returning the service id (int).
ServiceIdRole = Qt.ItemDataRole.UserRole
#: Role returning the whole ServiceRow.
RowRole = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex


def vetting_text(row: ServiceRow) -> str:
    text = f"{row.vetting_status.label} {row.vetting_status.symbol}"
    if row.shared_by:  # the neighbour's word, never this practice's approval
        text += f" · vetted by {row.shared_by} (theirs)"
    return text


def service_text(row: ServiceRow) -> str:
    if row.archived:
        return f"{row.name} (archived)"
    if row.organisation_status.value == "closed":
        return f"{row.name} (organisation closed)"
    if row.status is not ServiceStatus.ACTIVE:
        return f"{row.name} ({row.status.label.lower()})"
    return row.name


def place_text(row: ServiceRow) -> str:
    """The Town column: the first venue's town, else how people reach a service with no venue."""
    if row.town:
        return row.town
    if row.by_phone and row.online:
        return "By phone and online"
    if row.by_phone:
        return "By phone"
    if row.online:
        return "Online"
    return ""


def relationship_text(health: OrganisationHealth | None) -> str:
    return health.short_text if health is not None else ""


def now_text(state: RowState | None, today: date | None) -> str:
    return state.text(today) if state is not None and today is not None else ""


def _display(row: ServiceRow, column: int, health: OrganisationHealth | None = None,
             state: RowState | None = None, today: date | None = None) -> str:
    if column == COL_NOW:
        return now_text(state, today)
    if column == COL_SERVICE:
        return service_text(row)
    if column == COL_ORGANISATION:
        return row.organisation_name
    if column == COL_VETTING:
        return vetting_text(row)
    if column == COL_CATEGORIES:
        return row.categories
    if column == COL_RELATIONSHIP:
        return relationship_text(health)
    if column == COL_TOWN:
        return place_text(row)
    if column == COL_COST:
        return row.cost
    if column == COL_ACCESS:
        return row.access_text
    if column == COL_LAST_CHECKED:
        return show_date(row.last_verified_on, "Never")
    return ""


_NEVER = date.min
_HEALTH_ORDER = {RelationshipHealth.STRONG: 0, RelationshipHealth.FADING: 1, RelationshipHealth.NONE: 2}


def _sort_key(column: int, health: Mapping[int, OrganisationHealth],
              states: Mapping[int, RowState] | None = None,
              today: date | None = None) -> Callable[[ServiceRow], Any]:
    states = states or {}
    if column == COL_LAST_CHECKED:
        return lambda r: r.last_verified_on or _NEVER
    if column == COL_COST:
        return lambda r: (not r.is_free, (r.fee_description or "").casefold())
    if column == COL_VETTING:
        order = ["approved", "in_review", "not_vetted", "suspended", "declined"]
        return lambda r: order.index(r.vetting_status.value) if r.vetting_status.value in order else 99
    if column == COL_RELATIONSHIP:
        # Strong first, then fading, then none; within a level, the most recent contact first.
        def by_health(r: ServiceRow) -> tuple[int, float, str]:
            h = health.get(r.organisation_id)
            if h is None:
                return (9, 0.0, r.organisation_name.casefold())
            last = -h.last_contact.timestamp() if isinstance(h.last_contact, datetime) else 0.0
            return (_HEALTH_ORDER.get(h.level, 8), last, r.organisation_name.casefold())
        return by_health
    if column == COL_NOW:  # open now first, then by the words
        return lambda r: (not (states.get(r.id) and states[r.id].opening.open_now),
                          now_text(states.get(r.id), today).casefold())
    if column == COL_TOWN:
        # Towns A to Z, then phone/online services, then those saying nothing (blank) last.
        return lambda r: (0 if r.town else 1 if (r.by_phone or r.online) else 2, place_text(r).casefold())
    return lambda r: _display(r, column).casefold()


class ServiceTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._ranked: list[ServiceRow] = []
        self._rows: list[ServiceRow] = []
        self._health: dict[int, OrganisationHealth] = {}
        self._states: Mapping[int, RowState] = {}
        self._today: date | None = None
        self._problems: frozenset[int] = frozenset()  # services with an open reported problem
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    # ---- data in
    def set_rows(self, rows: Sequence[ServiceRow],
                 health: Mapping[int, OrganisationHealth] | None = None,
                 states: Mapping[int, RowState] | None = None, today: date | None = None,
                 problems: Collection[int] = ()) -> None:
        """Replace every row (ranked order), keeping the user's chosen sort if any.

        `health` maps organisation id -> its relationship health (RelationshipService.health for
        the organisations in `rows`); without it the Relationship column is blank."""
        self.beginResetModel()
        self._health = dict(health or {})
        self._states = states if states is not None else {}  # worked out row by row as shown
        self._today = today
        self._problems = frozenset(problems)
        self._ranked = list(rows)
        self._rows = self._sorted(self._ranked)
        self.endResetModel()

    def rows(self) -> list[ServiceRow]:
        return list(self._rows)

    def health_of(self, organisation_id: int) -> OrganisationHealth | None:
        return self._health.get(organisation_id)

    def row_at(self, row: int) -> ServiceRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, service_id: int) -> int:
        for i, r in enumerate(self._rows):
            if r.id == service_id:
                return i
        return -1

    @property
    def sort_column(self) -> int:
        return self._sort_column

    # ---- Qt model interface
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        col = index.column()
        health = self._health.get(row.organisation_id) if col == COL_RELATIONSHIP else None
        if col == COL_SERVICE and row.id in self._problems and role in (
                Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            # first, in words (never colour alone), so a narrow column cannot elide it away
            return f"! {PROBLEM_REPORTED} — {_display(row, col)}"
        if col == COL_NOW:
            text = now_text(self._states.get(row.id), self._today)
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return text
            if role == Qt.ItemDataRole.ToolTipRole:
                state = self._states.get(row.id)
                if state is None or self._today is None:
                    return None
                cap = state.capacity.text(self._today) if state.capacity else NO_CAPACITY
                return f"{state.opening.text}. {cap}."
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(row, col, health)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if col == COL_RELATIONSHIP:
                return f"Relationship: {health.level.label}" if health is not None else ""
            return _display(row, col, health)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_SERVICE and row.id in self._problems:
                return (f"{PROBLEM_REPORTED}: see the details. A leaflet for it needs a reason until the "
                        "vetting lead resolves it.")
            if col == COL_VETTING:
                return f"Vetting: {row.vetting_status.label}"
            if col == COL_RELATIONSHIP:
                return f"{health.text}. {health.describe()}" if health is not None else None
            if col == COL_LAST_CHECKED:
                return ("Details never checked" if row.last_verified_on is None
                        else f"Details last checked on {show_date(row.last_verified_on)}")
            if col == COL_CATEGORIES:  # elided in a narrow column: the tooltip gives them all
                return row.categories or None
            return None  # the view shows the whole text of a cell too narrow for it (directory_page)
        if role == ServiceIdRole:
            return row.id
        if role == RowRole:
            return row
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return HEADER_TIPS[section] + " (click to sort)"
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column; column -1 restores the ranked (best match first) order."""
        self.layoutAboutToBeChanged.emit()
        old = list(self._rows)
        persistent = self.persistentIndexList()
        self._sort_column = column if 0 <= column < len(HEADERS) else -1
        self._sort_order = order
        self._rows = self._sorted(self._ranked)
        new_pos = {id(r): i for i, r in enumerate(self._rows)}
        for idx in persistent:
            if idx.isValid() and idx.row() < len(old):
                self.changePersistentIndex(idx, self.index(new_pos[id(old[idx.row()])], idx.column()))
        self.layoutChanged.emit()

    def _sorted(self, rows: list[ServiceRow]) -> list[ServiceRow]:
        if self._sort_column < 0:
            return list(rows)
        return sorted(rows, key=_sort_key(self._sort_column, self._health, self._states, self._today),
                      reverse=self._sort_order == Qt.SortOrder.DescendingOrder)


__all__ = [
    "COL_ACCESS", "COL_CATEGORIES", "COL_COST", "COL_NOW",
    "COL_LAST_CHECKED", "COL_ORGANISATION", "COL_RELATIONSHIP",
    "COL_SERVICE", "COL_TOWN", "COL_VETTING", "HEADERS", "RowRole", "ServiceIdRole", "ServiceTableModel",
    "place_text", "relationship_text",
]
