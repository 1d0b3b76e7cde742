"""Every action is in the command palette by name, not only the screens."""

from __future__ import annotations

from .helpers import SIZE, app_for, flat, screen_text, settle, type_text


async def _palette_offers(app, pilot, words: str) -> str:  # noqa: ANN001
    await pilot.press("ctrl+p")
    await pilot.pause()
    await type_text(pilot, words)
    await pilot.pause(0.5)
    text = flat(screen_text(app))
    await pilot.press("escape")
    await pilot.pause()
    return text


async def test_the_palette_names_actions_from_any_screen(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        for words, expected in [
            ("export calendar", "Export the calendar (.ics)"),
            ("export minutes", "Export minutes (Markdown)"),
            ("close an item", "My action items: close an item"),
            ("meeting day", "Meeting day"),
            ("theme", "theme"),
        ]:
            assert expected.lower() in (await _palette_offers(app, pilot, words)).lower(), words


async def test_the_palette_holds_the_current_screens_own_actions(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert "Move (v)" in await _palette_offers(app, pilot, "move")
        assert "Skip (k)" in await _palette_offers(app, pilot, "skip")


async def test_export_calendar_from_the_palette_opens_its_dialog(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "Export the calendar")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert "Export the meeting calendar of Northbridge" in flat(screen_text(app))
