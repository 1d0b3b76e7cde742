"""Minutes as Markdown: structure survives whatever users type."""

from __future__ import annotations

import datetime as dt

import pytest
from markdown_it import MarkdownIt
from sqlmodel import select

from peergroup.errors import InputError
from peergroup.export import markdown, minutes_md
from peergroup.models import Meeting, Reflection, Role, RoleAssignment
from peergroup.services import actions as actions_svc
from peergroup.services import attendance as attendance_svc
from peergroup.services import decisions as decisions_svc
from peergroup.services import groups as groups_svc
from peergroup.services import membership as membership_svc
from peergroup.services import minutes as minutes_svc

DATES = (dt.date(2026, 9, 8), dt.date(2026, 10, 13), dt.date(2026, 11, 10), dt.date(2026, 12, 8))
TODAY = dt.date(2026, 11, 25)
NASTY_NAME = "# Dana | x"
NASTY_TEXT = "\n".join(
    [
        "Use `rm -rf` *carefully* and __never__ [click here](http://evil.example)",
        "# Not a heading",
        "> not a quote",
        "- not a list",
        "1. not numbered",
        "    not code",
        "<script>alert(1)</script> &copy; ~~struck~~",
        "a | b",
        "---",
        "",
        "Second paragraph ends with a backslash \\",
        "===",
    ]
)


def parse(markdown: str):
    return MarkdownIt("commonmark").enable("table").enable("strikethrough").parse(markdown)


def plain_text(tokens) -> str:
    """The text a reader sees, from the inline tokens."""
    out = []
    for t in tokens:
        for child in t.children or []:
            if child.type in ("text", "code_inline"):
                out.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                out.append("\n")
    return "".join(out)


def build(session, scribe_name=NASTY_NAME):
    group = groups_svc.create_group(session, "Harbour | Peers", timezone="UTC")
    add = membership_svc.add_member
    dana = add(
        session, group, membership_svc.MemberInput(name=scribe_name, joined_on=dt.date(2025, 1, 1))
    )
    ben = add(
        session, group, membership_svc.MemberInput(name="Ben Osei", joined_on=dt.date(2025, 1, 1))
    )
    meetings = [Meeting(group_id=group.id, on=d, start_time=dt.time(8, 0)) for d in DATES]
    session.add_all(meetings)
    session.flush()
    scribe = session.exec(
        select(Role).where(Role.group_id == group.id, Role.name == "Scribe")
    ).one()
    session.add(RoleAssignment(meeting_id=meetings[0].id, role_id=scribe.id, member_id=dana.id))
    session.flush()
    return group, dana, ben, meetings


@pytest.fixture
def recorded(db):
    """September: full minutes typed by Dana; October: cancelled; November: draft."""
    with db.write() as s:
        group, dana, ben, (sep, octo, nov, _dec) = build(s)
        day = minutes_svc.open_meeting(s, sep)
        attendance_svc.set_attendance(s, sep, dana, "present")
        attendance_svc.set_attendance(s, sep, ben, "apologies")
        minutes_svc.save_minutes(s, sep.id, NASTY_TEXT, day.revision)
        decisions_svc.add_decision(s, sep, "Adopt *the* plan | v2\n# for real")
        actions_svc.add_action_item(s, sep, "Send `notes` | to all\n- soon", dana.id, "2026-10-01")
        done = actions_svc.add_action_item(s, sep, "Book a room", ben.id)
        minutes_svc.finalise(s, sep.id, dana.id)
        minutes_svc.amend(s, sep.id, ben.id, "Ben sent apologies [late]")
        octo.status = "cancelled"
        s.add(octo)
        minutes_svc.open_meeting(s, nov)
        minutes_svc.save_minutes(s, nov.id, "Draft notes", 0)
        actions_svc.close_action_item(s, done, "done", at_meeting=nov)
        s.add(Reflection(member_id=ben.id, meeting_id=sep.id, text="PRIVATE-REFLECTION worry"))
        s.add(
            Reflection(
                member_id=dana.id, meeting_id=sep.id, text="SHARED-REFLECTION thought", shared=True
            )
        )
    return db, group


