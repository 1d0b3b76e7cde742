"""The facilitator's yearly review: which year it covers, goals and their verdicts
(carried goals stay open), the decision, finishing (read-only) and reopening with a
reason, and when step 10 says the next review is due.

Story: Harbour Lights (review_group.py) first met on 9 Sep 2025. In November 2026
the facilitator reviews Sep 2025 to Aug 2026: one goal is carried into the next
year, one was met; the group continues; the review is finished, then reopened
because a verdict was wrong.
"""

from __future__ import annotations

import datetime as dt

import pytest
from review_group import build
from sqlmodel import func, select

from peergroup import steps as roadmap
from peergroup.errors import InputError
from peergroup.models import Evaluation, Goal, GoalReview, Group, ReviewReopening
from peergroup.services import review, review_goals, tallies

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def built(db):  # noqa: ANN001, ANN201
    return build(db)


def _start(db, built, start=None, today=TODAY):  # noqa: ANN001, ANN202
    with db.write() as s:
        return review.start_review(s, built.group_id, start, today)


def _rows(db, ev_id):  # noqa: ANN001, ANN202
    with db.read() as s:
        return {r.title: r for r in review_goals.review_goal_rows(s, ev_id)}


# --- the year under review -------------------------------------------------------------


def test_the_first_review_covers_twelve_months_from_the_first_meetings_month(db, built):
    started = _start(db, built)
    assert started.label == "2025-26" and started.notes == ()
    with db.read() as s:
        ev = review.get_review(s, started.id)
        assert (ev.year, ev.period_start, ev.started_on) == (2025, dt.date(2025, 9, 1), TODAY)
    assert review.period_end(dt.date(2025, 9, 1)) == dt.date(2026, 8, 31)
    assert review.period_label(dt.date(2026, 1, 1)) == "2026"
    assert review.period_span(dt.date(2025, 9, 1)) == "Sep 2025 to Aug 2026"


def test_the_next_review_starts_after_the_last_and_none_may_overlap(db, built):
    _start(db, built)
    with db.read() as s:
        assert review.default_start(s, s.get(Group, built.group_id)) == dt.date(2026, 9, 1)
    with pytest.raises(InputError) as err:
        _start(db, built, "2026-03")
    assert err.value.field == "start"
    assert "overlaps the review of 2025-26" in err.value.message
    assert "start from 2026-09 or later" in err.value.message
    nxt = _start(db, built)  # the default: September 2026
    assert nxt.label == "2026-27"
    assert any("runs until 31 Aug 2027" in n for n in nxt.notes)


def test_a_review_of_a_year_without_meetings_is_allowed_and_says_so(db, built):
    started = _start(db, built, "2024-09")
    assert started.label == "2024-25"
    assert any(
        "No meetings are recorded from 01 Sep 2024 to 31 Aug 2025" in n for n in started.notes
    )


def test_a_month_that_has_not_begun_or_is_not_a_month_is_refused(db, built):
    with pytest.raises(InputError, match="has not begun yet"):
        _start(db, built, "2027-01")
    with pytest.raises(InputError, match="is not a month; type it as YYYY-MM"):
        _start(db, built, "Sept 2025")
    with db.read() as s:
        assert s.exec(select(func.count()).select_from(Evaluation)).one() == 0


# --- goals -----------------------------------------------------------------------------------


def test_the_review_lists_every_goal_open_during_the_year(db, built):
    ev_id = _start(db, built).id
    rows = _rows(db, ev_id)
    # open, or checked in during the year; not the old dropped one nor one from after it
    assert set(rows) == {"Meet every month", "Submit a paper"}
    assert rows["Submit a paper"].owner == "Ada"
    assert rows["Meet every month"].whose == "Group"
    assert [c.progress for c in rows["Submit a paper"].checkins] == [100]


