"""Small helpers for DataTables whose row keys are database ids."""

from __future__ import annotations

from textual.widgets import DataTable


def selected_id(table: DataTable) -> int | None:
    """The id (row key) of the row under the cursor, or None for an empty table."""
    if not table.row_count:
        return None
    return int(table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value)


def restore_cursor(table: DataTable, row: int, fallback: int = 0) -> None:
    """Put the cursor back where it was after the table was refilled."""
    if table.row_count:
        table.move_cursor(row=min(row if row > 0 else fallback, table.row_count - 1))


def fit_columns(table: DataTable, flexible: dict[str, int], available: int | None = None) -> None:
    """Share the table's width out: fixed columns keep theirs; ``flexible`` ones
    (column key -> minimum width) take the rest.

    Each flexible column gets its minimum, then grows toward its longest cell;
    room to spare after that is shared out too. So at 60 columns the status
    column stays and names are cut with an ellipsis, and at 120 and wider the
    text columns grow instead of leaving blank space. Call it from the screen's
    ``on_resize`` (the ``FitsTables`` mixin does).
    """
    width = available if available is not None else table.size.width
    if width <= 0 or not table.columns:
        return
    gaps = 2 * len(table.columns) + 2  # cell padding and the scrollbar
    columns = {key.value: column for key, column in table.columns.items()}
    flex = {k: m for k, m in flexible.items() if k in columns}
    fixed = sum(c.width for k, c in columns.items() if k not in flex)
    room = max(0, width - gaps - fixed)
    mins = sum(flex.values()) or 1
    want = {k: max(m, columns[k].content_width) for k, m in flex.items()}
    if room < mins:  # very narrow: everyone shrinks alike
        sizes = {k: max(4, room * m // mins) for k, m in flex.items()}
    elif room < sum(want.values()):  # minimums, then toward the longest cell
        spare, growth = room - mins, sum(want[k] - m for k, m in flex.items()) or 1
        sizes = {k: m + spare * (want[k] - m) // growth for k, m in flex.items()}
    else:  # everything fits: share what is left in proportion
        spare = room - sum(want.values())
        sizes = {k: want[k] + spare * m // mins for k, m in flex.items()}
    for k, size in sizes.items():
        columns[k].width = size
        columns[k].auto_width = False
    # DataTable caches its layout and rendered rows (not keyed by column width);
    # this is how it learns the widths changed.
    table._require_update_dimensions = True
    table._clear_caches()
    table.refresh(layout=True)


class FitsTables:
    """Mixin for screens: their tables' text columns follow the terminal's width.

    ``FLEXIBLE`` maps a table's id to {column key: minimum width}.
    """

    FLEXIBLE: dict[str, dict[str, int]] = {}

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit_tables)  # type: ignore[attr-defined]

    def fit_tables(self, _tries: int = 0) -> None:
        for table_id, flexible in self.FLEXIBLE.items():
            for table in self.query(f"#{table_id}"):  # type: ignore[attr-defined]
                if not isinstance(table, DataTable):
                    continue
                if table.size.width <= 0 and table.columns and _tries < 20:
                    # Not laid out yet (a screen's first show in a real terminal):
                    # fit once it has a width.
                    self.set_timer(0.05, lambda: self.fit_tables(_tries + 1))  # type: ignore[attr-defined]
                    return
                fit_columns(table, flexible)
