"""Group files: a whole group described in TOML, loaded in one transaction.

The format is documented in README.md; ``data/demo.toml`` is an example.
Every problem is reported with the path of the field at fault
(``members[3].email: ...``) and nothing is written unless the whole file is
valid. ``core`` holds steps 1 to 4, ``records`` the meetings already held;
each later step registers its own sections (``core.register``).
"""

from __future__ import annotations

from . import area_dumps as _area_dumps  # noqa: F401  (export: the later steps' sections)
from . import (
    curriculum,  # noqa: F401  (steps 6 and 7 register their sections)
    review,  # noqa: E402,F401  (step 10: survey items and yearly reviews)
)
from . import optin as _optin  # noqa: F401  (yearly opt-in answers: section and export)
from . import pairs as _pairs  # noqa: F401  (one-on-one pair check-ins)
from . import pulse as _pulse  # noqa: F401  (meeting pulses: registers its section)
from . import reflection as _reflection  # noqa: F401  (steps 5, 8, 9: registers its sections)
from .core import AREAS, SECTIONS, Area, ImportContext, import_group, register
from .reader import MAX_BYTES, read

__all__ = [
    "AREAS",
    "MAX_BYTES",
    "SECTIONS",
    "Area",
    "ImportContext",
    "import_group",
    "read",
    "register",
]
