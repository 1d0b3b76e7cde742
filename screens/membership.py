"""Step 2: membership rules, members over time, and the recruitment list."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from .safe import literal, one_line
from .steps import StepScreen
from .widgets.form import FormDialog, FormField
from .widgets.tables import FitsTables, restore_cursor, selected_id

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from peergroup.services.groups import RulesSaved, RulesView
    from peergroup.services.membership import Joined, MemberRow, MembersView

STATUS_STYLE = {"active": "green", "prospective": "yellow", "alumni": "dim"}
MONTHS = [(calendar.month_name[i], i) for i in range(1, 13)]


class MembershipScreen(FitsTables, StepScreen):
    FLEXIBLE = {"members": {"name": 16, "email": 8}}
    step_key = "membership"
    CSS_PATH = "membership.tcss"
    BINDINGS = [
        Binding("a", "add", "Add", tooltip="Add a member (or someone for the recruitment list)"),
        Binding("e", "edit", "Edit"),
        Binding("d", "remove", "Leaves", tooltip="The selected member leaves the group"),
        Binding("j", "join", "Joins", tooltip="The selected person becomes an active member"),
        Binding("u", "setup", "Rules", tooltip="Size, time limit and the yearly opt-in month"),
        Binding(
            "full_stop",
            "pairs",
            "Pairs",
            key_display=".",
            show=False,
            tooltip="One-on-one check-ins",
        ),
        Binding(
            "x",
            "export",
            "Statement",
            tooltip="The selected member's statement of their work in the group, for a dossier",
            show=False,  # the footer is full at 60 columns; F1 help and the palette list it
        ),
    ]

    def compose(self) -> ComposeResult:
        yield from self.heading()
        yield Static("", id="rules")
        yield DataTable(id="members", cursor_type="row")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#members", DataTable)
        table.add_column("Name", width=19, key="name")
        table.add_column("E-mail", width=20, key="email")
        table.add_column("Status", width=11, key="status")
        table.add_column("Joined", width=10, key="joined")
        table.add_column("Left", width=10, key="left")
        self._members: dict[int, MemberRow] = {}
        self._view: MembersView | None = None

    def load(self, session: Session, group_id: int, today: Any) -> MembersView:
        from peergroup.services import membership as membership_svc

        return membership_svc.members_view(session, group_id, today)

    def show(self, view: MembersView) -> None:
        self._view = view
        summary = view.summary
        text = Text()
        target = f"target {summary.target}" if summary.target else "no target size yet (press u)"
        text.append(
            f"{summary.active} active, {summary.prospective} on the recruitment list, "
            f"{summary.alumni} alumni · {target}"
        )
        if summary.openings:
            text.append(f" · {summary.openings} opening(s)", style="bold")
        text.append("\n")
        if view.membership == "time-limited":
            text.append("Time-limited: ends ")
            text.append_text(
                literal(view.end_date.isoformat() if view.end_date else view.end_condition)
            )
        else:
            text.append("Ongoing")
        month = view.opt_in_month
        text.append(
            f" · yearly opt-in/opt-out: {calendar.month_name[month] if month else 'not set'}"
        )
        if summary.next_opt_in:
            text.append(f" (next {summary.next_opt_in:%b %Y})")
        text.append(" · one-on-ones: press .", style="dim")  # the footer has no room at 60
        if summary.size_warning:
            text.append("\n⚠ " + summary.size_warning, style="yellow")
        if summary.recruits_short:
            text.append(
                f"\n⚠ Recruit ahead: {summary.recruits_short} more prospective member(s) "
                "needed to fill the openings.",
                style="yellow",
            )
        self.query_one("#rules", Static).update(text)

        self._members = {m.id: m for m in view.members}
        table = self.query_one("#members", DataTable)
        keep = table.cursor_row
        table.clear()
        for m in view.members:
            table.add_row(
                one_line(m.name),
                one_line(m.email),
                Text(m.status, style=STATUS_STYLE.get(m.status, "")),
                m.joined_on.isoformat() if m.joined_on else "",
                m.left_on.isoformat() if m.left_on else "",
                key=str(m.id),
            )
        restore_cursor(table, keep)

    def _selected(self) -> MemberRow | None:
        mid = selected_id(self.query_one("#members", DataTable))
        return self._members.get(mid) if mid is not None else None

    def action_add(self) -> None:
        if self.app.group_id is not None:
            self.app.push_screen(NewMemberDialog(self.app.group_id), self.after_dialog)

    def action_edit(self) -> None:
        if (member := self._selected()) is not None:
            self.app.push_screen(
                EditMemberDialog(self.app.group_id, member.id, member.name), self.after_dialog
            )

    def action_remove(self) -> None:
        if (member := self._selected()) is not None:
            self.app.push_screen(LeaveDialog(member.id, member.name), self.after_dialog)

    def action_join(self) -> None:
        from peergroup.services import membership as membership_svc

        member = self._selected()
        if member is None:
            return
        # A write: while another program holds the lock this waits in a worker
        # (with a notice) and the screen keeps answering keys.
        self.run_db(
            lambda session: membership_svc.join_group(session, member.id),
            self._joined,
            write=True,
            group="member-joins",
        )

    def _joined(self, joined: Joined) -> None:
        if joined.already_active:
            self.notify(f"{joined.name} is already an active member.", markup=False)
            return
        self.notify(f"{joined.name} is now an active member.", markup=False)
        self.refresh_data()

    def action_pairs(self) -> None:
        from .pairs import PairsScreen

        self.app.push_screen(PairsScreen())

    def action_export(self) -> None:
        from .dialogs.statement import MemberStatementDialog

        if (member := self._selected()) is not None:
            self.app.push_screen(MemberStatementDialog(member.id, member.name))

    def palette(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Member statement for a dossier",
            "Export the selected member's attendance, roles, sessions led, goals and outcomes",
            self.action_export,
        )

    def action_setup(self) -> None:
        if self._view is not None:
            self.app.push_screen(
                RulesDialog(self.app.group_id, self._view.group_name), self.after_dialog
            )


class MemberDialog(FormDialog["MemberRow"]):
    """The member form; ``self.data`` is the member being edited (None: a new one)."""

    def __init__(self, group_id: int, member_id: int | None = None) -> None:
        super().__init__()
        self.group_id = group_id
        self.member_id = member_id

    def fields(self) -> list[FormField]:
        m: MemberRow | None = self.data
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

    def save(self, session: Session, values: dict[str, Any]) -> MemberRow:
        from peergroup.services import membership as membership_svc

        data = membership_svc.MemberInput(
            name=values["name"],
            email=values["email"],
            status=values["status"] or "",
            joined_on=values["joined_on"],
            left_on=values["left_on"],
            notes=values["notes"],
        )
        return membership_svc.save_member(session, self.group_id, self.member_id, data)


class NewMemberDialog(MemberDialog):
    """Nothing to read first: the fields are there at once, ready for typing."""

    title_text = "New member"


class EditMemberDialog(MemberDialog):
    def __init__(self, group_id: int, member_id: int, name: str) -> None:
        super().__init__(group_id, member_id)
        self.title_text = f"Edit {name}"

    def load(self, session: Session) -> MemberRow:
        from peergroup.services import membership as membership_svc

        return membership_svc.member_details(session, self.member_id)


class LeaveDialog(FormDialog["MemberRow"]):
    def __init__(self, member_id: int, name: str) -> None:
        super().__init__()
        self.member_id = member_id
        self.title_text = f"{name} leaves the group (their history is kept)"

    def fields(self) -> list[FormField]:
        return [
            FormField(
                "left_on",
                "Leaving date",
                self.app.clock.today().isoformat(),
                placeholder="YYYY-MM-DD",
            )
        ]

    def save(self, session: Session, values: dict[str, Any]) -> MemberRow:
        from peergroup.services import membership as membership_svc

        return membership_svc.leave_group(session, self.member_id, values["left_on"])


class RulesDialog(FormDialog["RulesSaved"]):
    def __init__(self, group_id: int, group_name: str) -> None:
        super().__init__()
        self.group_id = group_id
        self.title_text = f"Membership rules of {group_name}"

    def load(self, session: Session) -> RulesView:
        from peergroup.services import groups as groups_svc

        return groups_svc.rules_view(session, self.group_id)

    def fields(self) -> list[FormField]:
        g: RulesView = self.data
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

    def save(self, session: Session, values: dict[str, Any]) -> RulesSaved:
        from peergroup.services import groups as groups_svc

        return groups_svc.save_rules(
            session,
            self.group_id,
            target_size=values["target_size"],
            membership=values["membership"] or "",
            end_date=values["end_date"],
            end_condition=values["end_condition"],
            opt_in_month=values["opt_in_month"],
        )

    def saved(self, result: RulesSaved) -> None:
        if result.warning:
            self.app.notify(result.warning, severity="warning", markup=False, timeout=8)
