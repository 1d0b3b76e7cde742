"""Statuses tell the truth: an achieved goal says so and step 3 does not regress;
an overdue action item says OVERDUE; finalising a meeting that has not happened
asks; attendance can be everyone present, then the exceptions."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from peergroup.models import Attendance, Goal, Meeting
from peergroup.services import goals as goals_svc
from peergroup.steps import roadmap

from ..conftest import TODAY
from .helpers import SIZE, app_for, flat, screen_text, settle


def _step3(db) -> str:  # noqa: ANN001
    from peergroup.services import groups

    with db.read() as s:
        g = groups.list_groups(s)[0]
        return next(st for st in roadmap(s, g, TODAY) if st.number == 3).state


async def test_an_achieved_goal_shows_as_achieved_and_step_3_does_not_regress(demo_db):
    before = _step3(demo_db)
    with demo_db.write() as s:
        for goal in s.exec(select(Goal)):
            goal.status = "achieved"  # every goal met
            s.add(goal)
    assert _step3(demo_db) in (before, "done")  # meeting goals is never a step back
    from peergroup.services import groups

    with demo_db.read() as s:
        missing = goals_svc.step_status(s, groups.list_groups(s)[0], TODAY).missing
    assert not any("Add at least one goal" in m or "individual goals" in m for m in missing)
    app = app_for(demo_db.path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        text = screen_text(app)
        assert "(achieved)" in text and "✔" in text
        assert "30%" not in text and "57%" not in text


async def test_an_overdue_item_says_overdue_on_the_agenda(demo_db):
    app = app_for(demo_db.path, start_meeting="2026-12-08")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert "OVERDUE" in flat(screen_text(app))  # Elena's item was due 3 Nov


async def test_finalising_a_meeting_that_has_not_happened_asks_with_its_date(demo_db):
    app = app_for(demo_db.path, start_meeting="2026-12-08")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "Tue 08 Dec 2026, which has not happened yet" in text
        await pilot.press("n")
        await settle(pilot)
        assert "FINALISED" not in screen_text(app)


async def test_attendance_everyone_present_then_the_exceptions(demo_db):
    app = app_for(demo_db.path, start_meeting="2026-12-08")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert "F2: everyone not marked yet is present" in flat(screen_text(app))
        await pilot.press("f2")  # everyone present
        await pilot.pause()
        dialog = app.screen
        first = dialog._fields[0].name
        dialog.query_one(f"#field-{first}").value = "apologies"  # one exception
        await pilot.press("ctrl+s")
        await settle(pilot)
    with demo_db.read() as s:
        meeting = s.exec(select(Meeting).where(Meeting.on == dt.date(2026, 12, 8))).one()
        rows = s.exec(select(Attendance).where(Attendance.meeting_id == meeting.id)).all()
    statuses = sorted(r.status for r in rows)
    assert statuses.count("apologies") == 1 and statuses.count("present") == len(rows) - 1
    assert len(rows) >= 7
