"""A learning-network view: communities lined up on the prompts they share (the same prompt id in their rounds), so
cities can compare as the Flemish learning networks do.

    samenspraak export --network --format csv --out network.csv
    samenspraak brief --compare --out compare.html

Only counts leave the deployment: no pseudonym, no text, so pseudonyms stay per deployment. A prompt asked in one
community only is left out: there is nothing to compare it with. Reads the database read-only, like the export.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.content.loader import Library
from bot.content.model import Prompt
from bot.organise.charts import Bar, svg_bars
from bot.private_files import make_private


@dataclass
class Side:
    """One community's answers to a shared prompt (over every round of it that asks the prompt)."""

    community: str
    rounds: list[str] = field(default_factory=list)
    people: int = 0
    counts: Counter[str] = field(default_factory=Counter)

    def share(self, key: str) -> float:
        total = sum(self.counts.values())
        return round(100 * self.counts[key] / total, 1) if total else 0.0


@dataclass
class Shared:
    prompt: Prompt
    sides: dict[str, Side]

    def points(self) -> list[tuple[str, str]]:
        """(stored value, Dutch label) of each option or scale point."""
        if self.prompt.type == "scale":
            return [(str(value), str(value)) for value in range(1, 6)]
        return [(option.id, option.label.get("nl", option.id)) for option in self.prompt.options]


def shared_prompts(library: Library, db_path: Path, *, live_only: bool = False) -> list[Shared]:
    by_prompt: dict[str, dict[str, Side]] = {}
    prompts: dict[str, Prompt] = {}
    rounds_of: dict[str, tuple[str, Prompt]] = {}
    for conversation in library.rounds.values():
        for prompt in conversation.prompts:
            prompts.setdefault(prompt.id, prompt)
            side = by_prompt.setdefault(prompt.id, {}).setdefault(conversation.community, Side(conversation.community))
            side.rounds.append(conversation.id)
            rounds_of[f"{conversation.id}:{prompt.id}"] = (conversation.community, prompt)
    shared = {key: sides for key, sides in by_prompt.items() if len(sides) > 1}
    if not shared or not db_path.exists():
        return [Shared(prompts[key], sides) for key, sides in shared.items()]
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    try:
        sql = (
            "SELECT a.conversation, a.prompt_id, a.value, a.participant_id FROM answers a JOIN participants p"
            " ON p.id = a.participant_id WHERE a.minority = 0 AND a.answer_type != 'skipped'"
            + (" AND p.channel != 'terminal'" if live_only else "")
        )
        people: dict[tuple[str, str], set[int]] = {}
        for conversation, prompt_id, value, participant in connection.execute(sql):
            found = rounds_of.get(f"{conversation}:{prompt_id}")
            if found is None or prompt_id not in shared:
                continue
            community = found[0]
            side = shared[prompt_id][community]
            people.setdefault((prompt_id, community), set()).add(participant)
            data = json.loads(value)
            chosen = data.get("options") or ([data["option"]] if "option" in data else [])
            if "value" in data:
                chosen = [str(data["value"])]
            side.counts.update(str(item) for item in chosen)
        for (prompt_id, community), who in people.items():
            shared[prompt_id][community].people = len(who)
    finally:
        connection.close()
    return [Shared(prompts[key], sides) for key, sides in shared.items()]


COLUMNS = [
    "prompt_id",
    "question_nl",
    "type",
    "community",
    "rounds",
    "participants",
    "value",
    "label_nl",
    "count",
    "share",
]


def rows(found: list[Shared]) -> list[list[object]]:
    lines: list[list[object]] = []
    for item in found:
        question = item.prompt.text.get("nl", item.prompt.id)
        for community, side in sorted(item.sides.items()):
            base = [item.prompt.id, question, item.prompt.type, community, " ".join(side.rounds), side.people]
            keys = item.points() if item.prompt.type in ("choice", "scale") else [("", "")]
            for key, label in keys:
                count = side.counts[key] if key else side.people
                lines.append([*base, key, label, count, side.share(key) if key else ""])
    return lines


