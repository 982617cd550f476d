"""Mark the right-to-left catalogs so that commands, phone numbers and Latin-first paragraphs display right.

In an Arabic, Persian, Dari or Pashto sentence a command such as /start is shown as "start/", a phone number can
swap its groups, and a paragraph that begins with a Latin word ("Samenspraak …", "Telegram …") is laid out left to
right. This wraps commands and phone numbers in Unicode isolates (FSI … PDI, as bot/i18n.py does for inserted
values) and starts every Latin-first paragraph with a right-to-left mark. Run it after editing a right-to-left
catalog; tests/test_rtl.py renders every string with a bidi library and fails on what it missed.

    .venv/bin/python tools/rtl_marks.py            # marks ar, fa, prs, ps in place
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

FSI, PDI, RLM = "\u2068", "\u2069", "\u200f"
ROOT = Path(__file__).resolve().parent.parent
COMMAND = re.compile(r"(?<![\w/\u2068])/[a-z][a-z_]*(?![\w/])")
PHONE = re.compile(r"(?<![\w\u2068{])\d{3,4}(?: \d{2,3}){0,2}(?![\w}])")
PLACEHOLDER = re.compile(r"\{\w+\}")
ISOLATED = re.compile("\u2068[^\u2069]*\u2069")


def first_strong(line: str) -> str | None:
    """The bidi class (L, R or AL) that sets a paragraph's direction, skipping isolates and {placeholders} (their
    values are isolated when they are filled in)."""
    for character in PLACEHOLDER.sub("", ISOLATED.sub("", line)):
        kind = unicodedata.bidirectional(character)
        if kind in ("L", "R", "AL"):
            return kind
    return None


def isolate_outside_isolates(text: str) -> str:
    """Isolate commands and phone numbers, leaving what is isolated already alone (so a second run changes nothing)."""
    parts = re.split(f"({ISOLATED.pattern})", text)
    for index in range(0, len(parts), 2):  # even parts lie outside isolates
        part = COMMAND.sub(lambda found: FSI + found.group(0) + PDI, parts[index])
        parts[index] = PHONE.sub(lambda found: FSI + found.group(0) + PDI, part)
    return "".join(parts)


def mark(text: str) -> str:
    text = isolate_outside_isolates(text)
    lines = []
    for line in text.split("\n"):
        if first_strong(line) == "L" and not line.startswith(RLM):
            line = RLM + line
        lines.append(line)
    return "\n".join(lines)


def mark_catalog(path: Path) -> int:
    """Mark every singular message of a catalog in place; plural forms are left to their own review."""
    # Imported here: run as a script, tools/ is on the path; the tests import this module only for its text rules.
    from catalog_rewrite import rewrite_catalog

    return rewrite_catalog(path, mark)


def main(languages: list[str]) -> int:
    for language in languages or ["ar", "fa", "prs", "ps"]:
        path = ROOT / "locales" / language / "LC_MESSAGES" / "samenspraak.po"
        print(f"{language}: {mark_catalog(path)} message(s) marked")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
