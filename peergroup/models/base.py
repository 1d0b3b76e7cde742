"""What every table shares: the constraint naming convention and CHECK helpers."""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, MetaData
from sqlmodel import SQLModel
from sqlmodel.main import SQLModelConfig

# A naming convention makes constraint names stable, which Alembic's batch
# mode on SQLite needs to drop or alter them in later migrations.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


class Table(SQLModel):
    """The base of every table.

    Rows are built by SQLAlchemy and by the services, never validated by
    pydantic, so pydantic's validator for each table is built only if something
    asks for it (``defer_build``) instead of at import: that is about 10 ms of
    every command's start (bench/startup.py, "import peergroup's tables").
    """

    model_config = SQLModelConfig(from_attributes=True, defer_build=True)


def new_uuid() -> str:
    return uuid.uuid4().hex


def _one_of(column: str, values: tuple[str, ...], name: str | None = None) -> CheckConstraint:
    """A CHECK that ``column`` holds one of ``values`` (the services validate first;
    this keeps a script or an older copy from writing something else)."""
    listed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name or column)


def _between(column: str, lo: int, hi: int, name: str | None = None) -> CheckConstraint:
    return CheckConstraint(f"{column} BETWEEN {lo} AND {hi}", name=name or column)


MEMBER_STATUSES = ("prospective", "active", "alumni")
GOAL_STATUSES = ("open", "achieved", "dropped")
MEETING_STATUSES = ("scheduled", "cancelled")
ATTENDANCE_STATUSES = ("present", "apologies", "absent")
ACTION_STATUSES = ("open", "done", "dropped")
# Rotating and standing roles every group starts with, by their stable key.
ROLE_KEYS = ("facilitator", "scribe", "lead", "correspondence")
