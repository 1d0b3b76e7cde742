"""The support brief: the case for departmental support, from the group's own records.

One ``Document`` (``peergroup.export.document``) for the chair: who the group
is and its mission, meetings held and attendance, topics covered, goals met,
outcome tallies where the yearly review recorded them, and what the group asks
for and why. It is written from group-level facts only: no reflection (private
or shared), no individual answer to a survey or a check, no member's own
outcome line (only totals).
"""

from __future__ import annotations

import datetime as dt
import statistics

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, select

from .. import clock
from ..export.document import Bullets, Chart, Document, Facts, Heading, Para, Series, Table
from ..models import Group, Member
from . import goals as goals_svc
from . import peer as peer_svc
from . import signals as signals_svc
from . import support as support_svc
from . import tracking as tracking_svc
from .groups import get_group

FOOTER = (
    "Built by Peergroup from the group's own records. It holds no reflections and no "
    "individual answers to surveys or checks; outcomes are totals for the whole group."
)
_FREQUENCY = {
    "weekly": "every week",
    "every-n-weeks": "every {interval} weeks",
    "monthly-nth-weekday": "once a month",
    "monthly-day": "once a month",
    "custom": "on dates set one by one",
}


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


def _rhythm(group: Group) -> str:
    if not group.frequency:
        return "not set yet"
    text = _FREQUENCY.get(group.frequency, group.frequency).format(interval=group.interval)
    return f"{text}, {group.duration_minutes} minutes" + (
        f", at {group.start_time:%H:%M}" if group.start_time else ""
    )


def _who_we_are(session: Session, group: Group, today: dt.date) -> list:
    active = session.exec(
        select(Member)
        .where(Member.group_id == group.id, Member.status == "active")
        .order_by(col(Member.name))
    ).all()
    founded = min((m.joined_on for m in active if m.joined_on), default=None)
    facts = [
        (
            "Members",
            f"{len(active)} active"
            + (f" (target {group.target_size})" if group.target_size else ""),
        ),
        (
            "Membership",
            group.membership + (f", until {_day(group.end_date)}" if group.end_date else ""),
        ),
        ("Meets", _rhythm(group)),
    ]
    if founded:
        facts.append(("Together since", _day(founded)))
    blocks: list = [Heading("Who we are"), Para(peer_svc.definition_sentence(session, group))]
    blocks.append(Facts(facts))
    if active:
        blocks.append(Para("Members: " + ", ".join(m.name for m in active) + ".", "note"))
    mission = goals_svc.current_mission(session, group)
    if mission is not None:
        blocks += [
            Heading("Our mission", 3),
            Para(mission.text, "lead"),
            Para(
                f"Adopted {_day(mission.adopted_on)}; revisited by {_day(mission.revisit_by)}.",
                "note",
            ),
        ]
    return blocks


def _meetings(session: Session, group: Group, today: dt.date) -> list:
    rows = tracking_svc.running_list(session, group)
    held = [r for r in rows if r.on < today and r.status == "scheduled"]
    ahead = [
        r
        for r in rows
        if r.on >= today and r.status == "scheduled" and r.on <= today + relativedelta(months=6)
    ]
    rates = signals_svc.attendance_rates(session, group, today)
    facts = [
        ("Meetings held", str(len(held))),
        ("With minutes", str(sum(1 for r in held if r.has_minutes))),
        ("Planned for the next six months", str(len(ahead))),
    ]
    if rates:
        facts.append(
            ("Average attendance", f"{statistics.fmean(r for _, r in rates):.0f}% of members")
        )
    blocks: list = [Heading("Meetings and attendance"), Facts(facts)]
    if rates:
        recent = rates[-12:]
        blocks.append(
            Chart(
                "Members present at each meeting (%)",
                [f"{d:%d %b %Y}" for d, _ in recent],
                [Series("Present", [round(r) for _, r in recent])],
                unit="%",
                max_value=100,
            )
        )
    topics = [(r.on, r.topic_title) for r in held if r.topic_title.strip()]
    blocks.append(Heading("Topics covered"))
    if topics:
        blocks.append(Table(["Date", "Topic"], [[d.isoformat(), t] for d, t in topics]))
    else:
        blocks.append(Para("No topics are recorded for the meetings held so far.", "note"))
    return blocks


