"""Hooks "Report a problem" into the main window (issue 18 point 5).

`install_problem_actions(window)` (called once by MainWindow) adds:
  - on the Directory page: "Report a problem…" (Ctrl+Shift+R, right-click on a result, the Edit
    menu, and a button in the read-only view) for the selected result, for every role, and a
    notice at the top of the detail pane for everyone while a problem is open ("! Problem
    reported: The number does not work (7 Dec 2026, Sam Reid)"); the results table says
    "! Problem reported" before the service's name (directory_page);
  - for a vetting lead: open safeguarding concerns are shown when they sign in (this window is made
    after sign-in), and a status-bar note ("!! 1 safeguarding concern") opens the list.
The vetting lead resolves problems from the Reviews page ("Problems reported").
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMessageBox

from sp_desktop.services.base import Permission, ServiceContext, can
from sp_desktop.services.directory import ServiceDetail
from sp_desktop.services.problems import ProblemService


def safeguarding_text(count: int) -> str:
    return f"!! {count} safeguarding concern{'s' if count != 1 else ''} reported" if count else ""


class ProblemActions:
    """What install_problem_actions adds; kept alive by the window (`window.problem_actions`)."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.ctx: ServiceContext = window.ctx
        self.page = getattr(window, "pages", {}).get("directory")
        self.report_action: QAction | None = None
        if self.page is not None and hasattr(self.page, "add_selection_action"):
            action = QAction("Report a problem…", self.page)
            action.setObjectName("report_problem")
            action.setShortcut(QKeySequence("Ctrl+Shift+R"))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            tip = ("The number does not work, it has closed or moved, a patient had a bad experience, a "
                   "safeguarding concern… Everyone then sees \u201cProblem reported\u201d (Ctrl+Shift+R)")
            action.setToolTip(tip)
            action.setStatusTip(tip)
            action.triggered.connect(lambda _checked=False: self.report_selected())
            # right-click on a result, Ctrl+Shift+R, the Edit menu and the read-only view's button (the
            # row of buttons above the results is full at 1280 pixels)
            if hasattr(self.page, "add_menu_action"):
                self.page.add_menu_action(action)
            else:
                self.page.add_selection_action(action)
            self.report_action = action
            if hasattr(self.page, "add_detail_notice"):
                self.page.add_detail_notice(self.notice)
        self.lead = can(self.ctx.actor, Permission.RESOLVE_PROBLEM)
        self.safeguarding_label: QLabel | None = None
        if self.lead:
            label = QLabel()
            label.setObjectName("safeguarding_concerns")
            label.setAccessibleName("Safeguarding concerns reported")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.linkActivated.connect(lambda _link: self.show_problems())
            window.statusBar().addPermanentWidget(label)
            self.safeguarding_label = label
            window.data_changed.connect(lambda *_: self.update_safeguarding())
            changed_elsewhere = getattr(window, "changed_elsewhere", None)
            if changed_elsewhere is not None:
                changed_elsewhere.connect(self.update_safeguarding)
            self.update_safeguarding()
            QTimer.singleShot(0, self.tell_lead_at_sign_in)

    # ---- the directory
    def notice(self, detail: ServiceDetail) -> str | None:
        problem = ProblemService(self.ctx).open_for(detail.id)
        return problem.headline if problem is not None else None

    def report_selected(self) -> None:
        if self.page is None:
            return
        row = self.page.selected_row()
        if row is None:
            return
        from sp_desktop.ui.dialogs.report_problem_dialog import ReportProblemDialog

        saved = ReportProblemDialog.ask(self.window, self.ctx, row.id, row.name)
        if saved is None:
            return
        self.window.data_changed.emit("problem")
        refresh = getattr(self.page, "refresh", None)
        if callable(refresh):
            refresh()
        routed = " It has gone to the vetting lead." if saved.safeguarding else ""
        show = getattr(self.window, "show_status", None) or self.window.statusBar().showMessage
        show(f"{saved.headline} for {saved.service_name}.{routed}")

    # ---- the vetting lead
    def safeguarding(self) -> list[Any]:
        try:
            return ProblemService(self.ctx).safeguarding_for()
        except Exception:  # never let a status note stop the window
            return []

    def update_safeguarding(self) -> None:
        if self.safeguarding_label is None:
            return
        text = safeguarding_text(len(self.safeguarding()))
        self.safeguarding_label.setText(f"<a href='problems'>{escape(text)}</a>" if text else "")
        self.safeguarding_label.setToolTip("Open the problems reported" if text else "")
        self.safeguarding_label.setVisible(bool(text))

    def tell_lead_at_sign_in(self) -> None:
        """At sign-in: the open safeguarding concerns, in a message the lead closes (not blocking)."""
        concerns = self.safeguarding()
        if not concerns:
            return
        lines = "\n".join(f"\u2022 {p.service_name} ({p.organisation_name}): {p.headline}. {p.reason}"
                          for p in concerns)
        box = QMessageBox(QMessageBox.Icon.Warning, "Safeguarding concerns reported",
                          f"{safeguarding_text(len(concerns))} and not yet resolved:\n\n{lines}\n\n"
                          "Resolve them from Reviews due \u2192 Problems reported once dealt with.",
                          QMessageBox.StandardButton.Ok, self.window)
        box.setObjectName("safeguarding_at_sign_in")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.sign_in_box = box

    def show_problems(self) -> None:
        from sp_desktop.ui.dialogs.problems_dialog import ProblemsDialog

        if ProblemsDialog.show_for(self.window, self.ctx):
            self.window.data_changed.emit("problem")
        self.update_safeguarding()


def install_problem_actions(window: Any) -> ProblemActions:
    actions = ProblemActions(window)
    window.problem_actions = actions  # keep a reference for the window's lifetime
    return actions


__all__ = ["ProblemActions", "install_problem_actions", "safeguarding_text"]
