"""The CLI's export, report, publish and answer-file commands (``peergroup.cli``
parses the command line and opens the database; these do the work)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .cli import _fail, _group, _say, _write
from .errors import InputError, PeergroupError
from .text import visible


def _export(db, args: argparse.Namespace) -> int:  # noqa: ANN001
    if args.what == "ics":
        from .services import calendar_export
        from .services.membership import find_member

        with db.read() as session:
            group = _group(session, args)
            member = find_member(session, group, args.member) if args.member else None
            data, count = calendar_export.group_calendar(session, group, member=member)
            why = calendar_export.why_empty(session, group, member) if not count else ""
        _write(args, db, data)
        said = f"Wrote {count} meeting(s) to {args.output}."
        _say(
            said + (f" No meetings because {why}" if why else ""), to_stderr=str(args.output) == "-"
        )
        return 0
    if args.what == "minutes":
        from .export import minutes_md
        from .services import validate

        start = validate.parse_date("--from", args.date_from)
        end = validate.parse_date("--to", args.date_to)
        with db.read() as session:
            group = _group(session, args)
            text, count = minutes_md.minutes_document(session, group, start=start, end=end)
        _write(args, db, text)
        _say(
            f"Wrote the minutes of {count} meeting(s) to {args.output}.",
            to_stderr=str(args.output) == "-",
        )
        return 0
    if args.what == "list":
        from .export import minutes_md

        with db.read() as session:
            text = minutes_md.running_list_markdown(session, _group(session, args))
        _write(args, db, text)
        _say(f"Wrote the running list to {args.output}.", to_stderr=str(args.output) == "-")
        return 0
    if args.what == "form":
        return _export_forms(db, args)
    if args.what == "curriculum":
        from .export import curriculum_md

        with db.read() as session:
            text = curriculum_md.curriculum_markdown(session, _group(session, args))
        _write(args, db, text)
        _say(f"Wrote the curriculum to {args.output}.", to_stderr=str(args.output) == "-")
        return 0
    if args.what == "group":
        from .groupfile.writer import export_group

        with db.read() as session:
            group = _group(session, args)
            text = export_group(session, group, include_private=args.include_private)
        _write(args, db, text)
        _say(f"Wrote the group file to {args.output}.", to_stderr=str(args.output) == "-")
        return 0
    return _fail(f"cannot export {args.what!r}")


def _publish(db, args: argparse.Namespace) -> int:  # noqa: ANN001
    """The group folder: read everything in one read unit, then write the files."""
    from .export.files import database_files
    from .export.publish import publish_folder
    from .services import publish as publish_svc

    with db.read() as session:
        files = publish_svc.build_folder(session, _group(session, args))
    done = publish_folder(args.folder, files, force=args.force, protected=database_files(db.path))
    _say(done.summary)
    return 0


def _export_forms(db, args: argparse.Namespace) -> int:  # noqa: ANN001
    """One answer file per member in the folder -o DIR (made if missing); every target
    is checked before the first is written, so a refusal writes nothing."""
    from .export.files import check_target, database_files, write_file
    from .services import answer_files

    folder = Path(args.output).expanduser()
    if str(args.output) == "-":
        raise InputError("-o", "answer files go into a folder; give a folder name, not '-'.")
    if folder.exists() and not folder.is_dir():
        raise InputError(str(folder), "is a file; give a folder for the answer files.")
    with db.write() as session:  # the first export makes the group's secret
        group = _group(session, args)
        made = answer_files.build_forms(
            session, group, args.kind, args.member, everyone=args.everyone
        )
    folder.mkdir(parents=True, exist_ok=True)
    protected = database_files(db.path)
    for f in made:
        check_target(
            folder / f.file_name,
            replace=args.force,
            follow_symlinks=args.follow_symlinks,
            protected=protected,
        )
    for f in made:
        out = write_file(
            folder / f.file_name,
            f.text,
            replace=args.force,
            follow_symlinks=args.follow_symlinks,
            protected=protected,
        )
        _say(f"Wrote {out} for {visible(f.member)}.")
    return 0


def _import_answers(path: Path | str, files: list[Path]) -> int:
    """Each answer file in its own write unit: saved whole or refused whole. Exit 0 when
    every file was taken, 2 when any was refused (the others are still saved)."""
    from .db import open_database
    from .services import answer_files

    if not files:
        raise InputError("import answers", "give the answer files to read: FILE...")
    db = open_database(path, create=False)
    for notice in db.notices:
        _say(f"peergroup: {notice}", to_stderr=True)
    refused = 0
    try:
        for file in files:
            try:
                doc = answer_files.read_answer_file(file)
                with db.write() as session:
                    taken = answer_files.apply_file(session, doc)
            except PeergroupError as exc:
                refused += 1
                where = "" if str(exc).startswith(str(file)) else f"{file}: "
                _say(
                    f"peergroup: {visible(where + str(exc))} Nothing from it was saved.",
                    to_stderr=True,
                )
                continue
            _say(f"{file}: {visible(taken.summary)}.")
    finally:
        db.close()
    return 2 if refused else 0


def _report(db, args: argparse.Namespace) -> int:  # noqa: ANN001
    """Reports are Documents: Markdown, or HTML for an .html/.htm file name."""
    if args.report == "support":
        from .services import support_brief

        with db.read() as session:
            group = _group(session, args)
            data = support_brief.brief_file(session, group.id, str(args.output))
        _write(args, db, data)
        _say(f"Wrote the support brief to {args.output}.", to_stderr=str(args.output) == "-")
        return 0
    if args.report == "yearly":
        from .export.document import format_for
        from .services import annual_report

        fmt = format_for(str(args.output))
        with db.read() as session:
            text, label = annual_report.yearly_report(
                session, _group(session, args), args.year, fmt
            )
        _write(args, db, text)
        kind = "HTML" if fmt == "html" else "Markdown"
        _say(
            f"Wrote the annual report of {label} ({kind}) to {args.output}.",
            to_stderr=str(args.output) == "-",
        )
        return 0
    if args.report == "member":
        from .export.document import format_for
        from .services import member_statement, validate
        from .services.membership import find_member

        year = validate.int_in_range("--year", args.year, validate.YEAR_MIN, validate.YEAR_MAX)
        fmt = format_for(str(args.output))
        with db.read() as session:
            found = find_member(session, _group(session, args), args.name)
            text, name = member_statement.member_statement(session, found.id or 0, fmt, year)
        _write(args, db, text)
        kind = "HTML" if fmt == "html" else "Markdown"
        _say(
            f"Wrote the statement of {name} ({kind}) to {args.output}.",
            to_stderr=str(args.output) == "-",
        )
        return 0
    if args.report == "department":
        from .export.document import format_for
        from .services import department_report, validate

        year = validate.int_in_range("--year", args.year, validate.YEAR_MIN, validate.YEAR_MAX)
        fmt = format_for(str(args.output))
        with db.read() as session:
            text, label = department_report.department_report(session, year, fmt)
        _write(args, db, text)
        kind = "HTML" if fmt == "html" else "Markdown"
        _say(
            f"Wrote the department view of {label} ({kind}) to {args.output}.",
            to_stderr=str(args.output) == "-",
        )
        return 0
    return _fail(f"unknown report {args.report!r}")


def _copy(args: argparse.Namespace) -> int:
    from .db import open_database
    from .server import is_server
    from .services.copy import copy_groups

    def target(given: str) -> Path | str:
        return given if is_server(given) else Path(given).expanduser()

    source, destination = target(args.source), target(args.destination)
    if str(source) == str(destination):
        raise InputError("copy", "--from and --to are the same database.")
    if not is_server(source) and not Path(source).exists():
        raise InputError(str(source), "does not exist; --from names the database to copy from.")
    src = open_database(source)
    try:
        dst = open_database(destination, create=True)
        try:
            done = copy_groups(src, dst, args.group)
        except BaseException:
            dst.close()
            if dst.created and isinstance(destination, Path):  # made for this copy: take it away
                for leftover in (
                    destination,
                    *(Path(f"{destination}{c}") for c in ("-wal", "-shm")),
                ):
                    leftover.unlink(missing_ok=True)
            raise
        where = dst.where
        dst.close()
    finally:
        src.close()
    names = ", ".join(repr(n) for n in done.groups)
    _say(f"Copied {names} ({done.rows} records) from {src.where} to {where}.")
    for note in done.notes:
        _say(f"peergroup: {note}", to_stderr=True)
    return 0
