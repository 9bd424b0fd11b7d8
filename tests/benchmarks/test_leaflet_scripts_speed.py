"""Leaflet speed with the fallback fonts and shaping (issue 14). Prints the figures.

Targets: a one-service leaflet < 60 ms, three services < 100 ms, a 150-service booklet < 3 s
(medians, warm), and the first leaflet after start-up < 400 ms (a fresh process: fonts loaded
then). Each figure is printed as wall time and as CPU time of this process, beside a floor
measured in the same run: the smallest PDF reportlab makes with the same embedded font (one line
of text), so a slow, shared machine shows as a slow floor too. The development machine is shared
by many test runs (wall time there is several times the CPU time), so the targets are asserted on
CPU time. Run with ``make bench`` or
``pytest tests/benchmarks/test_leaflet_scripts_speed.py -m benchmark -s -o addopts=""``.
"""

from __future__ import annotations

import dataclasses
import io
import json
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from sp_desktop.leaflets import LeafletFormat, render_booklet, render_leaflet
from sp_desktop.leaflets.fonts import register_fonts
from sp_desktop.leaflets.sample import sample_booklet, sample_leaflet, sample_services
from tests.benchmarks.results import record

pytestmark = pytest.mark.benchmark


def _medians(work: Callable[[], object], runs: int, warmup: int = 2) -> tuple[float, float]:
    """(wall, CPU) medians in seconds."""
    for _ in range(warmup):
        work()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _floor() -> tuple[float, float]:
    """The smallest leaflet-like PDF: one line in the leaflet's own (embedded, subset) font."""
    font = register_fonts().regular

    def tiny() -> bytes:
        buf = io.BytesIO()
        canvas = Canvas(buf, pagesize=A4)
        canvas.setFont(font, 14)
        canvas.drawString(72, 720, "Support that might help you")
        canvas.showPage()
        canvas.save()
        return buf.getvalue()

    return _medians(tiny, runs=15)


def _ms(pair: tuple[float, float]) -> str:
    return f"{pair[0] * 1000:.1f} ms wall, {pair[1] * 1000:.1f} ms CPU"


MIXED = "Grupa wsparcia. نادي الغداء الأسبوعي. ਦੁਪਹਿਰ ਦਾ ਕਲੱਬ. 每周午餐俱乐部. Обідній клуб. ሰሙናዊ ክለብ ምሳ."


def test_one_and_three_service_leaflets() -> None:
    floor = _floor()
    print(f"\nfloor (one line of text, same font): {_ms(floor)}")
    one, three = sample_leaflet(1), sample_leaflet(3)
    results = {}
    for name, leaflet, target in (("one-service", one, 60), ("three-service", three, 100)):
        results[name] = _medians(lambda lf=leaflet: render_leaflet(lf, LeafletFormat.STANDARD), runs=15)
        print(f"{name} leaflet: median {_ms(results[name])} (target < {target} ms)")
    svc = dataclasses.replace(sample_services()[0], description=MIXED)
    mixed = dataclasses.replace(one, services=(svc,))
    shaped = _medians(lambda: render_leaflet(mixed, LeafletFormat.STANDARD), runs=15)
    print(f"one-service leaflet in six scripts (shaped): median {_ms(shaped)}")
    for name, target in (("one-service", 0.060), ("three-service", 0.100)):
        record(f"14. {name} leaflet (median, CPU)", _ms(results[name]), _ms(floor),
               f"< {target * 1000:.0f} ms", results[name][1] < target)
    assert results["one-service"][1] < 0.060
    assert results["three-service"][1] < 0.100


def test_booklet_of_150_services() -> None:
    floor = _floor()
    booklet = sample_booklet(150)
    result = _medians(lambda: render_booklet(booklet), runs=3, warmup=1)
    print(f"\n150-service booklet: median {result[0]:.2f} s wall, {result[1]:.2f} s CPU (target < 3 s); "
          f"floor {_ms(floor)}")
    record("14. 150-service booklet (median, CPU)", f"{result[0]:.2f} s wall, {result[1]:.2f} s CPU",
           _ms(floor), "< 3 s", result[1] < 3.0)
    assert result[1] < 3.0


def test_first_leaflet_after_start_up() -> None:
    code = textwrap.dedent("""
        import json, time
        from sp_desktop.leaflets import LeafletFormat, render_leaflet
        from sp_desktop.leaflets.sample import sample_leaflet
        leaflet = sample_leaflet(1)
        wall, cpu = time.perf_counter(), time.process_time()
        render_leaflet(leaflet, LeafletFormat.STANDARD)
        print(json.dumps([time.perf_counter() - wall, time.process_time() - cpu]))
    """)
    runs = [json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                      check=True).stdout) for _ in range(3)]
    best = min(runs, key=lambda r: r[1])
    print(f"\nfirst leaflet after start-up: {best[0] * 1000:.0f} ms wall, {best[1] * 1000:.0f} ms CPU, "
          f"best of 3 (target < 400 ms)")
    record("14. first leaflet after start-up (CPU)",
           f"{best[0] * 1000:.0f} ms wall, {best[1] * 1000:.0f} ms CPU", "", "< 400 ms", best[1] < 0.400)
    assert best[1] < 0.400


def test_every_demo_service_standard_leaflet(demo_db, clock) -> None:  # noqa: ANN001 (fixtures)
    """The demo directory's 170 services, each as a one-page leaflet with header, logo, note and
    reference: those that need the closer layout are laid out twice, so the slowest is shown."""
    from datetime import date

    from PIL import Image
    from sqlalchemy import select

    from sp_desktop.db.models import Service
    from sp_desktop.domain.enums import AppRole
    from sp_desktop.leaflets import CheckedState, Leaflet
    from sp_desktop.leaflets.sample import SAMPLE_PRACTICE
    from sp_desktop.services.base import Actor, ServiceContext
    from sp_desktop.services.leaflets import LeafletService

    ctx = ServiceContext(demo_db, clock, Actor(None, "Bench", AppRole.ADMINISTRATOR))
    with demo_db.read() as s:
        ids = list(s.scalars(select(Service.id).order_by(Service.id)))
    logo = io.BytesIO()
    Image.new("RGB", (600, 300), "navy").save(logo, "PNG")
    practice = dataclasses.replace(SAMPLE_PRACTICE, logo_png=logo.getvalue())
    leaflets = [Leaflet(practice=practice, printed_on=date(2026, 11, 24), personal_note="Call this week.",
                        staff_signature="Dr A Patel", reference="K7M-2QX",
                        services=(dataclasses.replace(c, checked=CheckedState.CHECKED,
                                                      last_verified=date(2026, 10, 1)),))
                for c in LeafletService(ctx).contents(ids)]
    floor = _floor()
    timed = [_medians(lambda lf=lf: render_leaflet(lf, LeafletFormat.STANDARD), runs=3, warmup=1)
             for lf in leaflets]
    cpu = sorted(t[1] for t in timed)
    wall = sorted(t[0] for t in timed)
    print(f"\n{len(leaflets)} demo services, one-service standard leaflet: median "
          f"{statistics.median(wall) * 1000:.0f} ms wall, {statistics.median(cpu) * 1000:.0f} ms CPU; "
          f"slowest {wall[-1] * 1000:.0f} ms wall, {cpu[-1] * 1000:.0f} ms CPU (target < 60 ms); "
          f"floor {_ms(floor)}")
    assert statistics.median(cpu) < 0.060
