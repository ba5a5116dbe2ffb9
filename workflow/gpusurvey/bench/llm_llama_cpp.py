"""The decode workload through llama.cpp (``llama-cpp-python``) on a GGUF file: every layer offloaded
on a CUDA build and a CUDA run, all on the CPU otherwise.

The generation is the other backends' (``llm_backends``): clear the KV cache; evaluate the
prompt in one batch whose last logits give the first new token (time to first token); then
``new_tokens - 1`` single-token evaluations, each feeding the previous greedy token (the argmax
of the logits, taken here rather than by llama.cpp's sampler); end-of-sequence is never checked.
llama.cpp's own timer (``llama_perf_context``) counts the same evaluations: the record keeps its
decode rate beside the harness's, and ``tests/benchmarks/llama_cpp_timer.py`` compares the two.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import struct
from pathlib import Path
from typing import Any

from gpusurvey.bench.environment import package_version
from gpusurvey.bench.llm_backends import Backend, Generation
from gpusurvey.bench.synth import llama_gguf
from gpusurvey.bench.timing import now
from gpusurvey.core.errors import DataError
from gpusurvey.models.llama import LlamaShape
from gpusurvey.models.weight_formats import GGUF_FORMATS, Inventory

EXTRA = "bench-llm-cpp"
FILE_TYPES = {llama_gguf.FILE_TYPES[mixture]: fmt for fmt, mixture in GGUF_FORMATS.items()}
"""``general.file_type`` -> format name (``gguf-q4_k_m`` ...)."""


def require_llama_cpp() -> None:
    """A clear error, naming the extra to install, when llama-cpp-python is missing."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise RuntimeError(
            "backend 'llama.cpp' needs llama-cpp-python, which is not installed: "
            f"pip install -e '.[{EXTRA}]' (it compiles llama.cpp, a few minutes; on a CUDA machine "
            "set CMAKE_ARGS=-DGGML_CUDA=on first so that layers are offloaded to the GPU)"
        )


def read_header(path: str | os.PathLike) -> tuple[LlamaShape, str]:
    """(shape, format name) of a LLaMA GGUF file, from its metadata (DataError when it is not one)."""
    from gguf import GGUFReader

    path = Path(path)
    if not path.is_file():
        raise DataError(path, "not found; expected a LLaMA .gguf file "
                              "(`gpusurvey synth llama-13b-gguf-q4_k_m PATH` writes a synthetic one)")
    try:
        reader = GGUFReader(path)
    except (ValueError, OSError, IndexError, KeyError, struct.error) as exc:  # IndexError: cut short
        raise DataError(path, f"not a readable GGUF file, or cut short ({type(exc).__name__}: "
                              f"{exc}); expected a complete LLaMA .gguf file") from None

    def field(key: str, required: bool = True) -> Any:
        found = reader.get_field(key)
        if found is None:
            if required:
                raise DataError(path, f"metadata key '{key}' missing; expected a LLaMA GGUF file")
            return None
        return found.contents()

    if field("general.architecture") != "llama":
        raise DataError(path, f"general.architecture is '{field('general.architecture')}'; expected 'llama'")
    heads = int(field("llama.attention.head_count"))
    tokens = reader.get_field("tokenizer.ggml.tokens")
    vocab = field("llama.vocab_size", required=False)
    shape = LlamaShape(
        layers=int(field("llama.block_count")), hidden=int(field("llama.embedding_length")),
        intermediate=int(field("llama.feed_forward_length")), heads=heads,
        kv_heads=int(field("llama.attention.head_count_kv", required=False) or heads),
        vocab=int(vocab if vocab is not None else len(tokens.data)),
        max_positions=int(field("llama.context_length")),
        rms_norm_eps=float(field("llama.attention.layer_norm_rms_epsilon")),
        rope_theta=float(field("llama.rope.freq_base", required=False) or 10000.0),
    )
    ftype = field("general.file_type", required=False)
    fmt = FILE_TYPES.get(ftype, f"gguf-file-type-{ftype}")
    return shape, fmt


@contextlib.contextmanager
def repacking(on: bool):
    """llama.cpp's extra CPU buffer types (``use_extra_bufts``) on or off while a model loads.

    With them, llama.cpp repacks Q4_0, Q4_K and Q8_0 weights for its wide-vector kernels into a
    copy beside the mapped file, so the weights are held twice (llama-bench's ``--no-repack``
    turns that off). llama-cpp-python's ``Llama`` takes no such argument but starts its model
    parameters from ``llama_model_default_params``, which is wrapped here for the load."""
    import llama_cpp.llama_cpp as bindings

    if on:
        yield
        return
    default = bindings.llama_model_default_params

    def without_extra_buffers():
        params = default()
        params.use_extra_bufts = False
        return params

    bindings.llama_model_default_params = without_extra_buffers
    try:
        yield
    finally:
        bindings.llama_model_default_params = default


