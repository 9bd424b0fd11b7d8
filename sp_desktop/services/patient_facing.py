"""Which fields of an organisation or service reach the patient (on a leaflet), and who may change
them once the organisation is approved.

Once a vetting lead has approved an organisation, what its leaflets say was checked. From then on
only a vetting lead or administrator changes a patient-facing field directly (and is shown old ->
new first); the front desk suggests a change instead (services/suggestions.py). Fields that never
reach paper (status, categories, people to contact) stay editable by everyone who edits the
directory.
"""

from __future__ import annotations

from collections.abc import Mapping

from sp_desktop.domain.enums import VettingStatus
from sp_desktop.services.base import Actor, Permission, PermissionDenied, can

#: Service columns printed on leaflets (the audit trail's names for them).
SERVICE_COLUMNS = frozenset({
    "name", "alternate_name", "description", "url", "email", "eligibility", "min_age", "max_age",
    "access_self_referral", "access_professional_referral", "access_drop_in", "access_appointment",
    "application_process", "referral_form_url", "is_free", "fee_description", "languages",
    "interpretation", "bsl", "by_phone", "online", "schedule_notes", "service_area",
})
#: Changes to a service's children that reach the leaflet (save_service's change keys).
SERVICE_PARTS = frozenset({"opening times", "phones", "venues"})
#: Organisation columns and parts printed on leaflets.
ORGANISATION_COLUMNS = frozenset({"name", "description", "website", "email"})
ORGANISATION_PARTS = frozenset({"phones", "venues"})

#: The labels (as the conflict and suggestion views name them) of a service's patient-facing fields.
SERVICE_LABELS = (
    "Name", "Other name", "Description", "Who it is for", "Ages", "How to get in", "How to get in touch",
    "Referral form", "Cost", "Website", "Email", "Languages", "Interpretation", "BSL", "By phone", "Online",
    "Opening times", "Opening notes", "Area covered", "Venues", "Phone numbers",
)


def may_change_patient_facing(actor: Actor, vetting_status: VettingStatus | None) -> bool:
    """True when `actor` may change the patient-facing fields of a record whose organisation has
    this vetting status: anyone who edits the directory while it is not approved; once approved,
    vetting leads and administrators only."""
    if not can(actor, Permission.EDIT_DIRECTORY):
        return False
    return vetting_status is not VettingStatus.APPROVED or can(actor, Permission.VET)


def touches_patient_facing(changes: Mapping[str, object], columns: frozenset[str],
                           parts: frozenset[str]) -> bool:
    return any(key in columns or key in parts for key in changes)


class ApprovedDetailsLocked(PermissionDenied):
    """The front desk tried to change what an approved organisation's leaflets say. Nothing was saved."""

    def __init__(self, actor: Actor, label: str) -> None:
        PermissionError.__init__(
            self, f"“{label}” is approved, so what its leaflets say was checked by the vetting lead. You are "
                  f"signed in as {actor.description}: use “Suggest a change…” and the vetting lead accepts "
                  "or rejects it from Reviews due. Nothing was saved.")
        self.permission = Permission.VET


__all__ = ["ORGANISATION_COLUMNS", "ORGANISATION_PARTS", "SERVICE_COLUMNS", "SERVICE_LABELS", "SERVICE_PARTS",
           "ApprovedDetailsLocked", "may_change_patient_facing", "touches_patient_facing"]
