"""What the topics screen, the curriculum planner and their dialogs show (step 6),
as plain values. Each function takes ids and reads; nothing here writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from .. import clock
from ..models import Meeting, PlanEntry, Topic
from . import competencies, curriculum, needs, ranking, roles
from .competencies import Coverage
from .groups import get_group
from .meetings import day_label, get_meeting
from .topics import family_labels, format_topic_line, topic_lines


@dataclass(frozen=True)
class TopicRow:
    topic_id: int
    title: str
    family: str  # label, e.g. "Scholarly productivity"
    family_key: str  # "scholarly"
    description: str
    mean: float | None
    count: int
    dist: tuple[int, int, int, int, int]  # how many gave 1..5
    split: str  # "2 high, 0 mid, 5 low"
    spread: float
    last_covered: dt.date | None  # None: no meeting has covered it yet
    parts: int
    needs_expert: bool
    flagged: bool  # high interest, needs outside input, no expert yet
    retired: bool
    custom: bool
    competencies: tuple[str, ...] = ()  # labels of its competency tags


@dataclass(frozen=True)
class TopicsView:
    group_name: str
    round: needs.RoundView | None  # the round whose ranking is shown
    round_index: int  # its position among the rounds (0 = first)
    rounds: int
    rows: tuple[TopicRow, ...]  # ranked; unrated, then retired, last
    suggestions: tuple[str, ...]
    upcoming: int  # scheduled meetings from today
    unplanned: int
    next_line: str  # "Tue 8 Dec 2026: Giving difficult feedback to learners"


def topics_view(
    session: Session, group_id: int, today: dt.date | None = None, round_id: int | None = None
) -> TopicsView:
    """The group's topics, ranked by the round ``round_id`` (default: the latest)."""
    from .experts import flagged_topics

    today = today or clock.today()
    group = get_group(session, group_id)
    all_rounds = needs.rounds(session, group_id)
    shown = next((r for r in all_rounds if r.id == round_id), None)
    if shown is None:
        shown = needs.latest_round(session, group_id, today) or (
            all_rounds[-1] if all_rounds else None
        )
    topics = {
        t.id: t for t in session.exec(select(Topic).where(Topic.group_id == group_id)) if t.id
    }
    if shown is not None and shown.id is not None:
        ranked = ranking.ranking(session, shown.id, include_retired=True)
    else:
        ranked = ranking.rank([], [(i, t.title) for i, t in topics.items()])
    ranked.sort(key=lambda r: topics[r.topic_id].retired_on is not None)  # stable: keeps rank
    covered = ranking.last_covered(session, group_id, today)
    flagged = {f.topic_id for f in flagged_topics(session, group_id, today)}
    tag_labels = competencies.labels(session, group_id)
    tags = competencies.tags_by_topic(session, group_id)
    labels = family_labels()
    rows = tuple(
        TopicRow(
            topic_id=r.topic_id,
            title=t.title,
            family=labels.get(t.family, t.family),
            family_key=t.family,
            description=t.description,
            mean=r.mean,
            count=r.count,
            dist=r.dist,
            split=r.split,
            spread=r.spread,
            last_covered=covered.get(r.topic_id),
            parts=t.parts,
            needs_expert=t.needs_expert,
            flagged=r.topic_id in flagged,
            retired=t.retired_on is not None,
            custom=not t.catalog_key,
            competencies=tuple(tag_labels.get(k, k) for k in tags.get(r.topic_id, [])),
        )
        for r in ranked
        for t in [topics[r.topic_id]]
    )
    ahead = curriculum.upcoming(session, group_id, today)
    lines = topic_lines(session, group_id)
    first = ahead[0] if ahead else None
    return TopicsView(
        group_name=group.name,
        round=needs.round_view(session, shown.id, today) if shown and shown.id else None,
        round_index=all_rounds.index(shown) if shown is not None else -1,
        rounds=len(all_rounds),
        rows=rows,
        suggestions=needs.suggestions(session, shown.id) if shown and shown.id else (),
        upcoming=len(ahead),
        unplanned=curriculum.unplanned_count(session, group_id, today),
        next_line=(
            f"{day_label(first.on)}: {lines.get(first.id or 0) or '(no topic yet)'}"
            if first
            else ""
        ),
    )


def round_ids(session: Session, group_id: int) -> tuple[int, ...]:
    return tuple(r.id for r in needs.rounds(session, group_id) if r.id is not None)


# --- the curriculum planner --------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    meeting_id: int
    on: dt.date
    status: str  # scheduled | cancelled
    line: str  # the topic line
    family: str
    lead: str  # the discussion lead from the role rotation
    how: str  # "by hand" | "planner" | "open" | "ad hoc" | "" (nothing yet)
    manual: bool  # set by hand: planning again keeps it
    guests: tuple[str, ...]
    flagged: bool  # its topic needs outside input and has no expert


