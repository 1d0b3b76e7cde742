"""Six months ahead: generate, preview, skip, move, cancel, extend."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import func, select

from peergroup.errors import InputError
from peergroup.models import Meeting
from peergroup.services import groups, meetings

FIRST = dt.date(2027, 1, 12)  # a Tuesday


def _group(session, **logistics):  # noqa: ANN001, ANN202
    g = groups.create_group(session, "Schedulers", timezone="America/New_York")
    spec = dict(
        frequency="monthly-nth-weekday",
        weekday="tuesday",
        nth=2,
        start_time="07:30",
        first_meeting=FIRST,
    )
    spec.update(logistics)
    meetings.set_logistics(session, g, meetings.LogisticsInput(**spec))
    return g


def test_preview_saves_nothing_and_generate_saves_exactly_the_preview(db):
    with db.write() as s:
        g = _group(s)
        preview = meetings.preview_meetings(s, g, today=FIRST)
        assert s.exec(select(func.count()).select_from(Meeting)).one() == 0
        created = meetings.generate_meetings(s, g, today=FIRST)
        assert [m.on for m in created] == preview
        assert preview == [
            dt.date(2027, 1, 12),
            dt.date(2027, 2, 9),
            dt.date(2027, 3, 9),
            dt.date(2027, 4, 13),
            dt.date(2027, 5, 11),
            dt.date(2027, 6, 8),
        ]
        assert meetings.generate_meetings(s, g, today=FIRST) == []  # nothing twice


def test_extend_adds_the_following_months_without_touching_what_is_there(db):
    with db.write() as s:
        g = _group(s)
        first = meetings.generate_meetings(s, g, today=FIRST)
        moved, cancelled = first[1], first[2]
        meetings.move_meeting(s, moved, "2027-02-11", "12:00")
        meetings.cancel_meeting(s, cancelled)
        before = {
            m.id: (m.on, m.start_time, m.status, m.sequence) for m in meetings.list_meetings(s, g)
        }
        added = meetings.extend_meetings(s, g, months=6)
        # the six months after the last planned meeting (9 June to 8 December)
        assert [m.on for m in added] == [
            dt.date(2027, 7, 13),
            dt.date(2027, 8, 10),
            dt.date(2027, 9, 14),
            dt.date(2027, 10, 12),
            dt.date(2027, 11, 9),
        ]
        after = meetings.list_meetings(s, g)
        for m in after:
            if m.id in before:
                assert (m.on, m.start_time, m.status, m.sequence) == before[m.id]
        series = [m.series_date for m in after]
        assert len(series) == len(set(series))  # no duplicates, the moved one is not re-added
        assert sum(1 for m in after if m.on == dt.date(2027, 2, 9)) == 0


def test_move_and_cancel_change_one_meeting_and_raise_its_sequence(db):
    with db.write() as s:
        g = _group(s)
        ms = meetings.generate_meetings(s, g, today=FIRST)
        meetings.move_meeting(s, ms[0], "2027-01-14")
        assert (ms[0].on, ms[0].start_time, ms[0].sequence) == (
            dt.date(2027, 1, 14),
            dt.time(7, 30),
            1,
        )
        meetings.cancel_meeting(s, ms[1])
        meetings.cancel_meeting(s, ms[1])  # twice changes nothing more
        assert (ms[1].status, ms[1].sequence) == ("cancelled", 1)
        meetings.restore_meeting(s, ms[1])
        assert (ms[1].status, ms[1].sequence) == ("scheduled", 2)
        assert all(m.sequence == 0 for m in ms[2:])
        with pytest.raises(InputError, match="not a real calendar date"):
            meetings.move_meeting(s, ms[2], "2027-02-30")
        assert ms[2].on == dt.date(2027, 3, 9)


def test_a_skip_date_keeps_generation_off_it_and_cancels_a_meeting_already_there(db):
    with db.write() as s:
        g = _group(s)
        meetings.add_skip_date(s, g, "2027-02-09", "Winter break")
        ms = meetings.generate_meetings(s, g, today=FIRST)
        assert dt.date(2027, 2, 9) not in [m.on for m in ms]
        meetings.add_skip_date(s, g, "2027-03-09")
        march = next(m for m in ms if m.on == dt.date(2027, 3, 9))
        assert march.status == "cancelled"


def test_a_0730_meeting_stays_0730_local_across_dst(db):
    from peergroup.calendar.recurrence import utc_start

    with db.write() as s:
        g = _group(s, frequency="weekly", nth=None, first_meeting="2027-03-09")
        ms = meetings.generate_meetings(s, g, months=1, today=dt.date(2027, 3, 9))
        schedule = meetings.schedule_for(s, g)
        assert {m.start_time for m in ms} == {dt.time(7, 30)}
        assert utc_start(ms[0].on, schedule).hour == 12  # EST
        assert utc_start(ms[1].on, schedule).hour == 11  # EDT after 14 March


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"frequency": "fortnightly"}, "frequency"),
        ({"start_time": "25:00"}, "start_time"),
        ({"duration_minutes": 10}, "duration_minutes"),
        ({"duration_minutes": 300}, "duration_minutes"),
        ({"timezone": "Mars/Base"}, "timezone"),
        ({"first_meeting": "2027-02-30"}, "first_meeting"),
        ({"nth": 0}, "nth"),
    ],
)
def test_bad_logistics_name_the_field_and_change_nothing(db, change, field):
    with db.write() as s:
        g = groups.create_group(s, "Strict", timezone="UTC")
        spec = dict(
            frequency="monthly-nth-weekday",
            weekday="tuesday",
            nth=2,
            start_time="07:30",
            first_meeting=FIRST,
        )
        spec.update(change)
        with pytest.raises(InputError) as err:
            meetings.set_logistics(s, g, meetings.LogisticsInput(**spec))
        assert err.value.field == field
        assert g.frequency is None and g.start_time is None


def test_a_new_start_time_moves_future_unmoved_meetings_and_raises_their_sequence(db):
    with db.write() as s:
        g = _group(s)
        ms = meetings.generate_meetings(s, g, today=FIRST)  # Jan..Jun 2027
        meetings.move_meeting(s, ms[4], "2027-05-12", "12:00")  # May, moved by hand
        meetings.set_logistics(
            s,
            g,
            meetings.LogisticsInput(
                frequency="monthly-nth-weekday",
                weekday="tuesday",
                nth=2,
                start_time="08:15",
                first_meeting=FIRST,
                place="Room 101",
            ),
            today=dt.date(2027, 3, 1),
        )
        by_day = {m.series_date: m for m in meetings.list_meetings(s, g)}
        past, future, moved = (
            by_day[dt.date(2027, 2, 9)],
            by_day[dt.date(2027, 3, 9)],
            by_day[dt.date(2027, 5, 11)],
        )
        assert (past.start_time, past.sequence) == (dt.time(7, 30), 0)  # history stays as it was
        assert (future.start_time, future.sequence) == (dt.time(8, 15), 1)
        assert (moved.start_time, moved.sequence) == (dt.time(12, 0), 2)  # moved, then relocated


def test_rotation_raises_the_sequence_of_meetings_whose_roles_changed(db):
    from peergroup.services import membership, roles

    with db.write() as s:
        g = _group(s)
        for name in ("Ana", "Ben", "Cy"):
            membership.add_member(s, g, membership.MemberInput(name=name, joined_on="2026-01-01"))
        ms = meetings.generate_meetings(s, g, today=FIRST)
        roles.rotate(s, g, today=FIRST)
        assert {m.sequence for m in ms} == {1}
        roles.rotate(s, g, today=FIRST)  # nothing changes: no new sequence
        assert {m.sequence for m in ms} == {1}
        roles.assign(s, ms[0], roles.find_role(s, g, "Scribe"), membership.find_member(s, g, "Cy"))
        assert roles.holder_name(s, ms[0], "Scribe") == "Cy" and ms[0].sequence == 2


# --- the first meeting: empty means the first fitting day from today ---------------

THURSDAY = dt.date(2026, 11, 26)
DST_SUNDAY = dt.date(2027, 3, 14)  # US clocks go forward
LEAP_DAY = dt.date(2028, 2, 29)


@pytest.mark.parametrize(
    ("today", "spec", "first"),
    [
        (THURSDAY, {"frequency": "weekly", "weekday": "tuesday"}, dt.date(2026, 12, 1)),
        (THURSDAY, {"frequency": "weekly", "weekday": "thursday"}, THURSDAY),
        (DST_SUNDAY, {"frequency": "weekly", "weekday": "sunday"}, DST_SUNDAY),
        (DST_SUNDAY, {"frequency": "monthly-nth-weekday", "nth": 2}, dt.date(2027, 4, 13)),
        (LEAP_DAY, {"frequency": "monthly-day", "month_day": 31}, LEAP_DAY),
        (LEAP_DAY, {"frequency": "weekly"}, LEAP_DAY),  # a Tuesday
        (
            LEAP_DAY,
            {"frequency": "every-n-weeks", "interval": 2, "weekday": "monday"},
            dt.date(2028, 3, 6),
        ),
    ],
)
def test_an_empty_first_meeting_is_the_first_day_on_the_schedule_from_today(db, today, spec, first):
    full = {"weekday": "tuesday", "start_time": "07:30", "first_meeting": "", **spec}
    with db.write() as s:
        g = groups.create_group(s, "From today", timezone="America/New_York")
        meetings.set_logistics(s, g, meetings.LogisticsInput(**full), today=today)
        assert g.first_meeting == first
        created = meetings.generate_meetings(s, g, today=today)
        assert created[0].on == first and all(m.on >= today for m in created)


@pytest.mark.parametrize(
    ("spec", "typed", "message"),
    [
        (
            {"frequency": "weekly"},
            "2027-03-10",
            "2027-03-10 is a Wednesday; the group meets on Tuesdays: 2027-03-09 or 2027-03-16?",
        ),
        (
            {"frequency": "every-n-weeks", "interval": 3},
            "2027-03-10",
            "2027-03-10 is a Wednesday; the group meets on Tuesdays: 2027-03-09 or 2027-03-16?",
        ),
        (
            {"frequency": "monthly-nth-weekday", "nth": 2},
            "2027-03-16",
            "2027-03-16 is a Tuesday but not the second Tuesday of its month; the group meets "
            "on the second Tuesday of each month: 2027-03-09 or 2027-04-13?",
        ),
        (
            {"frequency": "monthly-day", "month_day": 12},
            "2027-03-10",
            "2027-03-10 is day 10 of its month; the group meets on the 12th of each month: "
            "2027-02-12 or 2027-03-12?",
        ),
    ],
)
def test_a_first_meeting_off_the_schedule_names_the_nearest_dates(db, spec, typed, message):
    full = {"weekday": "tuesday", "start_time": "07:30", "first_meeting": typed, **spec}
    with db.write() as s:
        g = groups.create_group(s, "Exact", timezone="UTC")
        with pytest.raises(InputError) as err:
            meetings.set_logistics(s, g, meetings.LogisticsInput(**full))
        assert err.value.field == "first_meeting"
        assert err.value.message.startswith(message)
        assert "leave it empty" in err.value.message
        assert g.frequency is None
