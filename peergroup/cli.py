"""Command line: ``run(argv) -> int`` so tests can call it like a function.

Start-up cost matters here: ``--help``, ``--version`` and friends import
neither Textual nor SQLModel. Only ``_open_tui`` imports the UI, lazily.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .errors import InputError, PeergroupError
from .text import visible


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="peergroup",
        description="Run a peer mentorship group: roadmap, members, goals, meetings, minutes.",
        epilog="With no command, opens the app. Data lives in one SQLite file "
        "(see --db and the PEERGROUP_HOME environment variable).",
    )
    p.add_argument("--version", action="version", version=f"peergroup {__version__}")
    p.add_argument(
        "--db",
        metavar="PATH|URL",
        help="database file, or a PostgreSQL server address postgresql://user@host/dbname "
        "(default: $PEERGROUP_DB, else a file in your user data folder)",
    )
    p.add_argument(
        "--group", metavar="NAME", help="which group to work with, when the database holds several"
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="same as the 'demo' command: a sample group in a throwaway database",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("open", help="open the app (the default)")
    sub.add_parser("demo", help="open a sample group in a throwaway database")
    sub.add_parser("init", help="create an empty database at --db PATH")
    sub.add_parser("groups", help="list the groups in the database")
    mt = sub.add_parser(
        "meeting", help="open the scribe's screen for today's (or the next) meeting"
    )
    mt.add_argument(
        "date",
        nargs="?",
        metavar="YYYY-MM-DD",
        help="the meeting's date (default: today or the next one)",
    )
    imp = sub.add_parser(
        "import",
        help="load a group described in a TOML group file, or (import answers FILE...) "
        "answer files members filled in",
        description="peergroup import FILE.toml loads a group file (a group that exists is "
        "updated); peergroup import answers FILE... reads back answer files made by "
        "'export form' (each saved whole or not at all).",
    )
    imp.add_argument("files", type=Path, nargs="+", metavar="FILE")
    imp.add_argument(
        "--replace",
        action="store_true",
        help="when the group exists: also remove members, goals and meetings the file leaves out",
    )
    cp = sub.add_parser(
        "copy",
        help="copy one group, or all, between two databases (files or PostgreSQL servers)",
        description="Copies every record of the chosen groups from one database to another "
        "(an SQLite file or a postgresql:// address, either way), in one go: all of it or, "
        "on any problem, nothing. Groups keep their ids and their meetings' calendar ids, "
        "so calendars exported before the move still update. A missing destination file is "
        "created; an empty server database is set up.",
    )
    cp.add_argument("--from", dest="source", required=True, metavar="PATH|URL")
    cp.add_argument("--to", dest="destination", required=True, metavar="PATH|URL")
    bk = sub.add_parser("backup", help="write a consistent copy of the database")
    bk.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")

    exp = sub.add_parser("export", help="write calendars, minutes or reports to files")
    exp_sub = exp.add_subparsers(dest="what", metavar="WHAT", required=True)
    # --group is accepted after the subcommand too; SUPPRESS keeps a value
    # given before it (peergroup --group X export ...) from being reset.
    group_after = argparse.ArgumentParser(add_help=False)
    group_after.add_argument(
        "--group", metavar="NAME", default=argparse.SUPPRESS, help="which group"
    )
    output = _output_options()
    ics = exp_sub.add_parser(
        "ics", parents=[group_after, output], help="the meeting calendar as an .ics file"
    )
    ics.add_argument(
        "--member", metavar="NAME", help="only meetings for this member, with their roles"
    )
    mins = exp_sub.add_parser(
        "minutes", parents=[group_after, output], help="meeting minutes as Markdown"
    )
    mins.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    mins.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    exp_sub.add_parser(
        "list",
        parents=[group_after, output],
        help="the running list of meeting dates and topics (Markdown)",
    )
    exp_sub.add_parser(
        "curriculum",
        parents=[group_after, output],
        help="the curriculum plan and the needs-assessment ranking (Markdown)",
    )
    form = exp_sub.add_parser(
        "form",
        parents=[group_after, _output_options("DIR")],
        help="answer files for members to fill in: needs, survey, check or apologies",
    )
    form.add_argument(
        "kind",
        metavar="KIND",
        choices=("needs", "survey", "check", "apologies"),
        help="needs (topic ratings), survey (the yearly review's), check (the consequences "
        "check) or apologies (for upcoming meetings)",
    )
    who = form.add_mutually_exclusive_group(required=True)
    who.add_argument("--member", metavar="NAME", help="one member's form")
    who.add_argument(
        "--all", dest="everyone", action="store_true", help="a form for everyone still to answer"
    )
    gexp = exp_sub.add_parser(
        "group",
        parents=[group_after, output],
        help="the whole group as a group file (FILE.toml) that import reads back",
    )
    gexp.add_argument(
        "--include-private",
        action="store_true",
        help="also write private (unshared) reflections; keep such a file to yourself",
    )
    rep = sub.add_parser("report", help="write a report built from the group's records")
    rep_sub = rep.add_subparsers(dest="report", metavar="REPORT", required=True)
    rep_sub.add_parser(
        "support",
        parents=[group_after, output],
        help="the support brief for the chair (FILE.md or FILE.html)",
    )
    yearly = rep_sub.add_parser(
        "yearly",
        parents=[group_after, output],
        help="the annual report of a yearly review (-o FILE.md or FILE.html)",
    )
    yearly.add_argument(
        "--year",
        metavar="YEAR",
        help="which review, e.g. 2025 or 2025-26 (default: the latest finished one)",
    )
    member = rep_sub.add_parser(
        "member",
        parents=[group_after, output],
        help="a member's statement of their work in the group (-o FILE.md or FILE.html)",
    )
    member.add_argument("name", metavar="NAME", help="the member, by name")
    member.add_argument(
        "--year",
        metavar="YEAR",
        help="only this calendar year, e.g. 2025 (default: the whole membership)",
    )
    dept = rep_sub.add_parser(
        "department",
        parents=[_output_options(optional=True)],
        help="every group of the database side by side, for the department chair "
        "(-o FILE.md or FILE.html; without -o, Markdown on stdout)",
    )
    dept.add_argument(
        "--year",
        metavar="YYYY",
        help="a calendar year, e.g. 2025 (default: the twelve months ending today)",
    )
    pub = sub.add_parser(
        "publish",
        parents=[group_after],
        help="write the group folder (web pages, Markdown, calendars) for a shared drive or e-mail",
    )
    pub.add_argument("folder", type=Path, metavar="DIR")
    pub.add_argument(
        "--force",
        action="store_true",
        help="publish into DIR even though it holds files Peergroup did not write (they are "
        "kept; one with the name of a published file stops the publish)",
    )
    srch = sub.add_parser(
        "search",
        parents=[group_after],
        help="full-text search over minutes, decisions and action items",
    )
    srch.add_argument("query", nargs="+")
    srch.add_argument("--limit", type=int, default=20)
    return p


def _output_options(target: str = "FILE", *, optional: bool = False) -> argparse.ArgumentParser:
    """-o FILE, --force and --follow-symlinks, shared by every command that writes a file
    (``target`` "DIR": a folder of files, made if missing; ``optional``: without -o, stdout)."""
    out = argparse.ArgumentParser(add_help=False)
    out.add_argument(
        "-o",
        "--output",
        type=Path,
        required=not optional,
        default=Path("-") if optional else None,
        metavar=target,
        help=(
            "where to write ('-' or none: stdout)" if optional else "where to write ('-': stdout)"
        )
        if target == "FILE"
        else "the folder to write into",
    )
    one = target == "FILE"
    out.add_argument(
        "--force",
        action="store_true",
        help="replace FILE if it already exists" if one else "replace files already in DIR",
    )
    out.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="if FILE is a symbolic link, write to the file it points to"
        if one
        else "write through a file in DIR that is a symbolic link",
    )
    return out


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
    parser = _parser()
    args = parser.parse_args(argv)
    command = "demo" if args.demo else (args.command or "open")
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

            if not is_server(path):
                state = inspect_database(Path(path))  # fail before the TUI starts, without writing
                if not create:
                    require_database(state)
            return _open_tui(path, group=args.group, create=create, start_meeting=start)
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


def _open_tui(
    path: Path | str,
    *,
    group: str | None,
    create: bool,
    start_meeting: str | None = None,
    remember: bool = True,
) -> int:
    from screens.app import make_app

    app = make_app(path, group=group, create=create, start_meeting=start_meeting)
    app.run()
    if remember and app.db is not None and not app.return_code and not app.db.is_server:
        from .home_snapshot import record_after_exit

        record_after_exit(Path(path), group, clock=app.clock)  # never raises
    return app.return_code or 0


def main() -> None:
    sys.exit(run())
