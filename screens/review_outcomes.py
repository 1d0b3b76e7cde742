"""Step 10, yearly review parts 3 and 4: outcome tallies, and the activity figures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Static

from .review import ReviewPartScreen
from .review_goals import bar
from .safe import literal, one_line
from .widgets.tables import restore_cursor, selected_id

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from peergroup.services.review_parts import FiguresPart, TalliesPart


class ReviewTalliesScreen(ReviewPartScreen):
    part_key = "tallies"
    hint = (
        "Outcomes from members' CVs, per member and kind, with a note. "
        "a: add · e (or enter): change · d: remove."
    )
    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Change"),
        Binding("d", "remove", "Remove"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.heading()
        yield DataTable(id="tallies", cursor_type="row")
        yield Static("", id="tally-totals")
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#tallies", DataTable)
        t.add_column("Member", width=16)
        t.add_column("Outcome", width=24)
        t.add_column("Count", width=5)
        t.add_column("Note", width=24)
        self.view: TalliesPart | None = None

    def load(self, session: Session, group_id: int, today: Any) -> TalliesPart:
        from peergroup.services import review_parts

        return review_parts.tallies_part(session, self.evaluation_id)

    def show(self, view: TalliesPart) -> None:
        self.view = view
        self.show_header(view.header)
        t = self.query_one("#tallies", DataTable)
        keep = t.cursor_row
        t.clear()
        for r in view.rows:
            t.add_row(
                one_line(r.member or "a former member", 16),
                one_line(r.label, 24),
                str(r.count),
                one_line(r.note, 24),
                key=str(r.id),
            )
        restore_cursor(t, keep)
        text = Text("Totals", style="bold")
        if view.previous_label:
            text.append(f" (in brackets: {view.previous_label})", style="dim")
        text.append(": ")
        parts = []
        for name, total, before in view.totals:
            if total or before:
                parts.append(f"{name} {total}" + (f" ({before})" if before is not None else ""))
        text.append_text(literal(" · ".join(parts) or "none yet"))
        self.query_one("#tally-totals", Static).update(text)

    def _selected(self) -> Any:
        tally_id = selected_id(self.query_one("#tallies", DataTable))
        if self.view is None or tally_id is None:
            return None
        return next((r for r in self.view.rows if r.id == tally_id), None)

    def action_add(self) -> None:
        from .dialogs.review import TallyDialog

        if self.editable():
            self.app.push_screen(TallyDialog(self.evaluation_id, None), self.after_dialog)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        from .dialogs.review import TallyDialog

        row = self._selected()
        if row is not None and self.editable():
            self.app.push_screen(TallyDialog(self.evaluation_id, row), self.after_dialog)

    def action_remove(self) -> None:
        from peergroup.services import tallies

        from .widgets.confirm import ConfirmDialog

        row = self._selected()
        if row is None or not self.editable():
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(
                    lambda s: tallies.remove_tally(s, row.id),
                    lambda label: (self.app.notify(f"Removed: {label}."), self.refresh_data()),
                    write=True,
                )

        self.app.push_screen(
            ConfirmDialog(f"Remove this tally ({row.label}, {row.count})?", "Remove", "Keep"),
            answered,
        )


class ReviewFiguresScreen(ReviewPartScreen):
    part_key = "figures"
    hint = "Computed from the meetings, attendance, minutes and action items of the year."

    def compose(self) -> ComposeResult:
        yield from self.heading()
        with VerticalScroll(id="figures"):
            yield Static("", id="fig-meetings")
            yield Static("", id="fig-members")
            yield Static("", id="fig-rest")
        yield Footer()

    def load(self, session: Session, group_id: int, today: Any) -> FiguresPart:
        from peergroup.services import review_parts

        return review_parts.figures_part(session, self.evaluation_id, today)

    def show(self, view: FiguresPart) -> None:
        self.show_header(view.header)
        f = view.figures
        text = Text()
        if f.frozen:
            text.append("As recorded when the review was finished.\n", style="dim")
        if f.no_meetings:
            text.append("No meetings are recorded for this year.\n", style="yellow")
        text.append("Meetings: ", style="bold")
        text.append(f"{f.held} held of {f.planned} planned, {f.cancelled} cancelled")
        if f.upcoming:
            text.append(f", {f.upcoming} still to come")
        text.append(f"; minutes for {f.minutes_recorded} ({f.minutes_finalised} finalised)\n")
        text.append("Attendance: ", style="bold")
        if f.attendance_rate is None:
            text.append("not taken at any meeting")
        else:
            text.append_text(bar(f.attendance_rate, 100, 20))
            text.append(f" {f.attendance_rate:.0f}%")
        if view.previous_label:
            before = f"{view.previous_rate:.0f}%" if view.previous_rate is not None else "—"
            text.append(f"  ({view.previous_label}: {before})", style="dim")
        pulse = view.pulse
        if pulse is not None:
            text.append("\nPulse (how useful, 1 to 5): ", style="bold")
            if pulse.mean is None:
                text.append("no meeting has three answers yet", style="dim")
            else:
                text.append(f"{pulse.mean:.1f} over {len(pulse.points)} meeting(s)")
        for m in f.meetings:
            text.append(f"\n  {m.on:%a %d %b %Y}  ")
            if m.rate is None:
                text.append("attendance not taken".ljust(36), style="dim")
            else:
                text.append_text(bar(m.rate, 100, 20))
                text.append(f" {m.rate:.0f}%  ({m.present} of {m.expected})".ljust(16))
            point = pulse.mean_on(m.on) if pulse is not None else None
            if point is not None:
                text.append(f" pulse {point.mean:.1f}", style="cyan")
        self.query_one("#fig-meetings", Static).update(text)
        self.query_one("#fig-members", Static).update(_members_table(view))
        self.query_one("#fig-rest", Static).update(_rest(view))


def _members_table(view: FiguresPart) -> Any:
    f = view.figures
    if not f.members:
        return Text("Attendance per member: not available for this year.", style="dim")
    table = Table(title="Attendance per member", title_justify="left", box=None, expand=False)
    table.add_column("Member", max_width=24)
    table.add_column("Present", justify="right")
    table.add_column("Of", justify="right")
    table.add_column("Rate", justify="right")
    table.add_column("")
    for m in f.members:
        rate = f"{m.rate:.0f}%" if m.rate is not None else "—"
        table.add_row(one_line(m.name, 24), str(m.present), str(m.expected), rate, bar(m.rate, 100))
    return table


def _rest(view: FiguresPart) -> Text:
    f = view.figures
    text = Text()
    text.append("\nAction items: ", style="bold")
    text.append(
        f"{f.actions_opened} raised, {f.actions_closed} closed, "
        f"{f.actions_overdue} open and overdue\n"
    )
    text.append("Topics by family: ", style="bold")
    text.append_text(
        literal(", ".join(f"{name} {n}" for name, n in f.topics) or "no topics recorded")
    )
    text.append("\nOutside experts who came: ", style="bold")
    text.append_text(literal(", ".join(f.experts) or "none recorded"))
    text.append("\nMembers: ", style="bold")
    text.append(f"{f.active_members} at the end of the year, {f.joined} joined, {f.left} left\n")
    if f.roles:
        text.append("Rotating roles taken: ", style="bold")
        for r in f.roles:
            counts = ", ".join(
                f"{role} {n}" for role, n in zip(f.role_names, r.counts, strict=False) if n
            )
            text.append_text(literal(f"{r.name} ({counts}); "))
    return text
