"""constraints the database keeps by itself; role keys; custom dates as rows

Revision ID: 0003
Revises: 0002

* CHECK constraints: scores 1 to 5, percentages 0 to 100, counts not negative,
  meeting lengths 30 to 240 minutes, and every status column limited to its
  values. The services validate first; these keep a script, a hand-edited
  file or an older copy from writing something the app cannot show.
* Case-insensitive uniqueness in the database instead of Python scans: folded
  keys (NFC + casefold, see ``peergroup.text.fold``) with unique constraints
  for group names, member e-mails (per group), role names and topic titles.
  The models fill them on every insert and update.
* ``role.key``: a stable identity ("facilitator", "scribe", "lead",
  "correspondence") instead of matching "Scribe" by its display name.
* ``customdate``: the dates of a group that meets on a custom list, one row
  each (was a comma-separated column).
* ``minutes.scribe_id`` goes: who took a meeting's minutes is that meeting's
  "scribe" role assignment, the one fact every view reads. A scribe recorded
  in the minutes becomes that assignment (marked as set by hand).

Batch mode rebuilds tables on SQLite by copying them, and dropping the old
copy of a table would fire ON DELETE CASCADE on its children: the migration
runner switches foreign keys off around the upgrade and checks them after
(peergroup.db.run_migrations). Rebuilding ``actionitem`` and ``minutes`` drops
their search triggers (migration 0002), so they are created again at the end.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from pathlib import Path

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ROLE_KEYS = {
    "facilitator": "facilitator",
    "scribe": "scribe",
    "discussion lead": "lead",
    "correspondence": "correspondence",
}


def _fold(value: str | None) -> str:
    # Frozen copy of peergroup.text.fold as of this revision.
    return unicodedata.normalize("NFC", value or "").strip().casefold()


def _one_of(table: str, column: str, values: tuple[str, ...], default: str) -> tuple:
    listed = ", ".join(f"'{v}'" for v in values)
    return (f"ck_{table}_{column}", f"{column} IN ({listed})", f"{column} = '{default}'")


def _between(table: str, column: str, lo: int, hi: int) -> tuple:
    return (
        f"ck_{table}_{column}",
        f"{column} BETWEEN {lo} AND {hi}",
        f"{column} = CASE WHEN {column} < {lo} THEN {lo} WHEN {column} > {hi} THEN {hi} "
        f"ELSE {column} END",
    )


def _at_least_zero(table: str, column: str) -> tuple:
    return (f"ck_{table}_{column}", f"{column} >= 0", f"{column} = 0")


# table -> [(constraint name, condition, repair for rows that break it)]. A row
# an older version (or a script) left outside the rule is brought inside it
# first, so the upgrade never fails on old data.
_CHECKS: dict[str, list[tuple[str, str, str]]] = {
    "group": [
        _one_of("group", "membership", ("ongoing", "time-limited"), "ongoing"),
        _between("group", "duration_minutes", 30, 240),
    ],
    "member": [_one_of("member", "status", ("prospective", "active", "alumni"), "active")],
    "optinround": [_one_of("optinround", "answer", ("pending", "in", "out"), "pending")],
    "goal": [
        _one_of("goal", "horizon", ("short", "long"), "short"),
        _one_of("goal", "status", ("open", "achieved", "dropped"), "open"),
    ],
    "goalcheckin": [_between("goalcheckin", "progress", 0, 100)],
    "meeting": [
        _one_of("meeting", "status", ("scheduled", "cancelled"), "scheduled"),
        _between("meeting", "duration_minutes", 30, 240),
        _at_least_zero("meeting", "sequence"),
    ],
    "attendance": [_one_of("attendance", "status", ("present", "apologies", "absent"), "present")],
    "actionitem": [_one_of("actionitem", "status", ("open", "done", "dropped"), "open")],
    "supportrequest": [
        _one_of("supportrequest", "status", ("planned", "asked", "granted", "declined"), "planned")
    ],
    "topicrating": [_between("topicrating", "score", 1, 5)],
    "expertinvitation": [
        _one_of(
            "expertinvitation",
            "status",
            ("idea", "invited", "confirmed", "declined", "attended"),
            "idea",
        )
    ],
    "consequenceanswer": [_between("consequenceanswer", "score", 1, 5)],
    "goalreview": [
        _one_of(
            "goalreview",
            "verdict",
            ("met", "partly", "not-met", "in-progress", "dropped"),
            "in-progress",
        )
    ],
    "surveyanswer": [_between("surveyanswer", "score", 1, 5)],
    "outcometally": [_at_least_zero("outcometally", "count")],
}


def _repair(table: str) -> None:
    for _name, condition, repair in _CHECKS[table]:
        op.execute(f'UPDATE "{table}" SET {repair} WHERE NOT ({condition})')


def _fill(table: str, key_column: str, source_column: str, scope: str | None) -> None:
    """Set the folded key of every row. Two rows an older version let through with
    the same key (e.g. "Zoë" typed once composed and once decomposed) stay apart:
    a later name gets " (2)" added; a later e-mail simply has no key."""
    bind = op.get_bind()
    scope_sql = scope or "0"
    rows = bind.execute(
        sa.text(f'SELECT id, {scope_sql}, {source_column} FROM "{table}" ORDER BY id')
    ).fetchall()
    seen: set[tuple[object, str]] = set()
    for row_id, scope_value, value in rows:
        key = _fold(value)
        if key_column == "email_key":
            new_key = key if key and (scope_value, key) not in seen else None
            new_value = value
        else:
            new_value, new_key, n = value, key, 1
            while (scope_value, new_key) in seen:
                n += 1
                new_value = f"{value} ({n})"
                new_key = _fold(new_value)
        if new_key is not None:
            seen.add((scope_value, new_key))
        bind.execute(
            sa.text(
                f'UPDATE "{table}" SET {key_column} = :key, {source_column} = :value WHERE id = :id'
            ),
            {"key": new_key, "value": new_value, "id": row_id},
        )


def _ensure_rotating_role(bind: sa.Connection, key: str, name: str) -> None:
    """A group whose scribe (or lead) role was renamed before keys existed gets one."""
    groups = bind.execute(
        sa.text(
            'SELECT id FROM "group" WHERE id NOT IN (SELECT group_id FROM role WHERE key = :k)'
        ),
        {"k": key},
    ).fetchall()
    for (group_id,) in groups:
        taken = {
            k
            for (k,) in bind.execute(
                sa.text("SELECT name_key FROM role WHERE group_id = :g"), {"g": group_id}
            )
        }
        label, n = name, 1
        while _fold(label) in taken:
            n += 1
            label = f"{name} ({n})"
        bind.execute(
            sa.text(
                "INSERT INTO role (group_id, name, name_key, key, rotates) "
                "VALUES (:g, :name, :name_key, :key, 1)"
            ),
            {"g": group_id, "name": label, "name_key": _fold(label), "key": key},
        )


def _scribes_become_assignments(bind: sa.Connection) -> None:
    rows = bind.execute(
        sa.text(
            "SELECT m.meeting_id, m.scribe_id, r.id FROM minutes m "
            "JOIN meeting mt ON mt.id = m.meeting_id "
            "JOIN role r ON r.group_id = mt.group_id AND r.key = 'scribe' "
            "WHERE m.scribe_id IS NOT NULL"
        )
    ).fetchall()
    for meeting_id, member_id, role_id in rows:
        found = bind.execute(
            sa.text("SELECT id FROM roleassignment WHERE meeting_id = :m AND role_id = :r"),
            {"m": meeting_id, "r": role_id},
        ).first()
        if found is None:
            bind.execute(
                sa.text(
                    "INSERT INTO roleassignment (meeting_id, role_id, member_id, manual) "
                    "VALUES (:m, :r, :p, 1)"
                ),
                {"m": meeting_id, "r": role_id, "p": member_id},
            )
        else:
            bind.execute(
                sa.text("UPDATE roleassignment SET member_id = :p, manual = 1 WHERE id = :id"),
                {"p": member_id, "id": found[0]},
            )


def _search_triggers() -> list[tuple[str, str]]:
    """The search-index triggers as migration 0002 defines them."""
    path = Path(__file__).with_name("0002_search.py")
    spec = importlib.util.spec_from_file_location("peergroup_migration_0002", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module._triggers()


def upgrade() -> None:
    bind = op.get_bind()
    _drop_search_triggers(bind)
    op.create_table(
        "customdate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["group.id"],
            name=op.f("fk_customdate_group_id_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customdate")),
        sa.UniqueConstraint("group_id", "on", name=op.f("uq_customdate_group_id")),
    )
    with op.batch_alter_table("customdate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customdate_group_id"), ["group_id"], unique=False)

    # Custom dates move to their own rows.
    for group_id, listed in bind.execute(
        sa.text("SELECT id, custom_dates FROM \"group\" WHERE custom_dates != ''")
    ).fetchall():
        for day in sorted({d.strip() for d in listed.split(",") if d.strip()}):
            bind.execute(
                sa.text('INSERT INTO customdate (group_id, "on") VALUES (:g, :d)'),
                {"g": group_id, "d": day},
            )

    # New key columns, filled from the existing rows before they become unique.
    with op.batch_alter_table("group", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "name_key", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
            )
        )
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_key", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
    with op.batch_alter_table("role", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "name_key", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
            )
        )
        batch_op.add_column(sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    with op.batch_alter_table("topic", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "title_key", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
            )
        )
    _fill("group", "name_key", "name", scope=None)
    _fill("member", "email_key", "email", scope="group_id")
    _fill("role", "name_key", "name", scope="group_id")
    _fill("topic", "title_key", "title", scope="group_id")
    for role_id, name in bind.execute(sa.text("SELECT id, name FROM role")).fetchall():
        key = _ROLE_KEYS.get(_fold(name))
        if key:
            bind.execute(
                sa.text("UPDATE role SET key = :key WHERE id = :id"), {"key": key, "id": role_id}
            )
    _ensure_rotating_role(bind, "scribe", "Scribe")
    _ensure_rotating_role(bind, "lead", "Discussion lead")
    _scribes_become_assignments(bind)

    with op.batch_alter_table("group", schema=None) as batch_op:
        batch_op.alter_column("name_key", server_default=None)
        batch_op.drop_index(batch_op.f("ix_group_name"))
        batch_op.create_unique_constraint(batch_op.f("uq_group_name_key"), ["name_key"])
        batch_op.drop_column("custom_dates")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_member_group_email_key", ["group_id", "email_key"])
    with op.batch_alter_table("role", schema=None) as batch_op:
        batch_op.alter_column("name_key", server_default=None)
        batch_op.drop_constraint(batch_op.f("uq_role_group_id"), type_="unique")
        batch_op.create_unique_constraint("uq_role_group_key", ["group_id", "key"])
        batch_op.create_unique_constraint("uq_role_group_name_key", ["group_id", "name_key"])
    with op.batch_alter_table("topic", schema=None) as batch_op:
        batch_op.alter_column("title_key", server_default=None)
        batch_op.drop_constraint(batch_op.f("uq_topic_group_id"), type_="unique")
        batch_op.create_unique_constraint("uq_topic_group_title_key", ["group_id", "title_key"])

    for table, checks in _CHECKS.items():
        _repair(table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition, _repair_sql in checks:
                batch_op.create_check_constraint(op.f(name), condition)

    with op.batch_alter_table("minutes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_minutes_scribe_id_member"), type_="foreignkey")
        batch_op.drop_column("scribe_id")

    _restore_search_triggers(bind)


def _drop_search_triggers(bind: sa.Connection) -> None:
    # Tables with search triggers are rebuilt below, and a trigger that names a
    # table being swapped (minutesamendment's names minutes) stops the rename:
    # all of them go first and come back at the end.
    if bind.dialect.name != "sqlite":
        return
    for name, _sql in _search_triggers():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def _restore_search_triggers(bind: sa.Connection) -> None:
    if bind.dialect.name != "sqlite":
        return
    for name, sql in _search_triggers():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(sql)


def downgrade() -> None:
    bind = op.get_bind()
    _drop_search_triggers(bind)
    for table, checks in reversed(list(_CHECKS.items())):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _condition, _repair_sql in checks:
                batch_op.drop_constraint(op.f(name), type_="check")
    with op.batch_alter_table("topic", schema=None) as batch_op:
        batch_op.drop_constraint("uq_topic_group_title_key", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_topic_group_id"), ["group_id", "title"])
        batch_op.drop_column("title_key")
    with op.batch_alter_table("role", schema=None) as batch_op:
        batch_op.drop_constraint("uq_role_group_name_key", type_="unique")
        batch_op.drop_constraint("uq_role_group_key", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_role_group_id"), ["group_id", "name"])
        batch_op.drop_column("key")
        batch_op.drop_column("name_key")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_constraint("uq_member_group_email_key", type_="unique")
        batch_op.drop_column("email_key")
    with op.batch_alter_table("group", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("custom_dates", sa.VARCHAR(), nullable=False, server_default="")
        )
    for group_id, day in bind.execute(
        sa.text('SELECT group_id, "on" FROM customdate ORDER BY group_id, "on"')
    ).fetchall():
        bind.execute(
            sa.text(
                "UPDATE \"group\" SET custom_dates = CASE WHEN custom_dates = '' THEN :d "
                "ELSE custom_dates || ',' || :d END WHERE id = :g"
            ),
            {"g": group_id, "d": str(day)},
        )
    with op.batch_alter_table("group", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_group_name_key"), type_="unique")
        batch_op.create_index(batch_op.f("ix_group_name"), ["name"], unique=True)
        batch_op.drop_column("name_key")
    op.drop_table("customdate")
    with op.batch_alter_table("minutes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scribe_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_minutes_scribe_id_member"),
            "member",
            ["scribe_id"],
            ["id"],
            ondelete="SET NULL",
        )
    _restore_search_triggers(bind)