def test_a_carried_goal_needs_a_new_due_date_after_the_year_and_nothing_is_half_saved(db, built):
    ev_id = _start(db, built).id
    key = _rows(db, ev_id)["Meet every month"].key
    for due, message in (
        (None, "needs its new due date"),
        ("2026-08-31", "falls inside the year under review"),
    ):
        with pytest.raises(InputError) as err, db.write() as s:
            review_goals.record_verdict(s, ev_id, key, "carried", "keep going", due)
        assert err.value.field == "new_due" and message in err.value.message
    with pytest.raises(InputError, match="only a goal carried"), db.write() as s:
        review_goals.record_verdict(s, ev_id, key, "met", "", "2027-01-31")
    with db.read() as s:
        assert s.exec(select(func.count()).select_from(GoalReview)).one() == 0
        goal = s.get(Goal, built.goals["group"])
        assert (goal.status, goal.due) == ("open", dt.date(2026, 6, 30))


def test_carried_goals_stay_open_into_next_years_review_and_others_close(db, built):
    ev_id = _start(db, built).id
    rows = _rows(db, ev_id)
    with db.write() as s:
        review_goals.record_verdict(
            s, ev_id, rows["Meet every month"].key, "carried", "Most months", "2027-06-30"
        )
        review_goals.record_verdict(s, ev_id, rows["Submit a paper"].key, "met", "Accepted")
    with db.read() as s:
        carried, met = s.get(Goal, built.goals["group"]), s.get(Goal, built.goals["ada"])
        assert (carried.status, carried.due) == ("open", dt.date(2027, 6, 30))
        assert met.status == "achieved"
    with db.write() as s:
        review.set_decision(s, ev_id, "continue")
        review.finish_review(s, ev_id, TODAY)
    nxt = _start(db, built).id  # 2026-27
    assert set(_rows(db, nxt)) == {"Meet every month", "A goal from after the year"}
    assert _rows(db, ev_id)["Meet every month"].verdict_label == "carried into next year"


def test_changing_a_verdict_reopens_or_closes_the_goal_again(db, built):
    ev_id = _start(db, built).id
    key = _rows(db, ev_id)["Meet every month"].key
    with db.write() as s:
        review_goals.record_verdict(s, ev_id, key, "dropped", "No longer wanted")
    with db.read() as s:
        assert s.get(Goal, built.goals["group"]).status == "dropped"
    with db.write() as s:
        review_goals.record_verdict(s, ev_id, key, "carried", "", "2027-03-31")
    with db.read() as s:
        assert s.get(Goal, built.goals["group"]).status == "open"
        assert s.exec(select(func.count()).select_from(GoalReview)).one() == 1


# --- deciding, finishing, reopening ----------------------------------------------------------------


def test_the_decision_is_continue_or_a_list_of_adjustments(db, built):
    ev_id = _start(db, built).id
    for decision, changes, field in (
        ("", "", "decision"),
        ("adjust", "  ", "adjustments"),
        ("continue", "Meet at noon", "adjustments"),
        ("stop", "", "decision"),
    ):
        with pytest.raises(InputError) as err, db.write() as s:
            review.set_decision(s, ev_id, decision, changes)
        assert err.value.field == field
    with db.write() as s:
        review.set_decision(s, ev_id, "adjust", "Meet at noon\nSkip January", "A good year.")
    with db.read() as s:
        ev = review.get_review(s, ev_id)
        assert (ev.decision, ev.adjustments, ev.summary) == (
            "adjust",
            "Meet at noon\nSkip January",
            "A good year.",
        )


def test_finishing_needs_every_verdict_and_the_decision(db, built):
    ev_id = _start(db, built).id
    with pytest.raises(InputError) as err, db.write() as s:
        review.finish_review(s, ev_id, TODAY)
    assert err.value.field == "goals" and "2 goal(s) have no verdict yet" in err.value.message
    with db.write() as s:
        for r in review_goals.review_goal_rows(s, ev_id):
            review_goals.record_verdict(s, ev_id, r.key, "met")
    with pytest.raises(InputError, match="is not made yet"), db.write() as s:
        review.finish_review(s, ev_id, TODAY)
    with db.write() as s:
        review.set_decision(s, ev_id, "continue")
        assert "is finished" in review.finish_review(s, ev_id, TODAY)
    with db.read() as s:
        assert review.get_review(s, ev_id).completed_on == TODAY


