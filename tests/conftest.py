"""Fixtures shared by every test: each test gets its own data folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

# The demo group's "today"; every test runs on it unless it pins another day.
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test may touch the real user data folder."""
    home = tmp_path / "home"
    monkeypatch.setenv("PEERGROUP_HOME", str(home))
    monkeypatch.setenv("TZ", "America/New_York")
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "peergroup.db"


@pytest.fixture
def clock():
    """The pinned "today" of every test (override per test with another FixedClock)."""
    from peergroup.clock import FixedClock

    return FixedClock(TODAY)


@pytest.fixture
def db(db_path: Path, clock):
    from peergroup.db import open_database

    database = open_database(db_path, create=True, clock=clock)
    yield database
    database.close()


@pytest.fixture
def demo_db(tmp_path: Path, clock):
    """A database holding the bundled demo group."""
    from peergroup import content, groupfile
    from peergroup.db import open_database

    database = open_database(tmp_path / "demo.db", create=True, clock=clock)
    with database.write() as session:
        groupfile.import_group(session, groupfile.read(content.demo_group_file()))
    yield database
    database.close()


