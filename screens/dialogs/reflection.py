"""Step 8's dialogs: who is writing, the journal passphrase, a new reflection,
and the group's own prompts.

Each reads in ``load`` and writes in ``save``, both in a worker (``FormDialog``).
Passphrases are typed into masked fields and go no further than the service
that derives the key; the key comes back as the dialog's result and lives in
the app's memory only (``screens.journal.JournalSession``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..widgets.form import FormDialog, FormField

# The form's own style, then this module's (absolute paths: the dialogs open from other modules).
_CSS = [FormDialog.CSS_PATH, str(Path(__file__).with_name("reflection.tcss"))]

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

OWNER = "owner"
FOR_NOW = "session"


class OwnerDialog(FormDialog[tuple[int, str]]):
    """Who is at the keyboard: this copy's owner (kept in the user's settings), or
    someone writing for now. Returns (member id, OWNER or FOR_NOW)."""

    CSS_PATH = _CSS

    WRITES = False  # the owner goes to the config folder, never the database

    def __init__(self, group_id: int, *, first_use: bool = False) -> None:
        super().__init__()
        self.group_id = group_id
        self.first_use = first_use
        self.title_text = (
            "Whose copy of Peergroup is this? The journal writes as its owner."
            if first_use
            else "Who is writing in the journal?"
        )

    def load(self, session: Session) -> Any:
        from peergroup.services import journal as journal_svc

        return journal_svc.people(session, self.group_id, self.app.db.path)

    def fields(self) -> list[FormField]:
        view = self.data
        people = [(p.name, p.member_id) for p in view.people]
        current = view.owner.member_id if view.owner else None
        out = [FormField("member", "Person", current, "select", people)]
        if not self.first_use:
            out.append(
                FormField(
                    "keep",
                    "Remember",
                    FOR_NOW,
                    "select",
                    [
                        ("Just for now: until Peergroup closes", FOR_NOW),
                        ("This copy belongs to them (kept in your settings)", OWNER),
                    ],
                )
            )
        return out

    def ready(self) -> None:
        from rich.text import Text

        self.query_one("#form-extra").update(
            Text(
                "Kept in your own settings folder, not in the database: a database passed "
                "to someone else does not say who you are. Switching person locks every "
                "journal opened with a passphrase.",
                style="dim",
            )
        )

    def save(self, session: Session, values: dict[str, Any]) -> tuple[int, str]:
        from peergroup.errors import InputError
        from peergroup.services import journal as journal_svc

        member_id = values.get("member")
        if member_id is None:
            raise InputError("member", "is empty; choose who is writing.")
        keep = OWNER if self.first_use else values.get("keep") or FOR_NOW
        if keep == OWNER:
            journal_svc.set_owner(session, self.group_id, self.app.db.path, member_id)
        return int(member_id), keep


class _Masked:
    """Fields whose names are in MASKED are typed as passwords (shown as dots)."""

    MASKED = ("passphrase", "confirm")

    def _widget(self, f: FormField):  # noqa: ANN202
        widget = super()._widget(f)  # type: ignore[misc]
        if f.name in self.MASKED:
            widget.password = True
        return widget


class PassphraseDialog(_Masked, FormDialog[Any]):
    """Set (or change) a member's journal passphrase. Returns the unlocked key."""

    CSS_PATH = _CSS

    def __init__(self, group_id: int, member_id: int, name: str, current: Any, *, change: bool):
        super().__init__()
        self.group_id = group_id
        self.member_id = member_id
        self.current = current  # the unlocked key, when changing
        verb = "Change" if change else "Set"
        self.title_text = f"{verb} the journal passphrase of {name}"

    def fields(self) -> list[FormField]:
        from peergroup.services import journal_crypto

        return [
            FormField(
                "passphrase",
                "Passphrase",
                "",
                hint=f"At least {journal_crypto.PASSPHRASE_MIN} characters; a short sentence works well.",
            ),
            FormField("confirm", "Again", ""),
        ]

    def ready(self) -> None:
        from rich.text import Text

        from peergroup.services.journal import FORGOTTEN_WARNING

        text = Text("Your private reflections will be stored encrypted with it. ")
        text.append(FORGOTTEN_WARNING, style="bold")
        self.query_one("#form-extra").update(text)

    def save(self, session: Session, values: dict[str, Any]) -> Any:
        from peergroup.services import journal as journal_svc

        return journal_svc.set_passphrase(
            session,
            self.group_id,
            self.member_id,
            values["passphrase"],
            values["confirm"],
            self.current,
        )

    def saved(self, result: Any) -> None:
        from peergroup.services import journal as journal_svc

        db = self.app.db
        # Move the re-written pages out of the write-ahead log, so no plain text stays there.
        self.app.run_worker(lambda: journal_svc.scrub(db), thread=True, exit_on_error=False)
        self.app.notify(
            "Passphrase set. Your private reflections are now stored encrypted; without the "
            "passphrase nobody can read them, you included.",
            timeout=10,
        )


