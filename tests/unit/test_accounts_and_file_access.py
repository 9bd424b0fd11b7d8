"""Accounts: guessing slows down but never leaves the practice without a usable administrator, and an
administrator can always recover on the PC itself. Files: the data folder, database, backups and logs
are the user's only (0700/0600; a user-only access list on Windows)."""

from __future__ import annotations

import argparse
import io
import stat
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from sp_desktop.cli import build_parser, run_command
from sp_desktop.db.engine import Database
from sp_desktop.db.models import AuditEvent
from sp_desktop.domain.enums import AppRole
from sp_desktop.domain.errors import ExitCode
from sp_desktop.paths import AppPaths
from sp_desktop.private_files import icacls_command
from sp_desktop.runtime import open_runtime
from sp_desktop.services.backups import BackupService
from sp_desktop.services.base import SYSTEM, FixedClock, ServiceContext
from sp_desktop.services.staff import (
    LAST_ADMIN_LONGEST_PAUSE,
    Authenticator,
    SignInFailed,
    StaffForm,
    StaffService,
)

NOW = datetime(2026, 12, 7, 9, 0, 0)
PW = "correct horse battery"


def _guess_until_paused_many_times(auth: Authenticator, clock: FixedClock, name: str,
                                   rounds: int) -> list[float]:
    pauses = []
    for _ in range(rounds):
        try:
            auth.sign_in(name, "wrong guess")
        except SignInFailed as exc:
            if exc.retry_at is not None:
                pauses.append((exc.retry_at - clock.now()).total_seconds())
                clock.current = exc.retry_at
    return pauses


def test_guessing_the_only_administrator_slows_down_but_never_locks_the_practice_out(db: Database) -> None:
    clock = FixedClock(NOW)
    ctx = ServiceContext(db, clock, SYSTEM)
    StaffService(ctx).add(StaffForm("Mary Manager", "Practice manager", AppRole.ADMINISTRATOR, PW))
    StaffService(ctx).add(StaffForm("Rachel Reception", "Receptionist", AppRole.FRONT_DESK, PW))
    auth = Authenticator(ctx)
    pauses = _guess_until_paused_many_times(auth, clock, "Mary Manager", 6)
    assert pauses[0] == 30 and pauses[1] == 60  # guessing still slows down...
    assert max(pauses) <= LAST_ADMIN_LONGEST_PAUSE.total_seconds()  # ...but never for long
    with pytest.raises(SignInFailed) as paused:
        auth.sign_in("Mary Manager", "one more guess")
    with pytest.raises(SignInFailed, match="paused"):
        auth.sign_in("Mary Manager", PW)  # even the right password waits out the pause
    assert paused.value.retry_at is not None
    clock.current = paused.value.retry_at  # at most a minute later she is in
    assert auth.sign_in("Mary Manager", PW).role is AppRole.ADMINISTRATOR

    # front desk accounts (and administrators with a colleague who can sign in) pause up to 15 minutes
    front = _guess_until_paused_many_times(auth, clock, "Rachel Reception", 9)
    assert max(front) == 15 * 60
    StaffService(ctx).add(StaffForm("Sam Second", "GP partner", AppRole.ADMINISTRATOR, PW))
    clock.advance(minutes=20)
    auth.sign_in("Mary Manager", PW)  # clears her count
    assert max(_guess_until_paused_many_times(auth, clock, "Mary Manager", 9)) == 15 * 60


def _cli(argv: list[str], monkeypatch: pytest.MonkeyPatch,
         new_password: str | None = None) -> tuple[int, str]:
    if new_password is not None:
        monkeypatch.setenv("SP_DESKTOP_NEW_PASSWORD", new_password)
    out, err = io.StringIO(), io.StringIO()
    code = run_command(build_parser().parse_args(argv), out, err)
    return code, out.getvalue() + err.getvalue()