def test_a_finished_review_is_read_only_and_a_correction_reopens_it_with_a_reason(db, built):
    ev_id = _start(db, built).id
    with db.write() as s:
        for r in review_goals.review_goal_rows(s, ev_id):
            review_goals.record_verdict(s, ev_id, r.key, "met")
        review.set_decision(s, ev_id, "continue")
        review.finish_review(s, ev_id, TODAY)
    key = _rows(db, ev_id)["Meet every month"].key
    for change in (
        lambda s: review_goals.record_verdict(s, ev_id, key, "dropped"),
        lambda s: review.set_decision(s, ev_id, "adjust", "More"),
        lambda s: tallies.save_tally(s, ev_id, built.members["Ada"], "publications", 1),
    ):
        with (
            pytest.raises(InputError, match="is read-only. To correct it, reopen it"),
            db.write() as s,
        ):
            change(s)
    with pytest.raises(InputError, match="reason: is empty"), db.write() as s:
        review.reopen_review(s, ev_id, "  ", TODAY)
    with db.read() as s:
        assert review.get_review(s, ev_id).completed_on == TODAY
    with db.write() as s:
        review.reopen_review(s, ev_id, "The group goal was only partly met", dt.date(2026, 12, 1))
        review_goals.record_verdict(s, ev_id, key, "partly", "Nine of eleven")
        review.finish_review(s, ev_id, dt.date(2026, 12, 1))
    with db.read() as s:
        ev = review.get_review(s, ev_id)
        assert ev.completed_on == dt.date(2026, 12, 1)
        kept = s.exec(select(ReviewReopening)).one()
        assert (kept.on, kept.reason) == (
            dt.date(2026, 12, 1),
            "The group goal was only partly met",
        )
    assert _rows(db, ev_id)["Meet every month"].verdict == "partly"


def test_reopening_an_unfinished_review_is_refused(db, built):
    ev_id = _start(db, built).id
    with pytest.raises(InputError, match="is not finished"), db.write() as s:
        review.reopen_review(s, ev_id, "why not", TODAY)


def test_the_cli_year_finds_a_review_by_start_year_or_label(db, built):
    first = _start(db, built, "2024-09").id
    second = _start(db, built).id
    with db.read() as s:
        group = s.get(Group, built.group_id)
        assert review.find_review(s, group, "2024").id == first
        assert review.find_review(s, group, "2025-26").id == second
        assert review.find_review(s, group, None).id == second  # none finished: the latest
        with pytest.raises(Exception, match="the reviews are: 2024-25, 2025-26"):
            review.find_review(s, group, "2019")


# --- step 10 on the home screen ------------------------------------------------------------------


def _step10(db, built, today):  # noqa: ANN001, ANN202
    with db.read() as s:
        return roadmap.roadmap(s, s.get(Group, built.group_id), today)[9]


def test_home_says_when_the_first_review_is_due_and_flags_it_once_overdue(db, built):
    before = _step10(db, built, dt.date(2026, 5, 1))
    assert "The yearly review is due by 2026-09-09, twelve months after the first meeting." in (
        before.missing
    )
    assert before.state != "attention"
    after = _step10(db, built, TODAY)
    assert after.state == "attention"
    assert after.next_action.startswith("The yearly review was due on 2026-09-09")


def test_a_started_review_is_named_and_a_finished_one_settles_the_year(db, built):
    ev_id = _start(db, built).id
    assert "finish the review of 2025-26 that was started" in _step10(db, built, TODAY).next_action
    with db.write() as s:
        for r in review_goals.review_goal_rows(s, ev_id):
            review_goals.record_verdict(s, ev_id, r.key, "met")
        review.set_decision(s, ev_id, "continue")
        review.finish_review(s, ev_id, TODAY)
    done = _step10(db, built, TODAY)
    assert not any("yearly review" in m for m in done.missing)
    assert done.state != "attention"
    a_year_on = _step10(db, built, dt.date(2027, 11, 25))
    assert a_year_on.next_action.startswith("The yearly review was due on 2027-11-25")


def test_the_demo_groups_step_10_is_done_for_the_year(demo_db):
    with demo_db.read() as s:
        group = s.exec(select(Group)).one()
        status = roadmap.roadmap(s, group, TODAY)[9]
    assert status.state == "done", status.missing
