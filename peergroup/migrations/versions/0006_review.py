"""the yearly review: periods, decisions, anonymous survey, own items, reopenings

Revision ID: 0006
Revises: 0005

* ``evaluation`` gets the first day of the twelve months it covers
  (``period_start``; an older row starts in the month of its group's first
  meeting, else January of its year), the decision ("continue" or "adjust",
  with the adjustments), what happened to the mission during the review, and
  the activity figures frozen when it was finished.
* ``reviewreopening``: a finished review opened again, with the reason.
* ``goalreview`` keeps the goal's title and owner as reviewed, and the new due
  date of a goal carried into the next year. The verdict "in-progress" (a
  placeholder that was never a decision) becomes no row at all; "carried" is
  new. A goal's deletion no longer deletes its verdicts.
* The survey becomes anonymous: ``surveyrespondent`` holds who answered and
  ``surveyanswer`` loses its member id, so what someone answered can no longer
  be looked up.
* ``surveyitem``: the group's own survey statements.
* ``outcometally`` gets a label for kinds of the group's own ("other") and one
  row per member, kind and label (older duplicates are added together).

Foreign keys are off during migrations (peergroup.db.run_migrations). None of
the tables rebuilt here has a search trigger (migration 0002).
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_VERDICTS_BEFORE = "verdict IN ('met', 'partly', 'not-met', 'in-progress', 'dropped')"
_VERDICTS_AFTER = "verdict IN ('met', 'partly', 'not-met', 'carried', 'dropped')"


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "surveyitem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("area", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "area IN ('goals', 'values', 'strengths', 'time', 'support', 'satisfaction', "
            "'connection', 'worth', 'own')",
            name=op.f("ck_surveyitem_area"),
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["group.id"],
            name=op.f("fk_surveyitem_group_id_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveyitem")),
    )
    with op.batch_alter_table("surveyitem", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_surveyitem_group_id"), ["group_id"], unique=False)

    op.create_table(
        "reviewreopening",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluation.id"],
            name=op.f("fk_reviewreopening_evaluation_id_evaluation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviewreopening")),
    )
    with op.batch_alter_table("reviewreopening", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reviewreopening_evaluation_id"), ["evaluation_id"], unique=False
        )

    op.create_table(
        "surveyrespondent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluation.id"],
            name=op.f("fk_surveyrespondent_evaluation_id_evaluation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_surveyrespondent_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveyrespondent")),
        sa.UniqueConstraint(
            "evaluation_id", "member_id", name=op.f("uq_surveyrespondent_evaluation_id")
        ),
    )
    with op.batch_alter_table("surveyrespondent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_surveyrespondent_evaluation_id"), ["evaluation_id"], unique=False
        )

    # --- evaluation ----------------------------------------------------------
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("period_start", sa.Date(), nullable=True))
        for name in ("decision", "adjustments", "mission", "figures"):
            batch_op.add_column(
                sa.Column(
                    name, sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
                )
            )
        batch_op.add_column(sa.Column("mission_on", sa.Date(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "UPDATE evaluation SET period_start = printf('%04d-%02d-01', year, COALESCE("
            "(SELECT CAST(strftime('%m', g.first_meeting) AS INTEGER) FROM \"group\" g "
            "WHERE g.id = evaluation.group_id), 1))"
        )
    else:
        op.execute(
            "UPDATE evaluation SET period_start = make_date(year, COALESCE("
            '(SELECT CAST(EXTRACT(MONTH FROM g.first_meeting) AS INTEGER) FROM "group" g '
            "WHERE g.id = evaluation.group_id), 1), 1)"
        )
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.alter_column("period_start", existing_type=sa.Date(), nullable=False)
        for name in ("decision", "adjustments", "mission", "figures"):
            batch_op.alter_column(name, server_default=None)
        batch_op.create_check_constraint(
            op.f("ck_evaluation_decision"), "decision IN ('', 'continue', 'adjust')"
        )
        batch_op.create_check_constraint(
            op.f("ck_evaluation_mission"), "mission IN ('', 'reaffirmed', 'revised')"
        )

    # --- goalreview ------------------------------------------------------------
    op.execute(
        "DELETE FROM goalreview WHERE verdict NOT IN ('met', 'partly', 'not-met', 'dropped')"
    )
    with op.batch_alter_table("goalreview", schema=None) as batch_op:
        for name in ("title", "owner"):
            batch_op.add_column(
                sa.Column(
                    name, sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
                )
            )
        batch_op.add_column(sa.Column("new_due", sa.Date(), nullable=True))
    op.execute(
        "UPDATE goalreview SET title = COALESCE((SELECT g.title FROM goal g "
        "WHERE g.id = goalreview.goal_id), ''), owner = COALESCE((SELECT m.name FROM goal g "
        "JOIN member m ON m.id = g.member_id WHERE g.id = goalreview.goal_id), '')"
    )
    with op.batch_alter_table("goalreview", schema=None) as batch_op:
        batch_op.alter_column("title", server_default=None)
        batch_op.alter_column("owner", server_default=None)
        batch_op.alter_column("goal_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.drop_constraint(batch_op.f("fk_goalreview_goal_id_goal"), type_="foreignkey")
        batch_op.create_foreign_key(
            batch_op.f("fk_goalreview_goal_id_goal"),
            "goal",
            ["goal_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_constraint(op.f("ck_goalreview_verdict"), type_="check")
        batch_op.create_check_constraint(op.f("ck_goalreview_verdict"), _VERDICTS_AFTER)
        batch_op.create_check_constraint(
            op.f("ck_goalreview_carried_due"), "verdict != 'carried' OR new_due IS NOT NULL"
        )

    # --- outcometally ------------------------------------------------------------
    _merge_duplicate_tallies(bind)
    with op.batch_alter_table("outcometally", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "label", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
            )
        )
    with op.batch_alter_table("outcometally", schema=None) as batch_op:
        batch_op.alter_column("label", server_default=None)
        batch_op.create_unique_constraint(
            batch_op.f("uq_outcometally_evaluation_id"),
            ["evaluation_id", "member_id", "kind", "label"],
        )

    # --- the survey becomes anonymous ------------------------------------------------
    op.execute(
        "INSERT INTO surveyrespondent (evaluation_id, member_id) "
        "SELECT DISTINCT evaluation_id, member_id FROM surveyanswer ORDER BY evaluation_id, member_id"
    )
    with op.batch_alter_table("surveyanswer", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_surveyanswer_evaluation_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_surveyanswer_member_id_member"), type_="foreignkey")
        batch_op.drop_column("member_id")


def _merge_duplicate_tallies(bind: sa.Connection) -> None:
    """One row per review, member and kind: older duplicates are added together."""
    rows = bind.execute(
        sa.text(
            "SELECT id, evaluation_id, member_id, kind, count, note FROM outcometally ORDER BY id"
        )
    ).fetchall()
    first: dict[tuple, tuple[int, int, str]] = {}
    for row_id, evaluation_id, member_id, kind, count, note in rows:
        key = (evaluation_id, member_id, kind)
        if member_id is None or key not in first:
            first.setdefault(key, (row_id, count, note))
            continue
        keep_id, total, notes = first[key]
        total += count
        notes = "; ".join(n for n in (notes, note) if n)
        first[key] = (keep_id, total, notes)
        bind.execute(
            sa.text("UPDATE outcometally SET count = :c, note = :n WHERE id = :id"),
            {"c": total, "n": notes, "id": keep_id},
        )
        bind.execute(sa.text("DELETE FROM outcometally WHERE id = :id"), {"id": row_id})


def downgrade() -> None:
    # Who answered what cannot be recovered: answers go back with the first
    # respondent of their review as a stand-in, which is all the old schema allows.
    with op.batch_alter_table("surveyanswer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("member_id", sa.INTEGER(), nullable=True))
    op.execute(
        "UPDATE surveyanswer SET member_id = (SELECT MIN(r.member_id) FROM surveyrespondent r "
        "WHERE r.evaluation_id = surveyanswer.evaluation_id)"
    )
    op.execute("DELETE FROM surveyanswer WHERE member_id IS NULL")
    op.execute(
        "DELETE FROM surveyanswer WHERE id NOT IN (SELECT MIN(id) FROM surveyanswer "
        "GROUP BY evaluation_id, member_id, item_key)"
    )
    with op.batch_alter_table("surveyanswer", schema=None) as batch_op:
        batch_op.alter_column("member_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_surveyanswer_member_id_member"),
            "member",
            ["member_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_surveyanswer_evaluation_id"), ["evaluation_id", "member_id", "item_key"]
        )

    with op.batch_alter_table("outcometally", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_outcometally_evaluation_id"), type_="unique")
        batch_op.drop_column("label")

    op.execute("DELETE FROM goalreview WHERE goal_id IS NULL")
    op.execute("UPDATE goalreview SET verdict = 'in-progress' WHERE verdict = 'carried'")
    with op.batch_alter_table("goalreview", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_goalreview_carried_due"), type_="check")
        batch_op.drop_constraint(op.f("ck_goalreview_verdict"), type_="check")
        batch_op.create_check_constraint(op.f("ck_goalreview_verdict"), _VERDICTS_BEFORE)
        batch_op.drop_constraint(batch_op.f("fk_goalreview_goal_id_goal"), type_="foreignkey")
        batch_op.create_foreign_key(
            batch_op.f("fk_goalreview_goal_id_goal"),
            "goal",
            ["goal_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.alter_column("goal_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("new_due")
        batch_op.drop_column("owner")
        batch_op.drop_column("title")

    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_evaluation_mission"), type_="check")
        batch_op.drop_constraint(op.f("ck_evaluation_decision"), type_="check")
        batch_op.drop_column("figures")
        batch_op.drop_column("mission_on")
        batch_op.drop_column("mission")
        batch_op.drop_column("adjustments")
        batch_op.drop_column("decision")
        batch_op.drop_column("period_start")

    with op.batch_alter_table("surveyrespondent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_surveyrespondent_evaluation_id"))
    op.drop_table("surveyrespondent")
    with op.batch_alter_table("reviewreopening", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviewreopening_evaluation_id"))
    op.drop_table("reviewreopening")
    with op.batch_alter_table("surveyitem", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_surveyitem_group_id"))
    op.drop_table("surveyitem")
