"""Autosaving one reflection, and its recovery file when the database stays locked.

The journal screen types, this saves (the lock, the final flush and its
deadline are ``autosave.TextSaver``'s, shared with the minutes). A new
reflection gets its row on the first save. If another copy changed the same
reflection meanwhile, the text is saved as a new reflection instead of over
the other one (``JournalSave.conflict``), and the editor goes on with it.

The recovery file is written to the user's own data folder (never beside a
database that others may reach) and, for a journal with a passphrase, holds
the text encrypted with the journal's key: an encrypted journal autosaves
encrypted, also here. It is offered back the next time its author opens the
journal (after unlocking it).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from ..errors import DatabaseBusy, PeergroupError
from ..models import Meeting, Reflection
from ..paths import data_home
from . import journal as journal_svc
from . import journal_crypto as crypto
from .autosave import SaveOutcome, TextSaver, write_private_file

if TYPE_CHECKING:  # pragma: no cover
    from ..db import Database


class JournalSaver(TextSaver):
    def __init__(
        self,
        db: Database,
        *,
        author_id: int,
        reflection_id: int | None,
        meeting_id: int | None,
        prompt_key: str,
        encrypted: bool,
        unlocked: crypto.Unlocked | None,
    ) -> None:
        super().__init__(db)
        self.author_id = author_id
        self.reflection_id = reflection_id
        self.meeting_id = meeting_id
        self.prompt_key = prompt_key
        self.encrypted = encrypted  # the text is stored (and recovered) encrypted
        self.unlocked = unlocked

    def _attempt(self, text: str) -> SaveOutcome:
        try:
            with self.db.write() as session:
                result = journal_svc.save_reflection(
                    session,
                    self.author_id,
                    self.reflection_id,
                    text,
                    self.base_revision,
                    self.unlocked,
                    meeting_id=self.meeting_id,
                    prompt_key=self.prompt_key,
                )
        except DatabaseBusy as exc:
            return SaveOutcome("busy", text, error=exc)
        except PeergroupError as exc:  # locked journal, too long, read-only database
            return SaveOutcome("failed", text, error=exc)
        except Exception as exc:  # noqa: BLE001 - reported by the caller; the text stays pending
            return SaveOutcome("failed", text, error=exc)
        if result.reflection_id is not None:
            self.reflection_id = result.reflection_id
            self.base_revision = result.revision
        self.stored_text = text
        return SaveOutcome("saved", text, result=result)

    def write_recovery(self, text: str) -> Path:
        return write_recovery(
            self.db.path,
            self.author_id,
            text,
            reflection_id=self.reflection_id,
            meeting_id=self.meeting_id,
            prompt_key=self.prompt_key,
            base_revision=self.base_revision,
            unlocked=self.unlocked if self.encrypted else None,
        )


# --- the recovery file ----------------------------------------------------------------


def recovery_file(db_path: Path, member_id: int) -> Path:
    """One file per database and author, in the user's data folder."""
    digest = hashlib.sha256(str(Path(db_path).resolve()).encode()).hexdigest()[:16]
    return data_home() / "journal-recovery" / f"{digest}-{int(member_id)}.json"


def write_recovery(
    db_path: Path,
    member_id: int,
    text: str,
    *,
    reflection_id: int | None,
    meeting_id: int | None,
    prompt_key: str,
    base_revision: int,
    unlocked: crypto.Unlocked | None,
) -> Path:
    """Write ``text`` where the author's next visit finds it; encrypted when ``unlocked``
    is given (the journal has a passphrase). Raises OSError."""
    record: dict[str, Any] = {
        "version": 1,
        "member_id": int(member_id),
        "reflection_id": reflection_id,
        "meeting_id": meeting_id,
        "prompt_key": prompt_key,
        "base_revision": base_revision,
    }
    raw = text.encode("utf-8", "replace")
    if unlocked is not None:
        sealed = crypto.seal(unlocked, raw, crypto.recovery_ad(member_id))
        record["cipher"] = base64.b64encode(sealed).decode("ascii")
    else:
        record["text"] = raw.decode("utf-8")
    path = recovery_file(db_path, member_id)
    write_private_file(path, json.dumps(record).encode("utf-8"))
    return path


def has_recovery(db_path: Path, member_id: int) -> bool:
    return recovery_file(db_path, member_id).exists()


def restore(
    session: Session, db_path: Path, member_id: int, unlocked: crypto.Unlocked | None
) -> int | None:
    """Save a recovery file's text into the journal. Returns the reflection it went to
    (None: there was nothing to restore). Raises ``JournalLocked`` when the text is
    encrypted and the journal is not unlocked. The caller removes the file
    (``discard_recovery``) once this unit of work has committed."""
    path = recovery_file(db_path, member_id)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("member_id") != member_id:
        return None
    if "cipher" in record:
        key = unlocked if unlocked is not None and unlocked.member_id == member_id else None
        if key is None:
            raise journal_svc.JournalLocked(
                "A reflection typed earlier is waiting to be saved: unlock the journal to get it back."
            )
        blob = base64.b64decode(record["cipher"])
        text = crypto.open_sealed(key, blob, crypto.recovery_ad(member_id)).decode("utf-8")
    else:
        text = str(record.get("text", ""))
    result = None
    if text.strip():
        reflection_id = record.get("reflection_id")
        if reflection_id is not None and session.get(Reflection, reflection_id) is None:
            reflection_id = None  # removed meanwhile: the text becomes a new reflection
        meeting_id = record.get("meeting_id")
        if meeting_id is not None and session.get(Meeting, meeting_id) is None:
            meeting_id = None
        result = journal_svc.save_reflection(
            session,
            member_id,
            reflection_id,
            text,
            int(record.get("base_revision") or 0),
            unlocked,
            meeting_id=meeting_id,
            prompt_key=str(record.get("prompt_key") or ""),
        )
    return result.reflection_id if result else None


def discard_recovery(db_path: Path, member_id: int) -> None:
    with contextlib.suppress(OSError):
        recovery_file(db_path, member_id).unlink()
