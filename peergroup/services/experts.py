"""Step 7: outside expertise. A roster of experts linked to topics, and their
invitations to a meeting (or for input between meetings) through a pipeline:
idea -> invited -> confirmed -> attended, with declined on the side.

A confirmed expert is named on that meeting's agenda and in its calendar
event, so a change in who comes raises the event's SEQUENCE.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from .. import clock
from ..errors import InputError, NotFound
from ..models import (
    INVITATION_STATUSES,
    Expert,
    ExpertInvitation,
    ExpertTopic,
    Group,
    Meeting,
    Topic,
)
from ..steps import StepStatus
from . import validate
from .meetings import day_label, touch_meeting

# Where an invitation may go from each status (corrections one step back included).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "idea": ("invited",),
    "invited": ("confirmed", "declined", "idea"),
    "confirmed": ("attended", "declined", "invited"),
    "declined": ("invited",),
    "attended": ("confirmed",),
}
NEXT = {"idea": "invited", "invited": "confirmed", "confirmed": "attended"}  # t: the next step
SHOWN = ("confirmed", "attended")  # on the agenda and in the calendar event
FOLLOW_UP_DAYS = 14  # invited, unconfirmed this close to the meeting: flagged


def get_expert(session: Session, expert_id: int) -> Expert:
    found = session.get(Expert, expert_id)
    if found is None:
        raise NotFound("That expert is no longer on the roster.")
    return found


def get_invitation(session: Session, invitation_id: int) -> ExpertInvitation:
    found = session.get(ExpertInvitation, invitation_id)
    if found is None:
        raise NotFound("That invitation no longer exists.")
    return found


# --- the roster -----------------------------------------------------------------


@dataclass(frozen=True)
class ExpertInput:
    name: str
    affiliation: str = ""
    expertise: str = ""
    email: str = ""
    notes: str = ""
    topic_ids: tuple[int, ...] = ()


def save_expert(session: Session, group_id: int, expert_id: int | None, data: ExpertInput) -> int:
    """Add (``expert_id`` None) or change an expert and the topics they are linked to."""
    name = validate.required_line("name", data.name)
    values = {
        "name": name,
        "affiliation": validate.optional_line("affiliation", data.affiliation),
        "expertise": validate.optional_line("expertise", data.expertise),
        "email": validate.email("email", data.email),
        "notes": validate.text("notes", data.notes, 5_000),
    }
    topics = set(data.topic_ids)
    known = set(session.exec(select(Topic.id).where(Topic.group_id == group_id)))
    if topics - known:
        raise InputError("topics", "one of the topics is not the group's; choose from the list.")
    if expert_id is None:
        expert = Expert(group_id=group_id, name=name)
        for key, value in values.items():
            setattr(expert, key, value)
    else:
        expert = get_expert(session, expert_id)
        for key, value in values.items():
            setattr(expert, key, value)
    session.add(expert)
    session.flush()
    assert expert.id is not None
    links = {
        x.topic_id: x
        for x in session.exec(select(ExpertTopic).where(ExpertTopic.expert_id == expert.id))
    }
    for tid, link in links.items():
        if tid not in topics:
            session.delete(link)
    for tid in sorted(topics - set(links)):
        session.add(ExpertTopic(expert_id=expert.id, topic_id=tid))
    if expert_id is not None:  # the name shown on agendas and calendars may change
        for inv in _invitations(session, expert.id):
            if inv.status in SHOWN and inv.meeting_id:
                _touch(session, inv.meeting_id)
    session.flush()
    return expert.id


def remove_expert(session: Session, expert_id: int) -> str:
    expert = get_expert(session, expert_id)
    invitations = _invitations(session, expert_id)
    if any(i.status == "attended" for i in invitations):
        raise InputError(
            "expert",
            f"{expert.name} came to a meeting; they stay on the roster for the record.",
        )
    for inv in invitations:
        if inv.status in SHOWN and inv.meeting_id:
            _touch(session, inv.meeting_id)
    session.delete(expert)
    session.flush()
    return f"Removed {expert.name} and {len(invitations)} invitation(s) from the roster."


def _invitations(session: Session, expert_id: int) -> list[ExpertInvitation]:
    return list(
        session.exec(select(ExpertInvitation).where(ExpertInvitation.expert_id == expert_id))
    )


def _touch(session: Session, meeting_id: int) -> None:
    meeting = session.get(Meeting, meeting_id)
    if meeting is not None:
        touch_meeting(meeting)
        session.add(meeting)


# --- invitations ----------------------------------------------------------------


@dataclass(frozen=True)
class InvitationInput:
    expert_id: int | None
    meeting_id: int | None  # None: input between meetings
    topic_id: int | None = None
    status: str = "idea"
    due_on: str | dt.date | None = None
    note: str = ""
    invited_on: str | dt.date | None = None  # group files give their own dates
    answered_on: str | dt.date | None = None


def check_meeting(
    session: Session, group_id: int, meeting_id: int, today: dt.date | None
) -> Meeting:
    """A meeting an expert can be invited to: the group's, not cancelled, not past
    (``today`` None: an import, which never looks at the clock)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.group_id != group_id:
        raise InputError("meeting", "is not one of this group's meetings; choose from the list.")
    if meeting.status == "cancelled":
        raise InputError(
            "meeting",
            f"the meeting of {day_label(meeting.on)} is cancelled; choose another meeting "
            "or restore it on the calendar first.",
        )
    if today is not None and meeting.on < today:
        raise InputError(
            "meeting",
            f"the meeting of {day_label(meeting.on)} is in the past; choose an upcoming one.",
        )
    return meeting


