"""The problems reported with services, from the Reviews page: safeguarding concerns first.

Everyone may read the list (a safeguarding concern's words only for the vetting lead and the person
who reported it); the vetting lead resolves the selected one, saying what was done.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.errors import Refused
from sp_desktop.services.base import Permission, ServiceContext, can
from sp_desktop.services.problems import ProblemInfo, ProblemService
from sp_desktop.ui import messages


def problem_text(p: ProblemInfo) -> str:
    mark = "!! Safeguarding \u2014 " if p.safeguarding else "! "
    return f"{mark}{p.service_name} ({p.organisation_name}) \u2014 {p.headline}. {p.reason}"


class ProblemsDialog(QDialog):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ProblemService(ctx)
        self.resolved = 0
        self.setObjectName("problems_dialog")
        self.setWindowTitle("Problems reported")
        self.setAccessibleName("Problems reported with services")
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.list = QListWidget()
        self.list.setObjectName("problems_list")
        self.list.setAccessibleName("Open problems")
        self.list.setWordWrap(True)
        layout.addWidget(self.list, 1)
        self.lead = can(ctx.actor, Permission.RESOLVE_PROBLEM)
        self.resolution = QLineEdit()
        self.resolution.setObjectName("problem_resolution")
        self.resolution.setAccessibleName("What was done")
        self.resolution.setPlaceholderText("e.g. Rang them: new number saved and checked")
        label = QLabel("&What was done (resolves every open problem of the selected service):")
        label.setBuddy(self.resolution)
        self.resolve_button = QPushButton("&Resolve")
        self.resolve_button.setObjectName("resolve_problem")
        self.resolve_button.clicked.connect(self.resolve_selected)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        for w in (label, self.resolution, self.resolve_button, self.error):
            layout.addWidget(w)
            w.setVisible(self.lead and w is not self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 420)
        self.load()

    def load(self) -> None:
        self.list.clear()
        problems = self.service.open_problems()
        for p in problems:
            item = QListWidgetItem(problem_text(p))
            item.setData(Qt.ItemDataRole.UserRole, p.service_id)
            self.list.addItem(item)
        if problems:
            self.list.setCurrentRow(0)
        safeguarding = sum(1 for p in problems if p.safeguarding)
        who = "Resolve one when it is dealt with." if self.lead else "The vetting lead resolves them."
        self.intro.setText(f"{len(problems)} open problem{'s' if len(problems) != 1 else ''}"
                           f" ({safeguarding} safeguarding). {who}" if problems else "No open problems.")
        self.resolve_button.setEnabled(bool(problems))

    def resolve_selected(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        try:
            self.service.resolve(int(item.data(Qt.ItemDataRole.UserRole)), self.resolution.text())
        except Refused as exc:
            self._error(messages.refusal_text(exc))
            return
        self.resolved += 1
        self.resolution.clear()
        self.error.setVisible(False)
        self.load()

    def _error(self, text: str) -> None:
        self.error.setText(f"\u2717 {text}")
        self.error.setVisible(True)
        self.resolution.setFocus()

    @classmethod
    def show_for(cls, parent: QWidget | None, ctx: ServiceContext) -> int:
        """Show the list; returns how many services' problems were resolved. Tests replace this."""
        dialog = cls(ctx, parent)
        dialog.exec()
        return dialog.resolved


__all__ = ["ProblemsDialog", "problem_text"]
