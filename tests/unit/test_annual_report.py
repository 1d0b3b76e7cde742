"""The annual report for the department chair, from the command line and as a Document.

Stories: the facilitator writes the demo group's report as an HTML page and as
Markdown; a member whose name holds ``<script>`` and Markdown stays plain text;
a private reflection (the canary) never appears; the page is one well-formed
file with inline charts and nothing fetched from anywhere; with fewer than
three survey answers the report shows no survey numbers at all.
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlmodel import select

from peergroup import content
from peergroup.cli import run
from peergroup.db import open_database
from peergroup.models import Evaluation, Meeting, Member, Reflection
from peergroup.services import annual_report, review, review_goals, survey, tallies
from peergroup.services import groups as groups_svc
from peergroup.services import membership as membership_svc

CANARY = "CANARY-private-reflection-5e1f: I am thinking of leaving medicine"
HOSTILE = '<script>alert("x")</script> **Bo** [x](http://evil.example) | # h'
TODAY = dt.date(2026, 11, 25)


class _Page(HTMLParser):
    VOID = {"meta", "br", "hr", "img", "input", "link", "rect", "source", "col", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.resources: list[str] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("href", "src", "xlink:href", "srcset", "action", "poster", "data"):
                self.resources.append(f"{tag}.{name}={value}")
            if name.startswith("on"):
                self.errors.append(f"event handler {name} on <{tag}>")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()

    def handle_data(self, data):  # noqa: ANN001
        self.text.append(data)


def _demo_with_hostile_text_and_a_canary(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    assert run(["--db", str(path), "import", str(content.demo_group_file())]) == 0
    db = open_database(path)
    try:
        with db.write() as s:
            group = groups_svc.find_group(s, None)
            member = membership_svc.add_member(
                s,
                group,
                membership_svc.MemberInput(name=HOSTILE, joined_on="2025-10-01"),
            )
            ev = s.exec(select(Evaluation).where(Evaluation.year == 2025)).one()
            ev.completed_on = None  # a correction, made directly for the test
            s.add(ev)
            s.flush()
            tallies.save_tally(s, ev.id, member.id, "publications", 1, HOSTILE)
            review.set_decision(s, ev.id, "adjust", HOSTILE + "\n- " + HOSTILE, HOSTILE)
            ev.completed_on = dt.date(2026, 9, 22)
            s.add(ev)
            meeting = s.exec(select(Meeting).order_by(Meeting.on)).first()
            for m in s.exec(select(Member)):
                s.add(
                    Reflection(
                        member_id=m.id,
                        meeting_id=meeting.id,
                        prompt_key="core-values",
                        text=CANARY,
                        shared=False,
                    )
                )
    finally:
        db.close()
    return path


@pytest.fixture
def reported(tmp_path: Path, capsys) -> tuple[str, str, str]:  # noqa: ANN001
    path = _demo_with_hostile_text_and_a_canary(tmp_path)
    html_file, md_file = tmp_path / "report.html", tmp_path / "report.md"
    assert run(["--db", str(path), "report", "yearly", "-o", str(html_file)]) == 0
    assert (
        run(["--db", str(path), "report", "yearly", "--year", "2025-26", "-o", str(md_file)]) == 0
    )
    out = capsys.readouterr().out
    return html_file.read_text(encoding="utf-8"), md_file.read_text(encoding="utf-8"), out


def test_the_report_command_writes_html_or_markdown_from_the_file_suffix(reported):
    page, text, out = reported
    assert "Wrote the annual report of 2025-26 (HTML)" in out
    assert "Wrote the annual report of 2025-26 (Markdown)" in out
    assert page.startswith("<!DOCTYPE html>")
    assert text.startswith("# Northbridge GIM Clinician-Educator Peer Group: yearly review 2025-26")
    for heading in ("Decision", "Mission", "Meetings and attendance", "Goals", "Member survey"):
        assert f"## {heading}" in text
    assert "| Attendance rate by year | Attendance |" in text
    assert "| 2024-25 | 84% |" in text and "| 2025-26 | 71% |" in text


def test_the_html_page_is_well_formed_self_contained_and_has_inline_charts(reported):
    page = reported[0]
    parser = _Page()
    parser.feed(page)
    parser.close()
    assert parser.errors == [] and parser.stack == []
    assert "script" not in parser.tags and "link" not in parser.tags and "img" not in parser.tags
    assert parser.resources == []
    assert "@import" not in page and "url(" not in page
    assert parser.tags.count("svg") >= 3  # attendance, survey areas and tallies by year
    for title in ("Attendance rate by year", "Survey areas by year", "Outcome tallies by year"):
        assert title in page
    assert "@media print" in page


def test_user_text_stays_text_in_both_formats(reported):
    page, text, _ = reported
    parser = _Page()
    parser.feed(page)
    assert HOSTILE in "".join(parser.text)  # shown as typed
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<script>" not in text and "\\<script\\>" in text
    assert "**Bo**" not in text and "\\*\\*Bo\\*\\*" in text
    assert "[x](http" not in text
    table_rows = [line for line in text.splitlines() if line.startswith("|") and "alert" in line]
    assert table_rows and all(r.count(" | ") == 3 for r in table_rows)  # Member|Outcome|Count|Note


def test_private_reflections_never_appear(reported):
    page, text, _ = reported
    assert "CANARY" not in page and "CANARY" not in text
    assert "leaving medicine" not in page and "leaving medicine" not in text


def test_without_three_answers_the_report_shows_no_survey_numbers(demo_db):
    with demo_db.write() as s:
        group = groups_svc.find_group(s, None)
        started = review.start_review(s, group.id, None, TODAY)
        people = [p for p in survey.respondents(s, started.id)][:2]
        for p, score in zip(people, (1, 5), strict=True):
            survey.answer(
                s, started.id, p.member_id, {"worth_time": score, "values_clarified": score}
            )
    with demo_db.read() as s:
        doc = annual_report.annual_report(s, group, review.get_review(s, started.id), TODAY)
        text = annual_report.render(doc, "md")
    survey_part = text.split("## Member survey")[1].split("## Outcomes")[0]
    assert "2 of 7 member(s) answered" in survey_part
    assert "Not enough answers to show without identifying anyone" in survey_part
    assert "The meetings were worth my time" not in survey_part
    assert "| 2026-27 |" in survey_part  # the chart's column: no value for this year
    area_rows = [line for line in survey_part.splitlines() if line.startswith("| Worth the time")]
    assert area_rows and area_rows[0].endswith("| – |")


def test_an_open_review_is_reported_as_in_progress_with_undecided_goals(demo_db):
    with demo_db.write() as s:
        group = groups_svc.find_group(s, None)
        ev_id = review.start_review(s, group.id, None, TODAY).id
        first = review_goals.review_goal_rows(s, ev_id)[0]
        review_goals.record_verdict(s, ev_id, first.key, "met", "Done in October")
    with demo_db.read() as s:
        text, label = annual_report.review_report(s, ev_id, "md", TODAY)
    assert label == "2026-27"
    assert "*Sep 2026 to Aug 2027 · in progress, as of 25 Nov 2026*" in text
    assert "8 goal(s) reviewed: 1 met, 7 without a verdict yet." in text
    assert "Not decided yet." in text
    assert "| Attendance rate by year | Attendance |" in text and "| 2026-27 | 90.5% |" in text
    assert "| Attendance at each meeting this year | Present |" in text


def test_the_report_command_names_what_is_wrong(tmp_path: Path, capsys):
    path = tmp_path / "demo.db"
    assert run(["--db", str(path), "import", str(content.demo_group_file())]) == 0
    out = tmp_path / "r.md"
    assert run(["--db", str(path), "report", "yearly", "--year", "2019", "-o", str(out)]) == 2
    assert (
        "No yearly review for '2019'; the reviews are: 2024-25, 2025-26." in capsys.readouterr().err
    )
    assert not out.exists()
    empty = tmp_path / "empty.db"
    assert run(["--db", str(empty), "init"]) == 0
    assert run(["--db", str(empty), "report", "yearly", "-o", str(out)]) == 2
    assert "no group yet" in capsys.readouterr().err
