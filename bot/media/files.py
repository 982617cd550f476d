"""The media folder beside the database: one owner-only folder per participant (by pseudonym), one file an answer.

A participant's /forget removes their folder after the transaction that deleted their answers; a file whose answer
is gone for any other reason (retention, a download that finished just after a /forget) is swept as an orphan.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from pathlib import Path

from bot.config import Settings
from bot.store import Database
from bot.store.jobs import media_paths

PART_KEPT = 3600  # seconds
SUFFIXES = {"voice": ".ogg", "audio": ".mp3", "video_note": ".mp4", "photo": ".jpg"}


def relative_path(pseudonym: str, answer_id: int, kind: str, suffix: str | None) -> str:
    """Named by answer id, so exports can say which answer a file belongs to."""
    return f"{pseudonym}/{answer_id}-{kind}{suffix or SUFFIXES.get(kind, '.bin')}"


def write_private(folder: Path, relative: str, content: bytes) -> Path:
    """Owner-only, like the database: a voice is as personal as a name."""
    target = folder / relative
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target.parent.mkdir(mode=0o700, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".part")
    descriptor = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    partial.replace(target)  # never a half-written file under the real name
    return target


async def forget_files(settings: Settings, pseudonym: str) -> None:
    folder = settings.media / pseudonym
    if pseudonym and folder.parent == settings.media:
        await asyncio.to_thread(shutil.rmtree, folder, True)


async def sweep_orphans(store: Database, folder: Path) -> int:
    """Delete kept files no stored answer refers to any more; how many went."""
    kept = await store.read(media_paths)
    return await asyncio.to_thread(_remove_orphans, folder, kept)


def _remove_orphans(folder: Path, kept: set[str]) -> int:
    if not folder.is_dir():
        return 0
    removed = 0
    for file in folder.rglob("*"):
        if not file.is_file() or file.relative_to(folder).as_posix() in kept:
            continue
        if file.name.endswith(".part") and time.time() - file.stat().st_mtime < PART_KEPT:
            continue  # a download being written now (one left by a crash goes after an hour)
        file.unlink(missing_ok=True)
        removed += 1
    for sub in folder.iterdir():
        if sub.is_dir() and not any(sub.iterdir()):
            sub.rmdir()
    return removed


def copy_media(folder: Path, backup: Path) -> Path | None:
    """`samenspraak backup FILE` copies the media folder to `FILE-media/` (owner-only), after the database: a file
    is written before its answer refers to it, so every file the copied database names is in the copy (files of
    answers given meanwhile may be there too; the next retention run sweeps them as orphans)."""
    if not folder.is_dir():
        return None
    target = backup.with_name(backup.name + "-media")
    shutil.copytree(folder, target, dirs_exist_ok=True)
    target.chmod(0o700)
    return target


def zip_own_files(folder: Path, files: list[dict[str, object]], target: Path) -> int:
    """A person's own kept files in one zip, for /mydata; how many went in."""
    import zipfile

    count = 0
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:
        for entry in files:
            path = folder / str(entry.get("file") or "")
            if entry.get("file") and path.is_file():
                archive.write(path, path.name)
                count += 1
    if not count:
        target.unlink(missing_ok=True)
    return count
