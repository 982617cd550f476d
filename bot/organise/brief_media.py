"""The meeting brief's media part: what people showed and said, not only what they typed.

Photos as thumbnails and voice notes as players, embedded in the page (it stays one self-contained file), each with
its transcript and machine translation, labelled; words typed in another language with their translation beside
them; and the places people shared, listed with the nearest walk stop and drawn on a small overview (no map tiles
are fetched: the page must open offline and leak nobody's whereabouts to a tile server). Only what an organiser
approved in /moderate is shown; places are rounded to about a hundred metres.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import math
import sqlite3
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from PIL import Image

from bot.content.loader import Library
from bot.content.model import Round
from bot.organise.brief_style import icon
from bot.organise.common import language_name
from bot.organise.i18n import OrganiserTranslator
from bot.organise.media_cards import Extras, read_extras
from bot.store import Store

EMBEDDED = 40  # voice notes and photos embedded at most; the rest are in `export --with-media`
THUMBNAIL = (360, 360)
MAX_AUDIO = 3 * 1024 * 1024  # a longer recording is left out of the page (listen in /media or the export)
STYLE = """
.media-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 12px; }
.media-item { border: 1px solid var(--line, #d5dde3); border-radius: 8px; padding: 10px; break-inside: avoid; }
.media-item img { width: 100%; height: auto; border-radius: 4px; display: block; }
.media-item audio { width: 100%; }
.media-item .label { font-size: 12px; color: #555; margin: 6px 0 2px; }
.media-item .words { unicode-bidi: plaintext; margin: 2px 0; }
.machine { font-style: italic; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; border-bottom: 1px solid var(--line, #d5dde3);
        padding: 6px 0; }
.pair div { unicode-bidi: plaintext; }
.media h3 { margin: 18px 0 6px; }
svg.places { width: 100%; max-width: 640px; height: auto; background: #f4f7f9; border-radius: 6px; }
"""


@dataclass(frozen=True)
class StopPoint:
    name: str
    latitude: float
    longitude: float


def _rows(db: sqlite3.Connection, conversation: str) -> list[dict[str, Any]]:
    found = db.execute(
        "SELECT a.id, a.prompt_id, a.value, a.moderation, p.language FROM answers a"
        " JOIN participants p ON p.id = a.participant_id WHERE a.conversation = ? AND a.answer_type != 'skipped'"
        " ORDER BY a.id",
        (conversation,),
    ).fetchall()
    return [
        {"id": row[0], "prompt": row[1], "value": json.loads(row[2]), "moderation": row[3], "language": row[4]}
        for row in found
    ]


def _gather(db: sqlite3.Connection, conversation: str) -> tuple[list[dict[str, Any]], dict[int, Extras]]:
    rows = _rows(db, conversation)
    return rows, read_extras(db, [row["id"] for row in rows])


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine: close enough over a city."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 6_371_000 * 2 * math.asin(math.sqrt(a))


def walk_stops(library: Library) -> list[StopPoint]:
    stops = []
    for walk in library.walks.values():
        for stop in getattr(walk, "stops", ()):
            if stop.location is not None:
                name = stop.name.get("nl") or next(iter(stop.name.values()), stop.id)
                stops.append(StopPoint(name, stop.location.latitude, stop.location.longitude))
    return stops


def _thumbnail(path: Path) -> str | None:
    try:
        with Image.open(path) as opened:
            picture = opened.convert("RGB")
            picture.thumbnail(THUMBNAIL)
            out = io.BytesIO()
            picture.save(out, "JPEG", quality=72)
    except (OSError, ValueError):
        return None
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _audio(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_AUDIO:
            return None
        content = path.read_bytes()
    except OSError:
        return None
    kind = {".mp3": "audio/mpeg", ".mp4": "video/mp4", ".m4a": "audio/mp4"}.get(path.suffix.lower(), "audio/ogg")
    return f"data:{kind};base64," + base64.b64encode(content).decode("ascii")


class MediaWriter:
    def __init__(self, o: OrganiserTranslator, folder: Path, target: str) -> None:
        self.o = o
        self.folder = folder
        self.target = target

    def words(self, extras: Extras, row: dict[str, Any]) -> str:
        """Transcript or caption, and its machine translation, each labelled."""
        o = self.o
        parts = []
        if extras.spoken:
            if extras.quote:
                label = (
                    o.ogettext("Typed by the participant instead:")
                    if extras.corrected
                    else o.ogettext("Transcript, confirmed")
                    if extras.confirmed
                    else o.ogettext("Transcript, unconfirmed")
                )
                language = language_name(row["language"] if extras.corrected else extras.transcript_language)
                parts.append(f'<p class="label">{escape(label)} · {escape(language)}</p>')
                parts.append(f'<p class="words" dir="auto">«{escape(extras.quote)}»</p>')
            else:
                parts.append('<p class="label">' + escape(o.ogettext("Not transcribed.")) + "</p>")
        caption = row["value"].get("text")
        if isinstance(caption, str):
            parts.append(f'<p class="words" dir="auto">«{escape(caption)}»</p>')
        translated = extras.translations.get("transcript" if extras.spoken else "text")
        if translated is not None:
            label = o.format(o.ogettext("Machine translation ({engine}):"), engine=translated[1])
            parts.append(
                f'<p class="label">{escape(label)}</p><p class="words machine" dir="auto">«{escape(translated[0])}»</p>'
            )
        elif (extras.quote or isinstance(caption, str)) and row["language"] != self.target:
            parts.append('<p class="label">' + escape(o.ogettext("Not translated.")) + "</p>")
        return "".join(parts)

    def item(self, extras: Extras, row: dict[str, Any], question: str) -> str:
        o = self.o
        body = [f'<div class="media-item"><p class="label">{escape(question)}</p>']
        path = self.folder / extras.path if extras.path else None
        if extras.kind == "photo":
            source = _thumbnail(path) if path else None
            body.append(f'<img src="{source}" alt="">' if source else "<p>" + escape(o.ogettext("Photo")) + "</p>")
        else:
            source = _audio(path) if path else None
            if source:
                body.append(f'<audio controls preload="none" src="{source}"></audio>')
            else:
                body.append("<p>" + icon("voice") + " " + escape(o.ogettext("Voice message")) + "</p>")
        body.append(self.words(extras, row))
        body.append("</div>")
        return "".join(body)

    def places(self, points: list[tuple[float, float]], stops: list[StopPoint]) -> str:
        o = self.o
        rows = []
        for latitude, longitude in points:
            nearest = min(stops, key=lambda s: distance_m(latitude, longitude, s.latitude, s.longitude), default=None)
            near = (
                f"{escape(nearest.name)} ({round(distance_m(latitude, longitude, nearest.latitude, nearest.longitude))} m)"
                if nearest
                else "—"
            )
            rows.append(f"<tr><td>{latitude:.3f}, {longitude:.3f}</td><td>{near}</td></tr>")
        table = (
            "<table><tr><th>"
            + escape(o.ogettext("Place (about 100 m)"))
            + "</th><th>"
            + escape(o.ogettext("Nearest walk stop"))
            + "</th></tr>"
            + "".join(rows)
            + "</table>"
        )
        return table + self.overview(points, stops)

    def overview(self, points: list[tuple[float, float]], stops: list[StopPoint]) -> str:
        """The places and the walk's stops drawn to scale on a plain background: no tiles, nothing fetched."""
        everything = points + [(s.latitude, s.longitude) for s in stops]
        width, height, pad = 600, 360, 24
        south, north = min(p[0] for p in everything), max(p[0] for p in everything)
        west, east = min(p[1] for p in everything), max(p[1] for p in everything)
        squeeze = math.cos(math.radians((south + north) / 2))  # a degree east is shorter than one north here
        span = max((east - west) * squeeze, north - south, 0.002)
        scale = min((width - 2 * pad), (height - 2 * pad)) / span

        def xy(latitude: float, longitude: float) -> tuple[float, float]:
            return pad + (longitude - west) * squeeze * scale, height - pad - (latitude - south) * scale

        shapes = [f'<svg class="places" viewBox="0 0 {width} {height}" role="img">']
        for stop in stops:
            x, y = xy(stop.latitude, stop.longitude)
            shapes.append(f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="#2a6f97"/>')
            shapes.append(f'<text x="{x + 8:.1f}" y="{y + 4:.1f}" font-size="11">{escape(stop.name)}</text>')
        for latitude, longitude in points:
            x, y = xy(latitude, longitude)
            shapes.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="#d1603d" fill-opacity="0.75"/>')
        metres = 500 if span * 111_000 > 1500 else 100
        bar = metres / 111_000 * scale
        shapes.append(f'<line x1="{pad}" y1="{height - 8}" x2="{pad + bar:.1f}" y2="{height - 8}" stroke="#1b1f23"/>')
        shapes.append(f'<text x="{pad + bar + 6:.1f}" y="{height - 4}" font-size="11">{metres} m</text></svg>')
        legend = "● " + self.o.ogettext("shared place") + " · ■ " + self.o.ogettext("walk stop")
        return "".join(shapes) + f'<p class="meta">{escape(legend)}</p>'


async def media_section(
    store: Store, library: Library, conversation: Round, o: OrganiserTranslator, folder: Path, target: str
) -> str:
    """The brief's section on voices, photos, other languages and places; empty when there is none of these."""
    rows, extras = await store.call(_gather, conversation.id)
    writer = MediaWriter(o, folder, target)
    questions = {prompt.id: prompt.text.get("nl") or prompt.id for prompt in conversation.prompts}
    shown = [row for row in rows if extras[row["id"]].kind and row["moderation"] == "approved"]
    waiting = sum(1 for row in rows if extras[row["id"]].kind and row["moderation"] == "pending")
    typed = [
        row
        for row in rows
        if not extras[row["id"]].kind
        and isinstance(row["value"].get("text"), str)
        and row["moderation"] == "approved"
        and row["language"] != target
    ]
    points = [
        (round(row["value"]["latitude"], 3), round(row["value"]["longitude"], 3))
        for row in rows
        if isinstance(row["value"].get("latitude"), int | float)
    ]
    if not shown and not typed and not points and not waiting:
        return ""
    heading = escape(o.ogettext("Voices, photos and places"))
    parts = [f'<style>{STYLE}</style><section class="media"><h2>{icon("voice")} {heading}</h2>']
    if shown:
        items = await _items(writer, shown[:EMBEDDED], extras, questions)
        parts.append('<div class="media-grid">' + "".join(items) + "</div>")
    if len(shown) > EMBEDDED or waiting:
        note = o.format(
            o.ogettext("{shown} shown; {more} more approved, {waiting} waiting for moderation (see /moderate)."),
            shown=min(len(shown), EMBEDDED),
            more=max(0, len(shown) - EMBEDDED),
            waiting=waiting,
        )
        parts.append(f'<p class="meta">{escape(note)}</p>')
    if typed:
        parts.append("<h3>" + escape(o.ogettext("Words in other languages, with a machine translation")) + "</h3>")
        for row in typed:
            translated = extras[row["id"]].translations.get("text")
            right = (
                f'<span class="machine">{escape(translated[0])}</span>'
                if translated
                else '<span class="empty">' + escape(o.ogettext("Not translated.")) + "</span>"
            )
            parts.append(
                f'<div class="pair"><div><bdi>«{escape(row["value"]["text"])}»</bdi> '
                f'<span class="meta"><bdi>{escape(language_name(row["language"]))}</bdi></span></div><div>{right}</div></div>'
            )
    if points:
        parts.append("<h3>" + icon("place") + " " + escape(o.ogettext("Places people shared")) + "</h3>")
        parts.append(writer.places(points, walk_stops(library)))
    parts.append("</section>")
    return "".join(parts)


async def _items(
    writer: MediaWriter, rows: list[dict[str, Any]], extras: dict[int, Extras], questions: dict[str, str]
) -> list[str]:
    return await asyncio.to_thread(
        lambda: [writer.item(extras[row["id"]], row, questions.get(row["prompt"], row["prompt"])) for row in rows]
    )
