"""reflection journal with passphrases, anonymous consequence checks, support requests

Revision ID: 0005
Revises: 0004

* ``reflection``: encrypted text (``cipher``), a revision for the autosave,
  when it was shared, when it was last changed. Existing reflections stay as
  they are (private ones are private by view until their author sets a
  journal passphrase, which re-writes them encrypted).
* ``journalkey``: one per member with a journal passphrase (salt, scrypt
  settings, verifier; never the passphrase or the key).
* ``groupprompt``: the group's own reflection prompts.
* ``consequencerespondent``: who answered a check, apart from what was
  answered. ``consequenceanswer`` loses its one-row-per-question rule: each
  respondent's score is a row of its own, with no member id.
* ``supportrequest``: kind (financial direct or indirect, non-financial),
  forum, the case for the ask, and the dates asked and answered (the answer
  never before the ask). Old ``financial``/``direct`` flags become the kind;
  ``requested_on`` becomes ``asked_on``.
* ``group.check_interval_months``: how often the consequences check is due
  (6 months unless a group changes it).

None of these tables has search triggers (reflections are never indexed), so
nothing of migration 0002 has to be restored here.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _now() -> str:
    from peergroup.clock import utcnow

    return utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "journalkey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("salt", sa.LargeBinary(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("r", sa.Integer(), nullable=False),
        sa.Column("p", sa.Integer(), nullable=False),
        sa.Column("verifier", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_journalkey_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journalkey")),
        sa.UniqueConstraint("member_id", name=op.f("uq_journalkey_member_id")),
    )
    op.create_table(
        "groupprompt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("theme", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["group.id"],
            name=op.f("fk_groupprompt_group_id_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_groupprompt")),
        sa.UniqueConstraint("group_id", "key", name="uq_groupprompt_group_key"),
    )
    with op.batch_alter_table("groupprompt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_groupprompt_group_id"), ["group_id"], unique=False)

    op.create_table(
        "consequencerespondent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["consequencecheck.id"],
            name=op.f("fk_consequencerespondent_check_id_consequencecheck"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_consequencerespondent_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consequencerespondent")),
        sa.UniqueConstraint(
            "check_id", "member_id", name=op.f("uq_consequencerespondent_check_id")
        ),
    )
    with op.batch_alter_table("consequencerespondent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consequencerespondent_check_id"), ["check_id"], unique=False
        )

    with op.batch_alter_table("consequenceanswer", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_consequenceanswer_check_id"), type_="unique")

    # --- reflection -----------------------------------------------------------
    with op.batch_alter_table("reflection", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cipher", sa.LargeBinary(), nullable=True))
        batch_op.add_column(
            sa.Column("shared_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column(
                "updated_at",
                sqlmodel.sql.sqltypes.UTCDateTime(),
                nullable=False,
                server_default="1970-01-01 00:00:00.000000",
            )
        )
    op.execute("UPDATE reflection SET updated_at = created_at")
    op.execute("UPDATE reflection SET shared_at = created_at WHERE shared")
    with op.batch_alter_table("reflection", schema=None) as batch_op:
        batch_op.alter_column("revision", server_default=None)
        batch_op.alter_column("updated_at", server_default=None)
        batch_op.create_check_constraint(op.f("ck_reflection_revision"), "revision >= 0")
        batch_op.create_check_constraint(
            op.f("ck_reflection_cipher_or_text"), "cipher IS NULL OR text = ''"
        )

    # --- supportrequest ---------------------------------------------------------
    with op.batch_alter_table("supportrequest", schema=None) as batch_op:
        for name, default in (
            ("kind", "non-financial"),
            ("why", ""),
            ("forum", "annual-review"),
            ("forum_note", ""),
        ):
            batch_op.add_column(
                sa.Column(
                    name,
                    sqlmodel.sql.sqltypes.AutoString(),
                    nullable=False,
                    server_default=default,
                )
            )
        batch_op.add_column(sa.Column("asked_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("answered_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "created_at",
                sqlmodel.sql.sqltypes.UTCDateTime(),
                nullable=False,
                server_default="1970-01-01 00:00:00.000000",
            )
        )
    bind.execute(
        sa.text(
            "UPDATE supportrequest SET "
            "kind = CASE WHEN NOT financial THEN 'non-financial' "
            "WHEN direct THEN 'financial-direct' ELSE 'financial-indirect' END, "
            "asked_on = requested_on, created_at = :now"
        ),
        {"now": _now()},
    )
    # A request recorded as asked (or answered) without a date keeps its status;
    # the dates stay empty, which the rule below allows.
    with op.batch_alter_table("supportrequest", schema=None) as batch_op:
        for name in ("kind", "why", "forum", "forum_note", "created_at"):
            batch_op.alter_column(name, server_default=None)
        batch_op.drop_column("financial")
        batch_op.drop_column("direct")
        batch_op.drop_column("requested_on")
        batch_op.create_check_constraint(
            op.f("ck_supportrequest_kind"),
            "kind IN ('financial-direct', 'financial-indirect', 'non-financial')",
        )
        batch_op.create_check_constraint(
            op.f("ck_supportrequest_forum"), "forum IN ('annual-review', 'retreat', 'other')"
        )
        batch_op.create_check_constraint(
            op.f("ck_supportrequest_answered_after_asked"),
            "answered_on IS NULL OR (asked_on IS NOT NULL AND answered_on >= asked_on)",
        )

    # --- group --------------------------------------------------------------------
    with op.batch_alter_table("group", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("check_interval_months", sa.Integer(), nullable=False, server_default="6")
        )
    with op.batch_alter_table("group", schema=None) as batch_op:
        batch_op.alter_column("check_interval_months", server_default=None)
        batch_op.create_check_constraint(
            op.f("ck_group_check_interval_months"), "check_interval_months BETWEEN 1 AND 24"
        )


def downgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("group", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_group_check_interval_months"), type_="check")
        batch_op.drop_column("check_interval_months")

    with op.batch_alter_table("supportrequest", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_supportrequest_answered_after_asked"), type_="check")
        batch_op.drop_constraint(op.f("ck_supportrequest_forum"), type_="check")
        batch_op.drop_constraint(op.f("ck_supportrequest_kind"), type_="check")
        batch_op.add_column(
            sa.Column("financial", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("direct", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column("requested_on", sa.Date(), nullable=True))
    bind.execute(
        sa.text(
            "UPDATE supportrequest SET financial = (kind != 'non-financial'), "
            "direct = (kind != 'financial-indirect'), requested_on = asked_on"
        )
    )
    with op.batch_alter_table("supportrequest", schema=None) as batch_op:
        batch_op.alter_column("financial", server_default=None)
        batch_op.alter_column("direct", server_default=None)
        for name in (
            "created_at",
            "answered_on",
            "asked_on",
            "forum_note",
            "forum",
            "why",
            "kind",
        ):
            batch_op.drop_column(name)

    # Encrypted reflections cannot be turned back into text without their
    # authors' passphrases: an older Peergroup would show them as empty, so
    # they are removed rather than left unreadable.
    op.execute("DELETE FROM reflection WHERE cipher IS NOT NULL")
    with op.batch_alter_table("reflection", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_reflection_cipher_or_text"), type_="check")
        batch_op.drop_constraint(op.f("ck_reflection_revision"), type_="check")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("revision")
        batch_op.drop_column("shared_at")
        batch_op.drop_column("cipher")

    # One score per question and check, as before: keep the mean of each.
    rows = bind.execute(
        sa.text(
            "SELECT check_id, question_key, CAST(ROUND(AVG(score)) AS INTEGER) "
            "FROM consequenceanswer GROUP BY check_id, question_key"
        )
    ).fetchall()
    op.execute("DELETE FROM consequenceanswer")
    for check_id, key, score in rows:
        bind.execute(
            sa.text(
                "INSERT INTO consequenceanswer (check_id, question_key, score) VALUES (:c, :k, :s)"
            ),
            {"c": check_id, "k": key, "s": score},
        )
    with op.batch_alter_table("consequenceanswer", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_consequenceanswer_check_id"), ["check_id", "question_key"]
        )

    with op.batch_alter_table("consequencerespondent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consequencerespondent_check_id"))
    op.drop_table("consequencerespondent")
    with op.batch_alter_table("groupprompt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_groupprompt_group_id"))
    op.drop_table("groupprompt")
    op.drop_table("journalkey")
