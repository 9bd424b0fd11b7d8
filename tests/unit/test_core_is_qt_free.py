"""The core (domain, db, services, interop, leaflets, output) must run without PySide6."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import sp_desktop

CORE = ("domain", "db", "services", "interop", "leaflets", "output", "demo", "cli")


def _core_modules() -> list[str]:
    root = Path(sp_desktop.__file__).parent
    names = ["sp_desktop.runtime", "sp_desktop.paths"]
    for pkg in CORE:
        if not (root / pkg).exists():
            continue
        names.append(f"sp_desktop.{pkg}")
        for info in pkgutil.walk_packages([str(root / pkg)], prefix=f"sp_desktop.{pkg}."):
            if ".migrations" not in info.name:
                names.append(info.name)
    return names


def test_core_imports_without_loading_pyside6():
    modules = _core_modules()
    assert "sp_desktop.services.directory" in modules
    code = ("import importlib, sys\n"
            f"for name in {modules!r}:\n"
            "    importlib.import_module(name)\n"
            "loaded = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
            "print(','.join(loaded))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"Qt loaded by the core: {out.stdout.strip()}"


def test_headless_command_does_not_load_qt(tmp_path):
    code = ("import sys\nfrom sp_desktop.app import main\n"
            f"rc = main(['info', '--data-dir', {str(tmp_path)!r}])\n"
            "assert rc == 0\n"
            "print(any(m.startswith('PySide6') for m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"
