"""The house rules of the package graph, checked on every run (so CI checks them):

- the import-linter contracts in pyproject.toml (`[tool.importlinter]`): the engine imports no store, Telegram,
  SQLite or feature package; the packages form layers;
- no import circles anywhere in bot/: no strongly connected component of more than one module in the module graph;
- the engine reads no wall clock: time comes in as `now`, from the caller's clock.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def test_the_import_contracts_hold() -> None:
    """pyproject.toml `[tool.importlinter]`: the engine is pure, the packages are layered."""
    done = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout and "kept" in done.stdout


def circles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative: the graph has hundreds)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root) & modules)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child) & modules))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_bot_has_no_import_circles() -> None:
    """Imports under `if TYPE_CHECKING:` and inside functions count too: a circle through a type hint still means
    neither module can be read, typed or tested without the other, and a lazy import is a circle put off until
    run time. Types that would close a circle are protocols below both (bot/hub.py, bot/engine/view.py)."""
    graph = grimp.build_graph("bot", exclude_type_checking_imports=False)
    assert circles(graph, set(graph.modules)) == []


def test_the_circle_finder_finds_a_circle() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "b", "c", "d"):
        graph.add_module(module)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="c")
    graph.add_import(importer="c", imported="a")
    graph.add_import(importer="c", imported="d")
    assert circles(graph, {"a", "b", "c", "d"}) == [["a", "b", "c"]]


WALL_CLOCK = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"), ("time", "time")}
WALL_CLOCK |= {("time", "monotonic"), ("time", "perf_counter"), ("time", "localtime"), ("time", "gmtime")}


def wall_clock_reads(source: str) -> list[str]:
    """Calls such as `datetime.now()`, `datetime.datetime.now(UTC)`, `date.today()` or `time.time()`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if (name, node.func.attr) in WALL_CLOCK:
                found.append(f"{name}.{node.func.attr} at line {node.lineno}")
    return found


def test_the_engine_reads_no_wall_clock() -> None:
    """The engine is a function of (state, event, now): what time it is comes from the caller's clock."""
    reads = {
        str(path.relative_to(ROOT)): wall_clock_reads(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "bot" / "engine").rglob("*.py"))
    }
    assert {path: found for path, found in reads.items() if found} == {}


def test_the_wall_clock_check_sees_a_clock_read() -> None:
    source = "import datetime, time\nfrom datetime import date\nx = datetime.datetime.now()\ny = date.today()\nz = time.time()\n"
    assert wall_clock_reads(source) == ["datetime.now at line 3", "date.today at line 4", "time.time at line 5"]


def test_nothing_is_imported_for_its_side_effect() -> None:
    """Registration by import (a module imported only so that it registers itself) is how wiring got lost before:
    every feature, record writer and organiser command is in an explicit list now (bot/features/wiring.py,
    bot/organise/table.py). An import kept only for its effect would need `noqa: F401`; readline is the one
    exception (it gives the terminal line editing by being imported)."""
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "bot").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "noqa: F401" in line and "import readline" not in line
    ]
    assert found == []
