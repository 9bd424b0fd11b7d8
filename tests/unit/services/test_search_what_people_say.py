"""Search finds what people say (issue 25 points 2 and 3, issue 15 point 6, issue 17 point 7).

Through DirectoryService.search on a real database (SQLite file and PostgreSQL): word forms,
folded hyphens/spaces/apostrophes, the shipped and the practice's synonyms, place words, closest
matches when no service answers every word, and vetting in the order and in what the front desk sees.
"""

from __future__ import annotations

import pytest

from sp_desktop.db.models import Organisation
from sp_desktop.db.search_terms import query_groups
from sp_desktop.domain.enums import AccessRoute, AppRole, VettingStatus
from sp_desktop.domain.errors import BadInput
from sp_desktop.services.base import Actor, PermissionDenied, ServiceContext
from sp_desktop.services.categories import CategoryService
from sp_desktop.services.directory import DirectoryService, LocationForm, OrganisationForm, ServiceForm
from sp_desktop.services.search_words import SearchWordsService

A = VettingStatus.APPROVED
# (organisation, service, description, town, vetting)
SERVICES = [
    ("Paisley Men's Shed", "Men's shed workshop", "Woodwork and a cuppa for men who feel lonely.", "Paisley",
     A),
    ("Renfrew Men's Shed", "Men's shed", "Woodwork and company.", "Renfrew", A),
    ("Carer's Link", "Carer's support line", "For anyone looking after a relative.", "Johnstone",
     A),
    ("Cancer Care Drop In", "Cancer drop in", "Come along, no appointment.", "Paisley", A),
    ("Dropin Hub", "The dropin", "Tea and a chat.", "Linwood", A),
    ("Counselling Works", "Counsellor sessions", "Talk to a trained counsellor.", "Erskine",
     A),
    ("Quarry Walkers", "Walking football", "Slow football for over 50s.", "Paisley", A),
    ("Unchecked Walkers", "Walking football", "Slow football for over 50s.", "Paisley",
     VettingStatus.NOT_VETTED),
    ("Suspended Walkers", "Walking football", "Slow football for over 50s.", "Paisley",
     VettingStatus.SUSPENDED),
    ("Declined Walkers", "Walking football", "Slow football for over 50s.", "Paisley",
     VettingStatus.DECLINED),
    ("Night Shelter Renfrewshire", "Night shelter", "A bed for the night.", "Paisley", A),
]


@pytest.fixture
def lead(db, clock, make_staff) -> ServiceContext:
    ctx = ServiceContext(db, clock, make_staff(AppRole.VETTING_LEAD, "Lee Lead"))
    d = DirectoryService(ctx)
    cat = CategoryService(ctx).flat()[3].id
    for org_name, name, desc, town, vetting in SERVICES:
        org = d.save_organisation(OrganisationForm(name=org_name, description=desc, locations=[
            LocationForm(name="Hall", address_1="1 Main St", town=town, postcode="PA1 1AA")]))
        d.save_service(ServiceForm(organisation_id=org.id, name=name, description=desc,
                                   access=[AccessRoute.DROP_IN], category_ids=[cat],
                                   location_ids=[org.locations[0].id]))
        with db.write(clock) as s:  # the vetting decision itself is tested in test_vetting_service
            s.get(Organisation, org.id).vetting_status = vetting
    return ctx


def desk(ctx: ServiceContext) -> ServiceContext:
    return ctx.as_actor(Actor(None, "Fran Desk", AppRole.FRONT_DESK))


def names(ctx: ServiceContext, q: str) -> list[str]:
    return [f"{r.name} ({r.organisation_name})" for r in DirectoryService(ctx).search(q).rows]


def test_word_forms_find_the_same_services(lead):
    assert names(lead, "counsellor") == names(lead, "counselling") != []
    assert names(lead, "walking") == names(lead, "walk") != []
    assert "Men's shed workshop (Paisley Men's Shed)" in names(lead, "loneliness")  # its text says "lonely"
    assert names(lead, "lonely") == names(lead, "loneliness")


