"""Many people's records: one row per card, records that cannot lie or break the paper, and
`gpusurvey submit`."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import subprocess

import pandas as pd
import pytest
from gpusurvey import cli
from gpusurvey.core.errors import DataError
from gpusurvey.core.record_text import MAX_ERROR, MAX_NAME, printable
from gpusurvey.inputs.gpus import load_gpus
from gpusurvey.inputs.measured_cards import outliers
from gpusurvey.inputs.record_checks import check_files, check_time
from gpusurvey.reports import plotting
from helpers import (
    build_table,
    copy_build,
    fake_nvidia_smi,
    machine_id_here,
    make_record,
    snakemake,
    write_broken,
    write_record,
)

RTX3060 = {"gpu": "NVIDIA GeForce RTX 3060", "machine": "nvidia-geforce-rtx-3060"}


def read_table(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def owner_record(ident: str, samples, workload: str = "sd-txt2img", **changes):
    record = make_record(workload, samples=samples, **RTX3060)
    record.environment["machine_id"] = ident
    for key, value in changes.items():
        record.environment[key] = value
    return record


def three_owners(tmp_path, values=(7.0, 7.2, 7.4)):
    """One RTX 3060 record from each of three machines, each with its mean at ``values[i]``."""
    paths = []
    for ident, value in zip(("1111aaaa", "2222bbbb", "3333cccc"), values, strict=True):
        samples = (value - 0.05, value, value + 0.05)
        path = tmp_path / f"m/nvidia-geforce-rtx-3060-{ident}/sd-txt2img.json"
        paths.append(write_record(path, owner_record(ident, samples)))
    return paths


# Several records per card.


def test_three_machines_give_one_row_with_median_count_and_spread(root, tmp_path):
    before = read_table(build_table(root, tmp_path / "before", 3)["csv"])
    paths = three_owners(tmp_path)
    files = build_table(root, tmp_path / "after", 3, paths)
    table = read_table(files["csv"])
    measured = table[table["source"] == "measured"]
    assert len(measured) == 1 and len(table) == len(before) + 1
    row = measured.iloc[0]
    assert (row["gpu"], row["value_text"], row["n_records"]) == ("RTX 3060", "7.200", "3")
    assert (float(row["value_min"]), float(row["value_max"]), row["outliers"]) == (7.0, 7.4, "0")
    assert row["relative_to_baseline"] == "0.99"  # 7.200 / the published 7.239
    assert row["reference"] == "; ".join(str(p) for p in paths)
    assert row["note"].startswith("median of 3 records, range 7.000-7.400: 7.000: NVIDIA GeForce RTX 3060")
    for ident in ("1111aaaa", "2222bbbb", "3333cccc"):
        assert row["note"].count(f"machine nvidia-geforce-rtx-3060 ({ident})") == 1
    pd.testing.assert_frame_equal(table[table["source"] == "published"].reset_index(drop=True),
                                  before.reset_index(drop=True))
    # A folder submitted with --name (two machines whose records carry one id) is named by it.
    renamed = tmp_path / "m/nvidia-geforce-rtx-3060-second/sd-txt2img.json"
    write_record(renamed, owner_record("1111aaaa", (7.5, 7.6, 7.7)))
    renamed_table = read_table(build_table(root, tmp_path / "renamed", 3, [*paths, renamed])["csv"])
    (note,) = renamed_table.loc[renamed_table["source"] == "measured", "note"]
    assert "nvidia-geforce-rtx-3060 (second)" in note and note.count("(1111aaaa)") == 1
    en = files["en.tex"].read_text(encoding="utf-8")
    assert "median of 3 records" in en and r"$^{\ddagger}$" not in en
    assert "기록 3개의 중앙값" in files["ko.tex"].read_text(encoding="utf-8")


def test_a_fourth_far_off_record_is_flagged_not_averaged_away(root, tmp_path):
    paths = three_owners(tmp_path)
    far = write_record(tmp_path / "m/nvidia-geforce-rtx-3060-4444dddd/sd-txt2img.json",
                       owner_record("4444dddd", (13.9, 14.0, 14.1)))
    files = build_table(root, tmp_path / "out", 3, [*paths, far])
    row = read_table(files["csv"]).set_index("source").loc["measured"]
    assert (row["n_records"], row["outliers"], row["value_text"]) == ("4", "1", "7.300")  # median of 4
    assert float(row["value_max"]) == 14.0  # the spread shows it
    assert "14.000, far from the others: NVIDIA GeForce RTX 3060" in row["note"]
    assert "7.000: NVIDIA" in row["note"] and "7.000, far" not in row["note"]
    for lang, words in (("en", "far from the others"), ("ko", "동떨어짐")):
        tex = files[f"{lang}.tex"].read_text(encoding="utf-8")
        assert r"7.300$^{\ddagger}$" in tex and words in tex


def test_the_bars_draw_the_spread_and_mark_the_far_record(root, tmp_path):
    from gpusurvey.reports import figures

    far = write_record(tmp_path / "m/nvidia-geforce-rtx-3060-4444dddd/sd-txt2img.json",
                       owner_record("4444dddd", (13.9, 14.0, 14.1)))
    table = pd.read_csv(build_table(root, tmp_path / "out", 3, [*three_owners(tmp_path), far])["csv"],
                        dtype={"value_text": str})
    for lang in ("ko", "en"):
        fig = figures.bars(table, "RTX 3060", lang)
        ax = fig.axes[0]
        labels = [text.get_text() for text in ax.texts]
        assert "7.300 (n=4, ‡)" in labels
        from matplotlib.container import ErrorbarContainer

        (errorbar,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]  # one row of several
        segment = errorbar.lines[2][0].get_segments()[0]
        assert [x for x, _ in segment] == pytest.approx([7.0, 14.0])
        plotting.save(fig, {"png": tmp_path / f"bars.{lang}.png"})  # every glyph in the fonts


@pytest.mark.parametrize("values, flagged", [
    ((10.0, 10.0), [False, False]),  # fewer than three records: no rule
    ((10.0, 10.0, 10.0, 10.1), [False] * 4),  # within the 2 % floor of a zero MAD
    ((10.0, 10.5, 9.5, 30.0), [False, False, False, True]),
    ((5.0, 10.0, 10.1, 9.9, 10.2), [True, False, False, False, False]),
])
def test_the_outlier_rule(values, flagged):
    assert outliers(values) == flagged


def test_a_card_whose_every_record_failed_shows_its_status(root, tmp_path):
    paths = [write_record(tmp_path / f"m/{d}/llm-decode.json",
                          make_record("llm-decode", status="oom", **RTX3060)) for d in ("a", "b")]
    row = read_table(build_table(root, tmp_path / "out", 5, paths)["csv"]).set_index("source").loc["measured"]
    assert (row["status"], row["value_text"], row["n_records"], row["value_min"]) == ("oom", "OOM", "2", "")


# Records that cannot lie, cannot break the paper: each refused by file and key.


def _samples(values):
    return {"metrics/it_per_s/samples": list(values)}


def _llm(samples=(100.0, 101.0, 99.0), **extra):
    record = make_record("llm-decode", samples=samples, **RTX3060)
    record.extra.update(extra)
    return record


REFUSED = {  # name: (record, changes written past save(), table, key, message)
    "1e9 it/s on an RTX 3060": (make_record(samples=(1e9,) * 3, **RTX3060), {}, 3,
                                "metrics/it_per_s/mean", r"compute bound of RTX 3060 \(25.5 TFLOPS"),
    "5000 tokens/s on an RTX 3060": (_llm(samples=(5000.0,) * 3), {}, 5, "metrics/decode_tokens_per_s/mean",
                                     r"above the memory-bandwidth bound of RTX 3060 \(360 GB/s"),
    "0 it/s": (make_record(**RTX3060), _samples([0.0, 0.0, 0.0]), 3, "metrics/it_per_s/samples/0",
               "must be above zero"),
    "a sample of 1e308": (make_record(**RTX3060), _samples([12.0, 1e308]), 3, "metrics/it_per_s/samples/1",
                          "expected a finite number from 0 to 1e"),
    "an empty sample list with status ok": (make_record(**RTX3060), _samples([]), 3,
                                            "metrics/it_per_s/samples", "empty, but the status is 'ok'"),
    "20000 samples": (make_record(**RTX3060), _samples([12.0] * 20000), 3, "metrics/it_per_s/samples",
                      "expected at most"),
    "a million cores": (make_record(**RTX3060), {"environment/cpu_count": 1_000_000}, 3,
                        "environment/cpu_count", "expected from 1 to 4096"),
    "bytes_per_token 1": (_llm(bytes_per_token=1), {}, 5, "extra/bytes_per_token",
                          "does not match the roofline model's"),
    "bytes_per_token 0.5": (_llm(bytes_per_token=0.5), {}, 5, "extra/bytes_per_token", "does not match"),
    "bytes_per_token abc": (_llm(bytes_per_token="abc"), {}, 5, "extra/bytes_per_token",
                            "expected a number of bytes"),
    "not a date": (make_record(**RTX3060), {"environment/utc_time": "yesterday"}, 3,
                   "environment/utc_time", "is not an ISO 8601 time"),
    "a date in the future": (make_record(**RTX3060), {"environment/utc_time": "2999-01-01T00:00:00Z"}, 3,
                             "environment/utc_time", "lies in the future"),
    "a date without offset": (make_record(**RTX3060), {"environment/utc_time": "2026-11-20T09:30:00"}, 3,
                              "environment/utc_time", "has no UTC offset"),
    "emoji": (make_record(**RTX3060), {"environment/cpu_model": "Ryzen 9 \U0001F680"}, 3,
              "environment/cpu_model", "U\\+1F680"),
    "Chinese": (make_record(**RTX3060), {"environment/gpu_name": "英伟达 GeForce RTX 3060"}, 3,
                "environment/gpu_name", "U\\+82F1"),
    "a right-to-left mark": (make_record(**RTX3060), {"backend/attention": "sdpa\u200f"}, 3,
                             "backend/attention", "U\\+200F"),
    "NUL": (make_record(status="oom", **RTX3060), {"error": "out of memory\x00"}, 3, "error", "U\\+0000"),
    "a control character": (make_record(**RTX3060), {"weights/name": "ckpt\x1b[31m"}, 3, "weights/name",
                            "U\\+001B"),
    "10 kB": (make_record(**RTX3060), {"environment/platform": "Linux-" * 2000}, 3,
              "environment/platform", "12000 characters; expected at most 200"),
    "a 199-character machine": (make_record(**RTX3060), {"machine": "m" * 199}, 3, "machine",
                                "199 characters; expected at most 64"),
    "10 kB error": (make_record(status="error", **RTX3060), {"error": "x" * 10_000}, 3, "error",
                    f"expected at most {MAX_ERROR}"),
}


def _refused_record(tmp_path, case):
    record, changes, number, key, message = REFUSED[case]
    record.environment["machine_id"] = "5555eeee"
    workload = record.workload
    path = write_broken(tmp_path / f"m/bad/{workload}.json", record, changes)
    return path, number, rf"m/bad/{workload}\.json: key '{key}': .*{message}"


@pytest.mark.parametrize("case", REFUSED)
def test_a_record_that_lies_or_breaks_the_paper_is_refused_by_file_and_key(root, tmp_path, case):
    path, number, pattern = _refused_record(tmp_path, case)
    good = three_owners(tmp_path)
    with pytest.raises(DataError, match=pattern):
        build_table(root, tmp_path / "out", number, [*good, path])
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("case", REFUSED)
def test_submit_refuses_what_the_build_refuses(root, tmp_path, monkeypatch, capsys, case):
    path, _, pattern = _refused_record(tmp_path, case)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["submit", str(path), "--gpus", str(root / "data/gpus.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gpusurvey: ") and re.search(pattern, err), err
    assert not (tmp_path / "data").exists()


def test_every_error_in_reading_a_record_names_it(root, tmp_path):
    path = tmp_path / "m/x/sd-txt2img.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"workload": "sd-txt2img", "\xff": 1}')
    with pytest.raises(DataError, match=r"m/x/sd-txt2img\.json: not UTF-8 text: byte 29 is 0xff"):
        build_table(root, tmp_path / "out", 3, [path])


def test_dates_are_checked_against_now():
    now = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
    assert check_time("2026-11-20T12:30:00Z", now=now).minute == 30  # within the clock slack
    with pytest.raises(DataError, match="lies in the future"):
        check_time("2026-11-20T14:00:00+00:00", now=now)
    with pytest.raises(DataError, match="is before 2023-01-01"):
        check_time("2019-05-01T00:00:00Z", now=now)


def test_the_harness_writes_only_printable_error_messages():
    assert printable("boom\x00 \u200f done\nnext") == "boom? ? done\nnext"
    trimmed = printable("y" * 10_000)
    assert len(trimmed) == MAX_ERROR and trimmed.endswith("(trimmed)")


def test_a_hangul_and_latex_special_record_is_accepted(root, tmp_path):
    record = owner_record("6666ffff", (7.0, 7.1, 6.9), cpu_model="인텔 코어 i9 #$%&_{}~^\\")
    path = write_record(tmp_path / "m/x/sd-txt2img.json", record)
    ((checked, loaded),) = check_files([path], load_gpus(root / "data/gpus.csv"))
    assert checked == str(path) and loaded.environment["cpu_model"].startswith("인텔")


# gpusurvey submit.


def test_submit_copies_a_valid_record_into_its_machines_folder(root, tmp_path, monkeypatch, capsys):
    (first,) = three_owners(tmp_path)[:1]
    monkeypatch.chdir(tmp_path)
    args = ["submit", str(first), "--gpus", str(root / "data/gpus.csv")]
    assert cli.main(args) == 0
    dest = tmp_path / "data/measurements/nvidia-geforce-rtx-3060-1111aaaa/sd-txt2img.json"
    assert dest.read_bytes() == first.read_bytes()
    out = capsys.readouterr().out
    assert f"{first} -> data/measurements/nvidia-geforce-rtx-3060-1111aaaa/sd-txt2img.json" in out
    assert "  git add data/measurements/nvidia-geforce-rtx-3060-1111aaaa/sd-txt2img.json\n" in out
    assert "  git commit -m 'Measurements: RTX 3060 (data/measurements/" in out
    assert cli.main(args) == 0 and "unchanged: data/measurements/" in capsys.readouterr().out


def test_two_owners_of_one_card_get_two_folders(root, tmp_path, monkeypatch, capsys):
    paths = three_owners(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["submit", *map(str, paths), "--gpus", str(root / "data/gpus.csv")]) == 0
    folders = sorted(p.name for p in (tmp_path / "data/measurements").iterdir())
    assert folders == [f"nvidia-geforce-rtx-3060-{i}" for i in ("1111aaaa", "2222bbbb", "3333cccc")]
    assert "checked 3 record(s)" in capsys.readouterr().out


def test_a_record_without_machine_id_needs_a_name(root, tmp_path, monkeypatch, capsys):
    path = write_record(tmp_path / "old/sd-txt2img.json", make_record(**RTX3060))
    monkeypatch.chdir(tmp_path)
    gpus = ["--gpus", str(root / "data/gpus.csv")]
    assert cli.main(["submit", str(path), *gpus]) == 2
    assert "key 'environment/machine_id': missing" in capsys.readouterr().err
    assert cli.main(["submit", str(path), "--name", "Kim's PC", *gpus]) == 0
    assert (tmp_path / "data/measurements/nvidia-geforce-rtx-3060-kim-s-pc/sd-txt2img.json").exists()


def test_one_bad_record_among_several_copies_none(root, tmp_path, monkeypatch, capsys):
    bad, _, _ = _refused_record(tmp_path, "1e9 it/s on an RTX 3060")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["submit", *map(str, three_owners(tmp_path)), str(bad),
                     "--gpus", str(root / "data/gpus.csv")]) == 2
    assert not (tmp_path / "data").exists()


def test_the_committed_records_pass_check_records(root):
    committed = sorted((root / "data/measurements").glob("*/*.json"))
    assert len(check_files(committed, load_gpus(root / "data/gpus.csv"))) == len(committed)


# Through Snakemake.


@pytest.mark.workflow
def test_the_reason_reaches_the_terminal_and_check_records_refuses(project):
    bad, _, _ = _refused_record(project / "tmp", "5000 tokens/s on an RTX 3060")
    folder = project / "data/measurements/nvidia-geforce-rtx-3060-5555eeee"
    folder.mkdir(parents=True)
    shutil.move(bad, folder / "llm-decode.json")
    expected = ("data/measurements/nvidia-geforce-rtx-3060-5555eeee/llm-decode.json: key "
                "'metrics/decode_tokens_per_s/mean': 5000 tokens/s is above the memory-bandwidth bound")
    for target, rule in (("table5", "perf_tables"), ("check_records", "check_records")):
        proc = snakemake(project, "--cores", "1", "--config", "measure=False", "--", target, check=False)
        assert proc.returncode != 0
        assert f"{rule}: {expected}" in proc.stderr, proc.stderr[-3000:]
    assert not (project / "results/tables/table5.csv").exists()
    assert not (project / "results/checks/records.txt").exists()


@pytest.mark.workflow
def test_this_machines_submitted_folder_is_replaced_by_its_new_run(project, monkeypatch):
    """A record committed by `gpusurvey submit` from this machine is replaced by the machine's
    new run; another owner's record of the same card joins it in one row."""
    machine = fake_nvidia_smi(project, monkeypatch)
    h100 = dict(gpu="NVIDIA H100 80GB HBM3", machine=machine)
    write_record(project / f"data/measurements/{machine}-{machine_id_here()}/sd-txt2img.json",
                 make_record(samples=(20.0, 20.5, 19.5), **h100))
    write_record(project / f"data/measurements/{machine}-deadbeef/sd-txt2img.json",
                 make_record(samples=(30.0, 30.5, 29.5), **h100))
    write_record(project / f"results/measurements/{machine}/sd-txt2img.json",
                 make_record(samples=(40.0, 40.5, 39.5), **h100))
    snakemake(project, "--cores", "1", "table3", "--config", "measure=True",
              "bench={workloads: [sd-txt2img]}")
    row = read_table(project / "results/tables/table3.csv").set_index("source").loc["measured"]
    assert (row["gpu"], row["n_records"], row["value_text"]) == ("H100 SXM", "2", "35.000")
    assert float(row["value_min"]) == 30.0 and float(row["value_max"]) == 40.0


