"""The `round` kind: checks across a round's prompts, and the texts it holds (for the coverage table)."""

from __future__ import annotations

from datetime import datetime

from bot.callback_data import DONE, Answer, ButtonData, Minority, Skip, fits
from bot.content.checker import MAX_LABEL_LENGTH, REQUIRED_LANGUAGE, FileChecker, Loc, TextList
from bot.content.model import Round


def prompt_buttons(conversation: str, prompt: str, option_ids: list[str]) -> list[ButtonData]:
    """Every button a prompt can carry (its options, a scale, Done, skip, the minority round's), as the checks
    see them: each must fit Telegram's 64 bytes, which `bot.callback_data` decides."""
    values = [*option_ids, "5", DONE]
    return [
        *(Answer(conversation, prompt, value) for value in values),
        Skip(conversation, prompt),
        *(Minority(action, conversation, prompt) for action in ("open", "take", "skip")),
    ]


def round_texts(conversation: Round) -> TextList:
    found: TextList = [(("title",), conversation.title)]
    for name in ("intro", "closing"):
        value = getattr(conversation, name)
        if value is not None:
            found.append(((name,), value))
    for index, prompt in enumerate(conversation.prompts):
        found.append((("prompts", index, "text"), prompt.text))
        for name in ("low", "high"):
            value = getattr(prompt, name)
            if value is not None:
                found.append((("prompts", index, name), value))
        for option_index, option in enumerate(prompt.options):
            found.append((("prompts", index, "options", option_index, "label"), option.label))
    return found


def check_round(checker: FileChecker, conversation: Round) -> None:
    prompt_ids = [prompt.id for prompt in conversation.prompts]
    for index, prompt_id in enumerate(prompt_ids):
        if prompt_ids.index(prompt_id) != index:
            checker.problem(("prompts", index, "id"), f"duplicate prompt id {prompt_id!r}")
    for index, prompt in enumerate(conversation.prompts):
        here: Loc = ("prompts", index)
        for language, recording in (prompt.audio or {}).items():
            check_recording(checker, (*here, "audio", language), recording)
        if prompt.type == "choice" and len(prompt.options) < 2:
            checker.problem((*here, "options"), f"choice prompt {prompt.id!r} needs at least 2 options")
        if prompt.type != "choice" and prompt.options:
            checker.problem((*here, "options"), f"only a choice prompt has options ({prompt.id!r} is {prompt.type})")
        option_ids = [option.id for option in prompt.options]
        if not all(fits(button) for button in prompt_buttons(conversation.id, prompt.id, option_ids)):
            checker.problem((*here, "id"), "conversation, prompt and option ids together are too long for a button")
        for option_index, option in enumerate(prompt.options):
            if option_ids.index(option.id) != option_index:
                checker.problem((*here, "options", option_index, "id"), f"duplicate option id {option.id!r}")
            for language, label in option.label.items():
                if len(label) > MAX_LABEL_LENGTH:
                    checker.problem(
                        (*here, "options", option_index, "label", language),
                        f"button label in {language!r} is {len(label)} characters; at most {MAX_LABEL_LENGTH}",
                    )
            if option.next and option.next not in prompt_ids:
                checker.problem(
                    (*here, "options", option_index, "next"),
                    f"reference to missing prompt {option.next!r}",
                )
    check_timing(checker, conversation)
    check_choices_and_roles(checker, conversation)
    for loc, text in round_texts(conversation):
        if not text.get(REQUIRED_LANGUAGE):
            checker.problem(loc, f"missing Dutch ({REQUIRED_LANGUAGE}) text")


def check_timing(checker: FileChecker, conversation: Round) -> None:
    """Timing and minority settings that the model alone cannot judge."""
    if conversation.pacing is not None and conversation.pacing.at is not None:
        checker.problem(("pacing", "at"), "a round's pacing cannot be one date for every prompt; give `at` per prompt")
    moments: list[datetime] = []
    for index, prompt in enumerate(conversation.prompts):
        here: Loc = ("prompts", index)
        if prompt.minority is not None and prompt.type not in ("choice", "scale"):
            checker.problem(
                (*here, "minority"), f"a minority round needs a choice or scale prompt ({prompt.id!r} is {prompt.type})"
            )
        if prompt.minority is not None and prompt.minority.side is not None and prompt.type != "scale":
            checker.problem(
                (*here, "minority", "side"),
                f"`side` is for a scale; on {prompt.id!r} each option counts alone",
                "warning",
            )
        if prompt.when is not None and prompt.when.at is not None:
            moment = prompt.when.at.replace(tzinfo=None)
            if moments and moment < moments[-1]:
                checker.problem((*here, "when", "at"), f"{prompt.id!r} is sent before the prompt dated before it")
            moments.append(moment)


def check_choices_and_roles(checker: FileChecker, conversation: Round) -> None:
    """Multiple choice only on choice prompts, with a maximum it can reach; a jump from a multiple choice is not
    followed (which option would decide?); a round whose prompts are each for some roles leaves nobody out."""
    for index, prompt in enumerate(conversation.prompts):
        here: Loc = ("prompts", index)
        if prompt.multiple and prompt.type != "choice":
            checker.problem(
                (*here, "multiple"), f"only a choice prompt can be multiple ({prompt.id!r} is {prompt.type})"
            )
        if prompt.max_choices is not None and not prompt.multiple:
            checker.problem((*here, "max_choices"), "max_choices needs `multiple: true`")
        if prompt.max_choices is not None and prompt.max_choices > len(prompt.options):
            checker.problem((*here, "max_choices"), f"max_choices is more than the {len(prompt.options)} options")
        if prompt.multiple and any(option.next for option in prompt.options):
            checker.problem((*here, "options"), "a multiple choice cannot jump with `next`", "warning")
    if all(prompt.roles is not None for prompt in conversation.prompts):
        asked = {role for prompt in conversation.prompts for role in prompt.roles or ()}
        missing = sorted({"resident", "newcomer", "volunteer", "unsaid"} - asked)
        if missing:
            checker.problem(("prompts",), f"no prompt is asked of: {', '.join(missing)}", "warning")


AUDIO_SUFFIXES = (".ogg", ".oga", ".opus")  # Telegram plays OGG/Opus as a voice note


def check_recording(checker: FileChecker, loc: Loc, recording: str) -> None:
    folder = checker.path.parent.resolve()
    path = (checker.path.parent / recording).resolve()
    if not path.is_relative_to(folder):
        checker.problem(loc, f"recording {recording!r} must be a path inside the conversations folder")
    elif path.suffix.lower() not in AUDIO_SUFFIXES:
        checker.problem(loc, f"recording {recording!r} must be an OGG/Opus file ({', '.join(AUDIO_SUFFIXES)})")
    elif not path.is_file():
        checker.problem(loc, f"recording {recording!r} does not exist")
