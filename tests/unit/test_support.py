"""Step 5: support requests and the support brief for the chair.

Stories: the group plans a request, asks it at the annual review, and records
the chair's answer; an empty ask, or an answer dated before the ask, is
refused with nothing saved. The brief tells the chair who the group is, what
it has done and what it asks for, from the group's own records, and holds no
reflection and no individual answer.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import func, select

from peergroup.cli import run
from peergroup.clock import FixedClock
from peergroup.errors import InputError
from peergroup.export.document import Chart, Heading, Table, to_html, to_markdown
from peergroup.models import Group, Reflection, SupportRequest
from peergroup.services import groups as groups_svc
from peergroup.services import support as support_svc
from peergroup.services import support_brief

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def group_id(db) -> int:
    with db.write() as s:
        return groups_svc.create_group(s, "Harbour Lights Peer Group", timezone="UTC").id


def _ask(**kw) -> support_svc.SupportInput:
    base = {"to_whom": "Division chief", "ask": "Breakfast at our meetings"}
    return support_svc.SupportInput(**{**base, **kw})


def _count(db) -> int:  # noqa: ANN001
    with db.read() as s:
        return s.exec(select(func.count()).select_from(SupportRequest)).one()


def _add(db, group_id: int, data: support_svc.SupportInput) -> int:  # noqa: ANN001
    with db.write() as s:
        return support_svc.add_request(s, group_id, data, today=TODAY)


def test_a_request_goes_from_planned_to_asked_to_granted(db, group_id):
    rid = _add(db, group_id, _ask(kind="financial-direct", forum="retreat"))
    with db.write() as s:
        assert support_svc.advance(s, rid, "asked", "2026-10-01", today=TODAY) == "asked"
        assert support_svc.advance(
            s, rid, "granted", "2026-11-03", "Yes, from January.", today=TODAY
        )
        row = s.get(SupportRequest, rid)
        assert (row.status, row.asked_on, row.answered_on, row.outcome) == (
            "granted",
            dt.date(2026, 10, 1),
            dt.date(2026, 11, 3),
            "Yes, from January.",
        )
        # An answer recorded by mistake goes back to waiting.
        support_svc.advance(s, rid, "asked", today=TODAY)
        assert (row.status, row.answered_on) == ("asked", None)
        # Not asked after all: back to planned, dates gone.
        support_svc.advance(s, rid, "planned", today=TODAY)
        assert (row.status, row.asked_on) == ("planned", None)


@pytest.mark.parametrize(
    ("start", "to", "says"),
    [
        ("planned", "granted", "can become asked only"),
        ("planned", "declined", "can become asked only"),
        ("granted", "declined", "can become asked only"),
        ("asked", "asked", "can become granted or declined or planned only"),
    ],
)
def test_a_status_can_only_move_to_its_next_ones(db, group_id, start, to, says):
    dates = {
        "planned": {},
        "asked": {"asked_on": "2026-10-01"},
        "granted": {"asked_on": "2026-10-01", "answered_on": "2026-10-20"},
    }[start]
    rid = _add(db, group_id, _ask(status=start, **dates))
    with pytest.raises(InputError) as err, db.write() as s:
        support_svc.advance(s, rid, to, today=TODAY)
    assert err.value.field == "status" and says in err.value.message
    with db.read() as s:
        assert s.get(SupportRequest, rid).status == start


@pytest.mark.parametrize(
    ("data", "field", "says"),
    [
        (_ask(ask="   "), "ask", "is empty; say what the group asks for"),
        (_ask(to_whom=""), "to_whom", "is empty"),
        (
            _ask(status="granted", asked_on="2026-10-10", answered_on="2026-10-01"),
            "answered_on",
            "2026-10-01 is before the date asked (2026-10-10)",
        ),
        (_ask(status="asked"), "asked_on", "needs the date asked"),
        (_ask(status="planned", asked_on="2026-10-10"), "asked_on", "has not been asked yet"),
        (_ask(status="declined", asked_on="2026-10-10"), "answered_on", "is empty"),
        (_ask(status="asked", asked_on="2027-01-10"), "asked_on", "is in the future"),
        (_ask(kind="bribe"), "kind", "is not one of"),
    ],
    ids=[
        "empty-ask",
        "nobody",
        "answer-before-ask",
        "asked-no-date",
        "planned-dated",
        "declined-no-answer-date",
        "future",
        "kind",
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(db, group_id, data, field, says):
    with pytest.raises(InputError) as err:
        _add(db, group_id, data)
    assert err.value.field == field and says in err.value.message
    assert _count(db) == 0


def test_an_answer_before_the_ask_is_refused_when_recorded_too(db, group_id):
    rid = _add(db, group_id, _ask(status="asked", asked_on="2026-11-01"))
    with pytest.raises(InputError) as err, db.write() as s:
        support_svc.advance(s, rid, "declined", "2026-10-01", today=TODAY)
    assert "is before the date asked (2026-11-01)" in err.value.message
    with db.read() as s:
        assert s.get(SupportRequest, rid).status == "asked"


def _status(db, group_id: int, today: dt.date = TODAY):  # noqa: ANN001
    with db.read() as s:
        return support_svc.step_status(s, s.get(Group, group_id), today)


def test_the_step_status_follows_the_requests(db, group_id):
    assert _status(db, group_id).state == "todo"
    rid = _add(db, group_id, _ask())
    status = _status(db, group_id)
    assert status.state == "partial" and status.next_action.startswith("Ask Division chief")
    with db.write() as s:
        support_svc.advance(s, rid, "asked", "2026-11-20", today=TODAY)
    assert _status(db, group_id).state == "done"
    late = _status(db, group_id, dt.date(2027, 1, 5))
    assert late.state == "attention"
    assert "asked 6 weeks ago and no answer is recorded" in late.next_action
    with db.write() as s:
        support_svc.advance(s, rid, "declined", "2026-12-01", today=dt.date(2027, 1, 5))
    assert "declined" in _status(db, group_id, dt.date(2027, 1, 5)).next_action


# --- the brief ---------------------------------------------------------------------------


def test_the_brief_makes_the_case_from_the_groups_records(demo_db):
    # The demo's two yearly reviews recorded the outcomes; the brief sums them.
    with demo_db.read() as s:
        group = groups_svc.find_group(s, None)
        doc = support_brief.support_brief(s, group.id, TODAY)
        private = [r.text for r in s.exec(select(Reflection)) if not r.shared]
        shared = [r.text for r in s.exec(select(Reflection)) if r.shared]
    headings = [b.text for b in doc.blocks if isinstance(b, Heading)]
    for expected in (
        "Who we are",
        "Our mission",
        "Meetings and attendance",
        "Topics covered",
        "Goals",
        "Outcomes",
        "What we ask for, and why",
        "Support already given",
    ):
        assert expected in headings
    text = to_markdown(doc)
    assert doc.title == "Support brief: Northbridge GIM Clinician-Educator Peer Group"
    assert doc.subtitle == "Prepared on 25 November 2026, for Vice chair for faculty affairs"
    assert "- **Meetings held:** 3" in text and "- **Average attendance:** 90% of members" in text
    assert "Negotiating for protected time" in text  # a topic covered
    assert "- **Group goals met:** 0 of 3" in text
    assert "Every member has a written academic development plan (in progress, 57%" in text
    outcomes = next(b for b in doc.blocks if isinstance(b, Table) and b.header[0] == "Outcome")
    assert [list(r) for r in outcomes.rows] == [
        ["New leadership positions", "2"],
        ["Teaching awards", "2"],
        ["Publications", "11"],  # 4 in the first year, 7 in the second
        ["Workshops delivered", "6"],
        ["Curricula developed", "1"],
        ["National presentations", "4"],
        ["Mentoring relationships", "6"],
        ["Grants submitted", "1"],  # an "other" outcome, by the name the review gave it
    ]
    assert "### Start members' clinic sessions an hour later on meeting days" in text
    assert "Attendance dipped in spring 2026" in text  # the why
    assert "granted by Division chief on 4 November 2025" in text
    assert any(isinstance(b, Chart) for b in doc.blocks)
    # Nothing private: no reflection at all, shared or not, and no check answers.
    for body in private + shared:
        assert body[:40] not in text
    assert "Worth my time" not in text
    html = to_html(doc)
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "<script" not in html


def test_report_support_writes_markdown_or_html_from_the_file_name(tmp_path, monkeypatch, capsys):
    from peergroup import content

    monkeypatch.setattr("peergroup.db.SYSTEM", FixedClock(TODAY))
    db = tmp_path / "g.db"
    assert run(["--db", str(db), "import", str(content.demo_group_file())]) == 0
    md, page = tmp_path / "brief.md", tmp_path / "brief.html"
    assert run(["--db", str(db), "report", "support", "-o", str(md)]) == 0
    assert "Wrote the support brief to" in capsys.readouterr().out
    assert md.read_text(encoding="utf-8").startswith(
        "# Support brief: Northbridge GIM Clinician-Educator Peer Group"
    )
    assert "Prepared on 25 November 2026" in md.read_text(encoding="utf-8")
    name = "Northbridge GIM Clinician-Educator Peer Group"
    assert run(["--db", str(db), "report", "support", "--group", name, "-o", str(page)]) == 0
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert run(["--db", str(db), "report", "support", "-o", str(md)]) == 2  # exists: --force
    assert "already exists" in capsys.readouterr().err
    assert (
        run(["--db", str(db), "report", "support", "--group", "Nope", "-o", str(tmp_path / "x.md")])
        == 2
    )
    assert not (tmp_path / "x.md").exists()