def test_names_and_text_cannot_break_the_document_structure(recorded):
    db, group = recorded
    with db.write() as s:
        text, count = minutes_md.minutes_document(s, group, today=TODAY)
    assert count == 3  # September, cancelled October, November (December is after today)
    tokens = parse(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == [
        "Minutes: Harbour \\| Peers",
        "2026-09-08 (Tuesday): no topic set",
        "Minutes",
        "Decisions",
        "Action items",
        "Reflections shared by their authors",
        "Amendments",
        "2026-10-13 (Tuesday): no topic set",
        "2026-11-10 (Tuesday): no topic set",
        "Minutes",
        "Earlier action items closed at this meeting",
    ]
    kinds = {t.type for t in tokens}
    for forbidden in (
        "blockquote_open",
        "ordered_list_open",
        "code_block",
        "fence",
        "html_block",
        "hr",
    ):
        assert forbidden not in kinds, forbidden
    inline_kinds = {c.type for t in tokens for c in (t.children or [])}
    for forbidden in ("code_inline", "link_open", "html_inline", "s_open"):
        assert forbidden not in inline_kinds, forbidden
    # Emphasis and bold come only from the document's own labels.
    children = [c for t in tokens for c in (t.children or [])]
    emphasised = {
        children[i + 1].content
        for i, c in enumerate(children)
        if c.type in ("em_open", "strong_open")
    }
    assert emphasised == {
        "This meeting was cancelled.",
        "Scribe:",
        "Present:",
        "Apologies:",
        "Minutes:",
        "Attendance:",
        "Shared by:",
    }
    seen = plain_text(tokens)
    for line in NASTY_TEXT.splitlines():
        if line.strip():
            assert line.strip() in seen, line
    assert NASTY_NAME in seen


def test_tables_keep_their_columns(recorded):
    db, group = recorded
    with db.write() as s:
        text, _ = minutes_md.minutes_document(s, group, today=TODAY)
    tokens = parse(text)
    rows, current = [], None
    for t in tokens:
        if t.type == "tr_open":
            current = []
        elif t.type == "inline" and current is not None:
            current.append(t.content)
        elif t.type == "tr_close":
            rows.append(current)
            current = None
    assert all(len(r) == 4 for r in rows)
    action = next(r for r in rows if r[0].startswith("Send"))
    assert action[1] == "\\# Dana | x" and action[2] == "2026-10-01" and action[3] == "open"
    closed = next(r for r in rows if r[0] == "Book a room")
    assert closed[3] == "done (2026-11-10)"


def test_the_record_is_complete_and_only_shared_reflections_are_in_it(recorded):
    db, group = recorded
    with db.write() as s:
        text, _ = minutes_md.minutes_document(s, group, today=TODAY)
    sep = text.split("## 2026-10-13")[0]
    assert "- **Scribe:** \\# Dana \\| x" in sep
    assert "- **Present:** \\# Dana \\| x" in sep and "- **Apologies:** Ben Osei" in sep
    assert "- **Minutes:** finalised " in sep and " by \\# Dana \\| x" in sep
    assert "Ben Osei: Ben sent apologies \\[late\\]" in sep
    assert (
        "*This meeting was cancelled.*" in text.split("## 2026-10-13")[1].split("## 2026-11-10")[0]
    )
    assert "- **Minutes:** draft, not finalised" in text.split("## 2026-11-10")[1]
    assert "PRIVATE-REFLECTION" not in text  # private to Ben: never in the minutes
    assert "- **Shared by:** \\# Dana \\| x\\\n  SHARED-REFLECTION thought" in sep


def test_date_range_and_count(recorded):
    db, group = recorded
    with db.write() as s:
        text, count = minutes_md.minutes_document(s, group, start=DATES[1], end=DATES[3])
        empty, none = minutes_md.minutes_document(
            s, group, start=dt.date(2030, 1, 1), end=dt.date(2030, 2, 1)
        )
        with pytest.raises(InputError, match="before the start date"):
            minutes_md.minutes_document(s, group, start=DATES[3], end=DATES[0])
    assert count == 3 and "2026-09-08" not in text and "2026-12-08" in text
    assert none == 0 and "No meetings in this range." in empty


def test_running_list_is_a_table_of_dates_and_topics(recorded):
    db, group = recorded
    with db.write() as s:
        md = minutes_md.running_list_markdown(s, group)
    lines = md.splitlines()
    assert lines[0] == "# Meetings: Harbour \\| Peers"
    assert lines[2:4] == ["| Date | Topic | Scribe | Minutes |", "|---|---|---|---|"]
    assert lines[4] == "| 2026-09-08 |  | \\# Dana \\| x | finalised |"
    assert lines[5] == "| 2026-10-13 |  |  | cancelled |"
    assert lines[6] == "| 2026-11-10 |  |  | draft |"
    assert lines[7] == "| 2026-12-08 |  |  |  |"
    rows = [t for t in parse(md) if t.type == "tr_open"]
    assert len(rows) == 5


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("# Dana | x", "\\# Dana \\| x"),
        ("`code` *em* _u_ [l] <b>", "\\`code\\` \\*em\\* \\_u\\_ \\[l\\] \\<b\\>"),
        ("a\nb\r\nc", "a b c"),
        ("esc\x1b[31mred", "esc\ufffd\\[31mred"),
    ],
)
def test_inline_escaping(raw, expected):
    assert markdown.inline(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("> q", "\\> q"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("12. item", "12\\. item"),
        ("3) item", "3\\) item"),
        ("    indented", "indented"),
        ("===", "\\==="),
        ("line one\nline two\n\n\npara", "line one\\\nline two\n\npara"),
    ],
)
def test_block_escaping(raw, expected):
    assert markdown.block(raw) == expected


def test_item_cell_and_table_escaping_are_shared():
    assert markdown.item("- first\n\n# second") == "\\- first\\\n  \\# second"
    assert markdown.cell("a | b\nc") == "a \\| b c"
    lines = markdown.table(["A", "B"], [[markdown.cell("x|y"), "z"]])
    assert lines == ["| A | B |", "|---|---|", "| x\\|y | z |"]
    rows = [t for t in parse("\n".join(lines)) if t.type == "tr_open"]
    assert len(rows) == 2
    # the minutes export uses the shared functions, not copies of them
    for name in ("inline", "block", "item", "cell"):
        assert getattr(minutes_md, name) is getattr(markdown, name)
