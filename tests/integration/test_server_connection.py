"""This PC's practice-server settings: stored per PC (password in the keyring when there is one,
else in a file only this user can read), tested against the real throw-away server with plain
messages, and used at start-up when no --database-url is given."""

from __future__ import annotations

import io
import json
import os
import stat
import sys

import pytest

from sp_desktop.cli import build_parser, run_command
from sp_desktop.paths import AppPaths
from sp_desktop.services import server_connection as sc
from sp_desktop.services.server_connection import (
    FileStore,
    KeyringStore,
    ServerSettings,
    check_connection,
    forget_server,
    load_server,
    save_server,
    stored_server_url,
)


class MemoryKeyring:
    """A stand-in for the `keyring` module with a working back end (nothing touches a real one)."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], str] = {}

    def get_keyring(self) -> object:
        return self

    def get_password(self, service: str, account: str) -> str | None:
        return self.items.get((service, account))

    def set_password(self, service: str, account: str, password: str) -> None:
        self.items[(service, account)] = password

    def delete_password(self, service: str, account: str) -> None:
        del self.items[(service, account)]


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_command(build_parser().parse_args(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_settings_file_keeps_other_keys_and_is_private(tmp_path):
    paths = AppPaths(tmp_path).ensure()
    paths.settings_file.write_text(json.dumps({"window": {"width": 1280}}))
    server = ServerSettings("practice-server", 5433, "practice", "sp_desktop")
    store = save_server(paths, server, "s3cret!", FileStore())
    data = json.loads(paths.settings_file.read_text())
    assert data["window"] == {"width": 1280}
    assert data["server"] == {"host": "practice-server", "port": 5433, "database": "practice",
                              "user": "sp_desktop", "password_store": "file", "password": "s3cret!"}
    if os.name != "nt":
        assert stat.S_IMODE(paths.settings_file.stat().st_mode) == 0o600
    assert "settings file" in store.where(paths) and str(paths.settings_file) in store.where(paths)
    assert "only your" in store.where(paths)
    assert load_server(paths) == (server, "file")
    url = stored_server_url(paths)
    assert url is not None and url.password == "s3cret!"
    assert url.host == "practice-server" and url.port == 5433
    forget_server(paths)
    assert load_server(paths) is None and stored_server_url(paths) is None
    assert json.loads(paths.settings_file.read_text()) == {"window": {"width": 1280}}


def test_with_a_keyring_the_password_never_reaches_the_file(tmp_path, monkeypatch):
    paths = AppPaths(tmp_path).ensure()
    ring = MemoryKeyring()
    monkeypatch.setattr(sc, "usable_keyring", lambda: ring)
    store = sc.password_store()
    assert isinstance(store, KeyringStore) and "password store" in store.where(paths)
    server = ServerSettings("db.practice.local", 5432, "practice", "reception")
    save_server(paths, server, "Tangerine-Lighthouse-42", store)
    assert "Tangerine-Lighthouse-42" not in paths.settings_file.read_text()
    assert ring.items == {(sc.KEYRING_SERVICE, "reception@db.practice.local:5432/practice"):
                          "Tangerine-Lighthouse-42"}
    assert stored_server_url(paths).password == "Tangerine-Lighthouse-42"
    forget_server(paths)
    assert ring.items == {}


def test_without_keyring_the_file_store_is_used_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "keyring", None)  # as on a PC without the keyring package
    assert sc.usable_keyring() is None
    assert isinstance(sc.password_store(), FileStore)


@pytest.mark.postgres
def test_check_connection_against_a_real_server(pg_cluster):
    good = ServerSettings("127.0.0.1", pg_cluster.port, "postgres", "sp_app")
    ok = check_connection(good, pg_cluster.app_password)
    assert ok.ok and "Connected to PostgreSQL" in ok.message and "empty" in ok.message
    bad = check_connection(good, "wrong password")
    assert not bad.ok and "refused the user name or password" in bad.message
    missing = check_connection(ServerSettings("127.0.0.1", pg_cluster.port, "nosuchdb", "sp_app"),
                               pg_cluster.app_password)
    assert not missing.ok and "no database called “nosuchdb”" in missing.message
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    unreachable = check_connection(ServerSettings("127.0.0.1", closed, "practice", "sp_app"), "x", timeout=2)
    assert not unreachable.ok and "Could not reach" in unreachable.message
    assert not check_connection(ServerSettings("", 5432, "practice", "u"), "x").ok


@pytest.mark.postgres
def test_a_pc_set_up_for_the_server_opens_it_at_start_up(pg_cluster, tmp_path):
    name = "sp_pc_setup"
    pg_cluster.create_database(name)
    try:
        paths = AppPaths(tmp_path / "data").ensure()
        server = ServerSettings("127.0.0.1", pg_cluster.port, name, "sp_app")
        save_server(paths, server, pg_cluster.app_password, FileStore())
        code, out, err = _run(["info", "--json", "--data-dir", str(paths.data_dir)])
        assert code == 0, err
        info = json.loads(out)
        assert info["backend"] == "postgresql" and name in info["database"]
        assert pg_cluster.app_password not in out
        assert not paths.database_file.exists()  # no local SQLite file was made

        code, out, _ = _run(["server", "--data-dir", str(paths.data_dir)])
        assert code == 0 and f"{name} on 127.0.0.1:{pg_cluster.port} as sp_app" in out
        assert pg_cluster.app_password not in out
        code, out, _ = _run(["server", "--forget", "--data-dir", str(paths.data_dir)])
        assert code == 0 and "Forgotten" in out
        code, out, err = _run(["info", "--json", "--data-dir", str(paths.data_dir)])
        assert code == 0 and json.loads(out)["backend"] == "sqlite"
    finally:
        pg_cluster.drop_database(name)
