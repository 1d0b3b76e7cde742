"""Meeting pulses: feedback both ways, anonymous by construction.

Stories: after a held meeting members say how useful it was (1 to 5) and may add a
line; the facilitator sees nothing until three have answered, then the mean, the
spread and the lines (sorted, never in answer order); a member gives one pulse per
meeting; a bad score is refused where it is typed and nothing is saved; a future or
cancelled meeting takes no pulse; the year's trend lists the meetings with enough
answers. The answer table has no column that could name a member.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from review_group import NEXT_YEAR, YEAR_DATES, build
from sqlmodel import func, select

from peergroup.errors import InputError
from peergroup.models import PulseAnswer, PulseRespondent, metadata
from peergroup.services import anonymity
from peergroup.services import pulse as pulse_svc

TODAY = dt.date(2026, 11, 25)
HELD = YEAR_DATES[0]  # 9 Sep 2025: Ada, Ben, Cleo and Eve were there


@pytest.fixture
def built(db):  # noqa: ANN001
    return build(db)


def _give(db, built, name, score, line="", day=HELD):  # noqa: ANN001
    with db.write() as s:
        return pulse_svc.give_pulse(
            s, built.meetings[day], built.members[name], score, line, today=TODAY
        )


def _counts(db) -> tuple[int, int]:  # noqa: ANN001
    with db.read() as s:
        return (
            s.exec(select(func.count()).select_from(PulseRespondent)).one(),
            s.exec(select(func.count()).select_from(PulseAnswer)).one(),
        )


def test_the_answer_table_has_no_column_that_could_name_or_order_a_member():
    answer = metadata.tables["pulseanswer"]
    assert set(answer.columns.keys()) == {"id", "meeting_id", "score", "line"}
    assert not any(fk.column.table.name == "member" for fk in answer.foreign_keys)
    respondent = metadata.tables["pulserespondent"]
    assert "member_id" in respondent.columns and "score" not in respondent.columns
    assert "line" not in respondent.columns


def test_answer_ids_are_random_so_their_order_says_nothing(db, built):
    for name, score in (("Ada", 5), ("Ben", 4), ("Cleo", 3), ("Eve", 2)):
        _give(db, built, name, score)
    with db.read() as s:
        ids = list(s.exec(select(PulseAnswer.id)))
    assert max(ids) > 10**9  # not 1, 2, 3, 4 in the order given


def test_two_answers_show_nothing_three_show_mean_spread_and_sorted_lines(db, built):
    _give(db, built, "Ada", 5, "zebra crossing of ideas")
    _give(db, built, "Ben", 3, "")
    with db.read() as s:
        two = pulse_svc.meeting_pulse(s, built.meetings[HELD])
    assert two.respondents == 2 and not two.shown
    assert two.mean is None and two.distribution == () and two.lines == ()
    assert "not enough answers to show without identifying anyone" in two.message.lower()

    assert _give(db, built, "Cleo", 4, "Apples and grant tips") == 3
    with db.read() as s:
        three = pulse_svc.meeting_pulse(s, built.meetings[HELD])
    assert three.shown and three.mean == 4.0
    assert three.distribution == (0, 0, 1, 1, 1)
    assert three.lines == ("Apples and grant tips", "zebra crossing of ideas")  # sorted
    assert anonymity.MIN_RESPONDENTS == 3


def test_one_pulse_per_member_per_meeting(db, built):
    _give(db, built, "Ada", 4)
    with pytest.raises(InputError) as e:
        _give(db, built, "Ada", 2, "changed my mind")
    assert e.value.field == "member" and "already given a pulse" in e.value.message
    assert _counts(db) == (1, 1)
    _give(db, built, "Ada", 3, day=YEAR_DATES[1])  # another meeting is fine
    assert _counts(db) == (2, 2)


@pytest.mark.parametrize("score", [0, 6, "x", "", "4.5", None])
def test_a_score_outside_one_to_five_is_refused_and_nothing_is_saved(db, built, score):
    with pytest.raises(InputError) as e:
        _give(db, built, "Ada", score, "a line")
    assert e.value.field == "score"
    assert _counts(db) == (0, 0)


def test_a_line_must_be_one_short_line(db, built):
    with pytest.raises(InputError) as e:
        _give(db, built, "Ada", 4, "two\nlines")
    assert e.value.field == "line"
    with pytest.raises(InputError):
        _give(db, built, "Ada", 4, "x" * 201)
    assert _counts(db) == (0, 0)


def test_only_a_held_meeting_takes_a_pulse(db, built):
    with db.write() as s:  # a meeting still to come
        with pytest.raises(InputError) as e:
            pulse_svc.give_pulse(
                s, built.meetings[NEXT_YEAR], built.members["Ada"], 4, today=dt.date(2026, 9, 1)
            )
        assert "has not taken place yet" in e.value.message
        with pytest.raises(InputError) as e:  # cancelled (9 Dec 2025)
            pulse_svc.give_pulse(
                s, built.meetings[YEAR_DATES[3]], built.members["Ada"], 4, today=TODAY
            )
        assert "cancelled" in e.value.message
        with pytest.raises(InputError):
            pulse_svc.pulse_form(s, built.meetings[YEAR_DATES[3]], TODAY)
    assert _counts(db) == (0, 0)


def test_who_may_answer_is_who_was_there_or_a_member_that_day(db, built):
    with db.read() as s:
        form = pulse_svc.pulse_form(s, built.meetings[HELD], TODAY)
    names = [p.name for p in form.still_to_answer]
    assert names == ["Ada", "Ben", "Cleo", "Eve"]  # Dev joined later, Finn is prospective
    with pytest.raises(InputError) as e:
        _give(db, built, "Dev", 4)
    assert "neither at this meeting nor a member that day" in e.value.message
    _give(db, built, "Ben", 4)
    with db.read() as s:
        form = pulse_svc.pulse_form(s, built.meetings[HELD], TODAY)
    assert [p.name for p in form.still_to_answer] == ["Ada", "Cleo", "Eve"]
    assert form.answered == 1


def test_the_trend_over_the_year_lists_meetings_with_enough_answers(db, built):
    for name, score in (("Ada", 5), ("Ben", 4), ("Cleo", 3)):  # 9 Sep: mean 4.0
        _give(db, built, name, score)
    for name, score in (("Ada", 5), ("Ben", 5), ("Cleo", 4), ("Dev", 5)):  # 10 Feb: 4.75
        _give(db, built, name, score, day=YEAR_DATES[5])
    _give(db, built, "Ada", 1, day=YEAR_DATES[1])  # 14 Oct: one answer, hidden
    with db.read() as s:
        t = pulse_svc.trend(s, built.group_id, YEAR_DATES[0], dt.date(2026, 8, 31))
    assert [(p.on, p.respondents, p.mean) for p in t.points] == [
        (YEAR_DATES[0], 3, 4.0),
        (YEAR_DATES[5], 4, 4.75),
    ]
    assert t.hidden == 1
    assert t.mean == round((4.0 * 3 + 4.75 * 4) / 7, 2)


def test_a_pulse_is_stored_without_a_name_even_in_raw_sql(db, built):
    _give(db, built, "Ada", 5, "the line of Ada")
    with db.read() as s:
        rows = s.connection().execute(sa.text("SELECT * FROM pulseanswer")).mappings().all()
    assert len(rows) == 1 and set(rows[0].keys()) == {"id", "meeting_id", "score", "line"}


def test_the_demo_group_file_brings_pulses_without_names(demo_db):
    from peergroup.models import Meeting

    with demo_db.read() as s:
        by_day = {m.on: m for m in s.exec(select(Meeting))}
        sep = pulse_svc.meeting_pulse(s, by_day[dt.date(2026, 9, 8)].id)
        octo = pulse_svc.meeting_pulse(s, by_day[dt.date(2026, 10, 13)].id)
        nov = pulse_svc.meeting_pulse(s, by_day[dt.date(2026, 11, 10)].id)
    assert (sep.respondents, sep.mean, sep.distribution) == (5, 4.2, (0, 0, 1, 2, 2))
    assert sep.lines == (
        "Good to hear everyone's goal out loud.",
        "The mission discussion ran long.",
    )
    assert (octo.respondents, octo.mean) == (4, 4.5)
    assert nov.respondents == 0 and not nov.shown


@pytest.mark.parametrize(
    ("pulse", "field", "message"),
    [
        (
            {"on": "2026-09-08", "respondents": ["Ada"], "scores": [4, 5]},
            "pulses[1].scores",
            "1 respondent",
        ),
        (
            {"on": "2026-09-08", "respondents": ["Ada"], "scores": [6]},
            "pulses[1].scores",
            "out of range",
        ),
        ({"on": "2026-09-09", "respondents": ["Ada"], "scores": [4]}, "pulses[1].on", "no meeting"),
        ({"on": "2026-09-08", "respondents": ["Ada"], "scores": [4], "who": 1}, "pulses[1]", "who"),
    ],
)
def test_a_group_file_pulse_that_does_not_add_up_is_refused_with_its_path(
    db, pulse, field, message
):
    import tomllib

    from peergroup import groupfile

    text = f"""
