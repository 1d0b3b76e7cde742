"""Step 10: a meeting's minutes. The text and its revisions, finalising,
amendments, the scribe, and ``open_meeting``: the one view of the meeting day.

Minutes are saved continuously by a possibly-stale copy of the app, so a
save names the revision it edited. If that is no longer the current one the
incoming text is kept as a ``MinutesConflict`` beside the current text:
nothing anyone typed is thrown away. Finalised minutes are read-only; later
corrections are amendments, recorded with who made them and when.

The scribe of a meeting is its "scribe" role assignment (services.roles): a
takeover changes that assignment and records the handover, so the meeting
screen, the minutes export, the running list, the calendar and the .ics all
name the same person.

Attendance, decisions and action items have their own modules; they use the
lookups defined here (``get_meeting``, ``group_member``, ``refuse_if_finalised``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlmodel import Session, select

from .. import clock
from ..errors import InputError, NotFound
from ..models import (
    Attendance,
    Group,
    Meeting,
    Member,
    Minutes,
    MinutesAmendment,
    MinutesConflict,
    ScribeChange,
    utcnow,
)
from ..text import without_lone_surrogates
from . import roles as roles_svc
from . import validate

MINUTES_MAX = 1_000_000


@dataclass(frozen=True)
class AmendmentRow:
    id: int
    author_name: str
    text: str
    created_at: dt.datetime


@dataclass(frozen=True)
class Handover:
    """One scribe takeover: ``to_name`` took over from ``from_name`` (may be "")."""

    from_name: str
    to_name: str
    changed_at: dt.datetime  # UTC
    local_time: dt.datetime  # the same instant in the group's time zone

    def sentence(self) -> str:
        """ "Ben Osei took over from Ada Lin at 10:15" """
        source = f" from {self.from_name}" if self.from_name else ""
        return f"{self.to_name} took over{source} at {self.local_time:%H:%M}"


@dataclass(frozen=True)
class KeptCopy:
    """A text that could not become the minutes (a lost race, a refused save)."""

    id: int
    text: str
    based_on_revision: int
    created_at: dt.datetime


@dataclass(frozen=True)
class MeetingDay:
    meeting_id: int
    group_id: int
    on: dt.date
    start_time: dt.time
    topic_title: str  # the curriculum topic, or the meeting's own title for ad hoc agendas
    discussion_lead: str
    prompt_text: str
    agenda_note: str
    minutes_id: int
    text: str
    revision: int  # pass back to save_minutes as base_revision
    scribe_id: int | None
    scribe_name: str  # the meeting's scribe assignment: after a takeover, who took over
    handovers: list[Handover]  # takeovers during the meeting, oldest first
    finalised_at: dt.datetime | None
    finalised_by: str
    carried_forward: list  # actions.ActionRow: open items raised at earlier meetings
    closed_here: list  # actions.ActionRow: earlier items closed at this meeting
    attendance: list  # attendance.AttendanceRow
    decisions: list  # decisions.DecisionRow
    action_items: list  # actions.ActionRow raised at this meeting
    amendments: list[AmendmentRow]
    kept_conflicts: int  # saves that lost a race, kept for comparison
    guests: tuple[str, ...] = ()  # outside experts who confirmed (services.experts)

    @property
    def finalised(self) -> bool:
        return self.finalised_at is not None


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


def minutes_row(session: Session, meeting: Meeting, *, create: bool) -> Minutes | None:
    # populate_existing: sessions live with expire_on_commit=False, so an
    # object cached by an earlier transaction may hold another copy's old text.
    stmt = (
        select(Minutes)
        .where(Minutes.meeting_id == meeting.id)
        .execution_options(populate_existing=True)
    )
    row = session.exec(stmt).first()
    if row is None and create:
        row = Minutes(meeting_id=meeting.id)
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


def _prompt_text(key: str) -> str:
    if not key:
        return ""
    from .. import content

    return next((p.get("text", "") for p in content.prompts() if p.get("key") == key), "")


# --- opening the meeting ----------------------------------------------------


def open_meeting(
    session: Session, meeting: Meeting | int, today: dt.date | None = None
) -> MeetingDay:
    """Everything the scribe needs on the day; creates the minutes if missing."""
    # The parts have their own modules, which use the lookups above.
    from . import actions, attendance, decisions

    meeting = as_meeting(session, meeting)
    if meeting.status == "cancelled":
        raise InputError(
            "meeting",
            f"the meeting of {meeting.on} is cancelled; restore it before taking minutes.",
        )
    today = today or clock.today()
    minutes = minutes_row(session, meeting, create=True)
    lead = roles_svc.holder(session, meeting.id, roles_svc.LEAD)
    scribe = roles_svc.holder(session, meeting.id, roles_svc.SCRIBE)
    earlier = actions.earlier_items(session, meeting, today)
    amendments = session.exec(
        select(MinutesAmendment, Member.name)
        .outerjoin(Member, Member.id == MinutesAmendment.author_id)
        .where(MinutesAmendment.minutes_id == minutes.id)
        .order_by(MinutesAmendment.created_at, MinutesAmendment.id)
    ).all()
    kept = session.exec(
        select(func.count())
        .select_from(MinutesConflict)
        .where(MinutesConflict.minutes_id == minutes.id)
    ).one()
    return MeetingDay(
        meeting_id=meeting.id,
        group_id=meeting.group_id,
        on=meeting.on,
        start_time=meeting.start_time,
        topic_title=topic_title(session, meeting),
        discussion_lead=lead.name if lead else "",
        prompt_text=_prompt_text(meeting.prompt_key),
        agenda_note=meeting.agenda_note,
        minutes_id=minutes.id,
        text=minutes.text,
        revision=minutes.revision,
        scribe_id=scribe.id if scribe else None,
        scribe_name=scribe.name if scribe else "",
        handovers=handovers(session, meeting.id),
        finalised_at=minutes.finalised_at,
        finalised_by=member_name(session, minutes.finalised_by_id),
        carried_forward=[r for r in earlier if r.status == "open"],
        closed_here=[
            r for r in earlier if r.status != "open" and r.closed_meeting_id == meeting.id
        ],
        attendance=attendance.attendance(session, meeting),
        decisions=decisions.decision_rows(session, meeting),
        action_items=actions.raised_at(session, meeting, today),
        amendments=[AmendmentRow(a.id, name or "", a.text, a.created_at) for a, name in amendments],
        kept_conflicts=kept,
        guests=tuple(_guests(session, meeting)),
    )


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
        result = session.execute(
            update(Minutes)
            .where(
                Minutes.id == minutes.id,
                Minutes.revision == base_revision,
                Minutes.finalised_at.is_(None),
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
            MinutesConflict(minutes_id=minutes.id, text=text, based_on_revision=base_revision)
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
            .join(Minutes, Minutes.id == MinutesConflict.minutes_id)
            .where(Minutes.meeting_id == meeting_id)
            .order_by(MinutesConflict.created_at, MinutesConflict.id)
        )
    )


def kept_copies(session: Session, meeting_id: int) -> list[KeptCopy]:
    """The kept copies as view rows, newest first (what the reader wants first)."""
    return [
        KeptCopy(c.id, c.text, c.based_on_revision, c.created_at)
        for c in reversed(conflicts(session, meeting_id))
    ]


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
        scribe = roles_svc.holder(session, meeting.id, roles_svc.SCRIBE)
        if scribe is None:
            raise InputError(
                "scribe", "nobody is the scribe yet; choose who took the minutes first."
            )
        by_member_id = scribe.id
    by = group_member(session, by_member_id, meeting.group_id, "finalised by")
    minutes = minutes_row(session, meeting, create=True)
    if minutes.finalised_at is None:
        minutes.finalised_at = utcnow()
        minutes.finalised_by_id = by.id
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
    row = MinutesAmendment(minutes_id=minutes.id, author_id=author.id, text=body)
    session.add(row)
    session.flush()
    return row


# --- the scribe -------------------------------------------------------------


def take_over_scribe(
    session: Session, meeting_id: int, member_id: int | None, *, touch: bool = True
) -> ScribeChange | None:
    """``member_id`` becomes the scribe from now on. None if they already were.

    The handover is recorded ("Ben took over from Ada at 10:15").
    ``touch=False``: a record being imported (a group file's scribe of a past
    meeting), not a change: the calendar SEQUENCE stays and no handover is
    recorded, since nobody took over from anyone.
    """
    meeting = get_meeting(session, meeting_id)
    if member_id is None:
        raise InputError("scribe", "is empty; pick who takes over the minutes.")
    member = group_member(session, member_id, meeting.group_id, "scribe")
    minutes = minutes_row(session, meeting, create=True)
    if minutes.finalised_at is not None:
        raise InputError(
            "scribe", f"the minutes of {meeting.on} are finalised; the scribe can no longer change."
        )
    recorded = {
        a.member_id: a.status
        for a in session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id))
    }
    if recorded and recorded.get(member.id) != "present":
        raise InputError("scribe", f"{member.name} is not marked present; mark them present first.")
    if not recorded and (
        member.status != "active" or not roles_svc.is_member_on(member, meeting.on)
    ):
        raise InputError(
            "scribe", f"{member.name} is not an active member of the group on {meeting.on}."
        )
    role = roles_svc.role_by_key(session, meeting.group_id, roles_svc.SCRIBE)
    if role is None:
        raise InputError("scribe", "this group has no scribe role; add one on the roles screen.")
    current = roles_svc.holder(session, meeting.id, roles_svc.SCRIBE)
    if current is not None and current.id == member.id:
        return None
    # The scribe assignment is the one record of who took the minutes: every
    # view (calendar, .ics, minutes export, running list) reads it.
    roles_svc.assign(session, meeting, role, member, touch=touch)
    if not touch:
        return None
    change = ScribeChange(
        meeting_id=meeting.id,
        from_member_id=current.id if current else None,
        to_member_id=member.id,
    )
    session.add(change)
    session.flush()
    return change


def scribe_changes(session: Session, meeting_id: int) -> list[ScribeChange]:
    return list(
        session.exec(
            select(ScribeChange)
            .where(ScribeChange.meeting_id == meeting_id)
            .order_by(ScribeChange.changed_at, ScribeChange.id)
        )
    )


def handovers(session: Session, meeting_id: int) -> list[Handover]:
    """The meeting's scribe takeovers as sentences' parts, oldest first."""
    meeting = get_meeting(session, meeting_id)
    group = session.get(Group, meeting.group_id)
    try:
        zone = ZoneInfo(group.timezone) if group and group.timezone else dt.UTC
    except (ValueError, KeyError):  # an unknown zone name in an old file: say UTC
        zone = dt.UTC
    out = []
    for change in scribe_changes(session, meeting_id):
        at = change.changed_at
        at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
        out.append(
            Handover(
                from_name=member_name(session, change.from_member_id),
                to_name=member_name(session, change.to_member_id),
                changed_at=at.astimezone(dt.UTC),
                local_time=at.astimezone(zone),
            )
        )
    return out
