"""The crowd's benchmark database: every row kept or dropped with its reason, dumps merged by
id, bad files named with the position, and Table 7's percentiles with one vote per submitter."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from crowd_dump import DROPPED, KEPT_3060, KEPT_3070, SHORT_AND_LONG, row, small_dump, write_dump
from gpusurvey.cli import main
from gpusurvey.core.errors import DataError
from gpusurvey.inputs.crowd import KEPT, REASONS, counts, load_crowd, read_dump
from gpusurvey.inputs.crowd_fields import parse_row
from gpusurvey.reports.crowd_table import card_table
from gpusurvey.reports.crowd_writers import survey_values, write_crowd


@pytest.fixture
def gpus(root):
    return root / "data/gpus.csv"


@pytest.fixture
def rows(tmp_path, gpus):
    return load_crowd([small_dump(tmp_path / "dump.json")], gpus)


def test_each_row_is_dropped_for_its_reason(rows):
    by_id = rows.set_index("id")
    for ident, (reason, _) in DROPPED.items():
        assert by_id.at[ident, "status"] == "dropped", ident
        assert by_id.at[ident, "reason"] == reason, ident
    kept = rows[rows["status"] == KEPT]
    assert sorted(kept["id"]) == sorted(r[0] for r in KEPT_3060 + KEPT_3070)
    assert set(kept["gpu"]) == {"RTX 3060", "RTX 3070"}
    # Every reason of the list but "repeated id" is met once (twice for a malformed row).
    found = counts(rows)
    assert found[KEPT] == len(KEPT_3060) + len(KEPT_3070)
    assert found["malformed row"] == 2
    assert set(found.index) == {KEPT, *REASONS} - {"repeated id"}


def test_fields_are_typed(rows):
    first = rows.set_index("id").loc[2]
    assert first["torch"] == "1.13.1+cu117" and first["torch_major"] == 1 and first["torch_tag"] == "cu117"
    assert first["precision"] == "autocast half" and first["xformers"] == "0.0.16rc425"
    assert first["device"] == "NVIDIA GeForce RTX 3060" and first["gpu_count"] == 1
    assert first["vram_gb"] == 12 and first["compute_capability"] == "8.6" and first["cuda"] == "11.8"
    assert first["attention"] == "xformers" and first["memory_mode"] == "none"
    assert first["checkpoint"] == "v1-5-pruned-emaonly.safetensors"
    assert first["checkpoint_hash"] == "6ce0161689"
    assert first["os"] == "Windows" and first["python"] == "3.10.9" and first["app_hash"] == "22bcc7be"
    assert (first["rate_b1"], first["rate_b2"], first["rate_b4"]) == (6.0, 7.0, 8.0)
    assert pd.isna(first["rate_b8"])
    assert first["time"] == pd.Timestamp("2023-03-01T10:00:00Z")
    amd = parse_row(DROPPED[101][1])
    assert amd.hip == "5.4.2" and amd.torch_tag == "rocm5.4.2" and amd.device == "AMD Radeon RX 6800 XT"


def test_rows_of_ten_and_twelve_fields_are_read(tmp_path, gpus):
    frame = load_crowd([write_dump(tmp_path / "d.json", SHORT_AND_LONG)], gpus).set_index("id")
    assert list(frame["status"]) == [KEPT, KEPT]
    assert frame.at[30, "note"] == "" and frame.at[31, "extra"] == "extra field"


def test_a_repeated_id_counts_once_and_the_newer_dump_wins(tmp_path, gpus):
    old = row(1, "5.0 / 6.0 / 7.0", time="2023-03-01T10:00:00.000Z")
    new = row(1, "6.0 / 7.0 / 8.0", time="2023-03-01T10:00:00.000Z")
    # "a" sorts first by name, but holds the newer rows: it is the later dump.
    paths = [write_dump(tmp_path / "b.json", [old]),
             write_dump(tmp_path / "a.json", [new, row(2, "5 / 6 / 7", time="2023-08-01T00:00:00.000Z")])]
    frame = load_crowd(paths, gpus)
    one = frame[frame["id"] == 1].set_index("dump")
    assert one.at["a.json", "status"] == KEPT and one.at["a.json", "rate_b1"] == 6.0
    assert one.at["b.json", "reason"] == "repeated id"
    assert (frame["status"] == KEPT).sum() == 2


def test_table7_percentiles_by_hand(rows, root):
    survey = survey_values(root / "data/gpus.csv", root / "data/published/table3.csv")
    table = card_table(rows, survey, {"RTX 3060": 15.9, "RTX 3070": 25.3}, min_submitters=5)
    assert list(table["gpu"]) == ["RTX 3060"]  # the RTX 3070 has four submitters
    card = table.iloc[0]
    assert card["rows"] == 7 and card["submitters"] == 5
    assert card["p10"] == pytest.approx(4.8) and card["p50"] == pytest.approx(7.0)
    assert card["p90"] == pytest.approx(8.6)
    # Batch 4: votes 8 (user-0001), 10, 5, 12, 11 -> median 10.
    assert card["batch4_median"] == pytest.approx(10.0)
    # xformers: user-0001 (6) and user-0005 (9) -> 7.5; SDPA: 8 and 7 -> 7.5; other: 4.
    attention = (card["xformers_median"], card["sdpa_median"], card["other_median"])
    assert attention == pytest.approx((7.5, 7.5, 4.0))
    assert card["survey"] == pytest.approx(7.239)
    assert card["survey_percentile"] == pytest.approx(60.0)
    assert card["efficiency"] == pytest.approx(7.0 / 15.9)
    assert list(card_table(rows, survey, {}, min_submitters=4)["gpu"]) == ["RTX 3060", "RTX 3070"]


def test_one_submitter_with_many_rows_counts_once(tmp_path, gpus, root):
    many = [row(200 + i, "15.0 / 15.5 / 15.8", user="user-0999") for i in range(50)]
    others = [row(300 + i, f"{v} / {v + 1} / {v + 2}", user=f"user-03{i}")
              for i, v in enumerate((5, 6, 7, 8))]
    frame = load_crowd([write_dump(tmp_path / "d.json", many + others)], gpus)
    survey = survey_values(gpus, root / "data/published/table3.csv")
    card = card_table(frame, survey, {"RTX 3060": 15.9}, min_submitters=5).iloc[0]
    assert card["rows"] == 54 and card["submitters"] == 5
    # Votes 5, 6, 7, 8, 15: the median is 7, not the rows' 15.
    assert card["p50"] == pytest.approx(7.0)


@pytest.mark.parametrize(("text", "where"), [
    ('{"rows": []}', "the top level is a JSON dict"),
    ('[["1", "t"], "not a row"]', "position 1: a JSON str"),
    ('[["1", "t"],\n ["2", ', "line 2"),
])
def test_a_file_that_is_not_an_array_of_arrays_names_the_file_and_position(tmp_path, text, where):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=where) as caught:
        read_dump(path)
    assert str(path) in str(caught.value)


def test_the_build_writes_every_row_and_table7(tmp_path, gpus, root):
    names = ("rows", "votes", "table_csv", "table_ko", "table_en")
    outputs = {name: tmp_path / f"{name}.out" for name in names}
    write_crowd([small_dump(tmp_path / "dump.json")], gpus, root / "data/published/table3.csv", 5, outputs)
    written = pd.read_csv(outputs["rows"])
    assert len(written) == len(DROPPED) + len(KEPT_3060) + len(KEPT_3070)
    assert pd.read_csv(outputs["table_csv"])["gpu"].tolist() == ["RTX 3060"]
    assert "RTX 3060" in outputs["table_en"].read_text() and "제출자" in outputs["table_ko"].read_text()


def test_the_command_prints_counts_and_examples(tmp_path, gpus, capsys):
    assert main(["crowd", str(small_dump(tmp_path / "dump.json")), "--gpus", str(gpus)]) == 0
    out = capsys.readouterr().out
    assert f"kept: {len(KEPT_3060) + len(KEPT_3070)}" in out
    assert "RTX 3060: 7 rows, 5 submitters" in out
    assert "laptop GPU: dump.json position 1 id 102" in out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"not": "an array"}), encoding="utf-8")
    assert main(["crowd", str(bad), "--gpus", str(gpus)]) == 2
    assert str(bad) in capsys.readouterr().err


def test_odd_rows_are_dropped_or_kept_never_fatal(tmp_path, gpus):
    good = row(40, "6.0 / 7.0 / 8.0")
    odd = [
        [41, "2023-03-01T10:00:00.000Z", "", "", "", "", "", "", "", ""],  # ten empty fields
        [42, "2023-03-01T10:00:00.000Z", 5.0, *good[3:]],  # a rate that is a number, not a string
        ["x", *good[1:]],  # an id that is not an integer
        [],  # nothing
        [43, *good[1:10], None, "extra", "more"],  # a null note and two extra fields
        [44, good[1], "6.0 / 7.0 / 8.0 / 9.0 / 10.0", *good[3:7], "Scaled-Dot-Product none", *good[8:]],
    ]
    frame = load_crowd([write_dump(tmp_path / "d.json", [good, *odd])], gpus).set_index("position")
    assert frame.at[0, "status"] == KEPT
    assert frame.at[1, "reason"] == "not NVIDIA"
    assert frame.at[2, "reason"] == "malformed row" and frame.at[3, "reason"] == "malformed row"
    assert frame.at[4, "reason"] == "malformed row"
    assert frame.at[5, "status"] == KEPT and frame.at[5, "extra"] == "extra | more"
    assert frame.at[6, "status"] == KEPT and frame.at[6, "attention_group"] == "SDPA"
    assert frame.at[6, "rate_b16"] == 10.0


def test_no_dump_is_an_error(gpus):
    with pytest.raises(DataError, match="no \\*.json dump"):
        load_crowd([], gpus)


@pytest.mark.parametrize(("checkpoint", "later"), [
    ("v2-1_768-ema-pruned.ckpt", True), ("checkpoints\\_sd-v2-1_512-ema-pruned.safetensors", True),
    ("StableDiffusion\\SD-v2.1-512.safetensors", True), ("sd21-unclip-h.ckpt", True),
    ("sd_xl_base_1.0.safetensors", True), ("768-v-ema.ckpt", True),
    ("Realistic_Vision_V2.0.safetensors", False), ("DanMix-v2.1.safetensors", False),
    ("deliberate_v2.safetensors", False), ("dreamlike-photoreal-2.0.safetensors", False),
    ("v1-5-pruned-emaonly.safetensors", False),
])
def test_sd2_xl_and_768_checkpoints_are_told_from_sd1_finetunes(tmp_path, gpus, checkpoint, later):
    dump = write_dump(tmp_path / "d.json", [row(1, "6 / 7 / 8", checkpoint=f"{checkpoint} [abc]")])
    frame = load_crowd([dump], gpus)
    assert (frame.at[0, "reason"] == "SD 2.x/XL/768 checkpoint") == later
