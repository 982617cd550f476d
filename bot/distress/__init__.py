"""Reading answers for words of distress or danger, in every script people write in.

`match(text, language, lists)` is a pure function: the safeguarding flag (bot/organise/safeguarding.py), the
organisers' `samenspraak safeguarding test` and anything else that reads people's words (transcripts of voice
notes) call the same one, so what an organiser tests is what the bot does.
"""

from bot.distress.matcher import FLAG_KINDS, Excluded, Match, explain, kinds_of, lists_of, match
from bot.distress.normalise import normalise

__all__ = ["FLAG_KINDS", "Excluded", "Match", "explain", "kinds_of", "lists_of", "match", "normalise"]
