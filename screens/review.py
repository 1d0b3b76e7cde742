"""Step 10: the facilitator's yearly review, at a glance.

One review per year of the group, in six parts taken in order (goals, member
survey, outcome tallies, activity figures, mission and membership, decision).
Everything is saved as it is entered, so the review can be left at any point:
this screen shows which parts are done and ``n`` opens the next one. A
finished review is read-only until it is reopened with a reason (``t``).
Also here: the comparison with earlier years (``h``) and the annual report
(``x``). All data comes from services through workers.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from .safe import literal, one_line
from .steps import StepScreen
from .widgets.tables import restore_cursor

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from peergroup.services.review_measures import Headline
    from peergroup.services.review_parts import PartHeader
    from peergroup.services.review_views import HubView

REVIEW_TCSS = str(Path(__file__).with_name("review.tcss"))
PARTS = (
    ("goals", "Goals", "screens.review_goals:ReviewGoalsScreen"),
    ("survey", "Member survey", "screens.review_goals:ReviewSurveyScreen"),
    ("tallies", "Outcome tallies", "screens.review_outcomes:ReviewTalliesScreen"),
    ("figures", "Activity figures", "screens.review_outcomes:ReviewFiguresScreen"),
    ("mission", "Mission and membership", "screens.review_close:ReviewMissionScreen"),
    ("decision", "Decision", "screens.review_close:ReviewDecisionScreen"),
)
PART_KEYS = tuple(p[0] for p in PARTS)
READ_ONLY = (
    "This review is finished and read-only. To correct it, go back to the review (esc) "
    "and reopen it with t, giving the reason."
)


def part_screen(key: str, evaluation_id: int) -> Screen:
    target = next(p[2] for p in PARTS if p[0] == key)
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)(evaluation_id)


def finish_or_reopen(node: Any, evaluation_id: int, label: str, finished: bool) -> None:
    """t on the review and on its decision: finish (after a yes) or reopen (with a reason)."""
    from .dialogs.review import ReopenDialog
    from .widgets.confirm import ConfirmDialog

    if finished:
        node.app.push_screen(ReopenDialog(evaluation_id, label), node.after_dialog)
        return

    def answered(yes: bool | None) -> None:
        if not yes:
            return
        from peergroup.services import review as review_svc

        today = node.app.clock.today()

        def done(message: str) -> None:
            node.app.notify(message, markup=False)
            node.refresh_data()

        node.run_db(lambda s: review_svc.finish_review(s, evaluation_id, today), done, write=True)

    node.app.push_screen(
        ConfirmDialog(
            f"Finish the review of {label}? It becomes read-only, and its figures are kept "
            "as they stand today.",
            "Finish",
            "Not yet",
        ),
        answered,
    )


def measures_text(head: Headline | None) -> Text:
    """The year's headline measures, in the order that fits the group's age, and why."""
    text = Text()
    if head is None:
        return text
    for title, measures in head.in_order():
        text.append(f"{title}: ", style="bold")
        for i, m in enumerate(measures):
            text.append(" · " if i else "")
            text.append_text(literal(f"{m.label} {m.value}"))
        text.append("\n")
    text.append_text(literal(head.order.why, "dim"))
    return text


class ReviewScreen(StepScreen):
    step_key = "tracking"
    CSS_PATH = REVIEW_TCSS
    BINDINGS = [
        Binding("n", "do_next", "Next part"),
        Binding("o", "open_round", "New review"),
        Binding("x", "export", "Report"),
        Binding("h", "history", "Years"),
        Binding("t", "toggle", "Finish/reopen", show=False),
        Binding("left_square_bracket", "previous", "Prev year", show=False),
        Binding("right_square_bracket", "next", "Next year", show=False),
    ]

    def __init__(self, evaluation_id: int | None = None) -> None:
        super().__init__()
        self.evaluation_id = evaluation_id
        self.view: HubView | None = None

    def compose(self) -> ComposeResult:
        yield from self.heading()
        yield Static("Loading…", id="review-title")
        yield Static("", id="review-notes", classes="muted")
        yield Static("", id="review-measures")
        yield DataTable(id="parts", cursor_type="row")
        yield Static("", id="review-help", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#parts", DataTable)
        t.add_column("#", width=2)
        t.add_column("Part", width=24)
        t.add_column("", width=2)
        t.add_column("Where it stands", width=44)

    def load(self, session: Session, group_id: int, today: Any) -> tuple[HubView, Headline | None]:
        from peergroup.services import review_measures, review_views

        hub = review_views.hub_view(session, group_id, self.evaluation_id, today)
        head = review_measures.headline_for(session, hub.current.id, today) if hub.current else None
        return hub, head

    def show(self, loaded: tuple[HubView, Headline | None]) -> None:
        view, measures = loaded
        self.view = view
        self.query_one("#review-measures", Static).update(measures_text(measures))
        t = self.query_one("#parts", DataTable)
        keep = t.cursor_row
        t.clear()
        title = self.query_one("#review-title", Static)
        notes = self.query_one("#review-notes", Static)
        help_line = self.query_one("#review-help", Static)
        current = view.current
        if current is None:
            start = f" from {view.default_start:%b %Y}" if view.default_start else ""
            title.update(Text("No yearly review yet.", style="bold"))
            notes.update(
                literal(
                    "The review looks back over twelve months of the group: its goals, a "
                    "member survey, outcomes from members' CVs, the meetings, the mission "
                    f"and next year's members. Press o to start the first one{start}."
                )
            )
            help_line.update("")
            return
        self.evaluation_id = current.id
        head = Text(f"Yearly review {current.label}", style="bold")
        head.append(f" · {current.span} · ")
        if current.completed_on:
            head.append(f"finished {current.completed_on:%d %b %Y} (read-only)", style="green")
        else:
            head.append(f"in progress since {current.started_on:%d %b %Y}", style="yellow")
        title.update(head)
        lines = list(view.notes)
        lines += [f"Reopened {on:%d %b %Y}: {why}" for on, why in view.reopenings]
        index = [r.id for r in view.reviews].index(current.id) + 1
        lines.append(f"Year {index} of {len(view.reviews)} ([ and ] switch year).")
        notes.update(literal("\n".join(lines)))
        for p in view.parts:
            t.add_row(
                str(p.number),
                p.title,
                Text("✔", style="green") if p.done else Text("·"),
                one_line(p.status, 44),
                key=p.key,
            )
        restore_cursor(t, keep)
        what = (
            "enter: look at a part · t: reopen it for a correction"
            if current.completed_on
            else "enter: open a part · n: the next part to do · t: finish the review"
        )
        what += "\nh: compare the years · x: the annual report for the chair"
        help_line.update(what)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if self.evaluation_id is not None and event.row_key.value:
            self.app.push_screen(part_screen(event.row_key.value, self.evaluation_id))

    def action_do_next(self) -> None:
        if self.view is None or self.view.current is None:
            self.action_open_round()
            return
        key = self.view.next_part or "decision"
        self.app.push_screen(part_screen(key, self.view.current.id))

    def action_open_round(self) -> None:
        from .dialogs.review import StartReviewDialog

        if self.app.group_id is None or self.view is None:
            return

        def started(result: Any) -> None:
            if result is None:
                return
            self.evaluation_id = result.id
            self.app.notify(
                " ".join((f"Review of {result.label} started.", *result.notes)),
                markup=False,
                timeout=10,
            )
            self.refresh_data()

        self.app.push_screen(StartReviewDialog(self.app.group_id, self.view.default_start), started)

    def _move(self, step: int) -> None:
        if self.view is None or self.view.current is None:
            return
        ids = [r.id for r in self.view.reviews]
        at = ids.index(self.view.current.id)
        if 0 <= at + step < len(ids):
            self.evaluation_id = ids[at + step]
            self.refresh_data()
        else:
            self.app.notify("No earlier review." if step < 0 else "No later review.")

    def action_previous(self) -> None:
        self._move(-1)

    def action_next(self) -> None:
        self._move(1)

    def action_toggle(self) -> None:
        if self.view is not None and self.view.current is not None:
            c = self.view.current
            finish_or_reopen(self, c.id, c.label, c.finished)

    def action_export(self) -> None:
        from .dialogs.review import AnnualReportDialog

        if self.view is not None and self.view.current is not None:
            c = self.view.current
            self.app.push_screen(AnnualReportDialog(c.id, c.label))

    def action_history(self) -> None:
        from .review_compare import CompareYearsScreen

        self.app.push_screen(CompareYearsScreen())


class ReviewPartScreen(StepScreen):
    """One part of a review: its own heading, n for the next part, esc back."""

    step_key = "tracking"
    CSS_PATH = REVIEW_TCSS
    part_key = ""
    hint = ""
    BINDINGS = [Binding("n", "do_next", "Next part")]

    def __init__(self, evaluation_id: int) -> None:
        super().__init__()
        self.evaluation_id = evaluation_id
        self.finished = False
        self.label = ""

    def heading(self) -> ComposeResult:
        yield Static("", id="part-title")
        yield Static(literal(self.hint), id="part-hint", classes="muted")

    def show_header(self, header: PartHeader) -> None:
        self.finished, self.label = header.finished, header.label
        number = PART_KEYS.index(self.part_key) + 1
        title = dict((k, t) for k, t, _s in PARTS)[self.part_key]
        text = Text(f"Review {header.label} · {number} of 6: {title}", style="bold")
        if header.finished:
            text.append("  read-only", style="green")
        text.append("   esc: review", style="dim")
        self.query_one("#part-title", Static).update(text)

    def editable(self) -> bool:
        if self.finished:
            self.app.notify(READ_ONLY, severity="warning", markup=False)
        return not self.finished

    def action_do_next(self) -> None:
        at = PART_KEYS.index(self.part_key)
        if at + 1 < len(PART_KEYS):
            self.app.switch_screen(part_screen(PART_KEYS[at + 1], self.evaluation_id))
        else:
            self.app.pop_screen()
