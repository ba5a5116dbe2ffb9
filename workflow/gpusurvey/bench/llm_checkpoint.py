"""What a LLaMA checkpoint folder holds, read without loading it: tensor dtypes and shapes from
the safetensors headers, a content digest, and whether ``gpusurvey synth`` wrote it."""

from __future__ import annotations

import hashlib
import json
import os
import struct
from pathlib import Path
from typing import Any

from gpusurvey.bench.synth.llama_gptq import MARKER, existing_preset
from gpusurvey.core.errors import DataError
from gpusurvey.models.weight_formats import Inventory


def safetensors_files(folder: str | os.PathLike) -> list[Path]:
    files = sorted(Path(folder).glob("*.safetensors"))
    if not files:
        raise DataError(folder, "no *.safetensors files; expected a checkpoint folder")
    return files


def read_header(path: Path) -> dict[str, Any]:
    """The JSON header of one safetensors file (an 8-byte little-endian length, then JSON)."""
    with open(path, "rb") as fh:
        raw = fh.read(8)
        if len(raw) != 8:
            raise DataError(path, "truncated safetensors file (no header length)")
        (length,) = struct.unpack("<Q", raw)
        try:
            return json.loads(fh.read(length))
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise DataError(path, "malformed safetensors header") from None


def inventory(folder: str | os.PathLike) -> Inventory:
    """Every tensor of the checkpoint with its dtype and shape."""
    tensors: Inventory = {}
    for path in safetensors_files(folder):
        for name, info in read_header(path).items():
            if name != "__metadata__":
                tensors[name] = (info["dtype"], tuple(info["shape"]))
    return tensors


def digest(folder: str | os.PathLike) -> str:
    """sha256 over the sorted (file name, file sha256) pairs of config.json and every shard."""
    outer = hashlib.sha256()
    for path in sorted([Path(folder) / "config.json", *safetensors_files(folder)]):
        with open(path, "rb") as fh:
            inner = hashlib.file_digest(fh, "sha256").hexdigest()
        outer.update(f"{path.name}\0{inner}\n".encode())
    return outer.hexdigest()


def describe(folder: str | os.PathLike) -> dict[str, Any]:
    """The record's ``weights``: synthetic (with its preset) or a checkpoint named by its folder."""
    found = existing_preset(Path(folder))
    if found is not None:
        preset, seed = found
        name = f"{preset}-gptq (gpusurvey synth, seed {seed})"
        return {"kind": "synthetic", "name": name, "sha256": digest(folder)}
    if not (Path(folder) / "config.json").exists():
        raise DataError(folder, f"no config.json or {MARKER}; expected a checkpoint folder")
    return {"kind": "checkpoint", "name": Path(folder).resolve().name, "sha256": digest(folder)}
