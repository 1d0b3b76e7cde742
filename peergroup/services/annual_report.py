"""Step 10: the annual report for the department chair, from one yearly review.

A ``Document`` (peergroup.export.document) rendered as Markdown for e-mail or
as one self-contained HTML page with charts. What it holds: the decision and
the facilitator's summary, the mission, meetings and attendance, the goals and
their verdicts, the survey as averages (only when enough members answered),
the outcome tallies, the activity figures, membership for next year, and every
repeating figure compared with earlier years. What it never holds: private
reflections (not read here at all), anyone's individual survey answers, and
attendance per member (that stays with the facilitator in the app).
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from .. import clock
from ..export.document import (
    Bullets,
    Chart,
    Document,
    Facts,
    Heading,
    Para,
    Series,
    Table,
    render,
)
from ..models import Evaluation, Group
from . import goals as goals_svc
from . import pulse as pulse_svc
from . import review as review_svc
from . import (
    review_figures,
    review_goals,
    review_measures,
    review_mission,
    review_views,
    survey,
    tallies,
)
from .review import label, period_span


def _day(d: dt.date | None) -> str:
    return f"{d:%d %b %Y}" if d else "—"


def _pct(value: float | None) -> str:
    return f"{value:.0f}%" if value is not None else "not recorded"


def annual_report(
    session: Session, group: Group, ev: Evaluation, today: dt.date | None = None
) -> Document:
    today = today or clock.today()
    ev_id = ev.id or 0
    name = label(ev)
    status = (
        f"finished {_day(ev.completed_on)}"
        if ev.completed_on
        else f"in progress, as of {_day(today)}"
    )
    doc = Document(
        title=f"{group.name}: yearly review {name}",
        subtitle=f"{period_span(ev.period_start)} · {status}",
        footer=(
            f"Prepared with Peergroup on {_day(today)}. Survey results appear only as "
            "averages, and only once at least 3 members have answered; individual answers "
            "and private reflections are never part of this report."
        ),
    )
    if ev.summary:
        doc.add(Para(ev.summary, "lead"))
    _decision(doc, session, ev)
    _mission(doc, session, group, ev, today)
    compare = review_views.comparison(session, group.id or 0, today, up_to=ev_id)
    figures = review_figures.figures_for(session, ev, today)
    head = review_measures.headline(session, group, ev, today)
    _headline(doc, head)
    # The group's age decides which measures lead (services.review_measures).
    for key in head.order.order:
        if key == review_measures.RELATIONSHIP:
            pulses = pulse_svc.trend(session, group.id or 0, figures.start, figures.end, today)
            _meetings(doc, figures, compare, pulses)
            _survey(doc, session, ev_id, compare)
            _membership(doc, session, ev_id, figures, today)
        else:
            _tallies(doc, session, ev_id, compare)
            _goals(doc, session, ev_id, compare)
    _activity(doc, figures)
    _competencies(doc, session, group, ev, today)
    return doc


def _headline(doc: Document, head: review_measures.Headline) -> None:
    doc.add(Heading("What this year is judged by"))
    doc.add(Para(head.order.why))
    for title, measures in head.in_order():
        doc.add(Heading(title, 3), Facts([(m.label, m.value) for m in measures]))


def _section(compare: review_views.Comparison, title: str) -> review_views.CompareSection:
    return next(s for s in compare.sections if s.title == title)


def _decision(doc: Document, session: Session, ev: Evaluation) -> None:
    doc.add(Heading("Decision"))
    if ev.decision == "continue":
        doc.add(Para("The group continues as it is."))
    elif ev.decision == "adjust":
        changes = [line.strip(" -•\t") for line in ev.adjustments.splitlines() if line.strip()]
        doc.add(Para("The group will make these adjustments:"), Bullets(changes))
    else:
        doc.add(Para("Not decided yet.", "note"))
    for r in review_svc.reopenings(session, ev.id or 0):
        doc.add(Para(f"Reopened on {_day(r.on)} for a correction: {r.reason}", "note"))


def _mission(doc: Document, session: Session, group: Group, ev: Evaluation, today: dt.date) -> None:
    doc.add(Heading("Mission"))
    as_of = ev.completed_on or today
    history = [m for m in goals_svc.mission_history(session, group) if m.adopted_on <= as_of]
    if not history:
        doc.add(Para("No version of the mission from that time is recorded here.", "note"))
        return
    m = history[0]
    doc.add(Para(m.text))
    rows = [("Adopted", _day(m.adopted_on)), ("Revisit by", _day(m.revisit_by))]
    if ev.mission:
        rows.append(("In this review", f"{ev.mission} on {_day(ev.mission_on)}"))
    doc.add(Facts(rows))


def _meetings(
    doc: Document,
    f: review_figures.ActivityFigures,
    compare: review_views.Comparison,
    pulses: pulse_svc.PulseTrend,
) -> None:
    doc.add(Heading("Meetings and attendance"))
    if f.no_meetings:
        doc.add(Para("No meetings are recorded for this year.", "note"))
    rows = [
        ("Meetings planned", str(f.planned)),
        ("Held", str(f.held)),
        ("Cancelled", str(f.cancelled)),
    ]
    if f.upcoming:
        rows.append(("Still to come", str(f.upcoming)))
    rows += [
        ("With minutes", f"{f.minutes_recorded} of {f.held}"),
        ("Minutes finalised", str(f.minutes_finalised)),
        ("Attendance rate", _pct(f.attendance_rate)),
        (
            "Meetings rated useful (pulse)",
            f"{pulses.mean:.1f} of 5, over {len(pulses.points)} meeting(s)"
            if pulses.mean is not None
            else "no meeting had enough answers to show",
        ),
    ]
    doc.add(Facts(rows))
    attendance = _section(compare, "Attendance rate").rows[0]
    doc.add(
        Chart(
            "Attendance rate by year",
            compare.years,
            [Series("Attendance", attendance.values)],
            unit="%",
            max_value=100,
        )
    )
    taken = [m for m in f.meetings if m.expected]
    if taken:
        doc.add(
            Chart(
                "Attendance at each meeting this year",
                [f"{m.on:%d %b %Y}" for m in taken],
                [Series("Present", [m.rate for m in taken])],
                unit="%",
                max_value=100,
            )
        )
    _pulse_beside_attendance(doc, f, pulses)


def _pulse_beside_attendance(
    doc: Document, f: review_figures.ActivityFigures, pulses: pulse_svc.PulseTrend
) -> None:
    """Each held meeting's attendance next to how useful members found it (the mean of
    their anonymous pulses, shown only where at least 3 gave one)."""
    if not f.meetings:
        return
    doc.add(Heading("Attendance and usefulness, meeting by meeting", 3))
    rows = []
    for m in f.meetings:
        point = pulses.mean_on(m.on)
        rows.append(
            [
                f"{m.on:%d %b %Y}",
                f"{m.rate:.0f}%" if m.rate is not None else "not taken",
                f"{point.mean:.1f} ({point.respondents})" if point else "—",
            ]
        )
    doc.add(Table(["Meeting", "Attendance", "Pulse, 1 to 5 (answers)"], rows, numeric=[1, 2]))
    doc.add(
        Para(
            "The pulse is the mean of members' anonymous ratings of the meeting; it shows "
            "only where at least 3 members gave one.",
            "note",
        )
    )
    if len(pulses.points) > 1:
        doc.add(
            Chart(
                "How useful members found each meeting (mean, 1 to 5)",
                [f"{p.on:%d %b %Y}" for p in pulses.points],
                [Series("Pulse", [p.mean for p in pulses.points])],
                max_value=5,
            )
        )


def _goals(doc: Document, session: Session, ev_id: int, compare: review_views.Comparison) -> None:
    doc.add(Heading("Goals"))
    rows = review_goals.review_goal_rows(session, ev_id)
    if not rows:
        doc.add(Para("No goals were open during this year.", "note"))
        return
    parts = [
        f"{n} {name}"
        for name in review_goals.VERDICT_LABELS.values()
        if (n := sum(1 for r in rows if r.verdict_label == name))
    ]
    undecided = sum(1 for r in rows if not r.verdict)
    if undecided:
        parts.append(f"{undecided} without a verdict yet")
    summary = ", ".join(parts)
    doc.add(Para(f"{len(rows)} goal(s) reviewed: {summary}."))
    doc.add(
        Table(
            ["Whose", "Goal", "Verdict", "Note"],
            [
                [
                    r.whose,
                    r.title,
                    (r.verdict_label or "to decide")
                    + (f" (new due date {r.new_due})" if r.new_due else ""),
                    r.note,
                ]
                for r in rows
            ],
        )
    )
    section = _section(compare, "Goals reviewed, by verdict")
    if len(compare.years) > 1:
        doc.add(
            Chart(
                "Goals by verdict, by year",
                [r.label for r in section.rows],
                [
                    Series(year, [r.values[i] for r in section.rows])
                    for i, year in enumerate(compare.years)
                ],
            )
        )


def _survey(doc: Document, session: Session, ev_id: int, compare: review_views.Comparison) -> None:
    doc.add(Heading("Member survey"))
    res = survey.results(session, ev_id)
    doc.add(
        Para(
            f"{res.respondents} of {res.members} member(s) answered. Each statement is rated "
            f"from 1 (strongly disagree) to 5 (strongly agree)."
        )
    )
    if not res.shown:
        doc.add(Para(res.message, "note"))
    else:
        doc.add(
            Table(
                ["Area", "Mean"],
                [[a.label, f"{a.mean:.1f}" if a.mean is not None else "—"] for a in res.areas],
                numeric=[1],
            ),
            Table(
                ["Statement", "Answers", "Mean"],
                [
                    [i.text, str(i.answers), f"{i.mean:.1f}" if i.mean is not None else "hidden"]
                    for i in res.items
                ],
                numeric=[1, 2],
            ),
        )
        if any(i.mean is None and i.answers for i in res.items):
            doc.add(Para("A statement with fewer than 3 answers is hidden.", "note"))
    section = _section(compare, "Member survey, mean by area (1 to 5)")
    if section.rows:
        doc.add(
            Chart(
                "Survey areas by year (mean, 1 to 5)",
                [r.label for r in section.rows],
                [
                    Series(year, [r.values[i] for r in section.rows])
                    for i, year in enumerate(compare.years)
                ],
                max_value=5,
            )
        )


def _tallies(doc: Document, session: Session, ev_id: int, compare: review_views.Comparison) -> None:
    doc.add(Heading("Outcomes (CV elements)"))
    rows = tallies.tally_rows(session, ev_id)
    if not rows:
        doc.add(Para("No outcomes were tallied for this year.", "note"))
    else:
        doc.add(
            Table(
                ["Outcome", "Total"],
                [[t.label, str(t.total)] for t in tallies.totals(rows)],
                numeric=[1],
            ),
            Table(
                ["Member", "Outcome", "Count", "Note"],
                [[r.member or "a former member", r.label, str(r.count), r.note] for r in rows],
                numeric=[2],
            ),
        )
    section = _section(compare, "Outcome tallies (CV elements)")
    if section.rows:
        doc.add(
            Chart(
                "Outcome tallies by year",
                [r.label for r in section.rows],
                [
                    Series(year, [r.values[i] for r in section.rows])
                    for i, year in enumerate(compare.years)
                ],
            )
        )


def _activity(doc: Document, f: review_figures.ActivityFigures) -> None:
    doc.add(Heading("Activity"))
    doc.add(
        Facts(
            [
                ("Action items raised", str(f.actions_opened)),
                ("Closed", str(f.actions_closed)),
                ("Open and overdue", str(f.actions_overdue)),
            ]
        )
    )
    doc.add(Heading("Topics covered, by family", 3))
    doc.add(Table(["Family", "Meetings"], [[t, str(n)] for t, n in f.topics], numeric=[1]))
    doc.add(Heading("Outside experts who came", 3))
    doc.add(Bullets(list(f.experts)))
    if f.roles:
        doc.add(Heading("Rotating roles taken", 3))
        doc.add(
            Table(
                ["Member", *f.role_names],
                [[r.name, *(str(n) for n in r.counts)] for r in f.roles],
                numeric=list(range(1, len(f.role_names) + 1)),
            )
        )


def _competencies(
    doc: Document, session: Session, group: Group, ev: Evaluation, today: dt.date
) -> None:
    """Competencies the review year's held meetings touched, by their topics' current tags."""
    from . import competencies

    end = review_svc.period_end(ev.period_start)
    cov = competencies.coverage(session, group.id or 0, ev.period_start, end, today)
    doc.add(*competencies.coverage_blocks(cov))


def _membership(
    doc: Document,
    session: Session,
    ev_id: int,
    f: review_figures.ActivityFigures,
    today: dt.date,
) -> None:
    doc.add(Heading("Membership"))
    part = review_mission.mission_part(session, ev_id, today)
    rows = [
        ("Members at the end of the year", str(f.active_members)),
        ("Joined during the year", str(f.joined)),
        ("Left during the year", str(f.left)),
    ]
    if part.round_started:
        answers = [a.answer for a in part.answers]
        rows.append(
            (
                f"Opt-in round for {part.round_year}",
                f"{answers.count('in')} continue, {answers.count('out')} leave, "
                f"{answers.count('pending')} not answered yet",
            )
        )
    target = f" of a target of {part.target}" if part.target else ""
    rows += [
        ("Active members now", f"{part.active}{target}"),
        ("Openings", str(part.openings)),
        ("On the recruitment list", str(len(part.recruits))),
    ]
    doc.add(Facts(rows))


def yearly_report(
    session: Session,
    group: Group,
    year: str | int | None,
    fmt: str,
    today: dt.date | None = None,
) -> tuple[str, str]:
    """The annual report of the review ``year`` names (default: the latest finished),
    rendered as "md" or "html"; returns the text and the review's label."""
    ev = review_svc.find_review(session, group, year)
    return render(annual_report(session, group, ev, today), fmt), label(ev)


def review_report(
    session: Session, evaluation_id: int, fmt: str, today: dt.date | None = None
) -> tuple[str, str]:
    """The annual report of one review (the app's export), as "md" or "html"."""
    from .groups import get_group

    ev = review_svc.get_review(session, evaluation_id)
    group = get_group(session, ev.group_id)
    return render(annual_report(session, group, ev, today), fmt), label(ev)
