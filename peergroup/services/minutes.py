"""Step 10: a meeting's minutes. The text and its revisions, finalising and
amendments, and the lookups the other meeting-day services share.

Minutes are saved continuously by a possibly-stale copy of the app, so a
save names the revision it edited. If that is no longer the current one the
incoming text is kept as a ``MinutesConflict`` beside the current text:
nothing anyone typed is thrown away. Finalised minutes are read-only; later
corrections are amendments, recorded with who made them and when.

The scribe and takeovers are in ``scribe``; the meeting day as the meeting
screen shows it (``open_meeting``) and the kept copies are in
``minutes_views`` (both still importable from here). Attendance, decisions
and action items have their own modules; they use the lookups defined here
(``get_meeting``, ``group_member``, ``refuse_if_finalised``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, overload

from sqlalchemy import update
from sqlmodel import Session, col, select

from ..errors import InputError, NotFound
from ..models import (
    Meeting,
    Member,
    Minutes,
    MinutesAmendment,
    MinutesConflict,
    utcnow,
)
from ..text import without_lone_surrogates
from . import _moved, validate
from . import roles as roles_svc
from ._ids import id_of

MINUTES_MAX = 1_000_000


@dataclass(frozen=True)
class SaveResult:
    saved: bool  # the text was written
    conflict: bool  # someone else saved first; the incoming text was kept aside
    revision: int  # the current revision: base your next save on it
    message: str
    their_text: str | None = None  # on conflict: the text now stored


# --- lookups shared by the meeting-day services -----------------------------


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(f"No meeting with id {meeting_id}.")
    return meeting


def as_meeting(session: Session, meeting: Meeting | int) -> Meeting:
    """Services take a meeting's id (screens) or the row itself (imports, tests)."""
    return meeting if isinstance(meeting, Meeting) else get_meeting(session, meeting)


def group_member(session: Session, member_id: int | None, group_id: int, field: str) -> Member:
    """The member ``member_id`` of group ``group_id``; an ``InputError`` on ``field`` otherwise."""
    member = session.get(Member, member_id) if member_id is not None else None
    if member is None or member.group_id != group_id:
        raise InputError(
            field, "that person is not a member of this group; choose one from the member list."
        )
    return member


def member_name(session: Session, member_id: int | None) -> str:
    member = session.get(Member, member_id) if member_id is not None else None
    return member.name if member else ""


@overload
def minutes_row(session: Session, meeting: Meeting, *, create: Literal[True]) -> Minutes: ...
@overload
def minutes_row(session: Session, meeting: Meeting, *, create: bool) -> Minutes | None: ...
def minutes_row(session: Session, meeting: Meeting, *, create: bool) -> Minutes | None:
    """The meeting's minutes; with ``create``, made (empty) if there are none yet."""
    # populate_existing: sessions live with expire_on_commit=False, so an
    # object cached by an earlier transaction may hold another copy's old text.
    stmt = (
        select(Minutes)
        .where(Minutes.meeting_id == meeting.id)
        .execution_options(populate_existing=True)
    )
    row = session.exec(stmt).first()
    if row is None and create:
        row = Minutes(meeting_id=id_of(meeting))
        session.add(row)
        session.flush()
    return row


def refuse_if_finalised(session: Session, meeting: Meeting, what: str) -> None:
    minutes = minutes_row(session, meeting, create=False)
    if minutes is not None and minutes.finalised_at is not None:
        raise InputError(
            what,
            f"the minutes of {meeting.on} are finalised and read-only; record the change as an amendment.",
        )


def topic_title(session: Session, meeting: Meeting) -> str:
    """The meeting's topic line (one rule for every view: services.topics.topic_line)."""
    from .topics import topic_line

    return topic_line(session, meeting)


def _guests(session: Session, meeting: Meeting) -> list[str]:
    from .experts import meeting_guests

    return meeting_guests(session, meeting)


def is_finalised(session: Session, meeting_id: int) -> bool:
    minutes = minutes_row(session, get_meeting(session, meeting_id), create=False)
    return minutes is not None and minutes.finalised_at is not None


# --- the text ---------------------------------------------------------------


