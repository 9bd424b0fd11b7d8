"""Rich text from outside (feeds, pasted spreadsheet cells) turned into plain words, and the obvious
repairs of contact details that councils' feeds carry.

`plain_text()` reads HTML with the standard library's parser (`html.parser`, kept with Python):
paragraphs and line breaks become line breaks, list items become "• " lines, entities and
non-breaking spaces become the characters they stand for, and scripts, styles and comments are
dropped with their content. Text without markup comes back unchanged (only trimmed), so a field
that never held HTML is never altered.

`repair_email()`, `repair_url()` and `repair_phone()` mend the few mistakes that are certain
("young.voice@example.gov.uk." with a trailing full stop, "http:www.example.co.uk",
"https:/example.co.uk", "+44 (0)141 ..."); each returns the mended text and a sentence for the
import report, so no repair is silent.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# A tag ("<p>", "</li>", "<br/>", "<span style=...>", "<!-- -->") or an entity ("&amp;", "&#160;", "&nbsp;").
_MARKUP = re.compile(
    r"<\s*/?\s*[a-zA-Z][^<>]*>|<!--|&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});"
)
_BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "table",
    "tr",
    "pre",
    "address",
    "dl",
    "main",
    "aside",
    "nav",
    "form",
    "figure",
}
_DROP = {"script", "style", "head", "title", "template", "noscript", "iframe", "object", "svg", "math"}
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2007\u202f\u200b]+")


def has_markup(text: str | None) -> bool:
    """True when the text holds an HTML tag, comment or entity."""
    return bool(text) and _MARKUP.search(text or "") is not None


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.dropping = 0
        self.lists: list[list[int]] = []  # [kind (0 bullet / 1 numbered), counter]
        self.pending_gap = False
        self.indent = ""  # for a nested list item

    # ---- building lines
    def _break(self, gap: bool = False) -> None:
        line = _SPACES.sub(" ", "".join(self.current)).strip()
        self.current = []
        if line and self.indent:
            line = self.indent + line
        self.indent = ""
        if line:
            if self.pending_gap and self.lines and self.lines[-1] != "":
                self.lines.append("")
            self.lines.append(line)
            self.pending_gap = False
        if gap:
            self.pending_gap = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in _DROP:
            self.dropping += 1
            return
        if self.dropping:
            return
        if tag == "br":
            self._break()
        elif tag in ("ul", "ol"):
            self._break(gap=not self.lists)
            self.lists.append([1 if tag == "ol" else 0, 0])
        elif tag == "li":
            self._break()
            if self.lists:
                self.lists[-1][1] += 1
                kind, n = self.lists[-1]
                marker = f"{n}. " if kind else "• "
            else:
                marker = "• "
            self.indent = "  " * max(len(self.lists) - 1, 0)
            self.current.append(marker)
        elif tag in _BLOCK:
            self._break(gap=True)
        elif tag in ("td", "th") and self.current:
            self.current.append(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.current.append(alt)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.lower() in _DROP:
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag in _DROP:
            self.dropping = max(self.dropping - 1, 0)
            return
        if self.dropping:
            return
        if tag in ("ul", "ol"):
            self._break()
            if self.lists:
                self.lists.pop()
            self.pending_gap = not self.lists
        elif tag == "li":
            self._break()
        elif tag in _BLOCK:
            self._break(gap=True)

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.current.append(data.replace("\r", "").replace("\n", " "))

    def handle_comment(self, data: str) -> None:
        pass

    def text(self) -> str:
        self.close()
        self._break()
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        return "\n".join(self.lines)


def plain_text(value: str | None) -> str | None:
    """`value` as plain text: markup read and taken away, paragraphs and bullets kept as lines.

    None and text without markup are returned as they are (trimmed); empty results become None."""
    if value is None:
        return None
    if not has_markup(value):
        return value.strip() or None
    if "<" not in value:  # entities only: no structure to keep
        text = html.unescape(value)
        return _SPACES.sub(" ", text).strip() or None
    parser = _Text()
    # Line breaks in the source are not breaks in HTML; a paragraph break written as a blank line is kept.
    for i, chunk in enumerate(re.split(r"\n\s*\n", value.replace("\r\n", "\n"))):
        if i:
            parser._break(gap=True)
        parser.feed(chunk)
    return parser.text() or None


# --------------------------------------------------------------------------- obvious repairs
_EMAIL_TAIL = re.compile(r"^([^\s@]+@[^\s@]+\.[A-Za-z]{2,})[.,;:]+$")
_MAILTO = re.compile(r"^mailto:", re.IGNORECASE)
_URL_SCHEME = re.compile(r"^(https?):/{0,1}(?!/)(.+)$", re.IGNORECASE)
_URL_DOUBLE = re.compile(r"^(https?)//(.+)$", re.IGNORECASE)
_PHONE_ZERO = re.compile(r"\(\s*0\s*\)")


def repair_email(text: str) -> tuple[str, str | None]:
    """(mended address, note or None)."""
    t = text.strip()
    note = None
    if _MAILTO.match(t):
        t = _MAILTO.sub("", t).strip()
        note = f"“{text.strip()}” read as “{t}” (the “mailto:” was taken off)"
    m = _EMAIL_TAIL.match(t)
    if m:
        before, t = t, m.group(1)
        note = (
            f"“{text.strip()}” read as “{t}” (the {'full stop' if before.endswith('.') else 'punctuation'} "
            "at the end was taken off)"
        )
    return t, note


def repair_url(text: str) -> tuple[str, str | None]:
    """(mended web address, note or None): "http:www.x" and "https:/x" and "http//x" get their "//"."""
    t = text.strip()
    m = _URL_SCHEME.match(t) or _URL_DOUBLE.match(t)
    if m and not t.lower().startswith(("http://", "https://")):
        fixed = f"{m.group(1).lower()}://{m.group(2).lstrip('/')}"
        return fixed, f"“{t}” read as “{fixed}” (the “//” after “{m.group(1).lower()}:” was missing)"
    return t, None


def repair_phone(text: str) -> tuple[str, str | None]:
    """(mended number, note or None): "+44 (0)141 496 0123" drops the "(0)" (or keeps the 0 without +44)."""
    t = text.strip()
    if not _PHONE_ZERO.search(t):
        return t, None
    if t.startswith("+") or t.startswith("00"):
        fixed = _SPACES.sub(" ", _PHONE_ZERO.sub(" ", t)).strip()
        why = "the “(0)” is not dialled after the country code"
    else:
        fixed = _SPACES.sub(" ", _PHONE_ZERO.sub("0", t, count=1)).strip()
        why = "the brackets round the 0 were taken off"
    return fixed, f"“{t}” read as “{fixed}” ({why})"


__all__ = ["has_markup", "plain_text", "repair_email", "repair_phone", "repair_url"]
