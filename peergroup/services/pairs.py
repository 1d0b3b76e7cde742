"""One-on-one pair check-ins between group meetings: propose, accept, schedule, record.

The rotation itself is ``pair_rotation`` (no database). A round covers the gap
between two consecutive planned meetings; the facilitator previews it and
saves it; each pair then picks its own date (and, if they like, a time and a
place) and records whether the check-in was held. What a pair writes about it
lives in ``pair_notes`` and is never read here (only whether there is any,
before a round is taken back).

Who takes part: members who belong to the group over the whole gap
(``roles.is_member_on`` on its first and last day). The member model has no
"on leave" status, so someone away is recorded by a leave date (or a later
join date) and is skipped for the rounds in that time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from .. import clock
from ..calendar.parse import parse_time
from ..errors import InputError, NotFound
from ..models import Group, Member, PairCheckin, PairNote, PairRound
from . import meetings as meetings_svc
from . import validate
from ._ids import id_of
from .groups import get_group
from .pair_rotation import Round, next_round, rounds_per_cycle
from .roles import is_member_on

STATUS_LABELS = {"planned": "planned", "done": "done", "not-held": "not held"}
_NEXT_STATUS = {"planned": "done", "done": "not-held", "not-held": "planned"}


# --- views --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckinRow:
    checkin_id: int
    first_id: int
    second_id: int
    first_name: str
    second_name: str
    on: dt.date | None
    at: dt.time | None
    place: str
    status: str  # planned | done | not-held
    sequence: int

    @property
    def pair(self) -> str:
        return f"{self.first_name} & {self.second_name}"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class RoundView:
    round_id: int
    number: int
    cycle: int
    position: int  # 1-based place in the cycle
    rounds_in_cycle: int
    after_on: dt.date
    before_on: dt.date
    sitting_out: str  # "" when everyone has a partner
    checkins: tuple[CheckinRow, ...]


@dataclass(frozen=True)
class PairsView:
    group_name: str
    current: RoundView | None
    past: tuple[RoundView, ...]  # newest first


@dataclass(frozen=True)
class ProposedPair:
    first_id: int
    second_id: int
    label: str  # "Ana & Ben"


@dataclass(frozen=True)
class Proposal:
    group_name: str
    number: int
    cycle: int
    cycle_offset: int
    cycle_position: int
    rounds_in_cycle: int
    after_on: dt.date
    before_on: dt.date
    pairs: tuple[ProposedPair, ...]
    sitting_out_id: int | None
    sitting_out: str
    skipped: tuple[str, ...]  # active members away for part of the gap


# --- reading ------------------------------------------------------------------------------


def _rounds(session: Session, group_id: int) -> list[PairRound]:
    return list(
        session.exec(
            select(PairRound)
            .where(PairRound.group_id == group_id)
            .order_by(col(PairRound.number).desc())
        )
    )


def _checkins(session: Session, round_id: int) -> list[PairCheckin]:
    return list(
        session.exec(
            select(PairCheckin)
            .where(PairCheckin.round_id == round_id)
            .order_by(col(PairCheckin.id))
        )
    )


def member_names(session: Session, group_id: int) -> dict[int, str]:
    rows = session.exec(select(Member).where(Member.group_id == group_id))
    return {id_of(m): m.name for m in rows}


def _row(c: PairCheckin, names: dict[int, str]) -> CheckinRow:
    return CheckinRow(
        id_of(c),
        c.first_id,
        c.second_id,
        names.get(c.first_id, "?"),
        names.get(c.second_id, "?"),
        c.on,
        c.at,
        c.place,
        c.status,
        c.sequence,
    )


def _as_round(session: Session, r: PairRound) -> Round:
    pairs = tuple(sorted((c.first_id, c.second_id) for c in _checkins(session, id_of(r))))
    return Round(pairs, r.sitting_out_id, r.cycle_offset, r.cycle_position, False)


def _round_view(session: Session, r: PairRound, names: dict[int, str]) -> RoundView:
    rows = tuple(_row(c, names) for c in _checkins(session, id_of(r)))
    people = len(rows) * 2 + (1 if r.sitting_out_id is not None else 0)
    return RoundView(
        id_of(r),
        r.number,
        r.cycle,
        r.cycle_position + 1,
        rounds_per_cycle(people),
        r.after_on,
        r.before_on,
        names.get(r.sitting_out_id, "") if r.sitting_out_id is not None else "",
        rows,
    )


def pairs_view(session: Session, group_id: int, today: dt.date | None = None) -> PairsView:
    group = get_group(session, group_id)
    names = member_names(session, group_id)
    views = [_round_view(session, r, names) for r in _rounds(session, group_id)]
    return PairsView(group.name, views[0] if views else None, tuple(views[1:]))


# --- proposing a round --------------------------------------------------------------------


def _next_gap(
    session: Session, group: Group, today: dt.date, last: PairRound | None
) -> tuple[dt.date, dt.date]:
    days = sorted(
        {m.on for m in meetings_svc.list_meetings(session, group, include_cancelled=False)}
    )
    start = last.before_on if last is not None else None
    for a, b in zip(days, days[1:], strict=False):
        if b > today and (start is None or a >= start):
            return a, b
    after = f" after {start:%a %d %b %Y}" if start else ""
    raise InputError(
        "round",
        f"there is no gap between two planned meetings{after}. Plan more meetings on the "
        "calendar (step 4) first, then propose the round again.",
    )


def propose(session: Session, group_id: int, today: dt.date | None = None) -> Proposal:
    """The next round, for the next gap between meetings (nothing is saved)."""
    today = today or clock.today()
    group = get_group(session, group_id)
    rounds = _rounds(session, group_id)
    last = rounds[0] if rounds else None
    after_on, before_on = _next_gap(session, group, today, last)
    first_day, last_day = after_on, max(after_on, before_on - dt.timedelta(days=1))
    people = list(session.exec(select(Member).where(Member.group_id == group_id)))
    available = [
        m
        for m in people
        if is_member_on(m, first_day)
        and is_member_on(m, last_day)
        and not (m.status == "alumni" and m.left_on is None)  # gone, date unknown
    ]
    skipped = sorted(m.name for m in people if m.status == "active" and m not in available)
    if len(available) < 2:
        raise InputError(
            "round",
            f"only {len(available)} member(s) belong to the group between "
            f"{after_on:%d %b} and {before_on:%d %b %Y}; pairs need at least two.",
        )
    previous = _as_round(session, last) if last is not None else None
    chosen = next_round((id_of(m) for m in available), previous)
    names = {id_of(m): m.name for m in people}
    return Proposal(
        group_name=group.name,
        number=(last.number + 1) if last else 1,
        cycle=(last.cycle if last else 0) + (1 if chosen.new_cycle else 0),
        cycle_offset=chosen.offset,
        cycle_position=chosen.position,
        rounds_in_cycle=rounds_per_cycle(len(available)),
        after_on=after_on,
        before_on=before_on,
        pairs=tuple(ProposedPair(a, b, f"{names[a]} & {names[b]}") for a, b in chosen.pairs),
        sitting_out_id=chosen.sitting_out,
        sitting_out=names[chosen.sitting_out] if chosen.sitting_out is not None else "",
        skipped=tuple(skipped),
    )


def accept(session: Session, group_id: int, shown: Proposal, today: dt.date | None = None) -> int:
    """Save the round that was previewed; if anything changed since, say so and save nothing."""
    now = propose(session, group_id, today)
    if now != shown:
        raise InputError(
            "round",
            "the members or the meetings changed since this preview. Close it and "
            "propose the round again (g) to see the new pairs.",
        )
    r = PairRound(
        group_id=group_id,
        number=now.number,
        cycle=now.cycle,
        cycle_offset=now.cycle_offset,
        cycle_position=now.cycle_position,
        after_on=now.after_on,
        before_on=now.before_on,
        sitting_out_id=now.sitting_out_id,
    )
    session.add(r)
    session.flush()
    for p in now.pairs:
        session.add(PairCheckin(round_id=id_of(r), first_id=p.first_id, second_id=p.second_id))
    session.flush()
    return id_of(r)


# --- one check-in -------------------------------------------------------------------------


def checkin_and_round(session: Session, checkin_id: int) -> tuple[PairCheckin, PairRound]:
    c = session.get(PairCheckin, checkin_id)
    r = session.get(PairRound, c.round_id) if c is not None else None
    if c is None or r is None:
        raise NotFound(f"No pair check-in with id {checkin_id}.")
    return c, r


@dataclass(frozen=True)
class CheckinForm:
    title: str
    on: str
    at: str
    place: str
    hint: str


def checkin_form(session: Session, checkin_id: int) -> CheckinForm:
    c, r = checkin_and_round(session, checkin_id)
    row = _row(c, member_names(session, r.group_id))
    return CheckinForm(
        title=f"When {row.pair} meet one-on-one",
        on=c.on.isoformat() if c.on else "",
        at=c.at.strftime("%H:%M") if c.at else "",
        place=c.place,
        hint=f"Between the meetings of {r.after_on:%a %d %b} and {r.before_on:%a %d %b %Y}.",
    )


def set_date(
    session: Session, checkin_id: int, on: str | dt.date | None, at: str = "", place: str = ""
) -> CheckinRow:
    """The pair's chosen date (required), time and place (optional).

    A change to any of them raises the calendar SEQUENCE, so calendar apps
    update the event instead of keeping the old one.
    """
    c, r = checkin_and_round(session, checkin_id)
    day = validate.parse_date("on", on, required=True)
    if not r.after_on <= day <= r.before_on:
        raise InputError(
            "on",
            f"{day:%a %d %b %Y} is outside this round; pick a day from "
            f"{r.after_on:%a %d %b} to {r.before_on:%a %d %b %Y} (the two group meetings).",
        )
    time = parse_time(at, "at") if (at or "").strip() else None
    where = validate.optional_line("place", place)
    if (c.on, c.at, c.place) != (day, time, where):
        if c.on is not None:
            c.sequence += 1
        c.on, c.at, c.place = day, time, where
        c.updated_at = clock.utcnow()
        session.add(c)
        session.flush()
    return _row(c, member_names(session, r.group_id))


def toggle_status(session: Session, checkin_id: int) -> CheckinRow:
    """planned -> done -> not held -> planned; "done" needs a date (skipped without one)."""
    c, r = checkin_and_round(session, checkin_id)
    status = _NEXT_STATUS[c.status]
    if status == "done" and c.on is None:
        status = "not-held"
    return _set_status(session, c, r, status)


def set_status(session: Session, checkin_id: int, status: str) -> CheckinRow:
    c, r = checkin_and_round(session, checkin_id)
    status = validate.choice("status", status, tuple(STATUS_LABELS))
    if status == "done" and c.on is None:
        raise InputError("status", "a check-in held needs its date: set it first (e).")
    return _set_status(session, c, r, status)


def _set_status(session: Session, c: PairCheckin, r: PairRound, status: str) -> CheckinRow:
    if status != c.status:
        c.status = status
        if c.on is not None:  # the calendar event changes (held, or cancelled)
            c.sequence += 1
        c.updated_at = clock.utcnow()
        session.add(c)
        session.flush()
    return _row(c, member_names(session, r.group_id))


def remove_latest_round(session: Session, group_id: int) -> int:
    """Take back the latest round (saved by mistake, or before the members changed);
    only while none of its pairs has set a date or recorded anything. Returns its number."""
    rounds = _rounds(session, group_id)
    if not rounds:
        raise InputError("round", "there is no round to take back.")
    last = rounds[0]
    checkins = _checkins(session, id_of(last))
    ids = [id_of(c) for c in checkins]
    noted = session.exec(select(PairNote).where(col(PairNote.checkin_id).in_(ids))).first()
    if noted is not None or any(c.on is not None or c.status != "planned" for c in checkins):
        raise InputError(
            "round",
            f"round {last.number} is already in use (a pair set its date, recorded it or "
            "wrote notes), so it stays; change single check-ins instead (e, t).",
        )
    for c in checkins:
        session.delete(c)
    session.delete(last)
    session.flush()
    return last.number
