"""Fixtures for the fault-injection suite: a PostgreSQL server of its own (stopped, restarted and
set read-only here without disturbing the rest of the test session), a fresh migrated database per
test, and a loopback TCP proxy (tests/faults/proxy.py) between the app and the server."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.engine import URL

from sp_desktop.db.engine import Database
from sp_desktop.services.base import FixedClock
from sp_desktop.services.bootstrap import open_database
from tests.conftest import FIXED_NOW
from tests.faults.proxy import FaultProxy

_counter = iter(range(1, 10**9))


@pytest.fixture(scope="module")
def fault_cluster() -> Iterator[Any]:
    from tests.pg_cluster import PgCluster, find_bindir, postgres_required, postgres_switched_off

    if postgres_switched_off():
        pytest.skip("PostgreSQL tests switched off (SP_DESKTOP_SKIP_POSTGRES=1)")
    bindir = find_bindir()
    if bindir is None:
        if postgres_required():
            pytest.fail("PostgreSQL server binaries not found and SP_DESKTOP_REQUIRE_POSTGRES is set.")
        pytest.skip("PostgreSQL server binaries not found")
    cluster = PgCluster.start(bindir)
    cluster.create_database("faults_template")
    db, _ = open_database(cluster.url("faults_template"), FixedClock(FIXED_NOW), None)
    db.dispose()
    yield cluster
    cluster.stop()


@pytest.fixture
def server_db_name(fault_cluster: Any) -> Iterator[str]:
    """A fresh migrated database on the fault server (name)."""
    name = f"faults_{os.getpid()}_{next(_counter)}"
    fault_cluster.create_database(name, template="faults_template")
    with fault_cluster.admin() as admin:
        # The test server runs with synchronous_commit=off for speed, which would let a crash lose
        # commits it had already acknowledged; a practice server (and this suite) keeps the default.
        admin.execute(f"ALTER DATABASE {name} SET synchronous_commit = on")
    yield name
    try:
        fault_cluster.server_up()  # a test that stopped the server may have failed before restarting it
    except RuntimeError:
        pass
    fault_cluster.drop_database(name)


@pytest.fixture
def proxy(fault_cluster: Any) -> Iterator[FaultProxy]:
    p = FaultProxy(fault_cluster.port)
    yield p
    p.close()


def proxied_url(cluster: Any, name: str, proxy: FaultProxy) -> URL:
    return cluster.url(name).set(port=proxy.port)


@pytest.fixture
def open_via_proxy(fault_cluster: Any, server_db_name: str,
                   proxy: FaultProxy) -> Iterator[Callable[[], Database]]:
    made: list[Database] = []

    def make() -> Database:
        db = Database.open(proxied_url(fault_cluster, server_db_name, proxy))
        made.append(db)
        return db

    yield make
    proxy.heal()
    for db in made:
        db.dispose()
