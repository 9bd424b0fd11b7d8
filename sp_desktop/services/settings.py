"""Practice-wide settings, stored in the database so every PC of the practice agrees.

Each setting has a default here; `SettingsService.get()` returns a frozen `PracticeSettings`.
Changing settings needs the administrator role and is audited. (Per-PC preferences such as
window size live in QSettings, not here.)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sp_desktop.db.models import Setting
from sp_desktop.domain.enums import AuditAction
from sp_desktop.domain.errors import BadInput
from sp_desktop.domain.record_line import DEFAULT_TEMPLATE, MAX_CODE, MAX_TERM, check_code, check_template
from sp_desktop.services import audit
from sp_desktop.services.base import Permission, ServiceContext, ValidationFailed


@dataclass(frozen=True)
class PracticeSettings:
    practice_name: str = ""  # asked on first start (ui/dialogs/practice_details_dialog.py)
    practice_address: str = ""  # one line per address line
    practice_phone: str = ""
    practice_logo_png: str | None = None  # base64 PNG, optional
    review_interval_months: int = 12  # vetting review interval; also "details may be out of date"
    review_due_soon_days: int = 30
    idle_lock_minutes: int = 10  # 0 = never lock
    allow_patient_reference: bool = False  # practice-internal reference on signposting records
    patient_reference_retention_days: int = 365
    backup_folder: str = ""  # empty = beside the data
    backups_keep_daily: int = 7
    backups_keep_weekly: int = 4
    default_leaflet_format: str = "standard"
    evidence_max_age_months: int = 12  # approving lists evidence checked longer ago than this
    # Retention (services/retention.py runs it at start-up and daily; docs/data-safety.md gives the reasons)
    outcome_note_retention_days: int = 365  # outcome notes and feedback, after the signposting date
    signposting_retention_days: int = 1095  # whole signposting (referral) records: three years
    # "Copy for the record" (domain/record_line.py): the practice's own words, code and term; no code shipped
    record_line_template: str = DEFAULT_TEMPLATE
    record_code: str = ""
    record_term: str = ""

    @property
    def longest_retention_days(self) -> int:
        """No backup is kept longer than this (services.retention rotates every kind of backup)."""
        return max(self.patient_reference_retention_days, self.outcome_note_retention_days,
                   self.signposting_retention_days)

    @property
    def needs_practice_details(self) -> bool:
        """True until someone entered the practice's name: leaflets are not made without it (a
        leaflet that does not say which practice it is from is no use to the patient)."""
        return not self.practice_name.strip()

    @property
    def address_lines(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.practice_address.splitlines() if line.strip())


_DEFAULTS = PracticeSettings()
_NAMES = {f.name for f in fields(PracticeSettings)}


def read_settings(session: Session) -> PracticeSettings:
    stored = {row.key: row.value for row in session.scalars(select(Setting)) if row.key in _NAMES}
    return replace(_DEFAULTS, **stored)


def _validate(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if "practice_name" in values and not str(values["practice_name"]).strip():
        errors["practice_name"] = "Enter the practice name (it is printed on every leaflet)."
    for key, low, high in (("review_interval_months", 1, 60), ("review_due_soon_days", 1, 365),
                           ("idle_lock_minutes", 0, 240), ("patient_reference_retention_days", 1, 3650),
                           ("backups_keep_daily", 1, 60), ("backups_keep_weekly", 0, 52),
                           ("evidence_max_age_months", 1, 60),
                           ("outcome_note_retention_days", 1, 3650),
                           ("signposting_retention_days", 30, 3650)):
        if key in values and not (isinstance(values[key], int) and low <= values[key] <= high):
            errors[key] = f"Must be a whole number from {low} to {high}."
    for key in ("record_line_template", "record_code", "record_term"):
        if key in values:
            try:
                values[key] = _record_line_value(key, str(values[key] or ""))
            except BadInput as exc:
                errors[key] = f"{exc.message} {exc.what_to_do}".strip()
    if errors:
        raise ValidationFailed(errors)


def _record_line_value(key: str, value: str) -> str:
    """The "Copy for the record" settings, checked (domain.record_line); BadInput when wrong."""
    if key == "record_line_template":
        return check_template(value, key)
    if key == "record_code":
        return check_code(value, key, "clinical code", MAX_CODE)
    return check_code(value, key, "clinical term", MAX_TERM)


class SettingsService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def get(self) -> PracticeSettings:
        with self.ctx.db.read() as s:  # everyone may read settings (the practice header, intervals)
            return read_settings(s)

    def update(self, **values: Any) -> PracticeSettings:
        unknown = set(values) - _NAMES
        if unknown:
            raise ValueError(f"Unknown settings: {', '.join(sorted(unknown))}")
        _validate(values)
        with self.ctx.write(Permission.SETTINGS) as s:
            current = asdict(read_settings(s))
            changed = {k: [current[k], v] for k, v in values.items() if current[k] != v}
            for key, (_old, new) in changed.items():
                row = s.get(Setting, key)
                if row is None:
                    s.add(Setting(key=key, value=new))
                else:
                    row.value = new
            if changed:
                shown = {k: v if k != "practice_logo_png" else ["…", "…"] for k, v in changed.items()}
                audit.record(s, self.ctx, AuditAction.SETTING, "setting", None, ", ".join(sorted(changed)),
                             shown)
            s.flush()
            return read_settings(s)
