"""The domain tests run on both backends: an SQLite file, and a PostgreSQL database.

Every test here that uses a database (``db``, ``make_db``, ``demo_db``) runs
twice: ``[sqlite]`` and ``[postgresql]``. The PostgreSQL run needs a server:
``PEERGROUP_TEST_PG`` is the address of one (any database on it; a fresh
database is made for each test from a migrated template and dropped after).
Without it the PostgreSQL runs are skipped, so a developer without a server
still runs everything on SQLite; CI starts a throwaway server and sets
``PEERGROUP_TEST_PG_REQUIRED=1``, which turns a missing server into a failure.

Tests of file-level SQLite behaviour (WAL, backups, permissions, the file
inspector) are marked ``sqlite_only`` and run once.
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pytest

PG_ENV = "PEERGROUP_TEST_PG"
PG_REQUIRED_ENV = "PEERGROUP_TEST_PG_REQUIRED"
_counter = itertools.count(1)


def pytest_configure(config):  # noqa: ANN001
    config.addinivalue_line(
        "markers", "sqlite_only: about the SQLite file itself; not collected for PostgreSQL"
    )


def pytest_collection_modifyitems(config, items):  # noqa: ANN001, ARG001
    """A sqlite_only test is not collected for PostgreSQL at all (not skipped)."""
    items[:] = [
        item
        for item in items
        if not (item.get_closest_marker("sqlite_only") and "[postgresql" in item.nodeid)
    ]


def _server() -> str | None:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get(PG_REQUIRED_ENV):
            pytest.fail(f"{PG_REQUIRED_ENV} is set but {PG_ENV} is not: no PostgreSQL server")
        return None
    return url


def _with_database(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _admin(url: str, *statements: str) -> None:
    import psycopg

    conninfo = _with_database(url, make_url_db(url)).replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(conninfo, autocommit=True) as con:
        for statement in statements:
            con.execute(statement)


def make_url_db(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).database or "postgres"


@pytest.fixture(scope="session")
def pg_template() -> str | None:
    """A migrated template database on the test server, made once per run."""
    url = _server()
    if url is None:
        return None
    from peergroup.db import open_database

    name = f"pgtmpl_{os.getpid()}"
    _admin(url, f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
    open_database(_with_database(url, name), create=True).close()
    yield name
    _admin(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql" and _server() is None:
        pytest.skip(f"no PostgreSQL server for the tests ({PG_ENV} is not set)")
    return request.param


@pytest.fixture
def make_db(backend, template_db: Path, tmp_path_factory, clock, request):  # noqa: ANN001
    """``make_db()`` or ``make_db(path, clock=...)``: a fresh, migrated database.

    On PostgreSQL ``path`` is ignored (the database lives on the server); the
    Database's ``path`` is then its local name (see peergroup.server).
    """
    from peergroup.db import open_database

    opened = []
    made: list[str] = []

    def make(path: Path | None = None, *, clock=clock):  # noqa: ANN001
        if backend == "sqlite":
            path = path or tmp_path_factory.mktemp("db") / "peergroup.db"
            shutil.copyfile(template_db, path)
            os.chmod(path, 0o600)
            database = open_database(path, clock=clock)
        else:
            url = _server()
            template = request.getfixturevalue("pg_template")
            name = f"pgt_{os.getpid()}_{next(_counter)}"
            _admin(url, f"CREATE DATABASE {name} TEMPLATE {template}")
            made.append(name)
            database = open_database(_with_database(url, name), clock=clock)
        opened.append(database)
        return database

    yield make
    for database in opened:
        database.close()
    if made:
        url = _server()
        _admin(url, *(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)" for name in made))
