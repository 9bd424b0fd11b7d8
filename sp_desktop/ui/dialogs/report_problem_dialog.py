"""Report a problem with a service (any role), and give a reason to print a leaflet for one anyway.

`ReportProblemDialog.ask()` is the one action on a search result: what kind of problem and a few
words. `ProblemReasonDialog.ask()` asks the person making a leaflet why it is right although a problem
is reported. Both say not to write who the patient is: the words go in the audit trail.
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.enums import ProblemKind
from sp_desktop.domain.errors import Refused
from sp_desktop.services.base import ServiceContext
from sp_desktop.services.leaflets import ServiceCheck
from sp_desktop.services.problems import ProblemInfo, ProblemService
from sp_desktop.ui import messages

_OK_CANCEL = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel


class ReportProblemDialog(QDialog):
    def __init__(self, ctx: ServiceContext, service_id: int, service_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service_id = service_id
        self.saved: ProblemInfo | None = None
        self.setObjectName("report_problem_dialog")
        self.setWindowTitle("Report a problem")
        self.setAccessibleName("Report a problem with a service")
        layout = QVBoxLayout(self)
        intro = QLabel(f"<b>{escape(service_name)}</b><br>Everyone will see \u201cProblem reported\u201d "
                       "beside it, and a leaflet for it will need a reason, until the vetting lead "
                       "resolves it. A safeguarding concern goes to the vetting lead at once.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        kind_label = QLabel("&What is wrong:")
        self.kind = QComboBox()
        self.kind.setObjectName("problem_kind")
        self.kind.setAccessibleName("What is wrong")
        for kind in ProblemKind:
            self.kind.addItem(kind.label, kind)
        kind_label.setBuddy(self.kind)
        layout.addWidget(kind_label)
        layout.addWidget(self.kind)
        reason_label = QLabel("&In a few words (do not write who the patient is):")
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("problem_reason")
        self.reason.setAccessibleName("What happened")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText("e.g. Rang twice this morning: the number is not in use")
        self.reason.setFixedHeight(90)
        reason_label.setBuddy(self.reason)
        layout.addWidget(reason_label)
        layout.addWidget(self.reason)
        self.error = QLabel()
        self.error.setObjectName("problem_error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(_OK_CANCEL)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("&Report problem")
        self.ok.setObjectName("report_problem_ok")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def save(self) -> None:
        try:
            self.saved = ProblemService(self.ctx).report(self.service_id, self.kind.currentData(),
                                                         self.reason.toPlainText())
        except Refused as exc:  # too short, a patient's number, not allowed, the service gone
            self._show_error(messages.refusal_text(exc))
            return
        self.accept()

    def _show_error(self, text: str) -> None:
        self.error.setText(f"\u2717 {text}")  # a cross and words: never colour alone
        self.error.setVisible(True)
        self.reason.setFocus()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: ServiceContext, service_id: int,
            service_name: str) -> ProblemInfo | None:
        """The problem reported, or None when cancelled. Tests replace this."""
        dialog = cls(ctx, service_id, service_name, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.saved


class ProblemReasonDialog(QDialog):
    """Why a leaflet for a service with a problem reported is right anyway (any role; audited)."""

    def __init__(self, check: ServiceCheck, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problem_reason_dialog")
        self.setWindowTitle("Problem reported \u2014 give a reason")
        self.setAccessibleName("Reason for a leaflet although a problem is reported")
        layout = QVBoxLayout(self)
        intro = QLabel(f"<b>{escape(check.label)}</b><br>! {escape(check.problem)}")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        ask = QLabel("Why is a leaflet for it right anyway? The reason is recorded with your name in the "
                     "audit trail. Do not write who the patient is.")
        ask.setWordWrap(True)
        layout.addWidget(ask)
        self.reason = QLineEdit()
        self.reason.setObjectName("problem_print_reason")
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("e.g. Told them to phone first; no other group nearby")
        ask.setBuddy(self.reason)
        layout.addWidget(self.reason)
        buttons = QDialogButtonBox(_OK_CANCEL)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Add to the leaflet")
        self.ok.setObjectName("ok")
        self.ok.setEnabled(False)
        self.reason.textChanged.connect(lambda t: self.ok.setEnabled(len(t.strip()) >= 5))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    @classmethod
    def ask(cls, check: ServiceCheck, parent: QWidget | None = None) -> str | None:
        """The reason typed, or None when cancelled. Tests replace this."""
        dialog = cls(check, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.reason.text().strip()


__all__ = ["ProblemReasonDialog", "ReportProblemDialog"]
