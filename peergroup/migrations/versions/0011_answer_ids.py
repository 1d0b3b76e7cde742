"""anonymous answers' random ids are 64-bit on every backend

Revision ID: 0011
Revises: 0010

Survey, consequence-check and pulse answers get random 62-bit ids, so their
order says nothing about who answered when. SQLite's INTEGER primary key is
64-bit already (and must stay the rowid there): nothing changes in a file.
On PostgreSQL the columns become BIGINT.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"  # the file-name prefix: dbfile.known_revisions() reads ids from it
down_revision = "0010"
branch_labels = None
depends_on = None

TABLES = ("surveyanswer", "consequenceanswer", "pulseanswer")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table in TABLES:
        op.alter_column(table, "id", type_=sa.BigInteger(), existing_type=sa.Integer())


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table in TABLES:
        op.alter_column(table, "id", type_=sa.Integer(), existing_type=sa.BigInteger())
