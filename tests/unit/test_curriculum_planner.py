"""The curriculum planner: topics for the upcoming meetings from the ranking.

Stories: the planner puts the most wanted topic first and never repeats a
topic within the window; a three-part series lands on three consecutive
meetings in order; a meeting set by hand survives planning again; a cancelled
meeting is not planned; changing a meeting's topic raises its calendar
SEQUENCE and every view shows the same line.
"""

from __future__ import annotations

import datetime as dt

import pytest
from curriculum_helpers import FIRST, TODAY, build_group
from sqlmodel import select

from peergroup.errors import InputError
from peergroup.models import Meeting, PlanEntry
from peergroup.services import (
    calendar_export,
    calendar_views,
    curriculum,
    groups,
    meetings,
    minutes,
    needs,
    topics,
    tracking,
)
from peergroup.services.planner import Candidate, Carry, Placement, Slot, propose

D = dt.date


START = D(2027, 1, 12)


def _slots(n: int, start: D = START, fixed: dict | None = None) -> list[Slot]:
    fixed = fixed or {}
    out = []
    for i in range(n):
        on = start + dt.timedelta(days=28 * i)
        p, fam = fixed.get(i, (None, ""))
        out.append(Slot(100 + i, on, p, fam))
    return out


# --- the proposal, as a pure function -----------------------------------------------


def test_highest_interest_first_and_no_repeat_within_the_window():
    cands = [Candidate(1, "career"), Candidate(2, "growth"), Candidate(3, "navigating")]
    covered = {2: [D(2026, 12, 1)]}  # topic 2 covered last month
    plan = propose(_slots(4), cands, covered, repeat_months=3)
    got = [plan[100 + i].topic_id if plan[100 + i] else None for i in range(4)]
    # topic 2 is blocked until March; nothing may come back within 3 months, so April
    # (3 months after January's topic 1 would be 12 April) stays empty
    assert got == [1, 3, 2, None]
    days = {100 + i: s.on for i, s in enumerate(_slots(4))}
    for t in (1, 2, 3):
        placed = sorted(days[m] for m, p in plan.items() if p and p.topic_id == t)
        for a, b in zip(placed, placed[1:], strict=False):
            assert (b - a).days >= 89
    longer = propose(_slots(4), cands, covered, repeat_months=1)
    assert [longer[100 + i].topic_id for i in range(4)] == [1, 2, 1, 2]


def test_a_series_goes_on_consecutive_meetings_in_order_or_not_at_all():
    cands = [Candidate(1, "scholarly", parts=3), Candidate(2, "career")]
    fixed = {1: (Placement("topic", 9), "growth")}  # the second meeting is set by hand
    plan = propose(_slots(5, fixed=fixed), cands, {}, repeat_months=12)
    # 3 parts do not fit before the fixed meeting: topic 2 goes first, the series after
    assert plan[100] == Placement("topic", 2)
    assert [plan[102 + k] for k in range(3)] == [Placement("topic", 1, k + 1, 3) for k in range(3)]
    assert 101 not in plan  # the fixed meeting is left alone
    short = propose(_slots(2), [Candidate(1, "scholarly", parts=3)], {}, repeat_months=12)
    assert short == {100: None, 101: None}  # never half a series


def test_families_share_the_plan_before_one_family_takes_a_second_turn():
    cands = [
        Candidate(1, "career"),
        Candidate(2, "career"),
        Candidate(3, "career"),
        Candidate(4, "growth"),
    ]
    plan = propose(_slots(4), cands, {}, repeat_months=12)
    got = [plan[100 + i].topic_id for i in range(4)]
    assert got == [1, 2, 4, 3]  # cap ceil(4/2) = 2 per family, relaxed when nothing else fits


def test_open_slots_and_a_series_carried_over_from_a_held_meeting():
    cands = [Candidate(1, "career"), Candidate(2, "growth"), Candidate(3, "navigating")]
    plan = propose(_slots(4), cands, {}, repeat_months=12, open_every=3, carry=Carry(7, 2, 3))
    assert plan[100] == Placement("topic", 7, 2, 3) and plan[101] == Placement("topic", 7, 3, 3)
    assert plan[102] == Placement("open")
    assert plan[103] == Placement("topic", 1)


# --- the group's plan ------------------------------------------------------------


def _lines(s, gid):  # noqa: ANN001, ANN202
    return [(m.on, topics.topic_line(s, m)) for m in curriculum.upcoming(s, gid, TODAY)]


