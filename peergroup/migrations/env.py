"""Alembic environment: runs against the connection peergroup.db hands over."""

from __future__ import annotations

from alembic import context

from peergroup import models  # noqa: F401  (registers every table on the metadata)
from peergroup.models import metadata

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # `alembic` CLI use during development
        from sqlalchemy import create_engine

        engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
        with engine.begin() as connection:
            _run(connection)
    else:
        _run(connection)


def _include_name(name, type_, parent_names) -> bool:  # noqa: ANN001, ARG001
    # The full-text search index (migration 0002) is an FTS5 virtual table with
    # shadow tables, made with raw SQL rather than by the models: leave them out
    # of autogenerate, or it proposes dropping them.
    return not (type_ == "table" and (name or "").startswith("search_index"))


def _run(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        include_name=_include_name,
        target_metadata=metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Peergroup migrations run online only.")
run_migrations_online()
