"""The database stops taking writes while the scribe types: a full disk, a
database made read-only. Each is said in its own words, the text stays in the
editor, and on leaving it goes to a recovery file that is offered next time.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time

import pytest
from sqlmodel import select

from peergroup.models import Meeting
from peergroup.services import minutes as minutes_svc
from peergroup.services import recovery

from .helpers import SIZE, app_for, screen_text, settle, type_text

DAY = "2026-12-08"


def _meeting_id(db) -> int:  # noqa: ANN001
    with db.read() as s:
        return s.exec(select(Meeting).where(Meeting.on == dt.date.fromisoformat(DAY))).one().id


async def _until(pilot, condition, timeout: float = 15.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await pilot.pause(0.1)
    return condition()


@pytest.mark.parametrize(
    ("driver_error", "said"),
    [
        ("database or disk is full", "the disk is full"),
        ("attempt to write a readonly database", "read-only"),
    ],
    ids=["disk-full", "read-only"],
)
async def test_typing_is_kept_and_offered_again_when_saves_fail(
    demo_db, monkeypatch, driver_error, said
):
    mid = _meeting_id(demo_db)
    real_save = minutes_svc.save_minutes

    def failing_save(*_args, **_kwargs):  # noqa: ANN002, ANN003
        raise sqlite3.OperationalError(driver_error)  # what SQLite says, translated by db.py

    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "MeetingScreen"
        monkeypatch.setattr(minutes_svc, "save_minutes", failing_save)
        await type_text(pilot, "Decided: write to the chair")
        meeting = app.screen
        assert await _until(pilot, lambda: said in screen_text(app).splitlines()[-2])
        assert "Traceback" not in screen_text(app)
        assert meeting.editor.text == "Decided: write to the chair"
        await type_text(pilot, " by Friday")  # typing goes on
        await pilot.press("escape")  # leaving: the text goes to a recovery file
        await settle(pilot)
        assert type(app.screen).__name__ != "MeetingScreen"
    path = recovery.recovery_file(demo_db.path, mid)
    assert path.read_text(encoding="utf-8") == "Decided: write to the chair by Friday"
    monkeypatch.setattr(minutes_svc, "save_minutes", real_save)

    # The next time the meeting opens, the text is offered as a kept copy.
    app = app_for(demo_db.path, start_meeting=DAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # (three workers in a row: load, keep the recovered text, load again)
        assert await _until(pilot, lambda: "1 kept copy" in screen_text(app).splitlines()[-2])
    with demo_db.read() as s:
        kept = [c.text for c in minutes_svc.conflicts(s, mid)]
    assert kept == ["Decided: write to the chair by Friday"]
