"""The pages of the main window, in navigation order.

Each entry is a `PageSpec`; a feature adds its page by adding one line to `page_specs()`.
A page is a QWidget built by `factory(ctx, window)`. It may define:
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
    key: str
    title: str
    factory: Callable[[ServiceContext, Any], QWidget]
    min_role: AppRole = AppRole.FRONT_DESK
    icon: str = ""


def page_specs() -> list[PageSpec]:
    from sp_desktop.ui.pages.basket_page import BasketPage
    from sp_desktop.ui.pages.directory_page import DirectoryPage
    from sp_desktop.ui.pages.followups_page import FollowUpsPage
    from sp_desktop.ui.pages.network_page import NetworkPage
    from sp_desktop.ui.pages.reports_page import ReportsPage
    from sp_desktop.ui.pages.reviews_page import ReviewsPage
    from sp_desktop.ui.pages.signposting_page import SignpostingPage
    from sp_desktop.ui.pages.staff_page import SettingsPage

    specs = [
        PageSpec("directory", "Directory", DirectoryPage, icon="⌕"),
        PageSpec("basket", "Leaflet basket", BasketPage, icon="▤"),
        PageSpec("reviews", "Reviews due", ReviewsPage, icon="!"),
        PageSpec("followups", "Follow-ups", FollowUpsPage, icon="⚑"),
        PageSpec("network", "Network", NetworkPage, icon="☍"),
        PageSpec("signposting", "Signposting log", SignpostingPage, icon="➜"),
        PageSpec("reports", "Reports", ReportsPage, icon="▥"),
        PageSpec("settings", "Settings", SettingsPage, min_role=AppRole.ADMINISTRATOR, icon="⚙"),
    ]
    return specs
