"""``llm-decode``: batch-1 greedy generation from a LLaMA (the survey's Table 5: LLaMA-13B 4-bit,
400 or more new tokens), with its efficiency against the memory-bandwidth roofline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from gpusurvey.bench import gpu_bandwidth
from gpusurvey.bench.config import WorkloadConfig, option
from gpusurvey.bench.environment import REPO_ROOT
from gpusurvey.bench.llm_backends import Backend, ExLlamaV2Backend, TransformersBackend, resolve_backend
from gpusurvey.bench.workload import Calibration, Workload
from gpusurvey.core.errors import DataError
from gpusurvey.models.llama import PRESETS, LlamaShape, read_config
from gpusurvey.models.roofline import quantised_parameters, roofline


@dataclass
class LlmDecodeConfig(WorkloadConfig):
    backend: str = option("auto", "exllamav2 (CUDA only, GPTQ checkpoint), transformers (unquantised: "
                                  "fp16 on CUDA, fp32 on the CPU) or auto (exllamav2 on CUDA, else "
                                  "transformers)")
    checkpoint: str | None = option(None, "GPTQ 4-bit group-128 LLaMA checkpoint folder (config.json "
                                          "and safetensors); exllamav2 needs one (`gpusurvey synth "
                                          "llama-13b-gptq DIR` writes a synthetic one); transformers "
                                          "takes only its shape")
    model: str = option("llama-13b", "architecture preset when no checkpoint is given "
                                     f"(transformers backend): {', '.join(PRESETS)}")
    prompt_tokens: int = option(128, "prompt length in tokens (random ids, no tokenizer)")
    new_tokens: int = option(400, "tokens generated per repetition, exactly (greedy, EOS ignored)")
    seed: int = option(0, "seed of the prompt's token ids and of the transformers backend's weights")
    memory_bandwidth_gbs: float | None = option(None, "GPU memory bandwidth in GB/s for the roofline; "
                                                      "default: the detected GPU's row of gpus_csv")
    gpus_csv: str = option("data/gpus.csv", "GPU table for the bandwidth (relative to the repository root)")

    PROFILE_OVERRIDES: ClassVar[dict[str, dict[str, Any]]] = {
        "smoke": {"model": "llama-tiny", "prompt_tokens": 16, "new_tokens": 8, "warmup": 1,
                  "repetitions": 5},
    }

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.prompt_tokens < 1:
            raise ValueError(f"prompt_tokens: expected 1 or more, got {self.prompt_tokens}")
        if self.new_tokens < 2:
            raise ValueError(f"new_tokens: expected 2 or more (one from the prefill, the rest "
                             f"decoded), got {self.new_tokens}")
        if self.memory_bandwidth_gbs is not None and self.memory_bandwidth_gbs <= 0:
            raise ValueError(f"memory_bandwidth_gbs: expected a positive number, got "
                             f"{self.memory_bandwidth_gbs}")
        if self.model not in PRESETS:
            raise ValueError(f"model: expected one of {sorted(PRESETS)}, got '{self.model}'")


class LlmDecodeWorkload(Workload):
    NAME = "llm-decode"
    CONFIG = LlmDecodeConfig
    METRICS: ClassVar[dict[str, tuple[str, str]]] = {
        "decode_tokens_per_s": ("tokens/s", "new tokens after the first / their decode time "
                                            "(prefill excluded)"),
        "prefill_tokens_per_s": ("tokens/s", "prompt tokens / time to first token"),
        "ttft_s": ("s", "time to first token: prefill of the prompt and the first greedy token"),
    }

    config: LlmDecodeConfig

    def __init__(self, config: LlmDecodeConfig, device: str):
        super().__init__(config, device)
        self.backend_name = resolve_backend(config.backend, device)
        if self.backend_name == "exllamav2" and not config.checkpoint:
            raise ValueError("backend 'exllamav2' needs a checkpoint folder (--set checkpoint=DIR); "
                             "write a synthetic one with `gpusurvey synth llama-13b-gptq DIR`")
        self.shape: LlamaShape = (read_config(config.checkpoint) if config.checkpoint
                                  else PRESETS[config.model])
        total = config.prompt_tokens + config.new_tokens
        if total > self.shape.max_positions:
            raise DataError(config.checkpoint or config.model,
                            f"prompt_tokens + new_tokens = {total} exceeds the model's "
                            f"{self.shape.max_positions} positions")
        self._runner: Backend | None = None

    def setup(self) -> None:
        cfg, shape = self.config, self.shape
        total = cfg.prompt_tokens + cfg.new_tokens
        if self.backend_name == "exllamav2":
            self._runner = ExLlamaV2Backend(cfg.checkpoint, shape, self.device, total)
        else:
            self._runner = TransformersBackend(shape, self.device, cfg.seed,
                                               source=cfg.checkpoint or cfg.model)
        self._runner.load()
        # The harness tears the backend down before it asks for extra(): keep what it needs.
        self._tensors = self._runner.tensors()
        self._described = self._runner.describe()
        rng = np.random.default_rng(cfg.seed)
        self.prompt = rng.integers(0, shape.vocab, size=cfg.prompt_tokens).tolist()

    def run(self) -> dict[str, float]:
        cfg = self.config
        gen = self._runner.generate(self.prompt, cfg.new_tokens)
        return {
            "decode_tokens_per_s": (cfg.new_tokens - 1) / gen.decode_s,
            "prefill_tokens_per_s": cfg.prompt_tokens / gen.ttft_s,
            "ttft_s": gen.ttft_s,
        }

    def calibrate(self) -> Calibration:
        """The prefill and up to two decoded tokens, timed once; a call is the prefill and
        ``new_tokens - 1`` decoded tokens."""
        sample = min(3, self.config.new_tokens)
        gen = self._runner.generate(self.prompt, sample)
        token = gen.decode_s / (sample - 1)
        return Calibration(
            gen.ttft_s + (self.config.new_tokens - 1) * token,
            f"the {self.config.prompt_tokens}-token prefill ({gen.ttft_s:.3g} s) and one decoded "
            f"token ({token:.3g} s) x {self.config.new_tokens - 1}, timed once")

    def teardown(self) -> None:
        if self._runner is not None:
            self._runner.close()

    def weights(self) -> dict[str, Any]:
        if self._runner is None:
            return {"kind": "none", "name": None, "sha256": None}
        return self._runner.weights()

    def backend(self) -> dict[str, Any]:
        return getattr(self, "_described", {"library": self.backend_name})

    def packages(self) -> tuple[str, ...]:
        return ("torch", "transformers", "exllamav2", "safetensors")

    def extra(self, metric_means: dict[str, float | None]) -> dict[str, Any]:
        cfg = self.config
        tensors = self._tensors
        roof = roofline(tensors, self.shape, cfg.prompt_tokens, cfg.new_tokens)
        bandwidth, source = self._bandwidth()
        bound = roof.bound_tokens_per_s(bandwidth) if bandwidth else None
        decode = metric_means.get("decode_tokens_per_s")
        return {
            "quantised_parameters": quantised_parameters(tensors, self.shape.bits),
            "weight_bytes_per_token": roof.weight_bytes,
            "kv_bytes_per_token": roof.kv_bytes,
            "mean_context_tokens": roof.mean_context_tokens,
            "bytes_per_token": roof.bytes_per_token,
            "memory_bandwidth_gbs": bandwidth,
            "memory_bandwidth_source": source,
            "bound_tokens_per_s": bound,
            "efficiency": decode / bound if bound and decode else None,
        }

    def _bandwidth(self) -> tuple[float | None, str]:
        """(GB/s, where it came from); (None, why) when it is not known."""
        if self.config.memory_bandwidth_gbs is not None:
            return float(self.config.memory_bandwidth_gbs), "config"
        if self.device != "cuda":
            return None, "no GPU ran; set memory_bandwidth_gbs for a roofline"
        import torch

        name = torch.cuda.get_device_name(0)
        path = Path(self.config.gpus_csv)
        path = path if path.is_absolute() else REPO_ROOT / path
        try:
            found = gpu_bandwidth.lookup(name, path, torch.cuda.get_device_properties(0).total_memory)
        except (OSError, DataError) as exc:
            return None, f"{self.config.gpus_csv} unreadable ({exc}); set memory_bandwidth_gbs"
        if found is None:
            return None, f"GPU '{name}' is not in {self.config.gpus_csv}; set memory_bandwidth_gbs"
        return found.gbs, f"{self.config.gpus_csv}: {found.gpu}"
