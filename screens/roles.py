"""Step 4: roles, rotated so that everyone takes their turn.

Everything shown comes from ``roles.roles_view`` (read in a worker); changes go
through the dialogs' ``save`` or ``run_db(write=True)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from .safe import literal, one_line
from .steps import StepScreen
from .widgets.form import FormDialog, FormField
from .widgets.tables import restore_cursor, selected_id

if TYPE_CHECKING:  # pragma: no cover
    import datetime as dt

    from sqlmodel import Session

    from peergroup.services.roles import RolesView


class RolesScreen(StepScreen):
    step_key = "logistics"
    CSS_PATH = "roles.tcss"
    BINDINGS = [
        Binding("a", "add", "Add", tooltip="Add a role of the group's own"),
        Binding("s", "assign", "Assign"),
        Binding("e", "edit", "Standing", tooltip="Who holds the standing roles (facilitator ...)"),
        Binding("g", "plan", "Rotate"),
    ]
    view: RolesView | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            Text("Roles: who does what, shared out fairly", style="bold"), classes="step-heading"
        )
        yield Static(
            "Counts are turns taken / turns planned. Hand-made assignments survive rotation.",
            classes="muted",
        )
        yield Static("", id="standing")
        yield DataTable(id="counts", cursor_type="row")
        yield DataTable(id="upcoming", cursor_type="row")
        yield Footer(compact=True)

    def load(self, session: Session, group_id: int, today: dt.date) -> RolesView:
        from peergroup.services import roles

        return roles.roles_view(session, group_id, today)

    def show(self, view: RolesView) -> None:
        self.view = view
        text = Text()
        for role in view.standing:
            text.append(f"{role.name}: ", style="bold")
            text.append_text(literal(role.holder_name or "nobody yet"))
            text.append("   ")
        self.query_one("#standing", Static).update(text)

        t = self.query_one("#counts", DataTable)
        t.clear(columns=True)
        t.add_column("Member", width=22)
        for role in view.rotating:
            t.add_column(one_line(role.name, 16), width=16)
        for c in view.counts:
            style = "dim" if c.status == "alumni" else ""
            t.add_row(
                one_line(c.name, 22, style),
                *[f"{done} / {planned}" for done, planned in c.turns],
                key=str(c.member_id),
            )

        u = self.query_one("#upcoming", DataTable)
        keep = u.cursor_row
        u.clear(columns=True)
        u.add_column("Meeting", width=15)
        for role in view.rotating:
            u.add_column(one_line(role.name, 18), width=18)
        for m in view.upcoming:
            u.add_row(
                f"{m.on:%a %d %b %Y}",
                *[one_line(name, 18) for name in m.holders],
                key=str(m.meeting_id),
            )
        restore_cursor(u, keep)

    def action_plan(self) -> None:
        from peergroup.services import roles

        group_id, today = self.app.group_id, self.app.clock.today()
        self.run_db(
            lambda s: roles.rotate_group(s, group_id, today),
            self._rotated,
            write=True,
        )

    def _rotated(self, changed: int) -> None:
        self.notify(f"Rotation done: {changed} assignment(s) changed. Hand-made choices were kept.")
        self.refresh_data()

    def action_assign(self) -> None:
        mid = selected_id(self.query_one("#upcoming", DataTable))
        if mid is None or self.view is None:
            self.notify(
                "No upcoming meetings: generate them on the calendar first.", severity="warning"
            )
            return
        label = next(m.label for m in self.view.upcoming if m.meeting_id == mid)
        self.app.push_screen(AssignDialog(mid, label), self.after_dialog)

    def _group_name(self) -> str:
        return self.view.group_name if self.view else "the group"

    def action_edit(self) -> None:
        self.app.push_screen(
            HoldersDialog(self.app.group_id, self._group_name()), self.after_dialog
        )

    def action_add(self) -> None:
        self.app.push_screen(
            NewRoleDialog(self.app.group_id, self._group_name()), self.after_dialog
        )


class AssignDialog(FormDialog[str]):
    def __init__(self, meeting_id: int, label: str) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.title_text = (
            f"Assign a role for the meeting of {label} by hand (rotation will keep it)"
        )

    def load(self, session: Session) -> Any:
        from peergroup.services import roles

        return roles.assign_form(session, self.meeting_id)

    def fields(self) -> list[FormField]:
        form = self.data
        return [
            FormField(
                "role_id", "Role", form.roles[0][1] if form.roles else None, "select", form.roles
            ),
            FormField(
                "member_id", "Member", 0, "select", [("(nobody: clear it)", 0), *form.members]
            ),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> str:
        from peergroup.services import roles

        return roles.assign_by_ids(
            session, self.meeting_id, values["role_id"], values["member_id"] or None
        )

    def saved(self, result: str) -> None:
        self.app.notify(result, markup=False)


class HoldersDialog(FormDialog[bool]):
    def __init__(self, group_id: int, group_name: str) -> None:
        super().__init__()
        self.group_id = group_id
        self.title_text = f"Standing roles of {group_name} (one holder each)"

    def load(self, session: Session) -> Any:
        from peergroup.services import roles

        return roles.holders_form(session, self.group_id)

    def fields(self) -> list[FormField]:
        options = [("(nobody)", 0), *self.data.members]
        return [
            FormField(f"role_{r.role_id}", r.name[:17], r.holder_id or 0, "select", options)
            for r in self.data.roles
        ]

    def save(self, session: Session, values: dict[str, Any]) -> bool:
        from peergroup.services import roles

        roles.set_holders(
            session,
            self.group_id,
            {r.role_id: values[f"role_{r.role_id}"] or None for r in self.data.roles},
        )
        return True


class NewRoleDialog(FormDialog[int]):
    def __init__(self, group_id: int, group_name: str) -> None:
        super().__init__()
        self.group_id = group_id
        self.title_text = f"A new role in {group_name}"

    def fields(self) -> list[FormField]:
        return [
            FormField("name", "Role name", placeholder="e.g. Timekeeper"),
            FormField(
                "rotates",
                "Kind",
                True,
                "select",
                [("rotates from meeting to meeting", True), ("one standing holder", False)],
            ),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> int:
        from peergroup.services import roles

        return roles.new_role(session, self.group_id, values["name"], bool(values["rotates"]))
