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
        await pilot.press("l")
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
        await pilot.press("r")
        await pilot.pause()
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
        await pilot.press("r")
        await pilot.pause()
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
