"""The roadmap home screen on the demo group."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from peergroup.models import Group, MissionVersion

from .helpers import SIZE, app_for, screen_text, settle, type_text


async def test_roadmap_shows_ten_steps_with_computed_status_and_next_thing(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Group: Northbridge GIM Clinician-Educator Peer Group" in text
        for n in range(1, 11):
            assert f" {n} " in text
        assert "Define who counts as a peer" in text and "✔ done" in text
        assert "Track activities and evaluate" in text
        # the demo has a goal with no due date: step 3 is the next thing
        assert "Next:  Step 3:" in text
        assert "not fully SMART" in text


async def test_n_opens_the_next_step_and_escape_returns(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert type(app.screen).__name__ == "GoalsScreen"
        assert "Step 3:" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"


async def test_overdue_mission_is_flagged_on_home(demo_db):
    with demo_db.write() as s:
        for m in s.exec(select(MissionVersion)):
            m.adopted_on = dt.date(2024, 1, 10)
            m.revisit_by = dt.date(2025, 1, 10)
            s.add(m)
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "! overdue" in text
        assert "Next:  Step 3: The mission was due for a revisit on 2025-01-10" in text


async def test_enter_on_each_step_opens_that_steps_own_screen(demo_db):
    from peergroup.steps import all_steps

    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for step in all_steps():
            table = app.screen.query_one("#roadmap")
            table.move_cursor(row=step.number - 1)
            await pilot.press("enter")
            await settle(pilot)
            from textual.screen import ModalScreen

            while isinstance(app.screen, ModalScreen):  # e.g. the journal asks who "I" am
                await pilot.press("escape")
                await settle(pilot)
            assert getattr(app.screen, "step_key", None) == step.key, step.key
            assert f"Step {step.number}:" in screen_text(app)
            await pilot.press("escape")
            await settle(pilot)
            assert type(app.screen).__name__ == "HomeScreen"


async def test_command_palette_opens_a_step_by_name(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "membership process")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "MembershipScreen"


async def test_group_switcher_creates_and_switches_groups(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, "Second group")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Group: Second group" in screen_text(app)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert "Northbridge" in screen_text(app)
        await pilot.press("enter")  # the highlighted group is the current one
        await settle(pilot)
    with demo_db.write() as s:
        assert sorted(g.name for g in s.exec(select(Group))) == [
            "Northbridge GIM Clinician-Educator Peer Group",
            "Second group",
        ]
