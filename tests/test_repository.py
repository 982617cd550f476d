"""What the repository promises on a fresh machine: the Dockerfile, the console script, the catalogs, ruff."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


RUN_COMMAND = (
    "python3 -m venv .venv && .venv/bin/pip install --require-hashes -r requirements.txt"
    " && .venv/bin/pip install --no-deps --no-build-isolation . && .venv/bin/samenspraak"
)
TEST_COMMAND = (
    "python3 -m venv .venv && .venv/bin/pip install --require-hashes -r requirements-test.txt"
    " && .venv/bin/pip install --no-deps --no-build-isolation -e . && .venv/bin/python -m pytest"
)


def test_dockerfile_copies_existing_files_installs_the_lock_and_runs_the_console_script() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    for line in dockerfile.splitlines():
        if line.startswith("COPY") and "--from=" not in line:
            *sources, _target = line.split()[1:]
            for source in sources:
                assert (ROOT / source).exists(), f"Dockerfile copies missing {source}"
    assert 'CMD ["samenspraak", "run"]' in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE), "the image must not run as root"
    assert "--require-hashes -r requirements.txt" in dockerfile
    assert "SAMENSPRAAK_LOCALES" not in dockerfile, "the wheel carries its catalogs"
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["samenspraak"] == "bot.__main__:main"
    assert shutil.which("samenspraak") or (Path(sys.executable).parent / "samenspraak").exists()


def test_the_readme_has_exactly_two_set_up_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme[readme.index("## Set up on a fresh machine") :]
    setup = setup[: setup.index("\n## ", 3)]
    blocks = re.findall(r"```sh\n(.*?)```", setup, re.DOTALL)
    assert [block.strip() for block in blocks] == [RUN_COMMAND, TEST_COMMAND]
    assert TEST_COMMAND in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_lock_files_pin_every_dependency_within_its_range_with_hashes() -> None:
    """Installs come from the lock: a range in pyproject.toml that the lock does not satisfy means it is stale."""
    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = {
        "requirements.txt": [*project["project"]["dependencies"], *project["build-system"]["requires"]],
        "requirements-test.txt": [
            *project["project"]["dependencies"],
            *project["project"]["optional-dependencies"]["test"],
            *project["build-system"]["requires"],
        ],
    }
    for name, requirements in wanted.items():
        text = (ROOT / name).read_text(encoding="utf-8")
        pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==([^ \\\n]+)", text, re.MULTILINE))
        pins = {key.lower().replace("_", "-"): value for key, value in pins.items()}
        for line in requirements:
            requirement = Requirement(line)
            key = requirement.name.lower().replace("_", "-")
            assert key in pins, f"{requirement.name} is not in {name}: refresh the lock (README)"
            assert requirement.specifier.contains(pins[key]), f"{name} pins {key}=={pins[key]}, outside {line}"
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text[text.index("\n", text.index("#    pip-compile")) :].strip())
        assert all("--hash=sha256:" in block for block in blocks if "==" in block), name


def test_every_setting_the_code_reads_is_in_the_readme_table() -> None:
    from bot.config import KEYS

    read = {f"SAMENSPRAAK_{key}" for key in KEYS}
    for path in (ROOT / "bot").rglob("*.py"):
        read |= set(re.findall(r"SAMENSPRAAK_[A-Z_]+[A-Z]", path.read_text(encoding="utf-8")))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Configuration") :]
    rows = [line for line in table.splitlines() if line.startswith("| `SAMENSPRAAK_")]
    documented = {name for row in rows for name in re.findall(r"`(SAMENSPRAAK_[A-Z_]+)`", row.split(" | ")[0])}
    assert sorted(read - documented) == []


def test_no_link_leaves_the_repository() -> None:
    """A clone is all a reader has: a link to a sibling folder or an outside file is broken in every clone."""
    for path in [ROOT / "README.md", *(ROOT / "docs").rglob("*.md")]:
        text = path.read_text(encoding="utf-8")
        assert "../shared" not in text, path
        for target in re.findall(r"\]\(([^)#]+)[^)]*\)", text):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            assert (path.parent / target).resolve().is_relative_to(ROOT), (path, target)
            assert (path.parent / target).exists(), (path, target)


def test_a_built_wheel_carries_its_catalogs_and_answers_start_in_arabic(tmp_path: Path) -> None:
    """`pip install .` (not editable) speaks every language with no setting: the catalogs are compiled into the
    wheel. Built offline with the locked setuptools, unpacked, and run with the project's source out of reach."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
        timeout=240,
    )
    (wheel,) = wheels.glob("samenspraak-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert {f"bot/locales/{code}/LC_MESSAGES/samenspraak.mo" for code in ("nl", "ar", "fa", "ti")} <= names
        assert "bot/locales/nl/LC_MESSAGES/organiser.mo" in names
        archive.extractall(tmp_path / "site")
    environment = {key: value for key, value in os.environ.items() if not key.startswith("SAMENSPRAAK_")}
    environment.update(
        {
            "PYTHONPATH": str(tmp_path / "site"),
            "LANG": "C.UTF-8",
            "SAMENSPRAAK_CONVERSATIONS": str(ROOT / "conversations"),
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--db", str(tmp_path / "r.sqlite3")],
        input="/start\nالعربية\n:quit\n",
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "أوافق" in result.stdout or "موافق" in result.stdout, result.stdout
    probe = "import bot.i18n; print(bot.i18n.locales_dir())"
    located = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=environment, cwd=tmp_path, check=True
    )
    assert located.stdout.strip() == str(tmp_path / "site" / "bot" / "locales")


def test_engine_imports_nothing_from_telegram() -> None:
    for path in (ROOT / "bot" / "engine").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import) telegram", text, re.MULTILINE), path


def test_ruff_is_clean() -> None:
    ruff = Path(sys.executable).parent / "ruff"
    if not ruff.exists():
        pytest.skip("ruff is installed with the test extra")
    result = subprocess.run([str(ruff), "check", "."], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout
