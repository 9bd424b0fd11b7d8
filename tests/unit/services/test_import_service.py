"""Importing through the service, on a real SQLite file: all or nothing, not vetted, history,
duplicates, updated feeds with a "what changed" summary, and local edits kept."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sp_desktop.db.models import Base, Organisation, Service, TrustNote
from sp_desktop.domain.enums import AppRole, TrustNoteKind, VettingStatus
from sp_desktop.services.audit import AuditService
from sp_desktop.services.base import PermissionDenied
from sp_desktop.services.categories import CategoryService
from sp_desktop.services.directory import DirectoryService, LocationForm, OrganisationForm
from sp_desktop.services.imports import ImportChoices, ImportFailed, ImportService, report_lines
from sp_desktop.services.tasks import Cancelled

HSDS = Path(__file__).parents[3] / ".." / "shared" / "reference" / "hsds-3.0"
EXAMPLES = HSDS / "examples"
needs_reference = pytest.mark.skipif(not EXAMPLES.is_dir(),
                                     reason=f"the HSDS 3.0 reference copy is not at {HSDS.resolve()}")


def table_counts(db) -> dict[str, int]:
    """Rows in every table: "nothing was written" means these do not move."""
    with db.engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in Base.metadata.sorted_tables}


def dump(db) -> dict[str, list[str]]:
    """Every row of every table, in key order: "exactly as it was" means this is equal."""
    out = {}
    with db.engine.connect() as conn:
        for t in Base.metadata.sorted_tables:
            rows = conn.execute(select(t).order_by(*t.primary_key.columns)).all()
            out[t.name] = [repr(tuple(r)) for r in rows]
        if db.is_sqlite:
            out["service_fts"] = [repr(tuple(r)) for r in conn.exec_driver_sql(
                "SELECT rowid, name, organisation FROM service_fts ORDER BY rowid")]
            for table in ("service_fts_listing", "service_fts_prefix"):  # migration 0003
                rows = conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1, 2")
                out[table] = [repr(tuple(r)) for r in rows]
    return out


def good_csv(path: Path) -> Path:
    path.write_text(
        "Organisation,Service,Phone,Email,Opening times,Categories,Postcode,Town,How to get there\n"
        "Café Connect,Lunch club,0141 496 0123,hello@cafe.example.org,\"Mon 10-12, Wed 2pm-4pm\",Lunch clubs,"
        "PA1 1AA,Paisley,Drop-in\n"
        "Café Connect,Walking group,0141 496 0123,hello@cafe.example.org,Tuesdays 10.30-12,Walking groups,"
        "PA1 1AA,Paisley,Self-referral\n"
        "Renfrew Debt Help,Debt advice clinic,01632 960555,,Thu 9-5,Debt advice,PA4 8AA,Renfrew,"
        "GP referral\n", encoding="utf-8")
    return path


def bad_csv(path: Path) -> Path:
    path.write_bytes(
        ("Organisation;Service;Phone;Categories\r\n"
         "Café Connect;Lunch club;0141 496 0123;Lunch clubs\r\n"
         ";Orphan;0141 496 0123;Lunch clubs\r\n"
         "Men’s Shed;Shed;not a phone;Unicorn grooming\r\n").encode("cp1252"))
    return path


def run_import(ctx, path, choices=None, **read):
    service = ImportService(ctx)
    loaded = service.open(path)
    feed = service.read_feed(loaded, **read)
    return service, feed, service.commit(feed, choices)


def test_spreadsheet_import_arrives_not_vetted_with_source_in_history(ctx, tmp_path):
    _service, _feed, result = run_import(ctx, good_csv(tmp_path / "practice list.csv"))
    assert (result.organisations_added, result.services_added) == (2, 3)
    d = DirectoryService(ctx)
    rows = d.search("lunch").rows
    assert [r.name for r in rows] == ["Lunch club"]  # the search index knows the new services
    assert rows[0].vetting_status is VettingStatus.NOT_VETTED
    assert (rows[0].town, rows[0].categories) == ("Paisley", "Lunch clubs")
    org = d.get_organisation(rows[0].organisation_id)
    assert org.service_names == ("Lunch club", "Walking group")
    assert [p.display for p in org.phones] == ["0141 496 0123"] and org.locations[0].postcode == "PA1 1AA"
    svc = d.get_service(rows[0].id)
    assert [(s.weekday, s.opens, s.closes) for s in svc.schedule] == [
        (0, "10:00", "12:00"),
        (2, "14:00", "16:00"),
    ]
    assert [c.code for c in svc.categories] == ["lunch-clubs"] and [a.value for a in svc.access] == [
        "drop_in"
    ]
    history = AuditService(ctx).history(organisation_id=org.id)
    texts = [h.describe() for h in history]
    assert any("practice list.csv" in t and "24 Nov 2026" in t and "not vetted" in t for t in texts), texts
    assert all(h.staff_name == "Alex Admin" for h in history)


def test_rows_with_problems_write_nothing_at_all(ctx, tmp_path):
    before = table_counts(ctx.db)
    service = ImportService(ctx)
    feed = service.read_feed(service.open(bad_csv(tmp_path / "bad.csv")))
    assert sorted({p.row for p in feed.errors}) == [3, 4]
    assert {(p.row, p.column) for p in feed.errors} == {(3, "Organisation"), (4, "Phone"), (4, "Categories")}
    with pytest.raises(ImportFailed, match="must be fixed first; nothing was imported"):
        service.commit(feed)
    assert table_counts(ctx.db) == before


def test_bad_rows_can_be_left_out_on_purpose(ctx, tmp_path):
    _s, feed, result = run_import(ctx, bad_csv(tmp_path / "bad.csv"), skip_bad_rows=True)
    assert result.organisations_added == 1 and result.services_added == 1
    assert any(p.row == 4 and "left out" in p.message for p in feed.warnings)


def test_cancelling_leaves_the_database_exactly_as_it_was(ctx, tmp_path):
    service = ImportService(ctx)
    feed = service.read_feed(service.open(good_csv(tmp_path / "list.csv")))
    before = dump(ctx.db)
    calls = []

    def cancel_at_the_very_end(done, total, text=""):
        calls.append(text)
        return text != "Saving…"  # everything has been inserted by then

    with pytest.raises(Cancelled):
        service.commit(feed, progress=cancel_at_the_very_end)
    assert "Adding services…" in calls
    assert dump(ctx.db) == before


def test_a_failure_half_way_rolls_everything_back(ctx, tmp_path, monkeypatch):
    from sp_desktop.services import imports

    service = ImportService(ctx)
    feed = service.read_feed(service.open(good_csv(tmp_path / "list.csv")))
    before = table_counts(ctx.db)

    def explode(self):  # after every organisation and service has been inserted
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports._Writer, "archive_missing", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        service.commit(feed, ImportChoices(archive_missing=True))
    assert table_counts(ctx.db) == before


def test_only_a_vetting_lead_or_administrator_may_import(ctx_as, tmp_path):
    service = ImportService(ctx_as(AppRole.FRONT_DESK, "Rachel Reception"))
    with pytest.raises(PermissionDenied, match="vetting lead or administrator can import"):
        service.open(good_csv(tmp_path / "list.csv"))


def test_the_column_choices_are_remembered_for_next_time(ctx, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Group,Number\nKnit and Natter,01632 960777\n", encoding="utf-8")
    service = ImportService(ctx)
    loaded = service.open(path)
    assert loaded.mapping[0] != "organisation"
    mapping = {0: "organisation", 1: "phone"}
    feed = service.read_feed(loaded, mapping)
    service.commit(feed, ImportChoices(remember_columns={"Group": "organisation", "Number": "phone"}))
    assert ImportService(ctx).open(path).mapping == mapping


# --------------------------------------------------------------------------- duplicates
def _existing_cartvale(ctx):
    return DirectoryService(ctx).save_organisation(
        OrganisationForm(
            name="Cartvale Money Advice Project",
            locations=[
                LocationForm(name="Office", address_1="14 Threadmill St", town="Paisley", postcode="PA1 1TQ")
            ],
        )
    )


def _dup_csv(path: Path) -> Path:
    path.write_text("Organisation,Service,Website,Postcode,Address line 1\n"
                    "The Cartvale Money-Advice Project Ltd,Benefits check,www.cartvale.example.org,PA1 1TQ,"
                    "14 Threadmill St\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("choice", "orgs", "services"), [("merge", 1, 1), ("skip", 1, 0), ("add", 2, 1)])
def test_likely_duplicates_can_be_merged_skipped_or_added(ctx, tmp_path, choice, orgs, services):
    existing = _existing_cartvale(ctx)
    service = ImportService(ctx)
    feed = service.read_feed(service.open(_dup_csv(tmp_path / "dup.csv")))
    plan = service.plan(feed)
    [dup] = plan.duplicates
    assert dup.existing_id == existing.id and dup.rows == (2,)
    assert "same postcode PA1 1TQ" in dup.reason and dup.choice is None  # merging needs the person's choice
    assert plan.undecided == [dup]
    assert dup.details == "postcode PA1 1TQ; 1 service: Benefits check"  # side by side with...
    assert dup.existing_details == "postcode PA1 1TQ"  # ...what the directory holds
    before = dump(ctx.db)
    with pytest.raises(ImportFailed, match="Cartvale.*looks like.*Say for each whether to merge it"):
        service.commit(feed)
    assert dump(ctx.db) == before
    service.commit(feed, ImportChoices(duplicates={dup.key: choice}))
    with ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Organisation)) == orgs
        assert s.scalar(select(func.count()).select_from(Service)) == services
    if choice == "merge":
        merged = DirectoryService(ctx).get_organisation(existing.id)
        assert merged.website == "https://www.cartvale.example.org" and merged.service_names == (
            "Benefits check",
        )
        assert len(merged.locations) == 1  # the same venue, not a copy
        assert merged.vetting_status is VettingStatus.NOT_VETTED


# --------------------------------------------------------------------------- Open Referral feeds
@needs_reference
@pytest.mark.parametrize("source", ["organization_full.json", "csv"])
def test_the_spec_examples_import(ctx, source):
    service, feed, result = run_import(ctx, EXAMPLES / source)
    assert (result.organisations_added, result.services_added) == (1, 1)
    d = DirectoryService(ctx)
    [row] = d.search("counselling").rows
    svc = d.get_service(row.id)
    assert svc.organisation.name == "Example Organization Inc." and svc.last_verified_on is None
    assert svc.publisher_assured_on == date(2005, 1, 1)  # the publisher's word, kept apart (issue 26)
    assert (svc.min_age, svc.max_age) == (12, 100) and svc.languages == ("Urdu",)
    assert [loc.name for loc in svc.locations] == ["MyCity Civic Center"]
    # the same feed again changes nothing
    plan = service.plan(service.read_feed(service.open(EXAMPLES / source)))
    assert {c.kind for c in plan.changes} == {"unchanged"}


def _org(oid, name, services, phone="01632 960100"):
    return {
        "id": oid,
        "name": name,
        "description": f"{name} helps people.",
        "phones": [{"id": oid[:-4] + "aaaa", "number": phone}],
        "locations": [
            {
                "id": oid[:-4] + "bbbb",
                "location_type": "physical",
                "name": f"{name} hall",
                "addresses": [
                    {
                        "id": oid[:-4] + "cccc",
                        "address_1": "1 High St",
                        "city": "Paisley",
                        "state_province": "Renfrewshire",
                        "postal_code": "PA1 1AA",
                        "country": "GB",
                        "address_type": "physical",
                    }
                ],
            }
        ],
        "services": services,
    }


def _svc(sid, name, desc="Weekly group.", day="MO"):
    return {
        "id": sid,
        "name": name,
        "status": "active",
        "description": desc,
        "schedules": [
            {
                "id": sid[:-4] + "dddd",
                "freq": "WEEKLY",
                "byday": day,
                "opens_at": "10:00",
                "closes_at": "12:00",
            }
        ],
        "attributes": [
            {
                "id": sid[:-4] + "eeee",
                "link_entity": "service",
                "link_id": sid,
                "taxonomy_term": {
                    "id": "0b6c3b8e-1111-4e7a-9d7e-000000000001",
                    "name": "Befriending",
                    "description": "Befriending",
                },
            }
        ],
    }


A, B = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
S1, S2, S3 = ("33333333-3333-4333-8333-333333333333", "44444444-4444-4444-8444-444444444444",
              "55555555-5555-4555-8555-555555555555")


def _feed_file(tmp_path, orgs, name="council-feed.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"contents": orgs}), encoding="utf-8")
    return path


def test_an_updated_feed_says_what_changed_before_anything_is_written(ctx, tmp_path):
    first = [_org(A, "Age Well Renfrew", [_svc(S1, "Lunch club"), _svc(S2, "Chair yoga")]),
             _org(B, "Knit and Natter", [_svc(S3, "Knitting circle")])]
    _s, _f, result = run_import(ctx, _feed_file(tmp_path, first))
    assert result.services_added == 3
    cats = {c.name: c for c in CategoryService(ctx).flat()}
    lunch = DirectoryService(ctx).search("lunch club").rows[0]
    assert [c.name for c in DirectoryService(ctx).get_service(lunch.id).categories] == ["Befriending"]
    assert "Befriending" in cats  # the feed's term matched the practice's category by name

    second = copy.deepcopy(first)
    second[0]["phones"][0]["number"] = "01632 960199"
    second[0]["services"][0]["schedules"][0]["byday"] = "TU"
    del second[0]["services"][1]  # chair yoga stopped
    second[0]["services"].append(_svc("66666666-6666-4666-8666-666666666666", "Tea dance"))
    service = ImportService(ctx)
    feed = service.read_feed(service.open(_feed_file(tmp_path, second, "council-feed-december.json")))
    before = table_counts(ctx.db)
    plan = service.plan(feed)
    assert table_counts(ctx.db) == before  # planning writes nothing
    assert plan.feed_name == "council-feed"  # recognised by the ids it already holds
    described = {c.describe() for c in plan.changes}
    assert "Updated organisation “Age Well Renfrew”: phone numbers" in described
    assert "Updated service “Lunch club” (Age Well Renfrew): opening times" in described
    assert "New service “Tea dance” (Age Well Renfrew)" in described
    assert "No longer in the feed: service “Chair yoga” (Age Well Renfrew)" in described
    assert "No change to organisation “Knit and Natter”" in described
    # each changed field, old -> new; kept as it is here unless the person importing takes the feed's
    [phones] = [f for f in plan.field_changes if f.name == "Age Well Renfrew"]
    assert (phones.label, phones.edited_here, phones.choice) == ("phone numbers", False, "keep")
    assert phones.theirs == "01632 960199" and phones.ours != phones.theirs
    [times] = [f for f in plan.field_changes if f.name == "Lunch club"]
    assert times.label == "opening times"
    assert times.ours.startswith("Mon ") and times.theirs.startswith("Tue ")
    assert any(line.strip().startswith("opening times: “Mon ") and line.endswith("keep ours")
               for line in report_lines(plan))
    result = service.commit(feed, ImportChoices(archive_missing=True, default_field="take_unedited"))
    assert (
        result.organisations_updated,
        result.services_updated,
        result.services_added,
        result.archived,
    ) == (1, 1, 1, 1)
    d = DirectoryService(ctx)
    age_well = d.get_organisation(lunch.organisation_id)
    assert [p.display for p in age_well.phones] == ["01632 960199"]
    assert age_well.service_names == ("Lunch club", "Tea dance")
    assert [s.weekday for s in d.get_service(lunch.id).schedule] == [1]
    # and once more: nothing to do
    plan = service.plan(service.read_feed(service.open(_feed_file(tmp_path, second, "again.json"))))
    assert {c.kind for c in plan.changes} == {"unchanged"}


def test_local_edits_vetting_and_trust_notes_are_never_overwritten_without_asking(ctx, tmp_path, clock):
    first = [_org(A, "Age Well Renfrew", [_svc(S1, "Lunch club")])]
    run_import(ctx, _feed_file(tmp_path, first))
    d = DirectoryService(ctx)
    row = d.search("lunch club").rows[0]
    # the practice edits the service, approves the organisation and writes a trust note
    from sp_desktop.services.directory import ServiceForm, SlotForm

    svc = d.get_service(row.id)
    d.save_service(
        ServiceForm(
            organisation_id=svc.organisation.id,
            name="Lunch club",
            description="Our own words: hot two-course lunch, £3.",
            # as the edit dialog carries them: the feed stated no cost and no ages, and nobody here said since
            is_free=False, cost_not_stated=True, age_not_stated=True,
            access=list(svc.access),
            schedule=[SlotForm(0, "10:00", "12:00")],
            languages=list(svc.languages),
            category_ids=[c.id for c in svc.categories],
            location_ids=[loc.id for loc in svc.locations],
        ),
        row.id,
        svc.version,
    )
    with ctx.db.write(clock) as s:
        org = s.get(Organisation, svc.organisation.id)
        org.vetting_status = VettingStatus.APPROVED
        s.add(TrustNote(organisation_id=org.id, kind=TrustNoteKind.POSITIVE, text="Lovely volunteers",
                        author_id=ctx.actor.id, noted_on=clock.now().date()))

    second = copy.deepcopy(first)
    second[0]["services"][0]["description"] = "The feed's new words."
    second[0]["description"] = "Age Well Renfrew, now in Renfrew and Erskine."
    service = ImportService(ctx)
    feed = service.read_feed(service.open(_feed_file(tmp_path, second)))
    plan = service.plan(feed)
    [conflict] = plan.conflicts
    assert conflict.entity == "service" and conflict.fields == ("description",) and conflict.choice == "keep"
    [edited] = conflict.field_changes  # marked: edited here since the last import
    assert edited.edited_here and edited.ours == "Our own words: hot two-course lunch, £3."
    assert edited.theirs == "The feed's new words." and edited.choice == "keep"
    assert any(c.kind == "update" and c.entity == "organisation" for c in plan.changes)  # not edited here
    [org_field] = [f for f in plan.field_changes if f.entity == "organisation"]
    assert not org_field.edited_here and org_field.choice == "keep"  # nothing changes unasked
    # keep ours where edited here, take the feed's elsewhere: one choice per field
    result = service.commit(feed, ImportChoices(fields={org_field.key: "take"}))
    assert result.conflicts_kept == 1 and result.organisations_updated == 1
    assert d.get_service(row.id).description == "Our own words: hot two-course lunch, £3."
    org = d.get_organisation(svc.organisation.id)
    assert org.description == "Age Well Renfrew, now in Renfrew and Erskine."
    assert org.vetting_status is VettingStatus.APPROVED
    # asked again only when the feed changes again; then the person may take the feed's version
    plan = service.plan(service.read_feed(service.open(_feed_file(tmp_path, second))))
    assert not plan.conflicts
    second[0]["services"][0]["description"] = "The feed's newer words."
    feed = service.read_feed(service.open(_feed_file(tmp_path, second)))
    [conflict] = service.plan(feed).conflicts
    service.commit(feed, ImportChoices(conflicts={conflict.key: "take"}))
    assert d.get_service(row.id).description == "The feed's newer words."
    assert d.get_organisation(svc.organisation.id).vetting_status is VettingStatus.APPROVED
    with ctx.db.read() as s:
        assert s.scalar(select(TrustNote.text)) == "Lovely volunteers"


def test_feed_categories_can_be_mapped_to_the_practices_own(ctx, tmp_path):
    orgs = [_org(A, "Age Well Renfrew", [_svc(S1, "Lunch club")])]
    orgs[0]["services"][0]["attributes"][0]["taxonomy_term"]["name"] = "Senior lunches"
    service = ImportService(ctx)
    feed = service.read_feed(service.open(_feed_file(tmp_path, orgs)))
    plan = service.plan(feed)
    [term] = plan.terms
    assert (
        term.name == "Senior lunches" and term.target == "new" and plan.new_categories == ("Senior lunches",)
    )
    lunch_clubs = next(c for c in CategoryService(ctx).flat() if c.code == "lunch-clubs")
    result = service.commit(feed, ImportChoices(terms={term.term_id: lunch_clubs.id}))
    assert result.categories_added == 0
    svc = DirectoryService(ctx).get_service(DirectoryService(ctx).search("lunch club").rows[0].id)
    assert [c.code for c in svc.categories] == ["lunch-clubs"]