class LlamaCppBackend(Backend):
    """A GGUF file through llama-cpp-python: f16 KV cache, llama.cpp's own kernels."""

    def __init__(self, checkpoint: str, shape: LlamaShape, fmt: str, device: str, max_tokens: int,
                 prompt_tokens: int, threads: int, seed: int, repack: bool = True):
        super().__init__(shape, device)
        self.checkpoint = checkpoint
        self.format = fmt
        self.max_tokens = max_tokens
        self.prompt_tokens = prompt_tokens
        self.threads = threads
        self.seed = seed
        self.repack = repack
        self.gpu_layers = -1 if device == "cuda" else 0

    def load(self) -> None:
        require_llama_cpp()
        import llama_cpp

        if self.device == "cuda" and not llama_cpp.llama_supports_gpu_offload():
            raise RuntimeError("this llama-cpp-python is a CPU build and the run's device is 'cuda': "
                               "reinstall it with CMAKE_ARGS=-DGGML_CUDA=on (pip install "
                               f"--force-reinstall --no-cache-dir -e '.[{EXTRA}]'), or use --device cpu")
        self._check_memory()
        import numpy as np

        self._np = np
        self._llama_cpp = llama_cpp
        with repacking(self.repack):
            self.model = llama_cpp.Llama(
                model_path=str(self.checkpoint), n_gpu_layers=self.gpu_layers, n_ctx=self.max_tokens,
                n_batch=max(self.prompt_tokens, 1), n_ubatch=max(self.prompt_tokens, 1),
                n_threads=self.threads, n_threads_batch=self.threads, seed=self.seed,
                logits_all=False, verbose=False,
            )
        self.vocab = self.model.n_vocab()
        if self.vocab != self.shape.vocab:
            raise DataError(self.checkpoint, f"llama.cpp reports {self.vocab} tokens; the header "
                                             f"says {self.shape.vocab}")

    def _check_memory(self) -> None:
        """MemoryError (an ``oom`` record) when the file cannot be held where it is to run."""
        # A repacked copy of the weights sits beside the mapped file (``repacking``).
        size = Path(self.checkpoint).stat().st_size * (2 if self.repack and self.device == "cpu" else 1)
        kv = self.shape.kv_bytes_per_position() * self.max_tokens
        if self.device == "cuda":
            import torch

            free, _ = torch.cuda.mem_get_info()
            where = "free GPU memory"
        else:
            import psutil

            free = psutil.virtual_memory().available
            where = "available memory"
        if size + kv > free:
            raise MemoryError(f"{self.checkpoint}: {size / 1e9:.2f} GB of weights and {kv / 1e9:.2f} GB "
                              f"of KV cache do not fit in {free / 1e9:.2f} GB of {where}")

    def _argmax_last(self) -> int:
        logits = self._np.ctypeslib.as_array(self._llama_cpp.llama_get_logits_ith(self.model.ctx, -1),
                                             shape=(self.vocab,))
        return int(logits.argmax())

    def generate(self, prompt: list[int], new_tokens: int) -> Generation:
        model = self.model
        model.reset()
        self.reset_perf()
        start = now(self.device)
        model.eval(prompt)
        token = self._argmax_last()
        first = now(self.device)
        for _ in range(new_tokens - 1):
            model.eval([token])
            token = self._argmax_last()
        end = now(self.device)
        fed = len(prompt) + new_tokens - 1
        if model.n_tokens != fed:
            raise RuntimeError(f"llama.cpp holds {model.n_tokens} positions after generating; expected {fed}")
        self._last_perf = self.perf()
        return Generation(ttft_s=first - start, decode_s=end - first)

    def own_timer(self) -> dict[str, float] | None:
        return getattr(self, "_last_perf", None)

    def perf(self) -> dict[str, float]:
        """llama.cpp's own counters since the last ``reset_perf``: prompt and single-token
        evaluations with their milliseconds."""
        data = self._llama_cpp.llama_perf_context(self.model.ctx)
        return {"prompt_eval_ms": data.t_p_eval_ms, "prompt_tokens": data.n_p_eval,
                "eval_ms": data.t_eval_ms, "evals": data.n_eval}

    def reset_perf(self) -> None:
        self._llama_cpp.llama_perf_context_reset(self.model.ctx)

    def tensors(self) -> Inventory:
        return llama_gguf.inventory(self.checkpoint)

    def weights(self) -> dict[str, Any]:
        path = Path(self.checkpoint)
        with open(path, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
        found = llama_gguf.written_with(path)
        if found is not None:
            preset, fmt, seed = found
            return {"kind": "synthetic", "name": f"{preset}-{fmt} (gpusurvey synth, seed {seed})",
                    "sha256": digest}
        return {"kind": "checkpoint", "name": path.name, "sha256": digest}

    def describe(self) -> dict[str, Any]:
        import llama_cpp

        return {"library": "llama.cpp (llama-cpp-python)", "version": package_version("llama-cpp-python"),
                "weights": f"gguf {GGUF_FORMATS.get(self.format, self.format)}", "format": self.format,
                "activations": "float32", "kv_cache": "float16 (llama.cpp KV cache)",
                "attention": "llama.cpp", "n_threads": self.threads, "repack": self.repack,
                "n_gpu_layers": self.gpu_layers,
                "gpu_offload_supported": bool(llama_cpp.llama_supports_gpu_offload())}

    def close(self) -> None:
        if hasattr(self, "model"):
            self.model.close()
            del self.model