@pytest.mark.workflow
@pytest.mark.skipif(shutil.which("latexmk") is None or shutil.which("pdftotext") is None,
                    reason="needs latexmk, XeLaTeX and pdftotext (envs/system-packages.sh)")
def test_odd_but_printable_text_and_a_card_of_three_records_build_into_both_pdfs(shared_build, tmp_path):
    """Added to a copy of the shared build, so that only what the new records touch rebuilds."""
    project = copy_build(shared_build, tmp_path / "odd")
    for ident, value in (("1111aaaa", 7.0), ("2222bbbb", 7.2), ("3333cccc", 7.4)):
        record = owner_record(ident, (value - 0.05, value, value + 0.05),
                              cpu_model="인텔 코어 i9 #$%&_{}~^\\ test")
        record.backend = {"attention": r"\input{/etc/passwd} <b>sdpa</b>", "dtype": "float16"}
        if ident == "3333cccc":  # the longest machine name a record may hold typesets
            record.machine = "-".join(["nvidia-geforce-rtx-3060-in-a-long-named-box"] * 2)[:MAX_NAME]
        write_record(project / f"data/measurements/nvidia-geforce-rtx-3060-{ident}/sd-txt2img.json", record)
    snakemake(project, "--cores", "2", "--config", "measure=False", "--", "paper")
    for lang, median in (("en", "median of 3 records"), ("ko", "기록 3개의 중앙값")):
        pdf = project / f"results/paper/survey-{lang}.pdf"
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        flat = " ".join(text.split())
        assert "인텔 코어 i9" in flat and "<b>sdpa</b>" in flat
        assert median in flat and "root:" not in flat


