"""`gpusurvey submit`: commands safe to paste, every GPU name through the catalogue, every
record written or none."""

from __future__ import annotations

import re
import subprocess

from gpusurvey import cli
from helpers import make_record, write_broken

# Commands safe to paste.


HOSTILE = "x'; touch pwned; echo '"


def test_a_matmul_record_with_a_shell_command_as_its_gpu_is_refused(root, tmp_path, monkeypatch, capsys):
    record = make_record("matmul", gpu=HOSTILE, weights="none")
    record.environment["machine_id"] = "5555eeee"
    path = write_broken(tmp_path / "m/x/matmul.json", record, {})
    monkeypatch.chdir(tmp_path)
    assert cli.main(["submit", str(path), "--gpus", str(root / "data/gpus.csv")]) == 2
    assert re.search(r"m/x/matmul\.json, column 'gpu': unknown GPU 'x'; touch", capsys.readouterr().err)
    assert not (tmp_path / "data").exists()


def test_the_printed_commands_run_through_bash_create_nothing(root, tmp_path, monkeypatch, capsys):
    record = make_record(samples=(7.0, 7.1, 6.9), gpu="NVIDIA GeForce RTX 3060",
                         machine="nvidia-geforce-rtx-3060")
    record.environment["machine_id"] = "1111aaaa"
    path = write_broken(tmp_path / "rec/sd-txt2img.json", record, {})
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / HOSTILE  # a folder whose name closes a quote and runs a command
    assert cli.main(["submit", str(path), "--to", str(folder), "--gpus", str(root / "data/gpus.csv")]) == 0
    out = capsys.readouterr().out
    commands = [line.strip() for line in out.splitlines() if line.startswith("  git ")]
    assert len(commands) == 2 and "Measurements: RTX 3060 (" in commands[1]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done >> args.txt\n')
    (bin_dir / "git").chmod(0o755)
    for command in commands:
        subprocess.run(["bash", "-c", command], cwd=tmp_path, check=True,
                       env={"PATH": f"{bin_dir}:/usr/bin:/bin"})
    assert not (tmp_path / "pwned").exists()
    args = (tmp_path / "args.txt").read_text().splitlines()
    dest = folder / "nvidia-geforce-rtx-3060-1111aaaa/sd-txt2img.json"
    assert args[:2] == ["add", str(dest)] and args[2:4] == ["commit", "-m"]


def test_submit_writes_every_record_or_none(root, tmp_path, monkeypatch, capsys):
    paths = []
    for ident in ("1111aaaa", "2222bbbb"):
        record = make_record(samples=(7.0, 7.1, 6.9), gpu="NVIDIA GeForce RTX 3060",
                             machine="nvidia-geforce-rtx-3060")
        record.environment["machine_id"] = ident
        paths.append(write_broken(tmp_path / f"rec/{ident}/sd-txt2img.json", record, {}))
    monkeypatch.chdir(tmp_path)
    # The second record's place is taken by a folder: it cannot be written.
    (tmp_path / "data/measurements/nvidia-geforce-rtx-3060-2222bbbb/sd-txt2img.json").mkdir(parents=True)
    assert cli.main(["submit", *map(str, paths), "--gpus", str(root / "data/gpus.csv")]) == 2
    captured = capsys.readouterr()
    assert "git add" not in captured.out and "gpusurvey: " in captured.err
    assert not (tmp_path / "data/measurements/nvidia-geforce-rtx-3060-1111aaaa/sd-txt2img.json").exists()
    assert [p.name for p in (tmp_path / "data/measurements").rglob("*") if p.is_file()] == []
