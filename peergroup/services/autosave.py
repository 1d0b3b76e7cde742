"""What every autosaving text editor shares: one save at a time, and a final flush
that never waits long and never drops the text.

A ``TextSaver`` knows the revision the editor's text is based on and the text
stored at that revision. The screen saves from a worker thread (``save``)
while the user types, and once more on the UI thread when the app must stop
(``save_final``); a lock held for the whole unit of work keeps the two from
overlapping, so the second is based on what the first stored. When the final
flush cannot reach the database in time, the text goes to a recovery file
(``write_recovery``) instead. Nothing typed is dropped.

Subclasses say how one attempt saves (``_attempt``) and where the recovery
file goes: ``minutes_saver.MinutesSaver`` (the scribe's minutes) and
``journal_saver.JournalSaver`` (a member's reflection, encrypted when the
journal has a passphrase).

No Textual here: the screens call these from their workers and their flush.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..db import fsync_dir

if TYPE_CHECKING:  # pragma: no cover
    from ..db import Database

BUSY_RETRY_EVERY = 0.1  # seconds between attempts of the final flush


@dataclass(frozen=True)
class SaveOutcome:
    """What became of one save.

    kind: ``saved`` (the text is stored now, or already was), ``conflict``
    (another copy saved first; ``result`` says more), ``kept`` (refused, kept
    as a copy; ``error`` says why, ``finalised`` whether that is the reason),
    ``busy`` (another program holds the lock; nothing changed), ``failed`` (a
    read-only database, a full disk, a bug: ``error``), ``recovered`` (written
    to ``recovery_file``).
    """

    kind: str
    text: str
    result: Any = None
    error: Exception | None = None
    finalised: bool = False
    recovery_file: Path | None = None


class TextSaver:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.Lock()
        self.base_revision = 0  # what the next save is based on
        self.stored_text = ""  # the text at that revision (or kept as a copy)
        self.recovered_text: str | None = None  # last text written to the recovery file

    def loaded(self, revision: int, text: str) -> None:
        """The editor now holds ``text`` as stored at ``revision``."""
        with self._lock:
            self.base_revision, self.stored_text = revision, text

    def is_safe(self, text: str) -> bool:
        """Whether ``text`` needs no saving: stored, kept, or in the recovery file."""
        return text in (self.stored_text, self.recovered_text)

    # --- what subclasses provide ---------------------------------------------

    def _attempt(self, text: str) -> SaveOutcome:  # pragma: no cover - abstract
        """One save of ``text`` (the lock is held); never raises."""
        raise NotImplementedError

    def _keep_in_conflict(self, text: str) -> SaveOutcome:
        """The final flush while the user has not yet chosen between two texts."""
        return self._attempt(text)

    def write_recovery(self, text: str) -> Path:  # pragma: no cover - abstract
        """Write ``text`` where the next start finds it; raises OSError."""
        raise NotImplementedError

    # --- the autosave: one attempt, from a worker thread ---------------------

    def save(self, text: str) -> SaveOutcome:
        with self._lock:
            return self._attempt(text)

    # --- the final flush: on the UI thread, with a deadline -------------------

    def save_final(self, text: str, wait: float, *, in_conflict: bool = False) -> SaveOutcome:
        """Save ``text`` now, waiting about ``wait`` seconds in all (for a running
        save, then for a locked database); after that, write the recovery file.
        Each attempt may also wait the database's own busy timeout (the app opens
        it with half a second), so the bound is ``wait`` plus one busy timeout.

        ``in_conflict``: the user has not chosen between two texts yet, so this
        one is only kept as a copy (outcome ``conflict``).
        """
        if self.is_safe(text) and not in_conflict:
            return SaveOutcome("saved", text)
        deadline = time.monotonic() + wait
        if not self._lock.acquire(timeout=wait):
            return self._recover(text)
        try:
            if self.is_safe(text) and not in_conflict:
                return SaveOutcome("saved", text)  # the running save had this very text
            while True:
                attempt = self._keep_in_conflict if in_conflict else self._attempt
                outcome = attempt(text)
                if outcome.kind != "busy":
                    break
                if time.monotonic() >= deadline:
                    return self._recover(text)
                time.sleep(BUSY_RETRY_EVERY)
            if outcome.kind == "failed":
                return self._recover(text)
            return outcome
        finally:
            self._lock.release()

    def _recover(self, text: str) -> SaveOutcome:
        try:
            path = self.write_recovery(text)
        except OSError as exc:
            return SaveOutcome("failed", text, error=exc)
        self.recovered_text = text
        return SaveOutcome("recovered", text, recovery_file=path)


def write_private_file(path: Path, data: bytes) -> None:
    """Atomic, and readable only by the user (0600, as ``mkstemp`` makes it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)  # the rename keeps mkstemp's 0600
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)
