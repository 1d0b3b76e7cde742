"""Layouts that adapt: at 60x20 nothing important falls off; at 120x40 text
columns grow instead of leaving blank space; footers never overflow."""

from __future__ import annotations

import pytest

from .helpers import app_for, screen_text, settle

SCREENS = [
    ((), "home"),
    (("1",), "peer"),
    (("escape", "2"), "members"),
    (("escape", "3"), "goals"),
    (("escape", "4"), "calendar"),
    (("l",), "roles"),
    (("escape", "escape", "0"), "tracking"),
    (("i",), "my items"),
]


def _footer_fits(line: str) -> bool:
    """The palette hint sits at the right end and nothing runs into it."""
    left, _, right = line.rpartition("▏")
    return right.strip() == "^p palette" and left.endswith(" ")


async def test_at_60x20_the_home_table_keeps_its_status_column(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await pilot.pause()
        lines = screen_text(app).splitlines()
        table = [line for line in lines if line.lstrip().startswith(("1 ", "3 ", "10 "))]
        assert any("✔ done" in line for line in table)
        assert any("◐ started" in line or "○ to do" in line for line in table)
        assert all(len(line.rstrip()) <= 60 for line in lines)


@pytest.mark.parametrize("width", [60, 80])
async def test_every_footer_fits_without_running_into_the_palette_hint(demo_db, width):
    app = app_for(demo_db.path)
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        for keys, name in SCREENS:
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            footer = screen_text(app).splitlines()[-1]
            assert _footer_fits(footer), f"{name} at {width}: {footer!r}"
            assert "esc Back" in footer or name == "home"


@pytest.mark.parametrize("width", [60, 80, 120])
async def test_the_meeting_footer_fits_with_esc_and_the_palette(demo_db, width):
    app = app_for(demo_db.path, start_meeting="2026-12-08")
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert _footer_fits(footer) and footer.startswith("esc Back f2 Attend")
        keys = [part for part in footer.split() if part.startswith("f") and part[1:].isdigit()]
        keys = [k for k in keys if k != "f1"]  # "f1 Keys" (the rest) comes last when narrow
        assert keys == sorted(keys, key=lambda k: int(k[1:]))  # F-keys in order
        if width < 80:  # the rest are one key away
            assert "f1 Keys" in footer and "f9" not in footer
            await pilot.press("f9")  # and still work
            await settle(pilot)
            assert type(app.screen).__name__ != "MeetingScreen"
        else:
            assert "f9 Export" in footer and "f1 Keys" not in footer


async def test_the_meeting_footer_follows_a_resize(demo_db):
    app = app_for(demo_db.path, start_meeting="2026-12-08")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "f9 Export" in screen_text(app).splitlines()[-1]
        await pilot.resize_terminal(60, 24)
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert _footer_fits(footer) and "f1 Keys" in footer
        await pilot.resize_terminal(100, 24)
        await settle(pilot)
        assert "f9 Export" in screen_text(app).splitlines()[-1]


async def test_at_120x40_text_columns_take_the_width(demo_db):
    app = app_for(demo_db.path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.pause()
        text = screen_text(app)
        # At 80 columns these are cut with an ellipsis; at 120 they are whole.
        assert "Hannah Whitfield" in text
        assert "priya.raman@northbridge.example.org" in text
        header = next(line for line in text.splitlines() if "E-mail" in line)
        assert header.index("E-mail") > 30  # the name column grew
