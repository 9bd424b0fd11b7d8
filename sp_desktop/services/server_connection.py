"""This PC's connection to the practice's PostgreSQL server ("Connect to practice server…"). Qt-free.

The address (host, port, database, user) is kept in the per-PC settings file
(`AppPaths.settings_file`, JSON, key ``"server"``); every other key in that file is left alone.
The password is kept, in order of preference:

1. in the operating system's keyring (Windows Credential Manager, macOS Keychain, the Secret
   Service on Linux desktops) when the `keyring` package is installed and has a working
   back end — never in a file;
2. otherwise in the same per-user settings file, which is written readable by this user only
   (on Windows the per-user application-data folder is private to the user). The dialog says
   which, plainly, before anything is saved.

At start-up, when no ``--database-url`` is given, `stored_server_url()` supplies the server's
URL, so every PC set up this way opens the shared directory.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from sqlalchemy.engine import URL

from sp_desktop.files import write_atomically
from sp_desktop.paths import AppPaths

KEYRING_SERVICE = "sp_desktop practice server"
SETTINGS_KEY = "server"


@dataclass(frozen=True)
class ServerSettings:
    host: str
    port: int = 5432
    database: str = "practice"
    user: str = "sp_desktop"

    @property
    def account(self) -> str:
        """The keyring entry name for this server's password."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def url(self, password: str | None = None) -> URL:
        return URL.create("postgresql+psycopg", username=self.user or None, password=password or None,
                          host=self.host, port=self.port, database=self.database)

    def describe(self) -> str:
        return f"{self.database} on {self.host}:{self.port} as {self.user}"

    def problems(self) -> dict[str, str]:
        """Field -> message for what is missing or wrong (empty when it can be tried)."""
        out: dict[str, str] = {}
        if not self.host.strip():
            out["host"] = "Enter the server's name or address, e.g. practice-server or 192.168.1.20."
        if not 1 <= int(self.port) <= 65535:
            out["port"] = "The port is a number from 1 to 65535 (PostgreSQL normally uses 5432)."
        if not self.database.strip():
            out["database"] = "Enter the database name the server administrator created, e.g. practice."
        if not self.user.strip():
            out["user"] = "Enter the user name the server administrator created, e.g. sp_desktop."
        return out


