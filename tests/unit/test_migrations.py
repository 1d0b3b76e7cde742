"""Migrations: the schema they build is the models' schema, and an older
database is upgraded on open, after a backup, without losing a row.

Stories: a developer adds a column to a model and forgets the migration (the
schema comparison fails); a facilitator upgrades Peergroup and opens last
year's database (it is backed up, upgraded, and every group and member is
still there).
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from peergroup.db import (
    MIGRATIONS_DIR,
    create_empty_file,
    head_revision,
    inspect_database,
    known_revisions,
    make_engine,
    open_database,
)
from peergroup.models import metadata
from peergroup.services import groups as groups_svc
from peergroup.services import membership as membership_svc


def _config(script_location: Path = MIGRATIONS_DIR) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    return cfg


def _build_at(path: Path, revision: str) -> None:
    """A database file migrated up to ``revision`` only, as an older Peergroup left it."""
    create_empty_file(path)
    engine = make_engine(path)
    try:
        cfg = _config()
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, revision)
    finally:
        engine.dispose()


def _filler(declared_type: str) -> object:
    t = declared_type.upper()
    if "INT" in t or "BOOL" in t:
        return 0
    if t == "DATE":
        return "2026-01-13"
    if "DATETIME" in t or "TIMESTAMP" in t:
        return "2026-01-13 09:00:00.000000"
    if t == "TIME":
        return "07:30:00.000000"
    return ""


# Folded keys (revision 0003 on) that an older Peergroup filled in, by source column.
_KEYS = {("group", "name_key"): "name", ("member", "email_key"): "email"}


def _insert(con: sqlite3.Connection, table: str, values: dict[str, object]) -> int:
    """Insert a row giving every NOT NULL column this revision's table has."""
    columns = {c[1] for c in con.execute(f'pragma table_info("{table}")')}
    # Values for columns a later revision adds are left out at earlier ones.
    row = {k: v for k, v in values.items() if k in columns}
    for (key_table, key), source in _KEYS.items():
        if key_table == table and key in columns and row.get(source):
            row[key] = str(row[source]).casefold()
    for _cid, name, declared, notnull, default, pk in con.execute(f'pragma table_info("{table}")'):
        if notnull and default is None and not pk and name not in row:
            row[name] = _filler(declared)
    if "name_key" in row:  # from 0003 on, the folded name the app looks groups up by
        row["name_key"] = str(row["name"]).strip().casefold()
    columns = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join("?" for _ in row)
    return con.execute(
        f'insert into "{table}" ({columns}) values ({marks})', list(row.values())
    ).lastrowid


