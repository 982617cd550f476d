"""The conversation engine: (participant state, event, now) -> new state, answers to store, messages to send.

It imports nothing from Telegram and touches no database (what a feature needs from the store is read for it by
the dispatcher and handed in as context), so the Telegram adapter, the terminal simulator and the tests are three
thin callers of the same function, and a round rehearsed in the terminal behaves the same on a phone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.content import sequence
from bot.content.loader import Library
from bot.content.model import Prompt, Round
from bot.engine import button_press, commands, events, multiselect, onboarding, pacing, relocate
from bot.engine.commands import PARTICIPANT_COMMANDS
from bot.engine.notices import mydata_message
from bot.engine.outgoing import ButtonSpec, NewAnswer, Outgoing, Result
from bot.engine.prompts import Refusal, how_to_share_a_place, prompt_audio, render_prompt, take_answer
from bot.engine.sanity import on_the_map
from bot.engine.state import ParticipantState, Stage, answer_key
from bot.engine.view import CONSENT_VERSION, EngineConfig, Feature
from bot.i18n import Translator, guess_language, pick, translator


class Engine:
    """Pure conversation logic over the organisers' content; swap `library` to reload content."""

    def __init__(self, library: Library, config: EngineConfig | None = None, features: Sequence[Feature] = ()) -> None:
        self.library = library
        self.config = config or EngineConfig()
        self.features = tuple(features)
        self.closed_rounds: frozenset[str] = frozenset()  # rounds an organiser closed (read from the store)
        self.feature_buttons: dict[str, Any] = {}
        self.feature_commands: dict[str, Any] = {}
        for feature in self.features:
            self.feature_buttons.update(feature.buttons())
            self.feature_commands.update(feature.commands())

    # -- entry point -------------------------------------------------------------------------------------------
    def handle(
        self,
        state: ParticipantState,
        event: events.Event,
        now: datetime,
        hint: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> Result:
        """One inbound event. `hint` is Telegram's language_code, used only until a language is chosen."""
        if not state.active:
            state = replace(state, active=True)
        moved = relocate.before_event(self, state, event, now)  # their prompt was removed from the content
        if moved is not None and not isinstance(event, events.Command):
            return moved
        result = Result(state=moved.state if moved else state, now=now, context=context or {})
        result.messages.extend(moved.messages if moved else ())
        language = state.language or guess_language(hint)
        t = translator(language or "en")
        if isinstance(event, events.Location) and not on_the_map(event.latitude, event.longitude):
            result.say(t.gettext("That place is not on the map.") + " " + how_to_share_a_place(t))
            return result  # from any channel: a NaN or 200° latitude would break every export
        if isinstance(event, events.Command):
            commands.command(self, result, event, t, hint)
        elif isinstance(event, events.Button):
            button_press.pressed(self, result, event.data, t, now, hint)
        elif (
            result.state.pending == "forget"
            and isinstance(event, events.Text)
            and not self.current_prompt(result.state)
        ):
            onboarding.ask_forget(result, t)
        else:
            result.state = replace(result.state, pending=None)
            if self._feature_message(result, event, t) or isinstance(event, events.Edit):
                return result  # an edit no feature took is ignored quietly
            if isinstance(event, events.Location) and event.moved:
                return result  # a live location moving on answers nothing; each update must not repeat a step
            self._message(result, event, t, now)
        return result

    def _feature_message(self, result: Result, event: events.Event, t: Translator) -> bool:
        if result.state.stage != Stage.READY or result.state.consent_version != self.config.consent_version:
            return False  # nothing is taken before consent, by any feature
        return any(feature.on_message(self, result, event, t) for feature in self.features)

    def feature_hook(self, hook: str, result: Result, *args: Any) -> bool:
        """A feature's optional hook (`on_start`, `on_ready`; see features.py); True when one took over."""
        for feature in self.features:
            function = getattr(feature, hook, None)
            if function is not None and function(self, result, *args):
                return True
        return False

    def contact_for(self, state: ParticipantState, t: Translator) -> str:
        """Who is responsible: the community's own contact (a `community` file), else SAMENSPRAAK_CONTACT."""
        own = self.library.communities_of.get(state.community)
        return pick(own.contact, t.language) if own is not None and own.contact else self.config.contact

    def community_language(self, community: str) -> str | None:
        """The language a community's participants are offered first when Telegram gives no hint."""
        own = self.library.communities_of.get(community)
        return own.language if own is not None else None

    def translator_for(self, state: ParticipantState) -> Translator:
        return translator(state.language or "en")

    def stale(self, result: Result, t: Translator) -> None:
        """Tell the participant a button is outdated and show where they are now."""
        button_press.stale(self, result, t)

    # -- rounds ------------------------------------------------------------------------------------------------
    def _round(self, state: ParticipantState, now: datetime | None = None) -> Round | None:
        """Their round while it is open; once it closed, the round of their community open at `now`, if any."""
        mine = self.library.rounds.get(state.conversation or "")
        zone, closed = self.config.timezone, self.closed_rounds
        if mine is not None and (now is None or not sequence.is_closed(self.library, mine, now, zone, closed)):
            return mine
        return sequence.round_for(self.library, state.community, now, zone, closed)

    def round_closed(self, conversation: Round, now: datetime | None) -> bool:
        return now is not None and sequence.is_closed(
            self.library, conversation, now, self.config.timezone, self.closed_rounds
        )

    def current_prompt(self, state: ParticipantState) -> Prompt | None:
        conversation = self._round(state)
        if conversation is None or state.prompt is None or conversation.id != state.conversation:
            return None
        return conversation.prompt(state.prompt)

    def _next_unanswered(
        self,
        conversation: Round,
        after: Prompt | None,
        option: str | None,
        answered: frozenset[str],
        role: str | None = None,
    ) -> Prompt | None:
        """The next prompt not answered yet and asked of their role (`when: {role: [...]}`)."""
        candidate = conversation.after(after.id, option) if after else conversation.prompts[0]
        seen: set[str] = set()
        while (
            candidate
            and (answer_key(conversation.id, candidate.id) in answered or not candidate.asked_of(role))
            and candidate.id not in seen
        ):
            seen.add(candidate.id)
            candidate = conversation.after(candidate.id)
        return candidate

    def start_round(self, result: Result, t: Translator, lead: str = "") -> None:
        conversation = self._round(result.state, result.now)
        _ = t.gettext
        if conversation is None:
            result.state = replace(result.state, conversation=None, prompt=None)
            result.say(
                (lead + "\n\n" if lead else "")
                + _("There are no questions right now. We will send you a message when a new round starts.")
            )
            return
        first = self._next_unanswered(conversation, None, None, result.state.answered, result.state.role)
        if first is not None:  # someone who joins late gets the current prompt, not the backlog
            first = pacing.current(conversation, first, result.now, self.config.timezone, result.state.answered)
        state = pacing.with_mine(pacing.mark_joined(result.state, conversation.id, result.now), waiting=None)
        result.state = replace(state, conversation=conversation.id, prompt=first.id if first else None)
        parts = [lead] if lead else []
        if first is None:
            parts.append(self._closing(conversation, t))
            result.say("\n\n".join(parts))
            return
        parts.append("📣 " + pick(conversation.title, t.language))
        if conversation.intro:
            parts.append(pick(conversation.intro, t.language))
        due = pacing.due_at(conversation, first, result.state, result.now, self.config.timezone)
        if due is not None:  # the round's first prompt has its own moment
            pacing.wait_for(self, result, conversation, first, due, t, "\n\n".join(parts), first=True)
            return
        text, buttons = render_prompt(conversation, first, t, result.state.role)
        parts.append(text)
        self._ask(result, conversation, first, "\n\n".join(parts), buttons)

    def open_round(self, result: Result, t: Translator) -> None:
        """A round of their community has just opened: its intro and first prompt (bot/features/followups/rounds.py)."""
        self.start_round(result, t)

    def _ask(
        self,
        result: Result,
        conversation: Round,
        prompt: Prompt,
        text: str,
        buttons: tuple[tuple[ButtonSpec, ...], ...],
    ) -> None:
        """Send a prompt now, and schedule its reminders; the store cancels them once it is answered."""
        result.state = pacing.with_mine(result.state, held=None)  # shown now: theirs to answer
        language = result.state.language or "en"
        result.say(text, *buttons, kind="prompt", data=self.prompt_audio(conversation, prompt, language))
        if result.now is not None:
            result.messages.extend(pacing.reminders(conversation, prompt, result.now, self.config.timezone))

    def render_reminder(self, language: str | None, conversation_id: str, prompt_id: str) -> Outgoing | None:
        """A reminder, rendered when it is sent, in the language the participant has then."""
        conversation = self.library.rounds.get(conversation_id)
        prompt = conversation.prompt(prompt_id) if conversation else None
        if conversation is None or prompt is None:
            return None
        t = translator(language or "en")
        text, buttons = render_prompt(conversation, prompt, t)
        lead = "🔔 " + t.gettext("A friendly reminder: we would still like to hear from you.")
        return Outgoing(
            text=lead + "\n\n" + text,
            buttons=buttons,
            kind="reminder",
            data=self.prompt_audio(conversation, prompt, t.language),
        )

    def prompt_audio(self, conversation: Round, prompt: Prompt, language: str) -> dict[str, str]:
        return prompt_audio(self.library.sources.get(conversation.id), prompt, language)

    def _closing(self, conversation: Round, t: Translator) -> str:
        if conversation.closing:
            return "🎉 " + pick(conversation.closing, t.language)
        return "🎉 " + t.gettext(
            "You answered every question of this round. Thank you! We will tell you what the city does with it."
        )

    def show_current(self, result: Result, t: Translator, lead: str = "") -> None:
        if pacing.show_waiting(self, result, t, lead):
            return  # their next prompt waits for its moment: they were told when
        conversation = self._round(result.state, result.now)
        mine = conversation is not None and conversation.id == result.state.conversation
        prompt = self.current_prompt(result.state) if mine else None
        if conversation and prompt:
            text, buttons = render_prompt(conversation, prompt, t, result.state.role)
            self._ask(result, conversation, prompt, (lead + "\n\n" if lead else "") + text, buttons)
        elif conversation and result.state.conversation != conversation.id:
            self.start_round(result, t, lead)
        else:
            result.say(
                (lead + "\n\n" if lead else "")
                + t.gettext(
                    "There is no open question for you right now. We will write to you when there is a new one."
                )
            )

    def continue_round(self, result: Result, t: Translator) -> None:
        """After something else (a walk), the questions about the city go on where they were, or begin for someone
        who came for that: otherwise the round would stall without a word until they happened to write."""
        if result.state.paused:
            return
        conversation = self._round(result.state, result.now)
        if conversation is None:
            return
        if result.state.conversation != conversation.id:
            self.start_round(result, t)
        elif self.current_prompt(result.state) is not None:
            self.show_current(result, t, "📬 " + t.gettext("Here is your next question."))

    def _store_and_advance(
        self,
        result: Result,
        conversation: Round,
        prompt: Prompt,
        value: dict[str, Any],
        option: str | None,
        t: Translator,
        ref: str | None = None,
    ) -> None:
        state = result.state
        # A skip is stored too (type "skipped"), so the prompt counts as done after a restart.
        answer_type = prompt.type if value else "skipped"
        if prompt.type == "voice" and "text" in value:
            answer_type = "text"  # typed instead of spoken: a free text, moderated and quoted as one
        result.answers.append(NewAnswer(conversation.id, prompt.id, answer_type, value, source_ref=ref))
        answered = state.answered | {answer_key(conversation.id, prompt.id)}
        following = self._next_unanswered(conversation, prompt, option, answered, state.role)
        if following is not None:
            following = pacing.current(conversation, following, result.now, self.config.timezone, answered)
        result.state = replace(state, answered=answered, prompt=following.id if following else None)
        thanks = "✅ " + (t.gettext("Thank you, your answer is saved.") if value else t.gettext("Skipped."))
        due = pacing.due_at(conversation, following, state, result.now, self.config.timezone) if following else None
        if following is None:
            result.say(thanks + "\n\n" + self._closing(conversation, t))
        elif due is not None:  # the next prompt has its own moment: say when, and send it then
            paused = t.gettext("You paused the questions. Send /resume when you want the next one.")
            lead = thanks + ("\n\n" + paused if state.paused else "")
            pacing.wait_for(self, result, conversation, following, due, t, lead, announce=not state.paused)
        elif state.paused:
            result.state = pacing.with_mine(
                result.state, held={"conversation": conversation.id, "prompt": following.id}
            )
            result.say(
                thanks + "\n\n" + t.gettext("You paused the questions. Send /resume when you want the next one.")
            )
        else:
            text, buttons = render_prompt(conversation, following, t, result.state.role)
            self._ask(result, conversation, following, thanks + "\n\n" + text, buttons)

    # -- events ------------------------------------------------------------------------------------------------
    def _message(self, result: Result, event: events.Event, t: Translator, now: datetime) -> None:
        state = result.state
        _ = t.gettext
        if state.stage != Stage.READY:
            lead = _("Before we start, please choose one of the buttons below.")
            result.say(lead)
            onboarding.repeat_step(self, result, t)
            return
        if onboarding.consent_changed(self, result, t):
            return
        conversation = self._round(state, now)
        prompt = self.current_prompt(state) if conversation and conversation.id == state.conversation else None
        if conversation is None or prompt is None:
            self.show_current(result, t)
            return
        if state.paused and pacing.held(state):  # a question they have not seen: not what this message answers
            result.say(t.gettext("You paused the questions. Send /resume when you want the next one."))
            return
        if prompt.multiple:  # several options: typed "1, 3" or pressed one by one, then "done"
            multiselect.typed(self, result, conversation, prompt, event, t)
            return
        taken = take_answer(prompt, event, t, self.config.max_text_length)
        if isinstance(taken, Refusal):
            result.say("🙏 " + taken.message, *render_prompt(conversation, prompt, t, result.state.role)[1])
            return
        ref = event.ref if isinstance(event, events.Text) else None
        self._store_and_advance(result, conversation, prompt, taken.value, taken.option, t, ref)

    def too_fast(self, state: ParticipantState, now: datetime) -> Result:
        """One answer to a burst of messages; what follows it is not stored until the pace is normal again."""
        t = translator(state.language or "en")
        result = Result(state=state, now=now)
        result.say(
            "🐢 "
            + t.gettext("You are sending messages very quickly. Please wait a moment; I will read your next message.")
        )
        return result

    def mydata(self, state: ParticipantState, stored: dict[str, Any], now: datetime) -> Result:
        """/mydata, answered with what the store holds (the dispatcher reads it)."""
        result = Result(state=replace(state, pending=None), now=now)
        text, document = mydata_message(self.library, state, stored, self.translator_for(state), self.config.timezone)
        result.say(text, document=document, kind="mydata")
        return result


__all__ = ["CONSENT_VERSION", "PARTICIPANT_COMMANDS", "ButtonSpec", "Engine", "EngineConfig", "Feature", "answer_key"]
