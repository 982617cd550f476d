"""French typography: a non-breaking space before : ? ! ; in the French catalog and in
the French texts of the conversations, so that a phone never breaks a line before a question mark.

    .venv/bin/python tools/french_spaces.py        # fixes locales/fr and conversations/*.yaml in place

tests/test_i18n_lint.py fails on a French text that needs it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBSP = "\u00a0"
BEFORE = re.compile(r"(?<=[\w)»\u2069.…]) ?([?!;:])(?=\s|$|\")")  # an existing non-breaking space is kept


def space(text: str) -> str:
    """French spacing: a non-breaking space before : ? ! ; where there is an ordinary one or none (times like 9:00
    and links are left alone)."""
    return BEFORE.sub(lambda found: NBSP + found.group(1), text)


def fix_catalog(path: Path) -> int:
    # Imported here: run as a script, tools/ is on the path; the tests import this module only for its text rules.
    from catalog_rewrite import rewrite_catalog

    return rewrite_catalog(path, space)


def fix_content(path: Path) -> int:
    """Every `fr:` text of a conversation file, with its continuation lines."""
    lines = path.read_text(encoding="utf-8").split("\n")
    changed = 0
    inside: str | None = None  # the indentation of the fr: key we are in
    for index, line in enumerate(lines):
        key = re.match(r"^(\s*)(?:- )?([a-z_]+):", line)
        if key and (inside is None or len(key.group(1)) <= len(inside)):
            inside = key.group(1) if key.group(2) == "fr" else None
        if inside is not None:
            head, _, tail = line.partition("fr: ") if key and key.group(2) == "fr" else ("", "", line)
            new = head + ("fr: " if head or key else "") + space(tail) if key and key.group(2) == "fr" else space(line)
            if new != line:
                lines[index] = new
                changed += 1
    path.write_text("\n".join(lines), encoding="utf-8")
    return changed


def main() -> int:
    print(f"catalog: {fix_catalog(ROOT / 'locales' / 'fr' / 'LC_MESSAGES' / 'samenspraak.po')} message(s)")
    for path in sorted((ROOT / "conversations").glob("*.yaml")):
        print(f"{path.name}: {fix_content(path)} line(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
