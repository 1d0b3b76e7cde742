"""curriculum: needs-assessment rounds, plan entries, planner settings, expert links

Revision ID: 0004
Revises: 0003

* ``needsround`` / ``needsanswer``: a needs assessment has dates, and who
  answered it (with a suggested topic) is recorded once per member.
* ``topicrating.round_id``: a rating belongs to a round, so a second round a
  year later is compared with the first instead of overwriting it. Ratings an
  older version stored without rounds go into one closed round per group,
  dated the day the group was created.
* ``topic``: ``parts`` (meetings one run takes: a series when more than 1),
  ``needs_expert`` (the group wants outside input) and ``retired_on``.
* ``planentry``: how the curriculum planned a meeting (part k of n, set by
  hand, an open slot); the topic itself stays ``meeting.topic_id``.
* ``curriculumsetting``: the planner's repeat window and open slots.
* ``expert.notes``, ``experttopic`` (topics an expert speaks to), and the
  dates and note of an invitation; one invitation per expert and meeting.

No table with search triggers is rebuilt here.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "needsround",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.CheckConstraint("closes_on >= opens_on", name=op.f("ck_needsround_dates")),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["group.id"],
            name=op.f("fk_needsround_group_id_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_needsround")),
    )
    with op.batch_alter_table("needsround", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_needsround_group_id"), ["group_id"], unique=False)

    op.create_table(
        "needsanswer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("suggestion", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_needsanswer_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["needsround.id"],
            name=op.f("fk_needsanswer_round_id_needsround"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_needsanswer")),
        sa.UniqueConstraint("round_id", "member_id", name=op.f("uq_needsanswer_round_id")),
    )
    with op.batch_alter_table("needsanswer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_needsanswer_round_id"), ["round_id"], unique=False)

    op.create_table(
        "planentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("manual", sa.Boolean(), nullable=False),
        sa.CheckConstraint("kind IN ('topic', 'open')", name=op.f("ck_planentry_kind")),
        sa.CheckConstraint(
            "part >= 1 AND part <= parts AND parts <= 6", name=op.f("ck_planentry_part")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_planentry_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planentry")),
        sa.UniqueConstraint("meeting_id", name=op.f("uq_planentry_meeting_id")),
    )

    op.create_table(
        "curriculumsetting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("repeat_months", sa.Integer(), nullable=False),
        sa.Column("open_every", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "repeat_months BETWEEN 0 AND 60", name=op.f("ck_curriculumsetting_repeat_months")
        ),
        sa.CheckConstraint(
            "open_every BETWEEN 0 AND 12", name=op.f("ck_curriculumsetting_open_every")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["group.id"],
            name=op.f("fk_curriculumsetting_group_id_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_curriculumsetting")),
        sa.UniqueConstraint("group_id", name=op.f("uq_curriculumsetting_group_id")),
    )

    op.create_table(
        "experttopic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["expert_id"],
            ["expert.id"],
            name=op.f("fk_experttopic_expert_id_expert"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topic.id"],
            name=op.f("fk_experttopic_topic_id_topic"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experttopic")),
        sa.UniqueConstraint("expert_id", "topic_id", name=op.f("uq_experttopic_expert_id")),
    )
    with op.batch_alter_table("experttopic", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_experttopic_expert_id"), ["expert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_experttopic_topic_id"), ["topic_id"], unique=False)

    with op.batch_alter_table("topic", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parts", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(
            sa.Column("needs_expert", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("retired_on", sa.Date(), nullable=True))
    with op.batch_alter_table("topic", schema=None) as batch_op:
        batch_op.alter_column("parts", server_default=None)
        batch_op.alter_column("needs_expert", server_default=None)
        batch_op.create_check_constraint(op.f("ck_topic_parts"), "parts BETWEEN 1 AND 6")

    with op.batch_alter_table("expert", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "notes", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
            )
        )
    with op.batch_alter_table("expert", schema=None) as batch_op:
        batch_op.alter_column("notes", server_default=None)

    # One invitation per expert and meeting: an older copy's duplicates lose
    # all but their newest row first.
    bind.execute(
        sa.text(
            "DELETE FROM expertinvitation WHERE meeting_id IS NOT NULL AND id NOT IN "
            "(SELECT MAX(id) FROM expertinvitation WHERE meeting_id IS NOT NULL "
            "GROUP BY expert_id, meeting_id)"
        )
    )
    with op.batch_alter_table("expertinvitation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invited_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("answered_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")
        )
    with op.batch_alter_table("expertinvitation", schema=None) as batch_op:
        batch_op.alter_column("note", server_default=None)
        batch_op.create_unique_constraint(
            batch_op.f("uq_expertinvitation_expert_id"), ["expert_id", "meeting_id"]
        )

    # Ratings get a round: older ones go into one closed round per group.
    with op.batch_alter_table("topicrating", schema=None) as batch_op:
        batch_op.add_column(sa.Column("round_id", sa.Integer(), nullable=True))
    groups = bind.execute(
        sa.text(
            "SELECT DISTINCT t.group_id, "
            + (
                "date(g.created_at)"
                if bind.dialect.name == "sqlite"
                else "CAST(g.created_at AS DATE)"
            )
            + " FROM topicrating r "
            'JOIN topic t ON t.id = r.topic_id JOIN "group" g ON g.id = t.group_id'
        )
    ).fetchall()
    for group_id, created in groups:
        day = created or "2026-01-01"
        round_id = bind.execute(
            sa.text(
                "INSERT INTO needsround (group_id, opens_on, closes_on, closed) "
                "VALUES (:g, :d, :d, 1) RETURNING id"
            ),
            {"g": group_id, "d": day},
        ).scalar_one()
        bind.execute(
            sa.text(
                "UPDATE topicrating SET round_id = :r WHERE topic_id IN "
                "(SELECT id FROM topic WHERE group_id = :g)"
            ),
            {"r": round_id, "g": group_id},
        )
        bind.execute(
            sa.text(
                "INSERT INTO needsanswer (round_id, member_id, answered_on, suggestion) "
                "SELECT DISTINCT :r, member_id, :d, '' FROM topicrating WHERE round_id = :r"
            ),
            {"r": round_id, "d": day},
        )
    with op.batch_alter_table("topicrating", schema=None) as batch_op:
        batch_op.alter_column("round_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f("uq_topicrating_topic_id"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_topicrating_round_id"), ["round_id", "topic_id", "member_id"]
        )
        batch_op.create_index(batch_op.f("ix_topicrating_round_id"), ["round_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_topicrating_round_id_needsround"),
            "needsround",
            ["round_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("topicrating", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_topicrating_round_id_needsround"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_topicrating_round_id"))
        batch_op.drop_constraint(batch_op.f("uq_topicrating_round_id"), type_="unique")
    # Only the newest round's rating of each topic and member fits the old shape.
    op.execute(
        "DELETE FROM topicrating WHERE id NOT IN "
        "(SELECT MAX(id) FROM topicrating GROUP BY topic_id, member_id)"
    )
    with op.batch_alter_table("topicrating", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_topicrating_topic_id"), ["topic_id", "member_id"]
        )
        batch_op.drop_column("round_id")
    with op.batch_alter_table("expertinvitation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_expertinvitation_expert_id"), type_="unique")
        batch_op.drop_column("note")
        batch_op.drop_column("due_on")
        batch_op.drop_column("answered_on")
        batch_op.drop_column("invited_on")
    with op.batch_alter_table("expert", schema=None) as batch_op:
        batch_op.drop_column("notes")
    with op.batch_alter_table("topic", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_topic_parts"), type_="check")
        batch_op.drop_column("retired_on")
        batch_op.drop_column("needs_expert")
        batch_op.drop_column("parts")
    op.drop_table("experttopic")
    op.drop_table("curriculumsetting")
    op.drop_table("planentry")
    op.drop_table("needsanswer")
    op.drop_table("needsround")
