"""The frame of every Snakemake script (gpusurvey.core.terminal.script_log), in a fresh Python
as Snakemake runs a script: stderr and log records in the rule's log, the reason on the terminal."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

SCRIPT = """
import logging, sys
from gpusurvey.core.errors import DataError
from gpusurvey.core.terminal import script_log

with script_log(sys.argv[1], "perf_table", messages=sys.argv[2] == "messages"):
    print("to the log", file=sys.stderr)
    logging.getLogger("gpusurvey.reports.perf_tables").info("3 cards measured")
    if sys.argv[3] == "fail":
        raise DataError("data/gpus.csv", "expected a number", line=4, column="tdp_w")
"""


def run(tmp_path, messages: str, fail: str) -> tuple[subprocess.CompletedProcess, str]:
    log = tmp_path / f"{messages}-{fail}.log"
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(log), messages, fail],
                          env={"PYTHONPATH": str(ROOT / "workflow")}, capture_output=True, text=True,
                          timeout=60)
    return proc, log.read_text(encoding="utf-8")


def test_a_script_writes_its_messages_to_the_log_and_nothing_to_the_terminal(tmp_path):
    proc, log = run(tmp_path, "messages", "ok")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    assert log == "to the log\nINFO gpusurvey.reports.perf_tables: 3 cards measured\n"
    proc, log = run(tmp_path, "quiet", "ok")
    assert (proc.returncode, proc.stderr, log) == (0, "", "to the log\n")


def test_a_failure_names_its_reason_on_the_terminal_and_its_traceback_in_the_log(tmp_path):
    proc, log = run(tmp_path, "quiet", "fail")
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "perf_table: data/gpus.csv, line 4, column 'tdp_w': expected a number"]
    assert log.startswith("to the log\nTraceback (most recent call last):")
    assert "DataError: data/gpus.csv, line 4, column 'tdp_w': expected a number" in log
