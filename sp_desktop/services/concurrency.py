"""Several people, one directory: edit conflicts and noticing changes made elsewhere. Qt-free.

**Conflicts.** Every editable record has a `version` column. A save carries the version the
person opened; if someone else saved in between, the directory service refuses with
`ConflictError` ("changed by <name> at <time> since you opened it") and nothing is written —
on SQLite because write transactions are serialised (BEGIN IMMEDIATE), on PostgreSQL because
the row is locked (SELECT … FOR UPDATE) before its version is compared, and on both because
the UPDATE itself says ``WHERE version = <opened version>``. `conflict_view()` puts "your
version" (the form still open on screen) beside the version saved now, field by field, for
the conflict dialog; re-applying yours is a save with the new version number, so it too is
refused if a third person got in first. No update is ever lost silently.

**Change notification.** `watcher_for(db)` returns a watcher whose `poll()` says, without
blocking, whether the data changed since the last poll:

- SQLite: ``PRAGMA data_version`` on a dedicated connection — it changes whenever another
  connection (another window on this PC, or another program) commits. One tiny query a poll.
- PostgreSQL: ``LISTEN sp_desktop_changes`` on a dedicated connection in a background thread.
  Migration 0002 makes every table send ``NOTIFY sp_desktop_changes, '<table>'`` when written;
  the server delivers it at commit to every listening PC. If the connection drops, the
  thread reconnects and reports a change (something may have been missed meanwhile).

Our own saves are reported too (refreshing once more is harmless: when in doubt, refresh), but
`watcher.elsewhere` tells them apart — exactly on PostgreSQL (each notification names the
server session that sent it, and we know our own pool's sessions), and on SQLite whenever this
program committed nothing since the previous poll — so the window only says "changed on
another PC" when that is true.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import event, select
from sqlalchemy.engine import URL

from sp_desktop.db.engine import Database
from sp_desktop.domain.formatting import show_age_range, show_opening
from sp_desktop.domain.locations import CONFIDENTIAL_LABEL
from sp_desktop.domain.validators import display_phone
from sp_desktop.services.base import ServiceContext
from sp_desktop.services.directory import (
    ConflictError,
    ContactForm,
    DirectoryService,
    LocationForm,
    OrganisationDetail,
    OrganisationForm,
    PhoneForm,
    ServiceDetail,
    ServiceForm,
    SlotForm,
)

NOTIFY_CHANNEL = "sp_desktop_changes"  # the channel migration 0002's triggers notify


# =========================================================================== conflicts
@dataclass(frozen=True)
class FieldComparison:
    label: str
    mine: str
    theirs: str
    original: str | None = None  # as it was when you opened it, when known

    @property
    def differs(self) -> bool:
        return self.mine != self.theirs

    @property
    def you_changed(self) -> bool:
        return self.original is not None and self.mine != self.original

    @property
    def they_changed(self) -> bool:
        return self.original is not None and self.theirs != self.original

    @property
    def who_changed(self) -> str:
        """"You", "They", "Both" or "" — in words, for the dialog."""
        if self.original is None:
            return "Different" if self.differs else ""
        if self.you_changed and self.they_changed:
            return "Both" if self.differs else "Both (the same)"
        return "You" if self.you_changed else "They" if self.they_changed else ""


@dataclass(frozen=True)
class ConflictView:
    """What the conflict dialog shows: who changed it, when, and both versions side by side."""

    entity: str  # "organisation" / "service"
    entity_id: int
    label: str  # the record's name as saved now
    message: str  # the ConflictError text
    changed_by: str
    changed_at: datetime | None
    current_version: int  # re-apply "mine" with this version
    fields: tuple[FieldComparison, ...]
    theirs_form: OrganisationForm | ServiceForm  # the version saved now, as a form (for merging)
    merges: bool  # True when the opened version is known: re-apply keeps their other changes

    @property
    def differences(self) -> tuple[FieldComparison, ...]:
        return tuple(f for f in self.fields if f.differs)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    label = getattr(value, "label", None)
    if isinstance(label, str):
        return label
    return " ".join(str(value).split())


def _joined(*values: Any) -> str:
    return " ".join(x for x in (_text(v) for v in values) if x)


def _pick(values: dict[str, Any], key: str, typed: Any) -> Any:
    """The validated (normalised) value when it is valid, else what the person typed."""
    value = values.get(key)
    return typed if value is None and typed not in (None, "") else value


def _phones_text(phones: Any) -> str:
    out = []
    for number, _type, desc in phones:
        shown = display_phone(number) if number else ""
        out.append(f"{shown} ({desc})" if desc else shown)
    return "; ".join(out)


def _org_rows(mine: dict[str, Any], theirs: OrganisationDetail) -> list[FieldComparison]:
    def people(rows: Any) -> str:
        return "; ".join(", ".join(x for x in (r[0], r[1], display_phone(r[2]) if r[2] else "", r[3]) if x)
                         for r in rows)

    def venues(rows: Any) -> str:
        return "; ".join(", ".join(x for x in r if x) for r in rows)

    return [
        FieldComparison("Name", _text(mine["name"]), _text(theirs.name)),
        FieldComparison("Other name", _text(mine["alternate_name"]), _text(theirs.alternate_name)),
        FieldComparison("Description", _text(mine["description"]), _text(theirs.description)),
        FieldComparison("Website", _text(mine["website"]), _text(theirs.website)),
        FieldComparison("Email", _text(mine["email"]), _text(theirs.email)),
        FieldComparison("Legal status", _text(mine["legal_status"]), _text(theirs.legal_status)),
        FieldComparison("Register", _joined(mine["register_kind"], mine["registration_number"]),
                        _joined(theirs.register_kind, theirs.registration_number)),
        FieldComparison("Status", _text(mine["status"]), _text(theirs.status)),
        FieldComparison("Phone numbers", _phones_text(mine["phones"]),
                        _phones_text((p.number, p.type, p.description) for p in theirs.phones)),
        FieldComparison("People", people((c["name"], c["role"], c["phone"], c["email"])
                                         for c in mine["contacts"]),
                        people((c.name, c.role, c.phone, c.email) for c in theirs.contacts)),
        FieldComparison("Venues", venues((v["name"], v["address_1"], v["address_2"], v["town"], v["postcode"])
                                         for v in mine["locations"]),
                        venues(loc.address_lines for loc in theirs.locations)),
    ]


def _service_rows(ctx: ServiceContext, mine: dict[str, Any], form: ServiceForm,
                  theirs: ServiceDetail) -> list[FieldComparison]:
    from sp_desktop.db.models import Category, Location, Organisation
    from sp_desktop.domain.enums import AccessRoute

    with ctx.read() as s:
        cat_names = {r.id: r.name for r in s.execute(select(Category.id, Category.name)
                                                       .where(Category.id.in_(form.category_ids)))}
        loc_rows = {r[0]: r for r in s.execute(select(Location.id, Location.name, Location.address_1,
                                                      Location.town, Location.confidential)
                                               .where(Location.id.in_(form.location_ids)))}
        org_name = s.scalar(select(Organisation.name).where(Organisation.id == form.organisation_id)) or ""
    access_mine = ", ".join(a.label for a in AccessRoute if a in form.access)
    cost_mine = ("Cost not stated" if mine.get("cost_not_stated") else
                 "Free" if form.is_free else (_text(mine["fee_description"]) or "There is a charge"))
    slots_mine = "; ".join(show_opening(w, o, c, n) for w, o, c, n in mine["schedule"])
    slots_theirs = "; ".join(show_opening(x.weekday, x.opens, x.closes, x.note) for x in theirs.schedule)

    def venue(r: Any) -> str:
        if r[4]:  # a confidential venue (a refuge): its general area only, as every screen shows it
            return ", ".join(x for x in (CONFIDENTIAL_LABEL, r[3]) if x)
        return ", ".join(x for x in (r[1], r[2], r[3]) if x)

    return [
        FieldComparison("Organisation", org_name, theirs.organisation.name),
        FieldComparison("Name", _text(mine["name"]), _text(theirs.name)),
        FieldComparison("Other name", _text(mine["alternate_name"]), _text(theirs.alternate_name)),
        FieldComparison("Description", _text(mine["description"]), _text(theirs.description)),
        FieldComparison("Who it is for", _text(mine["eligibility"]), _text(theirs.eligibility)),
        FieldComparison("Ages", show_age_range(form.min_age, form.max_age),
                        show_age_range(theirs.min_age, theirs.max_age)),
        FieldComparison("How to get in", access_mine, ", ".join(a.label for a in theirs.access)),
        FieldComparison("How to get in touch", _text(mine["application_process"]),
                        _text(theirs.application_process)),
        FieldComparison("Referral form", _text(mine["referral_form_url"]), _text(theirs.referral_form_url)),
        FieldComparison("Cost", cost_mine, theirs.cost),
        FieldComparison("Website", _text(mine["url"]), _text(theirs.url)),
        FieldComparison("Email", _text(mine["email"]), _text(theirs.email)),
        FieldComparison("Languages", ", ".join(mine["languages"]), ", ".join(theirs.languages)),
        FieldComparison("Interpretation", _text(mine["interpretation"]), _text(theirs.interpretation)),
        FieldComparison("BSL", _text(form.bsl), _text(theirs.bsl)),
        FieldComparison("By phone", _text(form.by_phone), _text(theirs.by_phone)),
        FieldComparison("Online", _text(form.online), _text(theirs.online)),
        FieldComparison("Opening times", slots_mine, slots_theirs),
        FieldComparison("Opening notes", _text(mine["schedule_notes"]), _text(theirs.schedule_notes)),
        FieldComparison("Area covered", _text(mine["service_area"]), _text(theirs.service_area)),
        FieldComparison("Status", _text(form.status), _text(theirs.status)),
        FieldComparison("Categories", ", ".join(sorted(cat_names.get(i, "?") for i in form.category_ids)),
                        ", ".join(sorted(c.name for c in theirs.categories))),
        FieldComparison("Venues", "; ".join(sorted(venue(loc_rows[i]) for i in form.location_ids
                                                   if i in loc_rows)),
                        "; ".join(sorted(", ".join(x for x in (
                            (CONFIDENTIAL_LABEL, loc.town) if loc.confidential else
                            (loc.name, loc.address_1, loc.town)) if x) for loc in theirs.locations))),
        FieldComparison("Phone numbers", _phones_text(mine["phones"]),
                        _phones_text((p.number, p.type, p.description) for p in theirs.phones)),
    ]


def organisation_form_from(d: OrganisationDetail) -> OrganisationForm:
    """The saved organisation as the form the edit dialog would show."""
    return OrganisationForm(
        name=d.name, alternate_name=d.alternate_name or "", description=d.description or "",
        website=d.website or "", email=d.email or "", legal_status=d.legal_status or "",
        register_kind=d.register_kind, registration_number=d.registration_number or "", status=d.status,
        phones=[PhoneForm(p.display, p.type, p.description or "") for p in d.phones],
        contacts=[ContactForm(c.name, c.role or "", display_phone(c.phone) if c.phone else "", c.email or "",
                              c.id) for c in d.contacts],
        locations=[LocationForm(loc.name or "", loc.address_1 or "", loc.address_2 or "", loc.town or "",
                                loc.postcode or "", list(loc.accessibility), loc.accessibility_notes or "",
                                loc.transport_notes or "", loc.id, loc.confidential) for loc in d.locations])


def service_form_from(d: ServiceDetail) -> ServiceForm:
    """The saved service as the form the edit dialog would show."""
    return ServiceForm(
        organisation_id=d.organisation.id, name=d.name, alternate_name=d.alternate_name or "",
        description=d.description or "", url=d.url or "", email=d.email or "",
        eligibility=d.eligibility or "",
        min_age=d.min_age, max_age=d.max_age, access=list(d.access),
        application_process=d.application_process or "", referral_form_url=d.referral_form_url or "",
        is_free=d.is_free, fee_description=d.fee_description or "", languages=list(d.languages),
        interpretation=d.interpretation or "", bsl=d.bsl, by_phone=d.by_phone, online=d.online,
        schedule=[SlotForm(x.weekday, x.opens or "", x.closes or "", x.note or "") for x in d.schedule],
        schedule_notes=d.schedule_notes or "", service_area=d.service_area or "", status=d.status,
        category_ids=[c.id for c in d.categories], location_ids=[loc.id for loc in d.locations],
        phones=[PhoneForm(p.display, p.type, p.description or "") for p in d.phones],
        last_verified_on=None, cost_not_stated=d.cost_not_stated, age_not_stated=d.age_not_stated)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) and isinstance(b, list) and a and isinstance(a[0], int):
        return sorted(a) == sorted(b)
    return bool(a == b)


def merge_forms(original: Any, mine: Any, theirs: Any) -> Any:
    """Your edits on top of their version: each field you changed since you opened the record takes
    your value; every other field keeps the value saved now (so their changes survive)."""
    values = {f.name: (getattr(mine, f.name) if not _same(getattr(mine, f.name), getattr(original, f.name))
                       else getattr(theirs, f.name)) for f in dataclasses.fields(mine)}
    return dataclasses.replace(mine, **values)


def _rows_for(ctx: ServiceContext, entity: str, form: Any, saved: Any) -> list[FieldComparison]:
    directory = DirectoryService(ctx)
    if entity == "organisation":
        values, _ = directory.validate_organisation(form)
        return _org_rows({k: _pick(values, k, getattr(form, k, None)) for k in values}, saved)
    values, _ = directory.validate_service(form)
    return _service_rows(ctx, {k: _pick(values, k, getattr(form, k, None)) for k in values}, form, saved)


def conflict_view(ctx: ServiceContext, entity: str, entity_id: int, form: OrganisationForm | ServiceForm,
                  error: ConflictError | None = None,
                  original: OrganisationForm | ServiceForm | None = None) -> ConflictView:
    """Your version (`form`) beside the version saved now, for an organisation or a service.
    With `original` (the form as it was when opened) each row also says who changed it."""
    directory = DirectoryService(ctx)
    saved: OrganisationDetail | ServiceDetail
    if entity == "organisation":
        saved = directory.get_organisation(entity_id)
        theirs_form: OrganisationForm | ServiceForm = organisation_form_from(saved)
    elif entity == "service":
        saved = directory.get_service(entity_id)
        theirs_form = service_form_from(saved)
    else:
        raise ValueError(f"No conflict view for {entity}.")
    rows = _rows_for(ctx, entity, form, saved)
    if original is not None:
        before = _rows_for(ctx, entity, original, saved)
        rows = [dataclasses.replace(r, original=b.mine) for r, b in zip(rows, before, strict=True)]
    if error is None:
        error = ConflictError(entity, saved.name, "someone", None)
    return ConflictView(entity, entity_id, saved.name, str(error), error.changed_by, error.changed_at,
                        saved.version, tuple(rows), theirs_form, original is not None)


def reapply(ctx: ServiceContext, view: ConflictView, form: OrganisationForm | ServiceForm,
            original: OrganisationForm | ServiceForm | None = None) -> Any:
    """Save your changes over the version shown in `view` — merged onto theirs when `original` is
    known — refused again (ConflictError) if someone saved yet another version since."""
    to_save = merge_forms(original, form, view.theirs_form) if original is not None else form
    directory = DirectoryService(ctx)
    if view.entity == "organisation":
        assert isinstance(to_save, OrganisationForm)
        return directory.save_organisation(to_save, view.entity_id, expected_version=view.current_version)
    assert isinstance(to_save, ServiceForm)
    return directory.save_service(to_save, view.entity_id, expected_version=view.current_version)


# =========================================================================== change notification
class ChangeWatcher(Protocol):
    #: How often the window should poll, in milliseconds.
    interval_ms: int
    #: After a poll that returned True: True if the change was certainly made by another program
    #: or PC, False if it may have been only this program's own saves.
    elsewhere: bool

    def poll(self) -> bool:
        """True if the data changed since the previous poll (refresh what is shown). Never blocks."""
        ...

    def close(self) -> None: ...


class SqliteChangeWatcher:
    """``PRAGMA data_version`` on its own connection: changes whenever another connection commits.

    Our own saves use other connections, so they change it too; commits made through `db` are
    counted (an engine "commit" listener) so that a change with no own commit since the last poll
    is known to come from elsewhere (`elsewhere`). When `db` is disposed (closing, or a restore
    about to replace the file) the watcher lets go of the file at once — Windows cannot delete
    or replace a file someone holds open — and only opens it again once `db` connects again."""

    interval_ms = 1000

    def __init__(self, path: Path, db: Database | None = None) -> None:
        self.path = path
        self.elsewhere = False
        self._con: sqlite3.Connection | None = None
        self._version: int | None = None
        self._lock = threading.RLock()
        self._own_commits = 0
        self._own_seen = 0
        self._paused = False
        self._engine = db.engine if db is not None else None
        self._listeners = [("commit", self._on_commit), ("engine_disposed", self._on_disposed),
                           ("engine_connect", self._on_connect)]
        if self._engine is not None:
            for name, fn in self._listeners:
                event.listen(self._engine, name, fn)
        self._open()

    def _on_commit(self, _conn: Any) -> None:
        with self._lock:
            self._own_commits += 1

    def _on_disposed(self, _engine: Any) -> None:
        with self._lock:
            self._paused = True
            self.close_connection()

    def _on_connect(self, _conn: Any) -> None:
        with self._lock:
            self._paused = False

    def _open(self) -> None:
        con = sqlite3.connect(self.path, timeout=1.0, check_same_thread=False, isolation_level=None)
        con.execute("PRAGMA busy_timeout = 1000")
        self._con = con
        self._version = self._read()

    def _read(self) -> int:
        assert self._con is not None
        return int(self._con.execute("PRAGMA data_version").fetchone()[0])

    def poll(self) -> bool:
        with self._lock:
            own = self._own_commits != self._own_seen
            self._own_seen = self._own_commits
            if self._paused:
                return False
            try:
                if self._con is None:
                    self._open()
                    self.elsewhere = True
                    return True  # we were cut off: assume something changed
                version = self._read()
            except sqlite3.Error:
                self.close_connection()
                return False
            changed = version != self._version
            self._version = version
            self.elsewhere = changed and not own
            return changed

    def close_connection(self) -> None:
        with self._lock:
            if self._con is not None:
                try:
                    self._con.close()
                finally:
                    self._con = None

    def close(self) -> None:
        if self._engine is not None:
            for name, fn in self._listeners:
                if event.contains(self._engine, name, fn):
                    event.remove(self._engine, name, fn)
        self.close_connection()


def _psycopg_params(url: URL) -> dict[str, Any]:
    params: dict[str, Any] = dict(url.translate_connect_args(username="user", database="dbname"))
    params.update({k: v for k, v in url.query.items() if isinstance(v, str)})
    return params


class PostgresChangeWatcher:
    """LISTEN for migration 0002's notifications on a dedicated connection, in a background thread.

    Each notification carries the process id of the server session that sent it; sessions of
    this program's own connection pool (recorded at checkout) are ours, so `elsewhere` is exact."""

    interval_ms = 500

    def __init__(self, url: URL, channel: str = NOTIFY_CHANNEL, retry_seconds: float = 5.0,
                 connect: Callable[[], Any] | None = None, db: Database | None = None) -> None:
        self.url = url
        self.channel = channel
        self.retry_seconds = retry_seconds
        self.elsewhere = False
        self._connect = connect or self._default_connect
        self._lock = threading.Lock()
        self._count = 0
        self._seen = 0
        self._foreign = 0
        self._foreign_seen = 0
        self._own_pids: set[int] = set()
        self.tables: set[str] = set()  # tables named in notifications since the last poll
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._conn: Any = None
        self._engine = db.engine if db is not None else None
        if self._engine is not None:
            event.listen(self._engine, "checkout", self._on_checkout)
        self._thread = threading.Thread(target=self._run, name="sp-desktop-listen", daemon=True)
        self._thread.start()

    def _on_checkout(self, dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        pid = getattr(getattr(dbapi_conn, "info", None), "backend_pid", None)
        if pid:
            with self._lock:
                self._own_pids.add(int(pid))

    def _default_connect(self) -> Any:
        import psycopg

        params = _psycopg_params(self.url)
        from sp_desktop.db.engine import CONNECT_TIMEOUT_S, KEEPALIVES, TCP_USER_TIMEOUT_MS

        params.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
        params.setdefault("application_name", "sp_desktop (listening for changes)")
        for key, value in {**KEEPALIVES, "tcp_user_timeout": TCP_USER_TIMEOUT_MS}.items():
            params.setdefault(key, value)  # a dead link is noticed, and the watcher reconnects
        return psycopg.connect(autocommit=True, **params)

    def _note(self, table: str | None, pid: int | None) -> None:
        with self._lock:
            self._count += 1
            if pid is None or pid not in self._own_pids:
                self._foreign += 1
            if table:
                self.tables.add(table)

    def _note_reconnected(self) -> None:
        with self._lock:
            self._count += 1

    def _run(self) -> None:
        had_connection = False
        while not self._stop.is_set():
            try:
                self._conn = self._connect()
                self._conn.execute(f"LISTEN {self.channel}")
                self.connected.set()
                if had_connection:  # reconnected: changes may have been missed meanwhile, so refresh,
                    self._note_reconnected()  # but do not say "changed on another PC": we do not know that
                had_connection = True
                while not self._stop.is_set():
                    for note in self._conn.notifies(timeout=0.25):
                        if note.channel == self.channel:
                            self._note(note.payload, note.pid)
            except Exception:  # server restarted, network gone...: wait, then reconnect
                self.connected.clear()
                self._close_conn()
                self._stop.wait(self.retry_seconds)
        self._close_conn()

    def _close_conn(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                pass

    def poll(self) -> bool:
        with self._lock:
            changed = self._count != self._seen
            self.elsewhere = self._foreign != self._foreign_seen
            self._seen, self._foreign_seen = self._count, self._foreign
            if changed:
                self.tables = set()
            return changed

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        if self._engine is not None and event.contains(self._engine, "checkout", self._on_checkout):
            event.remove(self._engine, "checkout", self._on_checkout)


def watcher_for(db: Database) -> ChangeWatcher | None:
    """The right watcher for the database (None for an in-memory one)."""
    if db.is_sqlite:
        path = db.sqlite_path
        return SqliteChangeWatcher(path, db) if path is not None else None
    if db.dialect == "postgresql":
        return PostgresChangeWatcher(db.url, db=db)
    return None


__all__ = ["ChangeWatcher", "ConflictView", "FieldComparison", "NOTIFY_CHANNEL", "PostgresChangeWatcher",
           "SqliteChangeWatcher", "conflict_view", "merge_forms", "organisation_form_from", "reapply",
           "service_form_from", "watcher_for"]
