"""LaTeX the paper inputs from data: the errata table and the provenance appendix.

The appendix lists, for every measurement record, what ran, on which hardware, with which
software and from which git commit, so that each measured row can be traced and rerun.
Nothing here adds a timestamp of its own: the only dates are the records' measurement times.
"""

from __future__ import annotations

import pandas as pd
from pylatex.utils import escape_latex

from gpusurvey.core.record import Record
from gpusurvey.paper.provenance_words import backend_items
from gpusurvey.reports.latex_tables import tabular, wrapped_column
from gpusurvey.reports.spec_tables import field_label, printed_value

_BREAK = "\x00"
_BREAK_AFTER = "/_,;:="
_BREAK_BEFORE_LETTER = "-."
"""A break after ``-`` or ``.`` only before a letter: a version number (``2.13.0+cu128``,
``535.104.05``) is never split across lines."""


KEY_COLUMN = wrapped_column(r"0.2\linewidth")
VALUE_COLUMN = wrapped_column(r"0.76\linewidth")
"""The two columns of a record's block: words are never broken inside them; the break points
``breakable`` marks in paths and package lists stay."""

LABELS = {
    "ko": {
        "gpu": "GPU", "field": "항목", "printed": "서베이 값", "corrected": "바로잡은 값",
        "source": "출처", "workload": "워크로드", "result": "결과", "weights": "가중치",
        "backend": "실행 백엔드", "software": "소프트웨어", "hardware": "하드웨어",
        "platform": "플랫폼", "commit": "git 커밋", "time": "측정 시각(UTC)", "file": "기록 파일",
        "dirty": "커밋되지 않은 변경 있음", "synthetic": "합성(무작위) 가중치", "none": "없음",
        "warmup": "워밍업", "reps": "반복", "cores": "코어", "profile": "프로필",
        "driver": "드라이버",
    },
    "en": {
        "gpu": "GPU", "field": "Field", "printed": "Survey", "corrected": "Corrected",
        "source": "Source", "workload": "Workload", "result": "Result", "weights": "Weights",
        "backend": "Backend", "software": "Software", "hardware": "Hardware",
        "platform": "Platform", "commit": "Git commit", "time": "Measured (UTC)", "file": "Record",
        "dirty": "uncommitted changes", "synthetic": "synthetic (random) weights", "none": "none",
        "warmup": "warm-up", "reps": "repetitions", "cores": "cores", "profile": "profile",
        "driver": "driver",
    },
}


def breakable(text: str) -> str:
    """``text`` escaped for LaTeX, with line-break points after ``/ _ , ; : =``, and after
    ``-`` and ``.`` where a letter follows.

    Paths and platform strings have no spaces; without break points they would run into the
    margin. Version numbers keep no break point, so each stays on one line.
    """
    text = str(text)
    marked = "".join(
        c + _BREAK if c in _BREAK_AFTER or (c in _BREAK_BEFORE_LETTER and text[i + 1:i + 2].isalpha())
        else c for i, c in enumerate(text))
    return escape_latex(marked).replace(_BREAK, r"\allowbreak{}")


def errata_table(errata: pd.DataFrame, lang: str) -> str:
    """The errata as a tabular: GPU, field, the survey's value, the corrected value, source;
    values written as Tables 1-2 write them (``2022.8.12``)."""
    words = LABELS[lang]
    header = [words[k] for k in ("gpu", "field", "printed", "corrected", "source")]
    rows = [[r.gpu, field_label(r.field, lang), printed_value(r.field, r.printed),
             printed_value(r.field, r.corrected), r.source]
            for r in errata.itertuples()]
    return tabular(header, rows, "llll" + wrapped_column(r"0.34\linewidth"))


def _result(record: Record, words: dict[str, str]) -> str:
    if record.status != "ok":
        # A failed run's message may span lines (gpusurvey.core.record_text): printed on one.
        return escape_latex(f"{record.status}: {' '.join(str(record.error).split())}")
    metric = record.metrics[record.primary_metric]
    return (f"{metric.mean:.4g} $\\pm$ {metric.std:.2g} {escape_latex(record.unit)} "
            f"({escape_latex(record.primary_metric)}; {words['warmup']} {record.warmup}, "
            f"{words['reps']} {len(metric.samples)})")


def _weights(record: Record, words: dict[str, str]) -> str:
    kind = record.weights.get("kind", "none")
    if kind == "checkpoint":
        sha = record.weights.get("sha256") or ""
        return breakable(f"{record.weights.get('name')} sha256 {sha[:16]}")
    return words.get(kind, kind)


def _hardware(record: Record, words: dict[str, str]) -> str:
    env = record.environment
    parts = [f"{env['cpu_model']} ({env['cpu_count']} {words['cores']})"]
    if env.get("gpu_name"):
        gpu = env["gpu_name"]
        if env.get("gpu_memory_bytes"):
            gpu += f", {env['gpu_memory_bytes'] / 2**30:.0f} GiB"
        if env.get("driver"):
            gpu += f", {words['driver']} {env['driver']}"
        if env.get("cuda"):
            gpu += f", CUDA {env['cuda']}"
        parts.append(gpu)
    return breakable("; ".join(parts))


def provenance_list(records: list[tuple[str, Record]], lang: str) -> str:
    """One small key/value table per record (empty string when there is no record)."""
    words = LABELS[lang]
    blocks = []
    for path, record in records:
        env = record.environment
        packages = [f"Python {env['python']}"] + [
            f"{name} {version}" for name, version in sorted(env["packages"].items()) if version
        ]
        commit = env.get("git_commit") or "-"
        if env.get("git_dirty"):
            commit += f" ({words['dirty']})"
        backend = "; ".join(f"{k}: {v}" for k, v in backend_items(record.backend, lang)) or words["none"]
        rows = [
            (words["result"], _result(record, words)),
            (words["weights"], _weights(record, words)),
            (words["backend"], breakable(backend)),
            (words["software"], breakable(", ".join(packages))),
            (words["hardware"], _hardware(record, words)),
            (words["platform"], breakable(env["platform"])),
            (words["commit"], breakable(commit)),
            (words["time"], breakable(env["utc_time"])),
            (words["file"], breakable(path)),
        ]
        title = (f"{escape_latex(record.workload)} --- {escape_latex(record.gpu or record.machine)} "
                 f"({words['profile']} {escape_latex(record.profile)})")
        body = "\n".join(f"{key} & {value} \\\\" for key, value in rows)
        blocks.append(
            f"\\subsection*{{{title}}}\n"
            f"\\noindent\\begin{{tabular}}{{@{{}}{KEY_COLUMN}{VALUE_COLUMN}@{{}}}}\n"
            f"{body}\n\\end{{tabular}}\n"
        )
    return "\n".join(blocks)
