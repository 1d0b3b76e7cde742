"""A reflection typed in the real app survives SIGKILL, SIGTERM and SIGHUP.

As for the minutes (test_minutes_survive.py): the app runs in a
pseudo-terminal, the journal is opened with the keyboard, text is typed, the
process is ended, and the database is read afterwards.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import pytest

from peergroup import config

from .terminal import AppInTerminal, demo_database

READY = b"Nothing written yet"  # the status line of an empty new reflection


def _reflections(db: Path, member: str) -> list[str]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "select r.text from reflection r join member m on m.id = r.member_id "
            "where m.name = ? order by r.id",
            (member,),
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def _start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, AppInTerminal]:
    db = demo_database(tmp_path)
    con = sqlite3.connect(db)
    try:
        uuid = con.execute('select uuid from "group"').fetchone()[0]
        member = con.execute("select id from member where name = 'Diego Alvarez'").fetchone()[0]
    finally:
        con.close()
    folder = tmp_path / "config"
    monkeypatch.setenv(config.CONFIG_ENV, str(folder))
    config.put(config.owner_key(db, uuid), {"member_id": member, "name": "Diego Alvarez"})
    app = AppInTerminal(
        ["--db", str(db)],
        env={"PEERGROUP_HOME": str(tmp_path / "home"), config.CONFIG_ENV: str(folder)},
    )
    app.wait_for(b"Track activities")
    app.type("8")
    app.wait_for(b"Writing as")
    app.type("a")
    app.wait_for(b"free writing")  # the hint under the loaded field: the form is ready
    for attempt in range(3):  # ctrl+s: start from the latest meeting's prompt
        app.type("\x13")
        try:
            app.wait_for(READY, timeout=10.0)
            break
        except AssertionError:  # a busy machine: the form was not ready for the key yet
            if attempt == 2:
                raise
    return db, app


def test_a_pause_then_sigkill_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    db, app = _start(tmp_path, monkeypatch)
    try:
        app.type("Teaching the ultrasound course felt like mine again.")
        app.wait_for(b"again.")  # drawn: every key has reached the editor
        time.sleep(2.0)  # then the pause
        app.proc.send_signal(signal.SIGKILL)
        app.proc.wait(timeout=10)
    finally:
        app.close()
    assert _reflections(db, "Diego Alvarez") == [
        "Teaching the ultrasound course felt like mine again."
    ]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_save_everything_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sig: signal.Signals
):
    db, app = _start(tmp_path, monkeypatch)
    try:
        app.type("Closing the lid mid-sentence")
        # Signalled as soon as the last key is drawn: on a quick machine, before
        # the autosave, so only the final flush can save it.
        app.wait_for(b"mid-sentence")
        app.proc.send_signal(sig)
        app.proc.wait(timeout=15)
    finally:
        app.close()
    assert _reflections(db, "Diego Alvarez") == ["Closing the lid mid-sentence"]
