"""Recognition and competencies by keyboard: a member's statement from the members
screen, and competency tags typed into the topic form."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from peergroup.models import Topic
from peergroup.services import competencies

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


async def _tab_to(pilot, field_id: str) -> None:  # noqa: ANN001
    for _ in range(12):
        if pilot.app.focused is not None and pilot.app.focused.id == field_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"tab never reached {field_id}")


async def test_tag_a_topic_by_keyboard_a_wrong_tag_is_named_and_the_right_ones_saved(demo_db):
    title = "Teaching medical Spanish in clinic"
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        await _down_to(pilot, "#topics", "Teaching medical Spanish")
        await pilot.press("e")
        await settle(pilot)
        await _tab_to(pilot, "field-competencies")
        field = app.screen.query_one("#field-competencies")
        field.value = ""  # the demo's tags: start from an empty field
        await type_text(pilot, "scholar, wizardry")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "'wizardry' is not a competency" in text and "health-advocate" in text
        assert field.value == "scholar, wizardry"  # what was typed stays
        await pilot.press("end")  # the field is focused again with its text selected
        for _ in "wizardry":
            await pilot.press("backspace")
        await type_text(pilot, "Leader")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Competencies: Leader, Scholar" in flat(screen_text(app))
    with demo_db.read() as s:
        topic = s.exec(select(Topic).where(Topic.title == title)).one()
        assert competencies.topic_tags(s, topic.id) == ["leader", "scholar"]


async def test_a_group_adds_its_own_competency_from_the_palette(demo_db):
    from peergroup.models import GroupCompetency

    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "competency tag of the group")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        await type_text(pilot, "Quality improvement")
        await pilot.press("ctrl+s")
        await settle(pilot)
    with demo_db.read() as s:
        rows = s.exec(select(GroupCompetency.key, GroupCompetency.label)).all()
    assert rows == [("quality-improvement", "Quality improvement")]
