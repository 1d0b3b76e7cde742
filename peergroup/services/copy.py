"""Moving groups between databases: an SQLite file, a PostgreSQL server, either way.

``copy_groups`` copies one group, or every group, with all of its records:
members, meetings and minutes, goals, reviews, journals (encrypted entries
stay encrypted: their keys move with them), anonymous answers. It works on
the tables themselves, so nothing is lost in a translation: every column of
every table that belongs to the group is copied.

Rows keep their ids when the destination has none of them (a new database,
or one holding other groups with other ids): then everything bound to a
record number still works, encrypted journal entries and sealed pair notes
included. Otherwise rows get the destination's own ids and every reference
between them is carried over; a group whose journals are kept under a
passphrase is then refused, since its entries are bound to their numbers. What calendars and group files know
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
    notes: list[str] = field(default_factory=list)  # what the user should do next


def copy_groups(src: Database, dst: Database, group: str | None = None) -> Copied:
    """Copy ``group`` (by name), or every group, from ``src`` into ``dst``."""
    from sqlalchemy.exc import IntegrityError

    from . import groups as groups_svc

    done = Copied()
    try:
        with src.read() as s_in, dst.write() as s_out:
            chosen = [groups_svc.find_group(s_in, group)] if group else groups_svc.list_groups(s_in)
            if not chosen:
                raise InputError(
                    "copy", f"{src.where} holds no group, so there is nothing to copy."
                )
            conn_in, conn_out = s_in.connection(), s_out.connection()
            for g in chosen:
                _refuse_if_there(conn_out, g.uuid, g.name_key, g.name, dst.where)
                rows = _collect(conn_in, int(g.id or 0))
                if _ids_free(conn_out, rows):
                    done.rows += _insert_keeping_ids(conn_out, rows)
                else:
                    _refuse_if_bound_to_ids(rows, g.name, dst.where)
                    done.rows += _insert_with_new_ids(conn_out, rows)
                    if rows.get("answerformkey"):
                        done.notes.append(
                            f"{g.name}: answer forms exported before the copy will not be "
                            "accepted by the copy; export them again from it."
                        )
                done.groups.append(g.name)
            _catch_up_sequences(conn_out)
    except IntegrityError as exc:
        raise InputError(
            "copy",
            f"{dst.where} already holds something the copied group uses too (a meeting's "
            f"calendar id or another unique value: {str(exc.orig).splitlines()[0]}), so "
            "nothing was copied.",
        ) from None
    return done


def _refuse_if_there(conn_out: Connection, uuid: str, name_key: str, name: str, where: str) -> None:
    from sqlalchemy import or_, select

    from ..models import metadata

    table = metadata.tables["group"]
    found = conn_out.execute(
        select(table.c.name).where(or_(table.c.uuid == uuid, table.c.name_key == name_key))
    ).first()
    if found is not None:
        raise InputError(
            "copy",
            f"{where} already holds a group called {found[0]!r} (the same group, or one with "
            f"the same name as {name!r}), so nothing was copied. Rename one of them, copy into "
            "another database, or remove it there first.",
        )


Rows = dict[str, list[dict[str, Any]]]


def _collect(conn_in: Connection, group_id: int) -> Rows:
    """Every row of one group, table by table, parents before children."""
    from sqlalchemy import or_, select

    from ..models import metadata

    rows: Rows = {}
    ids: dict[str, list[Any]] = {}
    for table in metadata.sorted_tables:
        pk = _primary_key(table)
        if table.name == "group":
            query = select(table).where(table.c.id == group_id)
        else:
            conditions = [
                table.c[column].in_(ids[parent])
                for column, parent in _all_refs(table)
                if parent in ids
            ]
            if not conditions:
                continue  # not a table that belongs to a group
            query = select(table).where(or_(*conditions))
        found = [dict(r._mapping) for r in conn_in.execute(query.order_by(table.c[pk]))]
        rows[table.name] = found
        ids[table.name] = [r[pk] for r in found]
    return rows


def _ids_free(conn_out: Connection, rows: Rows) -> bool:
    """Whether the destination has none of these rows' ids (then they are kept as they are)."""
    from sqlalchemy import func, select

    from ..models import metadata

    for name, found in rows.items():
        table = metadata.tables[name]
        pk = table.c[_primary_key(table)]
        ids = [r[pk.name] for r in found]
        for i in range(0, len(ids), 500):
            taken = conn_out.execute(
                select(func.count()).select_from(table).where(pk.in_(ids[i : i + 500]))
            ).scalar_one()
            if taken:
                return False
    return True


def _refuse_if_bound_to_ids(rows: Rows, name: str, where: str) -> None:
    """Encrypted journal entries and sealed pair notes are bound to their record numbers
    (peergroup.services.journal_crypto): under new numbers they could not be read again."""
    sealed = rows.get("journalkey") or any(
        r.get("cipher") is not None
        for r in (*rows.get("reflection", []), *rows.get("pairnote", []))
    )
    if sealed:
        raise InputError(
            "copy",
            f"{name!r} has journals kept under a passphrase (or sealed pair notes), which are "
            f"bound to their record numbers, and {where} already uses some of those numbers; "
            "under new ones they could not be read again. Nothing was copied. Copy the group "
            "into a new, empty database instead.",
        )


def _insert_keeping_ids(conn_out: Connection, rows: Rows) -> int:
    from sqlalchemy import insert

    from ..models import metadata

    count = 0
    for name, found in rows.items():
        if found:
            conn_out.execute(insert(metadata.tables[name]), found)
            count += len(found)
    return count


def _insert_with_new_ids(conn_out: Connection, rows: Rows) -> int:
    """Insert with the destination's own ids, mapping every reference."""
    from sqlalchemy import insert

    from ..models import metadata

    new_ids: dict[str, dict[Any, Any]] = {}
    count = 0
    for name, found in rows.items():
        table = metadata.tables[name]
        pk = _primary_key(table)
        mapped = new_ids.setdefault(name, {})
        for original in found:
            values = dict(original)
            for column, parent in _all_refs(table):
                old = values.get(column)
                if old is None:
                    continue
                try:
                    values[column] = new_ids[parent][old]
                except KeyError:
                    raise DatabaseProblem(
                        f"A {name} row points at a {parent} row outside its group "
                        f"({column} = {old}); nothing was copied."
                    ) from None
            old_id = values[pk]
            if name not in KEEP_IDS:
                del values[pk]
            new_id = conn_out.execute(insert(table).values(**values).returning(table.c[pk]))
            mapped[old_id] = new_id.scalar_one()
            count += 1
    return count


def _catch_up_sequences(conn_out: Connection) -> None:
    """On PostgreSQL, rows inserted with their own ids leave the id sequences behind:
    move each past the largest id, so the next new row does not collide."""
    if conn_out.dialect.name != "postgresql":
        return
    from ..models import metadata

    for table in metadata.sorted_tables:
        if table.name in KEEP_IDS:
            continue
        pk = _primary_key(table)
        conn_out.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{pk}'), "
            f'COALESCE((SELECT MAX("{pk}") FROM "{table.name}"), 0) + 1, false)'
        )


def _primary_key(table: Table) -> str:
    (column,) = [c.name for c in table.primary_key.columns]
    return column


def _all_refs(table: Table) -> list[tuple[str, str]]:
    return [(fk.parent.name, fk.column.table.name) for fk in table.foreign_keys]
