"""The pages of the main window, in navigation order.

Each entry is a `PageSpec`; a feature adds its page by adding one line to `page_specs()`.
A page is a QWidget built by `factory(ctx, window)` the first time it is shown or asked for
(`MainWindow.pages` builds on demand; only the Directory is built at start-up). It may define:
  - `refresh()`            reload its data (called when it is shown and after changes elsewhere)
  - `count()` -> int|None  the number shown in the navigation ("Reviews due (3)")
  - `focus_search()`       Ctrl+F
  - signal `changed`       emitted after the page changed data (other pages refresh)
  - `has_unsaved_changes()` -> bool  True while the page holds typed, unsaved edits: changes from
                            other PCs then do not refresh it (ui/change_watcher.py). refresh()
                            itself should keep the selection and scroll position.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sp_desktop.domain.enums import AppRole

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from sp_desktop.services.base import ServiceContext


@dataclass(frozen=True)
class PageSpec:
    """A page of the main window. `factory` builds it the first time it is shown (or asked for),
    so start-up imports and builds only the Directory. `count`, when given, is the navigation
    number for a page that has not been built yet (a cheap SQL count); once built, the page's own
    `count()` is used."""

    key: str
    title: str
    factory: Callable[[ServiceContext, Any], QWidget]
    min_role: AppRole = AppRole.FRONT_DESK
    icon: str = ""
    count: Callable[[ServiceContext], int | None] | None = None


# Each factory imports its page module when first called (plain import statements, so that
# PyInstaller still finds them): the other pages' modules and the services behind them cost
# about a quarter of a second that nobody waiting for the Directory needs to pay.
def _directory(ctx: ServiceContext, window: Any) -> QWidget:
    from sp_desktop.ui.pages.directory_page import DirectoryPage

    return DirectoryPage(ctx, window)


def _basket(ctx: ServiceContext, window: Any) -> QWidget:
    from sp_desktop.ui.pages.basket_page import BasketPage

    return BasketPage(ctx, window)


def _reviews(ctx: ServiceContext, window: Any) -> QWidget:
    from sp_desktop.ui.pages.reviews_page import ReviewsPage

    return ReviewsPage(ctx, window)


def _followups(ctx: ServiceContext, window: Any) -> QWidget:
    from sp_desktop.ui.pages.followups_page import FollowUpsPage

    return FollowUpsPage(ctx, window)


def _network(ctx: ServiceContext, window: Any) -> QWidget:
    from sp_desktop.ui.pages.network_page import NetworkPage

    return NetworkPage(ctx, window)


def _signposting(ctx: ServiceContext, window: Any) -> QWidget:
    from sp_desktop.ui.pages.signposting_page import SignpostingPage

    return SignpostingPage(ctx, window)


def _reports(ctx: ServiceContext, window: Any) -> QWidget:
    from sp_desktop.ui.pages.reports_page import ReportsPage

    return ReportsPage(ctx, window)


def _settings(ctx: ServiceContext, window: Any) -> QWidget:
    from sp_desktop.ui.pages.staff_page import SettingsPage

    return SettingsPage(ctx, window)


def _reviews_due(ctx: ServiceContext) -> int:
    from sp_desktop.services.vetting import VettingService

    return VettingService(ctx).count_reviews_due()


def _open_followups(ctx: ServiceContext) -> int:
    from sp_desktop.services.followups import FollowUpService

    return FollowUpService(ctx).count_open()


def _empty_basket(ctx: ServiceContext) -> int:
    return 0  # the basket lives in its page: until the page exists, nothing has been added


def page_specs() -> list[PageSpec]:
    return [
        PageSpec("directory", "Directory", _directory, icon="⌕"),
        PageSpec("basket", "Leaflet basket", _basket, icon="▤", count=_empty_basket),
        PageSpec("reviews", "Reviews due", _reviews, icon="!", count=_reviews_due),
        PageSpec("followups", "Follow-ups", _followups, icon="⚑", count=_open_followups),
        PageSpec("network", "Network", _network, icon="☍"),
        PageSpec("signposting", "Signposting log", _signposting, icon="➜"),
        PageSpec("reports", "Reports", _reports, icon="▥"),
        # vetting leads see the Search words tab only; administrators everything
        PageSpec("settings", "Settings", _settings, min_role=AppRole.VETTING_LEAD, icon="⚙"),
    ]
