"""The department chair's view: every group side by side, from the service and the CLI.

Stories: the chair reads the last twelve months of four groups with known figures
(one review done, one overdue, one in progress, one not due yet); a calendar year
is asked for with --year; the report goes to stdout as Markdown, or to an .md or
a self-contained .html file, never over the database nor over a file without
--force; a private reflection and a tally's note never leave; a group name full
of HTML and Markdown stays plain text.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from db_contents import stored
from department_groups import CANARY, HOSTILE, NAMES, NOTE_CANARY, TODAY, build
from test_annual_report import _Page

from peergroup.cli import run
from peergroup.clock import FixedClock
from peergroup.services import department


@pytest.fixture
def four(db):
    build(db)
    return db


@pytest.fixture
def pinned_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("peergroup.db.SYSTEM", FixedClock(TODAY))


def _rows(view: department.DepartmentView) -> dict[str, department.GroupRow]:
    return {r.name: r for r in view.rows}


def test_the_last_twelve_months_of_every_group(four):
    with four.read() as s:
        view = department.department_view(s, today=TODAY)
    assert (view.start, view.end) == (dt.date(2025, 11, 26), TODAY)
    assert [r.name for r in view.rows] == [NAMES[2], NAMES[0], NAMES[1], NAMES[3]]  # folded order
    rows = _rows(view)
    alder, birch, hostile, dogwood = (rows[n] for n in NAMES)
    figures = {
        n: (r.members, r.held, r.planned, r.attendance_rate, r.goals_met, r.review.state)
        for n, r in rows.items()
    }
    assert figures == {
        NAMES[0]: (3, 2, 4, 75.0, 2, "done"),
        NAMES[1]: (2, 2, 2, 100.0, 0, "overdue"),
        NAMES[2]: (1, 1, 1, 100.0, 0, "not due yet"),
        NAMES[3]: (1, 1, 1, None, 0, "in progress"),
    }
    # In the bundled kinds' order, then the group's own kinds.
    assert alder.outcomes == (("Teaching awards", 1), ("Publications", 5), ("Grants submitted", 1))
    assert dogwood.outcomes == (("New leadership positions", 1), ("grants submitted", 2))
    assert birch.outcomes == () and hostile.outcomes == ()
    assert birch.review.detail == "due since 04 Mar 2026"
    assert alder.review.detail == "finished on 20 Jan 2026"
    assert hostile.review.detail == "due on 02 Jun 2027"

    t = view.totals
    assert (t.groups, t.members, t.held, t.planned, t.goals_met) == (4, 7, 6, 8, 2)
    assert t.attendance_rate == 81.8  # 9 of 11 present, not the mean of the groups' rates
    assert t.reviews == (("done", 1), ("in progress", 1), ("overdue", 1), ("not due yet", 1))
    totals = dict(t.outcomes)
    assert totals["Publications"] == 5 and totals["Academic promotions"] == 0
    assert totals["Grants submitted"] == 3 and "grants submitted" not in totals
    assert t.outcomes_total == 10


def test_a_calendar_year_counts_that_year_and_the_reviews_as_they_stood_then(four):
    with four.read() as s:
        view = department.department_view(s, 2025, today=TODAY)
    assert (view.start, view.end, view.label) == (
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 31),
        "2025",
    )
    alder = _rows(view)[NAMES[0]]
    assert (alder.held, alder.planned, alder.attendance_rate) == (2, 2, 50.0)  # 2 of 4 on 10 Jun
    assert alder.members == 4  # Dee left in 2026
    assert alder.goals_met == 1  # Bo's, on 1 Oct 2025
    assert alder.review.state == "not due yet"  # the 2025 review was finished in 2026
    assert dict(alder.outcomes)["Publications"] == 5  # the review of 2025 ended in 2025
    assert _rows(view)[NAMES[3]].outcomes == ()  # Dogwood's review year ends in 2026
    assert _rows(view)[NAMES[2]].planned == 0  # the young group had not met yet
    with pytest.raises(Exception, match="out of range"):
        department.department_view(s, 1900, today=TODAY)


def test_stdout_markdown_and_html_never_hold_private_text_or_one_members_figures(
    four, tmp_path: Path, capsys, pinned_cli
):
    held = stored(four)
    assert CANARY.encode() in held and NOTE_CANARY.encode() in held  # the control
    target = four.target
    assert run(["--db", target, "report", "department"]) == 0
    printed = capsys.readouterr()
    md_stdout = printed.out
    assert md_stdout.startswith("# Peer groups of the department")
    assert "Wrote the department view of the twelve months to 25 Nov 2026" in printed.err

    md_file, html_file = tmp_path / "dept.md", tmp_path / "dept.html"
    assert run(["--db", target, "report", "department", "-o", str(md_file)]) == 0
    assert run(["--db", target, "report", "department", "-o", str(html_file)]) == 0
    said = capsys.readouterr().out
    assert f"(HTML) to {html_file}." in said
    md, page = md_file.read_text(encoding="utf-8"), html_file.read_text(encoding="utf-8")
    assert md == md_stdout
    for text in (md, page, said):
        assert CANARY not in text
        assert NOTE_CANARY not in text and "R01" not in text  # a tally's note is per member
        for member in ("Ann", "Bo", "Cy", "Dee", "Eli", "Fay", "Gus", "Ivy"):
            assert f"| {member} |" not in text and f"<td>{member}</td>" not in text
    assert "| Alder Clinician\\-Educators | 3 | 2 | 4 | 75% | 2 | done" not in md  # no escapes
    assert (
        "| Alder Clinician-Educators | 3 | 2 | 4 | 75% | 2 | done (finished on 20 Jan 2026) |" in md
    )
    assert "overdue (due since 04 Mar 2026)" in md and "overdue (due since 04 Mar 2026)" in page
    assert "- **Attendance:** 82%" in md
    assert "| Grants submitted | 3 |" in md


def test_a_hostile_group_name_stays_text_and_the_page_is_self_contained(
    four, tmp_path: Path, capsys, pinned_cli
):
    html_file, md_file = tmp_path / "dept.html", tmp_path / "dept.md"
    assert run(["--db", four.target, "report", "department", "-o", str(html_file)]) == 0
    assert run(["--db", four.target, "report", "department", "-o", str(md_file)]) == 0
    page = html_file.read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    parser = _Page()
    parser.feed(page)
    parser.close()
    assert parser.errors == [] and parser.stack == []
    assert parser.resources == []  # no links, images, stylesheets or scripts to fetch
    assert "script" not in parser.tags and "link" not in parser.tags
    assert "@media print" in page and "<svg" in page  # print rules; the attendance chart
    assert HOSTILE in "".join(parser.text)  # shown as the characters typed
    md = md_file.read_text(encoding="utf-8")
    assert "<script>" not in md and "[x](http" not in md and "\\[x\\](http" in md
    row = next(line for line in md.splitlines() if "Cedar" in line and "not due yet" in line)
    assert row.replace("\\|", "").count("|") == 8  # the name's | did not add a column


def test_files_are_written_safely(four, tmp_path: Path, capsys, pinned_cli):
    out = tmp_path / "dept.md"
    out.write_text("keep me", encoding="utf-8")
    assert run(["--db", four.target, "report", "department", "-o", str(out)]) == 2
    assert out.read_text(encoding="utf-8") == "keep me"
    assert "already exists" in capsys.readouterr().err
    assert run(["--db", four.target, "report", "department", "-o", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8").startswith("# Peer groups of the department")
    assert run(["--db", four.target, "report", "department", "--year", "20x6"]) == 2
    assert "--year: '20x6' is not a whole number" in capsys.readouterr().err


# Only an SQLite database is a file that a report could be written over; a server
# database has no file on this machine to protect.
@pytest.mark.sqlite_only
def test_the_report_is_never_written_over_the_database_file(four, capsys, pinned_cli):
    before = four.path.read_bytes()
    args = ["--db", four.target, "report", "department", "-o", four.target, "--force"]
    assert run(args) == 2
    assert "is the database" in capsys.readouterr().err
    assert four.path.read_bytes()[:100] == before[:100]


def test_a_calendar_year_from_the_command_line(four, tmp_path: Path, capsys, pinned_cli):
    out = tmp_path / "d.md"
    assert run(["--db", four.target, "report", "department", "--year", "2025", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "*2025 · 01 Jan 2025 to 31 Dec 2025*" in text
    assert "| Alder Clinician-Educators | 4 | 2 | 2 | 50% | 1 | not due yet" in text


def test_an_empty_database_says_so(make_db, tmp_path: Path, capsys, pinned_cli):
    empty = make_db(tmp_path / "empty.db")
    assert run(["--db", empty.target, "report", "department"]) == 0
    assert "There are no groups in this database yet." in capsys.readouterr().out
