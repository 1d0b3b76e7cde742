"""one-on-one pair check-ins: rounds, check-ins and the pair's private notes

Revision ID: 0008
Revises: 0006

New tables only (``pairround``, ``paircheckin``, ``pairnote``); nothing
existing is altered, so no search trigger is touched.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision = "0008"  # the file prefix: dbfile.known_revisions() reads ids from it
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pairround",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("cycle_offset", sa.Integer(), nullable=False),
        sa.Column("cycle_position", sa.Integer(), nullable=False),
        sa.Column("after_on", sa.Date(), nullable=False),
        sa.Column("before_on", sa.Date(), nullable=False),
        sa.Column("sitting_out_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "cycle_offset >= 0 AND cycle_position >= 0",
            name=op.f("ck_pairround_place_in_cycle"),
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["group.id"],
            name=op.f("fk_pairround_group_id_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sitting_out_id"],
            ["member.id"],
            name=op.f("fk_pairround_sitting_out_id_member"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairround")),
        sa.UniqueConstraint("group_id", "number", name="uq_pairround_group_number"),
    )
    with op.batch_alter_table("pairround", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pairround_group_id"), ["group_id"], unique=False)

    op.create_table(
        "paircheckin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("second_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=True),
        sa.Column("at", sa.Time(), nullable=True),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'done', 'not-held')", name=op.f("ck_paircheckin_status")
        ),
        sa.CheckConstraint("first_id < second_id", name=op.f("ck_paircheckin_ordered_pair")),
        sa.CheckConstraint("sequence >= 0", name=op.f("ck_paircheckin_sequence")),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["pairround.id"],
            name=op.f("fk_paircheckin_round_id_pairround"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["first_id"],
            ["member.id"],
            name=op.f("fk_paircheckin_first_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["second_id"],
            ["member.id"],
            name=op.f("fk_paircheckin_second_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paircheckin")),
        sa.UniqueConstraint("uid", name=op.f("uq_paircheckin_uid")),
    )
    with op.batch_alter_table("paircheckin", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_paircheckin_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_paircheckin_first_id"), ["first_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_paircheckin_second_id"), ["second_id"], unique=False)

    op.create_table(
        "pairnote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("cipher", sa.LargeBinary(), nullable=True),
        sa.Column("sealed_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("cipher IS NULL OR text = ''", name=op.f("ck_pairnote_cipher_or_text")),
        sa.ForeignKeyConstraint(
            ["sealed_by_id"],
            ["member.id"],
            name=op.f("fk_pairnote_sealed_by_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["checkin_id"],
            ["paircheckin.id"],
            name=op.f("fk_pairnote_checkin_id_paircheckin"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairnote")),
        sa.UniqueConstraint("checkin_id", name=op.f("uq_pairnote_checkin_id")),
    )


def downgrade() -> None:
    op.drop_table("pairnote")
    with op.batch_alter_table("paircheckin", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_paircheckin_second_id"))
        batch_op.drop_index(batch_op.f("ix_paircheckin_first_id"))
        batch_op.drop_index(batch_op.f("ix_paircheckin_round_id"))
    op.drop_table("paircheckin")
    with op.batch_alter_table("pairround", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pairround_group_id"))
    op.drop_table("pairround")
