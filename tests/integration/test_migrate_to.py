"""`sp-desktop migrate-to URL` copies the demo directory into an empty PostgreSQL database exactly,
verifies it, and leaves the SQLite file byte-for-byte untouched."""

from __future__ import annotations

import hashlib
import io
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from sp_desktop.cli import build_parser, run_command
from sp_desktop.db.engine import Database, sqlite_url
from sp_desktop.db.migrate import current_revision, head_revision
from sp_desktop.db.models import Base, Organisation
from sp_desktop.domain.enums import AppRole
from sp_desktop.services.base import Actor, FixedClock, PermissionDenied, ServiceContext
from sp_desktop.services.directory import DirectoryService, OrganisationForm
from sp_desktop.services.migrate_to import MigrateToError, migrate_to, table_rows

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 11, 24, 10, 0)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(argv: list[str]) -> tuple[int, str, str]:
    """The command as the demo's administrator (Mary Manager, password "demo")."""
    argv = [*argv, "--user", "Mary Manager"]
    out, err = io.StringIO(), io.StringIO()
    code = run_command(build_parser().parse_args(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def _demo_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", "demo")


@pytest.fixture
def demo_folder(demo_template_db: Path, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    (data / "demo").mkdir(parents=True)
    shutil.copyfile(demo_template_db, data / "demo" / "demo-directory.sqlite3")
    return data


@pytest.fixture
def empty_server_db(pg_cluster):
    name = f"sp_migrate_{id(object())}"
    pg_cluster.create_database(name)
    yield pg_cluster.url(name)
    pg_cluster.drop_database(name)


def test_migrate_to_copies_the_demo_exactly_and_leaves_sqlite_untouched(demo_folder, empty_server_db):
    source = demo_folder / "demo" / "demo-directory.sqlite3"
    before = _sha(source)
    url = empty_server_db.render_as_string(hide_password=False)

    code, out, err = _run(["migrate-to", url, "--demo", "--data-dir", str(demo_folder)])
    assert code == 0, err
    assert "Every table was checked and matches" in out and "has not been changed" in out
    assert empty_server_db.password not in out and "***" not in out  # the password is never printed
    assert f"--database-url postgresql+psycopg://sp_app@127.0.0.1:{empty_server_db.port}/" in out
    assert _sha(source) == before  # byte for byte

    lite, pg = Database.open(sqlite_url(source)), Database.open(empty_server_db)
    try:
        assert current_revision(pg) == head_revision()
        with lite.engine.connect() as a, pg.engine.connect() as b:
            copied = 0
            for table in Base.metadata.sorted_tables:
                rows_a, rows_b = table_rows(a, table), table_rows(b, table)
                assert rows_a == rows_b, table.name  # the same Python values, row for row
                copied += len(rows_a)
            assert copied > 1000
            assert a.execute(select(func.count()).select_from(Organisation)).scalar() == 82
        clock = FixedClock(NOW)
        admin = Actor(None, "Checker", AppRole.ADMINISTRATOR)
        lite_dir, pg_dir = (DirectoryService(ServiceContext(d, clock, admin)) for d in (lite, pg))
        for q in ("debt", "carers", "walk paisley", "café", "he"):
            assert lite_dir.search(q).rows == pg_dir.search(q).rows, q
        with pg.read() as s:  # the search index was built once, after the copy, and is complete
            cols = "service_id, name, organisation, description, categories, place"
            assert s.execute(text(f"SELECT count(*) FROM (SELECT {cols} FROM service_search_source EXCEPT "
                                  f"SELECT {cols} FROM service_search) AS x")).scalar() == 0
            assert s.execute(text("SELECT count(*) FROM service_search")).scalar() == \
                s.execute(text("SELECT count(*) FROM service")).scalar() > 100
            triggers = s.execute(text("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal "
                                      "AND tgenabled = 'D'")).scalar()
            assert triggers == 0, "every trigger is switched back on"
        # the id sequences were moved on: a new organisation gets a fresh id on the server
        top = max(r[0] for r in lite_dir.organisations(include_archived=True))
        assert pg_dir.save_organisation(OrganisationForm(name="New after move")).id == top + 1
    finally:
        lite.dispose()
        pg.dispose()
    assert _sha(source) == before

    # A second run refuses: the server database is no longer empty, and nothing changes.
    code, out, err = _run(["migrate-to", url, "--demo", "--data-dir", str(demo_folder)])
    assert code == 1 and "already holds data" in err and "nothing was copied" in err
    # Without --user (or as anyone but an administrator) it is refused before anything happens.
    out_, err_ = io.StringIO(), io.StringIO()
    argv = ["migrate-to", url, "--demo", "--data-dir", str(demo_folder)]
    code = run_command(build_parser().parse_args(argv), out_, err_)
    assert code == 4 and "administrator" in err_.getvalue()
    assert _sha(source) == before


def test_a_row_the_server_refuses_is_named_and_nothing_is_committed(tmp_path, template_db, empty_server_db):
    path = tmp_path / "practice.sqlite3"
    shutil.copyfile(template_db, path)
    con = sqlite3.connect(path)  # SQLite does not enforce VARCHAR lengths; PostgreSQL does
    con.execute("INSERT INTO organisation (id, uid, name, register_kind, status, vetting_status, version,"
                " created_at, updated_at) VALUES (7, 'u7', ?, 'none', 'active', 'not_vetted', 1,"
                " '2026-01-01 00:00:00', '2026-01-01 00:00:00')", ("x" * 400,))
    con.commit()
    con.close()
    before = _sha(path)
    db = Database.open(sqlite_url(path))
    try:
        ctx = ServiceContext(db, FixedClock(NOW), Actor(None, "Alex Admin", AppRole.ADMINISTRATOR))
        with pytest.raises(MigrateToError) as exc:
            migrate_to(ctx, empty_server_db)
        assert "id=7" in str(exc.value) and "organisation" in str(exc.value)
        assert "Nothing was copied" in str(exc.value)
        with pytest.raises(PermissionDenied) as refused:
            migrate_to(ctx.as_actor(Actor(None, "Fran Desk", AppRole.FRONT_DESK)), empty_server_db)
        assert "Only an administrator can move the directory to a PostgreSQL server" in str(refused.value)
    finally:
        db.dispose()
    pg = Database.open(empty_server_db)
    try:
        with pg.engine.connect() as conn:  # the schema is there, but no data: it can be run again
            for table in Base.metadata.sorted_tables:
                assert conn.execute(select(func.count()).select_from(table)).scalar() == 0, table.name
    finally:
        pg.dispose()
    assert _sha(path) == before


def test_migrate_to_refuses_a_target_that_is_not_postgresql(tmp_path, template_db):
    path = tmp_path / "practice.sqlite3"
    shutil.copyfile(template_db, path)
    db = Database.open(sqlite_url(path))
    try:
        ctx = ServiceContext(db, FixedClock(NOW), Actor(None, "Alex Admin", AppRole.ADMINISTRATOR))
        with pytest.raises(MigrateToError) as exc:
            migrate_to(ctx, f"sqlite:///{tmp_path / 'other.sqlite3'}")
        assert "PostgreSQL" in str(exc.value)
    finally:
        db.dispose()


def test_nul_characters_saved_by_an_older_version_do_not_block_migrate_to(tmp_path, template_db,
                                                                           empty_server_db):
    """Issue 16: a NUL stored before the app refused them used to stop migrate-to with a DataError.
    It is left out (PostgreSQL cannot store it), counted and reported; every table still checks."""
    path = tmp_path / "practice.sqlite3"
    shutil.copyfile(template_db, path)
    con = sqlite3.connect(path)  # as an older version could have stored it
    con.execute("INSERT INTO organisation (id, uid, name, description, register_kind, status, vetting_status,"
                " version, created_at, updated_at) VALUES (8, 'u8', ?, ?, 'none', 'active', 'not_vetted', 1,"
                " '2026-01-01 00:00:00', '2026-01-01 00:00:00')", ("Knit\x00 and Natter", "Tea\x00\x00"))
    con.commit()
    con.close()
    db = Database.open(sqlite_url(path))
    try:
        ctx = ServiceContext(db, FixedClock(NOW), Actor(None, "Alex Admin", AppRole.ADMINISTRATOR))
        report = migrate_to(ctx, empty_server_db)
    finally:
        db.dispose()
    assert report.nul_characters_dropped == 3
    pg = Database.open(empty_server_db)
    try:
        with pg.engine.connect() as conn:
            row = conn.execute(select(Organisation.name, Organisation.description)
                               .where(Organisation.id == 8)).one()
    finally:
        pg.dispose()
    assert tuple(row) == ("Knit and Natter", "Tea")
