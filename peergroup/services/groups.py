"""Creating, finding and configuring groups (the membership rules of step 2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from ..errors import InputError, NotFound
from ..models import Group, Role
from ..text import fold
from . import validate
from ._ids import id_of

MEMBERSHIP_KINDS = ("ongoing", "time-limited")
SIZE_MIN, SIZE_MAX = 4, 12  # the range groups in the literature report
# (key, name shown, rotates): every new group starts with these roles.
DEFAULT_ROLES = (
    ("facilitator", "Facilitator", False),
    ("scribe", "Scribe", True),
    ("lead", "Discussion lead", True),
    ("correspondence", "Correspondence", False),
)


def list_groups(session: Session) -> list[Group]:
    return list(session.exec(select(Group).order_by(Group.name)))


def get_group(session: Session, group_id: int) -> Group:
    group = session.get(Group, group_id)
    if group is None:
        raise NotFound(f"No group with id {group_id}.")
    return group


def opening_group_id(session: Session, requested: str | None) -> int | None:
    """The group the app opens on: the one asked for by name, else the first by name."""
    from ..errors import PeergroupError

    if requested:
        try:
            return find_group(session, requested).id
        except PeergroupError:
            pass
    groups = list_groups(session)
    return groups[0].id if groups else None


def find_group(session: Session, name: str | None) -> Group:
    """The group called ``name`` (case-insensitive), or the only group when name is None."""
    groups = list_groups(session)
    if not groups:
        raise NotFound(
            "This database has no group yet. Run `peergroup` to create one, or import a group file."
        )
    if name is None:
        if len(groups) == 1:
            return groups[0]
        names = ", ".join(g.name for g in groups)
        raise NotFound(
            f"This database holds several groups ({names}); choose one with --group NAME."
        )
    found = session.exec(select(Group).where(Group.name_key == fold(name))).first()
    if found is not None:
        return found
    raise NotFound(f"No group called {name!r}. Groups here: {', '.join(g.name for g in groups)}.")


def _check_unique_name(session: Session, name: str, exclude_id: int | None = None) -> None:
    # The folded key has a unique index: this is a lookup, and a clear message.
    other = session.exec(select(Group).where(Group.name_key == fold(name))).first()
    if other is not None and other.id != exclude_id:
        raise InputError(
            "name", f"a group called {other.name!r} already exists; choose another name."
        )


def group_uid(name: str) -> str:
    """A calendar identity derived from the name the group was created with.

    Derived rather than random so that importing the same group file into a
    fresh database gives the same calendar UIDs (re-importing the .ics then
    updates events instead of duplicating them). It is fixed at creation, so
    renaming the group later does not change it.
    """
    import uuid

    return uuid.uuid5(uuid.NAMESPACE_URL, "peergroup:group:" + name.casefold()).hex


def _free_uid(session: Session, name: str) -> str:
    """group_uid(name), or a numbered variant if a renamed group already holds it."""
    taken = set(session.exec(select(Group.uuid)))
    uid, n = group_uid(name), 1
    while uid in taken:
        n += 1
        uid = group_uid(f"{name}#{n}")
    return uid


def create_group(session: Session, name: str, *, timezone: str | None = None) -> Group:
    name = validate.required_line("name", name)
    _check_unique_name(session, name)
    if timezone is None:
        from ..calendar.zones import machine_timezone

        timezone = machine_timezone()
    timezone = validate.timezone("timezone", timezone)
    group = Group(name=name, timezone=timezone, uuid=_free_uid(session, name))
    session.add(group)
    session.flush()
    for key, role_name, rotates in DEFAULT_ROLES:
        session.add(Role(group_id=id_of(group), key=key, name=role_name, rotates=rotates))
    session.flush()
    return group


def rename_group(session: Session, group: Group, name: str) -> Group:
    name = validate.required_line("name", name)
    _check_unique_name(session, name, exclude_id=group.id)
    if name != group.name:
        from .meetings import touch_upcoming

        touch_upcoming(session, id_of(group))  # every event's summary names the group
    group.name = name
    session.add(group)
    session.flush()
    return group


def set_membership_rules(
    session: Session,
    group: Group,
    *,
    target_size: str | int | None,
    membership: str,
    end_date: str | dt.date | None = None,
    end_condition: str | None = "",
    opt_in_month: str | int | None = None,
) -> Group:
    """Validate everything first, then write: a bad field changes nothing."""
    size = validate.int_in_range("target_size", target_size, 1, 200)
    kind = validate.choice("membership", membership, MEMBERSHIP_KINDS)
    end = validate.parse_date("end_date", end_date)
    condition = validate.text("end_condition", end_condition, limit=validate.LINE_MAX)
    month = validate.int_in_range("opt_in_month", opt_in_month, 1, 12)
    if kind == "time-limited" and end is None and not condition:
        raise InputError(
            "end_date",
            "a time-limited group needs an end: give an end date or describe the end condition (e.g. 'when all members are promoted').",
        )
    if kind == "ongoing":
        end, condition = None, ""
    group.target_size = size
    group.membership = kind
    group.end_date = end
    group.end_condition = condition
    group.opt_in_month = month
    session.add(group)
    session.flush()
    return group


def size_warning(target_size: int | None) -> str | None:
    """A warning (not an error) when the target is outside 4 to 12."""
    if target_size is None:
        return None
    if target_size < SIZE_MIN:
        return f"{target_size} is small: published groups have {SIZE_MIN} to {SIZE_MAX} members, and a few absences can stall a tiny group."
    if target_size > SIZE_MAX:
        return f"{target_size} is large: published groups have {SIZE_MIN} to {SIZE_MAX} members; bigger groups find it hard to give everyone time."
    return None


# --- views for the screens ------------------------------------------------------


@dataclass(frozen=True)
class GroupChoice:
    id: int
    name: str


def group_choices(session: Session) -> list[GroupChoice]:
    """Every group in the database, by name (the group switcher's list)."""
    return [GroupChoice(id_of(g), g.name) for g in list_groups(session)]


def new_group(session: Session, name: str, timezone: str) -> int:
    """Create a group from the new-group form; returns its id."""
    return id_of(create_group(session, name, timezone=validate.timezone("timezone", timezone)))


@dataclass(frozen=True)
class RulesView:
    """The membership rules of step 2, as the rules form starts from them."""

    group_name: str
    target_size: int | None
    membership: str
    end_date: dt.date | None
    end_condition: str
    opt_in_month: int | None


def rules_view(session: Session, group_id: int) -> RulesView:
    g = get_group(session, group_id)
    return RulesView(
        group_name=g.name,
        target_size=g.target_size,
        membership=g.membership,
        end_date=g.end_date,
        end_condition=g.end_condition,
        opt_in_month=g.opt_in_month,
    )


@dataclass(frozen=True)
class RulesSaved:
    group_id: int
    warning: str | None  # the size warning to show, if any


def save_rules(
    session: Session,
    group_id: int,
    *,
    target_size: str | int | None,
    membership: str,
    end_date: str | dt.date | None = None,
    end_condition: str | None = "",
    opt_in_month: str | int | None = None,
) -> RulesSaved:
    """Store the membership rules (all checked before any is written)."""
    group = set_membership_rules(
        session,
        get_group(session, group_id),
        target_size=target_size,
        membership=membership,
        end_date=end_date,
        end_condition=end_condition,
        opt_in_month=opt_in_month,
    )
    return RulesSaved(id_of(group), size_warning(group.target_size))
