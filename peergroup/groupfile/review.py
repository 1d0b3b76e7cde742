"""Group files: the group's own survey statements and its yearly reviews (step 10).

``[[survey_items]]`` lists the group's own statements; in a review's answers
they are ``own-1``, ``own-2``, ... in file order. ``[[reviews]]`` carries each
review: its twelve months, when it was started and finished, the decision, the
verdicts on goals, the survey (who answered, and every score without a name),
the outcome tallies, and optionally the activity figures of a year whose
meetings are not in the file. Every date comes from the file, never the
clock, so an import gives the same result on any day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, select

from ..errors import InputError
from ..models import Evaluation, Goal, Member
from ..text import fold
from .core import Area, ImportContext, register
from .values import _bool, _date, _int, _known, _list, _prefix, _required_date, _str

REVIEW_FIELDS = {
    "starts",
    "started",
    "finished",
    "summary",
    "decision",
    "adjustments",
    "mission",
    "mission_on",
    "respondents",
    "answers",
    "goals",
    "tallies",
    "figures",
    "reopened",
}
GOAL_FIELDS = {"goal", "title", "owner", "verdict", "note", "new_due"}
TALLY_FIELDS = {"member", "kind", "label", "count", "note"}
REOPENED_FIELDS = {"on", "reason"}
FIGURE_FIELDS = {
    "planned",
    "held",
    "cancelled",
    "attendance_rate",
    "minutes_recorded",
    "minutes_finalised",
    "actions_opened",
    "actions_closed",
    "actions_overdue",
    "active_members",
    "joined",
    "left",
    "topics",
    "experts",
}
ITEM_FIELDS = {"text", "area", "active"}


def _load(session: Session, doc: dict[str, Any], ctx: ImportContext) -> None:
    own = _import_items(session, doc, ctx)
    for i, rdoc in enumerate(_list(doc.get("reviews"), "reviews")):
        where = f"reviews[{i + 1}]"
        if not isinstance(rdoc, dict):
            raise InputError(where, "must be a table ([[reviews]]).")
        _known(rdoc, REVIEW_FIELDS, where)
        try:
            _import_review(session, rdoc, ctx, own, where)
        except InputError as exc:
            raise _prefix(where, exc) from None


def _import_items(session: Session, doc: dict[str, Any], ctx: ImportContext) -> dict[str, str]:
    """The group's own statements; returns "own-<n>" (file order) -> the stored key."""
    from ..models import SurveyItem
    from ..services import survey

    keys: dict[str, str] = {}
    for i, idoc in enumerate(_list(doc.get("survey_items"), "survey_items")):
        where = f"survey_items[{i + 1}]"
        if not isinstance(idoc, dict):
            raise InputError(where, "must be a table ([[survey_items]]).")
        _known(idoc, ITEM_FIELDS, where)
        try:
            item_id = survey.add_own_item(
                session,
                ctx.group.id or 0,
                _str(idoc.get("text"), f"{where}.text"),
                _str(idoc.get("area", "own"), f"{where}.area"),
            )
        except InputError as exc:
            raise _prefix(where, exc) from None
        if not _bool(idoc.get("active"), f"{where}.active", True):
            row = session.get(SurveyItem, item_id)
            assert row is not None
            row.active = False
            session.add(row)
        keys[f"{survey.OWN_PREFIX}{i + 1}"] = f"{survey.OWN_PREFIX}{item_id}"
    return keys


