"""The app's command palette: every screen, step and action by name (a mixin of
``PeergroupApp``), plus the app-level actions only the palette reaches."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import SystemCommand
from textual.screen import Screen


class AppCommands:
    """Needs ``PeergroupApp``: ``db``, ``group_id``, ``run_db`` and its actions."""

    db: Any
    group_id: int | None

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.db is None:
            return
        from peergroup.steps import all_steps

        yield SystemCommand(
            "Roadmap (home)", "The ten steps and what to do next", self.action_go_home
        )
        yield SystemCommand(
            "Help: keys and steps", "Every key, and the ten steps in brief", self.action_show_help
        )
        yield SystemCommand(
            "Switch group", "Open another group in this database", self.action_switch_group
        )
        yield SystemCommand(
            "New group", "Create another group in this database", self.action_new_group
        )
        yield SystemCommand(
            "Meeting day",
            "Open today's (or the next) meeting to take minutes",
            self.action_open_meeting,
        )
        yield SystemCommand(
            "Search minutes",
            "Full-text search over minutes, decisions and action items",
            self.action_search,
        )
        yield SystemCommand(
            "My action items: close an item",
            "Open action items per member; t marks the selected one done",
            self.action_my_items,
        )
        if self.group_id is not None:
            yield SystemCommand(
                "Export the calendar (.ics)",
                "The group's meetings, or one member's, for Google, Outlook or Apple calendar",
                self.action_export_calendar,
            )
            yield SystemCommand(
                "Export minutes (Markdown)",
                "Minutes, decisions and action items of a date range, for e-mail or a shared drive",
                self.action_export_minutes,
            )
        yield SystemCommand("Roles", "Who takes which role, rotated fairly", self.action_roles)
        yield SystemCommand(
            "Pair check-ins (one-on-ones)",
            "Rotating one-on-one check-ins between group meetings, booked ahead",
            self.action_pairs,
        )
        yield SystemCommand(
            "Yearly review",
            "Goals, survey, outcomes and the annual report (step 10)",
            self.action_yearly_review,
        )
        yield SystemCommand(
            "Department view (all groups)",
            "Every group side by side for the chair: members, meetings, attendance, goals, "
            "reviews, outcomes",
            self.action_department,
        )
        yield from self._screen_actions(screen)
        palette = getattr(screen, "palette", None)
        if palette is not None:  # a screen's commands that have no key
            yield from palette()
        for step in all_steps():
            yield SystemCommand(
                f"Step {step.number}: {step.title}",
                f"Open step {step.number} of the roadmap",
                lambda k=step.key: self.open_step(k),
            )

    def _screen_actions(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action of the screen that has a key, by name, run as if the key was pressed."""
        from .keymap import meaning

        seen = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.action in seen or active.node is self:
                continue
            seen.add(binding.action)
            node, action = active.node, binding.action
            key_name = binding.key_display or self.get_key_display(binding)
            yield SystemCommand(
                f"{binding.description} ({key_name})",
                binding.tooltip or meaning(key) or "On this screen",
                lambda n=node, a=action: self.call_later(n.run_action, a),
            )

    def action_export_calendar(self) -> None:
        from .dialogs.calendar import IcsExportDialog

        if self.db is None or self.group_id is None:
            return
        # The dialog names the group: read it (off the UI thread), then ask.
        from peergroup.services import groups as groups_svc

        group_id = self.group_id
        self.run_db(
            lambda s: groups_svc.get_group(s, group_id).name,
            lambda name: self.push_screen(IcsExportDialog(group_id, name)),
        )

    def action_export_minutes(self) -> None:
        from .tracking import ExportMinutesDialog

        if self.db is not None and self.group_id is not None:
            self.push_screen(ExportMinutesDialog(group_id=self.group_id))

    def action_yearly_review(self) -> None:
        from .review import ReviewScreen

        if self.db is not None and self.group_id is not None:
            self.push_screen(ReviewScreen())

    def action_department(self) -> None:
        from .department import DepartmentScreen

        if self.db is not None:
            self.push_screen(DepartmentScreen())

    def action_pairs(self) -> None:
        from .pairs import PairsScreen

        if self.db is not None and self.group_id is not None:
            self.push_screen(PairsScreen())

    def action_roles(self) -> None:
        from .roles import RolesScreen

        if self.db is not None and self.group_id is not None:
            self.push_screen(RolesScreen())