[group]
name = "Pulse Test"
[logistics]
frequency = "monthly-nth-weekday"
weekday = "tuesday"
nth = 2
start_time = "07:30"
timezone = "UTC"
first_meeting = 2026-09-08
[[members]]
name = "Ada"
status = "active"
joined = 2026-01-01
[[meetings]]
on = 2026-09-08
[[pulses]]
on = {pulse["on"]}
respondents = {pulse["respondents"]!r}
scores = {pulse["scores"]!r}
""".replace("'", '"')
    if "who" in pulse:
        text += "who = 1\n"
    doc = tomllib.loads(text)
    with pytest.raises(InputError) as e, db.write() as s:
        groupfile.import_group(s, doc)
    assert e.value.field.startswith(field) and message in str(e.value)
    assert _counts(db) == (0, 0)


def test_a_finished_reviews_meetings_take_no_new_pulse_until_it_is_reopened(db, built):
    from peergroup.services import review

    with db.write() as s:
        ev_id = review.start_review(s, built.group_id, "2025-09", TODAY).id
    with db.write() as s:  # finished (as finish_review leaves it)
        ev = review.get_review(s, ev_id)
        ev.completed_on = TODAY
        s.add(ev)
    with pytest.raises(InputError) as e:
        _give(db, built, "Ada", 4)
    assert "review of 2025-26 is finished" in e.value.message
    assert _counts(db) == (0, 0)
    with db.write() as s:
        review.reopen_review(s, ev_id, "A pulse was missing", TODAY)
    assert _give(db, built, "Ada", 4) == 1


def test_a_meetings_pulses_show_only_a_week_after_it(db, built):
    """At the shared keyboard members answer one after another right after the meeting;
    a summary that changed live would tell everyone watching what each one gave."""
    for name, score in (("Ada", 5), ("Ben", 4), ("Cleo", 3), ("Eve", 2)):
        with db.write() as s:
            pulse_svc.give_pulse(
                s, built.meetings[HELD], built.members[name], score, "", today=HELD
            )
    with db.read() as s:
        same_week = pulse_svc.meeting_pulse(
            s, built.meetings[HELD], today=HELD + dt.timedelta(days=7)
        )
        after = pulse_svc.meeting_pulse(s, built.meetings[HELD], today=HELD + dt.timedelta(days=8))
    assert not same_week.shown and same_week.mean is None and same_week.distribution == ()
    assert "a week after the meeting" in same_week.message
    assert after.shown and after.mean == 3.5
