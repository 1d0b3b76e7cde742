"""What the home screen shows: the group, its definition, the roadmap, the next thing."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from ..home_snapshot import HomeView
from ..steps import next_step, roadmap
from . import groups as groups_svc
from . import peer as peer_svc

__all__ = ["HomeView", "home_view"]


def home_view(session: Session, group_id: int, today: dt.date) -> HomeView:
    group = groups_svc.get_group(session, group_id)
    statuses = roadmap(session, group, today)
    nxt = next_step(statuses)
    return HomeView(
        group_name=group.name,
        definition=peer_svc.definition_sentence(session, group),
        statuses=statuses,
        next_key=nxt.key if nxt else None,
        next_text=(
            f"Step {nxt.number}: {nxt.next_action}"
            if nxt
            else "Every step is in place. Keep meeting, and review the year when it comes."
        ),
    )
