"""Step 10: every figure that repeats, year by year, with small charts.

Attendance and the survey areas get bars; every row gets a trend of small
blocks (one per year, oldest first). The figures come from
``services.review_views.comparison``; a year still in progress is marked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from .review import REVIEW_TCSS
from .review_goals import bar
from .safe import literal
from .steps import StepScreen

if TYPE_CHECKING:  # pragma: no cover
    from sqlmodel import Session

    from peergroup.services.review_views import CompareSection, Comparison

BLOCKS = "▁▂▃▄▅▆▇█"


def trend(values: tuple[float | None, ...], top: float | None = None, low: float = 0) -> Text:
    """One block per year, as high as its value between ``low`` and ``top`` (the
    largest value if not given); · where there is none."""
    known = [v for v in values if v is not None]
    high = top or max(known, default=0) or 1
    out = Text(style="cyan")
    for v in values:
        if v is None:
            out.append("·", style="dim")
        else:
            out.append(BLOCKS[max(0, min(7, round(7 * (v - low) / ((high - low) or 1))))])
    return out


def _number(value: float | None, unit: str, decimals: bool = False) -> str:
    if value is None:
        return "—"
    if decimals:
        return f"{value:.1f}{unit}"
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return text + unit


class CompareYearsScreen(StepScreen):
    step_key = "tracking"
    CSS_PATH = REVIEW_TCSS

    def compose(self) -> ComposeResult:
        yield Static(Text("Yearly reviews compared   esc: review", style="bold"), id="part-title")
        yield Static("", id="compare-years", classes="muted")
        with VerticalScroll(id="compare"):
            yield Static("", id="compare-body")
        yield Footer()

    def load(self, session: Session, group_id: int, today: Any) -> Comparison:
        from peergroup.services import review_views

        return review_views.comparison(session, group_id, today)

    def show(self, view: Comparison) -> None:
        years = [
            y + ("" if done else " (in progress)")
            for y, done in zip(view.years, view.finished, strict=False)
        ]
        self.query_one("#compare-years", Static).update(
            literal("Years: " + ", ".join(years) if years else "No yearly review yet.")
        )
        body = Text()
        if not view.years:
            self.query_one("#compare-body", Static).update(body)
            return
        parts: list[Any] = []
        attendance = next(s for s in view.sections if s.unit == "%")
        parts.append(_bars(attendance, view.years))
        for section in view.sections:
            if section is attendance or not section.rows:
                continue
            parts.append(_table(section, view.years))
        from rich.console import Group

        self.query_one("#compare-body", Static).update(Group(*parts))


def _bars(section: CompareSection, years: tuple[str, ...]) -> Text:
    text = Text(section.title + "\n", style="bold")
    for row in section.rows:
        for year, value in zip(years, row.values, strict=False):
            text.append(f"  {year:<9}")
            text.append_text(bar(value, section.max_value or 100, 30))
            text.append(f" {_number(value, section.unit)}\n")
    return text


def _table(section: CompareSection, years: tuple[str, ...]) -> Table:
    table = Table(title=section.title, title_justify="left", box=None, pad_edge=False)
    table.add_column("", max_width=26, no_wrap=True)
    for year in years[-4:]:  # the last four years fit in 80 columns
        table.add_column(year, justify="right")
    table.add_column("trend")
    scores = section.max_value == 5  # survey means: 1 to 5, one decimal
    for row in section.rows:
        values = row.values[-4:]
        table.add_row(
            literal(row.label),
            *(_number(v, section.unit, scores) for v in values),
            trend(row.values, section.max_value, 1 if scores else 0),
        )
    return table
