"""The conversation engine, free of Telegram: events in, state + answers + outbox messages out."""

from bot.engine.core import CONSENT_VERSION, Engine, EngineConfig, answer_key
from bot.engine.outgoing import ButtonSpec, Document, NewAnswer, Outgoing, Result
from bot.engine.state import ParticipantState, Stage

__all__ = [
    "CONSENT_VERSION",
    "ButtonSpec",
    "Document",
    "Engine",
    "EngineConfig",
    "NewAnswer",
    "Outgoing",
    "ParticipantState",
    "Result",
    "Stage",
    "answer_key",
]
