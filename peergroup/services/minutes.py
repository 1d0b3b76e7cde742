"""Step 10: the meeting day. Attendance, minutes, decisions, action items.

The scribe opens the meeting and sees its agenda: topic, discussion lead,
reflection prompt, and every action item still open from earlier meetings.
Those are computed each time, never copied, so an item stays on every agenda
until someone closes it and disappears from the next one after that.

Minutes are saved continuously by a possibly-stale copy of the app, so a
save names the revision it edited. If that is no longer the current one the
incoming text is kept as a ``MinutesConflict`` beside the current text:
nothing anyone typed is thrown away. Finalised minutes are read-only; later
corrections are amendments, recorded with who made them and when.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, update
from sqlmodel import Session, select

from .. import clock
from ..errors import InputError, NotFound
from ..models import (
    ActionItem,
    Attendance,
    Decision,
    Group,
    Meeting,
    Member,
    Minutes,
    MinutesAmendment,
    MinutesConflict,
    ScribeChange,
    Topic,
    utcnow,
)
from ..text import without_lone_surrogates
from . import roles as roles_svc
from . import validate

MINUTES_MAX = 1_000_000
ATTENDANCE = ("present", "apologies", "absent")
CLOSED = ("done", "dropped")


@dataclass(frozen=True)
class ActionRow:
    id: int
    text: str
    owner_id: int | None
    owner_name: str  # "" when the owner's row is gone
    due: dt.date | None
    status: str  # open | done | dropped
    raised_meeting_id: int
    raised_on: dt.date
    closed_meeting_id: int | None
    closed_at: dt.datetime | None
    overdue: bool  # open and due before ``today``


@dataclass(frozen=True)
class AttendanceRow:
    member_id: int
    name: str
    status: str | None  # None: not recorded yet


@dataclass(frozen=True)
class DecisionRow:
    id: int
    text: str
    created_at: dt.datetime


@dataclass(frozen=True)
class AmendmentRow:
    id: int
    author_name: str
    text: str
    created_at: dt.datetime


@dataclass(frozen=True)
class MeetingDay:
    meeting_id: int
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
    scribe_name: str
    finalised_at: dt.datetime | None
    finalised_by: str
    carried_forward: list[ActionRow]  # open items raised at earlier meetings
    closed_here: list[ActionRow]  # earlier items closed at this meeting
    attendance: list[AttendanceRow]
    decisions: list[DecisionRow]
    action_items: list[ActionRow]  # raised at this meeting
    amendments: list[AmendmentRow]
    kept_conflicts: int  # saves that lost a race, kept for comparison

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


@dataclass(frozen=True)
class RunningRow:
    meeting_id: int
    on: dt.date
    status: str  # scheduled | cancelled
    topic_title: str
    scribe_name: str
    has_minutes: bool
    finalised: bool


# --- lookups ----------------------------------------------------------------


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(f"No meeting with id {meeting_id}.")
    return meeting


def _group_member(session: Session, member_id: int | None, group_id: int, field: str) -> Member:
    member = session.get(Member, member_id) if member_id is not None else None
    if member is None or member.group_id != group_id:
        raise InputError(
            field, "that person is not a member of this group; choose one from the member list."
        )
    return member


def _name(session: Session, member_id: int | None) -> str:
    member = session.get(Member, member_id) if member_id is not None else None
    return member.name if member else ""


def _minutes(session: Session, meeting: Meeting, *, create: bool) -> Minutes | None:
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


def _refuse_if_finalised(session: Session, meeting: Meeting, what: str) -> None:
    minutes = _minutes(session, meeting, create=False)
    if minutes is not None and minutes.finalised_at is not None:
        raise InputError(
            what,
            f"the minutes of {meeting.on} are finalised and read-only; record the change as an amendment.",
        )


def topic_title(session: Session, meeting: Meeting) -> str:
    topic = session.get(Topic, meeting.topic_id) if meeting.topic_id else None
    return topic.title if topic else meeting.title


def _prompt_text(key: str) -> str:
    if not key:
        return ""
    from .. import content

    return next((p.get("text", "") for p in content.prompts() if p.get("key") == key), "")


# --- opening the meeting ----------------------------------------------------


def open_meeting(session: Session, meeting: Meeting, today: dt.date | None = None) -> MeetingDay:
    """Everything the scribe needs on the day; creates the minutes if missing."""
    if meeting.status == "cancelled":
        raise InputError(
            "meeting",
            f"the meeting of {meeting.on} is cancelled; restore it before taking minutes.",
        )
    today = today or clock.today()
    minutes = _minutes(session, meeting, create=True)
    lead = roles_svc.holder(session, meeting.id, roles_svc.LEAD)
    scribe = roles_svc.holder(session, meeting.id, roles_svc.SCRIBE)
    earlier = _action_rows(
        session, [ActionItem.group_id == meeting.group_id, _earlier_than(meeting)], today
    )
    here = _action_rows(session, [ActionItem.meeting_id == meeting.id], today)
    amendments = session.exec(
        select(MinutesAmendment, Member.name)
        .outerjoin(Member, Member.id == MinutesAmendment.author_id)
        .where(MinutesAmendment.minutes_id == minutes.id)
        .order_by(MinutesAmendment.created_at, MinutesAmendment.id)
    ).all()
    conflicts = session.exec(
        select(func.count())
        .select_from(MinutesConflict)
        .where(MinutesConflict.minutes_id == minutes.id)
    ).one()
    return MeetingDay(
        meeting_id=meeting.id,
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
        finalised_at=minutes.finalised_at,
        finalised_by=_name(session, minutes.finalised_by_id),
        carried_forward=[r for r in earlier if r.status == "open"],
        closed_here=[
            r for r in earlier if r.status != "open" and r.closed_meeting_id == meeting.id
        ],
        attendance=attendance(session, meeting),
        decisions=[DecisionRow(d.id, d.text, d.created_at) for d in decisions(session, meeting)],
        action_items=here,
        amendments=[AmendmentRow(a.id, name or "", a.text, a.created_at) for a, name in amendments],
        kept_conflicts=conflicts,
    )


# --- attendance -------------------------------------------------------------


def attendance(session: Session, meeting: Meeting) -> list[AttendanceRow]:
    """Everyone who belongs to the group on the day, plus anyone recorded."""
    recorded = {
        a.member_id: a.status
        for a in session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id))
    }
    members = session.exec(select(Member).where(Member.group_id == meeting.group_id)).all()
    rows = [
        AttendanceRow(m.id, m.name, recorded.get(m.id))
        for m in members
        if m.id in recorded or roles_svc.is_member_on(m, meeting.on)
    ]
    return sorted(rows, key=lambda r: (r.name.casefold(), r.member_id))


def set_attendance(session: Session, meeting: Meeting, member: Member, status: str) -> Attendance:
    status = validate.choice("attendance", status, ATTENDANCE)
    _group_member(session, member.id, meeting.group_id, "member")
    _refuse_if_finalised(session, meeting, "attendance")
    row = session.exec(
        select(Attendance).where(
            Attendance.meeting_id == meeting.id, Attendance.member_id == member.id
        )
    ).first() or Attendance(meeting_id=meeting.id, member_id=member.id)
    row.status = status
    session.add(row)
    session.flush()
    return row


# --- minutes ----------------------------------------------------------------


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
    minutes = _minutes(session, meeting, create=True)
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
    conflict that the user chose to overwrite, or text refused because the
    minutes were finalised meanwhile or are too long.
    """
    meeting = get_meeting(session, meeting_id)
    minutes = _minutes(session, meeting, create=True)
    if text.strip():
        _keep_conflict(session, minutes, text, based_on_revision)


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


