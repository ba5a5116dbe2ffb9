"""A small hand-written dump of the crowd database: one row for every reason a row is dropped,
and kept rows whose Table 7 figures are worked out by hand in ``test_crowd.py``."""

from __future__ import annotations

import json
from pathlib import Path

LIBS = "torch:2.0.0+cu118 autocast half xformers:0.0.17 accelerate:0.12.0 transformers:4.25.1"
LIBS_1X = "torch:1.13.1+cu117 autocast half xformers:0.0.16rc425 accelerate:0.12.0 transformers:4.25.1"
SYSTEM = "arch:AMD64 cpu:Intel64 Family 6 Model 165 Stepping 5, GenuineIntel system:Windows " \
         "release:Windows-10-10.0.22621-SP0 python:3.10.9"
APP = "updated:2023-03-29 hash:22bcc7be url:https://github.com/AUTOMATIC1111/stable-diffusion-webui/tree/master"


def device(name: str, count: int = 1, vram: int = 12) -> str:
    return f"device:{name} ({count}) (compute_37) (8, 6) cuda:11.8 cudnn:8700 {vram}GB"


def row(ident, rates, *, gpu="NVIDIA GeForce RTX 3060", count=1, vram=12, modes="xformers none",
        checkpoint="v1-5-pruned-emaonly.safetensors [6ce0161689]", user="user-0001",
        libs=LIBS, time="2023-03-01T10:00:00.000Z", note="", dev=None):
    return [ident, time, rates, APP, SYSTEM, libs, dev if dev is not None else device(gpu, count, vram),
            modes, checkpoint, user, note]


# id -> the reason it is dropped for (the kept rows follow below).
DROPPED = {
    101: ("not NVIDIA", row(101, "3.1 / 3.5 / 3.9",
                            dev="device:AMD Radeon RX 6800 XT (1) hip:5.4.2 16GB",
                            libs="torch:2.0.0+rocm5.4.2 autocast half xformers:unavailable")),
    102: ("laptop GPU", row(102, "5.0 / 6.0 / 6.5", gpu="NVIDIA GeForce RTX 3060 Laptop GPU", vram=6)),
    103: ("several GPUs", row(103, "5.0 / 6.0 / 6.5", count=2)),
    104: ("card not in data/gpus.csv",
          row(104, "5.0 / 6.0 / 6.5", gpu="NVIDIA GeForce RTX 2060 SUPER", vram=8)),
    105: ("medvram/lowvram", row(105, "5.0 / 6.0 / 6.5", modes="xformers medvram")),
    106: ("SD 2.x/XL/768 checkpoint",
          row(106, "5.0 / 6.0 / 6.5", checkpoint="v2-1_768-ema-pruned.ckpt [ad2a33c361]")),
    107: ("rate does not parse", row(107, "error / error / error")),
    108: ("rate not finite", row(108, "inf / 6.0 / 6.5")),
    109: ("rate not positive", row(109, "0 / 6.0 / 6.5")),
    110: ("rate above compute bound", row(110, "16.5 / 16.8 / 17.0")),
    111: ("batch-4 rate below batch 1", row(111, "6.0 / 5.5 / 5.0")),
    112: ("malformed row", [112, "2023-03-01T10:00:00.000Z", "5.0 / 6.0"]),
    113: ("malformed row", row(113, "5.0 / 6.0 / 6.5", time="yesterday")),
}

# RTX 3060: five submitters; user-0001's three rows vote with their median, 6.0.
# Votes sorted: 4, 6, 7, 8, 9 -> P10 4.8, median 7, P90 8.6; the survey's 7.239 has three
# votes below it of five: percentile 60.
KEPT_3060 = [
    row(1, "5.0 / 6.0 / 7.0", user="user-0001"),
    row(2, "6.0 / 7.0 / 8.0", user="user-0001", libs=LIBS_1X),
    row(3, "7.0 / 8.0 / 9.0", user="user-0001"),
    row(4, "8.0 / 9.0 / 10.0", user="user-0002", modes="sdp none"),
    row(5, "4.0 / 4.5 / 5.0", user="user-0003", modes="Doggettx none"),
    row(6, "7.0 / 8.0 / 12.0", user="user-0004", modes="sdp-no-mem none"),
    row(7, "9.0 / 10.0 / 11.0", user="user-0005"),
]
# RTX 3070: four submitters, under the default minimum of five: kept rows, no Table 7 row.
KEPT_3070 = [row(20 + i, f"{8 + i} / {9 + i} / {10 + i}", gpu="NVIDIA GeForce RTX 3070", vram=8,
                 user=f"user-01{i}") for i in range(4)]
# Ten fields (no note) and twelve (one extra field): both read.
SHORT_AND_LONG = [row(30, "6.5 / 7.0 / 7.5", user="user-0002")[:10],
                  row(31, "6.6 / 7.1 / 7.6", user="user-0003") + ["extra field"]]


def write_dump(path: Path, rows) -> Path:
    path.write_text(json.dumps(rows), encoding="utf-8")
    return path


def small_dump(path: Path) -> Path:
    rows = [r for _, r in DROPPED.values()] + KEPT_3060 + KEPT_3070
    return write_dump(path, rows)