def _import_review(
    session: Session, r: dict, ctx: ImportContext, own: dict[str, str], where: str
) -> None:
    from ..services import review as review_svc

    start = _required_date(r, "starts", where)
    if start.day != 1:
        raise InputError(f"{where}.starts", f"{start} is not the first day of a month.")
    started = _required_date(r, "started", where)
    finished = _date(r.get("finished"), f"{where}.finished")
    if finished is not None and finished < started:
        raise InputError(f"{where}.finished", f"{finished} is before it was started ({started}).")
    group = ctx.group
    for other in review_svc.list_reviews(session, group):
        if other.period_start <= review_svc.period_end(start) and start <= review_svc.period_end(
            other.period_start
        ):
            raise InputError(
                f"{where}.starts",
                f"{start} overlaps the review of {review_svc.label(other)}; "
                "reviews cover twelve months each, one after the other.",
            )
    ev = Evaluation(group_id=group.id or 0, year=start.year, period_start=start, started_on=started)
    session.add(ev)
    session.flush()
    _goals(session, ev, r, ctx, where)
    _survey(session, ev, r, ctx, own, where)
    _tallies(session, ev, r, ctx, where)
    if r.get("decision") is not None:
        review_svc.set_decision(
            session,
            ev.id or 0,
            _str(r.get("decision"), f"{where}.decision"),
            _str(r.get("adjustments"), f"{where}.adjustments"),
            _str(r.get("summary"), f"{where}.summary"),
        )
    elif r.get("summary") is not None or r.get("adjustments") is not None:
        ev.summary = _str(r.get("summary"), f"{where}.summary")
        ev.adjustments = _str(r.get("adjustments"), f"{where}.adjustments")
    mission = _str(r.get("mission"), f"{where}.mission")
    if mission:
        if mission not in ("reaffirmed", "revised"):
            raise InputError(f"{where}.mission", f"{mission!r} is not one of: reaffirmed, revised.")
        ev.mission = mission
        ev.mission_on = _required_date(r, "mission_on", where)
    if "figures" in r:
        ev.figures = _figures(r["figures"], start, f"{where}.figures")
    for j, ro in enumerate(_list(r.get("reopened"), f"{where}.reopened")):
        _reopened(session, ev, ro, f"{where}.reopened[{j + 1}]")
    session.add(ev)
    session.flush()
    if finished is not None:
        if not ev.decision:
            raise InputError(
                f"{where}.decision",
                'is missing; a finished review records its decision ("continue" or "adjust").',
            )
        from ..services import review_figures, review_goals

        # The figures as they stood on the day it was finished (never the import day).
        review_figures.freeze(session, ev, finished)
        review_goals.snapshot_titles(session, ev)
        ev.completed_on = finished
        session.add(ev)
        session.flush()


def _goals(session: Session, ev: Evaluation, r: dict, ctx: ImportContext, where: str) -> None:
    from ..services import review_goals

    for j, g in enumerate(_list(r.get("goals"), f"{where}.goals")):
        gwhere = f"{where}.goals[{j + 1}]"
        if not isinstance(g, dict):
            raise InputError(gwhere, "must be a table ([[reviews.goals]]).")
        _known(g, GOAL_FIELDS, gwhere)
        if ("goal" in g) == ("title" in g):
            raise InputError(
                gwhere,
                'needs exactly one of goal = "..." (a goal in [[goals]]) or title = "..." '
                "(a goal recorded only in this review).",
            )
        owner = _str(g.get("owner"), f"{gwhere}.owner")
        if owner:
            owner = session.get(Member, ctx.member_id(owner, f"{gwhere}.owner")).name  # type: ignore[union-attr]
        verdict = _str(g.get("verdict"), f"{gwhere}.verdict")
        note = _str(g.get("note"), f"{gwhere}.note")
        new_due = _date(g.get("new_due"), f"{gwhere}.new_due")
        try:
            if "title" in g:
                review_goals.add_recorded_verdict(
                    session, ev, _str(g["title"], f"{gwhere}.title"), owner, verdict, note, new_due
                )
                continue
            goal = _find_goal(session, ctx, _str(g["goal"], f"{gwhere}.goal"), owner, gwhere)
            review_goals.record_verdict(
                session, ev.id or 0, f"g{goal.id}", verdict, note, new_due, from_file=True
            )
        except InputError as exc:
            raise _prefix(gwhere, exc) from None


def _find_goal(session: Session, ctx: ImportContext, title: str, owner: str, where: str) -> Goal:
    matches = [
        g
        for g in session.exec(select(Goal).where(Goal.group_id == ctx.group.id))
        if fold(g.title) == fold(title)
    ]
    if owner:
        owner_id = ctx.member_id(owner, f"{where}.owner")
        matches = [g for g in matches if g.member_id == owner_id]
    if not matches:
        raise InputError(f"{where}.goal", f"{title!r} is not one of the [[goals]] in this file.")
    if len(matches) > 1:
        raise InputError(
            f"{where}.owner", f"several goals are called {title!r}; say whose with owner = ..."
        )
    return matches[0]


