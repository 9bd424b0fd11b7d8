"""The directory through its service: add, find, edit, archive, with validation and audit."""

from __future__ import annotations

import pytest

from sp_desktop.domain.enums import AccessRoute, AppRole, VettingStatus
from sp_desktop.services.audit import AuditService
from sp_desktop.services.base import PermissionDenied, ValidationFailed
from sp_desktop.services.categories import CategoryService
from sp_desktop.services.directory import (
    ConflictError,
    ContactForm,
    DirectoryService,
    LocationForm,
    OrganisationForm,
    PhoneForm,
    SearchFilters,
    ServiceForm,
    SlotForm,
)


def _category(ctx, code):
    return next(c for c in CategoryService(ctx).flat() if c.code == code)


def add_org_with_service(ctx, org_name="Renfrew Money Matters", service_name="Debt advice drop-in",
                         town="Renfrew", description="Free, confidential help with debt and benefits.",
                         access=(AccessRoute.DROP_IN,), category="money-debt-benefits", min_age=None,
                         max_age=None, is_free=True, fee=""):
    d = DirectoryService(ctx)
    org = d.save_organisation(OrganisationForm(
        name=org_name, website="www.money-matters.example.org", email="help@money-matters.example.org",
        phones=[PhoneForm("01632 960111", description="Office")],
        contacts=[ContactForm("Morag Fictional", "Adviser", "07700 900111",
                              "morag@money-matters.example.org")],
        locations=[LocationForm(name="Town Hall", address_1="1 High Street", town=town, postcode="pa4 8aa")]))
    svc = d.save_service(ServiceForm(
        organisation_id=org.id, name=service_name, description=description, access=list(access),
        category_ids=[_category(ctx, category).id], location_ids=[org.locations[0].id],
        schedule=[SlotForm(0, "10:00", "12:30")], phones=[PhoneForm("01632 960112")],
        min_age=min_age, max_age=max_age, is_free=is_free, fee_description=fee))
    return org, svc


def test_new_organisation_and_service_are_found_by_search(ctx):
    org, svc = add_org_with_service(ctx)
    assert org.locations[0].postcode == "PA4 8AA"
    assert org.phones[0].display == "01632 960111"
    assert svc.organisation.vetting_status is VettingStatus.NOT_VETTED
    d = DirectoryService(ctx)
    for query in ("debt", "DEBT", "renfrew", "money matters", "Town Hall", "confidential"):
        result = d.search(query)
        assert [r.id for r in result.rows] == [svc.id], query
    assert d.search("gardening").rows == ()
    row = d.search("debt").rows[0]
    assert row.town == "Renfrew" and row.cost == "Free" and row.access == (AccessRoute.DROP_IN,)
    assert "Money" in row.categories


def test_accents_do_not_matter(ctx):
    _, svc = add_org_with_service(ctx, org_name="Café Connect", service_name="Crèche and coffee morning",
                                  description="Relaxed coffee morning with a crèche.")
    d = DirectoryService(ctx)
    assert [r.id for r in d.search("cafe").rows] == [svc.id]
    assert [r.id for r in d.search("creche").rows] == [svc.id]
    assert [r.id for r in d.search("Café").rows] == [svc.id]


def test_short_queries_match_name_prefixes(ctx):
    _, debt = add_org_with_service(ctx)
    _, walk = add_org_with_service(ctx, org_name="Paisley Walkers", service_name="Health walks",
                                   description="Gentle walks.", category="walking-groups")
    d = DirectoryService(ctx)
    assert [r.id for r in d.search("he").rows] == [walk.id]
    assert [r.id for r in d.search("d").rows] == [debt.id]


def test_ranking_puts_name_matches_first(ctx):
    _, in_desc = add_org_with_service(ctx, org_name="Linwood Lunch Club", service_name="Lunch club",
                                      description="A hot lunch; we can also point you to debt help.",
                                      category="food")
    _, in_name = add_org_with_service(ctx)
    ids = [r.id for r in DirectoryService(ctx).search("debt").rows]
    assert ids == [in_name.id, in_desc.id]


def test_filters(ctx):
    _, young = add_org_with_service(ctx, org_name="Youth Hub", service_name="Youth club", min_age=11,
                                    max_age=18,
                                    access=(AccessRoute.SELF_REFERRAL,), category="young-people",
                                    is_free=False, fee="£1 a night")
    _, debt = add_org_with_service(ctx)
    d = DirectoryService(ctx)
    assert [r.id for r in d.search("", SearchFilters(age=70)).rows] == [debt.id]
    assert [r.id for r in d.search("", SearchFilters(age=15)).rows] == [debt.id, young.id]
    assert [r.id for r in d.search("", SearchFilters(free_only=True)).rows] == [debt.id]
    assert [r.id for r in d.search("", SearchFilters(access=AccessRoute.SELF_REFERRAL)).rows] == [young.id]
    money = _category(ctx, "money-debt-benefits")
    assert [r.id for r in d.search("", SearchFilters(category_id=money.id)).rows] == [debt.id]


