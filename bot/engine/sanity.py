"""What the engine takes from any channel before it reads it: numbers of a sane length, places on the map.

Checked here, in the engine, so that Telegram, the terminal and any later channel are covered alike: a NaN
latitude once stored breaks every export and brief (JSON has no NaN), and a 4,301-digit line exceeds what
Python's int() reads.
"""

from __future__ import annotations

import math

MAX_DIGITS = 9


def small_number(text: str) -> int | None:
    """A whole number typed as an answer (in any script's decimal digits), or None; never an error."""
    if not text.isdecimal() or len(text) > MAX_DIGITS:
        return None
    return int(text)


def on_the_map(latitude: float, longitude: float) -> bool:
    """A real place: finite, latitude within ±90 and longitude within ±180."""
    return (
        math.isfinite(latitude)
        and math.isfinite(longitude)
        and -90.0 <= latitude <= 90.0
        and -180.0 <= longitude <= 180.0
    )
