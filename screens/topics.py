"""Step 6: the group's topics ranked by the needs assessment, the catalog to
adopt from, who has rated, and two rounds side by side.

Everything shown comes from ``topic_views`` / ``needs`` / ``ranking`` (read in a
worker); every change goes through a dialog's ``save`` or ``run_db(write=True)``.
The planner is its own screen (``screens.curriculum``, g).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from .dialogs.topics import CurriculumExportDialog, RoundDialog, TopicDialog
from .safe import literal, one_line
from .steps import StepScreen
from .widgets.confirm import ConfirmDialog
from .widgets.tables import restore_cursor, selected_id

if TYPE_CHECKING:  # pragma: no cover
    import datetime as dt

    from sqlmodel import Session

    from peergroup.services.topic_views import TopicRow, TopicsView
    from peergroup.services.topics import CatalogView

BARS = " ▁▂▃▄▅▆▇█"


def histogram(dist: tuple[int, ...]) -> str:
    """Five bars, one per score 1..5: "▁▁▁▃█" is everyone keen, "█▁▁▁▃" a split room."""
    top = max(dist) or 1
    return "".join(BARS[round(n / top * 8)] if n else "·" for n in dist)


class TopicsScreen(StepScreen):
    step_key = "topics"
    CSS_PATH = "topics.tcss"
    BINDINGS = [
        Binding("escape", "back", "Roadmap", show=False),
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("d", "remove", "Retire"),
        Binding("t", "toggle", "⚑", tooltip="Mark the topic as needing outside input, or not"),
        Binding("r", "answer", "Rate"),
        Binding("o", "open_round", "Round"),
        Binding("g", "plan", "Plan"),
        Binding("f", "experts", "Experts"),
        Binding("h", "history", "Compare"),
        Binding("x", "export", "Export"),
        Binding("left_square_bracket", "previous", "Earlier round", show=False),
        Binding("right_square_bracket", "next", "Later round", show=False),
    ]
    view: TopicsView | None = None
    round_id: int | None = None  # the round shown (None: the latest)

    def compose(self) -> ComposeResult:
        yield from self.heading()
        yield Static("", id="topics-status")
        yield DataTable(id="topics", cursor_type="row")
        yield Static("", id="topic-detail")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        t = self.query_one("#topics", DataTable)
        t.add_column("Topic", width=34, key="title")
        t.add_column("Family", width=10, key="family")
        t.add_column("Mean", width=4, key="mean")
        t.add_column("n", width=2, key="n")
        t.add_column("1...5", width=5, key="dist")
        t.add_column("Covered", width=8, key="covered")
        t.add_column("", width=1, key="flag")

    def load(self, session: Session, group_id: int, today: dt.date) -> TopicsView:
        from peergroup.services import topic_views

        return topic_views.topics_view(session, group_id, today, self.round_id)

    def show(self, view: TopicsView) -> None:
        self.view = view
        self.query_one("#topics-status", Static).update(self._status(view))
        table = self.query_one("#topics", DataTable)
        keep = table.cursor_row
        table.clear()
        for r in view.rows:
            style = "dim" if r.retired else ""
            if r.retired:
                covered: str | Text = Text("retired", "dim")
            elif r.last_covered:
                covered = f"{r.last_covered:%b %Y}"
            else:
                covered = Text("not yet", "yellow")
            table.add_row(
                one_line(r.title, 34, style),
                one_line(r.family_key.capitalize(), 10, "dim"),
                f"{r.mean:.1f}" if r.mean is not None else "–",
                str(r.count) if r.count else "",
                Text(histogram(r.dist) if r.count else "", style="cyan"),
                covered,
                Text("⚑", "bold red") if r.flagged else ("⚑" if r.needs_expert else ""),
                key=str(r.topic_id),
            )
        restore_cursor(table, keep)
        self._show_detail()

    @staticmethod
    def _status(view: TopicsView) -> Text:
        text = Text()
        r = view.round
        if not view.rows:
            text.append("No topics yet: press a to adopt some from the catalog.", "yellow")
        elif r is None:
            text.append("No needs assessment yet: press o to open one.", "yellow")
        else:
            text.append("Needs assessment ", "bold")
            text.append(f"{r.opens_on:%d %b}–{r.closes_on:%d %b %Y}, {r.state}: ")
            text.append(f"{r.answered}/{len(r.respondents)} answered")
            if view.rounds > 1:
                text.append(f" · round {view.round_index + 1}/{view.rounds} [ ]", "dim")
            if r.missing and r.state == "open":
                text.append("\nStill to rate (r): ", "bold yellow")
                text.append_text(one_line(", ".join(r.missing), 60))
        text.append("\nPlan ", "bold")
        if not view.upcoming:
            text.append("no upcoming meetings: plan them on the calendar (step 4).")
        else:
            text.append(f"{view.upcoming} upcoming, ")
            text.append(
                f"{view.unplanned} without a topic (g)" if view.unplanned else "all with a topic",
                "yellow" if view.unplanned else "green",
            )
            text.append(" · next ")
            text.append_text(one_line(view.next_line, 36))
        return text

    def _selected(self) -> TopicRow | None:
        tid = selected_id(self.query_one("#topics", DataTable))
        return next((r for r in self.view.rows if r.topic_id == tid), None) if self.view else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        row = self._selected()
        text = Text()
        if row is not None:
            if row.count:
                text.append(f"{row.mean:.1f} from {row.count}: {row.split}", "bold")
                text.append(f" (spread {row.spread:.1f})  ")
            if row.retired:
                text.append("retired: d brings it back  ", "bold")
            if row.parts > 1:
                text.append(f"a series of {row.parts} meetings  ", "cyan")
            if row.flagged:
                text.append("⚑ wanted, needs outside input, no expert yet (f)", "bold red")
            elif row.needs_expert:
                text.append("⚑ needs outside input (t)", "dim")
            if row.competencies:
                text.append("\nCompetencies: ", "bold")
                text.append_text(literal(", ".join(row.competencies)))
            text.append("\n")
            text.append_text(literal(row.description or "(no description)", "italic"))
        elif self.view is not None and self.view.suggestions:
            text.append("Suggested by members: ", "bold")
            text.append_text(literal("; ".join(self.view.suggestions)))
        self.query_one("#topic-detail", Static).update(text)

    # --- actions ------------------------------------------------------------------

    def _group(self) -> tuple[int, str]:
        return self.app.group_id, self.view.group_name if self.view else "the group"

    def action_add(self) -> None:
        self.app.push_screen(CatalogScreen())

    def action_edit(self) -> None:
        if (row := self._selected()) is not None:
            self.app.push_screen(
                TopicDialog(self.app.group_id, row.topic_id, row.title), self.after_dialog
            )

    def action_remove(self) -> None:
        from peergroup.services import topics

        row = self._selected()
        if row is None:
            return
        if row.retired:
            self.run_db(lambda s: topics.restore(s, row.topic_id), self._changed, write=True)
            return
        today = self.app.clock.today()

        def answered(ok: bool | None) -> None:
            if ok:
                self.run_db(
                    lambda s: topics.retire(s, row.topic_id, today), self._changed, write=True
                )

        self.app.push_screen(
            ConfirmDialog(
                f"Retire {row.title}? It comes off upcoming meetings and the ratings form; "
                "meetings that covered it keep it. d again brings it back.",
                "Retire",
                "Keep",
            ),
            answered,
        )

    def action_toggle(self) -> None:
        from peergroup.services import topics

        row = self._selected()
        if row is not None:
            wanted = not row.needs_expert
            self.run_db(
                lambda s: topics.set_needs_expert(s, row.topic_id, wanted),
                lambda _w: self._changed(
                    f"{row.title}: "
                    + ("needs outside input (⚑)." if wanted else "no outside input needed.")
                ),
                write=True,
            )

    def _changed(self, message: str) -> None:
        self.notify(message, markup=False)
        self.refresh_data()

    def action_answer(self) -> None:
        from .needs import RespondentsScreen

        self.app.push_screen(RespondentsScreen())

    def action_open_round(self) -> None:
        self.app.push_screen(RoundDialog(self.app.group_id), self.after_dialog)

    def action_plan(self) -> None:
        from .curriculum import CurriculumScreen

        self.app.push_screen(CurriculumScreen())

    def action_experts(self) -> None:
        from .experts import ExpertsScreen

        self.app.push_screen(ExpertsScreen())

    def action_history(self) -> None:
        from .needs import CompareScreen

        self.app.push_screen(CompareScreen())

    def action_export(self) -> None:
        self.app.push_screen(CurriculumExportDialog(*self._group()))

    def action_own_competency(self) -> None:
        from .dialogs.competencies import OwnCompetencyDialog

        if self.app.group_id is not None:
            self.app.push_screen(OwnCompetencyDialog(self.app.group_id), self.after_dialog)

    def palette(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Add a competency tag of the group's own",
            "Beside the seven CanMEDS roles; topics and goals can then carry it",
            self.action_own_competency,
        )

    def action_previous(self) -> None:
        self._step_round(-1)

    def action_next(self) -> None:
        self._step_round(+1)

    def _step_round(self, step: int) -> None:
        from peergroup.services import topic_views

        if self.view is None or self.view.rounds < 2:
            return
        index, group_id = self.view.round_index + step, self.app.group_id

        def chosen(ids: tuple[int, ...]) -> None:
            if 0 <= index < len(ids):
                self.round_id = ids[index]
                self.refresh_data()

        self.run_db(lambda s: topic_views.round_ids(s, group_id), chosen)


class CatalogScreen(StepScreen):
    """The bundled catalog, one family at a time, with each topic's description."""

    step_key = "topics"
    CSS_PATH = "topics.tcss"
    BINDINGS = [
        Binding("escape", "back", "Topics"),
        Binding("enter", "adopt", "Adopt"),
        Binding("a", "add", "Own topic"),
        Binding("left_square_bracket", "previous", "Previous family", show=False),
        Binding("right_square_bracket", "next", "Next family"),
    ]
    view: CatalogView | None = None
    family = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="catalog-head", classes="step-heading")
        yield Static(
            "enter adopts the topic · a adds one of your own · [ ] other family · esc back",
            classes="muted",
        )
        yield DataTable(id="catalog", cursor_type="row")
        yield Static("", id="catalog-detail")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        t = self.query_one("#catalog", DataTable)
        t.add_column("", width=9, key="state")
        t.add_column("Topic", width=62, key="title")

    def load(self, session: Session, group_id: int, today: dt.date) -> CatalogView:
        from peergroup.services import topics

        return topics.catalog_view(session, group_id)

    def show(self, view: CatalogView) -> None:
        self.view = view
        key, label = view.families[self.family]
        self.query_one("#catalog-head", Static).update(
            Text(f"Topic catalog: {label} ({self.family + 1} of {len(view.families)})", "bold")
        )
        table = self.query_one("#catalog", DataTable)
        keep = table.cursor_row
        table.clear()
        for i, e in enumerate(x for x in view.entries if x.family == key):
            mark = {"adopted": ("✔ adopted", "green"), "retired": ("retired", "dim")}
            table.add_row(Text(*mark.get(e.state, ("", ""))), one_line(e.title, 62), key=str(i))
        restore_cursor(table, keep)
        self._show_detail()

    def _entries(self) -> list[Any]:
        if self.view is None:
            return []
        key = self.view.families[self.family][0]
        return [x for x in self.view.entries if x.family == key]

    def _selected(self) -> Any:
        i = selected_id(self.query_one("#catalog", DataTable))
        entries = self._entries()
        return entries[i] if i is not None and i < len(entries) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_adopt()

    def _show_detail(self) -> None:
        e = self._selected()
        self.query_one("#catalog-detail", Static).update(
            literal(e.description, "italic") if e else ""
        )

    def action_adopt(self) -> None:
        from peergroup.services import topics

        e = self._selected()
        if e is None:
            return
        if e.state == "adopted":
            self.notify(f"{e.title} is already one of the group's topics.", markup=False)
            return
        group_id = self.app.group_id
        self.run_db(
            lambda s: topics.adopt(s, group_id, e.key),
            lambda _id: self._adopted(e.title, e.state),
            write=True,
        )

    def _adopted(self, title: str, was: str) -> None:
        said = "is back among" if was == "retired" else "is now one of"
        self.notify(f"{title} {said} the group's topics.", markup=False)
        self.refresh_data()

    def action_add(self) -> None:
        self.app.push_screen(TopicDialog(self.app.group_id), self.after_dialog)

    def action_previous(self) -> None:
        self._family(-1)

    def action_next(self) -> None:
        self._family(+1)

    def _family(self, step: int) -> None:
        if self.view is not None:
            self.family = (self.family + step) % len(self.view.families)
            self.query_one("#catalog", DataTable).move_cursor(row=0)
            self.show(self.view)
