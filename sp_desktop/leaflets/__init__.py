"""Patient leaflets and category booklets: content dataclasses in, PDF bytes out.

Qt-free and database-free: the services layer builds the content values; this package only
renders them (``render_leaflet``, ``render_booklet``) or turns them into plain text
(``leaflet_plain_text``).
"""

from sp_desktop.leaflets.content import (
    Booklet,
    BookletSection,
    Leaflet,
    LeafletFormat,
    LeafletService,
    LeafletVenue,
    PracticeHeader,
    format_date,
)
from sp_desktop.leaflets.fonts import FontError, missing_characters, register_fonts, sanitise_text
from sp_desktop.leaflets.render import (
    BookletCancelled,
    CancelledCallback,
    LeafletError,
    ProgressCallback,
    leaflet_plain_text,
    render_booklet,
    render_leaflet,
)

__all__ = [
    "Booklet",
    "BookletCancelled",
    "BookletSection",
    "CancelledCallback",
    "FontError",
    "Leaflet",
    "LeafletError",
    "LeafletFormat",
    "LeafletService",
    "LeafletVenue",
    "PracticeHeader",
    "ProgressCallback",
    "format_date",
    "leaflet_plain_text",
    "missing_characters",
    "register_fonts",
    "render_booklet",
    "render_leaflet",
    "sanitise_text",
]
