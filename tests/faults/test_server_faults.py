"""Faults at the practice server, injected for real (issue 24).

A PostgreSQL server of this module's own is stopped, restarted, made read-only, has its connections
terminated and its rows and tables locked by "another PC" (a second real connection); a loopback TCP
proxy (tests/faults/proxy.py) drops, delays and cuts the traffic. For each fault the test measures
the time until the person is told, checks the message is the plain one for that cause, and counts
the rows, so that no acknowledged write is lost or doubled.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from sp_desktop.cli import build_parser, run_command
from sp_desktop.cli.staff import NEW_PASSWORD_ENV
from sp_desktop.db.engine import Database
from sp_desktop.db.faults import READ_ONLY_TEXT, explain
from sp_desktop.db.models import Organisation, new_uid
from sp_desktop.domain.enums import AppRole
from sp_desktop.runtime import StartupError, open_runtime
from sp_desktop.services.base import SYSTEM, FixedClock, ServiceContext
from sp_desktop.services.directory import ConflictError, DirectoryService, OrganisationForm
from sp_desktop.services.staff import Authenticator, StaffForm, StaffService
from tests.conftest import FIXED_NOW
from tests.faults.conftest import proxied_url
from tests.faults.proxy import FaultProxy

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]


def _ctx(db: Database) -> ServiceContext:
    return ServiceContext(db, FixedClock(FIXED_NOW), SYSTEM)


def _told(fn: Any) -> tuple[float, Any]:
    """(seconds until the call ended, the exception it raised or None)."""
    started = time.monotonic()
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - the fault is what is measured
        return time.monotonic() - started, exc
    return time.monotonic() - started, None


def _count(db: Database, name: str) -> int:
    with db.read() as s:
        query = select(func.count()).select_from(Organisation).where(Organisation.name == name)
        return int(s.scalar(query) or 0)


def _args(tmp_path: Path, url: Any, *more: str) -> argparse.Namespace:
    text = url.render_as_string(hide_password=False)
    return build_parser().parse_args(["--data-dir", str(tmp_path / "data"), "--database-url", text, *more])


# --------------------------------------------------------------------------- start-up
def test_a_silent_server_is_reported_within_8_seconds_naming_it(tmp_path: Path, proxy: FaultProxy) -> None:
    proxy.silent()
    url = proxied_url_for_missing(proxy)
    args = _args(tmp_path, url)
    took, exc = _told(lambda: open_runtime(args))
    assert isinstance(exc, StartupError)
    assert took < 8
    assert exc.fault is not None and exc.fault.cause == "no_answer"
    assert f"127.0.0.1:{proxy.port}" in str(exc) and "not answering" in str(exc)
    assert "psycopg" not in str(exc) and "sqlalche" not in str(exc)


def proxied_url_for_missing(proxy: FaultProxy) -> Any:
    from sqlalchemy.engine import URL

    return URL.create("postgresql+psycopg", username="sp_desktop", password="x", host="127.0.0.1",
                      port=proxy.port, database="practice")


def test_the_command_line_prints_one_plain_line_and_the_exit_code(tmp_path: Path, proxy: FaultProxy) -> None:
    proxy.silent()
    url = proxied_url_for_missing(proxy).render_as_string(hide_password=False)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "sp_desktop", "--data-dir", str(tmp_path / "d"),
                           "--database-url", url, "search", "food"], capture_output=True, text=True, cwd=ROOT,
                          timeout=60, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    took = time.monotonic() - started
    assert done.returncode == 3  # ExitCode.CANNOT_OPEN
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "not answering" in lines[0] and f"127.0.0.1:{proxy.port}" in lines[0]
    for driver_text in ("Traceback", "psycopg", "sqlalche.me", "SELECT", "INSERT"):
        assert driver_text not in done.stderr
    assert took < 20  # Python's own start-up on a busy CI machine included


def test_a_refused_connection_is_told_at_once(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    from sqlalchemy.engine import URL

    url = URL.create("postgresql+psycopg", username="u", password="p", host="127.0.0.1", port=port,
                     database="practice")
    took, exc = _told(lambda: open_runtime(_args(tmp_path, url)))
    assert isinstance(exc, StartupError) and exc.fault.cause == "unreachable"
    assert took < 3
    assert "Cannot reach the practice server" in str(exc)


def _answer_like_a_starting_server(listener: Any) -> None:
    """Answer each connection as PostgreSQL does while it is still starting up: no to SSL, then
    FATAL 57P03 "the database system is starting up" (the wire bytes a real server sends)."""
    import struct

    fields = b"SFATAL\0VFATAL\0C57P03\0Mthe database system is starting up\0\0"
    refusal = b"E" + struct.pack("!I", len(fields) + 4) + fields
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            try:
                while True:
                    head = conn.recv(8)
                    if len(head) < 8:
                        break
                    size, code = struct.unpack("!II", head)
                    if size > 8:
                        conn.recv(size - 8)
                    if code in (80877103, 80877104):  # SSLRequest, GSSENCRequest
                        conn.sendall(b"N")
                        continue
                    conn.sendall(refusal)
                    break
            except OSError:
                pass


def test_a_server_still_starting_up_is_told_as_a_server_that_is_away(tmp_path: Path) -> None:
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    threading.Thread(target=_answer_like_a_starting_server, args=(listener,), daemon=True).start()
    from sqlalchemy.engine import URL

    url = URL.create("postgresql+psycopg", username="u", password="p", host="127.0.0.1", port=port,
                     database="practice")
    try:
        took, exc = _told(lambda: open_runtime(_args(tmp_path, url)))
    finally:
        listener.close()
    assert isinstance(exc, StartupError) and exc.fault is not None
    assert exc.fault.server_away and exc.fault.cause == "no_answer"
    assert took < 3
    assert "restarting" in str(exc) and "Nothing was changed" in str(exc)
    assert "psycopg" not in str(exc)


# --------------------------------------------------------------------------- locks and timeouts
def _new_org(db: Database, name: str) -> Any:
    return DirectoryService(_ctx(db)).save_organisation(OrganisationForm(name=name))


def test_a_record_locked_by_another_pc_is_told_within_seconds(fault_cluster: Any,
                                                              server_db_name: str) -> None:
    db = Database.open(fault_cluster.url(server_db_name))
    try:
        org = _new_org(db, "Foodbank")
        import psycopg

        holder = psycopg.connect(**fault_cluster._connect_args(server_db_name))  # another PC, mid-save
        holder.execute("SELECT * FROM organisation WHERE id = %s FOR UPDATE", (org.id,))
        try:
            took, exc = _told(lambda: DirectoryService(_ctx(db)).save_organisation(
                OrganisationForm(name="Foodbank (Town)"), org.id, expected_version=org.version))
        finally:
            holder.rollback()
            holder.close()
        fault = explain(exc)
        assert fault is not None and fault.cause == "locked", exc
        assert 4 <= took < 8  # lock_timeout 5 s
        assert "Another PC is busy with the same records" in fault.message
        assert _count(db, "Foodbank") == 1 and _count(db, "Foodbank (Town)") == 0  # nothing half-written
        # the other PC finished: the same save now goes through
        DirectoryService(_ctx(db)).save_organisation(OrganisationForm(name="Foodbank (Town)"), org.id,
                                                     expected_version=org.version)
        assert _count(db, "Foodbank (Town)") == 1
    finally:
        db.dispose()


def test_a_search_waiting_on_a_table_lock_is_told_within_seconds(fault_cluster: Any,
                                                                 server_db_name: str) -> None:
    import psycopg

    db = Database.open(fault_cluster.url(server_db_name))
    holder = psycopg.connect(**fault_cluster._connect_args(server_db_name))
    try:
        holder.execute("LOCK TABLE service IN ACCESS EXCLUSIVE MODE")
        took, exc = _told(lambda: DirectoryService(_ctx(db)).search("food"))
        fault = explain(exc)
        assert fault is not None and fault.cause == "locked", exc
        assert took < 8
    finally:
        holder.rollback()
        holder.close()
        db.dispose()


def test_a_statement_that_runs_too_long_is_stopped(fault_cluster: Any, server_db_name: str) -> None:
    from sqlalchemy import text

    from sp_desktop.db.engine import STATEMENT_TIMEOUT_MS

    db = Database.open(fault_cluster.url(server_db_name))
    try:
        seconds = STATEMENT_TIMEOUT_MS["interactive"] / 1000
        def long_query() -> None:
            with db.read() as s:
                s.execute(text("SELECT pg_sleep(60)"))

        took, exc = _told(long_query)
        fault = explain(exc)
        assert fault is not None and fault.cause == "timed_out"
        assert seconds - 0.5 < took < seconds + 3
        assert "took too long" in fault.message
    finally:
        db.dispose()


# --------------------------------------------------------------------------- read-only server
def test_a_read_only_server_lets_people_sign_in_and_read_but_changes_nothing(
        fault_cluster: Any, server_db_name: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    db = Database.open(fault_cluster.url(server_db_name))
    StaffService(_ctx(db)).add(StaffForm("Ada Khan", "GP", AppRole.ADMINISTRATOR, "correct horse battery"))
    org = _new_org(db, "Men's Shed")
    db.dispose()
    with fault_cluster.admin() as admin:
        admin.execute(f"ALTER DATABASE {server_db_name} SET default_transaction_read_only = on")
    db = Database.open(fault_cluster.url(server_db_name))
    try:
        import logging

        logging.getLogger("sp_desktop").addHandler(caplog.handler)
        try:
            actor = Authenticator(_ctx(db)).sign_in("Ada Khan", "correct horse battery")
        finally:
            logging.getLogger("sp_desktop").removeHandler(caplog.handler)
        assert actor.name == "Ada Khan"
        assert any("read-only" in r.getMessage() and "Ada Khan" in r.getMessage() for r in caplog.records)
        ctx = _ctx(db).as_actor(actor)
        assert DirectoryService(ctx).get_organisation(org.id).name == "Men's Shed"  # reads work
        DirectoryService(ctx).search("shed")
        took, exc = _told(lambda: DirectoryService(ctx).save_organisation(
            OrganisationForm(name="Men's Shed 2"), org.id, expected_version=org.version))
        fault = explain(exc)
        assert fault is not None and fault.cause == "read_only"
        assert fault.message.startswith(READ_ONLY_TEXT)
        assert took < 2
        assert _count(db, "Men's Shed") == 1
        # the command line: one line, exit code 1, no SQL or parameters
        err = io.StringIO()
        args = _args(tmp_path, fault_cluster.url(server_db_name), "--user", "Ada Khan", "staff", "add",
                     "Bea Lowe", "--role", "front_desk", "--job", "Receptionist")
        os.environ["SP_DESKTOP_PASSWORD"] = "correct horse battery"
        os.environ[NEW_PASSWORD_ENV] = "another good passphrase"
        try:
            code = run_command(args, io.StringIO(), err)
        finally:
            os.environ.pop("SP_DESKTOP_PASSWORD", None)
            os.environ.pop(NEW_PASSWORD_ENV, None)
        assert code == 1, err.getvalue()
        assert READ_ONLY_TEXT in err.getvalue()
        assert "INSERT" not in err.getvalue() and "Traceback" not in err.getvalue()
    finally:
        db.dispose()
        with fault_cluster.admin() as admin:
            admin.execute(f"ALTER DATABASE {server_db_name} RESET default_transaction_read_only")


# --------------------------------------------------------------------------- restarts and lost connections
def test_a_server_restart_is_invisible_and_loses_nothing(fault_cluster: Any, server_db_name: str) -> None:
    db = Database.open(fault_cluster.url(server_db_name))
    try:
        _new_org(db, "Before restart")
        fault_cluster.restart("fast")
        took, exc = _told(lambda: _new_org(db, "After restart"))
        assert exc is None and took < 5  # the pooled connection was replaced quietly
        fault_cluster.restart("immediate")  # as after a crash
        took, exc = _told(lambda: _new_org(db, "After crash"))
        assert exc is None
        assert [_count(db, n) for n in ("Before restart", "After restart", "After crash")] == [1, 1, 1]
    finally:
        db.dispose()


def test_terminated_connections_are_replaced_quietly(fault_cluster: Any, server_db_name: str) -> None:
    db = Database.open(fault_cluster.url(server_db_name))
    try:
        _new_org(db, "One")
        with fault_cluster.admin() as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                          (server_db_name,))
        _new_org(db, "Two")
        assert _count(db, "One") == 1 and _count(db, "Two") == 1
    finally:
        db.dispose()


def test_a_stopped_server_is_told_at_once_and_work_carries_on_when_it_is_back(
        fault_cluster: Any, server_db_name: str) -> None:
    db = Database.open(fault_cluster.url(server_db_name))
    try:
        _new_org(db, "Kept")
        fault_cluster.server_down("fast")
        try:
            took, exc = _told(lambda: _new_org(db, "While away"))
            fault = explain(exc)
            assert fault is not None and fault.server_away and fault.cause in ("unreachable", "lost")
            assert took < 6
        finally:
            fault_cluster.server_up()
        _new_org(db, "Back again")
        assert [_count(db, n) for n in ("Kept", "While away", "Back again")] == [1, 0, 1]
    finally:
        db.dispose()


@pytest.mark.slow
def test_a_server_stopped_for_a_minute_is_told_each_time_and_nothing_is_lost_or_doubled(
        fault_cluster: Any, server_db_name: str) -> None:
    db = Database.open(fault_cluster.url(server_db_name))
    try:
        acknowledged: list[str] = []
        keys = [new_uid() for _ in range(8)]
        _new_org(db, "Before the outage")
        fault_cluster.server_down("fast")
        back = threading.Timer(60, fault_cluster.server_up)
        back.start()
        told: list[float] = []
        try:
            for key in keys:  # a person pressing Save every few seconds through the outage
                form = OrganisationForm(name=f"Outage {key[:8]}", client_key=key)
                while True:
                    took, exc = _told(lambda form=form: DirectoryService(_ctx(db)).save_organisation(form))
                    if exc is None:
                        acknowledged.append(key)
                        break
                    fault = explain(exc)
                    assert fault is not None and fault.server_away, exc
                    told.append(took)
                    time.sleep(3)
        finally:
            back.join()
        assert told and max(told) < 6  # every attempt during the outage was answered within seconds
        with db.read() as s:
            counts = [s.scalar(select(func.count()).select_from(Organisation).where(Organisation.uid == k))
                      for k in acknowledged]
        assert len(acknowledged) == len(keys) and counts == [1] * len(keys)  # none lost, none doubled
    finally:
        db.dispose()


def test_a_dead_link_is_noticed_within_15_seconds(open_via_proxy: Any, proxy: FaultProxy) -> None:
    db = open_via_proxy()
    _new_org(db, "Before")
    proxy.drop()  # every packet lost, both ways, while the far end still acknowledges
    took, exc = _told(lambda: _new_org(db, "During"))
    fault = explain(exc)
    assert fault is not None and fault.server_away, exc
    assert took <= 15
    proxy.heal()
    _new_org(db, "After")
    assert [_count(db, n) for n in ("Before", "During", "After")] == [1, 0, 1]


def test_a_link_cut_mid_command_is_told_at_once(open_via_proxy: Any, proxy: FaultProxy) -> None:
    from sqlalchemy import text

    db = open_via_proxy()
    _new_org(db, "Before")

    def slow_command() -> None:
        with db.read() as s:
            s.execute(text("SELECT pg_sleep(8)"))

    holder: list[Any] = []
    worker = threading.Thread(target=lambda: holder.append(_told(slow_command)))
    worker.start()
    time.sleep(1)
    cut_at = time.monotonic()
    proxy.cut()  # a cable pulled, a firewall restarted
    worker.join(20)
    _took, exc = holder[0]
    fault = explain(exc)
    assert fault is not None and fault.cause == "lost", exc
    assert time.monotonic() - cut_at < 8  # told before the command would have finished
    _new_org(db, "After")  # the next command reconnects by itself
    assert _count(db, "Before") == 1 and _count(db, "After") == 1


# --------------------------------------------------------------------------- saved exactly once
def _drop_reply_of_next_commit(db: Database, proxy: FaultProxy) -> None:
    armed = [True]

    def on_commit(conn: Any) -> None:
        if armed[0]:
            armed[0] = False
            proxy.drop(to_server=False, to_client=True)  # the COMMIT reaches the server; its reply is lost

    event.listen(db.engine, "commit", on_commit)


def test_a_new_record_whose_reply_was_lost_is_saved_exactly_once(open_via_proxy: Any,
                                                                 proxy: FaultProxy) -> None:
    db = open_via_proxy()
    form = OrganisationForm(name="Lost reply club", client_key=new_uid())
    _drop_reply_of_next_commit(db, proxy)
    took, exc = _told(lambda: DirectoryService(_ctx(db)).save_organisation(form))
    fault = explain(exc)
    assert fault is not None and fault.cause == "lost", exc
    assert took <= 15
    proxy.heal()
    again = DirectoryService(_ctx(db)).save_organisation(form)  # the person presses Save again
    assert again.name == "Lost reply club"
    assert _count(db, "Lost reply club") == 1
    assert DirectoryService(_ctx(db)).save_organisation(form).id == again.id  # and again


def test_an_update_whose_reply_was_lost_is_not_a_false_conflict(open_via_proxy: Any,
                                                                proxy: FaultProxy) -> None:
    db = open_via_proxy()
    org = _new_org(db, "Walking group")
    form = OrganisationForm(name="Walking group (Tuesdays)")
    _drop_reply_of_next_commit(db, proxy)
    _took, exc = _told(lambda: DirectoryService(_ctx(db)).save_organisation(form, org.id, org.version))
    assert explain(exc) is not None and explain(exc).cause == "lost"
    proxy.heal()
    saved = DirectoryService(_ctx(db)).save_organisation(form, org.id, org.version)  # Save again
    assert saved.name == "Walking group (Tuesdays)" and saved.version == org.version + 1  # once
    # but a real change by someone else is still a conflict
    DirectoryService(_ctx(db)).save_organisation(OrganisationForm(name="Walking group (Weds)"), org.id,
                                                 saved.version)
    with pytest.raises(ConflictError):
        DirectoryService(_ctx(db)).save_organisation(form, org.id, saved.version)


def test_the_command_line_says_one_line_when_the_connection_drops_mid_command(
        tmp_path: Path, fault_cluster: Any, server_db_name: str, proxy: FaultProxy) -> None:
    import re

    from sqlalchemy.engine import Engine

    args = _args(tmp_path, proxied_url(fault_cluster, server_db_name, proxy), "search", "food")
    cut = [False]

    def cut_before_the_search(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if not cut[0] and re.search(r"from service\b", statement, re.IGNORECASE):
            cut[0] = True
            proxy.silent()
            proxy.cut()  # the cable is pulled just as the search goes out

    event.listen(Engine, "before_cursor_execute", cut_before_the_search)
    out, err = io.StringIO(), io.StringIO()
    try:
        code = run_command(args, out, err)
    finally:
        event.remove(Engine, "before_cursor_execute", cut_before_the_search)
    assert cut[0]
    assert code == 3, err.getvalue()
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sp-desktop search: The connection to the practice server")
    assert "Traceback" not in err.getvalue() and "psycopg" not in err.getvalue()
