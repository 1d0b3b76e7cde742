"""Step 3 by keyboard: SMART goals, check-ins and the mission."""

from __future__ import annotations

from sqlmodel import select

from peergroup.models import Goal, GoalCheckin, MissionVersion

from .helpers import SIZE, app_for, flat, screen_text, settle, type_text


async def _open(pilot):  # noqa: ANN001, ANN202
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)


async def test_adding_a_goal_shows_what_smart_parts_are_missing(db):
    from peergroup.services import groups

    with db.write() as s:
        groups.create_group(s, "G", timezone="UTC")
    app = app_for(db.path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        assert "No goals yet" in screen_text(app)
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "Write more")
        await pilot.pause()
        live = screen_text(app)
        assert "SMART check:" in live and "No measurable target" in live and "No deadline" in live
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "Write more" in text and "·····" in text
        assert "No measurable target" in text
    with db.write() as s:
        g = s.exec(select(Goal)).one()
        assert g.title == "Write more" and g.member_id is None and g.due is None


async def test_checkin_records_progress(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        table = app.screen.query_one("#goals")
        goal_id = int(table.coordinate_to_cell_key((0, 0)).row_key.value)
        await pilot.press("c")
        await pilot.pause()
        await type_text(pilot, "55")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "55%" in screen_text(app)
    with demo_db.write() as s:
        last = s.exec(
            select(GoalCheckin)
            .where(GoalCheckin.goal_id == goal_id)
            .order_by(GoalCheckin.id.desc())
        ).first()
        assert last.progress == 55


async def test_new_mission_version_keeps_history_and_refuses_far_revisit(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("w")
        await settle(pilot)
        area = app.screen.query_one("#field-text")
        area.text = "To grow educators who lead."
        app.screen.query_one("#field-revisit_by").value = "2099-01-01"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "more than 12 months away" in screen_text(app)
        assert app.screen.query_one("#field-text").text == "To grow educators who lead."
        app.screen.query_one("#field-revisit_by").value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "To grow educators who lead." in screen_text(app)
        assert "1 earlier version" in screen_text(app)
        await pilot.press("h")
        await settle(pilot)
        assert "Mission history" in screen_text(app)
    with demo_db.write() as s:
        assert len(s.exec(select(MissionVersion)).all()) == 2


async def test_the_checkin_dialog_names_the_goal_and_starts_on_the_apps_day(demo_db):
    import datetime as dt

    from peergroup.clock import FixedClock

    app = app_for(demo_db.path, clock=FixedClock(dt.date(2027, 1, 19)))
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        table = app.screen.query_one("#goals")
        for row in range(table.row_count):
            if str(table.get_row_at(row)[2]).startswith("Submit a first-author"):
                table.move_cursor(row=row)
        await pilot.press("c")
        await settle(pilot)
        assert "Check-in: Submit a first-author systematic review" in flat(screen_text(app))
        assert app.screen.query_one("#field-on").value == "2027-01-19"
        await type_text(pilot, "80")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "80%" in screen_text(app)
    with demo_db.read() as s:
        goal = s.exec(select(Goal).where(Goal.title.startswith("Submit a first-author"))).one()
        last = s.exec(
            select(GoalCheckin)
            .where(GoalCheckin.goal_id == goal.id)
            .order_by(GoalCheckin.id.desc())
        ).first()
        assert (last.progress, last.on) == (80, dt.date(2027, 1, 19))


async def test_editing_a_goal_starts_from_what_is_stored_and_checks_smart_live(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        table = app.screen.query_one("#goals")
        for row in range(table.row_count):
            if str(table.get_row_at(row)[2]).startswith("Win protected time"):
                table.move_cursor(row=row)
        await pilot.press("e")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "Edit the goal: Win protected time for the group" in text
        assert "SMART check:" in text and "No deadline" in text
        assert app.screen.query_one("#field-measure").value.startswith("A written agreement")
        app.screen.query_one("#field-due").value = "2027-03-31"
        await pilot.pause()
        assert "SMART check: all five parts are there." in flat(screen_text(app))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "2027-03-31" in screen_text(app)
    with demo_db.read() as s:
        goal = s.exec(select(Goal).where(Goal.title == "Win protected time for the group")).one()
        assert str(goal.due) == "2027-03-31" and goal.member_id is None
