"""Step 9: signals of unintended consequences, worked out from the group's own data.

Each signal looks at one thing the roadmap warns about, says what it found
(its evidence, in a sentence), and carries the bundled advice
(``data/consequences.toml``, ``[[signal]]``). A signal ``fires``, is
``quiet``, or has ``no-data`` (too little recorded to tell). Only aggregates
of the anonymous check are used (never a single answer).
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, select

from .. import content
from ..models import Attendance, Goal, Group, Meeting, Member, Role, RoleAssignment
from . import consequences as checks_svc
from . import membership as membership_svc
from .roles import is_member_on

NO_NEW_MEMBER_YEARS = 2
ATTENDANCE_DROP = 10.0  # percentage points
LOW_WORTH = 3.0  # mean "worth my time" at or below this fires
NICHE_MEMBERS = 3  # this many members' goals on one subject fires


@dataclass(frozen=True)
class Signal:
    key: str
    title: str
    state: str  # fires | quiet | no-data
    evidence: str
    advice: str

    @property
    def fires(self) -> bool:
        return self.state == "fires"


def _advice() -> dict[str, dict]:
    return {s["key"]: s for s in content.load("consequences.toml").get("signal", [])}


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%b %Y}"


def _names(names: list[str], limit: int = 4) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


# --- the signals ---------------------------------------------------------------------


def no_new_member(session: Session, group: Group, today: dt.date) -> tuple[str, str]:
    members = session.exec(
        select(Member).where(Member.group_id == group.id, Member.status != "prospective")
    ).all()
    joined = sorted((m.joined_on, m.name) for m in members if m.joined_on)
    if not joined:
        return "no-data", "No joining dates are recorded yet."
    first, (last, who) = joined[0][0], joined[-1]
    horizon = today - relativedelta(years=NO_NEW_MEMBER_YEARS)
    if first > horizon:
        return "quiet", f"The group started on {_day(first)}, less than two years ago."
    if last <= horizon:
        return "fires", f"Nobody has joined since {_day(last)} ({who}), over two years ago."
    return "quiet", f"The newest member, {who}, joined on {_day(last)}."


def _held(session: Session, group: Group, today: dt.date) -> list[Meeting]:
    """Meetings before today with attendance recorded, oldest first."""
    ids = set(
        session.exec(
            select(Attendance.meeting_id).join(Meeting).where(Meeting.group_id == group.id)
        )
    )
    meetings = session.exec(
        select(Meeting)
        .where(Meeting.group_id == group.id, Meeting.status == "scheduled", Meeting.on < today)
        .order_by(col(Meeting.on), col(Meeting.start_time))
    ).all()
    return [m for m in meetings if m.id in ids]


def attendance_rates(session: Session, group: Group, today: dt.date) -> list[tuple[dt.date, float]]:
    """(date, % of the members of that day who were present) per held meeting."""
    members = session.exec(select(Member).where(Member.group_id == group.id)).all()
    out = []
    for m in _held(session, group, today):
        present = set(
            session.exec(
                select(Attendance.member_id).where(
                    Attendance.meeting_id == m.id, Attendance.status == "present"
                )
            )
        )
        belonged = [p for p in members if is_member_on(p, m.on) or p.id in present]
        if belonged:
            out.append((m.on, 100.0 * len(present) / len(belonged)))
    return out


def attendance_falling(session: Session, group: Group, today: dt.date) -> tuple[str, str]:
    rates = attendance_rates(session, group, today)
    if len(rates) < 4:
        return "no-data", f"Attendance is recorded for {len(rates)} meeting(s); 4 are needed."
    last3 = statistics.fmean(r for _, r in rates[-3:])
    before = rates[:-3]
    prev3 = statistics.fmean(r for _, r in before[-3:])
    year = [r for d, r in before if d >= today - relativedelta(years=1)]
    year_mean = statistics.fmean(year) if year else None
    text = f"Last 3 meetings: {last3:.0f}% present; the {min(3, len(before))} before: {prev3:.0f}%"
    if year_mean is not None:
        text += f"; the rest of the year: {year_mean:.0f}%"
    if last3 <= prev3 - ATTENDANCE_DROP or (
        year_mean is not None and last3 <= year_mean - ATTENDANCE_DROP
    ):
        return "fires", text + "."
    return "quiet", text + "."


def roles_concentrated(session: Session, group: Group, today: dt.date) -> tuple[str, str]:
    since = today - relativedelta(years=1)
    rotating = {
        r.id for r in session.exec(select(Role).where(Role.group_id == group.id)) if r.rotates
    }
    rows = session.exec(
        select(RoleAssignment, col(Meeting.on))
        .join(Meeting)
        .where(
            Meeting.group_id == group.id,
            Meeting.status == "scheduled",
            Meeting.on < today,
            Meeting.on >= since,
        )
    ).all()
    turns: dict[int, int] = defaultdict(int)
    meetings = set()
    for a, on in rows:
        if a.role_id in rotating:
            turns[a.member_id] += 1
            meetings.add(on)
    if not meetings:
        return "no-data", "No rotating roles were taken at a meeting in the last year."
    active = session.exec(
        select(Member).where(Member.group_id == group.id, Member.status == "active")
    ).all()
    # Someone who joined after the last of these meetings had no chance of a turn yet.
    last = max(meetings)
    eligible = [m for m in active if m.joined_on is None or m.joined_on <= last]
    none = sorted(m.name for m in eligible if not turns.get(m.id or 0))
    names = {m.id: m.name for m in active}
    many = sorted(((n, names[i]) for i, n in turns.items() if n >= 2 and i in names), reverse=True)
    span = f"{len(meetings)} meeting(s) in the last year"
    if none and many:
        busy = ", ".join(f"{name} ({n})" for n, name in many[:4])
        return "fires", f"{busy} took two or more turns while {_names(none)} had none ({span})."
    return "quiet", f"Every active member has had a turn, or nobody a second one yet ({span})."


def openings_unfilled(session: Session, group: Group, today: dt.date) -> tuple[str, str]:
    s = membership_svc.summary(session, group, today)
    if s.target is None:
        return "no-data", "The group has no target size, so there are no openings to count."
    if s.openings and not s.prospective:
        return "fires", f"{s.openings} opening(s) and nobody on the recruitment list."
    if s.openings:
        return "quiet", f"{s.openings} opening(s); {s.prospective} on the recruitment list."
    return "quiet", f"No openings ({s.active} active of a target of {s.target})."


_STOP = set(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "for",
        "to",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "as",
        "or",
        "my",
        "our",
        "their",
        "his",
        "her",
        "its",
        "into",
        "over",
        "under",
        "about",
        "more",
        "less",
        "than",
        "be",
        "become",
        "get",
        "got",
        "make",
        "made",
        "set",
        "have",
        "has",
        "do",
        "does",
        "done",
        "submit",
        "submitted",
        "write",
        "written",
        "finish",
        "complete",
        "lead",
        "led",
        "start",
        "first",
        "one",
        "two",
        "three",
        "new",
        "better",
        "best",
        "good",
        "great",
        "year",
        "years",
        "month",
        "months",
        "paper",
        "papers",
        "goal",
        "goals",
        "plan",
        "plans",
        "work",
        "working",
        "member",
        "members",
        "group",
        "national",
        "local",
        "own",
        "each",
        "every",
        "least",
    ]
)
_WORD = re.compile(r"[^\W\d_]{4,}")


def _subjects(text: str) -> set[str]:
    """Content words of a goal's title, folded and roughly stemmed (first 7 letters)."""
    return {w[:7] for w in (x.casefold() for x in _WORD.findall(text)) if w not in _STOP}


