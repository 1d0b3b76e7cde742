"""Group files carry yearly reviews: verdicts, anonymous answers, tallies, the decision.

Stories: the demo group arrives with two finished reviews (2024-25 and 2025-26)
whatever day it is imported; a hand-written file with a score of 6, more scores
than respondents, a carried goal without its new due date, or a finished review
with no decision is refused with the field named and nothing saved.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import func, select

from peergroup import content, groupfile
from peergroup.clock import FixedClock
from peergroup.errors import InputError
from peergroup.models import (
    Evaluation,
    Goal,
    GoalReview,
    Group,
    OutcomeTally,
    ReviewReopening,
    SurveyAnswer,
    SurveyItem,
    SurveyRespondent,
)
from peergroup.services import review_figures, survey

MINIMAL = """
[group]
name = "Harbour Lights"

[[members]]
name = "Ada"
joined = 2025-01-01

[[members]]
name = "Ben"
joined = 2025-01-01

[[members]]
name = "Cleo"
joined = 2025-01-01

[[goals]]
title = "Meet monthly"
due = 2025-12-31
"""


def _import(db, text: str):  # noqa: ANN001, ANN202
    import tomllib

    with db.write() as s:
        return groupfile.import_group(s, tomllib.loads(text)).id


def _review_state(db) -> list:  # noqa: ANN001
    """Everything a review holds, without row ids (answers have random ones)."""
    with db.read() as s:
        out = []
        for ev in s.exec(select(Evaluation).order_by(Evaluation.period_start)):
            out.append(
                (
                    ev.year,
                    ev.period_start,
                    ev.started_on,
                    ev.completed_on,
                    ev.decision,
                    ev.adjustments,
                    ev.summary,
                    ev.mission,
                    ev.mission_on,
                    ev.figures,
                    sorted(
                        (g.title, g.owner, g.verdict, g.note, g.new_due, g.goal_id is not None)
                        for g in s.exec(select(GoalReview).where(GoalReview.evaluation_id == ev.id))
                    ),
                    sorted(
                        (a.item_key, a.score)
                        for a in s.exec(
                            select(SurveyAnswer).where(SurveyAnswer.evaluation_id == ev.id)
                        )
                    ),
                    s.exec(
                        select(func.count())
                        .select_from(SurveyRespondent)
                        .where(SurveyRespondent.evaluation_id == ev.id)
                    ).one(),
                    sorted(
                        (t.kind, t.label, t.count, t.note)
                        for t in s.exec(
                            select(OutcomeTally).where(OutcomeTally.evaluation_id == ev.id)
                        )
                    ),
                )
            )
        return out


def test_the_demo_arrives_with_two_finished_reviews(demo_db):
    with demo_db.read() as s:
        reviews = list(s.exec(select(Evaluation).order_by(Evaluation.period_start)))
        assert [(r.year, r.period_start, r.completed_on, r.decision) for r in reviews] == [
            (2024, dt.date(2024, 9, 1), dt.date(2025, 9, 9), "continue"),
            (2025, dt.date(2025, 9, 1), dt.date(2026, 9, 22), "adjust"),
        ]
        second = reviews[1]
        assert (
            s.exec(
                select(func.count())
                .select_from(SurveyRespondent)
                .where(SurveyRespondent.evaluation_id == second.id)
            ).one()
            == 6
        )
        own = s.exec(select(SurveyItem)).one()
        assert own.text.startswith("The 07:30 breakfast slot")
        keys = {
            a.item_key
            for a in s.exec(select(SurveyAnswer).where(SurveyAnswer.evaluation_id == second.id))
        }
        assert f"own-{own.id}" in keys
        linked = {
            g.title: g.goal_id
            for g in s.exec(select(GoalReview).where(GoalReview.evaluation_id == second.id))
        }
        paper = s.exec(
            select(Goal).where(Goal.title == "Publish a group-authored education paper")
        ).one()
        assert linked["Publish a group-authored education paper"] == paper.id
        assert linked["Start a journal club"] is None  # recorded only in the review
        assert paper.status == "open" and paper.due == dt.date(2028, 6, 30)  # the file's state
        figures = review_figures.from_json(second.figures)
        assert (figures.planned, figures.held, figures.attendance_rate) == (11, 9, 71.0)
        assert s.exec(select(ReviewReopening)).one().on == dt.date(2026, 9, 21)
        res = survey.results(s, second.id)
    assert res.shown and {a.area: a.mean for a in res.areas}["time"] == 2.58


def test_importing_the_demo_on_another_day_gives_the_same_reviews(demo_db, make_db):
    other = make_db(clock=FixedClock(dt.date(2031, 2, 28)))
    with other.write() as s:
        groupfile.import_group(s, groupfile.read(content.demo_group_file()))
    assert _review_state(other) == _review_state(demo_db)


def _review(**fields: str) -> str:
    body = {
        "starts": "2025-01-01",
        "started": "2026-01-10",
        "finished": "2026-01-20",
        "decision": '"continue"',
        "respondents": '["Ada", "Ben", "Cleo"]',
    }
    body.update(fields)
    lines = [f"{k} = {v}" for k, v in body.items() if v is not None]
    return MINIMAL + "\n[[reviews]]\n" + "\n".join(lines) + "\n"


def test_a_small_review_imports_with_anonymous_answers(db):
    text = _review() + (
        "[reviews.answers]\nworth_time = [5, 4, 3]\n"
        '[[reviews.goals]]\ngoal = "Meet monthly"\nverdict = "met"\n'
        '[[reviews.tallies]]\nmember = "Ada"\nkind = "publications"\ncount = 2\n'
    )
    gid = _import(db, text)
    with db.read() as s:
        ev = s.exec(select(Evaluation)).one()
        assert (ev.group_id, ev.completed_on, ev.decision) == (
            gid,
            dt.date(2026, 1, 20),
            "continue",
        )
        assert sorted(a.score for a in s.exec(select(SurveyAnswer))) == [3, 4, 5]
        assert s.exec(select(func.count()).select_from(SurveyRespondent)).one() == 3
        # figures computed as they stood the day it was finished (no meetings: all zero)
        assert review_figures.from_json(ev.figures).planned == 0
        goal = s.exec(select(Goal)).one()
        assert goal.status == "open"  # the file's goal state is left as the file says


@pytest.mark.parametrize(
    ("extra", "fields", "where", "message"),
    [
        (
            "[reviews.answers]\nworth_time = [5, 6, 3]\n",
            {},
            "reviews[1].answers.worth_time[2]",
            "not a score from 1 to 5",
        ),
        (
            "[reviews.answers]\nworth_time = [5, 4, 3, 2]\n",
            {},
            "reviews[1].answers.worth_time",
            "only 3 respondent(s)",
        ),
        (
            "[reviews.answers]\nnot_an_item = [5]\n",
            {},
            "reviews[1].answers.not_an_item",
            "not a bundled statement",
        ),
        (
            '[[reviews.goals]]\ngoal = "Meet monthly"\nverdict = "carried"\n',
            {},
            "reviews[1].goals[1].new_due",
            "needs its new due date",
        ),
        (
            '[[reviews.goals]]\ngoal = "Nope"\nverdict = "met"\n',
            {},
            "reviews[1].goals[1].goal",
            "not one of the [[goals]]",
        ),
        (
            '[[reviews.tallies]]\nmember = "Ada"\nkind = "publications"\ncount = -1\n',
            {},
            "reviews[1].tallies[1].count",
            "is negative",
        ),
        (
            '[[reviews.tallies]]\nmember = "Ada"\nkind = "publications"\ncount = "2"\n',
            {},
            "reviews[1].tallies[1].count",
            "without quotes",
        ),
        ("", {"decision": None}, "reviews[1].decision", "a finished review records its decision"),
        ("", {"starts": "2025-01-15"}, "reviews[1].starts", "not the first day of a month"),
        ("", {"respondents": '["Ada", "Ada"]'}, "reviews[1].respondents", "names someone twice"),
        ("", {"colour": '"red"'}, "reviews[1].colour", "is not a field here"),
        ("[reviews.figures]\nheld = -3\n", {}, "reviews[1].figures.held", "is negative"),
    ],
)
def test_a_bad_review_in_a_group_file_names_the_field_and_saves_nothing(
    db, extra, fields, where, message
):
    with pytest.raises(InputError) as err:
        _import(db, _review(**fields) + extra)
    assert err.value.field == where, err.value
    assert message in err.value.message
    with db.read() as s:
        assert s.exec(select(func.count()).select_from(Group)).one() == 0
        assert s.exec(select(func.count()).select_from(Evaluation)).one() == 0


def test_two_reviews_of_overlapping_years_are_refused(db):
    text = _review() + "\n[[reviews]]\nstarts = 2025-06-01\nstarted = 2026-07-01\n"
    with pytest.raises(InputError) as err:
        _import(db, text)
    assert (
        err.value.field == "reviews[2].starts"
        and "overlaps the review of 2025" in err.value.message
    )
