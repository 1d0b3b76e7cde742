"""Writing the group folder (``services.publish.build_folder``) into a folder, in place.

* Every file goes through ``files.write_file``: atomic (temp file + rename), so a
  member opening a page mid-publish sees the old page or the new one, never half;
  never the database or its companions; never through a symlink. A file whose
  bytes did not change is not rewritten (a synced drive sees no change).
* ``.peergroup-publish.json`` lists what Peergroup wrote. Re-publishing removes
  the files it wrote before and no longer produces (a meeting taken off the
  calendar), and nothing else: files of other names are left alone.
* A folder that holds files but no manifest is refused unless ``force``, so a
  publish never sprays pages into someone's home folder; so is a folder holding
  the database (a shared folder must never carry it).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import InputError
from .files import write_file

MANIFEST = ".peergroup-publish.json"
_SUFFIXES = (".html", ".md", ".ics")


class FolderNotOurs(InputError):
    """The folder holds files but no manifest: publishing there needs ``force``."""


@dataclass(frozen=True)
class Published:
    folder: Path
    written: int  # new or changed files
    unchanged: int
    removed: int

    @property
    def summary(self) -> str:
        return (
            f"Published the group folder to {self.folder}: {self.written} file(s) written, "
            f"{self.unchanged} unchanged, {self.removed} removed."
        )


def _safe(rel: str) -> bool:
    """A path this module may write or delete: relative, inside the folder, ours by suffix."""
    p = PurePosixPath(rel)
    return (
        bool(rel)
        and "\\" not in rel
        and not p.is_absolute()
        and all(part not in ("", ".", "..") for part in p.parts)
        and p.suffix in _SUFFIXES
    )


def _read_manifest(folder: Path) -> set[str] | None:
    path = folder / MANIFEST
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        listed = data["files"]
        if not isinstance(listed, list):
            raise ValueError
        return {str(name) for name in listed if isinstance(name, str) and _safe(name)}
    except (OSError, ValueError, KeyError, TypeError):
        raise InputError(
            str(folder),
            f"holds a damaged {MANIFEST}; nothing was written. Delete that file and publish "
            "again with --force (files Peergroup wrote before will then be kept, not removed).",
        ) from None


def _manifest_bytes(names: Iterable[str]) -> bytes:
    body = {"written_by": "peergroup publish", "files": sorted(names)}
    return (json.dumps(body, indent=1) + "\n").encode("utf-8")


def _check_folder(folder: Path, protected: list[Path], force: bool) -> set[str]:
    name = str(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(name, "is a file, not a folder; give a folder to publish into.")
    real = folder.resolve()
    for p in protected:
        try:
            base = Path(p).resolve()
        except OSError:
            continue
        if base.parent == real or real in base.parents:
            raise InputError(
                name,
                "holds the database; the group folder is meant to be shared and the database "
                "never is. Publish into a folder of its own.",
            )
    if not folder.exists():
        return set()
    previous = _read_manifest(folder)
    if previous is None:
        if any(folder.iterdir()) and not force:
            raise FolderNotOurs(
                name,
                "already holds files that Peergroup did not publish; nothing was written. "
                "Choose a new or empty folder, or publish with --force to add the group "
                "folder beside them (files of other names are kept; a file of the same "
                "name as one of the group folder's stops the publish).",
            )
        return set()
    return previous


def publish_folder(
    folder: Path,
    files: Mapping[str, bytes],
    *,
    force: bool = False,
    protected: Iterable[Path] = (),
) -> Published:
    """Write ``files`` (relative path -> bytes) into ``folder``; see the module's docstring."""
    folder = Path(folder).expanduser()
    guard = list(protected)
    previous = _check_folder(folder, guard, force)
    bad = [rel for rel in files if not _safe(rel)]
    if bad:  # pragma: no cover - the builder makes only safe names
        raise ValueError(f"unsafe published paths: {bad}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(str(folder), f"cannot be made ({exc.strerror or exc}).") from None
    for rel in files:  # every way in is checked before anything is written
        _inside(folder, rel)
        if rel not in previous and (folder / rel).exists():
            # Someone's own file of the same name: never replaced (and never later
            # deleted as ours), even with --force.
            raise InputError(
                str(folder / rel),
                "already exists and was not published by Peergroup; nothing was written. "
                "Move it, or publish into another folder.",
            )
    # Listed first with the old names too: an interrupted publish still knows every file it
    # wrote, and the next one tidies up.
    manifest = folder / MANIFEST
    write_file(manifest, _manifest_bytes(previous | set(files)), replace=True, protected=guard)
    written = unchanged = 0
    for rel, data in sorted(files.items()):
        target = _inside(folder, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_file() and not target.is_symlink() and _same(target, data):
            unchanged += 1
            continue
        write_file(target, data, replace=True, protected=guard)
        written += 1
    removed = 0
    for rel in sorted(previous - set(files)):
        target = _inside(folder, rel)
        if target.is_file() and not target.is_symlink():
            target.unlink()
            removed += 1
            _prune(target.parent, folder)
    write_file(manifest, _manifest_bytes(files), replace=True, protected=guard)
    return Published(folder, written, unchanged, removed)


def _inside(folder: Path, rel: str) -> Path:
    """``folder/rel``, refused if a subfolder on the way is a link: writing or removing
    through it would touch files outside the folder."""
    step = folder
    for part in PurePosixPath(rel).parts[:-1]:
        step = step / part
        if step.is_symlink() or (step.exists() and not step.is_dir()):
            raise InputError(
                str(step),
                "is a link or a file where the group folder keeps its pages; remove it and "
                "publish again.",
            )
    return folder.joinpath(*PurePosixPath(rel).parts)


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _prune(directory: Path, top: Path) -> None:
    """Remove a subfolder the publish emptied (``meetings/``), never ``top`` itself."""
    if directory != top and top in directory.parents:
        with contextlib.suppress(OSError):  # not empty: someone else's files live there too
            os.rmdir(directory)
