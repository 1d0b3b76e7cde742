"""Step 6: the needs assessment. A round has an opening and a closing date;
every active member rates every adopted topic from 1 to 5 (and may suggest a
topic), and can change the ratings until the round closes.

The assessment is not anonymous (the facilitator plans around who wants
what), but the results show only per-topic figures: mean interest, how many
rated it, and the spread, so "two love it, four don't care" is visible. Who
rated what is shown only in that member's own ratings form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from .. import clock
from ..errors import InputError, NotFound
from ..models import Member, NeedsAnswer, NeedsRound, Topic, TopicRating
from ..text import fold
from . import validate
from .groups import get_group
from .meetings import day_label

SUGGESTION_MAX = 300


def get_round(session: Session, round_id: int) -> NeedsRound:
    found = session.get(NeedsRound, round_id)
    if found is None:
        raise NotFound("That needs assessment no longer exists.")
    return found


def rounds(session: Session, group_id: int) -> list[NeedsRound]:
    """The group's rounds, oldest first."""
    return list(
        session.exec(
            select(NeedsRound)
            .where(NeedsRound.group_id == group_id)
            .order_by(col(NeedsRound.opens_on), col(NeedsRound.id))
        )
    )


def round_state(r: NeedsRound, today: dt.date) -> str:
    """ "upcoming" (not open yet), "open" or "closed"."""
    if r.closed or today > r.closes_on:
        return "closed"
    return "upcoming" if today < r.opens_on else "open"


def round_label(r: NeedsRound) -> str:
    return f"{r.opens_on:%d %b %Y} to {r.closes_on:%d %b %Y}"


def expected_members(session: Session, r: NeedsRound) -> list[Member]:
    """Who is asked: members active in the round (joined by its close, not left before it opened)."""
    rows = session.exec(
        select(Member).where(Member.group_id == r.group_id, Member.status == "active")
    )
    return sorted(
        (
            m
            for m in rows
            if (m.joined_on is None or m.joined_on <= r.closes_on)
            and (m.left_on is None or m.left_on > r.opens_on)
        ),
        key=lambda m: (fold(m.name), m.id),
    )


def answered_ids(session: Session, round_id: int) -> set[int]:
    return set(session.exec(select(NeedsAnswer.member_id).where(NeedsAnswer.round_id == round_id)))


def missing_members(session: Session, r: NeedsRound) -> list[str]:
    """Names of the members asked who have not answered yet."""
    assert r.id is not None
    done = answered_ids(session, r.id)
    return [m.name for m in expected_members(session, r) if m.id not in done]


# --- opening and closing rounds -------------------------------------------------


def _dates(opens_on: object, closes_on: object) -> tuple[dt.date, dt.date]:
    opens = validate.parse_date("opens_on", opens_on, required=True)  # type: ignore[call-overload]
    closes = validate.parse_date("closes_on", closes_on, required=True)  # type: ignore[call-overload]
    assert opens is not None and closes is not None
    if closes < opens:
        raise InputError("closes_on", f"{closes} is before the opening date; choose a later day.")
    return opens, closes


def open_round(
    session: Session,
    group_id: int,
    opens_on: str | dt.date | None,
    closes_on: str | dt.date | None,
    today: dt.date | None = None,
) -> int:
    """Start a needs assessment; only one round may be open (or waiting to open) at a time."""
    today = today or clock.today()
    get_group(session, group_id)
    opens, closes = _dates(opens_on, closes_on)
    for r in rounds(session, group_id):
        if round_state(r, today) != "closed":
            raise InputError(
                "opens_on",
                f"the round of {round_label(r)} is not closed yet; close it or change its dates.",
            )
        if opens <= r.closes_on:
            raise InputError(
                "opens_on", f"the round of {round_label(r)} ran until then; open after it."
            )
    row = NeedsRound(group_id=group_id, opens_on=opens, closes_on=closes)
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def change_round(
    session: Session,
    round_id: int,
    opens_on: str | dt.date | None,
    closes_on: str | dt.date | None,
    close_now: bool = False,
    today: dt.date | None = None,
) -> str:
    """New dates for a round, or close it now (ratings can no longer change)."""
    today = today or clock.today()
    r = get_round(session, round_id)
    opens, closes = _dates(opens_on, closes_on)
    earlier = [x for x in rounds(session, r.group_id) if x.id != r.id and x.opens_on < opens]
    if earlier and opens <= earlier[-1].closes_on:
        raise InputError(
            "opens_on", f"the round of {round_label(earlier[-1])} ran until then; open after it."
        )
    r.opens_on, r.closes_on = opens, closes
    if close_now:
        r.closed = True
        r.closes_on = max(min(closes, today), opens)
    session.add(r)
    session.flush()
    if close_now:
        return f"Closed the needs assessment of {round_label(r)}; the ranking is final."
    return f"The needs assessment now runs {round_label(r)}."