@dataclass(frozen=True)
class PlanView:
    group_name: str
    basis: str  # which ranking the planner follows
    repeat_months: int
    open_every: int
    rows: tuple[PlanRow, ...]
    upcoming: int
    unplanned: int
    flagged: tuple[str, ...]  # "IRB basics for education research (4.1)"
    coverage: Coverage | None = None  # competencies touched by this calendar year's meetings


def plan_view(session: Session, group_id: int, today: dt.date | None = None) -> PlanView:
    """Upcoming meetings (cancelled ones too, marked) with topic, lead and how planned."""
    from .experts import flagged_topics, guests

    today = today or clock.today()
    group = get_group(session, group_id)
    meetings = list(
        session.exec(
            select(Meeting)
            .where(Meeting.group_id == group_id, Meeting.on >= today)
            .order_by(col(Meeting.on), col(Meeting.start_time), col(Meeting.id))
        )
    )
    ids = [m.id for m in meetings if m.id is not None]
    entries = {
        e.meeting_id: e
        for e in session.exec(select(PlanEntry).where(col(PlanEntry.meeting_id).in_(ids)))
    }
    topics = {t.id: t for t in session.exec(select(Topic).where(Topic.group_id == group_id))}
    held = roles.holders_by_meeting(session, group)
    visitors = guests(session, group_id)
    flagged = flagged_topics(session, group_id, today)
    flagged_ids = {f.topic_id for f in flagged}
    labels = family_labels()
    rows = []
    for m in meetings:
        assert m.id is not None
        e = entries.get(m.id)
        t = topics.get(m.topic_id) if m.topic_id else None
        lead = roles.held_by_key(held.get(m.id, {}), roles.LEAD)
        rows.append(
            PlanRow(
                meeting_id=m.id,
                on=m.on,
                status=m.status,
                line=format_topic_line(t.title if t else None, e, m.title),
                family=labels.get(t.family, "") if t else "",
                lead=lead.member_name if lead else "",
                how=_how(m, e),
                manual=(e.manual if e is not None else m.topic_id is not None),
                guests=tuple(visitors.get(m.id, [])),
                flagged=m.topic_id in flagged_ids,
            )
        )
    s = curriculum.settings(session, group_id)
    latest = needs.planning_round(session, group_id, today)
    return PlanView(
        group_name=group.name,
        basis=(
            f"the needs assessment of {needs.round_label(latest)}"
            if latest
            else "no needs assessment yet (topics by title)"
        ),
        repeat_months=s.repeat_months,
        open_every=s.open_every,
        rows=tuple(rows),
        upcoming=sum(1 for r in rows if r.status == "scheduled"),
        unplanned=curriculum.unplanned_count(session, group_id, today),
        flagged=tuple(f"{f.title} ({f.mean:.1f})" for f in flagged),
        coverage=competencies.coverage(
            session, group_id, *competencies.year_span(today), today=today
        ),
    )


def _how(m: Meeting, e: PlanEntry | None) -> str:
    if e is not None and e.kind == "open":
        return "open"
    if e is not None:
        return "by hand" if e.manual else "planner"
    if m.topic_id is not None:
        return "by hand"
    return "ad hoc" if m.title else ""


@dataclass(frozen=True)
class MeetingPlanForm:
    meeting_id: int
    label: str  # "Tue 9 Mar 2027"
    kind: str  # topic | open | auto
    topic_id: int | None
    parts: int
    topics: tuple[tuple[str, int], ...]  # (label with interest, id), by interest
    part_note: str  # "part 2 of 3" when the meeting is in a series


def meeting_plan_form(
    session: Session, meeting_id: int, today: dt.date | None = None
) -> MeetingPlanForm:
    today = today or clock.today()
    m = get_meeting(session, meeting_id)
    e = session.exec(select(PlanEntry).where(PlanEntry.meeting_id == m.id)).first()
    latest = needs.planning_round(session, m.group_id, today)
    means = (
        {r.topic_id: r.mean for r in ranking.ranking(session, latest.id)}
        if latest and latest.id
        else {}
    )
    active = [
        t
        for t in session.exec(
            select(Topic).where(Topic.group_id == m.group_id, col(Topic.retired_on).is_(None))
        )
        if t.id is not None
    ]
    active.sort(key=lambda t: (-(means.get(t.id or 0) or 0.0), t.title_key))
    options = tuple(
        (
            f"{means[t.id]:.1f}  {t.title}" if means.get(t.id) is not None else f" –   {t.title}",
            t.id,
        )
        for t in active
        if t.id is not None
    )
    if e is not None and e.kind == "open":
        kind = "open"
    elif m.topic_id is not None:
        kind = "topic"
    else:
        kind = "auto"
    topic = session.get(Topic, m.topic_id) if m.topic_id else None
    return MeetingPlanForm(
        meeting_id=meeting_id,
        label=day_label(m.on),
        kind=kind,
        topic_id=m.topic_id,
        parts=e.parts if e is not None and e.kind == "topic" else (topic.parts if topic else 1),
        topics=options,
        part_note=f"part {e.part} of {e.parts}" if e is not None and e.parts > 1 else "",
    )