def save_minutes(session: Session, meeting_id: int, text: str, base_revision: int) -> SaveResult:
    """Write the minutes if nobody else saved since ``base_revision``."""
    text = without_lone_surrogates(text or "")
    if len(text) > MINUTES_MAX:
        raise InputError(
            "minutes",
            f"are {len(text):,} characters long; the limit is {MINUTES_MAX:,}. Keep long material "
            "(transcripts, pasted documents) in a separate file and mention it in the minutes.",
        )
    meeting = get_meeting(session, meeting_id)
    minutes = minutes_row(session, meeting, create=True)
    if minutes.finalised_at is not None:
        raise InputError(
            "minutes",
            f"the minutes of {meeting.on} were finalised and can no longer be edited; "
            "add your change as an amendment instead.",
        )
    if text == minutes.text:
        return SaveResult(
            saved=False, conflict=False, revision=minutes.revision, message="Already saved."
        )
    if minutes.revision == base_revision:
        # Compare-and-set, so this also holds where BEGIN IMMEDIATE does not.
        result = session.exec(
            update(Minutes)
            .where(
                col(Minutes.id) == minutes.id,
                col(Minutes.revision) == base_revision,
                col(Minutes.finalised_at).is_(None),
            )
            .values(text=text, revision=base_revision + 1, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        session.refresh(minutes)
        if result.rowcount == 1:
            return SaveResult(
                saved=True, conflict=False, revision=minutes.revision, message="Saved."
            )
    return _keep_conflict(session, minutes, text, base_revision)


def keep_copy(session: Session, meeting_id: int, text: str, based_on_revision: int) -> None:
    """Keep ``text`` beside the minutes without changing them (nothing typed is dropped).

    Used for text that cannot be saved as the minutes: the other side of a
    conflict that the user chose to overwrite, text refused because the
    minutes were finalised meanwhile or are too long, a recovered file.
    """
    meeting = get_meeting(session, meeting_id)
    minutes = minutes_row(session, meeting, create=True)
    if text.strip():
        _keep_conflict(session, minutes, without_lone_surrogates(text), based_on_revision)


def _keep_conflict(session: Session, minutes: Minutes, text: str, base_revision: int) -> SaveResult:
    duplicate = session.exec(
        select(MinutesConflict.id).where(
            MinutesConflict.minutes_id == minutes.id,
            MinutesConflict.based_on_revision == base_revision,
            MinutesConflict.text == text,
        )
    ).first()
    if duplicate is None:
        session.add(
            MinutesConflict(minutes_id=id_of(minutes), text=text, based_on_revision=base_revision)
        )
        session.flush()
    return SaveResult(
        saved=False,
        conflict=True,
        revision=minutes.revision,
        their_text=minutes.text,
        message=(
            f"Someone else saved these minutes while you were editing (you started from revision "
            f"{base_revision}, the current one is {minutes.revision}). Your text was kept as a separate "
            "copy and nothing was overwritten: compare the two, then save the combined text."
        ),
    )


def conflicts(session: Session, meeting_id: int) -> list[MinutesConflict]:
    """Saves that lost a race, oldest first."""
    return list(
        session.exec(
            select(MinutesConflict)
            .join(Minutes, col(Minutes.id) == MinutesConflict.minutes_id)
            .where(Minutes.meeting_id == meeting_id)
            .order_by(col(MinutesConflict.created_at), col(MinutesConflict.id))
        )
    )


# --- finalising and amending ------------------------------------------------


def finalise(session: Session, meeting_id: int, by_member_id: int | None = None) -> Minutes:
    """Make the minutes read-only. Finalising twice keeps the first record.

    ``by_member_id`` defaults to the meeting's scribe (one fact: who took them).
    """
    meeting = get_meeting(session, meeting_id)
    if meeting.status == "cancelled":
        raise InputError(
            "meeting",
            f"the meeting of {meeting.on} was cancelled; there are no minutes to finalise.",
        )
    if by_member_id is None:
        scribe = roles_svc.holder(session, id_of(meeting), roles_svc.SCRIBE)
        if scribe is None:
            raise InputError(
                "scribe", "nobody is the scribe yet; choose who took the minutes first."
            )
        by_member_id = id_of(scribe)
    by = group_member(session, by_member_id, meeting.group_id, "finalised by")
    minutes = minutes_row(session, meeting, create=True)
    if minutes.finalised_at is None:
        minutes.finalised_at = utcnow()
        minutes.finalised_by_id = id_of(by)
        session.add(minutes)
        session.flush()
    return minutes


def amend(session: Session, meeting_id: int, author_id: int | None, text: str) -> MinutesAmendment:
    meeting = get_meeting(session, meeting_id)
    if author_id is None:
        raise InputError("author", "is empty; pick who is making the correction.")
    author = group_member(session, author_id, meeting.group_id, "author")
    body = validate.text("amendment", text)
    if not body:
        raise InputError("amendment", "is empty; type the correction to add to the minutes.")
    minutes = minutes_row(session, meeting, create=False)
    if minutes is None or minutes.finalised_at is None:
        raise InputError(
            "amendment",
            f"the minutes of {meeting.on} are not finalised yet; edit them directly instead.",
        )
    row = MinutesAmendment(minutes_id=id_of(minutes), author_id=id_of(author), text=body)
    session.add(row)
    session.flush()
    return row


# --- moved: the meeting day is in minutes_views, the scribe in scribe -------------

if TYPE_CHECKING:
    from .minutes_views import (  # noqa: F401 - forwarded by __getattr__ below
        AmendmentRow,
        KeptCopy,
        MeetingDay,
        kept_copies,
        open_meeting,
    )
    from .scribe import (  # noqa: F401 - forwarded by __getattr__ below
        Handover,
        handovers,
        scribe_changes,
        take_over_scribe,
    )


def __getattr__(name: str) -> object:
    return _moved.forward(__name__, name, "minutes_views", "scribe")
