"""One follow-up action, as every feature's provider hands it to `services.followups`.

Its own module so that a feature (services.signposting) can build items without importing the
follow-ups service, which imports the features' providers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sp_desktop.domain.formatting import show_date


@dataclass(frozen=True)
class FollowUpItem:
    """One follow-up action, from whichever feature created it."""

    kind: str  # the provider's kind, e.g. "contact"
    ref: int  # the id of the row in that provider's table
    title: str  # what to do, e.g. "Send the referral form"
    due: date | None
    owner_id: int | None
    owner_name: str
    organisation_id: int | None
    organisation_name: str
    source: str = ""  # where it came from, e.g. "Phone call on 3 Oct 2026 (Rachel Reception)"
    done_at: datetime | None = None
    done_note: str | None = None
    overdue: bool = False  # set by FollowUpService: open and due before today
    due_today: bool = False

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.ref)

    @property
    def done(self) -> bool:
        return self.done_at is not None

    @property
    def status_text(self) -> str:
        """State in words (with a symbol), never colour alone."""
        if self.done_at is not None:
            return f"Done ✓ {show_date(self.done_at)}"
        if self.overdue:
            return "Overdue !"
        if self.due_today:
            return "Due today"
        return "Open"


__all__ = ["FollowUpItem"]
