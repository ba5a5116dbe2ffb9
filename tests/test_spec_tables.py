"""Tables 1 and 2 reproduce the survey cell by cell."""

import pandas as pd
import pytest
from gpusurvey.inputs.gpus import load_gpus
from gpusurvey.registry import spec_tables
from gpusurvey.reports.spec_tables import spec_table
from gpusurvey.reports.verify import compare_spec_table, read_expected
from helpers import snakemake


@pytest.fixture(scope="module")
def gpus(root):
    return load_gpus(root / "data/gpus.csv")


@pytest.mark.parametrize("number", [1, 2])
def test_spec_table_matches_survey_cell_by_cell(root, gpus, number):
    table = spec_table(gpus, number)
    assert compare_spec_table(table, root / f"data/expected/table{number}.csv", gpus,
                              f"table{number}") == []
    printed = read_expected(root / f"data/expected/table{number}.csv")
    assert table.shape == (len(printed) - 1, len(printed[0]) - 1)


def test_a_changed_cell_is_reported(root, gpus):
    table = spec_table(gpus, 1).copy()
    table.loc["tdp_w", "RTX 4090"] = "451W"
    diffs = compare_spec_table(table, root / "data/expected/table1.csv", gpus, "table1")
    assert diffs == ["table1 tdp_w / RTX 4090: ours '451W', printed '450W' (row 12 'TDP', column 1)"]


@pytest.mark.workflow
def test_table1_target_builds_the_product_lists_alone(project):
    """One job writes every product list (Tables 1, 2 and the later series'), nothing else."""
    snakemake(project, "--cores", "1", "table1")
    tables = project / "results/tables"
    assert sorted(p.name for p in tables.iterdir()) == sorted(
        f"{t.name}.{kind}" for t in spec_tables() for kind in ("csv", "en.tex", "ko.tex"))
    csv = pd.read_csv(tables / "table1.csv", dtype=str, index_col="field")
    assert list(csv.columns)[:3] == ["RTX 4090", "RTX 4080", "RTX 4070 Ti"]
    assert csv.loc["launch_price_usd", "RTX 4060 Ti 8GB"] == "$399"
    ko = (tables / "table1.ko.tex").read_text(encoding="utf-8")
    en = (tables / "table1.en.tex").read_text(encoding="utf-8")
    assert r"\toprule" in ko and "출시일" in ko and "Launch date" in en
    assert r"\$1599" in en


def test_a_data_cell_is_written_as_tables_1_and_2_write_its_field():
    from gpusurvey.reports.spec_tables import field_label, printed_value

    assert printed_value("launch_date", "2022-08-12") == "2022.8.12"
    assert printed_value("tdp_w", "450") == "450W" and printed_value("launch_price_usd", "1599") == "$1599"
    assert printed_value("memory_bandwidth_gbs", "1008") == "1008"  # not a Tables 1-2 field
    assert field_label("tdp_w", "ko") == "TDP"
    assert field_label("memory_bandwidth_gbs", "en") == "memory_bandwidth_gbs"
