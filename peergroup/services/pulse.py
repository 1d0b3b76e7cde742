"""Feedback both ways: after a held meeting, members leave a short anonymous pulse.

A pulse is a score from 1 to 5 for how useful the meeting was, and one optional
line. Who gave a pulse (``PulseRespondent``) is stored apart from what was given
(``PulseAnswer``: no member id, no time, a random id), so one member gives one
pulse per meeting and nobody can look up which score or line was theirs.

What may be shown follows services.anonymity: nothing about a meeting's pulses
until at least ``MIN_RESPONDENTS`` members have given one; then the mean, how
many gave each score, and the lines sorted alphabetically (never in the order
they were given). The trend over a year is the mean of each meeting that has
enough pulses.

A meeting takes pulses from its own day on (members answer as they leave), as
long as it was not cancelled and the yearly review of its year is not finished
(a finished review's figures are frozen; its pulses stay as they were too).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from .. import clock
from ..errors import InputError
from ..models import (
    PULSE_LINE_MAX,
    Attendance,
    Evaluation,
    Meeting,
    Member,
    PulseAnswer,
    PulseRespondent,
)
from . import anonymity, validate
from .roles import is_member_on

SCORES = (1, 2, 3, 4, 5)
# A meeting's pulses show only a week after it: a summary that changed live as
# each member answered at the shared keyboard after the meeting would tell
# everyone watching what that member gave.
PULSE_WINDOW_DAYS = 7
SCORE_LABELS = {
    1: "not useful",
    2: "a little useful",
    3: "fairly useful",
    4: "useful",
    5: "very useful",
}


# --- giving a pulse ----------------------------------------------------------------------


def _meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise InputError("meeting", "no longer exists; choose another meeting from the list.")
    return meeting


def _require_held(meeting: Meeting, today: dt.date) -> None:
    day = f"{meeting.on:%a} {meeting.on.day} {meeting.on:%b %Y}"
    if meeting.status == "cancelled":
        raise InputError(
            "meeting", f"the meeting of {day} was cancelled; a pulse is for a meeting held."
        )
    if meeting.on > today:
        raise InputError(
            "meeting",
            f"the meeting of {day} has not taken place yet; give a pulse once it has been held.",
        )


def closes_on(meeting: Meeting) -> dt.date:
    """The last day ``meeting``'s pulses are hidden; its summary shows from the day after."""
    return meeting.on + dt.timedelta(days=PULSE_WINDOW_DAYS)


def _require_open_year(session: Session, meeting: Meeting) -> None:
    """A finished yearly review keeps its record as decided: its meetings take no new
    pulse (reopening the review opens them again)."""
    from .review import label, period_end

    for ev in session.exec(
        select(Evaluation).where(
            Evaluation.group_id == meeting.group_id,
            col(Evaluation.completed_on).is_not(None),
            col(Evaluation.period_start) <= meeting.on,
        )
    ):
        if meeting.on <= period_end(ev.period_start):
            raise InputError(
                "meeting",
                f"the yearly review of {label(ev)} is finished, so its meetings take no new "
                "pulses; reopen the review first if one is missing.",
            )


def _respondent_ids(session: Session, meeting_id: int) -> set[int]:
    return set(
        session.exec(
            select(PulseRespondent.member_id).where(PulseRespondent.meeting_id == meeting_id)
        )
    )


def _eligible(session: Session, meeting: Meeting) -> list[Member]:
    """Members who were there (attendance "present") or belonged to the group that day."""
    present = set(
        session.exec(
            select(Attendance.member_id).where(
                Attendance.meeting_id == meeting.id, Attendance.status == "present"
            )
        )
    )
    members = session.exec(
        select(Member).where(Member.group_id == meeting.group_id).order_by(col(Member.name))
    )
    return [m for m in members if m.id in present or is_member_on(m, meeting.on)]


@dataclass(frozen=True)
class Person:
    member_id: int
    name: str


@dataclass(frozen=True)
class PulseForm:
    """What the pulse dialog offers: the meeting, and who may still answer."""

    meeting_id: int
    on: dt.date
    still_to_answer: tuple[Person, ...]
    answered: int


