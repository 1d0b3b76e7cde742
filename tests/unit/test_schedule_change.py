"""A changed schedule replaces meetings instead of piling up: preview, then apply."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from peergroup.errors import InputError, PeergroupError
from peergroup.models import ActionItem, Attendance, Decision, Meeting, Minutes, RoleAssignment
from peergroup.services import groups, meetings, membership, roles
from peergroup.services.schedule_change import apply_schedule_change, plan_schedule_change

TODAY = dt.date(2027, 1, 4)  # a Monday
TUESDAYS = "monthly-nth-weekday"


def _group(session, **logistics):  # noqa: ANN001, ANN202
    g = groups.create_group(session, "Changers", timezone="America/New_York")
    for name in ("Ana", "Ben", "Cy", "Dee"):
        membership.add_member(session, g, membership.MemberInput(name=name, joined_on="2026-01-01"))
    _schedule(session, g, **logistics)
    return g


def _schedule(session, g, **logistics):  # noqa: ANN001, ANN202
    spec = dict(frequency=TUESDAYS, weekday="tuesday", nth=2, start_time="07:30")
    spec.update(logistics)
    meetings.set_logistics(session, g, meetings.LogisticsInput(**spec), today=TODAY)


def _scheduled(session, g):  # noqa: ANN001, ANN202
    return [m for m in meetings.list_meetings(session, g) if m.status == "scheduled"]


def test_generating_twice_never_duplicates(db):
    with db.write() as s:
        g = _group(s)
        first = apply_schedule_change(s, g.id, TODAY)
        assert (first.added, first.cancelled) == (6, 0)  # second Tuesdays, Jan to Jun
        again = plan_schedule_change(s, g.id, TODAY)
        assert not again.changes and again.unchanged == 6
        second = apply_schedule_change(s, g.id, TODAY)
        assert (second.added, second.cancelled) == (0, 0)
        assert second.summary().startswith("Nothing to change")
        assert len(meetings.list_meetings(s, g)) == 6


def test_a_new_weekday_cancels_the_old_dates_adds_the_new_and_keeps_what_has_records(db):
    with db.write() as s:
        g = _group(s)
        apply_schedule_change(s, g.id, TODAY)  # Jan 12, Feb 9, Mar 9, Apr 13, May 11, Jun 8
        by_day = {m.on: m for m in meetings.list_meetings(s, g)}
        ana = membership.find_member(s, g, "Ana")
        with_minutes = by_day[dt.date(2027, 2, 9)]
        s.add(Minutes(meeting_id=with_minutes.id, text="We met early."))
        with_attendance = by_day[dt.date(2027, 3, 9)]
        s.add(Attendance(meeting_id=with_attendance.id, member_id=ana.id, status="present"))
        with_decision = by_day[dt.date(2027, 4, 13)]
        s.add(Decision(meeting_id=with_decision.id, text="Meet in person."))
        with_item = by_day[dt.date(2027, 5, 11)]
        s.add(ActionItem(group_id=g.id, meeting_id=with_item.id, text="Book the room"))
        moved = by_day[dt.date(2027, 6, 8)]
        meetings.move_meeting(s, moved, "2027-06-10")
        only_apologies = by_day[dt.date(2027, 1, 12)]
        s.add(Attendance(meeting_id=only_apologies.id, member_id=ana.id, status="apologies"))
        s.flush()
        before = {m.id: m.sequence for m in meetings.list_meetings(s, g)}

        _schedule(s, g, frequency="weekly", weekday="thursday", nth=None, first_meeting="")
        plan = plan_schedule_change(s, g.id, TODAY)
        assert [p.on for p in plan.cancel] == [dt.date(2027, 1, 12)]
        assert {p.meeting_id: p.reason for p in plan.keep} == {
            with_minutes.id: "has minutes",
            with_attendance.id: "attendance taken",
            with_decision.id: "decisions recorded",
            with_item.id: "action items recorded",
            moved.id: "moved by hand",
        }
        assert all(p.on.weekday() == 3 for p in plan.add)
        assert plan.add[0].on == dt.date(2027, 1, 7)  # the first Thursday from today
        # the Thursday the hand-moved meeting already sits on is not doubled
        assert dt.date(2027, 6, 10) not in [p.on for p in plan.add]
        assert any("10 Jun 2027" in n and "no second meeting" in n for n in plan.notes)
        assert s.exec(select(Meeting).where(Meeting.status == "cancelled")).all() == []

        done = apply_schedule_change(s, g.id, TODAY, expected=plan)
        assert (done.cancelled, done.added, done.kept) == (1, len(plan.add), 5)
        after = {m.id: m for m in meetings.list_meetings(s, g)}
        assert after[only_apologies.id].status == "cancelled"
        assert after[only_apologies.id].sequence == before[only_apologies.id] + 1
        for kept in (with_minutes, with_attendance, with_decision, with_item, moved):
            assert after[kept.id].status == "scheduled"
        thursdays = [m for m in _scheduled(s, g) if m.on.weekday() == 3]
        # 26 Thursdays in six months, one of them the meeting moved there by hand
        assert len(thursdays) == 26
        assert len(_scheduled(s, g)) == 26 + 4  # not 6 + 26 piled up
        # roles were rotated over the result
        for m in _scheduled(s, g):
            held = s.exec(select(RoleAssignment).where(RoleAssignment.meeting_id == m.id)).all()
            assert len(held) == 2
        assert not plan_schedule_change(s, g.id, TODAY).changes


def test_changing_back_brings_the_cancelled_meetings_back_instead_of_adding_twins(db):
    with db.write() as s:
        g = _group(s)
        apply_schedule_change(s, g.id, TODAY)
        tuesdays = {m.on: (m.id, m.uid) for m in meetings.list_meetings(s, g)}
        _schedule(s, g, frequency="weekly", weekday="thursday", nth=None, first_meeting="")
        apply_schedule_change(s, g.id, TODAY)
        _schedule(s, g, first_meeting="")
        plan = plan_schedule_change(s, g.id, TODAY)
        assert {p.on: p.meeting_id for p in plan.add} == {
            day: mid for day, (mid, _uid) in tuesdays.items()
        }
        apply_schedule_change(s, g.id, TODAY)
        scheduled = _scheduled(s, g)
        assert {m.on: (m.id, m.uid) for m in scheduled} == tuesdays
        assert all(m.sequence >= 2 for m in scheduled)  # cancelled, then back: calendars follow
        uids = [m.uid for m in meetings.list_meetings(s, g)]
        assert len(uids) == len(set(uids))


def test_a_meeting_cancelled_by_hand_stays_cancelled(db):
    with db.write() as s:
        g = _group(s)
        apply_schedule_change(s, g.id, TODAY)
        march = next(m for m in meetings.list_meetings(s, g) if m.on == dt.date(2027, 3, 9))
        meetings.cancel_meeting(s, march)
        assert not plan_schedule_change(s, g.id, TODAY).changes
        apply_schedule_change(s, g.id, TODAY)
        assert march.status == "cancelled"
        assert len(meetings.list_meetings(s, g)) == 6


def test_past_meetings_are_never_touched(db):
    with db.write() as s:
        g = _group(s)
        apply_schedule_change(s, g.id, TODAY)
        later = dt.date(2027, 3, 1)
        _schedule(s, g, frequency="weekly", weekday="friday", nth=None, first_meeting="")
        apply_schedule_change(s, g.id, later)
        past = [m for m in meetings.list_meetings(s, g) if m.on < later]
        assert [(m.on, m.status, m.sequence) for m in past] == [
            (dt.date(2027, 1, 12), "scheduled", 1),  # 1: roles rotated, nothing else
            (dt.date(2027, 2, 9), "scheduled", 1),
        ]


def test_a_date_list_past_the_horizon_is_reported_and_added_on_extend(db):
    dates = [dt.date(2027, m, 15) for m in range(1, 10)]  # January to September
    with db.write() as s:
        g = _group(s, frequency="custom", weekday=None, nth=None, dates=dates)
        plan = plan_schedule_change(s, g.id, TODAY)
        assert plan.until == dt.date(2027, 7, 3)
        assert [p.on for p in plan.add] == dates[:6]
        assert plan.notes == (
            "3 dates after 2027-07-03 are not planned yet; they will be added when you extend (+).",
        )
        apply_schedule_change(s, g.id, TODAY)
        extended = plan_schedule_change(s, g.id, TODAY, extend=True)
        assert [p.on for p in extended.add] == dates[6:] and extended.notes == ()
        apply_schedule_change(s, g.id, TODAY, extend=True)
        assert [m.on for m in _scheduled(s, g)] == dates


def test_a_time_limited_group_never_meets_after_its_end(db):
    with db.write() as s:
        g = _group(s, frequency="weekly", weekday="tuesday", nth=None)
        groups.set_membership_rules(
            s, g, target_size=6, membership="time-limited", end_date="2027-04-30"
        )
        plan = plan_schedule_change(s, g.id, TODAY)
        assert "The group ends on 2027-04-30: no meetings after it." in plan.notes
        assert plan.add[-1].on == dt.date(2027, 4, 27) and plan.until == dt.date(2027, 4, 30)
        apply_schedule_change(s, g.id, TODAY)
        apply_schedule_change(s, g.id, TODAY, extend=True)
        assert max(m.on for m in meetings.list_meetings(s, g)) == dt.date(2027, 4, 27)
        last = _scheduled(s, g)[-1]
        with pytest.raises(InputError, match="ends on Fri 30 Apr 2027"):
            meetings.move_meeting(s, last, "2027-05-04")
        # the end moves earlier: meetings after it are cancelled, not left behind
        groups.set_membership_rules(
            s, g, target_size=6, membership="time-limited", end_date="2027-03-31"
        )
        plan = plan_schedule_change(s, g.id, TODAY)
        assert [p.on for p in plan.cancel] == [dt.date(2027, 4, d) for d in (6, 13, 20, 27)]
        apply_schedule_change(s, g.id, TODAY)
        assert max(m.on for m in _scheduled(s, g)) == dt.date(2027, 3, 30)


def test_a_list_of_dates_cut_by_the_group_end_says_so(db):
    dates = [dt.date(2027, 2, 1), dt.date(2027, 5, 3), dt.date(2027, 6, 7)]
    with db.write() as s:
        g = _group(s, frequency="custom", weekday=None, nth=None, dates=dates)
        groups.set_membership_rules(
            s, g, target_size=6, membership="time-limited", end_date="2027-04-30"
        )
        plan = plan_schedule_change(s, g.id, TODAY)
        assert [p.on for p in plan.add] == dates[:1]
        assert plan.notes == (
            "The group ends on 2027-04-30: no meetings after it (2 dates on the list are later).",
        )


def test_a_stale_preview_is_not_applied(db):
    with db.write() as s:
        g = _group(s)
        plan = plan_schedule_change(s, g.id, TODAY)
        meetings.add_skip_date(s, g, "2027-03-09")
        with pytest.raises(PeergroupError, match="changed since this preview"):
            apply_schedule_change(s, g.id, TODAY, expected=plan)
        assert meetings.list_meetings(s, g) == []


def test_planning_without_a_schedule_says_what_to_do_first(db):
    with db.write() as s:
        g = groups.create_group(s, "No schedule", timezone="UTC")
        with pytest.raises(InputError, match="set how often and when"):
            plan_schedule_change(s, g.id, TODAY)


def test_moving_onto_a_time_the_group_already_meets_is_refused(db):
    with db.write() as s:
        g = _group(s, frequency="weekly", weekday="tuesday", nth=None)
        apply_schedule_change(s, g.id, TODAY)
        first, second = _scheduled(s, g)[:2]
        with pytest.raises(InputError) as err:
            meetings.move_meeting(s, first, second.on, "08:00")
        assert err.value.field == "on"
        assert "the meeting of Tue 12 Jan 2027, 07:30–08:30" in err.value.message
        assert (first.on, first.sequence) == (dt.date(2027, 1, 5), 1)
        meetings.move_meeting(s, first, second.on, "08:30")  # right after it: fine
        assert first.on == second.on and first.start_time == dt.time(8, 30)
        roles.rotate(s, g, today=TODAY)


def test_a_meeting_restored_by_hand_after_a_change_is_kept_by_later_planning(db):
    with db.write() as s:
        g = _group(s)
        apply_schedule_change(s, g.id, TODAY)
        _schedule(s, g, frequency="weekly", weekday="thursday", nth=None, first_meeting="")
        apply_schedule_change(s, g.id, TODAY)
        march = next(m for m in meetings.list_meetings(s, g) if m.on == dt.date(2027, 3, 9))
        assert march.status == "cancelled"
        meetings.restore_meeting(s, march)
        plan = plan_schedule_change(s, g.id, TODAY)
        assert [(p.meeting_id, p.reason) for p in plan.keep] == [
            (march.id, "restored or added by hand")
        ]
        assert not plan.changes
        # back to Tuesdays: the restored one is not doubled
        _schedule(s, g, first_meeting="")
        apply_schedule_change(s, g.id, TODAY)
        on_day = [m for m in _scheduled(s, g) if m.on == dt.date(2027, 3, 9)]
        assert [m.id for m in on_day] == [march.id]
        assert all(m.on.weekday() == 1 for m in _scheduled(s, g))


def test_the_roadmap_asks_a_time_limited_group_only_for_dates_up_to_its_end(db):
    with db.write() as s:
        g = _group(s, frequency="weekly", weekday="tuesday", nth=None)
        groups.set_membership_rules(
            s, g, target_size=6, membership="time-limited", end_date="2027-03-10"
        )
        wanted = "Set meeting dates six months ahead."
        assert wanted in meetings.step_status(s, g, TODAY).missing
        apply_schedule_change(s, g.id, TODAY)
        assert wanted not in meetings.step_status(s, g, TODAY).missing


def test_the_preview_names_what_was_planned_for_a_meeting_it_cancels(db):
    from peergroup.models import Topic

    with db.write() as s:
        g = _group(s)
        apply_schedule_change(s, g.id, TODAY)
        by_day = {m.on: m for m in meetings.list_meetings(s, g)}
        topic = Topic(group_id=g.id, family="career", title="Promotion <dossiers>")
        s.add(topic)
        s.flush()
        planned = by_day[dt.date(2027, 2, 9)]
        planned.topic_id, planned.agenda_note = topic.id, "Bring your CV"
        s.add(planned)
        roles.assign(
            s, planned, roles.find_role(s, g, "Scribe"), membership.find_member(s, g, "Dee")
        )
        _schedule(s, g, weekday="thursday")
        plan = plan_schedule_change(s, g.id, TODAY)
    going = {c.on: c.reason for c in plan.cancel}
    assert going[dt.date(2027, 2, 9)] == (
        "topic \u201cPromotion <dossiers>\u201d, an agenda note, roles given by hand"
    )
    assert going[dt.date(2027, 3, 9)] == ""  # nothing planned there
    from screens.dialogs.calendar import describe_plan

    shown = describe_plan(plan).plain
    assert "Promotion <dossiers>" in shown and "(kept with the cancelled meeting)" in shown
