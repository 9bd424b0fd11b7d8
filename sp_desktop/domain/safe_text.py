"""Text made safe for where it goes: spreadsheet cells and HTML/reportlab markup. One rule each.

Spreadsheets (Excel, LibreOffice) run a cell that starts with = + - @ (or a tab or carriage
return, which they skip before looking) as a formula, so a name such as ``=HYPERLINK(...)`` in an
export could run when the file is opened. Such a cell gets an apostrophe in front, which the
spreadsheet shows as plain text. The one exception is a signed decimal number such as ``-1.25`` or
``+0.50`` (a report's change in a score): a spreadsheet reads it as that number and no formula can
hide in it. Reading a file back (`unguard_spreadsheet_cell`) removes exactly the apostrophe that
`guard_spreadsheet_cell` adds.

Markup (`escape_markup`): Qt's rich-text labels and reportlab's paragraphs both read & < > (and
quotes, inside an attribute) as markup; escaped, a name like "Tom & Jerry <Ltd>" is shown as written,
in text and in an attribute such as a link's address alike.
"""

from __future__ import annotations

import re
from html import escape

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_DECIMAL = re.compile(r"[+-]\d+\.\d+")


def guard_spreadsheet_cell(text: str) -> str:
    """`text` with an apostrophe in front when a spreadsheet would run it as a formula."""
    if text[:1] in _FORMULA_START and not _SIGNED_DECIMAL.fullmatch(text):
        return "'" + text
    return text


def unguard_spreadsheet_cell(text: str) -> str:
    """Undo `guard_spreadsheet_cell`: the apostrophe it would have added is removed."""
    if len(text) > 1 and text[0] == "'" and guard_spreadsheet_cell(text[1:]) == text:
        return text[1:]
    return text


def escape_markup(text: object) -> str:
    """`text` for Qt rich text, HTML or a reportlab paragraph: & < > " ' escaped, shown as written."""
    return escape(str(text), quote=True)


__all__ = ["escape_markup", "guard_spreadsheet_cell", "unguard_spreadsheet_cell"]
