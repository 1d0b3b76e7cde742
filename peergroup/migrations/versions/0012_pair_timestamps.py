"""the pair rotation's times carry their time zone on every backend

Revision ID: 0012
Revises: 0011

Migration 0008 made three columns as plain DateTime while the models say
UTCDateTime (an aware time). SQLite stores both the same way: nothing changes
in a file. On PostgreSQL they were TIMESTAMP WITHOUT TIME ZONE, so an aware
time was stored as the server session's local time and read back as if it
were UTC; they become TIMESTAMP WITH TIME ZONE (the stored local times are
read in the session's time zone, the one they were written in).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"  # the file-name prefix: dbfile.known_revisions() reads ids from it
down_revision = "0011"
branch_labels = None
depends_on = None

COLUMNS = (("pairround", "created_at"), ("paircheckin", "updated_at"), ("pairnote", "updated_at"))


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, column in COLUMNS:
        op.alter_column(
            table,
            column,
            type_=sa.DateTime(timezone=True),
            existing_type=sa.DateTime(),
            existing_nullable=False,
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, column in COLUMNS:
        op.alter_column(
            table,
            column,
            type_=sa.DateTime(),
            existing_type=sa.DateTime(timezone=True),
            existing_nullable=False,
        )
