"""Loads the bundled content in ``data/`` (topic catalog, prompts, steps, ...).

In a wheel the files live at ``peergroup/_data`` (hatch force-include); in a
source checkout or an editable install they are the top-level ``data/``
directory. Both are tried, so the loader works in either layout.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    for candidate in (_PACKAGE_DIR / "_data", _PACKAGE_DIR.parent / "data"):
        if (candidate / "steps.toml").is_file():
            return candidate
    raise FileNotFoundError(
        "Peergroup's bundled content is missing (looked in "
        f"{_PACKAGE_DIR / '_data'} and {_PACKAGE_DIR.parent / 'data'}). Reinstall the package."
    )


def data_file(name: str) -> Path:
    return data_dir() / name


@cache
def load(name: str) -> dict[str, Any]:
    with data_file(name).open("rb") as fh:
        return tomllib.load(fh)


def steps() -> list[dict[str, Any]]:
    return sorted(load("steps.toml")["step"], key=lambda s: s["number"])


def step(key: str) -> dict[str, Any]:
    for s in steps():
        if s["key"] == key:
            return s
    raise KeyError(key)


def topics() -> list[dict[str, Any]]:
    return list(load("topics.toml")["topic"])


def topic_families() -> dict[str, str]:
    return dict(load("topics.toml")["families"])


def competencies() -> list[dict[str, Any]]:
    """The bundled competency framework (key, label, description), in its order."""
    return list(load("competencies.toml")["competency"])


def prompts() -> list[dict[str, Any]]:
    return list(load("prompts.toml")["prompt"])


def survey_items() -> list[dict[str, Any]]:
    return list(load("survey.toml")["item"])


def outcome_kinds() -> list[dict[str, Any]]:
    return list(load("survey.toml")["outcome"])


def consequence_questions() -> list[dict[str, Any]]:
    return list(load("consequences.toml")["question"])


def demo_group_file() -> Path:
    return data_file("demo.toml")