def save_invitation(
    session: Session,
    group_id: int,
    invitation_id: int | None,
    data: InvitationInput,
    today: dt.date | None = None,
    *,
    imported: bool = False,
) -> int:
    """Add or change an invitation. Everything is checked before anything is written."""
    if not imported:
        today = today or clock.today()
    expert = session.get(Expert, data.expert_id) if data.expert_id is not None else None
    if expert is None or expert.group_id != group_id:
        raise InputError("expert", "is not on the group's roster; choose from the list.")
    row = get_invitation(session, invitation_id) if invitation_id is not None else None
    status = validate.choice("status", data.status, INVITATION_STATUSES)
    was = row.status if row is not None else None
    if was is not None and status != was and status not in TRANSITIONS[was]:
        allowed = ", ".join(TRANSITIONS[was]) or "nothing"
        raise InputError("status", f"from {was!r} an invitation can go to: {allowed}.")
    meeting = None
    if data.meeting_id is not None:
        moved = row is None or row.meeting_id != data.meeting_id
        meeting = check_meeting(session, group_id, data.meeting_id, today if moved else None)
    if status == "attended" and meeting is not None and today is not None and meeting.on > today:
        raise InputError("status", f"the meeting of {day_label(meeting.on)} has not happened yet.")
    if data.topic_id is not None:
        topic = session.get(Topic, data.topic_id)
        if topic is None or topic.group_id != group_id:
            raise InputError("topic", "is not one of the group's topics; choose from the list.")
    clash = session.exec(
        select(ExpertInvitation).where(
            ExpertInvitation.expert_id == expert.id,
            ExpertInvitation.meeting_id == data.meeting_id,
        )
    ).first()
    if meeting is not None and clash is not None and clash.id != invitation_id:
        raise InputError(
            "meeting", f"{expert.name} already has an invitation to {day_label(meeting.on)}."
        )
    invited = validate.parse_date("invited_on", data.invited_on)
    answered = validate.parse_date("answered_on", data.answered_on)
    due = validate.parse_date("due_on", data.due_on)
    note = validate.text("note", data.note, 2_000)
    if row is None:
        assert expert.id is not None
        row = ExpertInvitation(expert_id=expert.id)
    shown_before = row.meeting_id if row.status in SHOWN else None
    if status != was and today is not None:  # dates of the step taken now
        if status == "invited" and row.invited_on is None:
            invited = invited or today
        if status in ("confirmed", "declined"):
            answered = answered or today
    row.meeting_id, row.topic_id, row.status = data.meeting_id, data.topic_id, status
    row.invited_on = invited or row.invited_on
    row.answered_on = answered or (row.answered_on if status != "invited" else None)
    row.due_on = due if data.meeting_id is None else None
    row.note = note
    session.add(row)
    shown_after = row.meeting_id if status in SHOWN else None
    if not imported and shown_before != shown_after:
        for mid in {shown_before, shown_after} - {None}:
            _touch(session, mid)  # type: ignore[arg-type]
    session.flush()
    assert row.id is not None
    return row.id


def advance(session: Session, invitation_id: int, today: dt.date | None = None) -> str:
    """t: move an invitation to the next step of the pipeline; says what happened."""
    row = get_invitation(session, invitation_id)
    nxt = NEXT.get(row.status)
    if nxt is None:
        raise InputError(
            "status", f"the invitation is {row.status}; edit it (e) to change its status."
        )
    expert = get_expert(session, row.expert_id)
    save_invitation(
        session,
        expert.group_id,
        row.id,
        InvitationInput(row.expert_id, row.meeting_id, row.topic_id, nxt, row.due_on, row.note),
        today,
    )
    return f"{expert.name}: {nxt}."


