"""Faults at the practice server, measured: the table for docs/server-faults.md (issue 24).

    .venv/bin/python tests/benchmarks/server_faults.py [--away-seconds 60]

Starts a throw-away PostgreSQL server (tests/pg_cluster.py) and a loopback TCP proxy
(tests/faults/proxy.py), then injects each fault for real while a "person" works through the
services exactly as the window does. For each fault it prints: the time until the person is told
(or until the work went through, when the fault is meant to be invisible), the message they get
(its first words), and how many acknowledged writes were lost or doubled. Writes are new
organisations with a key made on the PC (`OrganisationForm.client_key`), retried with the same key
after any failure, the way the edit dialog retries when Save is pressed again.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, select, text  # noqa: E402
from sqlalchemy.engine import URL  # noqa: E402

from sp_desktop.db.engine import Database  # noqa: E402
from sp_desktop.db.faults import explain  # noqa: E402
from sp_desktop.db.models import Organisation, new_uid  # noqa: E402
from sp_desktop.services.base import SYSTEM, ServiceContext, SystemClock  # noqa: E402
from sp_desktop.services.bootstrap import open_database  # noqa: E402
from sp_desktop.services.directory import DirectoryService, OrganisationForm  # noqa: E402
from tests.faults.proxy import FaultProxy  # noqa: E402
from tests.pg_cluster import PgCluster, find_bindir  # noqa: E402


@dataclass
class Row:
    fault: str
    told_s: float | None
    message: str
    writes: int = 0
    lost: int = 0
    doubled: int = 0


class Writer:
    """Acknowledged writes: a key is "acknowledged" only when save_organisation returned."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.acked: list[str] = []

    def write(self, label: str, attempts: int = 40, pause: float = 0.5) -> tuple[float, str]:
        """(seconds until the first failure was told, or until done; its message or "") — then retries
        with the same key until the write is acknowledged."""
        key = new_uid()
        form = OrganisationForm(name=f"{label} {key[:8]}", client_key=key)
        started = time.monotonic()
        told: tuple[float, str] | None = None
        for _ in range(attempts):
            try:
                DirectoryService(ServiceContext(self.db, SystemClock(), SYSTEM)).save_organisation(form)
            except Exception as exc:  # noqa: BLE001 - measured
                if told is None:
                    fault = explain(exc)
                    told = (time.monotonic() - started, fault.message if fault else f"UNEXPLAINED {exc!r}")
                time.sleep(pause)
                continue
            self.acked.append(key)
            return told or (time.monotonic() - started, "")
        return told or (time.monotonic() - started, "never saved")

    def check(self, keys: list[str]) -> tuple[int, int]:
        with self.db.read() as s:
            counts = dict(s.execute(select(Organisation.uid, func.count()).where(Organisation.uid.in_(keys))
                                    .group_by(Organisation.uid)).all())
        lost = sum(1 for k in keys if counts.get(k, 0) == 0)
        doubled = sum(counts.get(k, 0) - 1 for k in keys if counts.get(k, 0) > 1)
        return lost, doubled


