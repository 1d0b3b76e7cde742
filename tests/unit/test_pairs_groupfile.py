"""Pair rounds in a group file: imported as written (never the notes), the same on any day,
and the next round the app proposes repeats none of the imported pairs."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from sqlmodel import select

from peergroup import content, groupfile
from peergroup.errors import InputError
from peergroup.models import Member, PairCheckin, PairRound
from peergroup.services import pairs

EXTRA = """
[[pair_rounds]]
after = 2026-10-13
before = 2026-11-10
sitting_out = "Priya Raman"

[[pair_rounds.pairs]]
members = ["Marcus Bell", "Elena Sokolova"]
on = 2026-10-20
at = "12:30"
place = "Library café"
status = "done"

[[pair_rounds.pairs]]
members = ["Jamal Okafor", "Hannah Whitfield"]
status = "not-held"

[[pair_rounds.pairs]]
members = ["Diego Alvarez", "Mei-Lin Zhou"]
"""


def _doc(extra: str = EXTRA) -> dict:
    text = Path(content.demo_group_file()).read_text(encoding="utf-8")
    return tomllib.loads(text + extra)


def test_pair_rounds_are_imported_as_written(db):
    with db.write() as s:
        group = groupfile.import_group(s, _doc())
        gid = group.id
    with db.read() as s:
        names = {m.id: m.name for m in s.exec(select(Member))}
        r = s.exec(select(PairRound)).one()
        rows = s.exec(select(PairCheckin).order_by(PairCheckin.id)).all()
        proposal = pairs.propose(s, gid, dt.date(2026, 11, 25))
    assert (r.after_on, r.before_on, names[r.sitting_out_id]) == (
        dt.date(2026, 10, 13),
        dt.date(2026, 11, 10),
        "Priya Raman",
    )
    first = rows[0]
    assert {names[first.first_id], names[first.second_id]} == {"Marcus Bell", "Elena Sokolova"}
    assert (first.on, first.at, first.place, first.status, first.sequence) == (
        dt.date(2026, 10, 20),
        dt.time(12, 30),
        "Library café",
        "done",
        0,
    )
    assert [c.status for c in rows] == ["done", "not-held", "planned"]
    imported = {(c.first_id, c.second_id) for c in rows}
    assert proposal.number == 2 and proposal.after_on == dt.date(2026, 11, 10)
    assert not imported & {(p.first_id, p.second_id) for p in proposal.pairs}


@pytest.mark.parametrize(
    ("extra", "where"),
    [
        (EXTRA.replace('"Elena Sokolova"]', '"Nobody Here"]'), "pair_rounds[1].pairs[1].members"),
        (EXTRA.replace("on = 2026-10-20", "on = 2026-12-20"), "pair_rounds[1].pairs[1].on"),
        (EXTRA.replace('status = "done"', 'status = "maybe"'), "pair_rounds[1].pairs[1].status"),
        (EXTRA.replace('"Diego Alvarez"', '"Marcus Bell"'), "pair_rounds[1].pairs[3].members"),
        (EXTRA.replace("before = 2026-11-10", "before = 2026-10-01"), "pair_rounds[1].before"),
        (EXTRA + '\n[[pair_rounds.pairs]]\nnotes = "secret"\n', "pair_rounds[1].pairs[4].notes"),
    ],
)
def test_a_bad_pair_round_names_the_field_and_nothing_is_written(db, extra, where):
    with pytest.raises(InputError) as info, db.write() as s:
        groupfile.import_group(s, _doc(extra))
    assert info.value.field == where, str(info.value)
    with db.read() as s:
        assert s.exec(select(PairRound)).first() is None