def niche_overlap(session: Session, group: Group, today: dt.date) -> tuple[str, str]:
    goals = session.exec(
        select(Goal, Member.name)
        .join(Member, col(Member.id) == Goal.member_id)
        .where(Goal.group_id == group.id, Goal.status == "open")
    ).all()
    if not goals:
        return "no-data", "No open individual goals are recorded."
    by_subject: dict[str, set[str]] = defaultdict(set)
    for goal, name in goals:
        for s in _subjects(goal.title):
            by_subject[s].add(name)
    crowded = sorted(
        ((len(who), s, sorted(who)) for s, who in by_subject.items() if len(who) >= NICHE_MEMBERS),
        reverse=True,
    )
    if crowded:
        n, subject, who = crowded[0]
        return "fires", f"{n} members' open goals share the subject {subject!r}: {_names(who)}."
    return "quiet", f"No subject is shared by {NICHE_MEMBERS} or more members' open goals."


def meetings_overrun(session: Session, group: Group, today: dt.date) -> tuple[str, str]:
    # Meetings record their planned length, not when they really ended.
    return "no-data", "Only each meeting's planned length is recorded, not when it ended."


def low_worth_time(session: Session, group: Group, today: dt.date) -> tuple[str, str]:
    shown = [
        s
        for s in (
            checks_svc.summary(session, c.id or 0)
            for c in checks_svc.list_checks(session, group.id or 0)
        )
        if s.shown
    ]
    if not shown:
        return "no-data", "No check has enough answers to show yet."
    latest = shown[-1]
    worth = next((q for q in latest.questions if q.key == "worth_time"), None)
    if worth is None or worth.mean is None:
        return "no-data", f"The check of {_day(latest.on)} has no 'worth my time' scores."
    text = (
        f"'Worth my time' averages {worth.mean:.1f} of 5 in the check of "
        f"{_day(latest.on)} ({worth.answers} answers)"
    )
    if len(shown) > 1:
        before = next((q.mean for q in shown[-2].questions if q.key == "worth_time"), None)
        if before is not None:
            text += f", {before:.1f} in the one before"
    return ("fires" if worth.mean <= LOW_WORTH else "quiet"), text + "."


def check_overdue(session: Session, group: Group, today: dt.date) -> tuple[str, str]:
    checks = checks_svc.list_checks(session, group.id or 0)
    if not checks:
        return "fires", "The group has not done a check yet."
    due = checks_svc.due_on(group, checks[-1].on)
    assert due is not None
    if due < today:
        return "fires", f"Due since {_day(due)} (the last was opened on {_day(checks[-1].on)})."
    return "quiet", f"The next check is due on {_day(due)}."


SIGNALS = (
    ("no_new_member", no_new_member),
    ("attendance_falling", attendance_falling),
    ("roles_concentrated", roles_concentrated),
    ("openings_unfilled", openings_unfilled),
    ("niche_overlap", niche_overlap),
    ("meetings_overrun", meetings_overrun),
    ("low_worth_time", low_worth_time),
    ("check_overdue", check_overdue),
)


def signals(session: Session, group: Group, today: dt.date) -> list[Signal]:
    """Every signal, firing ones first (in the order above otherwise)."""
    advice = _advice()
    out = []
    for key, fn in SIGNALS:
        state, evidence = fn(session, group, today)
        meta = advice.get(key, {})
        out.append(Signal(key, meta.get("title", key), state, evidence, meta.get("advice", "")))
    order = {"fires": 0, "quiet": 1, "no-data": 2}
    return sorted(out, key=lambda s: order[s.state])
