"""The ways the decode workload (``LLM_DECODE``) runs a LLaMA: exllamav2 on a GPTQ checkpoint (CUDA only),
transformers unquantised (fp16 on CUDA, fp32 on the CPU), and llama.cpp on a GGUF file
(``llm_llama_cpp``, imported only when chosen). All time the same thing the same way.

One generation: reset the cache; prefill the prompt in one forward pass whose last logits give
the first new token (time to first token); then ``new_tokens - 1`` single-token forward passes,
each feeding the previous greedy (argmax) token (decode time). End-of-sequence is never checked,
so every run produces exactly ``new_tokens`` tokens.
"""

from __future__ import annotations

import inspect
import os
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from gpusurvey.bench import llm_checkpoint
from gpusurvey.bench.environment import package_version
from gpusurvey.bench.timing import now
from gpusurvey.models.llama import LlamaShape
from gpusurvey.models.roofline import Inventory

BACKENDS = ("auto", "exllamav2", "llama.cpp", "transformers")


def resolve_backend(name: str, device: str) -> str:
    """``auto`` is exllamav2 on CUDA and transformers on the CPU; exllamav2 on the CPU is an error
    raised here, before anything imports exllamav2 (whose import compiles CUDA code)."""
    if name not in BACKENDS:
        raise ValueError(f"backend: expected one of {BACKENDS}, got '{name}'")
    if name == "auto":
        return "exllamav2" if device == "cuda" else "transformers"
    if name == "exllamav2" and device != "cuda":
        raise RuntimeError(
            "backend 'exllamav2' needs a CUDA GPU: it compiles its CUDA extension when imported, "
            f"and this run's device is '{device}'. On this machine use the transformers backend "
            "(--set backend=transformers, or backend: auto), or llama.cpp on a GGUF file."
        )
    return name


@dataclass(frozen=True)
class Generation:
    ttft_s: float
    """Prefill of the prompt up to the first new token, synchronised."""
    decode_s: float
    """The remaining new_tokens - 1 single-token steps, synchronised."""


class Backend(ABC):
    """Loads a model once and generates greedily from token ids (no tokenizer)."""

    def __init__(self, shape: LlamaShape, device: str):
        self.shape = shape
        self.device = device

    @abstractmethod
    def load(self) -> None: ...

    @abstractmethod
    def generate(self, prompt: list[int], new_tokens: int) -> Generation: ...

    @abstractmethod
    def tensors(self) -> Inventory:
        """Dtype and shape of every weight tensor as the backend holds it (for the roofline)."""

    @abstractmethod
    def weights(self) -> dict[str, Any]: ...

    @abstractmethod
    def describe(self) -> dict[str, Any]: ...

    def own_timer(self) -> dict[str, float] | None:
        """The library's own timing of the last generation, where it keeps one."""
        return None

    def close(self) -> None:  # noqa: B027 - optional hook
        """Free the model and cache."""


def xformers_compiled() -> bool:
    """Whether xformers imports with its compiled ops. exllamav2 0.3.2 sends every causal
    attention call through ``xformers.ops.memory_efficient_attention`` whenever ``xformers.ops``
    imports, even when the wheel's compiled library does not load (a wheel built for another
    CUDA or torch)."""
    try:
        import xformers

        return bool(getattr(xformers, "_has_cpp_library", False))
    except Exception:  # noqa: BLE001 - missing or broken xformers: exllamav2 must not use it
        return False


def causal_attention(config: Any) -> Any:
    """Set an ``ExLlamaV2Config``'s attention switches so that every multi-token pass is causal.

    exllamav2 0.3.2 without flash-attn or xformers runs attention in ``_attn_torch``. Its SDPA
    branch there takes the block-diagonal mask whenever ``causal`` is set, and that mask is
    None unless packed sequences (``cu_seqlens``) were given: the prompt's prefill would attend
    to later tokens. ``no_sdpa`` sends it to the matmul-softmax branch, which adds the causal
    mask that ``ExLlamaV2AttentionParams`` builds. xformers is kept out unless its compiled ops
    load. Both are set here on the config, not through the ``EXLLAMA_NO_*`` variables, which
    exllamav2 reads when it is imported or a config is made and so depend on what ran first.
    """
    config.no_sdpa = True
    config.no_xformers = config.no_xformers or not xformers_compiled()
    return config


def exllamav2_config(checkpoint: str, max_seq_len: int | None = None) -> Any:
    """The ``ExLlamaV2Config`` every exllamav2 run here uses (see ``causal_attention``)."""
    from exllamav2 import ExLlamaV2Config

    config = causal_attention(ExLlamaV2Config(checkpoint))
    if max_seq_len is not None:
        config.max_seq_len = max_seq_len
    return config


def exllamav2_attention(attn: Any, config: Any) -> str:
    """The attention exllamav2 0.3.2 runs for a causal batch, from its module flags
    (``exllamav2.attn``) and the loaded model's config, in the order ``ExLlamaV2Attention.forward``
    and ``_attn_torch`` choose it."""
    if attn.has_flash_attn and not config.no_flash_attn:
        return "flash-attn"
    if attn.has_xformers and not config.no_xformers:
        return "xformers"
    if attn.has_lower_right_sdpa and not config.no_sdpa and not config.attn_logit_softcapping:
        return "torch sdpa"
    return "torch matmul-softmax"


