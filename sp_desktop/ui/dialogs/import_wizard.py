"""The import wizard: choose the file → say which column holds what (or map the feed's categories)
→ check every problem by row and column and what will change → decide about likely duplicates
and records edited here → import in the background, with progress and Cancel.

Nothing is written until the last page; the import itself is one transaction, so Cancel or a
failure leaves the directory exactly as it was. All the work is done by `ImportService`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from sp_desktop.domain.enums import AccessRoute
from sp_desktop.interop.records import Feed
from sp_desktop.interop.spreadsheet import FIELD_BY_KEY, FIELDS, IGNORE
from sp_desktop.services.base import ServiceContext
from sp_desktop.services.imports import (
    FORMAT_LABELS,
    ImportChoices,
    ImportFailed,
    ImportPlan,
    ImportResult,
    ImportService,
    LoadedFile,
)
from sp_desktop.services.imports import (
    IGNORE as TERM_IGNORE,
)
from sp_desktop.services.imports import (
    NEW as TERM_NEW,
)
from sp_desktop.services.tasks import Progress, check
from sp_desktop.ui import messages
from sp_desktop.ui.tasks import TaskRunner, run_with_progress
from sp_desktop.ui.widgets.tables import ResizeMode, configure_table

PAGE_FILE, PAGE_COLUMNS, PAGE_CATEGORIES, PAGE_PREVIEW, PAGE_MATCHES, PAGE_IMPORT = range(6)
FILE_FILTERS = ("Spreadsheets and Open Referral files (*.csv *.xlsx *.xlsm *.txt *.tsv *.json *.zip);;"
                "Spreadsheets (*.csv *.xlsx *.xlsm *.txt *.tsv);;Open Referral (*.json *.zip);;All files (*)")
_FORMATS = [("auto", "Work it out from the file"), *FORMAT_LABELS.items()]
_ERROR = "✗ Error"
_WARNING = "! Warning"


def _table(name: str, headers: list[str], accessible: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    configure_table(table, name=name, accessible_name=accessible, single_selection=False,
                    resize_mode=ResizeMode.ResizeToContents, stretch_last=True)
    return table


def _item(text: str, data: Any = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(text)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    return item


def _data(table: QTableWidget, row: int, column: int) -> Any:
    item = table.item(row, column)
    return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


# --------------------------------------------------------------------------- pages
class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Choose the file to import")
        self.setSubTitle(
            "A spreadsheet (CSV or Excel) or an Open Referral feed: a JSON file, or "
            "a data package as a zip file or a folder of CSV files."
        )
        self.setToolTip("Open Referral feeds: the Human Services Data Specification (HSDS) 3.0 and Open "
                        "Referral UK (ORUK)")
        self.path = QLineEdit()
        self.path.setObjectName("import_path")
        self.path.setAccessibleName("File or folder to import")
        self.path.setPlaceholderText("Choose a file…")
        self.path.textChanged.connect(self.completeChanged)
        browse = QPushButton("Choose &file…")
        browse.setAccessibleName("Choose a file to import")
        browse.clicked.connect(self.choose_file)
        folder = QPushButton("Choose f&older…")
        folder.setAccessibleName("Choose the folder of an Open Referral data package")
        folder.clicked.connect(self.choose_folder)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        row.addWidget(folder)
        self.format = QComboBox()
        self.format.setObjectName("import_format")
        self.format.setAccessibleName("What the file is")
        for key, label in _FORMATS:
            self.format.addItem(label, key)
        fmt_label = QLabel("&What it is:")
        fmt_label.setBuddy(self.format)
        fmt_row = QHBoxLayout()
        fmt_row.addWidget(fmt_label)
        fmt_row.addWidget(self.format, 1)
        self.sheet = QComboBox()
        self.sheet.setObjectName("import_sheet")
        self.sheet.setAccessibleName("Sheet of the workbook to import")
        self.sheet_label = QLabel("&Sheet:")
        self.sheet_label.setBuddy(self.sheet)
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(self.sheet_label)
        sheet_row.addWidget(self.sheet, 1)
        self.sheet.setVisible(False)
        self.sheet_label.setVisible(False)
        note = QLabel(
            "Nothing is changed until the last step. New organisations arrive as <b>not checked</b>, "
            "and the file's name and today's date go into their history."
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(fmt_row)
        layout.addLayout(sheet_row)
        layout.addSpacing(12)
        layout.addWidget(note)
        layout.addStretch(1)

    def choose_file(self) -> None:
        chosen = messages.open_file(self, "Choose the file to import", FILE_FILTERS,
                                    str(Path(self.path.text()).parent) if self.path.text() else "")
        if chosen:
            self.path.setText(chosen)

    def choose_folder(self) -> None:
        chosen = messages.open_folder(self, "Choose the data package folder")
        if chosen:
            self.path.setText(chosen)

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        return bool(self.path.text().strip())

    def validatePage(self) -> bool:  # noqa: N802 (Qt override)
        sheet = self.sheet.currentText() if self.sheet.isVisible() and self.sheet.count() else None
        path, fmt = self.path.text().strip(), self.format.currentData()
        service, choices = self.w.service, ImportChoices()

        def work(_progress: Any) -> tuple[LoadedFile, ImportPlan | None]:
            loaded = service.open(path, fmt, sheet)
            return loaded, service.plan(loaded.feed, choices) if loaded.feed is not None else None

        def apply(result: tuple[LoadedFile, ImportPlan | None]) -> bool:
            loaded, plan = result
            if loaded.table is not None and len(loaded.table.sheet_names) > 1 and not self.sheet.isVisible():
                self.sheet.addItems(list(loaded.table.sheet_names))
                self.sheet.setCurrentText(loaded.table.sheet)
                self.sheet.setVisible(True)
                self.sheet_label.setVisible(True)
            self.w.set_loaded(loaded)
            self.w.choices = choices
            self.w.plan = plan
            return True

        return self.w.in_background(self, "Reading the file…", work, apply)

    def nextId(self) -> int:  # noqa: N802 (Qt override)
        loaded = self.w.loaded
        if loaded is None or loaded.is_spreadsheet:
            return PAGE_COLUMNS
        return PAGE_CATEGORIES if self.w.plan is not None and self.w.used_terms() else PAGE_PREVIEW


class ColumnsPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Which column holds what?")
        self.setSubTitle(
            "sp_desktop guessed from the headings (and from what you chose last time). Change any "
            "that are wrong; choose “(don't import)” for columns to leave out."
        )
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.table = _table("column_table", ["Column in your file", "Examples", "Import as"], "Columns")
        self.create_categories = QCheckBox("&Add categories that are not in the practice's list")
        self.create_categories.setAccessibleName("Add categories that are not in the practice's list")
        self.remember = QCheckBox("&Remember these choices for next time")
        self.remember.setChecked(True)
        self.remember.setAccessibleName("Remember these column choices for next time")
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.create_categories)
        layout.addWidget(self.remember)

    def initializePage(self) -> None:  # noqa: N802 (Qt override)
        loaded = self.w.loaded
        assert loaded is not None and loaded.table is not None
        table = loaded.table
        self.info.setText(f"{table.path.name}: {table.describe}; headings on row {table.header_row}.")
        self.table.setRowCount(len(table.headers))
        for i, heading in enumerate(table.headers):
            self.table.setItem(i, 0, _item(heading))
            self.table.setItem(i, 1, _item("; ".join(table.column_values(i))))
            combo = QComboBox()
            combo.setAccessibleName(f"Import the column “{heading}” as")
            combo.addItem("(don't import)", IGNORE)
            for f in FIELDS:
                combo.addItem(f.label + (" (needed)" if f.required else ""), f.key)
            combo.setCurrentIndex(max(combo.findData(self.w.mapping.get(i, IGNORE)), 0))
            combo.currentIndexChanged.connect(self.completeChanged)
            self.table.setCellWidget(i, 2, combo)
        self.table.resizeRowsToContents()

    def mapping(self) -> dict[int, str]:
        out = {}
        for i in range(self.table.rowCount()):
            combo = self.table.cellWidget(i, 2)
            out[i] = str(combo.currentData()) if isinstance(combo, QComboBox) else IGNORE
        return out

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        return "organisation" in self.mapping().values()

    def validatePage(self) -> bool:  # noqa: N802 (Qt override)
        mapping = self.mapping()
        used = [k for k in mapping.values() if k]
        doubled = sorted({FIELD_BY_KEY[k].label for k in used if used.count(k) > 1 and k not in
                          ("description", "phone", "eligibility", "opening_notes", "accessibility")})
        if doubled:
            messages.warn(self, "A field is chosen twice", "These are chosen for more than one column: "
                          + ", ".join(doubled) + ". Choose “(don't import)” for the extra ones.")
            return False
        self.w.mapping = mapping
        self.w.create_categories = self.create_categories.isChecked()
        assert self.w.loaded is not None and self.w.loaded.table is not None
        headers = self.w.loaded.table.headers
        self.w.choices.remember_columns = ({headers[i]: k for i, k in mapping.items()}
                                           if self.remember.isChecked() else None)
        return self.w.read_and_plan(self)

    def nextId(self) -> int:  # noqa: N802 (Qt override)
        return PAGE_PREVIEW


class CategoriesPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("The feed's categories")
        self.setSubTitle(
            "Each category the feed uses can become one of the practice's own, be added as a new "
            "category, or be left out."
        )
        self.table = _table("term_table", ["Category in the feed", "Taxonomy", "Services", "Use as"],
                            "Categories in the feed")
        leave_out = QPushButton("&Leave out all that match none of ours")
        leave_out.setAccessibleName("Leave out every feed category that matches none of the practice's")
        leave_out.clicked.connect(self.leave_out_unmatched)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(leave_out, 0, Qt.AlignmentFlag.AlignLeft)

    def initializePage(self) -> None:  # noqa: N802 (Qt override)
        terms = self.w.used_terms()
        cats = self.w.service.categories()
        self.table.setRowCount(len(terms))
        for row, t in enumerate(terms):
            self.table.setItem(row, 0, _item(t.name, t.term_id))
            self.table.setItem(row, 1, _item(t.taxonomy or ""))
            self.table.setItem(row, 2, _item(str(t.service_count)))
            combo = QComboBox()
            combo.setAccessibleName(f"Use the feed's category “{t.name}” as")
            combo.addItem("Add as a new category", TERM_NEW)
            combo.addItem("Leave out", TERM_IGNORE)
            for c in cats:
                combo.addItem(c.label, c.id)
            combo.setCurrentIndex(max(combo.findData(t.target), 0))
            self.table.setCellWidget(row, 3, combo)
        self.table.resizeRowsToContents()

    def leave_out_unmatched(self) -> None:
        for row in range(self.table.rowCount()):
            combo = self.table.cellWidget(row, 3)
            if isinstance(combo, QComboBox) and combo.currentData() == TERM_NEW:
                combo.setCurrentIndex(combo.findData(TERM_IGNORE))

    def validatePage(self) -> bool:  # noqa: N802 (Qt override)
        for row in range(self.table.rowCount()):
            combo = self.table.cellWidget(row, 3)
            term_id = _data(self.table, row, 0)
            if isinstance(combo, QComboBox):
                self.w.choices.terms[str(term_id)] = combo.currentData()
        return self.w.make_plan(self)

    def nextId(self) -> int:  # noqa: N802 (Qt override)
        return PAGE_PREVIEW


class PreviewPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Check before importing")
        self.setSubTitle("Every problem is listed with its row and column. Nothing has been changed yet.")
        self.summary = QLabel()
        self.summary.setObjectName("import_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems = _table("problem_table", ["", "Row", "Where", "Problem"], "Problems found in the file")
        self.changes = _table("change_table", ["What will happen", "Name", "Organisation", "Details"],
                              "What the import will change")
        self.skip_bad = QCheckBox("Leave out the rows with errors (✗) and import the rest")
        self.skip_bad.setObjectName("skip_bad_rows")
        self.skip_bad.setAccessibleName("Leave out the rows with errors and import the rest")
        self.skip_bad.toggled.connect(self.skip_toggled)
        self.skip_fields = QCheckBox("Import those rows without the bad fields (each is listed)")
        self.skip_fields.setObjectName("skip_bad_fields")
        self.skip_fields.setAccessibleName("Import rows with a bad field without that field")
        self.skip_fields.toggled.connect(self.skip_toggled)
        # nothing is assumed about how people get to a service unless the person importing says so
        self.assume = QComboBox()
        self.assume.setObjectName("assume_access")
        self.assume.setAccessibleName("How people get to services whose file does not say")
        self.assume.addItem("Leave it empty (nothing is assumed)", None)
        for route in AccessRoute:
            self.assume.addItem(route.label, route.value)
        self.assume_label = QLabel("Services that do not say how people &get to them:")
        self.assume_label.setBuddy(self.assume)
        self.assume.currentIndexChanged.connect(self.assume_changed)
        self.blocked = QLabel()
        self.blocked.setObjectName("import_blocked")
        self.blocked.setWordWrap(True)
        problems_label = QLabel("&Problems:")
        problems_label.setBuddy(self.problems)
        changes_label = QLabel("W&hat will change:")
        changes_label.setBuddy(self.changes)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(problems_label)
        layout.addWidget(self.problems, 3)
        layout.addWidget(self.blocked)
        layout.addWidget(self.skip_fields)
        layout.addWidget(self.skip_bad)
        assume_row = QHBoxLayout()
        assume_row.addWidget(self.assume_label)
        assume_row.addWidget(self.assume, 1)
        layout.addLayout(assume_row)
        layout.addWidget(changes_label)
        layout.addWidget(self.changes, 2)

    def initializePage(self) -> None:  # noqa: N802 (Qt override)
        self.show_plan()

    def show_plan(self) -> None:
        plan = self.w.plan
        assert plan is not None
        self.summary.setText("\n".join(plan.summary_lines()))
        problems = plan.problems
        self.problems.setRowCount(len(problems))
        for row, p in enumerate(problems):
            self.problems.setItem(row, 0, _item(_ERROR if p.is_error else _WARNING))
            self.problems.setItem(row, 1, _item("" if p.row is None else str(p.row)))
            where = ", ".join(x for x in (p.where, p.column) if x)
            self.problems.setItem(row, 2, _item(where))
            self.problems.setItem(row, 3, _item(p.message))
        self.problems.resizeRowsToContents()
        visible = [c for c in plan.changes if c.kind != "unchanged"]
        unchanged = len(plan.changes) - len(visible)
        labels = {"add": "+ Add", "update": "~ Update", "conflict": "! Edited here too", "merge": "≈ Merge",
                  "skip": "– Leave out", "missing": "? No longer in the feed",
                  "undecided": "? Looks like one you have (choose next)"}
        self.changes.setRowCount(len(visible) + (1 if unchanged else 0))
        for row, c in enumerate(visible):
            self.changes.setItem(row, 0, _item(f"{labels[c.kind]} {c.entity}"))
            self.changes.setItem(row, 1, _item(c.name))
            self.changes.setItem(row, 2, _item(c.organisation))
            self.changes.setItem(row, 3, _item(", ".join(c.fields)))
        if unchanged:
            self.changes.setItem(len(visible), 0, _item(f"= {unchanged} unchanged"))
        errors = plan.feed.errors
        spreadsheet = self.w.loaded is not None and self.w.loaded.is_spreadsheet
        what = "rows" if spreadsheet else "items"
        self.skip_bad.setText(f"Leave out the {what} with errors (✗) and import the rest")
        self.skip_bad.setAccessibleName(f"Leave out the {what} with errors and import the rest")
        rows = sorted({p.row for p in errors if p.row is not None})
        # offered only where leaving out works: feeds' items, or spreadsheet rows with errors
        can_skip = (not spreadsheet or bool(rows)) and not self.skip_bad.isChecked()
        self.skip_bad.setVisible(bool(errors) and can_skip or self.skip_bad.isChecked())
        # a spreadsheet whose errors are all about single fields can keep those rows without the fields
        fields_only = spreadsheet and bool(errors) and not plan.feed.whole_row_errors
        self.skip_fields.setVisible(fields_only and not self.skip_bad.isChecked()
                                    or self.skip_fields.isChecked())
        if errors:
            where = (
                f" on rows {', '.join(map(str, rows[:15]))}{'…' if len(rows) > 15 else ''}" if rows else ""
            )
            self.blocked.setText(
                f"<b>✗ {len(errors)} problem(s){where} must be fixed before importing.</b> Fix "
                "them in the file and choose it again"
                + (f", or leave those {what} out." if can_skip else ".")
            )
        else:
            self.blocked.setText("")
        self.blocked.setVisible(bool(errors))
        show_assume = bool(plan.without_access)
        self.assume.blockSignals(True)
        chosen = self.w.choices.assume_access
        self.assume.setCurrentIndex(max(0, self.assume.findData(chosen.value)) if chosen else 0)
        self.assume.blockSignals(False)
        self.assume_label.setVisible(show_assume)
        self.assume.setVisible(show_assume)
        self.completeChanged.emit()

    def assume_changed(self, _index: int) -> None:
        value = self.assume.currentData()
        self.w.choices.assume_access = AccessRoute(value) if value else None
        feed, choices = self.w.feed, self.w.choices
        if feed is None:
            return

        def apply(plan: Any) -> bool:
            self.w.plan = plan
            self.show_plan()
            return True

        self.w.in_background(None, "Comparing with the directory…",
                             lambda _progress: self.w.service.plan(feed, choices), apply)

    def skip_toggled(self, _checked: bool) -> None:
        self.w.skip_bad_rows = self.skip_bad.isChecked()
        self.w.skip_bad_fields = self.skip_fields.isChecked()
        self.w.read_and_plan(None, then=self.show_plan)

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        return self.w.plan is not None and not self.w.plan.has_errors

    def nextId(self) -> int:  # noqa: N802 (Qt override)
        plan = self.w.plan
        if plan is not None and (plan.duplicates or plan.field_changes or plan.count("missing")):
            return PAGE_MATCHES
        return PAGE_IMPORT


class MatchesPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Already in the directory?")
        self.setSubTitle("Say what to do with organisations that look like ones you already have, and with "
                         "each field an updated feed changed. Nothing is merged or overwritten without you.")
        self.dups = _table("duplicate_table", ["In the file", "What the file says", "Looks like",
                                               "What that one says", "Why", "What to do"],
                           "Organisations that look like ones already in the directory or in the file")
        self.choose_all = QLabel("")
        self.choose_all.setObjectName("duplicates_undecided")
        self.choose_all.setWordWrap(True)
        self.conflicts = _table("conflict_table", ["Record", "Field", "Here now", "The feed says",
                                                   "Edited here?", "What to do"],
                                "Each field the feed changed: ours, theirs and what to do")
        self.take_unedited = QPushButton("Take the feed's value for every field not edited &here")
        self.take_unedited.setObjectName("take_unedited")
        self.take_unedited.setAccessibleName("Take the feed's value for every field not edited here")
        self.take_unedited.clicked.connect(self.take_all_unedited)
        self.archive = QCheckBox()
        self.archive.setObjectName("archive_missing")
        self.archive.setAccessibleName("Archive records that are no longer in the feed")
        self.dups_label = QLabel(
            "&Likely duplicates (merging fills in blanks and adds missing services; it never "
            "overwrites what you have):"
        )
        self.dups_label.setWordWrap(True)
        self.dups_label.setBuddy(self.dups)
        self.conflicts_label = QLabel("&Fields the feed changed (each stays as it is here unless you take "
                                      "the feed's value; ! marks fields edited here since the last import):")
        self.conflicts_label.setWordWrap(True)
        self.conflicts_label.setBuddy(self.conflicts)
        layout = QVBoxLayout(self)
        layout.addWidget(self.dups_label)
        layout.addWidget(self.dups, 1)
        layout.addWidget(self.choose_all)
        layout.addWidget(self.conflicts_label)
        layout.addWidget(self.conflicts, 1)
        layout.addWidget(self.take_unedited, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.archive)

    def initializePage(self) -> None:  # noqa: N802 (Qt override)
        plan = self.w.plan
        assert plan is not None
        self.dups.setRowCount(len(plan.duplicates))
        for row, d in enumerate(plan.duplicates):
            rows = f" (row {', '.join(map(str, d.rows))})" if d.rows else ""
            self.dups.setItem(row, 0, _item(d.name + rows, d.key))
            self.dups.setItem(row, 1, _item(d.details))
            self.dups.setItem(row, 2, _item(d.existing_name + (" (this file)" if d.in_file
                                                               else " (in the directory)")))
            self.dups.setItem(row, 3, _item(d.existing_details))
            self.dups.setItem(row, 4, _item(d.reason))
            combo = QComboBox()
            combo.setAccessibleName(f"What to do with “{d.name}”")
            combo.addItem("Choose…", None)
            merge = "Merge them into one" if d.in_file else "Merge into the existing one"
            for key, label in (("merge", merge),
                               ("skip", "Leave it out"),
                               ("add", "Keep both" if d.in_file else "Add as a new organisation")):
                combo.addItem(label, key)
            combo.setCurrentIndex(max(combo.findData(d.choice), 0))
            combo.currentIndexChanged.connect(self.completeChanged)
            self.dups.setCellWidget(row, 5, combo)
        self.dups.resizeColumnsToContents()
        conflicts = plan.field_changes
        self.conflicts.setRowCount(len(conflicts))
        for row, f in enumerate(conflicts):
            where = f" ({f.organisation})" if f.organisation else ""
            self.conflicts.setItem(row, 0, _item(f"{f.entity.capitalize()} “{f.name}”{where}", f.key))
            self.conflicts.setItem(row, 1, _item(f.label))
            self.conflicts.setItem(row, 2, _item(f.ours))
            self.conflicts.setItem(row, 3, _item(f.theirs))
            self.conflicts.setItem(row, 4, _item("! Edited here" if f.edited_here else "No", f.edited_here))
            combo = QComboBox()
            combo.setAccessibleName(f"{f.label} of “{f.name}”: keep ours or take the feed's")
            combo.addItem("Keep ours", "keep")
            combo.addItem("Take the feed's", "take")
            combo.setCurrentIndex(max(combo.findData(f.choice), 0))
            self.conflicts.setCellWidget(row, 5, combo)
        self.conflicts.resizeColumnsToContents()
        if conflicts:  # room for "Take the feed's" (a cell widget is not measured with the column)
            widest = max(self.conflicts.cellWidget(r, 5).sizeHint().width() for r in range(len(conflicts)))
            self.conflicts.setColumnWidth(5, max(self.conflicts.columnWidth(5), widest))
        for widget in (self.dups, self.dups_label, self.choose_all):
            widget.setVisible(bool(plan.duplicates))
        self.choose_all.setText("Nothing is merged without your choice: choose what to do with each one "
                                "(“Choose…” is not a choice) to go on.")
        for widget in (self.conflicts, self.conflicts_label):
            widget.setVisible(bool(conflicts))
        self.take_unedited.setVisible(any(not f.edited_here for f in conflicts))
        missing = plan.count("missing")
        self.archive.setText(
            f"&Archive the {missing} record(s) no longer in the feed (they stay in the history)"
        )
        self.archive.setVisible(bool(missing))

    def take_all_unedited(self) -> None:
        for row in range(self.conflicts.rowCount()):
            combo = self.conflicts.cellWidget(row, 5)
            if isinstance(combo, QComboBox) and not _data(self.conflicts, row, 4):
                combo.setCurrentIndex(combo.findData("take"))

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        for row in range(self.dups.rowCount()):
            combo = self.dups.cellWidget(row, 5)
            if isinstance(combo, QComboBox) and combo.currentData() is None:
                return False
        return super().isComplete()

    def validatePage(self) -> bool:  # noqa: N802 (Qt override)
        for row in range(self.dups.rowCount()):
            combo = self.dups.cellWidget(row, 5)
            if isinstance(combo, QComboBox) and combo.currentData() is not None:
                self.w.choices.duplicates[str(_data(self.dups, row, 0))] = \
                    combo.currentData()
        for row in range(self.conflicts.rowCount()):
            combo = self.conflicts.cellWidget(row, 5)
            if isinstance(combo, QComboBox):
                self.w.choices.fields[str(_data(self.conflicts, row, 0))] = combo.currentData()
        self.w.choices.archive_missing = self.archive.isVisible() and self.archive.isChecked()
        return self.w.make_plan(self)

    def nextId(self) -> int:  # noqa: N802 (Qt override)
        return PAGE_IMPORT


class ImportPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Import")
        self.setSubTitle("Press Import to bring this into the directory. It happens all at once: if it is "
                         "cancelled or anything goes wrong, nothing is changed.")
        self.summary = QLabel()
        self.summary.setObjectName("import_final_summary")
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        self.setFinalPage(True)
        self.setCommitPage(False)

    def initializePage(self) -> None:  # noqa: N802 (Qt override)
        plan = self.w.plan
        assert plan is not None
        self.summary.setText("\n".join(plan.summary_lines()[1:]) or "Nothing to change.")
        self.wizard().setButtonText(QWizard.WizardButton.FinishButton, "&Import")


# --------------------------------------------------------------------------- the wizard
class ImportWizard(QWizard):
    """Modal wizard; `imported` is emitted with the ImportResult after a successful import."""

    imported = Signal(object)

    def __init__(self, ctx: ServiceContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.service = ImportService(ctx)
        self.loaded: LoadedFile | None = None
        self.feed: Feed | None = None
        self.plan: ImportPlan | None = None
        self.mapping: dict[int, str] = {}
        self.create_categories = False
        self.skip_bad_rows = False
        self.skip_bad_fields = False
        self.choices = ImportChoices()
        self.import_result: ImportResult | None = None
        self.task: Any = None
        self.busy: Any = None  # reading or comparing in the background
        self.setObjectName("import_wizard")
        self.setWindowTitle("Import organisations and services")
        self.setAccessibleName("Import wizard")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.file_page = FilePage(self)
        self.columns_page = ColumnsPage(self)
        self.categories_page = CategoriesPage(self)
        self.preview_page = PreviewPage(self)
        self.matches_page = MatchesPage(self)
        self.import_page = ImportPage(self)
        for pid, page in ((PAGE_FILE, self.file_page), (PAGE_COLUMNS, self.columns_page),
                          (PAGE_CATEGORIES, self.categories_page), (PAGE_PREVIEW, self.preview_page),
                          (PAGE_MATCHES, self.matches_page), (PAGE_IMPORT, self.import_page)):
            self.setPage(pid, page)
        self.setStartId(PAGE_FILE)
        self.resize(980, 680)

    # ---- state shared by the pages
    def set_loaded(self, loaded: LoadedFile) -> None:
        self.loaded = loaded
        self.mapping = dict(loaded.mapping)
        self.choices = ImportChoices()
        self.feed = loaded.feed
        self.plan = None
        self.skip_bad_rows = False
        self.skip_bad_fields = False

    def used_terms(self) -> list[Any]:
        return [t for t in (self.plan.terms if self.plan else ()) if t.service_count]

    def read_and_plan(self, page: QWizardPage | None, then: Any = None) -> bool:
        """Check the rows with the chosen columns and compare with the directory, in the background."""
        loaded, mapping, choices = self.loaded, dict(self.mapping), self.choices
        create, skip, skip_fields = self.create_categories, self.skip_bad_rows, self.skip_bad_fields
        if loaded is None:
            return False

        def work(_progress: Any) -> tuple[Feed, ImportPlan]:
            feed = self.service.read_feed(
                loaded, mapping, create_missing_categories=create, skip_bad_rows=skip,
                skip_bad_fields=skip_fields
            )
            return feed, self.service.plan(feed, choices)

        def apply(result: tuple[Feed, ImportPlan]) -> bool:
            self.feed, self.plan = result
            if then is not None:
                then()
            return True

        return self.in_background(page, "Checking every row…", work, apply)

    def make_plan(self, page: QWizardPage | None) -> bool:
        """Compare with the directory again after a choice changed, in the background."""
        feed, choices = self.feed, self.choices
        if feed is None:
            return False

        def apply(plan: ImportPlan) -> bool:
            self.plan = plan
            return True

        return self.in_background(page, "Comparing with the directory…",
                                  lambda _progress: self.service.plan(feed, choices), apply)

    def in_background(self, page: QWizardPage | None, title: str, work: Any, apply: Any) -> bool:
        """For `validatePage`: run `work` off the UI thread (the window stays responsive) and, when it
        has finished, `apply` its result and move to the next page. Returns True only on that second
        call, when the page may be left."""
        if page is not None and page.property("ready_to_leave"):
            page.setProperty("ready_to_leave", False)
            return True
        if self.busy is not None:
            return False
        self._set_buttons(False)

        def done(result: Any) -> None:
            self.busy = None
            self._set_buttons(True)
            if not apply(result):
                return
            if page is not None:
                page.setProperty("ready_to_leave", True)
                self.next()

        def failed(exc: BaseException, details: str) -> None:
            finished()  # here too: a second slot on the same signal was seen not to run (PySide 6.12)
            if isinstance(exc, ImportFailed):
                messages.error(self, "This file cannot be imported", str(exc))
            elif isinstance(exc, PermissionError):
                messages.error(self, "Not allowed", str(exc))
            else:
                messages.error(self, "Something went wrong", str(exc), details)

        def finished(*_args: Any) -> None:
            self.busy = None
            self._set_buttons(True)

        def checked_work(progress: Progress) -> Any:
            result = work(progress)
            check(progress, 1, 1, title)  # Cancel pressed meanwhile: drop the result, stay on the page
            return result

        task = run_with_progress(self, self.runner, title, checked_work, done, failed)
        task.signals.failed.connect(finished)
        self.busy = task
        return False

    def _set_buttons(self, enabled: bool) -> None:
        for which in (QWizard.WizardButton.NextButton, QWizard.WizardButton.BackButton):
            button = self.button(which)
            if button is not None:
                button.setEnabled(
                    enabled
                    and (
                        which != QWizard.WizardButton.NextButton
                        or self.currentPage() is None
                        or self.currentPage().isComplete()
                    )
                )

    # ---- importing (in the background)
    def accept(self) -> None:
        if self.task is not None:
            return
        if self.feed is None or self.plan is None or self.plan.has_errors:
            return
        feed, choices = self.feed, self.choices
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)
        self.task = run_with_progress(self, self.runner, "Importing…",
                                      lambda progress: self.service.commit(feed, choices, progress),
                                      self._done, self._failed)
        self.task.signals.failed.connect(lambda *_: self._cancelled_or_failed())

    def _done(self, result: ImportResult) -> None:
        self.task = None
        self.import_result = result
        self.imported.emit(result)
        messages.inform(self, "Import finished", result.describe())
        super().accept()

    def _failed(self, exc: BaseException, details: str) -> None:
        self._cancelled_or_failed()  # as in in_background: do not rely on the second slot alone
        messages.error(self, "The import did not happen",
                       f"{exc}\n\nNothing was changed: the directory is as it was before.", details)

    def _cancelled_or_failed(self) -> None:
        self.task = None
        self.button(QWizard.WizardButton.FinishButton).setEnabled(True)

    @classmethod
    def ask(
        cls, ctx: ServiceContext, runner: TaskRunner, parent: QWidget | None = None
    ) -> ImportResult | None:
        wizard = cls(ctx, runner, parent)
        wizard.exec()
        return wizard.import_result
