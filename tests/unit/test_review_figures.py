"""The yearly review's activity figures, against a group whose every number is known
(see review_group.py): meetings held vs planned vs cancelled, attendance per meeting
and per member, minutes, action items, topics, experts, roles; and how a finished
review keeps its figures."""

from __future__ import annotations

import datetime as dt

import pytest
from review_group import YEAR_DATES, build
from sqlmodel import select

from peergroup.models import Attendance, Meeting
from peergroup.services import review, review_figures, review_goals
from peergroup.services.groups import get_group

TODAY = dt.date(2026, 11, 25)
START = dt.date(2025, 9, 1)


@pytest.fixture
def built(db):  # noqa: ANN001, ANN201
    return build(db)


def _figures(db, built, today=TODAY):  # noqa: ANN001, ANN202
    with db.read() as s:
        return review_figures.compute(s, get_group(s, built.group_id), START, today)


def test_meetings_held_planned_and_cancelled_count_only_the_review_year(db, built):
    f = _figures(db, built)
    assert (f.start, f.end) == (START, dt.date(2026, 8, 31))
    assert (f.planned, f.held, f.cancelled, f.upcoming) == (12, 11, 1, 0)


def test_meetings_not_yet_reached_are_planned_but_not_held(db, built):
    f = _figures(db, built, today=dt.date(2026, 3, 1))
    assert (f.planned, f.held, f.cancelled, f.upcoming) == (12, 5, 1, 6)


def test_attendance_rate_of_the_year_counts_meetings_where_it_was_taken(db, built):
    f = _figures(db, built)
    assert f.attendance_rate == 70.6  # 12 present of 17 expected
    taken = {m.on: (m.present, m.expected, m.rate) for m in f.meetings if m.expected}
    assert taken == {
        YEAR_DATES[0]: (4, 4, 100.0),
        YEAR_DATES[1]: (2, 4, 50.0),
        YEAR_DATES[5]: (4, 5, 80.0),
        YEAR_DATES[6]: (2, 4, 50.0),  # Eve had left; Ben and Cleo were expected
    }
    assert sum(1 for m in f.meetings if not m.expected) == 7  # held, attendance not taken


def test_attendance_per_member_counts_only_meetings_while_they_belonged(db, built):
    f = _figures(db, built)
    assert {m.name: (m.present, m.expected, m.rate) for m in f.members} == {
        "Ada": (4, 4, 100.0),
        "Ben": (2, 4, 50.0),
        "Cleo": (2, 4, 50.0),
        "Dev": (2, 2, 100.0),  # joined in January
        "Eve": (2, 3, 66.7),  # left on 1 March
    }
    assert "Finn" not in {m.name for m in f.members}  # on the recruitment list only


def test_minutes_action_items_topics_experts_roles_and_members(db, built):
    f = _figures(db, built)
    assert (f.minutes_recorded, f.minutes_finalised) == (3, 1)  # blank and cancelled ones skipped
    assert (f.actions_opened, f.actions_closed, f.actions_overdue) == (3, 1, 1)
    assert f.topics == (("Scholarly productivity", 2), ("General career", 1))
    assert f.experts == ("Dr Lena Ortiz",)  # invited but not come: not counted
    assert "Scribe" in f.role_names
    scribe = f.role_names.index("Scribe")
    assert {r.name: r.counts[scribe] for r in f.roles} == {"Ada": 2, "Ben": 1}
    assert (f.active_members, f.joined, f.left) == (4, 5, 1)  # everyone joined in it


def test_a_year_without_meetings_says_so(db, built):
    with db.read() as s:
        f = review_figures.compute(s, get_group(s, built.group_id), dt.date(2024, 9, 1), TODAY)
    assert f.no_meetings and f.planned == 0 and f.attendance_rate is None


def test_a_finished_review_keeps_its_figures_and_a_reopened_one_counts_again(db, built):
    with db.write() as s:
        ev_id = review.start_review(s, built.group_id, "2025-09", TODAY).id
        for g in review_goals.review_goal_rows(s, ev_id):
            review_goals.record_verdict(s, ev_id, g.key, "met")
        review.set_decision(s, ev_id, "continue")
        review.finish_review(s, ev_id, TODAY)
    with db.write() as s:  # someone corrects March's attendance afterwards
        march = s.exec(select(Meeting).where(Meeting.on == YEAR_DATES[6])).one()
        for a in s.exec(select(Attendance).where(Attendance.meeting_id == march.id)):
            s.delete(a)
    with db.read() as s:
        kept = review_figures.figures_for(s, review.get_review(s, ev_id), TODAY)
    assert kept.frozen and kept.attendance_rate == 70.6 and kept.members[0].name == "Ada"
    with db.write() as s:
        review.reopen_review(s, ev_id, "March attendance was recorded twice", TODAY)
    with db.read() as s:
        live = review_figures.figures_for(s, review.get_review(s, ev_id), TODAY)
    assert not live.frozen and live.attendance_rate == 76.9  # 10 of 13


def test_frozen_figures_survive_the_round_trip_through_json(db, built):
    f = _figures(db, built)
    again = review_figures.from_json(review_figures.to_json(f))
    assert again == type(f)(**{**f.__dict__, "frozen": True})
