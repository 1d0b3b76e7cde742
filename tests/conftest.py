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
    monkeypatch.setenv("PEERGROUP_CONFIG", str(tmp_path / "config"))
    monkeypatch.setenv("PEERGROUP_CACHE", str(tmp_path / "cache"))
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


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty, fully migrated database, built once per run and copied per test.

    Building the schema runs every migration (about a second); copying a file
    is instant. Tests of the migrations themselves build their own.
    """
    from peergroup.db import open_database

    path = tmp_path_factory.mktemp("template") / "template.db"
    open_database(path, create=True).close()
    return path


@pytest.fixture
def make_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory, clock):
    """A factory of fresh databases: ``make_db()`` or ``make_db(path, clock=...)``."""
    import os
    import shutil

    from peergroup.db import open_database

    opened = []

    def make(path: Path | None = None, *, clock=clock):  # noqa: ANN001
        path = path or tmp_path_factory.mktemp("db") / "peergroup.db"
        shutil.copyfile(template_db, path)
        os.chmod(path, 0o600)
        database = open_database(path, clock=clock)
        opened.append(database)
        return database

    yield make
    for database in opened:
        database.close()


@pytest.fixture
def db(db_path: Path, make_db):
    return make_db(db_path)


@pytest.fixture
def demo_db(tmp_path: Path, make_db):
    """A database holding the bundled demo group."""
    from peergroup import content, groupfile

    database = make_db(tmp_path / "demo.db")
    with database.write() as session:
        groupfile.import_group(session, groupfile.read(content.demo_group_file()))
    return database
