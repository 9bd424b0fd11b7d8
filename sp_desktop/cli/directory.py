"""`sp-desktop search` and `sp-desktop info`."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from sp_desktop import __version__
from sp_desktop.cli.common import add_subcommand, runtime_for
from sp_desktop.domain.formatting import show_date
from sp_desktop.services.directory import DirectoryService
from sp_desktop.services.problems import ProblemService


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_subcommand(sub, "search", "print the services that match a search, best first",
                       "Search the directory as the window does (names, descriptions, categories, towns).")
    p.add_argument("query", nargs="+", help="words to search for, e.g. debt advice")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--limit", type=int, default=50, help="at most this many results (default 50)")
    p.set_defaults(run=run_search)

    p = add_subcommand(sub, "info", "show where the data is and what it holds",
                       "Print the data folder, database, schema version and counts.")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=run_info)


def run_search(args: argparse.Namespace, out: TextIO) -> int:
    with runtime_for(args) as (rt, ctx):
        result = DirectoryService(ctx).search(" ".join(args.query), limit=max(1, args.limit))
        problems = ProblemService(ctx).open_service_ids([r.id for r in result.rows])
    if args.json:
        json.dump({"query": result.query, "total": result.total,
                   # true: no service answers every word; these answer some of them, most first
                   "closest_matches": result.closest, "results": [
            {"id": r.id, "service": r.name, "organisation": r.organisation_name, "categories": r.categories,
             "town": r.town, "cost": r.cost, "access": [a.value for a in r.access],
             "vetting": r.vetting_status.value, "vetting_label": r.vetting_status.label,
             "last_verified": r.last_verified_on.isoformat() if r.last_verified_on else None,
             "problem_reported": r.id in problems}
            for r in result.rows]}, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return 0
    if not result.rows:
        print(f"No services match “{result.query}”.", file=out)
        return 0
    if result.closest:
        print("No service matches every word; closest matches:", file=out)
    for r in result.rows:
        flag = "! Problem reported — " if r.id in problems else ""  # `sp-desktop problems` says what
        print(f"{r.id:>6}  {flag}{r.name} — {r.organisation_name}"
              f"{'  (' + r.town + ')' if r.town else ''}  [{r.cost}; "
              f"{r.vetting_status.symbol} {r.vetting_status.label}; "
              f"checked {show_date(r.last_verified_on, 'never')}]", file=out)
    more = f" (showing {len(result.rows)})" if result.truncated else ""
    print(f"{result.total} service{'s' if result.total != 1 else ''} found{more}.", file=out)
    return 0


def run_info(args: argparse.Namespace, out: TextIO) -> int:
    from sp_desktop.db.migrate import current_revision

    with runtime_for(args) as (rt, ctx):
        counts = DirectoryService(ctx).counts()
        info = {"version": __version__, "data_folder": str(rt.paths.data_dir), "database": rt.db.describe(),
                "backend": rt.db.dialect, "schema": current_revision(rt.db), "demo": rt.demo,
                "counts": counts}
    if args.json:
        json.dump(info, out, indent=2)
        out.write("\n")
        return 0
    print(f"sp_desktop {__version__}{'  (DEMO directory)' if rt.demo else ''}", file=out)
    print(f"Data folder:   {info['data_folder']}", file=out)
    print(f"Database:      {info['database']} ({info['backend']})", file=out)
    print(f"Schema:        {info['schema']}", file=out)
    for k, v in counts.items():
        print(f"{k.capitalize() + ':':<15}{v}", file=out)
    return 0
