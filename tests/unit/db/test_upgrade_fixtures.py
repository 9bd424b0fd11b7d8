"""Every released schema version has a fixture database (tests/fixtures/schema/NNNN.sqlite3, made by
make_fixture.py). Each is copied, upgraded to head with the app's own migrate(), and must come out
with every row and value it went in with, readable by the services."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from sp_desktop.db.engine import Database, sqlite_url
from sp_desktop.db.migrate import current_revision, head_revision, migrate
from sp_desktop.services.base import SYSTEM, FixedClock, ServiceContext
from sp_desktop.services.directory import DirectoryService, SearchFilters
from sp_desktop.services.settings import SettingsService

FIXED_NOW = datetime(2026, 11, 24, 10, 0, 0)
FIXTURES = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "schema").glob("*.sqlite3"))


def _tables(con: sqlite3.Connection) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'service_fts%' AND name != 'alembic_version' ORDER BY name")]


def _snapshot(path: Path) -> dict[str, tuple[list[str], set[tuple[object, ...]]]]:
    con = sqlite3.connect(path)
    try:
        out = {}
        for table in _tables(con):
            cur = con.execute(f'SELECT * FROM "{table}"')
            cols = [d[0] for d in cur.description]
            out[table] = (cols, set(cur.fetchall()))
        return out
    finally:
        con.close()


def test_there_is_a_fixture_for_the_first_release() -> None:
    assert any(p.name == "0001.sqlite3" for p in FIXTURES)


#: Schema versions that were the newest in a released version of the app: a practice's database
#: can be at one of these. Revisions added together in one release are only passed through during
#: an upgrade, so the release's last one is the one that needs a fixture, made when the next
#: release adds a revision (make_fixture.py). Add the head here when it is released.
RELEASED = ("0001", "0002", "0003")


def test_every_released_schema_version_before_head_has_a_fixture() -> None:
    from alembic.script import ScriptDirectory

    from sp_desktop.db.migrate import _config

    revisions = {r.revision for r in ScriptDirectory.from_config(_config()).walk_revisions()}
    assert set(RELEASED) <= revisions
    assert set(RELEASED) - {head_revision()} <= {p.stem for p in FIXTURES}


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_upgrades_to_head_with_its_data_intact(fixture: Path, tmp_path: Path) -> None:
    path = tmp_path / "directory.sqlite3"
    shutil.copyfile(fixture, path)
    before = _snapshot(path)
    assert all(rows for _cols, rows in before.values()), "the fixture should have rows in every table"

    db = Database.open(sqlite_url(path))
    try:
        result = migrate(db, tmp_path / "backups")
        assert current_revision(db) == head_revision()
        if result.from_revision != head_revision():
            assert result.backup is not None and result.backup.exists()  # taken before upgrading
        after = _snapshot(path)
        for table, (cols, rows) in before.items():
            assert table in after, f"table {table} disappeared"
            new_cols, new_rows = after[table]
            keep = [new_cols.index(c) for c in cols if c in new_cols]
            assert len(keep) == len(cols), f"{table} lost columns {set(cols) - set(new_cols)}"
            projected = {tuple(r[i] for i in keep) for r in new_rows}
            lost = sorted(rows - projected, key=str)[:3]
            assert not lost, f"{table}: rows changed or lost: {lost}"

        # the upgraded file works through the services and its search index is complete
        ctx = ServiceContext(db, FixedClock(FIXED_NOW), SYSTEM)
        directory = DirectoryService(ctx)
        assert [r.name for r in directory.search("cafe").rows] == ["Friday lunch club"]
        debt = directory.search("debt", SearchFilters(status=None)).rows
        assert [r.name for r in debt] == ["Debt advice clinic"]
        org = directory.get_organisation(1)
        assert org.name == "Café Connect Paisley" and org.has_logo and org.registration_number == "SC012345"
        svc = directory.get_service(1)
        assert svc.languages == ("English", "Polish") and svc.fee_description == "£3 a session"
        assert [(s.weekday, s.opens, s.closes) for s in svc.schedule] == [(4, "12:00", "14:00")]
        assert SettingsService(ctx).get().practice_name == "Abbey Medical Centre"
        assert SettingsService(ctx).get().review_interval_months == 18
        with db.read() as s:
            con = s.connection().connection.dbapi_connection
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert con.execute("PRAGMA foreign_key_check").fetchall() == []
            fts = con.execute("SELECT count(*) FROM service_fts").fetchone()[0]
            assert fts == con.execute("SELECT count(*) FROM service").fetchone()[0]
            # 0003's listing (what the result list shows and filters on) and word-prefix index
            listing = con.execute(
                "SELECT id, shown, archived, service_name, organisation_name, categories, town,"
                " fee_description, last_verified_on FROM service_fts_listing ORDER BY id")
            assert listing.fetchall() == [
                (1, 1, 0, "Friday lunch club", "Café Connect Paisley", "Loneliness and social contact",
                 "Paisley", "£3 a session", "2026-09-01"),
                (2, 0, 0, "Debt advice clinic", "Renfrewshire Debt Help", "Debt advice", "Paisley", None,
                 None),
                (3, 0, 1, "Old lunch (archived)", "Closed Lunch Club", "Old category (archived)", None, None,
                 "2025-01-31")]
            prefixes = [p for (p,) in con.execute(
                "SELECT prefix FROM service_fts_prefix WHERE service_id = 1 ORDER BY prefix")]
            assert prefixes == ["c", "ca", "cc", "cl", "co", "f", "fr", "l", "lu", "p", "pa"]
        any_status = SearchFilters(status=None)
        assert [r.name for r in directory.search("fr").rows] == ["Friday lunch club"]
        assert [r.name for r in directory.search("re", any_status).rows] == ["Debt advice clinic"]
        old = directory.search("ol", SearchFilters(status=None, include_archived=True)).rows
        assert [(r.name, r.archived, r.town, r.categories) for r in old] == [
            ("Old lunch (archived)", True, "", "Old category (archived)")]
    finally:
        db.dispose()


def test_fixture_files_are_not_changed_by_the_tests() -> None:
    # the fixtures are read-only inputs: a test that upgraded one in place would hide later failures
    for fixture in FIXTURES:
        con = sqlite3.connect(f"file:{fixture}?mode=ro", uri=True)
        try:
            revision = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        finally:
            con.close()
        assert revision == fixture.stem
