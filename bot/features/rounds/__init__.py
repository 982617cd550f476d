"""Rounds of prompts, the engine's own conversation (bot/engine/core.py): only their message kinds live here."""
