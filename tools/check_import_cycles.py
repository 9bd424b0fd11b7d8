"""Fail when sp_desktop's modules import each other in a circle (run by `make lint` and .ci/run).

A circle (a imports b, b imports a, directly or through others) means neither module can be read,
tested or moved without the other. Imports inside functions count too: they run later, but the
modules still depend on each other. Imports under `if TYPE_CHECKING:` do not count (they never run).

`KNOWN` lists the circles this check found when it was written that are not yet taken apart; a
new circle fails, and so does a known one that has gone (take it off the list).
"""

from __future__ import annotations

import sys

import grimp

KNOWN = {
    # render.py asks accessible.py for the leaflet's title; accessible.py reuses render's wording
    frozenset({"sp_desktop.leaflets.accessible", "sp_desktop.leaflets.render"}),
    # directory.py builds the conflict view of a stale save; concurrency.py reads directory's forms
    frozenset({"sp_desktop.services.concurrency", "sp_desktop.services.directory"}),
    # the server banner refreshes pages through change_watcher, which installs the banner
    frozenset({"sp_desktop.ui.change_watcher", "sp_desktop.ui.server_banner"}),
}


def circles(package: str = "sp_desktop") -> list[frozenset[str]]:
    """The sets of modules that import each other in a circle (Tarjan's strongly connected parts)."""
    graph = grimp.build_graph(package, exclude_type_checking_imports=True, cache_dir=None)
    edges = {m: {i for i in graph.find_modules_directly_imported_by(m) if i.startswith(package + ".")}
             for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(start: str) -> None:  # iterative, so deep import chains cannot hit the recursion limit
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                part = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    part.add(member)
                    if member == node:
                        break
                if len(part) > 1:
                    found.append(frozenset(part))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def main() -> int:
    found = set(circles())
    new = found - KNOWN
    gone = KNOWN - found
    for part in sorted(new, key=sorted):
        print("import circle: " + " <-> ".join(sorted(part)))
    for part in sorted(gone, key=sorted):
        print("no longer a circle (take it off KNOWN in tools/check_import_cycles.py): "
              + " <-> ".join(sorted(part)))
    if new or gone:
        return 1
    print(f"no new import circles ({len(found)} known)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
