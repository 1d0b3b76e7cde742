"""Command line: ``run(argv) -> int`` so tests can call it like a function.

Start-up cost matters here: ``--help``, ``--version`` and friends import
neither Textual nor SQLModel. Only ``_open_tui`` imports the UI, lazily.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .cli_parser import _parse, _parser  # noqa: F401  (_parser: tests and the canary)
from .errors import InputError, PeergroupError
from .text import visible


def _say(message: str, *, to_stderr: bool = False) -> None:
    print(message, file=sys.stderr if to_stderr else sys.stdout)


def _fail(message: str) -> int:
    print(f"peergroup: {visible(message)}", file=sys.stderr)
    return 2


DB_ENV = "PEERGROUP_DB"  # a file path or a postgresql:// address


def _db_path(args: argparse.Namespace) -> tuple[Path | str, bool]:
    """The database (a file path, or a server address), and whether it may be created
    (only the default file). ``--db`` wins over ``PEERGROUP_DB``."""
    import os

    from .server import is_server

    given = args.db if args.db is not None else os.environ.get(DB_ENV) or None
    if given is not None:
        if is_server(given):  # before Path() folds "//" and hides it
            return str(given), False
        return Path(given).expanduser(), False
    from .paths import default_db_path

    return default_db_path(), True


def _shown(target: Path | str) -> str:
    """A database as messages name it: a server address never shows its password."""
    from .server import _redact

    return _redact(str(target))


def run(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    command = "demo" if args.demo else (args.command or "open")
    if command in ("import", "copy", "publish", "backup", "report"):
        # Whole groups or databases, and the documents made of them: collect as usual.
        import gc

        gc.enable()
    try:
        if command in ("open", "meeting"):
            path, create = _db_path(args)
            start = None
            if command == "meeting":
                from .services.validate import parse_date

                day = parse_date("date", args.date)
                start = day.isoformat() if day else "today"
            from .dbfile import inspect_database, require_database
            from .server import is_server

            prefetch = None
            if not is_server(path):
                # The helper first, so that it starts as early as it can (`meeting`
                # opens the scribe's screen, not home); it makes sure of the file
                # itself, and is let go below if the file needs the app's work first.
                if command == "open":
                    prefetch = _prefetch_home(Path(path), args.group)
                try:
                    # Fail before the TUI starts, without writing.
                    state = inspect_database(Path(path))
                    if not create:
                        require_database(state)
                except BaseException:
                    if prefetch is not None:
                        prefetch.discard()
                    raise
                if prefetch is not None and state.kind != "current":
                    prefetch.discard()  # missing, empty or another version: nothing to show early
                    prefetch = None
            return _open_tui(
                path, group=args.group, create=create, start_meeting=start, prefetch=prefetch
            )
        if command == "demo":
            return _demo(args)
        if command == "init":
            return _init(args)
        if command == "copy":
            from .cli_commands import _copy

            return _copy(args)
        return _with_db(args, command)
    except PeergroupError as exc:
        return _fail(str(exc))
    except OSError as exc:  # a folder or file the system refused, a full disk
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        return _fail(f"{exc.strerror or exc}{where}.")
    except Exception as exc:
        from .db import translate_operational_error

        problem = translate_operational_error(exc, getattr(args, "db", None) or "the database")
        if problem is None:
            raise
        return _fail(str(problem))


def _init(args: argparse.Namespace) -> int:
    from .db import inspect_database, open_database
    from .server import is_server

    path, _ = _db_path(args)
    if is_server(path):
        db = open_database(path, create=True)  # sets up an empty server database
        db.close()
        if not db.created:
            return _fail(f"{db.where} already holds a Peergroup database; nothing was changed.")
        _say(f"Set up an empty Peergroup database in {db.where}.")
        return 0
    state = inspect_database(Path(path))
    if state.kind not in ("missing", "empty"):
        return _fail(f"{path} already holds a Peergroup database; nothing was changed.")
    db = open_database(path, create=True)
    db.close()
    _say(f"Created an empty Peergroup database at {path}.")
    return 0


def _with_db(args: argparse.Namespace, command: str) -> int:
    from .db import open_database

    path, _default = _db_path(args)
    doc = None
    if command == "import" and args.files[0] == Path("answers"):
        from .cli_commands import _import_answers

        return _import_answers(path, args.files[1:])
    if command == "import":  # read the file first: a bad one must not leave a new database
        from . import groupfile

        if len(args.files) != 1:
            raise InputError(
                "import",
                "takes one group file; to read answer files, write: "
                "peergroup import answers FILE...",
            )
        doc = groupfile.read(args.files[0])
    # Only init and import make a new database; every other command needs one.
    db = open_database(path, create=command == "import")
    for notice in db.notices:
        _say(f"peergroup: {notice}", to_stderr=True)
    try:
        if command == "import":
            try:
                with db.write() as session:
                    from .groupfile.merge import existing_group, merge_group

                    found = existing_group(session, doc or {})
                    if found is not None:  # an update of a group this database holds
                        said = merge_group(session, found, doc or {}, replace=args.replace)
                        name = found.name
                    else:
                        group = groupfile.import_group(session, doc or {})
                        name = group.name
                        said = []
            except BaseException:
                if db.created:  # made for this import, which wrote nothing: take it away
                    db.close()
                    if isinstance(path, Path):
                        for leftover in (path, *(Path(f"{path}{c}") for c in ("-wal", "-shm"))):
                            leftover.unlink(missing_ok=True)
                raise
            if said:
                _say(f"Updated {name!r} in {db.where}: {'; '.join(said)}.")
            else:
                _say(f"Imported {name!r} into {db.where}.")
            return 0
        if command == "groups":
            from .services import groups as groups_svc

            with db.read() as session:
                for g in groups_svc.list_groups(session):
                    _say(visible(g.name))
            return 0
        if command == "backup":
            from .services import backup as backup_svc

            out = backup_svc.backup_to(db, args.output)
            _say(f"Wrote a backup of {db.where} to {out}.")
            return 0
        if command == "export":
            from .cli_commands import _export

            return _export(db, args)
        if command == "report":
            from .cli_commands import _report

            return _report(db, args)
        if command == "publish":
            from .cli_commands import _publish

            return _publish(db, args)
        if command == "search":
            from .services import search as search_svc

            with db.read() as session:
                only = _group(session, args) if args.group else None
                hits = search_svc.search(
                    session, " ".join(args.query), group=only, limit=args.limit
                )
            if not hits:
                _say("No matches.")
            for h in hits:
                _say(f"{h.on:%Y-%m-%d}  {visible(h.group_name)}  [{h.kind}]  {visible(h.snippet)}")
            return 0
    finally:
        db.close()
    return _fail(f"unknown command {command!r}")


def _group(session, args):  # noqa: ANN001, ANN202
    from .services import groups as groups_svc

    return groups_svc.find_group(session, args.group)


def _write(args: argparse.Namespace, db, data: bytes | str) -> None:  # noqa: ANN001
    """Write an export to ``args.output`` (atomically; never the database; see export.files)."""
    from .export.files import database_files, write_file

    path = args.output
    if str(path) == "-":
        raw = data.encode("utf-8") if isinstance(data, str) else data
        try:
            sys.stdout.buffer.write(raw)
            sys.stdout.flush()
        except BrokenPipeError:  # e.g. piped into `head`
            pass
        return
    write_file(
        path,
        data,
        replace=args.force,
        follow_symlinks=args.follow_symlinks,
        protected=database_files(db.path),
    )


def _demo(args: argparse.Namespace) -> int:
    import tempfile

    from . import content, groupfile
    from .db import open_database

    if args.db:
        from .dbfile import inspect_database
        from .server import is_server

        path = _db_path(args)[0]
        if is_server(path):
            raise InputError(
                _shown(path),
                "is a server database; the demo only goes into a new file. Give a new "
                "--db path, or leave --db out for a throwaway copy.",
            )
        if inspect_database(Path(path)).kind in ("current", "older"):
            # The demo adds a made-up group: never into a database someone uses.
            raise InputError(
                str(path),
                "already exists; the demo only goes into a new file. Give a new "
                "--db path, or leave --db out for a throwaway copy.",
            )
    folder = Path(tempfile.mkdtemp(prefix="peergroup-demo-"))
    path = _db_path(args)[0] if args.db else folder / "demo.db"
    db = open_database(path, create=True)
    try:
        from .services import meetings as meetings_svc
        from .services import roles as roles_svc

        with db.write() as session:
            group = groupfile.import_group(session, groupfile.read(content.demo_group_file()))
            # The file plans six months from its first meeting; a demo opened
            # today should also show the next six months, with roles rotated.
            meetings_svc.generate_meetings(session, group)
            roles_svc.rotate(session, group)
            name = group.name
    finally:
        db.close()
    if args.db:
        _say(f"Demo database: {path}.")
        return _open_tui(path, group=name, create=False)
    try:
        return _open_tui(path, group=name, create=False, remember=False)
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)  # a throwaway database


def _prefetch_home(path: Path, group: str | None):  # noqa: ANN202
    """Start working out the home screen in a second process, unless a snapshot fits.

    Called before the file is inspected: the caller lets the helper go unless
    ``inspect_database`` finds the file current.
    """
    from . import clock, home_prefetch, home_snapshot

    if home_snapshot.load(path, group, clock.today()) is not None:
        return None  # the home screen shows the snapshot in its first frame
    return home_prefetch.start(path, group)


def _open_tui(
    path: Path | str,
    *,
    group: str | None,
    create: bool,
    start_meeting: str | None = None,
    remember: bool = True,
    prefetch=None,  # noqa: ANN001 - a home_prefetch.Prefetch
) -> int:
    try:
        from screens.app import make_app

        app = make_app(path, group=group, create=create, start_meeting=start_meeting)
        app.prefetch = prefetch
        app.run()
    finally:
        if prefetch is not None:
            prefetch.discard()
    # Also when the user quit before the app had opened the file (from an early
    # home view): a failed open sets a return code; a server has no snapshot.
    if remember and not app.return_code and "://" not in str(path):
        from .home_snapshot import record_after_exit

        opened = app.db is not None
        record_after_exit(Path(path), group, clock=app.clock, opened=opened)  # never raises
    return app.return_code or 0


def main() -> None:
    import gc

    # Start-up is almost all imports (SQLAlchemy, pydantic, Textual): hundreds of
    # thousands of objects, none of them garbage, that the collector would walk
    # again and again (80 ms of a search, bench/startup.py). A one-shot command
    # that reads (search, export, groups) runs without it; commands that move or
    # write up whole groups and databases turn it back on (run), and the app
    # does once it has started (PeergroupApp.on_mount).
    gc.disable()
    _leave(run())


def _leave(code: int) -> None:
    """Exit with ``code`` without tearing down every imported module.

    The work is done and the database closed by then; what is left of a normal
    exit is Python freeing SQLAlchemy's, pydantic's and Textual's objects one
    by one, which costs 100-200 ms on every command (bench/startup.py). The
    ``atexit`` handlers still run (logging's flush, weakref finalizers) and
    output is flushed; if any other thread still runs (nothing here starts one
    that outlives its command), the normal exit runs instead.
    """
    import atexit
    import os
    import threading

    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()  # noqa: SLF001  (what a normal exit would run)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # the reader went away: nothing left to say
            pass
        except OSError:  # output that could not be written (a full disk): as Python would
            code = code or 120
    os._exit(code)
