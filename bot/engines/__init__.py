"""Clients of the external engines an operator runs: speech to text and machine translation, over HTTP.

Samenspraak recognises no speech and translates nothing itself; it asks the servers named in its settings.
"""

from bot.engines.common import EngineError
from bot.engines.speech import SpeechEngine, Transcription
from bot.engines.translate import TranslateEngine, Translation

__all__ = ["EngineError", "SpeechEngine", "Transcription", "TranslateEngine", "Translation"]
