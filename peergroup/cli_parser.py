"""The command line's grammar: every command, its arguments and its help.

``_parse`` reads a command line; opening the app (no command, the usual case)
takes a short path that skips building the parsers of twenty commands.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from . import __version__


class _QuickParser(argparse.ArgumentParser):
    """A parser that hands every problem back to the full one (see _parse)."""

    def error(self, message: str) -> NoReturn:
        raise argparse.ArgumentError(None, message)


def _parser(commands: bool = True) -> argparse.ArgumentParser:
    """The command line; without ``commands``, only the options that open the app."""
    # The short parser knows no -h or --version (nor their abbreviations): those
    # are left over, and the full parser answers them.
    p = (argparse.ArgumentParser if commands else _QuickParser)(
        prog="peergroup",
        add_help=commands,
        description="Run a peer mentorship group: roadmap, members, goals, meetings, minutes.",
        epilog="With no command, opens the app. Data lives in one SQLite file "
        "(see --db and the PEERGROUP_HOME environment variable).",
    )
    if commands:
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
    if not commands:
        p.set_defaults(command=None)
        return p
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


def _parse(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line; opening the app (no command) skips building the
    parsers of twenty commands, which costs 10 ms of its first frame."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args, rest = _parser(commands=False).parse_known_args(argv)
    except argparse.ArgumentError:
        pass  # the full parser says what is wrong, with its usage line
    else:
        if not rest:
            return args
    return _parser().parse_args(argv)
