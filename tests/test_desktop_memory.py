"""data/desktop_memory.csv and its loader."""

from pathlib import Path

import pytest
from gpusurvey.core.errors import DataError
from gpusurvey.inputs.desktop_memory import load_desktop_memory

ROOT = Path(__file__).resolve().parent.parent
HEADER = "id,label,label_ko,kind,bandwidth_gbs,how,source,source_title,source_date,quote,notes\n"
DDR5 = ("ddr5-6000-2ch,DDR5-6000,DDR5-6000,ddr5,96,6000 MT/s x 8 bytes x 2 channels,https://example.org/a,"
        "DDR5,2026-01-02,two channels give 96 GB/s,\n")
APPLE = ("m2-pro,M2 Pro,M2 Pro,unified,200,Apple's figure,https://example.org/b,M2 Pro,,"
         "200GB/s of bandwidth,\n")


def write(tmp_path, *rows):
    path = tmp_path / "desktop_memory.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def test_committed_file_loads_with_each_kind():
    rows = load_desktop_memory(ROOT / "data" / "desktop_memory.csv")
    assert {r.kind for r in rows} == {"ddr4", "ddr5", "unified"}
    ddr5 = next(r for r in rows if r.kind == "ddr5")
    assert ddr5.bandwidth_gbs == 96 and ddr5.source.startswith("https://")


def test_good_rows_load(tmp_path):
    rows = load_desktop_memory(write(tmp_path, DDR5, APPLE))
    assert [(r.id, r.bandwidth_gbs) for r in rows] == [("ddr5-6000-2ch", 96.0), ("m2-pro", 200.0)]


def test_rule_must_give_the_bandwidth(tmp_path):
    path = write(tmp_path, DDR5.replace("6000 MT/s", "5600 MT/s"))
    with pytest.raises(DataError, match=r"line 2.*bandwidth_gbs.*89.6 GB/s"):
        load_desktop_memory(path)


def test_ddr_row_needs_the_rule(tmp_path):
    path = write(tmp_path, DDR5.replace("6000 MT/s x 8 bytes x 2 channels", "fast"))
    with pytest.raises(DataError, match=r"line 2.*how.*MT/s"):
        load_desktop_memory(path)


def test_value_must_be_in_the_quote(tmp_path):
    path = write(tmp_path, APPLE.replace("200GB/s", "2000GB/s"))
    with pytest.raises(DataError, match=r"line 2.*quote"):
        load_desktop_memory(path)


def test_repeated_id_and_bad_kind(tmp_path):
    with pytest.raises(DataError, match=r"line 3.*repeats line 2"):
        load_desktop_memory(write(tmp_path, APPLE, APPLE))
    with pytest.raises(DataError, match=r"line 2.*kind"):
        load_desktop_memory(write(tmp_path, APPLE.replace("unified", "hbm")))


def test_source_date_is_a_calendar_date(tmp_path):
    with pytest.raises(DataError, match=r"line 2.*source_date.*YYYY-MM-DD"):
        load_desktop_memory(write(tmp_path, DDR5.replace("2026-01-02", "2026-13-45")))