class UnlockDialog(_Masked, FormDialog[Any]):
    """Open a journal with its passphrase. Returns the key; reads nothing else."""

    CSS_PATH = _CSS

    WRITES = False
    MASKED = ("passphrase",)

    def __init__(self, member_id: int, name: str) -> None:
        super().__init__()
        self.member_id = member_id
        self.title_text = f"Unlock the journal of {name}"

    def fields(self) -> list[FormField]:
        return [FormField("passphrase", "Passphrase", "")]

    def save(self, session: Session, values: dict[str, Any]) -> Any:
        from peergroup.services import journal as journal_svc

        return journal_svc.unlock(session, self.member_id, values["passphrase"])


class NewReflectionDialog(FormDialog[Any]):
    """Where a new reflection starts: a meeting's prompt, a library prompt, or none.
    Returns the empty reflection to write (``journal.ReflectionText``)."""

    CSS_PATH = _CSS

    WRITES = False  # the reflection is saved by the journal screen, once there is text

    def __init__(self, group_id: int, author_id: int, author: str, today: dt.date) -> None:
        super().__init__()
        self.group_id = group_id
        self.author_id = author_id
        self.today = today
        self.title_text = f"A new reflection by {author}"

    def load(self, session: Session) -> Any:
        from peergroup.services import journal_view

        return journal_view.starts(session, self.group_id, self.today)

    def fields(self) -> list[FormField]:
        options = [(s.label, i) for i, s in enumerate(self.data)]
        return [
            FormField(
                "start",
                "Prompt",
                0,
                "select",
                options,
                hint="A recent meeting's prompt, free writing, or any prompt of the library.",
            )
        ]

    def save(self, session: Session, values: dict[str, Any]) -> Any:
        from peergroup.services import journal as journal_svc

        start = self.data[values.get("start") or 0]
        return journal_svc.new_reflection(
            session, self.group_id, self.author_id, start.meeting_id, start.prompt_key
        )


class OwnPromptDialog(FormDialog[str]):
    """A prompt of the group's own: new, or one to change."""

    CSS_PATH = _CSS

    def __init__(self, group_id: int, key: str | None = None, theme: str = "", text: str = ""):
        super().__init__()
        self.group_id = group_id
        self.key = key
        self.theme = theme
        self.text = text
        self.title_text = "Change the group's prompt" if key else "A reflection prompt of our own"

    def fields(self) -> list[FormField]:
        from peergroup.services.reflections import THEMES

        return [
            FormField(
                "theme", "Theme", self.theme or "meaning", "select", [(t, t) for t in THEMES]
            ),
            FormField("text", "Prompt", self.text, "text"),
        ]

    def save(self, session: Session, values: dict[str, Any]) -> str:
        from peergroup.services import reflections as reflections_svc

        if self.key:
            return reflections_svc.edit_own_prompt(
                session, self.group_id, self.key, values["theme"] or "", values["text"]
            )
        return reflections_svc.add_own_prompt(
            session, self.group_id, values["theme"] or "", values["text"]
        )


class UsePromptDialog(FormDialog[dt.date]):
    """Pick the meeting whose agenda gets this prompt."""

    CSS_PATH = _CSS

    def __init__(self, group_id: int, key: str, text: str, today: dt.date) -> None:
        super().__init__()
        self.group_id = group_id
        self.key = key
        self.today = today
        short = text if len(text) <= 60 else text[:59] + "…"
        self.title_text = f"Use the prompt “{short}” at a meeting"

    def load(self, session: Session) -> Any:
        from peergroup.services import reflections as reflections_svc

        return reflections_svc.upcoming_meetings(session, self.group_id, self.today)

    def fields(self) -> list[FormField]:
        options = [(m.label, m.meeting_id) for m in self.data]
        first = next((m.meeting_id for m in self.data if not m.prompt_key), None)
        if first is None and self.data:
            first = self.data[0].meeting_id
        return [
            FormField(
                "meeting",
                "Meeting",
                first,
                "select",
                options,
                hint="It shows on that meeting's agenda and in the calendar.",
            )
        ]

    def save(self, session: Session, values: dict[str, Any]) -> dt.date:
        from peergroup.errors import InputError
        from peergroup.services import reflections as reflections_svc

        if values.get("meeting") is None:
            raise InputError("meeting", "no upcoming meeting to choose; plan meetings first.")
        return reflections_svc.use_prompt(session, values["meeting"], self.key)

    def saved(self, result: dt.date) -> None:
        self.app.notify(f"The prompt is on the agenda of {result:%a} {result.day} {result:%b %Y}.")
