"""Focus is visible in dark and light themes, and the chosen theme is remembered."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select
from textual.widgets._select import SelectCurrent

from peergroup import config

from .helpers import SIZE, app_for, settle


def _background(widget) -> str:  # noqa: ANN001
    return widget.styles.background.hex


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_a_focused_field_looks_different_from_the_others(demo_db, theme):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = theme
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("u")  # membership rules: inputs and selects
        await settle(pilot)
        dialog = app.screen
        selects = list(dialog.query(Select))
        inputs = list(dialog.query(Input))
        assert len(selects) >= 2 and len(inputs) >= 2
        selects[0].focus()
        await pilot.pause()
        focused = _background(selects[0].query_one(SelectCurrent))
        other = _background(selects[1].query_one(SelectCurrent))
        assert focused != other
        inputs[0].focus()
        await pilot.pause()
        assert _background(inputs[0]) != _background(inputs[1])
        # An unfocused field stands out from the dialog behind it.
        form = dialog.query_one("#form")
        assert _background(inputs[1]) != _background(form)


async def test_the_chosen_theme_is_remembered_outside_the_database(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.theme = "textual-light"
        await pilot.pause()
    assert config.get("theme") == "textual-light"
    app = app_for(demo_db.path)
    # Set as the app is made, before its stylesheets are first read (from on_mount,
    # Textual parsed every stylesheet a second time).
    assert app.theme == "textual-light"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "textual-light"
        # Applied, not only named: the screens are drawn in the light theme's colours.
        from textual.color import Color

        light = app.get_theme("textual-light")
        assert light is not None and light.background is not None
        assert app.has_class("-light-mode") and not app.has_class("-dark-mode")
        assert app.screen.styles.background == Color.parse(light.background)
    assert b"textual-light" not in demo_db.path.read_bytes()
