"""A bad data file fails with an error naming the file, line and column, and writes nothing."""

import csv
import io

import pytest
from gpusurvey.core.errors import DataError
from gpusurvey.inputs.gpus import load_errata, load_gpus
from helpers import snakemake


def _rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write(path, rows):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _edit(root, tmp_path, edit):
    rows = _rows(root / "data/gpus.csv")
    edit(rows)
    path = tmp_path / "gpus.csv"
    _write(path, rows)
    return path


def _set(rows, gpu, column, value):
    col = rows[0].index(column)
    for row in rows[1:]:
        if row[0] == gpu:
            row[col] = value
            return
    raise KeyError(gpu)


def test_committed_files_are_valid(root):
    gpus = load_gpus(root / "data/gpus.csv")
    assert gpus.resolve("RTX 3090Ti") == "RTX 3090 Ti"
    assert gpus.resolve("NVIDIA H100 80GB HBM3") == "H100 SXM"
    errata = load_errata(root / "data/errata.csv", gpus)
    assert "RTX 4090" in set(errata["gpu"])


def _drop_column(rows):
    col = rows[0].index("tdp_w")
    for row in rows:
        del row[col]


CASES = {
    "missing column": (_drop_column, 1, None, "missing column(s) ['tdp_w']"),
    "wrong type": (lambda r: _set(r, "RTX 4080", "tensor_cores", "many"), 3, "tensor_cores",
                   "expected an integer, got 'many'"),
    "negative price": (lambda r: _set(r, "RTX 4070", "launch_price_usd", "-599"), 5,
                       "launch_price_usd", "expected a value > 0, got -599.0"),
    "zero price": (lambda r: _set(r, "RTX 3060", "launch_price_usd", "0"), 17,
                   "launch_price_usd", "expected a value > 0, got 0.0"),
    "missing price": (lambda r: _set(r, "RTX 3050", "launch_price_usd", ""), 18,
                      "launch_price_usd", "required"),
    "duplicate gpu": (lambda r: _set(r, "RTX 4080", "gpu", "RTX 4090"), 3, "gpu",
                      "duplicate value 'RTX 4090' (first on line 2)"),
    "alias naming another gpu": (lambda r: _set(r, "RTX 3060", "aliases", "RTX 3060 Ti"), 17,
                                 "aliases", "alias 'RTX 3060 Ti' of RTX 3060 already names"),
    "alias shared by cards of equal memory": (
        lambda r: _set(r, "RTX 4060", "aliases", "NVIDIA GeForce RTX 4060 Ti"), 8, "aliases",
        "alias 'NVIDIA GeForce RTX 4060 Ti' of RTX 4060 already names RTX 4060 Ti 8GB (line 7)"),
}


GIB = 2**30


@pytest.mark.parametrize("name, memory, gpu", [
    ("NVIDIA GeForce RTX 4060 Ti", 15.7 * GIB, "RTX 4060 Ti 16GB"),
    ("NVIDIA GeForce RTX 4060 Ti", 7.7 * GIB, "RTX 4060 Ti 8GB"),
    ("NVIDIA GeForce RTX 4060 Ti", None, "RTX 4060 Ti 16GB"),  # the row listed first
    ("NVIDIA GeForce RTX 3080", 11.8 * GIB, "RTX 3080 12GB"),
    ("NVIDIA GeForce RTX 3080", 9.8 * GIB, "RTX 3080"),
    ("RTX 3080", 11.8 * GIB, "RTX 3080"),  # a canonical name means its own row only
    ("RTX 4060Ti", 15.7 * GIB, "RTX 4060 Ti 8GB"),  # the survey's spelling is an alias of one row
    ("NVIDIA A100 80GB PCIe", 79.2 * GIB, "A100 80GB PCIe"),
    ("NVIDIA A100-SXM4-80GB", None, "A100 80GB SXM"),
])
def test_a_driver_name_of_several_cards_resolves_by_memory(root, name, memory, gpu):
    assert load_gpus(root / "data/gpus.csv").resolve(name, memory) == gpu


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_gpus_file_gets_a_named_error(root, tmp_path, case):
    edit, line, column, text = CASES[case]
    path = _edit(root, tmp_path, edit)
    with pytest.raises(DataError) as info:
        load_gpus(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert info.value.line == line
    assert info.value.column == column
    assert text in message


def test_a_row_the_csv_module_cannot_read_is_named(root, tmp_path):
    path = tmp_path / "errata.csv"
    text = (root / "data/errata.csv").read_text(encoding="utf-8")
    path.write_text(text + '"' + "x" * 200_000 + "\n", encoding="utf-8")
    line = text.count("\n") + 1
    with pytest.raises(DataError, match=rf"errata\.csv, line {line}: not readable as CSV \(field larger"):
        load_errata(path, load_gpus(root / "data/gpus.csv"))


def test_errata_with_unknown_gpu_is_named(root, tmp_path):
    gpus = load_gpus(root / "data/gpus.csv")
    path = tmp_path / "errata.csv"
    rows = _rows(root / "data/errata.csv")
    rows[2][0] = "RTX 9090"
    _write(path, rows)
    with pytest.raises(DataError, match=r"line 3, column 'gpu': unknown GPU 'RTX 9090'"):
        load_errata(path, gpus)


@pytest.mark.workflow
def test_bad_data_leaves_no_table_behind(project):
    path = project / "data/gpus.csv"
    rows = _rows(path)
    _set(rows, "RTX 4070", "launch_price_usd", "-1")
    _write(path, rows)
    proc = snakemake(project, "--cores", "1", "table1", check=False)
    assert proc.returncode != 0
    log = (project / "logs/tables/spec_tables.log").read_text(encoding="utf-8")
    assert "gpus.csv, line 5, column 'launch_price_usd': expected a value > 0" in log
    assert not (project / "results/tables").exists() or not any(
        (project / "results/tables").iterdir())


def test_a_file_saved_with_a_byte_order_mark_loads(root, tmp_path):
    from gpusurvey.bench import gpu_bandwidth
    from gpusurvey.reports.verify import read_expected

    for name in ("gpus.csv", "expected/table3.csv"):
        text = (root / "data" / name).read_text(encoding="utf-8")
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("\ufeff" + text, encoding="utf-8")
    gpus = load_gpus(tmp_path / "gpus.csv")
    assert list(gpus.table.index) == list(load_gpus(root / "data/gpus.csv").table.index)
    assert gpus.resolve("RTX 4090") == "RTX 4090"
    assert gpu_bandwidth.lookup("RTX 4090", tmp_path / "gpus.csv").gbs == 1008
    assert read_expected(tmp_path / "expected/table3.csv") == read_expected(root / "data/expected/table3.csv")
