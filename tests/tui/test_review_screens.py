"""The yearly review by keyboard, on the demo group (today: Wed 25 Nov 2026).

Stories: the facilitator runs the whole 2026-27 review from step 10 — a verdict
on every goal (one carried, which first fails without a new due date), three
members answer the survey, a tally, the figures, the mission reaffirmed, the
opt-in round, the decision — and finishes it; a finished review refuses
changes until it is reopened with a reason; a score of 7 is refused with
nothing saved; the years are compared; the report is written from the app.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import func, select

from peergroup.models import (
    Evaluation,
    Goal,
    GoalReview,
    MissionVersion,
    OptInRound,
    OutcomeTally,
    ReviewReopening,
    SurveyAnswer,
    SurveyRespondent,
)

from .helpers import SIZE, app_for, flat, screen_text, settle, type_text

TODAY = dt.date(2026, 11, 25)
ITEMS = 17  # sixteen bundled statements and the demo group's own


async def _keys(pilot, *keys: str) -> None:  # noqa: ANN001
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def _pick(pilot, downs: int) -> None:  # noqa: ANN001
    """Open the focused Select, go down ``downs`` options from the top, choose."""
    await _keys(pilot, "enter", "home", *(["down"] * downs), "enter")


async def _open_review(pilot) -> None:  # noqa: ANN001
    await settle(pilot)
    await _keys(pilot, "0", "o")


async def _answer_survey(pilot, who: int, scores: list[int]) -> None:  # noqa: ANN001
    await _keys(pilot, "r")
    await _pick(pilot, who)
    for score in scores:
        await pilot.press("tab")
        await type_text(pilot, str(score))
    await _keys(pilot, "ctrl+s")


def _notices(app) -> list[str]:  # noqa: ANN001
    """What the app tells the user in notifications (toasts are not in screenshots)."""
    said: list[str] = []
    shown = app.notify

    def notify(message, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        said.append(str(message))
        return shown(message, *args, **kwargs)

    app.notify = notify
    return said


async def test_a_whole_review_of_the_demo_group_by_keys(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await _open_review(pilot)
        assert "Yearly review 2025-26" in screen_text(app)  # the latest, finished
        await _keys(pilot, "o")
        assert "First month       2026-09" in screen_text(app)
        await _keys(pilot, "ctrl+s")
        text = screen_text(app)
        assert "Yearly review 2026-27 · Sep 2026 to Aug 2027 · in progress" in text
        assert "0 of 8 goal(s) have a verdict" in text

        # 1. goals: n opens the first part still to do
        await _keys(pilot, "n")
        assert "Review 2026-27 · 1 of 6: Goals" in screen_text(app)
        # the first goal is carried: without a new due date it is refused
        await _keys(pilot, "e")
        await _pick(pilot, 4)  # after the blank: met, partly, not met, carried
        await _keys(pilot, "ctrl+s")
        assert "New due date: is empty; a goal carried into next year needs its new due date" in (
            flat(screen_text(app))
        )
        with demo_db.read() as s:
            assert (
                s.exec(
                    select(func.count())
                    .select_from(GoalReview)
                    .join(Evaluation)
                    .where(Evaluation.year == 2026)
                ).one()
                == 0
            )
        assert app.screen.focused.id == "field-new_due"  # the field at fault
        await type_text(pilot, "2027-10-31")
        await _keys(pilot, "ctrl+s")
        for _ in range(7):  # the other seven: met
            await _keys(pilot, "down", "e")
            await _pick(pilot, 1)
            await _keys(pilot, "ctrl+s")
        assert "to decide" not in screen_text(app)

        # 2. survey: three members, one after another
        await _keys(pilot, "n")
        assert "0 of 7 member(s) answered" in screen_text(app)
        await _answer_survey(pilot, 1, [4] * ITEMS)
        await _answer_survey(pilot, 1, [5] * ITEMS)
        text = flat(screen_text(app))
        assert "2 of 7 member(s) answered" in text
        assert "Not enough answers to show without identifying anyone" in text
        await _answer_survey(pilot, 1, [3] * ITEMS)
        text = screen_text(app)
        assert "3 of 7 member(s) answered" in text
        assert "Career goals" in text and "4.0" in text

        # 3. tallies: two publications, with a note
        await _keys(pilot, "n", "a")
        await _pick(pilot, 1)  # the first member
        await pilot.press("tab")
        await _pick(pilot, 4)  # blank, promotions, leadership, awards, publications
        await _keys(pilot, "tab", "tab")
        await type_text(pilot, "2")
        await pilot.press("tab")
        await type_text(pilot, "R01 submitted")
        await _keys(pilot, "ctrl+s")
        assert "R01 submitted" in screen_text(app)

        # 4. figures
        await _keys(pilot, "n")
        text = screen_text(app)
        assert "3 held of 9 planned, 0 cancelled, 6 still to come" in text
        assert "(2025-26: 71%)" in text

        # 5. mission reaffirmed, opt-in round started, one answer
        await _keys(pilot, "n", "w", "ctrl+s")
        assert "In this review: reaffirmed on 25 Nov 2026" in screen_text(app)
        await _keys(pilot, "o")
        assert "Opt-in round for 2027: 0 continue" in screen_text(app)
        await _keys(pilot, "e")
        await _keys(pilot, "enter", "home", "enter", "ctrl+s")  # Continues
        assert "Opt-in round for 2027: 1 continue" in screen_text(app)

        # 6. decision, then finish
        await _keys(pilot, "n", "e")
        await _pick(pilot, 1)  # continue as is
        await _keys(pilot, "ctrl+s")
        assert "Ready to finish: press t." in screen_text(app)
        await _keys(pilot, "t", "y")
        assert "Finished on 25 Nov 2026" in screen_text(app)
        await _keys(pilot, "escape")
        assert "finished 25 Nov 2026 (read-only)" in flat(screen_text(app))

    with demo_db.read() as s:
        ev = s.exec(select(Evaluation).where(Evaluation.year == 2026)).one()
        assert (ev.completed_on, ev.decision, ev.mission) == (TODAY, "continue", "reaffirmed")
        verdicts = {
            g.verdict for g in s.exec(select(GoalReview).where(GoalReview.evaluation_id == ev.id))
        }
        assert verdicts == {"carried", "met"}
        carried = s.exec(
            select(GoalReview).where(
                GoalReview.verdict == "carried", GoalReview.evaluation_id == ev.id
            )
        ).one()
        goal = s.get(Goal, carried.goal_id)
        assert (goal.status, goal.due, carried.new_due) == ("open", dt.date(2027, 10, 31), goal.due)
        assert (
            s.exec(select(func.count()).select_from(Goal).where(Goal.status == "achieved")).one()
            == 7
        )
        assert (
            s.exec(
                select(func.count())
                .select_from(SurveyRespondent)
                .where(SurveyRespondent.evaluation_id == ev.id)
            ).one()
            == 3
        )
        scores = sorted(
            a.score for a in s.exec(select(SurveyAnswer).where(SurveyAnswer.evaluation_id == ev.id))
        )
        assert scores == [3] * ITEMS + [4] * ITEMS + [5] * ITEMS
        tally = s.exec(select(OutcomeTally).where(OutcomeTally.evaluation_id == ev.id)).one()
        assert (tally.kind, tally.count, tally.note) == ("publications", 2, "R01 submitted")
        assert s.exec(select(func.count()).select_from(MissionVersion)).one() == 2
        rounds = list(s.exec(select(OptInRound).where(OptInRound.year == 2027)))
        assert len(rounds) == 7 and sum(r.answer == "in" for r in rounds) == 1
        assert '"held": 3' in ev.figures  # frozen as they stood


async def test_a_score_outside_one_to_five_is_refused_and_nothing_is_saved(demo_db):
    app = app_for(demo_db.path)
    said = _notices(app)
    async with app.run_test(size=SIZE) as pilot:
        await _open_review(pilot)
        await _keys(pilot, "o", "ctrl+s", "down", "enter")  # start 2026-27, open the survey
        await _keys(pilot, "r")
        await _pick(pilot, 1)
        await pilot.press("tab")
        await type_text(pilot, "4")
        await pilot.press("tab")
        await type_text(pilot, "7")
        await _keys(pilot, "ctrl+s")
        # said where it is seen (the message line is below all the statements) ...
        assert "2. Career goals: 7 is out of range; type a whole number from 1 to 5." in said
        # ... and the field at fault has the focus, still holding what was typed
        assert app.screen.focused.id == "field-goals_progress"
        assert app.screen.focused.value == "7"
    with demo_db.read() as s:
        assert s.exec(select(func.count()).select_from(SurveyRespondent)).one() == 11  # the demo's
        ev = s.exec(select(Evaluation).where(Evaluation.year == 2026)).one()
        assert (
            s.exec(
                select(func.count())
                .select_from(SurveyAnswer)
                .where(SurveyAnswer.evaluation_id == ev.id)
            ).one()
            == 0
        )


async def test_a_finished_review_is_read_only_until_reopened_with_a_reason(demo_db):
    app = app_for(demo_db.path)
    said = _notices(app)
    async with app.run_test(size=SIZE) as pilot:
        await _open_review(pilot)
        await _keys(pilot, "enter")  # goals of 2025-26, finished
        assert "Review 2025-26 · 1 of 6: Goals  read-only" in screen_text(app)
        await _keys(pilot, "e")
        assert said and said[-1].startswith("This review is finished and read-only.")
        assert type(app.screen).__name__ == "ReviewGoalsScreen"  # no dialog opened
        await _keys(pilot, "escape", "t")
        assert "Reopen the finished review of 2025-26 for a correction" in screen_text(app)
        await _keys(pilot, "ctrl+s")
        assert "Why: is empty; say what needs correcting" in flat(screen_text(app))
        await type_text(pilot, "A tally was missing")
        await _keys(pilot, "ctrl+s")
        text = screen_text(app)
        assert "in progress since 25 Aug 2026" in text
        assert "Reopened 25 Nov 2026: A tally was missing" in text
    with demo_db.read() as s:
        ev = s.exec(select(Evaluation).where(Evaluation.year == 2025)).one()
        assert ev.completed_on is None
        reasons = [r.reason for r in s.exec(select(ReviewReopening).order_by(ReviewReopening.on))]
        assert reasons[-1] == "A tally was missing"


async def test_years_are_compared_with_small_charts(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await _open_review(pilot)
        await _keys(pilot, "h")
        text = screen_text(app)
        assert "Years: 2024-25, 2025-26" in text
        assert "2024-25  █████████████████████████░░░░░ 84%" in text
        assert "2025-26  █████████████████████░░░░░░░░░ 71%" in text


async def test_the_annual_report_is_written_from_the_app(demo_db, tmp_path):
    target = tmp_path / "report.html"
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await _open_review(pilot)
        await _keys(pilot, "x")
        assert "Annual report of the review 2025-26" in screen_text(app)
        field = app.screen.query_one("#field-path")
        field.value = ""
        await type_text(pilot, str(target))
        await _keys(pilot, "ctrl+s")
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "yearly review 2025-26" in page
