"""The Peergroup Textual app.

The database (and with it SQLAlchemy, two thirds of a naive start-up) is
opened in a thread worker after the first frame is painted; the home screen
shows "Opening…" until then. ``make_app`` is the one factory used by the CLI
and the tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

if TYPE_CHECKING:  # pragma: no cover
    from peergroup.db import Database


class DatabaseReady(Message):
    def __init__(self, db: Database, group_id: int | None) -> None:
        super().__init__()
        self.db = db
        self.group_id = group_id


class DatabaseFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class PeergroupApp(App[int]):
    TITLE = "Peergroup"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("ctrl+g", "switch_group", "Groups", tooltip="Switch to another group or create one"),
        Binding("f1", "show_help", "Help"),
    ]

    def __init__(self, db_path: Path, *, group: str | None = None, create: bool = False) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.requested_group = group
        self.create = create
        self.db: Database | None = None
        self.group_id: int | None = None

    # --- start-up -----------------------------------------------------------

    def on_mount(self) -> None:
        from .home import HomeScreen

        self.push_screen(HomeScreen())
        self._open_database()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _open_database(self) -> None:
        try:
            from peergroup.db import open_database
            from peergroup.errors import PeergroupError
            from peergroup.services import groups as groups_svc

            try:
                db = open_database(self.db_path, create=self.create)
            except PeergroupError as exc:
                self.post_message(DatabaseFailed(str(exc)))
                return
            group_id = None
            with db.scope() as session:
                groups = groups_svc.list_groups(session)
                if self.requested_group:
                    try:
                        group_id = groups_svc.find_group(session, self.requested_group).id
                    except PeergroupError:
                        group_id = None
                if group_id is None and groups:
                    group_id = groups[0].id
            self.post_message(DatabaseReady(db, group_id))
        except Exception as exc:  # noqa: BLE001 - shown to the user, not swallowed
            self.post_message(DatabaseFailed(f"Could not open {self.db_path}: {exc}"))

    def on_database_ready(self, message: DatabaseReady) -> None:
        self.db = message.db
        self.group_id = message.group_id
        if self.db.backup is not None:
            self.notify(
                f"Upgraded the database; the previous version was saved as {self.db.backup.name}.",
                markup=False,
                timeout=8,
            )
        if self.group_id is None:
            self.action_new_group(first_run=True)
        self.refresh_group()

    def on_database_failed(self, message: DatabaseFailed) -> None:
        self.exit(2, return_code=2, message=message.error)

    def on_unmount(self) -> None:
        if self.db is not None:
            self.db.close()

    # --- shared state -------------------------------------------------------

    def refresh_group(self) -> None:
        """Tell the visible screen that the group (or its data) changed."""
        screen = self.screen
        refresh = getattr(screen, "refresh_data", None)
        if refresh is not None and self.db is not None:
            refresh()

    def set_group(self, group_id: int) -> None:
        self.group_id = group_id
        # Leave step screens of the old group behind.
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.refresh_group()

    # --- actions ------------------------------------------------------------

    def action_switch_group(self) -> None:
        if self.db is None:
            return
        from .groups import GroupSwitcher

        def chosen(result: int | str | None) -> None:
            if result == "new":
                self.action_new_group()
            elif isinstance(result, int):
                self.set_group(result)

        self.push_screen(GroupSwitcher(), chosen)

    def action_new_group(self, first_run: bool = False) -> None:
        if self.db is None:
            return
        from .groups import NewGroupDialog

        def created(group_id: int | None) -> None:
            if group_id is not None:
                self.set_group(group_id)

        self.push_screen(NewGroupDialog(first_run=first_run), created)

    def action_show_help(self) -> None:
        from .help import HelpScreen

        self.push_screen(HelpScreen())

    def open_step(self, key: str) -> None:
        """Open the screen for a roadmap step (or its guide when it has none yet)."""
        if self.db is None or self.group_id is None:
            return
        from . import steps

        screen = steps.screen_for(key)
        self.push_screen(screen)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.db is None:
            return
        from . import steps

        yield SystemCommand("Roadmap (home)", "The ten steps and what to do next", self.action_go_home)
        yield SystemCommand("Switch group", "Open another group in this database", self.action_switch_group)
        yield SystemCommand("New group", "Create another group in this database", self.action_new_group)
        for number, key, title in steps.palette_entries():
            yield SystemCommand(f"Step {number}: {title}", f"Open step {number} of the roadmap", lambda k=key: self.open_step(k))

    def action_go_home(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.refresh_group()


def make_app(db_path: Path, *, group: str | None = None, create: bool = False) -> PeergroupApp:
    return PeergroupApp(db_path, group=group, create=create)
