"""Every file the bot writes holds participants' words or data: owner-only, also a file that was there before.

A umask only applies to files it creates; an export written over last week's `answers.csv` (mode 0644) kept that
mode. Called just before a file is written, this creates it owner-only or takes the rights of others away.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE = 0o600


def make_private(path: Path) -> Path:
    """Create `path` owner-only if it does not exist, else make it so; returns it for chaining."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE)
    try:
        os.fchmod(descriptor, PRIVATE)
    finally:
        os.close(descriptor)
    return path
