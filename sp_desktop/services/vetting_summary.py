"""A printable vetting summary of one organisation (PDF), for practice governance meetings.

`build_vetting_summary(ctx, organisation_id)` gathers the content (organisation details,
vetting status, approver, review dates, each checklist item with its evidence and expiry, and
recent history) into a frozen `VettingSummary`; `render_vetting_summary(summary)`
(sp_desktop/output/vetting_summary_pdf.py) turns it into PDF bytes with reportlab;
`write_vetting_summary()` saves it through a temporary file and an atomic rename, so a
half-written PDF never replaces a good one.

This is an INTERNAL document (vetting evidence, staff names): it says so on every page and is
never part of anything given to patients. It uses the bundled leaflet font (DejaVu Sans) so
names with accents and the state symbols print correctly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sp_desktop.files import write_atomically
from sp_desktop.output.vetting_summary_pdf import INTERNAL_NOTE, render_vetting_summary
from sp_desktop.services.base import ServiceContext
from sp_desktop.services.directory import DirectoryService, OrganisationDetail
from sp_desktop.services.history import HistoryLine, HistoryService
from sp_desktop.services.settings import SettingsService
from sp_desktop.services.vetting import VettingRecord, VettingService

HISTORY_LINES = 25


@dataclass(frozen=True)
class VettingSummary:
    practice_name: str
    organisation: OrganisationDetail
    record: VettingRecord
    history: tuple[HistoryLine, ...]
    printed_at: datetime
    printed_by: str


def build_vetting_summary(ctx: ServiceContext, organisation_id: int) -> VettingSummary:
    """Everything the summary shows, read with the acting person's permissions."""
    record = VettingService(ctx).record(organisation_id)
    org = DirectoryService(ctx).get_organisation(organisation_id)
    history = tuple(HistoryService(ctx).for_organisation(organisation_id, limit=HISTORY_LINES))
    return VettingSummary(SettingsService(ctx).get().practice_name, org, record, history, ctx.now(),
                          ctx.actor.name)


def write_vetting_summary(ctx: ServiceContext, organisation_id: int, path: str | os.PathLike[str]) -> Path:
    """Build, render and save the summary to `path` (temporary file + atomic rename)."""
    target = Path(path)
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    return write_atomically(target, render_vetting_summary(build_vetting_summary(ctx, organisation_id)))


def default_file_name(organisation_name: str, on: datetime) -> str:
    safe = "".join(ch if ch.isalnum() or ch in " -" else " " for ch in organisation_name)
    return f"Vetting summary - {' '.join(safe.split())} - {on:%Y-%m-%d}.pdf"


__all__ = ["INTERNAL_NOTE", "VettingSummary", "build_vetting_summary", "default_file_name",
           "render_vetting_summary", "write_vetting_summary"]
