"""Tests for the pure conversation engine: onboarding, consent, answering every prompt type, refusals, commands.

Why: the engine decides what is stored as an answer and what a participant reads. It must never store anything
before consent, never store an answer twice, refuse forged buttons, and keep the participant on their prompt when
something does not fit. The engine is pure, so these tests drive it directly with the real sample content.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bot.content import Library
from bot.engine import (
    CONSENT_VERSION,
    Engine,
    EngineConfig,
    Outgoing,
    ParticipantState,
    Result,
    Stage,
    answer_key,
    events,
)
from bot.engine.core import PARTICIPANT_COMMANDS
from bot.engine.keyboards import consent_rows, forget_rows, language_rows, role_rows
from bot.engine.prompts import render_prompt
from bot.features.wiring import FEATURES
from bot.i18n import available_languages, translator

NOW = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)
ROUND = "leven-in-onze-stad"
CONTACT = "Stad Gent, dienst Participatie, participatie@example.org"

# The right answer for every prompt of the sample round, and the value that must be stored for it.
RIGHT_ANSWERS: dict[str, tuple[events.Event, str, dict[str, Any]]] = {
    "wonen": (events.Button(f"a:{ROUND}:wonen:4"), "scale", {"value": 4}),
    "vervoer": (events.Button(f"a:{ROUND}:vervoer:fiets"), "choice", {"option": "fiets"}),
    "werk": (events.Text("Een cursus Nederlands 's avonds"), "text", {"text": "Een cursus Nederlands 's avonds"}),
    "veilig": (events.Photo("photo-file-1"), "photo", {"photo": "photo-file-1"}),
    "ontmoeten": (events.Voice("voice-file-1", 12), "voice", {"voice": "voice-file-1", "duration": 12}),
    "lievelingsplek": (
        events.Location(51.05431234567, 3.7174239999),
        "location",
        {"latitude": 51.054312, "longitude": 3.717424},
    ),
    "open-vraag": (
        events.Text("Meer bankjes in het park, alstublieft."),
        "text",
        {"text": "Meer bankjes in het park, alstublieft."},
    ),
}
PROMPT_ORDER = list(RIGHT_ANSWERS)


class Chat:
    """One participant talking to the engine; the state of each result is fed into the next event."""

    def __init__(self, engine: Engine, state: ParticipantState | None = None) -> None:
        self.engine = engine
        self.state = state or ParticipantState(channel="terminal", address="x")
        self.results: list[Result] = []

    def send(self, event: events.Event, hint: str | None = None) -> Result:
        result = self.engine.handle(self.state, event, NOW, hint)
        self.state = result.state
        self.results.append(result)
        return result

    def press(self, data: str) -> Result:
        return self.send(events.Button(data))

    def command(self, name: str, args: str = "") -> Result:
        return self.send(events.Command(name, args))

    @property
    def answers(self) -> list[Any]:
        return [answer for result in self.results for answer in result.answers]


def button_data(message: Outgoing) -> list[str]:
    return [button.data for row in message.buttons for button in row]


def sent_now(result: Result) -> list[Outgoing]:
    """The messages that go out at once (scheduled reminders for later are left aside)."""
    return [message for message in result.messages if message.due_at is None and not message.scheduled]


def last(result: Result) -> Outgoing:
    return sent_now(result)[-1]


def all_text(result: Result) -> str:
    return "\n".join(message.text for message in sent_now(result))


def ready_chat(engine: Engine, language: str = "en") -> Chat:
    """A participant who chose a language, agreed and said they live here: the first prompt is active."""
    chat = Chat(engine)
    chat.command("start")
    chat.press(f"lang:{language}")
    chat.press("consent:yes")
    chat.press("role:resident")
    assert chat.state.stage == Stage.READY
    assert chat.state.prompt == "wonen"
    assert chat.answers == []
    return chat


def test_an_earlier_role_button_changes_the_role_and_says_so(engine: Engine) -> None:
    """The role keyboard stays in the chat: a later press corrects what they told us, and they see it was taken,
    with the question they are on."""
    chat = ready_chat(engine, "nl")
    result = chat.press("role:volunteer")
    assert chat.state.role == "volunteer" and chat.state.prompt == "wonen"
    shown = last(result).text
    assert shown.startswith("✅ Rol: Ik ben vrijwilliger") and "Vraag 1 van 7" in shown


def advance_to(chat: Chat, prompt_id: str) -> None:
    """Answer the prompts before `prompt_id` rightly."""
    while chat.state.prompt != prompt_id:
        assert chat.state.prompt is not None, f"never reached {prompt_id}"
        event, _type, _value = RIGHT_ANSWERS[chat.state.prompt]
        result = chat.send(event)
        assert len(result.answers) == 1


@pytest.fixture
def engine(library: Library) -> Engine:
    return Engine(library, EngineConfig(contact=CONTACT))


# -- onboarding --------------------------------------------------------------------------------------------------


def test_start_offers_the_telegram_language_first(engine: Engine) -> None:
    result = Chat(engine).send(events.Command("start"), hint="nl-BE")
    assert len(sent_now(result)) == 1
    message = sent_now(result)[0]
    data = button_data(message)
    assert data[0] == "lang:nl"
    assert message.buttons[0][0].label == "Nederlands"
    assert sorted(data) == sorted(f"lang:{code}" for code in available_languages())
    # The welcome is already in the guessed language.
    assert "Welkom bij Samenspraak" in message.text
    assert result.state.stage == Stage.LANGUAGE
    assert result.state.language is None  # only a guess until chosen
    assert result.answers == []


def test_start_with_an_english_telegram_puts_english_first(engine: Engine) -> None:
    result = Chat(engine).send(events.Command("start"), hint="en-US")
    assert button_data(sent_now(result)[0])[0] == "lang:en"
    assert "Welcome to Samenspraak" in sent_now(result)[0].text


def test_start_with_an_unknown_telegram_language_makes_no_guess(engine: Engine) -> None:
    unknown = Chat(engine).send(events.Command("start"), hint="xx")
    without = Chat(engine).send(events.Command("start"), hint=None)
    assert [m.text for m in unknown.messages] == [m.text for m in without.messages]
    assert [button_data(m) for m in unknown.messages] == [button_data(m) for m in without.messages]
    message = sent_now(unknown)[0]
    assert sorted(button_data(message)) == sorted(f"lang:{code}" for code in available_languages())
    # Not written in Dutch, so the question is repeated in Dutch for who reads only that.
    assert "Welke taal wil je gebruiken?" in message.text
    assert unknown.state.language is None


def test_choosing_a_language_shows_the_consent_text(library: Library) -> None:
    engine = Engine(library, EngineConfig(contact="Team Samen, samen@example.org", retention_months=18))
    chat = Chat(engine)
    chat.command("start")
    result = chat.press("lang:en")
    assert result.state.language == "en"
    assert result.state.stage == Stage.CONSENT
    assert sent_now(result)[0].menu_language == "en"
    consent = last(result)
    assert "Team Samen, samen@example.org" in consent.text
    assert "Telegram carries the messages" in consent.text
    assert "13 or older" in consent.text
    assert "/forget" in consent.text
    assert "/mydata" in consent.text
    assert "18 months" in consent.text
    assert button_data(consent) == ["consent:yes", "consent:no"]
    assert result.answers == []
    assert result.state.consent_version is None


def test_consent_text_in_dutch_names_the_contact(engine: Engine) -> None:
    chat = Chat(engine)
    chat.send(events.Command("start"), hint="nl")
    consent = last(chat.press("lang:nl"))
    assert CONTACT in consent.text
    assert "13" in consent.text
    assert "Telegram" in consent.text
    assert "/forget" in consent.text


def test_declining_consent_forgets_politely(engine: Engine) -> None:
    chat = Chat(engine)
    chat.command("start")
    chat.press("lang:en")
    result = chat.press("consent:no")
    assert result.forget is True
    assert result.answers == []
    assert result.state.consent_version is None
    text = all_text(result)
    assert "That's fine" in text
    assert "We have not stored anything about you" in text
    assert "/start" in text


@pytest.mark.parametrize(
    ("language", "phrase"), [("nl", "het participatieteam van de stad"), ("ar", "فريق المشاركة في المدينة")]
)
def test_without_a_contact_the_consent_names_the_team_in_the_participants_language(
    library: Library, language: str, phrase: str
) -> None:
    """Until SAMENSPRAAK_CONTACT is set, no English words inside a Dutch or Arabic consent text."""
    chat = Chat(Engine(library, EngineConfig()))
    chat.command("start")
    consent = all_text(chat.press(f"lang:{language}"))
    assert phrase in consent and "participation team" not in consent


def test_agreeing_asks_the_role(engine: Engine) -> None:
    chat = Chat(engine)
    chat.command("start")
    chat.press("lang:en")
    result = chat.press("consent:yes")
    assert result.forget is False
    assert result.state.stage == Stage.ROLE
    assert result.state.consent_version == CONSENT_VERSION
    assert result.state.consent_at == NOW
    assert result.state.role is None
    assert button_data(last(result)) == ["role:resident", "role:newcomer", "role:volunteer", "role:unsaid"]
    assert result.answers == []


def test_role_starts_the_round_with_the_first_prompt(engine: Engine) -> None:
    chat = Chat(engine)
    chat.command("start")
    chat.press("lang:en")
    chat.press("consent:yes")
    result = chat.press("role:newcomer")
    assert result.state.role == "newcomer"
    assert result.state.stage == Stage.READY
    assert result.state.conversation == ROUND
    assert result.state.prompt == "wonen"
    assert result.answers == []  # the role is personal data of the participant, not an answer
    prompt = last(result)
    assert prompt.kind == "prompt"
    assert "Life in our city" in prompt.text
    assert "Question 1 of 7" in prompt.text
    assert "How good do you feel about your home" in prompt.text
    assert button_data(prompt) == [f"a:{ROUND}:wonen:{value}" for value in range(1, 6)]


# -- answering ---------------------------------------------------------------------------------------------------


def test_answering_every_prompt_stores_one_answer_each(engine: Engine, library: Library) -> None:
    chat = ready_chat(engine)
    conversation = library.rounds[ROUND]
    assert [prompt.id for prompt in conversation.prompts] == PROMPT_ORDER
    for index, prompt_id in enumerate(PROMPT_ORDER):
        assert chat.state.prompt == prompt_id
        event, answer_type, value = RIGHT_ANSWERS[prompt_id]
        result = chat.send(event)
        assert len(result.answers) == 1, prompt_id
        answer = result.answers[0]
        assert (answer.conversation, answer.prompt_id, answer.answer_type, answer.value) == (
            ROUND,
            prompt_id,
            answer_type,
            value,
        )
        assert answer_key(ROUND, prompt_id) in result.state.answered
        # The confirmation and the next prompt arrive as one message.
        assert len(sent_now(result)) == 1, prompt_id
        message = sent_now(result)[0]
        assert message.text.startswith("✅ Thank you, your answer is saved.")
        if index + 1 < len(PROMPT_ORDER):
            following = conversation.prompts[index + 1]
            assert chat.state.prompt == following.id
            assert message.kind == "prompt"
            assert f"Question {index + 2} of 7" in message.text
            assert following.text["en"] in message.text
            # Anything else is a reminder about the new prompt, for later.
            for reminder in result.messages[1:]:
                assert (reminder.kind, reminder.scheduled) == ("reminder", True)
                assert reminder.due_at is not None and reminder.due_at > NOW
                assert reminder.data == {"conversation": ROUND, "prompt": following.id}
        else:
            assert chat.state.prompt is None
            assert conversation.closing is not None
            assert conversation.closing["en"] in message.text
            assert result.messages == [message]  # nothing left to remind of
    assert [answer.prompt_id for answer in chat.answers] == PROMPT_ORDER
    assert chat.state.answered == frozenset(answer_key(ROUND, prompt_id) for prompt_id in PROMPT_ORDER)


def test_after_the_last_prompt_nothing_more_is_stored(engine: Engine) -> None:
    chat = ready_chat(engine)
    advance_to(chat, "open-vraag")
    chat.send(RIGHT_ANSWERS["open-vraag"][0])
    assert chat.state.prompt is None
    for event in (events.Text("nog iets"), events.Voice("v2"), events.Button(f"a:{ROUND}:wonen:5")):
        result = chat.send(event)
        assert result.answers == []
        assert result.messages
    assert len(chat.answers) == len(PROMPT_ORDER)


def test_a_voice_message_answers_an_open_text_question(engine: Engine) -> None:
    chat = ready_chat(engine)
    advance_to(chat, "werk")
    result = chat.send(events.Voice("voice-werk", 30))
    assert [(a.prompt_id, a.value) for a in result.answers] == [("werk", {"voice": "voice-werk", "duration": 30})]


def test_choice_answered_by_typing_the_number(engine: Engine) -> None:
    chat = ready_chat(engine)
    advance_to(chat, "vervoer")
    result = chat.send(events.Text(" 2 "))
    assert [(a.prompt_id, a.value) for a in result.answers] == [("vervoer", {"option": "fiets"})]
    assert result.state.prompt == "werk"


@pytest.mark.parametrize(
    ("typed", "option"),
    [
        ("By bus or tram", "bus-tram"),
        ("by car", "auto"),
        ("Met de fiets", "fiets"),
        ("TE VOET", "te-voet"),
        ("٢", "fiets"),  # found by exploratory testing: Arabic-Indic digits were refused at a choice
        ("۴", "auto"),  # and Persian ones
        ("بالدراجة الهوائية", "fiets"),  # the label typed without its shadda
    ],
)
def test_choice_answered_by_typing_the_label(engine: Engine, typed: str, option: str) -> None:
    chat = ready_chat(engine)
    advance_to(chat, "vervoer")
    result = chat.send(events.Text(typed))
    assert [(a.prompt_id, a.value) for a in result.answers] == [("vervoer", {"option": option})]


def test_choice_with_a_number_out_of_range_is_refused(engine: Engine) -> None:
    chat = ready_chat(engine)
    advance_to(chat, "vervoer")
    result = chat.send(events.Text("9"))
    assert result.answers == []
    assert result.state.prompt == "vervoer"
    assert "Tap one of the buttons." in all_text(result)


def test_scale_answered_by_typing_a_number(engine: Engine) -> None:
    chat = ready_chat(engine)
    result = chat.send(events.Text("3"))
    assert [(a.prompt_id, a.value) for a in result.answers] == [("wonen", {"value": 3})]


@pytest.mark.parametrize(("typed", "value"), [("٤", 4), ("۲", 2), ("５", 5)])
def test_scale_answered_with_digits_of_other_scripts(engine: Engine, typed: str, value: int) -> None:
    chat = ready_chat(engine)
    result = chat.send(events.Text(typed))  # Arabic-Indic, Persian and full-width digits
    assert [(a.prompt_id, a.value) for a in result.answers] == [("wonen", {"value": value})]


@pytest.mark.parametrize("typed", ["²", "④"])
def test_a_superscript_digit_on_the_scale_is_refused_not_a_crash(engine: Engine, typed: str) -> None:
    chat = ready_chat(engine)
    result = chat.send(events.Text(typed))
    assert result.answers == []
    assert result.state.prompt == "wonen"


def test_skipping_an_optional_prompt_stores_a_skip(engine: Engine) -> None:
    chat = ready_chat(engine)
    advance_to(chat, "veilig")
    result = chat.press(f"skip:{ROUND}:veilig")
    assert [(answer.prompt_id, answer.answer_type, answer.value) for answer in result.answers] == [
        ("veilig", "skipped", {})
    ]
    assert result.state.prompt == "ontmoeten"
    assert "Skipped." in all_text(result)


def test_a_required_prompt_cannot_be_skipped(engine: Engine) -> None:
    chat = ready_chat(engine)
    result = chat.press(f"skip:{ROUND}:wonen")
    assert result.answers == []
    assert result.refused is not None
    assert result.state.prompt == "wonen"


# -- answers of the wrong kind ---------------------------------------------------------------------------------


def _assert_kind_refusal(result: Result, prompt_id: str, *fragments: str) -> None:
    assert result.answers == []
    assert result.state.prompt == prompt_id
    assert answer_key(ROUND, prompt_id) not in result.state.answered
    assert len(result.messages) == 1  # no new reminders either: the prompt did not change
    text = result.messages[0].text
    assert text.startswith("🙏 ")
    for fragment in fragments:
        assert fragment in text


def test_a_sticker_where_text_is_asked(engine: Engine) -> None:
    chat = ready_chat(engine)
    advance_to(chat, "werk")
    result = chat.send(events.Unsupported("sticker"))
    _assert_kind_refusal(result, "werk", "Nice sticker!", "Type your answer and send it.")


def test_seven_on_the_scale(engine: Engine) -> None:
    chat = ready_chat(engine)
    result = chat.send(events.Text("7"))
    _assert_kind_refusal(result, "wonen", "Please choose a number from 1 to 5.")
    # The scale buttons come back with the refusal, so answering is one tap away.
    assert button_data(sent_now(result)[0]) == [f"a:{ROUND}:wonen:{value}" for value in range(1, 6)]


def test_a_text_over_the_limit(library: Library) -> None:
    chat = ready_chat(Engine(library, EngineConfig(max_text_length=50)))
    advance_to(chat, "open-vraag")  # the open question has no limit of its own
    result = chat.send(events.Text("x" * 51))
    _assert_kind_refusal(result, "open-vraag", "51 characters", "the limit is 50")
    accepted = chat.send(events.Text("y" * 50))
    assert [a.value for a in accepted.answers] == [{"text": "y" * 50}]


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u2066 \n", "\u200d", "\u200c\u200d", "\u3164", "\u2800 \u2800"])
def test_an_empty_text(engine: Engine, text: str) -> None:
    chat = ready_chat(engine)
    advance_to(chat, "werk")
    result = chat.send(events.Text(text))
    _assert_kind_refusal(result, "werk", "That message looks empty.")


@pytest.mark.parametrize(
    ("prompt_id", "event", "hint"),
    [
        ("wonen", events.Photo("p"), "Tap a number from 1"),
        ("vervoer", events.Voice("v"), "Tap one of the buttons."),
        ("veilig", events.Text("een foto"), "Send a photo"),
        ("ontmoeten", events.Location(51.0, 3.7), "Hold the microphone button"),
        ("lievelingsplek", events.Photo("p"), "Share a place"),
        ("werk", events.Unsupported("video_note"), "video messages"),
    ],
)
def test_other_wrong_kinds_are_refused_kindly(engine: Engine, prompt_id: str, event: events.Event, hint: str) -> None:
    chat = ready_chat(engine)
    advance_to(chat, prompt_id)
    _assert_kind_refusal(chat.send(event), prompt_id, hint)


# -- nothing before consent --------------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", [Stage.LANGUAGE, Stage.CONSENT, Stage.ROLE])
@pytest.mark.parametrize(
    "event",
    [
        events.Text("Ik woon hier graag"),
        events.Text("4"),
        events.Voice("voice-early", 5),
        events.Photo("photo-early"),
        events.Location(51.0, 3.7),
        events.Button(f"a:{ROUND}:wonen:4"),
    ],
)
def test_nothing_is_stored_before_consent(engine: Engine, stage: Stage, event: events.Event) -> None:
    chat = Chat(engine)
    chat.command("start")
    if stage in (Stage.CONSENT, Stage.ROLE):
        chat.press("lang:en")
    if stage == Stage.ROLE:
        chat.press("consent:yes")
    assert chat.state.stage == stage
    before = chat.state
    result = chat.send(event)
    assert result.answers == []
    assert result.forget is False
    assert result.state.stage == stage
    assert result.state.answered == frozenset()
    assert result.state.prompt is None
    assert result.state.consent_version == before.consent_version
    # The participant is shown the step they are in again, with its buttons.
    assert last(result).buttons


@pytest.mark.parametrize("first_event", [events.Button(f"a:{ROUND}:wonen:4"), events.Text("4")])
def test_a_changed_consent_version_asks_again_before_storing(engine: Engine, first_event: events.Event) -> None:
    chat = ready_chat(engine)
    chat.state = replace(chat.state, consent_version="old")
    first = chat.send(first_event)
    assert "Our consent text has changed" in all_text(first)
    # Once the consent text is shown again, anything but a consent button shows it once more.
    for event in (events.Text("4"), events.Button(f"a:{ROUND}:wonen:4"), events.Voice("v")):
        result = chat.send(event)
        assert "Do you agree?" in all_text(result)
    for result in chat.results[-4:]:
        assert result.answers == []
        assert result.state.stage == Stage.CONSENT
        assert button_data(last(result)) == ["consent:yes", "consent:no"]
        assert result.state.consent_version == "old"
    agreed = chat.press("consent:yes")
    assert agreed.answers == []
    assert agreed.state.consent_version == CONSENT_VERSION
    assert agreed.state.stage == Stage.READY
    assert agreed.state.role == "resident"  # not asked again
    assert "Question 1 of 7" in all_text(agreed)
    stored = chat.press(f"a:{ROUND}:wonen:4")
    assert [(a.prompt_id, a.value) for a in stored.answers] == [("wonen", {"value": 4})]


# -- stale and forged buttons -------------------------------------------------------------------------------------


def test_a_stale_button_of_an_earlier_prompt(engine: Engine) -> None:
    chat = ready_chat(engine)
    chat.press(f"a:{ROUND}:wonen:4")
    assert chat.state.prompt == "vervoer"
    result = chat.press(f"a:{ROUND}:wonen:2")
    assert result.answers == []
    assert result.refused is None  # an honest old button, not a forgery
    assert result.state.prompt == "vervoer"
    assert "Question 2 of 7" in all_text(result)  # the active prompt is shown again
    assert [a.value for a in chat.answers] == [{"value": 4}]


@pytest.mark.parametrize("data", [f"a:{ROUND}:wonen:2", "forget:yes", "consent:maybe"])
def test_a_stale_button_says_so(engine: Engine, data: str) -> None:
    chat = ready_chat(engine)
    chat.press(f"a:{ROUND}:wonen:4")
    result = chat.press(data)
    assert result.answers == []
    assert "That button is no longer in use." in all_text(result)
    assert all(message.text == "" for message in result.messages if message.kind == "reminder")


@pytest.mark.parametrize(
    "data",
    [
        f"a:{ROUND}:bestaat-niet:1",  # unknown prompt id
        "a:andere-ronde:wonen:4",  # unknown conversation
        f"a:{ROUND}:wonen:9",  # value not offered
        f"a:{ROUND}:wonen:",  # no value
        f"a:{ROUND}:vervoer:fiets",  # a prompt that was never shown yet
        "x:whatever",  # unknown prefix
        "",  # nothing at all
        "lang:xx",  # a language we do not speak
    ],
)
def test_forged_buttons_are_refused(engine: Engine, data: str) -> None:
    chat = ready_chat(engine)
    result = chat.press(data)
    assert result.answers == []
    assert result.forget is False
    assert result.refused
    assert result.state.prompt == "wonen"
    assert result.state.answered == frozenset()
    assert result.messages


def test_a_forged_choice_value_is_refused(engine: Engine) -> None:
    chat = ready_chat(engine)
    advance_to(chat, "vervoer")
    result = chat.press(f"a:{ROUND}:vervoer:helikopter")
    assert result.answers == []
    assert result.refused
    assert result.state.prompt == "vervoer"


def test_an_old_consent_button_does_not_silently_delete_answers(engine: Engine) -> None:
    chat = ready_chat(engine)
    chat.press(f"a:{ROUND}:wonen:4")
    result = chat.press("consent:no")  # the button under the consent text, days later
    assert not (result.forget and "We have not stored anything about you" in all_text(result))
    assert result.forget is False


# -- commands ------------------------------------------------------------------------------------------------------


def test_help_mentions_the_emergency_number_and_the_contact(engine: Engine) -> None:
    chat = ready_chat(engine)
    result = chat.command("help")
    text = all_text(result)
    assert "112" in text
    assert CONTACT in text
    for command in ("/language", "/pause", "/resume", "/mydata", "/forget"):
        assert command in text
    assert result.state.prompt == "wonen"
    assert result.answers == []


def test_help_works_before_a_language_is_chosen(engine: Engine) -> None:
    result = Chat(engine).command("help")
    assert "112" in all_text(result)
    assert result.answers == []


def test_pause_and_resume(engine: Engine) -> None:
    chat = ready_chat(engine)
    chat.press(f"a:{ROUND}:wonen:4")
    paused = chat.command("pause")
    assert paused.state.paused is True
    assert "Paused" in all_text(paused)
    assert paused.state.prompt == "vervoer"
    resumed = chat.command("resume")
    assert resumed.state.paused is False
    assert resumed.state.prompt == "vervoer"
    message = last(resumed)
    assert message.kind == "prompt"
    assert "Welcome back!" in message.text
    assert "Question 2 of 7" in message.text
    assert "How do you usually get around the city?" in message.text
    assert button_data(message)[0] == f"a:{ROUND}:vervoer:te-voet"


def test_an_answer_while_paused_is_stored_but_the_next_prompt_waits(engine: Engine) -> None:
    chat = ready_chat(engine)
    chat.command("pause")
    result = chat.press(f"a:{ROUND}:wonen:5")
    assert [a.value for a in result.answers] == [{"value": 5}]
    assert "/resume" in all_text(result)
    assert "Question 2 of 7" not in all_text(result)
    assert result.state.paused is True


def test_while_paused_a_message_never_answers_the_question_not_shown_yet(engine: Engine) -> None:
    """Found trying the simulator: after one answer while paused, the next message was stored as the answer to the
    following question, which they had never seen, and /resume skipped it."""
    chat = ready_chat(engine)
    chat.command("pause")
    chat.send(events.Text("4"))  # the question they have: still theirs to answer
    later = chat.send(events.Text("Met de fiets"))
    assert later.answers == [] and "/resume" in all_text(later)
    assert chat.state.prompt == "vervoer" and [a.prompt_id for a in chat.answers] == ["wonen"]
    resumed = chat.command("resume")
    assert "Question 2 of 7" in last(resumed).text
    answered = chat.press(f"a:{ROUND}:vervoer:fiets")
    assert [a.prompt_id for a in answered.answers] == ["vervoer"]


def test_a_live_location_moving_on_never_repeats_a_step(engine: Engine) -> None:
    """Review finding: before consent (or after the consent text changed) every update of a shared live location
    answered with the whole consent text again."""
    chat = Chat(engine)
    chat.command("start")
    chat.press("lang:nl")
    moving = chat.send(events.Location(51.05, 3.72, live=True, moved=True))
    assert sent_now(moving) == [] and moving.answers == []
    shared = chat.send(events.Location(51.05, 3.72))  # a new share is a message: they are told where they are
    assert "consent:yes" in button_data(last(shared)) and shared.answers == []


def test_mydata_from_someone_not_stored_says_so_and_keeps_nothing(engine: Engine) -> None:
    """Found by exploratory testing: after declining or /forget, /mydata said "Here is everything we have stored
    about you" with nothing after it, and the question itself stored a new participant row."""
    result = Chat(engine).send(events.Command("mydata"), hint="ar")
    assert result.keep_nothing and not result.forget and result.answers == []
    # /start isolated, so that it does not show as "start/" in an Arabic sentence
    assert all_text(result) == "لم نحفظ أي شيء عنك. أرسل \u2068/start\u2069 إذا أردت أن تشارك."


