"""Pages that load their data when they are first shown, not when the window is built.

The main window builds every page before it opens, but only the home page (the Directory) is on
screen then; loading the Network lists, the Signposting log or a report for pages nobody has
looked at yet made start-up take seconds on a large directory. A page that mixes in
`LoadWhenShown` (listed before QWidget in its bases) loads on the first of:

* the main window showing it (`MainWindow._show_row` calls `on_shown()`), or
* the page itself becoming visible (`showEvent`: a page used on its own, as in tests).

Afterwards it reloads only when shown while marked stale: `MainWindow._on_data_changed` (and
the change watcher) set the Qt property ``stale`` on hidden pages when data changed elsewhere;
the page on screen is refreshed straight away as before. It also reloads when shown on a later
day than it loaded (overdue flags, "in the last 12 months"), by the page's `ctx` clock. A
page's `count()` for the navigation must not depend on the page having loaded: use a cheap SQL
count.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    _Base = QWidget
else:
    _Base = object


class LoadWhenShown(_Base):
    """Mixin for a page with a `refresh()` that (re)loads its data."""

    _loaded_on: date | None = None  # the day the data was loaded; None until then

    def _today(self) -> date:
        ctx = getattr(self, "ctx", None)
        return ctx.today() if ctx is not None else date.today()

    def needs_loading(self) -> bool:
        """True until the page has loaded, after it was marked stale, and on a new day."""
        return self._loaded_on is None or bool(self.property("stale")) or self._loaded_on != self._today()

    def ensure_loaded(self) -> bool:
        """Load (or reload a stale page) now; False when it was already up to date."""
        if not self.needs_loading():
            return False
        self._loaded_on = self._today()
        self.setProperty("stale", False)
        self.refresh()  # type: ignore[attr-defined]
        return True

    def on_shown(self) -> None:
        self.ensure_loaded()

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self.ensure_loaded()


__all__ = ["LoadWhenShown"]
