"""A LLaMA GGUF file (llama.cpp's format) with the real model's tensor names, shapes, types and
metadata, and seeded random values, written with ``gguf`` (the format's own Python library).

Tensor types per format are ``weight_formats.gguf_tensors``'s (llama.cpp's Q4_0, Q4_K_M and Q8_0
mixtures). A quantised tensor is written as whole blocks of random bytes, except each block's
fp16 scale fields, which are set to one finite value so that every dequantised weight is
finite: Q4_0 and Q8_0 keep ``d`` in the block's first two bytes, Q4_K ``d`` and ``dmin`` in its
first four (``dmin`` is set to zero), Q6_K ``d`` in its last two. ``d`` is chosen so that a
row's dot product with a unit vector stays near one (the codes' spread over the square root of
the row length), which keeps activations finite through 40 layers. Norm weights are ones.

The vocabulary is synthetic too: ``<unk>``, ``<s>``, ``</s>``, the 256 byte tokens and
placeholder pieces up to the model's vocabulary size; the benchmark feeds token ids directly.

The file is streamed tensor by tensor (a 13B file is never held in memory), into a temporary
file renamed into place at the end; an existing file written with the same preset, format and
seed is reused (its header says so).
"""

from __future__ import annotations

import math
import os
import struct
import zlib
from pathlib import Path

import numpy as np

from gpusurvey.core.errors import DataError
from gpusurvey.models.llama import PRESETS, LlamaShape
from gpusurvey.models.weight_formats import GGML_BLOCKS, GGUF_FORMATS, GgufTensor, gguf_tensors

SEED = 20230101
MARKER_KEYS = ("gpusurvey.synth.preset", "gpusurvey.synth.format", "gpusurvey.synth.seed")
"""Metadata keys that mark a file as written here (llama.cpp ignores keys it does not know)."""

FILE_TYPES = {"Q4_0": 2, "Q8_0": 7, "Q4_K_M": 15}
"""``general.file_type``: llama.cpp's ``llama_ftype`` of the mixture (gguf's LlamaFileType)."""

SCALE_FIELDS = {"Q4_0": (0, 2), "Q8_0": (0, 2), "Q4_K": (0, 4), "Q6_K": (208, 210)}
"""Byte range of the fp16 scale field(s) within a block."""
CODE_RMS = {"Q4_0": 4.61, "Q8_0": 73.9, "Q4_K": 252.0, "Q6_K": 1024.0}
"""Root mean square of a weight in units of ``d`` for random codes: Q4_0 (q - 8), Q8_0 int8 q,
Q4_K (6-bit scale times 4-bit q, about 31.5 x 8), Q6_K (int8 scale times (q - 32), about 64 x 16)."""


def default_path(preset: str, fmt: str) -> str:
    """Where the pipeline keeps the file: ``results/weights/<preset>-<format>.gguf``."""
    return f"results/weights/{preset}-{fmt}.gguf"


def tensor_values(tensor: GgufTensor, seed: int = SEED) -> np.ndarray:
    """The tensor's stored bytes (uint8, one row per matrix row) or values (F32 ones); seeded by
    its name, so a tensor does not depend on the others."""
    if tensor.ggml_type == "F32":
        return np.ones(tensor.shape, dtype=np.float32)
    values, block_bytes = GGML_BLOCKS[tensor.ggml_type]
    rows, row_length = tensor.shape
    blocks = rows * row_length // values
    rng = np.random.default_rng([seed, zlib.crc32(tensor.name.encode())])
    data = np.frombuffer(rng.bytes(blocks * block_bytes), dtype=np.uint8).copy()
    data = data.reshape(blocks, block_bytes)
    d = np.float16(1.0 / (CODE_RMS[tensor.ggml_type] * math.sqrt(row_length)))
    scale = np.array([d, 0.0] if tensor.ggml_type == "Q4_K" else [d], dtype=np.float16)
    start, stop = SCALE_FIELDS[tensor.ggml_type]
    data[:, start:stop] = scale.view(np.uint8)
    return data.reshape(rows, row_length // values * block_bytes)


def vocabulary(size: int) -> list[str]:
    """A SentencePiece-style vocabulary of ``size`` pieces: unk, bos, eos, 256 bytes, placeholders."""
    pieces = ["<unk>", "<s>", "</s>", *(f"<0x{b:02X}>" for b in range(256))]
    if size < len(pieces):
        raise ValueError(f"vocab: expected at least {len(pieces)} tokens, got {size}")
    return pieces + [f"\u2581t{i}" for i in range(size - len(pieces))]


def _metadata(writer, shape: LlamaShape, preset: str, fmt: str, seed: int) -> None:
    from gguf import TokenType

    mixture = GGUF_FORMATS[fmt]
    writer.add_name(f"{preset} synthetic {mixture}")
    writer.add_file_type(FILE_TYPES[mixture])
    writer.add_quantization_version(2)
    writer.add_context_length(shape.max_positions)
    writer.add_embedding_length(shape.hidden)
    writer.add_block_count(shape.layers)
    writer.add_feed_forward_length(shape.intermediate)
    writer.add_rope_dimension_count(shape.head_dim)
    writer.add_head_count(shape.heads)
    writer.add_head_count_kv(shape.kv_heads)
    writer.add_layer_norm_rms_eps(shape.rms_norm_eps)
    writer.add_rope_freq_base(shape.rope_theta)
    writer.add_vocab_size(shape.vocab)
    pieces = vocabulary(shape.vocab)
    types = ([TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL] + [TokenType.BYTE] * 256
             + [TokenType.NORMAL] * (shape.vocab - 259))
    writer.add_tokenizer_model("llama")
    writer.add_token_list(pieces)
    writer.add_token_scores([-float(i) for i in range(shape.vocab)])
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)
    writer.add_string(MARKER_KEYS[0], preset)
    writer.add_string(MARKER_KEYS[1], fmt)
    writer.add_uint32(MARKER_KEYS[2], seed)


