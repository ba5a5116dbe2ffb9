"""The decode workload (``registry.LLM_DECODE``): batch-1 greedy generation from a LLaMA (the
survey's Table 5: LLaMA-13B 4-bit, 400 or more new tokens), with its efficiency against the
memory-bandwidth roofline.

On the CPU the roofline's bandwidth is measured during the run (``cpu_bandwidth.Probe``: before
the model loads and before every call, the median of all samples), and a llama.cpp run adds a
second ceiling, the cores' arithmetic rate in the run's format, taken from its own prefill
(``models.roofline.prefill_arithmetic_bound``): the prompt's tokens share one read of the weights,
so the prefill multiplies weights as fast as the cores can. The record states both ceilings,
which one binds, and the efficiency against it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from gpusurvey.bench import cpu_bandwidth, gpu_bandwidth
from gpusurvey.bench.config import WorkloadConfig, option
from gpusurvey.bench.environment import REPO_ROOT
from gpusurvey.bench.llm_backends import Backend, ExLlamaV2Backend, TransformersBackend, resolve_backend
from gpusurvey.bench.workload import Calibration, Workload
from gpusurvey.core.errors import DataError
from gpusurvey.models.llama import PRESETS, read_config
from gpusurvey.models.roofline import prefill_arithmetic_bound, quantised_parameters, roofline
from gpusurvey.models.weight_formats import GPTQ_FORMAT
from gpusurvey.registry import LLM_DECODE


@dataclass
class LlmDecodeConfig(WorkloadConfig):
    backend: str = option("auto", "exllamav2 (CUDA only, GPTQ checkpoint), llama.cpp (a GGUF file, "
                                  "CPU or CUDA; needs the bench-llm-cpp extra), transformers "
                                  "(unquantised: fp16 on CUDA, fp32 on the CPU) or auto (exllamav2 "
                                  "on CUDA, else transformers)")
    checkpoint: str | None = option(None, "exllamav2: a GPTQ 4-bit group-128 LLaMA checkpoint folder "
                                          "(`gpusurvey synth llama-13b-gptq DIR` writes a synthetic "
                                          "one); llama.cpp: a LLaMA .gguf file (`gpusurvey synth "
                                          "llama-13b-gguf-q4_k_m FILE`); transformers takes only "
                                          "the folder's shape")
    model: str = option("llama-13b", "architecture preset when no checkpoint is given "
                                     f"(transformers backend): {', '.join(PRESETS)}")
    prompt_tokens: int = option(128, "prompt length in tokens (random ids, no tokenizer)")
    new_tokens: int = option(400, "tokens generated per repetition, exactly (greedy, EOS ignored)")
    seed: int = option(0, "seed of the prompt's token ids and of the transformers backend's weights")
    threads: int | None = option(None, "CPU threads for llama.cpp and the CPU bandwidth probe; default: "
                                       "every CPU this process may run on")
    bandwidth_probe_bytes: int = option(cpu_bandwidth.DEFAULT_BYTES,
                                        "buffer the CPU memory-bandwidth probe sums (CPU runs without "
                                        "memory_bandwidth_gbs); far larger than the caches")
    repack: bool = option(True, "llama.cpp on the CPU: repack the weights for its wide-vector kernels "
                                "(a second copy in memory; false is llama-bench's --no-repack)")
    arithmetic_ceiling: bool = option(True, "llama.cpp on the CPU: a second ceiling beside the "
                                            "bandwidth, the cores' arithmetic rate in the run's "
                                            "format from the run's own prefill")
    memory_bandwidth_gbs: float | None = option(None, "memory bandwidth in GB/s for the roofline; "
                                                      "default: the detected GPU's row of gpus_csv, "
                                                      "on the CPU the probe's measurement")
    gpus_csv: str = option("data/gpus.csv", "GPU table for the bandwidth (relative to the repository root)")

    PROFILE_OVERRIDES: ClassVar[dict[str, dict[str, Any]]] = {
        "smoke": {"model": "llama-tiny", "prompt_tokens": 16, "new_tokens": 8, "warmup": 1,
                  "repetitions": 5, "bandwidth_probe_bytes": 64 * 1024**2},
        # LLaMA-13B at full size on a machine without a GPU: llama.cpp (a GGUF checkpoint), a
        # shorter prompt and 64 new tokens instead of the survey's 400, no warm-up beyond the
        # cold first call, 5 timed repetitions.
        "cpu": {"backend": "llama.cpp", "prompt_tokens": 32, "new_tokens": 64, "warmup": 0,
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
        if self.threads is not None and self.threads < 1:
            raise ValueError(f"threads: expected 1 or more, got {self.threads}")
        if self.bandwidth_probe_bytes < 1024**2:
            raise ValueError(f"bandwidth_probe_bytes: expected at least 1 MiB, got "
                             f"{self.bandwidth_probe_bytes}")
        if self.model not in PRESETS:
            raise ValueError(f"model: expected one of {sorted(PRESETS)}, got '{self.model}'")


class LlmDecodeWorkload(Workload):
    NAME = LLM_DECODE
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
        self.format = GPTQ_FORMAT if self.backend_name == "exllamav2" else None
        if self.backend_name == "llama.cpp":
            from gpusurvey.bench.llm_llama_cpp import read_header, require_llama_cpp

            require_llama_cpp()
            if not config.checkpoint:
                raise ValueError("backend 'llama.cpp' needs a GGUF file (--set checkpoint=FILE); write "
                                 "a synthetic one with `gpusurvey synth llama-13b-gguf-q4_k_m FILE`")
            self.shape, self.format = read_header(config.checkpoint)
        else:
            self.shape = (read_config(config.checkpoint) if config.checkpoint
                          else PRESETS[config.model])
        total = config.prompt_tokens + config.new_tokens
        if total > self.shape.max_positions:
            raise DataError(config.checkpoint or config.model,
                            f"prompt_tokens + new_tokens = {total} exceeds the model's "
                            f"{self.shape.max_positions} positions")
        self._runner: Backend | None = None
        self.threads = config.threads or cpu_bandwidth.default_threads()
        self._cpu_bandwidth: dict[str, Any] | None = None
        self._probe: cpu_bandwidth.Probe | None = None
        self._calls = 0
        self._own_timer: list[dict[str, float]] = []

    def setup(self) -> None:
        cfg, shape = self.config, self.shape
        total = cfg.prompt_tokens + cfg.new_tokens
        if self.device == "cpu" and cfg.memory_bandwidth_gbs is None:
            # The buffer stays beside the weights for the whole run (bandwidth_probe_bytes more).
            self._probe = cpu_bandwidth.Probe(self.threads, cfg.bandwidth_probe_bytes)
            self._probe.sample("before loading the model")
        if self.backend_name == "exllamav2":
            self._runner = ExLlamaV2Backend(cfg.checkpoint, shape, self.device, total)
        elif self.backend_name == "llama.cpp":
            from gpusurvey.bench.llm_llama_cpp import LlamaCppBackend

            self._runner = LlamaCppBackend(cfg.checkpoint, shape, self.format, self.device, total,
                                           cfg.prompt_tokens, self.threads, cfg.seed, cfg.repack)
        else:
            if self.device == "cpu":
                import torch

                torch.set_num_threads(self.threads)
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
        self._calls += 1
        if self._probe is not None:  # between the calls, outside their timed part
            self._probe.sample(f"before call {self._calls}")
        gen = self._runner.generate(self.prompt, cfg.new_tokens)
        timer = self._runner.own_timer()
        if timer is not None:
            self._own_timer.append(timer)
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
        if self._probe is not None:
            self._cpu_bandwidth = self._probe.summary() if self._probe.samples else None
            self._probe.close()
            self._probe = None
        if self._runner is not None:
            self._runner.close()

    def weights(self) -> dict[str, Any]:
        if self._runner is None:
            return {"kind": "none", "name": None, "sha256": None}
        return self._runner.weights()

    def backend(self) -> dict[str, Any]:
        return getattr(self, "_described", {"library": self.backend_name})

    def packages(self) -> tuple[str, ...]:
        return ("torch", "transformers", "exllamav2", "safetensors", "llama-cpp-python", "gguf")

    def extra(self, metric_means: dict[str, float | None]) -> dict[str, Any]:
        cfg = self.config
        tensors = self._tensors
        roof = roofline(tensors, self.shape, cfg.prompt_tokens, cfg.new_tokens)
        bandwidth, source = self._bandwidth()
        memory_bound = roof.bound_tokens_per_s(bandwidth) if bandwidth else None
        decode = metric_means.get("decode_tokens_per_s")
        arithmetic = self._arithmetic_ceiling(metric_means.get("prefill_tokens_per_s"))
        bounds = {"memory bandwidth": memory_bound,
                  "arithmetic": arithmetic["bound_tokens_per_s"] if arithmetic else None}
        known = {name: value for name, value in bounds.items() if value}
        binding = min(known, key=known.get) if known else None
        bound = known[binding] if binding else None
        return {
            "weight_format": self.format or f"unquantised {self._described.get('weights')}",
            "quantised_parameters": quantised_parameters(tensors, self.shape.bits),
            "weight_bytes_per_token": roof.weight_bytes,
            "kv_bytes_per_token": roof.kv_bytes,
            "mean_context_tokens": roof.mean_context_tokens,
            "bytes_per_token": roof.bytes_per_token,
            "memory_bandwidth_gbs": bandwidth,
            "memory_bandwidth_source": source,
            "cpu_bandwidth_probe": self._cpu_bandwidth,
            "backend_timer": self._backend_timer(decode),
            "bandwidth_bound_tokens_per_s": memory_bound,
            "arithmetic_ceiling": arithmetic,
            "arithmetic_bound_tokens_per_s": bounds["arithmetic"],
            "binding": binding,
            "bound_tokens_per_s": bound,
            "efficiency": decode / bound if bound and decode else None,
        }

    def _arithmetic_ceiling(self, prefill: float | None) -> dict[str, Any] | None:
        """The prefill's arithmetic ceiling for decoding (a CPU run of llama.cpp), else None."""
        cfg = self.config
        if not (self.device == "cpu" and self.backend_name == "llama.cpp" and cfg.arithmetic_ceiling
                and prefill):
            return None
        bound = prefill_arithmetic_bound(prefill, cfg.prompt_tokens, self._tensors)
        return {"bound_tokens_per_s": bound.tokens_per_s, "weights_per_s": bound.weights_per_s,
                "weights_per_token": bound.weights_per_token,
                "method": (f"the {cfg.prompt_tokens}-token prefill's mean rate (one read of the weights "
                           "for all its tokens, so bound by arithmetic): weights multiplied per second "
                           "over the weights one decoded token multiplies")}

    def _backend_timer(self, decode: float | None) -> dict[str, Any] | None:
        """The backend's own decode rate over the timed repetitions (the last ``repetitions``
        generations) beside the harness's; None where the backend keeps no timer."""
        timed = self._own_timer[-self.config.repetitions:]
        if len(timed) < self.config.repetitions:
            return None
        rates = [t["evals"] / (t["eval_ms"] / 1e3) for t in timed]
        own = sum(rates) / len(rates)
        return {"source": "llama_perf_context (eval time and count)", "evals": timed[-1]["evals"],
                "decode_tokens_per_s": own, "harness_over_backend": decode / own if decode else None}

    def _bandwidth(self) -> tuple[float | None, str]:
        """(GB/s, where it came from); (None, why) when it is not known."""
        if self.config.memory_bandwidth_gbs is not None:
            return float(self.config.memory_bandwidth_gbs), "config"
        if self._cpu_bandwidth is not None:
            probe = self._cpu_bandwidth
            return probe["gbs"], f"measured: {probe['method']}, {probe['threads']} threads"
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
