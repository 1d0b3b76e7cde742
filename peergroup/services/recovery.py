"""Minutes that could not reach the database go to a recovery file beside it.

When the app must stop (the scribe leaves the screen, the terminal closes,
SIGTERM) and the database stays locked by another program, the text on the
screen is written to ``<database>.recovery-<meeting id>.txt`` instead, so
nothing typed is lost. The next time that meeting is opened the file's text is
kept as a copy of the minutes (if it differs from them) and offered to the
user; the file itself is removed once the user has looked at the kept copies.
If the database's folder cannot be written, the file goes to the data folder.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from sqlmodel import Session

from ..paths import data_home
from ..text import without_lone_surrogates
from . import minutes as minutes_svc
from .autosave import write_private_file


def recovery_file(db_path: Path, meeting_id: int) -> Path:
    """Where the recovery text of a meeting goes: next to the database."""
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.name}.recovery-{int(meeting_id)}.txt")


def _fallback_file(db_path: Path, meeting_id: int) -> Path:
    return data_home() / recovery_file(db_path, meeting_id).name


def _candidates(db_path: Path, meeting_id: int) -> list[Path]:
    first, second = recovery_file(db_path, meeting_id), _fallback_file(db_path, meeting_id)
    return [first] if first == second else [first, second]


def _write_private(path: Path, text: str) -> None:
    """Atomic, and readable only by the user (minutes are the group's own record)."""
    write_private_file(path, without_lone_surrogates(text).encode("utf-8"))


LATER = "--- typed later, while the database was still locked ---"
_LATER_PART = f"\n\n{LATER}\n"  # between an earlier session's text and a later one


def write_recovery(db_path: Path, meeting_id: int, text: str, replaces: str = "") -> Path:
    """Write ``text`` to the meeting's recovery file; returns where it went.

    A file already there is kept in front of ``text`` (an earlier session's),
    unless ``text`` goes on from it. ``replaces`` is what this session itself
    wrote there last: a backup brought up to date replaces that part, even
    after the scribe deleted some of it, and keeps an earlier session's text
    in front of it.

    Raises ``OSError`` only when neither the database's folder nor the data
    folder can be written.
    """
    text, replaces = without_lone_surrogates(text), without_lone_surrogates(replaces)
    last: OSError | None = None
    for path in _candidates(db_path, meeting_id):
        try:
            earlier = _read_as_written(path)
        except OSError:
            earlier = ""
        try:
            _write_private(path, _after(earlier, text, replaces))
        except OSError as exc:
            last = exc
            continue
        return path
    assert last is not None
    raise last


def discard_own(db_path: Path, meeting_id: int, own: str) -> None:
    """Take back what this session wrote to the recovery file (``own``, as last
    given to ``write_recovery``) now that it is in the database. An earlier
    session's text in front of it stays, and so does a file someone else wrote."""
    own = without_lone_surrogates(own)
    for path in _candidates(db_path, meeting_id):
        try:
            before = _before_own(_read_as_written(path), own)
            if before is None:
                continue  # not ours
            if before.strip():
                _write_private(path, before)
            else:
                path.unlink()
        except OSError:  # missing or unreadable: nothing of ours to take back there
            continue


def _read_as_written(path: Path) -> str:
    """The file's text byte for byte (no newline translation), to compare with what was written."""
    return path.read_bytes().decode("utf-8", errors="replace")


def _before_own(content: str, own: str) -> str | None:
    """What ``content`` holds in front of ``own`` (this session's part, last in the
    file); None if the file does not end with it."""
    if not own:
        return None
    if content == own:
        return ""
    if content.endswith(_LATER_PART + own):
        return content[: len(content) - len(_LATER_PART + own)]
    return None


def _after(earlier: str, text: str, replaces: str) -> str:
    """What a recovery file holding ``earlier`` holds once ``text`` is written."""
    before = _before_own(earlier, replaces)
    if before is not None:
        earlier = before  # this session's own part is brought up to date, not joined
    if not earlier.strip() or text.startswith(earlier):
        return text
    # A file from an earlier session not yet kept in the database (it was
    # locked then too): both texts stay, the earlier one first.
    return earlier.rstrip() + _LATER_PART + text


def has_recovery(db_path: Path, meeting_id: int) -> bool:
    return any(p.exists() for p in _candidates(db_path, meeting_id))


def pending_recovery(db_path: Path, meeting_id: int) -> tuple[Path, str] | None:
    """The recovery file of a meeting and its text, if there is one."""
    for path in _candidates(db_path, meeting_id):
        try:
            return path, path.read_text(encoding="utf-8", errors="replace")
        except OSError:  # missing, or unreadable: nothing to offer from there
            continue
    return None


def keep_recovered(session: Session, db_path: Path, meeting_id: int) -> Path | None:
    """Keep a recovery file's text as a copy of the minutes; returns the file if it has news.

    A file whose text is already the minutes (or already kept) is removed at
    once: there is nothing to offer. Otherwise the file stays until
    ``discard_recovery`` (called once the user has seen the kept copies).
    """
    # Both places are looked at: a text in the fallback file is kept too before
    # discard_recovery removes every candidate.
    news: Path | None = None
    for path in _candidates(db_path, meeting_id):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:  # missing, or unreadable: nothing to offer from there
            continue
        meeting = minutes_svc.get_meeting(session, meeting_id)
        stored = minutes_svc.minutes_row(session, meeting, create=True)
        if not text.strip() or text == stored.text:
            with contextlib.suppress(OSError):
                path.unlink()
            continue
        if not any(c.text == text for c in minutes_svc.conflicts(session, meeting_id)):
            minutes_svc.keep_copy(session, meeting_id, text, stored.revision)
        news = news or path
    return news


def discard_recovery(db_path: Path, meeting_id: int) -> None:
    """Remove a meeting's recovery file(s): their text is kept in the database."""
    for path in _candidates(db_path, meeting_id):
        with contextlib.suppress(OSError):
            path.unlink()
