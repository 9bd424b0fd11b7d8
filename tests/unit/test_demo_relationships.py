"""The demo database's relationships: a year of contacts, follow-ups and trust notes of every kind."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from sp_desktop.db.models import ContactEvent, Organisation, TrustNote
from sp_desktop.domain.enums import RelationshipHealth, TrustNoteKind
from sp_desktop.services.base import SYSTEM, ServiceContext
from sp_desktop.services.followups import FollowUpService
from sp_desktop.services.relationships import RelationshipService, health_for


def test_demo_has_a_year_of_contacts_with_most_organisations(demo_db, clock):
    with demo_db.read() as s:
        contacts = s.scalar(select(func.count()).select_from(ContactEvent))
        orgs = s.scalar(select(func.count()).select_from(Organisation))
        touched = s.scalar(select(func.count(func.distinct(ContactEvent.organisation_id))))
        first, last = s.execute(select(func.min(ContactEvent.occurred_at),
                                       func.max(ContactEvent.occurred_at))).one()
        in_year = s.scalar(select(func.count()).select_from(ContactEvent)
                           .where(ContactEvent.occurred_at >= clock.now() - timedelta(days=365)))
        health = health_for(s, list(s.scalars(select(Organisation.id))), clock.now().date())
        notes = Counter(s.scalars(select(TrustNote.kind)))
    assert contacts >= 150 and in_year >= 150
    assert orgs * 0.8 <= touched < orgs  # most organisations, not all
    assert last <= clock.now() and first >= clock.now() - timedelta(days=730)
    levels = Counter(h.level for h in health.values())
    assert all(levels[level] >= 3 for level in RelationshipHealth), levels
    assert sum(notes.values()) >= 20 and set(notes) == set(TrustNoteKind)


def test_demo_follow_ups_and_network_show_something_real(demo_db, clock):
    ctx = ServiceContext(demo_db, clock, SYSTEM)
    items = FollowUpService(ctx).items(include_done_days=400)
    assert sum(i.overdue for i in items) >= 3
    assert sum(1 for i in items if not i.done and not i.overdue) >= 3
    assert sum(i.done for i in items) >= 10
    rel = RelationshipService(ctx)
    carers = [a for a in rel.who_knows("carers") if a.organisation_name == "Cartside Carers Centre"]
    assert {a.staff_name for a in carers} >= {"Lena Link", "Rachel Reception", "Dr Gordon Gill"}
    assert carers[0].last_met is not None
    assert rel.never_met() and rel.approved_without_contact()
