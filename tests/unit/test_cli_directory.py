"""`sp-desktop search` and `sp-desktop info` on real databases."""

from __future__ import annotations

import io
import json

from sp_desktop.app import main
from sp_desktop.cli import build_parser, run_command


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    args = build_parser().parse_args(argv)
    code = run_command(args, out, err)
    return code, out.getvalue(), err.getvalue()


def test_search_demo_directory_for_debt(tmp_path):
    code, out, err = _run(["search", "debt", "--json", "--demo", "--data-dir", str(tmp_path)])
    assert code == 0, err
    data = json.loads(out)
    assert data["total"] >= 4
    top = data["results"][0]
    assert "debt" in (top["service"] + " " + top["organisation"]).lower()
    # the demo lives in its own database, never the practice's
    assert (tmp_path / "demo" / "demo-directory.sqlite3").exists()
    assert not (tmp_path / "directory.sqlite3").exists()


def test_search_text_output_and_no_results(tmp_path):
    code, out, _ = _run(["--demo", "--data-dir", str(tmp_path), "search", "debt"])
    assert code == 0 and "services found" in out
    code, out, _ = _run(["search", "zzzzqqq", "--demo", "--data-dir", str(tmp_path)])
    assert code == 0 and "No services match" in out


def test_info_reports_folder_schema_and_counts(tmp_path):
    code, out, _ = _run(["info", "--json", "--data-dir", str(tmp_path)])
    assert code == 0
    info = json.loads(out)
    assert info["data_folder"] == str(tmp_path.resolve())
    assert info["schema"] and info["counts"]["services"] == 0 and info["counts"]["categories"] > 20


def test_bad_database_url_is_a_clear_error_with_non_zero_exit(tmp_path, capsys):
    code = main(["info", "--database-url", "nosuchdb://x/y", "--data-dir", str(tmp_path)])
    assert code == 3
    assert "Could not open the database" in capsys.readouterr().err


def test_help_for_each_command(capsys):
    for cmd in ("search", "info"):
        try:
            main([cmd, "--help"])
        except SystemExit as exc:
            assert exc.code == 0
        assert "usage: sp-desktop " + cmd in capsys.readouterr().out


def test_search_json_flags_closest_matches_and_never_answers_an_empty_list(tmp_path):
    # "lonely men paisley zzqx": no service has every word, so the closest are listed and flagged
    code, out, err = _run(["search", "lonely", "men", "paisley", "zzqx", "--json", "--demo",
                           "--data-dir", str(tmp_path)])
    assert code == 0, err
    data = json.loads(out)
    assert data["closest_matches"] is True and data["results"] and data["total"] >= len(data["results"])
    code, out, _ = _run(["search", "men's", "shed", "--json", "--demo", "--data-dir", str(tmp_path)])
    data = json.loads(out)
    assert data["closest_matches"] is False and any("shed" in r["service"].lower() for r in data["results"])
    code, out, _ = _run(["search", "lonely", "zzqx", "--demo", "--data-dir", str(tmp_path)])
    assert code == 0 and out.startswith("No service matches every word; closest matches:")
