"""Moving groups between databases: an SQLite file, a PostgreSQL server, either way.

``copy_groups`` copies one group, or every group, with all of its records:
members, meetings and minutes, goals, reviews, journals (encrypted entries
stay encrypted: their keys move with them), anonymous answers. It works on
the tables themselves, so nothing is lost in a translation: every column of
every table that belongs to the group is copied.

Row ids are the destination's own (its other groups keep theirs); every
reference between rows is carried over. What calendars and group files know
a group by is kept: the group's uuid and each meeting's calendar uid, so a
calendar exported before the move still updates after it. Anonymous answers
keep their random ids (they say nothing about who answered when).

All or nothing: everything goes in one write to the destination, so a
failure (or a group the destination already holds) leaves it as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import DatabaseProblem, InputError

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy import Connection, Table

    from ..db import Database

# Anonymous answers: random ids, kept as they are (see models.consequences).
KEEP_IDS = frozenset({"surveyanswer", "consequenceanswer", "pulseanswer"})


@dataclass
class Copied:
    groups: list[str] = field(default_factory=list)
    rows: int = 0


def copy_groups(src: Database, dst: Database, group: str | None = None) -> Copied:
    """Copy ``group`` (by name), or every group, from ``src`` into ``dst``."""
    from . import groups as groups_svc

    done = Copied()
    with src.read() as s_in, dst.write() as s_out:
        chosen = [groups_svc.find_group(s_in, group)] if group else groups_svc.list_groups(s_in)
        if not chosen:
            raise InputError("copy", f"{src.where} holds no group, so there is nothing to copy.")
        conn_in, conn_out = s_in.connection(), s_out.connection()
        for g in chosen:
            _refuse_if_there(conn_out, g.uuid, g.name, dst.where)
            done.rows += _copy_one(conn_in, conn_out, int(g.id or 0))
            done.groups.append(g.name)
    return done


def _refuse_if_there(conn_out: Connection, uuid: str, name: str, where: str) -> None:
    from sqlalchemy import select

    from ..models import metadata

    table = metadata.tables["group"]
    found = conn_out.execute(select(table.c.name).where(table.c.uuid == uuid)).first()
    if found is not None:
        raise InputError(
            "copy",
            f"{where} already holds the group {name!r} (the same group, by its id), so "
            "nothing was copied. Copy it into another database, or remove it there first.",
        )


def _copy_one(conn_in: Connection, conn_out: Connection, group_id: int) -> int:
    """Copy one group's rows, parents before children, mapping every reference."""
    from sqlalchemy import insert, or_, select

    from ..models import metadata

    new_ids: dict[str, dict[Any, Any]] = {}
    rows = 0
    for table in metadata.sorted_tables:
        refs = [
            (fk.parent.name, fk.column.table.name)
            for fk in table.foreign_keys
            if fk.column.table.name in new_ids or fk.column.table.name == "group"
        ]
        if table.name == "group":
            query = select(table).where(table.c.id == group_id)
        else:
            conditions = [
                table.c[column].in_(list(new_ids[parent]) if parent in new_ids else [])
                for column, parent in refs
            ]
            if not conditions:
                continue  # not a table that belongs to a group
            query = select(table).where(or_(*conditions))
        pk = _primary_key(table)
        mapped = new_ids.setdefault(table.name, {})
        for row in conn_in.execute(query.order_by(table.c[pk])):
            values = dict(row._mapping)
            for column, parent in _all_refs(table):
                old = values.get(column)
                if old is None:
                    continue
                try:
                    values[column] = new_ids[parent][old]
                except KeyError:
                    raise DatabaseProblem(
                        f"A {table.name} row points at a {parent} row outside its group "
                        f"({column} = {old}); nothing was copied."
                    ) from None
            old_id = values[pk]
            if table.name not in KEEP_IDS:
                del values[pk]
            new_id = conn_out.execute(insert(table).values(**values).returning(table.c[pk]))
            mapped[old_id] = new_id.scalar_one()
            rows += 1
    return rows


def _primary_key(table: Table) -> str:
    (column,) = [c.name for c in table.primary_key.columns]
    return column


def _all_refs(table: Table) -> list[tuple[str, str]]:
    return [(fk.parent.name, fk.column.table.name) for fk in table.foreign_keys]
