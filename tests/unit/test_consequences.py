"""Step 9: the anonymous check for unintended consequences, and its signals.

Stories: the facilitator opens a check; two members answer and nothing is
shown yet ("not enough answers to show without identifying anyone"); the
third answer shows the means, never whose they are. A score of 7, a second
answer from the same member, or an unknown question is refused with nothing
saved. Each signal fires on data that should worry a group and stays quiet
otherwise.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import func, select

from peergroup.errors import InputError
from peergroup.models import (
    Attendance,
    ConsequenceAnswer,
    ConsequenceRespondent,
    Goal,
    Group,
    Meeting,
    Role,
    RoleAssignment,
)
from peergroup.services import anonymity
from peergroup.services import consequences as checks_svc
from peergroup.services import groups as groups_svc
from peergroup.services import membership as membership_svc
from peergroup.services import signals as signals_svc
from peergroup.services.consequences_view import consequences_view

TODAY = dt.date(2026, 11, 25)
ALL_FOUR = {"enmeshment": 2, "niche_overlap": 2, "exclusivity": 2, "worth_time": 4}


@pytest.fixture
def group(db):
    with db.write() as s:
        g = groups_svc.create_group(s, "Harbour Lights Peer Group", timezone="UTC")
        groups_svc.set_membership_rules(s, g, target_size=6, membership="ongoing")
        ids = {}
        for name in ("Ada Byron", "Ben Osei", "Cy Lee", "Dee Park", "Eve Stone"):
            m = membership_svc.add_member(
                s, g, membership_svc.MemberInput(name=name, joined_on="2023-01-10")
            )
            ids[name.split()[0].lower()] = m.id
        return g.id, ids


def _counts(db) -> tuple[int, int]:  # noqa: ANN001
    with db.read() as s:
        return (
            s.exec(select(func.count()).select_from(ConsequenceRespondent)).one(),
            s.exec(select(func.count()).select_from(ConsequenceAnswer)).one(),
        )


def _check(db, group_id: int, on: str = "2026-11-10") -> int:  # noqa: ANN001
    with db.write() as s:
        return checks_svc.open_check(s, group_id, on, today=TODAY)


def _answer(db, check_id: int, member_id: int, scores: dict) -> int:  # noqa: ANN001
    with db.write() as s:
        return checks_svc.answer(s, check_id, member_id, scores)


# --- anonymity ---------------------------------------------------------------------------


def test_results_show_only_from_three_answers_and_never_who(db, group):
    group_id, p = group
    check = _check(db, group_id)
    _answer(db, check, p["ada"], {**ALL_FOUR, "worth_time": 5})
    _answer(db, check, p["ben"], {**ALL_FOUR, "worth_time": 1})
    with db.read() as s:
        hidden = checks_svc.summary(s, check)
    assert (hidden.respondents, hidden.shown) == (2, False)
    assert hidden.message == anonymity.TOO_FEW.format(n=3)
    assert "without identifying anyone" in hidden.message
    assert all(q.mean is None and q.low is None and q.answers == 0 for q in hidden.questions)

    assert _answer(db, check, p["cy"], {**ALL_FOUR, "worth_time": 3}) == 3
    with db.read() as s:
        shown = checks_svc.summary(s, check)
    worth = next(q for q in shown.questions if q.key == "worth_time")
    assert (shown.shown, worth.mean, worth.low, worth.high, worth.answers) == (True, 3.0, 1, 5, 3)
    assert shown.eligible == 5
    # The answer rows carry no member: nothing links a score to a person.
    assert "member_id" not in ConsequenceAnswer.model_fields
    with db.read() as s:
        ids = sorted(a.id for a in s.exec(select(ConsequenceAnswer)))
    assert ids != list(range(ids[0], ids[0] + len(ids)))  # random ids: no order of answering


@pytest.mark.parametrize(
    ("scores", "field", "says"),
    [
        ({**ALL_FOUR, "worth_time": 7}, "worth_time", "7 is out of range"),
        ({**ALL_FOUR, "worth_time": 0}, "worth_time", "out of range"),
        ({**ALL_FOUR, "exclusivity": "lots"}, "exclusivity", "not a whole number"),
        ({"made_up": 3}, "made_up", "not one of the check's questions"),
        ({k: "" for k in ALL_FOUR}, "enmeshment", "give at least one"),
    ],
    ids=["seven", "zero", "words", "unknown-question", "nothing"],
)
def test_a_bad_score_is_refused_and_nothing_is_half_saved(db, group, scores, field, says):
    group_id, p = group
    check = _check(db, group_id)
    with pytest.raises(InputError) as err:
        _answer(db, check, p["ada"], scores)
    assert err.value.field == field and says in err.value.message
    assert _counts(db) == (0, 0)


def test_a_member_answers_a_check_once(db, group):
    group_id, p = group
    check = _check(db, group_id)
    _answer(db, check, p["ada"], ALL_FOUR)
    before = _counts(db)
    with pytest.raises(InputError) as err:
        _answer(db, check, p["ada"], {**ALL_FOUR, "worth_time": 1})
    assert err.value.field == "member"
    assert "Ada Byron has already answered this check" in err.value.message
    assert _counts(db) == before == (1, 4)


def test_only_active_members_answer_and_only_the_newest_check(db, group):
    group_id, p = group
    first = _check(db, group_id, "2026-05-12")
    _check(db, group_id, "2026-11-10")
    with pytest.raises(InputError) as err:
        _answer(db, first, p["ada"], ALL_FOUR)
    assert "newer check was opened on 2026-11-10" in err.value.message
    with db.write() as s:
        membership_svc.leave_group(s, p["eve"], "2026-11-01")
    with db.read() as s:
        form = checks_svc.answer_form(s, group_id)
    assert [x.name for x in form.still_to_answer] == ["Ada Byron", "Ben Osei", "Cy Lee", "Dee Park"]
    with pytest.raises(InputError) as err:
        _answer(db, form.check_id, p["eve"], ALL_FOUR)
    assert "not an active member" in err.value.message


def test_opening_checks_too_close_together_or_out_of_order_is_refused(db, group):
    group_id, _p = group
    _check(db, group_id, "2026-11-10")
    for on, says in (("2026-11-12", "less than 14 days"), ("2026-10-01", "must come after")):
        with pytest.raises(InputError) as err:
            _check(db, group_id, on)
        assert says in err.value.message


def test_the_trend_has_each_questions_mean_per_check(db, group):
    group_id, p = group
    for on, worth in (("2026-05-12", (4, 5, 4)), ("2026-11-10", (2, 3, 2))):
        check = _check(db, group_id, on)
        for who, score in zip(("ada", "ben", "cy"), worth, strict=True):
            _answer(db, check, p[who], {**ALL_FOUR, "worth_time": score})
    with db.read() as s:
        trend = checks_svc.trend(s, group_id)
    assert trend.checks == (dt.date(2026, 5, 12), dt.date(2026, 11, 10))
    row = next(r for r in trend.rows if r.key == "worth_time")
    assert row.means == (4.33, 2.33) and row.concern_when == "low"
    assert next(r for r in trend.rows if r.key == "shared_load").means == (None, None)


# --- the step's status ----------------------------------------------------------------


def _status(db, group_id: int, today: dt.date = TODAY):  # noqa: ANN001
    with db.read() as s:
        return checks_svc.step_status(s, s.get(Group, group_id), today)


def test_the_step_asks_for_a_first_check_then_answers_then_is_due_again(db, group):
    group_id, p = group
    assert _status(db, group_id).state == "todo"
    check = _check(db, group_id, "2026-11-10")
    status = _status(db, group_id)
    assert status.state == "partial" and "0 of 5 active members have answered" in status.next_action
    for who in ("ada", "ben", "cy"):
        _answer(db, check, p[who], ALL_FOUR)
    assert _status(db, group_id).state == "done"
    later = _status(db, group_id, dt.date(2027, 5, 11))
    assert later.state == "attention"
    assert later.next_action.startswith("The consequences check is due")
    with db.write() as s:
        checks_svc.set_interval(s, group_id, 12)
    assert _status(db, group_id, dt.date(2027, 5, 11)).state == "done"
    with pytest.raises(InputError), db.write() as s:
        checks_svc.set_interval(s, group_id, 30)


# --- signals: each fires on worrying data, and stays quiet otherwise ---------------------


def _signal(db, group_id: int, key: str, today: dt.date = TODAY) -> signals_svc.Signal:  # noqa: ANN001
    with db.read() as s:
        found = {x.key: x for x in signals_svc.signals(s, s.get(Group, group_id), today)}
    assert found[key].advice, key
    return found[key]


def test_no_new_member_for_two_years(db, group):
    group_id, _p = group
    fired = _signal(db, group_id, "no_new_member")
    assert fired.state == "fires" and "Nobody has joined since 10 Jan 2023" in fired.evidence
    with db.write() as s:
        membership_svc.add_member(
            s,
            s.get(Group, group_id),
            membership_svc.MemberInput(name="Fay New", joined_on="2026-09-08"),
        )
    quiet = _signal(db, group_id, "no_new_member")
    assert quiet.state == "quiet" and "Fay New" in quiet.evidence


def _meetings(db, group_id: int, days: list[str], present: list[int]) -> list[int]:  # noqa: ANN001
    """Meetings on ``days`` where the first ``present[i]`` members were present."""
    ids = []
    with db.write() as s:
        members = membership_svc.list_members(s, s.get(Group, group_id), ("active",))
        for day, n in zip(days, present, strict=True):
            m = Meeting(group_id=group_id, on=dt.date.fromisoformat(day), start_time=dt.time(8))
            s.add(m)
            s.flush()
            ids.append(m.id)
            for i, member in enumerate(members):
                status = "present" if i < n else "absent"
                s.add(Attendance(meeting_id=m.id, member_id=member.id, status=status))
    return ids


MONTHLY = ["2026-05-12", "2026-06-09", "2026-07-14", "2026-09-08", "2026-10-13", "2026-11-10"]


def test_attendance_falling(db, group):
    group_id, _p = group
    assert _signal(db, group_id, "attendance_falling").state == "no-data"
    _meetings(db, group_id, MONTHLY, [5, 5, 5, 3, 3, 2])
    fired = _signal(db, group_id, "attendance_falling")
    assert fired.state == "fires"
    assert "Last 3 meetings: 53% present; the 3 before: 100%" in fired.evidence


def test_steady_attendance_is_quiet(db, group):
    group_id, _p = group
    _meetings(db, group_id, MONTHLY, [5, 4, 5, 4, 5, 4])
    assert _signal(db, group_id, "attendance_falling").state == "quiet"


def _rotate(db, group_id: int, holders: list[list[int]]) -> None:  # noqa: ANN001
    """One past meeting per entry, the rotating roles given to these members."""
    with db.write() as s:
        roles = [r for r in s.exec(select(Role).where(Role.group_id == group_id)) if r.rotates]
        for i, who in enumerate(holders):
            m = Meeting(group_id=group_id, on=dt.date(2026, 6 + i, 9), start_time=dt.time(8))
            s.add(m)
            s.flush()
            for role, member in zip(roles, who, strict=False):
                s.add(RoleAssignment(meeting_id=m.id, role_id=role.id, member_id=member))


def test_the_same_members_hold_the_roles(db, group):
    group_id, p = group
    _rotate(db, group_id, [[p["ada"], p["ben"]], [p["ada"], p["ben"]], [p["ben"], p["ada"]]])
    fired = _signal(db, group_id, "roles_concentrated")
    assert fired.state == "fires"
    assert "Ben Osei (3), Ada Byron (3) took two or more turns" in fired.evidence
    assert "Cy Lee, Dee Park, Eve Stone had none" in fired.evidence


def test_roles_passed_round_are_quiet(db, group):
    group_id, p = group
    _rotate(db, group_id, [[p["ada"], p["ben"]], [p["cy"], p["dee"]], [p["eve"], p["ada"]]])
    assert _signal(db, group_id, "roles_concentrated").state == "quiet"


def test_openings_with_an_empty_recruitment_list(db, group):
    group_id, _p = group
    fired = _signal(db, group_id, "openings_unfilled")
    assert fired.state == "fires" and "1 opening(s) and nobody on the recruitment list" in (
        fired.evidence
    )
    with db.write() as s:
        membership_svc.add_member(
            s,
            s.get(Group, group_id),
            membership_svc.MemberInput(name="Gil Next", status="prospective"),
        )
    assert _signal(db, group_id, "openings_unfilled").state == "quiet"


def _goals(db, group_id: int, titles: dict[int, str]) -> None:  # noqa: ANN001
    with db.write() as s:
        for member_id, title in titles.items():
            s.add(Goal(group_id=group_id, member_id=member_id, title=title))


def test_several_members_goals_on_one_subject(db, group):
    group_id, p = group
    _goals(
        db,
        group_id,
        {
            p["ada"]: "Lead an ultrasound teaching workshop",
            p["ben"]: "Publish on ultrasound curricula",
            p["cy"]: "Build an ultrasound skills lab",
            p["dee"]: "Submit the promotion dossier",
        },
    )
    fired = _signal(db, group_id, "niche_overlap")
    assert fired.state == "fires"
    assert "3 members' open goals share the subject 'ultraso'" in fired.evidence


def test_goals_on_different_subjects_are_quiet(db, group):
    group_id, p = group
    _goals(
        db,
        group_id,
        {
            p["ada"]: "Lead an ultrasound teaching workshop",
            p["ben"]: "Submit the promotion dossier",
            p["cy"]: "Become clerkship director",
        },
    )
    assert _signal(db, group_id, "niche_overlap").state == "quiet"


def test_meetings_running_over_are_not_recorded_so_no_data(db, group):
    group_id, _p = group
    sig = _signal(db, group_id, "meetings_overrun")
    assert sig.state == "no-data" and "not when it ended" in sig.evidence


def _scored_check(db, group_id, p, on: str, worth: tuple[int, int, int]) -> None:  # noqa: ANN001
    check = _check(db, group_id, on)
    for who, score in zip(("ada", "ben", "cy"), worth, strict=True):
        _answer(db, check, p[who], {"worth_time": score})


def test_low_worth_my_time_scores(db, group):
    group_id, p = group
    assert _signal(db, group_id, "low_worth_time").state == "no-data"
    _scored_check(db, group_id, p, "2026-05-12", (4, 5, 4))
    assert _signal(db, group_id, "low_worth_time").state == "quiet"
    _scored_check(db, group_id, p, "2026-11-10", (3, 2, 3))
    fired = _signal(db, group_id, "low_worth_time")
    assert fired.state == "fires"
    assert "averages 2.7 of 5 in the check of 10 Nov 2026 (3 answers), 4.3 in the one before" in (
        fired.evidence
    )


def test_a_check_that_is_overdue(db, group):
    group_id, p = group
    assert _signal(db, group_id, "check_overdue").state == "fires"  # never done
    _scored_check(db, group_id, p, "2026-05-12", (4, 4, 4))
    fired = _signal(db, group_id, "check_overdue")
    assert fired.state == "fires" and "Due since 12 Nov 2026" in fired.evidence
    assert _signal(db, group_id, "check_overdue", dt.date(2026, 11, 1)).state == "quiet"


def test_the_screen_view_puts_firing_signals_first(db, group):
    group_id, _p = group
    with db.read() as s:
        view = consequences_view(s, group_id, TODAY)
    states = [x.state for x in view.signals]
    assert states == sorted(states, key=["fires", "quiet", "no-data"].index)
    assert (view.summary, view.index, view.overdue) == (None, -1, True)
