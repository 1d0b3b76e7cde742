"""Step 10, yearly review parts 1 and 2: a verdict on each goal, and the member survey.

The survey screen only ever shows averages, and only when enough members have
answered (services.survey applies the rule); who has not answered yet is shown,
what anyone answered never is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from .review import ReviewPartScreen
from .safe import literal, one_line
from .widgets.tables import restore_cursor

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from peergroup.services.review_parts import GoalsPart, SurveyPart


def bar(value: float | None, top: float, width: int = 10) -> Text:
    """A small horizontal bar for a value out of ``top``."""
    if value is None:
        return Text("")
    filled = max(0, min(width, round(width * value / top)))
    return Text("█" * filled + "░" * (width - filled), style="cyan")


class ReviewGoalsScreen(ReviewPartScreen):
    part_key = "goals"
    hint = "Every goal open during the year. e (or enter): record its verdict and a note."
    BINDINGS = [Binding("e", "edit", "Verdict")]

    def compose(self) -> ComposeResult:
        yield from self.heading()
        yield DataTable(id="review-goals", cursor_type="row")
        yield Static("", id="goal-detail")
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#review-goals", DataTable)
        t.add_column("Whose", width=14)
        t.add_column("Goal", width=31)
        t.add_column("Due", width=10)
        t.add_column("Verdict", width=14)
        self.view: GoalsPart | None = None

    def load(self, session: Session, group_id: int, today: Any) -> GoalsPart:
        from peergroup.services import review_parts

        return review_parts.goals_part(session, self.evaluation_id)

    def show(self, view: GoalsPart) -> None:
        self.view = view
        self.show_header(view.header)
        t = self.query_one("#review-goals", DataTable)
        keep = t.cursor_row
        t.clear()
        for r in view.rows:
            verdict = Text(r.verdict_short) if r.verdict else Text("to decide", "yellow")
            t.add_row(
                one_line(r.whose, 14),
                one_line(r.title, 31),
                f"{r.due}" if r.due else "—",
                verdict,
                key=r.key,
            )
        restore_cursor(t, keep)
        if not view.rows:
            self.query_one("#goal-detail", Static).update(
                "No goals were open during this year: nothing to decide here; press n."
            )
        self._detail()

    def _selected(self) -> Any:
        t = self.query_one("#review-goals", DataTable)
        if self.view is None or not t.row_count:
            return None
        key = t.coordinate_to_cell_key((t.cursor_row, 0)).row_key.value
        return next((r for r in self.view.rows if r.key == key), None)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    def _detail(self) -> None:
        row = self._selected()
        if row is None:
            return
        text = Text()
        if row.checkins:
            text.append("Check-ins: ", style="bold")
            for c in row.checkins[-3:]:
                text.append(f"{c.on:%d %b %Y} {c.progress}%  ")
                text.append_text(one_line(c.note, 60))
                text.append("\n")
        else:
            text.append("No check-ins recorded.\n", style="dim")
        if row.verdict:
            text.append("Verdict: ", style="bold")
            text.append(row.verdict_label)
            if row.new_due:
                text.append(f", new due date {row.new_due}")
            if row.note:
                text.append(" — ")
                text.append_text(literal(row.note))
        self.query_one("#goal-detail", Static).update(text)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        from .dialogs.review import VerdictDialog

        row = self._selected()
        if row is not None and self.editable():
            self.app.push_screen(VerdictDialog(self.evaluation_id, row), self.after_dialog)


class ReviewSurveyScreen(ReviewPartScreen):
    part_key = "survey"
    hint = (
        "Anonymous: only averages, once 3 members have answered. r: a member answers · "
        "a: add the group's own statement · d: stop asking it."
    )
    BINDINGS = [
        Binding("r", "answer", "Answer"),
        Binding("a", "add", "Add statement"),
        Binding("d", "remove", "Remove"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.heading()
        yield Static("", id="survey-status")
        yield DataTable(id="survey-items", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#survey-items", DataTable)
        t.add_column("Area or statement", width=46)
        t.add_column("Ans.", width=4)
        t.add_column("Mean", width=5)
        t.add_column("1 to 5", width=10)
        self.view: SurveyPart | None = None

    def load(self, session: Session, group_id: int, today: Any) -> SurveyPart:
        from peergroup.services import review_parts

        return review_parts.survey_part(session, self.evaluation_id)

    def show(self, view: SurveyPart) -> None:
        self.view = view
        self.show_header(view.header)
        res = view.results
        status = Text(f"{res.respondents} of {res.members} member(s) answered.", style="bold")
        if view.waiting:
            status.append(" Still to answer: ")
            status.append_text(one_line(", ".join(view.waiting), 120))
        if not res.shown:
            status.append("\n")
            status.append_text(literal(res.message, "yellow"))
        self.query_one("#survey-status", Static).update(status)
        t = self.query_one("#survey-items", DataTable)
        keep = t.cursor_row
        t.clear()
        for a in res.areas:
            t.add_row(
                Text(a.label, style="bold"),
                "",
                f"{a.mean:.1f}" if a.mean is not None else "—",
                bar(a.mean, 5),
                key=f"area:{a.area}",
            )
        for i in res.items:
            mark = "★ " if i.key in view.own else "  "
            t.add_row(
                one_line(mark + i.text, 46),
                str(i.answers) if res.shown else "",  # counts too stay hidden until then
                f"{i.mean:.1f}" if i.mean is not None else "—",
                bar(i.mean, 5),
                key=i.key,
            )
        restore_cursor(t, keep)

    def action_answer(self) -> None:
        from .dialogs.review_survey import SurveyAnswerDialog

        if self.editable():
            self.app.push_screen(SurveyAnswerDialog(self.evaluation_id), self.after_dialog)

    def action_add(self) -> None:
        from .dialogs.review_survey import OwnItemDialog

        if self.app.group_id is not None:
            self.app.push_screen(OwnItemDialog(self.app.group_id), self.after_dialog)

    def action_remove(self) -> None:
        from peergroup.services import survey

        from .widgets.confirm import ConfirmDialog

        t = self.query_one("#survey-items", DataTable)
        if self.view is None or not t.row_count or self.app.group_id is None:
            return
        key = str(t.coordinate_to_cell_key((t.cursor_row, 0)).row_key.value)
        if key not in self.view.own:
            self.app.notify(
                "Only the group's own statements (marked ★) can be removed.", severity="warning"
            )
            return
        group_id = self.app.group_id

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(
                    lambda s: survey.retire_own_item(s, group_id, key),
                    lambda text: (self.app.notify("No longer asked."), self.refresh_data()),
                    write=True,
                )

        self.app.push_screen(
            ConfirmDialog(
                "Stop asking this statement? Answers already given are kept.", "Stop", "Keep"
            ),
            answered,
        )
