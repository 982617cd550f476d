"""`samenspraak export`: kept as the import path scripts know; the exports live in `bot.organise.export`."""

from bot.organise.cli import run_export
from bot.organise.export import CHANNEL_NAMES, COLUMNS, Selection, export

__all__ = ["CHANNEL_NAMES", "COLUMNS", "Selection", "export", "run_export"]
