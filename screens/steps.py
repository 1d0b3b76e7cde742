"""Which screen serves each roadmap step, and the shared frame of step screens."""

from __future__ import annotations

import importlib
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from .base import DbWork
from .safe import literal


def screen_for(key: str) -> Screen:
    """The step's own screen (named in the registry)."""
    from peergroup.steps import step

    module, _, name = step(key).screen.partition(":")
    return getattr(importlib.import_module(module), name)()


class StepScreen(DbWork, Screen):
    """Frame shared by step screens: heading, one-line guidance, footer.

    Subclasses implement ``load(session)`` (runs in a worker, returns a plain
    view object) and ``show(view)`` (on the UI thread); ``refresh_data`` runs
    the one after the other.
    """

    step_key: str = ""
    BINDINGS = [Binding("escape", "back", "Back", tooltip="Back to the roadmap")]

    def heading(self) -> ComposeResult:
        from peergroup import content

        s = content.step(self.step_key)
        heading = Text(f"Step {s['number']}: {s['title']}", style="bold")
        heading.append("   esc: roadmap", style="dim")
        yield Static(heading, classes="step-heading")
        yield Static(literal(s["summary"]), classes="muted")

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_mount(self) -> None:
        """Subclasses set up their tables here; the data comes with ``on_screen_resume``."""

    def on_screen_resume(self) -> None:
        # Sent when the screen is first shown and whenever a dialog above it closes.
        self.refresh_data()

    def refresh_data(self) -> None:
        if self.app.db is None or self.app.group_id is None:
            return
        group_id, today = self.app.group_id, self.app.clock.today()
        self.run_db(
            lambda session: self.load(session, group_id, today),
            self._show_and_fit,
            group=f"load-{id(self)}",
            exclusive=True,
        )

    def _show_and_fit(self, view: Any) -> None:
        self.show(view)
        fit = getattr(self, "fit_tables", None)
        if fit is not None:  # text columns follow their new content too
            self.call_after_refresh(fit)

    def load(self, session: Any, group_id: int, today: Any) -> Any:  # runs in a worker
        return None

    def show(self, view: Any) -> None:  # pragma: no cover - overridden
        pass

    def after_dialog(self, result: object) -> None:
        """Callback for dialogs: refresh when they saved something."""
        if result is not None:
            self.refresh_data()
