"""Names that moved out of a service module stay importable from it.

When a module's screen-facing views and forms move to their own module
(``roles`` -> ``roles_views``), the new module imports the old one for its
rules. The old module cannot import the views back at load time: whichever
of the two is imported first would find the other half-built. So the old
module forwards them on first use instead (PEP 562)::

    if TYPE_CHECKING:  # the type checker sees the real names
        from .roles_views import RolesView as RolesView, ...

    def __getattr__(name: str) -> object:
        return _moved.forward(__name__, name, "roles_views")

``from peergroup.services.roles import RolesView`` and ``roles.roles_view(...)``
keep working, and give the same objects as importing from the new home. New
code should import from the new home.
"""

from __future__ import annotations

import importlib


def forward(old: str, name: str, *homes: str) -> object:
    """Attribute ``name`` of module ``old``, found in one of its sibling modules ``homes``.

    Only the names a home lists in ``__all__`` are forwarded; anything else is
    the usual AttributeError (dunder probes such as ``__path__`` never import).
    """
    if not name.startswith("__"):
        package = old.rpartition(".")[0]
        for home in homes:
            module = importlib.import_module(f"{package}.{home}")
            if name in module.__all__:
                return getattr(module, name)
    raise AttributeError(f"module {old!r} has no attribute {name!r}")
