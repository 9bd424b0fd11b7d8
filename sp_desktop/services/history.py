"""The audit trail in plain language, for the history window and the vetting summary.

`HistoryService.for_organisation()` / `.for_service()` return `HistoryLine`s, newest first:
"Lena Link — Approved; next review 24 Nov 2027", with one detail line per changed field
("Website: www.old.example.org → www.new.example.org"). Values are shown as people write them
(dates as 12 Mar 2026, states by their labels). Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sp_desktop.domain import enums
from sp_desktop.domain.enums import AuditAction
from sp_desktop.domain.formatting import show_date
from sp_desktop.services.audit import NOT_RECORDED, AuditEntry, AuditService
from sp_desktop.services.base import ServiceContext

FIELD_LABELS = {
    "name": "Name", "alternate_name": "Other name", "description": "Description", "website": "Website",
    "email": "Email", "legal_status": "Kind (legal status)", "register_kind": "Register",
    "not_applicable_reason": "Why it does not apply", "applies_to": "Applies to",
    "registration_number": "Registration number", "status": "Status", "archived": "Archived",
    "vetting_status": "Vetting status", "vetting_reason": "Reason", "approved_by_id": "Approved by",
    "approved_on": "Approved on", "next_review_on": "Next review", "phones": "Phone numbers",
    "contacts": "Contacts", "venues": "Venues", "categories": "Categories", "opening times": "Opening times",
    "url": "Web page", "eligibility": "Who it is for", "min_age": "Minimum age", "max_age": "Maximum age",
    "access_self_referral": "Self-referral", "access_professional_referral": "GP or professional referral",
    "access_drop_in": "Drop-in", "access_appointment": "By appointment",
    "application_process": "How to start", "referral_form_url": "Referral form", "is_free": "Free",
    "fee_description": "Cost",
    "languages": "Languages", "interpretation": "Interpreting", "bsl": "BSL", "by_phone": "By phone",
    "online": "Online", "schedule_notes": "Opening notes", "service_area": "Area served",
    "last_verified_on": "Details last checked", "last_verified_by": "Checked by",
    "complete": "Done", "notes": "Notes", "expires_on": "Expires", "checked_on": "Checked on",
    "leaflet_override": "Reason", "app_role": "App role", "job_role": "Job role", "active": "Active",
    "experience_note": "Outcome note", "patient_ref": "Patient reference", "ons4_before": "Wellbeing before",
    "ons4_after": "Wellbeing after", "experience": "Experience", "outcome": "Outcome",
    "label": "Item", "guidance": "Guidance", "mandatory": "Mandatory", "has_expiry": "Has an expiry date",
}

# Which enum a stored value belongs to, by field name (values are stored as enum .value).
_ENUM_FIELDS: dict[str, tuple[type[enums.LabelledEnum], ...]] = {
    "vetting_status": (enums.VettingStatus,),
    "status": (enums.OrganisationStatus, enums.ServiceStatus),
    "register_kind": (enums.RegisterKind,),
    "app_role": (enums.AppRole,),
    "kind": (enums.ContactKind, enums.TrustNoteKind),
}

_HIDDEN_FIELDS = {"organisation_id", "service_id", "uid", "id", "item_id", "checked_by_id", "approved_by_id"}

_ENTITY_WORDS = {
    "organisation": "the organisation", "service": "the service", "vetting_evidence": "vetting evidence",
    "contact_event": "a contact", "trust_note": "a trust note", "vetting_check_item": "the checklist item",
    "staff": "the staff account", "category": "the category", "signposting": "a signposting record",
}

_VERBS = {
    AuditAction.CREATE: "Added", AuditAction.UPDATE: "Changed", AuditAction.ARCHIVE: "Archived",
    AuditAction.RESTORE: "Restored", AuditAction.DELETE: "Deleted", AuditAction.IMPORT: "Imported",
    AuditAction.SETTING: "Changed setting", AuditAction.PURGE: "Removed", AuditAction.SIGN_IN: "Signed in",
    AuditAction.VETTING: "Vetting:",
}


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    who: str
    text: str                       # one sentence, e.g. "Approved; next review 24 Nov 2027"
    details: tuple[str, ...]        # "Website: old → new", ...
    action: AuditAction
    entity_type: str

    @property
    def when(self) -> str:
        return f"{show_date(self.at)} {self.at:%H:%M}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def show_value(field: str, value: Any, limit: int = 160) -> str:
    """A stored audit value as people would write it."""
    if value is None or value == "" or value == []:
        return "(blank)"
    if value == NOT_RECORDED:
        return "(not kept in the history)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(show_value(field, v, limit) for v in value) or "(none)"
    if isinstance(value, str):
        for enum_cls in _ENUM_FIELDS.get(field, ()):
            try:
                return enum_cls(value).label
            except ValueError:
                continue
        if len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
            try:
                return show_date(date.fromisoformat(value))
            except ValueError:
                pass
        if len(value) >= 19 and value[4:5] == "-" and value[10:11] == "T":
            try:
                stamp = datetime.fromisoformat(value)
                return f"{show_date(stamp)} {stamp:%H:%M}"
            except ValueError:
                pass
        text = " ".join(value.split())
        return text if len(text) <= limit else text[: limit - 1] + "…"
    return str(value)


def _details(entry: AuditEntry) -> tuple[str, ...]:
    lines = []
    for field, pair in entry.changes.items():
        if field in _HIDDEN_FIELDS or (field == "complete" and entry.entity_type == "vetting_evidence"):
            continue  # "Ticked …" already says it
        label = FIELD_LABELS.get(field, field.replace("_", " ").capitalize())
        old, new = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        blank_old = old in (None, "", [])
        if entry.action is AuditAction.CREATE or (blank_old and not isinstance(new, bool)):
            if new in (None, "", [], False):
                continue
            lines.append(f"{label}: {show_value(field, new)}")
        elif field == "opening times" and isinstance(old, int) and isinstance(new, int):
            lines.append(f"{label}: {old} → {new} time slots")
        else:
            lines.append(f"{label}: {show_value(field, old)} → {show_value(field, new)}")
    return tuple(lines)


def plain_line(entry: AuditEntry) -> HistoryLine:
    """One audit entry as a sentence plus detail lines."""
    kind = entry.entity_type
    label = entry.entity_label
    summary = entry.summary.strip()
    if kind == "vetting_evidence":
        text = _sentence(summary) if summary else f"Changed vetting evidence “{label}”"
    elif kind == "organisation":
        if entry.action is AuditAction.VETTING:
            text = _sentence(summary) if summary else "Changed the vetting record"
        elif entry.action is AuditAction.UPDATE:
            fields = [FIELD_LABELS.get(k, k.replace("_", " ")).lower() for k in entry.changes
                      if k not in _HIDDEN_FIELDS]
            text = "Changed the organisation's " + (", ".join(fields) if fields else "details")
            if summary:
                text += f" ({summary})"
        else:
            text = f"{_VERBS[entry.action]} the organisation"
            if summary:
                text += f": {summary}"
    elif kind == "service":
        if entry.action is AuditAction.VETTING:
            text = f"Service “{label}”: {summary}" if summary else f"Vetting change to the service “{label}”"
        elif entry.action is AuditAction.UPDATE and not summary:
            fields = [FIELD_LABELS.get(k, k.replace("_", " ")).lower() for k in entry.changes
                      if k not in _HIDDEN_FIELDS]
            text = f"Changed the service “{label}”" + (": " + ", ".join(fields) if fields else "")
        else:
            text = f"{_VERBS[entry.action]} the service “{label}”"
            if summary:
                text += f": {summary}"
    else:
        what = _ENTITY_WORDS.get(kind, kind.replace("_", " "))
        verb = _VERBS[entry.action]
        text = f"{verb} {what}" + (f" “{label}”" if label else "")
        if summary:
            text += f": {summary}"
    return HistoryLine(entry.at, entry.staff_name, text, _details(entry), entry.action, kind)


class HistoryService:
    """Plain-language history of one organisation (with its services and vetting) or one service."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def for_organisation(self, organisation_id: int, limit: int = 500) -> list[HistoryLine]:
        return [plain_line(e) for e in AuditService(self.ctx).history(organisation_id=organisation_id,
                                                                       limit=limit)]

    def for_service(self, service_id: int, limit: int = 500) -> list[HistoryLine]:
        return [plain_line(e) for e in AuditService(self.ctx).history(entity_type="service",
                                                                       entity_id=service_id, limit=limit)]


__all__ = ["FIELD_LABELS", "HistoryLine", "HistoryService", "plain_line", "show_value"]
