"""Importing a group file into a group that already exists updates it.

Story: the chair exports the group, adds a new member and an extra meeting in
her editor, moves one meeting by an hour, and imports the file again. The
group gains the member and the meeting; the moved meeting keeps its calendar
UID with a higher SEQUENCE, so calendars update it; the other meetings are
untouched. A file that leaves someone out changes nothing unless she says
--replace, and minutes are never deleted.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from peergroup.cli import run
from peergroup.groupfile import toml_out
from peergroup.groupfile.writer import export_group
from peergroup.models import Meeting, Member, Minutes
from peergroup.services import groups as groups_svc

DEMO = "Northbridge GIM Clinician-Educator Peer Group"


def _doc(db) -> dict[str, Any]:  # noqa: ANN001
    with db.read() as session:
        return tomllib.loads(export_group(session, groups_svc.find_group(session, DEMO)))


def _import(db, doc: dict[str, Any], tmp_path: Path, *extra: str) -> tuple[int, str]:  # noqa: ANN001
    path = tmp_path / "edited.toml"
    path.write_text(toml_out.dumps(doc), encoding="utf-8")
    db.close()
    code = run(["--db", db.target, "import", str(path), *extra])
    return code, path.name


def _meetings(db) -> dict[str, tuple]:  # noqa: ANN001
    with db.read() as session:
        return {
            m.uid: (m.on, m.start_time, m.sequence, m.status) for m in session.exec(select(Meeting))
        }


def _members(db) -> list[str]:  # noqa: ANN001
    with db.read() as session:
        return sorted(m.name for m in session.exec(select(Member)))


def test_reimport_adds_a_member_and_a_meeting_and_moves_one(demo_db, tmp_path, capsys) -> None:
    before = _meetings(demo_db)
    doc = _doc(demo_db)
    doc["members"].append(
        {"name": "Noor Haddad", "email": "noor@example.org", "joined": doc["members"][0]["joined"]}
    )
    import datetime as dt

    doc["meetings"].append({"on": dt.date(2027, 7, 20), "title": "Summer extra"})
    moved = next(m for m in doc["meetings"] if m["on"] == dt.date(2027, 3, 9))
    moved["start_time"] = "08:30"
    code, _ = _import(demo_db, doc, tmp_path)
    assert code == 0, capsys.readouterr().err
    assert "Updated" in capsys.readouterr().out
    assert "Noor Haddad" in _members(demo_db)
    after = _meetings(demo_db)
    added = set(after) - set(before)
    assert len(added) == 1
    assert after[next(iter(added))][0] == dt.date(2027, 7, 20)
    moved_uid = next(u for u, v in before.items() if v[0] == dt.date(2027, 3, 9))
    assert after[moved_uid][1] == dt.time(8, 30)
    assert after[moved_uid][2] == before[moved_uid][2] + 1  # SEQUENCE rises, UID kept
    for uid, value in before.items():
        if uid != moved_uid:
            assert after[uid] == value, uid  # untouched: same UID, same SEQUENCE


def test_reimport_of_an_unchanged_file_changes_nothing(demo_db, tmp_path, capsys) -> None:
    before = _meetings(demo_db)
    text = None
    with demo_db.read() as session:
        text = export_group(session, groups_svc.find_group(session, DEMO))
    code, _ = _import(demo_db, tomllib.loads(text), tmp_path)
    assert code == 0
    assert "nothing changed" in capsys.readouterr().out
    assert _meetings(demo_db) == before
    with demo_db.read() as session:
        assert export_group(session, groups_svc.find_group(session, DEMO)) == text


def test_a_member_left_out_is_named_and_kept_without_replace(demo_db, tmp_path, capsys) -> None:
    doc = _doc(demo_db)
    doc["members"].append({"name": "Noor Haddad", "joined": doc["members"][0]["joined"]})
    assert _import(demo_db, doc, tmp_path)[0] == 0
    capsys.readouterr()
    doc["members"] = [m for m in doc["members"] if m["name"] != "Noor Haddad"]
    code, _ = _import(demo_db, doc, tmp_path)
    err = capsys.readouterr().err
    assert code == 2 and "'Noor Haddad'" in err and "--replace" in err
    assert "Noor Haddad" in _members(demo_db)
    # --replace removes her: she has no records yet.
    assert _import(demo_db, doc, tmp_path, "--replace")[0] == 0
    assert "Noor Haddad" not in _members(demo_db)


def test_a_member_with_records_is_never_removed(demo_db, tmp_path, capsys) -> None:
    doc = _doc(demo_db)
    doc["members"] = [m for m in doc["members"] if m["name"] != "Priya Raman"]
    for section in list(doc):  # drop every other mention of her, so only removal is at issue
        if section not in ("group", "members", "logistics"):
            del doc[section]
    code, _ = _import(demo_db, doc, tmp_path, "--replace")
    err = capsys.readouterr().err
    assert code == 2 and "'Priya Raman' has records" in err and "alumni" in err
    assert "Priya Raman" in _members(demo_db)


def test_minutes_are_never_deleted(demo_db, tmp_path, capsys) -> None:
    import datetime as dt

    with demo_db.read() as session:
        kept = {m.meeting_id: m.text for m in session.exec(select(Minutes)) if m.text.strip()}
    assert kept
    doc = _doc(demo_db)
    for rec in doc["meetings"]:
        rec.pop("minutes", None)
    assert _import(demo_db, doc, tmp_path)[0] == 0, capsys.readouterr().err
    with demo_db.read() as session:
        now = {m.meeting_id: m.text for m in session.exec(select(Minutes)) if m.text.strip()}
    assert now == kept
    # Leaving out a meeting with minutes is refused even with --replace.
    doc["meetings"] = [r for r in doc["meetings"] if r["on"] != dt.date(2026, 9, 8)]
    code, _ = _import(demo_db, doc, tmp_path, "--replace")
    assert code == 2 and "never deleted" in capsys.readouterr().err
    with demo_db.read() as session:
        assert {
            m.meeting_id: m.text for m in session.exec(select(Minutes)) if m.text.strip()
        } == kept


def test_new_minutes_in_the_file_are_saved(demo_db, tmp_path, capsys) -> None:
    import datetime as dt

    doc = _doc(demo_db)
    rec = next(r for r in doc["meetings"] if r["on"] == dt.date(2026, 12, 8))
    rec["minutes"] = "Early notes for December."
    rec["present"] = ["Priya Raman"]
    assert _import(demo_db, doc, tmp_path)[0] == 0, capsys.readouterr().err
    with demo_db.read() as session:
        texts = [m.text for m in session.exec(select(Minutes))]
    assert "Early notes for December." in texts


@pytest.mark.parametrize("section", ["needs_rounds", "support", "reviews"])
def test_areas_it_cannot_merge_are_refused_by_name(demo_db, tmp_path, capsys, section) -> None:
    doc = _doc(demo_db)
    doc[section] = doc[section][:-1]  # one fewer: a change the merge cannot make
    code, _ = _import(demo_db, doc, tmp_path)
    err = capsys.readouterr().err
    assert code == 2 and f"[{section}]" in err and "Nothing was changed" in err
    assert _doc(demo_db)[section] != doc[section]


def test_topics_merge_added_changed_and_removed_only_with_replace(
    demo_db, tmp_path, capsys
) -> None:
    from peergroup.models import Topic

    doc = _doc(demo_db)
    doc["topics"].append({"title": "Night-float teaching", "family": "growth"})
    saying_no = next(t for t in doc["topics"] if t.get("catalog") == "career-saying-no")
    saying_no["description"] = "Changed in the file."
    assert _import(demo_db, doc, tmp_path)[0] == 0, capsys.readouterr().err
    with demo_db.read() as session:
        titles = {t.title: t for t in session.exec(select(Topic))}
        assert "Night-float teaching" in titles
        changed = [t for t in titles.values() if t.catalog_key == "career-saying-no"]
        assert [t.description for t in changed] == ["Changed in the file."]
    capsys.readouterr()
    doc["topics"] = [t for t in doc["topics"] if t.get("title") != "Night-float teaching"]
    assert _import(demo_db, doc, tmp_path)[0] == 2
    assert "'Night-float teaching'" in capsys.readouterr().err
    assert _import(demo_db, doc, tmp_path, "--replace")[0] == 0
    with demo_db.read() as session:
        assert "Night-float teaching" not in {t.title for t in session.exec(select(Topic))}


SMALL = """
[group]
name = "Small Group"
[[members]]
name = "Ada Lin"
joined = 2026-09-01
[logistics]
frequency = "weekly"
weekday = "tuesday"
start_time = "07:30"
first_meeting = 2026-09-08
horizon_months = 2
[[meetings]]
on = 2026-09-08
present = ["Ada Lin"]
minutes = "First."
"""


def test_a_hand_written_file_updates_without_listing_every_meeting(db, tmp_path, capsys) -> None:
    path = tmp_path / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    db.close()
    assert run(["--db", db.target, "import", str(path)]) == 0
    before = _meetings(db)
    more = SMALL + (
        '[[meetings]]\non = 2026-09-15\npresent = ["Ada Lin", "Bo Chen"]\nminutes = "Second."\n'
        '[[members]]\nname = "Bo Chen"\njoined = 2026-09-01\n'
    )
    path.write_text(more, encoding="utf-8")
    assert run(["--db", db.target, "import", str(path)]) == 0, capsys.readouterr().err
    assert "added 1 member(s)" in capsys.readouterr().out
    assert _members(db) == ["Ada Lin", "Bo Chen"]
    assert _meetings(db) == before  # the schedule's meetings are kept, none cancelled
    with db.read() as session:
        assert sorted(m.text for m in session.exec(select(Minutes))) == ["First.", "Second."]
    # Another schedule is not something an import can merge: refused, by name.
    path.write_text(more.replace('weekday = "tuesday"', 'weekday = "thursday"'), encoding="utf-8")
    assert run(["--db", db.target, "import", str(path)]) == 2
    assert "[logistics]" in capsys.readouterr().err
    assert _meetings(db) == before


def test_a_meeting_moved_in_the_app_since_the_export_is_moved_back_not_doubled(
    demo_db, tmp_path, capsys
) -> None:
    import datetime as dt

    from peergroup.services import meetings as meetings_svc

    doc = _doc(demo_db)  # exported before the move: the entry has only its date
    with demo_db.write() as s:
        group = groups_svc.find_group(s, DEMO)
        later = [m for m in meetings_svc.list_meetings(s, group) if m.on > dt.date(2027, 3, 1)]
        moving = later[0]
        planned_on, uid = moving.on, moving.uid
        meetings_svc.move_meeting(
            s, moving, (planned_on + dt.timedelta(days=7)).isoformat(), "07:30"
        )
    before = _meetings(demo_db)
    code, _name = _import(demo_db, doc, tmp_path)
    assert code == 0, capsys.readouterr().err
    after = _meetings(demo_db)
    assert set(after) == set(before)  # no second event for the same meeting
    assert after[uid][0] == planned_on and after[uid][2] == before[uid][2] + 1


def test_replace_never_deletes_a_goal_with_check_ins(demo_db, tmp_path, capsys) -> None:
    from peergroup.models import Goal, GoalCheckin

    doc = _doc(demo_db)
    with demo_db.read() as s:
        kept = s.exec(select(Goal).join(GoalCheckin, GoalCheckin.goal_id == Goal.id)).first()
        title = kept.title
    doc["goals"] = [g for g in doc["goals"] if g["title"] != title]
    code, _name = _import(demo_db, doc, tmp_path, "--replace")
    assert code == 2 and "has check-ins" in capsys.readouterr().err
    with demo_db.read() as s:
        assert s.exec(select(Goal).where(Goal.title == title)).first() is not None