def test_hyphens_spaces_and_apostrophes_fold(lead):
    drop = names(lead, "drop in")
    assert drop == names(lead, "drop-in") == names(lead, "dropin")
    assert {"Cancer drop in (Cancer Care Drop In)", "The dropin (Dropin Hub)"} <= set(drop)
    assert "Carer's support line (Carer's Link)" in names(lead, "carers")
    assert names(lead, "carers") == names(lead, "carer's")
    assert names(lead, "mens shed")[:2] == names(lead, "men's shed")[:2]
    assert {"Men's shed (Renfrew Men's Shed)", "Men's shed workshop (Paisley Men's Shed)"} <= set(
        names(lead, "mens shed"))


def test_small_words_are_ignored_unless_they_are_all_there_is(lead):
    assert names(lead, "a shed for my dad") == names(lead, "shed dad")
    assert [g.typed for g in query_groups("the")] == ["the"]


def test_place_words_match_the_towns_of_the_services_venues(lead):
    found = names(lead, "shed renfrew")
    assert found == ["Men's shed (Renfrew Men's Shed)"]


def test_no_service_with_every_word_gives_the_closest_matches_flagged(lead):
    d = DirectoryService(lead)
    result = d.search("lonely woodwork zzqx")
    assert result.closest and result.rows
    # the one answering two of the three words comes first
    assert result.rows[0].name == "Men's shed workshop"
    assert not d.search("lonely woodwork").closest  # every word answered: not flagged
    none = d.search("zzqx qqzz")
    assert none.rows == () and not none.closest


def test_shipped_synonyms_and_the_practices_own(lead):
    assert "Counsellor sessions (Counselling Works)" in names(lead, "talking therapy")
    assert names(lead, "sanctuary") == []
    words = SearchWordsService(lead)
    assert "befriending" in words.get().shipped
    words.save("sanctuary,  night shelter\n\n# our own words\n")
    assert words.get().practice == "sanctuary, night shelter\n# our own words"
    assert names(lead, "sanctuary") == ["Night shelter (Night Shelter Renfrewshire)"]
    assert names(desk(lead), "sanctuary") == ["Night shelter (Night Shelter Renfrewshire)"]  # every user


def test_only_the_lead_changes_search_words_and_bad_lines_save_nothing(lead):
    with pytest.raises(PermissionDenied):
        SearchWordsService(desk(lead)).save("sanctuary, night shelter")
    words = SearchWordsService(lead)
    with pytest.raises(BadInput) as bad:
        words.save("sanctuary, night shelter\nrefuge")
    assert "Line 2" in bad.value.message and "separated by commas" in bad.value.what_to_do
    assert words.get().practice == ""


def test_approved_first_then_not_checked_then_suspended_and_declined_below(lead):
    found = names(lead, "walking football")
    assert found == ["Walking football (Quarry Walkers)", "Walking football (Unchecked Walkers)",
                     "Walking football (Declined Walkers)", "Walking football (Suspended Walkers)"]
    rows = DirectoryService(lead).search("football").rows
    assert [r.vetting_status for r in rows] == [VettingStatus.APPROVED, VettingStatus.NOT_VETTED,
                                                VettingStatus.DECLINED, VettingStatus.SUSPENDED]


def test_front_desk_never_sees_suspended_or_declined(lead):
    d = DirectoryService(desk(lead))
    assert names(desk(lead), "walking football") == ["Walking football (Quarry Walkers)",
                                                     "Walking football (Unchecked Walkers)"]
    everything = d.search("")
    assert not any(r.organisation_name in ("Suspended Walkers", "Declined Walkers") for r in everything.rows)
    assert everything.total == len(everything.rows) == len(SERVICES) - 2
    assert d.search("football", limit=1).total == 2  # counted the same way
