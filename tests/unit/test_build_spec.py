"""The frozen build carries every resource the code reads: a folder named in a resource_path() call
that the PyInstaller spec leaves out is a crash only the installed app would meet (the common-
passwords list was one: creating the first administrator failed in the frozen app)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _bundled_resource_folders() -> set[str]:
    """Run the part of the spec that lists data files, with PyInstaller's helpers stubbed out."""
    spec = (ROOT / "build_spec" / "sp_desktop.spec").read_text(encoding="utf-8")
    head = spec.split("hiddenimports = (")[0]
    head = re.sub(r"^from PyInstaller.*$", "", head, flags=re.M)
    def nothing(*args: object, **kwargs: object) -> list[object]:
        return []

    scope: dict[str, object] = {"SPECPATH": str(ROOT / "build_spec"), "collect_data_files": nothing,
                                "collect_submodules": nothing}
    exec(compile(head, "sp_desktop.spec", "exec"), scope)  # noqa: S102 - our own build file
    datas = scope["datas"]
    assert isinstance(datas, list)
    return {dest.split("/")[1] for _, dest in datas if dest.startswith("resources/")}


def _folders_the_code_reads() -> set[str]:
    folders: set[str] = set()
    for path in (ROOT / "sp_desktop").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) \
                    == "resource_path" and node.args and isinstance(node.args[0], ast.Constant):
                folders.add(str(node.args[0].value).split("/")[0])
    return folders


def test_every_resource_folder_the_code_reads_is_in_the_frozen_build() -> None:
    read = _folders_the_code_reads()
    assert {"fonts", "taxonomy", "security"} <= read  # the scan finds the calls
    missing = read - _bundled_resource_folders()
    assert not missing, f"resources/{sorted(missing)} are read by the code but not bundled by the spec"
