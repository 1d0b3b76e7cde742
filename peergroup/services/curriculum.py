"""Step 6: the curriculum plan. Topics for the upcoming meetings, proposed from
the needs assessment (``planner.propose``) and kept by hand where the group
decided otherwise. Meetings set by hand, and ad hoc meetings with their own
title, stay as they are; cancelled meetings are not slots. Applying
recomputes instead of appending, so planning twice changes nothing the
second time.

A meeting's topic is ``Meeting.topic_id``; its ``PlanEntry`` says how it was
planned (part k of n, by hand, an open slot). Every change to what a
calendar shows raises the event's SEQUENCE (``meetings.touch_meeting``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from .. import clock
from ..errors import InputError
from ..models import CurriculumSetting, Meeting, PlanEntry, Topic
from . import validate
from .meetings import day_label, get_meeting, touch_meeting
from .planner import Candidate, Carry, Placement, Slot, propose

# --- reading the group's plan -------------------------------------------------------


def settings(session: Session, group_id: int) -> CurriculumSetting:
    found = session.exec(
        select(CurriculumSetting).where(CurriculumSetting.group_id == group_id)
    ).first()
    return found or CurriculumSetting(group_id=group_id)


def settings_form(session: Session, group_id: int) -> tuple[int, int]:
    """(repeat window in months, open slot every N meetings) for the setup dialog."""
    s = settings(session, group_id)
    return s.repeat_months, s.open_every


def save_settings(
    session: Session, group_id: int, repeat_months: object, open_every: object
) -> CurriculumSetting:
    months = validate.int_in_range("repeat_months", repeat_months, 1, 60, required=True)  # type: ignore[call-overload]
    every = validate.int_in_range("open_every", open_every, 0, 12, required=True)  # type: ignore[call-overload]
    row = settings(session, group_id)
    assert months is not None and every is not None
    row.repeat_months, row.open_every = months, every
    session.add(row)
    session.flush()
    return row


def _entries(session: Session, meeting_ids: list[int]) -> dict[int, PlanEntry]:
    if not meeting_ids:
        return {}
    return {
        e.meeting_id: e
        for e in session.exec(select(PlanEntry).where(col(PlanEntry.meeting_id).in_(meeting_ids)))
    }


def upcoming(session: Session, group_id: int, today: dt.date) -> list[Meeting]:
    """Scheduled meetings from ``today`` on, in order."""
    return list(
        session.exec(
            select(Meeting)
            .where(Meeting.group_id == group_id, Meeting.status == "scheduled", Meeting.on >= today)
            .order_by(col(Meeting.on), col(Meeting.start_time), col(Meeting.id))
        )
    )


def fixed_placement(meeting: Meeting, entry: PlanEntry | None) -> Placement | None:
    """What planning must keep at ``meeting``: set by hand, or an ad hoc title; else None."""
    if entry is not None and entry.manual:
        return Placement(entry.kind, meeting.topic_id, entry.part, entry.parts)
    if entry is None and meeting.topic_id is not None:
        return Placement("topic", meeting.topic_id)  # set elsewhere: treated as by hand
    if entry is None and meeting.title:
        return Placement("open")  # an ad hoc meeting with its own title
    return None


def current_placement(meeting: Meeting, entry: PlanEntry | None) -> Placement | None:
    if entry is not None:
        return Placement(entry.kind, meeting.topic_id, entry.part, entry.parts)
    if meeting.topic_id is not None:
        return Placement("topic", meeting.topic_id)
    return None


def unplanned_count(session: Session, group_id: int, today: dt.date) -> int:
    """Upcoming meetings with no topic, no open slot and no ad hoc title."""
    return session.exec(
        select(func.count())
        .select_from(Meeting)
        .outerjoin(PlanEntry, col(PlanEntry.meeting_id) == Meeting.id)
        .where(
            Meeting.group_id == group_id,
            Meeting.status == "scheduled",
            Meeting.on >= today,
            col(Meeting.topic_id).is_(None),
            Meeting.title == "",
            col(PlanEntry.id).is_(None),
        )
    ).one()


def _covered(session: Session, group_id: int, today: dt.date) -> dict[int, list[dt.date]]:
    out: dict[int, list[dt.date]] = {}
    for tid, on in session.exec(
        select(col(Meeting.topic_id), col(Meeting.on)).where(
            Meeting.group_id == group_id,
            Meeting.status == "scheduled",
            Meeting.on < today,
            col(Meeting.topic_id).is_not(None),
        )
    ):
        if tid is not None:
            out.setdefault(tid, []).append(on)
    return out


def _carry(session: Session, group_id: int, today: dt.date) -> Carry | None:
    last = session.exec(
        select(Meeting, PlanEntry)
        .join(PlanEntry, col(PlanEntry.meeting_id) == Meeting.id)
        .where(Meeting.group_id == group_id, Meeting.status == "scheduled", Meeting.on < today)
        .order_by(col(Meeting.on).desc(), col(Meeting.start_time).desc())
    ).first()
    if last is None:
        return None
    meeting, entry = last
    if entry.kind == "topic" and meeting.topic_id and entry.part < entry.parts:
        return Carry(meeting.topic_id, entry.part + 1, entry.parts)
    return None


def candidates(session: Session, group_id: int, today: dt.date) -> list[Candidate]:
    """Active topics in order of interest in the latest round (unrated ones last)."""
    from . import needs, ranking

    topics = {
        t.id: t
        for t in session.exec(
            select(Topic).where(Topic.group_id == group_id, col(Topic.retired_on).is_(None))
        )
        if t.id is not None
    }
    latest = needs.planning_round(session, group_id, today)
    if latest is not None and latest.id is not None:
        order = [r.topic_id for r in ranking.ranking(session, latest.id)]
    else:
        order = [r.topic_id for r in ranking.rank([], [(i, t.title) for i, t in topics.items()])]
    return [Candidate(i, topics[i].family, topics[i].parts) for i in order if i in topics]


@dataclass(frozen=True)
class PlanChange:
    meeting_id: int
    on: dt.date
    before: str  # topic lines
    after: str


@dataclass(frozen=True)
class PlanProposal:
    group_id: int
    today: dt.date
    changes: tuple[PlanChange, ...]
    kept: int  # meetings set by hand or ad hoc, left as they are
    unfilled: tuple[dt.date, ...]  # meetings no topic fits (all covered within the window)
    rated: bool  # the order comes from a needs assessment
    placements: tuple[tuple[int, Placement | None], ...]

    def same_as(self, other: PlanProposal) -> bool:
        return self.placements == other.placements


def plan_proposal(session: Session, group_id: int, today: dt.date | None = None) -> PlanProposal:
    """What planning would change from ``today`` on; saves nothing."""
    from . import needs
    from .topics import format_topic_line

    today = today or clock.today()
    meetings = upcoming(session, group_id, today)
    entries = _entries(session, [m.id for m in meetings if m.id is not None])
    topics = {t.id: t for t in session.exec(select(Topic).where(Topic.group_id == group_id))}
    slots = []
    for m in meetings:
        assert m.id is not None
        fixed = fixed_placement(m, entries.get(m.id))
        fam = topics[fixed.topic_id].family if fixed and fixed.topic_id in topics else ""
        slots.append(Slot(m.id, m.on, fixed, fam))
    s = settings(session, group_id)
    plan = propose(
        slots,
        candidates(session, group_id, today),
        _covered(session, group_id, today),
        repeat_months=s.repeat_months,
        open_every=s.open_every,
        carry=_carry(session, group_id, today),
    )

    def line(m: Meeting, p: Placement | None) -> str:
        t = topics.get(p.topic_id) if p and p.topic_id else None
        e = PlanEntry(meeting_id=m.id or 0, kind=p.kind, part=p.part, parts=p.parts) if p else None
        return format_topic_line(t.title if t else None, e, m.title)

    changes = []
    for m in meetings:
        if m.id not in plan:
            continue
        was, new = current_placement(m, entries.get(m.id)), plan[m.id]
        if was != new:
            changes.append(PlanChange(m.id, m.on, line(m, was), line(m, new)))
    return PlanProposal(
        group_id=group_id,
        today=today,
        changes=tuple(changes),
        kept=sum(1 for x in slots if x.fixed is not None),
        unfilled=tuple(m.on for m in meetings if m.id in plan and plan[m.id] is None),
        rated=needs.planning_round(session, group_id, today) is not None,
        placements=tuple(sorted(plan.items())),
    )


def apply_plan(
    session: Session,
    group_id: int,
    today: dt.date | None = None,
    *,
    expected: PlanProposal | None = None,
) -> str:
    """Carry out the proposal; meetings set by hand stay. Says what changed."""
    today = today or clock.today()
    proposal = plan_proposal(session, group_id, today)
    if expected is not None and not proposal.same_as(expected):
        raise InputError(
            "plan", "the meetings or ratings changed since this preview; press g again to see why."
        )
    changed = 0
    for meeting_id, placement in proposal.placements:
        changed += _place(session, get_meeting(session, meeting_id), placement, manual=False)
    session.flush()
    if not changed:
        return "Nothing to change: the plan already follows the ratings."
    return f"Planned {changed} meeting(s); {proposal.kept} set by hand stayed as they were."


def _place(
    session: Session, meeting: Meeting, p: Placement | None, *, manual: bool, touch: bool = True
) -> int:
    """Give ``meeting`` placement ``p`` (None: no plan); 1 if what it shows changed."""
    entry = session.exec(select(PlanEntry).where(PlanEntry.meeting_id == meeting.id)).first()
    before = (meeting.topic_id, current_placement(meeting, entry))
    if p is None:
        if entry is not None:
            session.delete(entry)
        meeting.topic_id = None
    else:
        if entry is None:
            assert meeting.id is not None
            entry = PlanEntry(meeting_id=meeting.id)
        entry.kind, entry.part, entry.parts, entry.manual = p.kind, p.part, p.parts, manual
        meeting.topic_id = p.topic_id if p.kind == "topic" else None
        session.add(entry)
    changed = before != (meeting.topic_id, p)
    if changed and touch:
        touch_meeting(meeting)  # the calendar event's summary changes
    session.add(meeting)
    session.flush()
    return int(changed)


# --- by hand, meeting by meeting ---------------------------------------------------


def set_meeting_plan(
    session: Session,
    meeting_id: int,
    kind: str,
    topic_id: int | None = None,
    parts: object = None,
    today: dt.date | None = None,
) -> str:
    """Set one meeting by hand: a topic (a series spreads over the next meetings),
    an open slot, or "auto" (the planner decides again). Says what happened."""
    from .topics import group_topic

    today = today or clock.today()
    meeting = get_meeting(session, meeting_id)
    _check_plannable(meeting, today, "meeting")
    if kind == "auto":
        freed = _leave_series(session, meeting, today, keep=set())
        _place(session, meeting, None, manual=False)
        more = f" (and {freed} more part(s) of its series)" if freed else ""
        return f"The meeting of {day_label(meeting.on)}{more} is left to the planner (g)."
    if kind == "open":
        _leave_series(session, meeting, today, keep={meeting.id})
        _place(session, meeting, Placement("open"), manual=True)
        return f"The meeting of {day_label(meeting.on)} is an open slot."
    if kind != "topic":
        raise InputError("kind", "choose a topic, an open slot or the planner's choice.")
    topic = group_topic(session, meeting.group_id, topic_id, "topic")
    if topic.retired_on is not None:
        raise InputError("topic", f"{topic.title!r} is retired; restore it first.")
    n = validate.int_in_range("parts", parts, 1, 6) if parts not in (None, "") else topic.parts  # type: ignore[call-overload]
    assert n is not None
    ahead = upcoming(session, meeting.group_id, meeting.on)
    ids = [m.id for m in ahead]
    start = ids.index(meeting.id) if meeting.id in ids else None
    run = ahead[start : start + n] if start is not None else [meeting]
    if len(run) < n:
        raise InputError(
            "parts",
            f"only {len(run)} meeting(s) are planned from {day_label(meeting.on)} on; "
            "choose fewer parts or plan more meetings on the calendar.",
        )
    entries = _entries(session, [m.id for m in run[1:] if m.id is not None])
    for m in run[1:]:
        e = entries.get(m.id or 0)
        if e is not None and e.manual and m.topic_id != topic.id:
            raise InputError(
                "parts",
                f"the meeting of {day_label(m.on)} was set by hand; clear it (d) first "
                "or choose fewer parts.",
            )
    freed = _leave_series(session, meeting, today, keep={m.id for m in run})
    for k, m in enumerate(run, start=1):
        _place(session, m, Placement("topic", topic.id, k, n), manual=True)
    said = (
        f"{topic.title} runs over {n} meetings from {day_label(meeting.on)}."
        if n > 1
        else f"{topic.title} on {day_label(meeting.on)}."
    )
    if freed:
        said += f" The other {freed} part(s) of the series it replaced are left to the planner (g)."
    return said


def _leave_series(session: Session, meeting: Meeting, today: dt.date, keep: set) -> int:
    """A meeting of a series gets something else: its other upcoming parts come off too,
    so no part 2 is left without its part 1. How many were freed."""
    entry = session.exec(select(PlanEntry).where(PlanEntry.meeting_id == meeting.id)).first()
    if entry is None or entry.kind != "topic" or entry.parts < 2 or meeting.topic_id is None:
        return 0
    ahead = upcoming(session, meeting.group_id, today)
    ids = [m.id for m in ahead]
    if meeting.id not in ids:
        return 0
    i = ids.index(meeting.id)
    first = i - (entry.part - 1)
    freed = 0
    for m in ahead[max(0, first) : first + entry.parts]:
        e = session.exec(select(PlanEntry).where(PlanEntry.meeting_id == m.id)).first()
        same = e is not None and e.parts == entry.parts and m.topic_id == meeting.topic_id
        if m.id != meeting.id and m.id not in keep and same:
            freed += _place(session, m, None, manual=False)
    return freed


def _check_plannable(meeting: Meeting, today: dt.date, field: str) -> None:
    if meeting.status == "cancelled":
        raise InputError(
            field, f"the meeting of {day_label(meeting.on)} is cancelled; restore it first."
        )
    if meeting.on < today:
        raise InputError(
            field, f"the meeting of {day_label(meeting.on)} is in the past; plan upcoming ones."
        )


def clear_meeting_plan(session: Session, meeting_id: int, today: dt.date | None = None) -> str:
    return set_meeting_plan(session, meeting_id, "auto", today=today)


def unplan_topic(session: Session, topic: Topic, today: dt.date) -> int:
    """A retired topic comes off upcoming meetings; how many."""
    n = 0
    for m in session.exec(select(Meeting).where(Meeting.topic_id == topic.id, Meeting.on >= today)):
        n += _place(session, m, None, manual=False)
    return n


def topic_changed(session: Session, topic: Topic) -> None:
    """A topic's title changed: every meeting that shows it gets a new SEQUENCE."""
    for m in session.exec(select(Meeting).where(Meeting.topic_id == topic.id)):
        touch_meeting(m)
        session.add(m)


def place_imported(
    session: Session, meeting: Meeting, placement: Placement | None, manual: bool
) -> None:
    """A plan entry from a group file: the meeting's first version (SEQUENCE stays 0)."""
    _place(session, meeting, placement, manual=manual, touch=False)
