"""One spelling for the many ways people type the same word, per script, before any matching.

People type on phones without the right keyboard, leave out accents and vowel marks, write capitals, and spell the
same Arabic or Persian letter in several ways. Both the organisers' lists and the answers go through `normalise`,
so a list entry written carefully still matches an answer typed in a hurry:

- every script: compatibility forms unfolded (NFKD), case folded, combining marks dropped (French and Turkish
  accents, Arabic harakat, the Turkish dotted capital İ), apostrophes read as spaces (the matcher lets
  a space be left out, so don't = dont and б'є = бє, and French j'ai, l'exploitation split into words),
  hyphens, dashes and underscores read as spaces, runs of spaces as one, invisible direction marks removed;
- Turkish: dotless ı as i (KENDİMİ ÖLDÜRECEĞİM = kendimi oldurecegim);
- Arabic script: the alef and hamza forms (أ إ آ ٱ ؤ ئ) as their bare letter, ta marbuta ة as ه, alef maqsura ى,
  Persian ی and Arabic ي as one letter, Persian ک and Arabic ك as one, tatweel ـ dropped, and the Persian
  zero-width non-joiner read as a space (می‌خواهم = می خواهم);
- Cyrillic: ё as е (through the dropped mark), ґ as г, ї and й as і and и;
- Ethiopic: the old homophone letters ሠ and ፀ as ሰ and ጸ.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that mean the same as another for matching; applied after case folding and dropping marks.
_SAME = str.maketrans(
    {
        "ı": "i",
        "ґ": "г",
        "ة": "ه",
        "ۀ": "ه",
        "ە": "ه",
        "ى": "ي",
        "ی": "ي",
        "ې": "ي",
        "ۍ": "ي",
        "ک": "ك",
        "ٱ": "ا",
        "ـ": None,  # tatweel: stretches a word, means nothing
        "\u200c": " ",  # zero-width non-joiner: Persian writes می‌خواهم, people type می خواهم or میخواهم
        "\u200d": None,
        "\u00ad": None,  # soft hyphen
        "'": " ",
        "ʼ": " ",
        "’": " ",
        "‘": " ",
        "`": " ",
        "´": " ",
        "-": " ",
        "‐": " ",
        "‑": " ",
        "‒": " ",
        "–": " ",
        "—": " ",
        "―": " ",
        "_": " ",
        **{chr(code): None for code in (0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))},
        # Ethiopic homophones: ሠ-series as ሰ-series, ፀ-series as ጸ-series.
        **{chr(0x1220 + offset): chr(0x1230 + offset) for offset in range(8)},
        **{chr(0x1340 + offset): chr(0x1338 + offset) for offset in range(7)},
    }
)
_SPACES = re.compile(r"\s+")


def _dropped(character: str) -> bool:
    return unicodedata.category(character) in ("Mn", "Me")


def normalise(text: str) -> str:
    """The text as the matcher compares it: see the module's docstring for what counts as the same."""
    unfolded = unicodedata.normalize("NFKD", text).casefold()
    bare = "".join(character for character in unfolded if not _dropped(character))
    return _SPACES.sub(" ", bare.translate(_SAME)).strip()
