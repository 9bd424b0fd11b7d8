"""The rules every report states on paper, shared by the services that count and the renderers.

- A share over fewer than `SMALL_NUMBER` is shown as a count ("2 of 3"), never a percentage: a
  percentage of three people reads as more than it is and can point at one person.
- A service with `REPEATED_POOR` or more poor experiences in the period is highlighted.
"""

from __future__ import annotations

from dataclasses import dataclass

from sp_desktop.domain.enums import Experience, Outcome

SMALL_NUMBER = 5
REPEATED_POOR = 2


@dataclass(frozen=True)
class Rate:
    """`count` out of `of`, shown as a percentage only when `of` is not a small number."""

    count: int
    of: int

    @property
    def small(self) -> bool:
        return 0 < self.of < SMALL_NUMBER

    @property
    def percent(self) -> float | None:
        if self.of == 0 or self.small:
            return None
        return 100.0 * self.count / self.of

    @property
    def text(self) -> str:
        if self.of == 0:
            return "—"
        if self.small:
            return f"{self.count} of {self.of}"
        return f"{self.percent:.0f}% ({self.count} of {self.of})"

    @property
    def short_text(self) -> str:
        if self.of == 0:
            return "—"
        if self.small:
            return f"{self.count} of {self.of}"
        return f"{self.percent:.0f}%"


def outcome_label(outcome: Outcome | None) -> str:
    return outcome.label if outcome is not None else "Not yet recorded"


def experience_label(experience: Experience | None) -> str:
    return experience.label if experience is not None else "Not recorded"


__all__ = ["REPEATED_POOR", "SMALL_NUMBER", "Rate", "experience_label", "outcome_label"]
