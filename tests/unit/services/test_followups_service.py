"""The follow-ups list: open actions by due date and owner, overdue flagged, marked done with a note."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from sp_desktop.domain.enums import AppRole, ContactKind
from sp_desktop.services.audit import AuditService
from sp_desktop.services.base import SYSTEM, Permission, ServiceContext, ValidationFailed
from sp_desktop.services.directory import DirectoryService, OrganisationForm
from sp_desktop.services.followups import ContactFollowUps, FollowUpItem, FollowUpService
from sp_desktop.services.relationships import ContactLogForm, ContactLogService


def _org(ctx: ServiceContext, name: str) -> int:
    return DirectoryService(ctx).save_organisation(OrganisationForm(name=name)).id


def _contact(ctx, org_id, action, due, owner_id=None, when=None):
    return ContactLogService(ctx).log(ContactLogForm(
        org_id, f"About {action}", kind=ContactKind.PHONE, occurred_at=when or ctx.now() - timedelta(days=20),
        follow_up_action=action, follow_up_owner_id=owner_id, follow_up_due=due))


def test_open_follow_ups_by_due_date_with_overdue_flagged(ctx, ctx_as, clock):
    rachel = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    lena = ctx_as(AppRole.VETTING_LEAD, "Lena Link")
    carers = _org(ctx, "Cartside Carers Centre")
    shed = _org(ctx, "Linwood Men's Shed")
    today = clock.now().date()  # 24 Nov 2026
    _contact(rachel, carers, "Send the new leaflet", today + timedelta(days=7))
    _contact(rachel, shed, "Ring back about Tuesday sessions", today - timedelta(days=3))
    _contact(rachel, carers, "Book a visit", today, owner_id=lena.actor.id)
    ContactLogService(rachel).log(ContactLogForm(carers, "No follow-up here"))

    items = FollowUpService(rachel).items()
    assert [i.title for i in items] == ["Ring back about Tuesday sessions", "Book a visit",
                                        "Send the new leaflet"]
    late, today_item, later = items
    assert late.overdue and late.status_text == "Overdue !" and late.organisation_name == "Linwood Men's Shed"
    assert not today_item.overdue and today_item.status_text == "Due today"
    assert today_item.owner_name == "Lena Link"
    assert not later.overdue and later.status_text == "Open"
    assert "Phone call on 4 Nov 2026 (Rachel Reception)" == late.source
    assert FollowUpService(rachel).count_open() == 3 and FollowUpService(rachel).count_overdue() == 1
    assert [i.title for i in FollowUpService(rachel).items(owner_id=lena.actor.id)] == ["Book a visit"]

    # A week later two more are overdue.
    clock.advance(days=8)
    assert FollowUpService(rachel).count_overdue() == 3


def test_mark_done_with_a_note_is_audited_and_leaves_the_open_list(ctx, ctx_as, clock):
    rachel = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    carers = _org(ctx, "Cartside Carers Centre")
    entry = _contact(rachel, carers, "Send the new leaflet", date(2026, 11, 20))
    svc = FollowUpService(rachel)
    (item,) = svc.items()
    assert item.overdue
    clock.advance(hours=2)
    svc.mark_done(item.kind, item.ref, "Posted 20 copies")
    assert svc.items() == []
    (done,) = svc.items(include_done_days=30)
    assert done.done and done.done_note == "Posted 20 copies" and not done.overdue
    assert done.status_text == "Done ✓ 24 Nov 2026"
    with pytest.raises(ValidationFailed, match="already marked done"):
        svc.mark_done("contact", entry.id, "again")
    history = AuditService(ctx).history(entity_type="contact_event", entity_id=entry.id)
    assert history[0].staff_name == "Rachel Reception"
    assert history[0].summary == "follow-up done: Send the new leaflet"
    assert history[0].changes["follow_up_done_note"] == [None, "Posted 20 copies"]
    assert history[0].changes["follow_up_done_at"] == [None, "2026-11-24T12:00:00"]
    assert ContactLogService(rachel).get(entry.id).follow_up_open is False


class _SignpostingLike:
    """What another feature (signposting) plugs in: its own items, its own 'done'."""

    kind = "signposting"
    label = "Signposting follow-up"
    done_permission = Permission.LOG_SIGNPOSTING

    def __init__(self) -> None:
        self.done: list[tuple[int, str]] = []

    def items(self, session: Session, *, owner_id: int | None,
              done_since: datetime | None) -> list[FollowUpItem]:
        return [FollowUpItem("signposting", 7, "Ask how the walking group went", date(2026, 11, 1), None,
                             "Dr Gordon Gill", None, "Step Together Health Walks")]

    def mark_done(self, session: Session, ctx: ServiceContext, ref: int, note: str) -> None:
        self.done.append((ref, note))


def test_other_features_add_their_follow_ups_to_the_same_list(ctx, clock):
    carers = _org(ctx, "Cartside Carers Centre")
    _contact(ctx, carers, "Send the new leaflet", date(2026, 12, 1))
    other = _SignpostingLike()
    svc = FollowUpService(ctx, providers=[ContactFollowUps(), other])
    items = svc.items()
    assert [(i.kind, i.title) for i in items] == [("signposting", "Ask how the walking group went"),
                                                   ("contact", "Send the new leaflet")]
    assert items[0].overdue  # the service applies the one overdue rule to every provider's items
    svc.mark_done("signposting", 7, "Went twice, enjoying it")
    assert other.done == [(7, "Went twice, enjoying it")]


def test_the_open_count_is_the_length_of_the_open_list(demo_db, clock):
    """The navigation's "Follow-ups (n)" is counted by the database; it must match the list."""
    ctx = ServiceContext(demo_db, clock, SYSTEM)
    svc = FollowUpService(ctx)
    items = svc.items()
    assert {i.kind for i in items} == {"contact", "signposting"}
    assert svc.count_open() == len(items) > 0
    for owner_id in {i.owner_id for i in items if i.owner_id is not None}:
        assert svc.count_open(owner_id) == len(svc.items(owner_id))


