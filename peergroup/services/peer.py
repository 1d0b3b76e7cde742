"""Step 1: the characteristics members share (the group's definition of "peer")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from ..models import Group, PeerTrait
from ..steps import StepStatus
from . import validate
from ._ids import id_of

# key -> label shown to users, in display order
TRAIT_KINDS: dict[str, str] = {
    "institution": "Institution",
    "department": "Department or division",
    "track": "Track or rank",
    "clinical_interest": "Clinical interests",
    "research_interest": "Research interests",
    "admin_interest": "Administrative responsibilities",
    "career_stage": "Career stage",
    "identity": "Identity-based criteria",
}


def traits(session: Session, group: Group) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {k: [] for k in TRAIT_KINDS}
    stmt = (
        select(PeerTrait)
        .where(PeerTrait.group_id == group.id)
        .order_by(col(PeerTrait.position), col(PeerTrait.id))
    )
    for t in session.exec(stmt):
        out.setdefault(t.kind, []).append(t.value)
    return out


def split_values(raw: str) -> list[str]:
    """Users type several values separated by semicolons or new lines."""
    parts = [p.strip() for chunk in raw.splitlines() for p in chunk.split(";")]
    return [p for p in parts if p]


def set_definition(
    session: Session,
    group: Group,
    values: Mapping[str, Sequence[str] | str],
    free_text: str | None = None,
) -> None:
    """Replace the whole definition. Validates every value before writing any."""
    cleaned: dict[str, list[str]] = {}
    for kind, raw in values.items():
        if kind not in TRAIT_KINDS:
            raise validate.InputError(
                kind, f"is not a peer characteristic; use one of {', '.join(TRAIT_KINDS)}."
            )
        items = split_values(raw) if isinstance(raw, str) else list(raw)
        cleaned[kind] = [validate.required_line(kind, v, validate.LINE_MAX) for v in items]
        if len(cleaned[kind]) > 50:
            raise validate.InputError(kind, "has more than 50 entries; keep the definition short.")
    note = (
        validate.text("free_text", free_text, limit=5_000)
        if free_text is not None
        else group.peer_note
    )
    for old in session.exec(
        select(PeerTrait).where(
            PeerTrait.group_id == group.id, col(PeerTrait.kind).in_(list(cleaned))
        )
    ):
        session.delete(old)
    session.flush()
    for kind, items in cleaned.items():
        for i, value in enumerate(items):
            session.add(PeerTrait(group_id=id_of(group), kind=kind, value=value, position=i))
    group.peer_note = note
    session.add(group)
    session.flush()


def definition_lines(session: Session, group: Group) -> list[tuple[str, str]]:
    """(label, value) pairs describing who counts as a peer, for display and reports."""
    lines = [
        (TRAIT_KINDS[k], "; ".join(v))
        for k, v in traits(session, group).items()
        if v and k in TRAIT_KINDS
    ]
    if group.peer_note:
        lines.append(("In our words", group.peer_note))
    return lines


def definition_sentence(session: Session, group: Group) -> str:
    lines = definition_lines(session, group)
    if not lines:
        return "No definition of 'peer' yet."
    return "Peers here share: " + " · ".join(f"{label.lower()}: {value}" for label, value in lines)


@dataclass(frozen=True)
class PeerView:
    """Step 1 as the screen shows it: the values per characteristic, the note, the sentence."""

    traits: dict[str, tuple[str, ...]]  # every key of TRAIT_KINDS, in display order
    note: str
    sentence: str


def peer_view(session: Session, group_id: int) -> PeerView:
    from .groups import get_group

    group = get_group(session, group_id)
    return PeerView(
        traits={k: tuple(v) for k, v in traits(session, group).items() if k in TRAIT_KINDS},
        note=group.peer_note,
        sentence=definition_sentence(session, group),
    )


def save_definition(
    session: Session, group_id: int, values: dict[str, list[str] | str], free_text: str | None
) -> PeerView:
    """Replace the group's definition of 'peer' and return what is now stored."""
    from .groups import get_group

    set_definition(session, get_group(session, group_id), values, free_text)
    return peer_view(session, group_id)


def step_status(session: Session, group: Group, today: dt.date) -> StepStatus:
    """Step 1 is done once the group has said what its members share."""
    step = StepStatus.for_step("peer")
    lines = definition_lines(session, group)
    if not lines:
        step.missing.append(
            "Say what members have in common (institution, track, career stage, ...)."
        )
    return step.finish(bool(lines))
