"""Publishing the group folder from the running list (step 10), through the palette."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from peergroup.models import Meeting

from .helpers import SIZE, app_for, flat, screen_text, settle, type_text

FOLDER = "northbridge-gim-clinician-educator-peer-folder"  # from the group's name


def _notices(app) -> list[str]:  # noqa: ANN001
    """What the app tells the user in notifications (toasts are not in screenshots)."""
    said: list[str] = []
    shown = app.notify

    def notify(message, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        said.append(str(message))
        return shown(message, *args, **kwargs)

    app.notify = notify
    return said


async def _open_publish_dialog(app, pilot) -> str:  # noqa: ANN001
    await pilot.press("0")
    await settle(pilot)
    await pilot.press("ctrl+p")
    await pilot.pause()
    await type_text(pilot, "Publish the group folder")
    await pilot.pause(0.5)
    await pilot.press("enter")
    await settle(pilot)
    return flat(screen_text(app))


async def test_publishing_from_the_running_list_writes_the_group_folder(
    demo_db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.chdir(tmp_path)  # the dialog offers a folder in the current one
    with demo_db.read() as s:
        dates = sorted(m.on.isoformat() for m in s.exec(select(Meeting)).all())
    app = app_for(demo_db.path)
    said = _notices(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = await _open_publish_dialog(app, pilot)
        assert "Publish the group folder of Northbridge" in text
        assert f"{FOLDER}" in text  # the folder it offers
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Publish the group folder of" not in flat(screen_text(app))  # closed
    folder = tmp_path / FOLDER
    assert said == [
        f"Published the group folder to {folder}: 28 file(s) written, 0 unchanged, 0 removed."
    ]
    pages = sorted(p.stem for p in (folder / "meetings").glob("*.html"))
    assert pages == dates  # one page per meeting in the database
    assert "Northbridge GIM" in (folder / "index.html").read_text()
    listed = json.loads((folder / ".peergroup-publish.json").read_text())["files"]
    assert "calendar/group.ics" in listed and "index.md" in listed


async def test_a_folder_of_other_files_needs_a_second_ctrl_s(
    demo_db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / FOLDER
    folder.mkdir()
    (folder / "budget.xlsx").write_bytes(b"theirs")
    app = app_for(demo_db.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open_publish_dialog(app, pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        first = flat(screen_text(app))
        assert sorted(p.name for p in folder.iterdir()) == ["budget.xlsx"]  # nothing yet
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert "did not publish" in first and "ctrl+s again" in first
    assert (folder / "index.html").exists()
    assert (folder / "budget.xlsx").read_bytes() == b"theirs"
