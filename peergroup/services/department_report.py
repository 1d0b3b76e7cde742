"""The department view as a report: Markdown for e-mail, or one self-contained HTML page.

Built from ``department.department_view`` (per-group aggregates only) as a
``Document``; the renderers escape every group name and label.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from ..export.document import Chart, Document, Facts, Heading, Para, Series, Table, render
from . import department as dept


def _pct(value: float | None) -> str:
    return f"{value:.0f}%" if value is not None else "not taken"


def _reviews(totals: dept.Totals) -> str:
    return ", ".join(f"{n} {state}" for state, n in totals.reviews if n) or "no groups"


def document(view: dept.DepartmentView) -> Document:
    doc = Document(
        title="Peer groups of the department",
        subtitle=f"{view.label[0].upper()}{view.label[1:]} · {view.span}",
        footer=(
            f"Prepared with Peergroup on {view.today:%d %b %Y}. Every figure is a whole "
            "group's: no private reflections, no individual survey answers and no one "
            "member's figures are part of this report."
        ),
    )
    t = view.totals
    if not view.rows:
        doc.add(Para("There are no groups in this database yet.", "note"))
        return doc
    doc.add(
        Heading("The department in brief"),
        Facts(
            [
                ("Groups", str(t.groups)),
                ("Members", str(t.members)),
                ("Meetings held", f"{t.held} of {t.planned} planned"),
                ("Attendance", _pct(t.attendance_rate)),
                ("Goals met", str(t.goals_met)),
                ("Yearly reviews", _reviews(t)),
                ("Outcomes tallied", str(t.outcomes_total)),
            ]
        ),
        Heading("Groups"),
        Table(
            ["Group", "Members", "Held", "Planned", "Attendance", "Goals met", "Yearly review"],
            [
                [
                    r.name,
                    str(r.members),
                    str(r.held),
                    str(r.planned),
                    _pct(r.attendance_rate),
                    str(r.goals_met),
                    f"{r.review.state} ({r.review.detail})",
                ]
                for r in view.rows
            ],
            numeric=[1, 2, 3, 4, 5],
        ),
    )
    rated = [r for r in view.rows if r.attendance_rate is not None]
    if rated:
        doc.add(
            Chart(
                "Attendance by group",
                [r.name for r in rated],
                [Series("Attendance", [r.attendance_rate for r in rated])],
                unit="%",
                max_value=100,
            )
        )
    _outcomes(doc, view)
    doc.add(
        Heading("How the figures are counted", 3),
        Para(
            "Members are those active on the last day of the period (or today, if that "
            "comes first). A meeting is held when it was not cancelled and its day has "
            "passed; attendance counts only held meetings whose attendance was taken. A goal "
            "is met on the day of its first 100% check-in, else on its due date; the group's "
            "own goals and its members' goals both count. A yearly review is overdue when the "
            "group has met for more than a year and no review was finished in the twelve "
            "months before. Outcomes come from the yearly reviews whose year ended in the "
            "period, added up over each group's members.",
            "note",
        ),
    )
    return doc


def _outcomes(doc: Document, view: dept.DepartmentView) -> None:
    doc.add(Heading("Outcomes (CV elements)"))
    kinds = [label for label, n in view.totals.outcomes if n]
    if not kinds:
        doc.add(
            Para("No outcomes were tallied in yearly reviews that ended in the period.", "note")
        )
        return
    doc.add(
        Table(
            ["Outcome", "Total"],
            [[label, str(n)] for label, n in view.totals.outcomes],
            numeric=[1],
        )
    )
    doc.add(Heading("By group", 3))
    rows = []
    for r in view.rows:
        by_label = dict(r.outcomes)
        for label in kinds:
            if by_label.get(label):
                rows.append([r.name, label, str(by_label[label])])
        for label, n in r.outcomes:
            if label not in kinds:  # an "other" kind spelt differently from the first seen
                rows.append([r.name, label, str(n)])
    doc.add(Table(["Group", "Outcome", "Total"], rows, numeric=[2]))


def department_report(
    session: Session, year: int | str | None, fmt: str, today: dt.date | None = None
) -> tuple[str, str]:
    """The report as "md" or "html", and what period it covers (for the message)."""
    view = dept.department_view(session, year, today)
    return render(document(view), fmt), view.label
