"""Add an organisation the way a lead does after a visit: one guided form in three steps — the
organisation, then its first service, then the venue where it meets — saved together and linked
(the service meets at the venue), or not at all (issue 25 point 4).

Keyboard: Tab moves through a step's fields; Enter goes to the next step (Next is the default
button) and, on the last step, saves; Alt+B goes back; Esc asks before closing a form with typing in
it. Towns, areas, kinds of organisation and categories are suggested as they are typed (Down, then
Enter, takes a suggestion; Tab keeps what was typed). Everything else about the organisation
(more venues, people, opening times) is added afterwards with Edit organisation (Ctrl+E) and Edit
service (F2).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.db.models import new_uid
from sp_desktop.domain.enums import AccessRoute
from sp_desktop.domain.organisation_kind import KIND_LABELS
from sp_desktop.services.base import PermissionDenied, ServiceContext, ValidationFailed
from sp_desktop.services.categories import CategoryService
from sp_desktop.services.directory import (
    DirectoryService,
    LocationForm,
    OrganisationForm,
    PhoneForm,
    ServiceDetail,
    ServiceForm,
)
from sp_desktop.ui import messages
from sp_desktop.ui.widgets.field_errors import FIELD_STYLE, FieldErrors, message_label, with_message
from sp_desktop.ui.widgets.kind_hint import kind_hint
from sp_desktop.ui.widgets.unsaved import GuardsTyping
from sp_desktop.ui.widgets.value_completer import offer_values

STEPS = ("The organisation", "Its first service", "Where it meets")

#: Kinds of organisation offered as the organisation's legal status (more come from the directory);
#: the kind decides which vetting checklist items apply (sp_desktop/domain/organisation_kind.py).
KINDS = KIND_LABELS

#: Service-form field -> the step that shows it (errors take the person to that step).
_ORGANISATION_KEYS = ("name", "legal_status", "phones", "website", "email", "description")
_SERVICE_KEYS = ("name", "description", "eligibility", "categories", "service_area", "fee_description",
                 "access")
_VENUE_KEYS = ("name", "address_1", "town", "postcode")


def _text_box(placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)  # Tab moves on, as in every other field of the form
    box.setPlaceholderText(placeholder)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * 3 + 12)
    return box


class NewOrganisationDialog(GuardsTyping, QDialog):
    unsaved_text = "You have typed details of a new organisation. Save them before closing?"

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.directory = DirectoryService(ctx)
        self.saved: ServiceDetail | None = None
        self.keys = (new_uid(), new_uid())  # one organisation and one service however often Save is pressed
        self.setObjectName("new_organisation_dialog")
        self.setWindowTitle("New organisation")
        self.setAccessibleName("New organisation")
        self.setStyleSheet(FIELD_STYLE)
        self.setMinimumWidth(620)
        known = self.directory.known_values()
        self.category_ids: dict[str, int] = {}
        for top in CategoryService(ctx).tree():
            self.category_ids[top.name] = top.id
            for child in top.children:
                self.category_ids[child.name] = child.id
        self.chosen: list[str] = []

        layout = QVBoxLayout(self)
        self.step_label = QLabel()
        self.step_label.setObjectName("step_label")
        layout.addWidget(self.step_label)
        self.general = message_label()
        self.general.setAccessibleName("Problems to fix before saving")
        layout.addWidget(self.general)
        self.errors = FieldErrors(self.general)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self._build_organisation(known.legal_statuses)
        self._build_service(known.areas)
        self._build_venue(known.towns)

        self.buttons = QDialogButtonBox()
        self.back_button = self._add_button("&Back", QDialogButtonBox.ButtonRole.ActionRole, "back")
        self.next_button = self._add_button("&Next", QDialogButtonBox.ButtonRole.ActionRole, "next")
        self.save_button = self._add_button("&Save", QDialogButtonBox.ButtonRole.AcceptRole, "save")
        self.cancel_button = self._add_button("Cancel", QDialogButtonBox.ButtonRole.RejectRole, "cancel")
        self.back_button.clicked.connect(lambda _c=False: self.go(self.stack.currentIndex() - 1))
        self.next_button.clicked.connect(lambda _c=False: self.next_step())
        self.save_button.clicked.connect(lambda _c=False: self.save())
        self.cancel_button.clicked.connect(lambda _c=False: self.reject())
        layout.addWidget(self.buttons)
        self.go(0)
        self.remember_clean()

    def _add_button(self, text: str, role: QDialogButtonBox.ButtonRole, name: str) -> QPushButton:
        button = self.buttons.addButton(text, role)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", ""))
        return button

    def _field(self, form: QFormLayout, key: str, label: str, widget: QWidget, hint: str = "") -> QWidget:
        box, msg = with_message(widget)
        widget.setAccessibleName(label.replace("&", ""))
        if hint:
            widget.setAccessibleDescription(hint)
            widget.setToolTip(hint)
        text = QLabel(f"{label}:")
        text.setBuddy(widget)
        form.addRow(text, box)
        self.errors.register(key, widget, msg)
        return widget

    @staticmethod
    def _page(intro: str) -> tuple[QWidget, QFormLayout]:
        page = QWidget()
        outer = QVBoxLayout(page)
        note = QLabel(intro)
        note.setWordWrap(True)
        outer.addWidget(note)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(form)
        outer.addStretch(1)
        return page, form

    def _line(self, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        return edit

    # ---- the three steps
    def _build_organisation(self, legal_statuses: tuple[str, ...]) -> None:
        page, form = self._page("Its name as people know it; the rest as far as you know it.")
        self.org_name = self._line("organisation_name", "Required, e.g. Foxbar Men's Shed")
        self._field(form, "organisation.name", "Na&me", self.org_name, "The organisation's name (required)")
        self.kind = self._line("kind", "e.g. Community group, Registered charity, SCIO")
        self._field(form, "organisation.legal_status", "&Kind", self.kind,
                    "What kind of organisation it is; suggestions appear as you type")
        offer_values(self.kind, list(dict.fromkeys([*KINDS, *legal_statuses])))
        form.addRow("", kind_hint(self.kind, "kind_hint"))
        self.phone = self._line("organisation_phone", "e.g. 0141 496 0123")
        self._field(form, "organisation.phones[0].number", "&Phone", self.phone)
        self.website = self._line("website", "e.g. www.example.org")
        self._field(form, "organisation.website", "&Website", self.website)
        self.email = self._line("organisation_email", "e.g. hello@example.org")
        self._field(form, "organisation.email", "&Email", self.email)
        self.stack.addWidget(page)

    def _build_service(self, areas: tuple[str, ...]) -> None:
        page, form = self._page("What a patient would go to. Add more services later (Ctrl+N).")
        self.service_name = self._line("service_name", "Required, e.g. Woodwork mornings")
        self._field(form, "service.name", "Service na&me", self.service_name, "What the service is called")
        self.description = _text_box("What happens: what someone can expect when they go")
        self.description.setObjectName("service_description")
        self._field(form, "service.description", "&What happens", self.description)
        self.eligibility = self._line("eligibility", "e.g. Men over 18 living in Renfrewshire")
        self._field(form, "service.eligibility", "Wh&o it is for", self.eligibility)
        self.category = self._line("category", "Type to find a category, e.g. sheds")
        self._field(form, "service.categories", "&Category", self.category,
                    "Type part of a category and choose it from the suggestions (Down, Enter); "
                    "choose as many as apply")
        self.category_completer = offer_values(self.category, list(self.category_ids))
        activated: Any = self.category_completer.activated  # the overload that passes the text
        activated[str].connect(self._choose_category)
        self.category.editingFinished.connect(self._category_typed)
        self.chosen_label = QLabel("No category chosen yet.")
        self.chosen_label.setObjectName("chosen_categories")
        self.chosen_label.setWordWrap(True)
        form.addRow("", self.chosen_label)
        self.area = self._line("service_area", "e.g. Renfrewshire")
        self._field(form, "service.service_area", "&Area covered", self.area)
        offer_values(self.area, areas)
        cost = QWidget()
        cost_row = QHBoxLayout(cost)
        cost_row.setContentsMargins(0, 0, 0, 0)
        self.free = QRadioButton("Free")
        self.free.setObjectName("free")
        self.charge = QRadioButton("There is a charge:")
        self.charge.setObjectName("charge")
        group = QButtonGroup(self)
        group.addButton(self.free)
        group.addButton(self.charge)
        self.free.setChecked(True)
        self.fee = self._line("fee_description", "e.g. £2 a session")
        self.fee.setAccessibleName("What it costs")
        self.fee.setEnabled(False)
        self.charge.toggled.connect(self.fee.setEnabled)
        cost_row.addWidget(self.free)
        cost_row.addWidget(self.charge)
        cost_row.addWidget(self.fee, 1)
        self._field(form, "service.fee_description", "Cos&t", cost)
        self.free.setAccessibleName("Free")
        self.charge.setAccessibleName("There is a charge")
        access = QWidget()
        access.setObjectName("access")
        access.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        row = QHBoxLayout(access)
        row.setContentsMargins(3, 2, 3, 2)
        self.access_boxes: dict[AccessRoute, QCheckBox] = {}
        for route in (AccessRoute.SELF_REFERRAL, AccessRoute.DROP_IN, AccessRoute.APPOINTMENT,
                      AccessRoute.PROFESSIONAL_REFERRAL):
            box = QCheckBox(route.label)
            box.setObjectName(f"access_{route.value}")
            box.setAccessibleName(route.label)
            row.addWidget(box)
            self.access_boxes[route] = box
        row.addStretch(1)
        self._field(form, "service.access", "How to get &in", access,
                    "Tick every way people can start (Space ticks)")
        access.setFocusProxy(self.access_boxes[AccessRoute.SELF_REFERRAL])
        self.stack.addWidget(page)

    def _build_venue(self, towns: tuple[str, ...]) -> None:
        page, form = self._page("The service is linked to this venue. Leave it empty for a service by "
                                "phone or online only.")
        self.venue_name = self._line("venue_name", "e.g. The Old Bowling Pavilion")
        self._field(form, "organisation.locations[0].name", "&Venue name", self.venue_name)
        self.address = self._line("address_1", "Street address")
        self._field(form, "organisation.locations[0].address_1", "A&ddress", self.address)
        self.town = self._line("town", "e.g. Paisley")
        self._field(form, "organisation.locations[0].town", "T&own", self.town)
        offer_values(self.town, towns)
        self.postcode = self._line("postcode", "e.g. PA2 9NE")
        self.postcode.setMaximumWidth(140)
        self._field(form, "organisation.locations[0].postcode", "&Postcode", self.postcode)
        remote = QWidget()
        remote_row = QHBoxLayout(remote)
        remote_row.setContentsMargins(0, 0, 0, 0)
        self.by_phone = QCheckBox("By phone")
        self.by_phone.setObjectName("by_phone")
        self.online = QCheckBox("Online")
        self.online.setObjectName("online")
        remote_row.addWidget(self.by_phone)
        remote_row.addWidget(self.online)
        remote_row.addStretch(1)
        self._field(form, "service.by_phone", "Also available", remote)
        self.by_phone.setAccessibleName("Also available by phone")
        self.online.setAccessibleName("Also available online")
        self.stack.addWidget(page)

    # ---- categories
    def _choose_category(self, name: str) -> None:
        if name in self.category_ids and name not in self.chosen:
            self.chosen.append(name)
        self._show_chosen()
        QTimer.singleShot(0, self.category.clear)  # after the completer has written the name in

    def _category_typed(self) -> bool:
        """Tab, or Enter, after typing a category's whole name chooses it too."""
        typed = self.category.text().strip().casefold()
        for name in self.category_ids:
            if name.casefold() == typed:
                if name not in self.chosen:
                    self.chosen.append(name)
                    self._show_chosen()
                self.category.clear()
                return True
        return False

    def _show_chosen(self) -> None:
        self.chosen_label.setText("Chosen: " + "; ".join(self.chosen) if self.chosen
                                  else "No category chosen yet.")

    # ---- steps
    def go(self, index: int) -> None:
        index = max(0, min(index, len(STEPS) - 1))
        self.stack.setCurrentIndex(index)
        last = index == len(STEPS) - 1
        self.step_label.setText(f"<b>Step {index + 1} of {len(STEPS)}: {STEPS[index]}</b> — Enter "
                                + ("saves all three." if last else "goes on to the next step."))
        self.back_button.setEnabled(index > 0)
        self.next_button.setVisible(not last)
        self.save_button.setVisible(last)
        (self.save_button if last else self.next_button).setDefault(True)
        first = (self.org_name, self.service_name, self.venue_name)[index]
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    def next_step(self) -> None:
        """Enter on steps 1 and 2: check this step's fields, then go on."""
        index = self.stack.currentIndex()
        if index == 0:
            _values, errs = self.directory.validate_organisation(self.organisation_form())
            errors = {f"organisation.{k}": v for k, v in errs.errors.items()
                      if not k.startswith("locations")}
        else:
            _values, errs = self.directory.validate_service(self.service_form())
            errors = {f"service.{k}": v for k, v in errs.errors.items()}
            if self.category.text().strip() and not self._category_typed():
                errors["service.categories"] = (f"No category is called “{self.category.text().strip()}”: "
                                                "choose one from the suggestions, or clear the box.")
        if errors:
            self.show_errors(errors)
            return
        self.errors.clear()
        self.go(index + 1)

    # ---- the forms
    def organisation_form(self) -> OrganisationForm:
        venue = LocationForm(name=self.venue_name.text().strip(), address_1=self.address.text().strip(),
                             town=self.town.text().strip(), postcode=self.postcode.text().strip())
        return OrganisationForm(
            name=self.org_name.text().strip(), legal_status=self.kind.text().strip(),
            website=self.website.text().strip(), email=self.email.text().strip(),
            phones=[PhoneForm(self.phone.text().strip())] if self.phone.text().strip() else [],
            locations=[venue], client_key=self.keys[0])

    def service_form(self) -> ServiceForm:
        return ServiceForm(
            organisation_id=0, name=self.service_name.text().strip(),
            description=self.description.toPlainText().strip(), eligibility=self.eligibility.text().strip(),
            access=[r for r, box in self.access_boxes.items() if box.isChecked()],
            is_free=self.free.isChecked(), fee_description=self.fee.text().strip() if self.charge.isChecked()
            else "", service_area=self.area.text().strip(), by_phone=self.by_phone.isChecked(),
            online=self.online.isChecked(), category_ids=[self.category_ids[n] for n in self.chosen],
            client_key=self.keys[1])

    def show_errors(self, errors: dict[str, str]) -> None:
        order = [f"organisation.{k}" for k in _ORGANISATION_KEYS] + [f"service.{k}" for k in _SERVICE_KEYS] \
            + [f"organisation.locations[0].{k}" for k in _VENUE_KEYS]
        first = self.errors.show(errors, order=order)
        if first is None:
            return
        for index in range(self.stack.count()):
            if self.stack.widget(index).isAncestorOf(first):
                if index != self.stack.currentIndex():
                    self.go(index)
                break
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> bool:
        if self.saved is not None:  # a second Enter: it is saved already
            return True
        if self.stack.currentIndex() < len(STEPS) - 1:
            self.next_step()
            return False
        try:
            self.saved = self.directory.add_organisation_with_service(self.organisation_form(),
                                                                      self.service_form())
        except ValidationFailed as exc:
            self.show_errors(exc.errors)
            return False
        except PermissionDenied as exc:
            messages.warn(self, "Not allowed", str(exc))
            return False
        self.accept()
        return True

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: ServiceContext) -> ServiceDetail | None:
        """Show the form; the saved service (with its organisation), or None when cancelled."""
        dialog = cls(ctx, parent)
        try:
            return dialog.saved if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


__all__ = ["KINDS", "NewOrganisationDialog"]
