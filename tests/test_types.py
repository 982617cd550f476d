"""bot/ passes mypy in strict mode (configured in pyproject.toml), so CI refuses a change that loses its types.

A justified exception is a `# type: ignore[code]` with its reason on the same line; strict mode reports an ignore
that is no longer needed, so none outlives its reason.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bot_is_clean_under_strict_mypy() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(ROOT / ".mypy_cache")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Success: no issues found" in completed.stdout
