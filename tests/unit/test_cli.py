"""The command line, called like a function: ``run(argv) -> int``.

Stories: a facilitator checks the version (fast, no heavy imports), creates a
database, imports the group file, lists groups and takes a backup; a typo in
--db or in the group file is reported, exits 2, and changes nothing.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import peergroup
from peergroup import __version__, content
from peergroup.cli import run

DEMO_NAME = "Northbridge GIM Clinician-Educator Peer Group"
PACKAGE_ROOT = str(Path(peergroup.__file__).resolve().parent.parent)


def _companions(path: Path) -> list[str]:
    return [
        p.name
        for p in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))
        if p.exists()
    ]


def _group_names(path: Path) -> list[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute('select name from "group" order by name')]
    finally:
        con.close()


# --- quick commands ------------------------------------------------------------


def test_version_prints_the_version_and_exits_0(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as exit_:
        run(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"peergroup {__version__}"


def test_help_lists_the_commands_and_exits_0(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as exit_:
        run(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: peergroup")
    for command in ("init", "groups", "import", "backup", "--db"):
        assert command in out


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_import_neither_textual_nor_sqlmodel(flag: str):
    code = (
        "import json, sys\n"
        "from peergroup.cli import run\n"
        "try:\n"
        f"    run([{flag!r}])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "heavy = sorted(m for m in ('textual', 'sqlmodel', 'sqlalchemy', 'rich') if m in sys.modules)\n"
        "print(json.dumps({'code': code, 'heavy': heavy}), file=sys.stderr)\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([PACKAGE_ROOT, os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report == {"code": 0, "heavy": []}


# --- databases -----------------------------------------------------------------


def test_a_mistyped_db_path_exits_2_pointing_at_init_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    missing = tmp_path / "missing.db"
    assert run(["--db", str(missing), "groups"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("peergroup: ")
    assert "init" in captured.err and str(missing) in captured.err
    assert not missing.exists()
    assert list(tmp_path.iterdir()) == []  # no -wal, no -shm, no default database either


def test_init_creates_a_database_once_and_refuses_the_second_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = tmp_path / "harbour.db"
    assert run(["--db", str(path), "init"]) == 0
    assert "Created an empty Peergroup database" in capsys.readouterr().out
    assert path.exists()
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)
    assert _group_names(path) == []
    before = path.read_bytes()

    assert run(["--db", str(path), "init"]) == 2
    err = capsys.readouterr().err
    assert "already holds a Peergroup database" in err and "nothing was changed" in err
    assert path.read_bytes() == before


def test_import_then_groups_lists_the_demo_group(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = tmp_path / "demo.db"
    assert run(["--db", str(path), "init"]) == 0
    assert run(["--db", str(path), "import", str(content.demo_group_file())]) == 0
    assert f"Imported {DEMO_NAME!r}" in capsys.readouterr().out

    assert run(["--db", str(path), "groups"]) == 0
    assert capsys.readouterr().out.splitlines() == [DEMO_NAME]


def test_importing_a_bad_group_file_exits_2_naming_the_field_and_adds_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = tmp_path / "harbour.db"
    assert run(["--db", str(path), "init"]) == 0
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[group]\nname = "Harbour Lights"\n\n[[members]]\nname = "Ada Byron"\nemial = "ada@example.org"\n',
        encoding="utf-8",
    )
    capsys.readouterr()

    assert run(["--db", str(path), "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "members[1].emial" in err and "not a field here" in err
    assert _group_names(path) == []


def test_backup_writes_a_copy_and_will_not_overwrite_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = tmp_path / "demo.db"
    out = tmp_path / "copies" / "demo-backup.db"
    out.parent.mkdir()
    assert run(["--db", str(path), "import", str(content.demo_group_file())]) == 0
    capsys.readouterr()

    assert run(["--db", str(path), "backup", "-o", str(out)]) == 0
    assert f"Wrote a backup of {path} to {out}" in capsys.readouterr().out
    assert _group_names(out) == [DEMO_NAME]
    before = out.read_bytes()

    assert run(["--db", str(path), "backup", "-o", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert out.read_bytes() == before

    # A copy named like the database's own journal or WAL would be replayed into it.
    for suffix in ("-journal", "-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        assert run(["--db", str(path), "backup", "-o", str(companion)]) == 2
        assert "database's own files" in capsys.readouterr().err
        # (SQLite's own -wal/-shm may exist while the database is open; never a copy.)
        assert not companion.exists() or companion.read_bytes()[:16] != b"SQLite format 3\0"
    assert _group_names(path) == [DEMO_NAME]
    # An ordinary name next to it is fine, .bak included.
    bak = path.with_name(path.name + ".2026-11-27.bak")
    assert run(["--db", str(path), "backup", "-o", str(bak)]) == 0
    assert _group_names(bak) == [DEMO_NAME]


@pytest.mark.parametrize("command", [["groups"], ["init"], ["backup", "-o", "copy.db"]])
def test_a_file_that_is_not_a_peergroup_database_exits_2_and_is_untouched(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
):
    notes = tmp_path / "notes.txt"
    notes.write_text("Agenda for Tuesday\n- minutes\n", encoding="utf-8")
    os.utime(notes, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    before = (notes.read_bytes(), notes.stat().st_mtime_ns)

    monkeypatch.chdir(tmp_path)  # so a relative -o would land here if it were written
    assert run(["--db", str(notes), *command]) == 2
    err = capsys.readouterr().err
    assert "not a Peergroup database" in err and "untouched" in err
    assert (notes.read_bytes(), notes.stat().st_mtime_ns) == before
    assert _companions(notes) == []
    assert not (tmp_path / "copy.db").exists()


def test_demo_never_goes_into_a_database_in_use(tmp_path: Path, capsys):
    path = tmp_path / "ours.db"
    assert run(["--db", str(path), "init"]) == 0
    capsys.readouterr()
    before = path.read_bytes()
    assert run(["--db", str(path), "demo"]) == 2
    err = capsys.readouterr().err
    assert "already exists; the demo only goes into a new file" in err
    assert "Traceback" not in err
    assert path.read_bytes() == before
    assert _group_names(path) == []
