"""Step 3: SMART goals, check-ins, and the mission statement's history."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlmodel import func, select

from peergroup.errors import InputError
from peergroup.models import Goal, GoalCheckin, Group, MissionVersion
from peergroup.services import goals as goals_svc
from peergroup.services import groups as groups_svc
from peergroup.services import membership as membership_svc
from peergroup.services.goals import GoalInput

TODAY = dt.date(2026, 11, 25)

FULL = GoalInput(
    title="Submit a first-author systematic review",
    specific="Finish and submit the systematic review on feedback in clerkships.",
    measure="Manuscript submitted to a peer-reviewed journal.",
    achievable="Screening and extraction are done; a librarian is helping.",
    relevant="A first-author review strengthens the promotion file.",
    due=dt.date(2027, 6, 30),
)


@pytest.fixture
def group_id(db) -> int:
    with db.write() as s:
        return groups_svc.create_group(s, "Harbour Lights Peer Group", timezone="UTC").id


def _goal(db, group_id: int, data: GoalInput) -> int:  # noqa: ANN001
    with db.write() as s:
        return goals_svc.add_goal(s, s.get(Group, group_id), data).id


def _problems(db, goal_id: int, today: dt.date = TODAY) -> list[tuple[str, str]]:  # noqa: ANN001
    with db.write() as s:
        return [(p.letter, p.field) for p in goals_svc.smart_check(s.get(Goal, goal_id), today)]


def _count(db, model) -> int:  # noqa: ANN001
    with db.write() as s:
        return s.exec(select(func.count()).select_from(model)).one()


# --- SMART check -------------------------------------------------------------


def test_a_fully_smart_goal_has_no_problems_and_a_full_badge(db, group_id: int):
    goal_id = _goal(db, group_id, FULL)
    assert _problems(db, goal_id) == []
    with db.write() as s:
        assert goals_svc.smart_badge(s.get(Goal, goal_id), TODAY) == "SMART"


@pytest.mark.parametrize(
    ("change", "expected", "words", "badge"),
    [
        (dict(specific="Write more"), [("S", "specific")], "Not specific", "·MART"),
        (dict(measure=""), [("M", "measure")], "No measurable target", "S·ART"),
        (dict(measure="better"), [("M", "measure")], "vague", "S·ART"),
        (dict(achievable=""), [("A", "achievable")], "achievable", "SM·RT"),
        (dict(relevant="  "), [("R", "relevant")], "Relevance not stated", "SMA·T"),
        (dict(due=None), [("T", "due")], "No deadline", "SMAR·"),
        (dict(due=dt.date(2026, 11, 24)), [("T", "due")], "2026-11-24 has passed", "SMAR·"),
    ],
)
def test_smart_check_names_exactly_what_is_missing(
    db, group_id: int, change: dict, expected, words: str, badge: str
):  # noqa: ANN001
    goal_id = _goal(db, group_id, dataclasses.replace(FULL, **change))
    with db.write() as s:
        goal = s.get(Goal, goal_id)
        problems = goals_svc.smart_check(goal, TODAY)
        assert [(p.letter, p.field) for p in problems] == expected
        assert words in problems[0].message
        assert goals_svc.smart_badge(goal, TODAY) == badge


def test_a_goal_with_nothing_but_a_title_misses_every_letter(db, group_id: int):
    goal_id = _goal(db, group_id, GoalInput(title="Get better at feedback"))
    assert [letter for letter, _ in _problems(db, goal_id)] == ["S", "M", "A", "R", "T"]
    with db.write() as s:
        assert goals_svc.smart_badge(s.get(Goal, goal_id), TODAY) == "·····"


def test_a_deadline_today_is_not_yet_past_and_a_closed_goals_deadline_does_not_matter(
    db, group_id: int
):
    due_today = _goal(db, group_id, dataclasses.replace(FULL, due=TODAY))
    assert _problems(db, due_today) == []
    assert _problems(db, due_today, TODAY + dt.timedelta(days=1)) == [("T", "due")]
    achieved = _goal(
        db, group_id, dataclasses.replace(FULL, due=dt.date(2026, 1, 31), status="achieved")
    )
    assert _problems(db, achieved) == []


# --- check-ins ---------------------------------------------------------------


def test_check_ins_give_the_latest_progress_by_date(db, group_id: int):
    goal_id = _goal(db, group_id, FULL)
    with db.write() as s:
        goal = s.get(Goal, goal_id)
        assert goals_svc.latest_progress(s, goal) is None
        goals_svc.add_checkin(s, goal, 57, "Four of seven plans reviewed.", dt.date(2026, 11, 10))
        goals_svc.add_checkin(
            s, goal, "30", "Template agreed.", "2026-10-13"
        )  # entered late, dated earlier
    with db.write() as s:
        goal = s.get(Goal, goal_id)
        assert [(c.on, c.progress, c.note) for c in goals_svc.checkins(s, goal)] == [
            (dt.date(2026, 10, 13), 30, "Template agreed."),
            (dt.date(2026, 11, 10), 57, "Four of seven plans reviewed."),
        ]
        assert goals_svc.latest_progress(s, goal) == 57
        assert goal.status == "open"


def test_a_check_in_at_100_percent_marks_the_goal_achieved(db, group_id: int):
    goal_id = _goal(db, group_id, FULL)
    with db.write() as s:
        goals_svc.add_checkin(s, s.get(Goal, goal_id), 100, "Submitted!", TODAY)
    with db.write() as s:
        goal = s.get(Goal, goal_id)
        assert goal.status == "achieved"
        assert goals_svc.latest_progress(s, goal) == 100
        assert goals_svc.list_goals(s, s.get(Group, group_id), include_closed=False) == []


@pytest.mark.parametrize("progress", [101, -1, "lots", None])
def test_a_check_in_outside_0_to_100_is_refused(db, group_id: int, progress):  # noqa: ANN001
    goal_id = _goal(db, group_id, FULL)
    with db.write() as s, pytest.raises(InputError) as err:
        goals_svc.add_checkin(s, s.get(Goal, goal_id), progress, "", TODAY)
    assert err.value.field == "progress"
    assert "0 to 100" in err.value.message
    assert _count(db, GoalCheckin) == 0


# --- ownership ---------------------------------------------------------------


def test_a_goal_owned_by_a_member_of_another_group_is_refused(db, group_id: int):
    with db.write() as s:
        other = groups_svc.create_group(s, "Northbridge Writing Circle", timezone="UTC")
        outsider = membership_svc.add_member(
            s, other, membership_svc.MemberInput(name="Cara Ng", joined_on="2026-02-03")
        )
        outsider_id = outsider.id
    with db.write() as s, pytest.raises(InputError) as err:
        goals_svc.add_goal(
            s, s.get(Group, group_id), dataclasses.replace(FULL, member_id=outsider_id)
        )
    assert err.value.field == "owner"
    assert "not in this group" in err.value.message
    assert _count(db, Goal) == 0


def test_goals_list_group_goals_first_then_by_horizon_and_due_date(db, group_id: int):
    with db.write() as s:
        group = s.get(Group, group_id)
        priya = membership_svc.add_member(
            s, group, membership_svc.MemberInput(name="Priya Raman", joined_on="2024-09-10")
        )
        goals_svc.add_goal(
            s, group, GoalInput(title="Priya's paper", member_id=priya.id, due="2027-01-31")
        )
        goals_svc.add_goal(
            s, group, GoalInput(title="Group long", horizon="long", due="2027-01-01")
        )
        goals_svc.add_goal(s, group, GoalInput(title="Group late", due="2027-06-30"))
        goals_svc.add_goal(s, group, GoalInput(title="Group soon", due="2027-01-31"))
    with db.write() as s:
        titles = [g.title for g in goals_svc.list_goals(s, s.get(Group, group_id))]
    assert titles == ["Group soon", "Group late", "Group long", "Priya's paper"]


# --- mission -----------------------------------------------------------------


def test_every_mission_version_is_kept_newest_first(db, group_id: int):
    with db.write() as s:
        group = s.get(Group, group_id)
        goals_svc.adopt_mission(s, group, "We help each other teach.", adopted_on="2025-09-09")
        goals_svc.adopt_mission(
            s, group, "We help each other teach and publish.", adopted_on="2026-09-08"
        )
    with db.write() as s:
        group = s.get(Group, group_id)
        history = goals_svc.mission_history(s, group)
        assert [(m.adopted_on, m.text) for m in history] == [
            (dt.date(2026, 9, 8), "We help each other teach and publish."),
            (dt.date(2025, 9, 9), "We help each other teach."),
        ]
        assert goals_svc.current_mission(s, group).text == "We help each other teach and publish."


def test_the_mission_is_revisited_within_12_months_by_default(db, group_id: int):
    with db.write() as s:
        m = goals_svc.adopt_mission(
            s, s.get(Group, group_id), "We help each other teach.", adopted_on="2026-09-08"
        )
        assert m.revisit_by == dt.date(2027, 9, 8)


def test_a_revisit_date_more_than_12_months_ahead_is_refused(db, group_id: int):
    with db.write() as s, pytest.raises(InputError) as err:
        goals_svc.adopt_mission(
            s,
            s.get(Group, group_id),
            "We help each other teach.",
            revisit_by="2027-09-09",
            adopted_on="2026-09-08",
        )
    assert err.value.field == "revisit_by"
    assert "more than 12 months" in err.value.message and "2027-09-08" in err.value.message
    assert _count(db, MissionVersion) == 0


@pytest.mark.parametrize(
    ("revisit", "words"), [("2026-09-08", "not after"), ("2026-09-01", "not after")]
)
def test_a_revisit_date_not_after_adoption_is_refused(db, group_id: int, revisit: str, words: str):
    with db.write() as s, pytest.raises(InputError) as err:
        goals_svc.adopt_mission(
            s, s.get(Group, group_id), "We teach.", revisit_by=revisit, adopted_on="2026-09-08"
        )
    assert err.value.field == "revisit_by" and words in err.value.message
    assert _count(db, MissionVersion) == 0


def test_an_empty_mission_is_refused(db, group_id: int):
    with db.write() as s, pytest.raises(InputError) as err:
        goals_svc.adopt_mission(s, s.get(Group, group_id), "   ", adopted_on="2026-09-08")
    assert err.value.field == "mission" and "empty" in err.value.message
    assert _count(db, MissionVersion) == 0


def test_a_mission_is_overdue_only_after_its_revisit_date(db, group_id: int):
    with db.write() as s:
        m = goals_svc.adopt_mission(
            s,
            s.get(Group, group_id),
            "We help each other teach.",
            revisit_by="2027-09-07",
            adopted_on="2026-09-08",
        )
        assert goals_svc.mission_overdue(m, dt.date(2027, 9, 7)) is False
        assert goals_svc.mission_overdue(m, dt.date(2027, 9, 8)) is True
    assert goals_svc.mission_overdue(None, TODAY) is False


# --- what the goals screen and its dialogs read and save -------------------------


def test_the_goals_view_names_owners_badges_latest_progress_and_the_mission(db, group_id):
    with db.write() as s:
        group = s.get(Group, group_id)
        priya = membership_svc.add_member(
            s, group, membership_svc.MemberInput(name="Priya Raman", joined_on="2025-01-01")
        )
        review = goals_svc.add_goal(s, group, dataclasses.replace(FULL, member_id=priya.id))
        goals_svc.add_goal(s, group, GoalInput(title="Meet monthly"))
        goals_svc.add_checkin(s, review, 60, on="2026-11-10")
        goals_svc.add_checkin(s, review, 30, on="2026-10-13")  # typed later, earlier date
        goals_svc.adopt_mission(
            s, group, "First.", adopted_on="2025-06-01", revisit_by="2026-06-01"
        )
        goals_svc.adopt_mission(
            s, group, "Second.", adopted_on="2025-09-01", revisit_by="2026-09-01"
        )
    with db.read() as s:
        view = goals_svc.goals_view(s, group_id, TODAY)
    assert [(g.owner, g.title, g.badge, g.progress) for g in view.goals] == [
        ("Group", "Meet monthly", "·····", None),
        ("Priya Raman", FULL.title, "SMART", 60),
    ]
    assert [p.letter for p in view.goals[0].problems] == list("SMART")
    assert (view.mission.text, view.mission.overdue, view.earlier_missions) == ("Second.", True, 1)
    with db.read() as s:
        history = goals_svc.mission_history_view(s, group_id, TODAY)
    assert [m.text for m in history] == ["Second.", "First."]


def test_the_goal_form_offers_members_but_not_the_recruitment_list(db, group_id):
    with db.write() as s:
        group = s.get(Group, group_id)
        ada = membership_svc.add_member(
            s, group, membership_svc.MemberInput(name="Ada Byron", joined_on="2025-01-01")
        )
        membership_svc.add_member(
            s, group, membership_svc.MemberInput(name="Tomás Herrera", status="prospective")
        )
        goal_id = goals_svc.add_goal(s, group, dataclasses.replace(FULL, member_id=ada.id)).id
    with db.read() as s:
        new = goals_svc.goal_form(s, group_id, None)
        edit = goals_svc.goal_form(s, group_id, goal_id)
    assert new.goal is None and new.owners == (("Ada Byron", ada.id),)
    assert edit.goal == dataclasses.replace(FULL, member_id=ada.id)
    with db.write() as s:
        assert (
            goals_svc.save_goal(s, group_id, goal_id, dataclasses.replace(FULL, title="New"))
            == goal_id
        )
    with db.read() as s:
        assert s.get(Goal, goal_id).title == "New" and s.get(Goal, goal_id).member_id is None


def test_the_live_smart_check_reads_what_is_typed_without_a_database():
    typed = dataclasses.replace(FULL, due="2027-02-30")  # not a real date yet: no deadline
    assert [(p.letter, p.field) for p in goals_svc.draft_problems(typed, TODAY)] == [("T", "due")]
    assert goals_svc.draft_problems(FULL, TODAY) == []
    assert [p.letter for p in goals_svc.draft_problems(FULL, dt.date(2027, 7, 1))] == ["T"]


def test_a_check_in_and_a_new_mission_default_to_the_databases_day(make_db):
    from peergroup.clock import FixedClock

    day = dt.date(2027, 3, 2)
    db = make_db(clock=FixedClock(day))
    with db.write() as s:
        group = groups_svc.create_group(s, "Harbour Lights Peer Group", timezone="UTC")
        goal_id = goals_svc.add_goal(s, group, FULL).id
        group_id = group.id
    with db.write() as s:
        checkin_id = goals_svc.check_in(s, goal_id, "40", "halfway there")
        form = goals_svc.mission_form(s, group_id)
        mission_id = goals_svc.new_mission_version(s, group_id, "To grow.")
    assert form == goals_svc.MissionForm("", dt.date(2028, 3, 2))
    with db.read() as s:
        assert s.get(GoalCheckin, checkin_id).on == day
        mission = s.get(MissionVersion, mission_id)
        assert (mission.adopted_on, mission.revisit_by) == (day, dt.date(2028, 3, 2))
