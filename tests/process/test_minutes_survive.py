"""Minutes typed in the real app survive SIGKILL, SIGTERM and SIGHUP.

These start `python -m peergroup meeting DATE` in a pseudo-terminal, type as
a scribe would, end the process, and read the database afterwards.
"""

from __future__ import annotations

import signal
import time

import pytest

from .terminal import MEETING_DAY, AppInTerminal, WriteLock, demo_database, minutes_text

READY = b"Type the minutes here"
MAX_LOSS_SECONDS = 2.0


def _start(tmp_path):  # noqa: ANN001, ANN202
    db = demo_database(tmp_path)
    app = AppInTerminal(
        ["--db", str(db), "meeting", MEETING_DAY], env={"PEERGROUP_HOME": str(tmp_path / "home")}
    )
    app.wait_for(READY)
    return db, app


def test_sigkill_loses_at_most_the_last_two_seconds(tmp_path):
    db, app = _start(tmp_path)
    try:
        app.typed, marks = app.type_steadily(3.0)
        killed_at = time.monotonic()
        app.proc.kill()
        app.proc.wait(timeout=10)
    finally:
        app.close()
    saved = minutes_text(db, MEETING_DAY)
    assert app.typed.startswith(saved), "saved text must be exactly what was typed, in order"
    typed_before_limit = max((n for t, n in marks if t <= killed_at - MAX_LOSS_SECONDS), default=0)
    assert typed_before_limit > 0
    assert len(saved) >= typed_before_limit


def test_pause_then_sigkill_loses_nothing(tmp_path):
    db, app = _start(tmp_path)
    try:
        app.type("Decided to nominate Priya for the teaching award.")
        app.wait_for(b"award.")  # drawn: every key has reached the editor
        time.sleep(MAX_LOSS_SECONDS)  # then the pause
        app.proc.send_signal(signal.SIGKILL)
        app.proc.wait(timeout=10)
    finally:
        app.close()
    assert minutes_text(db, MEETING_DAY) == "Decided to nominate Priya for the teaching award."


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_save_everything_typed(tmp_path, sig):
    db, app = _start(tmp_path)
    try:
        app.type("Action: Marcus drafts the award letter")
        # Signalled as soon as the last key is drawn: on a quick machine, before
        # the autosave, so only the exit's flush saves it.
        app.wait_for(b"award letter")
        app.proc.send_signal(sig)
        app.proc.wait(timeout=15)
    finally:
        app.close()
    assert minutes_text(db, MEETING_DAY) == "Action: Marcus drafts the award letter"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_locked_database_at_the_end_sends_the_text_to_a_recovery_file(tmp_path, sig):
    """Another program holds the lock when the terminal closes: the app gives up on
    the database after a short wait, writes a recovery file beside it, and exits."""
    db, app = _start(tmp_path)
    try:
        with WriteLock(db):
            app.type("Typed while another program writes")
            app.wait_for(b"another program writes")  # every key has reached the editor
            started = time.monotonic()
            app.proc.send_signal(sig)
            app.proc.wait(timeout=15)
            took = time.monotonic() - started
    finally:
        app.close()
    assert took < 6, f"the app took {took:.1f} s to end"
    assert minutes_text(db, MEETING_DAY) == ""
    recovered = list(tmp_path.glob(f"{db.name}.recovery-*.txt"))
    assert [p.read_text(encoding="utf-8") for p in recovered] == [
        "Typed while another program writes"
    ]
    assert recovered[0].stat().st_mode & 0o777 == 0o600
