"""``[[roles]]`` in a group file: built-in roles renamed or changed, and the
group's own roles, with whether they rotate and who holds them standing.

```toml
[[roles]]
key = "scribe"              # a built-in role: facilitator, scribe, lead, correspondence
name = "Note-taker"         # its name in this group
rotates = true

[[roles]]
name = "Treasurer"          # one of the group's own (no key)
rotates = false
holder = "Elena Sokolova"   # who holds it between meetings (optional)
```

Who holds a role at each meeting is in that meeting's ``rotation`` and
``roles_by_hand`` (see ``records``).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from ..errors import InputError
from ..models import Group
from ..services._ids import id_of
from ..text import fold
from .values import SECTIONS, _known, _prefix, _str


def import_roles(session: Session, group: Group, roles: list[Any], members: dict[str, int]) -> None:
    """``[[roles]]``: a built-in role (``key``) renamed or changed, or one of the
    group's own (``name`` without ``key``); ``rotates`` and a standing ``holder``."""
    from ..models import Member
    from ..services import roles as roles_svc
    from ..services import validate
    from .values import _bool

    for i, r in enumerate(roles):
        where = f"roles[{i + 1}]"
        if not isinstance(r, dict):
            raise InputError(where, "must be a table ([[roles]]).")
        _known(r, SECTIONS["roles"], where)
        name = _str(r.get("name"), f"{where}.name")
        try:
            if r.get("key") is not None:
                key = _str(r["key"], f"{where}.key")
                role = roles_svc.role_by_key(session, id_of(group), key)
                if role is None:
                    raise InputError("key", f"{key!r} is not a built-in role.")
                if name:
                    role.name = validate.required_line("name", name, 80)
            else:
                role = roles_svc.add_role(session, group, name)
        except InputError as exc:
            raise _prefix(where, exc) from None
        role.rotates = _bool(r.get("rotates"), f"{where}.rotates", role.rotates)
        session.add(role)
        holder = r.get("holder")
        if holder is not None:
            mid = members.get(fold(_str(holder, f"{where}.holder")))
            if mid is None:
                raise InputError(f"{where}.holder", f"{holder!r} is not one of the [[members]].")
            roles_svc.set_holder(session, role, session.get(Member, mid))
    session.flush()
