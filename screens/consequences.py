"""Step 9: be mindful of unintended consequences.

One scrolling page: the selected check's results (anonymous aggregates only,
and only from three answers), the signals worked out from the group's own
data with their evidence and advice, and the trend of each question's mean
across checks as a small chart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from .dialogs.consequences import AnswerCheckDialog, IntervalDialog, OpenCheckDialog
from .safe import literal
from .steps import StepScreen

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from peergroup.services.consequences_view import ConsequencesView

BARS = "▁▂▃▄▅▆▇█"
LABEL_WIDTH = 24
MARK = {"fires": ("!", "bold red"), "quiet": ("✔", "green"), "no-data": ("·", "dim")}


def _day(d: Any) -> str:
    return f"{d.day} {d:%b %Y}"


def bar(mean: float | None) -> str:
    """One block for a mean on the 1 to 5 scale (blank when hidden)."""
    if mean is None:
        return " "
    return BARS[max(0, min(len(BARS) - 1, round((mean - 1) / 4 * (len(BARS) - 1))))]


class ConsequencesScreen(StepScreen):
    step_key = "consequences"
    CSS_PATH = "consequences.tcss"
    BINDINGS = [
        Binding("r", "answer", "Answer"),
        Binding("o", "open_round", "New check"),
        Binding("left_square_bracket", "previous", "Earlier"),
        Binding("right_square_bracket", "next", "Later"),
        Binding("u", "setup", "Interval"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: ConsequencesView | None = None
        self.index: int | None = None  # None: the newest check

    def compose(self) -> ComposeResult:
        yield from self.heading()
        with VerticalScroll(id="checks"):
            yield Static("", id="check-head")
            yield Static("", id="check-results")
            yield Static("", id="signals")
            yield Static("", id="trend")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#checks", VerticalScroll).focus()

    def load(self, session: Session, group_id: int, today: Any) -> ConsequencesView:
        from peergroup.services.consequences_view import consequences_view

        return consequences_view(session, group_id, today, self.index)

    def show(self, view: ConsequencesView) -> None:
        self.view = view
        self._head(view)
        self._results(view)
        self._signals(view)
        self._trend(view)

    def _head(self, view: ConsequencesView) -> None:
        t = Text()
        s = view.summary
        if s is None:
            t.append("No check yet. ", style="bold yellow")
            t.append("Press o to open one; each active member then answers it with r.")
        else:
            t.append(f"Check of {_day(s.on)}", style="bold")
            t.append(f" ({view.index + 1} of {len(view.checks)}, [ ] for others)", style="dim")
            t.append(f"\n{s.respondents} of {s.eligible} active members answered · ")
        t.append(f"every {view.interval_months} months (u)")
        if view.due_on is not None:
            t.append(" · next due ")
            t.append(_day(view.due_on), style="bold red" if view.overdue else "")
            if view.overdue:
                t.append(" (overdue: o)", style="bold red")
        self.query_one("#check-head", Static).update(t)

    def _results(self, view: ConsequencesView) -> None:
        t = Text()
        s = view.summary
        if s is not None and not s.shown:
            t.append(s.message, style="yellow")
            t.append("\n")
        elif s is not None:
            t.append(
                f"{'Question':<{LABEL_WIDTH}} mean  range  (1 disagree … 5 agree)\n", style="bold"
            )
            for q in s.questions:
                t.append(f"{q.label[:LABEL_WIDTH]:<{LABEL_WIDTH}} ")
                if q.mean is None:
                    t.append("  –\n", style="dim")
                    continue
                t.append(
                    f"{q.mean:4.1f}  {q.low}–{q.high}  ", style="bold red" if q.concern else ""
                )
                if q.concern:
                    t.append("! a concern", style="bold red")
                t.append("\n")
            concerns = [q for q in s.questions if q.concern]
            for q in concerns:
                t.append(f"→ {q.label}: ", style="bold")
                t.append_text(literal(q.advice))
                t.append("\n")
        self.query_one("#check-results", Static).update(t)

    def _signals(self, view: ConsequencesView) -> None:
        t = Text("\nSignals from the group's records\n", style="bold underline")
        for sig in view.signals:
            mark, style = MARK[sig.state]
            t.append(f"{mark} ", style=style)
            t.append(f"{sig.title}: ", style="bold" if sig.fires else "")
            t.append_text(literal(sig.evidence, "" if sig.state != "no-data" else "dim"))
            t.append("\n")
            if sig.fires and sig.advice:
                t.append("  → ", style="bold")
                t.append_text(literal(sig.advice, "italic"))
                t.append("\n")
        self.query_one("#signals", Static).update(t)

    def _trend(self, view: ConsequencesView) -> None:
        trend = view.trend
        t = Text("\nTrend: each question's mean per check\n", style="bold underline")
        if len(trend.checks) < 2:
            t.append("A trend shows from the second check on.\n", style="dim")
        else:
            t.append(" " * (LABEL_WIDTH + 1))
            for on in trend.checks:
                t.append(f"{on:%b %y}".ljust(8), style="bold")
            t.append("\n")
            for row in trend.rows:
                t.append(f"{row.label[:LABEL_WIDTH]:<{LABEL_WIDTH}} ")
                for mean in row.means:
                    if mean is None:
                        t.append("–".ljust(8), style="dim")
                    else:
                        t.append(bar(mean), style="cyan")
                        t.append(f" {mean:.1f}".ljust(7))
                t.append("\n")
            t.append(
                "Hidden (–) where a check had fewer than three answers. Higher is more agreement.",
                style="dim",
            )
        self.query_one("#trend", Static).update(t)

    # --- actions ----------------------------------------------------------------

    def action_answer(self) -> None:
        view = self.view
        if view is None:
            return
        if view.summary is None:
            self.notify("There is no check to answer yet: press o to open one.")
            return
        on = view.checks[-1]
        self.index = None  # answers go to the newest check: show it afterwards
        self.app.push_screen(AnswerCheckDialog(self.app.group_id, on), self.after_dialog)

    def action_open_round(self) -> None:
        if self.app.group_id is not None:
            self.index = None
            self.app.push_screen(
                OpenCheckDialog(self.app.group_id, self.app.clock.today()), self.after_dialog
            )

    def action_setup(self) -> None:
        if self.view is not None:
            self.app.push_screen(
                IntervalDialog(self.app.group_id, self.view.interval_months), self.after_dialog
            )

    def _step(self, step: int) -> None:
        view = self.view
        if view is None or not view.checks:
            return
        self.index = max(0, min(len(view.checks) - 1, view.index + step))
        self.refresh_data()

    def action_previous(self) -> None:
        self._step(-1)

    def action_next(self) -> None:
        self._step(1)
