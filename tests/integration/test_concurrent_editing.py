"""Two people editing the same record: the second save is refused with who and when, nothing is lost,
and "re-apply mine" puts your changes on top of theirs. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from sp_desktop.domain.enums import AccessRoute, AppRole
from sp_desktop.services.audit import AuditService
from sp_desktop.services.concurrency import (
    conflict_view,
    organisation_form_from,
    reapply,
    service_form_from,
)
from sp_desktop.services.directory import (
    ConflictError,
    DirectoryService,
    LocationForm,
    OrganisationForm,
    PhoneForm,
    ServiceForm,
)


@pytest.fixture
def org(ctx):
    return DirectoryService(ctx).save_organisation(OrganisationForm(
        name="Renfrew Carers Centre", description="Support for unpaid carers.", website="carers.example.org",
        phones=[PhoneForm("01632 960123")],
        locations=[LocationForm(name="The Hub", address_1="2 Bridge St", town="Renfrew",
                                postcode="PA4 8AB")]))


def test_second_save_is_refused_with_who_and_when_and_nothing_is_lost(ctx_as, org, clock):
    alice = DirectoryService(ctx_as(AppRole.FRONT_DESK, "Alice Reception"))
    bob = DirectoryService(ctx_as(AppRole.FRONT_DESK, "Bob Manager"))
    seen_by_alice = alice.get_organisation(org.id)
    seen_by_bob = bob.get_organisation(org.id)
    assert seen_by_alice.version == seen_by_bob.version

    alice_form = organisation_form_from(seen_by_alice)
    alice_form.description = "Support and breaks for unpaid carers."
    clock.advance(minutes=3)
    alice.save_organisation(alice_form, org.id, expected_version=seen_by_alice.version)

    original = organisation_form_from(seen_by_bob)
    bob_form = organisation_form_from(seen_by_bob)
    bob_form.website = "renfrewcarers.example.org"
    bob_form.phones = [PhoneForm("0141 496 0000", description="Helpline")]
    clock.advance(minutes=2)
    with pytest.raises(ConflictError) as exc:
        bob.save_organisation(bob_form, org.id, expected_version=seen_by_bob.version)
    assert "changed by Alice Reception at 24 Nov 2026 10:03 since you opened it" in str(exc.value)
    assert "not been saved" in str(exc.value)

    now = alice.get_organisation(org.id)  # Bob's refused save changed nothing
    assert now.description == "Support and breaks for unpaid carers."
    assert now.website == seen_by_alice.website and now.version == seen_by_alice.version + 1
    assert _updaters(alice, org.id) == ["Alice Reception"]

    # Both versions side by side, and who changed what
    view = conflict_view(bob.ctx, "organisation", org.id, bob_form, exc.value, original)
    rows = {f.label: f for f in view.fields}
    assert view.changed_by == "Alice Reception" and view.current_version == now.version
    assert rows["Description"].who_changed == "They"
    assert rows["Description"].theirs == "Support and breaks for unpaid carers."
    assert rows["Website"].who_changed == "You" and "renfrewcarers.example.org" in rows["Website"].mine
    assert rows["Phone numbers"].mine == "0141 496 0000 (Helpline)"
    assert rows["Name"].who_changed == "" and not rows["Name"].differs
    assert {f.label for f in view.differences} == {"Description", "Website", "Phone numbers"}

    # Re-apply mine: Bob's changes go on top of Alice's; her description survives.
    merged = reapply(bob.ctx, view, bob_form, original)
    assert merged.description == "Support and breaks for unpaid carers."
    assert merged.website.endswith("renfrewcarers.example.org")
    assert [p.display for p in merged.phones] == ["0141 496 0000"]
    assert merged.version == now.version + 1
    assert _updaters(alice, org.id) == ["Bob Manager", "Alice Reception"]


def _updaters(directory, org_id):
    history = AuditService(directory.ctx).history(organisation_id=org_id)
    return [h.staff_name for h in history if h.action.value == "update"]


def test_reapplying_over_a_version_that_moved_on_again_is_refused_too(ctx_as, org):
    alice = DirectoryService(ctx_as(AppRole.FRONT_DESK, "Alice Reception"))
    bob = DirectoryService(ctx_as(AppRole.FRONT_DESK, "Bob Manager"))
    opened = bob.get_organisation(org.id)
    form = organisation_form_from(opened)
    form.name = "Renfrew Carers"
    first = alice.get_organisation(org.id)
    alice.save_organisation(_with(first, description="v2"), org.id, expected_version=first.version)
    with pytest.raises(ConflictError) as exc:
        bob.save_organisation(form, org.id, expected_version=opened.version)
    view = conflict_view(bob.ctx, "organisation", org.id, form, exc.value, organisation_form_from(opened))
    second = alice.get_organisation(org.id)
    alice.save_organisation(_with(second, description="v3"), org.id, expected_version=second.version)
    with pytest.raises(ConflictError):
        reapply(bob.ctx, view, form, organisation_form_from(opened))
    assert alice.get_organisation(org.id).description == "v3"


def _with(detail, **changes):
    form = organisation_form_from(detail)
    for k, v in changes.items():
        setattr(form, k, v)
    return form


def test_service_conflict_view_and_merge(ctx, ctx_as, org):
    d = DirectoryService(ctx)
    svc = d.save_service(ServiceForm(organisation_id=org.id, name="Carers' café", description="Tea and chat.",
                                     access=[AccessRoute.DROP_IN], location_ids=[org.locations[0].id]))
    alice = DirectoryService(ctx_as(AppRole.FRONT_DESK, "Alice Reception"))
    bob = DirectoryService(ctx_as(AppRole.CLINICIAN, "Dr Bob"))
    opened = service_form_from(bob.get_service(svc.id))
    alice_form = service_form_from(alice.get_service(svc.id))
    alice_form.access = [AccessRoute.DROP_IN, AccessRoute.SELF_REFERRAL]
    alice.save_service(alice_form, svc.id, expected_version=svc.version)
    bob_form = service_form_from(bob.get_service(svc.id))
    bob_form.access = list(opened.access)  # what Bob still has on screen
    bob_form.description = "Tea, chat and a carers' assessment."
    with pytest.raises(ConflictError):
        bob.save_service(bob_form, svc.id, expected_version=svc.version)
    view = conflict_view(bob.ctx, "service", svc.id, bob_form, None, opened)
    rows = {f.label: f for f in view.fields}
    assert rows["How to get in"].who_changed == "They" and "Self-referral" in rows["How to get in"].theirs
    assert rows["Description"].who_changed == "You"
    saved = reapply(bob.ctx, view, bob_form, opened)
    assert saved.description == "Tea, chat and a carers' assessment."
    assert set(saved.access) == {AccessRoute.DROP_IN, AccessRoute.SELF_REFERRAL}


def test_simultaneous_saves_one_wins_the_other_is_refused(ctx_as, org):
    """Two sessions press Save at the same moment, 8 times: never both, never neither."""
    people = [DirectoryService(ctx_as(AppRole.FRONT_DESK, name))
              for name in ("Alice Reception", "Bob Manager")]
    for round_no in range(8):
        opened = people[0].get_organisation(org.id)
        barrier = threading.Barrier(2)
        results: list[object] = [None, None]

        def save(i: int, opened=opened, barrier=barrier, results=results, round_no=round_no) -> None:
            form = organisation_form_from(opened)
            form.description = f"round {round_no} by {people[i].ctx.actor.name}"
            barrier.wait()
            try:
                results[i] = people[i].save_organisation(form, org.id, expected_version=opened.version)
            except ConflictError as exc:
                results[i] = exc

        threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        winners = [r for r in results if not isinstance(r, ConflictError)]
        losers = [r for r in results if isinstance(r, ConflictError)]
        assert len(winners) == 1 and len(losers) == 1, results
        final = people[0].get_organisation(org.id)
        assert final.version == opened.version + 1
        assert final.description == winners[0].description  # type: ignore[attr-defined]
        assert losers[0].changed_by in final.description
