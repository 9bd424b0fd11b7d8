"""A spreadsheet or feed import indexes its new services in one statement per index table
(issue 21 point 3): the search index, the listing and the name prefixes must be exactly what
the row-by-row triggers of migrations 0001 and 0003 make for the same data, and a failure half
way through leaves the tables, the index and the triggers as they were. SQLite only (PostgreSQL
keeps its own triggers; its import tests run in test_import_service.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from sp_desktop.services.directory import DirectoryService
from sp_desktop.services.imports import ImportService
from tests.unit.services.test_directory_service import add_org_with_service
from tests.unit.services.test_import_service import EXAMPLES, dump, good_csv

pytestmark = pytest.mark.backends("sqlite")

QUERIES = ["lunch", "lunch club", "cafe", "café connect", "walking group paisley", "debt", "d", "de",
           "c w", "pa1", "renfrew", "carers", "counselling", "mycity", "group 3", "high street", "zzzz"]


def varied_csv(path: Path) -> Path:
    """Organisations with several services, services with several categories, accents, places."""
    rows = ["Organisation,Service,Phone,Email,Opening times,Categories,Address line 1,Town,Postcode,"
            "Cost,How to get there,Description"]
    towns = [("Paisley", "PA1 1AA"), ("Renfrew", "PA4 8AA"), ("Erskine", "PA8 7AB")]
    kinds = [("Lunch club", "Lunch clubs"), ("Walking group", "Walking groups"),
             ("Carers café", "Carer groups; Lunch clubs"), ("Debt advice", "Debt advice"),
             ("Men's shed", "Men's groups and sheds")]
    for i in range(60):
        org = i // 3
        town, postcode = towns[org % 3]
        name, cats = kinds[i % len(kinds)]
        rows.append(f"Community group {org} Ré,{name} {i},0141 496 {100 + org:04d},g{org}@example.org,"
                    f"Tuesdays 10.30-12,\"{cats}\",{org} High Street,{town},{postcode},"
                    f"{'Free' if i % 2 else '£2 a session'},Drop-in,\"A friendly {name.lower()} in {town}.\"")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def index_tables(ctx) -> dict[str, list[tuple]]:
    """Every row of the search index (all five FTS columns), the listing and the prefixes."""
    with ctx.db.engine.connect() as conn:
        return {
            "service_fts": list(conn.exec_driver_sql(
                "SELECT rowid, name, organisation, description, categories, place FROM service_fts"
                " ORDER BY rowid")),
            "service_fts_listing": list(conn.exec_driver_sql(
                "SELECT * FROM service_fts_listing ORDER BY id")),
            "service_fts_prefix": list(conn.exec_driver_sql(
                "SELECT * FROM service_fts_prefix ORDER BY service_id, prefix")),
        }


def search_results(ctx) -> dict[str, list[str]]:
    d = DirectoryService(ctx)
    return {q: [repr(r) for r in d.search(q).rows] for q in QUERIES}


def triggers(ctx) -> list[tuple]:
    with ctx.db.engine.connect() as conn:
        return list(conn.exec_driver_sql(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"))


def rebuilt_by_the_triggers(ctx) -> None:
    """Empty the index tables and have the migrations' triggers fill them again, service by
    service: an update of every service's name fires the same refresh an insert does."""
    with ctx.db.engine.begin() as conn:
        for table in ("service_fts", "service_fts_listing", "service_fts_prefix"):
            conn.exec_driver_sql(f"DELETE FROM {table}")
        conn.exec_driver_sql("UPDATE service SET name = name")


def existing_directory(ctx) -> None:
    """Three organisations with a service each, so the import's ids do not start at 1."""
    for n in range(3):
        add_org_with_service(ctx, org_name=f"Existing café {n}", service_name=f"Debt clinic {n}")


def import_file(ctx, path: Path):
    service = ImportService(ctx)
    return service.commit(service.read_feed(service.open(path)))


@pytest.mark.parametrize("source", ["varied", "good", "organization_full.json"])
def test_a_bulk_import_indexes_exactly_as_the_triggers_do(ctx, tmp_path, source):
    if source == "organization_full.json" and not EXAMPLES.is_dir():
        pytest.skip(f"the HSDS 3.0 reference copy is not at {EXAMPLES}")
    existing_directory(ctx)
    path = {"varied": lambda: varied_csv(tmp_path / "varied.csv"),
            "good": lambda: good_csv(tmp_path / "g.csv"),
            "organization_full.json": lambda: EXAMPLES / source}[source]()
    before_triggers = triggers(ctx)
    result = import_file(ctx, path)
    assert result.services_added > 0
    assert triggers(ctx) == before_triggers  # put back exactly as the migrations made them
    with ctx.db.engine.begin() as conn:  # FTS5's own check of its index against its rows
        conn.exec_driver_sql("INSERT INTO service_fts(service_fts) VALUES ('integrity-check')")
    bulk, found = index_tables(ctx), search_results(ctx)
    with ctx.db.engine.connect() as conn:
        n_services = conn.exec_driver_sql("SELECT count(*) FROM service").scalar()
    assert len(bulk["service_fts"]) == len(bulk["service_fts_listing"]) == n_services
    assert bulk["service_fts_prefix"]
    assert any(found[q] for q in QUERIES)
    rebuilt_by_the_triggers(ctx)
    assert index_tables(ctx) == bulk
    assert search_results(ctx) == found


def test_imported_services_are_found_and_later_edits_still_reindex(ctx, tmp_path):
    import_file(ctx, varied_csv(tmp_path / "varied.csv"))
    d = DirectoryService(ctx)
    assert [r.name for r in d.search("carers cafe 2").rows][:1] == ["Carers café 2"]
    assert len(d.search("d").rows) > 0
    # the triggers are back: renaming an organisation reindexes its services
    with ctx.db.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE organisation SET name = 'Zebrafish trust' WHERE name = 'Community group 4 Ré'")
    assert {r.organisation_name for r in d.search("zebrafish").rows} == {"Zebrafish trust"}
    assert d.search("z").total == 3


@pytest.mark.parametrize("where", [
    # while the services go in without their index triggers
    "CREATE TRIGGER boom BEFORE INSERT ON service WHEN NEW.name = 'Debt advice 43'"
    " BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    # after they have been indexed and the triggers put back
    "CREATE TRIGGER boom BEFORE INSERT ON audit_event WHEN NEW.entity_label = 'Debt advice 43'"
    " BEGIN SELECT RAISE(ABORT, 'disk full'); END",
], ids=["inserting services", "writing history"])
def test_a_failure_half_way_leaves_tables_index_and_triggers_unchanged(ctx, tmp_path, where):
    existing_directory(ctx)
    path = varied_csv(tmp_path / "varied.csv")
    before_triggers, before, found = triggers(ctx), dump(ctx.db), search_results(ctx)
    before_index = index_tables(ctx)
    with ctx.db.engine.begin() as conn:  # a real fault in the real file, half way through the import
        conn.exec_driver_sql(where)
    with pytest.raises(DBAPIError, match="disk full"):
        import_file(ctx, path)
    with ctx.db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER boom")
    assert triggers(ctx) == before_triggers
    assert dump(ctx.db) == before and index_tables(ctx) == before_index
    assert search_results(ctx) == found
    # and the same file then imports and is indexed as the triggers would
    import_file(ctx, path)
    bulk = index_tables(ctx)
    assert len(bulk["service_fts_listing"]) == 63  # 3 there before, 60 imported
    rebuilt_by_the_triggers(ctx)
    assert index_tables(ctx) == bulk
