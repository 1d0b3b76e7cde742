"""One-on-one check-ins in the demo group: the facilitator saves a round, a pair picks a date,
it shows in both members' calendars (and only theirs), and they record whether it happened."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar
from sqlmodel import select
from stored import stored_bytes

from peergroup import config
from peergroup.errors import InputError
from peergroup.models import Member, PairCheckin, PairNote, PairRound
from peergroup.services import calendar_export, pair_notes, pairs
from peergroup.services import groups as groups_svc
from peergroup.services import membership as membership_svc

TODAY = dt.date(2026, 11, 25)
DEMO = "Northbridge GIM Clinician-Educator Peer Group"


def _group(s):  # noqa: ANN001, ANN202
    return groups_svc.find_group(s, DEMO)


def _members(s, group_id: int) -> dict[str, int]:  # noqa: ANN001
    return {m.name: m.id for m in s.exec(select(Member).where(Member.group_id == group_id))}


def _saved_round(db) -> tuple[int, pairs.Proposal]:  # noqa: ANN001
    with db.write() as s:
        gid = _group(s).id
        shown = pairs.propose(s, gid, TODAY)
        pairs.accept(s, gid, shown, TODAY)
    return gid, shown


def _events(db, gid: int, member_id: int | None) -> dict[str, object]:  # noqa: ANN001
    with db.read() as s:
        data, _count = calendar_export.calendar_for(s, gid, member_id)
    cal = Calendar.from_ical(data)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_the_facilitator_previews_and_saves_a_round_for_the_next_gap(demo_db):
    gid, shown = _saved_round(demo_db)
    # Seven active members: three pairs and one sits out; alumni and prospective people never.
    assert len(shown.pairs) == 3 and shown.sitting_out
    assert shown.after_on <= TODAY < shown.before_on or shown.after_on >= TODAY
    with demo_db.read() as s:
        names = _members(s, gid)
        r = s.exec(select(PairRound).where(PairRound.group_id == gid)).one()
        rows = s.exec(select(PairCheckin).where(PairCheckin.round_id == r.id)).all()
        view = pairs.pairs_view(s, gid, TODAY)
    assert (r.number, r.cycle, r.cycle_position) == (1, 1, 0)
    assert {(c.first_id, c.second_id) for c in rows} == {
        (p.first_id, p.second_id) for p in shown.pairs
    }
    taking_part = {m for c in rows for m in (c.first_id, c.second_id)} | {r.sitting_out_id}
    assert names["Rachel Goldberg"] not in taking_part  # left in June
    assert names["Tomás Herrera"] not in taking_part  # not joined
    assert len(taking_part) == 7
    assert view.current is not None and len(view.current.checkins) == 3
    assert view.current.rounds_in_cycle == 7


def test_the_next_round_covers_the_next_gap_and_pairs_new_partners(demo_db):
    gid, first = _saved_round(demo_db)
    _gid, second = _saved_round(demo_db)
    assert second.after_on == first.before_on and second.number == 2
    assert not {(p.first_id, p.second_id) for p in first.pairs} & {
        (p.first_id, p.second_id) for p in second.pairs
    }
    assert second.sitting_out != first.sitting_out
    with demo_db.read() as s:
        view = pairs.pairs_view(s, gid, TODAY)
    assert view.current is not None and view.current.number == 2
    assert [r.number for r in view.past] == [1]


def test_a_member_who_leaves_is_skipped_and_a_stale_preview_is_refused(demo_db):
    with demo_db.write() as s:
        gid = _group(s).id
        shown = pairs.propose(s, gid, TODAY)
        leaver = shown.pairs[0].first_id
        membership_svc.leave_group(s, leaver, TODAY)
    with demo_db.write() as s, pytest.raises(InputError, match="changed since this preview"):
        pairs.accept(s, gid, shown, TODAY)
    with demo_db.read() as s:
        again = pairs.propose(s, gid, TODAY)
        assert s.exec(select(PairRound)).first() is None
    assert leaver not in {m for p in again.pairs for m in (p.first_id, p.second_id)}
    assert again.sitting_out_id is None and len(again.pairs) == 3  # six left: no one sits out


def test_a_pair_sets_its_date_and_it_is_in_both_calendars_only(demo_db):
    gid, shown = _saved_round(demo_db)
    pair = shown.pairs[0]
    day = shown.after_on + dt.timedelta(days=3)
    with demo_db.write() as s:
        cid = s.exec(select(PairCheckin).where(PairCheckin.first_id == pair.first_id)).one().id
        with pytest.raises(InputError, match="outside this round"):
            pairs.set_date(s, cid, shown.before_on + dt.timedelta(days=1))
        pairs.set_date(s, cid, day.isoformat(), "12:30", "Café on 3rd floor")
        uid = s.get(PairCheckin, cid).uid
    key = f"pair-{uid}@peergroup"
    for member_id in (pair.first_id, pair.second_id):
        mine = _events(demo_db, gid, member_id)
        assert key in mine
        event = mine[key]
        assert event["DTSTART"].dt.date() == day and event["DTSTART"].dt.time() == dt.time(12, 30)
        assert str(event["LOCATION"]) == "Café on 3rd floor"
        assert "One-on-one with" in str(event["SUMMARY"])
        assert int(event["SEQUENCE"]) == 0
    others = {m for p in shown.pairs[1:] for m in (p.first_id, p.second_id)}
    for member_id in others:
        assert key not in _events(demo_db, gid, member_id)
    assert key not in _events(demo_db, gid, None)  # the group calendar has no one-on-ones


def test_changing_the_date_raises_the_sequence_and_no_time_is_an_all_day_event(demo_db):
    gid, shown = _saved_round(demo_db)
    pair = shown.pairs[1]
    with demo_db.write() as s:
        cid = s.exec(select(PairCheckin).where(PairCheckin.first_id == pair.first_id)).one().id
        pairs.set_date(s, cid, shown.after_on + dt.timedelta(days=2), "08:00")
        pairs.set_date(s, cid, shown.after_on + dt.timedelta(days=2), "08:00")  # unchanged
        uid = s.get(PairCheckin, cid).uid
    assert int(_events(demo_db, gid, pair.first_id)[f"pair-{uid}@peergroup"]["SEQUENCE"]) == 0
    with demo_db.write() as s:
        pairs.set_date(s, cid, shown.after_on + dt.timedelta(days=5))
    event = _events(demo_db, gid, pair.second_id)[f"pair-{uid}@peergroup"]
    assert int(event["SEQUENCE"]) == 1
    assert event["DTSTART"].dt == shown.after_on + dt.timedelta(days=5)  # a date, all day


def test_done_and_not_held(demo_db):
    gid, shown = _saved_round(demo_db)
    pair = shown.pairs[2]
    with demo_db.write() as s:
        cid = s.exec(select(PairCheckin).where(PairCheckin.first_id == pair.first_id)).one().id
        with pytest.raises(InputError, match="set it first"):
            pairs.set_status(s, cid, "done")
        assert pairs.toggle_status(s, cid).status == "not-held"  # no date: cannot be done
        assert pairs.toggle_status(s, cid).status == "planned"
        pairs.set_date(s, cid, shown.after_on + dt.timedelta(days=1), "17:00")
        assert pairs.toggle_status(s, cid).status == "done"
        uid = s.get(PairCheckin, cid).uid
    with demo_db.read() as s:
        assert s.get(PairCheckin, cid).status == "done"
    event = _events(demo_db, gid, pair.first_id)[f"pair-{uid}@peergroup"]
    assert int(event["SEQUENCE"]) == 1 and str(event["STATUS"]) == "CONFIRMED"
    with demo_db.write() as s:
        assert pairs.toggle_status(s, cid).status == "not-held"
    event = _events(demo_db, gid, pair.first_id)[f"pair-{uid}@peergroup"]
    assert int(event["SEQUENCE"]) == 2 and str(event["STATUS"]) == "CANCELLED"


def test_notes_are_for_the_pair_only(demo_db):
    gid, shown = _saved_round(demo_db)
    pair = shown.pairs[0]
    outsider = shown.pairs[1].first_id
    with demo_db.read() as s:
        cid = s.exec(select(PairCheckin).where(PairCheckin.first_id == pair.first_id)).one().id
        group_uuid = _group(s).uuid
    path = demo_db.path
    with demo_db.write() as s:  # no owner chosen: nobody reads or writes them
        assert not pair_notes.notes_form(s, cid, path).readable
        with pytest.raises(InputError, match="private to"):
            pair_notes.save_notes(s, cid, path, "ours")
    config.put(config.owner_key(path, group_uuid), {"member_id": pair.second_id, "name": "x"})
    with demo_db.write() as s:
        assert pair_notes.save_notes(s, cid, path, "We talked about the grant.") > 0
    with demo_db.read() as s:
        assert pair_notes.notes_form(s, cid, path).text == "We talked about the grant."
    config.put(config.owner_key(path, group_uuid), {"member_id": outsider, "name": "y"})
    with demo_db.read() as s:
        form = pair_notes.notes_form(s, cid, path)
        assert not form.readable and form.text == "" and "private to" in form.reason
        assert s.exec(select(PairNote)).one().text == "We talked about the grant."


def test_alumni_without_a_leaving_date_and_future_members_are_not_paired(demo_db):
    with demo_db.write() as s:
        gid = _group(s).id
        names = _members(s, gid)
        rachel = s.get(Member, names["Rachel Goldberg"])
        rachel.left_on = None  # an old record: alumni, date unknown
        mei = s.get(Member, names["Mei-Lin Zhou"])
        mei.joined_on = dt.date(2027, 1, 5)  # joins after this gap
        s.add_all([rachel, mei])
    with demo_db.read() as s:
        shown = pairs.propose(s, gid, TODAY)
    taking_part = {m for p in shown.pairs for m in (p.first_id, p.second_id)}
    taking_part |= {shown.sitting_out_id} - {None}
    assert names["Rachel Goldberg"] not in taking_part
    assert names["Mei-Lin Zhou"] not in taking_part and "Mei-Lin Zhou" in shown.skipped
    assert len(taking_part) == 6 and shown.sitting_out_id is None


def test_with_a_journal_passphrase_the_notes_are_encrypted_and_need_the_key(demo_db):
    from peergroup.services import journal as journal_svc

    gid, shown = _saved_round(demo_db)
    pair = shown.pairs[0]
    secret = "kqvpairsecretzz"
    with demo_db.read() as s:
        cid = s.exec(select(PairCheckin).where(PairCheckin.first_id == pair.first_id)).one().id
        group_uuid = _group(s).uuid
    path = demo_db.path
    config.put(config.owner_key(path, group_uuid), {"member_id": pair.first_id, "name": "x"})
    phrase = "our long walk by the river"
    with demo_db.write() as s:
        key = journal_svc.set_passphrase(s, gid, pair.first_id, phrase, phrase)
    with demo_db.write() as s:
        locked = pair_notes.notes_form(s, cid, path)
        assert not locked.readable and "locked" in locked.reason
        with pytest.raises(InputError, match="locked"):
            pair_notes.save_notes(s, cid, path, secret)
        pair_notes.save_notes(s, cid, path, f"Notes {secret}", {pair.first_id: key})
    assert journal_svc.scrub(demo_db)
    assert secret.encode() not in stored_bytes(demo_db)  # the file and -wal, or the server
    with demo_db.read() as s:
        note = s.exec(select(PairNote)).one()
        assert note.text == "" and note.cipher and note.sealed_by_id == pair.first_id
        unlocked = journal_svc.unlock(s, pair.first_id, phrase)
        assert pair_notes.notes_form(s, cid, path, {pair.first_id: unlocked}).text == (
            f"Notes {secret}"
        )
    # The partner's copy cannot open what was sealed with the other journal's key.
    config.put(config.owner_key(path, group_uuid), {"member_id": pair.second_id, "name": "y"})
    with demo_db.read() as s:
        other = pair_notes.notes_form(s, cid, path)
        assert not other.readable and "other member" in other.reason and other.text == ""


def test_notes_follow_the_journal_passphrase_when_it_is_set_changed_or_forgotten(demo_db):
    from peergroup.services import journal as journal_svc

    gid, shown = _saved_round(demo_db)
    pair = shown.pairs[0]
    with demo_db.read() as s:
        cid = s.exec(select(PairCheckin).where(PairCheckin.first_id == pair.first_id)).one().id
        group_uuid = _group(s).uuid
    path = demo_db.path
    config.put(config.owner_key(path, group_uuid), {"member_id": pair.first_id, "name": "x"})
    with demo_db.write() as s:  # written before any passphrase: plain
        pair_notes.save_notes(s, cid, path, "zqxplainbeforephrase")
    first, second = "our long walk by the river", "a second, longer walk home"
    with demo_db.write() as s:
        key1 = journal_svc.set_passphrase(s, gid, pair.first_id, first, first)
    with demo_db.read() as s:
        note = s.exec(select(PairNote)).one()
        assert note.text == "" and note.cipher and note.sealed_by_id == pair.first_id
        assert pair_notes.notes_form(s, cid, path, {pair.first_id: key1}).text == (
            "zqxplainbeforephrase"
        )
    with demo_db.write() as s:  # changed: sealed again with the new key, still readable
        key2 = journal_svc.set_passphrase(s, gid, pair.first_id, second, second, current=key1)
    with demo_db.write() as s:
        assert pair_notes.notes_form(s, cid, path, {pair.first_id: key2}).text == (
            "zqxplainbeforephrase"
        )
        pair_notes.save_notes(s, cid, path, "changed after", {pair.first_id: key2})
    with demo_db.write() as s:  # forgotten: what only that key opened is gone, not stuck
        journal_svc.forget_passphrase(s, gid, pair.first_id)
        assert s.exec(select(PairNote)).first() is None
        pair_notes.save_notes(s, cid, path, "a fresh start")
        assert pair_notes.notes_form(s, cid, path).text == "a fresh start"


def test_the_latest_round_can_be_taken_back_only_while_unused(demo_db):
    gid, first = _saved_round(demo_db)
    with demo_db.write() as s:
        assert pairs.remove_latest_round(s, gid) == 1
        assert s.exec(select(PairRound)).first() is None
        assert s.exec(select(PairCheckin)).first() is None
    gid, first = _saved_round(demo_db)
    with demo_db.write() as s:
        cid = s.exec(select(PairCheckin)).first().id
        pairs.set_date(s, cid, first.after_on)
    with demo_db.write() as s, pytest.raises(InputError, match="already in use"):
        pairs.remove_latest_round(s, gid)
    with demo_db.read() as s:
        assert s.exec(select(PairRound)).one().number == 1