def run_network_export(settings: Settings, fmt: str, out: str | None, *, live_only: bool = False) -> int:
    from bot.content.configured import load_content

    if fmt not in ("csv", "json"):
        print("samenspraak: the network export is CSV or JSON", file=sys.stderr)
        return 2
    found = shared_prompts(load_content(settings), settings.db, live_only=live_only)
    buffer = io.StringIO()
    if fmt == "csv":
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        writer.writerows(rows(found))
    else:
        for line in rows(found):
            buffer.write(json.dumps(dict(zip(COLUMNS, line, strict=True)), ensure_ascii=False) + "\n")
    if out:
        make_private(Path(out)).write_text(buffer.getvalue(), encoding="utf-8")
        print(f"{len(found)} shared prompt(s) written to {out}", file=sys.stderr)
    else:
        sys.stdout.write(buffer.getvalue())
    return 0


def compare_html(found: list[Shared], now: datetime, language: str = "nl") -> str:
    english = language == "en"
    title = "Communities compared" if english else "Gemeenschappen naast elkaar"
    parts = [
        f"<!doctype html><html lang='{escape(language)}'><meta charset='utf-8'><title>{title}</title>",
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}th:first-child,td:first-child"
        "{text-align:left}</style>",
        f"<h1>{title}</h1><p>{now:%Y-%m-%d %H:%M} UTC · "
        + (
            "Prompts asked in more than one community."
            if english
            else "Vragen die in meer dan één gemeenschap gesteld zijn."
        )
        + "</p>",
    ]
    if not found:
        parts.append("<p>" + ("No shared prompts." if english else "Geen gedeelde vragen.") + "</p>")
    for item in found:
        communities = sorted(item.sides)
        parts.append(
            f"<h2>{escape(item.prompt.text.get('nl', item.prompt.id))} <small>({escape(item.prompt.id)})</small></h2>"
        )
        header = "".join(f"<th>{escape(c)} (n={item.sides[c].people})</th>" for c in communities)
        parts.append(f"<table><tr><th></th>{header}</tr>")
        if item.prompt.type in ("choice", "scale"):
            for key, label in item.points():
                cells = "".join(f"<td>{item.sides[c].share(key)}%</td>" for c in communities)
                parts.append(f"<tr><td>{escape(label)}</td>{cells}</tr>")
        parts.append("</table>")
        for community in communities:
            side = item.sides[community]
            if item.prompt.type in ("choice", "scale"):
                bars = [Bar(label, side.counts[key], note=f"{side.share(key)}%") for key, label in item.points()]
                parts.append(svg_bars(bars, f"{item.prompt.id} · {community}"))
    parts.append("</html>")
    return "\n".join(parts)


def run_compare_brief(settings: Settings, out: str, language: str | None = "nl") -> int:
    from bot.content.configured import load_content

    found = shared_prompts(load_content(settings), settings.db, live_only=False)
    make_private(Path(out)).write_text(compare_html(found, datetime.now(UTC), language or "nl"), encoding="utf-8")
    print(f"comparison of {len(found)} shared prompt(s) written to {out}", file=sys.stderr)
    return 0


# -- a brief that spans rounds -------------------------------------------------------------------------------------------
async def build_series_brief(
    store: Any,
    library: Library,
    conversations: list[str],
    zone: Any,
    now: datetime,
    language: str | None = None,
    organiser_language: str = "nl",
    since: datetime | None = None,
    live_only: bool = False,
) -> str:
    """The meeting briefs of several rounds (a series between meetings) as one page, one part per round, in order."""
    from bot.organise.brief import build_brief

    pages = [
        await build_brief(
            store,
            library,
            conversation,
            zone,
            now,
            language,
            since=since,
            live_only=live_only,
            organiser_language=organiser_language,
        )
        for conversation in conversations
    ]
    if len(pages) == 1:
        return pages[0]
    head = pages[0].split("<body", 1)[0]
    bodies = [page.split("<body", 1)[1].split(">", 1)[1].rsplit("</body>", 1)[0] for page in pages]
    return head + "<body>" + '\n<hr style="page-break-after: always">\n'.join(bodies) + "</body></html>\n"
