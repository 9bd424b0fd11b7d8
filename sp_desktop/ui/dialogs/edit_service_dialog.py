"""Add or edit a service, in four tabs: about it, getting in touch, when and where, languages and
categories."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sp_desktop.domain.enums import AccessRoute, PhoneType, ServiceStatus
from sp_desktop.domain.formatting import show_date
from sp_desktop.domain.validators import FieldError, normalise_email, normalise_url
from sp_desktop.services.base import ServiceContext, ValidationFailed
from sp_desktop.services.categories import CategoryService
from sp_desktop.services.directory import PhoneForm, ServiceDetail, ServiceForm, SlotForm
from sp_desktop.ui import messages
from sp_desktop.ui.widgets.edit_dialog import EditDialog
from sp_desktop.ui.widgets.field_errors import message_label
from sp_desktop.ui.widgets.phone_list_editor import PhoneListEditor
from sp_desktop.ui.widgets.schedule_editor import ScheduleEditor
from sp_desktop.ui.widgets.value_completer import offer_each_value, offer_values

_ID_ROLE = Qt.ItemDataRole.UserRole


def _age_spin(name: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(-1, 120)
    spin.setSpecialValueText("Any")
    spin.setValue(-1)
    spin.setMinimumWidth(90)
    return spin


def _text_box(placeholder: str, height: int = 70) -> QPlainTextEdit:
    """A few lines of text; Tab moves on (it does not type a tab)."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setPlaceholderText(placeholder)
    box.setMinimumHeight(height)
    box.setMaximumHeight(int(height * 1.6))
    return box


class _KeepEditing(ValidationFailed):
    """The person chose to keep editing after seeing old -> new: nothing is marked, nothing saved."""

    def __init__(self) -> None:
        super().__init__({})


