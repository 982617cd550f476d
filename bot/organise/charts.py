"""Charts for organisers: inline SVG for the meeting brief (no network needed to view it), PNG for `/stats`."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

MAJORITY = "#1f4e6b"  # dark: solid in black and white
MINORITY = "#b4461f"  # hatched in the brief, so it differs in grey too
TRACK = "#e9eef2"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    minority: bool = False  # drawn in the minority colour
    note: str = ""  # e.g. "42%"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def svg_bars(bars: Sequence[Bar], title: str, minority_label: str = "") -> str:
    """A horizontal bar chart as inline SVG; scales with the page and prints sharply.

    Readable in black and white: majority bars are solid, minority bars hatched and labelled `minority_label`.
    """
    label_width, bar_width, row, top = 210, 300, 30, 8
    height = top + row * len(bars) + 4
    width = label_width + bar_width + 150
    largest = max((bar.value for bar in bars), default=0) or 1
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="white"/><rect width="3" height="6" fill="{MINORITY}"/></pattern></defs>'
    ]
    for index, bar in enumerate(bars):
        y = top + index * row
        length = round(bar_width * bar.value / largest)
        fill = "url(#hatch)" if bar.minority else MAJORITY
        outline = f' stroke="{MINORITY}"' if bar.minority and length else ""
        label = escape(_short(bar.label, 30))
        note = (" · " + escape(bar.note)) if bar.note else ""
        if bar.minority and minority_label:
            note += " · " + escape(minority_label)
        parts.append(
            f"<g><title>{escape(bar.label)}: {bar.value}</title>"
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" font-size="13">{label}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{bar_width}" height="18" fill="{TRACK}"/>'
            f'<rect x="{label_width}" y="{y + 4}" width="{length}" height="18" fill="{fill}"{outline}/>'
            f'<text x="{label_width + bar_width + 6}" y="{y + 17}" font-size="13">{bar.value}{note}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


# Pillow's own font lacks letters such as ï and ë ("Oekraïens"); a system font with them is used where there is one.
FONTS = ("DejaVuSans.ttf", "NotoSans-Regular.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _font(size: int) -> Any:
    from PIL import ImageFont

    for name in FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def png_bars(sections: Sequence[tuple[str, Sequence[Bar], int | None]], heading: str) -> bytes:
    """Bar charts as one PNG picture (Pillow draws it; Telegram shows it as a photo).

    Each section is (title, bars, full): a bar as long as the track means `full` (e.g. everyone enrolled), or the
    largest bar when `full` is None.
    """
    from PIL import Image, ImageDraw

    width, label_width, bar_width, row = 1000, 300, 520, 34
    height = 70 + sum(50 + row * max(len(bars), 1) for _title, bars, _full in sections) + 20
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    big, font = _font(26), _font(18)
    draw.text((24, 20), heading, fill="black", font=big)
    y = 70
    for title, bars, full in sections:
        draw.text((24, y + 10), title, fill="#333333", font=font)
        y += 50
        largest = max(full or 0, *(bar.value for bar in bars), 1)
        if not bars:
            draw.text((label_width, y + 6), "—", fill="#666666", font=font)
            y += row
        for bar in bars:
            label = _short(bar.label, 25)
            text_width = draw.textlength(label, font=font)
            draw.text((label_width - 12 - text_width, y + 6), label, fill="black", font=font)
            draw.rectangle((label_width, y + 4, label_width + bar_width, y + row - 6), fill=TRACK)
            length = round(bar_width * bar.value / largest)
            if length:
                draw.rectangle(
                    (label_width, y + 4, label_width + length, y + row - 6), fill=MINORITY if bar.minority else MAJORITY
                )
            note = f"{bar.value}" + (f"  {bar.note}" if bar.note else "")
            draw.text((label_width + bar_width + 10, y + 6), note, fill="black", font=font)
            y += row
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
