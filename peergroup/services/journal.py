"""The reflection journal: reading, writing and sharing reflections, and passphrases.

Who is writing is ``journal_owner`` (re-exported here: ``owner``, ``people``,
``set_owner``); what the journal screen lists is ``journal_view``.

**Private by default.** A member sees their own reflections and the ones
others *shared*; every query here filters on that, and nothing else in the
app reads a reflection's text except ``reflections.shared_for_meeting``
(shared ones only). A member with a journal passphrase has the text of their
private reflections stored encrypted (``journal_crypto``): without the
passphrase nobody can read them, not even with the database file. Sharing
turns a reflection into plain text on purpose; un-sharing encrypts it again.

Services take the ``Unlocked`` key the screen holds in memory (or None).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from ..clock import utcnow
from ..errors import InputError, NotFound, PeergroupError
from ..models import JournalKey, Meeting, Member, Reflection
from . import journal_crypto as crypto
from . import reflections as reflections_svc
from . import validate
from .journal_owner import People, Person, _author, owner, people, set_owner  # noqa: F401

if TYPE_CHECKING:  # pragma: no cover
    from ..db import Database

REFLECTION_MAX = 50_000

VIEW_ONLY_NOTICE = (
    "No journal passphrase: your private reflections are hidden from every other view "
    "and export, but anyone who opens this database file could read them."
)
ENCRYPTED_NOTICE = "Private reflections are encrypted with your journal passphrase."
FORGOTTEN_WARNING = (
    "Nobody can recover a forgotten passphrase, not even from the database file: "
    "the private reflections it protects would be gone for good."
)


class JournalLocked(PeergroupError):
    """The journal has a passphrase and this session has not unlocked it."""


class PrivateReflection(PeergroupError):
    """Someone other than its author asked for a private reflection."""


# --- keys -------------------------------------------------------------------------------


def key_params(session: Session, member_id: int) -> crypto.KeyParams | None:
    row = session.exec(select(JournalKey).where(JournalKey.member_id == member_id)).first()
    if row is None:
        return None
    return crypto.KeyParams(row.salt, row.n, row.r, row.p, row.verifier)


def _readable(unlocked: crypto.Unlocked | None, member_id: int) -> crypto.Unlocked | None:
    return unlocked if unlocked is not None and unlocked.member_id == member_id else None


# --- one reflection ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReflectionText:
    reflection_id: int | None  # None: not saved yet
    author_id: int
    author: str
    meeting_id: int | None
    meeting_on: dt.date | None
    prompt_key: str
    prompt: str
    text: str
    revision: int
    shared: bool
    passphrase: bool  # the author's journal has one: private text is stored encrypted
    editable: bool  # the reader is its author


def _reflection(session: Session, reflection_id: int) -> Reflection:
    row = session.get(Reflection, reflection_id)
    if row is None:
        raise NotFound("That reflection no longer exists; it may have been removed elsewhere.")
    return row


def _plain(row: Reflection, unlocked: crypto.Unlocked | None) -> str:
    if row.cipher is None:
        return row.text
    key = _readable(unlocked, row.member_id)
    if key is None or row.id is None:
        raise JournalLocked(
            "This reflection is encrypted: unlock the journal with its passphrase first."
        )
    return crypto.decrypt_text(key, row.id, row.cipher)


def open_reflection(
    session: Session, reflection_id: int, reader_id: int, unlocked: crypto.Unlocked | None
) -> ReflectionText:
    row = _reflection(session, reflection_id)
    if row.member_id != reader_id and not row.shared:
        raise PrivateReflection("This reflection is private to its author.")
    member = session.get(Member, row.member_id)
    meeting = session.get(Meeting, row.meeting_id) if row.meeting_id else None
    group_id = member.group_id if member else 0
    return ReflectionText(
        reflection_id=row.id,
        author_id=row.member_id,
        author=member.name if member else "",
        meeting_id=row.meeting_id,
        meeting_on=meeting.on if meeting else None,
        prompt_key=row.prompt_key,
        prompt=reflections_svc.prompt_text(session, group_id, row.prompt_key),
        text=_plain(row, unlocked),
        revision=row.revision,
        shared=row.shared,
        passphrase=key_params(session, row.member_id) is not None,
        editable=row.member_id == reader_id,
    )


def new_reflection(
    session: Session, group_id: int, author_id: int, meeting_id: int | None, prompt_key: str
) -> ReflectionText:
    """An empty reflection to write (saved on the first keystroke's autosave)."""
    member = _author(session, group_id, author_id)
    meeting = session.get(Meeting, meeting_id) if meeting_id else None
    if meeting is not None and meeting.group_id != group_id:
        raise InputError("meeting", "belongs to another group.")
    key = reflections_svc.check_prompt_key(session, group_id, prompt_key) if prompt_key else ""
    if meeting is not None and not key:
        key = meeting.prompt_key
    return ReflectionText(
        reflection_id=None,
        author_id=member.id or 0,
        author=member.name,
        meeting_id=meeting.id if meeting else None,
        meeting_on=meeting.on if meeting else None,
        prompt_key=key,
        prompt=reflections_svc.prompt_text(session, group_id, key),
        text="",
        revision=0,
        shared=False,
        passphrase=key_params(session, member.id or 0) is not None,
        editable=True,
    )


@dataclass(frozen=True)
class JournalSave:
    reflection_id: int | None  # None: nothing to save yet (empty new text)
    revision: int
    conflict: bool  # another copy changed it meanwhile: this text became a new reflection


def _store(session: Session, row: Reflection, text: str, unlocked: crypto.Unlocked | None) -> None:
    """Put ``text`` in ``row``: encrypted when the author has a passphrase and it is private."""
    if row.id is None:
        session.add(row)
        session.flush()  # the id is part of the associated data
    if not row.shared and key_params(session, row.member_id) is not None:
        key = _readable(unlocked, row.member_id)
        if key is None:
            raise JournalLocked(
                "The journal is locked: unlock it with its passphrase to save this reflection."
            )
        assert row.id is not None
        row.cipher, row.text = crypto.encrypt_text(key, row.id, text), ""
    else:
        row.cipher, row.text = None, text
    row.updated_at = utcnow()
    session.add(row)
    session.flush()


def save_reflection(
    session: Session,
    author_id: int,
    reflection_id: int | None,
    text: str,
    base_revision: int,
    unlocked: crypto.Unlocked | None,
    *,
    meeting_id: int | None = None,
    prompt_key: str = "",
) -> JournalSave:
    """Save what the author typed. A new reflection is created on its first save; one
    changed by another copy meanwhile is left alone and this text becomes a new one."""
    text = validate.text("reflection", text, REFLECTION_MAX)
    author = session.get(Member, author_id)
    if author is None:
        raise NotFound("The author of this reflection is no longer in the database.")
    row = _reflection(session, reflection_id) if reflection_id is not None else None
    if row is not None and row.member_id != author_id:
        raise PrivateReflection("Only its author can change a reflection.")
    conflict = row is not None and row.revision != base_revision
    if row is None or conflict:
        if not text and row is None:
            return JournalSave(None, 0, False)
        source = row
        row = Reflection(
            member_id=author_id,
            meeting_id=source.meeting_id if source else meeting_id,
            prompt_key=source.prompt_key if source else prompt_key,
        )
    row.revision += 1
    _store(session, row, text, unlocked)
    assert row.id is not None
    return JournalSave(row.id, row.revision, conflict)


def set_shared(
    session: Session,
    reflection_id: int,
    author_id: int,
    shared: bool,
    unlocked: crypto.Unlocked | None,
) -> int:
    """Share a reflection with the group (its text becomes part of that meeting's
    minutes export), or take it back (private again, encrypted if the author has a
    passphrase). Only its author can. Returns the reflection's new revision."""
    row = _reflection(session, reflection_id)
    if row.member_id != author_id:
        raise PrivateReflection("Only its author can share or un-share a reflection.")
    if row.shared == shared:
        return row.revision
    text = _plain(row, unlocked)
    if shared and not text.strip():
        raise InputError("reflection", "is empty; write something before sharing it.")
    row.shared = shared
    row.shared_at = utcnow() if shared else None
    row.revision += 1
    _store(session, row, text, unlocked)
    return row.revision


def delete_reflection(session: Session, reflection_id: int, author_id: int) -> None:
    """Remove a reflection for good (the database overwrites the freed space)."""
    row = _reflection(session, reflection_id)
    if row.member_id != author_id:
        raise PrivateReflection("Only its author can remove a reflection.")
    session.delete(row)
    session.flush()


# --- the passphrase ---------------------------------------------------------------------


def unlock(session: Session, member_id: int, passphrase: str) -> crypto.Unlocked:
    """The journal's key, if ``passphrase`` is right. Reads and changes nothing else."""
    params = key_params(session, member_id)
    if params is None:
        raise InputError("passphrase", "this journal has no passphrase; set one first.")
    return crypto.unlock(member_id, params, passphrase)


def set_passphrase(
    session: Session,
    group_id: int,
    member_id: int,
    passphrase: str,
    confirm: str,
    current: crypto.Unlocked | None = None,
) -> crypto.Unlocked:
    """Set (or change) a member's journal passphrase and re-write every private
    reflection of theirs encrypted with it. Changing it needs the journal unlocked."""
    member = _author(session, group_id, member_id)
    value = crypto.check_passphrase(passphrase, confirm)
    old = session.exec(select(JournalKey).where(JournalKey.member_id == member_id)).first()
    if old is not None and _readable(current, member_id) is None:
        raise JournalLocked("Unlock the journal with its current passphrase before changing it.")
    rows = session.exec(
        select(Reflection).where(
            Reflection.member_id == member_id, col(Reflection.shared).is_(False)
        )
    ).all()
    plain = {r.id: _plain(r, current) for r in rows}
    params, unlocked = crypto.new_key(member.id or 0, value)
    if old is not None:
        session.delete(old)
        session.flush()
    session.add(
        JournalKey(
            member_id=member_id,
            salt=params.salt,
            n=params.n,
            r=params.r,
            p=params.p,
            verifier=params.verifier,
        )
    )
    session.flush()
    for r in rows:
        _store(session, r, plain[r.id], unlocked)
    from . import pair_notes  # (it reads key_params from here)

    pair_notes.reseal(session, member_id, _readable(current, member_id), unlocked)
    return unlocked


def forget_passphrase(session: Session, group_id: int, member_id: int) -> int:
    """For a forgotten passphrase: remove the encrypted reflections (nobody can read
    them any more) and the passphrase, so the journal starts again. Returns how many
    reflections went."""
    _author(session, group_id, member_id)
    rows = session.exec(
        select(Reflection).where(
            Reflection.member_id == member_id, col(Reflection.cipher).is_not(None)
        )
    ).all()
    for r in rows:
        session.delete(r)
    key = session.exec(select(JournalKey).where(JournalKey.member_id == member_id)).first()
    if key is not None:
        session.delete(key)
    from . import pair_notes

    pair_notes.forget(session, member_id)  # sealed with the forgotten key: unreadable
    session.flush()
    return len(rows)


def scrub(db: Database) -> bool:
    """Make sure text that was just encrypted or removed is no longer kept by the database.

    SQLite: move everything from the write-ahead log into the file (where
    ``secure_delete`` has overwritten the old text) and empty the log.
    PostgreSQL: an update or delete leaves the old row version in the table
    until it is vacuumed; ``VACUUM FULL`` rewrites the private tables without
    them. Runs outside any unit of work; False if another reader (a snapshot
    still open elsewhere) or missing rights kept it from finishing.
    """
    if db.is_server:
        return _vacuum_private_tables(db)
    with db.engine.connect() as connection:
        raw: Any = connection.connection.driver_connection
        busy, _log, _done = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy == 0


VACUUM_LOCK_TIMEOUT_MS = 2000


def _vacuum_private_tables(db: Database, attempts: int = 6) -> bool:
    """VACUUM FULL the tables that hold private text; True once no old row version is
    left. A transaction still running elsewhere on the server can keep the newest
    ones for a moment, so it is tried again a few times (about 3 s in all)."""
    import time

    import psycopg

    from ..models import PairNote

    tables = ", ".join(f'"{m.__tablename__}"' for m in (Reflection, PairNote, JournalKey))
    for attempt in range(attempts):
        if attempt:
            time.sleep(0.1 * 2 ** (attempt - 1))
        notices: list[str] = []
        with db.engine.connect() as connection:
            raw: Any = connection.connection.driver_connection
            raw.rollback()
            raw.autocommit = True  # VACUUM cannot run inside a transaction

            def handler(diag: Any, notices: list[str] = notices) -> None:
                notices.append(
                    f"{diag.severity_nonlocalized} {diag.message_primary} "
                    f"{diag.message_detail or ''}"
                )

            raw.add_notice_handler(handler)
            try:
                # VACUUM FULL locks the tables: never queue for long behind another
                # copy's transaction (the other copies' reads would queue behind it).
                raw.execute(f"SET lock_timeout = {VACUUM_LOCK_TIMEOUT_MS}")
                raw.execute(f"VACUUM (FULL, VERBOSE) {tables}")
            except psycopg.errors.LockNotAvailable:
                notices.append("BUSY")
            finally:
                raw.remove_notice_handler(handler)
                raw.execute("RESET lock_timeout")
                raw.autocommit = False
        if "BUSY" in notices:
            continue
        if any(n.startswith("WARNING") for n in notices):  # e.g. not the owner: skipped
            return False
        kept = sum(
            int(m.group(1))
            for n in notices
            if (m := re.search(r"(\d+) dead row versions cannot be removed yet", n))
        )
        if kept == 0:
            return True
    return False