@pytest.mark.parametrize(("node", "same_across_addresses"),
                         [(0x0223456789AB, False), (0x0223456789AB | (1 << 40), True)])
def test_a_container_without_machine_id_gets_one_id_per_host(monkeypatch, node, same_across_addresses):
    """Without /etc/machine-id the id hashes the host name and a real network address; an address
    uuid made up at random (multicast bit set) differs in every process, so it is left out."""
    from gpusurvey.core import machine

    monkeypatch.setattr(machine, "MACHINE_ID_FILES", ("/nonexistent/machine-id",))
    monkeypatch.setattr(machine, "gpu_uuids", lambda: ())
    monkeypatch.setattr("socket.gethostname", lambda: "gpu-host")
    ids = set()
    for other in (node, node ^ 0xFF):
        monkeypatch.setattr("uuid.getnode", lambda other=other: other)
        machine.machine_id.cache_clear()
        ids.add(machine.machine_id())
    machine.machine_id.cache_clear()
    assert len(ids) == (1 if same_across_addresses else 2)
    assert all(re.fullmatch(r"[0-9a-f]{8}", i) for i in ids)


def test_two_containers_of_one_image_with_their_own_gpus_get_two_ids(monkeypatch, tmp_path):
    """Containers started from one image share /etc/machine-id; the GPUs' UUIDs tell them apart,
    and a machine without a GPU keeps the id its machine id alone gives."""
    from gpusurvey.core import machine

    (tmp_path / "machine-id").write_text("0123456789abcdef0123456789abcdef\n")
    monkeypatch.setattr(machine, "MACHINE_ID_FILES", (str(tmp_path / "machine-id"),))
    ids = []
    for cards in ((), ("GPU-5db66866",), ("GPU-f64cd6f0",), ("GPU-5db66866",)):
        monkeypatch.setattr(machine, "gpu_uuids", lambda cards=cards: cards)
        machine.machine_id.cache_clear()
        ids.append(machine.machine_id())
    machine.machine_id.cache_clear()
    assert len(set(ids[:3])) == 3 and ids[1] == ids[3]
    expected = hashlib.sha256(b"gpusurvey:0123456789abcdef0123456789abcdef").hexdigest()[:8]
    assert ids[0] == expected
