"""Build hook: the gettext catalogs become package data, compiled when the wheel is built.

Everything else about the package is declared in pyproject.toml. The `.po` files stay in `locales/` (translators
and `pybabel update` work there); a built wheel carries them compiled as `bot/locales/<lang>/LC_MESSAGES/*.mo`, so
`pip install .` and the Docker image speak every language with no setting and never write into the install folder.
An editable install compiles nothing: it runs from the checkout, where bot/i18n.py reads the `.po` files directly.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DOMAINS = ("samenspraak", "organiser")


class BuildWithCatalogs(build_py):
    """`build_py` that also compiles every catalog into the package being built."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in sorted((ROOT / "locales").glob("*/LC_MESSAGES/*.po")):
            if po_path.stem not in DOMAINS:
                continue
            relative = po_path.relative_to(ROOT / "locales").with_suffix(".mo")
            target = Path(self.build_lib) / "bot" / "locales" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as source:
                catalog = read_po(source, domain=po_path.stem)
            with target.open("wb") as compiled:
                write_mo(compiled, catalog)


setup(cmdclass={"build_py": BuildWithCatalogs})
