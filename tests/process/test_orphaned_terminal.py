"""A terminal that goes away without a hangup signal: the app saves and leaves.

Closing the master side of the pseudo-terminal (what a crashed terminal
emulator or a dropped connection does) sends no SIGHUP to a process that is not
in the terminal's session; before, the app then spun at full CPU forever.
"""

from __future__ import annotations

import time

from .terminal import MEETING_DAY, AppInTerminal, demo_database, minutes_text


def _gone_within(app: AppInTerminal, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if app.proc.poll() is not None:
            return True
        time.sleep(0.05)
    return False


def test_the_app_exits_when_its_terminal_is_closed(tmp_path):
    db = demo_database(tmp_path)
    app = AppInTerminal(["--db", str(db)], env={"PEERGROUP_HOME": str(tmp_path / "home")})
    try:
        app.wait_for(b"Group:")
        app.hang_up()  # the terminal goes away; no signal is sent
        assert _gone_within(app, 10), "the app kept running after its terminal was closed"
    finally:
        app.close()


def test_minutes_typed_before_the_terminal_went_away_are_saved(tmp_path):
    db = demo_database(tmp_path)
    app = AppInTerminal(
        ["--db", str(db), "meeting", MEETING_DAY], env={"PEERGROUP_HOME": str(tmp_path / "home")}
    )
    try:
        app.wait_for(b"Type the minutes here")
        app.type("Agreed: Priya leads January's session")
        # Hung up as soon as the last key is drawn. The app notices within a
        # second, so the autosave may come first; the SIGTERM/SIGHUP tests of
        # test_minutes_survive hold the exit's flush alone.
        app.wait_for(b"January's session")
        app.hang_up()
        assert _gone_within(app, 10), "the app kept running after its terminal was closed"
    finally:
        app.close()
    assert minutes_text(db, MEETING_DAY) == "Agreed: Priya leads January's session"
