"""Upgrade 0009 (issue 26): a directory that already holds a council feed's rich text and the feed's
assured_date as the practice's "last checked" is repaired once, on SQLite and on PostgreSQL, with one
line in the audit trail; nothing else changes, and the repaired text reads as the feed's words."""

from __future__ import annotations

import itertools
import json
import os
from datetime import date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from sp_desktop.db.engine import Database, sqlite_url
from sp_desktop.db.migrate import _config, current_revision, head_revision, migrate
from sp_desktop.services.base import SYSTEM, FixedClock, ServiceContext
from sp_desktop.services.directory import DirectoryService

_names = itertools.count()
TS = datetime(2026, 3, 12, 9, 30)
HTML = (
    "<p>Struggling with Drug &amp; Alcohol Addiction?&nbsp;</p><ul><li>One-to-one</li><li>Groups</li></ul>"
    "<script>x()</script>"
)
PLAIN = "Struggling with Drug & Alcohol Addiction?\n\n• One-to-one\n• Groups"


def _at_0003(backend: str, request: pytest.FixtureRequest, tmp_path: Any) -> Database:
    from alembic import command

    if backend == "sqlite":
        db = Database.open(sqlite_url(tmp_path / "old.sqlite3"))
    else:
        cluster = request.getfixturevalue("pg_cluster")
        name = f"sp_repair_{os.getpid()}_{next(_names)}"
        cluster.create_database(name)
        request.addfinalizer(lambda: cluster.drop_database(name))
        db = Database.open(cluster.url(name))
    cfg = _config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
    return db


def _fill(db: Database) -> None:
    stamp = {"version": 1, "created_at": TS, "updated_at": TS}
    with db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO organisation (id, uid, name, description, register_kind, status, vetting_status,"
                " version, created_at, updated_at, source_feed)"
                " VALUES (1, 'o1', 'Recovery &amp; Wellbeing', :d, 'none',"
                " 'active', 'not_vetted', 1, :t, :t, 'Renfrewshire')"
            ).bindparams(sa.bindparam("t", type_=sa.DateTime())),
            {"d": "<p>We help&nbsp;people.</p>", "t": TS},
        )
        svc = (
            "INSERT INTO service (id, uid, organisation_id, name, description, access_self_referral,"
            " access_professional_referral, access_drop_in, access_appointment, is_free, languages, bsl,"
            " by_phone, online, status, version, created_at, updated_at, last_verified_on, last_verified_by,"
            " source_feed, source_id) VALUES (:id, :uid, 1, :name, :desc, false, false, false, false, true,"
            " :langs, false, false, false, 'active', :version, :created_at, :updated_at, :checked, :by,"
            " :feed, :sid)"
        )
        rows = [
            # from a feed: HTML, and the feed's assured_date stored as the practice's check (no checker)
            {
                "id": 1,
                "uid": "s1",
                "name": "Recovery service",
                "desc": HTML,
                "checked": date(2024, 12, 10),
                "by": None,
                "feed": "Renfrewshire",
                "sid": "svc-1",
            },
            # checked here by someone: stays the practice's check
            {
                "id": 2,
                "uid": "s2",
                "name": "Walking group",
                "desc": "Fish & chips after <3",
                "checked": date(2026, 9, 1),
                "by": "Sam Lead",
                "feed": "Renfrewshire",
                "sid": "svc-2",
            },
            # typed here, never from a feed: untouched
            {
                "id": 3,
                "uid": "s3",
                "name": "Lunch club",
                "desc": "Soup, sandwiches & tea.",
                "checked": date(2026, 9, 1),
                "by": None,
                "feed": None,
                "sid": None,
            },
        ]
        for r in rows:
            typed = sa.text(svc).bindparams(
                sa.bindparam("checked", type_=sa.Date()),
                sa.bindparam("created_at", type_=sa.DateTime()),
                sa.bindparam("updated_at", type_=sa.DateTime()),
            )
            conn.execute(typed, {**r, **stamp, "langs": json.dumps(["English"])})


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_upgrade_repairs_stored_feed_text_and_dates_once_with_an_audit_line(backend, request, tmp_path):
    db = _at_0003(backend, request, tmp_path)
    try:
        _fill(db)
        migrate(db, tmp_path / "backups")
        assert current_revision(db) == head_revision()
        directory = DirectoryService(ServiceContext(db, FixedClock(datetime(2026, 12, 7, 10)), SYSTEM))
        feed_svc = directory.get_service(1)
        assert feed_svc.description == PLAIN
        assert feed_svc.organisation.name == "Recovery & Wellbeing"
        assert feed_svc.organisation.description == "We help people."
        assert feed_svc.last_verified_on is None and feed_svc.publisher_assured_on == date(2024, 12, 10)
        assert feed_svc.version > 1  # an edit dialog opened before the upgrade will not overwrite it
        assert "Assured by the publisher (Renfrewshire) on 10 Dec 2024" in (feed_svc.publisher_note or "")
        checked_here = directory.get_service(2)
        assert checked_here.description == "Fish & chips after <3"  # not markup: left alone
        assert checked_here.last_verified_on == date(2026, 9, 1) and checked_here.publisher_assured_on is None
        typed_here = directory.get_service(3)
        assert typed_here.last_verified_on == date(2026, 9, 1) and typed_here.version == 1
        assert (
            not typed_here.cost_not_stated and not typed_here.age_not_stated
        )  # nothing assumed for old rows
        # search finds the repaired words
        assert [r.name for r in directory.search("alcohol").rows] == ["Recovery service"]
        with db.engine.connect() as conn:
            audit = conn.execute(
                sa.text(
                    "SELECT staff_name, entity_type, summary FROM audit_event WHERE entity_type = 'directory'"
                )
            ).all()
        assert len(audit) == 1
        who, _what, summary = audit[0]
        assert who == "sp_desktop upgrade"
        assert "1 organisation, 1 service" in summary and "paragraphs and bullet points kept" in summary
        assert "1 service from Open Referral feeds" in summary
        # once: running the upgrade again changes nothing and adds no second line
        migrate(db, tmp_path / "backups")
        with db.engine.connect() as conn:
            assert (
                conn.execute(
                    sa.text("SELECT count(*) FROM audit_event WHERE entity_type = 'directory'")
                ).scalar_one()
                == 1
            )
    finally:
        db.dispose()


def test_upgrade_of_a_clean_directory_writes_no_audit_line(tmp_path, request):
    db = _at_0003("sqlite", request, tmp_path)
    try:
        migrate(db, None)
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM audit_event")).scalar_one() == 0
    finally:
        db.dispose()
