"""Leaflet speed with the fallback fonts and shaping (issue 14). Prints the figures.

Targets: a one-service leaflet < 60 ms, three services < 100 ms, a 150-service booklet < 3 s
(medians, warm), and the first leaflet after start-up < 400 ms (a fresh process: fonts loaded
then). Run with ``make bench`` or
``pytest tests/benchmarks/test_leaflet_scripts_speed.py -m benchmark -s -o addopts=""``.
"""

from __future__ import annotations

import dataclasses
import json
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable

import pytest

from sp_desktop.leaflets import LeafletFormat, render_booklet, render_leaflet
from sp_desktop.leaflets.sample import sample_booklet, sample_leaflet, sample_services

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


MIXED = "Grupa wsparcia. نادي الغداء الأسبوعي. ਦੁਪਹਿਰ ਦਾ ਕਲੱਬ. 每周午餐俱乐部. Обідній клуб. ሰሙናዊ ክለብ ምሳ."


def test_one_and_three_service_leaflets() -> None:
    one, three = sample_leaflet(1), sample_leaflet(3)
    for name, leaflet, target in (("one-service", one, 60), ("three-service", three, 100)):
        median = _median_seconds(lambda lf=leaflet: render_leaflet(lf, LeafletFormat.STANDARD), runs=15)
        print(f"\n{name} leaflet: median {median * 1000:.1f} ms (target < {target} ms)")
    svc = dataclasses.replace(sample_services()[0], description=MIXED)
    mixed = dataclasses.replace(one, services=(svc,))
    median = _median_seconds(lambda: render_leaflet(mixed, LeafletFormat.STANDARD), runs=15)
    print(f"\none-service leaflet in six scripts (shaped): median {median * 1000:.1f} ms")


def test_booklet_of_150_services() -> None:
    booklet = sample_booklet(150)
    median = _median_seconds(lambda: render_booklet(booklet), runs=3, warmup=1)
    print(f"\n150-service booklet: median {median:.2f} s (target < 3 s)")


def test_first_leaflet_after_start_up() -> None:
    code = textwrap.dedent("""
        import json, time
        from sp_desktop.leaflets import LeafletFormat, render_leaflet
        from sp_desktop.leaflets.sample import sample_leaflet
        leaflet = sample_leaflet(1)
        start = time.perf_counter()
        render_leaflet(leaflet, LeafletFormat.STANDARD)
        print(json.dumps(time.perf_counter() - start))
    """)
    runs = [json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                      check=True).stdout) for _ in range(3)]
    print(f"\nfirst leaflet after start-up: {min(runs) * 1000:.0f} ms best of 3 (target < 400 ms)")
