"""The curriculum as a document: the plan of the upcoming meetings and the
needs-assessment ranking (per-topic figures only, no individual ratings)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from .. import clock
from ..models import Group
from ..services import topic_views
from .document import Bullets, Document, Facts, Heading, Para, Table, to_markdown


def curriculum_document(session: Session, group: Group, today: dt.date | None = None) -> Document:
    today = today or clock.today()
    assert group.id is not None
    plan = topic_views.plan_view(session, group.id, today)
    topics = topic_views.topics_view(session, group.id, today)
    doc = Document(
        title=f"Curriculum: {group.name}",
        subtitle=f"As of {today:%d %B %Y}",
        footer="Written by Peergroup. Ratings are shown per topic only.",
    )
    doc.add(Heading("Plan of the upcoming meetings"))
    doc.add(
        Facts(
            [
                ("Proposed from", plan.basis),
                ("Repeats", f"no topic again within {plan.repeat_months} months"),
                (
                    "Open slots",
                    f"every {plan.open_every} meetings" if plan.open_every else "none planned",
                ),
                ("Meetings without a topic", str(plan.unplanned)),
            ]
        )
    )
    rows = [
        [
            f"{r.on:%a %d %b %Y}",
            r.line or "(no topic yet)",
            r.lead,
            "; ".join(r.guests),
            "cancelled" if r.status == "cancelled" else r.how,
        ]
        for r in plan.rows
    ]
    doc.add(Table(["Date", "Topic", "Discussion lead", "Guest expert", "Planned"], rows))
    if plan.flagged:
        doc.add(
            Para("Wanted, in need of outside input, and no expert yet:", style="lead"),
            Bullets(list(plan.flagged)),
        )

    doc.add(Heading("Needs assessment"))
    r = topics.round
    if r is None:
        doc.add(Para("No needs assessment yet."))
        return doc
    doc.add(
        Facts(
            [
                ("Round", f"{r.label} ({r.state})"),
                ("Answered", f"{r.answered} of {len(r.respondents)} members"),
                ("Not answered", ", ".join(r.missing) or "everyone answered"),
            ]
        )
    )
    ranked = [
        [
            str(i),
            t.title,
            t.family,
            f"{t.mean:.1f}" if t.mean is not None else "–",
            str(t.count),
            t.split,
            t.last_covered.isoformat() if t.last_covered else "not yet",
        ]
        for i, t in enumerate((t for t in topics.rows if not t.retired), start=1)
    ]
    doc.add(
        Table(
            ["#", "Topic", "Family", "Mean", "Rated by", "Spread", "Last covered"],
            ranked,
            numeric=(0, 3, 4),
        )
    )
    never = [t.title for t in topics.rows if not t.retired and t.last_covered is None]
    doc.add(Para("Not covered by any meeting yet:", style="lead"), Bullets(never))
    if topics.suggestions:
        doc.add(Para("Topics members suggested:", style="lead"), Bullets(list(topics.suggestions)))
    return doc


def curriculum_for(session: Session, group_id: int, today: dt.date | None = None) -> str:
    """The Markdown by the group's id (the TUI's export dialog)."""
    from ..services.groups import get_group

    return curriculum_markdown(session, get_group(session, group_id), today)


def curriculum_markdown(session: Session, group: Group, today: dt.date | None = None) -> str:
    return to_markdown(curriculum_document(session, group, today))
