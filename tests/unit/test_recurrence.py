"""A group sets its schedule once and gets the right meeting dates and times,
six months at a time, whatever the daylight-saving rules of its time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from peergroup.calendar.recurrence import (
    FREQUENCIES,
    Schedule,
    add_months,
    describe_schedule,
    first_meeting_on_or_after,
    generate_meeting_dates,
    horizon_end,
    local_start,
    machine_timezone,
    parse_time,
    parse_weekday,
    utc_start,
    validate_schedule,
)
from peergroup.errors import InputError

D = dt.date
TUE, THU, FRI, SUN = 1, 3, 4, 6


def schedule(frequency: str = "weekly", **kw) -> Schedule:
    fields = dict(
        frequency=frequency,
        start_time=dt.time(7, 30),
        duration_minutes=60,
        timezone="America/New_York",
        first_date=D(2027, 1, 5),  # a Tuesday
        weekday=TUE,
    )
    fields.update(kw)
    return Schedule(**fields)


# --- each frequency ---------------------------------------------------------------


def test_weekly_group_meets_every_tuesday():
    dates = generate_meeting_dates(schedule(), D(2027, 1, 1), D(2027, 1, 31))
    assert dates == [D(2027, 1, 5), D(2027, 1, 12), D(2027, 1, 19), D(2027, 1, 26)]


def test_every_three_weeks_counts_from_the_first_meeting():
    s = schedule("every-n-weeks", interval=3)
    dates = generate_meeting_dates(s, D(2027, 1, 1), D(2027, 3, 1))
    assert dates == [D(2027, 1, 5), D(2027, 1, 26), D(2027, 2, 16)]


def test_second_tuesday_of_each_month():
    s = schedule("monthly-nth-weekday", nth=2, first_date=D(2027, 1, 12))
    dates = generate_meeting_dates(s, D(2027, 1, 1), D(2027, 6, 30))
    assert dates == [D(2027, 1, 12), D(2027, 2, 9), D(2027, 3, 9), D(2027, 4, 13),
                     D(2027, 5, 11), D(2027, 6, 8)]  # fmt: skip


def test_last_friday_of_each_month():
    s = schedule("monthly-nth-weekday", weekday=FRI, nth=-1, first_date=D(2027, 1, 29))
    dates = generate_meeting_dates(s, D(2027, 1, 1), D(2027, 5, 31))
    assert dates == [D(2027, 1, 29), D(2027, 2, 26), D(2027, 3, 26), D(2027, 4, 30),
                     D(2027, 5, 28)]  # fmt: skip


def test_the_31st_falls_back_to_the_last_day_of_short_months():
    s = schedule("monthly-day", month_day=31, first_date=D(2027, 12, 31))
    dates = generate_meeting_dates(s, D(2027, 12, 1), D(2028, 4, 30))
    # 2028 is a leap year: February ends on the 29th.
    assert dates == [D(2027, 12, 31), D(2028, 1, 31), D(2028, 2, 29), D(2028, 3, 31),
                     D(2028, 4, 30)]  # fmt: skip


def test_the_30th_meets_on_28_february_in_a_common_year():
    s = schedule("monthly-day", month_day=30, first_date=D(2027, 1, 30))
    dates = generate_meeting_dates(s, D(2027, 1, 1), D(2027, 3, 31))
    assert dates == [D(2027, 1, 30), D(2027, 2, 28), D(2027, 3, 30)]


def test_monthly_day_15():
    s = schedule("monthly-day", month_day=15, first_date=D(2027, 1, 15))
    assert generate_meeting_dates(s, D(2027, 1, 1), D(2027, 3, 31)) == [
        D(2027, 1, 15), D(2027, 2, 15), D(2027, 3, 15)]  # fmt: skip


def test_custom_dates_are_sorted_deduplicated_and_windowed():
    s = schedule(
        "custom",
        weekday=None,
        first_date=D(2027, 1, 5),
        custom_dates=(D(2027, 3, 1), D(2027, 1, 5), D(2027, 3, 1), D(2027, 9, 9)),
    )
    assert generate_meeting_dates(s, D(2027, 1, 1), D(2027, 6, 30)) == [D(2027, 1, 5),
                                                                         D(2027, 3, 1)]  # fmt: skip


def test_skipped_dates_are_left_out():
    skip = [D(2027, 1, 12), D(2027, 1, 13)]  # one meeting day, one ordinary day
    dates = generate_meeting_dates(schedule(), D(2027, 1, 1), D(2027, 1, 31), skip=skip)
    assert dates == [D(2027, 1, 5), D(2027, 1, 19), D(2027, 1, 26)]


def test_nothing_before_the_first_meeting_and_empty_when_window_is_backwards():
    s = schedule(first_date=D(2027, 2, 2))
    assert generate_meeting_dates(s, D(2027, 1, 1), D(2027, 2, 10)) == [D(2027, 2, 2),
                                                                         D(2027, 2, 9)]  # fmt: skip
    assert generate_meeting_dates(s, D(2027, 3, 1), D(2027, 2, 1)) == []


def test_every_two_weeks_keeps_its_phase_when_the_window_starts_later():
    s = schedule("every-n-weeks", interval=2)  # 5 Jan, 19 Jan, 2 Feb, ...
    first_half = generate_meeting_dates(s, D(2027, 1, 1), horizon_end(D(2027, 1, 1)))
    # The next window starts on a Tuesday that is *not* a meeting (12 Jan + 26 weeks).
    later = generate_meeting_dates(s, D(2027, 7, 13), D(2027, 8, 31))
    assert later == [D(2027, 7, 20), D(2027, 8, 3), D(2027, 8, 17), D(2027, 8, 31)]
    assert all((d - s.first_date).days % 14 == 0 for d in first_half + later)


def test_first_meeting_on_or_after_finds_a_valid_anchor():
    s = schedule("monthly-nth-weekday", nth=2, first_date=D(2027, 1, 12))
    first = first_meeting_on_or_after(s, D(2027, 3, 10))
    assert first == D(2027, 4, 13)
    validate_schedule(replace(s, first_date=first))
    weekly = schedule("every-n-weeks", interval=12)
    assert first_meeting_on_or_after(weekly, D(2027, 1, 6)) == D(2027, 1, 12)


# --- horizon ----------------------------------------------------------------------


def test_six_month_horizon_is_inclusive_and_clamps_month_ends():
    assert horizon_end(D(2027, 1, 1)) == D(2027, 6, 30)
    assert horizon_end(D(2027, 8, 31)) == D(2028, 2, 28)  # 29 Feb 2028 - 1 day
    assert add_months(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert add_months(D(2027, 3, 31), -1) == D(2027, 2, 28)
    with pytest.raises(InputError) as err:
        horizon_end(D(2027, 1, 1), 0)
    assert err.value.field == "months"


# --- validation names the field ------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"frequency": "fortnightly"}, "frequency"),
        ({"start_time": "07:30"}, "start_time"),
        ({"start_time": dt.time(7, 30, tzinfo=dt.UTC)}, "start_time"),
        ({"duration_minutes": 29}, "duration_minutes"),
        ({"duration_minutes": 241}, "duration_minutes"),
        ({"timezone": "Eastern"}, "timezone"),
        ({"timezone": "localtime"}, "timezone"),
        ({"first_date": dt.datetime(2027, 1, 5, 7, 30)}, "first_date"),
        ({"weekday": None}, "weekday"),
        ({"weekday": 7}, "weekday"),
        ({"first_date": D(2027, 1, 6)}, "first_date"),  # a Wednesday
        ({"frequency": "every-n-weeks", "interval": 0}, "interval"),
        ({"frequency": "every-n-weeks", "interval": 13}, "interval"),
        ({"frequency": "monthly-nth-weekday", "nth": 5}, "nth"),
        ({"frequency": "monthly-nth-weekday", "nth": None}, "nth"),
        ({"frequency": "monthly-nth-weekday", "nth": 2}, "first_date"),  # 5 Jan is 1st Tue
        ({"frequency": "monthly-day", "month_day": 0}, "month_day"),
        ({"frequency": "monthly-day", "month_day": 32}, "month_day"),
        ({"frequency": "monthly-day", "month_day": 6}, "first_date"),
        ({"frequency": "custom", "custom_dates": ()}, "custom_dates"),
        ({"frequency": "custom", "custom_dates": (D(2026, 12, 1),)}, "custom_dates"),
    ],
)
def test_validation_errors_name_the_field(changes, field):
    with pytest.raises(InputError) as err:
        validate_schedule(replace(schedule(), **changes))
    assert err.value.field == field
    assert err.value.message.endswith((".", "?"))


def test_every_frequency_has_a_valid_example():
    examples = {
        "weekly": schedule(),
        "every-n-weeks": schedule("every-n-weeks", interval=2),
        "monthly-nth-weekday": schedule("monthly-nth-weekday", nth=1),
        "monthly-day": schedule("monthly-day", month_day=5),
        "custom": schedule("custom", custom_dates=(D(2027, 1, 5),)),
    }
    assert set(examples) == set(FREQUENCIES)
    for s in examples.values():
        validate_schedule(s)


def test_a_mistyped_zone_gets_a_suggestion():
    with pytest.raises(InputError, match="Did you mean America/New_York"):
        validate_schedule(schedule(timezone="america/new york"))


# --- local times across daylight-saving changes ------------------------------------


def test_0730_new_york_stays_0730_across_both_2027_changes():
    s = schedule()
    dates = generate_meeting_dates(s, D(2027, 3, 1), D(2027, 11, 30))
    by_date = {d: utc_start(d, s) for d in dates}
    assert all(local_start(d, s).time() == dt.time(7, 30) for d in dates)
    # Spring forward on 14 March: EST (12:30Z) before, EDT (11:30Z) after.
    assert by_date[D(2027, 3, 9)] == dt.datetime(2027, 3, 9, 12, 30, tzinfo=dt.UTC)
    assert by_date[D(2027, 3, 16)] == dt.datetime(2027, 3, 16, 11, 30, tzinfo=dt.UTC)
    # Fall back on 7 November: EDT before, EST after.
    assert by_date[D(2027, 11, 2)] == dt.datetime(2027, 11, 2, 11, 30, tzinfo=dt.UTC)
    assert by_date[D(2027, 11, 9)] == dt.datetime(2027, 11, 9, 12, 30, tzinfo=dt.UTC)


def test_a_time_skipped_by_spring_forward_moves_forward_by_the_gap():
    s = schedule(weekday=SUN, first_date=D(2027, 3, 14), start_time=dt.time(2, 30))
    start = local_start(D(2027, 3, 14), s)
    assert (start.hour, start.minute, start.tzname()) == (3, 30, "EDT")
    assert utc_start(D(2027, 3, 14), s) == dt.datetime(2027, 3, 14, 7, 30, tzinfo=dt.UTC)
    # Lord Howe Island's gap is half an hour; the rule is the same.
    howe = replace(s, timezone="Australia/Lord_Howe", first_date=D(2027, 10, 3))
    assert local_start(D(2027, 10, 3), replace(howe, start_time=dt.time(2, 10))).time() == (
        dt.time(2, 40)
    )


def test_a_time_that_happens_twice_means_the_first():
    s = schedule(weekday=SUN, first_date=D(2027, 11, 7), start_time=dt.time(1, 30))
    assert utc_start(D(2027, 11, 7), s) == dt.datetime(2027, 11, 7, 5, 30, tzinfo=dt.UTC)


def test_southern_hemisphere_changes_the_other_way():
    s = schedule(timezone="Australia/Sydney", weekday=SUN, first_date=D(2027, 3, 28))
    assert utc_start(D(2027, 3, 28), s).hour == 20  # AEDT, +11
    assert utc_start(D(2027, 4, 4), s).hour == 21  # AEST, +10 (changed that morning)
    assert local_start(D(2027, 4, 4), s).time() == dt.time(7, 30)


# --- words ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("s", "text"),
    [
        (schedule("monthly-nth-weekday", nth=2, first_date=D(2027, 1, 12)),
         "Second Tuesday of each month, 07:30–08:30 (America/New_York)"),
        (schedule("monthly-nth-weekday", weekday=FRI, nth=-1, first_date=D(2027, 1, 29)),
         "Last Friday of each month, 07:30–08:30 (America/New_York)"),
        (schedule(duration_minutes=90), "Every Tuesday, 07:30–09:00 (America/New_York)"),
        (schedule("every-n-weeks", interval=2),
         "Every 2 weeks on Tuesday starting 2027-01-05, 07:30–08:30 (America/New_York)"),
        (schedule("monthly-day", month_day=31, first_date=D(2027, 1, 31),
                  start_time=dt.time(22, 0), duration_minutes=180),
         "On the 31st of each month (or the last day of shorter months), "
         "22:00–01:00 next day (America/New_York)"),
        (schedule("custom", custom_dates=(D(2027, 1, 5), D(2027, 2, 5))),
         "On 2 chosen dates, 07:30–08:30 (America/New_York)"),
    ],
)  # fmt: skip
def test_describe_schedule(s, text):
    assert describe_schedule(s) == text


@pytest.mark.parametrize(
    ("typed", "weekday"),
    [("tue", 1), ("Tuesday", 1), (" TUESDAYS ", 1), ("Tues.", 1), ("th", 3), ("weds", 2),
     ("m", 0), ("sun", 6)],
)  # fmt: skip
def test_parse_weekday_is_lenient(typed, weekday):
    assert parse_weekday(typed) == weekday


@pytest.mark.parametrize("typed", ["t", "s", "", "funday", None])
def test_parse_weekday_rejects_unclear_input(typed):
    with pytest.raises(InputError) as err:
        parse_weekday(typed)
    assert err.value.field == "weekday"


@pytest.mark.parametrize(
    ("typed", "time"),
    [("7:30", (7, 30)), ("07:30", (7, 30)), ("19:00", (19, 0)), ("0730", (7, 30)),
     ("7.30", (7, 30)), ("7pm", (19, 0)), ("7:30 a.m.", (7, 30)), ("12am", (0, 0)),
     ("12 PM", (12, 0)), ("07:30:00", (7, 30)), ("9", (9, 0))],
)  # fmt: skip
def test_parse_time_is_lenient(typed, time):
    assert parse_time(typed) == dt.time(*time)


@pytest.mark.parametrize("typed", ["24:00", "7:60", "13pm", "0am", "half seven", "", "7:30:15"])
def test_parse_time_rejects_nonsense(typed):
    with pytest.raises(InputError) as err:
        parse_time(typed)
    assert err.value.field == "start_time"


# --- the machine's zone ---------------------------------------------------------------


def test_machine_timezone_prefers_tz_variable(tmp_path: Path):
    assert machine_timezone(environ={"TZ": "Europe/London"}, etc=tmp_path) == "Europe/London"
    path = ":/usr/share/zoneinfo/Asia/Tokyo"
    assert machine_timezone(environ={"TZ": path}, etc=tmp_path) == "Asia/Tokyo"


def test_machine_timezone_reads_etc_timezone_then_localtime_link(tmp_path: Path):
    (tmp_path / "localtime").symlink_to("/usr/share/zoneinfo/Australia/Sydney")
    assert machine_timezone(environ={}, etc=tmp_path) == "Australia/Sydney"
    (tmp_path / "timezone").write_text("Europe/Berlin\n")
    assert machine_timezone(environ={"TZ": "not a zone"}, etc=tmp_path) == "Europe/Berlin"


def test_machine_timezone_falls_back_to_utc(tmp_path: Path):
    assert machine_timezone(environ={}, etc=tmp_path) == "UTC"


# --- properties -------------------------------------------------------------------------

ZONES = ["America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata",
         "Pacific/Chatham", "America/Sao_Paulo", "UTC"]  # fmt: skip


@st.composite
def schedules(draw) -> Schedule:
    frequency = draw(st.sampled_from([f for f in FREQUENCIES if f != "custom"]))
    day = draw(st.dates(D(2024, 1, 1), D(2030, 12, 31)))
    base = Schedule(
        frequency=frequency,
        # 04:00 onwards: none of ZONES changes its clocks then, so the local time is exact.
        start_time=dt.time(draw(st.integers(4, 23)), draw(st.sampled_from([0, 15, 30, 45]))),
        duration_minutes=draw(st.integers(30, 240)),
        timezone=draw(st.sampled_from(ZONES)),
        first_date=day,
        interval=draw(st.integers(1, 12)),
        weekday=draw(st.integers(0, 6)),
        nth=draw(st.sampled_from([1, 2, 3, 4, -1])),
        month_day=draw(st.integers(1, 31)),
    )
    return replace(base, first_date=first_meeting_on_or_after(base, day))


windows = st.dates(D(2023, 6, 1), D(2032, 12, 31))


@settings(max_examples=150, deadline=None)
@given(s=schedules(), a=windows, days=st.integers(0, 500), data=st.data())
def test_generated_dates_are_sorted_unique_inside_window_and_at_constant_time(s, a, days, data):
    end = a + dt.timedelta(days=days)
    skip = data.draw(st.lists(st.dates(a, end), max_size=5))
    dates = generate_meeting_dates(s, a, end, skip=skip)
    assert dates == sorted(set(dates))
    assert all(max(a, s.first_date) <= d <= end for d in dates)
    assert not set(dates) & set(skip)
    for d in dates:
        assert local_start(d, s).time() == s.start_time
        assert local_start(d, s).tzinfo == zoneinfo.ZoneInfo(s.timezone)


@settings(max_examples=150, deadline=None)
@given(s=schedules(), a=windows, first=st.integers(0, 400), second=st.integers(1, 400))
def test_extending_a_window_never_shifts_or_repeats_a_meeting(s, a, first, second):
    b = a + dt.timedelta(days=first)
    c = b + dt.timedelta(days=second)
    whole = generate_meeting_dates(s, a, c)
    assert whole == generate_meeting_dates(s, a, b) + generate_meeting_dates(
        s, b + dt.timedelta(days=1), c
    )


@settings(max_examples=100, deadline=None)
@given(s=schedules(), a=windows, x=st.integers(0, 300), y=st.integers(0, 300))
def test_any_two_windows_agree_on_the_days_they_share(s, a, x, y):
    wide = generate_meeting_dates(s, a, a + dt.timedelta(days=x + y))
    lo, hi = a + dt.timedelta(days=x // 2), a + dt.timedelta(days=x)
    assume(lo <= hi)
    assert generate_meeting_dates(s, lo, hi) == [d for d in wide if lo <= d <= hi]


@settings(max_examples=100, deadline=None)
@given(s=schedules())
def test_the_first_meeting_is_always_generated(s):
    assert generate_meeting_dates(s, s.first_date, horizon_end(s.first_date))[0] == s.first_date
