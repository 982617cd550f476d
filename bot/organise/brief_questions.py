"""One question of the meeting brief: who answered (by role and language), the chart, and what people said.

For a choice or a scale, the majority and the minority side by side: the minority side is the one the content
names (its `minority.share`, and for a scale its side; bot/engine/minority.py), every minority voice is quoted,
grouped by the option it defends, with what they would need to go along; the majority side shows what most chose
and, in the whole Deep Democracy cycle, what they took from the minority's view. An open question (text, voice,
photo, place) has no sides: its quotes are drawn fairly across languages and roles.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from html import escape
from typing import Any

from bot.content.model import Prompt
from bot.engine.minority import minority_keys, share_of
from bot.i18n import pick
from bot.organise.brief_parts import empty, more_line, quote_html, table
from bot.organise.brief_style import icon
from bot.organise.charts import Bar, svg_bars
from bot.organise.common import role_name
from bot.organise.i18n import ON_, OrganiserTranslator
from bot.organise.plain import language_label
from bot.organise.quotes import Quote, by_option, fair_pick

TYPE_NAMES = {
    "choice": ON_("choice"),
    "scale": ON_("scale 1–5"),
    "text": ON_("text"),
    "voice": ON_("voice message"),
    "photo": ON_("photo"),
    "location": ON_("place"),
}


@dataclass
class PromptFigures:
    total: int = 0
    voice: int = 0
    photo: int = 0
    text: int = 0
    place: int = 0
    skipped: int = 0
    pending: int = 0
    by_role: dict[str | None, int] = field(default_factory=dict)
    by_language: dict[str | None, int] = field(default_factory=dict)
    choices: dict[str, int] = field(default_factory=dict)  # option id or scale value -> count
    followups: dict[str, int] = field(default_factory=dict)  # Deep Democracy step -> answers
    quotes: list[Quote] = field(default_factory=list)  # approved round texts
    voices: list[Quote] = field(default_factory=list)  # approved minority views
    needs: list[Quote] = field(default_factory=list)  # what the minority would need
    takes: list[Quote] = field(default_factory=list)  # what the majority takes from the minority's view


def figures(data: dict[str, Any], quotes: list[Quote], prompt_of: dict[int, str]) -> dict[str, PromptFigures]:
    found: dict[str, PromptFigures] = defaultdict(PromptFigures)
    for prompt_id, role, count in data["by_role"]:
        found[prompt_id].by_role[role] = count
    for prompt_id, language, count in data["by_language"]:
        found[prompt_id].by_language[language] = count
    for prompt_id, key, count in data["choices"]:
        if key is not None:
            found[prompt_id].choices[str(key)] = found[prompt_id].choices.get(str(key), 0) + count
    for prompt_id, step, count in data["followups"]:
        found[prompt_id].followups[step] = count
    for prompt_id, minority, total, voice, photo, text, skipped, place, pending in data["kinds"]:
        entry = found[prompt_id]
        if not minority:
            entry.total += total - (skipped or 0)
            entry.skipped += skipped or 0
            entry.voice += voice or 0
            entry.photo += photo or 0
            entry.text += text or 0
            entry.place += place or 0
        entry.pending += pending or 0
    minority_ids = {row["id"] for row in data["quotes"] if row["minority"]}
    for quote in quotes:
        entry = found[prompt_of[quote.answer_id]]
        if quote.answer_id not in minority_ids:
            entry.quotes.append(quote)
        elif quote.step == "need":
            entry.needs.append(quote)
        elif quote.step == "take":
            entry.takes.append(quote)
        else:
            entry.voices.append(quote)
    return found


class QuestionWriter:
    def __init__(self, o: OrganiserTranslator) -> None:
        self.o = o

    def option_label(self, prompt: Prompt, key: Any) -> str:
        if prompt.type == "scale":  # a number and the content's words at the ends; faces need an emoji font
            words = {"1": prompt.low, "5": prompt.high}.get(str(key))
            return f"{key} ({pick(words, self.o.language)})" if words else str(key)
        option = next((option for option in prompt.options if option.id == str(key)), None)
        return pick(option.label, self.o.language) if option else str(key)

    @staticmethod
    def whole(prompt: Prompt, figures: PromptFigures) -> int:
        """What a share is of: the answers; for a multiple choice the people who answered (its options add up to
        more than 100%)."""
        return (figures.total if prompt.multiple else 0) or sum(figures.choices.values())

    @staticmethod
    def side(prompt: Prompt, counts: dict[str, int], answered: int) -> set[str]:
        """The minority side; of a multiple choice, the options fewer than the share of the people who answered
        chose (each person may choose several)."""
        if prompt.multiple and answered:
            return {key for key, count in counts.items() if 0 < count / answered < share_of(prompt)}
        return minority_keys(prompt, counts)

    def bars(self, prompt: Prompt, counts: dict[str, int], whole: int = 0) -> list[Bar]:
        total = whole or sum(counts.values()) or 1
        side = self.side(prompt, counts, whole)
        if prompt.type == "scale":
            keys = [str(value) for value in range(1, 6)]
        else:
            keys = [option.id for option in prompt.options]
        keys += [key for key in counts if key not in keys]
        return [
            Bar(
                self.option_label(prompt, key),
                counts.get(key, 0),
                minority=key in side,
                note=f"{round(100 * counts.get(key, 0) / total)}%",
            )
            for key in keys
        ]

    def quotes(self, prompt: Prompt, quotes: list[Quote], *, everyone: bool = False) -> str:
        if everyone:
            return "".join(quote_html(self.o, quote, self._about(prompt, quote)) for quote in quotes)
        shown, left = fair_pick(quotes)
        return "".join(quote_html(self.o, quote, self._about(prompt, quote)) for quote in shown) + more_line(
            self.o, left
        )

    def _about(self, prompt: Prompt, quote: Quote) -> str | None:
        return self.option_label(prompt, quote.option) if quote.option is not None else None

    def meta(self, prompt: Prompt, figures: PromptFigures) -> str:
        o = self.o
        parts = [
            escape(o.ogettext(TYPE_NAMES[prompt.type])),
            escape(o.format(o.ongettext("{count} answer", "{count} answers", figures.total), count=figures.total)),
        ]
        if figures.skipped:
            parts.append(escape(o.format(o.ogettext("{count} skipped"), count=figures.skipped)))
        kinds = (
            ("voice", o.ongettext("{count} voice message", "{count} voice messages", figures.voice), figures.voice),
            ("photo", o.ongettext("{count} photo", "{count} photos", figures.photo), figures.photo),
            ("place", o.ongettext("{count} place", "{count} places", figures.place), figures.place),
        )
        for name, template, count in kinds:
            if count:
                parts.append(icon(name) + escape(o.format(template, count=count)))
        if figures.pending:
            parts.append(escape(o.format(o.ogettext("{count} text(s) not yet moderated"), count=figures.pending)))
        return " · ".join(parts)

    def section(self, number: int, prompt: Prompt, figures: PromptFigures) -> str:
        o = self.o
        parts = [
            # The question, its numbers and its tables stay together: a heading never ends a printed page alone.
            f'<article id="{escape(prompt.id)}"><div class="keep"><h3>{number}. {escape(pick(prompt.text, o.language))}</h3>',
            f'<p class="meta">{self.meta(prompt, figures)}</p>',
            '<div class="counts">',
            table(o.ogettext("By role"), figures.by_role, lambda role: role_name(o, role)),
            table(o.ogettext("By language"), figures.by_language, lambda code: language_label(o, code)),
            "</div></div>",
        ]
        if not figures.total:  # no heading over nothing: the facilitator reads at once that no one answered yet
            parts.append(empty(o.ogettext("No answers yet.")) + "</article>")
            return "".join(parts)
        if prompt.type not in ("choice", "scale"):
            parts.append("<h4>" + escape(o.ogettext("What people said")) + "</h4>")
            parts.append(
                self.quotes(prompt, figures.quotes) if figures.quotes else empty(o.ogettext("No approved quotes yet."))
            )
            parts.append("</article>")
            return "".join(parts)
        if figures.choices:
            parts.append(
                svg_bars(
                    self.bars(prompt, figures.choices, self.whole(prompt, figures)),
                    pick(prompt.text, o.language),
                    o.ogettext("minority"),
                )
            )
        parts += [
            '<div class="sides">',
            '<div class="side majority"><h4>' + escape(o.ogettext("Majority view")) + "</h4>",
            self.majority(prompt, figures),
            "</div>",
            '<div class="side minority"><h4>' + icon("minority") + escape(o.ogettext("Minority voice")) + "</h4>",
            self.minority(prompt, figures),
            "</div></div></article>",
        ]
        return "".join(parts)

    def majority(self, prompt: Prompt, figures: PromptFigures) -> str:
        o = self.o
        parts: list[str] = []
        counts = figures.choices
        if counts:
            total = sum(counts.values())
            whole = self.whole(prompt, figures)
            side = self.side(prompt, counts, figures.total)
            most = max(counts.values())
            tops = [key for key, count in counts.items() if count == most]
            parts.append(
                "<p>"
                + escape(
                    o.format(
                        o.ogettext("Most chosen: {option} ({share} of {count})"),
                        option=" / ".join(self.option_label(prompt, key) for key in tops),
                        share=f"{round(100 * most / whole)}%",
                        count=whole,
                    )
                )
                + "</p>"
            )
            if prompt.type == "scale":
                numbers = {int(key): count for key, count in counts.items() if key.isdigit()}
                average = sum(value * count for value, count in numbers.items()) / (sum(numbers.values()) or 1)
                parts.append(
                    "<p>" + escape(o.format(o.ogettext("Average: {average} of 5"), average=f"{average:.1f}")) + "</p>"
                )
            held = sum(count for key, count in counts.items() if key not in side)
            if side:  # without a minority side, "the majority: 100%" says nothing
                parts.append(
                    "<p>"
                    + escape(
                        o.format(
                            o.ogettext("The majority side: {share} of the answers."),
                            share=f"{round(100 * held / total)}%",
                        )
                    )
                    + "</p>"
                )
        if figures.takes:
            parts.append("<h4>" + escape(o.ogettext("What they take from the minority's view")) + "</h4>")
            parts.append(self.quotes(prompt, figures.takes))
        elif prompt.minority is not None and prompt.minority.cycle:
            parts.append(empty(o.ogettext("No approved answer yet on what the majority takes from the minority.")))
        return "".join(parts) or empty(o.ogettext("No answers yet."))

    def minority(self, prompt: Prompt, figures: PromptFigures) -> str:
        o = self.o
        parts: list[str] = []
        counts = figures.choices
        side = sorted(self.side(prompt, counts, figures.total), key=lambda key: -counts.get(key, 0))
        total = self.whole(prompt, figures) or 1
        if side:
            share = round(100 * (prompt.minority.share if prompt.minority else 0.25))
            parts.append(
                "<p>"
                + escape(o.format(o.ogettext("Chosen by fewer than {share}%:"), share=share))
                + " "
                + escape(
                    ", ".join(
                        f"{self.option_label(prompt, key)} ({round(100 * counts.get(key, 0) / total)}%)" for key in side
                    )
                )
                + "</p>"
            )
        voices = figures.followups.get("voice", 0)
        if voices:
            parts.append(
                "<p>"
                + escape(
                    o.format(
                        o.ongettext(
                            "{count} person said what the others should understand about their view.",
                            "{count} people said what the others should understand about their view.",
                            voices,
                        ),
                        count=voices,
                    )
                )
                + "</p>"
            )
        for option, quotes in by_option(figures.voices).items():
            label = self.option_label(prompt, option) if option is not None else o.ogettext("option not recorded")
            parts.append("<h4>" + escape(o.format(o.ogettext("Defending: {option}"), option=label)) + "</h4>")
            parts.append(self.quotes(prompt, quotes, everyone=True))
        if figures.needs:
            parts.append("<h4>" + escape(o.ogettext("What they would need to go along")) + "</h4>")
            parts.append(self.quotes(prompt, figures.needs, everyone=True))
        if not figures.voices and not figures.needs:
            parts.append(empty(o.ogettext("No minority voice recorded for this question.")))
        return "".join(parts)
