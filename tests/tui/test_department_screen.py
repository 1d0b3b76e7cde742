"""The department chair opens the department view from the command palette.

Stories: typing "department" in the palette opens the view of every group; at
80x24 each group's figures are on screen, the hostile name shown as typed; the
highlighted group's review and outcomes are spelt out beneath; [ goes to a
calendar year and ] back; x exports the view as an HTML page through the usual
export dialog, and the file holds the figures and never the private reflection.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.department_groups import CANARY, HOSTILE, NAMES, NOTE_CANARY, build

from .helpers import SIZE, app_for, flat, screen_text, settle, type_text


@pytest.fixture
def four(db):
    build(db)
    return db


async def _open_from_palette(pilot) -> None:  # noqa: ANN001
    await pilot.press("ctrl+p")
    await pilot.pause()
    await type_text(pilot, "Department view")
    await pilot.pause(0.5)
    await pilot.press("enter")
    await settle(pilot)


def _line_of(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if name in line)


async def test_the_chair_sees_every_group_and_its_figures_at_80x24(four, monkeypatch):
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    app = app_for(four.path, group=NAMES[1])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open_from_palette(pilot)
        assert type(app.screen).__name__ == "DepartmentScreen"
        text = screen_text(app)
        assert "The twelve months to 25 Nov 2026 (26 Nov 2025 to 25 Nov 2026)" in text
        for header in ("Group", "Mbrs", "Held", "Plan", "Att", "Goals", "Review", "Outc"):
            assert header in _line_of(text, "Review")
        alder = _line_of(text, "Alder Clinician-Educators").split()
        assert alder[-7:] == ["3", "2", "4", "75%", "2", "done", "7"]
        assert _line_of(text, "Birch Hospitalists").split()[-7:] == [
            "2", "2", "2", "100%", "0", "overdue", "0",
        ]  # fmt: skip
        assert _line_of(text, "Dogwood Surgeons").split()[-8:] == [
            "1", "1", "1", "–", "0", "in", "progress", "3",
        ]  # fmt: skip
        assert HOSTILE[:20] in text  # the first row: shown as typed, cut to the column
        assert "not due yet" in _line_of(text, HOSTILE[:20])
        flat_text = flat(text)
        assert "All groups: 4 group(s), 7 members, 6 of 8 meetings held, attendance 82%" in (
            flat_text
        )
        assert "Reviews: 1 done, 1 in progress, 1 overdue, 1 not due yet." in flat_text
        assert "Export" in text.splitlines()[-1]  # the binding is in the footer
        assert CANARY not in text and NOTE_CANARY not in text

        await pilot.press("down")  # Alder: its review and outcomes beneath the table
        await settle(pilot)
        flat_text = flat(screen_text(app))
        assert "review done, finished on 20 Jan 2026." in flat_text
        assert "Outcomes: Teaching awards 1, Publications 5, Grants submitted 1." in flat_text

        await pilot.press("left_square_bracket")  # the calendar year 2026, then 2025
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        text = screen_text(app)
        assert "2025 (01 Jan 2025 to 31 Dec 2025)" in text
        assert _line_of(text, "Alder").split()[-9:] == [
            "4", "2", "2", "50%", "1", "not", "due", "yet", "7",
        ]  # fmt: skip
        await pilot.press("right_square_bracket")
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "The twelve months to 25 Nov 2026" in screen_text(app)


async def test_x_exports_the_view_as_a_page(four, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    work = tmp_path / "exports"
    work.mkdir()
    monkeypatch.chdir(work)  # the export dialog's default folder
    app = app_for(four.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open_from_palette(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert "Export the department view (all groups)" in flat(screen_text(app))
        await pilot.press("ctrl+s")
        await settle(pilot)
        written = work / "department-view.html"
        assert written.exists(), flat(screen_text(app))
        assert type(app.screen).__name__ == "DepartmentScreen"  # the dialog closed
    page = written.read_text(encoding="utf-8")
    assert "<title>Peer groups of the department</title>" in page
    assert '<td>Alder Clinician-Educators</td><td class="num">3</td>' in page
    assert "overdue (due since 04 Mar 2026)" in page
    assert "&lt;script&gt;" in page and "<script" not in page
    assert CANARY not in page and NOTE_CANARY not in page
