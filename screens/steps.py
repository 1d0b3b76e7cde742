"""Which screen serves each roadmap step, and the shared frame of step screens."""

from __future__ import annotations

import importlib
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from .base import DbWork
from .safe import literal


def screen_for(key: str) -> Screen:
    """The step's own screen (named in the registry), or its guide while it has none."""
    from peergroup.steps import step

    target = step(key).screen
    if target is None:
        return StepGuideScreen(key)
    module, _, name = target.partition(":")
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


class StepGuideScreen(StepScreen):
    """Guidance and live status for a step whose own screen comes later."""

    CSS_PATH = "steps.tcss"

    def __init__(self, key: str) -> None:
        super().__init__()
        self.step_key = key

    def compose(self) -> ComposeResult:
        yield from self.heading()
        with VerticalScroll(id="guide"):
            yield Static("", id="guide-status")
            yield Static("", id="guide-help")
        yield Footer(compact=True)

    def load(self, session: Any, group_id: int, today: Any) -> Any:
        from peergroup.services import groups as groups_svc
        from peergroup.steps import step

        return step(self.step_key).status(session, groups_svc.get_group(session, group_id), today)

    def show(self, status: Any) -> None:
        from peergroup import content

        text = Text()
        text.append(f"Status: {status.state}\n", style="bold")
        for item in status.missing:
            text.append("• ")
            text.append_text(literal(item))
            text.append("\n")
        self.query_one("#guide-status", Static).update(text)
        self.query_one("#guide-help", Static).update(literal(content.step(self.step_key)["help"]))
