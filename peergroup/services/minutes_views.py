"""The meeting day as the meeting screen shows it, and the kept copies.

``open_meeting`` gathers everything the scribe needs on the day into one
``MeetingDay`` (creating the minutes if missing): the agenda, who holds the
roles, the text and its revision, attendance, decisions and action items.
The rules these read are in ``minutes``, ``scribe``, ``actions``,
``attendance`` and ``decisions``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from .. import clock
from ..errors import InputError
from ..models import Meeting, Member, Minutes, MinutesAmendment, MinutesConflict
from . import actions, attendance, decisions
from . import roles as roles_svc
from ._ids import id_of
from .actions import ActionRow
from .attendance import AttendanceRow
from .decisions import DecisionRow
from .minutes import as_meeting, conflicts, member_name, minutes_row, topic_title
from .scribe import Handover, handovers

__all__ = ["AmendmentRow", "KeptCopy", "MeetingDay", "kept_copies", "open_meeting"]


@dataclass(frozen=True)
class AmendmentRow:
    id: int
    author_name: str
    text: str
    created_at: dt.datetime


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
    minutes_id: int | None  # None until the first save
    text: str
    revision: int  # pass back to save_minutes as base_revision
    scribe_id: int | None
    scribe_name: str  # the meeting's scribe assignment: after a takeover, who took over
    handovers: list[Handover]  # takeovers during the meeting, oldest first
    finalised_at: dt.datetime | None
    finalised_by: str
    carried_forward: list[ActionRow]  # open items raised at earlier meetings
    closed_here: list[ActionRow]  # earlier items closed at this meeting
    attendance: list[AttendanceRow]
    decisions: list[DecisionRow]
    action_items: list[ActionRow]  # raised at this meeting
    amendments: list[AmendmentRow]
    kept_conflicts: int  # saves that lost a race, kept for comparison
    guests: tuple[str, ...] = ()  # outside experts who confirmed (services.experts)

    @property
    def finalised(self) -> bool:
        return self.finalised_at is not None


def _guests(session: Session, meeting: Meeting) -> list[str]:
    from .experts import meeting_guests

    return meeting_guests(session, meeting)


def _prompt_text(session: Session, meeting: Meeting) -> str:
    from .reflections import prompt_text  # the library and the group's own prompts

    return prompt_text(session, meeting.group_id, meeting.prompt_key)


def open_meeting(
    session: Session, meeting: Meeting | int, today: dt.date | None = None
) -> MeetingDay:
    """Everything the scribe needs on the day (read only: the first save writes the minutes)."""
    meeting = as_meeting(session, meeting)
    if meeting.status == "cancelled":
        raise InputError(
            "meeting",
            f"the meeting of {meeting.on} is cancelled; restore it before taking minutes.",
        )
    today = today or clock.today()
    meeting_id = id_of(meeting)
    # Opening only reads (a busy or read-only database still opens the day);
    # the first save creates the row.
    minutes = minutes_row(session, meeting, create=False) or Minutes(meeting_id=meeting_id)
    minutes_id = minutes.id
    lead = roles_svc.holder(session, meeting_id, roles_svc.LEAD)
    scribe = roles_svc.holder(session, meeting_id, roles_svc.SCRIBE)
    earlier = actions.earlier_items(session, meeting, today)
    amendments = session.exec(
        select(MinutesAmendment, col(Member.name))
        .outerjoin(Member, col(Member.id) == MinutesAmendment.author_id)
        .where(MinutesAmendment.minutes_id == minutes_id)
        .order_by(col(MinutesAmendment.created_at), col(MinutesAmendment.id))
    ).all()
    kept = session.exec(
        select(func.count())
        .select_from(MinutesConflict)
        .where(MinutesConflict.minutes_id == minutes_id)
    ).one()
    return MeetingDay(
        meeting_id=meeting_id,
        group_id=meeting.group_id,
        on=meeting.on,
        start_time=meeting.start_time,
        topic_title=topic_title(session, meeting),
        discussion_lead=lead.name if lead else "",
        prompt_text=_prompt_text(session, meeting),
        agenda_note=meeting.agenda_note,
        minutes_id=minutes_id,
        text=minutes.text,
        revision=minutes.revision,
        scribe_id=scribe.id if scribe else None,
        scribe_name=scribe.name if scribe else "",
        handovers=handovers(session, meeting_id),
        finalised_at=minutes.finalised_at,
        finalised_by=member_name(session, minutes.finalised_by_id),
        carried_forward=[r for r in earlier if r.status == "open"],
        closed_here=[
            r for r in earlier if r.status != "open" and r.closed_meeting_id == meeting_id
        ],
        attendance=attendance.attendance(session, meeting),
        decisions=decisions.decision_rows(session, meeting),
        action_items=actions.raised_at(session, meeting, today),
        amendments=[
            AmendmentRow(id_of(a), name or "", a.text, a.created_at) for a, name in amendments
        ],
        kept_conflicts=kept,
        guests=tuple(_guests(session, meeting)),
    )


def kept_copies(session: Session, meeting_id: int) -> list[KeptCopy]:
    """The kept copies as view rows, newest first (what the reader wants first)."""
    return [
        KeptCopy(id_of(c), c.text, c.based_on_revision, c.created_at)
        for c in reversed(conflicts(session, meeting_id))
    ]
