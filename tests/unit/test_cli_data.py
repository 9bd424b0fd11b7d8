"""`sp-desktop import / export / backup / restore` for practice IT: reports, exit codes, all or nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from sp_desktop.cli import build_parser, run_command

PASSWORD = "admin password 1"


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = run_command(build_parser().parse_args(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: never prompt
    monkeypatch.setenv("SP_DESKTOP_NEW_PASSWORD", PASSWORD)
    monkeypatch.setenv("SP_DESKTOP_PASSWORD", PASSWORD)
    data = ["--data-dir", str(tmp_path / "data")]
    code, _, err = _run(["staff", "add", "Mary Manager", "--role", "administrator", *data])
    assert code == 0, err
    return [*data, "--user", "Mary Manager"]


def _csv(tmp_path: Path, bad: bool) -> Path:
    path = tmp_path / "list.csv"
    rows = ["Organisation,Service,Phone,Postcode", "Knit and Natter,Knitting circle,01632 960777,PA1 1AA",
            "Men's Shed,Shed sessions,01632 960778,PA2 7HN"]
    if bad:
        rows.append(",Orphan,not a phone,")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _count(home) -> int:
    code, out, _ = _run(["info", "--json", *home])
    return int(json.loads(out)["counts"]["organisations"])


def test_import_with_problems_prints_the_report_and_writes_nothing(home, tmp_path):
    code, out, err = _run(["import", str(_csv(tmp_path, bad=True)), *home])
    assert code == 1
    assert "Error: Row 4, Organisation: the organisation name is empty" in out
    assert "Error: Row 4, Phone: “not a phone” is not a phone number" in out
    assert "nothing was imported" in err and "rows 4" in err
    assert _count(home) == 0


def test_dry_run_reports_and_changes_nothing_then_the_import_does_it(home, tmp_path):
    path = _csv(tmp_path, bad=False)
    code, out, err = _run(["import", str(path), "--dry-run", *home])
    assert code == 0, err
    assert "Organisation -> Organisation name" in out and "2 organisations and 2 services to add." in out
    assert "Dry run: nothing was changed." in out
    assert _count(home) == 0
    code, out, err = _run(["import", str(path), *home])
    assert code == 0, err and "2 organisations and 2 services added" in out
    assert _count(home) == 2
    # the same file again: both look like the organisations now in the directory
    code, out, _ = _run(["import", str(path), "--dry-run", "--duplicates", "skip", *home])
    assert code == 0 and "Possible duplicates:" in out and "will skip" in out


def test_import_needs_a_named_user(home, tmp_path):
    code, _, err = _run(["import", str(_csv(tmp_path, bad=False)), *home[:2]])
    assert code == 4 and "--user" in err


def test_map_option_and_unknown_column(home, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Group,Number\nKnit and Natter,01632 960777\n", encoding="utf-8")
    code, _, err = _run(["import", str(path), "--dry-run", "--map", "Colour=phone", *home])
    assert code == 1 and "no column “Colour”" in err
    code, out, err = _run(
        ["import", str(path), "--map", "Group=organisation", "--map", "Number=phone", *home]
    )
    assert code == 0, err
    assert _count(home) == 1


def test_export_backup_and_restore(home, tmp_path):
    assert _run(["import", str(_csv(tmp_path, bad=False)), *home])[0] == 0
    for name in ("d.csv", "d.json", "d.zip"):
        code, out, err = _run(["export", str(tmp_path / name), *home])
        assert code == 0 and "Exported 2 organisations and 2 services" in out, err
    code, out, err = _run(["backup", *home])
    assert code == 0 and "checked: OK" in out, err
    backup = Path(out.split("Backed up to ")[1].split(" at ")[0])
    code, out, _ = _run(["backup", "--list", *home])
    assert str(backup) in out
    code, _, err = _run(["restore", str(backup), *home])
    assert code == 1 and "--yes" in err
    code, out, err = _run(["restore", str(backup), "--yes", *home])
    assert code == 0 and "2 organisations" in out and "must now restart" in out, err
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(backup.read_bytes()[:5000])
    code, _, err = _run(["restore", str(broken), "--yes", *home])
    assert code == 1 and "damaged" in err
    assert _count(home) == 2