def test_an_administrator_can_always_recover_on_the_pc_itself(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    data = ["--data-dir", str(tmp_path / "data")]
    assert _cli(["staff", "add", "Mary Manager", "--role", "administrator", *data], monkeypatch, PW)[0] == 0
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", PW)
    add_rachel = ["staff", "add", "Rachel Reception", "--user", "Mary Manager", *data]
    assert _cli(add_rachel, monkeypatch, PW)[0] == 0
    monkeypatch.delenv("SP_DESKTOP_PASSWORD")
    rt = open_runtime(argparse.Namespace(data_dir=str(tmp_path / "data"), demo=False, database_url=None))
    try:  # she forgot it: her account is paused after guesses
        for _ in range(5):
            with pytest.raises(SignInFailed):
                Authenticator(rt.sign_in_context()).sign_in("Mary Manager", "what was it again")
    finally:
        rt.close()

    code, text = _cli(["staff", "recover", "Rachel Reception", *data], monkeypatch, "a brand new phrase")
    assert code == ExitCode.NEEDS_SIGN_IN and "not an administrator" in text
    code, text = _cli(["staff", "recover", "Mary Manager", *data], monkeypatch, "a brand new phrase")
    assert code == ExitCode.DONE and "pause is lifted" in text, text

    rt = open_runtime(argparse.Namespace(data_dir=str(tmp_path / "data"), demo=False, database_url=None))
    try:
        auth = Authenticator(rt.sign_in_context())
        assert auth.sign_in("Mary Manager", "a brand new phrase").id is not None
        with rt.db.read() as s:
            summaries = list(s.scalars(select(AuditEvent.summary).where(AuditEvent.entity_type == "staff")))
        assert any("sp-desktop staff recover" in text for text in summaries)
    finally:
        rt.close()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(sys.platform == "win32",
                    reason="Windows has access lists, not modes: see the icacls test")
def test_data_folder_database_backups_and_logs_are_the_users_only(tmp_path: Path) -> None:
    from sp_desktop.diagnostics import setup_logging

    paths = AppPaths(tmp_path / "data")
    paths.data_dir.mkdir(mode=0o755)
    log_path = setup_logging(paths.log_dir)
    rt = open_runtime(argparse.Namespace(data_dir=str(paths.data_dir), demo=False, database_url=None),
                      FixedClock(NOW))
    try:
        backup = BackupService(rt.context(SYSTEM), rt.paths).back_up_now().path
        wal = Path(f"{paths.database_file}-wal")
        assert wal.exists()
        for folder in (paths.data_dir, paths.backup_dir, paths.log_dir):
            assert _mode(folder) == 0o700, folder
        for f in (paths.database_file, wal, backup, log_path):
            assert f is not None and _mode(f) == 0o600, f
    finally:
        rt.close()
        setup_logging(None)
    # files loosened by hand (or by an older version) are put right at the next start
    paths.database_file.chmod(0o644)
    paths.backup_dir.chmod(0o755)
    open_runtime(argparse.Namespace(data_dir=str(paths.data_dir), demo=False, database_url=None),
                 FixedClock(NOW + timedelta(minutes=1))).close()
    assert _mode(paths.database_file) == 0o600 and _mode(paths.backup_dir) == 0o700


def test_windows_folder_gets_a_user_only_access_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USERNAME", "rachel")
    monkeypatch.setenv("USERDOMAIN", "SURGERY")
    command = icacls_command(tmp_path)
    assert command == ["icacls", str(tmp_path), "/inheritance:r", "/grant:r", "SURGERY\\rachel:(OI)(CI)F",
                       "/q"]
    if sys.platform != "win32":
        pytest.skip("icacls exists only on Windows: the command line is checked, not run")
    import subprocess

    from sp_desktop.private_files import make_private

    monkeypatch.undo()
    assert make_private(tmp_path)
    listing = subprocess.run(["icacls", str(tmp_path)], capture_output=True, text=True).stdout
    assert "Everyone" not in listing and "Users" not in listing
