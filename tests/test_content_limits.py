"""A conversation file cannot hold the bot up: size and alias limits, and loading in a worker thread."""

from __future__ import annotations

import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest

from bot import dispatch
from bot.__main__ import main
from bot.config import Settings
from bot.content import load_library
from bot.content.limits import MAX_FILE_BYTES
from tests.support.live import running_bot
from tests.test_organise import ORGANISER, join, messages_to

BOMB_11_LINES = """id: bomb
kind: round
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def ten_levels() -> str:
    lines = ["id: deep", "kind: round", "l0: &l0 [x, x]"]
    lines += [f"l{n}: &l{n} [*l{n - 1}, *l{n - 1}, *l{n - 1}, *l{n - 1}]" for n in range(1, 11)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("text", "line"), [(BOMB_11_LINES, 8), (ten_levels(), 11)])
def test_an_alias_bomb_is_refused_with_file_and_line(tmp_path: Path, text: str, line: int) -> None:
    (tmp_path / "bomb.yaml").write_text(text, encoding="utf-8")
    library = load_library(tmp_path)
    (problem,) = library.errors
    assert problem.path.name == "bomb.yaml" and problem.line == line
    assert "aliases" in problem.message


def test_too_many_aliases_and_a_huge_file_are_refused(tmp_path: Path) -> None:
    many = "id: many\nkind: round\nx: &x 1\nys: [" + ", ".join("*x" for _ in range(300)) + "]\n"
    (tmp_path / "many.yaml").write_text(many, encoding="utf-8")
    (tmp_path / "huge.yaml").write_text("id: huge\nkind: round\n# " + "x" * MAX_FILE_BYTES + "\n", encoding="utf-8")
    problems = {problem.path.name: problem for problem in load_library(tmp_path).errors}
    assert "more than 200 aliases" in problems["many.yaml"].message and problems["many.yaml"].line == 4
    assert problems["huge.yaml"].line == 1 and "at most 1,000,000" in problems["huge.yaml"].message


def test_check_shows_the_refusal_as_file_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bomb.yaml").write_text(BOMB_11_LINES, encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 1
    assert f"{tmp_path / 'bomb.yaml'}:8:" in capsys.readouterr().out


async def test_a_reload_loads_in_a_worker_thread_while_others_are_answered(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "conversations"
    shutil.copytree(settings.conversations, folder)
    real = dispatch.load_content
    loading = {"slow": False}

    def slow_load(settings: Settings):  # type: ignore[no-untyped-def]
        if loading["slow"]:
            time.sleep(1.5)  # a large folder on a slow disk: blocks only the worker thread
        return real(settings)

    monkeypatch.setattr(dispatch, "load_content", slow_load)
    async with running_bot(replace(settings, conversations=folder, organisers=frozenset({ORGANISER}))) as bot:
        api = bot.api
        await join(bot, ORGANISER)
        loading["slow"] = True
        api.user_command(ORGANISER, "reload")
        await __import__("asyncio").sleep(0.2)
        api.user_command(5151, "start")
        await api.wait_for(lambda _sent: any("opnieuw geladen" in (c.text or "") for c in messages_to(bot, ORGANISER)))
        welcome = next(i for i, c in enumerate(api.sent) if c.chat_id == 5151)
        reloaded = next(i for i, c in enumerate(api.sent) if "opnieuw geladen" in (c.text or ""))
        assert welcome < reloaded  # the newcomer was answered while the content was still loading
