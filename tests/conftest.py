"""Shared fixtures: a migrated template database copied per test, a fixed clock, staff per role.

QT_QPA_PLATFORM is set before anything imports Qt, so GUI tests run headless.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_ACCESSIBILITY", "1")

import pytest  # noqa: E402

from sp_desktop.db.engine import Database, sqlite_url  # noqa: E402
from sp_desktop.db.migrate import migrate  # noqa: E402
from sp_desktop.db.models import Staff  # noqa: E402
from sp_desktop.domain.enums import AppRole  # noqa: E402
from sp_desktop.paths import AppPaths  # noqa: E402
from sp_desktop.runtime import Runtime  # noqa: E402
from sp_desktop.services.base import Actor, FixedClock, ServiceContext  # noqa: E402
from sp_desktop.services.bootstrap import open_database  # noqa: E402

FIXED_NOW = datetime(2026, 11, 24, 10, 0, 0)


def _copy_sqlite(src: Path, dest: Path) -> None:
    shutil.copyfile(src, dest)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(FIXED_NOW)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, seeded (taxonomy) but otherwise empty SQLite database, built once."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db, _ = open_database(sqlite_url(path), FixedClock(FIXED_NOW), None)
    db.dispose()
    return path


@pytest.fixture(scope="session")
def demo_template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo directory, seeded once per test session."""
    from sp_desktop.demo.seed import seed_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    db, _ = open_database(sqlite_url(path), FixedClock(FIXED_NOW), None)
    seed_demo(db, FixedClock(FIXED_NOW))
    db.dispose()
    return path


@pytest.fixture
def app_paths(tmp_path: Path) -> AppPaths:
    return AppPaths(tmp_path / "data").ensure()


def _open_copy(template: Path, dest: Path) -> Database:
    _copy_sqlite(template, dest)
    db = Database.open(sqlite_url(dest))
    migrate(db, None)
    return db


@pytest.fixture
def db(template_db: Path, app_paths: AppPaths) -> Iterator[Database]:
    """A real SQLite file with the schema and default taxonomy."""
    database = _open_copy(template_db, app_paths.database_file)
    yield database
    database.dispose()


@pytest.fixture
def demo_db(demo_template_db: Path, app_paths: AppPaths) -> Iterator[Database]:
    database = _open_copy(demo_template_db, app_paths.demo_database_file)
    yield database
    database.dispose()


@pytest.fixture
def make_staff(db: Database, clock: FixedClock) -> Callable[..., Actor]:
    """Create a staff member with a role: make_staff(AppRole.CLINICIAN, "Dr Ada Khan")."""

    def make(role: AppRole = AppRole.FRONT_DESK, name: str | None = None, job_role: str = "") -> Actor:
        name = name or f"{role.label} person"
        with db.write(clock) as s:
            staff = Staff(name=name, job_role=job_role or role.label, app_role=role)
            s.add(staff)
            s.flush()
            return Actor(staff.id, staff.name, role)

    return make


@pytest.fixture
def ctx(db: Database, clock: FixedClock, make_staff: Callable[..., Actor]) -> ServiceContext:
    """A context acting as an administrator (can do everything)."""
    return ServiceContext(db, clock, make_staff(AppRole.ADMINISTRATOR, "Alex Admin", "Practice manager"))


@pytest.fixture
def ctx_as(db: Database, clock: FixedClock, make_staff: Callable[..., Actor]) -> Callable[[AppRole], ServiceContext]:
    def for_role(role: AppRole, name: str | None = None) -> ServiceContext:
        return ServiceContext(db, clock, make_staff(role, name))

    return for_role


@pytest.fixture
def demo_runtime(demo_db: Database, app_paths: AppPaths, clock: FixedClock) -> Runtime:
    from sp_desktop.db.migrate import MigrationResult, head_revision

    return Runtime(app_paths, demo_db, clock, True, MigrationResult(head_revision(), head_revision(), None))


@pytest.fixture
def runtime(db: Database, app_paths: AppPaths, clock: FixedClock) -> Runtime:
    from sp_desktop.db.migrate import MigrationResult, head_revision

    return Runtime(app_paths, db, clock, False, MigrationResult(head_revision(), head_revision(), None))
