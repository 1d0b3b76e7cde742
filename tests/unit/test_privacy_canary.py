"""THE PRIVACY PROMISE: a private reflection leaves the database by no path.

A member writes private reflections holding a canary word. Then every
export, report, search and listing the app has (CLI and TUI), and every one
of them again on a backup of the database, must not contain it. Only the
database itself (and a backup, which is a copy of it) may hold the text, and
with a journal passphrase not even those: the raw bytes of the file, its
-wal, and a backup are checked after a checkpoint (on a PostgreSQL server, every
row of every table).

The private notes of a one-on-one pair check-in make the same promise: a note
of Priya's and Marcus's check-in holds a second canary (PAIR_CANARY, not
encrypted, so it stays out of the raw-bytes check) and every path is checked
for it too; Priya's and Marcus's calendars do hold their check-in.

Controls make sure the test can fail: the author's own journal shows the
canary, the database file holds it while there is no passphrase, and a
*shared* reflection does show up in the minutes export.

KEEP THIS UP TO DATE. A new export, report, search or publishing path is one
more line in ``CLI_PATHS`` (a command line) or ``TUI_PATHS`` (a function that
drives the app and returns what it showed or wrote).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from db_contents import stored
from sqlmodel import select

from peergroup import config
from peergroup.cli import run
from peergroup.clock import FixedClock
from peergroup.models import Meeting, Member, PairCheckin, PairNote, PairRound, Reflection
from peergroup.services import groups as groups_svc
from peergroup.services import journal as journal_svc
from peergroup.services import journal_view

TODAY = dt.date(2026, 11, 25)
DEMO = "Northbridge GIM Clinician-Educator Peer Group"
AUTHOR = "Priya Raman"
CANARY = "zqxcanaryvwq"  # one token, so full-text search would find it if it were indexed
SHARED_MARK = "sharedmarkerplk"
PASSPHRASE = "the harbour bell rings twice"
PAIR_CANARY = "pqzpairnotecanaryx"  # in the private notes of a pair check-in
PARTNER = "Marcus Bell"

# --- every path, one line each --------------------------------------------------------------
# "{out}" is replaced by a fresh file name; what the command prints and writes is checked.

CLI_PATHS: dict[str, list[str]] = {
    "export ics": ["export", "ics", "-o", "{out}.ics"],
    "export ics for the author": ["export", "ics", "--member", AUTHOR, "-o", "{out}.ics"],
    "export ics for the author's pair partner": [
        "export", "ics", "--member", PARTNER, "-o", "{out}.ics",
    ],
    "export ics to stdout": ["export", "ics", "-o", "-"],
    "export minutes": ["export", "minutes", "-o", "{out}.md"],
    "export minutes, every date": [
        "export", "minutes", "--from", "2000-01-01", "--to", "2100-12-31", "-o", "{out}.md",
    ],
    "export list": ["export", "list", "-o", "{out}.md"],
    "export curriculum": ["export", "curriculum", "-o", "{out}.md"],
    "export form (apologies, everyone)": ["export", "form", "apologies", "--all", "-o", "{out}"],
    "export form (check, everyone still to answer)": [
        "export", "form", "check", "--all", "-o", "{out}",
    ],
    "export group": ["export", "group", "-o", "{out}.toml"],
    "search": ["search", CANARY],
    "search, one group": ["search", "--group", DEMO, CANARY],
    "search, a word of the text": ["search", "lighthouse"],
    "search, the pair note": ["search", PAIR_CANARY],
    "groups": ["groups"],
    "report support (Markdown)": ["report", "support", "-o", "{out}.md"],
    "report support (HTML)": ["report", "support", "-o", "{out}.html"],
    "report support to stdout": ["report", "support", "-o", "-"],
    "report yearly (Markdown)": ["report", "yearly", "-o", "{out}.md"],
    "report yearly (HTML)": ["report", "yearly", "-o", "{out}.html"],
    "report member (Markdown)": ["report", "member", AUTHOR, "-o", "{out}.md"],
    "report member (HTML)": ["report", "member", AUTHOR, "-o", "{out}.html"],
    "report member, one year": ["report", "member", AUTHOR, "--year", "2026", "-o", "{out}.md"],
    "report department (Markdown)": ["report", "department", "-o", "{out}.md"],
    "report department (HTML)": ["report", "department", "-o", "{out}.html"],
    "report department to stdout": ["report", "department"],
    "report department, one year": ["report", "department", "--year", "2026", "-o", "{out}.md"],
    "publish the group folder": ["publish", "{out}-folder"],  # every file in it is read
}  # fmt: skip


@pytest.fixture
def private_world(demo_db, tmp_path: Path):
    """The demo group with two private reflections of Priya's holding the canary, and a
    shared one of Elena's holding a marker. This copy belongs to Elena."""
    with demo_db.write() as s:
        group = groups_svc.find_group(s, DEMO)
        members = {m.name: m.id for m in s.exec(select(Member).where(Member.group_id == group.id))}
        nov = s.exec(
            select(Meeting).where(Meeting.group_id == group.id, Meeting.on == dt.date(2026, 11, 10))
        ).one()
        s.add(
            Reflection(
                member_id=members[AUTHOR],
                meeting_id=nov.id,
                prompt_key=nov.prompt_key,
                text=f"The lighthouse of my week: {CANARY} and a worry I keep to myself.",
            )
        )
        s.add(Reflection(member_id=members[AUTHOR], text=f"Free writing {CANARY}."))
        s.add(
            Reflection(
                member_id=members["Elena Sokolova"],
                meeting_id=nov.id,
                text=f"For everyone: {SHARED_MARK}.",
                shared=True,
            )
        )
        # A one-on-one of Priya and Marcus, dated (so it is in both their calendars),
        # with private notes.
        pair_round = PairRound(
            group_id=group.id,
            number=1,
            cycle=1,
            after_on=nov.on,
            before_on=dt.date(2026, 12, 8),
        )
        s.add(pair_round)
        s.flush()
        first, second = sorted((members[AUTHOR], members[PARTNER]))
        checkin = PairCheckin(
            round_id=pair_round.id, first_id=first, second_id=second, on=dt.date(2026, 11, 30)
        )
        s.add(checkin)
        s.flush()
        s.add(PairNote(checkin_id=checkin.id, text=f"Between us: {PAIR_CANARY} and the grant."))
        group_uuid, group_id = group.uuid, group.id
    config.put(
        config.owner_key(demo_db.path, group_uuid),
        {"member_id": members["Elena Sokolova"], "name": "Elena Sokolova"},
    )
    return demo_db, group_id, members


