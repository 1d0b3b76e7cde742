"""Step 2 by keyboard: add, edit, leave, rules, and bad input."""

from __future__ import annotations

from sqlmodel import func, select

from peergroup.models import Group, Member

from .helpers import SIZE, app_for, flat, screen_text, settle, type_text


def _count(db) -> int:  # noqa: ANN001
    with db.write() as s:
        return s.exec(select(func.count()).select_from(Member)).one()


async def _open(pilot):  # noqa: ANN001, ANN202
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)


async def test_add_a_member_by_keyboard(demo_db):
    before = _count(demo_db)
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, "Zora Quinn")
        await pilot.press("tab")
        await type_text(pilot, "zora@example.org")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Zora Quinn" in screen_text(app)
    assert _count(demo_db) == before + 1
    with demo_db.write() as s:
        z = s.exec(select(Member).where(Member.name == "Zora Quinn")).one()
        assert z.email == "zora@example.org" and z.status == "active" and z.joined_on is not None


async def test_duplicate_email_is_refused_and_what_was_typed_stays(demo_db):
    with demo_db.write() as s:
        taken = s.exec(select(Member).where(Member.email != "")).first()
        taken_email, taken_name = taken.email, taken.name
    before = _count(demo_db)
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, "Copy Cat")
        await pilot.press("tab")
        app.screen.query_one("#field-email").value = taken_email.upper()
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = flat(screen_text(app))
        assert "E-mail:" in text and f"already belongs to {taken_name}" in text
        assert app.screen.query_one("#field-name").value == "Copy Cat"
    assert _count(demo_db) == before


async def test_a_100k_character_paste_and_an_impossible_date_are_refused(demo_db):
    before = _count(demo_db)
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#field-name").value = "x" * 100_000
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Name: is 100,000 characters long" in screen_text(app)
        app.screen.query_one("#field-name").value = "Real Name"
        app.screen.query_one("#field-joined_on").value = "2026-02-30"
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = flat(screen_text(app))
        assert "Joined:" in text and "not a real calendar date" in text
        assert app.screen.query_one("#field-joined_on").value == "2026-02-30"
    assert _count(demo_db) == before


