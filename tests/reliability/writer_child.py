"""The writer process for test_kill_writer.py (run as a script, not collected by pytest).

    python writer_child.py DATABASE FIRST_NUMBER

Makes numbered changes through the services, forever: for each number n it saves a new
organisation "Writer org n" (with a phone, a contact and a venue), then a service
"Writer service n" at that venue, then edits organisation n-1 (an UPDATE that touches the
search index through a trigger). Each is its own transaction. It prints ``n`` (and flushes)
only after all of them returned, i.e. were committed. The test kills it with SIGKILL at a
random moment and then checks that every printed number is in the database.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> int:
    db_path = Path(sys.argv[1])
    n = int(sys.argv[2])

    from sp_desktop.db.engine import Database, sqlite_url
    from sp_desktop.domain.enums import AccessRoute
    from sp_desktop.services.base import SYSTEM, ServiceContext, SystemClock
    from sp_desktop.services.directory import (
        ContactForm,
        DirectoryService,
        LocationForm,
        OrganisationForm,
        PhoneForm,
        ServiceForm,
    )

    db = Database.open(sqlite_url(db_path))
    directory = DirectoryService(ServiceContext(db, SystemClock(), SYSTEM))
    previous = None
    print("ready", flush=True)
    while True:
        org = directory.save_organisation(OrganisationForm(
            name=f"Writer org {n}", description=f"Made by the writer process, change {n}. " * 20,
            phones=[PhoneForm("0141 496 0123")],
            contacts=[ContactForm(name=f"Contact {n}", role="Coordinator", email=f"c{n}@example.org")],
            locations=[LocationForm(name=f"Hall {n}", address_1="1 High Street", town="Paisley",
                                    postcode="PA1 1AA")]))
        directory.save_service(ServiceForm(
            organisation_id=org.id, name=f"Writer service {n}", description=f"Service for change {n}",
            access=[AccessRoute.SELF_REFERRAL], location_ids=[org.locations[0].id],
            phones=[PhoneForm("0141 496 0124")]))
        if previous is not None:  # edit the previous organisation, keeping its people and venue
            directory.save_organisation(OrganisationForm(
                name=previous.name, description=f"Edited by change {n}",
                phones=[PhoneForm("0141 496 0125")],
                contacts=[ContactForm(name=c.name, role=c.role or "", email=c.email or "", id=c.id)
                          for c in previous.contacts],
                locations=[LocationForm(name=v.name or "", address_1=v.address_1 or "", town=v.town or "",
                                        postcode=v.postcode or "", id=v.id) for v in previous.locations]),
                previous.id, expected_version=previous.version)
        previous = directory.get_organisation(org.id)
        print(n, flush=True)
        n += 1


if __name__ == "__main__":
    raise SystemExit(main())
