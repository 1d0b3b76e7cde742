"""Step 9: the periodic check for unintended consequences.

Every few months (the group's ``check_interval_months``, 6 unless changed)
the group opens a check, and each active member scores the bundled questions
(``data/consequences.toml``) from 1 (strongly disagree) to 5 (strongly agree).
The answers are anonymous in every view: who answered
(``ConsequenceRespondent``) is stored apart from what was answered
(``ConsequenceAnswer``, no member id), and results go through
``anonymity.summarise``, which shows nothing below three respondents.

The signals worked out from the group's own data are ``services.signals``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, func, select

from .. import clock, content
from ..errors import InputError, NotFound
from ..models import ConsequenceAnswer, ConsequenceCheck, ConsequenceRespondent, Group, Member
from ..steps import StepStatus
from . import anonymity, validate
from .groups import get_group

INTERVAL_MIN, INTERVAL_MAX = 1, 24  # months
REOPEN_AFTER_DAYS = 14  # a new check this soon after the last one is refused
CONCERN_HIGH, CONCERN_LOW = 3.5, 3.0  # a mean past these marks the question as a concern


def questions() -> list[dict]:
    return content.consequence_questions()


def _question_keys() -> list[str]:
    return [q["key"] for q in questions()]


# --- checks and answers ---------------------------------------------------------------


def list_checks(session: Session, group_id: int) -> list[ConsequenceCheck]:
    return list(
        session.exec(
            select(ConsequenceCheck)
            .where(ConsequenceCheck.group_id == group_id)
            .order_by(col(ConsequenceCheck.on), col(ConsequenceCheck.id))
        )
    )


def get_check(session: Session, check_id: int) -> ConsequenceCheck:
    check = session.get(ConsequenceCheck, check_id)
    if check is None:
        raise NotFound("That check no longer exists; it may have been removed elsewhere.")
    return check


def open_check(
    session: Session,
    group_id: int,
    on: dt.date | str | None = None,
    notes: str = "",
    *,
    today: dt.date | None = None,
) -> int:
    """Start a new check (default: today); returns its id."""
    group = get_group(session, group_id)
    today = today or clock.today()
    day = validate.parse_date("on", on) or today
    checks = list_checks(session, group_id)
    if checks and day <= checks[-1].on:
        raise InputError(
            "on", f"the last check was opened on {checks[-1].on}; a new one must come after it."
        )
    if checks and (day - checks[-1].on).days < REOPEN_AFTER_DAYS:
        raise InputError(
            "on",
            f"a check was opened on {checks[-1].on}, less than {REOPEN_AFTER_DAYS} days "
            "before; let members answer that one first.",
        )
    check = ConsequenceCheck(
        group_id=group.id or 0, on=day, notes=validate.text("notes", notes, 2_000)
    )
    session.add(check)
    session.flush()
    assert check.id is not None
    return check.id


def _eligible(session: Session, group_id: int) -> list[Member]:
    return list(
        session.exec(
            select(Member)
            .where(Member.group_id == group_id, Member.status == "active")
            .order_by(col(Member.name))
        )
    )


def _respondent_ids(session: Session, check_id: int) -> set[int]:
    return set(
        session.exec(
            select(ConsequenceRespondent.member_id).where(
                ConsequenceRespondent.check_id == check_id
            )
        )
    )


def clean_scores(scores: dict[str, object]) -> dict[str, int]:
    """Each score a whole number from 1 to 5 (or empty: skipped); at least one given."""
    keys = _question_keys()
    known = set(keys)
    out: dict[str, int] = {}
    for key, raw in scores.items():
        if key not in known:
            raise InputError(key, "is not one of the check's questions.")
        value = validate.int_in_range(key, raw, 1, 5)  # type: ignore[call-overload]
        if value is not None:
            out[key] = value
    if not out:
        raise InputError(keys[0], "no question has a score; give at least one, from 1 to 5.")
    return out


def answer(session: Session, check_id: int, member_id: int, scores: dict[str, object]) -> int:
    """Record one member's answers to a check (everything, or nothing on bad input).
    Returns how many have answered now."""
    check = get_check(session, check_id)
    latest = list_checks(session, check.group_id)[-1]
    if latest.id != check.id:
        raise InputError(
            "check", f"a newer check was opened on {latest.on}; answer that one instead."
        )
    member = session.get(Member, member_id)
    if member is None or member.group_id != check.group_id:
        raise InputError("member", "is not a member of this group; choose someone from the list.")
    if member.status != "active":
        raise InputError("member", f"{member.name} is not an active member; only they answer.")
    if member_id in _respondent_ids(session, check_id):
        raise InputError(
            "member",
            f"{member.name} has already answered this check; each member answers once, "
            "and answers cannot be changed (nobody can see whose they are).",
        )
    values = clean_scores(scores)
    session.add(ConsequenceRespondent(check_id=check_id, member_id=member_id))
    for key, score in values.items():
        session.add(ConsequenceAnswer(check_id=check_id, question_key=key, score=score))
    session.flush()
    return len(_respondent_ids(session, check_id))


def add_anonymous_answers(
    session: Session,
    check_id: int,
    member_ids: list[int],
    scores: dict[str, list[int]],
) -> None:
    """A whole check at once, as a group file carries it: who answered, and every
    score per question with nothing linking the two. Used by the import."""
    if len(set(member_ids)) != len(member_ids):
        raise InputError("respondents", "names a member twice; each member answers once.")
    for key, values in scores.items():
        if key not in _question_keys():
            raise InputError(key, "is not one of the check's questions.")
        if len(values) > len(member_ids):
            raise InputError(
                key, f"has {len(values)} scores but only {len(member_ids)} members answered."
            )
        for v in values:
            validate.int_in_range(key, v, 1, 5, required=True)
    for member_id in member_ids:
        session.add(ConsequenceRespondent(check_id=check_id, member_id=member_id))
    for key, values in scores.items():
        for v in values:
            session.add(ConsequenceAnswer(check_id=check_id, question_key=key, score=int(v)))
    session.flush()


# --- what may be shown ------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionResult:
    key: str
    label: str
    text: str
    answers: int
    mean: float | None  # None while hidden
    low: int | None
    high: int | None
    concern: bool  # the mean is on the worrying side
    advice: str


@dataclass(frozen=True)
class CheckSummary:
    check_id: int
    on: dt.date
    respondents: int
    eligible: int  # active members now
    shown: bool
    message: str  # why nothing is shown, when it is not
    questions: tuple[QuestionResult, ...]


def _is_concern(q: dict, mean: float | None) -> bool:
    if mean is None:
        return False
    return mean >= CONCERN_HIGH if q.get("concern_when") == "high" else mean <= CONCERN_LOW


def summary(session: Session, check_id: int) -> CheckSummary:
    check = get_check(session, check_id)
    respondents = len(_respondent_ids(session, check_id))
    scores: dict[str, list[int]] = {k: [] for k in _question_keys()}
    for key, score in session.exec(
        select(col(ConsequenceAnswer.question_key), col(ConsequenceAnswer.score)).where(
            ConsequenceAnswer.check_id == check_id
        )
    ):
        scores.setdefault(key, []).append(score)
    s = anonymity.summarise(respondents, scores)
    by_key = {i.key: i for i in s.items}
    results = []
    for q in questions():
        item = by_key.get(q["key"])
        mean = item.mean if item and s.shown else None
        results.append(
            QuestionResult(
                key=q["key"],
                label=q.get("label", q["key"]),
                text=q["text"],
                answers=item.answers if item and s.shown else 0,
                mean=mean,
                low=item.low if item and s.shown else None,
                high=item.high if item and s.shown else None,
                concern=_is_concern(q, mean),
                advice=q.get("advice", ""),
            )
        )
    return CheckSummary(
        check_id=check_id,
        on=check.on,
        respondents=respondents,
        eligible=len(_eligible(session, check.group_id)),
        shown=s.shown,
        message=s.message,
        questions=tuple(results),
    )


@dataclass(frozen=True)
class TrendRow:
    key: str
    label: str
    concern_when: str
    means: tuple[float | None, ...]  # one per check (None: hidden, too few answers)


@dataclass(frozen=True)
class Trend:
    checks: tuple[dt.date, ...]
    rows: tuple[TrendRow, ...]


def trend(session: Session, group_id: int, last: int = 6) -> Trend:
    """Each question's mean per check (the last ``last`` checks), oldest first."""
    summaries = [summary(session, c.id or 0) for c in list_checks(session, group_id)[-last:]]
    rows = tuple(
        TrendRow(
            q["key"],
            q.get("label", q["key"]),
            q.get("concern_when", "high"),
            tuple(
                next((r.mean for r in s.questions if r.key == q["key"]), None) for s in summaries
            ),
        )
        for q in questions()
    )
    return Trend(tuple(s.on for s in summaries), rows)


