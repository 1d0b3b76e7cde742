"""The reflection journal: private by default, encrypted with a passphrase.

Stories: Dana writes a private reflection; Ben sees only what Dana shared.
Dana sets a passphrase: her private reflections are re-written encrypted and
the text is gone from the database file and its -wal. A wrong passphrase
reads nothing and changes nothing. The copy's owner lives in the config
folder, not the database.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import select
from stored import contents, hold_write_lock, stored_bytes

from peergroup import config
from peergroup.errors import InputError
from peergroup.models import JournalKey, Reflection
from peergroup.paths import data_home
from peergroup.services import groups as groups_svc
from peergroup.services import journal as journal_svc
from peergroup.services import journal_crypto as crypto
from peergroup.services import journal_saver, journal_view
from peergroup.services import membership as membership_svc

TODAY = dt.date(2026, 11, 25)
PASSPHRASE = "the lighthouse keeps its own hours"


@pytest.fixture(autouse=True)
def quick_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real setting (n = 2**17) costs 0.4 s per passphrase; these tests set many.
    The stored parameters go with each key, so unlocking follows whatever was set."""
    monkeypatch.setattr(crypto, "SCRYPT_N", 2**14)


@pytest.fixture
def people(db):
    with db.write() as s:
        group = groups_svc.create_group(s, "Harbour Lights Peer Group", timezone="UTC")
        ids = {}
        for name in ("Dana Okafor", "Ben Osei", "Cy Lee"):
            m = membership_svc.add_member(
                s, group, membership_svc.MemberInput(name=name, joined_on="2026-01-13")
            )
            ids[name.split()[0].lower()] = m.id
        prospect = membership_svc.add_member(
            s, group, membership_svc.MemberInput(name="Pat Prospect", status="prospective")
        )
        ids["pat"] = prospect.id
        return group.id, ids


def _write(db, author: int, text: str, key=None, reflection_id=None, base=0):  # noqa: ANN001
    with db.write() as s:
        return journal_svc.save_reflection(s, author, reflection_id, text, base, key)


def _raw(db) -> bytes:  # noqa: ANN001
    """The file and its -wal; on PostgreSQL every page the server keeps (see stored)."""
    return stored_bytes(db)


def _state(db) -> object:  # noqa: ANN001
    """What must not change: the file's bytes; on PostgreSQL every row (a read may set
    hint bits in a page without changing any data)."""
    return contents(db) if db.is_server else db.path.read_bytes()


def test_a_private_reflection_is_seen_by_its_author_only(db, people):
    group_id, p = people
    mine = _write(db, p["dana"], "Dana's private doubts about the clerkship")
    shared = _write(db, p["dana"], "Dana's note for everyone")
    with db.write() as s:
        journal_svc.set_shared(s, shared.reflection_id, p["dana"], True, None)
    with db.read() as s:
        dana = journal_view.journal_view(s, group_id, db.path, p["dana"], None, TODAY)
        ben = journal_view.journal_view(s, group_id, db.path, p["ben"], None, TODAY)
        assert {e.preview for e in dana.entries} == {
            "Dana's private doubts about the clerkship",
            "Dana's note for everyone",
        }
        assert [(e.author, e.preview, e.mine) for e in ben.entries] == [
            ("Dana Okafor", "Dana's note for everyone", False)
        ]
        with pytest.raises(journal_svc.PrivateReflection):
            journal_svc.open_reflection(s, mine.reflection_id, p["ben"], None)
        assert (
            journal_svc.open_reflection(s, shared.reflection_id, p["ben"], None).editable is False
        )
    with pytest.raises(journal_svc.PrivateReflection), db.write() as s:
        journal_svc.set_shared(s, mine.reflection_id, p["ben"], True, None)
    with pytest.raises(journal_svc.PrivateReflection), db.write() as s:
        journal_svc.delete_reflection(s, mine.reflection_id, p["ben"])


