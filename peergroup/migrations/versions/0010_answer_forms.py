"""answer files: one secret per group that signs the forms members fill in

Revision ID: 0010
Revises: 0009

* ``answerformkey``: the group's random secret (made on the first export of a
  form); a form's token is an HMAC under it (services.answer_files).

New table only; nothing existing is rebuilt (no search trigger is touched).
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision = "0010"  # the file-name prefix: dbfile.known_revisions() reads ids from it
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answerformkey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("secret", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["group.id"],
            name=op.f("fk_answerformkey_group_id_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answerformkey")),
        sa.UniqueConstraint("group_id", name=op.f("uq_answerformkey_group_id")),
    )


def downgrade() -> None:
    op.drop_table("answerformkey")