def finalise(session: Session, meeting_id: int, by_member_id: int) -> Minutes:
    """Make the minutes read-only. Finalising twice keeps the first record."""
    meeting = get_meeting(session, meeting_id)
    if meeting.status == "cancelled":
        raise InputError(
            "meeting",
            f"the meeting of {meeting.on} was cancelled; there are no minutes to finalise.",
        )
    by = _group_member(session, by_member_id, meeting.group_id, "finalised by")
    minutes = _minutes(session, meeting, create=True)
    if minutes.finalised_at is None:
        minutes.finalised_at = utcnow()
        minutes.finalised_by_id = by.id
        session.add(minutes)
        session.flush()
    return minutes


def amend(session: Session, meeting_id: int, author_id: int, text: str) -> MinutesAmendment:
    meeting = get_meeting(session, meeting_id)
    author = _group_member(session, author_id, meeting.group_id, "author")
    body = validate.text("amendment", text)
    if not body:
        raise InputError("amendment", "is empty; type the correction to add to the minutes.")
    minutes = _minutes(session, meeting, create=False)
    if minutes is None or minutes.finalised_at is None:
        raise InputError(
            "amendment",
            f"the minutes of {meeting.on} are not finalised yet; edit them directly instead.",
        )
    row = MinutesAmendment(minutes_id=minutes.id, author_id=author.id, text=body)
    session.add(row)
    session.flush()
    return row