def test_an_empty_new_reflection_saves_nothing_and_a_second_save_updates_it(db, people):
    _group_id, p = people
    assert _write(db, p["dana"], "   ").reflection_id is None
    first = _write(db, p["dana"], "A first line")
    again = _write(
        db, p["dana"], "A first line, and more", reflection_id=first.reflection_id, base=1
    )
    assert (again.reflection_id, again.revision, again.conflict) == (first.reflection_id, 2, False)
    with db.read() as s:
        assert [r.text for r in s.exec(select(Reflection))] == ["A first line, and more"]


def test_two_copies_saving_the_same_reflection_keep_both_texts(db, people):
    _group_id, p = people
    first = _write(db, p["dana"], "Written on the laptop")
    _write(db, p["dana"], "Changed on the desktop", reflection_id=first.reflection_id, base=1)
    late = _write(
        db, p["dana"], "Still typing on the laptop", reflection_id=first.reflection_id, base=1
    )
    assert late.conflict and late.reflection_id != first.reflection_id
    with db.read() as s:
        texts = sorted(r.text for r in s.exec(select(Reflection)))
    assert texts == ["Changed on the desktop", "Still typing on the laptop"]


def test_a_passphrase_encrypts_existing_and_new_private_reflections(db, people):
    group_id, p = people
    old = _write(db, p["dana"], "CANARY-OLD-7f3a private before the passphrase")
    shared = _write(db, p["dana"], "Shared with all of you")
    with db.write() as s:
        journal_svc.set_shared(s, shared.reflection_id, p["dana"], True, None)
    with db.write() as s:
        key = journal_svc.set_passphrase(s, group_id, p["dana"], PASSPHRASE, PASSPHRASE)
    new = _write(db, p["dana"], "CANARY-NEW-91bc written after", key=key)
    assert journal_svc.scrub(db)
    raw = _raw(db)
    assert b"CANARY-OLD-7f3a" not in raw and b"CANARY-NEW-91bc" not in raw
    assert b"Shared with all of you" in raw  # shared on purpose: plain text
    with db.read() as s:
        rows = {r.id: r for r in s.exec(select(Reflection))}
        assert rows[old.reflection_id].text == "" and rows[old.reflection_id].cipher
        assert rows[new.reflection_id].text == "" and rows[new.reflection_id].cipher
        locked = journal_view.journal_view(s, group_id, db.path, p["dana"], None, TODAY)
        assert locked.has_passphrase and not locked.unlocked
        assert sorted((e.locked, e.preview) for e in locked.entries) == [
            (False, "Shared with all of you"),
            (True, ""),
            (True, ""),
        ]
        with pytest.raises(journal_svc.JournalLocked):
            journal_svc.open_reflection(s, old.reflection_id, p["dana"], None)
        unlocked = journal_svc.unlock(s, p["dana"], PASSPHRASE)
        assert (
            journal_svc.open_reflection(s, old.reflection_id, p["dana"], unlocked).text
            == "CANARY-OLD-7f3a private before the passphrase"
        )
    with pytest.raises(journal_svc.JournalLocked), db.write() as s:
        journal_svc.save_reflection(s, p["dana"], None, "no key, no save", 0, None)


