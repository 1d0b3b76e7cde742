"""Hostile group files get a message naming what is wrong, never a traceback or a hang.

Story: someone imports a file made by a script gone wrong, a device, a file
edited by hand with quotes around true and numbers, or a typo of 2200 for
2026. Each is refused with the field at fault and nothing is written.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlmodel import func, select

from peergroup import groupfile
from peergroup.cli import run
from peergroup.errors import InputError
from peergroup.models import Group, Meeting, Minutes

BASE = """
[group]
name = "Hostile Test Group"

[[members]]
name = "Ada Lin"
joined = 2026-09-01

[logistics]
frequency = "weekly"
weekday = "tuesday"
start_time = "07:30"
first_meeting = 2026-09-08
"""


def _write(tmp_path: Path, text: str, name: str = "group.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _import(db, path: Path):  # noqa: ANN001, ANN202
    with db.write() as s:
        return groupfile.import_group(s, groupfile.read(path))


def _refused(db, path: Path) -> InputError:  # noqa: ANN001
    with pytest.raises(InputError) as err:
        _import(db, path)
    with db.read() as s:
        assert s.exec(select(func.count()).select_from(Group)).one() == 0
    return err.value


@pytest.mark.parametrize(
    "nested",
    ["a = " + "[" * 50_000 + "]" * 50_000, "a = " + "{b = " * 20_000 + "1" + "}" * 20_000],
    ids=["arrays", "inline-tables"],
)
def test_nesting_deep_enough_to_exhaust_the_parser_is_a_message(db, tmp_path, nested):
    err = _refused(db, _write(tmp_path, nested))
    assert "too deeply" in err.message or "not valid TOML" in err.message


def test_a_device_is_refused_at_once(db):
    started = time.monotonic()
    with pytest.raises(InputError, match="not a regular file"):
        groupfile.read(Path("/dev/zero"))
    assert time.monotonic() - started < 2


def test_a_folder_and_a_missing_file_are_messages(db, tmp_path):
    with pytest.raises(InputError, match="not a regular file"):
        groupfile.read(tmp_path)
    with pytest.raises(InputError, match="no such file"):
        groupfile.read(tmp_path / "nope.toml")


def test_a_file_over_the_size_cap_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "big.toml"
    with big.open("wb") as fh:
        fh.truncate(groupfile.MAX_BYTES + 1)  # sparse: nothing is written to disk
    with pytest.raises(InputError, match="at most"):
        groupfile.read(big)


def test_true_and_false_must_be_toml_booleans_not_text(db, tmp_path):
    text = BASE + '\n[[meetings]]\non = 2026-09-08\nscribe = "Ada Lin"\nfinalised = "false"\n'
    err = _refused(db, _write(tmp_path, text))
    assert err.field == "meetings[1].finalised"
    assert "true or false without quotes" in err.message
    with db.read() as s:
        assert s.exec(select(Minutes)).all() == []


@pytest.mark.parametrize(
    ("table", "line", "field"),
    [
        ("group", 'target_size = "8"', "group.target_size"),
        ("logistics", 'duration_minutes = "90"', "logistics.duration_minutes"),
        ("logistics", "interval = true", "logistics.interval"),
    ],
)
def test_numbers_must_be_toml_numbers(db, tmp_path, table, line, field):
    text = BASE.replace(f"[{table}]\n", f"[{table}]\n{line}\n", 1)
    err = _refused(db, _write(tmp_path, text))
    assert err.field == field
    assert "whole number without quotes" in err.message


def test_dates_outside_a_sensible_window_are_refused(db, tmp_path):
    err = _refused(db, _write(tmp_path, BASE.replace("2026-09-08", "2200-09-08")))
    assert err.field == "logistics.first_meeting"
    assert "outside the years 1950 to 2100" in err.message
    err = _refused(db, _write(tmp_path, BASE.replace("joined = 2026-09-01", "joined = 1066-10-14")))
    assert err.field == "members[1].joined"


def test_nothing_is_planned_after_the_last_year_a_date_may_have(db, tmp_path):
    _import(
        db,
        _write(
            tmp_path, BASE.replace("2026-09-08", "2100-11-02").replace("2026-09-01", "2100-01-01")
        ),
    )
    with db.read() as s:
        last = s.exec(select(func.max(Meeting.on))).one()
    assert last is not None and last.year == 2100


def test_a_byte_order_mark_is_accepted(db, tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes("\ufeff".encode() + BASE.encode())
    group = _import(db, path)
    assert group.name == "Hostile Test Group"


def test_the_cli_reports_a_hostile_file_in_one_line(tmp_path, capsys):
    deep = _write(tmp_path, "a = " + "[" * 50_000 + "]" * 50_000)
    db = tmp_path / "g.db"
    assert run(["--db", str(db), "import", str(deep)]) == 2
    assert run(["--db", str(db), "import", "/dev/zero"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "RecursionError" not in err
    assert len([line for line in err.splitlines() if line]) == 2
    assert not db.exists()  # no empty database is left behind by a refused import
    bad_type = _write(tmp_path, BASE.replace('name = "Ada Lin"', "name = 3"), "bad.toml")
    assert run(["--db", str(db), "import", str(bad_type)]) == 2
    assert not db.exists()
