"""Dialogue walks in the engine: cards stop by stop, for a newcomer alone or for a group led by a volunteer.

Alone, a participant starts a walk by deep link (`/start walk-<id>`) or from `/walks`; each stop's card (a picture,
a question, Dutch beside their own language) comes when they tap "Next stop", or by itself when their shared (live)
location comes within the stop's radius. They answer by text, voice or photo; each answer is stored with the walk
and the stop. At the end come reflection prompts, and a week later a follow-up through the outbox.

In a group, a volunteer moves everyone on (`/walk <id>` in a group chat, or "lead a group" from `/walks`); every
walker gets the card in their own language in a private chat. What a group walk shares lives in its own rows; the
decisions about it are pure functions in `walk_groups.py` (`start_group`, `group_action`), used both by the
engine (`walk_along.py`: a volunteer leading from a private chat, a walker joining) and by `bot/features/walks/group_chat.py`
(a group chat, which is not a participant). What a card looks like is in `walk_cards.py`.

Walk cards are replies, never held by quiet hours; only the follow-up is scheduled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot import callback_data as press
from bot.content.checker import REQUIRED_LANGUAGE
from bot.content.walks import Walk
from bot.engine import events
from bot.engine.features import BaseFeature
from bot.engine.outgoing import NewAnswer, Record, Result
from bot.engine.state import ParticipantState, Stage
from bot.engine.walk_cards import (
    ALONE_IDLE,
    FEATURE,
    FOLLOW_UP_WINDOW,
    GROUP_AFTER_END,
    GROUP_CODE,
    WALK_CODE,
    Rows,
    alone_rows,
    answer_value,
    card,
    closing_text,
    follow_up,
    reflection_rows,
    reflection_text,
)
from bot.features.walks import along as walk_along
from bot.features.walks import listing, nearby
from bot.features.walks.context import touch, walk_context, walk_state, with_walk_state
from bot.i18n import Translator, pick
from bot.rtl import icon

if TYPE_CHECKING:
    from bot.engine.core import Engine


# -- the feature ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Session:
    """The walk a participant is in now: alone (their own state) or with a group (the group's rows)."""

    walk: Walk
    group: dict[str, Any] | None  # the membership, for a group walk
    stop: int  # the current stop; -1 before a group starts
    phase: str  # "stops" or "reflection"
    reflection: int = 0


class WalkFeature(BaseFeature):
    name = FEATURE

    def buttons(self) -> Mapping[str, Any]:
        return {"walk": self._button, "wg": walk_along.group_button}

    def commands(self) -> Mapping[str, Any]:
        return {"walks": self._walks_command, "walk": self._walk_command}

    # -- hooks of the core -------------------------------------------------------------------------------------
    def on_start(self, engine: Engine, result: Result, code: str, t: Translator) -> bool:
        """`/start walk-<id>` or `/start wg-<code>`; before consent the code waits until they are ready."""
        if not (code.startswith(WALK_CODE) or code.startswith(GROUP_CODE)):
            return False
        state = result.state
        if state.stage != Stage.READY or state.consent_version != engine.config.consent_version:
            result.state = with_walk_state(state, {**walk_state(state), "pending": code})
            return False
        self._begin(engine, result, code, t, "👋 " + t.gettext("Welcome back!"))
        return True

    def on_ready(self, engine: Engine, result: Result, t: Translator, lead: str) -> bool:
        """Onboarding is done: a walk they came for by deep link (or asked to join in a group chat) starts now."""
        current = walk_state(result.state)
        code = current.pop("pending", None) or walk_context(result).invitation
        if not code:
            return False
        result.state = with_walk_state(result.state, current)
        self._begin(engine, result, str(code), t, lead)
        return True

    def on_resume(self, engine: Engine, result: Result, t: Translator, lead: str) -> bool:
        """/resume during a walk alone shows its card again: with the round's question instead, the walk would
        seem gone."""
        session = self._session(engine, result)
        if session is None or session.group is not None:
            return False
        if session.phase == "reflection":
            text = lead + "\n\n" + reflection_text(session.walk, session.reflection, t)
            result.say(text, *reflection_rows(session.reflection, t))
        else:
            result.messages.append(card(engine.library, session.walk, session.stop, t, group=False, lead=lead))
        return True

    def _begin(self, engine: Engine, result: Result, code: str, t: Translator, lead: str) -> None:
        if code.startswith(GROUP_CODE):
            if walk_along.join(engine, result, t, lead):
                result.state = with_walk_state(result.state, {})  # walking along with a group puts a walk alone aside
            else:
                ended = (lead + "\n\n" if lead else "") + "⌛ " + t.gettext("This group walk has ended.")
                result.say(ended, *self._list_rows(engine, result, t))
            return
        walk = engine.library.walks.get(code.removeprefix(WALK_CODE))
        if walk is None:
            result.say((lead + "\n\n" if lead else "") + t.gettext("That walk does not exist (any more)."))
            self._list(engine, result, t)
            return
        self._start_alone(engine, result, walk, t, lead)

    # -- messages ----------------------------------------------------------------------------------------------
    def on_message(self, engine: Engine, result: Result, event: events.Event, t: Translator) -> bool:
        session = self._session(engine, result)
        if isinstance(event, events.Location):
            return self._location(engine, result, session, event, t)
        if session is None:
            return self._follow_up_answer(engine, result, event, t)
        _ = t.gettext
        taken = answer_value(event, t, engine.config.max_text_length)
        if taken is None:
            return False
        if isinstance(taken, str):
            result.say("🙏 " + taken)
            return True
        answer_type, value = taken
        ref = event.ref if isinstance(event, events.Text) else None
        walk = session.walk
        if session.phase == "reflection":
            result.answers.append(
                NewAnswer(walk.id, f"reflection-{session.reflection + 1}", answer_type, value, source_ref=ref)
            )
            self._next_reflection(engine, result, session, t, "✅ " + _("Thank you, your answer is saved."))
            return True
        if session.stop < 0:
            result.say("⏳ " + _("The walk has not started yet. The volunteer starts it at the first stop."))
            return True
        stop = walk.stops[session.stop]
        result.answers.append(NewAnswer(walk.id, stop.id, answer_type, value, walk_stop=stop.id, source_ref=ref))
        if session.group is None:
            result.state = self._touch(result)
            last = session.stop == len(walk.stops) - 1  # its button is "Finish the walk", not "Next stop"
            thanks = (
                _("Thank you, your answer is saved.")
                if last
                else _("Thank you, your answer is saved. Add more if you like, or tap “Next stop”.")
            )
            result.say("✅ " + thanks, *alone_rows(walk, session.stop, t))
        else:
            result.say(
                "✅ " + _("Thank you, your answer is saved. Add more if you like; the volunteer moves the group on.")
            )
        return True

    def _session(self, engine: Engine, result: Result) -> Session | None:
        now = result.now
        member = walk_context(result).member
        if member and member["walk"] in engine.library.walks:
            walk = engine.library.walks[member["walk"]]
            if member["status"] == "open":
                return Session(walk, member, member["stop"], "stops")
            recent = member.get("ended_at") is None or now is None or now - member["ended_at"] < GROUP_AFTER_END
            if recent and member["reflection"] < len(walk.reflection):
                return Session(walk, member, member["stop"], "reflection", member["reflection"])
        current = walk_state(result.state)
        walk = engine.library.walks.get(str(current.get("walk")))
        if walk is None:
            return None
        at = _parse(current.get("at"))
        if now is not None and at is not None and now - at > ALONE_IDLE:
            return None
        stop = int(current.get("stop", 0))
        if not 0 <= stop < len(walk.stops):
            return None
        return Session(walk, None, stop, str(current.get("phase", "stops")), int(current.get("reflection", 0)))

    def _touch(self, result: Result, **changes: Any) -> ParticipantState:
        return touch(result, **changes)

    def _follow_up_answer(self, engine: Engine, result: Result, event: events.Event, t: Translator) -> bool:
        """The first message after the follow-up was delivered answers it."""
        sent = walk_context(result).follow_up
        if not sent or sent["walk"] not in engine.library.walks:
            return False
        if result.now is not None and sent.get("sent_at") and result.now - sent["sent_at"] > FOLLOW_UP_WINDOW:
            return False
        taken = answer_value(event, t, engine.config.max_text_length)
        if not isinstance(taken, tuple):
            return False
        answer_type, value = taken
        ref = event.ref if isinstance(event, events.Text) else None
        result.answers.append(NewAnswer(sent["walk"], "follow-up", answer_type, value, source_ref=ref))
        result.say("🙏 " + t.gettext("Thank you! I saved your answer about the walk."))
        return True

    def _location(
        self, engine: Engine, result: Result, session: Session | None, event: events.Location, t: Translator
    ) -> bool:
        return nearby.location(engine, result, session, event, t)

    # -- walking alone -----------------------------------------------------------------------------------------
    def _start_alone(self, engine: Engine, result: Result, walk: Walk, t: Translator, lead: str = "") -> None:
        _ = t.gettext
        member = walk_context(result).member
        if member:  # one walk at a time: walking alone ends walking along with a group
            result.records.append(
                Record("walk_member", {"code": member["code"], "reflection": member["reflection"], "finished": True})
            )
        first = walk.stops[0]
        result.state = with_walk_state(result.state, {"walk": walk.id, "stop": 0, "seen": [first.id], "phase": "stops"})
        result.state = self._touch(result)
        parts = [lead] if lead else []
        parts.append("🚶 " + pick(walk.title, t.language))
        if walk.intro:
            parts.append(pick(walk.intro, t.language))
        if t.language != REQUIRED_LANGUAGE:
            parts.append(
                icon(t, "🇳🇱")
                + _("Each card shows the Dutch words first, then your language: a chance to practise Dutch.")
            )
        if any(stop.location for stop in walk.stops):
            parts.append(
                "📎 "
                + _(
                    "Share your live location (📎 → Location → live): each card comes by itself when you reach its stop."
                )
            )
        result.say("\n\n".join(parts))
        result.messages.append(card(engine.library, walk, 0, t, group=False))

    def _next_stop(self, engine: Engine, result: Result, session: Session, t: Translator) -> None:
        walk = session.walk
        seen = set(walk_state(result.state).get("seen", []))
        following = next(
            (index for index in range(session.stop + 1, len(walk.stops)) if walk.stops[index].id not in seen), None
        )
        if following is None:
            self._finish_alone(engine, result, session, t)
            return
        result.state = self._touch(result, stop=following, seen=[*sorted(seen), walk.stops[following].id])
        result.messages.append(card(engine.library, walk, following, t, group=False))

    def _finish_alone(self, engine: Engine, result: Result, session: Session, t: Translator) -> None:
        walk = session.walk
        if result.now is not None:
            result.messages.append(follow_up(walk, result.now))
        text = closing_text(walk, t)
        if walk.reflection:
            result.state = self._touch(result, phase="reflection", reflection=0)
            result.say(text + "\n\n" + reflection_text(walk, 0, t), *reflection_rows(0, t))
        else:
            result.state = with_walk_state(result.state, {})
            result.say(text)
            engine.continue_round(result, t)

    def _next_reflection(self, engine: Engine, result: Result, session: Session, t: Translator, lead: str) -> None:
        walk = session.walk
        following = session.reflection + 1
        done = following >= len(walk.reflection)
        if session.group is not None:
            result.records.append(
                Record("walk_member", {"code": session.group["code"], "reflection": following, "finished": done})
            )
        elif done:
            result.state = with_walk_state(result.state, {})
        else:
            result.state = self._touch(result, reflection=following)
        if done:
            result.say(
                lead
                + "\n\n🙏 "
                + t.gettext("Thank you for looking back with us. In a week I will ask you one more question.")
            )
            engine.continue_round(result, t)
        else:
            result.say(lead + "\n\n" + reflection_text(walk, following, t), *reflection_rows(following, t))

    def _stale_card(self, engine: Engine, result: Result, session: Session | None, t: Translator) -> None:
        notice = "⌛ " + t.gettext("That button is no longer in use.")
        if session is None:
            result.say(notice)
            self._list(engine, result, t)
        elif session.phase == "reflection":
            result.say(
                notice + "\n\n" + reflection_text(session.walk, session.reflection, t),
                *reflection_rows(session.reflection, t),
            )
        elif session.group is None and session.stop >= 0:
            result.messages.append(card(engine.library, session.walk, session.stop, t, group=False, lead=notice))
        else:
            result.say(notice)

    # -- buttons and commands ----------------------------------------------------------------------------------
    def _button(self, engine: Engine, result: Result, button: press.ButtonData, t: Translator) -> None:
        session = self._session(engine, result)
        alone = session is not None and session.group is None and session.phase == "stops"
        if isinstance(button, press.WalkGo) and button.walk in engine.library.walks:
            self._start_alone(engine, result, engine.library.walks[button.walk], t)
        elif isinstance(button, press.WalkLead) and button.walk in engine.library.walks:
            walk_along.lead_group(engine, result, engine.library.walks[button.walk], t)
        elif isinstance(button, press.WalkList):
            self._list(engine, result, t)
        elif isinstance(button, press.WalkNext) and session and alone:
            if button.walk == session.walk.id and button.stop == session.walk.stops[session.stop].id:
                self._next_stop(engine, result, session, t)
            else:
                self._stale_card(engine, result, session, t)
        elif isinstance(button, press.WalkEnd) and session and alone and button.walk == session.walk.id:
            self._finish_alone(engine, result, session, t)
        elif (
            isinstance(button, press.ReflectionSkip)
            and session
            and session.phase == "reflection"
            and button.number == session.reflection
        ):
            self._next_reflection(engine, result, session, t, "⏭ " + t.gettext("Skipped."))
        else:
            if not isinstance(button, press.WalkButton):
                result.refused = "not a walk button"
            self._stale_card(engine, result, session, t)

    def _list_rows(self, engine: Engine, result: Result, t: Translator) -> Rows:
        return listing.rows(engine, result, t, self._session(engine, result))

    def _list(self, engine: Engine, result: Result, t: Translator) -> None:
        listing.show(engine, result, t, self._session(engine, result))

    def _walks_command(self, engine: Engine, result: Result, command: events.Command, t: Translator) -> None:
        self._list(engine, result, t)

    def _walk_command(self, engine: Engine, result: Result, command: events.Command, t: Translator) -> None:
        """`/walk <id>` in a private chat starts it alone (a group walk is started in the group chat)."""
        walk = engine.library.walks.get(command.args.strip().removeprefix(WALK_CODE))
        if walk is None:
            self._list(engine, result, t)
        else:
            self._start_alone(engine, result, walk, t)


def _parse(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
