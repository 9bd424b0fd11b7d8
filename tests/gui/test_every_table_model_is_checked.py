"""Every table model the window defines goes through pytest-qt's qtmodeltester somewhere.

qtmodeltester (Qt's QAbstractItemModelTester) catches the model bugs that crash or silently
mis-draw a view: rows reported that `data` cannot give, a reset without its signals, a parent
index that does not lead back. A model class that no test hands to `qtmodeltester.check` fails
here, naming itself; the checks themselves run on real data in the tests listed below.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel

import sp_desktop.ui

GUI_TESTS = Path(__file__).parent


def _ui_models() -> set[type]:
    found: set[type] = set()
    for info in pkgutil.walk_packages(sp_desktop.ui.__path__, "sp_desktop.ui."):
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, QAbstractItemModel) and obj.__module__ == info.name:
                found.add(obj)
    return found


def _checked_names() -> set[str]:
    """Class names mentioned in a test function that calls qtmodeltester.check."""
    names: set[str] = set()
    for path in GUI_TESTS.glob("test_*.py"):
        text = path.read_text(encoding="utf-8")
        for body in re.split(r"\n(?=def |@)", text):
            if "qtmodeltester.check(" in body:
                names.update(re.findall(r"\b([A-Z]\w*(?:Model|Proxy))\b", body))
    return names


def test_every_table_model_goes_through_qtmodeltester():
    models = _ui_models()
    assert len(models) >= 10  # the walk found the window's models
    checked = _checked_names()
    # A generic base (RowsTableModel) is checked through each of its concrete subclasses.
    concrete = {m for m in models if not any(issubclass(o, m) and o is not m for o in models)}
    missing = sorted(m.__name__ for m in concrete if m.__name__ not in checked)
    assert missing == [], f"table models no test hands to qtmodeltester.check: {missing}"
