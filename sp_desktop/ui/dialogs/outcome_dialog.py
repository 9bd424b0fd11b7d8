"""Record what happened after signposting to one service (clinicians and link workers).

The outcome, the patient's experience with a note, whether that feedback may be shared with the
organisation (anonymously, in its partner report), and optionally the ONS4 wellbeing scores
before and after. A poor experience or a "not suitable" outcome offers a trust note for the
vetting review in the same step, prefilled and editable.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.enums import Experience, Outcome, TrustNoteKind
from sp_desktop.domain.errors import Refused
from sp_desktop.domain.formatting import show_date
from sp_desktop.services.base import (
    Permission,
    ServiceContext,
    ValidationFailed,
    can,
)
from sp_desktop.services.signposting import (
    ONS4_QUESTIONS,
    OutcomeForm,
    OutcomeSaved,
    SignpostingService,
    TrustNoteDraft,
    prefilled_trust_note,
)
from sp_desktop.ui import messages
from sp_desktop.ui.widgets.field_errors import FIELD_STYLE, FieldErrors, message_label, with_message
from sp_desktop.ui.widgets.unsaved import GuardsTyping

#: The ONS wording, shown as tooltips (the labels are the short forms).
ONS4_WORDING = (
    "Overall, how satisfied are you with your life nowadays?",
    "Overall, to what extent do you feel that the things you do in your life are worthwhile?",
    "Overall, how happy did you feel yesterday?",
    "Overall, how anxious did you feel yesterday? (0 = not at all anxious, 10 = completely anxious)",
)
NOT_GIVEN = -1
EXPERIENCE_CHOICES: tuple[tuple[Experience | None, str], ...] = (
    (None, "Not recorded"), (Experience.GOOD, "Good ✓"), (Experience.MIXED, "Mixed ~"),
    (Experience.POOR, "Poor !"))
TRUST_KINDS = (TrustNoteKind.PATIENT_FEEDBACK, TrustNoteKind.CONCERN)


class OutcomeDialog(GuardsTyping, QDialog):
    def __init__(self, ctx: ServiceContext, item_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = SignpostingService(ctx)
        self.detail = self.service.detail_for_item(item_id)
        self.item = self.detail.item(item_id)
        self.saved: OutcomeSaved | None = None
        self._note_edited = False
        self.setObjectName("outcome_dialog")
        self.setWindowTitle(f"Outcome — {self.item.service_name}")
        self.setAccessibleName("Record outcome")
        self.setStyleSheet(FIELD_STYLE)
        self.setMinimumWidth(620)
        self.errors = FieldErrors(message_label())
        layout = QVBoxLayout(self)

        d = self.detail
        head = QLabel(f"<b>{_e(self.item.service_name)}</b> — {_e(self.item.organisation_name)}<br>"
                      f"Signposted {_e(show_date(d.occurred_on))} by {_e(d.staff_name)} "
                      f"({_e(d.method.label)})"
                      + (f" · record number {_e(d.patient_ref)}" if d.patient_ref else ""))
        head.setObjectName("outcome_heading")
        head.setWordWrap(True)
        layout.addWidget(head)

        # outcome
        box = QGroupBox("&What happened?")
        box.setObjectName("outcome_group")
        grid = QGridLayout(box)
        self.outcome_group = QButtonGroup(self)
        self.outcome_buttons: dict[Outcome, QRadioButton] = {}
        for i, o in enumerate(Outcome):
            b = QRadioButton(o.label)
            b.setObjectName(f"outcome_{o.value}")
            self.outcome_group.addButton(b, i)
            self.outcome_buttons[o] = b
            grid.addWidget(b, i % 4, i // 4)
        if self.item.outcome is not None:
            self.outcome_buttons[self.item.outcome].setChecked(True)
        outcome_box, outcome_msg = with_message(box)
        self.errors.register("outcome", box, outcome_msg)
        layout.addWidget(outcome_box)

        # experience and note
        exp_box = QGroupBox("The patient's &experience")
        exp_box.setObjectName("experience_group")
        ev = QVBoxLayout(exp_box)
        row = QHBoxLayout()
        self.experience_group = QButtonGroup(self)
        self.experience_buttons: dict[Experience | None, QRadioButton] = {}
        for i, (e, text) in enumerate(EXPERIENCE_CHOICES):
            b = QRadioButton(text)
            b.setObjectName(f"experience_{e.value if e else 'none'}")
            self.experience_group.addButton(b, i)
            self.experience_buttons[e] = b
            row.addWidget(b)
        row.addStretch(1)
        self.experience_buttons[self.item.experience].setChecked(True)
        ev.addLayout(row)
        note_label = QLabel("What they said (&optional):")
        self.note = QPlainTextEdit(self.item.experience_note or "")
        self.note.setObjectName("experience_note")
        self.note.setAccessibleName("What the patient said about the service")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(64)
        note_label.setBuddy(self.note)
        note_box, note_msg = with_message(self.note)
        self.errors.register("experience_note", self.note, note_msg)
        ev.addWidget(note_label)
        ev.addWidget(note_box)
        self.share = QCheckBox("&Share this feedback with the organisation (anonymously, in their partner "
                               "report)")
        self.share.setObjectName("share_feedback")
        self.share.setChecked(self.item.share_feedback)
        self.share.setAccessibleDescription("Leave out names and anything that could identify the person.")
        share_hint = QLabel("Shared feedback is printed word for word: leave out names and anything that "
                            "could identify the person.")
        share_hint.setWordWrap(True)
        share_hint.setObjectName("share_hint")
        share_box, share_msg = with_message(self.share)
        self.errors.register("share_feedback", self.share, share_msg)
        ev.addWidget(share_box)
        ev.addWidget(share_hint)
        layout.addWidget(exp_box)

        # ONS4
        self.ons4 = QGroupBox("&Wellbeing questions, 0 to 10 — for this whole record")
        self.ons4.setObjectName("ons4_group")
        self.ons4.setToolTip("The four personal wellbeing questions of the Office for National Statistics "
                             "(ONS4)")
        self.ons4.setCheckable(True)
        has_scores = d.ons4_before is not None or d.ons4_after is not None
        self.ons4.setChecked(has_scores)
        og = QGridLayout(self.ons4)
        og.addWidget(QLabel("<b>Before</b>"), 0, 1)
        og.addWidget(QLabel("<b>After</b>"), 0, 2)
        og.setColumnStretch(3, 1)
        self.before: list[QSpinBox] = []
        self.after: list[QSpinBox] = []
        for i, question in enumerate(ONS4_QUESTIONS):
            label = QLabel(question)
            label.setToolTip(ONS4_WORDING[i])
            og.addWidget(label, i + 1, 0)
            for col, store, values in ((1, self.before, d.ons4_before), (2, self.after, d.ons4_after)):
                spin = QSpinBox()
                spin.setRange(NOT_GIVEN, 10)
                spin.setSpecialValueText("–")
                spin.setValue(values[i] if values else NOT_GIVEN)
                spin.setMinimumWidth(64)
                spin.setMaximumWidth(90)
                when = "before" if col == 1 else "after"
                spin.setObjectName(f"ons4_{when}_{i}")
                spin.setAccessibleName(f"{question}, {when} (0 to 10; – means not asked)")
                spin.setToolTip(ONS4_WORDING[i])
                og.addWidget(spin, i + 1, col)
                store.append(spin)
        ons4_hint = QLabel("Leave a column at “–” if those scores were not asked. Anxiety: lower is better.")
        ons4_hint.setWordWrap(True)
        og.addWidget(ons4_hint, 5, 0, 1, 4)
        self._ons4_msg = message_label()
        og.addWidget(self._ons4_msg, 6, 0, 1, 4)
        self.errors.register("ons4_before", self.before[0], self._ons4_msg)
        self.errors.register("ons4_after", self.after[0], self._ons4_msg)
        layout.addWidget(self.ons4)

        # trust note in one step
        self.may_note = can(ctx.actor, Permission.TRUST_NOTES)
        self.trust = QGroupBox("Add a &trust note for the vetting review")
        self.trust.setObjectName("trust_note_group")
        self.trust.setCheckable(True)
        self.trust.setChecked(False)
        tv = QVBoxLayout(self.trust)
        kind_row = QHBoxLayout()
        kind_label = QLabel("Kind:")
        self.trust_kind = QComboBox()
        self.trust_kind.setObjectName("trust_note_kind")
        self.trust_kind.setAccessibleName("Kind of trust note")
        for k in TRUST_KINDS:
            self.trust_kind.addItem(k.label, k)
        kind_label.setBuddy(self.trust_kind)
        kind_row.addWidget(kind_label)
        kind_row.addWidget(self.trust_kind)
        kind_row.addStretch(1)
        tv.addLayout(kind_row)
        self.trust_text = QPlainTextEdit()
        self.trust_text.setObjectName("trust_note_text")
        self.trust_text.setAccessibleName("Trust note text (private to clinicians and above)")
        self.trust_text.setTabChangesFocus(True)
        self.trust_text.setFixedHeight(70)
        self.trust_text.textChanged.connect(self._trust_text_edited)
        trust_box, trust_msg = with_message(self.trust_text)
        self.errors.register("trust_note", self.trust_text, trust_msg)
        tv.addWidget(trust_box)
        self.trust_hint = QLabel("Offered when the experience was poor or the service was not suitable. "
                                 "Trust notes are private: never shared with the organisation.")
        self.trust_hint.setWordWrap(True)
        tv.addWidget(self.trust_hint)
        layout.addWidget(self.trust)
        self.trust.setVisible(self.may_note)

        assert self.errors.general is not None
        layout.addWidget(self.errors.general)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("&Save outcome", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("save_outcome")
        self.save_button.setDefault(True)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancel_button")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.outcome_group.idToggled.connect(lambda _i, _on: self._update_trust())
        self.experience_group.idToggled.connect(lambda _i, _on: self._update_trust())
        self.note.textChanged.connect(self._update_trust)
        self._update_trust()
        first = self.outcome_group.checkedButton() or self.outcome_buttons[Outcome.ENGAGED]
        first.setFocus()

    # ---- reading the form
        self.remember_clean()  # Esc or Close on a form with typing asks first

    def chosen_outcome(self) -> Outcome | None:
        for o, b in self.outcome_buttons.items():
            if b.isChecked():
                return o
        return None

    def chosen_experience(self) -> Experience | None:
        for e, b in self.experience_buttons.items():
            if b.isChecked():
                return e
        return None

    def set_outcome(self, outcome: Outcome) -> None:
        self.outcome_buttons[outcome].setChecked(True)

    def set_experience(self, experience: Experience | None) -> None:
        self.experience_buttons[experience].setChecked(True)

    def set_scores(self, before: list[int] | None, after: list[int] | None) -> None:
        self.ons4.setChecked(True)
        for spins, values in ((self.before, before), (self.after, after)):
            for i, spin in enumerate(spins):
                spin.setValue(values[i] if values else NOT_GIVEN)
                spin.setMinimumWidth(64)
                spin.setMaximumWidth(90)

    def _scores(self, spins: list[QSpinBox]) -> list[int | None]:
        return [None if s.value() == NOT_GIVEN else s.value() for s in spins]

    def to_form(self) -> OutcomeForm:
        ons4 = self.ons4.isChecked()
        return OutcomeForm(
            outcome=self.chosen_outcome(), experience=self.chosen_experience(),
            experience_note=self.note.toPlainText(), share_feedback=self.share.isChecked(),
            ons4_before=self._scores(self.before) if ons4 else None,
            ons4_after=self._scores(self.after) if ons4 else None)

    # ---- trust note
    def _draft(self) -> TrustNoteDraft:
        current = replace(self.item, outcome=self.chosen_outcome(), experience=self.chosen_experience(),
                          experience_note=self.note.toPlainText().strip() or None)
        return prefilled_trust_note(current, self.detail.occurred_on)

    def _trust_text_edited(self) -> None:
        if not getattr(self, "_filling", False):
            self._note_edited = True

    def _update_trust(self) -> None:
        if not self.may_note:
            return
        offer = self.chosen_experience() is Experience.POOR or self.chosen_outcome() is Outcome.NOT_SUITABLE
        self.trust.setEnabled(offer)
        if not offer:
            self.trust.setChecked(False)
            self.trust.setTitle("Add a &trust note for the vetting review (for a poor experience or "
                                "“not suitable”)")
            return
        self.trust.setTitle("Add a &trust note for the vetting review")
        draft = self._draft()
        if not self._note_edited:
            self._filling = True
            self.trust_text.setPlainText(draft.text)
            self._filling = False
            self.trust_kind.setCurrentIndex(TRUST_KINDS.index(draft.kind))

    def trust_draft(self) -> TrustNoteDraft | None:
        if not (self.may_note and self.trust.isEnabled() and self.trust.isChecked()):
            return None
        base = self._draft()
        kind = TrustNoteKind(self.trust_kind.currentData())
        return replace(base, kind=kind, text=self.trust_text.toPlainText())

    # ---- saving
    def save(self) -> None:
        try:
            self.saved = self.service.record_outcome(self.item.id, self.to_form(),
                                                     expected_version=self.item.version,
                                                     trust_note=self.trust_draft())
        except ValidationFailed as exc:
            first = self.errors.show(exc.errors, order=("outcome", "share_feedback", "ons4_before",
                                                        "ons4_after", "trust_note"))
            if first is not None:
                first.setFocus()
            return
        except Refused as exc:
            messages.refused(self, "Could not save the outcome", exc)
            return
        note = self.saved.trust_note
        if note is not None and getattr(note, "ask_bring_review_forward", False):
            org = self.item.organisation_name
            if messages.confirm(self, "Bring the vetting review forward?",
                                f"You noted a concern about {org}. Bring its vetting review forward to "
                                "today, so it is looked at soon?",
                                yes="Bring it forward", no="Leave the date"):
                from sp_desktop.services.relationships import TrustNoteService

                try:
                    TrustNoteService(self.ctx).bring_review_forward(note.note.id)
                except Refused as exc:
                    messages.refused(self, "Review date not changed", exc)
        self.accept()

    @classmethod
    def ask(cls, ctx: ServiceContext, item_id: int, parent: QWidget | None = None) -> OutcomeSaved | None:
        """Open for one signposted service; the saved outcome, or None if cancelled."""
        dialog = cls(ctx, item_id, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.saved


def _e(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["OutcomeDialog"]
