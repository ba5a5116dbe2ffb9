"""Tables 3 and 4's compute bound: every row has its bound and efficiency, and no efficiency
above 1 reaches a table."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from gpusurvey.core.errors import DataError
from gpusurvey.models.sd_compute import SETTINGS, EfficiencyAboveOneError, step_flops
from helpers import build_table, make_record, write_record


@pytest.mark.parametrize("number, setting", [(3, "sd-txt2img"), (4, "sd-hires")])
def test_every_row_has_its_bound_and_efficiency(root, tmp_path, number, setting):
    workload = "sd-txt2img" if number == 3 else "sd-hires"
    record = write_record(tmp_path / f"m/x/{workload}.json",
                          make_record(workload, samples=(0.5, 0.51, 0.49)))
    table = pd.read_csv(build_table(root, tmp_path, number, [record])["csv"])
    gpus = pd.read_csv(root / "data/gpus.csv").set_index("gpu")
    assert set(table["source"]) == {"published", "measured"}
    for row in table.itertuples():
        peak = gpus.loc[row.gpu, "fp16_tflops_fp32acc"]
        assert row.peak_tflops == peak
        assert row.flops_per_step == step_flops(SETTINGS[setting])
        assert row.bound_it_per_s == pytest.approx(peak * 1e12 / row.flops_per_step, abs=1e-4)
        assert 0 < row.efficiency <= 1
        assert row.efficiency == pytest.approx(row.value / row.bound_it_per_s, abs=1e-4)


def test_a_tiny_peak_in_gpus_csv_fails_naming_the_row_and_leaves_no_table(root, tmp_path):
    data = tmp_path / "root/data"
    shutil.copytree(root / "data", data)
    gpus = pd.read_csv(data / "gpus.csv", dtype=str, keep_default_na=False)
    gpus.loc[gpus["gpu"] == "RTX 3070", "fp16_tflops_fp32acc"] = "1.5"
    gpus.to_csv(data / "gpus.csv", index=False)
    with pytest.raises(EfficiencyAboveOneError, match=r"table3.csv, row 'RTX 3070'.*above its compute bound"):
        build_table(tmp_path / "root", tmp_path / "out", 3)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_record_above_its_cards_bound_fails_by_key_and_leaves_no_table(root, tmp_path):
    # 20 it/s on an RTX 4060 (30.2 TFLOPS / 1.61 TFLOP per step = 18.8 it/s)
    record = write_record(tmp_path / "m/x/sd-txt2img.json", make_record(samples=(20.0, 20.1, 19.9)))
    refused = r"sd-txt2img.json: key 'metrics/it_per_s/mean'.*compute bound of RTX 4060"
    with pytest.raises(DataError, match=refused):
        build_table(root, tmp_path / "out", 3, [record])
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_the_latex_table_shows_the_efficiency(root, tmp_path):
    paths = build_table(root, tmp_path, 3)
    table = pd.read_csv(paths["csv"])
    top = table.iloc[0]
    for lang, header in (("ko", "연산 효율"), ("en", "Compute efficiency")):
        text = paths[f"{lang}.tex"].read_text(encoding="utf-8")
        assert header in text
        assert f"{top['value_text']:.3f}&" in text and f"&{top['efficiency'] * 100:.1f}\\\\" in text
