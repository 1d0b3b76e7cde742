"""What the outside-experts screen and its dialogs show (step 7), as plain values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from .. import clock
from ..models import INVITATION_STATUSES, Expert, ExpertInvitation, ExpertTopic, Meeting, Topic
from .experts import (
    FOLLOW_UP_DAYS,
    NEXT,
    TRANSITIONS,
    flagged_topics,
    get_expert,
    get_invitation,
)
from .groups import get_group
from .meetings import day_label
from .topics import topic_lines


@dataclass(frozen=True)
class ExpertRow:
    expert_id: int
    name: str
    affiliation: str
    expertise: str
    email: str
    notes: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class InvitationRow:
    invitation_id: int
    expert_id: int
    expert: str
    when: str  # "Tue 9 Feb 2027" or "between meetings (by 15 Dec 2026)"
    on: dt.date | None
    topic: str
    status: str
    invited_on: dt.date | None
    answered_on: dt.date | None
    note: str
    follow_up: bool  # invited, unanswered, and the meeting is within two weeks
    next_status: str  # what t moves it to ("" at the end of the pipeline)


@dataclass(frozen=True)
class ExpertsView:
    group_name: str
    experts: tuple[ExpertRow, ...]
    invitations: tuple[InvitationRow, ...]  # upcoming first by date, then the rest
    flagged: tuple[str, ...]  # topics of high interest that need outside input, no expert


def experts_view(session: Session, group_id: int, today: dt.date | None = None) -> ExpertsView:
    today = today or clock.today()
    group = get_group(session, group_id)
    titles = dict(
        session.exec(
            select(col(Topic.id), col(Topic.title)).where(Topic.group_id == group_id)
        ).all()
    )
    experts = list(
        session.exec(select(Expert).where(Expert.group_id == group_id).order_by(col(Expert.name)))
    )
    links: dict[int, list[str]] = {}
    for expert_id, topic_id in session.exec(
        select(ExpertTopic.expert_id, ExpertTopic.topic_id)
        .join(Expert, col(Expert.id) == ExpertTopic.expert_id)
        .where(Expert.group_id == group_id)
    ):
        links.setdefault(expert_id, []).append(titles.get(topic_id, ""))
    rows = tuple(
        ExpertRow(
            e.id, e.name, e.affiliation, e.expertise, e.email, e.notes, tuple(links.get(e.id, []))
        )
        for e in experts
        if e.id is not None
    )
    names = {e.id: e.name for e in experts}
    days = dict(
        session.exec(
            select(col(Meeting.id), col(Meeting.on)).where(Meeting.group_id == group_id)
        ).all()
    )
    invitations = []
    for inv in session.exec(
        select(ExpertInvitation)
        .join(Expert, col(Expert.id) == ExpertInvitation.expert_id)
        .where(Expert.group_id == group_id)
    ):
        on = days.get(inv.meeting_id) if inv.meeting_id else None
        if on is not None:
            when = day_label(on)
        elif inv.due_on is not None:
            when = f"between meetings (by {inv.due_on:%d %b %Y})"
        else:
            when = "between meetings"
        assert inv.id is not None
        invitations.append(
            InvitationRow(
                invitation_id=inv.id,
                expert_id=inv.expert_id,
                expert=names.get(inv.expert_id, ""),
                when=when,
                on=on,
                topic=titles.get(inv.topic_id, "") if inv.topic_id else "",
                status=inv.status,
                invited_on=inv.invited_on,
                answered_on=inv.answered_on,
                note=inv.note,
                follow_up=inv.status == "invited"
                and on is not None
                and today <= on <= today + dt.timedelta(days=FOLLOW_UP_DAYS),
                next_status=NEXT.get(inv.status, ""),
            )
        )
    invitations.sort(
        key=lambda r: (
            r.on is None or r.on < today,  # upcoming meetings first
            r.on or r.invited_on or dt.date.max,
            r.expert,
        )
    )
    return ExpertsView(
        group_name=group.name,
        experts=rows,
        invitations=tuple(invitations),
        flagged=tuple(
            f"{f.title} ({f.mean:.1f})" for f in flagged_topics(session, group_id, today)
        ),
    )


@dataclass(frozen=True)
class ExpertForm:
    expert_id: int | None
    name: str
    affiliation: str
    expertise: str
    email: str
    notes: str
    topic_ids: tuple[int, ...]
    topics: tuple[tuple[str, int], ...]  # (title, id) of the group's active topics


def expert_form(session: Session, group_id: int, expert_id: int | None) -> ExpertForm:
    topics = session.exec(
        select(Topic)
        .where(Topic.group_id == group_id, col(Topic.retired_on).is_(None))
        .order_by(col(Topic.title_key))
    )
    options = tuple((t.title, t.id) for t in topics if t.id is not None)
    if expert_id is None:
        return ExpertForm(None, "", "", "", "", "", (), options)
    e = get_expert(session, expert_id)
    linked = tuple(
        session.exec(select(ExpertTopic.topic_id).where(ExpertTopic.expert_id == expert_id))
    )
    return ExpertForm(e.id, e.name, e.affiliation, e.expertise, e.email, e.notes, linked, options)


@dataclass(frozen=True)
class InvitationForm:
    invitation_id: int | None
    expert_id: int | None
    meeting_id: int  # 0: between meetings
    topic_id: int | None
    status: str
    due_on: str
    note: str
    experts: tuple[tuple[str, int], ...]
    meetings: tuple[tuple[str, int], ...]  # (label, id); 0 = between meetings
    topics: tuple[tuple[str, int], ...]
    statuses: tuple[tuple[str, str], ...]  # where the status may go from here


def invitation_form(
    session: Session,
    group_id: int,
    invitation_id: int | None,
    expert_id: int | None = None,
    today: dt.date | None = None,
) -> InvitationForm:
    """Upcoming scheduled meetings to choose from (and the invitation's own, if past)."""
    today = today or clock.today()
    row = get_invitation(session, invitation_id) if invitation_id is not None else None
    experts = tuple(
        (e.name, e.id)
        for e in session.exec(
            select(Expert).where(Expert.group_id == group_id).order_by(col(Expert.name))
        )
        if e.id is not None
    )
    lines = topic_lines(session, group_id)
    choices = [
        m
        for m in session.exec(
            select(Meeting)
            .where(Meeting.group_id == group_id)
            .order_by(col(Meeting.on), col(Meeting.start_time))
        )
        if (m.status == "scheduled" and m.on >= today) or (row and m.id == row.meeting_id)
    ]
    meetings = (("between meetings (no meeting)", 0),) + tuple(
        (f"{day_label(m.on)}  {lines.get(m.id, '')}"[:70], m.id)
        for m in choices
        if m.id is not None
    )
    topics = tuple(
        (t.title, t.id)
        for t in session.exec(
            select(Topic)
            .where(Topic.group_id == group_id, col(Topic.retired_on).is_(None))
            .order_by(col(Topic.title_key))
        )
        if t.id is not None
    )
    if row is None:
        statuses = tuple((s, s) for s in ("idea", "invited", "confirmed"))
        linked = session.exec(
            select(ExpertTopic.topic_id)
            .where(ExpertTopic.expert_id == expert_id)
            .order_by(col(ExpertTopic.id))
        ).first()
        return InvitationForm(
            None, expert_id, 0, linked, "idea", "", "", experts, meetings, topics, statuses
        )
    allowed = (row.status, *TRANSITIONS[row.status])
    return InvitationForm(
        row.id,
        row.expert_id,
        row.meeting_id or 0,
        row.topic_id,
        row.status,
        row.due_on.isoformat() if row.due_on else "",
        row.note,
        experts,
        meetings,
        topics,
        tuple((s, s) for s in INVITATION_STATUSES if s in allowed),
    )
