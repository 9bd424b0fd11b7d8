"""Migration 0016 on a database that already has the default vetting checklist: the register item
applies to charities, SCIOs and social enterprises only, and a community group's constitution item is
added (once); other items still apply to every kind."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from sp_desktop.db.engine import Database, sqlite_url
from sp_desktop.db.migrate import migrate


def test_0016_gives_the_default_checklist_its_kinds(tmp_path: Path) -> None:
    from alembic import command

    from sp_desktop.db.migrate import _config

    path = tmp_path / "old.sqlite3"
    db = Database.open(sqlite_url(path))
    try:
        cfg = _config()
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0015")
        with db.engine.begin() as conn:
            for order, code in enumerate(("register", "safeguarding", "pvg"), start=1):
                conn.exec_driver_sql(
                    "INSERT INTO vetting_check_item (code, label, guidance, mandatory, has_expiry, "
                    "sort_order, active, version, created_at, updated_at) VALUES (?, ?, NULL, 1, 0, ?, 1, 1, "
                    "'2026-01-05 09:00:00', '2026-01-05 09:00:00')", (code, f"Item {code}", order * 10))
        migrate(db, tmp_path / "backups")
    finally:
        db.dispose()
    con = sqlite3.connect(path)
    try:
        rows = {code: (applies, order, mandatory) for code, applies, order, mandatory in con.execute(
            "SELECT code, applies_to, sort_order, mandatory FROM vetting_check_item")}
    finally:
        con.close()
    assert json.loads(rows["register"][0]) == ["registered_charity", "scio", "social_enterprise"]
    assert json.loads(rows["constitution"][0]) == ["community_group"]
    assert rows["constitution"][1:] == (15, 1)  # right after the register item, required
    assert rows["safeguarding"][0] is None and rows["pvg"][0] is None
    assert len(rows) == 4
