"""The first frame shows the last run's home view while the database is still opening."""

from __future__ import annotations

from peergroup import home_snapshot
from peergroup.clock import FixedClock

from ..conftest import TODAY
from .helpers import SIZE, app_for, flat, screen_text, settle


def _snapshot(demo_db) -> str:  # noqa: ANN001
    from peergroup.services import groups as groups_svc

    with demo_db.read() as s:
        name = s.get(groups_svc.Group, groups_svc.opening_group_id(s, None)).name
    demo_db.close()
    home_snapshot.record_after_exit(demo_db.path, None, clock=FixedClock(TODAY))
    return name


async def test_the_first_frame_shows_the_snapshot_before_the_database_is_open(demo_db):
    name = _snapshot(demo_db)
    app = app_for(demo_db.path)
    app._open_database = lambda: None  # the database never opens in this test
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        seen = flat(screen_text(app))
        assert app.db is None
        assert f"Group: {name}" in seen
        assert "Opening the database" not in seen
        assert "done" in seen and "Step" in seen
        await pilot.press("1", "n", "enter")  # nothing opens before the database does
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"


async def test_a_changed_database_shows_no_snapshot_and_the_live_view_comes(demo_db):
    from sqlmodel import select

    from peergroup.db import open_database
    from peergroup.models import Group

    name = _snapshot(demo_db)
    db = open_database(demo_db.path, clock=FixedClock(TODAY))
    with db.write() as s:
        group = s.exec(select(Group)).first()
        group.name = "Renamed since"
        s.add(group)
    db.close()
    app = app_for(demo_db.path)
    opened = app._open_database
    app._open_database = lambda: None
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        seen = flat(screen_text(app))
        assert "Opening the database" in seen and name not in seen
        opened()
        await settle(pilot)
        assert "Group: Renamed since" in flat(screen_text(app))
