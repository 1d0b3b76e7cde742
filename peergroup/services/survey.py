"""Step 10, part 2 of the yearly review: the anonymous member survey.

Statements rated 1 (strongly disagree) to 5 (strongly agree): the bundled ones
(``data/survey.toml``, by area) and the group's own. Each member answers once
per review. Who answered (``SurveyRespondent``) is stored apart from what was
answered (``SurveyAnswer``, no member id, random ids), and results are only
ever shown as aggregates per statement and per area, through
``services.anonymity``: nothing at all until at least three members have
answered, and no statement with fewer than three answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from .. import content
from ..errors import InputError, NotFound
from ..models import Evaluation, Member, SurveyAnswer, SurveyItem, SurveyRespondent
from ..models.evaluation import SURVEY_AREAS
from . import anonymity, validate
from .groups import get_group
from .review import get_review, period_end, require_open
from .roles import is_member_on

AREA_LABELS = {
    "goals": "Career goals",
    "values": "Core values",
    "strengths": "Strengths",
    "time": "Time on goals",
    "support": "Support",
    "satisfaction": "Satisfaction",
    "connection": "Connection",
    "worth": "Worth the time",
    "own": "Our own questions",
}
OWN_PREFIX = "own-"
SCALE = "1 strongly disagree · 2 disagree · 3 neutral · 4 agree · 5 strongly agree"


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    area: str
    own: bool  # the group's own statement


def items(session: Session, group_id: int, *, evaluation_id: int | None = None) -> list[Item]:
    """The statements to answer: bundled ones, then the group's own active ones (plus
    any retired own item this review already has answers for)."""
    bundled = [Item(i["key"], i["text"], i["area"], False) for i in content.survey_items()]
    answered: set[str] = set()
    if evaluation_id is not None:
        answered = set(
            session.exec(
                select(SurveyAnswer.item_key)
                .where(SurveyAnswer.evaluation_id == evaluation_id)
                .distinct()
            )
        )
    own = [
        Item(f"{OWN_PREFIX}{i.id}", i.text, i.area, True)
        for i in session.exec(
            select(SurveyItem).where(SurveyItem.group_id == group_id).order_by(col(SurveyItem.id))
        )
        if i.active or f"{OWN_PREFIX}{i.id}" in answered
    ]
    return bundled + own


def add_own_item(session: Session, group_id: int, text: str | None, area: str | None) -> int:
    """A statement of the group's own, asked from now on; returns its id."""
    get_group(session, group_id)
    body = validate.required_line("text", text, validate.LINE_MAX)
    chosen = validate.choice("area", area or "own", SURVEY_AREAS)
    row = SurveyItem(group_id=group_id, text=body, area=chosen)
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def retire_own_item(session: Session, group_id: int, key: str) -> str:
    """Stop asking one of the group's own statements (its answers are kept)."""
    if not key.startswith(OWN_PREFIX) or not key[len(OWN_PREFIX) :].isdigit():
        raise InputError("item", "only the group's own statements can be removed.")
    row = session.get(SurveyItem, int(key[len(OWN_PREFIX) :]))
    if row is None or row.group_id != group_id:
        raise NotFound("That statement no longer exists.")
    row.active = False
    session.add(row)
    session.flush()
    return row.text


# --- answering --------------------------------------------------------------------------


@dataclass(frozen=True)
class Respondent:
    member_id: int
    name: str
    answered: bool


def respondents(session: Session, evaluation_id: int) -> list[Respondent]:
    """Members who belonged to the group during the review's year, and whether they
    have answered (who answered is not secret; what they answered is)."""
    ev = get_review(session, evaluation_id)
    end = period_end(ev.period_start)
    done = set(
        session.exec(
            select(SurveyRespondent.member_id).where(SurveyRespondent.evaluation_id == ev.id)
        )
    )
    people = []
    for m in session.exec(select(Member).where(Member.group_id == ev.group_id)):
        during = m.status != "prospective" and (
            m.id in done
            or is_member_on(m, ev.period_start)
            or (m.joined_on is not None and ev.period_start <= m.joined_on <= end)
        )
        if during and m.id is not None:
            people.append(Respondent(m.id, m.name, m.id in done))
    return sorted(people, key=lambda r: (r.name.casefold(), r.member_id))


