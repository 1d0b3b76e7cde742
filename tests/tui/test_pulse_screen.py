"""Feedback both ways from the keyboard: an anonymous pulse on a held meeting.

Stories: on the running list (step 10) a member selects the last held meeting, presses
r, picks their name, gives a score and a line and saves with ctrl+s; the dialog says
the score and line are stored without their name. A score of 6 is refused beside the
field and nothing is saved. Under the list the facilitator sees nothing of the
pulses until three members have given one; then the mean, the spread and the lines.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from peergroup.models import Meeting, Member, PulseAnswer, PulseRespondent
from peergroup.services import pulse as pulse_svc

from .helpers import SIZE, app_for, flat, screen_text, settle, type_text

NOV = dt.date(2026, 11, 10)  # the demo's last held meeting; TODAY is 25 Nov 2026
TODAY = dt.date(2026, 11, 25)


def _ids(db) -> tuple[int, dict[str, int]]:  # noqa: ANN001
    with db.read() as s:
        meeting = s.exec(select(Meeting).where(Meeting.on == NOV)).one()
        members = {m.name: m.id for m in s.exec(select(Member))}
        return meeting.id, members


def _stored(db, meeting_id: int) -> tuple[list[int], list[tuple[int, str]]]:  # noqa: ANN001
    """Who gave a pulse for the meeting, and what was given (the demo has pulses for
    September and October, none for November)."""
    with db.read() as s:
        who = [
            r.member_id
            for r in s.exec(select(PulseRespondent).where(PulseRespondent.meeting_id == meeting_id))
        ]
        what = [
            (a.score, a.line)
            for a in s.exec(select(PulseAnswer).where(PulseAnswer.meeting_id == meeting_id))
        ]
        return who, what


async def _open_pulse(pilot) -> None:  # noqa: ANN001
    await pilot.press("0")  # step 10: the running list, cursor on the last held meeting
    await settle(pilot)
    table = pilot.app.screen.query_one("#running")
    assert str(table.get_row_at(table.cursor_row)[0]) == "Tue 10 Nov 2026"
    await pilot.press("r")
    await settle(pilot)


async def test_a_member_gives_a_pulse_by_keyboard_and_it_is_stored_without_a_name(demo_db):
    meeting_id, members = _ids(demo_db)
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open_pulse(pilot)
        assert type(app.screen).__name__ == "PulseDialog"
        text = flat(screen_text(app))
        assert "How useful was the meeting of Tue 10 Nov 2026" in text
        assert "saved without your name" in text
        app.screen.query_one("#field-member").value = members["Elena Sokolova"]
        app.screen.query_one("#field-score").focus()
        await type_text(pilot, "4")
        await pilot.press("tab")
        await type_text(pilot, "More time for cases please")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "TrackingScreen"
        text = flat(screen_text(app))
        assert "1 answered" in text
        assert "Not enough answers to show without identifying anyone" in text
        assert "More time for cases" not in text  # hidden below three
    who, what = _stored(demo_db, meeting_id)
    assert who == [members["Elena Sokolova"]]
    assert what == [(4, "More time for cases please")]


async def test_a_score_of_six_is_refused_beside_the_field_and_nothing_is_saved(demo_db):
    meeting_id, members = _ids(demo_db)
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open_pulse(pilot)
        app.screen.query_one("#field-member").value = members["Priya Raman"]
        app.screen.query_one("#field-score").focus()
        await type_text(pilot, "6")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "PulseDialog"
        assert "6 is out of range" in flat(screen_text(app))
    assert _stored(demo_db, meeting_id) == ([], [])


async def test_pulses_show_under_the_list_only_once_three_have_answered(demo_db):
    meeting_id, members = _ids(demo_db)
    lines = {"Priya Raman": (5, "zesty debate"), "Marcus Bell": (3, "Agenda ran long")}
    with demo_db.write() as s:
        for name, (score, line) in lines.items():
            pulse_svc.give_pulse(s, meeting_id, members[name], score, line, today=TODAY)
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("0")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "2 answered" in text and "Not enough answers" in text
        assert "zesty debate" not in text and "Agenda ran long" not in text
        assert "mean" not in text
        await pilot.press("r")
        await settle(pilot)
        app.screen.query_one("#field-member").value = members["Elena Sokolova"]
        app.screen.query_one("#field-score").focus()
        await type_text(pilot, "4")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "mean 4.0 of 5 from 3" in text
        assert "1:0 2:0 3:1 4:1 5:1" in text
        assert text.index("Agenda ran long") < text.index("zesty debate")  # sorted
        assert "Marcus" not in text.split("Pulse:")[1]  # no name beside a pulse


async def test_r_on_a_meeting_still_to_come_opens_no_dialog(demo_db):
    with demo_db.read() as s:
        dec = s.exec(select(Meeting).where(Meeting.on == dt.date(2026, 12, 8))).one().id
    app = app_for(demo_db.path)
    said: list[str] = []
    shown = app.notify

    def notify(message, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        said.append(str(message))
        return shown(message, *args, **kwargs)

    app.notify = notify  # toasts are not in screenshots
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("0")
        await settle(pilot)
        await pilot.press("down")  # 8 Dec 2026, still to come
        await pilot.pause()
        await pilot.press("r")
        await settle(pilot)
        assert type(app.screen).__name__ == "TrackingScreen"
        assert any("has not been held yet" in m for m in said)
        assert "once it is held" in flat(screen_text(app))
    assert _stored(demo_db, dec) == ([], [])


async def test_the_review_leads_with_measures_that_fit_the_groups_age_and_shows_the_pulse(
    demo_db,
):
    from peergroup.services import review as review_svc
    from peergroup.services import review_measures

    meeting_id, members = _ids(demo_db)
    with demo_db.write() as s:
        for name, score in (("Priya Raman", 5), ("Marcus Bell", 4), ("Elena Sokolova", 3)):
            pulse_svc.give_pulse(s, meeting_id, members[name], score, "", today=TODAY)
        group_id = s.exec(select(Meeting).where(Meeting.id == meeting_id)).one().group_id
        review_svc.start_review(s, group_id, "2026-09", TODAY)
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("0", "o"):
            await pilot.press(key)
            await settle(pilot)
        text = flat(screen_text(app))
        # The demo group's first reviewed year began in September 2024: by August 2027
        # it is in its third year.
        assert "Yearly review 2026-27" in text
        assert text.index("Career outcomes:") < text.index("Relationship:")
        assert flat(review_measures.WHY_MATURE) in text
        # September 4.2 (5 answers), October 4.5 (4), November 4.0 (3): 51 / 12
        assert "Pulse (1-5) 4.2 over 3 meeting(s)" in text
        for _ in range(2):  # 2024-25: the group's first year
            await pilot.press("left_square_bracket")
            await settle(pilot)
        text = flat(screen_text(app))
        assert "Yearly review 2024-25" in text
        assert text.index("Relationship:") < text.index("Career outcomes:")
        assert flat(review_measures.WHY_YOUNG) in text
        for _ in range(2):
            await pilot.press("right_square_bracket")
            await settle(pilot)
        app.screen.query_one("#parts").move_cursor(row=3)  # 4. activity figures
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Pulse (how useful, 1 to 5): 4.2 over 3 meeting(s)" in text
        nov = next(line for line in text.splitlines() if "Tue 10 Nov 2026" in line)
        assert "pulse 4.0" in nov and "%" in nov  # beside its attendance
        octo = next(line for line in text.splitlines() if "Tue 13 Oct 2026" in line)
        assert "pulse 4.5" in octo
