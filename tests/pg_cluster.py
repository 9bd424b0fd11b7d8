"""A throw-away PostgreSQL cluster for the tests (used by tests/conftest.py).

`PgCluster.start()` runs ``initdb`` and ``pg_ctl`` in a new temporary folder, listening only
on 127.0.0.1 at a free port (and a unix socket inside that folder), with a random password,
and `stop()` removes everything. When the tests run as root, the server runs as the
``postgres`` OS user (PostgreSQL refuses to run as root) in a folder that user owns.

The server binaries are found with, in order: ``SP_DESKTOP_PG_BINDIR``; ``pg_config
--bindir``; the newest ``/usr/lib/postgresql/*/bin`` (Debian/Ubuntu); ``initdb`` on PATH.
Without them `find_bindir()` returns None and the PostgreSQL tests are skipped, unless
``SP_DESKTOP_REQUIRE_POSTGRES=1`` (set by .ci/run), which turns the skip into a failure.
``SP_DESKTOP_SKIP_POSTGRES=1`` skips them even where PostgreSQL is installed.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import URL

REQUIRE_ENV = "SP_DESKTOP_REQUIRE_POSTGRES"
SKIP_ENV = "SP_DESKTOP_SKIP_POSTGRES"
BINDIR_ENV = "SP_DESKTOP_PG_BINDIR"
APP_ROLE = "sp_app"


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


def postgres_required() -> bool:
    return _flag(REQUIRE_ENV)


def postgres_switched_off() -> bool:
    """SP_DESKTOP_SKIP_POSTGRES=1: run everything on SQLite only, even where PostgreSQL is installed."""
    return _flag(SKIP_ENV) and not postgres_required()


def _has_server(bindir: Path) -> bool:
    return all((bindir / exe).exists() for exe in ("initdb", "pg_ctl", "postgres"))


def find_bindir() -> Path | None:
    env = os.environ.get(BINDIR_ENV)
    if env:
        return Path(env) if _has_server(Path(env)) else None
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                 timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out and _has_server(Path(out)):
            return Path(out)

    def version(p: Path) -> tuple[int, ...]:
        try:
            return tuple(int(x) for x in p.parent.name.split("."))
        except ValueError:
            return (0,)

    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True):
        if _has_server(candidate):
            return candidate
    initdb = shutil.which("initdb")
    if initdb and _has_server(Path(initdb).resolve().parent):
        return Path(initdb).resolve().parent
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgCluster:
    bindir: Path
    root: Path
    port: int = 0
    superuser_password: str = field(default_factory=lambda: secrets.token_hex(16))
    app_password: str = field(default_factory=lambda: secrets.token_hex(16))
    _as_user: list[str] = field(default_factory=list)
    _started: bool = False
    _watchdog: subprocess.Popen[bytes] | None = None

    @classmethod
    def start(cls, bindir: Path) -> PgCluster:
        root = Path(tempfile.mkdtemp(prefix="sp-desktop-pg-"))
        cluster = cls(bindir, root)
        try:
            cluster._init_and_start()
        except BaseException:
            cluster.stop()
            raise
        return cluster

    # ---- running server commands as the right user
    def _prepare_user(self) -> None:
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            import pwd

            try:
                pw = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise RuntimeError("Running as root, but there is no 'postgres' OS user to run the test "
                                   "PostgreSQL server as (apt-get install postgresql creates one).") from exc
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
            runuser = shutil.which("runuser")
            self._as_user = [runuser, "-u", "postgres", "--"] if runuser else ["su", "postgres", "-s",
                                                                              "/bin/sh", "-c"]
        self.root.chmod(0o700)

    def _run(self, args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
        if self._as_user and self._as_user[0] == "su":
            cmd = self._as_user + [" ".join(_quote(a) for a in args)]
        else:
            cmd = self._as_user + args
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed ({result.returncode}):\n{result.stdout}\n"
                               f"{result.stderr}\n{self._log_tail()}")
        return result

    def _log_tail(self) -> str:
        log = self.root / "server.log"
        try:
            return "server log:\n" + log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def _init_and_start(self) -> None:
        self._prepare_user()
        pwfile = self.root / "pw"
        pwfile.write_text(self.superuser_password + "\n")
        if self._as_user:
            import pwd

            pw = pwd.getpwnam("postgres")
            os.chown(pwfile, pw.pw_uid, pw.pw_gid)
        pwfile.chmod(0o600)
        self._run([str(self.bindir / "initdb"), "-D", str(self.root / "data"), "-U", "postgres",
                   "--pwfile", str(pwfile), "-A", "scram-sha-256", "-E", "UTF8", "--locale=C",
                   "--no-sync"])
        pwfile.unlink()
        for attempt in range(5):
            self.port = _free_port()
            options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                       "-c max_connections=100 -c shared_buffers=32MB")
            try:
                self._run([str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-l",
                           str(self.root / "server.log"), "-o", options, "-w", "-t", "60", "start"])
                break
            except RuntimeError:
                if attempt == 4:
                    raise
                time.sleep(0.2)  # port taken between choosing and binding: choose again
        self._started = True
        self._start_watchdog()
        import psycopg

        with psycopg.connect(**self._connect_args("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE ROLE {APP_ROLE} LOGIN CREATEDB PASSWORD '{self.app_password}'")

    def _start_watchdog(self) -> None:
        """If this test process dies without cleaning up (killed by a timeout, SIGKILL...), a small
        detached shell notices within a second, stops the server and removes the folder."""
        if os.name == "nt" or not Path("/bin/sh").exists():
            return
        root = _quote(str(self.root))
        data = _quote(str(self.root / "data"))
        stop = f"{_quote(str(self.bindir / 'pg_ctl'))} -D {data} -m immediate -w stop"
        if self._as_user and self._as_user[0] == "su":
            stop = f"su postgres -s /bin/sh -c {_quote(stop)}"
        elif self._as_user:
            stop = " ".join(_quote(a) for a in self._as_user) + " " + stop
        script = (f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 1; done; "
                  f"if [ -d {root} ]; then {stop} >/dev/null 2>&1; rm -rf {root}; fi")
        self._watchdog = subprocess.Popen(["/bin/sh", "-c", script], start_new_session=True,
                                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, close_fds=True)

    # ---- connecting
    def _connect_args(self, dbname: str, user: str = "postgres") -> dict[str, object]:
        password = self.superuser_password if user == "postgres" else self.app_password
        return {"host": "127.0.0.1", "port": self.port, "user": user, "password": password,
                "dbname": dbname, "connect_timeout": 10}

    def admin(self) -> object:
        """A psycopg autocommit connection as the superuser, to the maintenance database."""
        import psycopg

        return psycopg.connect(**self._connect_args("postgres"), autocommit=True)

    def url(self, dbname: str, user: str = APP_ROLE) -> URL:
        password = self.superuser_password if user == "postgres" else self.app_password
        return URL.create("postgresql+psycopg", username=user, password=password, host="127.0.0.1",
                          port=self.port, database=dbname)

    def create_database(self, name: str, template: str | None = None) -> None:
        with self.admin() as conn:  # type: ignore[attr-defined]
            tpl = f" TEMPLATE {template} STRATEGY FILE_COPY" if template else " TEMPLATE template0"
            conn.execute(f"CREATE DATABASE {name} OWNER {APP_ROLE} ENCODING 'UTF8'{tpl}")

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:  # type: ignore[attr-defined]
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    # ---- faults (tests/faults): the server going away and coming back on the same port
    def server_down(self, mode: str = "fast") -> None:
        """Stop the server ("fast": sessions are told; "immediate": as after a crash)."""
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m", mode, "-w", "stop"],
                  timeout=60)

    def server_up(self) -> None:
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=100 -c shared_buffers=32MB")
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-l",
                   str(self.root / "server.log"), "-o", options, "-w", "-t", "60", "start"])

    def restart(self, mode: str = "fast") -> None:
        self.server_down(mode)
        self.server_up()

    def stop(self) -> None:
        if self._started:
            try:
                self._run([str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate",
                           "-w", "stop"], timeout=60)
            except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
                print(f"warning: stopping the test PostgreSQL server failed: {exc}", file=sys.stderr)
            self._started = False
        shutil.rmtree(self.root, ignore_errors=True)
        if self._watchdog is not None:  # cleaned up properly: the watchdog is not needed any more
            self._watchdog.terminate()
            self._watchdog.wait(10)
            self._watchdog = None


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)