def answer(
    session: Session,
    evaluation_id: int,
    member_id: int | None,
    scores: Mapping[str, str | int | None],
) -> int:
    """Record one member's answers (once per review). Blank statements are skipped; at
    least one must be answered. Returns how many were answered."""
    ev = get_review(session, evaluation_id)
    require_open(ev)
    if member_id is None:
        raise InputError("member", "is empty; choose who is answering.")
    member = session.get(Member, member_id)
    if member is None or member.group_id != ev.group_id or member.status == "prospective":
        raise InputError("member", "that person is not a member of this group.")
    already = session.exec(
        select(SurveyRespondent).where(
            SurveyRespondent.evaluation_id == ev.id, SurveyRespondent.member_id == member_id
        )
    ).first()
    if already is not None:
        raise InputError(
            "member",
            f"{member.name} has already answered this survey. Answers are anonymous, so they "
            "cannot be looked up or changed, and each member answers once.",
        )
    known = {i.key for i in items(session, ev.group_id, evaluation_id=ev.id)}
    given: dict[str, int] = {}
    for key, raw in scores.items():
        if key not in known:
            raise InputError(key, "is not a statement of this survey.")
        score = validate.int_in_range(key, raw, 1, 5)
        if score is not None:
            given[key] = score
    if not given:
        raise InputError(
            "answers", "are all blank; give at least one statement a score from 1 to 5."
        )
    session.add(SurveyRespondent(evaluation_id=ev.id or 0, member_id=member_id))
    # Sorted by statement, with random ids: nothing in the rows says whose they are.
    for key in sorted(given):
        session.add(SurveyAnswer(evaluation_id=ev.id or 0, item_key=key, score=given[key]))
    session.flush()
    return len(given)


def add_recorded_answers(
    session: Session, ev: Evaluation, member_ids: list[int], scores: Mapping[str, list[int]]
) -> None:
    """Answers kept without names (from a group file): who answered, and every score."""
    for member_id in sorted(set(member_ids)):
        session.add(SurveyRespondent(evaluation_id=ev.id or 0, member_id=member_id))
    for key in sorted(scores):
        for score in sorted(scores[key]):
            session.add(SurveyAnswer(evaluation_id=ev.id or 0, item_key=key, score=score))
    session.flush()


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemResult:
    key: str
    text: str
    area: str
    answers: int
    mean: float | None  # None: hidden (too few answers)


@dataclass(frozen=True)
class AreaResult:
    area: str
    label: str
    mean: float | None


@dataclass(frozen=True)
class SurveyResults:
    respondents: int
    members: int  # who could answer
    shown: bool
    message: str  # why nothing is shown
    areas: tuple[AreaResult, ...]
    items: tuple[ItemResult, ...]


def _scores(session: Session, evaluation_id: int) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for key, score in session.exec(
        select(SurveyAnswer.item_key, SurveyAnswer.score).where(
            SurveyAnswer.evaluation_id == evaluation_id
        )
    ):
        out.setdefault(key, []).append(score)
    return out


def _respondent_count(session: Session, evaluation_ids: list[int]) -> dict[int, int]:
    rows = session.exec(
        select(SurveyRespondent.evaluation_id, func.count())
        .where(col(SurveyRespondent.evaluation_id).in_(evaluation_ids))
        .group_by(col(SurveyRespondent.evaluation_id))
    )
    return {ev_id: n for ev_id, n in rows}


def summarise(
    respondent_count: int, item_list: list[Item], scores: Mapping[str, list[int]]
) -> tuple[anonymity.Summary, dict[str, int]]:
    """The anonymity rule applied twice: to the survey (enough respondents) and to each
    statement (enough answers to it). Returns the summary and each statement's count."""
    counts = {i.key: len(scores.get(i.key, [])) for i in item_list}
    enough = {
        i.key: list(scores.get(i.key, []))
        for i in item_list
        if counts[i.key] >= anonymity.MIN_RESPONDENTS
    }
    return anonymity.summarise(respondent_count, enough), counts


def results(session: Session, evaluation_id: int) -> SurveyResults:
    ev = get_review(session, evaluation_id)
    item_list = items(session, ev.group_id, evaluation_id=ev.id)
    people = respondents(session, evaluation_id)
    count = sum(1 for p in people if p.answered)
    summary, counts = summarise(count, item_list, _scores(session, evaluation_id))
    means = {i.key: i.mean for i in summary.items} if summary.shown else {}
    item_rows = tuple(
        ItemResult(i.key, i.text, i.area, counts[i.key], means.get(i.key)) for i in item_list
    )
    areas = tuple(
        AreaResult(
            area, AREA_LABELS[area], summary.mean_of(i.key for i in item_list if i.area == area)
        )
        for area in SURVEY_AREAS
        if any(i.area == area for i in item_list)
    )
    return SurveyResults(count, len(people), summary.shown, summary.message, areas, item_rows)


def area_means(
    session: Session, evaluations: list[Evaluation]
) -> dict[int, dict[str, float | None]]:
    """review id -> area -> mean (None when hidden), for comparing years."""
    ids = [e.id for e in evaluations if e.id is not None]
    counts = _respondent_count(session, ids) if ids else {}
    out: dict[int, dict[str, float | None]] = {}
    for ev in evaluations:
        if ev.id is None:
            continue
        item_list = items(session, ev.group_id, evaluation_id=ev.id)
        summary, _ = summarise(counts.get(ev.id, 0), item_list, _scores(session, ev.id))
        out[ev.id] = {
            area: summary.mean_of(i.key for i in item_list if i.area == area)
            for area in SURVEY_AREAS
        }
    return out


def respondent_counts(session: Session, evaluations: list[Evaluation]) -> dict[int, int]:
    ids = [e.id for e in evaluations if e.id is not None]
    return _respondent_count(session, ids) if ids else {}
