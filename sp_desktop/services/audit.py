"""The audit trail: who changed what, when, with old and new values.

`record()` is called by services inside their own transaction, so an audit row exists exactly
when the change does. Nothing in the app edits or deletes audit rows.

Data minimisation (UK GDPR article 5(1)(c)): the trail records THAT a patient-related field changed,
by whom and when, never its value (`PATIENT_FIELDS`: outcome notes and feedback, the patient
reference, wellbeing scores). `record()` enforces it for every caller, so a purge of the records
leaves no copy behind here. Rows about signposting records (`PATIENT_RELATED_ENTITIES`) are shown
only to clinicians and above.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from sp_desktop.db.models import AuditEvent
from sp_desktop.domain.enums import AuditAction
from sp_desktop.services.base import Actor, Permission, ServiceContext, can, require

# Fields never written into the audit trail (secrets and bookkeeping).
_SKIP = {"password_hash", "version", "created_at", "updated_at", "logo_png", "failed_attempts",
         "changed_since_checked_at",
         "locked_until", "last_sign_in", "source_checksum"}


#: Fields that hold what a patient said or scored, or who they are: never copied into the trail.
PATIENT_FIELDS = frozenset({"experience_note", "patient_ref", "ons4_before", "ons4_after", "feedback",
                            "follow_up_note", "outcome_note"})
#: Audit rows about these records describe a patient's signposting: clinicians and above only.
PATIENT_RELATED_ENTITIES = frozenset({"signposting"})
#: Stored in place of a patient-related value (a blank stays blank, so "added" and "removed" show).
NOT_RECORDED = "(changed: not kept in the audit trail)"


def minimise(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """`changes` with every patient-related value replaced by `NOT_RECORDED` (blank stays blank)."""
    out: dict[str, list[Any]] = {}
    for key, pair in changes.items():
        if key in PATIENT_FIELDS:
            values = list(pair) if isinstance(pair, (list, tuple)) else [None, pair]
            out[key] = [None if v in (None, "", []) else NOT_RECORDED for v in values]
        else:
            out[key] = pair
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def pending_changes(obj: Any) -> dict[str, list[Any]]:
    """Column changes of a loaded object not yet flushed: {field: [old, new]}."""
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in _SKIP:
            continue
        hist = state.attrs[key].history
        if hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if _plain(old) != _plain(new):
                changes[key] = [_plain(old), _plain(new)]
    return changes


def snapshot(obj: Any) -> dict[str, list[Any]]:
    """All column values of a new object as {field: [None, value]}."""
    state = inspect(obj)
    out: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in _SKIP or attr.key == "id":
            continue
        value = getattr(obj, attr.key)
        if value not in (None, "", [], False):
            out[attr.key] = [None, _plain(value)]
    return out


def record(session: Session, ctx: ServiceContext, action: AuditAction, entity_type: str,
           entity_id: int | None, label: str, changes: dict[str, list[Any]] | None = None,
           summary: str = "", organisation_id: int | None = None) -> AuditEvent:
    event = AuditEvent(at=ctx.now(), staff_id=ctx.actor.id, staff_name=ctx.actor.name, action=action,
                       entity_type=entity_type, entity_id=entity_id, entity_label=label[:300],
                       organisation_id=organisation_id, changes=minimise(changes or {}), summary=summary)
    session.add(event)
    return event


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    staff_name: str
    action: AuditAction
    entity_type: str
    entity_id: int | None
    entity_label: str
    changes: dict[str, list[Any]]
    summary: str

    def describe(self) -> str:
        """One line in plain language, e.g. 'Sam Reid changed phone, email of service "Debt clinic"'."""
        what = {"organisation": "organisation", "service": "service"}.get(self.entity_type, self.entity_type)
        verb = {
            AuditAction.CREATE: "added", AuditAction.UPDATE: "changed", AuditAction.ARCHIVE: "archived",
            AuditAction.RESTORE: "restored", AuditAction.DELETE: "deleted", AuditAction.VETTING: "vetting:",
            AuditAction.IMPORT: "imported", AuditAction.SETTING: "changed setting",
            AuditAction.PURGE: "purged", AuditAction.SIGN_IN: "signed in",
            AuditAction.EXPORT: "exported", AuditAction.REPORT: "made a report for",
        }[self.action]
        text = f"{self.staff_name} {verb} {what} “{self.entity_label}”"
        if self.summary:
            text += f": {self.summary}"
        elif self.action is AuditAction.UPDATE and self.changes:
            text += ": " + ", ".join(k.replace("_", " ") for k in self.changes)
        return text


class AuditService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def history(self, *, organisation_id: int | None = None, entity_type: str | None = None,
                entity_id: int | None = None, limit: int = 500) -> list[AuditEntry]:
        """Newest first. For an organisation, includes changes to its services and vetting.

        Changes to signposting records (patient-related) are for clinicians and above: asked for
        directly by anyone else they are refused, and left out of an organisation's history."""
        if entity_type in PATIENT_RELATED_ENTITIES:
            require(self.ctx.actor, Permission.SIGNPOSTING_HISTORY)
        with self.ctx.read(Permission.VIEW) as s:
            q = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
            if not can(self.ctx.actor, Permission.SIGNPOSTING_HISTORY):
                q = q.where(AuditEvent.entity_type.not_in(sorted(PATIENT_RELATED_ENTITIES)))
            if organisation_id is not None:
                q = q.where(AuditEvent.organisation_id == organisation_id)
            if entity_type is not None:
                q = q.where(AuditEvent.entity_type == entity_type)
            if entity_id is not None:
                q = q.where(AuditEvent.entity_id == entity_id)
            return [AuditEntry(e.at, e.staff_name, e.action, e.entity_type, e.entity_id, e.entity_label,
                               dict(e.changes or {}), e.summary) for e in s.scalars(q)]


__all__ = ["NOT_RECORDED", "PATIENT_FIELDS", "PATIENT_RELATED_ENTITIES", "AuditEntry", "AuditService",
           "Actor",
           "minimise", "pending_changes", "record", "snapshot"]
