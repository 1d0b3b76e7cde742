"""Nothing typed is lost by quitting: ctrl+q asks when a form holds unsaved typing;
ctrl+c says how to quit; F1 explains the keys of the screen you are on."""

from __future__ import annotations

from sqlmodel import select

from peergroup.models import Member

from .helpers import SIZE, app_for, flat, screen_text, settle, type_text


async def test_ctrl_q_in_a_form_with_typing_asks_and_keeps_it(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "Noor Haddad")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert "Quit without saving what you typed" in flat(screen_text(app))
        assert app.is_running
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert app.screen.query_one("#field-name").value == "Noor Haddad"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+q")  # nothing unsaved now: quits at once
        await pilot.pause()
        assert not app.is_running
    with demo_db.read() as s:
        assert s.exec(select(Member).where(Member.name == "Noor Haddad")).first() is not None


async def test_going_home_from_the_palette_over_a_form_with_typing_asks_first(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "Noor Haddad")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "Roadmap (home)")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert "Go home without saving what you typed" in flat(screen_text(app))
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert app.screen.query_one("#field-name").value == "Noor Haddad"
        await type_text(pilot, " Jr")  # typing goes on into the form
        assert app.screen.query_one("#field-name").value == "Noor Haddad Jr"


async def test_ctrl_q_with_nothing_typed_quits_at_once(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_ctrl_q_on_the_peer_screen_with_typing_asks(db):
    from peergroup.services import groups

    with db.write() as s:
        groups.create_group(s, "Peers", timezone="UTC")
    app = app_for(db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await type_text(pilot, "Brown")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running and "Quit without saving" in flat(screen_text(app))
        await pilot.press("y")
        await pilot.pause()
        assert not app.is_running


async def test_ctrl_c_says_how_to_quit(demo_db):
    app = app_for(demo_db.path)
    notes: list[str] = []
    original = app.notify

    def notify(message, **kwargs):  # noqa: ANN001, ANN003
        notes.append(str(message))
        return original(message, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running
    assert any("ctrl+q quits" in n for n in notes)


async def test_f1_lists_the_keys_of_the_screen_you_are_on(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        text = flat(screen_text(app))
        assert "Keys on this screen" in text
        assert "v Move" in text and "k Skip" in text and "+ Extend" in text
        assert "Keys that work everywhere" in text and "ctrl+q" in text
        assert "Step 4: Set logistics and expectations" in text
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "CalendarScreen"


async def test_f1_on_the_meeting_screen_keeps_long_key_names_apart_from_their_meaning(demo_db):
    app = app_for(demo_db.path, start_meeting="2026-12-08")
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        text = screen_text(app)
        assert "shift+tab Focus Previous" in flat(text) or "shift+tab" not in text
        assert "shift+tabFocus" not in text
        assert "f9" in text and "Export" in text
