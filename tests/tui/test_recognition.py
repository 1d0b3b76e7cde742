"""Recognition and competencies by keyboard: a member's statement from the members
screen, and competency tags typed into the topic form."""

from __future__ import annotations

from pathlib import Path

from .helpers import SIZE, app_for, flat, screen_text, settle, type_text


async def _down_to(pilot, table_id: str, label: str) -> None:  # noqa: ANN001
    table = pilot.app.screen.query_one(table_id)
    for _ in range(table.row_count):
        if label in str(table.get_row_at(table.cursor_row)[0]):
            return
        await pilot.press("down")
    raise AssertionError(f"{label} is not in {table_id}")


async def test_export_a_member_statement_from_the_members_screen(demo_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await _down_to(pilot, "#members", "Priya Raman")
        await pilot.press("x")
        await settle(pilot)
        assert "Statement of Priya Raman" in flat(screen_text(app))
        await type_text(pilot, "2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
    page = Path(tmp_path / "statement-priya-raman.html").read_text()
    assert "Priya Raman" in page and "the year 2026" in page
    assert "<script" not in page
