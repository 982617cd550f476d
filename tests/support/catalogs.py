"""What a complete gettext catalog is, for both domains: the participants' and the organisers'."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

PLACEHOLDER = re.compile(r"\{\w+\}")
# Plural slots that may leave out the count: Arabic's "one" and "two" forms (gettext slots 1 and 2).
NUMERAL_FREE_FORMS = {"ar": (1, 2)}


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def assert_complete(catalog: Catalog, template: Path, hint: str) -> None:
    """Every message of the template, none fuzzy or empty, each plural with all its forms, the same placeholders."""
    expected = {message.id for message in read_catalog(template) if message.id}
    assert {message.id for message in catalog if message.id} == expected, f"catalog out of date: {hint}"
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {ids[0]!r}"
        if isinstance(message.id, tuple):
            assert len(strings) == catalog.num_plurals, f"wrong plural count for {ids[0]!r}"
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for index, text in enumerate(strings):
            found = set(PLACEHOLDER.findall(text))
            if isinstance(message.id, tuple) and index in NUMERAL_FREE_FORMS.get(str(catalog.locale), ()):
                # Arabic says "one answer" and "two answers" with the noun alone: a numeral there reads wrong.
                assert found <= wanted and len(wanted - found) <= 1, f"placeholders differ in {ids[0]!r}: {text!r}"
                continue
            assert found == wanted, f"placeholders differ in {ids[0]!r}: {text!r}"
