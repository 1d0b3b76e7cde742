"""A newcomer opens Peergroup on an empty database and creates a group."""

from __future__ import annotations

from sqlmodel import select

from peergroup.db import open_database
from peergroup.models import Group, Role

from .helpers import SIZE, app_for, screen_text, settle, type_text


async def test_newcomer_is_asked_for_a_group_name_and_lands_on_the_roadmap(db_path):
    app = app_for(db_path, create=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Welcome to Peergroup" in screen_text(app)
        await type_text(pilot, "Junior Educators")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "Group: Junior Educators" in text
        assert "Define who counts as a peer" in text
        assert "Next:" in text and "Step 1" in text
    db = open_database(db_path)
    with db.write() as s:
        groups = s.exec(select(Group)).all()
        assert [g.name for g in groups] == ["Junior Educators"]
        roles = {r.name for r in s.exec(select(Role))}
        assert {"Facilitator", "Scribe", "Discussion lead", "Correspondence"} <= roles
    db.close()


async def test_empty_group_name_is_refused_and_nothing_is_saved(db_path):
    app = app_for(db_path, create=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = screen_text(app)
        assert "Group name: is empty" in text
        assert "Welcome to Peergroup" in text  # still on the dialog
    db = open_database(db_path)
    with db.write() as s:
        assert s.exec(select(Group)).all() == []
    db.close()


async def test_a_bad_time_zone_is_named_and_the_typed_name_stays(db_path):
    app = app_for(db_path, create=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "Juniors")
        await pilot.press("tab")
        tz = app.screen.query_one("#field-timezone")
        tz.value = "Mars/Olympus"
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = screen_text(app)
        assert "Time zone:" in text and "is not a time zone we know" in text
        assert app.screen.query_one("#field-name").value == "Juniors"


async def test_missing_database_path_given_explicitly_stops_with_a_message(tmp_path):
    from peergroup.cli import run

    missing = tmp_path / "nope.db"
    assert run(["--db", str(missing)]) == 2
    assert not missing.exists()


async def test_escaping_the_welcome_dialog_is_not_a_dead_end(db_path):
    app = app_for(db_path, create=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert "No group yet. Press n to create your group" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert "Welcome to Peergroup" in screen_text(app)
        await type_text(pilot, "Second try")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Group: Second try" in screen_text(app)