def test_a_planned_visit_is_a_follow_up_until_it_happens_then_a_face_to_face_contact(ctx, ctx_as, clock):
    from sp_desktop.domain.enums import RelationshipHealth
    from sp_desktop.services.relationships import RelationshipService

    lena = ctx_as(AppRole.VETTING_LEAD, "Lena Link")
    shed = _org(ctx, "Linwood Men's Shed")
    log = ContactLogService(lena)
    with pytest.raises(ValidationFailed) as err:
        log.log(ContactLogForm(shed, "Rang to arrange a visit", kind=ContactKind.VISIT_PLANNED))
    assert err.value.errors == {"follow_up_due": "Choose the date of the visit."}
    visit_day = clock.now().date() + timedelta(days=10)
    log.log(ContactLogForm(shed, "Rang to arrange a visit", kind=ContactKind.VISIT_PLANNED,
                           follow_up_due=visit_day))
    rel = RelationshipService(lena)
    assert rel.health_of(shed).level is RelationshipHealth.FADING  # a call, not a meeting yet
    assert [o.name for o in rel.never_met()] == ["Linwood Men's Shed"]
    [item] = FollowUpService(lena).items()
    assert (item.title, item.due, item.owner_name) == ("Visit them", visit_day, "Lena Link")

    clock.advance(days=10)
    FollowUpService(lena).mark_done(item.kind, item.ref, "Met Jim and the Tuesday group")
    assert rel.health_of(shed).level is RelationshipHealth.STRONG
    assert rel.never_met() == []
    held = ContactLogService(lena).timeline(shed)[0]
    assert held.kind is ContactKind.VISIT and held.occurred_at == clock.now()
    assert held.summary == ("Visit to the organisation held (arranged on 24 Nov 2026): "
                            "Met Jim and the Tuesday group")
    assert [s.name for s in held.staff] == ["Lena Link"]


def test_an_invitation_to_a_practice_meeting_becomes_a_meeting_at_the_practice(ctx, ctx_as, clock):
    rachel = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    lena = ctx_as(AppRole.VETTING_LEAD, "Lena Link")
    carers = _org(ctx, "Cartside Carers Centre")
    ContactLogService(rachel).log(ContactLogForm(
        carers, "Invited Heather to the January practice meeting", kind=ContactKind.INVITE,
        follow_up_owner_id=lena.actor.id, follow_up_due=date(2027, 1, 14)))
    [item] = FollowUpService(rachel).items()
    assert item.title == "Practice meeting with them" and item.owner_name == "Lena Link"
    FollowUpService(rachel).mark_done(item.kind, item.ref, "")
    held = ContactLogService(rachel).timeline(carers)[0]
    assert held.kind is ContactKind.MEETING_AT_PRACTICE
    assert sorted(s.name for s in held.staff) == ["Lena Link", "Rachel Reception"]