def test_a_passphrase_is_kept_as_salt_scrypt_settings_and_verifier_only(
    db, people, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.undo()  # the real setting, as measured: about 0.4 s per derivation
    group_id, p = people
    with db.write() as s:
        journal_svc.set_passphrase(s, group_id, p["dana"], PASSPHRASE, PASSPHRASE)
    with db.read() as s:
        row = s.exec(select(JournalKey)).one()
    assert (row.n, row.r, row.p, len(row.salt)) == (2**17, 8, 1, 16)
    assert PASSPHRASE.encode() not in _raw(db)


def test_a_wrong_passphrase_reads_nothing_and_changes_nothing(db, people):
    group_id, p = people
    _write(db, p["dana"], "Something private")
    with db.write() as s:
        journal_svc.set_passphrase(s, group_id, p["dana"], PASSPHRASE, PASSPHRASE)
    journal_svc.scrub(db)
    before = _state(db)
    with pytest.raises(crypto.WrongPassphrase) as err, db.read() as s:
        journal_svc.unlock(s, p["dana"], "the lighthouse keeps its own hour")
    assert err.value.field == "passphrase" and "nothing was read or changed" in err.value.message
    journal_svc.scrub(db)
    assert _state(db) == before


def test_a_ciphertext_is_bound_to_its_reflection_and_author(db, people):
    group_id, p = people
    with db.write() as s:
        key = journal_svc.set_passphrase(s, group_id, p["dana"], PASSPHRASE, PASSPHRASE)
    a = _write(db, p["dana"], "first", key=key)
    b = _write(db, p["dana"], "second", key=key)
    with db.write() as s:
        ra, rb = s.get(Reflection, a.reflection_id), s.get(Reflection, b.reflection_id)
        rb.cipher = ra.cipher  # someone with the file moves a ciphertext to another row
        s.add(rb)
    with pytest.raises(crypto.UndecryptableText), db.read() as s:
        journal_svc.open_reflection(s, b.reflection_id, p["dana"], key)
    # Ben's key does not open Dana's text either.
    with db.write() as s:
        ben_key = journal_svc.set_passphrase(
            s, group_id, p["ben"], "another passphrase", "another passphrase"
        )
    with pytest.raises(journal_svc.JournalLocked), db.read() as s:
        journal_svc.open_reflection(s, a.reflection_id, p["dana"], ben_key)


def test_passphrase_rules_and_changing_it(db, people):
    group_id, p = people
    with pytest.raises(InputError) as err, db.write() as s:
        journal_svc.set_passphrase(s, group_id, p["dana"], "short", "short")
    assert err.value.field == "passphrase" and "at least 8" in err.value.message
    with pytest.raises(InputError) as err, db.write() as s:
        journal_svc.set_passphrase(s, group_id, p["dana"], PASSPHRASE, PASSPHRASE + "!")
    assert err.value.field == "confirm"
    with pytest.raises(InputError) as err, db.write() as s:
        journal_svc.set_passphrase(s, group_id, p["pat"], PASSPHRASE, PASSPHRASE)
    assert "has not joined yet" in err.value.message
    with db.write() as s:
        key = journal_svc.set_passphrase(s, group_id, p["dana"], PASSPHRASE, PASSPHRASE)
    saved = _write(db, p["dana"], "kept across a change", key=key)
    with pytest.raises(journal_svc.JournalLocked), db.write() as s:
        journal_svc.set_passphrase(s, group_id, p["dana"], "a new passphrase", "a new passphrase")
    with db.write() as s:
        new_key = journal_svc.set_passphrase(
            s, group_id, p["dana"], "a new passphrase", "a new passphrase", key
        )
    with db.read() as s:
        assert len(s.exec(select(JournalKey)).all()) == 1
        assert journal_svc.open_reflection(s, saved.reflection_id, p["dana"], new_key).text == (
            "kept across a change"
        )
        with pytest.raises(crypto.WrongPassphrase):
            journal_svc.unlock(s, p["dana"], PASSPHRASE)


def test_sharing_decrypts_and_unsharing_encrypts_again(db, people):
    group_id, p = people
    with db.write() as s:
        key = journal_svc.set_passphrase(s, group_id, p["dana"], PASSPHRASE, PASSPHRASE)
    r = _write(db, p["dana"], "For the group, after all", key=key)
    with pytest.raises(journal_svc.JournalLocked), db.write() as s:
        journal_svc.set_shared(s, r.reflection_id, p["dana"], True, None)
    with db.write() as s:
        journal_svc.set_shared(s, r.reflection_id, p["dana"], True, key)
        row = s.get(Reflection, r.reflection_id)
        assert (row.shared, row.text, row.cipher) == (True, "For the group, after all", None)
    with db.write() as s:
        journal_svc.set_shared(s, r.reflection_id, p["dana"], False, key)
        row = s.get(Reflection, r.reflection_id)
        assert (row.shared, row.text, row.shared_at) == (False, "", None) and row.cipher


def test_forgetting_the_passphrase_removes_what_it_protected(db, people):
    group_id, p = people
    with db.write() as s:
        key = journal_svc.set_passphrase(s, group_id, p["dana"], PASSPHRASE, PASSPHRASE)
    _write(db, p["dana"], "lost for good", key=key)
    with db.write() as s:
        assert journal_svc.forget_passphrase(s, group_id, p["dana"]) == 1
    with db.read() as s:
        view = journal_view.journal_view(s, group_id, db.path, p["dana"], None, TODAY)
        assert (view.has_passphrase, view.entries) == (False, ())
        assert view.privacy == journal_svc.VIEW_ONLY_NOTICE


def test_the_owner_is_kept_in_the_config_folder_not_the_database(db, people, tmp_path: Path):
    group_id, p = people
    with db.read() as s:
        assert journal_svc.owner(s, group_id, db.path) is None
    with db.write() as s:
        assert journal_svc.set_owner(s, group_id, db.path, p["dana"]).name == "Dana Okafor"
    with db.read() as s:
        assert journal_svc.owner(s, group_id, db.path) == journal_svc.Person(
            p["dana"], "Dana Okafor"
        )
        view = journal_view.journal_view(s, group_id, db.path, None, None, TODAY)
        assert view.author == view.owner
        assert [x.name for x in view.people] == ["Ben Osei", "Cy Lee", "Dana Okafor"]
    assert b"owner:" not in _raw(db)
    assert "Dana Okafor" in (config.config_dir() / config.FILENAME).read_text(encoding="utf-8")
    with pytest.raises(InputError), db.write() as s:
        journal_svc.set_owner(s, group_id, db.path, p["pat"])


def test_an_encrypted_journal_recovers_encrypted(db, people):
    group_id, p = people
    with db.write() as s:
        key = journal_svc.set_passphrase(s, group_id, p["dana"], PASSPHRASE, PASSPHRASE)
    path = journal_saver.write_recovery(
        db.path,
        p["dana"],
        "CANARY-RECOVERY-55 typed while locked",
        reflection_id=None,
        meeting_id=None,
        prompt_key="",
        base_revision=0,
        unlocked=key,
    )
    assert b"CANARY-RECOVERY-55" not in path.read_bytes()
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.parent == data_home()  # the user's data folder, not beside the database
    with pytest.raises(journal_svc.JournalLocked), db.write() as s:
        journal_saver.restore(s, db.path, p["dana"], None)
    with db.write() as s:
        rid = journal_saver.restore(s, db.path, p["dana"], key)
    journal_saver.discard_recovery(db.path, p["dana"])
    assert not journal_saver.has_recovery(db.path, p["dana"])
    with db.read() as s:
        assert journal_svc.open_reflection(s, rid, p["dana"], key).text.startswith(
            "CANARY-RECOVERY-55"
        )


def test_the_saver_writes_the_recovery_file_when_the_database_stays_locked(db, people):
    from peergroup.db import open_database

    _group_id, p = people
    app_db = open_database(db.target, clock=db.clock, busy_timeout_ms=200)  # as the app opens it
    saver = journal_saver.JournalSaver(
        app_db,
        author_id=p["dana"],
        reflection_id=None,
        meeting_id=None,
        prompt_key="",
        encrypted=False,
        unlocked=None,
    )
    assert saver.save("first words").kind == "saved"
    with hold_write_lock(db):
        assert saver.save("first words and more").kind == "busy"
        outcome = saver.save_final("first words and more", wait=0.3)
    app_db.close()
    assert outcome.kind == "recovered"
    assert journal_saver.has_recovery(db.path, p["dana"])
    with db.write() as s:
        rid = journal_saver.restore(s, db.path, p["dana"], None)
        assert rid == saver.reflection_id
        assert s.get(Reflection, rid).text == "first words and more"
