"""Rewrite the messages of one gettext catalog in place, keeping its header as it was (used by tools/rtl_marks.py
and tools/french_spaces.py, which each change message texts and nothing else)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def rewrite_catalog(path: Path, change: Callable[[str], str]) -> int:
    """Apply `change` to every singular message text; how many changed. Plural forms are left to their own review."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    original = path.read_text(encoding="utf-8")
    changed = 0
    for message in catalog:
        if message.id and isinstance(message.string, str) and message.string:
            new = change(message.string)
            if new != message.string:
                message.string = new
                changed += 1
    if changed:
        buffer = io.BytesIO()
        write_po(buffer, catalog, width=116, no_location=True)
        text = buffer.getvalue().decode("utf-8")
        generated = re.search(r'"Generated-By: [^"]*"', original)
        if generated:  # keep the header as it was: only the changed messages differ
            kept = generated.group(0)
            text = re.sub(r'"Generated-By: [^"]*"', lambda _found: kept, text, count=1)
        path.write_text(text, encoding="utf-8")
    return changed
