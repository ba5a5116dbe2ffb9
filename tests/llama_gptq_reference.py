"""For the tests: the fp32 weights a synthetic GPTQ checkpoint stands for, decoded by the GPTQ v1
rules independently of the writer (weight = (code - (stored zero + 1)) * scale)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from safetensors import safe_open


def read_all(folder: Path) -> dict[str, np.ndarray]:
    tensors = {}
    for path in sorted(folder.glob("*.safetensors")):
        with safe_open(str(path), framework="numpy") as fh:
            for name in fh.keys():  # noqa: SIM118 - safe_open has no __iter__
                tensors[name] = fh.get_tensor(name)
    return tensors


def unpack_rows(packed: np.ndarray) -> np.ndarray:
    """int32 [rows/8, cols], eight 4-bit codes per int32 along rows -> codes [rows, cols]."""
    u = packed.view(np.uint32)
    codes = np.stack([(u >> (4 * i)) & 0xF for i in range(8)], axis=1)  # [rows/8, 8, cols]
    return codes.reshape(-1, packed.shape[1]).astype(np.int64)


def unpack_cols(packed: np.ndarray) -> np.ndarray:
    """int32 [rows, cols/8], eight 4-bit values per int32 along columns -> [rows, cols]."""
    u = packed.view(np.uint32)
    values = np.stack([(u >> (4 * i)) & 0xF for i in range(8)], axis=2)  # [rows, cols/8, 8]
    return values.reshape(packed.shape[0], -1).astype(np.int64)


def dequantise(tensors: dict[str, np.ndarray], base: str) -> np.ndarray:
    """The fp32 weight [out, in] (torch's layout) of the linear layer ``base``."""
    codes = unpack_rows(tensors[f"{base}.qweight"])  # [in, out]
    zeros = unpack_cols(tensors[f"{base}.qzeros"]) + 1  # [groups, out]
    scales = tensors[f"{base}.scales"].astype(np.float32)  # [groups, out]
    group = tensors[f"{base}.g_idx"]  # [in]
    return ((codes - zeros[group]) * scales[group]).T.astype(np.float32)


def state_dict(folder: Path) -> dict[str, np.ndarray]:
    """A plain fp32 LlamaForCausalLM state dict of the checkpoint."""
    return dequantised(read_all(folder))


def dequantised(tensors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The GPTQ tensors of a checkpoint as a plain fp32 LlamaForCausalLM state dict."""
    out = {}
    for name, value in tensors.items():
        if name.endswith(".qweight"):
            base = name.removesuffix(".qweight")
            out[f"{base}.weight"] = dequantise(tensors, base)
        elif not name.endswith((".qzeros", ".scales", ".g_idx")):
            out[name] = value.astype(np.float32)
    return out