def test_forget_asks_to_confirm_then_forgets(engine: Engine) -> None:
    chat = ready_chat(engine)
    chat.press(f"a:{ROUND}:wonen:4")
    asked = chat.command("forget")
    assert asked.forget is False
    assert asked.state.pending == "forget"
    assert button_data(last(asked)) == ["forget:yes", "forget:no"]
    assert "cannot be undone" in all_text(asked)
    confirmed = chat.press("forget:yes")
    assert confirmed.forget is True
    assert confirmed.answers == []
    assert "everything about you is deleted" in all_text(confirmed)


def test_forget_no_deletes_nothing(engine: Engine) -> None:
    chat = ready_chat(engine)
    chat.press(f"a:{ROUND}:wonen:4")
    chat.command("forget")
    kept = chat.press("forget:no")
    assert kept.forget is False
    assert kept.state.pending is None
    assert kept.state.answered == frozenset({answer_key(ROUND, "wonen")})
    assert kept.state.prompt == "vervoer"
    assert "Nothing was deleted." in all_text(kept)
    assert "Question 2 of 7" in all_text(kept)


def test_a_forget_button_without_asking_first_deletes_nothing(engine: Engine) -> None:
    chat = ready_chat(engine)
    result = chat.press("forget:yes")
    assert result.forget is False
    assert result.state.prompt == "wonen"
    assert "Question 1 of 7" in all_text(result)


