"""Migrations: an empty database upgrades to head; a newer one is refused untouched; a backup
is taken before upgrading an existing file."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from sp_desktop.db.engine import Database, sqlite_url
from sp_desktop.db.migrate import DatabaseTooNew, MigrationFailed, current_revision, head_revision, migrate
from sp_desktop.db.models import Base


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_empty_database_upgrades_to_head_with_every_table(tmp_path):
    db = Database.open(sqlite_url(tmp_path / "new.sqlite3"))
    result = migrate(db, tmp_path / "backups")
    assert result.from_revision is None and result.to_revision == head_revision()
    assert result.backup is None  # nothing to back up yet
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "service_fts" in tables
    assert current_revision(db) == head_revision()
    db.dispose()


def test_sqlite_connections_use_wal_full_sync_and_foreign_keys(db):
    with db.read() as s:
        conn = s.connection().connection.dbapi_connection
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_database_from_a_newer_version_is_refused_and_not_touched(tmp_path):
    path = tmp_path / "newer.sqlite3"
    db = Database.open(sqlite_url(path))
    migrate(db, None)
    db.dispose()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.close()
    before = _sha(path)
    db = Database.open(sqlite_url(path))
    with pytest.raises(DatabaseTooNew) as exc:
        migrate(db, tmp_path / "backups")
    db.dispose()
    assert "newer version" in str(exc.value) and "not been changed" in str(exc.value)
    assert _sha(path) == before
    assert not (tmp_path / "backups").exists()


def test_failed_upgrade_puts_the_database_back_from_the_backup(tmp_path):
    path = tmp_path / "broken.sqlite3"
    db = Database.open(sqlite_url(path))
    migrate(db, None)
    with db.engine.begin() as conn:
        # A database with tables but no recorded revision: upgrading it must fail half-way
        # (the tables exist already), and the file must come back exactly as it was.
        conn.exec_driver_sql("DELETE FROM alembic_version")
        conn.exec_driver_sql("INSERT INTO setting (key, value, version, created_at, updated_at)"
                             " VALUES ('practice_name', '\"Abbey\"', 1, '2026-01-01', '2026-01-01')")
    db.dispose()
    db = Database.open(sqlite_url(path))
    with pytest.raises(MigrationFailed) as exc:
        migrate(db, tmp_path / "backups")
    db.dispose()
    assert "put back as it was" in str(exc.value)
    backups = list((tmp_path / "backups").glob("before-upgrade-*.sqlite3"))
    assert len(backups) == 1
    con = sqlite3.connect(path)
    assert con.execute("SELECT value FROM setting WHERE key = 'practice_name'").fetchone()[0] == '"Abbey"'
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_upgrade_from_the_previous_schema_takes_a_backup_first(tmp_path):
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from sp_desktop.db.migrate import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    previous = ScriptDirectory.from_config(cfg).get_revision(head_revision()).down_revision
    if previous is None:
        pytest.skip("only one schema revision so far")
    path = tmp_path / "previous.sqlite3"
    db = Database.open(sqlite_url(path))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, str(previous))
    result = migrate(db, tmp_path / "backups")
    db.dispose()
    assert result.from_revision == previous and result.to_revision == head_revision()
    assert result.backup is not None and result.backup.exists()
    con = sqlite3.connect(result.backup)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == previous
    con.close()


def test_0005_scrubs_patient_text_already_in_the_audit_trail(tmp_path: Path) -> None:
    """Rows written before 0005 kept outcome notes, wellbeing scores and follow-up notes; after the
    upgrade they say only that those fields changed. Other rows are untouched."""
    import json

    from alembic import command

    from sp_desktop.db.migrate import _config

    path = tmp_path / "old.sqlite3"
    db = Database.open(sqlite_url(path))
    try:
        cfg = _config()
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0003")
        rows = [
            ("signposting", json.dumps({"experience_note": [None, "SENTINEL told us about her son"],
                                        "ons4_before": [None, [4, 5, 4, 7]], "outcome": [None, "engaged"]}),
             "outcome for “Debt advice”: Engaged"),
            ("signposting", json.dumps({"follow_up_done": [False, True]}),
             "follow-up done: SENTINEL rang her"),
            ("organisation", json.dumps({"name": ["Old", "SENTINEL Café"]}), ""),
        ]
        with db.engine.begin() as conn:
            for entity, changes, summary in rows:
                conn.exec_driver_sql(
                    "INSERT INTO audit_event (at, staff_id, staff_name, action, entity_type, entity_id, "
                    "entity_label, organisation_id, changes, summary) VALUES "
                    "('2026-11-01 10:00:00', NULL, 'Dr Gill', 'update', ?, 1, 'x', 1, ?, ?)",
                    (entity, changes, summary))
        migrate(db, tmp_path / "backups")
    finally:
        db.dispose()
    con = sqlite3.connect(path)
    try:
        out = con.execute("SELECT entity_type, changes, summary FROM audit_event ORDER BY id").fetchall()
    finally:
        con.close()
    notes = json.loads(out[0][1])
    assert notes["experience_note"] == [None, "(changed: not kept in the audit trail)"]
    assert notes["ons4_before"] == [None, "(changed: not kept in the audit trail)"]
    assert notes["outcome"] == [None, "engaged"]
    assert out[1][2] == "follow-up done"
    assert out[2] == ("organisation", rows[2][1], "")  # not patient-related: as it was
    assert b"SENTINEL told us" not in path.read_bytes() and b"SENTINEL rang" not in path.read_bytes()


def test_the_migrations_make_exactly_the_schema_the_models_describe(tmp_path):
    """Every table, column, index, unique constraint and foreign key of the models is what the
    migrations make, and nothing else (the search tables are the migrations' own)."""
    import warnings

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    db = Database.open(sqlite_url(tmp_path / "new.sqlite3"))
    migrate(db, tmp_path / "backups")
    with db.engine.connect() as con, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # alembic warns that SQLite cannot reflect expression indexes
        diffs = compare_metadata(MigrationContext.configure(con), Base.metadata)
    db.dispose()

    def own(diff: object) -> bool:
        text = repr(diff)
        return "service_fts" in text

    assert [d for d in diffs if not own(d)] == []