def take_over_scribe(
    session: Session, meeting_id: int, member_id: int, *, touch: bool = True
) -> ScribeChange | None:
    """``member_id`` becomes the scribe from now on. None if they already were.

    ``touch=False``: a record being imported, not a change (SEQUENCE stays)."""
    meeting = get_meeting(session, meeting_id)
    member = _group_member(session, member_id, meeting.group_id, "scribe")
    minutes = _minutes(session, meeting, create=True)
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


# --- decisions --------------------------------------------------------------


def decisions(session: Session, meeting: Meeting) -> list[Decision]:
    return list(
        session.exec(
            select(Decision).where(Decision.meeting_id == meeting.id).order_by(Decision.id)
        )
    )


def add_decision(session: Session, meeting: Meeting, text: str) -> Decision:
    body = validate.text("decision", text, 5_000)
    if not body:
        raise InputError("decision", "is empty; type what the group decided.")
    _refuse_if_finalised(session, meeting, "decision")
    row = Decision(meeting_id=meeting.id, text=body)
    session.add(row)
    session.flush()
    return row


# --- action items -----------------------------------------------------------


def _earlier_than(meeting: Meeting) -> ColumnElement[bool]:
    """Items raised at meetings before ``meeting`` (same day: created before it)."""
    return or_(Meeting.on < meeting.on, and_(Meeting.on == meeting.on, Meeting.id < meeting.id))


def _action_rows(
    session: Session, where: list[ColumnElement[bool]], today: dt.date
) -> list[ActionRow]:
    stmt = (
        select(ActionItem, Member.name, Meeting.on)
        .join(Meeting, Meeting.id == ActionItem.meeting_id)
        .outerjoin(Member, Member.id == ActionItem.owner_id)
        .where(*where)
    )
    rows = [
        ActionRow(
            id=a.id,
            text=a.text,
            owner_id=a.owner_id,
            owner_name=name or "",
            due=a.due,
            status=a.status,
            raised_meeting_id=a.meeting_id,
            raised_on=on,
            closed_meeting_id=a.closed_meeting_id,
            closed_at=a.closed_at,
            overdue=a.status == "open" and a.due is not None and a.due < today,
        )
        for a, name, on in session.exec(stmt)
    ]
    return sorted(rows, key=lambda r: (r.due is None, r.due or r.raised_on, r.raised_on, r.id))


