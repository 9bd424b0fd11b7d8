"""SQLite's search listing and word-prefix index (migration 0003) follow every change to what the
Directory lists: after each edit, through the services or straight in SQL, every listing row is
what its source view computes now, and the prefixes are those of the listed names' words."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from sp_desktop.db.engine import Database
from sp_desktop.db.search import LISTING
from sp_desktop.domain.enums import AccessRoute, OrganisationStatus, ServiceStatus, VettingStatus
from sp_desktop.services.base import ServiceContext
from sp_desktop.services.categories import CategoryService
from sp_desktop.services.directory import (
    DirectoryService,
    LocationForm,
    OrganisationForm,
    SearchFilters,
    ServiceForm,
)

COLUMNS = ", ".join(LISTING.c.keys())


def _check(db: Database) -> int:
    """Assert the listing and prefixes are exactly what the base tables say; how many rows."""
    with db.read() as s:
        con: sqlite3.Connection = s.connection().connection.dbapi_connection  # type: ignore[assignment]
        listing = sorted(con.execute(f"SELECT {COLUMNS} FROM service_fts_listing"))
        source = sorted(con.execute(f"SELECT {COLUMNS} FROM service_fts_listing_source"))
        assert listing == source
        assert len(listing) == con.execute("SELECT count(*) FROM service").fetchone()[0]
        listed = con.execute("SELECT id, name, organisation FROM service_fts_listing")
        words = {(sid, w) for sid, name, org in listed for w in f"{name} {org}".split(" ") if w}
        expected = {(w[:n], sid) for sid, w in words for n in (1, 2)}
        assert set(con.execute("SELECT prefix, service_id FROM service_fts_prefix")) == expected
        return len(listing)


def _sql(db: Database, statement: str, *params: object) -> None:
    with db.engine.begin() as conn:
        conn.exec_driver_sql(statement, params)


def _ids(d: DirectoryService, query: str, f: SearchFilters | None = None) -> list[int]:
    return [r.id for r in d.search(query, f).rows]


def test_listing_follows_every_kind_of_change(ctx: ServiceContext, db: Database,
                                              make_staff: Callable[..., object]) -> None:
    d = DirectoryService(ctx)
    cats = CategoryService(ctx)
    money = next(c for c in cats.flat() if c.code == "money-debt-benefits")
    social = next(c for c in cats.flat() if c.parent_id is not None and c.id != money.id)
    org = d.save_organisation(OrganisationForm(
        name="Café Connect", alternate_name="CCP",
        locations=[LocationForm(name="Hall", address_1="1 High St", town="Paisley", postcode="PA1 1AA"),
                   LocationForm(name="Annexe", address_1="2 High St", town="Elderslie", postcode="PA5 9AA")]))
    svc = d.save_service(ServiceForm(organisation_id=org.id, name="Friday lunch", alternate_name="Soup  club",
                                     category_ids=[money.id], location_ids=[org.locations[0].id],
                                     access=[AccessRoute.DROP_IN], is_free=False, fee_description="£3",
                                     min_age=60))
    other = d.save_service(ServiceForm(organisation_id=org.id, name="Debt advice", by_phone=True,
                                       category_ids=[money.id], access=[AccessRoute.SELF_REFERRAL]))
    assert _check(db) == 2
    assert _ids(d, "fr") == [svc.id] and _ids(d, "so") == [svc.id] and _ids(d, "cc") == [other.id, svc.id]

    # the service itself: name, flags, categories, venues, verification
    detail = d.get_service(svc.id)
    both_venues = [loc.id for loc in org.locations]
    d.save_service(ServiceForm(organisation_id=org.id, name="Thursday lunch",
                               category_ids=[social.id, money.id], location_ids=both_venues,
                               access=[AccessRoute.APPOINTMENT], online=True, max_age=99),
                   svc.id, expected_version=detail.version)
    _check(db)
    assert _ids(d, "fr") == [] and _ids(d, "th") == [svc.id]
    d.mark_verified(svc.id)
    _check(db)
    row = d.search("thursday").rows[0]
    assert row.town == "Elderslie" and row.online and row.access == (AccessRoute.APPOINTMENT,)

    # the organisation: name, status, vetting, archiving
    o = d.get_organisation(org.id)
    venues = [LocationForm(id=loc.id, name=loc.name or "", address_1=loc.address_1 or "", town=loc.town or "")
              for loc in o.locations]
    closed = OrganisationForm(name="Lunch Partners", status=OrganisationStatus.CLOSED, locations=venues)
    d.save_organisation(closed, org.id, expected_version=o.version)
    _check(db)
    assert _ids(d, "lunch") == [] and _ids(d, "lu", SearchFilters(status=None)) == [svc.id, other.id]
    _sql(db, "UPDATE organisation SET status = 'active', vetting_status = ? WHERE id = ?",
         VettingStatus.APPROVED.value, org.id)
    _check(db)
    assert _ids(d, "pa", SearchFilters(vetting=VettingStatus.APPROVED)) == [other.id, svc.id]
    d.set_archived("organisation", org.id, True)
    _check(db)
    assert _ids(d, "") == [] and d.search("", SearchFilters(include_archived=True)).total == 2
    d.set_archived("organisation", org.id, False)
    d.set_archived("service", other.id, True)
    _check(db)
    assert _ids(d, "") == [svc.id]

    # categories and venues changed on their own
    cats.save("Cash and coins", category_id=money.id)
    _check(db)
    assert "Cash and coins" in d.search("thursday").rows[0].categories
    _sql(db, "UPDATE location SET town = 'Aardvark' WHERE id = ?", org.locations[1].id)
    _check(db)
    assert d.search("thursday").rows[0].town == "Aardvark"
    _sql(db, "DELETE FROM service_at_location WHERE location_id = ?", org.locations[1].id)
    _sql(db, "DELETE FROM service_category WHERE category_id = ?", social.id)
    _check(db)
    assert d.search("thursday").rows[0].town == "Elderslie"
    _sql(db, "UPDATE service SET status = ? WHERE id = ?", ServiceStatus.INACTIVE.value, svc.id)
    _check(db)
    assert _ids(d, "th") == [] and _ids(d, "th", SearchFilters(status=ServiceStatus.INACTIVE)) == [svc.id]

    # and gone
    _sql(db, "DELETE FROM service WHERE id = ?", other.id)
    assert _check(db) == 1
