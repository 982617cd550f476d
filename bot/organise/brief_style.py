"""How the briefs look: one stylesheet for screen and A4 print, and icons drawn as inline SVG.

Icons are SVG paths, not emoji: a printer's or an office PC's fonts often have no emoji, and then every icon is a
box. The print rules keep the page A4, repeat table headers on a new page, never force a half-empty page (sections
may break; only small things like a row, a quote or a chart are kept whole), and the charts stay readable in black
and white (the minority bars are hatched and labelled).
"""

from __future__ import annotations

from html import escape

# 24×24 outline icons (stroke: currentColor), drawn for Samenspraak.
_PATHS = {
    "voice": "M12 3a3 3 0 0 1 3 3v6a3 3 0 0 1-6 0V6a3 3 0 0 1 3-3zM5 11a7 7 0 0 0 14 0M12 18v3M8 21h8",
    "photo": "M4 7h4l2-3h4l2 3h4v13H4zM12 10a4 4 0 1 0 0 8a4 4 0 1 0 0-8",
    "place": "M12 21s-7-6.5-7-12a7 7 0 0 1 14 0c0 5.5-7 12-7 12zM12 6a3 3 0 1 0 0 6a3 3 0 1 0 0-6",
    "minority": "M12 3l9 9l-9 9l-9-9z",
    "people": "M9 11a3 3 0 1 0 0-6a3 3 0 1 0 0 6M3 20a6 6 0 0 1 12 0M17 11a3 3 0 1 0 0-6M16 14a6 6 0 0 1 5 6",
    "answers": "M4 5h16v11H9l-5 4z",
    "calendar": "M4 6h16v14H4zM4 10h16M8 3v5M16 3v5",
    "housing": "M3 11l9-8l9 8M5 9v11h14V9M10 20v-6h4v6",
    "mobility": "M6 17a3 3 0 1 0 0-6a3 3 0 1 0 0 6M18 17a3 3 0 1 0 0-6a3 3 0 1 0 0 6M6 14l4-7h5l3 7M9 7h3",
    "work": "M4 8h16v11H4zM9 8V5h6v3M4 13h16",
    "safety": "M12 3l8 3v6c0 5-3.5 8-8 9c-4.5-1-8-4-8-9V6z",
    "meeting": "M8 10a3 3 0 1 0 0-6a3 3 0 1 0 0 6M16 10a3 3 0 1 0 0-6a3 3 0 1 0 0 6M2 20a6 6 0 0 1 12 0M10 20a6 6 0 0 1 12 0",
    "culture": "M12 3l2.6 5.6l6.1.7l-4.5 4.2l1.2 6L12 16.5L6.6 19.5l1.2-6L3.3 9.3l6.1-.7z",
    "nature": "M12 3a6 6 0 0 1 6 6a5 5 0 0 1-3 8H9a5 5 0 0 1-3-8a6 6 0 0 1 6-6zM12 12v9",
    "learning": "M4 5h7a2 2 0 0 1 2 2v13a2 2 0 0 0-2-2H4zM20 5h-7v15M20 5v13h-7",
    "health": "M12 20s-8-5-8-11a4 4 0 0 1 8-2a4 4 0 0 1 8 2c0 6-8 11-8 11z",
    "open": "M4 5h16v11H9l-5 4z",
    "walk": "M13 4a2 2 0 1 0 0 .1M9 21l3-7l3 3v5M12 14l-1-5l-3 3H6M11 9l4 1l2 3",
}


def icon(name: str, label: str = "") -> str:
    """An inline SVG icon; `label` is read by screen readers, an icon without one is decoration."""
    path = _PATHS.get(name, _PATHS["open"])
    role = f'role="img" aria-label="{escape(label)}"' if label else 'aria-hidden="true"'
    return (
        f'<svg class="icon" {role} viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor"'
        f' stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="{path}"/></svg>'
    )


STYLE = """
:root { --majority: #1f4e6b; --minority: #b4461f; --line: #c9d3da; --soft: #f3f6f8; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; color: #1b1f23;
       max-width: 980px; margin: 0 auto; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 28px 0 8px; border-bottom: 2px solid #1b1f23; break-after: avoid; }
h3 { font-size: 16px; margin: 0 0 4px; break-after: avoid; }
h4 { font-size: 13px; margin: 8px 0 4px; text-transform: uppercase; letter-spacing: .04em; break-after: avoid; }
.icon { vertical-align: -3px; margin-inline-end: 4px; }
.meta { color: #4a5258; font-size: 13px; margin: 0 0 8px; }
.numbers { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; }
.number { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; min-width: 110px; }
.number b { display: block; font-size: 22px; }
.meeting { border: 2px solid #1b1f23; border-radius: 8px; padding: 12px 16px; margin: 12px 0; }
.meeting h2 { margin-top: 0; border: 0; }
article { border-top: 1px solid var(--line); padding: 12px 0 4px; margin: 8px 0; }
table { border-collapse: collapse; font-size: 13px; margin: 4px 0 8px; }
thead { display: table-header-group; }
tr, blockquote, svg.chart, .keep { break-inside: avoid; page-break-inside: avoid; }
th, td { border-bottom: 1px solid var(--line); padding: 2px 10px 2px 0; text-align: left; vertical-align: top; }
th { font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.counts { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; margin-top: 8px; }
.side { border-radius: 6px; padding: 8px 12px; border: 1px solid var(--line); }
.side.majority { border-top: 4px solid var(--majority); }
.side.minority { border-top: 4px dashed var(--minority); }
blockquote { margin: 6px 0; padding: 4px 10px; border-inline-start: 3px solid var(--line); }
blockquote .said { display: block; unicode-bidi: plaintext; }
blockquote .who { display: block; color: #4a5258; font-size: 12px; }
blockquote .translation { display: block; color: #2f3a40; font-style: italic; margin-top: 2px; }
.more { color: #4a5258; font-size: 13px; margin: 4px 0; }
.empty { color: #5a6268; font-style: italic; }
svg.chart { max-width: 100%; height: auto; display: block; margin: 6px 0; }
svg.chart text { font-family: inherit; fill: #1b1f23; }
footer { margin-top: 32px; color: #4a5258; font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@page { size: A4; margin: 14mm 14mm 16mm; }
@media print {
  body { padding: 0; font-size: 11.5px; max-width: none; }
  h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 18px; }
  a { color: inherit; text-decoration: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
@media (max-width: 640px) { .sides { grid-template-columns: 1fr; } }
"""
