"""Small inputs for the paper's unit tests, written into a test's temporary folder only.

Tables 3-5 with a few of the survey's published rows in the tables' CSV contract (columns,
strings as printed), so the macros can be checked without running the aggregation rules; and
measurement records as the harness writes them. They never land in the repository.
"""

from __future__ import annotations

import csv
from pathlib import Path

from gpusurvey.rounding import fixed, ratio, trimmed
from records import make_record, write_record

# (gpu, price, tdp, bandwidth GB/s) and the survey's printed values per table.
GPUS = [("RTX 4090", 1599, 450, 1008), ("RTX 4070 Ti", 799, 285, 504),
        ("RTX 3090 Ti", 1999, 450, 1008), ("RTX 3060", 329, 170, 360)]
VALUES = {
    "table3": ("it/s", 4, {"RTX 4090": "28.923", "RTX 4070 Ti": "20.697", "RTX 3090 Ti": "19.238",
                           "RTX 3060": "7.239"}),
    "table4": ("it/s", 6, {"RTX 4090": "3.641", "RTX 4070 Ti": "1.875", "RTX 3090 Ti": "1.558",
                           "RTX 3060": "0.511"}),
    "table5": ("tokens/s", 4, {"RTX 4090": "25.82", "RTX 4070 Ti": "25.34", "RTX 3090 Ti": "21.48",
                               "RTX 3060": "19.48"}),
}
BYTES_PER_TOKEN = 6_920_000_000


def table_rows(name: str) -> list[dict[str, str]]:
    unit, places, values = VALUES[name]
    base = values["RTX 3060"]
    rows = []
    for gpu, price, tdp, bandwidth in GPUS:
        value = values[gpu]
        row = {
            "gpu": gpu, "source": "published", "status": "ok", "value": value, "value_text": value,
            "unit": unit, "price_usd": str(price), "value_per_dollar": fixed(ratio(value, price), places),
            "relative_to_baseline": trimmed(ratio(value, base), 2), "tdp_w": str(tdp),
            "value_per_watt": fixed(ratio(value, tdp), 4), "note": "", "reference": "[24]",
        }
        if name == "table5":
            bound = ratio(bandwidth * 10**9, BYTES_PER_TOKEN)
            row.update(memory_bandwidth_gbs=str(bandwidth), bytes_per_token=str(BYTES_PER_TOKEN),
                       bound_tokens_per_s=fixed(bound, 1), efficiency=fixed(ratio(value, bound), 3))
        rows.append(row)
    return rows


def write_tables(root: Path) -> dict[str, list[dict[str, str]]]:
    # Imported here: they need pylatex, which a machine that only measures may lack.
    from gpusurvey.latex_tables import tabular
    from gpusurvey.perf_tables import COLUMNS, ROOFLINE_COLUMNS

    out = root / "results" / "tables"
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name in VALUES:
        rows = table_rows(name)
        columns = COLUMNS + (ROOFLINE_COLUMNS if name == "table5" else [])
        with open(out / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        shown = ("gpu", "value_text", "price_usd", "value_per_dollar", "relative_to_baseline")
        # A footnote line under the tabular, as measured rows get one.
        note = r"\par\smallskip{\footnotesize $^{\dagger}$ a measured row's environment\par}" + "\n"
        for lang in ("ko", "en"):
            (out / f"{name}.{lang}.tex").write_text(
                tabular(shown, [[r[c] for c in shown] for r in rows], "lrrrr") + note, encoding="utf-8")
        written[name] = rows
    return written


def write_matmul_record(path: Path, samples=(12.5, 12.7, 12.4, 12.9, 12.6), cuda_samples=None) -> None:
    """A valid matmul record for the appendix and the macros: CPU only, or with ``cuda_samples``
    a CUDA machine's record holding both metrics. Its environment has what the appendix must
    escape and list (an underscore, absent packages, a driver)."""
    from gpusurvey.record import Metric

    metrics = {"cpu_torch_fp32_ms": Metric(unit="ms", samples=list(samples), first_call=20.0)}
    gpu = None
    if cuda_samples:
        metrics["cuda_fp32_ms"] = Metric(unit="ms", samples=list(cuda_samples), first_call=90.0)
        gpu = "NVIDIA H100 80GB HBM3"
    record = make_record("matmul", gpu, samples, metrics=metrics, weights="none",
                         machine="nvidia-h100-80gb-hbm3" if gpu else "cpu-test-cpu-model")
    record.environment.update(
        platform="Linux-6.1.0-x86_64-with-glibc2.36", cpu_model="Test CPU Model_X 9000",
        cpu_count=2, git_commit="0123456789abcdef0123456789abcdef01234567",
        packages={"torch": "2.13.0+cpu", "numpy": "2.3.0", "diffusers": None},
        gpu_memory_bytes=85_000_000_000 if gpu else None, driver="580.65" if gpu else None,
        cuda="13.0" if gpu else None, utc_time="2026-11-25T10:00:00Z")
    write_record(path, record)
