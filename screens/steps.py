"""Which screen serves each roadmap step, and the shared frame of step screens."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from .safe import literal


def _screens() -> dict[str, type[Screen]]:
    from .calendar import CalendarScreen
    from .goals import GoalsScreen
    from .membership import MembershipScreen
    from .peer import PeerScreen
    from .tracking import TrackingScreen

    return {
        "peer": PeerScreen,
        "membership": MembershipScreen,
        "goals": GoalsScreen,
        "logistics": CalendarScreen,
        "tracking": TrackingScreen,
    }


def screen_for(key: str) -> Screen:
    cls = _screens().get(key)
    return cls() if cls else StepGuideScreen(key)


def palette_entries() -> list[tuple[int, str, str]]:
    from peergroup import content

    return [(s["number"], s["key"], s["title"]) for s in content.steps()]


class StepScreen(Screen):
    """Frame shared by step screens: heading, one-line guidance, footer."""

    step_key: str = ""
    BINDINGS = [Binding("escape", "back", "Roadmap")]

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
        self.refresh_data()

    def refresh_data(self) -> None:  # pragma: no cover - overridden
        pass

    def after_dialog(self, result: object) -> None:
        """Callback for dialogs: refresh when they saved something."""
        if result is not None:
            self.refresh_data()

    def group(self, session):  # noqa: ANN001, ANN201
        from peergroup.services import groups as groups_svc

        return groups_svc.get_group(session, self.app.group_id)


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
        yield Footer()

    def refresh_data(self) -> None:
        from peergroup import content
        from peergroup.services import roadmap as roadmap_svc

        with self.app.db.write() as session:
            statuses = roadmap_svc.roadmap(session, self.group(session))
        status = next(s for s in statuses if s.key == self.step_key)
        text = Text()
        text.append(f"Status: {status.state}\n", style="bold")
        for item in status.missing:
            text.append("• ")
            text.append_text(literal(item))
            text.append("\n")
        self.query_one("#guide-status", Static).update(text)
        self.query_one("#guide-help", Static).update(literal(content.step(self.step_key)["help"]))
