"""The papers' date: the newest date among their inputs, so that the same data and records give
the same title page, whatever day the build runs (``results/macros/date.tex``).

The dates read: every ``launch_date`` of ``data/gpus.csv``, the date each
``data/literature.csv`` row's ``source_date`` starts with, and the UTC time of every measurement
record the papers report (``environment.utc_time``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
from collections.abc import Iterable

from gpusurvey.core import atomic
from gpusurvey.core.errors import DataError
from gpusurvey.paper.macros import Macros

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def _leading_date(text: str) -> dt.date | None:
    found = _ISO.match(text.strip())
    return dt.date(*map(int, found.groups())) if found else None


def _csv_dates(path: str | os.PathLike, column: str) -> list[dt.date]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if rows and column not in rows[0]:
        raise DataError(path, f"no column '{column}'", line=1)
    return [d for d in (_leading_date(r[column] or "") for r in rows) if d]


def _record_dates(paths: Iterable[str | os.PathLike]) -> list[dt.date]:
    dates = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            stamp = (json.load(fh).get("environment") or {}).get("utc_time") or ""
        date = _leading_date(stamp)
        if date is None:
            raise DataError(path, f"environment.utc_time '{stamp}' is not an ISO date and time",
                            column="environment/utc_time")
        dates.append(date)
    return dates


def newest_date(gpus: str | os.PathLike, literature: str | os.PathLike,
                records: Iterable[str | os.PathLike]) -> dt.date:
    """The newest date of the inputs (see the module's docstring)."""
    dates = [*_csv_dates(gpus, "launch_date"), *_csv_dates(literature, "source_date"),
             *_record_dates(records)]
    if not dates:
        raise DataError(gpus, "no date in the papers' inputs")
    return max(dates)


def write_date_macros(out: str | os.PathLike, gpus: str | os.PathLike, literature: str | os.PathLike,
                      records: Iterable[str | os.PathLike]) -> None:
    """``\\SurveyDataDateEn`` (29 November 2026), ``\\SurveyDataDateKo`` (2026년 11월 29일) and
    ``\\SurveyDataDateIso``: the newest date of the inputs."""
    date = newest_date(gpus, literature, records)
    macros = Macros()
    macros.set("SurveyDataDateEn", f"{date.day} {MONTHS[date.month - 1]} {date.year}")
    macros.set("SurveyDataDateKo", f"{date.year}년 {date.month}월 {date.day}일")
    macros.set("SurveyDataDateIso", date.isoformat())
    atomic.write_text(out, macros.render())