def _goals(session: Session, group: Group, today: dt.date) -> list:
    goals = goals_svc.list_goals(session, group)
    shared = [g for g in goals if g.member_id is None]
    personal = [g for g in goals if g.member_id is not None]
    facts = [
        ("Group goals met", f"{sum(g.status == 'achieved' for g in shared)} of {len(shared)}"),
        (
            "Members' own goals met",
            f"{sum(g.status == 'achieved' for g in personal)} of {len(personal)}",
        ),
    ]
    items = []
    for g in shared:
        progress = goals_svc.latest_progress(session, g)
        state = {"achieved": "met", "dropped": "dropped"}.get(g.status, "in progress")
        if g.status == "open" and progress is not None:
            state += f", {progress}% of the way"
        if g.due:
            state += f", due {_day(g.due)}"
        items.append(f"{g.title} ({state})")
    met = [g.title for g in personal if g.status == "achieved"]
    blocks: list = [Heading("Goals"), Facts(facts)]
    if items:
        blocks += [Heading("The group's goals", 3), Bullets(items)]
    if met:
        blocks += [Heading("Members' goals met", 3), Bullets(met)]
    return blocks


def _outcomes(session: Session, group: Group) -> list:
    tallies = support_svc.outcome_tallies(session, group.id or 0)
    blocks: list = [Heading("Outcomes")]
    if tallies:
        blocks.append(Table(["Outcome", "Count"], [[k, str(n)] for k, n in tallies], numeric=[1]))
    else:
        blocks.append(Para("No outcomes are recorded yet; the yearly review counts them.", "note"))
    return blocks


def _asks(session: Session, group: Group, today: dt.date) -> list:
    rows = [
        support_svc.request_row(r, today) for r in support_svc.list_requests(session, group.id or 0)
    ]
    open_rows = [r for r in rows if r.status in ("planned", "asked")]
    granted = [r for r in rows if r.status == "granted"]
    blocks: list = [Heading("What we ask for, and why")]
    if not open_rows:
        blocks.append(Para("No open requests at the moment.", "note"))
    for r in open_rows:
        where = r.forum_label + (f" ({r.forum_note})" if r.forum_note else "")
        state = f"asked on {_day(r.asked_on)}" if r.asked_on else "to be asked"
        blocks += [
            Heading(r.ask, 3),
            Facts([("Kind", r.kind_label), ("Of", r.to_whom), ("Where", where), ("Status", state)]),
        ]
        if r.why:
            blocks.append(Para(r.why))
    if granted:
        blocks.append(Heading("Support already given", 3))
        blocks.append(
            Bullets(
                [
                    f"{r.ask}: granted by {r.to_whom}"
                    + (f" on {_day(r.answered_on)}" if r.answered_on else "")
                    + (f". {r.outcome}" if r.outcome else "")
                    for r in granted
                ]
            )
        )
    return blocks


def support_brief(session: Session, group_id: int, today: dt.date | None = None) -> Document:
    today = today or clock.today()
    group = get_group(session, group_id)
    requests = support_svc.list_requests(session, group_id)
    # Whom the next ask goes to: a request already asked, else the first one planned.
    target = next((r for r in reversed(requests) if r.status == "asked"), None) or next(
        (r for r in requests if r.status == "planned"), None
    )
    audience = target.to_whom if target else "the department chair"
    doc = Document(
        title=f"Support brief: {group.name}",
        subtitle=f"Prepared on {_day(today)}, for {audience}",
        footer=FOOTER,
    )
    doc.add(*_who_we_are(session, group, today))
    doc.add(*_meetings(session, group, today))
    doc.add(*_goals(session, group, today))
    doc.add(*_outcomes(session, group))
    doc.add(*_asks(session, group, today))
    return doc


def brief_file(
    session: Session, group_id: int, path_name: str, today: dt.date | None = None
) -> str:
    """The brief as the file ``path_name`` asks for: HTML for .html/.htm, else Markdown."""
    from ..export.document import format_for, render

    return render(support_brief(session, group_id, today), format_for(path_name))
