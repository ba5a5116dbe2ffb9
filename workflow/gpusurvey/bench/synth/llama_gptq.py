"""A GPTQ 4-bit (group 128) LLaMA checkpoint with the real model's shapes and seeded values.

Layout (what exllamav2's GPTQ loader and AutoGPTQ write): per linear layer ``qweight`` int32
[in/8, out] (eight 4-bit weights per int32 along the input dimension), ``qzeros`` int32
[in/128, out/8], ``scales`` fp16 [in/128, out], ``g_idx`` int32 [in]; fp16 embeddings, RMSNorm
weights and output layer; sharded safetensors with an index; ``config.json`` and
``quantize_config.json``.

Values keep every activation finite in fp16: the packed weights are uniform 4-bit codes, the
zero point is 8 in every group (stored as 7, the GPTQ v1 convention of zero minus one), so a
weight is (code - 8) * scale with code - 8 in [-8, 7] (root mean square about 4.64); the
scale 1 / (4.64 * sqrt(in)) gives each linear layer a gain of about one on unit inputs.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gpusurvey.models.llama import PRESETS, LlamaShape, gptq_tensors, quantize_config

MARKER = "gpusurvey-synthetic.json"
"""Written last into a synthetic checkpoint: its preset and seed (also what marks it synthetic)."""
ZERO_POINT = 8
PACKED_ZEROS = np.uint32(sum((ZERO_POINT - 1) << (4 * i) for i in range(8))).view(np.int32)
CODE_RMS = math.sqrt(((16**2 - 1) / 12) + 0.25)
"""Root mean square of (code - 8) for codes uniform in 0..15."""
SHARD_BYTES = {"llama-13b": 2_000_000_000, "llama-tiny": 1_000_000}
"""Largest shard per preset (the tiny one is split too, so that tests see several shards)."""
SEED = 20230101


@dataclass(frozen=True)
class TensorSpec:
    name: str
    dtype: str
    """safetensors dtype: I32 or F16."""
    shape: tuple[int, ...]
    fill: str
    """How values are made: qweight, qzeros, scales, g_idx, ones, normal."""
    param: float = 1.0
    """For ``scales``: the value; for ``normal``: the standard deviation; for ``g_idx``: the group size."""

    @property
    def nbytes(self) -> int:
        return math.prod(self.shape) * 4 if self.dtype == "I32" else math.prod(self.shape) * 2


def plan(shape: LlamaShape) -> list[TensorSpec]:
    """Every tensor of the checkpoint in file order (``gptq_tensors``) with how its values are
    made, computed without writing anything."""
    g = shape.group_size
    specs = []
    for name, dtype, dims in gptq_tensors(shape):
        if name.endswith(".qweight"):
            specs.append(TensorSpec(name, dtype, dims, "qweight"))
        elif name.endswith(".qzeros"):
            specs.append(TensorSpec(name, dtype, dims, "qzeros"))
        elif name.endswith(".scales"):
            specs.append(TensorSpec(name, dtype, dims, "scales", 1.0 / (CODE_RMS * math.sqrt(dims[0] * g))))
        elif name.endswith(".g_idx"):
            specs.append(TensorSpec(name, dtype, dims, "g_idx", g))
        elif name.endswith("norm.weight"):
            specs.append(TensorSpec(name, dtype, dims, "ones"))
        elif name == "lm_head.weight":
            specs.append(TensorSpec(name, dtype, dims, "normal", 1.0 / math.sqrt(shape.hidden)))
        else:  # the token embedding
            specs.append(TensorSpec(name, dtype, dims, "normal", 1.0))
    return specs


def shards(specs: list[TensorSpec], max_bytes: int) -> list[list[TensorSpec]]:
    """Split the plan, in order, into shards of at most ``max_bytes`` (a larger tensor stands alone)."""
    out: list[list[TensorSpec]] = [[]]
    size = 0
    for spec in specs:
        if out[-1] and size + spec.nbytes > max_bytes:
            out.append([])
            size = 0
        out[-1].append(spec)
        size += spec.nbytes
    return out


def values(spec: TensorSpec, seed: int = SEED) -> np.ndarray:
    """The tensor's values; seeded by its name, so a tensor does not depend on the others."""
    rng = np.random.default_rng([seed, zlib.crc32(spec.name.encode())])
    if spec.fill == "qweight":
        return rng.integers(0, 2**32, size=spec.shape, dtype=np.uint32).view(np.int32)
    if spec.fill == "qzeros":
        return np.full(spec.shape, PACKED_ZEROS, dtype=np.int32)
    if spec.fill == "scales":
        return np.full(spec.shape, spec.param, dtype=np.float16)
    if spec.fill == "g_idx":
        # desc_act false: input row i belongs to group i // group_size, in order.
        return np.arange(spec.shape[0], dtype=np.int32) // int(spec.param)
    if spec.fill == "ones":
        return np.ones(spec.shape, dtype=np.float16)
    if spec.fill == "normal":
        return (rng.standard_normal(spec.shape, dtype=np.float32) * spec.param).astype(np.float16)
    raise ValueError(f"{spec.name}: unknown fill '{spec.fill}'")


def write(preset: str, folder: str | os.PathLike, *, seed: int = SEED) -> Path:
    """Write the synthetic checkpoint of ``preset`` into ``folder``, or reuse it when it is there.

    The files are written into a temporary folder beside ``folder`` and renamed into place at
    the end, so ``folder`` is either absent, or complete with its marker file.
    """
    from safetensors.numpy import save_file

    if preset not in PRESETS:
        raise ValueError(f"unknown preset '{preset}'; expected one of {sorted(PRESETS)}")
    target = Path(folder)
    if existing_preset(target) == (preset, seed):
        return target
    if target.exists() and any(target.iterdir()):
        raise ValueError(f"{target}: exists and is not a synthetic '{preset}' checkpoint (seed {seed}); "
                         "expected an empty or missing folder")
    shape = PRESETS[preset]
    parts = shards(plan(shape), SHARD_BYTES[preset])
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; a checkpoint is ordinary data
    try:
        weight_map = {}
        for i, part in enumerate(parts, start=1):
            filename = f"model-{i:05d}-of-{len(parts):05d}.safetensors"
            save_file({spec.name: values(spec, seed) for spec in part}, str(tmp / filename),
                      metadata={"format": "pt"})
            weight_map.update(dict.fromkeys((spec.name for spec in part), filename))
        total = sum(spec.nbytes for part in parts for spec in part)
        _json(tmp / "model.safetensors.index.json",
              {"metadata": {"total_size": total}, "weight_map": weight_map})
        _json(tmp / "config.json", shape.hf_config())
        _json(tmp / "quantize_config.json", quantize_config(shape))
        _json(tmp / MARKER, {"preset": preset, "seed": seed, "writer": "gpusurvey synth"})
        for path in tmp.iterdir():
            path.chmod(0o644)
        if target.exists():
            target.rmdir()
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return target


def scratch_folder(preset: str) -> Path:
    """Where benchmark scripts keep the checkpoint of ``preset`` they write for themselves: under
    the system's temporary folder, one path per preset shared by every script, so that the
    LLaMA-13B checkpoint (7.3 GB) is written once per machine."""
    return Path(tempfile.gettempdir()) / "gpusurvey-weights" / f"{preset}-gptq"


def existing_preset(folder: Path) -> tuple[str, int] | None:
    """(preset, seed) of a complete synthetic checkpoint in ``folder``, else None."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        return data["preset"], int(data["seed"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _json(path: Path, data: dict) -> None:
    # Plain writes: the whole folder is renamed into place at the end.
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