def test_bad_phone_email_and_missing_name_are_refused_at_the_field_and_nothing_is_saved(ctx):
    d = DirectoryService(ctx)
    with pytest.raises(ValidationFailed) as exc:
        d.save_organisation(OrganisationForm(name="  ", email="not-an-email", phones=[PhoneForm("0141 496")],
                                             website="bad site"))
    errors = exc.value.errors
    assert set(errors) == {"name", "email", "phones[0].number", "website"}
    assert "phone" in errors["phones[0].number"].lower()
    assert d.organisations() == []


def test_odd_postcode_is_a_warning_not_an_error(ctx):
    d = DirectoryService(ctx)
    values, errs = d.validate_organisation(OrganisationForm(name="X", locations=[LocationForm(
        address_1="1 Road", postcode="nowhere")]))
    assert not errs.errors and "postcode" in errs.warnings["locations[0].postcode"]


def test_edit_records_history_and_refuses_stale_saves(ctx, ctx_as):
    org, svc = add_org_with_service(ctx)
    d = DirectoryService(ctx)
    form = ServiceForm(organisation_id=org.id, name="Debt clinic", description=svc.description,
                       access=[AccessRoute.DROP_IN, AccessRoute.APPOINTMENT],
                       phones=[PhoneForm("0141 496 0123")])
    saved = d.save_service(form, svc.id, expected_version=svc.version)
    assert saved.name == "Debt clinic" and saved.version == svc.version + 1
    assert saved.phones[0].display == "0141 496 0123"
    assert [r.id for r in d.search("clinic").rows] == [svc.id]
    other = DirectoryService(ctx_as(AppRole.FRONT_DESK, "Fran Desk"))
    with pytest.raises(ConflictError) as exc:
        other.save_service(form, svc.id, expected_version=svc.version)
    assert "Alex Admin" in str(exc.value)
    history = AuditService(ctx).history(organisation_id=org.id)
    assert history[0].action.value == "update" and history[0].staff_name == "Alex Admin"
    assert history[0].changes["name"] == ["Debt advice drop-in", "Debt clinic"]
    assert {h.entity_type for h in history} == {"organisation", "service"}


def test_front_desk_cannot_archive(ctx_as):
    desk = ctx_as(AppRole.FRONT_DESK, "Fran Desk")
    org, svc = add_org_with_service(desk)
    with pytest.raises(PermissionDenied) as exc:
        DirectoryService(desk).set_archived("service", svc.id, True)
    assert "vetting lead" in str(exc.value) and "Fran Desk" in str(exc.value)


def test_archived_services_leave_search(ctx):
    org, svc = add_org_with_service(ctx)
    d = DirectoryService(ctx)
    d.set_archived("organisation", org.id, True, "Closed down")
    assert d.search("debt").rows == ()
    assert [r.id for r in d.search("debt", SearchFilters(include_archived=True)).rows] == [svc.id]
    d.set_archived("organisation", org.id, False)
    assert [r.id for r in d.search("debt").rows] == [svc.id]


def test_category_rename_updates_search(ctx):
    _, svc = add_org_with_service(ctx, description="Help.")
    money = _category(ctx, "money-debt-benefits")
    CategoryService(ctx).save("Cash and coins", category_id=money.id)
    assert [r.id for r in DirectoryService(ctx).search("coins").rows] == [svc.id]


def test_search_rows_say_whether_a_service_works_by_phone_or_online(ctx):
    org, venue_svc = add_org_with_service(ctx)
    d = DirectoryService(ctx)
    category = [_category(ctx, "money-debt-benefits").id]
    helpline = d.save_service(ServiceForm(organisation_id=org.id, name="Debt helpline", by_phone=True,
                                          access=[AccessRoute.SELF_REFERRAL], category_ids=category))
    webchat = d.save_service(ServiceForm(organisation_id=org.id, name="Debt webchat", online=True,
                                         access=[AccessRoute.SELF_REFERRAL], category_ids=category))
    both = d.save_service(ServiceForm(organisation_id=org.id, name="Debt line and chat", by_phone=True,
                                      online=True, access=[AccessRoute.SELF_REFERRAL], category_ids=category))
    rows = {r.id: r for r in d.search("debt").rows}
    seen = {i: (rows[i].town, rows[i].by_phone, rows[i].online) for i in rows}
    assert seen == {venue_svc.id: ("Renfrew", False, False), helpline.id: ("", True, False),
                    webchat.id: ("", False, True), both.id: ("", True, True)}


def test_service_counts_show_which_organisations_have_no_services_yet(ctx):
    org, svc = add_org_with_service(ctx)
    d = DirectoryService(ctx)
    empty = d.save_organisation(OrganisationForm(name="Gleniffer Men's Shed"))
    assert d.service_counts() == {org.id: 1}
    assert empty.id in dict(d.organisations())
    d.set_archived("service", svc.id, True, "Stopped")
    assert d.service_counts() == {}
