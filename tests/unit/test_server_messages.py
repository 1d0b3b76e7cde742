"""What a PostgreSQL problem says to the user: the right kind, and never a password."""

from __future__ import annotations

import psycopg
import pytest

from peergroup import errors
from peergroup.server import DatabaseUnavailable, _redact, parse, translate_error


@pytest.mark.parametrize(
    "typed",
    [
        "postgresql://ada:s3cr/et@db.example/x",
        "postgresql://ada:p@ss?w#rd@db.example/x",
        "postgresql://ada@/x?host=/tmp/pg&password=s3cr/et",
        "postgresql://ada@/x?PASSWORD=s3cr/et&sslmode=require",
    ],
)
def test_an_address_is_never_shown_with_its_password(typed):
    shown = _redact(typed)
    assert "s3cr" not in shown and "p@ss" not in shown and "w#rd" not in shown
    assert shown.startswith("postgresql://ada@")


def test_a_parsed_address_shows_no_password_in_the_query_either():
    shown = parse("postgresql://ada@/x?host=/tmp/pg&password=hunter2").display
    assert "hunter2" not in shown and "host=/tmp/pg" in shown


@pytest.mark.parametrize(
    ("error", "kind", "words"),
    [
        (psycopg.errors.DiskFull("no space left"), errors.DiskFull, "disk space"),
        (psycopg.errors.LockNotAvailable("lock timeout"), errors.DatabaseBusy, "busy"),
        (
            psycopg.OperationalError('connection failed: FATAL:  role "nosuch" does not exist'),
            errors.DatabaseProblem,
            "refused the login",
        ),
        (
            psycopg.OperationalError("connection failed: no pg_hba.conf entry for host"),
            errors.DatabaseProblem,
            "refused the login",
        ),
        (
            psycopg.OperationalError('connection failed: database "nope" does not exist'),
            errors.DatabaseProblem,
            "no such database",
        ),
        (psycopg.errors.InsufficientPrivilege("permission denied"), errors.DatabaseReadOnly, ""),
        (psycopg.OperationalError("connection refused"), DatabaseUnavailable, "cannot be reached"),
        (psycopg.errors.AdminShutdown("terminating"), DatabaseUnavailable, "cannot be reached"),
    ],
)
def test_each_server_problem_gets_its_own_kind(error, kind, words):
    problem = translate_error(error, "postgresql://ada@db/x")
    assert type(problem) is kind, problem
    assert words in str(problem)


def test_a_disk_full_or_a_refused_login_is_not_retried_as_a_server_away():
    for error in (
        psycopg.errors.DiskFull("x"),
        psycopg.OperationalError('FATAL: password authentication failed for user "ada"'),
    ):
        assert not isinstance(translate_error(error, "x"), DatabaseUnavailable)


def test_without_the_driver_the_message_names_the_extra(monkeypatch, capsys):
    import sys

    from peergroup.cli import run

    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg raises ImportError
    assert run(["--db", "postgresql://ada:hunter2@db.example/dept", "groups"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'peergroup[postgres]'" in err and "hunter2" not in err
