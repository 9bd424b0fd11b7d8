"""Opening the Network page on a large directory: run with
``pytest tests/benchmarks/test_network_page_speed.py -m benchmark -s -p no:randomly -o addopts=""``.

Times, on a copy of the synthetic directory (tests/benchmarks/synthetic.py; 25,000 organisations
at 50,000 services, no contact history), the page's first show — "Who knows whom" and the count
on each organisation list's tab — and the first show of each organisation list ("No one has met",
"Approved, no contact in a year": up to every organisation, with its relationship facts). Then
the same with a year and a half of contact history (three contacts, each with one or two staff,
for two organisations in three: 50,001 contacts), where "Who knows whom" has ~70,000 rows. There
it also times, on "Who knows whom", scrolling to the end of what was read (the next page is read),
a click on the "Contacts in all" header (sorted in the database) and a search for "carers".
Wall-clock medians of three fresh pages, with the process's CPU time beside them (the figure to
compare on a busy machine). Target: the page opens in well under 0.5 s at 50,000 services, and
in under 0.3 s with the contacts.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import select  # noqa: E402

from sp_desktop.db.engine import Database, sqlite_url  # noqa: E402
from sp_desktop.db.models import ContactEvent, Organisation, Staff, contact_event_staff  # noqa: E402
from sp_desktop.domain.enums import ContactKind  # noqa: E402
from sp_desktop.services.base import SYSTEM, FixedClock, ServiceContext  # noqa: E402
from tests.benchmarks.synthetic import synthetic_database  # noqa: E402

pytestmark = [pytest.mark.benchmark, pytest.mark.backends("sqlite")]

NOW = datetime(2026, 11, 24, 10, 0, 0)


def _add_contact_history(db: Database) -> int:
    rng = random.Random(4)
    kinds = list(ContactKind)
    with db.write(FixedClock(NOW)) as s:
        staff = list(s.scalars(select(Staff.id)))
        org_ids = [i for i in s.scalars(select(Organisation.id)) if i % 3]
        s.execute(ContactEvent.__table__.insert(), [
            {"organisation_id": org_id, "summary": "Catch-up", "author_id": staff[0],
             "kind": rng.choice(kinds),
             "occurred_at": NOW - timedelta(days=rng.randint(0, 540), minutes=rng.randint(0, 600)),
             "version": 1, "created_at": NOW, "updated_at": NOW}
            for org_id in org_ids for _ in range(3)])
        events = list(s.scalars(select(ContactEvent.id)))
        s.execute(contact_event_staff.insert(), [{"contact_event_id": e, "staff_id": sid} for e in events
                                                 for sid in rng.sample(staff, rng.randint(1, 2))])
    return len(events)


def _timed(work: Callable[[], Any]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def _median(pairs: list[tuple[float, float]]) -> str:
    return (f"{statistics.median(p[0] for p in pairs) * 1000:.0f} ms "
            f"(CPU {statistics.median(p[1] for p in pairs) * 1000:.0f} ms)")


@pytest.mark.parametrize("history", [False, True], ids=["no-contacts", "with-contacts"])
@pytest.mark.parametrize("size", [50_000], ids=lambda n: f"{n}")
def test_network_page_opens_on_a_large_directory(size: int, history: bool, tmp_path: Path,
                                                  qtbot: Any) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from sp_desktop.ui.pages.network_page import NetworkPage

    path = tmp_path / "directory.sqlite3"
    path.write_bytes(synthetic_database(size).read_bytes())
    db = Database.open(sqlite_url(path))
    events = _add_contact_history(db) if history else 0
    ctx = ServiceContext(db, FixedClock(NOW), SYSTEM)
    opened: list[tuple[float, float]] = []
    tabs: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
    actions: dict[str, list[tuple[float, float]]] = {"scroll": [], "sort": [], "search": []}
    counts: list[str] = []
    rows_read: list[int] = []
    for run in range(4):  # the first run warms the disk cache and the statement cache
        page = NetworkPage(ctx)
        qtbot.addWidget(page)
        page.resize(1200, 800)

        def show(p: NetworkPage = page) -> None:
            p.show()
            QApplication.processEvents()

        figure = _timed(show)
        if run:
            opened.append(figure)
        for index in (1, 2):
            figure = _timed(lambda i=index, p=page: (p.tabs.setCurrentIndex(i), QApplication.processEvents()))
            if run:
                tabs[index].append(figure)
        counts = [page.tabs.tabText(i) for i in range(3)]
        if history:
            page.tabs.setCurrentIndex(0)
            QApplication.processEvents()
            table = page.lists["who_knows"].view
            rows_read.append(table.model().rowCount())

            def sort_by_contacts(t: Any = table) -> None:  # "Contacts in all", most first
                t.horizontalHeader().setSortIndicator(6, Qt.SortOrder.DescendingOrder)

            def search(p: NetworkPage = page) -> None:  # as Enter in the box does, without the wait
                p.search.setText("carers")
                p._timer.stop()
                p.run_search()

            steps: dict[str, Callable[[], Any]] = {"scroll": table.scrollToBottom, "sort": sort_by_contacts,
                                                   "search": search}
            for step, work in steps.items():
                figure = _timed(lambda w=work: (w(), QApplication.processEvents()))
                if run:
                    actions[step].append(figure)
        page.close()
    print(f"\n[benchmark] network page {size:,} services, {events:,} contacts: opens in {_median(opened)}; "
          f"first show of “{counts[1]}” {_median(tabs[1])}, of “{counts[2]}” {_median(tabs[2])}; "
          f"“{counts[0]}” (target: opens in well under 0.5 s)", flush=True)
    if history:
        print(f"[benchmark] who knows whom, {counts[0]}: {rows_read[-1]:,} rows read on opening; "
              f"scrolling to the end {_median(actions['scroll'])}; sorted by “Contacts in all” "
              f"{_median(actions['sort'])}; search “carers” {_median(actions['search'])} "
              "(target: opens in under 0.3 s)", flush=True)
    if history:
        from tests.benchmarks.results import record

        with db.read() as s:  # the floor: one plain scan of every organisation's name and its people's
            con = s.connection().connection.dbapi_connection
            floor = _timed(lambda: con.execute(
                "SELECT count(DISTINCT o.id) FROM organisation AS o LEFT JOIN contact AS c"
                " ON c.organisation_id = o.id WHERE o.name LIKE '%carers%' OR c.name LIKE '%carers%'"
            ).fetchall())
        for step, label in (("search", "search “carers”"), ("sort", "sort by “Contacts in all”"),
                            ("scroll", "next page on scrolling")):
            wall = statistics.median(p[0] for p in actions[step])
            record(f"6. Network page, who knows whom: {label}",
                   f"{_median(actions[step])} at {size:,} services, {events:,} contacts",
                   f"plain LIKE scan of the names {floor[0] * 1000:.0f} ms", "< 100 ms", wall < 0.1)
        opening = statistics.median(p[0] for p in opened)
        record("6. Network page opens", f"{_median(opened)} at {size:,} services, {events:,} contacts",
               f"plain LIKE scan of the names {floor[0] * 1000:.0f} ms", "< 100 ms", opening < 0.1)
    db.dispose()
    assert statistics.median(p[0] for p in opened) < 0.5 * 3  # loose: the printed figure is the point
