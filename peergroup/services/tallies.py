"""Step 10, part 3 of the yearly review: outcome tallies from members' CVs.

Per member and kind: a count and an optional note ("R01 submitted"). The kinds
are the eight in ``data/survey.toml`` (promotions, new leadership positions,
teaching awards, publications, workshops, curricula, national presentations,
mentoring relationships) plus any the group names itself ("other" with a
label). Counts are never negative; one row per member, kind and label.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from .. import content
from ..errors import InputError, NotFound
from ..models import Evaluation, Member, OutcomeTally
from ..text import fold
from . import validate
from .review import get_review, require_open

OTHER = "other"
COUNT_MAX = 10_000


def kinds() -> list[tuple[str, str]]:
    """(key, label) of the bundled kinds, in their order."""
    return [(k["key"], k["label"]) for k in content.outcome_kinds()]


def kind_label(kind: str, label: str = "") -> str:
    if kind == OTHER:
        return label or "Other"
    return dict(kinds()).get(kind, kind)


@dataclass(frozen=True)
class TallyRow:
    id: int
    member_id: int | None
    member: str  # "" when the member's row is gone
    kind: str
    label: str  # what the kind is called
    count: int
    note: str


@dataclass(frozen=True)
class KindTotal:
    label: str
    total: int


def _row(t: OutcomeTally, names: dict[int, str]) -> TallyRow:
    return TallyRow(
        id=t.id or 0,
        member_id=t.member_id,
        member=names.get(t.member_id or 0, ""),
        kind=t.kind,
        label=kind_label(t.kind, t.label),
        count=t.count,
        note=t.note,
    )


def _names(session: Session, group_id: int) -> dict[int, str]:
    return {
        mid: name
        for mid, name in session.exec(
            select(Member.id, Member.name).where(Member.group_id == group_id)
        )
        if mid is not None
    }


def tally_rows(session: Session, evaluation_id: int) -> list[TallyRow]:
    ev = get_review(session, evaluation_id)
    names = _names(session, ev.group_id)
    order = {k: i for i, (k, _l) in enumerate(kinds())}
    rows = [
        _row(t, names)
        for t in session.exec(select(OutcomeTally).where(OutcomeTally.evaluation_id == ev.id))
    ]
    return sorted(
        rows, key=lambda r: (r.member.casefold(), order.get(r.kind, 99), fold(r.label), r.id)
    )


def totals(rows: list[TallyRow]) -> list[KindTotal]:
    """Total per kind, bundled kinds first (in their order, zeros included), then others."""
    out: dict[str, int] = {label: 0 for _k, label in kinds()}
    for r in rows:
        out[r.label] = out.get(r.label, 0) + r.count
    return [KindTotal(label, n) for label, n in out.items()]


def save_tally(
    session: Session,
    evaluation_id: int,
    member_id: int | None,
    kind: str | None,
    count: str | int | None,
    note: str | None = "",
    label: str | None = "",
    *,
    tally_id: int | None = None,
) -> TallyRow:
    """Add a tally, or change one (``tally_id``). A member's second tally of the same
    kind replaces the first. Returns the row as saved."""
    ev = get_review(session, evaluation_id)
    require_open(ev)
    if member_id is None:
        raise InputError("member", "is empty; choose whose outcome this is.")
    member = session.get(Member, member_id)
    if member is None or member.group_id != ev.group_id:
        raise InputError("member", "that person is not a member of this group.")
    keys = [k for k, _l in kinds()]
    chosen = validate.choice("kind", kind, [*keys, OTHER])
    name = validate.optional_line("label", label, 80) if chosen == OTHER else ""
    if chosen == OTHER and not name:
        raise InputError("label", "is empty; name the kind of outcome, e.g. 'Grants submitted'.")
    number = _count(count)
    text = validate.optional_line("note", note, validate.LINE_MAX)
    row = _find(session, ev, member_id, chosen, name, tally_id)
    row.member_id, row.kind, row.label, row.count, row.note = member_id, chosen, name, number, text
    session.add(row)
    session.flush()
    return _row(row, _names(session, ev.group_id))


def _count(value: str | int | None) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InputError("count", "is empty; type how many (0 or more).")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InputError(
            "count", f"{str(value)[:40]!r} is not a whole number; type how many (0 or more)."
        ) from None
    if number < 0:
        raise InputError("count", f"{number} is negative; a tally counts up from 0.")
    if number > COUNT_MAX:
        raise InputError("count", f"{number} is more than {COUNT_MAX:,}; check the number.")
    return number


def _find(
    session: Session, ev: Evaluation, member_id: int, kind: str, label: str, tally_id: int | None
) -> OutcomeTally:
    same = [
        t
        for t in session.exec(
            select(OutcomeTally).where(
                OutcomeTally.evaluation_id == ev.id,
                OutcomeTally.member_id == member_id,
                OutcomeTally.kind == kind,
            )
        )
        if fold(t.label) == fold(label)
    ]
    if tally_id is not None:
        row = session.get(OutcomeTally, tally_id)
        if row is None or row.evaluation_id != ev.id:
            raise NotFound("That tally no longer exists.")
        clash = [t for t in same if t.id != tally_id]
        if clash:
            raise InputError(
                "kind",
                f"this member already has a tally of {kind_label(kind, label)} "
                f"({clash[0].count}); change that one instead.",
            )
        return row
    return same[0] if same else OutcomeTally(evaluation_id=ev.id or 0, kind=kind)


def remove_tally(session: Session, tally_id: int) -> str:
    row = session.get(OutcomeTally, tally_id)
    if row is None:
        raise NotFound("That tally no longer exists.")
    require_open(get_review(session, row.evaluation_id))
    label = kind_label(row.kind, row.label)
    session.delete(row)
    session.flush()
    return label


def totals_by_review(session: Session, evaluations: list[Evaluation]) -> dict[int, dict[str, int]]:
    """review id -> kind label -> total, for comparing years."""
    ids = [e.id for e in evaluations if e.id is not None]
    out: dict[int, dict[str, int]] = {i: {} for i in ids}
    if ids:
        for t in session.exec(select(OutcomeTally).where(col(OutcomeTally.evaluation_id).in_(ids))):
            name = kind_label(t.kind, t.label)
            out[t.evaluation_id][name] = out[t.evaluation_id].get(name, 0) + t.count
    return out
