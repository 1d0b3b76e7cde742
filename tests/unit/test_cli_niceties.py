"""The command line helps: a near-miss name is suggested, an empty calendar says
why, and times in exports are the group's own."""

from __future__ import annotations

from peergroup import content
from peergroup.cli import run

DEMO = str(content.demo_group_file())


def _demo(tmp_path):  # noqa: ANN001, ANN202
    db = tmp_path / "g.db"
    assert run(["--db", str(db), "import", DEMO]) == 0
    return db


def test_a_first_name_is_answered_with_the_member_it_may_mean(tmp_path, capsys):
    db = _demo(tmp_path)
    capsys.readouterr()
    assert (
        run(["--db", str(db), "export", "ics", "--member", "priya", "-o", str(tmp_path / "p.ics")])
        == 2
    )
    err = capsys.readouterr().err
    assert "No member called 'priya'" in err and "Did you mean 'Priya Raman'?" in err
    assert (
        run(
            [
                "--db",
                str(db),
                "export",
                "ics",
                "--member",
                "Priya Ramen",
                "-o",
                str(tmp_path / "p.ics"),
            ]
        )
        == 2
    )
    assert "Did you mean 'Priya Raman'?" in capsys.readouterr().err
    assert not (tmp_path / "p.ics").exists()


def test_an_empty_calendar_says_why(tmp_path, capsys):
    db = _demo(tmp_path)
    capsys.readouterr()
    out = tmp_path / "t.ics"
    assert run(["--db", str(db), "export", "ics", "--member", "Tomás Herrera", "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert "Wrote 0 meeting(s)" in said and "on the recruitment list" in said


def test_times_in_the_minutes_export_are_in_the_groups_time_zone(tmp_path, capsys):
    db = _demo(tmp_path)
    out = tmp_path / "m.md"
    assert run(["--db", str(db), "export", "minutes", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "finalised" in text
    assert " UTC" not in text
    assert " EST" in text or " EDT" in text  # the demo group meets in New York
