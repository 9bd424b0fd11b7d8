"""Several clients at once, each a separate process doing mixed reads and writes through the services
for a bounded time (tests/integration/load_worker.py):

- 4 clients against the throw-away PostgreSQL server (10 s): the practice-server set-up;
- 2 app instances on one SQLite file (5 s): two windows on one PC (WAL, BEGIN IMMEDIATE, busy
  waits instead of "database is locked").

Afterwards every acknowledged write is in the database exactly once, in version order, the
versions went up by one per acknowledged save (no lost update, nothing unacknowledged slipped
in), the audit trail has one row per save, and the search index agrees with the data.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import text

from sp_desktop.db.engine import Database
from sp_desktop.domain.enums import AccessRoute, AppRole
from sp_desktop.services.audit import AuditService
from sp_desktop.services.base import Actor, ServiceContext
from sp_desktop.services.directory import DirectoryService, OrganisationForm, ServiceForm

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("load_worker.py")
SHARED = 4  # organisations every client edits


def _setup(ctx: ServiceContext) -> dict[int, int]:
    d = DirectoryService(ctx)
    versions = {}
    for i in range(SHARED):
        org = d.save_organisation(OrganisationForm(name=f"Shared organisation {i}"))
        d.save_service(ServiceForm(organisation_id=org.id, name=f"Shared service {i}",
                                   access=[AccessRoute.DROP_IN]))
        versions[org.id] = d.get_organisation(org.id).version
    return versions


def _run_clients(db: Database, clients: int, seconds: float, tmp_path: Path, shared: list[int]) -> list[dict]:
    url = db.url.render_as_string(hide_password=False)
    procs = []
    for c in range(clients):
        procs.append(subprocess.Popen(
            [sys.executable, str(WORKER), url, str(c + 1), str(seconds), ",".join(map(str, shared)),
             str(tmp_path / f"client{c + 1}.jsonl")],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    try:
        for p in procs:  # wait until every client has imported everything and connected
            assert p.stdout is not None
            line = p.stdout.readline().strip()
            assert line == "ready", (line, p.stderr.read() if p.stderr else "")
        for p in procs:  # then start them together
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        errors: list[str] = []

        def drain(p: subprocess.Popen) -> None:
            out, err = p.communicate(timeout=seconds + 120)
            if p.returncode != 0:
                errors.append(err)

        threads = [threading.Thread(target=drain, args=(p,)) for p in procs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, "\n\n".join(errors)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    entries = []
    for c in range(clients):
        for line in (tmp_path / f"client{c + 1}.jsonl").read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            entry["client"] = c + 1
            entries.append(entry)
    return entries


def _check(ctx: ServiceContext, entries: list[dict], start_versions: dict[int, int], clients: int) -> dict:
    d = DirectoryService(ctx)
    summaries = [e for e in entries if e["op"] == "summary"]
    assert len(summaries) == clients
    totals = {k: sum(s[k] for s in summaries)
              for k in ("reads", "appends", "conflicts", "creates", "gave_up")}
    appends = [e for e in entries if e["op"] == "append"]
    creates = [e for e in entries if e["op"] == "create"]
    assert totals["appends"] == len(appends) and totals["creates"] == len(creates)
    assert totals["reads"] > 20 and len(appends) > 20 and len(creates) > 3, totals
    assert totals["gave_up"] == 0

    by_org: dict[int, list[dict]] = defaultdict(list)
    for e in appends:
        by_org[e["org"]].append(e)
    for org_id, start in start_versions.items():
        final = d.get_organisation(org_id)
        tokens = (final.description or "").split()
        acked = by_org[org_id]
        # every acknowledged write is there, exactly once, and nothing else is
        assert sorted(tokens) == sorted(e["token"] for e in acked), org_id
        # one version per acknowledged save: no lost update, no silent overwrite
        assert final.version == start + len(acked)
        # each save was made on top of exactly the version before it, in order
        for e in acked:
            assert e["version"] == e["read_version"] + 1
            assert tokens[e["version"] - start - 1] == e["token"]
        assert len({e["version"] for e in acked}) == len(acked)
        for client in range(1, clients + 1):
            mine = [e["version"] for e in acked if e["client"] == client]
            assert mine == sorted(mine) and len(set(mine)) == len(mine)
        updates = [h for h in AuditService(ctx).history(organisation_id=org_id, entity_type="organisation",
                                                        limit=100000) if h.action.value == "update"]
        assert len(updates) == len(acked)
    names = dict(d.organisations())
    for e in creates:
        assert names[e["org"]] == e["name"]
        svc = d.get_service(e["service"])
        assert svc.organisation.id == e["org"] and svc.locations[0].town == "Paisley"
    found = {r.id for r in d.search("load client", limit=100000).rows}
    assert {e["service"] for e in creates} <= found
    return totals


@pytest.mark.backends("postgresql")
def test_four_clients_on_the_practice_server(db, clock, tmp_path):
    ctx = ServiceContext(db, clock, Actor(None, "Set-up", AppRole.ADMINISTRATOR))
    start = _setup(ctx)
    entries = _run_clients(db, 4, 10.0, tmp_path, list(start))
    totals = _check(ctx, entries, start, 4)
    assert totals["conflicts"] > 0, "the clients really did collide"
    with db.read() as s:  # the trigger-maintained search index matches the data exactly
        cols = "service_id, name, organisation, description, categories, place"
        diff = s.execute(text(f"SELECT count(*) FROM (SELECT {cols} FROM service_search "
                              f"EXCEPT SELECT {cols} FROM service_search_source) AS x")).scalar()
        assert diff == 0
        assert s.execute(text("SELECT count(*) FROM service_search")).scalar() == \
            s.execute(text("SELECT count(*) FROM service")).scalar()
    print(f"\n4 PostgreSQL clients in 10 s: {totals}")


@pytest.mark.backends("sqlite")
def test_two_app_instances_on_one_sqlite_file(db, clock, tmp_path):
    ctx = ServiceContext(db, clock, Actor(None, "Set-up", AppRole.ADMINISTRATOR))
    start = _setup(ctx)
    entries = _run_clients(db, 2, 5.0, tmp_path, list(start))  # no "database is locked": both exit 0
    totals = _check(ctx, entries, start, 2)
    path = db.sqlite_path
    assert path is not None
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        con.execute("INSERT INTO service_fts(service_fts, rank) VALUES ('integrity-check', 1)")
    finally:
        con.close()
    print(f"\n2 SQLite app instances in 5 s: {totals}")
