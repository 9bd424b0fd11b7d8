"""The Reports page's figures at a glance ("64% (177 of 275)" over "Attended") are never cut off:
from the page's smallest width up to a large window, with the demo's figures and with a big
practice's longer ones; when the width runs short the cards wrap onto more rows."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from sp_desktop.db.engine import Database
from sp_desktop.domain.enums import AppRole
from sp_desktop.services.base import Actor, FixedClock, ServiceContext
from sp_desktop.ui.pages.reports_page import ReportsPage
from sp_desktop.ui.widgets.figure_cards import FigureCards

# What a 1024-pixel-wide window leaves a page beside the navigation at its widest (260) and the splitter.
PAGE_WIDTH_AT_1024 = 760
CARDS = (("records", "People signposted"), ("services", "Services signposted to"),
         ("known", "Outcomes known"), ("attended", "Attended"), ("poor", "Poor experience"),
         ("flagged", "Repeated poor"))


def _settle(widget: QWidget) -> None:
    QApplication.processEvents()
    layout = widget.layout()
    if layout is not None:
        layout.activate()
    QApplication.processEvents()


def _rect_in(label: QLabel, ancestor: QWidget) -> QRect:
    return QRect(label.mapTo(ancestor, QPoint(0, 0)), label.size())


def _clipped(cards: FigureCards, within: QWidget) -> list[str]:
    """What a person could not read in full: one line a label."""
    problems = []
    area = cards.contentsRect()
    card_rects = []
    for key, value in cards.values.items():
        for label in (value, cards.titles[key]):
            text = label.text()
            if not label.isVisible():
                problems.append(f"{text!r} is hidden")
                continue
            needed = max(label.sizeHint().width(), label.fontMetrics().horizontalAdvance(text))
            if label.width() < needed or label.height() < label.sizeHint().height():
                problems.append(f"{text!r} is {label.width()}x{label.height()}, needs {needed}x"
                                f"{label.sizeHint().height()}")
            if not area.contains(_rect_in(label, cards)):
                problems.append(f"{text!r} at {_rect_in(label, cards)} is outside the cards {area}")
            if not within.rect().contains(_rect_in(label, within)):
                problems.append(f"{text!r} is outside the page")
        card_rects.append(_rect_in(value, cards).united(_rect_in(cards.titles[key], cards)))
    for i, a in enumerate(card_rects):
        problems += [f"cards {i} and {j} overlap" for j, b in enumerate(card_rects[:i]) if a.intersects(b)]
    return problems


@pytest.fixture
def gp(demo_db: Database, clock: FixedClock) -> ServiceContext:
    return ServiceContext(demo_db, clock, Actor(None, "Dr Test Clinician", AppRole.CLINICIAN))


def test_report_figures_are_not_cut_off_from_the_smallest_width_up(qtbot: Any, gp: ServiceContext) -> None:
    page = ReportsPage(gp)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitUntil(lambda: page.report is not None, timeout=10000)
    assert page.report is not None
    assert page.glance["attended"].text() == page.report.totals.attended_rate.text
    _settle(page)
    smallest = page.minimumSizeHint()
    assert smallest.width() <= PAGE_WIDTH_AT_1024, "the Reports page fits a 1024 x 700 window"
    layout = page.layout()
    # At its narrowest the rows of controls wrap and the page is taller (in the window it scrolls
    # down, never sideways): as tall as its layout asks for that width.
    tallest = layout.totalHeightForWidth(smallest.width()) if layout.hasHeightForWidth() else 0
    for width, height in ((smallest.width(), max(smallest.height(), tallest, 600)), (PAGE_WIDTH_AT_1024, 640),
                          (1024, 700), (1400, 1000)):
        page.resize(width, height)
        _settle(page)
        assert page.width() == width
        assert _clipped(page.cards, page) == [], f"at {width}x{height}"

    # A big practice over several years: longer figures still fit, wrapping onto more rows if need be.
    page.glance["attended"].setText("100% (12,345 of 12,345)")
    page.glance["poor"].setText("12% (1,234 of 10,287)")
    page.glance["known"].setText("10,287 of 12,345")
    narrowest = page.minimumSizeHint().width()
    page.resize(narrowest, max(700, layout.totalHeightForWidth(narrowest) if layout.hasHeightForWidth()
                               else 0))
    _settle(page)
    assert _clipped(page.cards, page) == []


@pytest.mark.parametrize("width, columns", [(1400, 6), (700, 3), (420, 2), (150, 1)])
def test_cards_wrap_onto_more_rows_when_narrow(qtbot: Any, width: int, columns: int) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    cards = FigureCards(CARDS, holder)
    for key, text in (("records", "1,301"), ("services", "1,370"), ("known", "1,275 of 1,370"),
                      ("attended", "64% (817 of 1,275)"), ("poor", "15% (25 of 170)"), ("flagged", "3 !")):
        cards.values[key].setText(text)
    holder.show()
    width = max(width, cards.minimumSizeHint().width())
    height = cards.heightForWidth(width)
    cards.setGeometry(0, 0, width, height)
    holder.resize(width, height)
    _settle(cards)
    assert cards.grid.columns(width) == columns
    assert _clipped(cards, holder) == []
    tops = {cards.values[key].mapTo(cards, QPoint(0, 0)).y() for key, _ in CARDS}
    assert len(tops) == len(CARDS) // columns, "balanced rows: 6, 3 + 3, 2 + 2 + 2 or one under another"
