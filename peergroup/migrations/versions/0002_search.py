"""full-text search index over minutes, decisions, action items, amendments

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 10:00:00

An SQLite FTS5 table ``search_index`` kept in sync by triggers, so every
writer (the app, a script, an older copy mid-upgrade) updates it without
having to remember to. Each source row maps to one index row whose rowid is
``id * 4 + kind`` (minutes 0, decision 1, action 2, amendment 3): the
triggers then find "their" row by rowid, which is a B-tree lookup, instead of
scanning the UNINDEXED columns.

Only on SQLite: on PostgreSQL the search service falls back to LIKE.

Caution for later migrations: SQLite drops a table's triggers with the table,
and Alembic's batch mode rebuilds tables by copying them. A migration that
batch-alters minutes, decision, actionitem or minutesamendment must create
the triggers below again (tests/unit/test_search.py catches a missing one).
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# kind name, source table, text column, rowid offset, SQL giving the meeting id
# for a source row (``{row}`` is NEW or OLD).
_SOURCES = (
    ("minutes", "minutes", "text", 0, "{row}.meeting_id"),
    ("decision", "decision", "text", 1, "{row}.meeting_id"),
    ("action", "actionitem", "text", 2, "{row}.meeting_id"),
    (
        "amendment",
        "minutesamendment",
        "text",
        3,
        "(SELECT meeting_id FROM minutes WHERE id = {row}.minutes_id)",
    ),
)
# Columns whose change must refresh the index row.
_WATCHED = {
    "minutes": "text, meeting_id",
    "decision": "text, meeting_id",
    "actionitem": "text, meeting_id",
    "minutesamendment": "text, minutes_id",
}


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _triggers() -> list[tuple[str, str]]:
    out = []
    for kind, table, column, offset, meeting in _SOURCES:
        new_row = (
            "INSERT INTO search_index(rowid, kind, ref_id, meeting_id, body) "
            f"VALUES (NEW.id * 4 + {offset}, '{kind}', NEW.id, {meeting.format(row='NEW')}, NEW.{column});"
        )
        drop_old = f"DELETE FROM search_index WHERE rowid = OLD.id * 4 + {offset};"
        out.append(
            (
                f"search_index_{table}_ai",
                f"CREATE TRIGGER search_index_{table}_ai AFTER INSERT ON {table} BEGIN {new_row} END",
            )
        )
        out.append(
            (
                f"search_index_{table}_au",
                f"CREATE TRIGGER search_index_{table}_au AFTER UPDATE OF {_WATCHED[table]} ON {table} "
                f"BEGIN {drop_old} {new_row} END",
            )
        )
        out.append(
            (
                f"search_index_{table}_ad",
                f"CREATE TRIGGER search_index_{table}_ad AFTER DELETE ON {table} BEGIN {drop_old} END",
            )
        )
    return out


def upgrade() -> None:
    if not _is_sqlite():
        return
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "kind UNINDEXED, ref_id UNINDEXED, meeting_id UNINDEXED, body, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    for _name, sql in _triggers():
        op.execute(sql)
    # Backfill what was written before this revision.
    for kind, table, column, offset, meeting in _SOURCES:
        op.execute(
            "INSERT INTO search_index(rowid, kind, ref_id, meeting_id, body) "
            f"SELECT id * 4 + {offset}, '{kind}', id, {meeting.format(row=table)}, {column} FROM {table}"
        )


def downgrade() -> None:
    if not _is_sqlite():
        return
    for name, _sql in _triggers():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS search_index")