def _rate(s, gid, people, topics_by_key, scores):  # noqa: ANN001, ANN202
    rid = needs.open_round(s, gid, TODAY, TODAY + dt.timedelta(days=7), TODAY)
    for pid in people.values():
        needs.save_ratings(s, rid, pid, {topics_by_key[k]: v for k, v in scores.items()}, "", TODAY)
    needs.change_round(s, rid, TODAY, TODAY + dt.timedelta(days=7), True, TODAY)
    return rid


def test_applying_the_plan_follows_the_ratings_and_planning_again_changes_nothing(db):
    with db.write() as s:
        gid, people, t = build_group(s)
        _rate(
            s,
            gid,
            people,
            t,
            {
                "scholarly-manuscript-critique": 5,
                "career-saying-no": 4,
                "growth-peer-observation": 3,
            },
        )
        before = {m.id: m.sequence for m in curriculum.upcoming(s, gid, TODAY)}
        said = curriculum.apply_plan(s, gid, TODAY)
        assert said.startswith("Planned 6 meeting(s)")
        lines = _lines(s, gid)
        assert lines[0] == (FIRST, "Critiquing a member's manuscript (part 1 of 3)")
        assert [x[1] for x in lines[1:3]] == [
            "Critiquing a member's manuscript (part 2 of 3)",
            "Critiquing a member's manuscript (part 3 of 3)",
        ]
        assert lines[3][1] == "Saying no and protecting your time"
        after = {m.id: m.sequence for m in curriculum.upcoming(s, gid, TODAY)}
        assert all(after[k] == before[k] + 1 for k in before)  # calendars update
        assert curriculum.plan_proposal(s, gid, TODAY).changes == ()
        assert curriculum.apply_plan(s, gid, TODAY).startswith("Nothing to change")
        assert {m.id: m.sequence for m in curriculum.upcoming(s, gid, TODAY)} == after


def test_a_meeting_set_by_hand_is_kept_when_the_plan_is_made_again(db):
    with db.write() as s:
        gid, people, t = build_group(s)
        _rate(s, gid, people, t, {"navigating-burnout": 5, "career-saying-no": 4})
        curriculum.apply_plan(s, gid, TODAY)
        ms = curriculum.upcoming(s, gid, TODAY)
        curriculum.set_meeting_plan(s, ms[0].id, "topic", t["growth-award-nominations"], 1, TODAY)
        curriculum.set_meeting_plan(s, ms[2].id, "open", today=TODAY)
        proposal = curriculum.plan_proposal(s, gid, TODAY)
        assert proposal.kept == 2
        curriculum.apply_plan(s, gid, TODAY, expected=proposal)
        lines = [line for _on, line in _lines(s, gid)]
        assert lines[0] == "Nominating each other for awards" and lines[2] == topics.OPEN_SLOT
        assert lines[1] == "Recognising and responding to burnout"  # the top topic moves on
        entry = s.exec(select(PlanEntry).where(PlanEntry.meeting_id == ms[0].id)).one()
        assert entry.manual and entry.kind == "topic"
        # handing it back to the planner: it is planned again on the next run
        curriculum.clear_meeting_plan(s, ms[0].id, TODAY)
        curriculum.apply_plan(s, gid, TODAY)
        assert _lines(s, gid)[0][1] == "Recognising and responding to burnout"


def test_a_series_set_by_hand_spreads_forward_and_refuses_to_overwrite_choices(db):
    with db.write() as s:
        gid, _people, t = build_group(s)
        ms = curriculum.upcoming(s, gid, TODAY)
        curriculum.set_meeting_plan(s, ms[3].id, "topic", t["career-saying-no"], 1, TODAY)
        with pytest.raises(InputError) as err:
            curriculum.set_meeting_plan(
                s, ms[1].id, "topic", t["scholarly-manuscript-critique"], 3, TODAY
            )
        assert err.value.field == "parts" and "set by hand" in err.value.message
        assert s.exec(select(PlanEntry)).all()[0].meeting_id == ms[3].id  # nothing half-saved
        curriculum.set_meeting_plan(s, ms[0].id, "topic", t["scholarly-manuscript-critique"], 3)
        assert [line for _on, line in _lines(s, gid)][:4] == [
            "Critiquing a member's manuscript (part 1 of 3)",
            "Critiquing a member's manuscript (part 2 of 3)",
            "Critiquing a member's manuscript (part 3 of 3)",
            "Saying no and protecting your time",
        ]
        # another topic on part 1: the rest of that series comes off with it
        said = curriculum.set_meeting_plan(s, ms[0].id, "topic", t["navigating-burnout"], 1)
        assert "other 2 part(s)" in said
        assert [line for _on, line in _lines(s, gid)][:3] == [
            "Recognising and responding to burnout",
            "",
            "",
        ]


