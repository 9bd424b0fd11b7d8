"""`sp-desktop problem` and `sp-desktop problems`: report, list and resolve problems with a service.

    sp-desktop --user "Sam Reid" problem 12 --reason "the number rings out" --kind number-does-not-work
    sp-desktop --user "Lead Name" problem 12 --resolve "new number checked with them today"
    sp-desktop problems

Reporting needs --user (any role); resolving needs a vetting lead. While a problem is open,
`sp-desktop leaflet` for that service stops (exit 1) unless --override-reason says why.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from sp_desktop.cli.common import add_subcommand, runtime_for
from sp_desktop.domain.enums import ProblemKind

KINDS = {k.value.replace("_", "-"): k for k in ProblemKind}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_subcommand(
        sub, "problem", "report a problem with a service (or, as the vetting lead, resolve it)",
        "Report a problem with a service (ids as shown by `sp-desktop search`): from then on it shows "
        "\u201cProblem reported\u201d to everyone and a leaflet for it needs --override-reason, until the "
        "vetting lead resolves it with --resolve. A safeguarding concern goes to the vetting lead at once. "
        "Do not name the patient.")
    p.add_argument("service_id", type=int, metavar="SERVICE_ID", help="the service, e.g. 12")
    p.add_argument("--reason", default=None, metavar="TEXT",
                   help='what is wrong, in a few words, e.g. "the number rings out"')
    p.add_argument("--kind", choices=sorted(KINDS), default="other",
                   help="what kind of problem (default other): " + ", ".join(
                       f"{code} ({kind.label.lower()})" for code, kind in KINDS.items()))
    p.add_argument("--resolve", default=None, metavar="TEXT",
                   help="vetting lead: resolve the service's open problems, saying what was done")
    p.set_defaults(run=run_problem)

    p = add_subcommand(sub, "problems", "list the open problems reported with services",
                       "List every open problem, safeguarding concerns first: service id, service, "
                       "kind, when and who, and what was said (a safeguarding concern's words only for "
                       "the vetting lead and the person who reported it).")
    p.set_defaults(run=run_problems)


def run_problem(args: argparse.Namespace, out: TextIO) -> int:
    from sp_desktop.cli import CommandError
    from sp_desktop.services.problems import ProblemService

    if (args.reason is None) == (args.resolve is None):
        raise CommandError('Give either --reason "what is wrong" to report a problem, or --resolve '
                           '"what was done" (vetting lead) to resolve it.', 2)
    with runtime_for(args) as (_rt, ctx):
        service = ProblemService(ctx)
        if args.resolve is not None:
            done = service.resolve(args.service_id, args.resolve)
            print(f"Resolved {len(done)} problem(s) with {done[0].service_name} (service {args.service_id}); "
                  "it no longer shows \u201cProblem reported\u201d.", file=out)
            return 0
        info = service.report(args.service_id, KINDS[args.kind], args.reason)
    routed = " It has gone to the vetting lead." if info.safeguarding else ""
    print(f"{info.headline} for {info.service_name} (service {info.service_id}). Everyone now sees "
          f"\u201cProblem reported\u201d; a leaflet for it needs a reason until the vetting lead resolves "
          f"it.{routed}", file=out)
    return 0


def run_problems(args: argparse.Namespace, out: TextIO) -> int:
    from sp_desktop.services.problems import ProblemService

    with runtime_for(args) as (_rt, ctx):
        problems = ProblemService(ctx).open_problems()
    if not problems:
        print("No open problems.", file=out)
        return 0
    for p in problems:
        print(f"{p.service_id}\t{p.service_name} ({p.organisation_name})\t{p.headline}\t{p.reason}", file=out)
    print(f"{len(problems)} open problem(s). The vetting lead resolves one with: "
          'sp-desktop --user NAME problem SERVICE_ID --resolve "what was done"', file=out)
    return 0
