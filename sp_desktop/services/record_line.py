""""Copy for the record": the line for the GP record after a signposting is recorded (issue 18 point 7).

`RecordLineService.line()` fills the practice's template (Settings; `domain.record_line`) from the
signposting record: the services and organisations, the date, how, what for, the leaflet reference
(linked to the record, or the one just handed over) and the practice's own clinical code and term.
Anyone who may record a signposting may copy its line. Nothing about the patient is in it: the
practice-internal patient reference is deliberately not a placeholder.
"""

from __future__ import annotations

from sqlalchemy import select

from sp_desktop.db.models import LeafletReference
from sp_desktop.domain.formatting import show_date
from sp_desktop.domain.record_line import render_line
from sp_desktop.domain.references import format_code, normalise
from sp_desktop.services.base import Permission, ServiceContext
from sp_desktop.services.settings import read_settings
from sp_desktop.services.signposting import SignpostingService

#: What {reference} says when no leaflet went with the signposting (phoned, e-mail...).
NO_REFERENCE = "none"


class RecordLineService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def line(self, signposting_id: int, reference: str | None = None) -> str:
        """The line for the record of this signposting. `reference`: the code of a leaflet handed over
        with it that is not linked yet (the basket links it just after); a linked one is found here."""
        detail = SignpostingService(self.ctx).get(signposting_id)
        with self.ctx.read(Permission.LOG_SIGNPOSTING) as s:
            settings = read_settings(s)
            linked = s.scalars(select(LeafletReference.code)
                               .where(LeafletReference.signposting_id == signposting_id)
                               .order_by(LeafletReference.issued_at, LeafletReference.id)).all()
        codes = list(dict.fromkeys([*linked, *([normalise(reference)] if reference else [])]))
        values = {
            "services": "; ".join(f"{i.service_name} ({i.organisation_name})" if i.organisation_name
                                  else i.service_name for i in detail.items),
            "service": "; ".join(i.service_name for i in detail.items),
            "organisation": "; ".join(dict.fromkeys(i.organisation_name for i in detail.items
                                                    if i.organisation_name)),
            "date": show_date(detail.occurred_on),
            "reference": ", ".join(format_code(c) for c in codes) or NO_REFERENCE,
            "method": detail.method.label,
            "reasons": "; ".join(r.name for r in detail.reasons),
            "code": settings.record_code,
            "term": settings.record_term,
        }
        return render_line(settings.record_line_template, values)


__all__ = ["NO_REFERENCE", "RecordLineService"]
