"""What `peergroup` does to start and finish fast must not change what it does:
the short parser for opening the app, the exit without module teardown, the
garbage collector left off for one-shot commands."""

from __future__ import annotations

import subprocess
import sys

import pytest

from peergroup import cli

pytestmark = pytest.mark.sqlite_only


@pytest.mark.parametrize(
    "argv",
    [[], ["--db", "x.db"], ["--db=x.db", "--group", "Ours"], ["--demo"], ["--gr", "g"]],
)
def test_opening_the_app_parses_as_the_full_command_line_does(argv):
    quick = vars(cli._parse(argv))
    full = vars(cli._parser().parse_args(argv))
    assert quick == {k: full[k] for k in quick}
    assert quick["command"] is None


@pytest.mark.parametrize(
    "argv", [["--db"], ["--d", "x"], ["--bogus"], ["--db", "x", "nonsense"], ["--help"]]
)
def test_a_problem_is_told_by_the_full_parser(argv, capsys):
    with pytest.raises(SystemExit) as raised:
        cli._parse(argv)
    out = capsys.readouterr()
    if argv == ["--help"]:
        assert raised.value.code == 0 and "export" in out.out  # every command is listed
    else:
        assert raised.value.code == 2 and "COMMAND" in out.err  # the full usage line


def test_a_command_gets_its_own_arguments():
    args = cli._parse(["--db", "x.db", "search", "feedback", "--limit", "3"])
    assert args.command == "search" and args.query == ["feedback"] and args.limit == 3


def _peergroup(*args: str, **kwargs) -> subprocess.CompletedProcess:  # noqa: ANN003
    return subprocess.run(
        [sys.executable, "-m", "peergroup", *args], capture_output=True, check=False, **kwargs
    )


def test_a_command_exits_with_its_code_and_all_its_output(tmp_path):
    """main() leaves with os._exit after flushing: nothing printed is lost,
    through a pipe too, and the exit code is the command's."""
    db = tmp_path / "demo.db"
    from peergroup import content

    made = _peergroup("--db", str(db), "import", str(content.demo_group_file()))
    assert made.returncode == 0, made.stderr
    piped = _peergroup("--db", str(db), "export", "ics", "-o", "-")
    assert piped.returncode == 0
    _peergroup("--db", str(db), "export", "ics", "-o", str(tmp_path / "g.ics"))

    def stable(ics: bytes) -> list[bytes]:  # DTSTAMP is the moment of writing
        return [line for line in ics.splitlines() if not line.startswith(b"DTSTAMP")]

    assert stable(piped.stdout) == stable((tmp_path / "g.ics").read_bytes())
    assert piped.stdout.rstrip().endswith(b"END:VCALENDAR")
    missing = _peergroup("--db", str(tmp_path / "none.db"), "search", "x")
    assert missing.returncode == 2 and b"There is no database" in missing.stderr
    found = _peergroup("--db", str(db), "search", "feedback")
    assert found.returncode == 0 and found.stdout.count(b"\n") >= 3


def test_one_shot_commands_run_without_the_collector_and_bulk_ones_with_it(tmp_path):
    """cli.main turns the collector off (start-up is imports, not garbage);
    import and copy, which move whole databases, turn it back on."""
    probe = (
        "import atexit, gc, sys\n"
        "from peergroup import cli\n"
        "seen = []\n"
        "atexit.register(lambda: print('collector', seen, file=sys.stderr, flush=True))\n"
        "real = cli._with_db\n"
        "def spy(args, command):\n"
        "    seen.append(gc.isenabled())\n"
        "    return real(args, command)\n"
        "cli._with_db = spy\n"
        "sys.argv = ['peergroup'] + sys.argv[1:]\n"
        "cli.main()\n"  # it leaves with os._exit, after the atexit handlers
    )
    db = tmp_path / "demo.db"
    from peergroup import content

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, check=False
        )
        return done.stderr.strip().splitlines()[-1]

    assert run("--db", str(db), "import", str(content.demo_group_file())) == "collector [True]"
    assert run("--db", str(db), "search", "feedback") == "collector [False]"