# --------------------------------------------------------------------------- the settings file
def read_local_settings(paths: AppPaths) -> dict[str, Any]:
    try:
        data = json.loads(paths.settings_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_local_settings(paths: AppPaths, data: dict[str, Any]) -> None:
    """Atomic (temp file + rename), readable by this user only."""
    write_atomically(paths.settings_file, json.dumps(data, indent=2, sort_keys=True), private=True)


# --------------------------------------------------------------------------- password stores
class PasswordStore(Protocol):
    kind: str  # "keyring" / "file"

    def where(self, paths: AppPaths) -> str: ...
    def get(self, paths: AppPaths, server: ServerSettings) -> str | None: ...
    def set(self, paths: AppPaths, server: ServerSettings, password: str) -> None: ...
    def delete(self, paths: AppPaths, server: ServerSettings) -> None: ...


class KeyringStore:
    kind = "keyring"

    def __init__(self, module: Any) -> None:
        self.keyring = module

    def where(self, paths: AppPaths) -> str:
        name = type(self.keyring.get_keyring()).__name__
        return (f"The password will be kept in this computer's password store ({name}), "
                "not in a file.")

    def get(self, paths: AppPaths, server: ServerSettings) -> str | None:
        value = self.keyring.get_password(KEYRING_SERVICE, server.account)
        return str(value) if value is not None else None

    def set(self, paths: AppPaths, server: ServerSettings, password: str) -> None:
        self.keyring.set_password(KEYRING_SERVICE, server.account, password)

    def delete(self, paths: AppPaths, server: ServerSettings) -> None:
        try:
            self.keyring.delete_password(KEYRING_SERVICE, server.account)
        except Exception:  # nothing stored
            pass


class FileStore:
    kind = "file"

    def where(self, paths: AppPaths) -> str:
        who = "your Windows user account" if os.name == "nt" else "your user account"
        return (f"This computer has no password store sp_desktop can use, so the password will be kept in "
                f"the settings file {paths.settings_file}, which only {who} can read. Anyone signed in as "
                "you on this PC could read it.")

    def get(self, paths: AppPaths, server: ServerSettings) -> str | None:
        value = read_local_settings(paths).get(SETTINGS_KEY, {}).get("password")
        return str(value) if isinstance(value, str) else None

    def set(self, paths: AppPaths, server: ServerSettings, password: str) -> None:
        data = read_local_settings(paths)
        data.setdefault(SETTINGS_KEY, {})["password"] = password
        write_local_settings(paths, data)

    def delete(self, paths: AppPaths, server: ServerSettings) -> None:
        data = read_local_settings(paths)
        if isinstance(data.get(SETTINGS_KEY), dict) and data[SETTINGS_KEY].pop("password", None) is not None:
            write_local_settings(paths, data)


def usable_keyring() -> Any | None:
    """The `keyring` module if it is installed and has a real back end, else None."""
    try:
        import keyring
        from keyring.backends import fail
    except Exception:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:
        return None
    if isinstance(backend, fail.Keyring):
        return None
    try:
        from keyring.backends import chainer

        if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
            return None
    except Exception:
        pass
    priority = getattr(backend, "priority", 1)
    return keyring if (priority or 0) > 0 else None


def password_store() -> PasswordStore:
    module = usable_keyring()
    return KeyringStore(module) if module is not None else FileStore()


# --------------------------------------------------------------------------- saving and loading
def load_server(paths: AppPaths) -> tuple[ServerSettings, str] | None:
    """(settings, where the password is kept: "keyring" / "file") or None when not set up."""
    raw = read_local_settings(paths).get(SETTINGS_KEY)
    if not isinstance(raw, dict) or not raw.get("host"):
        return None
    try:
        server = ServerSettings(str(raw["host"]), int(raw.get("port", 5432)), str(raw.get("database", "")),
                                str(raw.get("user", "")))
    except (TypeError, ValueError):
        return None
    return server, str(raw.get("password_store", "file"))


def save_server(paths: AppPaths, server: ServerSettings, password: str,
                store: PasswordStore | None = None) -> PasswordStore:
    """Remember the server for this PC (and the password in `store`). Returns the store used."""
    store = store or password_store()
    previous = load_server(paths)
    data = read_local_settings(paths)
    entry: dict[str, Any] = asdict(server) | {"password_store": store.kind}
    data[SETTINGS_KEY] = entry
    write_local_settings(paths, data)
    if previous is not None and previous[0] != server:
        _store_for(previous[1]).delete(paths, previous[0])
    if password:
        store.set(paths, server, password)
    else:
        store.delete(paths, server)
    return store


def forget_server(paths: AppPaths) -> None:
    """Go back to this PC's own database: forget the server and its password."""
    previous = load_server(paths)
    if previous is not None:
        _store_for(previous[1]).delete(paths, previous[0])
    data = read_local_settings(paths)
    if data.pop(SETTINGS_KEY, None) is not None:
        write_local_settings(paths, data)


def _store_for(kind: str) -> PasswordStore:
    if kind == "keyring":
        module = usable_keyring()
        if module is not None:
            return KeyringStore(module)
    return FileStore()


def stored_password(paths: AppPaths, server: ServerSettings, kind: str) -> str | None:
    """The password remembered for `server` in the store named `kind` ("keyring" / "file")."""
    return _store_for(kind).get(paths, server)


def stored_server_url(paths: AppPaths) -> URL | None:
    """The URL of the server this PC was set up for (with its password), or None."""
    loaded = load_server(paths)
    if loaded is None:
        return None
    server, kind = loaded
    try:
        password = _store_for(kind).get(paths, server)
    except Exception:  # a locked keyring: connect without; the server will say what is wrong
        password = None
    return server.url(password)


# --------------------------------------------------------------------------- testing a connection
@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    message: str


def check_connection(server: ServerSettings, password: str, timeout: int = 5) -> ConnectionCheck:
    """Try to connect (at most `timeout` seconds); say in plain words what happened."""
    problems = server.problems()
    if problems:
        return ConnectionCheck(False, " ".join(problems.values()))
    import psycopg

    try:
        conn = psycopg.connect(host=server.host, port=server.port, dbname=server.database, user=server.user,
                               password=password or None, connect_timeout=timeout,
                               application_name="sp_desktop (testing the connection)")
    except psycopg.OperationalError as exc:
        return ConnectionCheck(False, explain_connection_error(exc, server))
    try:
        version = conn.info.server_version
        major = version // 10000
        row = conn.execute("SELECT to_regclass('alembic_version') IS NOT NULL").fetchone()
        has_schema = bool(row and row[0])
        revision = None
        if has_schema:
            found = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = found[0] if found else None
    except psycopg.Error as exc:
        return ConnectionCheck(False, f"Connected, but the server answered with an error: {exc}".strip())
    finally:
        conn.close()
    if major < 13:
        return ConnectionCheck(False, f"Connected, but the server runs PostgreSQL {major}; sp_desktop "
                                      "needs 13 or newer.")
    from sp_desktop.db.migrate import head_revision

    if revision is None:
        state = ("The database is empty: sp_desktop will set it up when it starts. To bring this PC's "
                 "directory across, run `sp-desktop migrate-to` first (see the administrator guide).")
    elif revision == head_revision():
        state = "The database holds an sp_desktop directory of this version."
    else:
        state = (f"The database holds an sp_desktop directory (schema {revision}); it will be upgraded, or "
                 "refused if it was made by a newer version.")
    return ConnectionCheck(True, f"Connected to PostgreSQL {major} at {server.host}:{server.port}. {state}")


def explain_connection_error(exc: Exception, server: ServerSettings) -> str:
    text = str(exc).strip()
    low = text.lower()
    if "password authentication failed" in low or "no password supplied" in low:
        return (f"The server refused the user name or password for “{server.user}”. Check them with the "
                "server's administrator.")
    if "does not exist" in low and "database" in low:
        return (f"The server has no database called “{server.database}”. Check the name, or create it "
                "(see the administrator guide, “Several PCs: a PostgreSQL server”).")
    if "role" in low and "does not exist" in low:
        return (f"The server has no user called “{server.user}”. Check the name with the server's "
                "administrator.")
    if "no pg_hba.conf entry" in low:
        return (f"The server at {server.host} does not allow this PC to connect. Its administrator needs to "
                "add this PC's network to pg_hba.conf (see the administrator guide).")
    if "timeout" in low or "timed out" in low:
        return (f"No answer from {server.host}:{server.port} within a few seconds. Check the address, that "
                "the server is switched on, and that the firewall lets PostgreSQL (port 5432) through.")
    if "connection refused" in low or "could not connect" in low or "could not translate host name" in low \
            or "name or service not known" in low:
        return (f"Could not reach a PostgreSQL server at {server.host}:{server.port}. Check the name and "
                "port, that the server is running, and that it listens on the network (listen_addresses).")
    return f"Could not connect: {text.splitlines()[0] if text else type(exc).__name__}"