def write(preset: str, fmt: str, path: str | os.PathLike, *, seed: int = SEED,
          progress: bool = False) -> Path:
    """Write the synthetic GGUF of ``preset`` in ``fmt`` to ``path``, or reuse it when it is there."""
    from gguf import GGMLQuantizationType, GGUFWriter

    from gpusurvey.core.atomic import atomic_path

    if preset not in PRESETS:
        raise ValueError(f"unknown preset '{preset}'; expected one of {sorted(PRESETS)}")
    target = Path(path)
    if written_with(target) == (preset, fmt, seed):
        return target
    if target.exists():
        raise ValueError(f"{target}: exists and is not a synthetic '{preset}' {fmt} file (seed {seed}); "
                         "remove it or choose another path")
    shape = PRESETS[preset]
    tensors = gguf_tensors(shape, fmt)
    with atomic_path(target) as tmp:
        writer = GGUFWriter(tmp, "llama")
        _metadata(writer, shape, preset, fmt, seed)
        for tensor in tensors:
            if tensor.ggml_type == "F32":
                writer.add_tensor_info(tensor.name, tensor.shape, np.dtype(np.float32), tensor.nbytes)
            else:
                rows, row_length = tensor.shape
                values, block_bytes = GGML_BLOCKS[tensor.ggml_type]
                writer.add_tensor_info(tensor.name, (rows, row_length // values * block_bytes),
                                       np.dtype(np.uint8), tensor.nbytes,
                                       raw_dtype=GGMLQuantizationType[tensor.ggml_type])
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_ti_data_to_file()
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=sum(t.nbytes for t in tensors), unit="B", unit_scale=True,
                       desc=target.name)
        for tensor in tensors:
            writer.write_tensor_data(tensor_values(tensor, seed))
            if bar is not None:
                bar.update(tensor.nbytes)
        writer.close()
        if bar is not None:
            bar.close()
    return target


def written_with(path: Path) -> tuple[str, str, int] | None:
    """(preset, format, seed) of a complete synthetic GGUF at ``path``, else None."""
    if not path.is_file():
        return None
    from gguf import GGUFReader

    try:
        reader = GGUFReader(path)
        preset, fmt, seed = (reader.get_field(key) for key in MARKER_KEYS)
        found = (preset.contents(), fmt.contents(), int(seed.contents()))
        expected = len(gguf_tensors(PRESETS[found[0]], found[1]))
    except (OSError, ValueError, KeyError, AttributeError, IndexError, struct.error):
        return None
    return found if len(reader.tensors) == expected else None


def inventory(path: str | os.PathLike):
    """Every tensor of a GGUF file with its ggml type and row-major shape, from its header."""
    from gguf import GGUFReader

    try:
        reader = GGUFReader(path)
    except (ValueError, OSError, IndexError, KeyError, struct.error) as exc:
        raise DataError(path, f"not a readable GGUF file, or cut short ({type(exc).__name__}: "
                              f"{exc}); expected a complete .gguf file") from None
    return {t.name: (t.tensor_type.name, tuple(int(n) for n in reversed(t.shape.tolist())))
            for t in reader.tensors}
