"""Leaflet and booklet rendering speed (issue 5). Prints medians; not a timed pass/fail test.

Targets: a three-service leaflet in under 150 ms (median, warm); a 150-service booklet in
under 5 s. Run with ``pytest tests/benchmarks/test_leaflet_speed.py -m benchmark -s``.
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable

import pytest
from pypdf import PdfReader

from sp_desktop.leaflets import LeafletFormat, render_booklet, render_leaflet
from sp_desktop.leaflets.sample import sample_booklet, sample_leaflet

pytestmark = pytest.mark.benchmark


def _median_seconds(work: Callable[[], object], runs: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@pytest.mark.parametrize("fmt", [LeafletFormat.STANDARD, LeafletFormat.LARGE])
def test_three_service_leaflet_speed(fmt: LeafletFormat) -> None:
    leaflet = sample_leaflet(3)
    median = _median_seconds(lambda: render_leaflet(leaflet, fmt), runs=21)
    print(f"\nthree-service leaflet ({fmt.value}): median {median * 1000:.1f} ms (target < 150 ms)")
    assert render_leaflet(leaflet, fmt).startswith(b"%PDF")


def test_booklet_of_150_services_speed() -> None:
    booklet = sample_booklet(150)
    median = _median_seconds(lambda: render_booklet(booklet), runs=3, warmup=1)
    pages = len(PdfReader(io.BytesIO(render_booklet(booklet))).pages)
    print(f"\n150-service booklet ({pages} pages): median {median:.2f} s (target < 5 s)")
