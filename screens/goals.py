"""Step 3: group and individual SMART goals, check-ins, and the mission."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Select, Static

from .safe import literal, one_line
from .steps import StepScreen
from .widgets.form import FormDialog, FormField
from .widgets.tables import restore_cursor, selected_id


class GoalsScreen(StepScreen):
    step_key = "goals"
    CSS_PATH = "goals.tcss"
    BINDINGS = [
        Binding("a", "add", "Add goal"),
        Binding("e", "edit", "Edit"),
        Binding("c", "checkin", "Check-in"),
        Binding("m", "mission", "Mission"),
        Binding("h", "history", "History"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.heading()
        yield Static("", id="mission")
        yield DataTable(id="goals", cursor_type="row")
        yield Static("", id="smart")
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#goals", DataTable)
        t.add_column("Whose", width=14, key="owner")
        t.add_column("Term", width=5, key="term")
        t.add_column("Goal", width=28, key="title")
        t.add_column("SMART", width=5, key="smart")
        t.add_column("Due", width=10, key="due")
        t.add_column("Done", width=4, key="progress")
        self._goals: list = []
        super().on_mount()

    def refresh_data(self) -> None:
        from peergroup.services import goals as goals_svc

        today = dt.date.today()
        with self.app.db.write() as session:
            group = self.group(session)
            mission = goals_svc.current_mission(session, group)
            versions = len(goals_svc.mission_history(session, group))
            goals = goals_svc.list_goals(session, group)
            owners = {m.id: m.name for m in _members(session, group)}
            rows = [
                (
                    g,
                    goals_svc.smart_badge(g, today),
                    goals_svc.smart_check(g, today),
                    goals_svc.latest_progress(session, g),
                )
                for g in goals
            ]
        self._goals = rows
        text = Text()
        if mission is None:
            text.append("No mission statement yet: press m to write one.", style="yellow")
        else:
            text.append("Mission ", style="bold")
            text.append(f"(adopted {mission.adopted_on}, revisit by {mission.revisit_by}")
            text.append(f", {versions - 1} earlier version(s))" if versions > 1 else ")")
            if goals_svc.mission_overdue(mission, today):
                text.append("  ⚠ OVERDUE for a revisit: press m", style="bold red")
            text.append("\n")
            text.append_text(literal(mission.text))
        self.query_one("#mission", Static).update(text)

        table = self.query_one("#goals", DataTable)
        keep = table.cursor_row
        table.clear()
        for g, badge, problems, progress in rows:
            owner = "Group" if g.member_id is None else owners.get(g.member_id, "?")
            status = "" if g.status == "open" else f" ({g.status})"
            table.add_row(
                one_line(owner, 14),
                g.horizon,
                one_line(g.title + status, 28),
                Text(badge, style="green" if not problems else "yellow"),
                g.due.isoformat() if g.due else "—",
                f"{progress}%" if progress is not None else "",
                key=str(g.id),
            )
        restore_cursor(table, keep)
        self._show_smart()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_smart()

    def _show_smart(self) -> None:
        table = self.query_one("#goals", DataTable)
        out = Text()
        if not self._goals:
            out.append(
                "No goals yet: press a to add a group goal or one for a member.", style="yellow"
            )
        elif 0 <= table.cursor_row < len(self._goals):
            g, _badge, problems, _p = self._goals[table.cursor_row]
            if problems:
                for p in problems[:4]:
                    out.append(f"{p.letter} ", style="bold yellow")
                    out.append(p.message + "\n")
            else:
                out.append("This goal is SMART.", style="green")
        self.query_one("#smart", Static).update(out)

    def _selected(self) -> int | None:
        return selected_id(self.query_one("#goals", DataTable))

    def action_add(self) -> None:
        self.app.push_screen(GoalDialog(None), self.after_dialog)

    def action_edit(self) -> None:
        gid = self._selected()
        if gid is not None:
            self.app.push_screen(GoalDialog(gid), self.after_dialog)

    def action_checkin(self) -> None:
        gid = self._selected()
        if gid is not None:
            self.app.push_screen(CheckinDialog(gid), self.after_dialog)

    def action_mission(self) -> None:
        self.app.push_screen(MissionDialog(), self.after_dialog)

    def action_history(self) -> None:
        self.app.push_screen(MissionHistory())


def _members(session, group):  # noqa: ANN001, ANN202
    from peergroup.services import membership as membership_svc

    return membership_svc.list_members(session, group)


class GoalDialog(FormDialog[int]):
    def __init__(self, goal_id: int | None) -> None:
        super().__init__()
        self.goal_id = goal_id
        self.title_text = "New goal" if goal_id is None else "Edit goal"

    def fields(self) -> list[FormField]:
        from peergroup.models import Goal
        from peergroup.services import groups as groups_svc

        with self.app.db.write() as session:
            group = groups_svc.get_group(session, self.app.group_id)
            members = [
                (m.name, m.id) for m in _members(session, group) if m.status != "prospective"
            ]
            g = session.get(Goal, self.goal_id) if self.goal_id else None
        owner_options = [("The whole group", 0), *members]
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
        ]

    def on_mount(self) -> None:
        self._update_hints()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._update_hints()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._update_hints()

    def _update_hints(self) -> None:
        """Live SMART check while typing."""
        from peergroup.errors import InputError
        from peergroup.models import Goal
        from peergroup.services import goals as goals_svc
        from peergroup.services.validate import parse_date

        v = self.values()
        try:
            due = parse_date("due", v["due"])
        except InputError:
            due = None
        draft = Goal(
            group_id=0,
            title=v["title"] or "",
            specific=v["specific"] or "",
            measure=v["measure"] or "",
            achievable=v["achievable"] or "",
            relevant=v["relevant"] or "",
            due=due,
            status=v["status"] or "open",
        )
        problems = goals_svc.smart_check(draft)
        text = Text()
        if problems:
            text.append("SMART check: ", style="bold")
            text.append("; ".join(p.message.split(":")[0] for p in problems), style="yellow")
        else:
            text.append("SMART check: all five parts are there.", style="green")
        self.query_one("#form-extra", Static).update(text)

    def save(self, values: dict[str, Any]) -> int:
        from peergroup.models import Goal
        from peergroup.services import goals as goals_svc
        from peergroup.services import groups as groups_svc

        data = goals_svc.GoalInput(
            title=values["title"],
            horizon=values["horizon"] or "short",
            member_id=values["member_id"] or None,
            specific=values["specific"],
            measure=values["measure"],
            achievable=values["achievable"],
            relevant=values["relevant"],
            due=values["due"],
            status=values["status"] or "open",
        )
        with self.app.db.write() as session:
            if self.goal_id is None:
                return goals_svc.add_goal(
                    session, groups_svc.get_group(session, self.app.group_id), data
                ).id
            return goals_svc.update_goal(session, session.get(Goal, self.goal_id), data).id


class CheckinDialog(FormDialog[int]):
    title_text = "Progress check-in"

    def __init__(self, goal_id: int) -> None:
        super().__init__()
        self.goal_id = goal_id

    def fields(self) -> list[FormField]:
        return [
            FormField("progress", "Progress %", placeholder="0 to 100"),
            FormField("note", "Note", "", "text"),
            FormField("on", "Date", dt.date.today().isoformat(), placeholder="YYYY-MM-DD"),
        ]

    def save(self, values: dict[str, Any]) -> int:
        from peergroup.models import Goal
        from peergroup.services import goals as goals_svc

        with self.app.db.write() as session:
            goal = session.get(Goal, self.goal_id)
            return goals_svc.add_checkin(
                session, goal, values["progress"], values["note"], values["on"]
            ).id


class MissionDialog(FormDialog[int]):
    title_text = "Mission statement (saving adds a new version; earlier ones are kept)"

    def fields(self) -> list[FormField]:
        from dateutil.relativedelta import relativedelta

        from peergroup.services import goals as goals_svc
        from peergroup.services import groups as groups_svc

        with self.app.db.write() as session:
            current = goals_svc.current_mission(
                session, groups_svc.get_group(session, self.app.group_id)
            )
        today = dt.date.today()
        return [
            FormField(
                "text",
                "Mission",
                current.text if current else "",
                "text",
                hint="What the group is for and what members gain, e.g. 'to build a network of productive junior faculty'.",
            ),
            FormField(
                "revisit_by",
                "Revisit by",
                (today + relativedelta(months=12)).isoformat(),
                placeholder="YYYY-MM-DD",
                hint="At most 12 months ahead: the roadmap flags the mission when this date passes.",
            ),
        ]

    def save(self, values: dict[str, Any]) -> int:
        from peergroup.services import goals as goals_svc
        from peergroup.services import groups as groups_svc

        with self.app.db.write() as session:
            group = groups_svc.get_group(session, self.app.group_id)
            return goals_svc.adopt_mission(session, group, values["text"], values["revisit_by"]).id


class MissionHistory(ModalScreen[None]):
    CSS_PATH = "goals.tcss"
    BINDINGS = [Binding("escape,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        from peergroup.services import goals as goals_svc
        from peergroup.services import groups as groups_svc

        with self.app.db.write() as session:
            history = goals_svc.mission_history(
                session, groups_svc.get_group(session, self.app.group_id)
            )
        text = Text()
        if not history:
            text.append("No mission statement yet.")
        for m in history:
            text.append(f"{m.adopted_on} (revisit by {m.revisit_by})\n", style="bold")
            text.append_text(literal(m.text))
            text.append("\n\n")
        with VerticalScroll(id="mission-history"):
            yield Static("Mission history, newest first (escape to close)", classes="step-heading")
            yield Static(text)

    def action_close(self) -> None:
        self.dismiss(None)


__all__ = ["GoalsScreen", "GoalDialog", "CheckinDialog", "MissionDialog", "MissionHistory"]