def remove_invitation(session: Session, invitation_id: int) -> str:
    row = get_invitation(session, invitation_id)
    if row.status in SHOWN and row.meeting_id:
        _touch(session, row.meeting_id)
    session.delete(row)
    session.flush()
    return "Invitation removed."


def guests(session: Session, group_id: int) -> dict[int, list[str]]:
    """meeting id -> "Name (affiliation)" of each confirmed (or attended) expert."""
    rows = session.exec(
        select(ExpertInvitation.meeting_id, Expert.name, Expert.affiliation)
        .join(Expert, col(Expert.id) == ExpertInvitation.expert_id)
        .where(
            Expert.group_id == group_id,
            col(ExpertInvitation.status).in_(SHOWN),
            col(ExpertInvitation.meeting_id).is_not(None),
        )
        .order_by(col(Expert.name), col(Expert.id))
    )
    out: dict[int, list[str]] = {}
    for mid, name, affiliation in rows:
        if mid is not None:
            out.setdefault(mid, []).append(f"{name} ({affiliation})" if affiliation else name)
    return out


def meeting_guests(session: Session, meeting: Meeting) -> list[str]:
    assert meeting.id is not None
    return guests(session, meeting.group_id).get(meeting.id, [])


# --- what needs an expert ---------------------------------------------------------


@dataclass(frozen=True)
class Flagged:
    topic_id: int
    title: str
    mean: float


def linked_topic_ids(session: Session, group_id: int) -> set[int]:
    """Topics with an expert: linked on the roster, or named in a live invitation."""
    linked = set(
        session.exec(
            select(ExpertTopic.topic_id)
            .join(Expert, col(Expert.id) == ExpertTopic.expert_id)
            .where(Expert.group_id == group_id)
        )
    )
    asked = session.exec(
        select(ExpertInvitation.topic_id)
        .join(Expert, col(Expert.id) == ExpertInvitation.expert_id)
        .where(Expert.group_id == group_id, ExpertInvitation.status != "declined")
    )
    return linked | {t for t in asked if t is not None}


def flagged_topics(session: Session, group_id: int, today: dt.date) -> list[Flagged]:
    """Topics of high interest the group wants outside input on, with no expert yet."""
    from . import needs, ranking

    latest = needs.planning_round(session, group_id, today)
    if latest is None or latest.id is None:
        return []
    wanted = {
        t.id: t.title
        for t in session.exec(
            select(Topic).where(
                Topic.group_id == group_id,
                col(Topic.needs_expert).is_(True),
                col(Topic.retired_on).is_(None),
            )
        )
    }
    if not wanted:
        return []
    linked = linked_topic_ids(session, group_id)
    return [
        Flagged(r.topic_id, wanted[r.topic_id], r.mean)
        for r in ranking.ranking(session, latest.id)
        if r.topic_id in wanted
        and r.topic_id not in linked
        and r.mean is not None
        and r.mean >= ranking.HIGH_INTEREST
    ]


def unconfirmed_soon(session: Session, group_id: int, today: dt.date) -> list[tuple[str, Meeting]]:
    """(expert name, meeting) of invitations still unanswered within two weeks of the meeting."""
    rows = session.exec(
        select(Expert.name, Meeting)
        .join(ExpertInvitation, col(ExpertInvitation.expert_id) == Expert.id)
        .join(Meeting, col(Meeting.id) == ExpertInvitation.meeting_id)
        .where(
            Expert.group_id == group_id,
            ExpertInvitation.status == "invited",
            Meeting.status == "scheduled",
            Meeting.on >= today,
            Meeting.on <= today + dt.timedelta(days=FOLLOW_UP_DAYS),
        )
        .order_by(col(Meeting.on), col(Expert.name))
    )
    return [(name, m) for name, m in rows]


def step_status(session: Session, group: Group, today: dt.date) -> StepStatus:
    step = StepStatus.for_step("experts")
    assert group.id is not None
    experts = session.exec(select(Expert.id).where(Expert.group_id == group.id)).first()
    late = unconfirmed_soon(session, group.id, today)
    if late:
        name, meeting = late[0]
        step.flag(
            f"{name} has not confirmed for the meeting of {day_label(meeting.on)}: "
            "follow up, or ask someone else (f)."
        )
        return step
    for f in flagged_topics(session, group.id, today)[:2]:
        step.missing.append(
            f"{f.title} (interest {f.mean:.1f}) needs outside input and has no expert: "
            "add one to the roster (a)."
        )
    if experts is None and not step.missing:
        step.state = "optional"
        step.next_action = "When a topic needs outside input, add an expert to invite."
        return step
    return step.finish(experts is not None)