def test_language_in_the_middle_of_a_prompt(engine: Engine) -> None:
    chat = ready_chat(engine)
    advance_to(chat, "werk")
    chooser = chat.command("language")
    assert chooser.state.prompt == "werk"
    assert sorted(button_data(last(chooser))) == sorted(f"lang:{code}" for code in available_languages())
    switched = chat.press("lang:nl")
    assert switched.answers == []
    assert switched.state.language == "nl"
    assert switched.state.prompt == "werk"
    assert switched.state.stage == Stage.READY
    assert any(message.menu_language == "nl" for message in switched.messages)
    assert "Vanaf nu schrijf ik je" in sent_now(switched)[0].text
    prompt = last(switched)
    assert "Vraag 3 van 7" in prompt.text
    assert "Wat zou jou helpen om werk te vinden" in prompt.text
    assert "What would help you" not in prompt.text
    # The same prompt is still the one answered next.
    answered = chat.send(events.Text("Kinderopvang"))
    assert [(a.prompt_id, a.value) for a in answered.answers] == [("werk", {"text": "Kinderopvang"})]
    assert "Bedankt, je antwoord is bewaard." in all_text(answered)


def test_unknown_command(engine: Engine) -> None:
    chat = ready_chat(engine)
    result = chat.command("frobnicate")
    assert result.answers == []
    assert "112" in all_text(result)  # the help comes along
    assert result.state.prompt == "wonen"


