"""Results published after the survey (``data/literature.csv``): loaded, checked, and sorted into
the rows that may be compared with the survey's tables and those that may not.

Every row names its source and quotes the line holding its value (the schema refuses an empty
one); its GPU must resolve through ``data/gpus.csv``, its unit must be its workload's, and its
``comparable`` cell must say what ``comparable`` (the rule) says of its settings, so the file
states which rows count and the code checks that it states it right. Each row also states, field
by field (``match_<field>``), how its settings compare with the survey's
(``gpusurvey.inputs.comparability``): ``comparable`` is ``yes`` exactly when no field says
``no``, and a comparison names the fields it relaxes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from gpusurvey.core.csv_rows import LINE, read_rows
from gpusurvey.core.errors import DataError
from gpusurvey.core.record_text import problem
from gpusurvey.inputs import comparability
from gpusurvey.inputs.gpus import GpuTable
from gpusurvey.registry import LLM_DECODE, SD_TXT2IMG, WORKLOADS

SURVEY_SETTINGS = {
    SD_TXT2IMG: "SD 1.5, 512x512, batch 1",
    LLM_DECODE: "LLaMA-13B (or Llama-2-13B, the same shapes) with 4-bit weights, one sequence",
}
"""What a row must match to stand beside the survey's Table 3 or Table 5 (``comparable``)."""

PRINTED = {"gpu": 40, "software_group": 40, "model": 40, "resolution": 20}
"""Columns the paper, its tables or its figures print, with the characters each may hold: the
text rules of a record's printed fields (``gpusurvey.core.record_text``) apply, so a character
no font has or a name too long for a legend is refused here, by line and column, not by XeLaTeX."""
SAME_RESULT = ("workload", "gpu", "value", "software", "model", "weight_bits", "batch", "resolution",
               "source")
"""Columns that together say which result a row is: two rows alike in all of them are one result
counted twice (it would move the medians and the predictions)."""

LLAMA_13B = ("LLaMA-13B", "Llama-2-13B")
"""Models of LLaMA-13B's shapes (40 layers, hidden 5120, FFN 13824, vocabulary 32000): the
decode roofline's bytes per token hold for both."""


@dataclass(frozen=True)
class LiteratureRow:
    """One published result (see ``workflow/schemas/literature.schema.yaml`` for the fields)."""

    line: int
    workload: str
    gpu: str
    """Canonical name (``data/gpus.csv``)."""
    printed_gpu: str
    value: float
    unit: str
    software: str
    software_group: str
    model: str
    weight_bits: int
    batch: int | None
    resolution: str | None
    comparable: bool
    source: str
    source_title: str
    quote: str
    relaxed: tuple[str, ...] = ()
    """The fields it relaxes (``comparability.FIELDS`` order)."""
    steps: int | None = None
    source_date: str = ""


def comparable(workload: str, model: str, weight_bits: int, batch: int | None,
               resolution: str | None, steps: int | None = None, software: str = "",
               settings: str = "") -> tuple[bool, str]:
    """Whether settings match the survey's table, and why not (``SURVEY_SETTINGS``): no field of
    ``comparability.verdicts`` says ``no``.

    ``SD_TXT2IMG``: SD 1.5 at 512x512 with batch 1 stated (a batch of 4 counts its it/s per batch
    step, or per image, as each source chooses); another step count is relaxed, not refused.
    ``LLM_DECODE``: a LLaMA-13B-shaped model with 4-bit weights, and batch 1 or no batch stated:
    the sources time one prompt's generation and none states a batch; a stated batch above 1 is
    not comparable.
    """
    if workload not in SURVEY_SETTINGS:
        raise ValueError(f"workload: expected one of {sorted(SURVEY_SETTINGS)}, got '{workload}'")
    fields = comparability.verdicts(workload, model, weight_bits, batch, resolution, steps, software,
                                    settings)
    survey = comparability.SURVEY[workload]
    why = "; ".join(f"{what}, not {survey[field]}" for field, (verdict, what) in fields.items()
                    if verdict == "no")
    return why == "", why


def load_literature(path: str | os.PathLike, gpus: GpuTable) -> list[LiteratureRow]:
    """Load ``data/literature.csv``: every row sourced and quoted (schema), its printed columns
    printable (``PRINTED``), its GPU known, no result twice (``SAME_RESULT``), its unit its
    workload's and its ``comparable`` cell the rule's verdict. DataError names the
    file, the line and the column of the first row that breaks one."""
    rows = read_rows(path, "literature")
    if not rows:
        raise DataError(path, "no rows; expected published results with their sources")
    out = []
    seen: dict[tuple, int] = {}
    for row in rows:
        line = row[LINE]
        for column, limit in PRINTED.items():
            why = problem(row[column] or "", limit=limit)
            if why:
                raise DataError(path, f"{why}; the paper prints this column", line=line, column=column)
        gpu = gpus.canonical(row["gpu"], str(path), line=line, column="gpu")
        key = tuple(gpu if c == "gpu" else row[c] for c in SAME_RESULT)
        if key in seen:
            raise DataError(path, f"repeats line {seen[key]} (the same {', '.join(SAME_RESULT)}); "
                            "expected each published result once", line=line)
        seen[key] = line
        unit = WORKLOADS[row["workload"]].unit
        if row["unit"] != unit:
            raise DataError(path, f"unit '{row['unit']}' does not match workload {row['workload']}; "
                            f"expected '{unit}'", line=line, column="unit")
        fields = comparability.verdicts(row["workload"], row["model"], row["weight_bits"], row["batch"],
                                        row["resolution"], row["steps"], row["software"], row["settings"])
        for field, (expected, what) in fields.items():
            stated = row[f"match_{field}"] or ""
            if stated != expected:
                raise DataError(path, f"match_{field} is '{stated}' but the row ran "
                                f"{what or 'no such setting'}; expected '{expected}' (docs/data.md)",
                                line=line, column=f"match_{field}")
        verdict, why = comparable(row["workload"], row["model"], row["weight_bits"], row["batch"],
                                  row["resolution"], row["steps"], row["software"], row["settings"])
        if (row["comparable"] == "yes") != verdict:
            reason = f"the settings match the survey's ({SURVEY_SETTINGS[row['workload']]})" \
                if verdict else why
            raise DataError(path, f"comparable is '{row['comparable']}' but {reason}; expected "
                            f"'{'yes' if verdict else 'no'}'", line=line, column="comparable")
        out.append(LiteratureRow(
            line=line, workload=row["workload"], gpu=gpu, printed_gpu=row["gpu"], value=row["value"],
            unit=row["unit"], software=row["software"], software_group=row["software_group"],
            model=row["model"], weight_bits=row["weight_bits"], batch=row["batch"],
            resolution=row["resolution"], comparable=verdict, source=row["source"],
            source_title=row["source_title"], quote=row["quote"],
            relaxed=tuple(f for f, (v, _) in fields.items() if v == "relaxed"), steps=row["steps"],
            source_date=row["source_date"]))
    return out


def comparable_rows(rows: list[LiteratureRow], workload: str | None = None) -> list[LiteratureRow]:
    """The rows that enter comparisons (of ``workload``, when given)."""
    return [r for r in rows if r.comparable and (workload is None or r.workload == workload)]
