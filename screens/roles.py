"""Step 4: roles, rotated so that everyone takes their turn."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from .safe import literal, one_line
from .steps import StepScreen
from .widgets.form import FormDialog, FormField
from .widgets.tables import restore_cursor, selected_id


class RolesScreen(StepScreen):
    step_key = "logistics"
    CSS_PATH = "roles.tcss"
    BINDINGS = [
        Binding("r", "rotate", "Rotate"),
        Binding("a", "assign", "Assign"),
        Binding("h", "holders", "Standing roles"),
        Binding("n", "new_role", "New role"),
    ]

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
        yield Footer()

    def refresh_data(self) -> None:
        from peergroup.services import meetings as meetings_svc
        from peergroup.services import roles as roles_svc

        today = dt.date.today()
        with self.app.db.write() as session:
            group = self.group(session)
            all_roles = roles_svc.list_roles(session, group)
            rotating = [r.name for r in all_roles if r.rotates]
            standing = [(r.name, r.holder_id) for r in all_roles if not r.rotates]
            counts = roles_svc.role_counts(session, group, today)  # once: also gives the names
            names = {c.member_id: c.name for c in counts}
            upcoming = meetings_svc.list_meetings(
                session, group, start=today, include_cancelled=False
            )
            held = roles_svc.holders_by_meeting(session, group)
            holders = {
                m.id: {name: held.get(m.id, {}).get(name, (None, ""))[1] for name in rotating}
                for m in upcoming
            }
        self._rotating = rotating
        text = Text()
        for name, holder in standing:
            text.append(f"{name}: ", style="bold")
            text.append_text(literal(names.get(holder, "nobody yet")))
            text.append("   ")
        self.query_one("#standing", Static).update(text)

        t = self.query_one("#counts", DataTable)
        t.clear(columns=True)
        t.add_column("Member", width=22)
        for name in rotating:
            t.add_column(one_line(name, 16), width=16)
        for c in counts:
            style = "dim" if c.status == "alumni" else ""
            t.add_row(
                one_line(c.name, 22, style),
                *[f"{c.done[n]} / {c.planned[n]}" for n in rotating],
                key=str(c.member_id),
            )

        u = self.query_one("#upcoming", DataTable)
        keep = u.cursor_row
        u.clear(columns=True)
        u.add_column("Meeting", width=15)
        for name in rotating:
            u.add_column(one_line(name, 18), width=18)
        for m in upcoming:
            u.add_row(
                f"{m.on:%a %d %b %Y}",
                *[one_line(holders[m.id][n], 18) for n in rotating],
                key=str(m.id),
            )
        restore_cursor(u, keep)

    def action_rotate(self) -> None:
        from peergroup.services import roles as roles_svc

        with self.app.db.write() as session:
            changed = roles_svc.rotate(session, self.group(session))
        self.notify(f"Rotation done: {changed} assignment(s) changed. Hand-made choices were kept.")
        self.refresh_data()

    def action_assign(self) -> None:
        mid = selected_id(self.query_one("#upcoming", DataTable))
        if mid is None:
            self.notify(
                "No upcoming meetings: generate them on the calendar first.", severity="warning"
            )
            return
        self.app.push_screen(AssignDialog(mid), self.after_dialog)

    def action_holders(self) -> None:
        self.app.push_screen(HoldersDialog(), self.after_dialog)

    def action_new_role(self) -> None:
        self.app.push_screen(NewRoleDialog(), self.after_dialog)


def _member_options(session, group, on: dt.date | None = None):  # noqa: ANN001, ANN202
    from peergroup.services import membership as membership_svc
    from peergroup.services.roles import is_member_on

    members = membership_svc.list_members(session, group, ("active", "alumni"))
    return [(m.name, m.id) for m in members if on is None or is_member_on(m, on)]


class AssignDialog(FormDialog[int]):
    title_text = "Assign a role for this meeting by hand (rotation will keep it)"

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id

    def fields(self) -> list[FormField]:
        from peergroup.models import Meeting
        from peergroup.services import groups as groups_svc
        from peergroup.services import roles as roles_svc

        with self.app.db.write() as session:
            group = groups_svc.get_group(session, self.app.group_id)
            meeting = session.get(Meeting, self.meeting_id)
            roles = [(r.name, r.id) for r in roles_svc.list_roles(session, group) if r.rotates]
            members = _member_options(session, group, meeting.on)
        return [
            FormField("role_id", "Role", roles[0][1] if roles else None, "select", roles),
            FormField("member_id", "Member", 0, "select", [("(nobody: clear it)", 0), *members]),
        ]

    def save(self, values: dict[str, Any]) -> int:
        from peergroup.errors import InputError
        from peergroup.models import Meeting, Member, Role
        from peergroup.services import roles as roles_svc

        if not values["role_id"]:
            raise InputError("role_id", "pick a role.")
        with self.app.db.write() as session:
            meeting = session.get(Meeting, self.meeting_id)
            member = session.get(Member, values["member_id"]) if values["member_id"] else None
            roles_svc.assign(session, meeting, session.get(Role, values["role_id"]), member)
        return self.meeting_id


class HoldersDialog(FormDialog[int]):
    title_text = "Standing roles (one holder each)"

    def fields(self) -> list[FormField]:
        from peergroup.services import groups as groups_svc
        from peergroup.services import roles as roles_svc

        with self.app.db.write() as session:
            group = groups_svc.get_group(session, self.app.group_id)
            self._roles = [
                (r.id, r.name, r.holder_id)
                for r in roles_svc.list_roles(session, group)
                if not r.rotates
            ]
            members = _member_options(session, group)
        options = [("(nobody)", 0), *members]
        return [
            FormField(f"role_{rid}", name[:17], holder or 0, "select", options)
            for rid, name, holder in self._roles
        ]

    def save(self, values: dict[str, Any]) -> int:
        from peergroup.models import Member, Role
        from peergroup.services import roles as roles_svc

        with self.app.db.write() as session:
            for rid, _name, _holder in self._roles:
                chosen = values[f"role_{rid}"]
                roles_svc.set_holder(
                    session, session.get(Role, rid), session.get(Member, chosen) if chosen else None
                )
        return 1


class NewRoleDialog(FormDialog[int]):
    title_text = "New role"

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

    def save(self, values: dict[str, Any]) -> int:
        from peergroup.services import groups as groups_svc
        from peergroup.services import roles as roles_svc

        with self.app.db.write() as session:
            group = groups_svc.get_group(session, self.app.group_id)
            return roles_svc.add_role(session, group, values["name"], bool(values["rotates"])).id
