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
