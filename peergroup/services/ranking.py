"""Step 6: the results of a needs assessment, as figures per topic.

The ranking orders topics by mean interest and shows how many rated each one
and the spread of their scores, so "two love it, four don't care" is visible;
two rounds (a year apart) are compared topic by topic. No names here: who
rated what appears only in a member's own ratings form (``needs``).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from ..errors import InputError
from ..models import Meeting, Topic, TopicRating
from ..text import fold
from .needs import get_round, round_label

HIGH_INTEREST = 3.5  # a mean at or above this counts as high interest


@dataclass(frozen=True)
class Ranked:
    """One topic's interest in a round."""

    topic_id: int
    mean: float | None  # None: nobody rated it
    count: int
    spread: float  # population standard deviation of the scores (0 with one rating)
    dist: tuple[int, int, int, int, int]  # how many gave 1, 2, 3, 4, 5

    @property
    def split(self) -> str:
        """ "2 high, 4 low": the spread in words (high is 4-5, low is 1-2)."""
        if not self.count:
            return ""
        high, low = self.dist[3] + self.dist[4], self.dist[0] + self.dist[1]
        return f"{high} high, {self.dist[2]} mid, {low} low"


def rank(ratings: Iterable[tuple[int, int]], topics: Iterable[tuple[int, str]]) -> list[Ranked]:
    """Topics by mean interest, highest first.

    ``ratings``: (topic id, score) pairs; ``topics``: (topic id, title) of every
    topic to rank, rated or not. Ties go to the topic more members rated, then
    by title (folded), then by id, so the order never depends on the database.
    Unrated topics come last.
    """
    scores: dict[int, list[int]] = {}
    for topic_id, score in ratings:
        scores.setdefault(topic_id, []).append(score)
    titles = dict(topics)
    out = []
    for topic_id in titles:
        mine = scores.get(topic_id, [])
        dist = tuple(mine.count(s) for s in range(1, 6))
        out.append(
            Ranked(
                topic_id=topic_id,
                mean=round(statistics.fmean(mine), 2) if mine else None,
                count=len(mine),
                spread=round(statistics.pstdev(mine), 2) if len(mine) > 1 else 0.0,
                dist=dist,  # type: ignore[arg-type]
            )
        )
    out.sort(
        key=lambda r: (
            r.mean is None,
            -(r.mean or 0.0),
            -r.count,
            fold(titles[r.topic_id]),
            r.topic_id,
        )
    )
    return out


def ranking(session: Session, round_id: int, *, include_retired: bool = False) -> list[Ranked]:
    """The ranking of a round over the group's topics."""
    r = get_round(session, round_id)
    stmt = select(Topic.id, Topic.title).where(Topic.group_id == r.group_id)
    if not include_retired:
        stmt = stmt.where(col(Topic.retired_on).is_(None))
    topics = [(tid, title) for tid, title in session.exec(stmt) if tid is not None]
    ratings = session.exec(
        select(TopicRating.topic_id, TopicRating.score).where(TopicRating.round_id == round_id)
    ).all()
    return rank(ratings, topics)


def last_covered(session: Session, group_id: int, today: dt.date) -> dict[int, dt.date]:
    """topic id -> the last day a held meeting covered it (meetings before today)."""
    rows = session.exec(
        select(Meeting.topic_id, func.max(Meeting.on))
        .where(
            Meeting.group_id == group_id,
            Meeting.status == "scheduled",
            Meeting.on < today,
            col(Meeting.topic_id).is_not(None),
        )
        .group_by(col(Meeting.topic_id))
    ).all()
    return {tid: day for tid, day in rows if tid is not None}


@dataclass(frozen=True)
class Change:
    topic_id: int
    title: str
    before: Ranked | None
    after: Ranked | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        if self.before.mean is None or self.after.mean is None:
            return None
        return round(self.after.mean - self.before.mean, 2)


@dataclass(frozen=True)
class Comparison:
    earlier: str  # round labels
    later: str
    rows: tuple[Change, ...]  # in the later round's order, then topics only the earlier had


def compare(session: Session, earlier_id: int, later_id: int) -> Comparison:
    """Two rounds side by side, topic by topic (a topic adopted in between has no 'before')."""
    a, b = get_round(session, earlier_id), get_round(session, later_id)
    if a.group_id != b.group_id:
        raise InputError("round", "those rounds belong to different groups.")
    before = {x.topic_id: x for x in ranking(session, earlier_id, include_retired=True)}
    after = ranking(session, later_id, include_retired=True)
    titles = dict(
        session.exec(select(Topic.id, Topic.title).where(Topic.group_id == a.group_id)).all()
    )
    rows = [Change(x.topic_id, titles[x.topic_id], before.get(x.topic_id), x) for x in after]
    seen = {x.topic_id for x in after}
    rows += [
        Change(tid, titles[tid], x, None)
        for tid, x in before.items()
        if tid not in seen and x.count
    ]
    rows = [c for c in rows if (c.before and c.before.count) or (c.after and c.after.count)]
    return Comparison(round_label(a), round_label(b), tuple(rows))


def compare_latest(session: Session, group_id: int, today: dt.date) -> Comparison | None:
    """The newest round that has opened beside the one before it; None with fewer than two."""
    from .needs import rounds

    started = [r for r in rounds(session, group_id) if r.opens_on <= today and r.id is not None]
    if len(started) < 2:
        return None
    return compare(session, started[-2].id or 0, started[-1].id or 0)
