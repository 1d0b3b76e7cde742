from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _quiet_textual(monkeypatch: pytest.MonkeyPatch) -> None:
    # A frozen cursor keeps screens identical between runs.
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