def pulse_form(session: Session, meeting_id: int, today: dt.date | None = None) -> PulseForm:
    today = today or clock.today()
    meeting = _meeting(session, meeting_id)
    _require_held(meeting, today)
    _require_open_year(session, meeting)
    done = _respondent_ids(session, meeting_id)
    people = tuple(
        Person(m.id or 0, m.name) for m in _eligible(session, meeting) if m.id not in done
    )
    return PulseForm(meeting_id, meeting.on, people, len(done))


def clean_line(value: str | None) -> str:
    """One short line: spaces trimmed, line breaks refused, at most PULSE_LINE_MAX characters."""
    text = (value or "").strip()
    if "\n" in text or "\r" in text:
        raise InputError("line", "is more than one line; keep it to a single line.")
    if len(text) > PULSE_LINE_MAX:
        raise InputError(
            "line", f"is {len(text)} characters long; shorten it to {PULSE_LINE_MAX} or fewer."
        )
    return text


def give_pulse(
    session: Session,
    meeting_id: int,
    member_id: int | None,
    score: str | int | None,
    line: str | None = "",
    today: dt.date | None = None,
) -> int:
    """Record one member's pulse for a held meeting (everything or nothing).
    Returns how many have given a pulse for it now."""
    today = today or clock.today()
    meeting = _meeting(session, meeting_id)
    _require_held(meeting, today)
    _require_open_year(session, meeting)
    value = validate.int_in_range("score", score, 1, 5, required=True)
    text = clean_line(line)
    if member_id is None:
        raise InputError("member", "is empty; choose who is giving the pulse.")
    member = session.get(Member, member_id)
    if member is None or member.group_id != meeting.group_id:
        raise InputError("member", "is not a member of this group; choose someone from the list.")
    if member_id in _respondent_ids(session, meeting_id):
        raise InputError(
            "member",
            f"{member.name} has already given a pulse for this meeting; each member gives one, "
            "and it cannot be changed (nobody can see which one was theirs).",
        )
    if member not in _eligible(session, meeting):
        raise InputError(
            "member",
            f"{member.name} was neither at this meeting nor a member that day; "
            "choose someone who was.",
        )
    session.add(PulseRespondent(meeting_id=meeting_id, member_id=member_id))
    session.add(PulseAnswer(meeting_id=meeting_id, score=value, line=text))
    session.flush()
    return len(_respondent_ids(session, meeting_id))


def add_recorded_pulses(
    session: Session,
    meeting_id: int,
    member_ids: list[int],
    scores: list[int],
    lines: list[str] | None = None,
) -> None:
    """A meeting's pulses at once, as a group file carries them: who answered, and the
    scores and lines with nothing linking the two. Used by the import."""
    lines = lines or []
    if len(set(member_ids)) != len(member_ids):
        raise InputError("respondents", "names a member twice; each member gives one pulse.")
    if len(scores) != len(member_ids):
        raise InputError(
            "scores",
            f"has {len(scores)} score(s) for {len(member_ids)} respondent(s); "
            "give one score per respondent.",
        )
    if len(lines) > len(scores):
        raise InputError("lines", f"has {len(lines)} lines but only {len(scores)} pulses.")
    cleaned = [validate.int_in_range("scores", s, 1, 5, required=True) for s in scores]
    texts = [clean_line(t) for t in lines] + [""] * (len(scores) - len(lines))
    for member_id in member_ids:
        session.add(PulseRespondent(meeting_id=meeting_id, member_id=member_id))
    for value, text in zip(cleaned, texts, strict=True):
        session.add(PulseAnswer(meeting_id=meeting_id, score=value, line=text))
    session.flush()


# --- what may be shown --------------------------------------------------------------------


@dataclass(frozen=True)
class PulseSummary:
    meeting_id: int
    on: dt.date
    respondents: int
    shown: bool  # False: fewer than MIN_RESPONDENTS; nothing below is filled in
    mean: float | None
    distribution: tuple[int, ...]  # how many gave 1, 2, 3, 4, 5 (empty when hidden)
    lines: tuple[str, ...]  # sorted, never in the order given (empty when hidden)
    message: str  # why nothing is shown ("" when shown)