class EditServiceDialog(EditDialog):
    entity = "service"
    field_order = ("organisation_id", "name", "alternate_name", "description", "eligibility", "min_age",
                   "max_age", "service_area", "status", "last_verified_on", "access", "application_process",
                   "referral_form_url", "phones", "email", "url", "fee_description", "schedule",
                   "schedule_notes", "locations", "languages", "interpretation", "categories")

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None, service_id: int | None = None,
                 organisation_id: int | None = None, suggest: bool = False) -> None:
        super().__init__(ctx, parent)
        self.service_id = service_id
        self.suggest = suggest and service_id is not None
        self.version: int | None = None
        self.setObjectName("edit_service_dialog")
        self._venue_org: int | None = None
        self._build()
        if service_id is not None:
            self.load(self.directory.get_service(service_id))
        else:
            self.setWindowTitle("New service")
            if organisation_id is not None:
                self.organisation.setCurrentIndex(max(0, self.organisation.findData(organisation_id)))
            self._load_venues([])
            self._show_chosen_categories()
            self.last_checked_label.setText("New: today's date is recorded when you save.")
        if self.suggest:
            self.setWindowTitle(f"Suggest a change — {self.name.text()}")
            self.save_button.setText("Send &suggestion")
            self.save_button.setAccessibleName("Send suggestion")
            self.save_button.setToolTip("Send the changed details to the vetting lead, who accepts or "
                                        "rejects them from Reviews due (Ctrl+S)")
            note = QLabel("This organisation is approved: what its leaflet says was checked. Correct the "
                          "details here and send them as a suggestion — nothing changes until the vetting "
                          "lead accepts it.")
            note.setObjectName("suggest_note")
            note.setWordWrap(True)
            layout = self.layout()
            if isinstance(layout, QVBoxLayout):
                layout.insertWidget(0, note)
            self.verified_check.setEnabled(False)
        self.mark_clean()
        self.resize(860, 680)
        (self.name if organisation_id is not None or service_id is not None else self.organisation).setFocus()

    # ---- building
    def _build(self) -> None:
        self._build_about()
        self._build_contact()
        self._build_when_where()
        self._build_languages()
        known = self.directory.known_values()  # suggestions as they type: "renf" offers "Renfrewshire"
        offer_values(self.service_area, known.areas)
        offer_each_value(self.languages, known.languages)
        names = [i.text(0) for i in self._category_items()]
        self.category_completer = offer_values(self.category_filter, names)
        activated: Any = self.category_completer.activated  # the overload that passes the text
        activated[str].connect(self._tick_category)

    def _build_about(self) -> None:
        form = self.form_tab("About the service")
        self.organisation = QComboBox()
        self.organisation.setObjectName("organisation")
        self.organisation.setMaxVisibleItems(25)
        self.organisation.addItem("Choose the organisation…", None)
        for oid, name in self.directory.organisations():
            self.organisation.addItem(name, oid)
        self.add_field(form, "organisation_id", "Run by", self.organisation, "The organisation that runs it")
        self.organisation.currentIndexChanged.connect(lambda _i: self._load_venues(self._checked_venues()))
        self.name = self.add_field(form, "name", "Service name", QLineEdit(),
                                   "What the service is called (required)")
        self.name.setPlaceholderText("Required, e.g. Debt advice appointments")
        self.alternate_name = self.add_field(form, "alternate_name", "Other name", QLineEdit())
        self.description = _text_box("What happens: what someone can expect when they go", 90)
        self.add_field(form, "description", "What it is", self.description)
        self.eligibility = _text_box("Who can use it, e.g. “Carers of any age living in Renfrewshire”", 55)
        self.add_field(form, "eligibility", "Who it is for", self.eligibility)
        ages = QWidget()
        row = QHBoxLayout(ages)
        row.setContentsMargins(0, 0, 0, 0)
        self.min_age = _age_spin("min_age")
        self.max_age = _age_spin("max_age")
        row.addWidget(QLabel("from"))
        row.addWidget(self.min_age)
        row.addWidget(QLabel("to"))
        row.addWidget(self.max_age)
        row.addStretch(1)
        self.add_field(form, "min_age", "Ages", ages)
        self.min_age.setAccessibleName("Youngest age (Any = no limit)")
        self.max_age.setAccessibleName("Oldest age (Any = no limit)")
        label = self.errors.resolve("min_age")[1]  # type: ignore[index]
        self.errors.register("min_age", self.min_age, label)
        self.errors.register("max_age", self.max_age, label)
        self.service_area = self.add_field(form, "service_area", "Area covered", QLineEdit())
        self.service_area.setPlaceholderText("e.g. Renfrewshire")
        self.status = QComboBox()
        for st in ServiceStatus:
            self.status.addItem(st.label, st)
        self.add_field(form, "status", "Status", self.status)
        checked = QWidget()
        col = QVBoxLayout(checked)
        col.setContentsMargins(0, 0, 0, 0)
        self.last_checked_label = QLabel("")
        self.last_checked_label.setWordWrap(True)
        col.addWidget(self.last_checked_label)
        line = QHBoxLayout()
        self.verified_check = QCheckBox("I checked the details are right on")
        self.verified_check.setObjectName("verified_check")
        self.verified_on = QDateEdit()
        self.verified_on.setObjectName("verified_on")
        self.verified_on.setDisplayFormat("d MMM yyyy")
        self.verified_on.setCalendarPopup(True)
        today = self.ctx.today()
        self.verified_on.setDate(QDate(today.year, today.month, today.day))
        self.verified_on.setMaximumDate(QDate(today.year, today.month, today.day))
        self.verified_on.setEnabled(False)
        self.verified_on.setAccessibleName("Date the details were checked")
        self.verified_check.toggled.connect(self.verified_on.setEnabled)
        line.addWidget(self.verified_check)
        line.addWidget(self.verified_on)
        line.addStretch(1)
        col.addLayout(line)
        self.add_field(form, "last_verified_on", "Last checked", checked)
        self.verified_check.setAccessibleName("I checked the details are right")
        self.errors.register("last_verified_on", self.verified_on,
                             self.errors.resolve("last_verified_on")[1])  # type: ignore[index]

    def _build_contact(self) -> None:
        page = self.add_tab("Getting in touch")
        outer = QVBoxLayout(page)
        form = self.new_form_layout()
        outer.addLayout(form)
        access = QWidget()
        access.setObjectName("access")
        access.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)  # so the error border shows
        grid = QHBoxLayout(access)
        grid.setContentsMargins(3, 2, 3, 2)
        self.access_boxes: dict[AccessRoute, QCheckBox] = {}
        for route in AccessRoute:
            box = QCheckBox(route.label)
            box.setObjectName(f"access_{route.value}")
            box.setAccessibleName(route.label)
            grid.addWidget(box)
            self.access_boxes[route] = box
        grid.addStretch(1)
        self.add_field(form, "access", "How to get in", access,
                       "Tick every way people can start (at least one)")
        access.setFocusProxy(self.access_boxes[AccessRoute.SELF_REFERRAL])
        self.application_process = _text_box("What to do, e.g. “Phone to book; ask for a call-back if you "
                                             "cannot talk freely”", 55)
        self.add_field(form, "application_process", "How to get in touch", self.application_process)
        self.referral_form_url = self.add_field(form, "referral_form_url", "Referral form link", QLineEdit())
        self.referral_form_url.setPlaceholderText("Web address of a referral form, if there is one")
        self.email = self.add_field(form, "email", "Email", QLineEdit())
        self.email.setPlaceholderText("Leave blank to use the organisation's")
        self.url = self.add_field(form, "url", "Web page", QLineEdit())
        self.url.setPlaceholderText("Leave blank to use the organisation's website")
        also = QWidget()
        also_row = QHBoxLayout(also)
        also_row.setContentsMargins(0, 0, 0, 0)
        self.by_phone = QCheckBox("By phone")
        self.by_phone.setObjectName("by_phone")
        self.online = QCheckBox("Online")
        self.online.setObjectName("online")
        also_row.addWidget(self.by_phone)
        also_row.addWidget(self.online)
        also_row.addStretch(1)
        self.add_field(form, "by_phone", "Also available", also)
        self.by_phone.setAccessibleName("Available by phone")
        self.online.setAccessibleName("Available online")
        cost = QWidget()
        cost_row = QHBoxLayout(cost)
        cost_row.setContentsMargins(0, 0, 0, 0)
        self.free = QRadioButton("Free")
        self.free.setObjectName("free")
        self.charge = QRadioButton("There is a charge:")
        self.charge.setObjectName("charge")
        # what a feed or spreadsheet left unsaid stays unsaid until someone here knows
        self.cost_not_stated = QRadioButton("Not stated")
        self.cost_not_stated.setObjectName("cost_not_stated")
        self.cost_not_stated.setAccessibleName("Cost not stated")
        self.cost_not_stated.setToolTip("The source did not say what it costs. Choose Free or There is a "
                                        "charge once you know.")
        group = QButtonGroup(self)
        group.addButton(self.free)
        group.addButton(self.charge)
        group.addButton(self.cost_not_stated)
        self.age_not_stated = False  # the source said nothing about ages; kept while both are "Not stated"
        self.free.setChecked(True)
        self.fee_description = QLineEdit()
        self.fee_description.setObjectName("fee_description")
        self.fee_description.setPlaceholderText("e.g. £3 a session; free for carers")
        self.fee_description.setAccessibleName("What it costs")
        cost_row.addWidget(self.free)
        cost_row.addWidget(self.cost_not_stated)
        cost_row.addWidget(self.charge)
        cost_row.addWidget(self.fee_description, 1)
        self.add_field(form, "fee_description", "Cost", cost)
        self.free.setAccessibleName("Free")
        self.charge.setAccessibleName("There is a charge")
        self.errors.register("fee_description", self.fee_description,
                             self.errors.resolve("fee_description")[1])  # type: ignore[index]
        self.charge.toggled.connect(self.fee_description.setEnabled)
        self.fee_description.setEnabled(False)
        self.phones = PhoneListEditor("Phone numbers for this service (blank: the organisation's are used)")
        outer.addSpacing(6)
        outer.addWidget(self.phones)
        outer.addStretch(1)
        self.errors.add_resolver(self.phones.resolve)
        self.phones.field_checked.connect(lambda k, m, w: self.errors.live(k, m or None, w))
        for key, edit, check in (("email", self.email, normalise_email), ("url", self.url, normalise_url),
                                 ("referral_form_url", self.referral_form_url, normalise_url)):
            edit.editingFinished.connect(lambda k=key, e=edit, c=check: self._live(k, e, c))

    def _build_when_where(self) -> None:
        page = self.add_tab("When and where")
        outer = QVBoxLayout(page)
        self.schedule = ScheduleEditor()
        outer.addWidget(self.schedule)
        self.errors.add_resolver(self.schedule.resolve)
        self.schedule.field_checked.connect(lambda k, m, w: self.errors.live(k, m or None, w))
        form = self.new_form_layout()
        outer.addLayout(form)
        self.schedule_notes = self.add_field(form, "schedule_notes", "Notes on times", QLineEdit())
        self.schedule_notes.setPlaceholderText("e.g. Closed on public holidays; term time only")
        outer.addSpacing(8)
        outer.addWidget(QLabel("<b>Where it meets</b> (the organisation's venues; none for phone or "
                               "online services)"))
        self.venues = QListWidget()
        self.venues.setObjectName("venues")
        self.venues.setAccessibleName("Venues where the service meets")
        self.venues.setMinimumHeight(110)
        outer.addWidget(self.venues)
        self.venues_note = QLabel("")
        self.venues_note.setWordWrap(True)
        outer.addWidget(self.venues_note)
        msg = message_label()
        outer.addWidget(msg)
        self.errors.register("locations", self.venues, msg)
        outer.addStretch(1)

    def _build_languages(self) -> None:
        page = self.add_tab("Languages and categories", scroll=False)
        outer = QVBoxLayout(page)
        form = self.new_form_layout()
        outer.addLayout(form)
        self.languages = self.add_field(form, "languages", "Languages", QLineEdit(),
                                        "Languages the service is offered in, separated by commas")
        self.languages.setPlaceholderText("e.g. English, Polish, Punjabi")
        self.interpretation = self.add_field(form, "interpretation", "Interpreting", QLineEdit())
        self.interpretation.setPlaceholderText("e.g. Interpreters can be arranged; say when you book")
        self.bsl = QCheckBox("British Sign Language (BSL) available")
        self.bsl.setObjectName("bsl")
        self.add_field(form, "bsl", "BSL", self.bsl)
        outer.addWidget(QLabel("<b>Categories</b> (tick every need it helps with)"))
        self.category_filter = QLineEdit()
        self.category_filter.setObjectName("category_filter")
        self.category_filter.setPlaceholderText("Type to find a category")
        self.category_filter.setAccessibleName("Find a category")
        self.category_filter.setClearButtonEnabled(True)
        self.category_filter.textChanged.connect(self._filter_categories)
        outer.addWidget(self.category_filter)
        self.categories = QTreeWidget()
        self.categories.setObjectName("categories")
        self.categories.setAccessibleName("Categories")
        self.categories.setHeaderHidden(True)
        self.categories.setUniformRowHeights(True)
        for top in CategoryService(self.ctx).tree():
            item = QTreeWidgetItem([top.name])
            item.setData(0, _ID_ROLE, top.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Unchecked)
            for child in top.children:
                sub = QTreeWidgetItem([child.name])
                sub.setData(0, _ID_ROLE, child.id)
                sub.setFlags(sub.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                sub.setCheckState(0, Qt.CheckState.Unchecked)
                item.addChild(sub)
            self.categories.addTopLevelItem(item)
        self.categories.expandAll()
        outer.addWidget(self.categories, 1)
        self.chosen_categories = QLabel("")
        self.chosen_categories.setObjectName("chosen_categories")
        self.chosen_categories.setWordWrap(True)
        outer.addWidget(self.chosen_categories)
        self.categories.itemChanged.connect(lambda *_: self._show_chosen_categories())
        msg = message_label()
        outer.addWidget(msg)
        self.errors.register("categories", self.categories, msg)

    # ---- behaviour
    def _live(self, key: str, edit: QLineEdit, check: object) -> None:
        text = edit.text().strip()
        message = None
        if text:
            try:
                check(text, key)  # type: ignore[operator]
            except FieldError as e:
                message = e.message
        self.errors.live(key, message)

    def _filter_categories(self, text: str) -> None:
        needle = text.strip().casefold()
        for top in self._top_items():
            top_match = needle in top.text(0).casefold()
            any_child = False
            for child in self._children(top):
                show = not needle or top_match or needle in child.text(0).casefold()
                child.setHidden(not show)
                any_child = any_child or show
            top.setHidden(bool(needle) and not (top_match or any_child))

    def _tick_category(self, name: str) -> None:
        """A category chosen from the suggestions is ticked; the box is ready for the next one."""
        for item in self._category_items():
            if item.text(0) == name:
                item.setCheckState(0, Qt.CheckState.Checked)
                self.categories.scrollToItem(item)
                break
        # after the completer has put the chosen name in the box: empty it for the next category
        QTimer.singleShot(0, self.category_filter.clear)

    def _show_chosen_categories(self) -> None:
        names = [i.text(0) for i in self._category_items() if i.checkState(0) == Qt.CheckState.Checked]
        self.chosen_categories.setText("Chosen: " + "; ".join(names) if names
                                       else "No categories chosen yet.")

    def _top_items(self) -> list[QTreeWidgetItem]:
        items = (self.categories.topLevelItem(i) for i in range(self.categories.topLevelItemCount()))
        return [i for i in items if i is not None]

    @staticmethod
    def _children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
        return [c for c in (item.child(j) for j in range(item.childCount())) if c is not None]

    def _category_items(self) -> list[QTreeWidgetItem]:
        out = []
        for top in self._top_items():
            out.append(top)
            out.extend(self._children(top))
        return out

    def _checked_venues(self) -> list[int]:
        return [int(self.venues.item(i).data(_ID_ROLE)) for i in range(self.venues.count())
                if self.venues.item(i).checkState() == Qt.CheckState.Checked]

    def _load_venues(self, checked: list[int]) -> None:
        org_id = self.organisation.currentData()
        self.venues.clear()
        if org_id is None:
            self.venues_note.setText("Choose the organisation first to see its venues.")
            return
        org = self.directory.get_organisation(int(org_id))
        for loc in org.locations:
            item = QListWidgetItem(", ".join(loc.address_lines) or f"Venue {loc.id}")
            item.setData(_ID_ROLE, loc.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if loc.id in checked else Qt.CheckState.Unchecked)
            self.venues.addItem(item)
        self.venues_note.setText(
            "" if org.locations else f"{org.name} has no venues yet. Add them with Edit organisation "
                                     "(Ctrl+E); phone and online services need none.")

    # ---- data
    def load(self, d: ServiceDetail) -> None:
        self.service_id = d.id
        self.version = d.version
        self.setWindowTitle(f"Edit service — {d.name}")
        index = self.organisation.findData(d.organisation.id)
        if index < 0:  # an archived organisation is not in the picker
            self.organisation.addItem(f"{d.organisation.name} (archived)", d.organisation.id)
            index = self.organisation.count() - 1
        self.organisation.blockSignals(True)
        self.organisation.setCurrentIndex(index)
        self.organisation.blockSignals(False)
        self.name.setText(d.name)
        self.alternate_name.setText(d.alternate_name or "")
        self.description.setPlainText(d.description or "")
        self.eligibility.setPlainText(d.eligibility or "")
        self.min_age.setValue(-1 if d.min_age is None else d.min_age)
        self.max_age.setValue(-1 if d.max_age is None else d.max_age)
        self._set_age_not_stated(d.age_not_stated)
        self.service_area.setText(d.service_area or "")
        self.status.setCurrentIndex(max(0, self.status.findData(d.status)))
        checked = "Never checked."
        if d.last_verified_on:
            checked = show_date(d.last_verified_on)
            checked += f" by {d.last_verified_by}" if d.last_verified_by else ""
        elif d.publisher_note:
            checked = "Never checked by the practice. " + d.publisher_note
        self.last_checked_label.setText(checked)
        self.verified_check.setChecked(False)
        for route, box in self.access_boxes.items():
            box.setChecked(route in d.access)
        self.application_process.setPlainText(d.application_process or "")
        self.referral_form_url.setText(d.referral_form_url or "")
        self.email.setText(d.email or "")
        self.url.setText(d.url or "")
        self.by_phone.setChecked(d.by_phone)
        self.online.setChecked(d.online)
        cost_button = self.cost_not_stated if d.cost_not_stated and not d.fee_description else (
            self.free if d.is_free else self.charge)
        cost_button.setChecked(True)
        self.fee_description.setText(d.fee_description or "")
        self.phones.set_values(list(d.phones))
        self.schedule.set_values([SlotForm(s.weekday, s.opens or "", s.closes or "", s.note or "")
                                  for s in d.schedule])
        self.schedule_notes.setText(d.schedule_notes or "")
        self._load_venues([loc.id for loc in d.locations])
        self.languages.setText(", ".join(d.languages))
        self.interpretation.setText(d.interpretation or "")
        self.bsl.setChecked(d.bsl)
        chosen = {c.id for c in d.categories}
        for item in self._category_items():
            item.setCheckState(0, Qt.CheckState.Checked if item.data(0, _ID_ROLE) in chosen
                               else Qt.CheckState.Unchecked)
        self._show_chosen_categories()

    def _set_age_not_stated(self, not_stated: bool) -> None:
        """Ages the source did not state read "Not stated" (not "Any", which would say all ages)."""
        self.age_not_stated = not_stated
        for spin in (self.min_age, self.max_age):
            spin.setSpecialValueText("Not stated" if not_stated else "Any")

    def to_form(self) -> ServiceForm:
        org_id = self.organisation.currentData()
        verified: date | None = None
        if self.verified_check.isChecked():
            verified = self.verified_on.date().toPython()  # type: ignore[assignment]
        return ServiceForm(
            organisation_id=int(org_id) if org_id is not None else 0,
            name=self.name.text().strip(),
            alternate_name=self.alternate_name.text().strip(),
            description=self.description.toPlainText().strip(),
            url=self.url.text().strip(),
            email=self.email.text().strip(),
            eligibility=self.eligibility.toPlainText().strip(),
            min_age=None if self.min_age.value() < 0 else self.min_age.value(),
            max_age=None if self.max_age.value() < 0 else self.max_age.value(),
            access=[r for r, box in self.access_boxes.items() if box.isChecked()],
            application_process=self.application_process.toPlainText().strip(),
            referral_form_url=self.referral_form_url.text().strip(),
            is_free=self.free.isChecked(),
            fee_description="" if self.cost_not_stated.isChecked() else self.fee_description.text().strip(),
            cost_not_stated=self.cost_not_stated.isChecked(),
            age_not_stated=self.age_not_stated and self.min_age.value() < 0 and self.max_age.value() < 0,
            languages=[x.strip() for x in self.languages.text().split(",") if x.strip()],
            interpretation=self.interpretation.text().strip(),
            bsl=self.bsl.isChecked(),
            by_phone=self.by_phone.isChecked(),
            online=self.online.isChecked(),
            schedule=self.schedule.values(),
            schedule_notes=self.schedule_notes.text().strip(),
            service_area=self.service_area.text().strip(),
            status=ServiceStatus(self.status.currentData()),
            category_ids=[int(i.data(0, _ID_ROLE)) for i in self._category_items()
                          if i.checkState(0) == Qt.CheckState.Checked],
            location_ids=self._checked_venues(),
            phones=self.phones.values(),
            last_verified_on=verified,
        )

    def warnings_for(self, form: ServiceForm) -> dict[str, str]:
        return dict(self.directory.validate_service(form)[1].warnings)

    def save_form(self, form: ServiceForm) -> ServiceDetail:
        if not form.organisation_id:
            errors = dict(self.directory.validate_service(form)[1].errors)
            errors["organisation_id"] = "Choose the organisation that runs this service."
            raise ValidationFailed(errors)
        from sp_desktop.services.suggestions import SuggestionService

        if self.service_id is not None:
            suggestions = SuggestionService(self.ctx)
            if self.suggest:
                suggestions.suggest_service_change(self.service_id, form)
                return self.directory.get_service(self.service_id)
            if suggestions.needs_confirmation(self.service_id):
                changes = suggestions.patient_facing_changes(self.service_id, form)
                if changes and not self.confirm_changes(changes):
                    raise _KeepEditing
        return self.directory.save_service(form, self.service_id, expected_version=self.version)

    def confirm_changes(self, changes: list[Any]) -> bool:
        """An approved organisation's service: show what the leaflet will say differently, once."""
        lines = "\n".join(f"• {c.label}: “{c.theirs or '(blank)'}” → “{c.mine or '(blank)'}”"
                          for c in changes)
        return messages.confirm(self, "Change what the leaflet says?",
                                f"This organisation is approved. Saving changes what its leaflets say:\n\n"
                                f"{lines}\n\nSave these changes?", yes="&Save the changes",
                                no="&Keep editing")

    def reload(self) -> None:
        if self.service_id is not None:
            self.load(self.directory.get_service(self.service_id))
            self.mark_clean()

    def record_label(self) -> str:
        name = self.name.text().strip()
        return f"the service “{name}”" if name else "this new service"

    # ---- drafts (sp_desktop.ui.crash): unsaved typing survives a crash and is offered next start
    def draft(self) -> dict[str, Any] | None:
        if not self.is_dirty():
            return None
        form = asdict(self.to_form())
        form["access"] = [a.value for a in form["access"]]
        form["status"] = form["status"].value
        form["phones"] = [{**p, "type": p["type"].value} for p in form["phones"]]
        verified = form["last_verified_on"]
        form["last_verified_on"] = verified.isoformat() if verified else None
        return {"service_id": self.service_id, "version": self.version, "form": form}

    def restore_draft(self, state: dict[str, Any]) -> None:
        f = dict(state["form"])
        self.version = state.get("version", self.version)  # a save then still notices others' changes
        index = self.organisation.findData(f.get("organisation_id"))
        if index >= 0:
            self.organisation.blockSignals(True)
            self.organisation.setCurrentIndex(index)
            self.organisation.blockSignals(False)
        self.name.setText(f.get("name", ""))
        self.alternate_name.setText(f.get("alternate_name", ""))
        self.description.setPlainText(f.get("description", ""))
        self.eligibility.setPlainText(f.get("eligibility", ""))
        self.min_age.setValue(-1 if f.get("min_age") is None else f["min_age"])
        self.max_age.setValue(-1 if f.get("max_age") is None else f["max_age"])
        self.service_area.setText(f.get("service_area", ""))
        self.status.setCurrentIndex(max(0, self.status.findData(ServiceStatus(f["status"]))))
        for route, box in self.access_boxes.items():
            box.setChecked(route.value in f.get("access", []))
        self.application_process.setPlainText(f.get("application_process", ""))
        self.referral_form_url.setText(f.get("referral_form_url", ""))
        self.email.setText(f.get("email", ""))
        self.url.setText(f.get("url", ""))
        self.by_phone.setChecked(bool(f.get("by_phone")))
        self.online.setChecked(bool(f.get("online")))
        (self.cost_not_stated if f.get("cost_not_stated") else
         self.free if f.get("is_free", True) else self.charge).setChecked(True)
        self.fee_description.setText(f.get("fee_description", ""))
        self._set_age_not_stated(bool(f.get("age_not_stated")))
        self.phones.set_values([PhoneForm(p["number"], PhoneType(p["type"]), p.get("description", ""))
                                for p in f.get("phones", [])])
        self.schedule.set_values([SlotForm(**slot) for slot in f.get("schedule", [])])
        self.schedule_notes.setText(f.get("schedule_notes", ""))
        self._load_venues(list(f.get("location_ids", [])))
        self.languages.setText(", ".join(f.get("languages", [])))
        self.interpretation.setText(f.get("interpretation", ""))
        self.bsl.setChecked(bool(f.get("bsl")))
        chosen = set(f.get("category_ids", []))
        for item in self._category_items():
            item.setCheckState(0, Qt.CheckState.Checked if item.data(0, _ID_ROLE) in chosen
                               else Qt.CheckState.Unchecked)
        self._show_chosen_categories()
        if f.get("last_verified_on"):
            self.verified_check.setChecked(True)
            self.verified_on.setDate(QDate.fromString(f["last_verified_on"], "yyyy-MM-dd"))

    @classmethod
    def open_for_draft(cls, ctx: ServiceContext, parent: QWidget | None,
                       state: dict[str, Any]) -> EditServiceDialog:
        return cls(ctx, parent, state.get("service_id"), state["form"].get("organisation_id") or None)

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: ServiceContext, service_id: int | None = None,
            organisation_id: int | None = None, suggest: bool = False) -> ServiceDetail | None:
        """Show the dialog; returns the saved service, or None if the person cancelled."""
        dialog = cls(ctx, parent, service_id, organisation_id, suggest=suggest)
        try:
            return dialog.result_detail if dialog.exec() == EditDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


__all__ = ["EditServiceDialog"]