def _survey(
    session: Session, ev: Evaluation, r: dict, ctx: ImportContext, own: dict[str, str], where: str
) -> None:
    from ..services import survey

    people = [
        ctx.member_id(name, f"{where}.respondents[{k + 1}]")
        for k, name in enumerate(_list(r.get("respondents"), f"{where}.respondents"))
    ]
    if len(set(people)) != len(people):
        raise InputError(f"{where}.respondents", "names someone twice; each member answers once.")
    answers = r.get("answers", {})
    if not isinstance(answers, dict):
        raise InputError(f"{where}.answers", "must be a table of statement = [scores].")
    bundled = {i.key for i in survey.items(session, ctx.group.id or 0) if not i.own}
    scores: dict[str, list[int]] = {}
    for key, values in answers.items():
        awhere = f"{where}.answers.{key}"
        stored = own.get(key) or (key if key in bundled else None)
        if stored is None:
            raise InputError(
                awhere, "is not a bundled statement or one of [[survey_items]] (own-1, own-2, ...)."
            )
        given = [_int(v, f"{awhere}[{k + 1}]") for k, v in enumerate(_list(values, awhere))]
        for k, v in enumerate(given):
            if v is None or not 1 <= v <= 5:
                raise InputError(f"{awhere}[{k + 1}]", f"{v} is not a score from 1 to 5.")
        if len(given) > len(people):
            raise InputError(
                awhere,
                f"has {len(given)} scores but only {len(people)} respondent(s); "
                "each member answers a statement once.",
            )
        scores[stored] = [v for v in given if v is not None]
    survey.add_recorded_answers(session, ev, people, scores)


def _tallies(session: Session, ev: Evaluation, r: dict, ctx: ImportContext, where: str) -> None:
    from ..services import tallies

    for j, t in enumerate(_list(r.get("tallies"), f"{where}.tallies")):
        twhere = f"{where}.tallies[{j + 1}]"
        if not isinstance(t, dict):
            raise InputError(twhere, "must be a table ([[reviews.tallies]]).")
        _known(t, TALLY_FIELDS, twhere)
        count = t.get("count")
        if count is not None:
            _int(count, f"{twhere}.count")
        try:
            tallies.save_tally(
                session,
                ev.id or 0,
                ctx.member_id(t.get("member"), f"{twhere}.member"),
                _str(t.get("kind"), f"{twhere}.kind"),
                count,
                _str(t.get("note"), f"{twhere}.note"),
                _str(t.get("label"), f"{twhere}.label"),
            )
        except InputError as exc:
            raise _prefix(twhere, exc) from None


def _figures(value: Any, start: dt.date, where: str) -> str:
    from ..services import review_figures

    if not isinstance(value, dict):
        raise InputError(where, "must be a table ([reviews.figures]).")
    _known(value, FIGURE_FIELDS, where)
    numbers: dict[str, int] = {}
    for key in FIGURE_FIELDS - {"topics", "experts", "attendance_rate"}:
        n = _int(value.get(key), f"{where}.{key}", 0)
        if n is not None and n < 0:
            raise InputError(f"{where}.{key}", f"{n} is negative; give 0 or more.")
        numbers[key] = n or 0
    rate = value.get("attendance_rate")
    if rate is not None and (
        isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 100
    ):
        raise InputError(f"{where}.attendance_rate", "must be a percentage from 0 to 100.")
    topics = value.get("topics", {})
    if not isinstance(topics, dict):
        raise InputError(f"{where}.topics", "must be a table of family = number of meetings.")
    from .. import content

    families = content.topic_families()
    topic_rows = []
    for key, n in topics.items():
        if key not in families:
            raise InputError(f"{where}.topics.{key}", f"is not one of: {', '.join(families)}.")
        topic_rows.append((families[key], _int(n, f"{where}.topics.{key}") or 0))
    experts = [
        _str(e, f"{where}.experts[{k + 1}]")
        for k, e in enumerate(_list(value.get("experts"), f"{where}.experts"))
    ]
    figures = review_figures.ActivityFigures(
        start=start,
        end=review_figures.period_end(start),
        upcoming=0,
        attendance_rate=float(rate) if rate is not None else None,
        topics=tuple(topic_rows),
        experts=tuple(experts),
        **numbers,  # type: ignore[arg-type]
    )
    return review_figures.to_json(figures)


def _reopened(session: Session, ev: Evaluation, ro: Any, where: str) -> None:
    from ..models import ReviewReopening

    if not isinstance(ro, dict):
        raise InputError(where, "must be a table ([[reviews.reopened]]).")
    _known(ro, REOPENED_FIELDS, where)
    reason = _str(ro.get("reason"), f"{where}.reason").strip()
    if not reason:
        raise InputError(f"{where}.reason", "is empty; say why the review was reopened.")
    session.add(
        ReviewReopening(evaluation_id=ev.id or 0, on=_required_date(ro, "on", where), reason=reason)
    )


register(
    Area(
        sections={"survey_items": ITEM_FIELDS, "reviews": REVIEW_FIELDS},
        load=_load,
    )
)
