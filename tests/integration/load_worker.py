"""One client of the load test (tests/integration/test_load.py); run as a script, not collected.

    python load_worker.py URL CLIENT SECONDS SHARED_ORG_IDS LOG_FILE

Prints "ready", waits for a line on stdin (so that all clients start together), then for
SECONDS does a random mix, through the services, of:

- reads: searches, organisation and service details, audit history, counts;
- read-modify-write on a shared organisation: read it, append this client's next token
  ("c<client>-<n>") to its description, save with the version it read; a refused save
  (ConflictError: someone else saved first) is re-read and retried;
- inserts: a new organisation with a venue and a service.

Every write is logged as one JSON line only after the service call returned (= committed):
that is the list of acknowledged writes the test then checks against the database.
"""

from __future__ import annotations

import json
import random
import sys
import time


def main() -> int:
    url, client, seconds, shared_text, log_path = sys.argv[1:6]
    client_no = int(client)
    shared = [int(x) for x in shared_text.split(",")]

    from sp_desktop.db.engine import Database
    from sp_desktop.domain.enums import AccessRoute, AppRole
    from sp_desktop.services.audit import AuditService
    from sp_desktop.services.base import Actor, ServiceContext, SystemClock
    from sp_desktop.services.concurrency import organisation_form_from
    from sp_desktop.services.directory import (
        ConflictError,
        DirectoryService,
        LocationForm,
        OrganisationForm,
        ServiceForm,
    )

    db = Database.open(url)
    ctx = ServiceContext(db, SystemClock(), Actor(None, f"Client {client_no}", AppRole.ADMINISTRATOR))
    directory = DirectoryService(ctx)
    audit = AuditService(ctx)
    rng = random.Random(1000 + client_no)
    words = ["debt", "carers", "walk", "load", "client", "lunch", "club", "renfrew", "a", "he", "zz"]
    created: list[int] = []
    stats = {"reads": 0, "appends": 0, "conflicts": 0, "creates": 0, "gave_up": 0}
    n = 0
    print("ready", flush=True)
    sys.stdin.readline()
    deadline = time.monotonic() + float(seconds)
    with open(log_path, "w", encoding="utf-8") as log:
        def ack(**entry: object) -> None:
            log.write(json.dumps(entry) + "\n")
            log.flush()

        while time.monotonic() < deadline:
            roll = rng.random()
            if roll < 0.45:  # reads
                kind = rng.randrange(5)
                if kind == 0:
                    directory.search(rng.choice(words) + " " + rng.choice(words)[:2])
                elif kind == 1:
                    directory.get_organisation(rng.choice(shared))
                elif kind == 2 and created:
                    directory.get_service(rng.choice(created))
                elif kind == 3:
                    audit.history(organisation_id=rng.choice(shared), limit=20)
                else:
                    directory.counts()
                stats["reads"] += 1
            elif roll < 0.85:  # read-modify-write on a shared record
                n += 1
                token = f"c{client_no}-{n}"
                org_id = rng.choice(shared)
                for _attempt in range(50):
                    current = directory.get_organisation(org_id)
                    form = organisation_form_from(current)
                    form.description = ((current.description or "") + " " + token).strip()
                    try:
                        saved = directory.save_organisation(form, org_id, expected_version=current.version)
                    except ConflictError:
                        stats["conflicts"] += 1
                        continue
                    ack(op="append", org=org_id, token=token, version=saved.version,
                        read_version=current.version)
                    stats["appends"] += 1
                    break
                else:
                    stats["gave_up"] += 1
            else:  # inserts
                n += 1
                name = f"Load client {client_no} organisation {n}"
                org = directory.save_organisation(OrganisationForm(
                    name=name, locations=[LocationForm(name="Hall", address_1="1 Main St", town="Paisley")]))
                svc = directory.save_service(ServiceForm(
                    organisation_id=org.id, name=f"Load client {client_no} service {n}",
                    description="Test load.",
                    access=[AccessRoute.DROP_IN], location_ids=[org.locations[0].id]))
                created.append(svc.id)
                ack(op="create", org=org.id, service=svc.id, name=name)
                stats["creates"] += 1
        ack(op="summary", **stats)
    db.dispose()
    print(json.dumps(stats), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