def timed(fn: Callable[[], Any]) -> tuple[float, str]:
    started = time.monotonic()
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - measured
        fault = explain(exc)
        return time.monotonic() - started, fault.message if fault else f"UNEXPLAINED {exc!r}"
    return time.monotonic() - started, ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--away-seconds", type=float, default=60.0, help="how long the server is stopped")
    args = parser.parse_args(argv)
    bindir = find_bindir()
    if bindir is None:
        print("PostgreSQL server binaries not found (see tests/pg_cluster.py).", file=sys.stderr)
        return 2
    cluster = PgCluster.start(bindir)
    rows: list[Row] = []
    try:
        cluster.create_database("bench_faults")
        with cluster.admin() as admin:  # type: ignore[attr-defined]
            admin.execute("ALTER DATABASE bench_faults SET synchronous_commit = on")  # as on a real server
        direct_url = cluster.url("bench_faults")
        db0, _ = open_database(direct_url, SystemClock(), None)
        db0.dispose()
        proxy = FaultProxy(cluster.port)
        db = Database.open(direct_url.set(port=proxy.port))
        writer = Writer(db)

        def scenario(name: str, run: Callable[[], tuple[float, str]]) -> None:
            before = len(writer.acked)
            told, message = run()
            keys = writer.acked[before:]
            lost, doubled = writer.check(keys) if keys else (0, 0)
            rows.append(Row(name, told, message, len(keys), lost, doubled))
            print(f"  {name}: {told:.1f} s", file=sys.stderr, flush=True)

        writer.write("warm-up")

        # --- start-up against a server that accepts and never answers / a closed port
        def startup(silent: bool) -> tuple[float, str]:
            from sp_desktop.cli import build_parser
            from sp_desktop.runtime import open_runtime

            p = FaultProxy(cluster.port)
            p.silent(silent)
            port = p.port
            if not silent:
                import socket

                with socket.socket() as s:  # a port nobody listens on
                    s.bind(("127.0.0.1", 0))
                    port = s.getsockname()[1]
            url = URL.create("postgresql+psycopg", username="sp_desktop", password="x", host="127.0.0.1",
                             port=port, database="practice").render_as_string(hide_password=False)
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                a = build_parser().parse_args(["--data-dir", tmp, "--database-url", url])
                result = timed(lambda: open_runtime(a))
            p.close()
            return result

        scenario("start-up, server accepts but never answers", lambda: startup(True))
        scenario("start-up, nothing listening (refused)", lambda: startup(False))

        scenario("server restarted (fast)", lambda: (cluster.restart("fast"), writer.write("restart"))[1])
        scenario("server restarted after a crash", lambda: (cluster.restart("immediate"),
                                                            writer.write("crash"))[1])

        def stopped() -> tuple[float, str]:
            cluster.server_down("fast")
            threading.Timer(args.away_seconds, cluster.server_up).start()
            result = writer.write("while stopped", attempts=int(args.away_seconds / 0.5) + 60)
            return result

        scenario(f"server stopped for {args.away_seconds:.0f} s (write retried until saved)", stopped)

        def terminated() -> tuple[float, str]:
            with cluster.admin() as admin:  # type: ignore[attr-defined]
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                              "'bench_faults' AND pid <> pg_backend_pid()")
            return writer.write("terminated")

        scenario("connections terminated", terminated)

        def row_lock() -> tuple[float, str]:
            import psycopg

            org = DirectoryService(ServiceContext(db, SystemClock(), SYSTEM)).save_organisation(
                OrganisationForm(name="Locked one"))
            holder = psycopg.connect(**cluster._connect_args("bench_faults"))
            holder.execute("SELECT 1 FROM organisation WHERE id = %s FOR UPDATE", (org.id,))
            try:
                directory = DirectoryService(ServiceContext(db, SystemClock(), SYSTEM))
                return timed(lambda: directory.save_organisation(
                    OrganisationForm(name="Locked one, renamed"), org.id, org.version))
            finally:
                holder.rollback()
                holder.close()

        scenario("record locked by another PC (Save)", row_lock)

        def table_lock() -> tuple[float, str]:
            import psycopg

            holder = psycopg.connect(**cluster._connect_args("bench_faults"))
            holder.execute("LOCK TABLE service IN ACCESS EXCLUSIVE MODE")
            try:
                directory = DirectoryService(ServiceContext(db, SystemClock(), SYSTEM))
                return timed(lambda: directory.search("food"))
            finally:
                holder.rollback()
                holder.close()

        scenario("table locked by another PC (search)", table_lock)

        def slow_statement() -> tuple[float, str]:
            def run() -> None:
                with db.read() as s:
                    s.execute(text("SELECT pg_sleep(60)"))
            return timed(run)

        scenario("a statement that runs for ever", slow_statement)

        def read_only() -> tuple[float, str]:
            with cluster.admin() as admin:  # type: ignore[attr-defined]
                admin.execute("ALTER DATABASE bench_faults SET default_transaction_read_only = on")
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                              "'bench_faults' AND pid <> pg_backend_pid()")
            directory = DirectoryService(ServiceContext(db, SystemClock(), SYSTEM))
            refused = OrganisationForm(name="Refused while read-only")
            result = timed(lambda: directory.save_organisation(refused))
            with cluster.admin() as admin:  # type: ignore[attr-defined]
                admin.execute("ALTER DATABASE bench_faults RESET default_transaction_read_only")
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                              "'bench_faults' AND pid <> pg_backend_pid()")
            return result

        scenario("server read-only (maintenance, standby)", read_only)

        def dead_link() -> tuple[float, str]:
            proxy.drop()
            threading.Timer(20, proxy.heal).start()
            return writer.write("dead link")

        scenario("link loses every packet for 20 s", dead_link)

        def slow_link() -> tuple[float, str]:
            proxy.delay(0.3)
            try:
                return writer.write("slow link")
            finally:
                proxy.heal()

        scenario("slow link (0.3 s per packet)", slow_link)

        def cut() -> tuple[float, str]:
            threading.Timer(1.0, proxy.cut).start()

            def run() -> None:
                with db.read() as s:
                    s.execute(text("SELECT pg_sleep(8)"))
            return timed(run)

        scenario("link cut mid-command", cut)

        def reply_lost() -> tuple[float, str]:
            armed = [True]

            def on_commit(conn: Any) -> None:
                if armed[0]:
                    armed[0] = False
                    proxy.drop(to_server=False, to_client=True)
                    threading.Timer(12, proxy.heal).start()

            event.listen(db.engine, "commit", on_commit)
            return writer.write("reply lost")

        scenario("reply lost after COMMIT (Save pressed again)", reply_lost)

        lost, doubled = writer.check(writer.acked)
        db.dispose()
        proxy.close()
    finally:
        cluster.stop()

    print(f"\n{'fault':52} {'told (s)':>8}  {'writes':>6} {'lost':>4} {'doubled':>7}  message")
    for r in rows:
        told = f"{r.told_s:8.1f}" if r.told_s is not None else "       -"
        message = (r.message or "(not told: it just worked)")[:90]
        print(f"{r.fault:52} {told}  {r.writes:6d} {r.lost:4d} {r.doubled:7d}  {message}")
    print(f"\nAll acknowledged writes: {len(writer.acked)}, lost {lost}, doubled {doubled}.")
    return 0 if lost == 0 and doubled == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
