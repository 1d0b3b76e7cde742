"""Helpers for Pilot tests: start the app on a database and read the screen."""

from __future__ import annotations

import html
import re
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


_SVG_TEXT = re.compile(
    r'<text [^>]*x="([\d.]+)"[^>]*clip-path="url\(#[\w-]+-line-(\d+)\)"[^>]*>(.*?)</text>'
)
_SVG_CHAR_WIDTH = 12.2  # Rich's SVG export: 0.61 x its 20 px font


def screen_text(app: PeergroupApp) -> str:
    """The visible text of the screen, line by line: what a user sees, dialogs included.

    Read from Textual's public screenshot export (an SVG): every run of text is
    put back at its column on its line.
    """
    width, height = app.size
    rows = [[" "] * width for _ in range(height)]
    for m in _SVG_TEXT.finditer(app.export_screenshot()):
        col, row = round(float(m.group(1)) / _SVG_CHAR_WIDTH), int(m.group(2))
        for i, ch in enumerate(html.unescape(m.group(3)).replace("\xa0", " ")):
            if 0 <= row < height and 0 <= col + i < width:
                rows[row][col + i] = ch
    return "\n".join("".join(r) for r in rows)


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
    return re.sub(r"\s+", " ", re.sub(r"[│╭╮╰╯─▎▊]", " ", text))
