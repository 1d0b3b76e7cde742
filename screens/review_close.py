"""Step 10, yearly review parts 5 and 6: the mission and next year's members, and the
decision (continue as is, or the adjustments), with finishing and reopening."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from .review import ReviewPartScreen, finish_or_reopen
from .safe import literal, one_line
from .widgets.tables import restore_cursor

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from peergroup.services.review_mission import MissionPart
    from peergroup.services.review_parts import DecisionPart, PartHeader


class ReviewMissionScreen(ReviewPartScreen):
    part_key = "mission"
    hint = (
        "w: reaffirm the mission or adopt a new version · o: ask who continues next year · "
        "e: record an answer · j: someone from the list joins."
    )
    BINDINGS = [
        Binding("w", "mission", "Mission"),
        Binding("o", "open_round", "Opt-in"),
        Binding("e", "edit", "Answer"),
        Binding("j", "join", "Join"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.heading()
        yield Static("", id="mission-now")
        yield Static("", id="round-status")
        yield DataTable(id="people", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#people", DataTable)
        t.add_column("Name", width=24)
        t.add_column("Next year", width=40)
        self.view: MissionPart | None = None

    def load(self, session: Session, group_id: int, today: Any) -> tuple[PartHeader, MissionPart]:
        from peergroup.services import review_mission, review_parts

        return (
            review_parts.header(session, self.evaluation_id),
            review_mission.mission_part(session, self.evaluation_id, today),
        )

    def show(self, loaded: tuple[PartHeader, MissionPart]) -> None:
        header, view = loaded
        self.view = view
        self.show_header(header)
        text = Text()
        if view.mission:
            text.append("Mission", style="bold")
            text.append(f" (adopted {view.adopted_on}, revisit by {view.revisit_by})")
            if view.overdue:
                text.append(" overdue for a revisit", style="bold red")
            text.append("\n")
            text.append_text(one_line(view.mission, 230))
        else:
            text.append("The group has no mission yet: press w to write one.", style="yellow")
        text.append("\n")
        if view.outcome:
            text.append(f"In this review: {view.outcome} on {view.outcome_on:%d %b %Y}.", "green")
        else:
            text.append("Not revisited in this review yet: press w.", style="yellow")
        self.query_one("#mission-now", Static).update(text)

        status = Text(f"Opt-in round for {view.round_year}: ", style="bold")
        if view.round_started:
            answers = [a.answer for a in view.answers]
            status.append(
                f"{answers.count('in')} continue, {answers.count('out')} leave, "
                f"{answers.count('pending')} not answered yet."
            )
        else:
            status.append("not started; press o to ask every active member.")
        target = f" of {view.target}" if view.target else ""
        status.append(
            f"\n{view.active}{target} active member(s), {view.openings} opening(s), "
            f"{len(view.recruits)} on the recruitment list."
        )
        self.query_one("#round-status", Static).update(status)

        t = self.query_one("#people", DataTable)
        keep = t.cursor_row
        t.clear()
        for a in view.answers:
            when = f" ({a.answered_on:%d %b})" if a.answered_on and a.answer != "pending" else ""
            t.add_row(one_line(a.name, 24), a.answer_label + when, key=f"m{a.member_id}")
        for r in view.recruits:
            t.add_row(
                one_line(r.name, 24),
                Text("on the recruitment list (j: joins)", style="dim"),
                key=f"p{r.member_id}",
            )
        restore_cursor(t, keep)

    def _selected(self) -> tuple[str, int, str] | None:
        t = self.query_one("#people", DataTable)
        if self.view is None or not t.row_count:
            return None
        key = str(t.coordinate_to_cell_key((t.cursor_row, 0)).row_key.value)
        member_id = int(key[1:])
        rows = self.view.answers if key[0] == "m" else self.view.recruits
        row = next(r for r in rows if r.member_id == member_id)
        return key[0], member_id, row.name

    def action_mission(self) -> None:
        from .dialogs.review import ReviewMissionDialog

        if self.editable():
            self.app.push_screen(ReviewMissionDialog(self.evaluation_id), self.after_dialog)

    def action_open_round(self) -> None:
        from peergroup.services import review_mission

        if not self.editable():
            return
        ev_id = self.evaluation_id
        self.run_db(
            lambda s: review_mission.start_round(s, ev_id),
            lambda msg: (self.app.notify(msg, markup=False), self.refresh_data()),
            write=True,
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        from .dialogs.review import OptInDialog

        chosen = self._selected()
        if chosen is None or not self.editable():
            return
        kind, member_id, name = chosen
        if kind != "m":
            self.app.notify(f"{name} is on the recruitment list: press j if they join.")
            return
        answer = next(a.answer for a in self.view.answers if a.member_id == member_id)  # type: ignore[union-attr]
        self.app.push_screen(
            OptInDialog(self.evaluation_id, member_id, name, answer), self.after_dialog
        )

    def action_join(self) -> None:
        from peergroup.services import review_mission

        chosen = self._selected()
        if chosen is None or not self.editable():
            return
        kind, member_id, name = chosen
        if kind != "p":
            self.app.notify(f"{name} is a member already; e records their answer.")
            return
        ev_id, today = self.evaluation_id, self.app.clock.today()
        self.run_db(
            lambda s: review_mission.join(s, ev_id, member_id, today),
            lambda msg: (self.app.notify(msg, markup=False), self.refresh_data()),
            write=True,
        )


class ReviewDecisionScreen(ReviewPartScreen):
    part_key = "decision"
    hint = (
        "Can the group continue as it is, or what will it adjust? e: record the decision · "
        "t: finish the review (or reopen it)."
    )
    BINDINGS = [
        Binding("e", "edit", "Decide"),
        Binding("t", "toggle", "Finish/reopen"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.heading()
        yield Static("", id="decision")
        yield Footer()

    def load(self, session: Session, group_id: int, today: Any) -> DecisionPart:
        from peergroup.services import review_parts

        return review_parts.decision_part(session, self.evaluation_id)

    def show(self, view: DecisionPart) -> None:
        self.view = view
        self.show_header(view.header)
        text = Text("Decision: ", style="bold")
        if view.decision:
            text.append(view.decision_label)
        else:
            text.append("not made yet; press e.", style="yellow")
        text.append("\n")
        for line in view.adjustments.splitlines():
            if line.strip():
                text.append("  • ")
                text.append_text(one_line(line.strip(), 70))
                text.append("\n")
        if view.summary:
            text.append("\nThe year in brief: ", style="bold")
            text.append_text(literal(view.summary))
            text.append("\n")
        text.append("\n")
        if view.completed_on:
            text.append(
                f"Finished on {view.completed_on:%d %b %Y}; read-only. t reopens it for a "
                "correction.",
                style="green",
            )
        else:
            missing = []
            if view.undecided_goals:
                missing.append(f"{view.undecided_goals} goal(s) still need a verdict (part 1)")
            if not view.decision:
                missing.append("the decision is not made")
            if missing:
                text.append("Before finishing: " + "; ".join(missing) + ".", style="yellow")
            else:
                text.append("Ready to finish: press t.", style="bold")
        for on, why in view.reopenings:
            text.append(f"\nReopened {on:%d %b %Y}: ", style="dim")
            text.append_text(literal(why, "dim"))
        self.query_one("#decision", Static).update(text)

    def action_edit(self) -> None:
        from .dialogs.review import DecisionDialog

        if self.editable():
            self.app.push_screen(DecisionDialog(self.evaluation_id), self.after_dialog)

    def action_toggle(self) -> None:
        if self.label:
            finish_or_reopen(self, self.evaluation_id, self.label, self.finished)
