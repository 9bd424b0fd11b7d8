"""Follow-ups: open actions from every feature, by owner and due date, in one list.

Each feature that creates follow-up actions supplies a *provider*: an object with a `kind`,
a `label`, `items(session, ...)` returning `FollowUpItem`s and `mark_done(session, ctx, ref,
note)`. The contact log's provider (follow-up actions of logged contacts) is built in; the
signposting feature adds its own with a one-line edit to `FOLLOW_UP_PROVIDERS`, and its items
then appear on the same Follow-ups page, with the same overdue rule and the same "mark done"
flow. `FollowUpService` owns the transaction, the permission check and the overdue flag; a
provider owns its own rows and writes its audit row in that same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from sp_desktop.db.models import ContactEvent, Organisation, Staff
from sp_desktop.domain.enums import AuditAction
from sp_desktop.domain.formatting import show_date
from sp_desktop.services import audit
from sp_desktop.services.base import NotFound, Permission, ServiceContext, ValidationFailed
from sp_desktop.services.followup_item import FollowUpItem
from sp_desktop.services.signposting import SignpostingFollowUps

NOTE_MAX = 2000


class FollowUpProvider(Protocol):
    """What a feature supplies so its follow-up actions appear on the Follow-ups page."""

    kind: str
    label: str  # e.g. "Contact follow-up"
    done_permission: Permission  # who may mark one done

    def items(self, session: Session, *, owner_id: int | None,
              done_since: datetime | None) -> list[FollowUpItem]:
        """Open items (for `owner_id`, or everyone's with None), plus items done since
        `done_since` when it is given."""
        ...

    # Optional: `count_open(session, owner_id=...) -> int`, len(items(...)) of the open items as one SQL
    # count (the navigation's "Follow-ups (n)"); FollowUpService falls back to counting the items.

    def mark_done(self, session: Session, ctx: ServiceContext, ref: int, note: str) -> None:
        """Mark one item done with a note and write its audit row, in `session`. Raise NotFound
        if it no longer exists and ValidationFailed if it is already done."""
        ...


class ContactFollowUps:
    """Follow-up actions recorded with logged contacts (the relationships feature)."""

    kind = "contact"
    label = "Contact follow-up"
    done_permission = Permission.LOG_CONTACT

    def count_open(self, session: Session, *, owner_id: int | None) -> int:
        ce = ContactEvent
        q = (select(func.count()).select_from(ce).join(Organisation, Organisation.id == ce.organisation_id)
             .where(ce.follow_up_action.is_not(None), ce.follow_up_action != "",
                    ce.follow_up_done_at.is_(None)))
        if owner_id is not None:
            q = q.where(ce.follow_up_owner_id == owner_id)
        return int(session.scalar(q) or 0)

    def items(self, session: Session, *, owner_id: int | None,
              done_since: datetime | None) -> list[FollowUpItem]:
        ce = ContactEvent
        author = Staff.__table__.alias("author")
        q = (select(ce.id, ce.follow_up_action, ce.follow_up_due, ce.follow_up_owner_id,
                    Staff.name.label("owner"), ce.organisation_id, Organisation.name.label("org"), ce.kind,
                    ce.occurred_at,
                    author.c.name.label("author"), ce.follow_up_done_at, ce.follow_up_done_note)
             .join(Organisation, Organisation.id == ce.organisation_id)
             .outerjoin(Staff, Staff.id == ce.follow_up_owner_id)
             .outerjoin(author, author.c.id == ce.author_id)
             .where(ce.follow_up_action.is_not(None), ce.follow_up_action != ""))
        if done_since is None:
            q = q.where(ce.follow_up_done_at.is_(None))
        else:
            q = q.where(or_(ce.follow_up_done_at.is_(None), ce.follow_up_done_at >= done_since))
        if owner_id is not None:
            q = q.where(ce.follow_up_owner_id == owner_id)
        return [FollowUpItem(self.kind, r.id, r.follow_up_action, r.follow_up_due, r.follow_up_owner_id,
                             r.owner or "", r.organisation_id, r.org,
                             f"{r.kind.label} on {show_date(r.occurred_at)} ({r.author or 'unknown'})",
                             r.follow_up_done_at, r.follow_up_done_note)
                for r in session.execute(q)]

    def mark_done(self, session: Session, ctx: ServiceContext, ref: int, note: str) -> None:
        ev = session.get(ContactEvent, ref)
        if ev is None or not ev.follow_up_action:
            raise NotFound("That follow-up no longer exists: someone may have changed the contact. Reload.")
        if ev.follow_up_done_at is not None:
            raise ValidationFailed({"done": f"This follow-up was already marked done on "
                                            f"{show_date(ev.follow_up_done_at)}."})
        ev.follow_up_done_at = ctx.now()
        ev.follow_up_done_note = note or None
        org_name = session.scalar(select(Organisation.name)
                                  .where(Organisation.id == ev.organisation_id)) or ""
        audit.record(session, ctx, AuditAction.UPDATE, "contact_event", ev.id,
                     f"{ev.kind.label} with {org_name} on {show_date(ev.occurred_at)}",
                     audit.pending_changes(ev), summary=f"follow-up done: {ev.follow_up_action}",
                     organisation_id=ev.organisation_id)
        if ev.kind.is_plan:  # the visit or meeting happened: it is now a face-to-face contact
            _log_held(session, ctx, ev, org_name, note)


def _log_held(session: Session, ctx: ServiceContext, plan: ContactEvent, org_name: str, note: str) -> None:
    """A planned visit or practice meeting took place: log it as a face-to-face contact, now, with
    whoever marked it done and the plan's owner as the practice staff who took part."""
    held = ContactEvent(organisation_id=plan.organisation_id, occurred_at=ctx.now(), kind=plan.kind.held_as,
                        summary=(f"{plan.kind.held_as.label} held (arranged on {show_date(plan.occurred_at)})"
                                 + (f": {note}" if note else "")),
                        author_id=ctx.actor.id)
    ids = {i for i in (ctx.actor.id, plan.follow_up_owner_id) if i is not None}
    held.staff = sorted(session.scalars(select(Staff).where(Staff.id.in_(ids))), key=lambda x: x.name)
    held.people = list(plan.people)
    session.add(held)
    session.flush()
    changes = audit.snapshot(held)
    changes["staff"] = [None, [x.name for x in held.staff]]
    audit.record(session, ctx, AuditAction.CREATE, "contact_event", held.id,
                 f"{held.kind.label} with {org_name} on {show_date(held.occurred_at)}", changes,
                 summary="planned meeting held", organisation_id=held.organisation_id)


#: Providers of follow-up items, in display order. Features add theirs with a one-line edit.
FOLLOW_UP_PROVIDERS: list[Callable[[], FollowUpProvider]] = [ContactFollowUps, SignpostingFollowUps]


def _sort_key(item: FollowUpItem) -> tuple[bool, bool, date, str, str]:
    return (item.done, item.due is None, item.due or date.max, item.owner_name.casefold(),
            item.title.casefold())


class FollowUpService:
    """The one list of follow-up actions: open items by due date and owner, overdue flagged."""

    def __init__(self, ctx: ServiceContext, providers: Sequence[FollowUpProvider] | None = None) -> None:
        self.ctx = ctx
        self.providers: dict[str, FollowUpProvider] = {}
        for p in providers if providers is not None else [make() for make in FOLLOW_UP_PROVIDERS]:
            self.providers[p.kind] = p

    def _flag(self, item: FollowUpItem) -> FollowUpItem:
        today = self.ctx.today()
        open_ = item.done_at is None and item.due is not None
        return replace(item, overdue=open_ and item.due < today,  # type: ignore[operator]
                       due_today=open_ and item.due == today)

    def items(self, owner_id: int | None = None, include_done_days: int | None = None) -> list[FollowUpItem]:
        """Open follow-ups, soonest due first (overdue at the top), then by owner. With
        `include_done_days`, also those marked done in that many past days (at the end)."""
        done_since = None
        if include_done_days is not None:
            since = self.ctx.today() - timedelta(days=include_done_days)
            done_since = datetime.combine(since, datetime.min.time())
        with self.ctx.read() as s:
            out: list[FollowUpItem] = []
            for p in self.providers.values():
                out.extend(self._flag(i) for i in p.items(s, owner_id=owner_id, done_since=done_since))
        return sorted(out, key=_sort_key)

    def count_open(self, owner_id: int | None = None) -> int:
        """`len(items(owner_id))`, counted by the database where the provider can."""
        with self.ctx.read() as s:
            total = 0
            for p in self.providers.values():
                count = getattr(p, "count_open", None)
                if count is not None:
                    total += int(count(s, owner_id=owner_id))
                else:
                    total += len(p.items(s, owner_id=owner_id, done_since=None))
            return total

    def count_overdue(self, owner_id: int | None = None) -> int:
        return sum(1 for i in self.items(owner_id) if i.overdue)

    def owners(self) -> list[tuple[int, str]]:
        """Active staff (id, name), for the owner filter."""
        with self.ctx.read() as s:
            q = select(Staff.id, Staff.name).where(Staff.active.is_(True)).order_by(func.lower(Staff.name))
            return [(r.id, r.name) for r in s.execute(q)]

    def mark_done(self, kind: str, ref: int, note: str = "") -> None:
        """Mark a follow-up done, with an optional note (audited)."""
        provider = self.providers.get(kind)
        if provider is None:
            raise NotFound(f"Follow-ups of kind “{kind}” are not available in this version.")
        clean = (note or "").strip()
        if len(clean) > NOTE_MAX:
            raise ValidationFailed({"note": f"Keep the note under {NOTE_MAX} characters "
                                            f"(it has {len(clean)})."})
        with self.ctx.write(provider.done_permission) as s:
            provider.mark_done(s, self.ctx, ref, clean)


__all__ = ["FOLLOW_UP_PROVIDERS", "ContactFollowUps", "FollowUpItem", "FollowUpProvider", "FollowUpService"]