# -- buttons fit Telegram ----------------------------------------------------------------------------------------


def test_every_button_fits_in_64_bytes(engine: Engine, library: Library) -> None:
    seen: list[str] = []
    for language in available_languages():
        chat = ready_chat(engine, language)
        chat.command("forget")
        chat.press("forget:no")
        chat.command("language")
        chat.press(f"lang:{language}")
        advance_to(chat, "veilig")
        chat.press(f"skip:{ROUND}:veilig")
        advance_to(chat, "open-vraag")
        for result in chat.results:
            for message in result.messages:
                seen.extend(button_data(message))
        t = translator(language)
        for conversation in library.rounds.values():
            for prompt in conversation.prompts:
                _text, rows = render_prompt(conversation, prompt, t)
                seen.extend(button.data for row in rows for button in row)
        for rows in (language_rows(language), consent_rows(t), role_rows(t), forget_rows(t)):
            seen.extend(button.data for row in rows for button in row)
    assert f"a:{ROUND}:vervoer:bus-tram" in seen
    assert f"skip:{ROUND}:lievelingsplek" in seen
    too_long = [data for data in seen if len(data.encode("utf-8")) > 64]
    assert too_long == []


# -- property: whatever arrives, in whatever order --------------------------------------------------------------

KNOWN_BUTTONS = [
    "walk:go:wandeling-centrum",
    "rsvp:hapje-klapje-december:yes",
    "minority:skip:leven-in-onze-stad:vervoer",
    "walk:next:wandeling-centrum:station",
    "walk:end:wandeling-centrum",
    "walk:lead:wandeling-centrum",
    "lang:nl",
    "lang:en",
    "lang:xx",
    "consent:yes",
    "consent:no",
    "role:resident",
    "role:newcomer",
    "role:volunteer",
    "role:unsaid",
    "role:king",
    "forget:yes",
    "forget:no",
    *(f"a:{ROUND}:wonen:{value}" for value in range(0, 7)),
    *(f"a:{ROUND}:vervoer:{option}" for option in ("te-voet", "fiets", "bus-tram", "auto", "anders", "boot")),
    *(f"a:{ROUND}:{prompt}:x" for prompt in PROMPT_ORDER),
    *(f"skip:{ROUND}:{prompt}" for prompt in PROMPT_ORDER),
    "a:onbekend:wonen:1",
    "skip:",
    "a:",
]

