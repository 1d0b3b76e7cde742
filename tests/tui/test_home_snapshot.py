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


class _Helper:
    """Stands in for home_prefetch.Prefetch: the view a second process worked out."""

    def __init__(self, view, day: str | None = None, group_id: int = 1, gate=None) -> None:  # noqa: ANN001
        self.view = view
        self.day = day or TODAY.isoformat()
        self.group_id = group_id
        self.gate = gate  # a threading.Event the answer waits for (always set by the test)
        self.asked = 0
        self.discarded = False

    def result(self):  # noqa: ANN201
        self.asked += 1
        if self.gate is not None:
            self.gate.wait()
        return self.day, self.group_id, self.view

    def discard(self) -> None:
        self.discarded = True


def _early_view(name: str):  # noqa: ANN202
    from peergroup.home_snapshot import HomeView
    from peergroup.steps import StepStatus

    step = StepStatus.for_step("peer")
    step.state = "done"
    return HomeView(name, "Peers here share: [b]x[/b]", [step], None, "All set")


async def test_the_helpers_view_shows_until_the_live_view_comes_and_an_early_key_waits(
    demo_db,
):
    """The helper process's view is shown while the database opens; a step key
    pressed then opens its screen once the database is open (not dropped)."""
    name = _snapshot(demo_db)
    home_snapshot.forget(demo_db.path)  # no snapshot: the helper's view is all there is
    app = app_for(demo_db.path)
    app.prefetch = helper = _Helper(_early_view("Early [red]view[/red]"))
    opened = app._open_database
    app._open_database = lambda: None  # opened by hand below
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = flat(screen_text(app))
        assert helper.asked == 1 and app.db is None
        assert "Group: Early [red]view[/red]" in seen  # literal, as all user text
        await pilot.press("1")  # step 1, while the database is still opening
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        opened()
        await settle(pilot)
        assert app.db is not None
        assert type(app.screen).__name__ == "PeerScreen"  # the key was kept
        await pilot.press("escape")
        await settle(pilot)
        seen = flat(screen_text(app))
        assert f"Group: {name}" in seen and "Early" not in seen  # the live view replaced it


async def test_the_helpers_view_never_replaces_the_live_one(demo_db):
    name = _snapshot(demo_db)
    home_snapshot.forget(demo_db.path)
    app = app_for(demo_db.path)
    app.prefetch = _Helper(_early_view("Too late"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = app.screen
        home._show_early(_early_view("Too late"))  # arrives after the live view
        await pilot.pause()
        seen = flat(screen_text(app))
        assert f"Group: {name}" in seen and "Too late" not in seen


async def test_the_garbage_collector_comes_back_on_after_start_up(demo_db, monkeypatch):
    """`peergroup` starts with the collector off (cli.main); the app turns it on."""
    import gc

    import screens.app

    monkeypatch.setattr(screens.app, "STARTUP_SECONDS", 0.05)
    app = app_for(demo_db.path)
    gc.disable()
    try:
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(100):
                await pilot.pause(0.02)
                if gc.isenabled():
                    break
            assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


async def test_a_database_that_opens_after_the_user_quit_is_closed(demo_db, monkeypatch):
    """The start-up worker may finish opening after the app has gone: it closes
    what it opened (an open connection would keep the -wal until the process ends)."""
    import threading
    import time

    import peergroup.db

    demo_db.close()
    release, done = threading.Event(), threading.Event()
    opened = []
    real_open = peergroup.db.open_database

    def slow_open(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        release.wait()
        db = real_open(*args, **kwargs)
        real_close = db.close

        def close() -> None:
            real_close()
            done.set()

        db.close = close
        opened.append(db)
        return db

    monkeypatch.setattr(peergroup.db, "open_database", slow_open)
    app = app_for(demo_db.path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.db is None
    finally:
        release.set()
    for _ in range(500):  # the worker thread finishes on its own
        if done.is_set():
            break
        time.sleep(0.01)
    assert opened and done.is_set()


async def test_a_helpers_view_of_another_day_or_group_is_not_shown(demo_db):
    from peergroup.services import groups as groups_svc

    with demo_db.read() as s:
        group_id = groups_svc.opening_group_id(s, None)
    _snapshot(demo_db)
    home_snapshot.forget(demo_db.path)
    import threading

    for helper in (
        _Helper(_early_view("Yesterday's view"), day="2026-11-24", group_id=group_id),
        _Helper(_early_view("Another group's view"), group_id=group_id + 100),
    ):
        helper.gate = threading.Event()
        app = app_for(demo_db.path)
        app.prefetch = helper
        app._open_database = lambda: None
        try:
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                app.group_id = group_id  # as if the app had settled on its group meanwhile
                helper.gate.set()
                await settle(pilot)
                seen = flat(screen_text(app))
                assert helper.asked == 1 and "view" not in seen
                assert "Opening the database" in seen
        finally:
            helper.gate.set()
        assert helper.discarded  # the app ends its helper when it closes


async def test_a_kept_key_is_dropped_if_home_is_no_longer_in_front(demo_db):
    """1 pressed on the early view, then F1: when the database opens, the step
    does not open on top of the help screen."""
    _snapshot(demo_db)
    app = app_for(demo_db.path)
    opened = app._open_database
    app._open_database = lambda: None
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "f1")
        await settle(pilot)
        in_front = type(app.screen).__name__
        opened()
        await settle(pilot)
        assert app.db is not None
        assert type(app.screen).__name__ == in_front != "PeerScreen"
        assert not any(type(s).__name__ == "PeerScreen" for s in app.screen_stack)


async def test_peergroup_meeting_opens_the_meeting_once_even_after_an_early_m(demo_db):
    _snapshot(demo_db)
    app = app_for(demo_db.path, start_meeting="2026-12-08")
    opened = app._open_database
    app._open_database = lambda: None
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")  # meeting day, from the early home view
        await settle(pilot)
        opened()
        await settle(pilot)
        meetings = [s for s in app.screen_stack if type(s).__name__ == "MeetingScreen"]
        assert len(meetings) == 1
