"""Every command-line command, driven with hostile arguments (hypothesis): huge numbers, far dates,
100 KB strings, control characters, broken characters (as a shell passes undecodable bytes), 1,000-word
searches. Whatever comes in, the command ends with one of the documented exit codes (0 done, 1 refused
or invalid input, 2 usage, 3 cannot open the database, 4 needs sign-in or permission), prints no
traceback, never passes a control character on to the terminal, and finishes in bounded time.

Runs in-process on a real SQLite database in a temporary data folder, signed in as a real
administrator (password from SP_DESKTOP_PASSWORD, as a scheduled job would)."""

from __future__ import annotations

import io
import os
import re
import time
from contextlib import redirect_stderr
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sp_desktop.cli import build_parser, run_command
from sp_desktop.db.engine import sqlite_url
from sp_desktop.domain.enums import AppRole
from sp_desktop.domain.errors import ExitCode
from sp_desktop.paths import AppPaths
from sp_desktop.services import health
from sp_desktop.services.base import SYSTEM, FixedClock, ServiceContext
from sp_desktop.services.bootstrap import open_database
from sp_desktop.services.staff import StaffForm, StaffService

PASSWORD = "correct horse battery staple 42"
ADMIN = "Ada Admin"
DOCUMENTED = {int(c) for c in ExitCode}
#: Whatever is printed reaches a terminal: no raw control character except newline and tab.
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: The hypothesis tests take about a minute together: marked slow (`make test-slow` runs only those).
SLOW = pytest.mark.slow
EXAMPLES = settings(max_examples=int(os.environ.get("SP_DESKTOP_HOSTILE_EXAMPLES", "12")), deadline=None,
                    derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

HUGE = "x" * 100_000
WORDS_1000 = " ".join(f"word{i}" for i in range(1000))
controls = st.lists(st.sampled_from(["\x00", "\x07", "\x1b[2J", "\x1b]0;owned\x07", "\r", "\n", "\t",
                                     "\u202e", "\x7f", "\x9b", "\udcff", "\ud800"]),
                   min_size=1, max_size=12).map("".join)
hostile_text = st.one_of(
    st.just(HUGE), st.just(WORDS_1000), controls, st.just(""), st.just(" "), st.just("-"),
    st.builds(lambda a, b: a + b, st.text(max_size=30), controls),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.just("943 476 5919"), st.just("'; DROP TABLE staff; --"), st.just("%s%n%x"),
    st.just("../../etc/passwd"),
)
hostile_number = st.one_of(
    st.just("9" * 30), st.just("-" + "9" * 30), st.just("0"), st.just("-1"), st.just("1e9"), st.just("NaN"),
    st.integers(min_value=-(10 ** 40), max_value=10 ** 40).map(str), st.just(HUGE), controls,
)
hostile_date = st.one_of(
    st.just("0001-01-01"), st.just("9999-12-31"), st.just("0001-01-15"), st.just("31/02/2026"),
    st.just("2026-13-01"), st.just("1/1/1"), st.just(HUGE), controls,
    st.dates().map(lambda d: d.isoformat()), st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose database has one administrator with a password."""
    return _admin_folder(tmp_path_factory)


@pytest.fixture
def fresh_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same, for a test that must sign in: the hostile tests' wrong passwords pause sign-in."""
    return _admin_folder(tmp_path_factory)


def _admin_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    paths = AppPaths.from_options(str(root / "data"))
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    health.prepare_folders(paths)
    clock = FixedClock(datetime(2026, 11, 24, 10))
    db, _ = open_database(sqlite_url(paths.database_file), clock, paths.backup_dir)
    try:
        StaffService(ServiceContext(db, clock, SYSTEM)).add(
            StaffForm(name=ADMIN, job_role="Practice manager", role=AppRole.ADMINISTRATOR, password=PASSWORD))
    finally:
        db.dispose()
    (root / "out").mkdir()
    (root / "cwd").mkdir()
    return root


def run(folder: Path, argv: list[str]) -> tuple[int, str, str]:
    """Parse and run like `python -m sp_desktop ARGV`; argparse's usage errors exit 2."""
    out, err = io.StringIO(), io.StringIO()
    argv = ["--data-dir", str(folder / "data"), *argv]
    old = os.environ.get("SP_DESKTOP_PASSWORD")
    os.environ["SP_DESKTOP_PASSWORD"] = PASSWORD
    os.environ["SP_DESKTOP_NEW_PASSWORD"] = "another good long password 7"
    started = time.monotonic()
    here = os.getcwd()
    os.chdir(folder / "cwd")  # relative names (backup DEST, export OUT) land in the test's folder
    try:
        try:
            with redirect_stderr(err):
                args = build_parser().parse_args(argv)
        except SystemExit as exc:
            return int(exc.code or 0), out.getvalue(), err.getvalue()
        code = run_command(args, out, err)
    finally:
        os.chdir(here)
        if old is None:
            os.environ.pop("SP_DESKTOP_PASSWORD", None)
        else:
            os.environ["SP_DESKTOP_PASSWORD"] = old
    elapsed = time.monotonic() - started
    assert elapsed < 30, f"{argv[:3]} took {elapsed:.1f} s"
    return code, out.getvalue(), err.getvalue()


def check(folder: Path, argv: list[str]) -> tuple[int, str, str]:
    code, out, err = run(folder, argv)
    shown = [a[:60] for a in argv]
    assert code in DOCUMENTED, (code, shown, err[-500:])
    assert "Traceback" not in out + err, (shown, err[-2000:])
    assert not RAW_CONTROL.search(out + err), (shown, (out + err)[-300:])
    if code not in (0, 2):
        assert err.strip(), f"{shown}: exit {code} without a word"
    return code, out, err


def user() -> list[str]:
    return ["--user", ADMIN]


@SLOW
@EXAMPLES
@given(query=hostile_text, limit=st.one_of(st.none(), hostile_number))
def test_search(folder, query, limit):
    argv = ["search", "--", query] if query.startswith("-") else ["search", query]
    if limit is not None:
        argv[1:1] = ["--limit", limit]
    check(folder, argv)


@SLOW
@EXAMPLES
@given(ids=st.lists(hostile_number, min_size=1, max_size=3), note=st.one_of(st.none(), hostile_text),
       fmt=st.sampled_from(["standard", "large", "compact", "huge"]))
def test_leaflet(folder, ids, note, fmt):
    argv = ["leaflet", *user(), "--format", fmt, "-o", str(folder / "out" / "leaflet.pdf")]
    if note is not None:
        argv += ["--note", note]
    check(folder, [*argv, "--", *ids])


@SLOW
@EXAMPLES
@given(category=hostile_text)
def test_booklet(folder, category):
    check(folder, ["booklet", "--category", category, "-o", str(folder / "out" / "booklet.pdf")])


@SLOW
@EXAMPLES
@given(within=hostile_number)
def test_reviews(folder, within):
    check(folder, ["reviews", "--within", within])


@SLOW
@EXAMPLES
@given(start=st.one_of(st.none(), hostile_date), end=st.one_of(st.none(), hostile_date))
def test_report(folder, start, end):
    argv = ["report", "-o", str(folder / "out" / "report.pdf")]
    if start is not None:
        argv += ["--from", start]
    if end is not None:
        argv += ["--to", end]
    check(folder, argv)


@SLOW
@EXAMPLES
@given(name=hostile_text, start=st.one_of(st.none(), hostile_date))
def test_partner_report(folder, name, start):
    argv = ["partner-report", "-o", str(folder / "out" / "partner.pdf")]
    if start is not None:
        argv += ["--from", start]
    check(folder, [*argv, "--", name])


@SLOW
@EXAMPLES
@given(name=hostile_text, job=hostile_text, action=st.sampled_from(["add", "deactivate", "activate",
                                                                      "reset-password", "set-role"]))
def test_staff(folder, name, job, action):
    argv = ["staff", action, *user()]
    if action == "add":
        argv += ["--job", job]
    argv += ["--", name]
    if action == "set-role":
        argv.append("clinician")
    check(folder, argv)
    code, out, _ = check(folder, ["staff", "list", "--all"])
    assert code == 0 and ADMIN in out


@SLOW
@EXAMPLES
@given(path=hostile_text, fmt=st.sampled_from(["auto", "csv", "xlsx", "hsds-json", "hsds-csv"]),
       feed=st.one_of(st.none(), hostile_text))
def test_import(folder, path, fmt, feed):
    argv = ["import", *user(), "--dry-run", "--format", fmt]
    if feed is not None:
        argv += ["--feed", feed]
    check(folder, [*argv, "--", path])


@SLOW
@EXAMPLES
@given(cell=hostile_text)
def test_import_of_a_file_with_hostile_cells(folder, cell):
    sheet = folder / "out" / "hostile.csv"
    quoted = cell.replace('"', '""')
    sheet.write_text(f'Organisation,Service,Phone,Description\n"{quoted}","Debt help","0141 496 0123",'
                     f'"{quoted}"\n', encoding="utf-8", errors="surrogatepass")
    check(folder, ["import", *user(), str(sheet)])


@SLOW
@EXAMPLES
@given(name=hostile_text, fmt=st.sampled_from(["csv", "hsds-json", "hsds-csv"]))
def test_export(folder, name, fmt):
    check(folder, ["export", *user(), "--format", fmt, "--", str(folder / "out") + "/" + name])


@SLOW
@EXAMPLES
@given(dest=hostile_text, listing=st.booleans())
def test_backup_and_restore(folder, dest, listing):
    check(folder, ["backup", *user(), *(["--list"] if listing else []), "--", dest])
    check(folder, ["restore", *user(), "--", dest])


@SLOW
@EXAMPLES
@given(url=st.one_of(hostile_text, st.just("postgresql+psycopg://x@127.0.0.1:1/none"),
                     st.just("postgresql://x@h:" + "9" * 30 + "/d")))
def test_database_url_and_info(folder, url):
    code, _, err = check(folder, ["info", "--database-url", url])
    assert code in (ExitCode.CANNOT_OPEN, ExitCode.USAGE) or url.strip() == "", err
    if code == ExitCode.CANNOT_OPEN:
        assert len(err.strip().splitlines()) == 1, err


@SLOW
@EXAMPLES
@given(url=hostile_text)
def test_migrate_to_and_server(folder, url):
    check(folder, ["migrate-to", *user(), "--", url])
    check(folder, ["server", "--user", url[:200]])


def test_database_url_garbage_is_exit_3_with_one_line(folder):
    code, out, err = run(folder, ["search", "debt", "--database-url", "garbage"])
    assert code == ExitCode.CANNOT_OPEN
    assert len(err.strip().splitlines()) == 1
    assert "--database-url" in err and "postgresql" in err


def test_usage_errors_stay_2(folder):
    assert run(folder, ["report"])[0] == ExitCode.USAGE  # -o is required
    assert run(folder, ["search", "debt", "--limit", "many"])[0] == ExitCode.USAGE
    assert run(folder, ["no-such-command"])[0] == ExitCode.USAGE


def test_a_staff_name_with_a_terminal_escape_is_refused_and_never_echoed_raw(folder):
    code, out, err = run(folder, ["staff", "add", *user(), "--", "Eve\x1b]0;pwned\x07 Smith"])
    assert code == ExitCode.REFUSED
    assert "\x1b" not in err
    assert "NAME: The value contains an escape character (code 27)" in err


def test_export_needs_user_and_is_audited(fresh_folder):
    folder = fresh_folder
    out_file = folder / "out" / "needs-user.csv"
    os.environ.pop("SP_DESKTOP_PASSWORD", None)
    out, err = io.StringIO(), io.StringIO()
    args = build_parser().parse_args(["--data-dir", str(folder / "data"), "export", str(out_file)])
    code = run_command(args, out, err)
    assert code == ExitCode.NEEDS_SIGN_IN
    assert "Sign in first" in err.getvalue() and "--user" in err.getvalue()
    assert not out_file.exists()
    code, out_text, err_text = run(folder, ["export", *user(), "--include-declined", str(out_file)])
    assert code == 0, err_text
    assert "declined and suspended organisations included" in out_text
    assert "without named contacts" in out_text
    from sp_desktop.db.models import AuditEvent
    from sp_desktop.domain.enums import AuditAction

    clock = FixedClock(datetime(2026, 11, 24, 10))
    data = folder / "data"
    db, _ = open_database(sqlite_url(data / "directory.sqlite3"), clock, data / "backups")
    try:
        with db.read() as s:
            events = [(e.staff_name, e.changes) for e in
                      s.query(AuditEvent).filter(AuditEvent.action == AuditAction.EXPORT)]
    finally:
        db.dispose()
    assert events and events[-1][0] == ADMIN
    assert events[-1][1]["file"] == [None, "needs-user.csv"]
