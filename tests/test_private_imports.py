"""Only the public API of the libraries the bot stands on: a private module may change in any patch release."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WATCHED = {"telegram", "aiosqlite", "apscheduler"}

# Module (relative to the repository) -> the one private import it may make, and why. Empty: none is needed.
JUSTIFIED: dict[str, set[str]] = {}


def private_imports(source: str) -> set[str]:
    """The private (`_`-prefixed) modules or names of a watched library that `source` imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] in WATCHED and any(part.startswith("_") for part in parts[1:]):
                found.add(name)
    return found


def test_no_module_imports_a_private_module_of_telegram_aiosqlite_or_apscheduler() -> None:
    offenders = {}
    for path in sorted((ROOT / "bot").rglob("*.py")):
        found = private_imports(path.read_text(encoding="utf-8")) - JUSTIFIED.get(str(path.relative_to(ROOT)), set())
        if found:
            offenders[str(path.relative_to(ROOT))] = sorted(found)
    assert offenders == {}


def test_the_check_recognises_every_way_of_importing_a_private_module() -> None:
    assert private_imports("from telegram._utils.defaultvalue import DefaultValue") == {
        "telegram._utils.defaultvalue",
        "telegram._utils.defaultvalue.DefaultValue",
    }
    assert private_imports("import apscheduler._private as p") == {"apscheduler._private"}
    assert private_imports("from aiosqlite import _thing") == {"aiosqlite._thing"}
    assert private_imports("from telegram.request import BaseRequest\nimport aiosqlite\nfrom . import _local") == set()
