"""The simulator's own `:commands`, each reading its arguments and answering anything else with its usage line.

Whoever rehearses types freely; a typo (`:voice ²`, `:time +99999999999d`) gets a line saying how the command is
written, never a traceback that ends the rehearsal.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from datetime import timedelta
from pathlib import Path

from bot.clock import parse_offset
from bot.engine import events

LONGEST_VOICE = 3600  # seconds: Telegram's voice notes are minutes long, not days
LONGEST_JUMP = timedelta(days=3650)  # ten years ahead is past every round's end

USAGE = {
    "time": ":time +2d | +3h | +15m | +1d12h   (at most ten years ahead)",
    "voice": ":voice [SECONDS | FILE.ogg]   e.g. :voice 12, or a real recording: :voice memo.ogg",
    "photo": ":photo [FILE.jpg [CAPTION]]   e.g. :photo, or a real picture: :photo plein.jpg Het plein",
    "location": ":location LAT LON   e.g. :location 51.0543 3.7174",
    "live": ":live LAT LON   e.g. :live 51.0543 3.7174",
    "sticker": ":sticker",
    "now": ":now",
    "quit": ":quit",
    "help": ":help",
}


def usage(word: str) -> str:
    return f"usage: {USAGE[word]}"


def time_offset(rest: str) -> timedelta | str:
    """How far `:time` moves the clock, or the usage line."""
    try:
        delta = parse_offset(rest)
    except (ValueError, OverflowError):  # a number too large for a timedelta is a typo as much as `+2x` is
        return usage("time")
    if delta > LONGEST_JUMP:
        return usage("time")
    return delta


def simulator_event(word: str, rest: str) -> events.Event | str | None:
    """The event a `:command` sends, a usage line for bad arguments, or None for an unknown command."""
    rest = rest.strip()
    if word == "voice":
        if not rest:
            return events.Voice(file_ref="terminal-voice-5s", duration=5)
        seconds = int(rest) if rest.isascii() and rest.isdecimal() and len(rest) <= 4 else 0
        if not 1 <= seconds <= LONGEST_VOICE:
            return usage("voice")
        return events.Voice(file_ref=f"terminal-voice-{seconds}s", duration=seconds)
    if word in ("photo", "sticker"):
        if rest:
            return usage(word)
        return events.Photo(file_ref="terminal-photo") if word == "photo" else events.Unsupported("sticker")
    if word in ("location", "live"):
        parts = rest.replace(",", " ").split()
        try:
            latitude, longitude = (float(part) for part in parts)
        except ValueError:
            return usage(word)
        # Out-of-range or NaN places go on to the engine, which refuses them for every channel alike.
        if word == "live":  # a shared live location moving on, as Telegram sends it: an edited message
            return events.Location(latitude, longitude, live=True, moved=True)
        return events.Location(latitude, longitude)
    return None


def files_of(root: Path, name: str) -> Path:
    """The folder of one simulated participant's files (their /mydata, charts), removed by their /forget.

    Named after them when the name is a plain word; otherwise after a digest of it, so `--as ../x` stays inside.
    """
    if re.fullmatch(r"[A-Za-z0-9_-]{1,40}", name):
        return root / name
    return root / ("p-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:16])


def forget_files(root: Path, name: str) -> None:
    shutil.rmtree(files_of(root, name), ignore_errors=True)
