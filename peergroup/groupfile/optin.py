"""``[[opt_in]]``: the yearly opt-in/opt-out round, one answer per member and year.

```toml
[[opt_in]]
year = 2026
member = "Priya Raman"
answer = "in"              # pending | in | out
answered = 2026-09-20      # when they answered (not for pending)
```

An "out" answer is only recorded here: whether the member left is what their
``[[members]]`` entry says (status and left), so nothing depends on the day
of the import.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from ..errors import InputError
from ..models import Group, Member, OptInRound
from .core import Area, ImportContext, register
from .values import _date, _int, _known, _list, _str
from .writer import DUMPS, _drop_empty

SECTIONS = {"opt_in": {"year", "member", "answer", "answered"}}


def _load(session: Session, doc: dict[str, Any], ctx: ImportContext) -> None:
    from ..services.validate import YEAR_MAX, YEAR_MIN

    seen: set[tuple[int, int]] = set()
    for i, r in enumerate(_list(doc.get("opt_in"), "opt_in")):
        where = f"opt_in[{i + 1}]"
        if not isinstance(r, dict):
            raise InputError(where, "must be a table ([[opt_in]]).")
        _known(r, SECTIONS["opt_in"], where)
        year = _int(r.get("year"), f"{where}.year")
        if year is None or not YEAR_MIN <= year <= YEAR_MAX:
            raise InputError(f"{where}.year", f"must be a year from {YEAR_MIN} to {YEAR_MAX}.")
        member = ctx.member_id(r.get("member"), f"{where}.member")
        if (year, member) in seen:
            raise InputError(f"{where}.member", f"answers for {year} twice; once per year.")
        seen.add((year, member))
        answer = _str(r.get("answer", "pending"), f"{where}.answer")
        if answer not in ("pending", "in", "out"):
            raise InputError(f"{where}.answer", f"{answer!r} is not one of: pending, in, out.")
        answered = _date(r.get("answered"), f"{where}.answered")
        if answer != "pending" and answered is None:
            raise InputError(f"{where}.answered", "is missing; give the date they answered.")
        session.add(
            OptInRound(
                group_id=ctx.group.id or 0,
                member_id=member,
                year=year,
                answer=answer,
                answered_on=answered,
            )
        )
    session.flush()


def dump(session: Session, group: Group, include_private: bool) -> dict[str, Any]:
    rows = session.exec(
        select(OptInRound, Member.name)
        .join(Member, col(Member.id) == OptInRound.member_id)
        .where(OptInRound.group_id == group.id)
        .order_by(col(OptInRound.year), col(OptInRound.id))
    ).all()
    return {
        "opt_in": [
            _drop_empty(
                {"year": r.year, "member": name, "answer": r.answer, "answered": r.answered_on}
            )
            for r, name in rows
        ]
    }


register(Area(sections=SECTIONS, load=_load))
DUMPS.append(dump)