# --- a member's ratings -----------------------------------------------------------


@dataclass(frozen=True)
class RatingLine:
    topic_id: int
    title: str
    family: str
    score: int | None  # this member's rating, if any


@dataclass(frozen=True)
class RatingForm:
    round_id: int
    member_id: int
    member_name: str
    closes_on: dt.date
    lines: tuple[RatingLine, ...]
    suggestion: str


def rating_form(session: Session, round_id: int, member_id: int) -> RatingForm:
    """One member's own ratings (the only place who rated what is shown)."""
    r = get_round(session, round_id)
    member = session.get(Member, member_id)
    if member is None or member.group_id != r.group_id:
        raise NotFound("That member is not in this group.")
    mine = dict(
        session.exec(
            select(TopicRating.topic_id, TopicRating.score).where(
                TopicRating.round_id == round_id, TopicRating.member_id == member_id
            )
        ).all()
    )
    answer = session.exec(
        select(NeedsAnswer).where(
            NeedsAnswer.round_id == round_id, NeedsAnswer.member_id == member_id
        )
    ).first()
    from .topics import active_topics

    topics = active_topics(session, r.group_id)
    # Topics retired since this member rated them stay visible in their form.
    rated_retired = [
        t
        for t in session.exec(select(Topic).where(col(Topic.id).in_(list(mine))))
        if t.retired_on is not None
    ]
    lines = tuple(
        RatingLine(t.id, t.title, t.family, mine.get(t.id))
        for t in [*topics, *rated_retired]
        if t.id is not None
    )
    return RatingForm(
        round_id, member_id, member.name, r.closes_on, lines, answer.suggestion if answer else ""
    )


def save_ratings(
    session: Session,
    round_id: int,
    member_id: int,
    scores: dict[int, object],
    suggestion: str = "",
    today: dt.date | None = None,
    *,
    check_open: bool = True,
) -> int:
    """Replace a member's ratings in a round: topic id -> 1..5, or blank for no rating.

    Every value is checked before anything is written, so a bad one saves
    nothing. Returns how many topics the member rated.
    """
    today = today or clock.today()
    r = get_round(session, round_id)
    if check_open:
        state = round_state(r, today)
        if state == "closed":
            raise InputError(
                "round", f"the needs assessment closed on {r.closes_on}; ratings can't change now."
            )
        if state == "upcoming":
            raise InputError("round", f"the needs assessment opens on {r.opens_on}; rate then.")
    member = session.get(Member, member_id)
    if member is None or member.group_id != r.group_id:
        raise InputError("member", "that person is not a member of this group.")
    known = {t.id: t for t in session.exec(select(Topic).where(Topic.group_id == r.group_id))}
    clean: dict[int, int | None] = {}
    for topic_id, raw in scores.items():
        topic = known.get(topic_id)
        if topic is None:
            raise InputError(f"topic_{topic_id}", "is not one of this group's topics.")
        label = f"topic_{topic_id}"
        text = "" if raw is None else str(raw).strip()
        if not text:
            clean[topic_id] = None
            continue
        if not text.isdigit() or not 1 <= int(text) <= 5:
            raise InputError(
                label,
                f"{text[:20]!r} is not a rating; type 1 (not interested) to 5 (very "
                "interested), or leave it empty.",
            )
        clean[topic_id] = int(text)
    note = validate.optional_line("suggestion", suggestion, SUGGESTION_MAX)
    current = {
        x.topic_id: x
        for x in session.exec(
            select(TopicRating).where(
                TopicRating.round_id == round_id, TopicRating.member_id == member_id
            )
        )
    }
    for topic_id, score in clean.items():
        row = current.get(topic_id)
        if score is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(
                TopicRating(round_id=round_id, topic_id=topic_id, member_id=member_id, score=score)
            )
        elif row.score != score:
            row.score = score
            session.add(row)
    answer = session.exec(
        select(NeedsAnswer).where(
            NeedsAnswer.round_id == round_id, NeedsAnswer.member_id == member_id
        )
    ).first()
    if answer is None:
        answer = NeedsAnswer(round_id=round_id, member_id=member_id, answered_on=today)
    answer.answered_on, answer.suggestion = today, note
    session.add(answer)
    session.flush()
    rated = {t for t, s in clean.items() if s is not None}
    rated |= {t for t in current if t not in clean}
    return len(rated)


