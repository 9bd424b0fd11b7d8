"""Issue 25 point 4 (service side): a new organisation, its first service and its venue saved
together, linked, in one transaction; and issue 15: the values the forms suggest while typing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sp_desktop.db.models import AuditEvent, Location, Organisation, Service
from sp_desktop.domain.enums import AccessRoute
from sp_desktop.services.base import ServiceContext, ValidationFailed
from sp_desktop.services.directory import (
    DirectoryService,
    LocationForm,
    OrganisationForm,
    PhoneForm,
    ServiceForm,
)


def _forms(key: str = "k1") -> tuple[OrganisationForm, ServiceForm]:
    org = OrganisationForm(name="Foxbar Men's Shed", website="foxbarshed.example.org",
                           legal_status="Community group", phones=[PhoneForm("0141 496 0123")],
                           locations=[LocationForm(name="The Old Bowling Pavilion",
                                                   address_1="2 Brediland Road", town="Paisley",
                                                   postcode="pa2 9ne")],
                           client_key=f"org-{key}")
    svc = ServiceForm(organisation_id=0, name="Woodwork mornings", description="Make and mend with others.",
                      access=[AccessRoute.DROP_IN], service_area="Renfrewshire", client_key=f"svc-{key}")
    return org, svc


def _count(ctx: ServiceContext, model: type) -> int:
    with ctx.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_the_three_are_saved_together_and_linked(ctx: ServiceContext) -> None:
    org, svc = _forms()
    saved = DirectoryService(ctx).add_organisation_with_service(org, svc)
    assert saved.name == "Woodwork mornings" and saved.organisation.name == "Foxbar Men's Shed"
    assert [loc.town for loc in saved.locations] == ["Paisley"]  # the service meets at the venue
    assert saved.locations[0].postcode == "PA2 9NE"
    assert saved.last_verified_on == ctx.today()
    with ctx.read() as s:
        actions = [(e.entity_type, e.action.value) for e in s.scalars(select(AuditEvent))
                   if e.entity_type in ("organisation", "service")]
    assert ("organisation", "create") in actions and ("service", "create") in actions


def test_a_second_save_of_the_same_forms_makes_nothing_more(ctx: ServiceContext) -> None:
    org, svc = _forms()
    directory = DirectoryService(ctx)
    first = directory.add_organisation_with_service(org, svc)
    again = directory.add_organisation_with_service(org, svc)  # a double Enter, a lost reply
    assert again.id == first.id
    assert _count(ctx, Organisation) == 1 and _count(ctx, Service) == 1 and _count(ctx, Location) == 1


def test_a_bad_field_in_any_part_saves_nothing_and_names_the_part(ctx: ServiceContext) -> None:
    org, svc = _forms()
    org.email = "hello at foxbar"
    org.locations[0].name = org.locations[0].address_1 = ""  # a venue with a town but no address
    svc.access = []
    with pytest.raises(ValidationFailed) as caught:
        DirectoryService(ctx).add_organisation_with_service(org, svc)
    assert set(caught.value.errors) == {"organisation.email", "organisation.locations[0].address_1",
                                        "service.access"}
    assert "address" in caught.value.errors["organisation.locations[0].address_1"]
    assert _count(ctx, Organisation) == 0 and _count(ctx, Service) == 0 and _count(ctx, Location) == 0


def test_a_failure_while_writing_the_service_leaves_no_organisation(ctx: ServiceContext) -> None:
    org, svc = _forms()
    svc.category_ids = [987654]  # a category deleted meanwhile: found only inside the transaction
    with pytest.raises(ValidationFailed):
        DirectoryService(ctx).add_organisation_with_service(org, svc)
    assert _count(ctx, Organisation) == 0 and _count(ctx, Location) == 0


def test_known_values_offer_what_was_typed_before_most_used_first(ctx: ServiceContext) -> None:
    directory = DirectoryService(ctx)
    for i, (town, area) in enumerate([("Paisley", "Renfrewshire"), ("paisley ", "Renfrewshire"),
                                      ("Johnstone", "Paisley and Linwood")]):
        org, svc = _forms(str(i))
        org.locations[0].town = town
        svc.service_area = area
        svc.languages = ["English", "Polish"] if i else ["English"]
        directory.add_organisation_with_service(org, svc)
    known = directory.known_values()
    assert known.towns == ("Paisley", "Johnstone")  # "paisley " is the same town, not a second one
    assert known.areas == ("Renfrewshire", "Paisley and Linwood")
    assert known.legal_statuses == ("Community group",)
    assert known.languages == ("English", "Polish")