async def test_a_member_who_leaves_keeps_their_row_as_alumni(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        table = app.screen.query_one("#members")
        first_name = str(table.get_row_at(0)[0])
        await pilot.press("d")
        await pilot.pause()
        field = app.screen.query_one("#field-left_on")
        field.value = "2026-11-20"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert first_name in screen_text(app)
    with demo_db.write() as s:
        m = s.exec(select(Member).where(Member.name == first_name)).one()
        assert m.status == "alumni" and str(m.left_on) == "2026-11-20"


async def test_target_size_outside_4_to_12_warns_on_screen(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("u")
        await settle(pilot)
        app.screen.query_one("#field-target_size").value = "15"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "15 is large" in screen_text(app)
    with demo_db.write() as s:
        assert s.exec(select(Group)).one().target_size == 15


async def test_time_limited_without_an_end_is_refused(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("u")
        await settle(pilot)
        app.screen.query_one("#field-membership").value = "time-limited"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "needs an end" in screen_text(app)
    with demo_db.write() as s:
        assert s.exec(select(Group)).one().membership == "ongoing"


async def test_keys_still_queued_when_ctrl_s_arrives_are_saved_too(demo_db):
    """A fast typist (or a paste through tmux): the field's queue is not yet drained."""
    from textual import events

    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("a")
        await pilot.pause()
        field = app.screen.query_one("#field-name")
        for ch in "Quick Typist":
            field.post_message(events.Key("space" if ch == " " else ch, ch))
        app.screen.action_save()  # what ctrl+s runs, before the field drained its queue
        await settle(pilot)
    with demo_db.write() as s:
        assert s.exec(select(Member).where(Member.name == "Quick Typist")).one()


# --- another program holds the write lock -------------------------------------------

# A second *process* (not a thread: SQLite locks are per process) that takes the
# write lock, says so, and keeps it until the release file appears or its stdin
# closes (the test ended or died), bounded in any case.
HOLD_THE_LOCK = r"""
import os, select, sqlite3, sys, time
path, release = sys.argv[1], sys.argv[2]
con = sqlite3.connect(path, timeout=10, isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
deadline = time.monotonic() + 60
while not os.path.exists(release) and time.monotonic() < deadline:
    ready, _, _ = select.select([sys.stdin], [], [], 0.05)
    if ready and not sys.stdin.buffer.read1(1):
        break  # stdin closed
con.execute("COMMIT")
con.close()
print("released", flush=True)
"""


def _hold_write_lock(db_path, release):  # noqa: ANN001, ANN202
    import select
    import subprocess
    import sys
    import time

    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(db_path), str(release)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    line = b""
    while not line.endswith(b"\n") and time.monotonic() < deadline:
        ready, _, _ = select.select([child.stdout], [], [], 0.1)
        if ready:
            chunk = child.stdout.read1(64)
            if not chunk:
                break
            line += chunk
    if line.strip() != b"locked":
        child.kill()
        child.wait(5)
        raise AssertionError(f"the lock holder did not start: {line!r} {child.stderr.read()!r}")
    return child


def _member(path, name):  # noqa: ANN001, ANN202
    """Read straight from the file, as another program would (WAL: never waits for the lock)."""
    import sqlite3

    con = sqlite3.connect(path, timeout=5)
    try:
        return con.execute(
            "SELECT id, status, joined_on FROM member WHERE name = ?", (name,)
        ).fetchone()
    finally:
        con.close()


def _seen(app) -> str:  # noqa: ANN001
    """The screen as flat text, toasts included (their left edge is a '▌')."""
    return flat(screen_text(app).replace("▌", " "))


async def _until(pilot, condition, timeout: float = 15.0) -> bool:  # noqa: ANN001
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await pilot.pause(0.1)
    return condition()


async def test_joining_while_another_program_holds_the_lock_waits_without_freezing(
    demo_db, tmp_path
):
    """j on a prospective member while another process writes: the app keeps answering
    keys, says it is waiting, and the member joins once the lock is released."""
    path = demo_db.path
    member_id, status, _ = _member(path, "Tomás Herrera")
    assert status == "prospective"
    release = tmp_path / "release-the-lock"
    app = app_for(path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:  # toasts on screen
        await _open(pilot)
        table = app.screen.query_one("#members")
        table.move_cursor(row=table.get_row_index(str(member_id)))
        child = _hold_write_lock(path, release)
        try:
            await pilot.press("j")
            assert await _until(
                pilot,
                lambda: "Waiting for the database: another program is writing to it" in _seen(app),
            ), screen_text(app)
            # Still answering keys while the join waits: the cursor moves, help opens
            # and closes, and the screen shows each change.
            row = table.cursor_row
            await pilot.press("up")
            assert table.cursor_row == row - 1
            await pilot.press("down")
            assert table.cursor_row == row
            await pilot.press("f1")
            await pilot.pause()
            assert type(app.screen).__name__ == "HelpScreen"
            assert "Keys on this screen" in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
            assert type(app.screen).__name__ == "MembershipScreen"
            assert child.poll() is None, "the lock holder ended early"
            assert _member(path, "Tomás Herrera")[1] == "prospective"  # not yet
            release.touch()
            child.wait(timeout=15)
            assert child.returncode == 0, child.stderr.read()
        finally:
            if child.poll() is None:
                child.kill()
                child.wait(timeout=5)
            child.stdin.close()
            child.stdout.close()
            child.stderr.close()
        assert await _until(pilot, lambda: _member(path, "Tomás Herrera")[1] == "active")
        await settle(pilot)
        assert "Tomás Herrera is now an active member" in _seen(app)
        row = table.get_row(str(member_id))
        assert str(row[2]) == "active"
    # Joined on the app's day (the pinned clock), not the machine's.
    assert _member(path, "Tomás Herrera")[1:] == ("active", "2026-11-25")


async def _on_member(pilot, name: str) -> None:  # noqa: ANN001
    table = pilot.app.screen.query_one("#members")
    for row in range(table.row_count):
        if str(table.get_row_at(row)[0]) == name:
            table.move_cursor(row=row)
            return
    raise AssertionError(f"{name} is not in the members table")


async def test_the_leave_dialog_names_the_member_and_starts_on_the_apps_day(demo_db):
    import datetime as dt

    from peergroup.clock import FixedClock

    app = app_for(demo_db.path, clock=FixedClock(dt.date(2027, 2, 3)))
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await _on_member(pilot, "Priya Raman")
        await pilot.press("d")
        await settle(pilot)
        assert "Priya Raman leaves the group" in flat(screen_text(app))
        assert app.screen.query_one("#field-left_on").value == "2027-02-03"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "MembershipScreen"
    with demo_db.read() as s:
        priya = s.exec(select(Member).where(Member.name == "Priya Raman")).one()
        assert (priya.status, priya.left_on) == ("alumni", dt.date(2027, 2, 3))


async def test_editing_a_member_starts_from_what_is_stored(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await _on_member(pilot, "Jamal Okafor")
        await pilot.press("e")
        await settle(pilot)
        assert "Edit Jamal Okafor" in screen_text(app)
        assert app.screen.query_one("#field-email").value == "jamal.okafor@northbridge.example.org"
        assert app.screen.query_one("#field-joined_on").value == "2025-01-14"
        app.screen.query_one("#field-email").value = "jamal@northbridge.example.org"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "jamal@northbridge.e" in screen_text(app)
    with demo_db.read() as s:
        jamal = s.exec(select(Member).where(Member.name == "Jamal Okafor")).one()
        assert jamal.email == "jamal@northbridge.example.org"
        assert str(jamal.joined_on) == "2025-01-14" and jamal.status == "active"


async def test_j_on_an_active_member_says_so_and_changes_nothing(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _open(pilot)
        await _on_member(pilot, "Marcus Bell")
        await pilot.press("j")
        await settle(pilot)
        assert "Marcus Bell is already an active member" in _seen(app)
    with demo_db.read() as s:
        marcus = s.exec(select(Member).where(Member.name == "Marcus Bell")).one()
        assert str(marcus.joined_on) == "2024-09-10"


async def test_a_form_saved_while_another_copy_writes_holds_still_until_it_is_saved(demo_db):
    """ctrl+s waits for a lock held by another process: the fields hold still, so what
    closes the dialog is exactly what was on screen, and typing is not silently dropped."""
    import asyncio
    import time

    from ..process.terminal import WriteLock

    before = _count(demo_db)
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, "Zora Quinn")
        with WriteLock(demo_db.path):
            await pilot.press("ctrl+s")
            await pilot.pause(0.3)
            name = app.screen.query_one("#field-name")
            assert name.disabled  # held while the save waits
            await type_text(pilot, " Jr")  # goes nowhere, visibly
            await pilot.pause(0.3)
            assert name.value == "Zora Quinn"
            assert type(app.screen).__name__ == "NewMemberDialog"
        deadline = time.monotonic() + 15
        while type(app.screen).__name__ == "NewMemberDialog" and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        await settle(pilot)
        assert "Zora Quinn" in screen_text(app)
    assert _count(demo_db) == before + 1


async def test_a_join_asked_for_while_another_copy_writes_goes_in_after_leaving_the_screen(
    demo_db,
):
    """The write waits for the lock in a worker; leaving the screen does not drop it."""
    import asyncio
    import time

    from ..process.terminal import WriteLock

    with demo_db.read() as s:
        prospect = s.exec(select(Member).where(Member.status == "prospective")).first()
        name = prospect.name
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        with WriteLock(demo_db.path):
            table = app.screen.query_one("DataTable")
            row = next(i for i, key in enumerate(table.rows) if key.value == str(prospect.id))
            table.move_cursor(row=row)
            await pilot.press("j")
            await pilot.pause(0.3)
            await pilot.press("escape")  # back home while the write still waits
            await pilot.pause(0.3)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with demo_db.read() as s:
                if s.get(Member, prospect.id).status == "active":
                    break
            await asyncio.sleep(0.2)
    with demo_db.read() as s:
        assert s.get(Member, prospect.id).status == "active", name


async def test_discarding_a_form_whose_save_waits_for_the_lock_stops_the_save(demo_db):
    import asyncio

    from ..process.terminal import WriteLock

    before = _count(demo_db)
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, "Zora Quinn")
        with WriteLock(demo_db.path):
            await pilot.press("ctrl+s")
            await pilot.pause(0.3)
            await pilot.press("escape")
            await pilot.pause(0.3)
            assert "Stop it and discard what you typed?" in flat(screen_text(app))
            await pilot.press("y")
            await pilot.pause(0.3)
            assert type(app.screen).__name__ == "MembershipScreen"
        await asyncio.sleep(2.0)  # the lock is gone: a save still waiting would go in now
        await settle(pilot)
    assert _count(demo_db) == before


def test_a_stopped_write_whose_lock_came_free_during_the_attempt_is_rolled_back(demo_db):
    """The race behind the test above, made certain: the user stops the save while
    SQLite is still waiting inside one attempt, and the lock then comes free."""
    from types import SimpleNamespace

    import pytest

    from screens.base import WorkStopped, call_db

    def add(session):  # noqa: ANN001, ANN202
        group = session.exec(select(Group)).first()
        session.add(Member(group_id=group.id, name="Stopped Save", status="active"))
        session.flush()

    before = _count(demo_db)
    app = SimpleNamespace(db=demo_db, is_running=True, post_message=lambda message: None)
    with pytest.raises(WorkStopped):
        call_db(app, add, write=True, cancelled=lambda: True, outlive=False)
    assert _count(demo_db) == before
    # a write that must outlive its screen still goes in
    call_db(app, add, write=True, cancelled=lambda: True, outlive=True)
    assert _count(demo_db) == before + 1


async def test_a_join_pressed_just_before_quitting_still_goes_in(demo_db, monkeypatch):
    """ctrl+q right after j, while another copy holds the lock for a moment more:
    the join the user asked for commits once the lock is free (it is not rolled back)."""
    import threading
    import time

    import screens.app_start

    from ..process.terminal import WriteLock

    # The attempt must still be waiting when the lock comes free, however slow
    # the machine: SQLite waits up to this long (read when the app opens the file).
    monkeypatch.setattr(screens.app_start, "APP_BUSY_TIMEOUT_MS", 20_000)
    with demo_db.read() as s:
        prospect = s.exec(select(Member).where(Member.status == "prospective")).first()
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        lock = WriteLock(demo_db.path)
        table = app.screen.query_one("DataTable")
        row = next(i for i, key in enumerate(table.rows) if key.value == str(prospect.id))
        table.move_cursor(row=row)
        await pilot.press("j")  # waits inside SQLite's busy timeout

        def later() -> None:  # a sleeping thread (a timed wait would hang under faketime)
            time.sleep(0.25)
            lock.release()

        threading.Thread(target=later).start()
        await pilot.press("ctrl+q")

    def status() -> str:
        with demo_db.read() as s:
            return s.get(Member, prospect.id).status

    deadline = time.monotonic() + 20  # the worker's commit may land after the app is gone
    while status() != "active" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert status() == "active"