# Events that answer some prompt of the sample round, drawn more often so that sequences get far into the round.
LIKELY_ANSWERS = [
    *(event for event, _type, _value in RIGHT_ANSWERS.values()),
    *(events.Button(f"skip:{ROUND}:{prompt}") for prompt in ("veilig", "lievelingsplek")),
    events.Text("2"),
    events.Text("By car"),
    events.Command("forget"),
    events.Button("forget:yes"),
    events.Command("language"),
    events.Button("lang:nl"),
    events.Command("pause"),
    events.Command("resume"),
]
likely_answer = st.sampled_from(LIKELY_ANSWERS)
# Stands for "the right answer to whatever prompt is active then", so that sequences get deep into the round.
RIGHT_NOW = events.Unsupported("<the right answer to the active prompt>")

# Any text at all, superscript and circled digits included (they once crashed the scale prompt).
free_text = st.text(max_size=80)

event_strategy = st.one_of(
    st.just(RIGHT_NOW),
    st.just(RIGHT_NOW),
    st.just(RIGHT_NOW),
    likely_answer,
    likely_answer,
    st.builds(
        events.Text,
        st.one_of(st.sampled_from(["1", "3", "5", "7", "fiets", "2", "", " ", "hallo", "٣"]), free_text),
    ),
    st.builds(events.Button, st.one_of(st.sampled_from(KNOWN_BUTTONS), free_text)),
    st.builds(events.Voice, st.text(min_size=1, max_size=10), st.integers(0, 600)),
    st.builds(events.Photo, st.text(min_size=1, max_size=10)),
    st.builds(
        events.Location,
        st.floats(-90, 90, allow_nan=False),
        st.floats(-180, 180, allow_nan=False),
        st.booleans(),
    ),
    st.builds(
        events.Command,
        st.one_of(st.sampled_from([*PARTICIPANT_COMMANDS, "START", "nope"]), st.text(max_size=12)),
        st.one_of(st.just(""), st.sampled_from(["default", "elders"]), st.text(max_size=20)),
    ),
    st.builds(
        events.Unsupported,
        st.sampled_from(["sticker", "document", "video", "video_note", "contact", "poll", "forwarded", "weird"]),
    ),
    st.builds(events.Edit, st.text(max_size=6), free_text),
)


