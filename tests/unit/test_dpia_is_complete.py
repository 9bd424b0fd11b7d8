"""docs/dpia.md and docs/clinical-safety-hazard-log.md stay true (issue 16, point 8).

The DPIA has a row for every table (how long it is kept, how it is purged, whether it is backed
up) and for every column (what kind of data, what it holds, who can see it). Adding a table or a
column to the models without describing it there fails here; so does a row for something that no
longer exists. The hazard log names, for each control, the test that proves it: every one named
must exist."""

from __future__ import annotations

import re
from pathlib import Path

from sp_desktop.db.models import Base

ROOT = Path(__file__).resolve().parents[2]
DPIA = ROOT / "docs" / "dpia.md"
HAZARDS = ROOT / "docs" / "clinical-safety-hazard-log.md"


def _rows(text: str, section: str) -> list[list[str]]:
    """The cells of each table row under the heading that starts with `section`."""
    part = text.split(f"\n## {section}", 1)[1].split("\n## ", 1)[0]
    return [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in part.splitlines() if line.startswith("| `")]


def test_every_table_has_its_retention_purge_and_backup_described():
    rows = _rows(DPIA.read_text(encoding="utf-8"), "4.")
    described = {re.fullmatch(r"`(\w+)`", r[0]).group(1): r for r in rows}
    tables = set(Base.metadata.tables)
    assert sorted(tables - set(described)) == [], "add these tables to docs/dpia.md section 4"
    assert sorted(set(described) - tables) == [], "these tables in docs/dpia.md section 4 no longer exist"
    for name, cells in described.items():
        assert len(cells) == 5 and all(cells), f"{name}: kind, kept for, purged, backed up: fill them in"


def test_every_column_is_in_the_field_inventory():
    rows = _rows(DPIA.read_text(encoding="utf-8"), "5.")
    described = {re.fullmatch(r"`(\w+\.\w+)`", r[0]).group(1): r for r in rows}
    columns = {f"{t.name}.{c.name}" for t in Base.metadata.tables.values() for c in t.columns}
    assert sorted(columns - set(described)) == [], "add these columns to docs/dpia.md section 5"
    assert sorted(set(described) - columns) == [], "these columns in docs/dpia.md section 5 no longer exist"
    for name, cells in described.items():
        assert len(cells) == 4 and all(cells), f"{name}: kind, what it holds and who can see it"


def test_every_column_that_refuses_nhs_numbers_is_marked_patient_related_or_internal():
    from sp_desktop.db.text_guard import PATIENT_TEXT

    kinds = {re.fullmatch(r"`(\w+\.\w+)`", r[0]).group(1): r[1]
             for r in _rows(DPIA.read_text(encoding="utf-8"), "5.")}
    for table, column in PATIENT_TEXT:
        assert kinds[f"{table}.{column}"] in ("**patient-related**", "internal note"), (table, column)


def test_every_test_the_hazard_log_names_exists():
    text = HAZARDS.read_text(encoding="utf-8")
    named = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", text)
    assert len(named) >= 15
    missing = []
    for path, name in named:
        source = ROOT / path
        if not source.is_file() or not re.search(rf"^def {name}\(", source.read_text(encoding="utf-8"), re.M):
            missing.append(f"{path}::{name}")
    assert missing == []


def test_every_hazard_has_causes_controls_and_a_test():
    text = HAZARDS.read_text(encoding="utf-8")
    hazards = re.split(r"\n### ", text)[1:]
    assert len(hazards) >= 6
    for hazard in hazards:
        title = hazard.splitlines()[0]
        for part in ("**Causes**", "**Controls in the app**", "**Severity**", "**Likelihood**"):
            assert part in hazard, f"{title}: {part} missing"
        assert re.search(r"`tests/[\w/]+\.py::\w+`", hazard), f"{title}: no test proves its controls"
