"""competency tags: a group's own competencies, and tags on topics and goals

Revision ID: 0007
Revises: 0006

* ``groupcompetency``: competency tags a group adds beside the bundled
  framework (data/competencies.toml).
* ``topiccompetency`` and ``goalcompetency``: a topic or goal tagged with a
  competency, by its stable key.
* Topics already adopted from the bundled catalog get the tags the catalog
  gives them now (a frozen copy below, so this migration gives the same result
  whatever later versions of the catalog say).

Only new tables: nothing is batch-altered, so no search trigger is touched.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The catalog's tags when this migration was written (catalog key -> competency keys).
CATALOG_TAGS: dict[str, tuple[str, ...]] = {
    "career-promotion-dossier": ("scholar", "professional"),
    "career-promotion-timeline": ("professional",),
    "career-salary-negotiation": ("communicator", "leader"),
    "career-new-roles": ("leader", "professional"),
    "career-saying-no": ("communicator", "professional"),
    "career-leave": ("professional", "health-advocate"),
    "career-outside-offer": ("leader", "professional"),
    "career-annual-review": ("communicator", "professional"),
    "career-development-plan": ("scholar", "professional"),
    "career-mentoring-team": ("collaborator", "professional"),
    "career-education-leadership": ("leader", "scholar"),
    "career-flexible-appointments": ("professional", "leader"),
    "scholarly-research-collaboration": ("scholar", "collaborator"),
    "scholarly-conference-workshop": ("scholar", "communicator"),
    "scholarly-curriculum-design": ("scholar", "leader"),
    "scholarly-manuscript-critique": ("scholar", "collaborator"),
    "scholarly-education-scholarship": ("scholar",),
    "scholarly-irb-basics": ("scholar", "professional"),
    "scholarly-writing-accountability": ("scholar", "collaborator"),
    "scholarly-abstracts-posters": ("scholar", "communicator"),
    "scholarly-small-grants": ("scholar",),
    "scholarly-peer-reviewing": ("scholar", "professional"),
    "scholarly-teaching-materials": ("scholar",),
    "scholarly-program-evaluation": ("scholar", "leader"),
    "scholarly-authorship": ("scholar", "collaborator", "professional"),
    "navigating-trainee-feedback": ("communicator", "scholar"),
    "navigating-difficult-colleagues": ("collaborator", "communicator"),
    "navigating-celebrating-wins": ("collaborator",),
    "navigating-learner-in-difficulty": ("scholar", "professional", "health-advocate"),
    "navigating-hard-feedback": ("communicator", "scholar"),
    "navigating-institutional-politics": ("leader",),
    "navigating-citizenship-load": ("leader", "professional"),
    "navigating-clinical-teaching-balance": ("medical-expert", "scholar", "professional"),
    "navigating-burnout": ("professional", "health-advocate"),
    "navigating-mistreatment-bias": ("professional", "health-advocate"),
    "navigating-disagreeing-upward": ("communicator", "professional"),
    "navigating-impostor-feelings": ("professional",),
    "navigating-admin-workload": ("leader", "professional"),
    "growth-journal-club": ("scholar", "medical-expert"),
    "growth-award-nominations": ("collaborator", "professional"),
    "growth-peer-observation": ("scholar", "collaborator"),
    "growth-leadership-skills": ("leader",),
    "growth-national-societies": ("leader", "collaborator"),
    "growth-presentation-skills": ("communicator",),
    "growth-coaching-skills": ("scholar", "communicator"),
    "growth-reflective-writing": ("professional", "communicator"),
    "growth-wellbeing": ("professional",),
    "growth-inclusive-teaching": ("scholar", "health-advocate"),
    "growth-teaching-compassion": ("medical-expert", "communicator", "professional"),
    "growth-professional-presence": ("communicator", "professional"),
    "growth-faculty-development": ("scholar", "professional"),
}


def _key_table(name: str, parent: str, parent_col: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(parent_col, sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            [parent_col],
            [f"{parent}.id"],
            name=op.f(f"fk_{name}_{parent_col}_{parent}"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint(parent_col, "key", name=f"uq_{name}_{parent}_key"),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{name}_{parent_col}"), [parent_col], unique=False)


def upgrade() -> None:
    op.create_table(
        "groupcompetency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["group.id"],
            name=op.f("fk_groupcompetency_group_id_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_groupcompetency")),
        sa.UniqueConstraint("group_id", "key", name="uq_groupcompetency_group_key"),
    )
    with op.batch_alter_table("groupcompetency", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_groupcompetency_group_id"), ["group_id"], unique=False)
    _key_table("topiccompetency", "topic", "topic_id")
    _key_table("goalcompetency", "goal", "goal_id")

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, catalog_key FROM topic WHERE catalog_key != ''"))
    tags = [
        {"topic_id": topic_id, "key": key}
        for topic_id, catalog_key in rows
        for key in CATALOG_TAGS.get(catalog_key, ())
    ]
    if tags:
        bind.execute(
            sa.text("INSERT INTO topiccompetency (topic_id, key) VALUES (:topic_id, :key)"), tags
        )


def downgrade() -> None:
    for name, parent_col in (
        ("goalcompetency", "goal_id"),
        ("topiccompetency", "topic_id"),
        ("groupcompetency", "group_id"),
    ):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{name}_{parent_col}"))
        op.drop_table(name)
