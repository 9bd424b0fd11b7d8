"""Patient leaflets and category booklets: content dataclasses in, PDF bytes out.

Qt-free and database-free: the services layer builds the content values; this package only
renders them (``render_leaflet``, ``render_booklet``) or turns them into plain text
(``leaflet_plain_text``).

The content dataclasses import at once; the renderer and fonts (reportlab, qrcode, Pillow:
~0.2 s) only when one of their names is first used, so the window can show the leaflet basket
without them (PEP 562 module ``__getattr__``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sp_desktop.leaflets.content import (
    ENGLISH,
    Booklet,
    BookletSection,
    CheckedState,
    Leaflet,
    LeafletFormat,
    LeafletService,
    LeafletVenue,
    LeafletWording,
    PracticeHeader,
    format_date,
)

if TYPE_CHECKING:
    from sp_desktop.leaflets.fonts import (
        FontError,
        describe_character,
        missing_characters,
        register_fonts,
        sanitise_text,
    )
    from sp_desktop.leaflets.render import (
        BookletCancelled,
        CancelledCallback,
        LeafletError,
        ProgressCallback,
        checked_line,
        leaflet_plain_text,
        render_booklet,
        render_leaflet,
        undrawable,
    )

_FONTS = ("FontError", "describe_character", "missing_characters", "register_fonts", "sanitise_text")
_RENDER = ("BookletCancelled", "CancelledCallback", "LeafletError", "ProgressCallback", "checked_line",
           "leaflet_plain_text", "render_booklet", "render_leaflet", "undrawable")


def __getattr__(name: str) -> Any:
    # Plain import statements (not importlib), so PyInstaller still finds both modules.
    if name in _FONTS:
        from sp_desktop.leaflets import fonts as module
    elif name in _RENDER:
        from sp_desktop.leaflets import render as module  # type: ignore[no-redef]
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value
    return value


__all__ = [
    "ENGLISH",
    "Booklet",
    "BookletCancelled",
    "BookletSection",
    "CancelledCallback",
    "CheckedState",
    "FontError",
    "Leaflet",
    "LeafletError",
    "LeafletFormat",
    "LeafletService",
    "LeafletVenue",
    "LeafletWording",
    "PracticeHeader",
    "ProgressCallback",
    "checked_line",
    "describe_character",
    "format_date",
    "leaflet_plain_text",
    "missing_characters",
    "register_fonts",
    "render_booklet",
    "render_leaflet",
    "sanitise_text",
    "undrawable",
]
