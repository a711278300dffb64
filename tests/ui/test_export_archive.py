"""The export archive from plain data: CSVs with a BOM and both times, JSON, README."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from zoneinfo import ZoneInfo

from bot.core.records import NoteEntry, PersonData, RatingEntry
from bot.ui.export_archive import build_archive, csv_bytes
from bot.ui.export_tables import Table, local_text, utc_text

BERLIN = ZoneInfo("Europe/Berlin")
MADE = dt.datetime(2026, 3, 30, 12, tzinfo=dt.UTC)


def person(**entries: object) -> PersonData:
    return PersonData(
        first_name="Zoë",
        language="en",
        time_zone="Europe/Berlin",
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        consented_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        **entries,  # type: ignore[arg-type]
    )


def test_times_in_utc_and_local_across_spring_forward() -> None:
    before = dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC)  # 01:30 CET
    after = dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)  # 03:30 CEST
    assert (utc_text(before), local_text(before, BERLIN)) == (
        "2026-03-29T00:30:00Z",
        "2026-03-29T01:30:00+01:00",
    )
    assert local_text(after, BERLIN) == "2026-03-29T03:30:00+02:00"
    assert utc_text(None) == local_text(None, BERLIN) == ""


def test_csv_has_a_bom_a_header_and_survives_commas_quotes_and_lines() -> None:
    table = Table("x", ("id", "note"), ((1, 'a, "b"\nc'), (2, None)))
    raw = csv_bytes(table)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows == [["id", "note"], ["1", 'a, "b"\nc'], ["2", ""]]


def test_archive_holds_every_kind_and_the_json() -> None:
    at = dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)
    data = person(
        ratings=(RatingEntry(1, at, 4, "quick", note="müde, aber ok", tags=("tired",)),),
        gratitude=(NoteEntry(2, at, "Sonne ☀"),),
    )
    archive = zipfile.ZipFile(
        io.BytesIO(
            build_archive(data, zone=BERLIN, made_at=MADE, charts={"c.png": (b"png", "a chart")})
        )
    )
    names = archive.namelist()
    assert names[:2] == ["README.txt", "data.json"] and "c.png" in names
    ratings = archive.read("ratings.csv").decode("utf-8-sig").splitlines()
    assert (
        ratings[1]
        == '1,2026-03-29T01:30:00Z,2026-03-29T03:30:00+02:00,4,quick,tired,"müde, aber ok",'
    )
    assert archive.read("gratitude.csv").decode("utf-8-sig").splitlines()[1].endswith("Sonne ☀")
    document = json.loads(archive.read("data.json"))
    assert document["first_name"] == "Zoë" and document["version"] == 1
    assert document["ratings"][0]["at"]["local"] == "2026-03-29T03:30:00+02:00"
    assert document["checkins"] is None and document["safety_plan"] == {}
    readme = archive.read("README.txt").decode("utf-8-sig")
    assert "c.png: a chart" in readme and "2026-03-30T14:00:00+02:00" in readme
    assert archive.read("checkin_settings.csv").decode("utf-8-sig").splitlines()[1] == "enabled,no"
