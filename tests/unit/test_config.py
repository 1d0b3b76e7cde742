"""Personal settings live in the user's config folder, never in the database."""

from __future__ import annotations

import stat

from peergroup import config


def test_settings_round_trip_privately(tmp_path, monkeypatch):
    monkeypatch.setenv(config.CONFIG_ENV, str(tmp_path / "cfg"))
    assert config.get("theme") is None
    config.put("theme", "textual-light")
    config.put(config.owner_key(tmp_path / "g.db", "abc"), 7)
    assert config.get("theme") == "textual-light"
    assert config.get(config.owner_key(tmp_path / "g.db", "abc")) == 7
    path = tmp_path / "cfg" / config.FILENAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    config.put("theme", None)
    assert config.get("theme") is None


def test_a_damaged_settings_file_counts_as_empty(tmp_path, monkeypatch):
    monkeypatch.setenv(config.CONFIG_ENV, str(tmp_path))
    (tmp_path / config.FILENAME).write_text("{not json")
    assert config.load() == {}
    (tmp_path / config.FILENAME).write_text("[" * 100_000 + "]" * 100_000)  # too deep to read
    assert config.load() == {}
