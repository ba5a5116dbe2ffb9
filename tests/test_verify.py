"""`verify`: the regenerated Tables 1-5 against every cell the survey printed."""

from __future__ import annotations

import csv

import pandas as pd
import pytest
from gpusurvey.reports.writers import write_spec_table, write_verify_report
from helpers import build_table as build
from helpers import make_record, planned_jobs, snakemake, write_record

EXPECTED = [f"data/expected/table{n}.csv" for n in range(1, 6)]


@pytest.fixture
def regenerated(root, tmp_path):
    """Tables 1-5 written from the committed data (no measurement records)."""
    out = tmp_path / "tables"
    for n in (1, 2):
        write_spec_table(root / "data/gpus.csv", n, out / f"table{n}.csv", out / f"table{n}.ko.tex",
                         out / f"table{n}.en.tex")
    for n in (3, 4, 5):
        build(root, out, n)
    return [out / f"table{n}.csv" for n in range(1, 6)]


def verify(root, tables, tmp_path):
    return write_verify_report(root / "data/gpus.csv", tables, [root / p for p in EXPECTED],
                               tmp_path / "report.txt")


def test_the_committed_data_reproduces_every_printed_cell(root, regenerated, tmp_path):
    assert verify(root, regenerated, tmp_path) == []
    # 84 + 108 cells in Tables 1-2, 35 rows x 4 cells in Tables 3-5
    assert "reproduce all 332 printed cells" in (tmp_path / "report.txt").read_text(encoding="utf-8")


def test_a_changed_cell_gives_a_readable_diff(root, regenerated, tmp_path):
    table = pd.read_csv(regenerated[3], dtype=str, keep_default_na=False)
    table.loc[table["gpu"] == "RTX 4080", "value_per_dollar"] = "0.0197"
    table.to_csv(regenerated[3], index=False)
    diffs = verify(root, regenerated, tmp_path)
    assert diffs == [
        "verify: 1 difference(s) from the survey's printed tables",
        "table4 RTX 4080 / value_per_dollar: ours '0.0197', printed '0.002013' "
        "(row 2, column 4 '가격당 성능(Iteration/sec/US Dollar)(소수점 7째자리에서 반올림)')",
    ]
    assert not (tmp_path / "report.txt").exists()


def test_a_reordered_table_is_a_difference(root, regenerated, tmp_path):
    table = pd.read_csv(regenerated[4], dtype=str, keep_default_na=False)
    table.iloc[[0, 1]] = table.iloc[[1, 0]].to_numpy()
    table.to_csv(regenerated[4], index=False)
    diffs = verify(root, regenerated, tmp_path)
    assert "table5 row 1: ours 'RTX 4080', printed 'RTX 4090'" in diffs


def test_a_measured_row_without_its_cv_is_a_difference(root, regenerated, tmp_path):
    record = write_record(tmp_path / "m/x/sd-txt2img.json", make_record())
    build(root, regenerated[2].parent, 3, [record])
    assert verify(root, regenerated, tmp_path) == []
    table = pd.read_csv(regenerated[2], dtype=str, keep_default_na=False)
    table.loc[table["source"] == "measured", "high_cv"] = ""
    table.to_csv(regenerated[2], index=False)
    diffs = verify(root, regenerated, tmp_path)
    assert len(diffs) == 2 and diffs[1].startswith("table3 RTX 4060 (")
    assert "CV or its flag missing" in diffs[1]


@pytest.mark.workflow
def test_verify_target_passes_then_fails_on_a_changed_printed_cell(project):
    record = make_record("llm-decode", samples=(30.0, 30.5, 29.5))
    write_record(project / "data/measurements/nvidia-geforce-rtx-4060/llm-decode.json", record)
    passed = snakemake(project, "--cores", "1", "--config", "measure=False", "--", "verify")
    # The verdict is printed, not only written to the report.
    assert "verify: tables [1, 2, 3, 4, 5] reproduce all " in passed.stderr
    table5 = pd.read_csv(project / "results/tables/table5.csv", dtype=str, keep_default_na=False)
    assert table5["source"].tolist().count("measured") == 1
    assert (project / "results/verify/report.txt").exists()

    expected = project / "data/expected/table3.csv"
    rows = list(csv.reader(expected.open(encoding="utf-8")))
    rows[1][1] = "28.924"
    with expected.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    proc = snakemake(project, "--cores", "1", "--config", "measure=False", "--", "verify", check=False)
    assert proc.returncode != 0
    line = "table3 RTX 4090 / value_text: ours '28.923', printed '28.924' (row 1, column 2 'Iteration/sec')"
    assert line in proc.stderr
    assert "verify: 1 difference(s) from the survey's printed tables" in proc.stderr
    assert line in (project / "logs/verify.log").read_text(encoding="utf-8")
    # The script itself fails (exit status 1), not Snakemake's check of its output afterwards.
    assert "MissingOutputException" not in proc.stderr and "Missing files after" not in proc.stderr
    assert not (project / "results/verify/report.txt").exists()


@pytest.mark.workflow
def test_a_figure_target_runs_the_figure_job_and_what_it_reads_only(project):
    """One job draws every figure (one Python start), so a figure's target runs it; before it
    only the jobs writing what the figures read: the speed tables, the sections' CSVs (Table 7
    comes with the crowd's rows), nothing of the paper."""
    jobs = planned_jobs(project, "--config", "measure=False", "--", "figure_roofline")
    assert jobs == {"figure_roofline": 1, "figure": 1, "perf_tables": 1, "since_survey": 1, "crowd_rows": 1}