# Random events rarely get through onboarding on their own, so most sequences start with it, and whole
# onboardings and confirmed deletions come as one piece too.
ONBOARDING = [
    events.Command("start"),
    events.Button("lang:en"),
    events.Button("consent:yes"),
    events.Button("role:unsaid"),
]
FORGET = [events.Command("forget"), events.Button("forget:yes")]
sequence_strategy = st.lists(
    st.one_of(event_strategy.map(lambda event: [event]), st.sampled_from([ONBOARDING, FORGET])), min_size=1, max_size=25
).map(lambda chunks: [event for chunk in chunks for event in chunk][:30])


@hypothesis_settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    onboarded=st.sampled_from([True, True, True, False]),
    sequence=sequence_strategy,
    hint=st.sampled_from([None, "nl-BE", "en", "xx", "fa-AF"]),
)
def test_any_sequence_of_events_is_safe(
    library: Library, onboarded: bool, sequence: list[events.Event], hint: str | None
) -> None:
    engine = Engine(
        library, EngineConfig(contact=CONTACT, max_text_length=60), FEATURES
    )  # walks, edits, follow-ups too
    state = ParticipantState(channel="terminal", address="x")
    stored: set[tuple[str, str]] = set()
    for drawn in (ONBOARDING if onboarded else []) + sequence:
        before = state
        event = RIGHT_ANSWERS[state.prompt][0] if drawn == RIGHT_NOW and state.prompt in RIGHT_ANSWERS else drawn
        result = engine.handle(before, event, NOW, hint)  # must never raise
        assert isinstance(result, Result)
        for message in result.messages:
            assert isinstance(message.text, str)
            for data in button_data(message):
                assert len(data.encode("utf-8")) <= 64
        if before.consent_version != CONSENT_VERSION:
            assert result.answers == [], (before, event)
        if result.answers:
            assert before.stage == Stage.READY
        for answer in result.answers:
            if answer.walk_stop is not None or answer.minority:
                continue  # a walk stop takes several answers (text, voice, photo) by design; so does a follow-up
            key = (answer.conversation, answer.prompt_id)
            assert key not in stored, f"answer stored twice for {key}"
            stored.add(key)
        if result.forget:
            assert result.answers == []
            state = ParticipantState(channel="terminal", address="x")
            stored.clear()
        else:
            # The store gives the participant an id on first save.
            state = result.state if result.state.id is not None else replace(result.state, id=1)
