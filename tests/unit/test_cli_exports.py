"""Scriptable commands: export ics, export minutes, search, meeting."""

from __future__ import annotations

import datetime as dt

import vobject
from sqlmodel import select

from peergroup import content
from peergroup.cli import run
from peergroup.db import open_database
from peergroup.models import Meeting, Member
from peergroup.services import actions as actions_svc
from peergroup.services import minutes as minutes_svc


def _imported(tmp_path):  # noqa: ANN001, ANN202
    db = tmp_path / "g.db"
    assert run(["--db", str(db), "import", str(content.demo_group_file())]) == 0
    return db


def test_import_then_export_ics_gives_a_deterministic_calendar(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    outs = []
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        db = _imported(folder)
        out = folder / "out.ics"
        assert run(["--db", str(db), "export", "ics", "-o", str(out)]) == 0
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    cal = vobject.readOne(outs[0].decode())
    starts = sorted(ev.dtstart.value for ev in cal.vevent_list)
    assert [d.date() for d in starts[:3]] == [
        dt.date(2026, 9, 8),
        dt.date(2026, 10, 13),
        dt.date(2026, 11, 10),
    ]
    assert dt.date(2027, 1, 12) not in [d.date() for d in starts]  # the skipped date
    assert "Wrote 9 meeting(s)" in capsys.readouterr().out


def test_export_ics_for_one_member_and_unknown_member(tmp_path, capsys):
    db = _imported(tmp_path)
    out = tmp_path / "me.ics"
    assert run(["--db", str(db), "export", "ics", "--member", "priya raman", "-o", str(out)]) == 0
    assert (
        b"X-WR-CALNAME:Northbridge GIM Clinician-Educator Peer Group (Priya Raman)"
        in out.read_bytes()
    )
    assert (
        run(["--db", str(db), "export", "ics", "--member", "Nobody", "-o", str(tmp_path / "x.ics")])
        == 2
    )
    assert "No member called 'Nobody'" in capsys.readouterr().err
    assert not (tmp_path / "x.ics").exists()


def test_export_minutes_and_search_from_the_command_line(tmp_path, capsys):
    db_path = _imported(tmp_path)
    db = open_database(db_path)
    with db.write() as s:
        dec = s.exec(select(Meeting).where(Meeting.on == dt.date(2026, 12, 8))).one()
        member = s.exec(select(Member).where(Member.status == "active")).first()
        minutes_svc.open_meeting(s, dec)
        minutes_svc.save_minutes(s, dec.id, "Long talk about the clerkship syllabus redesign.", 0)
        actions_svc.add_action_item(s, dec, "Draft syllabus outline", member.id)
    db.close()
    capsys.readouterr()
    assert run(["--db", str(db_path), "search", "syllabus"]) == 0
    out = capsys.readouterr().out
    assert out.count("2026-12-08") == 2 and "«syllabus" in out
    md = tmp_path / "m.md"
    assert (
        run(
            [
                "--db",
                str(db_path),
                "export",
                "minutes",
                "--from",
                "2026-12-01",
                "--to",
                "2026-12-31",
                "-o",
                str(md),
            ]
        )
        == 0
    )
    text = md.read_text()
    assert "clerkship syllabus redesign" in text and "Draft syllabus outline" in text
    assert "2026-11-10" not in text
    assert (
        run(["--db", str(db_path), "export", "minutes", "--from", "2026-11-31", "-o", str(md)]) == 2
    )
    assert "--from" in capsys.readouterr().err


def test_export_minutes_to_stdout_keeps_the_message_off_the_document(tmp_path, capsysbinary):
    db = _imported(tmp_path)
    capsysbinary.readouterr()
    assert run(["--db", str(db), "export", "minutes", "-o", "-"]) == 0
    captured = capsysbinary.readouterr()
    assert b"Wrote the minutes" not in captured.out
    assert b"Wrote the minutes" in captured.err


def test_meeting_command_refuses_an_impossible_date(tmp_path, capsys):
    db = _imported(tmp_path)
    assert run(["--db", str(db), "meeting", "2026-02-30"]) == 2
    assert "not a real calendar date" in capsys.readouterr().err


def test_group_may_follow_the_subcommand_and_the_running_list_exports(tmp_path, capsys):
    db = _imported(tmp_path)
    out = tmp_path / "list.md"
    assert (
        run(
            [
                "--db",
                str(db),
                "export",
                "list",
                "--group",
                "northbridge gim clinician-educator peer group",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    text = out.read_text()
    assert "2026-09-08" in text and "2026-11-10" in text
    assert (
        run(["--db", str(db), "export", "ics", "--group", "Nope", "-o", str(tmp_path / "n.ics")])
        == 2
    )
    assert "No group called 'Nope'" in capsys.readouterr().err


def test_cli_output_spells_out_escape_codes_in_names(tmp_path, capsys):
    db = tmp_path / "e.db"
    gf = tmp_path / "g.toml"
    gf.write_text('[group]\nname = "Evil \\u001b]0;pwned\\u0007\\u001b[2J"\n', encoding="utf-8")
    assert run(["--db", str(db), "import", str(gf)]) == 0
    capsys.readouterr()
    assert run(["--db", str(db), "groups"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b]0;pwned\\x07\\x1b[2J" in out


def test_odd_input_gets_a_message_not_a_traceback(tmp_path, capsys):
    db = _imported(tmp_path)
    capsys.readouterr()
    assert run(["--db", str(db), "search", "a\x00b"]) == 0
    assert run(["--db", str(db), "meeting", "9999-12-31"]) == 2
    assert "outside the years 1950 to 2100" in capsys.readouterr().err