def test_opening_the_app_starts_the_helper_and_the_meeting_command_does_not(tmp_path, monkeypatch):
    from peergroup import content, home_prefetch, home_snapshot
    from peergroup.clock import FixedClock

    monkeypatch.delenv(home_prefetch.ENV, raising=False)
    monkeypatch.setattr(home_prefetch, "_cores", lambda: 2)
    db = tmp_path / "demo.db"
    assert cli.run(["--db", str(db), "import", str(content.demo_group_file())]) == 0
    given = []

    def fake_tui(path, **kwargs):  # noqa: ANN001, ANN003, ANN202
        given.append(kwargs.get("prefetch"))
        if kwargs.get("prefetch") is not None:
            kwargs["prefetch"].discard()
        return 0

    monkeypatch.setattr(cli, "_open_tui", fake_tui)
    assert cli.run(["--db", str(db)]) == 0
    assert cli.run(["--db", str(db), "meeting"]) == 0
    assert isinstance(given[0], home_prefetch.Prefetch) and given[1] is None
    from peergroup import clock

    home_snapshot.record_after_exit(db, None, clock=FixedClock(clock.today()))
    assert home_snapshot.snapshot_path(db).exists()
    assert cli.run(["--db", str(db)]) == 0
    assert given[2] is None  # the snapshot fits: no helper needed


def test_the_helper_starts_before_the_file_is_inspected_and_is_let_go_unless_it_is_current(
    tmp_path, monkeypatch
):
    from peergroup import content, dbfile, home_prefetch

    events: list[str] = []

    class FakeHelper:
        def discard(self) -> None:
            events.append("discarded")

    def fake_start(path, group, kind=None):  # noqa: ANN001, ANN202
        events.append(f"started kind={kind}")
        return FakeHelper()

    inspect = dbfile.inspect_database

    def traced_inspect(path):  # noqa: ANN001, ANN202
        events.append("inspected")
        return inspect(path)

    monkeypatch.setattr(home_prefetch, "start", fake_start)
    monkeypatch.setattr(dbfile, "inspect_database", traced_inspect)
    given = []

    def fake_tui(path, **kwargs):  # noqa: ANN001, ANN003, ANN202
        given.append(kwargs.get("prefetch"))
        return 0

    monkeypatch.setattr(cli, "_open_tui", fake_tui)
    db = tmp_path / "demo.db"
    assert cli.run(["--db", str(db), "import", str(content.demo_group_file())]) == 0
    events.clear()
    assert cli.run(["--db", str(db)]) == 0  # current: handed to the app, not let go
    assert events == ["started kind=None", "inspected"]
    assert isinstance(given.pop(), FakeHelper)

    events.clear()
    assert cli.run(["--db", str(tmp_path / "missing.db")]) == 2  # refused before the app
    assert events == ["started kind=None", "inspected", "discarded"] and given == []

    import sqlite3

    older = tmp_path / "older.db"
    older.write_bytes(db.read_bytes())
    con = sqlite3.connect(older)
    con.execute("update alembic_version set version_num = '0001'")  # the app upgrades it first
    con.commit()
    con.close()
    events.clear()
    assert cli.run(["--db", str(older)]) == 0
    assert events == ["started kind=None", "inspected", "discarded"]
    assert given.pop() is None

    loop = tmp_path / "loop.db"
    loop.symlink_to(loop)
    assert cli.run(["--db", str(loop)]) == 2  # a plain message, as before the helper came first

    monkeypatch.delenv("PEERGROUP_DB", raising=False)
    monkeypatch.setenv("PEERGROUP_HOME", str(tmp_path / "home"))
    events.clear()
    assert cli.run([]) == 0  # the default file, not made yet: the app creates it, nothing early
    assert events == ["started kind=None", "inspected", "discarded"]
    assert given.pop() is None
