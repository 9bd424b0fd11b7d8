"""One table of benchmark figures for `make bench` (docs/benchmarks.md).

Each benchmark calls `record(...)` with its figure, the floor it was measured against in the same
run (a bare window, a plain scan, the same work done the simplest way...), the target and whether
it was met. Results go to a JSON file (``$SP_BENCH_RESULTS``; default: beside the synthetic data),
so several pytest runs — one benchmark at a time on a busy machine — add up to one table;
``python -m tests.benchmarks.results docs/benchmarks.md`` (what `make bench` runs last) writes
the table, the date and the machine between the markers of that file, leaving its notes alone.
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from tests.benchmarks.synthetic import cache_root

BEGIN = "<!-- bench:begin (written by `make bench`) -->"
END = "<!-- bench:end -->"


@dataclass(frozen=True)
class Figure:
    key: str  # the point and what is measured, e.g. "5. closing the window"
    figure: str  # what was measured, with units
    floor: str  # the floor measured in the same run, with units ("" when the target is absolute)
    target: str
    met: bool
    at: str = ""


def results_file() -> Path:
    return Path(os.environ.get("SP_BENCH_RESULTS") or cache_root() / "results.json")


def load() -> dict[str, dict[str, object]]:
    path = results_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def record(key: str, figure: str, floor: str, target: str, met: bool) -> None:
    """Keep the newest figure for `key` and print it beside its floor."""
    data = load()
    item = Figure(key, figure, floor, target, met, datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    data[key] = asdict(item)
    path = results_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    beside = f"; floor {floor}" if floor else ""
    verdict = "met" if met else "NOT met"
    print(f"\n[benchmark] {key}: {figure}{beside}; target {target}: {verdict}", flush=True)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = f", {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB RAM"
    except (ValueError, OSError, AttributeError):
        mem = ""
    try:
        import PySide6

        qt = f", PySide6 {PySide6.__version__}"
    except ImportError:
        qt = ""
    load_avg = ""
    if hasattr(os, "getloadavg"):
        load_avg = f"; load average {os.getloadavg()[0]:.1f} when written"
    return (f"{os.cpu_count()} CPUs ({cpu}){mem}, {platform.system()} {platform.release()}, Python "
            f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}{qt}{load_avg}")


def table(data: dict[str, dict[str, object]]) -> str:
    lines = ["| point | figure | floor (same run) | target | met? | measured |",
             "| --- | --- | --- | --- | --- | --- |"]
    for key in sorted(data, key=lambda k: (k.split(".")[0].zfill(3), k)):
        f = data[key]
        lines.append(f"| {f['key']} | {f['figure']} | {f['floor'] or '—'} | {f['target']} | "
                     f"{'yes' if f['met'] else '**no**'} | {f['at']} |")
    return "\n".join(lines)


def write(doc: Path) -> None:
    data = load()
    written = datetime.now(UTC).strftime("%d %b %Y %H:%M UTC")
    block = (f"{BEGIN}\nTable written {written} from the figures the benchmarks recorded (`make bench` runs "
             f"each benchmark file in turn, then writes it; the last column says when each was measured), "
             f"on {machine()}. Each figure was measured beside its floor in the same run.\n\n"
             f"{table(data)}\n{END}")
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# sp_desktop — benchmarks\n\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        first, _, body = text.partition("\n")
        text = f"{first}\n\n{block}\n{body}"
    doc.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/benchmarks.md"))