def due_on(group: Group, last: dt.date | None) -> dt.date | None:
    """When the next check is due (None: no check yet, so one is due now)."""
    return last + relativedelta(months=group.check_interval_months) if last else None


def set_interval(session: Session, group_id: int, months: str | int | None) -> int:
    group = get_group(session, group_id)
    value = validate.int_in_range("interval", months, INTERVAL_MIN, INTERVAL_MAX, required=True)
    assert value is not None
    group.check_interval_months = value
    session.add(group)
    session.flush()
    return value


@dataclass(frozen=True)
class Person:
    member_id: int
    name: str


@dataclass(frozen=True)
class AnswerForm:
    check_id: int
    on: dt.date
    questions: tuple[tuple[str, str, str], ...]  # (key, label, statement)
    still_to_answer: tuple[Person, ...]


def answer_form(session: Session, group_id: int) -> AnswerForm:
    """The newest check's questions and the active members who have not answered it."""
    checks = list_checks(session, group_id)
    if not checks:
        raise InputError("check", "there is no check yet; open one first (o).")
    check = checks[-1]
    done = _respondent_ids(session, check.id or 0)
    return AnswerForm(
        check_id=check.id or 0,
        on=check.on,
        questions=tuple((q["key"], q.get("label", q["key"]), q["text"]) for q in questions()),
        still_to_answer=tuple(
            Person(m.id or 0, m.name) for m in _eligible(session, group_id) if m.id not in done
        ),
    )


# --- step status ---------------------------------------------------------------------


def step_status(session: Session, group: Group, today: dt.date) -> StepStatus:
    step = StepStatus.for_step("consequences")
    checks = list_checks(session, group.id or 0)
    if not checks:
        step.missing.append(
            "Run a first check for unintended consequences: enmeshment, niche overlap, "
            "exclusivity, whether the time is worth it (step 9, o)."
        )
        return step.finish(False)
    last = checks[-1]
    due = due_on(group, last.on)
    if due is not None and due < today:
        step.flag(
            f"The consequences check is due: the last one was opened on {last.on} "
            f"(every {group.check_interval_months} months)."
        )
        return step.finish(True)
    answered = session.exec(
        select(func.count())
        .select_from(ConsequenceRespondent)
        .where(ConsequenceRespondent.check_id == last.id)
    ).one()
    if answered < anonymity.MIN_RESPONDENTS:
        active = len(_eligible(session, group.id or 0))
        step.missing.append(
            f"{answered} of {active} active members have answered the check of {last.on}; "
            f"results show from {anonymity.MIN_RESPONDENTS} answers (step 9, r)."
        )
    return step.finish(True)