def _run_cli(db: str, args: list[str], out: Path, capsys) -> str:  # noqa: ANN001
    """``db`` is what --db takes: a file, or a server database's address."""
    argv = [a.replace("{out}", str(out)) for a in args]
    code = run(["--db", db, *argv])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    written = "".join(_written(Path(a)) for a in argv if str(out) in a and Path(a).exists())
    return printed.out + printed.err + written


def _written(path: Path) -> str:
    """A file's text, or every file's in a folder (the published group folder)."""
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    assert files, f"{path} is an empty folder: the test would prove nothing"
    return "".join(p.read_text(encoding="utf-8") for p in files)


@pytest.fixture
def pinned_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("peergroup.db.SYSTEM", FixedClock(TODAY))


# `backup` copies an SQLite file; a server database is backed up with the server's own
# tools, so there is no copy of ours to check.
@pytest.mark.parametrize(
    "source", ["database", pytest.param("backup", marks=pytest.mark.sqlite_only)]
)
@pytest.mark.parametrize("name", list(CLI_PATHS))
def test_no_cli_path_shows_a_private_reflection(
    private_world, tmp_path: Path, capsys, pinned_cli, name: str, source: str
):
    db, _group_id, _members = private_world
    target = db.target
    if source == "backup":  # the backup is a copy of the database; what it reports is checked
        backup = tmp_path / "copy.db"
        assert run(["--db", target, "backup", "-o", str(backup)]) == 0
        capsys.readouterr()
        target = str(backup)
    produced = _run_cli(target, CLI_PATHS[name], tmp_path / "out", capsys)
    assert produced.strip(), f"{name} produced nothing: the test would prove nothing"
    assert CANARY not in produced
    assert PAIR_CANARY not in produced
    if "pair partner" in name or "for the author" in name:  # the check-in itself is there
        assert f"One-on-one with {AUTHOR if 'partner' in name else PARTNER}" in produced
    assert "lighthouse of my week" not in produced


