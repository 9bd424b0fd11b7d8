"""The QApplication with the app's names, style and the app-wide guards installed.

Called by the composition root (sp_desktop/app.py), which itself imports no Qt widgets.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtWidgets import QApplication, QStyleFactory


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    from sp_desktop.ui.compat import protect_none_refcount

    protect_none_refcount()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(list(argv or sys.argv[:1]))
    app.setApplicationName("sp_desktop")
    app.setOrganizationName("sp_desktop")
    app.setApplicationDisplayName("sp_desktop")
    from sp_desktop.ui import default_button, gc_guard

    gc_guard.install(app)  # cyclic garbage is freed on the UI thread only (Qt objects die there)
    default_button.install(app)  # before the sign-in dialog: Enter keeps every dialog's main action
    # Fusion where the platform style is poor (Linux desktops without a native theme).
    if sys.platform.startswith("linux") and "fusion" in [s.lower() for s in QStyleFactory.keys()]:
        app.setStyle("Fusion")
    from sp_desktop.ui.widgets.accessibility import install_accessibility

    install_accessibility(app)  # Tab leaves tables, a visible focus ring, readable colours, dialogs fit
    return app


__all__ = ["create_application"]