def _add_rows(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        gid = _insert(
            con,
            "group",
            {
                "name": "Harbour Lights Peer Group",
                "uuid": "0" * 32,
                "check_interval_months": 6,  # within the CHECK that 0005 adds
                "membership": "ongoing",
                "timezone": "UTC",
                "duration_minutes": 60,  # 0 (the filler) breaks 0003's CHECK
            },
        )
        _insert(
            con,
            "member",
            {
                "group_id": gid,
                "name": "Ada Byron",
                "email": "ada@example.org",
                "status": "active",
                "joined_on": "2024-09-10",
            },
        )
        _insert(
            con,
            "member",
            {
                "group_id": gid,
                "name": "Rachel Goldberg",
                "status": "alumni",
                "joined_on": "2024-09-10",
                "left_on": "2026-06-30",
            },
        )
        # From 0003 on, lookups go by the folded name, which the models (not a raw
        # insert) fill in.
        if any(c[1] == "name_key" for c in con.execute('pragma table_info("group")')):
            con.execute('update "group" set name_key = lower(name)')
        con.commit()
    finally:
        con.close()


def _revision_in(path: Path) -> str:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("select version_num from alembic_version").fetchone()[0]
    finally:
        con.close()


def _assert_rows_survived(database) -> None:  # noqa: ANN001
    with database.write() as s:
        group = groups_svc.find_group(s, "Harbour Lights Peer Group")
        members = membership_svc.list_members(s, group)
        assert [(m.name, m.status, str(m.joined_on), str(m.left_on)) for m in members] == [
            ("Ada Byron", "active", "2024-09-10", "None"),
            ("Rachel Goldberg", "alumni", "2024-09-10", "2026-06-30"),
        ]
        assert members[0].email == "ada@example.org"


def _virtual_table_names(connection) -> set[str]:  # noqa: ANN001
    """SQLite virtual tables (e.g. the FTS5 search index) and their shadow tables.

    They are made with raw SQL in a migration, not by the models, so the
    schema comparison leaves them out. On PostgreSQL the index is the plain
    table ``search_index`` (migration 0002), left out for the same reason.
    """
    if connection.dialect.name != "sqlite":
        return {"search_index"}
    rows = connection.exec_driver_sql(
        "select name, sql from sqlite_master where type = 'table'"
    ).all()
    virtual = {name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")}
    return {
        name
        for name, _sql in rows
        if name in virtual or any(name.startswith(v + "_") for v in virtual)
    }


# --- the schema ----------------------------------------------------------------


def test_the_migrated_schema_is_exactly_the_models_schema(db):
    with db.engine.connect() as connection:
        virtual = _virtual_table_names(connection)

        def include_name(name, type_, parent_names) -> bool:  # noqa: ANN001
            return not (type_ == "table" and name in virtual)

        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_name": include_name, "render_as_batch": True},
        )
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_autogenerate_on_an_up_to_date_database_proposes_no_changes(db, tmp_path: Path):
    # What a developer gets from `alembic revision --autogenerate` before
    # touching any model: an empty migration (nothing to drop or create).
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    cfg = _config(scripts)
    with db.engine.connect() as connection:
        cfg.attributes["connection"] = connection
        script = command.revision(cfg, message="probe", autogenerate=True, rev_id="probe")
    text = Path(script.path).read_text(encoding="utf-8")
    upgrade = text[text.index("def upgrade()") : text.index("def downgrade()")]
    assert "op." not in upgrade, f"autogenerate wants to change the schema:\n{upgrade}"


def test_known_revisions_are_alembics_revisions_oldest_first(tmp_path: Path):
    script = ScriptDirectory.from_config(_config())
    chain = [s.revision for s in script.walk_revisions()][::-1]  # walk_revisions is newest first
    assert known_revisions() == chain
    assert head_revision() == script.get_current_head() == chain[-1]
    assert len(script.get_heads()) == 1, "two migration heads: merge them"
    for older, newer in zip(chain, chain[1:], strict=False):
        assert script.get_revision(newer).down_revision == older


def test_a_new_database_records_the_head_revision(db):
    if db.is_server:
        from peergroup import server

        with db.engine.connect() as connection:
            recorded = connection.exec_driver_sql("select version_num from alembic_version")
            assert recorded.scalar_one() == head_revision()
        assert server.inspect(db.engine, db.where) == ("current", head_revision())
    else:
        assert _revision_in(db.path) == head_revision()
        assert inspect_database(db.path).kind == "current"
    assert db.backup is None


# --- opening an older database --------------------------------------------------


def test_a_database_written_at_the_first_revision_opens_with_its_rows(tmp_path: Path):
    path = tmp_path / "first.db"
    first = known_revisions()[0]
    _build_at(path, first)
    _add_rows(path)
    assert inspect_database(path).revision == first

    database = open_database(path)
    try:
        _assert_rows_survived(database)
        if first == head_revision():
            assert database.backup is None
        else:
            assert database.backup is not None and database.backup.exists()
    finally:
        database.close()
    state = inspect_database(path)
    assert (state.kind, state.revision) == ("current", head_revision())


def _upgrade_steps() -> list:
    revisions = known_revisions()
    steps = [
        pytest.param(older, newer, id=f"{older}-to-{newer}")
        for older, newer in zip(revisions, revisions[1:], strict=False)
    ]
    if not steps:
        return [
            pytest.param(
                None,
                None,
                marks=pytest.mark.skip(
                    reason="only one migration exists, so no database can be older yet"
                ),
            )
        ]
    return steps


@pytest.mark.parametrize(("older", "newer"), _upgrade_steps())
def test_an_older_database_is_backed_up_then_upgraded_keeping_every_row(
    tmp_path: Path, older: str, newer: str
):
    # `newer` is the first migration the upgrade has to run; it names the case.
    path = tmp_path / "last-year.db"
    _build_at(path, older)
    _add_rows(path)
    original = path.read_bytes()
    state = inspect_database(path)
    assert (state.kind, state.revision) == ("older", older)

    database = open_database(path)
    try:
        # a backup was written first, beside the file, holding the old schema and rows
        assert database.backup is not None
        assert database.backup.parent == path.parent
        assert database.backup.name.startswith(path.name) and database.backup.name.endswith(".bak")
        assert f"before-{head_revision()}" in database.backup.name
        assert sorted(p.name for p in tmp_path.glob("*.bak")) == [database.backup.name]
        assert _revision_in(database.backup) == older
        con = sqlite3.connect(database.backup)
        try:
            assert con.execute("select count(*) from member").fetchone()[0] == 2
        finally:
            con.close()
        # the upgraded database kept its rows and reads through the current models
        _assert_rows_survived(database)
    finally:
        database.close()

    assert path.read_bytes() != original
    assert _revision_in(path) == head_revision()
    assert inspect_database(path).kind == "current"


def test_pair_times_written_before_0012_keep_their_instant_on_postgresql(db):
    """0008 made three pair-rotation times naive on PostgreSQL: an aware time was kept
    as the session's local time, and read back as if it were UTC (hours off on a
    server outside UTC). 0012 makes them aware, reading the stored local times in
    the time zone they were written in."""
    if not db.is_server:
        pytest.skip("PostgreSQL only: SQLite stores both types alike")
    import datetime as dt

    import psycopg
    from sqlmodel import select

    from peergroup.db import run_migrations
    from peergroup.models import PairRound

    with db.write() as s:
        group = groups_svc.create_group(s, "Harbour Lights Peer Group", timezone="UTC")
        group_id = group.id
    run_migrations(db.engine, "0011", downgrade=True)
    name = db.engine.url.database
    with psycopg.connect(db.target, autocommit=True) as admin:
        admin.execute(f"ALTER DATABASE {name} SET timezone = 'America/New_York'")
    db.close()
    when = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    with psycopg.connect(db.target) as older:  # what the app wrote at 0011
        older.execute(
            "insert into pairround (group_id, number, cycle, cycle_offset, cycle_position,"
            " after_on, before_on, created_at) values (%s, 1, 1, 0, 0, %s, %s, %s)",
            (group_id, dt.date(2026, 11, 25), dt.date(2026, 12, 8), when),
        )
        stored = older.execute("select created_at::text from pairround").fetchone()[0]
        assert stored == "2026-11-25 04:00:00"  # New York's wall-clock time, no zone
    upgraded = open_database(db.target)
    try:
        assert upgraded.notices and "Upgraded" in upgraded.notices[0]
        with upgraded.read() as s:
            assert s.exec(select(PairRound)).one().created_at == when
    finally:
        upgraded.close()