def test_cancelled_meetings_are_skipped_and_past_ones_refused(db):
    with db.write() as s:
        gid, people, t = build_group(s)
        _rate(s, gid, people, t, {"navigating-burnout": 5, "career-saying-no": 4})
        ms = curriculum.upcoming(s, gid, TODAY)
        meetings.cancel_meeting(s, ms[0])
        curriculum.apply_plan(s, gid, TODAY)
        assert ms[0].topic_id is None
        assert topics.topic_line(s, ms[1]) == "Recognising and responding to burnout"
        for meeting_id, when in ((ms[0].id, TODAY), (ms[1].id, ms[1].on + dt.timedelta(days=1))):
            with pytest.raises(InputError) as err:
                curriculum.set_meeting_plan(s, meeting_id, "open", today=when)
            assert err.value.field == "meeting"
        assert "cancelled" in str(
            pytest.raises(InputError, curriculum.set_meeting_plan, s, ms[0].id, "open").value
        )


def test_retiring_a_topic_frees_upcoming_meetings_and_keeps_history(db):
    with db.write() as s:
        gid, _people, t = build_group(s)
        ms = curriculum.upcoming(s, gid, TODAY)
        burnout = t["navigating-burnout"]
        curriculum.set_meeting_plan(s, ms[0].id, "topic", burnout, 1, TODAY)
        curriculum.set_meeting_plan(s, ms[2].id, "topic", burnout, 1, TODAY)
        later = ms[1].on  # retired after the first meeting was held
        said = topics.retire(s, burnout, later)
        assert "1 upcoming meeting(s)" in said
        assert topics.topic_line(s, ms[0]) == "Recognising and responding to burnout"
        assert ms[2].topic_id is None
        with pytest.raises(InputError) as err:
            topics.add_topic(
                s, gid, topics.TopicInput("recognising and responding to BURNOUT", "growth")
            )
        assert err.value.field == "title" and "retired" in err.value.message
        assert burnout not in [c.topic_id for c in curriculum.candidates(s, gid, later)]
        topics.adopt(s, gid, "navigating-burnout")  # adopting again brings it back
        assert burnout in [c.topic_id for c in curriculum.candidates(s, gid, later)]


def test_topic_titles_are_checked(db):
    with db.write() as s:
        gid, _people, _t = build_group(s)
        for title, family, field in (
            ("   ", "growth", "title"),
            ("Saying no and protecting your time", "career", "title"),
            ("Medical Spanish", "hobbies", "family"),
        ):
            with pytest.raises(InputError) as err:
                topics.add_topic(s, gid, topics.TopicInput(title, family))
            assert err.value.field == field
        with pytest.raises(InputError) as err:
            topics.adopt(s, gid, "career-saying-no")
        assert err.value.field == "title" and "already" in err.value.message
        tid = topics.add_topic(s, gid, topics.TopicInput("Medical Spanish", "growth", parts=2))
        assert topics.get_topic(s, tid).parts == 2


def test_every_view_reads_the_same_topic_line(db):
    with db.write() as s:
        gid, _people, t = build_group(s)
        group = groups.get_group(s, gid)
        ms = curriculum.upcoming(s, gid, TODAY)
        curriculum.set_meeting_plan(s, ms[1].id, "topic", t["scholarly-manuscript-critique"], 3)
        meetings.set_agenda(s, ms[2], title="Priya's review")
        line = "Critiquing a member's manuscript (part 2 of 3): Priya's review"
        assert topics.topic_line(s, ms[2]) == line
        cal = calendar_views.calendar_view(s, gid, TODAY)
        assert next(r.topic for r in cal.rows if r.meeting_id == ms[2].id) == line
        running = tracking.running_list(s, group)
        assert next(r.topic_title for r in running if r.meeting_id == ms[2].id) == line
        assert minutes.open_meeting(s, ms[2], TODAY).topic_title == line
        data, _n = calendar_export.group_calendar(s, group)
        text = data.decode().replace("\r\n ", "")
        assert (
            "SUMMARY:Curriculum crew: Critiquing a member's manuscript (part 2 of 3): Pri" in text
        )


def test_editing_a_topic_title_raises_the_sequence_of_its_meetings(db):
    with db.write() as s:
        gid, _people, t = build_group(s)
        ms = curriculum.upcoming(s, gid, TODAY)
        curriculum.set_meeting_plan(s, ms[0].id, "topic", t["career-saying-no"], 1, TODAY)
        seq = ms[0].sequence
        form = topics.topic_form(s, t["career-saying-no"])
        topics.edit_topic(
            s, form.topic_id, topics.TopicInput("Saying no kindly", form.family, form.description)
        )
        assert ms[0].sequence == seq + 1
        assert s.get(Meeting, ms[0].id).topic_id == t["career-saying-no"]
