"""The export archive: a ZIP of one CSV per kind, ``data.json``, charts and a README.

Pure: plain data in, bytes out (the handler loads the data and draws the charts).
CSVs are UTF-8 with a byte-order mark, so spreadsheets open them with every accent intact.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import zipfile
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.records import PersonData
from bot.ui.export_tables import Table, build_tables, local_text, utc_text
from bot.ui.texts import t

FORMAT_VERSION = 1
README_NAME = "README.txt"
JSON_NAME = "data.json"


def csv_bytes(table: Table) -> bytes:
    """One table as CSV: UTF-8 with a BOM, a header row, CRLF line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(table.header)
    writer.writerows(["" if cell is None else cell for cell in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")


def _plain(value: object, zone: ZoneInfo) -> Any:
    """``value`` as JSON-ready data; an instant becomes {"utc": ..., "local": ...}."""
    if isinstance(value, dt.datetime):
        return {"utc": utc_text(value), "local": local_text(value, zone)}
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name), zone) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v, zone) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v, zone) for v in value]
    return value


def json_bytes(data: PersonData, zone: ZoneInfo, made_at: dt.datetime) -> bytes:
    """Everything in one JSON document (UTF-8, readable indentation)."""
    document = {
        "format": "kindbreak-export",
        "version": FORMAT_VERSION,
        "made_at": _plain(made_at, zone),
        "time_zone": zone.key,
        **_plain(data, zone),
        "safety_plan": dict(data.safety_plan),
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def readme_text(
    tables: list[Table],
    charts: Mapping[str, str],
    zone: ZoneInfo,
    made_at: dt.datetime,
    lang: str | None,
) -> str:
    """What each file holds, in the person's language."""
    lines = [
        t("export.readme.intro", lang, made_at=local_text(made_at, zone), zone=zone.key),
        "",
        f"{JSON_NAME}: {t('export.readme.json', lang)}",
    ]
    lines += [f"{table.file_name}: {t(f'export.readme.{table.kind}', lang)}" for table in tables]
    lines += [f"{name}: {description}" for name, description in charts.items()]
    lines += ["", t("export.readme.times", lang), "", t("export.readme.closing", lang)]
    return "\r\n".join(lines) + "\r\n"


def build_archive(
    data: PersonData,
    *,
    zone: ZoneInfo,
    made_at: dt.datetime,
    charts: Mapping[str, tuple[bytes, str]],
    language: str | None = None,
) -> bytes:
    """The ZIP: README, data.json, one CSV per kind, and each chart (name -> PNG, caption)."""
    tables = build_tables(data, zone)
    buffer = io.BytesIO()
    stamp = made_at.astimezone(zone).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, content: bytes) -> None:
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), content, zipfile.ZIP_DEFLATED)

        descriptions = {name: caption for name, (_png, caption) in charts.items()}
        add(
            README_NAME,
            readme_text(tables, descriptions, zone, made_at, language).encode("utf-8-sig"),
        )
        add(JSON_NAME, json_bytes(data, zone, made_at))
        for table in tables:
            add(table.file_name, csv_bytes(table))
        for name, (png, _caption) in charts.items():
            add(name, png)
    return buffer.getvalue()
