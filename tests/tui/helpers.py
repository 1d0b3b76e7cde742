"""Helpers for Pilot tests: start the app on a database and read the screen."""

from __future__ import annotations

from pathlib import Path

from screens.app import PeergroupApp, make_app

SIZE = (80, 24)


def app_for(path: Path, **kwargs) -> PeergroupApp:
    """The app on ``path`` with the clock pinned to the tests' "today" (unless given)."""
    from peergroup.clock import FixedClock

    from ..conftest import TODAY

    kwargs.setdefault("clock", FixedClock(TODAY))
    return make_app(path, **kwargs)


async def settle(pilot) -> None:  # noqa: ANN001
    """Wait for database workers and the resulting repaint."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app: PeergroupApp) -> str:
    """The visible text of the active screen, line by line (what a user sees)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


async def type_text(pilot, text: str) -> None:  # noqa: ANN001
    for ch in text:
        await pilot.press(_key(ch))


def _key(ch: str) -> str:
    names = {
        " ": "space",
        "@": "at",
        ".": "full_stop",
        "-": "minus",
        "[": "left_square_bracket",
        "]": "right_square_bracket",
        "/": "slash",
        ";": "semicolon",
        "'": "apostrophe",
        ",": "comma",
        "#": "number_sign",
        "|": "vertical_line",
        "`": "grave_accent",
        ":": "colon",
        "%": "percent_sign",
    }
    return names.get(ch, ch)


def flat(text: str) -> str:
    """Screen text with borders and line breaks removed, for messages that wrap."""
    import re

    return re.sub(r"\s+", " ", re.sub(r"[│╭╮╰╯─▎▊]", " ", text))
