"""Step 8: reflective practice: the journal list and the prompt library.

The journal shows the reflections of whoever is writing (this copy's owner,
unless someone switched, which the screen says) and what others shared;
another member's private reflection never reaches this screen. Writing
happens in ``screens.journal.JournalScreen``. The prompt library lists the
bundled prompts by theme and the group's own, with the meetings that used
each; enter puts one on a meeting's agenda.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from .dialogs.reflection import (
    FOR_NOW,
    NewReflectionDialog,
    OwnerDialog,
    PassphraseDialog,
    UnlockDialog,
)
from .journal import JournalScreen, journal_session
from .prompts import PromptLibraryScreen
from .safe import literal, one_line
from .steps import StepScreen
from .widgets.confirm import ConfirmDialog
from .widgets.tables import restore_cursor, selected_id

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from peergroup.services.journal_view import EntryRow, JournalView


def _short_day(d: dt.date) -> str:
    return f"{d.day} {d:%b %Y}"


class ReflectionScreen(StepScreen):
    step_key = "reflection"
    CSS_PATH = "reflection.tcss"
    BINDINGS = [
        Binding("a", "add", "New"),
        Binding("enter", "open", "Open", show=False),
        Binding("t", "toggle", "Share"),
        Binding("d", "remove", "Remove", show=False),
        Binding("p", "prompts", "Prompts"),
        Binding("z", "whoami", "Who"),
        Binding("u", "setup", "Passphrase"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: JournalView | None = None
        self._asked_owner = False
        self._restoring = False

    def compose(self) -> ComposeResult:
        yield from self.heading()
        yield Static("", id="journal-who")
        yield Static("", id="journal-privacy")
        yield Static("", id="journal-next")
        yield DataTable(id="entries", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#entries", DataTable)
        t.add_column("Date", width=11)
        t.add_column("By", width=14)
        t.add_column("Prompt, or the first words", width=36)
        t.add_column("State", width=9)

    # --- loading --------------------------------------------------------------------

    def load(self, session: Session, group_id: int, today: Any) -> Any:
        from peergroup.services import journal_saver, journal_view

        state = journal_session(self.app)
        db_path = self.app.db.path
        author = state.author_id
        view = journal_view.journal_view(
            session, group_id, db_path, author, state.key_for(author), today
        )
        if view.author is not None and author is None:
            view = journal_view.journal_view(
                session, group_id, db_path, None, state.key_for(view.author.member_id), today
            )
        pending = view.author is not None and journal_saver.has_recovery(
            db_path, view.author.member_id
        )
        return view, pending

    def show(self, loaded: Any) -> None:
        view, pending = loaded
        self.view = view
        self._paint(view)
        if view.author is None and view.people and not self._asked_owner:
            self._asked_owner = True
            self.app.push_screen(OwnerDialog(self.app.group_id, first_use=True), self._owner_chosen)
        if pending:
            self._restore_pending()

    def _paint(self, view: JournalView) -> None:
        who = Text()
        if view.author is None:
            who.append(
                "Nobody is writing yet."
                if view.people
                else "Add members first (step 2): a journal belongs to a member.",
                style="yellow",
            )
        else:
            who.append("Writing as ", style="bold")
            who.append_text(literal(view.author.name, "bold reverse"))
            if view.owner is not None and view.owner.member_id == view.author.member_id:
                who.append(" (this copy's owner)")
            elif view.owner is not None:
                who.append(" · this copy belongs to ")
                who.append_text(literal(view.owner.name))
            who.append(" · z: someone else", style="dim")
        self.query_one("#journal-who", Static).update(who)

        privacy = Text()
        if view.has_passphrase:
            privacy.append("🔒 ")
            privacy.append(view.privacy)
            privacy.append(
                " Unlocked." if view.unlocked else " Locked: u or enter to unlock.",
                style="green" if view.unlocked else "yellow",
            )
        else:
            privacy.append(view.privacy, style="yellow")
            privacy.append(" u: set a passphrase.", style="dim")
        self.query_one("#journal-privacy", Static).update(privacy)

        nxt = Text()
        if view.next_meeting is None:
            nxt.append("No upcoming meeting. ", style="dim")
        else:
            on, prompt = view.next_meeting
            nxt.append(f"Next meeting {on:%a} {_short_day(on)}: ", style="bold")
            if prompt:
                nxt.append_text(one_line(prompt, 120, "italic"))
            else:
                nxt.append("no prompt yet", style="yellow")
        nxt.append("  p: prompt library", style="dim")
        self.query_one("#journal-next", Static).update(nxt)

        table = self.query_one("#entries", DataTable)
        keep = table.cursor_row
        table.clear()
        for e in view.entries:
            words = e.preview if e.preview else ("(locked)" if e.locked else "")
            label = e.prompt if e.prompt and not words else (words or e.prompt)
            state = "shared" if e.shared else ("locked" if e.locked else "private")
            if e.encrypted and not e.locked:
                state = "encrypted"
            table.add_row(
                _short_day(e.written_on),
                one_line("me" if e.mine else e.author, 14),
                one_line(label, 36),
                Text(state, style="green" if e.shared else ("yellow" if e.locked else "")),
                key=str(e.reflection_id),
            )
        restore_cursor(table, keep)
        if not view.entries and view.author is not None:
            self.notify("No reflections yet: press a to write one.", timeout=4)

    # --- who is writing, and the passphrase ------------------------------------------------

    def _owner_chosen(self, result: Any) -> None:
        if result is None:
            return
        member_id, keep = result
        state = journal_session(self.app)
        owner = self.view.owner if self.view else None
        state.lock_all()  # another person at the keyboard: journals opened so far close
        if keep == FOR_NOW and (owner is None or owner.member_id != member_id):
            state.author_id = member_id
        else:
            state.author_id = None
        self.refresh_data()

    def action_whoami(self) -> None:
        if self.app.group_id is not None:
            self.app.push_screen(OwnerDialog(self.app.group_id), self._owner_chosen)

    def _author(self) -> Any:
        if self.view is None or self.view.author is None:
            if self.view is not None and self.view.people:
                self.action_whoami()
            return None
        return self.view.author

    def _readable(self) -> bool:
        """The writer's journal can be read now: no passphrase, or unlocked in this session
        (the view on screen may be a moment older than the key)."""
        view = self.view
        if view is None or view.author is None:
            return False
        key = journal_session(self.app).key_for(view.author.member_id)
        return not view.has_passphrase or key is not None

    def _with_key(self, then: Any) -> None:
        """Run ``then()`` once the author's journal is readable (unlocking it if need be)."""
        author = self._author()
        if author is None or self.view is None:
            return
        if self._readable():
            then()
            return

        def unlocked(key: Any) -> None:
            if key is not None:
                journal_session(self.app).keys[author.member_id] = key
                self.refresh_data()
                then()

        self.app.push_screen(UnlockDialog(author.member_id, author.name), unlocked)

    def action_setup(self) -> None:
        author = self._author()
        if author is None or self.view is None:
            return
        if not self._readable():
            self._with_key(lambda: None)
            return
        state = journal_session(self.app)

        def done(key: Any) -> None:
            if key is not None:
                state.keys[author.member_id] = key
                self.refresh_data()

        self.app.push_screen(
            PassphraseDialog(
                self.app.group_id,
                author.member_id,
                author.name,
                state.key_for(author.member_id),
                change=self.view.has_passphrase,
            ),
            done,
        )

    def action_lock(self) -> None:
        journal_session(self.app).lock_all()
        self.notify("Journals locked: the passphrase is needed again to read them.")
        self.refresh_data()

    def action_forget(self) -> None:
        from peergroup.services import journal as journal_svc

        author = self._author()
        if author is None or self.view is None or not self.view.has_passphrase:
            self.notify("This journal has no passphrase to forget.")
            return
        group_id, member_id, db = self.app.group_id, author.member_id, self.app.db

        def removed(count: int) -> None:
            journal_session(self.app).keys.pop(member_id, None)
            self.app.run_worker(lambda: journal_svc.scrub(db), thread=True, exit_on_error=False)
            self.notify(f"Removed {count} encrypted reflection(s); the journal starts again.")
            self.refresh_data()

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(
                    lambda s: journal_svc.forget_passphrase(s, group_id, member_id),
                    removed,
                    write=True,
                )

        self.app.push_screen(
            ConfirmDialog(
                f"Forgot the passphrase of {author.name}'s journal? Nobody can read the "
                "encrypted reflections without it, so they will be removed and the journal "
                "starts again without a passphrase. Shared reflections stay.",
                "Remove them",
                "Keep them",
            ),
            answered,
        )

    def _restore_pending(self) -> None:
        from peergroup.services import journal_saver

        if self._restoring or self.view is None or self.view.author is None:
            return
        if not self._readable():
            self.notify(
                "A reflection typed earlier could not be saved then; unlock the journal (u) "
                "to get it back.",
                severity="warning",
                timeout=10,
            )
            return
        self._restoring = True
        member_id, db_path = self.view.author.member_id, self.app.db.path
        key = journal_session(self.app).key_for(member_id)

        def restored(rid: Any) -> None:
            self._restoring = False
            journal_saver.discard_recovery(db_path, member_id)
            if rid is not None:
                self.notify("A reflection typed earlier is back in your journal.", timeout=8)
            self.refresh_data()

        self.run_db(
            lambda s: journal_saver.restore(s, db_path, member_id, key),
            restored,
            write=True,
            failed=lambda exc: setattr(self, "_restoring", False),
        )

    # --- the entries ------------------------------------------------------------------

    def _selected(self) -> EntryRow | None:
        rid = selected_id(self.query_one("#entries", DataTable))
        return next(
            (e for e in (self.view.entries if self.view else ()) if e.reflection_id == rid), None
        )

    def action_add(self) -> None:
        def start() -> None:
            author = self.view.author if self.view else None
            if author is None:
                return
            self.app.push_screen(
                NewReflectionDialog(
                    self.app.group_id, author.member_id, author.name, self.app.clock.today()
                ),
                lambda entry: entry is not None and self.app.push_screen(JournalScreen(entry)),
            )

        self._with_key(start)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        entry = self._selected()
        if entry is None:
            return
        if entry.locked and not self._readable():
            self._with_key(self.action_open)
            return
        self._open(entry.reflection_id)

    def _open(self, reflection_id: int) -> None:
        from peergroup.services import journal as journal_svc

        author = self.view.author if self.view else None
        if author is None:
            return
        key = journal_session(self.app).key_for(author.member_id)
        self.run_db(
            lambda s: journal_svc.open_reflection(s, reflection_id, author.member_id, key),
            lambda entry: self.app.push_screen(JournalScreen(entry)),
        )

    def action_toggle(self) -> None:
        from peergroup.services import journal as journal_svc

        entry = self._selected()
        if entry is None:
            return
        if not entry.mine:
            self.notify("Only its author can share or un-share a reflection.")
            return
        if (entry.locked or entry.shared) and not self._readable():
            self._with_key(self.action_toggle)
            return
        author = entry.author_id
        key = journal_session(self.app).key_for(author)
        share = not entry.shared

        def done(_revision: int) -> None:
            self.notify(
                "Shared with the group: it appears in that meeting's minutes export as yours."
                if share
                else "Private again: only you see it."
            )
            self.refresh_data()

        self.run_db(
            lambda s: journal_svc.set_shared(s, entry.reflection_id, author, share, key),
            done,
            write=True,
        )

    def action_remove(self) -> None:
        from peergroup.services import journal as journal_svc

        entry = self._selected()
        if entry is None:
            return
        if not entry.mine:
            self.notify("Only its author can remove a reflection.")
            return
        db, rid, author = self.app.db, entry.reflection_id, entry.author_id

        def removed(_: Any) -> None:
            self.app.run_worker(lambda: journal_svc.scrub(db), thread=True, exit_on_error=False)
            self.notify("Reflection removed.")
            self.refresh_data()

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(
                    lambda s: journal_svc.delete_reflection(s, rid, author), removed, write=True
                )

        self.app.push_screen(
            ConfirmDialog(
                f"Remove the reflection of {_short_day(entry.written_on)} for good?",
                "Remove",
                "Keep",
            ),
            answered,
        )

    def action_prompts(self) -> None:
        self.app.push_screen(PromptLibraryScreen())

    def palette(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Lock the journal", "Forget the journal keys opened in this session", self.action_lock
        )
        yield SystemCommand(
            "Forgot the journal passphrase",
            "Remove the encrypted reflections nobody can read any more, and start again",
            self.action_forget,
        )
