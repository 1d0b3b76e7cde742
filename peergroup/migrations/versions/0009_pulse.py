"""meeting pulses: anonymous usefulness scores and lines after a held meeting

Revision ID: 0009
Revises: 0006

* ``pulserespondent``: who gave a pulse for a meeting (one per member and
  meeting), never what they gave.
* ``pulseanswer``: the score (1 to 5) and optional line, with no member id,
  no time and a random id, so an answer cannot be joined to its respondent.

New tables only; nothing existing is rebuilt (no search trigger is touched).
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision = "0009"  # the file-name prefix: dbfile.known_revisions() reads ids from it
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pulserespondent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_pulserespondent_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_pulserespondent_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulserespondent")),
        sa.UniqueConstraint("meeting_id", "member_id", name=op.f("uq_pulserespondent_meeting_id")),
    )
    with op.batch_alter_table("pulserespondent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pulserespondent_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "pulseanswer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("line", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name=op.f("ck_pulseanswer_score")),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_pulseanswer_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulseanswer")),
    )
    with op.batch_alter_table("pulseanswer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pulseanswer_meeting_id"), ["meeting_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pulseanswer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulseanswer_meeting_id"))
    op.drop_table("pulseanswer")
    with op.batch_alter_table("pulserespondent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulserespondent_meeting_id"))
    op.drop_table("pulserespondent")
