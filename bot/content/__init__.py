"""Conversations written by organisers in `conversations/*.yaml`: their model, loading and checking."""

from bot.content.loader import Library, Problem, load_library
from bot.content.model import AnswerType, Option, Prompt, Round

__all__ = ["AnswerType", "Library", "Option", "Problem", "Prompt", "Round", "load_library"]
