"""The Peergroup Textual app.

The database (and with it SQLAlchemy, two thirds of a naive start-up) is
opened in a thread worker after the first frame is painted; the home screen
shows "Opening…" until then. ``make_app`` is the one factory used by the CLI
and the tests; it takes the clock, so tests pin "today".

No database call runs on the UI thread: screens use ``run_db`` (screens/base.py).
Problems reach the user through ``show_problem`` (domain errors: a
notification) and ``report_crash`` (anything else: a notification and a log
entry); neither ends the app.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding

from .app_commands import AppCommands
from .app_start import OpensDatabase
from .base import DbWork

if TYPE_CHECKING:  # pragma: no cover
    from peergroup.clock import Clock
    from peergroup.db import Database
    from peergroup.home_prefetch import Prefetch

# Start-up (imports, the database, the home view) is over by then, even on a busy
# machine; the garbage collector comes back on (see on_mount).
STARTUP_SECONDS = 3.0


class PeergroupApp(OpensDatabase, AppCommands, DbWork, App[int]):
    TITLE = "Peergroup"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding(
            "ctrl+g",
            "switch_group",
            "Groups",
            show=False,
            tooltip="Switch to another group or create one",
        ),
        Binding(
            "f1", "show_help", "Help", show=False
        ),  # named on the home screen and in the palette
        # One key for search on every screen (a text field keeps its own "/").
        Binding("slash", "search", "Search", show=False),
    ]

    def __init__(
        self,
        db_path: Path | str,
        *,
        clock: Clock | None = None,
        group: str | None = None,
        create: bool = False,
        start_meeting: str | None = None,
    ) -> None:
        from peergroup.clock import SYSTEM

        super().__init__()
        self.clock: Clock = clock or SYSTEM
        self.start_meeting = start_meeting  # "today" or YYYY-MM-DD: open the meeting screen at once
        # A file path, or a postgresql:// address (kept as text: Path() would fold its //).
        self.db_path: Path | str = db_path if "://" in str(db_path) else Path(db_path)
        self.requested_group = group
        self.create = create
        self.db: Database | None = None
        self.group_id: int | None = None
        # A database the start-up worker opened, and whether the app has closed:
        # a worker that finishes after the app unmounted closes what it opened
        # (else its connection stays open until the process ends).
        self._db_lock = threading.Lock()
        self._opened_db: Database | None = None
        self._closed = False
        self._open_started = False
        self._when_open: Callable[[], object] | None = None  # see _once_open
        # The home view a second process is working out (peergroup.home_prefetch), if any.
        self.prefetch: Prefetch | None = None
        # Before the stylesheets are first read: set from on_mount, the theme's new
        # colours made Textual parse every stylesheet a second time at start-up.
        self._remembered_theme()

    # --- start-up -----------------------------------------------------------

    def _remembered_theme(self) -> None:
        """The theme chosen last time (kept in the user's config folder, not the database)."""
        from peergroup import config

        name = config.get("theme")
        if isinstance(name, str) and name in self.available_themes:
            self.theme = name
        self._theme_ready = True

    def watch_theme(self, theme: str) -> None:
        if not getattr(self, "_theme_ready", False):
            return
        from peergroup import config

        try:
            config.put("theme", theme)
        except Exception:  # noqa: BLE001 - a settings file we cannot write must not stop the app
            self.log.warning("could not remember the theme")

    def on_mount(self) -> None:
        from .home import HomeScreen

        self.push_screen(HomeScreen())
        # peergroup's command line starts without the garbage collector (cli.main):
        # once start-up's imports are done, keep them out of every later
        # collection (freeze) and collect as usual from then on.
        self.set_timer(STARTUP_SECONDS, self._collect_garbage_again, name="gc-after-start")
        # After the first frame is on screen: opening the database (and the rest
        # of SQLAlchemy's import) must not hold up that first paint.
        self.call_after_refresh(self.open_database)
        if not self.is_headless:
            import asyncio
            import signal

            loop = asyncio.get_running_loop()
            for sig in (signal.SIGHUP, signal.SIGTERM):
                loop.add_signal_handler(sig, self._on_terminate_signal)
            self.set_interval(1.0, self._check_terminal, name="terminal-watch")

    def _check_terminal(self) -> None:
        """Leave (after saving) when the terminal has gone away without a SIGHUP.

        A pseudo-terminal whose other end was closed (a killed terminal emulator,
        an SSH session dropped without a hangup) reports POLLHUP on our side;
        Textual's input thread would otherwise read nothing forever at full CPU.
        """
        if terminal_gone():
            self._on_terminate_signal()

    # --- problems -----------------------------------------------------------

    def show_problem(self, exc: Exception) -> None:
        """A domain error (bad input, a lock that stayed, a read-only file): say it."""
        self.notify(str(exc), severity="error", timeout=10, markup=False)

    def report_crash(self, exc: BaseException) -> None:
        """Anything unexpected: tell the user and keep a traceback, but keep running."""
        import traceback

        from peergroup.paths import data_home

        text = "".join(traceback.format_exception(exc))
        self.log.error(text)
        where = ""
        try:
            log = data_home() / "errors.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            with log.open("a", encoding="utf-8") as fh:
                fh.write(f"--- {self.clock.now().isoformat()}\n{text}\n")
            where = f" Details were written to {log}."
        except OSError:
            pass
        self.notify(
            f"Something went wrong ({type(exc).__name__}: {exc}). Nothing you typed was "
            f"thrown away; please report this.{where}",
            severity="error",
            timeout=15,
            markup=False,
        )

    def show_busy(self, error: Exception | None = None) -> None:
        from peergroup.server import DatabaseUnavailable

        away = isinstance(error, DatabaseUnavailable)
        self.notify(
            (
                "Waiting for the database server, which cannot be reached right now. "
                "Your change is kept and goes in as soon as it is back."
                if away
                else "Waiting for the database: another program is writing to it. "
                "Your change is kept and goes in as soon as it is free."
            ),
            severity="warning",
            timeout=5,
            markup=False,
        )

    def show_busy_over(self) -> None:
        self.notify("The database is free again; done.", timeout=3)

    # --- shared state -------------------------------------------------------

    def refresh_group(self) -> None:
        """Tell the visible screen that the group (or its data) changed."""
        screen = self.screen
        refresh = getattr(screen, "refresh_data", None)
        if refresh is not None and self.db is not None:
            refresh()

    def set_group(self, group_id: int) -> None:
        if self._unsaved_conflict():
            return

        def switch() -> None:
            self.flush_all()
            self.group_id = group_id
            # Leave step screens of the old group behind.
            while len(self.screen_stack) > 2:
                self.pop_screen()
            self.refresh_group()

        self._unless_forms_lose_typing(switch, "Switch groups")

    def _unless_forms_lose_typing(self, go: Callable[[], None], verb: str) -> None:
        """Run ``go`` (which closes screens) at once, or after asking when an open
        form holds typing that closing it would throw away."""
        unsaved = self.unsaved_forms()
        if not unsaved:
            go()
            return
        from .widgets.confirm import ConfirmDialog

        def answered(anyway: bool | None) -> None:
            if anyway:
                go()

        names = "; ".join(f"\u201c{n}\u201d" for n in unsaved[:2])
        self.push_screen(
            ConfirmDialog(
                f"{verb} without saving what you typed in {names}? (ctrl+s in the form saves it.)",
                f"{verb} anyway",
                "Keep editing",
            ),
            answered,
        )

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

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    # --- leaving ------------------------------------------------------------

    def unsaved_forms(self) -> list[str]:
        """Titles of open forms (and screens) holding typing that is not saved."""
        found = []
        for screen in self.screen_stack:
            check = getattr(screen, "has_unsaved", None)
            if check is not None and check():
                found.append(getattr(screen, "title_text", "") or type(screen).__name__)
        return found

    async def action_quit(self) -> None:
        """ctrl+q: quit, but ask first when a form holds typing that would be lost.

        Minutes and journal text are saved continuously (and flushed on the way
        out); what a form holds is only saved by ctrl+s, so that is what is asked
        about."""
        unsaved = self.unsaved_forms()
        if not unsaved:
            self.flush_all()
            self.exit(0)
            return
        from .widgets.confirm import ConfirmDialog

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.flush_all()
                self.exit(0)

        names = "; ".join(f"\u201c{n}\u201d" for n in unsaved[:2])
        self.push_screen(
            ConfirmDialog(
                f"Quit without saving what you typed in {names}? (ctrl+s in the form saves it.)",
                "Quit anyway",
                "Keep editing",
            ),
            answered,
        )

    def action_help_quit(self) -> None:
        """ctrl+c copies in a text field; elsewhere it says how to quit and copy."""
        self.notify(
            "ctrl+q quits (it asks first if something typed is not saved). "
            "ctrl+c copies selected text in a text field.",
            title="To quit",
            timeout=6,
            markup=False,
        )

    def open_step(self, key: str) -> None:
        """Open the screen for a roadmap step (or its guide when it has none yet)."""
        if self._once_open(lambda: self.open_step(key)) or self.group_id is None:
            return
        from . import steps

        self.push_screen(steps.screen_for(key))

    def open_meeting(self, meeting_id: int | None = None, on: dt.date | None = None) -> None:
        """The scribe's screen for a meeting (default: today's or the next one)."""
        if self._once_open(lambda: self.open_meeting(meeting_id, on)) or self.group_id is None:
            return
        from peergroup.services import meetings as meetings_svc

        group_id, today = self.group_id, self.clock.today()
        self.run_db(
            lambda s: meetings_svc.meeting_to_open(s, group_id, meeting_id, on=on, today=today),
            self._show_meeting,
        )

    def _show_meeting(self, found: object) -> None:
        from peergroup.services.meetings import MeetingRef

        if isinstance(found, str):  # why there is none to open
            self.notify(found, severity="warning", markup=False)
            return
        assert isinstance(found, MeetingRef)
        from .meeting import MeetingScreen

        self.push_screen(MeetingScreen(found.id))

    def flush_all(self) -> None:
        """Save whatever any open screen holds unsaved (minutes being typed)."""
        for screen in reversed(self.screen_stack):
            flush = getattr(screen, "flush", None)
            if flush is not None:
                with contextlib.suppress(Exception):  # keep flushing the others
                    flush()

    def _on_terminate_signal(self) -> None:
        # SIGHUP (terminal closed) and SIGTERM end a Textual app without
        # on_unmount (Textual issue 5140): save first, then exit.
        self.flush_all()
        self.exit(0)

    def action_open_meeting(self) -> None:
        self.open_meeting()

    def action_search(self) -> None:
        from textual.screen import ModalScreen

        from .tracking import SearchScreen

        if self.db is None or isinstance(self.screen, (SearchScreen, ModalScreen)):
            return  # already searching, or a dialog waits for an answer
        self.push_screen(SearchScreen())

    def action_my_items(self) -> None:
        from .tracking import MyItemsScreen

        if self.db is not None and self.group_id is not None:
            self.push_screen(MyItemsScreen())

    def _unsaved_conflict(self) -> bool:
        if any(getattr(s, "_in_conflict", False) for s in self.screen_stack):
            self.notify(
                "A meeting's minutes wait for your choice of text first (ctrl+o mine, ctrl+t theirs).",
                severity="warning",
            )
            return True
        return False

    def action_go_home(self) -> None:
        if self._unsaved_conflict():
            return

        def home() -> None:
            self.flush_all()
            while len(self.screen_stack) > 2:
                self.pop_screen()
            self.refresh_group()

        self._unless_forms_lose_typing(home, "Go home")


def terminal_gone(fd: int | None = None) -> bool:
    """Whether the terminal on ``fd`` (default: stdin) has hung up."""
    import select
    import sys

    try:
        fd = sys.__stdin__.fileno() if fd is None else fd  # type: ignore[union-attr]
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        events = poller.poll(0)
    except (OSError, ValueError, AttributeError):
        return False
    return any(ev & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _fd, ev in events)


def make_app(
    db_path: Path | str,
    *,
    clock: Clock | None = None,
    group: str | None = None,
    create: bool = False,
    start_meeting: str | None = None,
) -> PeergroupApp:
    return PeergroupApp(
        db_path, clock=clock, group=group, create=create, start_meeting=start_meeting
    )
