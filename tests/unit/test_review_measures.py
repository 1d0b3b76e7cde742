"""Measures that fit the group's age, and the pulse beside attendance in the review.

Stories: a group in its first year is reported on by attendance, retention and how
useful members find the meetings, with career outcomes after; a group in its fourth
year leads with outcomes; both reports say why in one sentence. The yearly report
shows each meeting's pulse next to its attendance.
"""

from __future__ import annotations

import datetime as dt

import pytest
from review_group import YEAR_DATES, build

from peergroup.models import Meeting
from peergroup.services import annual_report, review, review_measures, review_parts
from peergroup.services import groups as groups_svc
from peergroup.services import pulse as pulse_svc
from peergroup.services.review_measures import OUTCOMES, RELATIONSHIP, measure_order

TODAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize(
    ("started", "end", "years", "first"),
    [
        (dt.date(2025, 9, 9), dt.date(2026, 8, 31), 0, RELATIONSHIP),
        (dt.date(2024, 9, 1), dt.date(2026, 8, 30), 1, RELATIONSHIP),  # a day short of two
        (dt.date(2024, 9, 1), dt.date(2026, 8, 31), 2, OUTCOMES),  # two full years
        (dt.date(2022, 9, 13), dt.date(2026, 8, 31), 3, OUTCOMES),
        (dt.date(2027, 1, 1), dt.date(2026, 8, 31), 0, RELATIONSHIP),  # no meeting yet
    ],
)
def test_the_order_of_measures_follows_the_groups_age(started, end, years, first):
    order = measure_order(started, end)
    assert order.years == years
    assert order.order[0] == first and set(order.order) == {RELATIONSHIP, OUTCOMES}
    assert order.why == (
        review_measures.WHY_YOUNG if first == RELATIONSHIP else review_measures.WHY_MATURE
    )


def _report(db, *, older: bool) -> str:  # noqa: ANN001
    built = build(db)
    with db.write() as s:
        if older:  # the group first met three years before this review year
            s.add(Meeting(group_id=built.group_id, on=dt.date(2022, 9, 13), start_time=dt.time(8)))
        for day, scores in ((YEAR_DATES[0], (5, 4, 3)), (YEAR_DATES[5], (5, 5, 4, 5))):
            people = ["Ada", "Ben", "Cleo", "Dev" if day == YEAR_DATES[5] else "Eve"]
            for name, score in zip(people, scores, strict=False):
                pulse_svc.give_pulse(
                    s, built.meetings[day], built.members[name], score, "", today=TODAY
                )
        ev_id = review.start_review(s, built.group_id, "2025-09", TODAY).id
    with db.read() as s:
        text, _label = annual_report.review_report(s, ev_id, "md", TODAY)
    return text


def test_a_first_year_groups_report_puts_relationship_before_outcomes(db):
    text = _report(db, older=False)
    assert review_measures.WHY_YOUNG in text
    assert review_measures.WHY_MATURE not in text
    assert text.index("## Meetings and attendance") < text.index("## Outcomes (CV elements)")
    assert text.index("## Member survey") < text.index("## Goals")
    judged = text.index("## What this year is judged by")
    assert judged < text.index("### Relationship") < text.index("### Career outcomes")


def test_a_fourth_year_groups_report_leads_with_career_outcomes(db):
    text = _report(db, older=True)
    assert review_measures.WHY_MATURE in text
    assert review_measures.WHY_YOUNG not in text
    assert text.index("## Outcomes (CV elements)") < text.index("## Meetings and attendance")
    assert text.index("### Career outcomes") < text.index("### Relationship")


def test_the_report_shows_each_meetings_pulse_beside_its_attendance(db):
    text = _report(db, older=False)
    table = text[text.index("### Attendance and usefulness, meeting by meeting") :]
    first = next(line for line in table.splitlines() if line.startswith("| 09 Sep 2025"))
    assert "100%" in first and "4.0 (3)" in first
    feb = next(line for line in table.splitlines() if line.startswith("| 10 Feb 2026"))
    assert "80%" in feb and "4.8 (4)" in feb  # 4.75
    oct_ = next(line for line in table.splitlines() if line.startswith("| 14 Oct 2025"))
    assert "50%" in oct_ and "—" in oct_  # no pulse
    assert "Meetings rated useful" in text


def test_the_review_figures_part_and_headline_carry_the_pulse_trend(db):
    _report(db, older=False)
    with db.read() as s:
        ev = review.list_reviews(s, groups_svc.find_group(s, "Harbour Lights"))[0]
        part = review_parts.figures_part(s, ev.id, TODAY)
        head = review_measures.headline(s, groups_svc.get_group(s, ev.group_id), ev, TODAY)
    assert [(p.on, p.mean) for p in part.pulse.points] == [
        (YEAR_DATES[0], 4.0),
        (YEAR_DATES[5], 4.75),
    ]
    assert head.order.relationship_first
    labels = [m.label for m in head.relationship]
    assert labels[:3] == ["Attendance", "Members kept", "Pulse (1-5)"]
    # Ada, Ben, Cleo, Dev and Eve belonged during the year; Eve left in March.
    assert head.relationship[1].value == "4 of 5"
    assert head.relationship[2].value == "4.4 over 2 meeting(s)"