def _summary(
    meeting: Meeting, respondents: int, answers: list[tuple[int, str]], today: dt.date
) -> PulseSummary:
    if today <= closes_on(meeting):
        return PulseSummary(
            meeting.id or 0,
            meeting.on,
            respondents,
            False,
            None,
            (),
            (),
            f"shown from {closes_on(meeting) + dt.timedelta(days=1):%d %b %Y}, a week after "
            "the meeting, so that no one's answer can be told from the change it makes",
        )
    scores = [s for s, _line in answers]
    shown = anonymity.summarise(respondents, {"useful": scores})
    if not shown.shown:
        return PulseSummary(
            meeting.id or 0, meeting.on, respondents, False, None, (), (), shown.message
        )
    lines = sorted((t for _s, t in answers if t), key=lambda t: (t.casefold(), t))
    return PulseSummary(
        meeting.id or 0,
        meeting.on,
        respondents,
        True,
        shown.items[0].mean,
        tuple(scores.count(n) for n in SCORES),
        tuple(lines),
        "",
    )


def summaries(
    session: Session, meetings: Iterable[Meeting], today: dt.date | None = None
) -> dict[int, PulseSummary]:
    """meeting id -> what may be shown of its pulses (meetings nobody answered are left out)."""
    today = today or clock.today()
    by_id = {m.id: m for m in meetings if m.id is not None}
    if not by_id:
        return {}
    ids = list(by_id)
    counts: dict[int, int] = {}
    for mid in session.exec(
        select(PulseRespondent.meeting_id).where(col(PulseRespondent.meeting_id).in_(ids))
    ):
        counts[mid] = counts.get(mid, 0) + 1
    answers: dict[int, list[tuple[int, str]]] = {}
    for mid, score, line in session.exec(
        select(PulseAnswer.meeting_id, PulseAnswer.score, PulseAnswer.line).where(
            col(PulseAnswer.meeting_id).in_(ids)
        )
    ):
        answers.setdefault(mid, []).append((score, line))
    return {
        mid: _summary(by_id[mid], counts.get(mid, 0), answers.get(mid, []), today)
        for mid in ids
        if counts.get(mid) or answers.get(mid)
    }


def meeting_pulse(session: Session, meeting_id: int, today: dt.date | None = None) -> PulseSummary:
    meeting = _meeting(session, meeting_id)
    return summaries(session, [meeting], today).get(
        meeting_id,
        PulseSummary(
            meeting_id,
            meeting.on,
            0,
            False,
            None,
            (),
            (),
            anonymity.TOO_FEW.format(n=anonymity.MIN_RESPONDENTS),
        ),
    )


def group_pulses(
    session: Session, group_id: int, today: dt.date | None = None
) -> dict[int, PulseSummary]:
    """Every meeting of a group that has pulses -> what may be shown of them."""
    return summaries(
        session, session.exec(select(Meeting).where(Meeting.group_id == group_id)), today
    )


# --- the trend over a year ---------------------------------------------------------------


@dataclass(frozen=True)
class PulsePoint:
    on: dt.date
    respondents: int
    mean: float


@dataclass(frozen=True)
class PulseTrend:
    points: tuple[PulsePoint, ...]  # meetings with enough pulses, in date order
    hidden: int  # meetings with some pulses, but too few to show
    mean: float | None  # over every shown pulse of the period

    def mean_on(self, day: dt.date) -> PulsePoint | None:
        return next((p for p in self.points if p.on == day), None)


def trend(
    session: Session, group_id: int, start: dt.date, end: dt.date, today: dt.date | None = None
) -> PulseTrend:
    """Per meeting from ``start`` to ``end`` (inclusive): the mean usefulness, for the
    meetings at least MIN_RESPONDENTS members answered."""
    meetings = session.exec(
        select(Meeting)
        .where(
            Meeting.group_id == group_id,
            Meeting.status == "scheduled",
            col(Meeting.on) >= start,
            col(Meeting.on) <= end,
        )
        .order_by(col(Meeting.on), col(Meeting.start_time), col(Meeting.id))
    )
    found = summaries(session, list(meetings), today)
    shown = sorted((s for s in found.values() if s.shown), key=lambda s: s.on)
    points = tuple(PulsePoint(s.on, s.respondents, s.mean or 0.0) for s in shown)
    weights = [(s.mean or 0.0, s.respondents) for s in shown]
    total = sum(n for _m, n in weights)
    mean = round(sum(m * n for m, n in weights) / total, 2) if total else None
    return PulseTrend(points, sum(1 for s in found.values() if not s.shown), mean)
