"""Group-file sections for one-on-one pair check-ins (rounds already held or planned).

```toml
[[pair_rounds]]
after = 2026-10-13              # the group meeting the gap starts with
before = 2026-11-10             # the one it ends with
sitting_out = "Priya Raman"     # optional: who had no partner this round

[[pair_rounds.pairs]]
members = ["Marcus Bell", "Elena Sokolova"]
on = 2026-10-20                 # optional: the day the pair chose
at = "12:30"                    # optional
place = "Library café"          # optional
status = "done"                 # planned | done | not-held
```

The pair's notes are private to the two of them and are never part of a group
file, in either direction. Rounds are numbered in file order. An imported
round counts as the end of a rotation cycle, so the first round the app
proposes afterwards starts a new cycle that repeats none of its pairs. Every
date comes from the file, never from the day of the import.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from ..errors import InputError
from ..models import PAIR_STATUSES, PairCheckin, PairRound
from .core import Area, ImportContext, register
from .values import _known, _list, _prefix, _required_date, _str

SECTIONS = {"pair_rounds": {"after", "before", "sitting_out", "pairs"}}
_PAIR_FIELDS = {"members", "on", "at", "place", "status"}


def _tables(value: Any, where: str, allowed: set[str]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for i, item in enumerate(_list(value, where)):
        here = f"{where}[{i + 1}]"
        if not isinstance(item, dict):
            raise InputError(here, f"must be a table ([[{where.split('[')[0]}]]).")
        _known(item, allowed, here)
        out.append((here, item))
    return out


def _load(session: Session, doc: dict[str, Any], ctx: ImportContext) -> None:
    from ..services import pairs as pairs_svc
    from ..services.pair_rotation import rounds_per_cycle

    group_id = ctx.group.id or 0
    for number, (where, r) in enumerate(
        _tables(doc.get("pair_rounds"), "pair_rounds", SECTIONS["pair_rounds"]), start=1
    ):
        after = _required_date(r, "after", where)
        before = _required_date(r, "before", where)
        if before <= after:
            raise InputError(f"{where}.before", f"must be after {after} (the gap's first day).")
        sitter = r.get("sitting_out")
        sitter_id = ctx.member_id(sitter, f"{where}.sitting_out") if sitter else None
        people: set[int] = {sitter_id} if sitter_id else set()
        pairs: list[tuple[str, dict[str, Any], int, int]] = []
        for here, p in _tables(r.get("pairs"), f"{where}.pairs", _PAIR_FIELDS):
            names = _list(p.get("members"), f"{here}.members")
            if len(names) != 2:
                raise InputError(f"{here}.members", "must name exactly two members.")
            a, b = (ctx.member_id(n, f"{here}.members") for n in names)
            if a == b or {a, b} & people:
                raise InputError(
                    f"{here}.members", "names someone twice in this round; each person once."
                )
            people |= {a, b}
            pairs.append((here, p, min(a, b), max(a, b)))
        row = PairRound(
            group_id=group_id,
            number=number,
            cycle=number,
            cycle_offset=0,
            cycle_position=max(rounds_per_cycle(len(people)) - 1, 0),
            after_on=after,
            before_on=before,
            sitting_out_id=sitter_id,
        )
        session.add(row)
        session.flush()
        for here, p, a, b in pairs:
            checkin = PairCheckin(round_id=row.id or 0, first_id=a, second_id=b)
            session.add(checkin)
            session.flush()
            try:
                if p.get("on") is not None:
                    pairs_svc.set_date(
                        session,
                        checkin.id or 0,
                        p.get("on"),
                        _str(p.get("at"), f"{here}.at"),
                        _str(p.get("place"), f"{here}.place"),
                    )
                status = _str(p.get("status"), f"{here}.status") or "planned"
                if status not in PAIR_STATUSES:
                    raise InputError("status", f"must be one of: {', '.join(PAIR_STATUSES)}.")
                if status != "planned":
                    pairs_svc.set_status(session, checkin.id or 0, status)
            except InputError as exc:
                raise _prefix(here, exc) from None
            checkin.sequence = 0  # an imported check-in is new to every calendar
            session.add(checkin)
    session.flush()


register(Area(sections=SECTIONS, load=_load))
