"""Step 2: membership rules, members over time, and the recruitment list."""

from __future__ import annotations

import calendar
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from .safe import literal, one_line
from .steps import StepScreen
from .widgets.form import FormDialog, FormField
from .widgets.tables import restore_cursor, selected_id

STATUS_STYLE = {"active": "green", "prospective": "yellow", "alumni": "dim"}
MONTHS = [(calendar.month_name[i], i) for i in range(1, 13)]


class MembershipScreen(StepScreen):
    step_key = "membership"
    CSS_PATH = "membership.tcss"
    BINDINGS = [
        Binding("a", "add", "Add member"),
        Binding("e", "edit", "Edit"),
        Binding("l", "leaves", "Leaves"),
        Binding("j", "joins", "Joins"),
        Binding("r", "rules", "Rules"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.heading()
        yield Static("", id="rules")
        yield DataTable(id="members", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#members", DataTable)
        table.add_column("Name", width=19, key="name")
        table.add_column("E-mail", width=20, key="email")
        table.add_column("Status", width=11, key="status")
        table.add_column("Joined", width=10, key="joined")
        table.add_column("Left", width=10, key="left")
        super().on_mount()

    def refresh_data(self) -> None:
        from peergroup.services import membership as membership_svc

        with self.app.db.write() as session:
            group = self.group(session)
            members = membership_svc.list_members(session, group)
            summary = membership_svc.summary(session, group)
            rules = (group.membership, group.end_date, group.end_condition, group.opt_in_month)
        kind, end_date, end_condition, month = rules
        text = Text()
        target = f"target {summary.target}" if summary.target else "no target size yet (press r)"
        text.append(
            f"{summary.active} active, {summary.prospective} on the recruitment list, {summary.alumni} alumni · {target}"
        )
        if summary.openings:
            text.append(f" · {summary.openings} opening(s)", style="bold")
        text.append("\n")
        if kind == "time-limited":
            text.append("Time-limited: ends ")
            text.append_text(literal(end_date.isoformat() if end_date else end_condition))
        else:
            text.append("Ongoing")
        text.append(
            f" · yearly opt-in/opt-out: {calendar.month_name[month] if month else 'not set'}"
        )
        if summary.next_opt_in:
            text.append(f" (next {summary.next_opt_in:%b %Y})")
        if summary.size_warning:
            text.append("\n⚠ " + summary.size_warning, style="yellow")
        if summary.recruits_short:
            text.append(
                f"\n⚠ Recruit ahead: {summary.recruits_short} more prospective member(s) needed to fill the openings.",
                style="yellow",
            )
        self.query_one("#rules", Static).update(text)

        table = self.query_one("#members", DataTable)
        keep = table.cursor_row
        table.clear()
        for m in members:
            table.add_row(
                one_line(m.name, 19),
                one_line(m.email, 20),
                Text(m.status, style=STATUS_STYLE.get(m.status, "")),
                m.joined_on.isoformat() if m.joined_on else "",
                m.left_on.isoformat() if m.left_on else "",
                key=str(m.id),
            )
        restore_cursor(table, keep)

    def _selected_id(self) -> int | None:
        return selected_id(self.query_one("#members", DataTable))

    def action_add(self) -> None:
        self.app.push_screen(MemberDialog(None), self.after_dialog)

    def action_edit(self) -> None:
        mid = self._selected_id()
        if mid is not None:
            self.app.push_screen(MemberDialog(mid), self.after_dialog)

    def action_leaves(self) -> None:
        mid = self._selected_id()
        if mid is not None:
            self.app.push_screen(LeaveDialog(mid), self.after_dialog)

    def action_joins(self) -> None:
        from peergroup.services import membership as membership_svc

        mid = self._selected_id()
        if mid is None:
            return
        with self.app.db.write() as session:
            member = membership_svc.get_member(session, mid)
            if member.status == "active":
                self.notify(f"{member.name} is already active.", markup=False)
                return
            membership_svc.activate(session, member)
            name = member.name
        self.notify(f"{name} is now an active member.", markup=False)
        self.refresh_data()

    def action_rules(self) -> None:
        self.app.push_screen(RulesDialog(), self.after_dialog)


class MemberDialog(FormDialog[int]):
    def __init__(self, member_id: int | None) -> None:
        super().__init__()
        self.member_id = member_id
        self.title_text = "New member" if member_id is None else "Edit member"

    def fields(self) -> list[FormField]:
        from peergroup.services import membership as membership_svc

        m = None
        if self.member_id is not None:
            with self.app.db.write() as session:
                m = membership_svc.get_member(session, self.member_id)
        return [
            FormField("name", "Name", m.name if m else ""),
            FormField("email", "E-mail", m.email if m else ""),
            FormField(
                "status",
                "Status",
                m.status if m else "active",
                "select",
                [
                    ("active", "active"),
                    ("prospective (recruitment list)", "prospective"),
                    ("alumni", "alumni"),
                ],
            ),
            FormField(
                "joined_on",
                "Joined",
                m.joined_on.isoformat() if m and m.joined_on else "",
                placeholder="YYYY-MM-DD (today if empty)",
            ),
            FormField(
                "left_on",
                "Left",
                m.left_on.isoformat() if m and m.left_on else "",
                placeholder="YYYY-MM-DD, alumni only",
            ),
            FormField("notes", "Notes", m.notes if m else "", "text"),
        ]

    def save(self, values: dict[str, Any]) -> int:
        from peergroup.services import membership as membership_svc

        data = membership_svc.MemberInput(
            name=values["name"],
            email=values["email"],
            status=values["status"] or "",
            joined_on=values["joined_on"],
            left_on=values["left_on"],
            notes=values["notes"],
        )
        with self.app.db.write() as session:
            if self.member_id is None:
                group = self.screen_group(session)
                return membership_svc.add_member(session, group, data).id
            member = membership_svc.get_member(session, self.member_id)
            return membership_svc.update_member(session, member, data).id

    def screen_group(self, session):  # noqa: ANN001, ANN201
        from peergroup.services import groups as groups_svc

        return groups_svc.get_group(session, self.app.group_id)


class LeaveDialog(FormDialog[int]):
    title_text = "Member leaves the group (their history is kept)"

    def __init__(self, member_id: int) -> None:
        super().__init__()
        self.member_id = member_id

    def fields(self) -> list[FormField]:
        import datetime as dt

        return [
            FormField(
                "left_on", "Leaving date", dt.date.today().isoformat(), placeholder="YYYY-MM-DD"
            )
        ]

    def save(self, values: dict[str, Any]) -> int:
        from peergroup.services import membership as membership_svc

        with self.app.db.write() as session:
            member = membership_svc.get_member(session, self.member_id)
            membership_svc.member_leaves(session, member, values["left_on"])
            return member.id


class RulesDialog(FormDialog[int]):
    title_text = "Membership rules"

    def fields(self) -> list[FormField]:
        from peergroup.services import groups as groups_svc

        with self.app.db.write() as session:
            g = groups_svc.get_group(session, self.app.group_id)
        return [
            FormField(
                "target_size",
                "Target size",
                g.target_size or "",
                placeholder="4 to 12 is typical",
                hint="Published groups have 4 to 12 members; outside that you get a warning.",
            ),
            FormField(
                "membership",
                "Membership",
                g.membership,
                "select",
                [
                    ("ongoing (open-ended development)", "ongoing"),
                    ("time-limited (ends at a goal or date)", "time-limited"),
                ],
            ),
            FormField(
                "end_date",
                "Ends on",
                g.end_date.isoformat() if g.end_date else "",
                placeholder="YYYY-MM-DD (time-limited only)",
            ),
            FormField(
                "end_condition",
                "Ends when",
                g.end_condition,
                placeholder="e.g. when every member has been promoted",
            ),
            FormField(
                "opt_in_month",
                "Opt-in month",
                g.opt_in_month,
                "select",
                MONTHS,
                allow_blank=True,
                hint="Each year in this month, members confirm they are staying (or step out).",
            ),
        ]

    def save(self, values: dict[str, Any]) -> int:
        from peergroup.services import groups as groups_svc

        with self.app.db.write() as session:
            g = groups_svc.get_group(session, self.app.group_id)
            groups_svc.set_membership_rules(
                session,
                g,
                target_size=values["target_size"],
                membership=values["membership"] or "",
                end_date=values["end_date"],
                end_condition=values["end_condition"],
                opt_in_month=values["opt_in_month"],
            )
            warning = groups_svc.size_warning(g.target_size)
        if warning:
            self.app.notify(warning, severity="warning", markup=False, timeout=8)
        return g.id
