"""Help: the keys that work everywhere, and the ten steps in brief."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,f1", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        from peergroup import content

        text = Text()
        text.append("Keys\n", style="bold")
        text.append(
            "  ctrl+p  command palette: every screen and action by name\n"
            "  ctrl+g  switch group or create one\n"
            "  escape  back to the roadmap / close a dialog\n"
            "  ctrl+s  save a form      ctrl+q  quit\n"
            "On the calendar: l set up the schedule, g plan six months, x extend, v move,\n"
            "  c cancel/restore, t topic and agenda, s skip a date, e norms, o roles, i .ics.\n"
            "On the roadmap: n the next thing to do, 1-4 and 0 open steps, m meeting day,\n"
            "  / search. In a meeting: F2 attendance, F3 decision, F4 action item,\n"
            "  F5 close an item, F6 change scribe, F7 finalise, F8 amend,\n  F9 export these minutes as Markdown.\n\n"
        )
        text.append("The ten steps\n", style="bold")
        for s in content.steps():
            text.append(f"{s['number']:>2}. {s['title']}\n", style="bold")
            text.append(f"    {s['help']}\n")
        with VerticalScroll(id="help"):
            yield Static(text)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
