"""Suggested changes: the front desk corrects an approved organisation's service, the lead decides.

Once an organisation is approved, what its leaflets say was checked; the front desk may not change
those patient-facing fields directly (services/patient_facing.py). "Suggest a change…" stores the
edit as a `ChangeSuggestion` — field by field, old -> new — and changes nothing on the record. The
vetting lead sees it on Reviews due and accepts the fields they agree with (saved exactly as
suggested, in one transaction with the audit rows) or rejects it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from sp_desktop.db.models import ChangeSuggestion, Organisation, Service
from sp_desktop.domain.enums import AccessRoute, AuditAction, PhoneType
from sp_desktop.services import audit
from sp_desktop.services.base import NotFound, Permission, ServiceContext, ValidationFailed
from sp_desktop.services.concurrency import FieldComparison, _service_rows, service_form_from
from sp_desktop.services.directory import (
    DirectoryService,
    PhoneForm,
    ServiceForm,
    SlotForm,
    service_detail,
)
from sp_desktop.services.patient_facing import SERVICE_LABELS, may_change_patient_facing

PENDING = "pending"
ACCEPTED = "accepted"
PARTLY_ACCEPTED = "partly accepted"
REJECTED = "rejected"

#: The form fields behind each patient-facing label (a suggestion is accepted label by label).
LABEL_FIELDS: dict[str, tuple[str, ...]] = {
    "Name": ("name",), "Other name": ("alternate_name",), "Description": ("description",),
    "Who it is for": ("eligibility",), "Ages": ("min_age", "max_age"), "How to get in": ("access",),
    "How to get in touch": ("application_process",), "Referral form": ("referral_form_url",),
    "Cost": ("is_free", "fee_description"), "Website": ("url",), "Email": ("email",),
    "Languages": ("languages",), "Interpretation": ("interpretation",), "BSL": ("bsl",),
    "By phone": ("by_phone",), "Online": ("online",), "Opening times": ("schedule",),
    "Opening notes": ("schedule_notes",), "Area covered": ("service_area",), "Venues": ("location_ids",),
    "Phone numbers": ("phones",),
}
assert set(LABEL_FIELDS) == set(SERVICE_LABELS)


@dataclass(frozen=True)
class SuggestedField:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Suggestion:
    id: int
    service_id: int
    organisation_id: int | None
    label: str  # the service's name when suggested
    suggested_by: str
    suggested_at: datetime
    fields: tuple[SuggestedField, ...]
    note: str
    state: str
    accepted: tuple[str, ...]


def _to_json(name: str, value: Any) -> Any:
    if name == "access":
        return [a.value for a in value]
    if name == "schedule":
        return [dataclasses.asdict(slot) for slot in value]
    if name == "phones":
        return [{"number": p.number, "type": p.type.value, "description": p.description} for p in value]
    return list(value) if isinstance(value, (list, tuple)) else value


def _from_json(name: str, value: Any) -> Any:
    if name == "access":
        return [AccessRoute(v) for v in value]
    if name == "schedule":
        return [SlotForm(**slot) for slot in value]
    if name == "phones":
        return [PhoneForm(p["number"], PhoneType(p["type"]), p["description"]) for p in value]
    return value


def _suggestion(row: ChangeSuggestion) -> Suggestion:
    fields = tuple(SuggestedField(label, str(c.get("old", "")), str(c.get("new", "")))
                   for label, c in row.changes.items())
    return Suggestion(row.id, row.entity_id, row.organisation_id, row.entity_label, row.suggested_by,
                      row.suggested_at, fields, row.note, row.state, tuple(row.accepted or ()))


class SuggestionService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.directory = DirectoryService(ctx)

    # ---- what would change
    def patient_facing_changes(self, service_id: int, form: ServiceForm) -> list[FieldComparison]:
        """The patient-facing fields `form` would change on the saved service: `theirs` is the value
        now (old), `mine` the form's (new). Raises ValidationFailed when the form has errors."""
        values, errs = self.directory.validate_service(form)
        errs.raise_if_any()
        detail = self.directory.get_service(service_id)
        rows = _service_rows(self.ctx, values, form, detail)
        return [r for r in rows if r.label in LABEL_FIELDS and r.differs]

    def needs_confirmation(self, service_id: int) -> bool:
        """True when saving a change to this service's patient-facing fields should show old -> new
        first: the organisation is approved (the acting person may change it: a lead or above)."""
        detail = self.directory.get_service(service_id)
        from sp_desktop.domain.enums import VettingStatus

        return detail.organisation.vetting_status is VettingStatus.APPROVED

    # ---- suggesting
    def suggest_service_change(self, service_id: int, form: ServiceForm, note: str = "") -> Suggestion:
        """Store the patient-facing differences between `form` and the saved service as a suggestion
        for the vetting lead. Nothing on the service changes."""
        changes = self.patient_facing_changes(service_id, form)
        if not changes:
            raise ValidationFailed({"name": "Nothing that goes on the leaflet has changed, so there is "
                                            "nothing to suggest. Change a detail (for example the phone "
                                            "number), or Cancel."})
        with self.ctx.write(Permission.EDIT_DIRECTORY) as s:
            svc = s.get(Service, service_id)
            if svc is None:
                raise NotFound("That service no longer exists: someone may have removed it. Reload the list.")
            stored = {c.label: {"old": c.theirs, "new": c.mine,
                                "values": {f: _to_json(f, getattr(form, f)) for f in LABEL_FIELDS[c.label]}}
                      for c in changes}
            row = ChangeSuggestion(entity_type="service", entity_id=svc.id, entity_label=svc.name,
                                   organisation_id=svc.organisation_id, suggested_at=self.ctx.now(),
                                   suggested_by_id=self.ctx.actor.id, suggested_by=self.ctx.actor.name,
                                   base_version=svc.version, changes=stored, note=note.strip(), state=PENDING,
                                   accepted=[])
            s.add(row)
            s.flush()
            audit.record(s, self.ctx, AuditAction.CREATE, "suggestion", row.id, svc.name,
                         {c.label: [c.theirs, c.mine] for c in changes},
                         summary="suggested a change for the vetting lead",
                         organisation_id=svc.organisation_id)
            return _suggestion(row)

    # ---- reading
    def pending(self, organisation_id: int | None = None) -> list[Suggestion]:
        with self.ctx.read() as s:
            q = select(ChangeSuggestion).where(ChangeSuggestion.state == PENDING)
            if organisation_id is not None:
                q = q.where(ChangeSuggestion.organisation_id == organisation_id)
            return [_suggestion(r) for r in s.scalars(q.order_by(ChangeSuggestion.suggested_at,
                                                                 ChangeSuggestion.id))]

    def count_pending(self) -> int:
        with self.ctx.read() as s:
            return int(s.scalar(select(func.count()).select_from(ChangeSuggestion)
                                .where(ChangeSuggestion.state == PENDING)) or 0)

    def get(self, suggestion_id: int) -> Suggestion:
        with self.ctx.read() as s:
            row = s.get(ChangeSuggestion, suggestion_id)
            if row is None:
                raise NotFound("That suggestion no longer exists.")
            return _suggestion(row)

    # ---- deciding
    def decide(self, suggestion_id: int, accept: Sequence[str], note: str = "") -> Suggestion:
        """Accept the fields labelled in `accept` (saved as suggested, on top of the service as it is
        now) and reject the rest; an empty `accept` rejects the suggestion. Vetting leads and above."""
        with self.ctx.write(Permission.VET) as s:
            row = s.get(ChangeSuggestion, suggestion_id, with_for_update=not self.ctx.db.is_sqlite)
            if row is None:
                raise NotFound("That suggestion no longer exists.")
            if row.state != PENDING:
                raise ValidationFailed({"suggestion": f"{row.decided_by or 'Someone'} already decided this "
                                                      f"suggestion ({row.state}). Reload the list."})
            unknown = [label for label in accept if label not in row.changes]
            if unknown:
                raise ValidationFailed({"suggestion": f"“{unknown[0]}” is not part of this suggestion."})
            if accept:
                svc = s.get(Service, row.entity_id)
                if svc is None:
                    raise NotFound("The service this suggestion is about no longer exists.")
                form = service_form_from(service_detail(s, svc))
                for label in accept:
                    for name, value in row.changes[label]["values"].items():
                        setattr(form, name, _from_json(name, value))
                values, errs = self.directory.validate_service(form)
                if errs.errors:
                    raise ValidationFailed({"suggestion": "The suggested details are not valid any more: "
                                            + " ".join(errs.errors.values())
                                            + " Reject it, or accept only the other fields."})
                self.directory.write_service(s, form, values, svc.id, None, locked=False,
                                             summary=f"accepted {row.suggested_by}'s suggested change")
            row.state = (REJECTED if not accept else ACCEPTED if len(accept) == len(row.changes)
                         else PARTLY_ACCEPTED)
            row.accepted = list(accept)
            row.decided_at = self.ctx.now()
            row.decided_by = self.ctx.actor.name
            org_name = s.scalar(select(Organisation.name).where(Organisation.id == row.organisation_id)) or ""
            audit.record(s, self.ctx, AuditAction.UPDATE, "suggestion", row.id, row.entity_label,
                         {"state": [PENDING, row.state], "accepted": [[], list(accept)]},
                         summary=(note.strip() or f"decided {row.suggested_by}'s suggestion for {org_name}"),
                         organisation_id=row.organisation_id)
            s.flush()
            return _suggestion(row)


__all__ = ["ACCEPTED", "LABEL_FIELDS", "PARTLY_ACCEPTED", "PENDING", "REJECTED", "SuggestedField",
           "Suggestion", "SuggestionService", "may_change_patient_facing"]
