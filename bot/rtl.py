"""Right-to-left layout for what the bot composes itself (catalog strings are marked by tools/rtl_marks.py).

Telegram lays out each paragraph by its first strong letter. Some emoji that lead a paragraph count as left-to-right
letters (ℹ️, 🆘, the flag 🇳🇱), so "ℹ️ اضغط…" would be laid out left to right; a right-to-left mark before such an
emoji keeps an Arabic, Persian or Pashto paragraph right to left.
"""

from __future__ import annotations

from typing import Protocol

RLM = "\u200f"


class _Direction(Protocol):
    @property
    def rtl(self) -> bool: ...


def icon(t: _Direction, emoji: str) -> str:
    """An emoji that starts a paragraph, and the space after it, in the reader's direction."""
    return f"{RLM if t.rtl else ''}{emoji} "