def test_controls_the_canary_is_really_there_and_shared_text_really_exports(
    private_world, tmp_path: Path, capsys, pinned_cli
):
    db, group_id, members = private_world
    assert CANARY.encode() in stored(db)  # no passphrase yet
    assert PAIR_CANARY.encode() in stored(db)
    minutes = _run_cli(db.target, CLI_PATHS["export minutes"], tmp_path / "m", capsys)
    assert SHARED_MARK in minutes and "**Shared by:** Elena Sokolova" in minutes
    with db.read() as s:
        own = journal_view.journal_view(s, group_id, db.path, members[AUTHOR], None, TODAY)
    assert sum(CANARY in e.preview for e in own.entries) == 2


def _wal(path: Path) -> bytes:
    wal = Path(f"{path}-wal")
    return wal.read_bytes() if wal.exists() else b""


def test_with_a_passphrase_the_canary_is_in_nothing_the_database_or_its_backup_holds(
    private_world, tmp_path: Path, capsys
):
    """SQLite: no byte of the file, its -wal or a backup. A server: no row of any table
    (its storage and write-ahead log are the server's; `backup` is SQLite's)."""
    db, group_id, members = private_world
    with db.write() as s:
        key = journal_svc.set_passphrase(s, group_id, members[AUTHOR], PASSPHRASE, PASSPHRASE)
    with db.write() as s:  # written after the passphrase, too
        journal_svc.save_reflection(s, members[AUTHOR], None, f"Later {CANARY} again.", 0, key)
    assert journal_svc.scrub(db)
    assert CANARY.encode() not in stored(db)
    assert SHARED_MARK.encode() in stored(db)  # the control: the rest is still there
    if not db.is_server:
        backup = tmp_path / "after.db"
        assert run(["--db", db.target, "backup", "-o", str(backup)]) == 0
        assert CANARY.encode() not in backup.read_bytes() + _wal(backup)
        assert SHARED_MARK.encode() in backup.read_bytes()  # the copy is real
    # The author still reads them with the passphrase.
    with db.read() as s:
        unlocked = journal_svc.unlock(s, members[AUTHOR], PASSPHRASE)
        view = journal_view.journal_view(s, group_id, db.path, members[AUTHOR], unlocked, TODAY)
    assert sum(CANARY in e.preview for e in view.entries) == 3


# --- the TUI --------------------------------------------------------------------------------

TuiPath = Callable[..., Awaitable[str]]


async def _search_screen(pilot, app, tmp: Path) -> str:  # noqa: ANN001
    from tests.tui.helpers import settle, type_text

    await pilot.press("slash")
    await settle(pilot)
    await type_text(pilot, CANARY)
    await pilot.press("enter")
    await settle(pilot)
    # What the search found (the query itself is on screen, in the input box).
    status = str(app.screen.query_one("#search-status").content)
    assert status == "No matches.", status
    return status + "\n" + _search_results(app)


def _search_results(app) -> str:  # noqa: ANN001
    from textual.widgets import DataTable

    table = app.screen.query_one("#hits", DataTable)
    return "\n".join(str(table.get_row_at(i)) for i in range(table.row_count))


