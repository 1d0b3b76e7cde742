"""Step 3: group and individual SMART goals, check-ins, and the mission."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Select, Static

from .base import DbWork
from .safe import literal, one_line
from .steps import StepScreen
from .widgets.form import FormDialog, FormField
from .widgets.tables import FitsTables, restore_cursor, selected_id

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from peergroup.services.goals import GoalForm, GoalRow, GoalsView, MissionForm, MissionView


def _done(status: str, progress: int | None) -> Text:
    """The goal's progress column: an achieved goal says so, whatever its last check-in."""
    if status == "achieved":
        return Text("✔", style="green")
    if status == "dropped":
        return Text("–", style="dim")
    return Text(f"{progress}%" if progress is not None else "")


class GoalsScreen(FitsTables, StepScreen):
    FLEXIBLE = {"goals": {"owner": 8, "title": 16}}
    step_key = "goals"
    CSS_PATH = "goals.tcss"
    BINDINGS = [
        Binding("a", "add", "Add", tooltip="Add a goal for the group or a member"),
        Binding("e", "edit", "Edit"),
        Binding("c", "checkin", "Check-in"),
        Binding("w", "mission", "Mission"),
        Binding("h", "history", "History", show=False, tooltip="Earlier versions of the mission"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.heading()
        yield Static("", id="mission")
        yield DataTable(id="goals", cursor_type="row")
        yield Static("", id="smart")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        t = self.query_one("#goals", DataTable)
        t.add_column("Whose", width=14, key="owner")
        t.add_column("Term", width=5, key="term")
        t.add_column("Goal", width=28, key="title")
        t.add_column("SMART", width=5, key="smart")
        t.add_column("Due", width=10, key="due")
        t.add_column("Done", width=4, key="progress")
        self._goals: tuple[GoalRow, ...] | None = None  # None until the first load

    def load(self, session: Session, group_id: int, today: Any) -> GoalsView:
        from peergroup.services import goals as goals_svc

        return goals_svc.goals_view(session, group_id, today)

    def show(self, view: GoalsView) -> None:
        self._goals = view.goals
        mission = view.mission
        text = Text()
        if mission is None:
            text.append("No mission statement yet: press w to write one.", style="yellow")
        else:
            text.append("Mission ", style="bold")
            text.append(f"(adopted {mission.adopted_on}, revisit by {mission.revisit_by}")
            text.append(
                f", {view.earlier_missions} earlier version(s))" if view.earlier_missions else ")"
            )
            if mission.overdue:
                text.append("  ⚠ OVERDUE for a revisit: press w", style="bold red")
            text.append("\n")
            text.append_text(literal(mission.text))
        self.query_one("#mission", Static).update(text)

        table = self.query_one("#goals", DataTable)
        keep = table.cursor_row
        table.clear()
        for g in view.goals:
            status = "" if g.status == "open" else f" ({g.status})"
            table.add_row(
                one_line(g.owner),
                g.horizon,
                one_line(g.title + status),
                Text(g.badge, style="green" if not g.problems else "yellow"),
                g.due.isoformat() if g.due else "—",
                _done(g.status, g.progress),
                key=str(g.id),
            )
        restore_cursor(table, keep)
        self._show_smart()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_smart()

    def _show_smart(self) -> None:
        if self._goals is None:
            return
        out = Text()
        goal = self._selected()
        if not self._goals:
            out.append(
                "No goals yet: press a to add a group goal or one for a member.", style="yellow"
            )
        elif goal is not None:
            if goal.problems:
                for p in goal.problems[:4]:
                    out.append(f"{p.letter} ", style="bold yellow")
                    out.append(p.message + "\n")
            else:
                out.append("This goal is SMART.", style="green")
        self.query_one("#smart", Static).update(out)

    def _selected(self) -> GoalRow | None:
        gid = selected_id(self.query_one("#goals", DataTable))
        return next((g for g in self._goals or () if g.id == gid), None)

    def action_add(self) -> None:
        if self.app.group_id is not None:
            self.app.push_screen(GoalDialog(self.app.group_id, None), self.after_dialog)

    def action_edit(self) -> None:
        if (goal := self._selected()) is not None:
            self.app.push_screen(
                GoalDialog(self.app.group_id, goal.id, goal.title), self.after_dialog
            )

    def action_checkin(self) -> None:
        if (goal := self._selected()) is not None:
            self.app.push_screen(CheckinDialog(goal.id, goal.title), self.after_dialog)

    def action_mission(self) -> None:
        if self.app.group_id is not None:
            self.app.push_screen(MissionDialog(self.app.group_id), self.after_dialog)

    def action_history(self) -> None:
        if self.app.group_id is not None:
            self.app.push_screen(MissionHistory(self.app.group_id))


class GoalDialog(FormDialog[int]):
    def __init__(self, group_id: int, goal_id: int | None, title: str = "") -> None:
        super().__init__()
        self.group_id = group_id
        self.goal_id = goal_id
        self.title_text = "New goal" if goal_id is None else f"Edit the goal: {title}"

    def load(self, session: Session) -> GoalForm:
        from peergroup.services import goals as goals_svc

        return goals_svc.goal_form(session, self.group_id, self.goal_id)

    def fields(self) -> list[FormField]:
        form: GoalForm = self.data
        g = form.goal
        owner_options = [("The whole group", 0), *form.owners]
        # The live SMART check once the fields are on screen.
        self.call_after_refresh(self._update_hints)
        return [
            FormField(
                "title",
                "Goal",
                g.title if g else "",
                placeholder="e.g. Submit a first-author systematic review",
            ),
            FormField(
                "member_id", "Whose", (g.member_id or 0) if g else 0, "select", owner_options
            ),
            FormField(
                "horizon",
                "Term",
                g.horizon if g else "short",
                "select",
                [("short-term", "short"), ("long-term", "long")],
            ),
            FormField(
                "specific",
                "Specific",
                g.specific if g else "",
                placeholder="exactly what will be done",
            ),
            FormField(
                "measure",
                "Measurable",
                g.measure if g else "",
                placeholder="the target: how you will know it is done",
            ),
            FormField(
                "achievable",
                "Achievable",
                g.achievable if g else "",
                placeholder="the time, skills or help that make it doable",
            ),
            FormField(
                "relevant",
                "Relevant",
                g.relevant if g else "",
                placeholder="why it matters for the member or group",
            ),
            FormField(
                "due", "Due", g.due.isoformat() if g and g.due else "", placeholder="YYYY-MM-DD"
            ),
            FormField(
                "status",
                "Status",
                g.status if g else "open",
                "select",
                [("open", "open"), ("achieved", "achieved"), ("dropped", "dropped")],
            ),
            FormField(
                "competencies",
                "Competencies",
                (g.competencies or "") if g else "",
                placeholder="e.g. scholar, leader",
                hint=f"Comma-separated: {form.valid_competencies}.",
            ),
        ]

    def on_input_changed(self, event: Input.Changed) -> None:
        self._update_hints()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._update_hints()

    def _input(self, values: dict[str, Any]):  # noqa: ANN202
        from peergroup.services import goals as goals_svc

        return goals_svc.GoalInput(
            title=values["title"] or "",
            horizon=values["horizon"] or "short",
            member_id=values["member_id"] or None,
            specific=values["specific"] or "",
            measure=values["measure"] or "",
            achievable=values["achievable"] or "",
            relevant=values["relevant"] or "",
            due=values["due"],
            status=values["status"] or "open",
            competencies=values.get("competencies") or "",
        )

    def _update_hints(self) -> None:
        """Live SMART check while typing (no database: the check reads the fields only)."""
        from peergroup.services import goals as goals_svc

        if not getattr(self, "_fields", None) or not self.is_mounted:
            return
        problems = goals_svc.draft_problems(self._input(self.values()), self.app.clock.today())
        text = Text()
        if problems:
            text.append("SMART check: ", style="bold")
            text.append("; ".join(p.message.split(":")[0] for p in problems), style="yellow")
        else:
            text.append("SMART check: all five parts are there.", style="green")
        self.query_one("#form-extra", Static).update(text)

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.services import goals as goals_svc

        return goals_svc.save_goal(session, self.group_id, self.goal_id, self._input(values))


class CheckinDialog(FormDialog[int]):
    def __init__(self, goal_id: int, title: str) -> None:
        super().__init__()
        self.goal_id = goal_id
        self.title_text = f"Check-in: {title}"

    def fields(self) -> list[FormField]:
        return [
            FormField("progress", "Progress %", placeholder="0 to 100"),
            FormField("note", "Note", "", "text"),
            FormField("on", "Date", self.app.clock.today().isoformat(), placeholder="YYYY-MM-DD"),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.services import goals as goals_svc

        return goals_svc.check_in(
            session, self.goal_id, values["progress"], values["note"], values["on"]
        )


class MissionDialog(FormDialog[int]):
    title_text = "Mission statement (saving adds a new version; earlier ones are kept)"

    def __init__(self, group_id: int) -> None:
        super().__init__()
        self.group_id = group_id

    def load(self, session: Session) -> MissionForm:
        from peergroup.services import goals as goals_svc

        return goals_svc.mission_form(session, self.group_id)

    def fields(self) -> list[FormField]:
        form: MissionForm = self.data
        return [
            FormField(
                "text",
                "Mission",
                form.text,
                "text",
                hint="What the group is for and what members gain, e.g. 'to build a network of productive junior faculty'.",
            ),
            FormField(
                "revisit_by",
                "Revisit by",
                form.revisit_by.isoformat(),
                placeholder="YYYY-MM-DD",
                hint="At most 12 months ahead: the roadmap flags the mission when this date passes.",
            ),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.services import goals as goals_svc

        return goals_svc.new_mission_version(
            session, self.group_id, values["text"], values["revisit_by"]
        )


class MissionHistory(DbWork, ModalScreen[None]):
    CSS_PATH = "goals.tcss"
    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, group_id: int) -> None:
        super().__init__()
        self.group_id = group_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="mission-history"):
            yield Static("Mission history, newest first (escape to close)", classes="step-heading")
            yield Static("Loading…", classes="muted", id="history-text")

    def on_mount(self) -> None:
        from peergroup.services import goals as goals_svc

        group_id = self.group_id
        self.run_db(lambda session: goals_svc.mission_history_view(session, group_id), self._show)

    def _show(self, history: tuple[MissionView, ...]) -> None:
        text = Text()
        if not history:
            text.append("No mission statement yet.")
        for m in history:
            text.append(f"{m.adopted_on} (revisit by {m.revisit_by})\n", style="bold")
            text.append_text(literal(m.text))
            text.append("\n\n")
        widget = self.query_one("#history-text", Static)
        widget.remove_class("muted")
        widget.update(text)

    def action_close(self) -> None:
        self.dismiss(None)


__all__ = ["GoalsScreen", "GoalDialog", "CheckinDialog", "MissionDialog", "MissionHistory"]
