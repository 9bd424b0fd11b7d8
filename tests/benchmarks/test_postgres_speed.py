"""The practice server at scale (issue 8): run with
``pytest tests/benchmarks/test_postgres_speed.py -m benchmark -s -o addopts=""``.

The 10,000-service synthetic directory (tests/benchmarks/synthetic.py) is moved to the
throw-away PostgreSQL server with migrate-to (timed), then the same searches run on both back
ends: the results must be identical, and the server's times are printed beside SQLite's.
Targets (loose, so a busy machine does not fail the run): migrate-to < 120 s, search p95 on the
server < 300 ms. Measured on the 2-core development machine: migrate-to about 30 s for 275,000
rows; searches 4-72 ms, p95 73 ms (SQLite 1-34 ms).
"""

from __future__ import annotations

import statistics
import time
from datetime import datetime

import pytest

from sp_desktop.db.engine import Database, sqlite_url
from sp_desktop.domain.enums import AppRole
from sp_desktop.services.base import Actor, FixedClock, ServiceContext
from sp_desktop.services.directory import DirectoryService
from sp_desktop.services.migrate_to import migrate_to
from tests.benchmarks.synthetic import synthetic_database

pytestmark = [pytest.mark.benchmark, pytest.mark.postgres]

QUERIES = ["support", "debt advice", "group", "he", "carers paisley", "zzzz", "café", "men's shed",
           "walking group", "older people renfrew"]


def test_migrate_to_and_search_at_10000_services(pg_cluster) -> None:
    source = synthetic_database(10_000)
    name = "sp_bench_10000"
    pg_cluster.drop_database(name)
    pg_cluster.create_database(name)
    lite = Database.open(sqlite_url(source))
    pg = None
    try:
        admin = Actor(None, "Bench", AppRole.ADMINISTRATOR)
        ctx = ServiceContext(lite, FixedClock(datetime(2026, 11, 24, 10)), admin)
        started = time.perf_counter()
        report = migrate_to(ctx, pg_cluster.url(name))
        moved = time.perf_counter() - started
        print(f"\nmigrate-to: {report.total_rows} rows in {moved:.1f} s")
        pg = Database.open(pg_cluster.url(name))
        on_lite, on_pg = DirectoryService(ctx), DirectoryService(ServiceContext(pg, ctx.clock, ctx.actor))
        times: dict[str, list[float]] = {"sqlite": [], "postgresql": []}
        for q in QUERIES:
            results = {}
            for label, d in (("sqlite", on_lite), ("postgresql", on_pg)):
                d.search(q, limit=200)  # warm
                runs = []
                for _ in range(3):
                    t = time.perf_counter()
                    results[label] = d.search(q, limit=200)
                    runs.append(time.perf_counter() - t)
                times[label].append(min(runs))
            assert results["sqlite"].rows == results["postgresql"].rows, q
            assert results["sqlite"].total == results["postgresql"].total, q
            print(f"{q!r:24} total {results['sqlite'].total:>5}   sqlite {times['sqlite'][-1] * 1000:6.1f} ms"
                  f"   postgresql {times['postgresql'][-1] * 1000:6.1f} ms")
        p95 = statistics.quantiles(times["postgresql"], n=20)[-1]
        print(f"postgresql search p95 {p95 * 1000:.0f} ms")
        assert moved < 120
        assert p95 < 0.3
    finally:
        lite.dispose()
        if pg is not None:
            pg.dispose()
        pg_cluster.drop_database(name)
