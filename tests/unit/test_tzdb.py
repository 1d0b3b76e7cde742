"""Two members with different machines export the same group and get the same
calendar: the app uses one tz database, the newer of the bundled tzdata package
and the system's, and everything (zones, zone names, the yearly rules written to
.ics files) comes from that one.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest
from icalendar import Calendar
from icalendar.timezone.tzp import TZP

import peergroup
from peergroup.calendar import tzdb
from peergroup.calendar.ics import build_vtimezone
from peergroup.calendar.tzdb import PACKAGE, SYSTEM, TzSource, choose, version_key

UTC = dt.UTC


def system(version: str | None) -> TzSource:
    return TzSource(SYSTEM, version, "/usr/share/zoneinfo")


def package(version: str | None) -> TzSource:
    return TzSource(PACKAGE, version, "tzdata")


# --- which one is newer ---------------------------------------------------------------


def test_release_names_sort_like_tz_releases():
    ordered = ["2024b", "2025a", "2025b", "2026a", "2026aa", "2026f", "2026z", "2026za", "2027a"]
    assert sorted(ordered, key=version_key) == ordered
    assert version_key("2025b") < version_key("2026f")
    assert version_key("2026a") < version_key("2026aa")
    assert version_key("2025b-0ubuntu0.22.04") == version_key("2025b")
    assert version_key(" 2025b\n") == version_key("2025b")
    for unreadable in ("", "unknown", "25b", None):
        assert version_key(unreadable) is None


@pytest.mark.parametrize(
    ("sys_version", "pkg_version", "winner"),
    [
        ("2025b", "2026f", PACKAGE),  # this machine today
        ("2027a", "2026f", SYSTEM),  # an up-to-date system beats an old package
        ("2026aa", "2026a", SYSTEM),
        ("2026f", "2026f", PACKAGE),  # a tie: the package is the same everywhere
        (None, "2026f", PACKAGE),  # a version we cannot read never wins
        ("2099z", None, SYSTEM),
        (None, None, PACKAGE),
    ],
)
def test_the_newer_database_is_chosen(sys_version, pkg_version, winner):
    first = choose(system(sys_version), package(pkg_version))
    assert first.kind == winner
    assert choose(system(sys_version), package(pkg_version)) == first  # same answer again


def test_with_only_one_database_that_one_is_used():
    assert choose(None, package("2026f")) == package("2026f")
    assert choose(system("2025b"), None) == system("2025b")
    assert choose(None, None) is None


def _zone_folder(root: Path, version_file: str | None, text: str = "") -> Path:
    root.mkdir()
    (root / "UTC").write_bytes(tzdb.tzif_bytes("UTC"))
    if version_file:
        (root / version_file).write_text(text, encoding="utf-8")
    return root


def test_the_system_version_comes_from_tzdata_zi_or_version_file(tmp_path: Path):
    linux = _zone_folder(tmp_path / "a", "tzdata.zi", "# version 2031c\n# ddeps\nR d 1916\n")
    mac = _zone_folder(tmp_path / "b", "+VERSION", "2030b\n")
    unknown = _zone_folder(tmp_path / "c", None)
    empty = tmp_path / "d"
    empty.mkdir()
    assert tzdb.find_system_source([str(linux)]) == TzSource(SYSTEM, "2031c", str(linux))
    assert tzdb.find_system_source([str(mac)]).version == "2030b"
    assert tzdb.find_system_source([str(unknown)]).version is None
    # The first folder that holds zones is the system's, as for zoneinfo.
    assert tzdb.find_system_source([str(empty), str(tmp_path / "x"), str(mac)]).location == str(mac)
    assert tzdb.find_system_source([str(empty)]) is None


# --- the app uses the chosen one --------------------------------------------------------


def test_the_process_uses_the_database_the_rule_chooses():
    chosen = tzdb.source()
    assert chosen == choose(tzdb.find_system_source(), tzdb.find_package_source())
    expected_path = (chosen.location,) if chosen.kind == SYSTEM else ()
    searched = zoneinfo.TZPATH
    assert searched == expected_path
    assert chosen.version in chosen.describe()


@pytest.mark.parametrize(
    "tzid", ["America/New_York", "Europe/Chisinau", "America/Vancouver", "Africa/Casablanca"]
)
def test_zones_are_read_from_the_file_the_app_reads_rules_from(tzid):
    from_file = zoneinfo.ZoneInfo.from_file(io.BytesIO(tzdb.tzif_bytes(tzid)), key=tzid)
    zone = tzdb.zone(tzid)
    assert zoneinfo.ZoneInfo(tzid) is zone  # code that asks zoneinfo directly agrees
    instant = dt.datetime(2024, 1, 1, tzinfo=UTC)
    while instant.year < 2030:
        assert instant.astimezone(zone).utcoffset() == instant.astimezone(from_file).utcoffset()
        instant += dt.timedelta(hours=7)


def test_tz_strings_are_the_footers_of_the_zone_files():
    assert tzdb.posix_tz_string("America/New_York") == "EST5EDT,M3.2.0,M11.1.0"
    assert tzdb.posix_tz_string("Australia/Sydney") == "AEST-10AEDT,M10.1.0,M4.1.0/3"
    assert tzdb.posix_tz_string("Asia/Kolkata") == "IST-5:30"
    version1 = b"TZif" + b"\0" * 40  # a version 1 file has no footer
    assert tzdb.footer_of(version1) is None
    assert tzdb.footer_of(b"not a zone file") is None


def test_names_outside_the_database_are_not_zones():
    for name in ("Mars/Olympus", "America", "../etc/passwd", "/usr/share/zoneinfo/UTC", "", "a//b"):
        with pytest.raises(zoneinfo.ZoneInfoNotFoundError):
            tzdb.zone(name)
    assert "America/New_York" in tzdb.available_zones()
    assert "America" not in tzdb.available_zones()


def _offsets_in_vtimezone(tzid: str, year: int) -> list[dt.timedelta]:
    vtz = build_vtimezone(tzid, year, year).to_ical().decode()
    cal = Calendar.from_ical("BEGIN:VCALENDAR\r\n" + vtz + "END:VCALENDAR\r\n")
    zone = cal.walk("VTIMEZONE")[0].to_tz(tzp=TZP("pytz"), lookup_tzid=False)
    return [t.astimezone(zone).utcoffset() for t in _days(year)]


def _days(year: int) -> list[dt.datetime]:
    start = dt.datetime(year, 1, 1, 12, tzinfo=UTC)
    return [start + dt.timedelta(days=n) for n in range(365)]


def test_where_the_two_databases_differ_the_vtimezone_follows_the_chosen_one():
    chosen, other = tzdb.source(), None
    sys_source, pkg_source = tzdb.find_system_source(), tzdb.find_package_source()
    if sys_source is None or pkg_source is None:
        pytest.skip("only one tz database on this machine")
    other = sys_source if chosen.kind == PACKAGE else pkg_source
    differing = 0
    for tzid in ("America/Vancouver", "Europe/Chisinau", "America/Havana", "America/New_York"):
        other_zone = zoneinfo.ZoneInfo.from_file(io.BytesIO(_read(other, tzid)), key=tzid)
        written = _offsets_in_vtimezone(tzid, 2027)
        assert written == [t.astimezone(tzdb.zone(tzid)).utcoffset() for t in _days(2027)]
        differing += written != [t.astimezone(other_zone).utcoffset() for t in _days(2027)]
    if not differing:
        pytest.skip(f"{chosen.describe()} and {other.describe()} agree on these zones in 2027")


def _read(source: TzSource, tzid: str) -> bytes:
    if source.kind == SYSTEM:
        return Path(source.location, tzid).read_bytes()
    from importlib import resources

    return resources.files("tzdata").joinpath("zoneinfo", *tzid.split("/")).read_bytes()


def test_a_newer_system_database_is_the_only_one_used(tmp_path: Path):
    # A made-up system database, newer than any package, where "America/New_York"
    # holds Tokyo's rules: if the app reads it, New York is at +09:00.
    root = _zone_folder(tmp_path / "zoneinfo", "tzdata.zi", "# version 2999a\n")
    (root / "America").mkdir()
    (root / "America" / "New_York").write_bytes(tzdb.tzif_bytes("Asia/Tokyo"))
    probe = (
        "import datetime as dt, zoneinfo\n"
        "from peergroup.calendar import tzdb\n"
        "from peergroup.calendar.ics import build_vtimezone\n"
        "from peergroup.calendar.recurrence import check_timezone\n"
        "print(tzdb.source().kind, tzdb.source().version)\n"
        "print(dt.datetime(2027, 7, 1, tzinfo=tzdb.zone('America/New_York')).utcoffset())\n"
        "print(tzdb.posix_tz_string('America/New_York'))\n"
        "print('TZOFFSETTO:+0900' in build_vtimezone('America/New_York', 2027, 2027).to_ical().decode())\n"
        "try:\n    check_timezone('Europe/London')\nexcept Exception as e:\n    print(type(e).__name__)\n"
    )
    root_of_code = str(Path(peergroup.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONTZPATH": str(root), "PYTHONPATH": root_of_code}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:5] == ["system 2999a", "9:00:00", "JST-9", "True", "InputError"]
