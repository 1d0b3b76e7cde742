"""Dependencies point one way: screens -> peergroup.services -> models/db.

The domain package must be usable from a script or a test without Textual
or Rich, and screens must ask services for data instead of building queries.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import peergroup

PACKAGE_ROOT = str(Path(peergroup.__file__).resolve().parent.parent)
# The CLI may start the TUI (lazily); Alembic's env.py only runs inside Alembic.
NOT_DOMAIN = {"peergroup.cli", "peergroup.__main__", "peergroup.migrations.env"}
UI_MODULES = ("textual", "rich", "screens")


def _domain_modules() -> list[str]:
    found = ["peergroup"]
    for info in pkgutil.walk_packages(peergroup.__path__, prefix="peergroup."):
        if info.name not in NOT_DOMAIN:
            found.append(info.name)
    return sorted(found)


def _loaded_after(code: str) -> dict:
    probe = code + (
        "\nimport json, sys\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {UI_MODULES!r})))\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([PACKAGE_ROOT, os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_domain_modules_are_all_found():
    modules = _domain_modules()
    for expected in (
        "peergroup.db",
        "peergroup.models",
        "peergroup.groupfile",
        "peergroup.services.membership",
        "peergroup.services.goals",
        "peergroup.steps",
        "peergroup.clock",
        "peergroup.calendar.recurrence",
    ):
        assert expected in modules
    assert not NOT_DOMAIN & set(modules)


def test_importing_every_domain_module_loads_neither_textual_nor_rich():
    modules = _domain_modules()
    code = "import importlib\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    assert _loaded_after(code) == []


def test_opening_a_database_and_importing_a_group_loads_neither_textual_nor_rich(tmp_path: Path):
    # Migrations (Alembic) and the group-file import run too, not only the imports.
    code = (
        "from pathlib import Path\n"
        "from peergroup import content, groupfile\n"
        "from peergroup.db import open_database\n"
        "from peergroup import steps as roadmap\n"
        f"db = open_database(Path({str(tmp_path / 'probe.db')!r}), create=True)\n"
        "with db.write() as s:\n"
        "    g = groupfile.import_group(s, groupfile.read(content.demo_group_file()))\n"
        "    roadmap.roadmap(s, g)\n"
        "db.close()\n"
    )
    assert _loaded_after(code) == []
    assert (tmp_path / "probe.db").exists()


# --- screens never query the database themselves -----------------------------------

SESSION_CALL = re.compile(
    r"\b(?:session|sess|s)\.(?:exec|add|add_all|delete|commit|execute|query)\("
)
SELECT_CALL = re.compile(r"(?<![\w.])select\(")
# Importing Session for a type hint is fine; importing the query builders is not.
QUERY_IMPORT = re.compile(
    r"^\s*from\s+(?:sqlmodel|sqlalchemy)[\w.]*\s+import\s+.*\b(?:select|func|delete|update|insert|text)\b"
)


def _screen_files() -> list[Path]:
    spec = importlib.util.find_spec("screens")  # finds the package without importing Textual
    assert spec is not None and spec.submodule_search_locations
    folder = Path(next(iter(spec.submodule_search_locations)))
    files = sorted(folder.rglob("*.py"))
    assert files, f"no screen modules found in {folder}"
    return files


# A screen never opens a unit of work (it asks run_db / StepScreen.load) and never
# holds a model row (services return view objects). Reading the database's file
# path (to keep exports off it) is not database work.
APP_DB_USE = re.compile(r"\bself\.app\.db\.(?!path\b)")
MODEL_IMPORT = re.compile(
    r"^\s*(?:from\s+peergroup\.models\b|import\s+peergroup\.models\b"
    r"|from\s+peergroup\s+import\s+.*\bmodels\b)"
)
SESSION_GET = re.compile(r"\b(?:session|sess)\.get\(")


def _offences(line: str) -> bool:
    code = line.split("#", 1)[0]
    return any(
        pattern.search(code)
        for pattern in (
            SESSION_CALL,
            SELECT_CALL,
            QUERY_IMPORT,
            APP_DB_USE,
            MODEL_IMPORT,
            SESSION_GET,
        )
    )


def _screen_id(path: Path) -> str:
    parts = path.parts
    start = len(parts) - 1 - parts[::-1].index("screens")  # the package, not a parent folder
    return "/".join(parts[start:])


# One test per file, so a failure names the screen (and so the engineer) at fault.
@pytest.mark.parametrize("path", _screen_files(), ids=_screen_id)
def test_screens_call_services_instead_of_building_queries(path: Path):
    offences = [
        f"{path.name}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if _offences(line)
    ]
    assert offences == [], (
        "screens must load and save through run_db / StepScreen.load and FormDialog "
        "load/save, calling peergroup.services (no queries, no models, no self.app.db):\n"
        + "\n".join(offences)
    )


def test_the_screen_check_would_catch_a_query():
    # The patterns above must recognise the calls they are meant to forbid.
    for bad in (
        "rows = session.exec(select(Member))",
        "s.add(member)",
        "session.commit()",
        "stmt = select(Group)",
        "from sqlmodel import Session, select",
        "with self.app.db.write() as session:",
        "with self.app.db.read() as session:",
        "        from peergroup.models import Goal",
        "import peergroup.models as m",
        "from peergroup import content, models",
        "goal = session.get(Goal, goal_id)",
    ):
        assert _offences(bad), bad
    for fine in (
        "self.query_one('#name').select()",
        "widget.add_class('x')",
        "options.add(item)",
        "    from sqlmodel import Session",
        "protected = database_files(self.app.db.path)",
        "if self.app.db is None or self.app.group_id is None:",
        "from peergroup.services import goals as goals_svc",
        "value = values.get('name')",
        "    from peergroup.services.goals import GoalRow  # a view object",
    ):
        assert not _offences(fine), fine
