"""Shared fixtures: a migrated template database copied per test, a fixed clock, staff per role.

QT_QPA_PLATFORM is set before anything imports Qt, so GUI tests run headless (on a 1920x1080
offscreen screen, tests/offscreen_screen.json).

Service-level tests (tests/unit/services, tests/integration) run twice: on SQLite and on a real
PostgreSQL server started for the session in a temporary folder (tests/pg_cluster.py); each
PostgreSQL test gets a fresh database made from a migrated template database. Without the
server binaries the PostgreSQL runs are skipped (a failure when SP_DESKTOP_REQUIRE_POSTGRES=1).
Restrict a test with ``@pytest.mark.backends("sqlite")``. GUI tests stay on SQLite.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    # A 1920x1080 desktop screen rather than Qt's default 800x800 offscreen one: the window opens
    # at its usual 1280x800 unless a test says otherwise (tests/gui/test_small_screens.py).
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={Path(__file__).parent / 'offscreen_screen.json'}"
os.environ.setdefault("QT_ACCESSIBILITY", "1")

import pytest  # noqa: E402

from sp_desktop.ui.compat import protect_none_refcount  # noqa: E402

protect_none_refcount()  # PySide6 6.12 + Python 3.11 leak references to None (see ui/compat.py)

from sp_desktop.db.engine import Database, sqlite_url  # noqa: E402
from sp_desktop.db.migrate import migrate  # noqa: E402
from sp_desktop.db.models import Staff  # noqa: E402
from sp_desktop.domain.enums import AppRole  # noqa: E402
from sp_desktop.paths import AppPaths  # noqa: E402
from sp_desktop.runtime import Runtime  # noqa: E402
from sp_desktop.services.base import Actor, FixedClock, ServiceContext  # noqa: E402
from sp_desktop.services.bootstrap import open_database  # noqa: E402

FIXED_NOW = datetime(2026, 11, 24, 10, 0, 0)
BACKENDS = ("sqlite", "postgresql")
#: Tests under these folders run on every back end (the `backend` fixture is parametrised).
BOTH_BACKENDS_DIRS = ("tests/unit/services", "tests/integration")
ROOT = Path(__file__).resolve().parent.parent


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    rel = Path(str(metafunc.definition.path)).resolve().relative_to(ROOT).as_posix()
    if not rel.startswith(BOTH_BACKENDS_DIRS):
        return
    marker = metafunc.definition.get_closest_marker("backends")
    names = marker.args if marker else BACKENDS
    params = [pytest.param(n, marks=[pytest.mark.postgres] if n == "postgresql" else []) for n in names]
    metafunc.parametrize("backend", params, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """"sqlite" or "postgresql" (service-level tests run on both; others on SQLite)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[object]:
    """A throw-away PostgreSQL server for the whole session (skipped if not installed)."""
    from tests.pg_cluster import PgCluster, find_bindir, postgres_required, postgres_switched_off

    if postgres_switched_off():
        pytest.skip("PostgreSQL tests switched off (SP_DESKTOP_SKIP_POSTGRES=1)")
    bindir = find_bindir()
    if bindir is None:
        reason = ("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: install PostgreSQL "
                  "(e.g. apt-get install postgresql) or set SP_DESKTOP_PG_BINDIR")
        if postgres_required():
            pytest.fail(reason + " — SP_DESKTOP_REQUIRE_POSTGRES is set, so this is an error.")
        pytest.skip(reason)
    cluster = PgCluster.start(bindir)
    yield cluster
    cluster.stop()


TEST_PRACTICE = "Test Medical Practice"


def _pg_template(cluster: object, name: str, demo: bool) -> str:
    cluster.create_database(name)  # type: ignore[attr-defined]
    db, _ = open_database(cluster.url(name), FixedClock(FIXED_NOW), None)  # type: ignore[attr-defined]
    if not demo:
        _name_the_practice(db)
    if demo:
        from sp_desktop.demo.seed import seed_demo

        seed_demo(db, FixedClock(FIXED_NOW))
    db.dispose()
    return name


@pytest.fixture(scope="session")
def pg_template(pg_cluster: object) -> str:
    return _pg_template(pg_cluster, "sp_template", demo=False)


@pytest.fixture(scope="session")
def pg_demo_template(pg_cluster: object) -> str:
    return _pg_template(pg_cluster, "sp_demo_template", demo=True)


_pg_counter = iter(range(1, 10**9))


@pytest.fixture
def pg_database(request: pytest.FixtureRequest) -> Iterator[Callable[[str], Database]]:
    """pg_database(template_fixture_name) -> a fresh PostgreSQL database copied from that template."""
    made: list[tuple[str, Database]] = []

    def make(template_fixture: str = "pg_template") -> Database:
        cluster = request.getfixturevalue("pg_cluster")
        template = request.getfixturevalue(template_fixture)
        name = f"sp_test_{os.getpid()}_{next(_pg_counter)}"
        cluster.create_database(name, template=template)
        database = Database.open(cluster.url(name))
        made.append((name, database))
        return database

    yield make
    for name, database in made:
        database.dispose()
        request.getfixturevalue("pg_cluster").drop_database(name)


def _copy_sqlite(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)  # the demo database lives in data/demo/
    shutil.copyfile(src, dest)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(FIXED_NOW)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, seeded (taxonomy) but otherwise empty SQLite database, built once."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db, _ = open_database(sqlite_url(path), FixedClock(FIXED_NOW), None)
    _name_the_practice(db)
    db.dispose()
    return path


def _name_the_practice(db: Database) -> None:
    """The practice's name, as the first-run dialog would have asked (no leaflet is made without it;
    tests of the first start remove it)."""
    from sp_desktop.db.models import Setting

    with db.write(FixedClock(FIXED_NOW)) as s:
        s.add(Setting(key="practice_name", value=TEST_PRACTICE))


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
def db(backend: str, request: pytest.FixtureRequest, app_paths: AppPaths) -> Iterator[Database]:
    """A real database with the schema and default taxonomy: a SQLite file, or (backend
    "postgresql") a fresh database on the test PostgreSQL server."""
    if backend == "postgresql":
        yield request.getfixturevalue("pg_database")("pg_template")
        return
    database = _open_copy(request.getfixturevalue("template_db"), app_paths.database_file)
    yield database
    database.dispose()


@pytest.fixture
def demo_db(backend: str, request: pytest.FixtureRequest, app_paths: AppPaths) -> Iterator[Database]:
    if backend == "postgresql":
        yield request.getfixturevalue("pg_database")("pg_demo_template")
        return
    database = _open_copy(request.getfixturevalue("demo_template_db"), app_paths.demo_database_file)
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
def ctx_as(db: Database, clock: FixedClock,
           make_staff: Callable[..., Actor]) -> Callable[[AppRole], ServiceContext]:
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
