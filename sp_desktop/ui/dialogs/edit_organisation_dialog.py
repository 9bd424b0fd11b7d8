"""Add or edit an organisation: details, phone numbers and people, venues (three tabs)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.enums import OrganisationStatus, PhoneType, RegisterKind
from sp_desktop.domain.organisation_kind import KIND_LABELS
from sp_desktop.domain.validators import FieldError, normalise_email, normalise_url
from sp_desktop.services.base import Permission, ServiceContext, can
from sp_desktop.services.directory import (
    ContactForm,
    LocationForm,
    OrganisationDetail,
    OrganisationForm,
    PhoneForm,
)
from sp_desktop.ui.widgets.contact_list_editor import ContactListEditor
from sp_desktop.ui.widgets.edit_dialog import EditDialog
from sp_desktop.ui.widgets.kind_hint import kind_hint
from sp_desktop.ui.widgets.phone_list_editor import PhoneListEditor
from sp_desktop.ui.widgets.value_completer import offer_values
from sp_desktop.ui.widgets.venue_list_editor import VenueListEditor


class EditOrganisationDialog(EditDialog):
    entity = "organisation"
    field_order = ("name", "alternate_name", "description", "website", "email", "legal_status",
                   "register_kind", "registration_number", "status", "phones", "contacts", "locations")

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None,
                 organisation_id: int | None = None) -> None:
        super().__init__(ctx, parent)
        self.organisation_id = organisation_id
        self.version: int | None = None
        self.setObjectName("edit_organisation_dialog")
        self._build()
        if organisation_id is not None:
            self.load(self.directory.get_organisation(organisation_id))
        else:
            self.setWindowTitle("New organisation")
        self.mark_clean()
        self.resize(900, 640)
        self.name.setFocus()

    # ---- building
    def _build(self) -> None:
        form = self.form_tab("Details")
        self.name = self.add_field(form, "name", "Name", QLineEdit(),
                                   "The organisation's name as people know it (required)")
        self.name.setPlaceholderText("Required, e.g. Cartvale Money Advice Project")
        self.alternate_name = self.add_field(form, "alternate_name", "Other name", QLineEdit(),
                                             "Another name or abbreviation people use")
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setPlaceholderText("What the organisation does, in a few plain sentences")
        self.description.setMinimumHeight(90)
        self.description.setMaximumHeight(150)
        self.add_field(form, "description", "What it does", self.description)
        self.website = self.add_field(form, "website", "Website", QLineEdit())
        self.website.setPlaceholderText("e.g. www.example.org")
        self.email = self.add_field(form, "email", "Email", QLineEdit())
        self.email.setPlaceholderText("e.g. hello@example.org")
        self.legal_status = self.add_field(form, "legal_status", "Kind (legal status)", QLineEdit(),
                                           "What kind of organisation it is, e.g. Community group, "
                                           "Registered charity, SCIO: it decides the vetting checklist")
        self.legal_status.setPlaceholderText("e.g. Community group, Registered charity, SCIO")
        form.addRow("", kind_hint(self.legal_status, "kind_hint"))
        reg = QWidget()
        reg_row = QHBoxLayout(reg)
        reg_row.setContentsMargins(0, 0, 0, 0)
        self.register_kind = QComboBox()
        self.register_kind.setObjectName("register_kind")
        self.register_kind.setAccessibleName("Register")
        for kind in RegisterKind:
            self.register_kind.addItem(kind.label, kind)
        self.register_kind.setCurrentIndex(self.register_kind.findData(RegisterKind.NONE))
        reg_row.addWidget(self.register_kind, 2)
        self.registration_number = QLineEdit()
        self.registration_number.setObjectName("registration_number")
        reg_row.addWidget(self.registration_number, 1)
        self.add_field(form, "registration_number", "Registered with", reg)
        self.register_kind.setAccessibleName("Register")
        self.registration_number.setAccessibleName("Registration number")
        self.errors.register("registration_number", self.registration_number,
                             self.errors.resolve("registration_number")[1])  # type: ignore[index]
        self.register_kind.currentIndexChanged.connect(self._register_changed)
        self._register_changed()
        self.status = QComboBox()
        for st in OrganisationStatus:
            self.status.addItem(st.label, st)
        self.add_field(form, "status", "Status", self.status)

        for key, edit, check in (("website", self.website, normalise_url),
                                 ("email", self.email, normalise_email)):
            edit.editingFinished.connect(lambda k=key, e=edit, c=check: self._live(k, e, c))

        people = self.add_tab("Phones and people")
        lay = QVBoxLayout(people)
        self.phones = PhoneListEditor("Phone numbers (on leaflets when a service has none of its own)")
        self.contacts = ContactListEditor()
        lay.addWidget(self.phones)
        lay.addSpacing(12)
        lay.addWidget(self.contacts)
        lay.addStretch(1)

        venues = self.add_tab("Venues")
        vlay = QVBoxLayout(venues)
        self.venues = VenueListEditor(may_mark_confidential=can(self.ctx.actor, Permission.VET))
        vlay.addWidget(self.venues)
        vlay.addStretch(1)

        known = self.directory.known_values()  # suggestions as they type: "pai" offers "Paisley"
        offer_values(self.legal_status, list(dict.fromkeys([*KIND_LABELS, *known.legal_statuses])))
        self.venues.suggest_towns(known.towns)

        for editor in (self.phones, self.contacts, self.venues):
            self.errors.add_resolver(editor.resolve)
            editor.field_checked.connect(lambda k, m, w: self.errors.live(k, m or None, w))

    def _register_changed(self) -> None:
        kind = RegisterKind(self.register_kind.currentData())
        none = kind is RegisterKind.NONE
        self.registration_number.setEnabled(not none)
        examples = {RegisterKind.OSCR: "e.g. SC012345", RegisterKind.CCEW: "e.g. 1123456",
                    RegisterKind.CCNI: "e.g. NIC100123", RegisterKind.COMPANIES_HOUSE: "e.g. SC123456"}
        self.registration_number.setPlaceholderText("" if none else examples.get(kind, ""))

    def _live(self, key: str, edit: QLineEdit, check: object) -> None:
        text = edit.text().strip()
        message = None
        if text:
            try:
                check(text, key)  # type: ignore[operator]
            except FieldError as e:
                message = e.message
        self.errors.live(key, message)

    # ---- data
    def load(self, org: OrganisationDetail) -> None:
        self.organisation_id = org.id
        self.version = org.version
        self.setWindowTitle(f"Edit organisation — {org.name}")
        self.name.setText(org.name)
        self.alternate_name.setText(org.alternate_name or "")
        self.description.setPlainText(org.description or "")
        self.website.setText(org.website or "")
        self.email.setText(org.email or "")
        self.legal_status.setText(org.legal_status or "")
        self.register_kind.setCurrentIndex(max(0, self.register_kind.findData(org.register_kind)))
        self.registration_number.setText(org.registration_number or "")
        self.status.setCurrentIndex(max(0, self.status.findData(org.status)))
        self.phones.set_values(list(org.phones))
        self.contacts.set_values(list(org.contacts))
        self.venues.set_values(list(org.locations))

    def to_form(self) -> OrganisationForm:
        # Qt hands string enums back as plain strings: turn them back into the enums.
        register = RegisterKind(self.register_kind.currentData())
        return OrganisationForm(
            name=self.name.text().strip(),
            alternate_name=self.alternate_name.text().strip(),
            description=self.description.toPlainText().strip(),
            website=self.website.text().strip(),
            email=self.email.text().strip(),
            legal_status=self.legal_status.text().strip(),
            register_kind=register,
            registration_number=self.registration_number.text().strip() if register is not RegisterKind.NONE
            else "",
            status=OrganisationStatus(self.status.currentData()),
            phones=self.phones.values(),
            contacts=self.contacts.values(),
            locations=self.venues.values(),
        )

    def warnings_for(self, form: OrganisationForm) -> dict[str, str]:
        return dict(self.directory.validate_organisation(form)[1].warnings)

    def save_form(self, form: OrganisationForm) -> OrganisationDetail:
        return self.directory.save_organisation(form, self.organisation_id, expected_version=self.version)

    def reload(self) -> None:
        if self.organisation_id is not None:
            self.load(self.directory.get_organisation(self.organisation_id))
            self.mark_clean()

    def record_label(self) -> str:
        name = self.name.text().strip()
        return f"the organisation “{name}”" if name else "this new organisation"

    # ---- drafts (sp_desktop.ui.crash): unsaved typing survives a crash and is offered next start
    def draft(self) -> dict[str, Any] | None:
        if not self.is_dirty():
            return None
        form = asdict(self.to_form())
        form["register_kind"] = form["register_kind"].value
        form["status"] = form["status"].value
        for phone in form["phones"]:
            phone["type"] = phone["type"].value
        return {"organisation_id": self.organisation_id, "version": self.version, "form": form}

    def restore_draft(self, state: dict[str, Any]) -> None:
        f = dict(state["form"])
        self.version = state.get("version", self.version)  # a save then still notices others' changes
        self.name.setText(f.get("name", ""))
        self.alternate_name.setText(f.get("alternate_name", ""))
        self.description.setPlainText(f.get("description", ""))
        self.website.setText(f.get("website", ""))
        self.email.setText(f.get("email", ""))
        self.legal_status.setText(f.get("legal_status", ""))
        register = RegisterKind(f["register_kind"])
        self.register_kind.setCurrentIndex(max(0, self.register_kind.findData(register)))
        self.registration_number.setText(f.get("registration_number", ""))
        self.status.setCurrentIndex(max(0, self.status.findData(OrganisationStatus(f["status"]))))
        self.phones.set_values([PhoneForm(p["number"], PhoneType(p["type"]), p.get("description", ""))
                                for p in f.get("phones", [])])
        self.contacts.set_values([ContactForm(**c) for c in f.get("contacts", [])])
        self.venues.set_values([LocationForm(**v) for v in f.get("locations", [])])

    @classmethod
    def open_for_draft(cls, ctx: ServiceContext, parent: QWidget | None,
                       state: dict[str, Any]) -> EditOrganisationDialog:
        return cls(ctx, parent, state.get("organisation_id"))

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: ServiceContext,
            organisation_id: int | None = None) -> OrganisationDetail | None:
        """Show the dialog; returns the saved organisation, or None if the person cancelled."""
        dialog = cls(ctx, parent, organisation_id)
        try:
            return dialog.result_detail if dialog.exec() == EditDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


__all__ = ["EditOrganisationDialog"]