class ExLlamaV2Backend(Backend):
    """A GPTQ 4-bit checkpoint through exllamav2's own kernels, fp16 KV cache (``ExLlamaV2Cache``)."""

    def __init__(self, checkpoint: str, shape: LlamaShape, device: str, max_tokens: int):
        super().__init__(shape, device)
        self.checkpoint = checkpoint
        self.max_tokens = max_tokens
        """Prompt plus new tokens: the cache's length."""

    def load(self) -> None:
        import torch
        from exllamav2 import ExLlamaV2, ExLlamaV2Cache

        self._torch = torch
        config = exllamav2_config(self.checkpoint, self.max_tokens)
        self.config = config
        self.model = ExLlamaV2(config)
        self.model.load()
        self.cache = ExLlamaV2Cache(self.model, max_seq_len=self.max_tokens)

    def generate(self, prompt: list[int], new_tokens: int) -> Generation:
        torch = self._torch
        ids = torch.tensor([prompt], dtype=torch.long)
        with torch.inference_mode():
            self.cache.current_seq_len = 0
            start = now(self.device)
            logits = self.model.forward(ids, self.cache, last_id_only=True)
            token = logits[:, -1, :].argmax(-1, keepdim=True).cpu()
            first = now(self.device)
            for _ in range(new_tokens - 1):
                logits = self.model.forward(token, self.cache)
                token = logits[:, -1, :].argmax(-1, keepdim=True).cpu()
            end = now(self.device)
        fed = len(prompt) + new_tokens - 1
        if self.cache.current_seq_len != fed:
            raise RuntimeError(f"exllamav2 cache holds {self.cache.current_seq_len} positions "
                               f"after generating; expected {fed}")
        return Generation(ttft_s=first - start, decode_s=end - first)

    def tensors(self) -> Inventory:
        return llm_checkpoint.inventory(self.checkpoint)

    def weights(self) -> dict[str, Any]:
        return llm_checkpoint.describe(self.checkpoint)

    def describe(self) -> dict[str, Any]:
        from exllamav2 import attn

        return {"library": "exllamav2", "version": package_version("exllamav2"),
                "weights": f"gptq int{self.shape.bits} group {self.shape.group_size}",
                "activations": "float16", "kv_cache": "float16 (ExLlamaV2Cache)",
                "attention": exllamav2_attention(attn, self.config)}

    def close(self) -> None:
        if hasattr(self, "model"):
            self.model.unload()
            del self.model, self.cache
            self._torch.cuda.empty_cache()


class TransformersBackend(Backend):
    """``LlamaForCausalLM`` of the same shape, unquantised, with seeded random weights (the
    values do not change the speed); PyTorch SDPA attention and a ``DynamicCache``."""

    def __init__(self, shape: LlamaShape, device: str, seed: int, source: str):
        super().__init__(shape, device)
        self.seed = seed
        self.source = source
        """What the shape came from: a preset name or a checkpoint folder."""

    def load(self) -> None:
        import torch
        from transformers import AutoModelForCausalLM, LlamaConfig

        self._torch = torch
        self.dtype = torch.float16 if self.device == "cuda" else torch.float32
        values = {k: v for k, v in self.shape.hf_config().items() if k != "quantization_config"}
        config = LlamaConfig(**values)
        torch.manual_seed(self.seed)
        with torch.device(self.device):
            self.model = AutoModelForCausalLM.from_config(config, dtype=self.dtype,
                                                          attn_implementation="sdpa")
        self.model.eval()
        # transformers 5 renamed the cache argument from past_key_values to cache.
        params = inspect.signature(self.model.forward).parameters
        self._cache_arg = "cache" if "cache" in params else "past_key_values"

    def generate(self, prompt: list[int], new_tokens: int) -> Generation:
        torch = self._torch
        from transformers import DynamicCache

        ids = torch.tensor([prompt], dtype=torch.long, device=self.device)
        with torch.inference_mode():
            cache = DynamicCache(config=self.model.config)
            kwargs = {self._cache_arg: cache, "use_cache": True}
            start = now(self.device)
            logits = self.model(input_ids=ids, logits_to_keep=1, **kwargs).logits
            token = logits[:, -1, :].argmax(-1, keepdim=True)
            first = now(self.device)
            for _ in range(new_tokens - 1):
                logits = self.model(input_ids=token, **kwargs).logits
                token = logits[:, -1, :].argmax(-1, keepdim=True)
            end = now(self.device)
        fed = len(prompt) + new_tokens - 1
        if cache.get_seq_length() != fed:
            raise RuntimeError(f"transformers cache holds {cache.get_seq_length()} positions "
                               f"after generating; expected {fed}")
        return Generation(ttft_s=first - start, decode_s=end - first)

    def tensors(self) -> Inventory:
        codes = {"torch.float16": "F16", "torch.float32": "F32", "torch.bfloat16": "BF16"}
        return {name: (codes[str(p.dtype)], tuple(p.shape)) for name, p in self.model.named_parameters()}

    def weights(self) -> dict[str, Any]:
        name = f"{os.path.basename(self.source.rstrip('/'))} shape, random init (seed {self.seed})"
        return {"kind": "synthetic", "name": name, "sha256": None}

    def describe(self) -> dict[str, Any]:
        dtype = str(self.dtype).removeprefix("torch.")
        return {"library": "transformers", "version": package_version("transformers"),
                "weights": dtype, "activations": dtype, "kv_cache": f"{dtype} (DynamicCache)",
                "attention": self.model.config._attn_implementation}

    def close(self) -> None:
        if hasattr(self, "model"):
            del self.model
            if self.device == "cuda":
                self._torch.cuda.empty_cache()
