"""The leaflet for a screen reader (issue 22, point 6): the PDF's title names its services and is
shown as the window title; the accessible HTML version has a language, one main heading, a heading
per service, lists and working links, and says nothing the paper leaflet does not."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

import pytest
from leaflet_pdf import reader

from sp_desktop.leaflets import LeafletFormat, render_leaflet
from sp_desktop.leaflets.accessible import leaflet_html, leaflet_title
from sp_desktop.leaflets.sample import sample_leaflet, sample_services

_VOID = {"meta", "br", "img", "link", "hr", "input"}


class _Outline(HTMLParser):
    """What a screen reader navigates by: headings, lists, links, landmarks, the language."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.title = ""
        self.headings: list[tuple[str, str]] = []
        self.links: list[tuple[str, str]] = []
        self.items: list[str] = []
        self.landmarks: list[str] = []
        self.text: list[str] = []
        self._open: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang") or ""
        if tag in ("header", "main", "footer"):
            self.landmarks.append(tag)
        if tag in _VOID:
            return
        self._open.append((tag, dict(attrs)))
        if tag in ("h1", "h2", "h3", "a", "li", "title"):
            self._capture = [""]

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._open and self._open[-1][0] in ("h1", "h2", "h3", "a", "li", "title"):
            self._capture[0] += data

    def handle_endtag(self, tag: str) -> None:
        open_tag, attrs = self._open.pop()
        assert open_tag == tag, f"<{open_tag}> closed by </{tag}>"
        words = getattr(self, "_capture", [""])[0]
        if tag in ("h1", "h2", "h3"):
            self.headings.append((tag, words))
        elif tag == "a":
            self.links.append((str(attrs.get("href")), words))
        elif tag == "li":
            self.items.append(words)
        elif tag == "title":
            self.title = words


def _outline(html: str) -> _Outline:
    parsed = _Outline()
    parsed.feed(html)
    parsed.close()
    assert parsed._open == []
    return parsed


def test_the_pdf_title_names_its_services_and_is_shown_as_the_window_title() -> None:
    leaflet = sample_leaflet(2)
    names = [s.service_name for s in leaflet.services]
    pdf = reader(render_leaflet(leaflet, LeafletFormat.STANDARD))
    assert pdf.metadata is not None
    assert pdf.metadata.title == f"Support that might help you: {names[0]} and {names[1]}"
    root = pdf.trailer["/Root"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert root["/Lang"] == "en-GB"
    one = reader(render_leaflet(sample_leaflet(1), LeafletFormat.COMPACT))
    assert one.metadata is not None and one.metadata.title.endswith(f": {names[0]}")


def test_the_accessible_version_has_headings_lists_links_and_a_language() -> None:
    leaflet = sample_leaflet(3, note="Your doctor suggests you call them this week.")
    page = _outline(leaflet_html(leaflet))
    assert page.lang == "en-GB"
    assert page.title == leaflet_title(leaflet)
    assert page.landmarks == ["header", "main", "footer"]
    levels = [tag for tag, _ in page.headings]
    assert levels.count("h1") == 1 and levels[0] == "h1"
    services = [words for tag, words in page.headings if tag == "h2"]
    assert services == [s.service_name for s in leaflet.services]
    assert "h3" in levels and "How to get in touch" in [w for _, w in page.headings]
    # headings never skip a level (h1 -> h3)
    for before, after in zip(levels, levels[1:], strict=False):
        assert int(after[1]) <= int(before[1]) + 1
    # phone numbers ring, web addresses open, e-mail addresses write
    hrefs = [href for href, _ in page.links]
    assert any(h.startswith("tel:") for h in hrefs)
    assert all(h.split(":")[0] in ("tel", "mailto", "https", "http") for h in hrefs)
    assert page.items, "contact details and times are lists"
    text = " ".join(page.text)
    assert "Your doctor suggests you call them this week." in text
    assert "Ask at reception if you would like this in large print" in text


def test_the_accessible_version_says_what_the_plain_text_says() -> None:
    from sp_desktop.leaflets.render import leaflet_plain_text

    leaflet = sample_leaflet(3)
    page = " ".join(" ".join(_outline(leaflet_html(leaflet)).text).split())
    for line in leaflet_plain_text(leaflet).splitlines():
        line = " ".join(line.split()).rstrip(":")
        if line and not line.startswith(("From ", "Phone ", "When and where")):
            assert line.split(": ", 1)[-1] in page, line


def test_markup_and_scripts_from_the_directory_are_shown_as_words() -> None:
    nasty = dataclasses.replace(sample_services()[0], service_name="<script>alert(1)</script> Club",
                                website="javascript:alert(1)", description="Fish & chips <b>Friday</b>")
    html = leaflet_html(dataclasses.replace(sample_leaflet(1), services=(nasty,)))
    assert "<script>" not in html and 'href="javascript' not in html
    page = _outline(html)
    assert ("h2", "<script>alert(1)</script> Club") in page.headings
    assert not any(h.startswith("javascript") for h, _ in page.links)
    assert "Fish & chips <b>Friday</b>" in " ".join(page.text)


def test_a_leaflet_without_services_has_no_accessible_version() -> None:
    with pytest.raises(ValueError, match="at least one service"):
        leaflet_html(dataclasses.replace(sample_leaflet(1), services=()))
