"""The Directory page per keystroke, as a person waits for it (issue 4 / issue 9): run with
``pytest tests/benchmarks/test_directory_page_speed.py -m benchmark -s -o addopts=""``.

For each keystroke of fixed queries typed a character at a time, `DirectoryPage.run_search()` —
the search, at most one relationship-health call (for organisations in the results not already
known since the last refresh), the model reset (up to 1,000 rows), the selection and the detail
pane — against the search alone and an uncached health call for the whole result set. The
synthetic directories (tests/benchmarks/synthetic.py) get a year and a half of contact history
(three contacts for two organisations in three) so that relationship health has real work to do.
Target (loose, so a busy machine does not fail the run): page p95 < 150 ms at 10,000 services.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sp_desktop.db.engine import Database, sqlite_url  # noqa: E402
from sp_desktop.db.models import ContactEvent, Organisation, Staff  # noqa: E402
from sp_desktop.domain.enums import AppRole, ContactKind  # noqa: E402
from sp_desktop.services.base import SYSTEM, FixedClock, ServiceContext  # noqa: E402
from sp_desktop.services.directory import DirectoryService  # noqa: E402
from sp_desktop.services.relationships import RelationshipService  # noqa: E402
from tests.benchmarks.synthetic import synthetic_database  # noqa: E402

pytestmark = [pytest.mark.benchmark, pytest.mark.backends("sqlite")]

NOW = datetime(2026, 11, 24, 10, 0, 0)
QUERIES = ["debt advice", "support", "carers paisley", "walking group", "men's shed", "group"]
KINDS = list(ContactKind)


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _prefixes() -> list[str]:
    out = [""]
    for q in QUERIES:
        out += [q[:i] for i in range(1, len(q) + 1) if q[:i].strip() and not q[:i].endswith(" ")]
    return out


def _with_contacts(path: Path) -> Database:
    db = Database.open(sqlite_url(path))
    clock = FixedClock(NOW)
    rng = random.Random(4)
    with db.write(clock) as s:
        author = Staff(name="Bench Author", job_role="Lead", app_role=AppRole.ADMINISTRATOR)
        s.add(author)
        s.flush()
        ids = list(s.scalars(Organisation.__table__.select().with_only_columns(Organisation.id)))
        rows = []
        for org_id in ids:
            if org_id % 3 == 0:
                continue
            for _ in range(3):
                when = NOW - timedelta(days=rng.randint(0, 540))
                rows.append({"organisation_id": org_id, "summary": "Catch-up", "author_id": author.id,
                             "kind": rng.choice(KINDS), "occurred_at": when,
                             "version": 1, "created_at": NOW, "updated_at": NOW})
        s.execute(ContactEvent.__table__.insert(), rows)
    return db


@pytest.mark.parametrize("size", [1_000, 10_000], ids=lambda n: f"{n}")
def test_directory_page_per_keystroke(size: int, tmp_path: Path, qtbot: Any) -> None:
    from sp_desktop.ui.pages.directory_page import DirectoryPage

    path = tmp_path / "directory.sqlite3"
    path.write_bytes(synthetic_database(size).read_bytes())
    db = _with_contacts(path)
    ctx = ServiceContext(db, FixedClock(NOW), SYSTEM)
    page = DirectoryPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    directory, relationships = DirectoryService(ctx), RelationshipService(ctx)
    prefixes = _prefixes()
    for p in prefixes[:4]:  # warm the caches
        page.search.setText(p)
        page.run_search()
    page_ms, search_ms, health_ms, rows = [], [], [], []
    for p in prefixes:
        page.search.blockSignals(True)
        page.search.setText(p)
        page.search.blockSignals(False)
        start = time.perf_counter()
        page.run_search()
        page_ms.append((time.perf_counter() - start) * 1000)
        rows.append(page.model.rowCount())
        start = time.perf_counter()
        result = directory.search(p, page.filters.filters(), limit=1000)
        search_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        relationships.health(sorted({r.organisation_id for r in result.rows}))
        health_ms.append((time.perf_counter() - start) * 1000)
    full = [ms for ms, n in zip(page_ms, rows, strict=True) if n >= 1000]
    print(f"\n[benchmark] directory page {size}: {len(prefixes)} keystrokes; page p50 "
          f"{statistics.median(page_ms):.1f} ms, p95 {_pct(page_ms, 95):.1f} ms, max {max(page_ms):.1f} ms; "
          f"search alone p50 {statistics.median(search_ms):.1f} ms, p95 {_pct(search_ms, 95):.1f} ms; "
          f"relationship health p50 {statistics.median(health_ms):.1f} ms, p95 {_pct(health_ms, 95):.1f} ms; "
          f"{len(full)} keystrokes filled 1,000 rows (page p50 "
          f"{statistics.median(full) if full else 0:.1f} ms)", flush=True)
    if size == 10_000:
        assert _pct(page_ms, 95) < 150 * 3  # loose
    db.dispose()
