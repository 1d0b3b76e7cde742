"""peergroup copy: groups move between databases whole, keeping their ids, or not at all.

Parametrised like every domain test: on [postgresql] the group goes from an
SQLite file to a PostgreSQL database and back to a new file; on [sqlite] the
middle database is a file too.
"""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from peergroup import content, groupfile
from peergroup.cli import run
from peergroup.db import open_database
from peergroup.errors import InputError
from peergroup.groupfile.writer import export_group
from peergroup.models import Group, Meeting, Member, Minutes
from peergroup.services import copy as copy_svc


def _file_db(path, clock):  # noqa: ANN001, ANN202
    db = open_database(path, create=True, clock=clock)
    with db.write() as s:
        groupfile.import_group(s, groupfile.read(content.demo_group_file()))
    return db


def _export(db) -> dict[str, str]:  # noqa: ANN001
    with db.read() as s:
        return {g.uuid: export_group(s, g, include_private=True) for g in s.exec(select(Group))}


def _count(db, model) -> int:  # noqa: ANN001
    with db.read() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_a_round_trip_gives_back_the_same_group_file_and_ids(make_db, tmp_path, clock):
    first = _file_db(tmp_path / "first.db", clock)
    middle = make_db()
    last = open_database(tmp_path / "last.db", create=True, clock=clock)
    copy_svc.copy_groups(first, middle)
    done = copy_svc.copy_groups(middle, last)
    assert done.rows > 500 and len(done.groups) == 1
    assert _export(first) == _export(middle) == _export(last)
    with first.read() as a, last.read() as b:
        uids = lambda s: sorted(m.uid for m in s.exec(select(Meeting)))  # noqa: E731
        assert uids(a) == uids(b) and len(uids(a)) > 5
        text = lambda s: sorted(m.text for m in s.exec(select(Minutes)))  # noqa: E731
        assert text(a) == text(b)
    for db in (first, last):
        db.close()


def test_a_group_the_destination_holds_is_refused_and_nothing_changes(make_db, tmp_path, clock):
    source = _file_db(tmp_path / "source.db", clock)
    target = make_db()
    copy_svc.copy_groups(source, target)
    before = _count(target, Member), _count(target, Minutes)
    with pytest.raises(InputError, match="already holds a group called"):
        copy_svc.copy_groups(source, target)
    assert (_count(target, Member), _count(target, Minutes)) == before
    source.close()


def test_a_failure_part_way_leaves_the_destination_as_it_was(make_db, tmp_path, clock, monkeypatch):
    source = _file_db(tmp_path / "source.db", clock)
    target = make_db()
    real = copy_svc._insert_keeping_ids

    def fails_after_the_rows(conn_out, rows):  # noqa: ANN001, ANN202
        real(conn_out, rows)
        raise RuntimeError("the disk filled up just now")

    monkeypatch.setattr(copy_svc, "_insert_keeping_ids", fails_after_the_rows)
    with pytest.raises(RuntimeError):
        copy_svc.copy_groups(source, target)
    assert _count(target, Group) == 0 and _count(target, Member) == 0
    source.close()


def test_one_group_of_several_by_name_and_its_rows_only(make_db, tmp_path, clock):
    source = _file_db(tmp_path / "source.db", clock)
    with source.write() as s:
        other = Group(name="Second Group")
        s.add(other)
        s.flush()
        s.add(Member(group_id=other.id, name="Only In Second", status="active"))
    target = make_db()
    done = copy_svc.copy_groups(source, target, "Second Group")
    assert done.groups == ["Second Group"]
    with target.read() as s:
        assert [g.name for g in s.exec(select(Group))] == ["Second Group"]
        assert [m.name for m in s.exec(select(Member))] == ["Only In Second"]
    source.close()


@pytest.mark.sqlite_only
def test_the_cli_copies_into_a_new_file_and_a_failed_copy_leaves_no_file(tmp_path, clock, capsys):
    source = _file_db(tmp_path / "source.db", clock)
    source.close()
    out = tmp_path / "moved.db"
    assert run(["copy", "--from", str(tmp_path / "source.db"), "--to", str(out)]) == 0
    assert "Copied 'Northbridge" in capsys.readouterr().out
    assert run(["copy", "--from", str(tmp_path / "source.db"), "--to", str(out)]) == 2
    assert "already holds a group called" in capsys.readouterr().err
    again = tmp_path / "again.db"
    args = ["--group", "Nope", "copy", "--from", str(tmp_path / "source.db"), "--to", str(again)]
    assert run(args) == 2
    assert not again.exists()
    assert run(["copy", "--from", str(tmp_path / "missing.db"), "--to", str(again)]) == 2


def _with_a_locked_journal(db):  # noqa: ANN001, ANN202
    """Priya's journal under a passphrase, with one private entry; returns her member id."""
    from peergroup.services import journal

    with db.write() as s:
        group = s.exec(select(Group)).first()
        priya = s.exec(select(Member).where(Member.name == "Priya Raman")).one()
        unlocked = journal.set_passphrase(
            s, group.id, priya.id, "correct horse battery", "correct horse battery"
        )
        journal.save_reflection(s, priya.id, None, "Only mine to read.", 0, unlocked)
        return priya.id


def test_a_locked_journal_moves_into_an_empty_database_and_still_opens(make_db, tmp_path, clock):
    from peergroup.services import journal

    source = _file_db(tmp_path / "source.db", clock)
    _with_a_locked_journal(source)
    target = make_db()
    copy_svc.copy_groups(source, target)
    with target.read() as s:
        priya = s.exec(select(Member).where(Member.name == "Priya Raman")).one()
        journal.unlock(s, priya.id, "correct horse battery")  # WrongPassphrase if ids moved
    source.close()


def test_a_locked_journal_is_refused_where_its_record_numbers_are_taken(make_db, tmp_path, clock):
    source = _file_db(tmp_path / "source.db", clock)
    _with_a_locked_journal(source)
    target = make_db()
    with target.write() as s:  # another group already there, using the same record numbers
        other = Group(name="Already Here")
        s.add(other)
        s.flush()
        for i in range(30):
            s.add(Member(group_id=other.id, name=f"Member {i}", status="active"))
    with pytest.raises(InputError, match="passphrase"):
        copy_svc.copy_groups(source, target)
    assert _count(target, Group) == 1
    source.close()


def test_a_group_with_the_same_name_is_refused_with_a_message(make_db, tmp_path, clock):
    source = _file_db(tmp_path / "source.db", clock)
    target = make_db()
    with source.read() as s:
        name = s.exec(select(Group)).first().name
    with target.write() as s:
        s.add(Group(name=name, uuid="not-the-same-group"))
    with pytest.raises(InputError, match="already holds a group called"):
        copy_svc.copy_groups(source, target)
    source.close()


def test_after_a_copy_keeping_ids_new_rows_get_fresh_ids(make_db, tmp_path, clock):
    source = _file_db(tmp_path / "source.db", clock)
    target = make_db()
    copy_svc.copy_groups(source, target)
    with target.write() as s:
        group = s.exec(select(Group)).first()
        s.add(Member(group_id=group.id, name="Joined After The Move", status="active"))
    assert _count(target, Member) == _count(source, Member) + 1
    source.close()