# --- who answered, and comparing two rounds ----------------------------------------


@dataclass(frozen=True)
class Respondent:
    member_id: int
    name: str
    answered_on: dt.date | None
    rated: int  # topics rated


@dataclass(frozen=True)
class RoundView:
    round_id: int
    label: str  # "08 Sep 2026 to 30 Sep 2026"
    state: str
    opens_on: dt.date
    closes_on: dt.date
    topics: int  # adopted topics to rate
    respondents: tuple[Respondent, ...]  # everyone asked, answered or not

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.respondents if r.answered_on is None)

    @property
    def answered(self) -> int:
        return sum(1 for r in self.respondents if r.answered_on is not None)


def round_view(session: Session, round_id: int, today: dt.date | None = None) -> RoundView:
    today = today or clock.today()
    r = get_round(session, round_id)
    assert r.id is not None
    answers = {
        a.member_id: a.answered_on
        for a in session.exec(select(NeedsAnswer).where(NeedsAnswer.round_id == r.id))
    }
    counts: dict[int, int] = {}
    for mid in session.exec(select(TopicRating.member_id).where(TopicRating.round_id == r.id)):
        counts[mid] = counts.get(mid, 0) + 1
    asked = expected_members(session, r)
    extra = [  # answered, but no longer counted among those asked (e.g. left since)
        m
        for m in session.exec(select(Member).where(col(Member.id).in_(list(answers))))
        if m not in asked
    ]
    from .topics import active_topics

    return RoundView(
        round_id=r.id,
        label=round_label(r),
        state=round_state(r, today),
        opens_on=r.opens_on,
        closes_on=r.closes_on,
        topics=len(active_topics(session, r.group_id)),
        respondents=tuple(
            Respondent(m.id, m.name, answers.get(m.id), counts.get(m.id, 0))
            for m in [*asked, *extra]
            if m.id is not None
        ),
    )


def suggestions(session: Session, round_id: int) -> tuple[str, ...]:
    """Topics members suggested in a round (without their names), oldest first."""
    rows = session.exec(
        select(NeedsAnswer.suggestion)
        .where(NeedsAnswer.round_id == round_id, NeedsAnswer.suggestion != "")
        .order_by(col(NeedsAnswer.answered_on), col(NeedsAnswer.id))
    )
    return tuple(rows)


def latest_round(session: Session, group_id: int, today: dt.date) -> NeedsRound | None:
    """The round whose results count now: the newest that has opened."""
    started = [r for r in rounds(session, group_id) if r.opens_on <= today]
    return started[-1] if started else None


def planning_round(session: Session, group_id: int, today: dt.date) -> NeedsRound | None:
    """The round the planner follows: the newest closed one (a round still open has
    only some answers), else the one under way."""
    closed = [r for r in rounds(session, group_id) if round_state(r, today) == "closed"]
    return closed[-1] if closed else latest_round(session, group_id, today)


@dataclass(frozen=True)
class RoundForm:
    round_id: int | None  # None: a new round
    opens_on: dt.date
    closes_on: dt.date
    state: str  # "new" | "upcoming" | "open"
    title: str


def round_form(session: Session, group_id: int, today: dt.date | None = None) -> RoundForm:
    """The round still open (or waiting to open) to change, else a new one: today
    to two weeks on."""
    today = today or clock.today()
    for r in rounds(session, group_id):
        state = round_state(r, today)
        if state != "closed" and r.id is not None:
            return RoundForm(r.id, r.opens_on, r.closes_on, state, round_title(r, today))
    return RoundForm(None, today, today + dt.timedelta(days=14), "new", "A new needs assessment")


def open_round_id(session: Session, group_id: int, today: dt.date | None = None) -> int | None:
    """The round members can rate in today, if any."""
    today = today or clock.today()
    return next((r.id for r in rounds(session, group_id) if round_state(r, today) == "open"), None)


def round_title(r: NeedsRound, today: dt.date) -> str:
    """ "the needs assessment open until Wed 9 Dec 2026" and similar, for dialogs."""
    state = round_state(r, today)
    if state == "open":
        return f"the needs assessment open until {day_label(r.closes_on)}"
    if state == "upcoming":
        return f"the needs assessment opening {day_label(r.opens_on)}"
    return f"the needs assessment of {round_label(r)}"