def add_action_item(
    session: Session,
    meeting: Meeting,
    text: str,
    owner_id: int | None,
    due: str | dt.date | None = None,
) -> ActionItem:
    body = validate.text("action item", text, 2_000)
    if not body:
        raise InputError("action item", "is empty; type what needs doing.")
    if owner_id is None:
        raise InputError("owner", "is empty; every action item needs someone who will do it.")
    owner = _group_member(session, owner_id, meeting.group_id, "owner")
    if not roles_svc.is_member_on(owner, meeting.on):
        raise InputError(
            "owner",
            f"{owner.name} is not a member of the group on {meeting.on}; choose a current member.",
        )
    due_on = validate.parse_date("due", due)
    if due_on is not None and due_on < meeting.on:
        raise InputError(
            "due",
            f"{due_on} is before the meeting ({meeting.on}); give a later date or leave it empty.",
        )
    _refuse_if_finalised(session, meeting, "action item")
    item = ActionItem(
        group_id=meeting.group_id, meeting_id=meeting.id, owner_id=owner.id, text=body, due=due_on
    )
    session.add(item)
    session.flush()
    return item


def close_action_item(
    session: Session, item: ActionItem, status: str = "done", at_meeting: Meeting | None = None
) -> ActionItem:
    status = validate.choice("status", status, CLOSED)
    if at_meeting is not None:
        raised = get_meeting(session, item.meeting_id)
        if at_meeting.group_id != item.group_id:
            raise InputError("meeting", "that meeting belongs to another group.")
        if (at_meeting.on, at_meeting.id) < (raised.on, raised.id):
            raise InputError(
                "meeting",
                f"the item was raised on {raised.on}; it cannot be closed at an earlier meeting.",
            )
    item.status = status
    item.closed_at = utcnow()
    item.closed_meeting_id = at_meeting.id if at_meeting else None
    session.add(item)
    session.flush()
    return item


def reopen(session: Session, item: ActionItem) -> ActionItem:
    item.status = "open"
    item.closed_at = None
    item.closed_meeting_id = None
    session.add(item)
    session.flush()
    return item


def open_action_items(
    session: Session,
    group: Group,
    before_meeting: Meeting | None = None,
    today: dt.date | None = None,
) -> list[ActionRow]:
    """Open items of ``group``; with ``before_meeting``, only those raised earlier (its agenda)."""
    where = [ActionItem.group_id == group.id, ActionItem.status == "open"]
    if before_meeting is not None:
        where.append(_earlier_than(before_meeting))
    return _action_rows(session, where, today or clock.today())


def member_action_items(
    session: Session, member: Member, include_closed: bool = False, today: dt.date | None = None
) -> list[ActionRow]:
    """ "My action items": open ones by due date, then (optionally) closed ones."""
    where = [ActionItem.owner_id == member.id]
    if not include_closed:
        where.append(ActionItem.status == "open")
    rows = _action_rows(session, where, today or clock.today())
    return sorted(rows, key=lambda r: r.status != "open")


# --- the running list -------------------------------------------------------


def running_list(session: Session, group: Group) -> list[RunningRow]:
    """Every meeting of the group with its topic and the state of its minutes."""
    held = roles_svc.holders_by_meeting(session, group)
    stmt = (
        select(Meeting, Topic.title, Minutes)
        .outerjoin(Topic, Topic.id == Meeting.topic_id)
        .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
        .where(Meeting.group_id == group.id)
        .order_by(Meeting.on, Meeting.start_time, Meeting.id)
    )
    rows = []
    for m, title, minutes in session.exec(stmt):
        scribe = roles_svc.held_by_key(held.get(m.id, {}), roles_svc.SCRIBE)
        rows.append(
            RunningRow(
                meeting_id=m.id,
                on=m.on,
                status=m.status,
                topic_title=title or m.title,
                scribe_name=scribe.member_name if scribe else "",
                has_minutes=bool(minutes and minutes.text.strip()),
                finalised=bool(minutes and minutes.finalised_at),
            )
        )
    return rows