async def _dialog_file(pilot, app, tmp: Path, dialog) -> str:  # noqa: ANN001
    """Open an export dialog, save with its defaults (a file in ``tmp``), return the screen;
    the test reads every file written."""
    from tests.tui.helpers import settle

    before = set(tmp.iterdir())
    app.push_screen(dialog)
    await settle(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert set(tmp.iterdir()) - before, f"nothing was written:\n{_screen(app)}"
    return _screen(app)


async def _minutes_export(pilot, app, tmp: Path) -> str:  # noqa: ANN001
    from screens.tracking import ExportMinutesDialog

    return await _dialog_file(pilot, app, tmp, ExportMinutesDialog())


async def _support_brief(pilot, app, tmp: Path) -> str:  # noqa: ANN001
    from screens.dialogs.support import ExportBriefDialog

    return await _dialog_file(pilot, app, tmp, ExportBriefDialog(app.group_id))


async def _calendar_export(pilot, app, tmp: Path) -> str:  # noqa: ANN001
    from screens.dialogs.calendar import IcsExportDialog

    return await _dialog_file(pilot, app, tmp, IcsExportDialog(app.group_id, DEMO))


async def _publish(pilot, app, tmp: Path) -> str:  # noqa: ANN001
    from screens.dialogs.publish import PublishDialog

    return await _dialog_file(pilot, app, tmp, PublishDialog(app.group_id, DEMO))


async def _screen_of(pilot, app, key: str) -> str:  # noqa: ANN001
    from tests.tui.helpers import settle

    await pilot.press(key)
    await settle(pilot)
    return _screen(app)


async def _another_members_journal(pilot, app, tmp: Path) -> str:  # noqa: ANN001
    text = await _screen_of(pilot, app, "8")  # this copy belongs to Elena
    assert "Writing as Elena Sokolova" in text
    return text + _journal_rows(app)


def _journal_rows(app) -> str:  # noqa: ANN001
    from textual.widgets import DataTable

    table = app.screen.query_one("#entries", DataTable)
    return "\n".join(str(table.get_row_at(i)) for i in range(table.row_count))


async def _meeting_agenda(pilot, app, tmp: Path) -> str:  # noqa: ANN001
    from tests.tui.helpers import settle

    app.open_meeting(on=dt.date(2026, 11, 10))
    await settle(pilot)
    return _screen(app) + app.screen.query_one("#minutes-editor").text


async def _home(pilot, app, tmp: Path) -> str:  # noqa: ANN001
    return _screen(app)


async def _consequences(pilot, app, tmp: Path) -> str:  # noqa: ANN001
    return await _screen_of(pilot, app, "9")


async def _support_screen(pilot, app, tmp: Path) -> str:  # noqa: ANN001
    return await _screen_of(pilot, app, "5")


async def _tracking(pilot, app, tmp: Path) -> str:  # noqa: ANN001
    return await _screen_of(pilot, app, "0")


async def _pairs_screen(pilot, app, tmp: Path) -> str:  # noqa: ANN001
    """The pairs screen, its history, and the notes dialog of every pair (Elena's copy)."""
    from tests.tui.helpers import settle

    text = await _screen_of(pilot, app, "2")
    text += await _screen_of(pilot, app, "full_stop")
    assert "One-on-one" in text and PARTNER in text
    await pilot.press("enter")
    await settle(pilot)
    text += _screen(app)
    assert "private to" in text  # the dialog opened, and said whose the notes are
    await pilot.press("escape")
    await settle(pilot)
    return text + await _screen_of(pilot, app, "h")


async def _department(pilot, app, tmp: Path) -> str:  # noqa: ANN001
    """The department view of every group, and its export (written with the defaults)."""
    from screens.department import DepartmentScreen
    from tests.tui.helpers import settle

    app.push_screen(DepartmentScreen())
    await settle(pilot)
    text = _screen(app)
    assert DEMO[:20] in text
    await pilot.press("x")
    await settle(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert list(tmp.glob("department-*.html")), f"nothing was written:\n{_screen(app)}"
    return text + _screen(app)


TUI_PATHS: dict[str, TuiPath] = {
    "search screen": _search_screen,
    "minutes export dialog": _minutes_export,
    "support brief export dialog": _support_brief,
    "calendar (.ics) export dialog": _calendar_export,
    "publish the group folder dialog": _publish,
    "another member's journal": _another_members_journal,
    "meeting screen agenda and minutes": _meeting_agenda,
    "home": _home,
    "consequences screen": _consequences,
    "support screen": _support_screen,
    "running list": _tracking,
    "pairs screen and the notes dialog": _pairs_screen,
    "department view and its export": _department,
}


def _screen(app) -> str:  # noqa: ANN001
    from tests.tui.helpers import screen_text

    return screen_text(app)


@pytest.mark.parametrize("name", list(TUI_PATHS))
async def test_no_tui_path_shows_a_private_reflection(
    private_world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
):
    from tests.tui.helpers import SIZE, app_for, settle

    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    db, _group_id, _members = private_world
    work = tmp_path / "exports"
    work.mkdir()
    monkeypatch.chdir(work)  # export dialogs write to the current folder by default
    app = app_for(db.target)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        produced = await TUI_PATHS[name](pilot, app, work)
    # What the export dialogs wrote (whatever their file names), and every file of a folder.
    produced += "".join(p.read_text(encoding="utf-8") for p in work.rglob("*") if p.is_file())
    assert produced.strip(), f"{name} produced nothing: the test would prove nothing"
    assert CANARY not in produced
    assert PAIR_CANARY not in produced
    assert "lighthouse of my week" not in produced


def test_every_cli_export_and_report_command_is_covered():
    """A new ``export`` or ``report`` subcommand must get a line in CLI_PATHS."""
    from peergroup.cli import _parser

    parser = _parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    covered = {" ".join(args[:2]) for args in CLI_PATHS.values()} | {
        args[0] for args in CLI_PATHS.values()
    }
    for command in ("export", "report"):
        inner = next(a for a in sub.choices[command]._actions if a.dest in ("what", "report"))
        for what in inner.choices:
            assert f"{command} {what}" in covered, f"add '{command} {what}' to CLI_PATHS"
    for command in ("search", "groups", "backup", "publish"):
        assert command in sub.choices
    assert "search" in covered and "groups" in covered and "publish" in covered


def test_copy_says_only_names_and_counts_while_the_private_text_moves_with_the_group(
    private_world, tmp_path: Path, capsys, pinned_cli
):
    """copy moves a whole database's group, journals included (that is its job); what it
    prints is the group's name and a count, never a reflection."""
    from peergroup.db import open_database

    db, _group_id, _members = private_world
    out = tmp_path / "moved.db"
    assert run(["copy", "--from", db.target, "--to", str(out)]) == 0
    said = capsys.readouterr()
    assert DEMO in said.out and CANARY not in said.out + said.err
    moved = open_database(out)
    try:
        with moved.read() as s:
            texts = [r.text for r in s.exec(select(Reflection))]
        assert any(CANARY in t for t in texts)  # the control: it did move, privately
    finally:
        moved.close()


# --- meeting pulses: a line is shown only among three or more, never beside a name -----------

PULSE_CANARY = "pulsecanaryqzv"


@pytest.fixture
def pulse_world(private_world):
    """Two pulses for the November meeting, one of Priya's with a line holding a canary."""
    from peergroup.services import pulse as pulse_svc

    db, group_id, members = private_world
    with db.write() as s:
        nov = s.exec(
            select(Meeting).where(Meeting.group_id == group_id, Meeting.on == dt.date(2026, 11, 10))
        ).one()
        pulse_svc.give_pulse(
            s, nov.id, members[AUTHOR], 2, f"Too rushed {PULSE_CANARY}", today=TODAY
        )
        pulse_svc.give_pulse(s, nov.id, members["Marcus Bell"], 4, "", today=TODAY)
    return db, group_id, members, nov.id


@pytest.mark.parametrize("name", [*CLI_PATHS, "search for the pulse line"])
def test_no_cli_path_shows_a_pulse_line(pulse_world, tmp_path: Path, capsys, pinned_cli, name):
    db, _group_id, _members, _nov = pulse_world
    args = ["search", PULSE_CANARY] if name == "search for the pulse line" else CLI_PATHS[name]
    produced = _run_cli(db.target, args, tmp_path / "out", capsys)
    assert produced.strip(), f"{name} produced nothing: the test would prove nothing"
    assert PULSE_CANARY not in produced


async def test_the_running_list_shows_a_pulse_line_only_among_three_and_never_with_a_name(
    pulse_world, monkeypatch: pytest.MonkeyPatch
):
    from peergroup.services import pulse as pulse_svc
    from tests.tui.helpers import SIZE, app_for, settle

    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    db, _group_id, members, nov_id = pulse_world

    async def running_list() -> tuple[str, str]:
        app = app_for(db.target)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("0")
            await settle(pilot)
            return _screen(app), str(app.screen.query_one("#pulse-detail").content)

    screen, _panel = await running_list()
    assert PULSE_CANARY not in screen  # two answers: nothing shown
    with db.write() as s:
        pulse_svc.give_pulse(s, nov_id, members["Elena Sokolova"], 5, "", today=TODAY)
    screen, panel = await running_list()
    assert PULSE_CANARY in screen  # the control: three answers, the line is shown ...
    assert not [name for name in members if name in panel]  # ... and no name beside it


# The home snapshot is taken only of an SQLite file (never of a server database).
@pytest.mark.sqlite_only
def test_the_home_snapshot_left_on_exit_holds_no_private_text(private_world):
    from peergroup import home_snapshot
    from peergroup.clock import FixedClock

    db, _group_id, _members = private_world
    db.close()
    home_snapshot.record_after_exit(db.path, DEMO, clock=FixedClock(TODAY))
    snap = home_snapshot.snapshot_path(db.path)
    text = _written(snap.parent)
    assert snap.exists() and DEMO in text  # the control: it is there, and it is the group's
    assert CANARY not in text and PAIR_CANARY not in text
