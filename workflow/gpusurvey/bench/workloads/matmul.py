"""The survey's Figure 1 (a 1000x1000 fp32 matrix product, CPU against GPU, ms per product)
and its tensor-core claim (fp16 GEMM about 4x faster than fp32 at 512 and 9x at 4096).

On the CPU the product is timed as users run it, with torch's default thread count (every
core, as the survey's CPU ran it), and on one thread beside it; a large fp32 GEMM on every
thread gives the CPU's peak GEMM rate (best of the timed repetitions, ``extra.cpu_peak_gflops``),
the compute bound of the Stable Diffusion workloads on that machine (``gpusurvey.models.sd_compute``);
the same GEMM in bf16 (``extra.cpu_peak_bf16_gflops``) bounds a bf16 Stable Diffusion run.
With ``peak_gemms`` off (the quick check ``measure: auto`` runs for the paper on a machine
without a GPU, ``gpusurvey.bench.plan.QUICK_CHECK``) the record holds Figure 1's products only.

Each repetition times a loop of back-to-back products and reports the time of one product, so
that one reading is long enough for the clock: ``perf_counter`` on the CPU, CUDA events on the
GPU. The fp32 CUDA figures run with TF32 off (true fp32 on the CUDA cores); otherwise Ampere
and later cards would quietly run them on the tensor cores and the comparison would mean little.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

from gpusurvey.bench.config import WorkloadConfig, option
from gpusurvey.bench.workload import Calibration, Workload
from gpusurvey.registry import MATMUL

THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
TENSOR_CORE_SIZES = (512, 4096)
"""Square GEMM sizes of the tensor-core comparison (fixed: the metric names carry them)."""


@dataclass
class MatmulConfig(WorkloadConfig):
    size: int = option(1000, "side of the square fp32 matrices of the ms-per-product figure")
    inner_loops: int = option(10, "CPU products per repetition (the time of one is reported)")
    peak_size: int = option(
        2048, "side of the large fp32 GEMM on every thread whose best rate is the CPU's peak")
    peak_loops: int = option(3, "large GEMMs per repetition (the rate of one is reported)")
    peak_gemms: bool = option(
        True, "time the large fp32 and bf16 GEMMs (the CPU's peak); off, the record holds the "
        "size x size products only (the paper's quick check of a machine without a GPU)")
    cuda_inner_loops: int = option(50, "CUDA products per repetition, for each size and dtype")
    cuda_graphs: bool = option(
        True, "replay the CUDA products from a CUDA graph, so that small GEMMs are not "
        "bounded by kernel launch time")
    settle_s: float = option(
        0.2, "idle seconds before each CPU library's timed loop, so that the other library's "
        "BLAS threads (OpenBLAS spins for about 0.1 s after a call) do not compete with it; "
        "none where torch and every BLAS are pinned to one thread (no helper threads spin)")
    seed: int = option(0, "seed of the random input matrices")

    PROFILE_OVERRIDES = {
        "smoke": {"size": 256, "inner_loops": 3, "cuda_inner_loops": 10, "settle_s": 0.0,
                  "peak_size": 256, "peak_loops": 2, "warmup": 1, "repetitions": 5},
    }

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("size", "inner_loops", "cuda_inner_loops", "peak_size", "peak_loops"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}: expected 1 or more, got {getattr(self, name)}")
        if self.settle_s < 0:
            raise ValueError(f"settle_s: expected 0 or more, got {self.settle_s}")


PEAKS = {"cpu_fp32_gemm_gflops": "cpu_peak_gflops", "cpu_bf16_gemm_gflops": "cpu_peak_bf16_gflops"}
"""Large-GEMM metric -> the ``extra`` key of its best timed repetition (the CPU's peak)."""


def _tflops(n: int, seconds: float) -> float:
    """Throughput of one n x n x n GEMM (2 n^3 floating-point operations)."""
    return 2.0 * n**3 / seconds / 1e12


class MatmulWorkload(Workload):
    NAME = MATMUL
    CONFIG = MatmulConfig
    METRICS = {
        "cpu_torch_fp32_ms": ("ms", "one size x size fp32 product with torch on the CPU "
                                    "(torch's default threads: every core)"),
        "cpu_torch_fp32_1thread_ms": ("ms", "one size x size fp32 product with torch on one "
                                            "CPU thread"),
        "cpu_numpy_fp32_ms": ("ms", "one size x size fp32 product with numpy on the CPU"),
        "cpu_fp32_gemm_gflops": ("GFLOPS", "peak_size^3 fp32 GEMM with torch on every CPU "
                                           "thread (2 FLOPs per multiply-add)"),
        "cpu_bf16_gemm_gflops": ("GFLOPS", "peak_size^3 bf16 GEMM with torch on every CPU "
                                           "thread (2 FLOPs per multiply-add)"),
        "cuda_fp32_ms": ("ms", "one size x size fp32 product with torch on CUDA (TF32 off)"),
        **{
            f"cuda_{dtype}_{n}_tflops": (
                "TFLOPS", f"{n}x{n} {dtype} GEMM on CUDA"
                + (" (TF32 off: CUDA cores)" if dtype == "fp32" else " (tensor cores)"))
            for n in TENSOR_CORE_SIZES
            for dtype in ("fp32", "fp16")
        },
    }

    config: MatmulConfig

    def __init__(self, config: MatmulConfig, device: str):
        super().__init__(config, device)
        self._gemm_rates: dict[str, list[float]] = {}  # GFLOPS of each large GEMM, one per call

    def setup(self) -> None:
        import numpy as np
        import torch

        self._torch = torch
        one_thread = torch.get_num_threads() == 1 and all(os.environ.get(k) == "1" for k in THREAD_ENV)
        self._idle_s = 0.0 if one_thread else self.config.settle_s
        n = self.config.size
        generator = torch.Generator().manual_seed(self.config.seed)
        a, b = (torch.randn(n, n, generator=generator) for _ in range(2))
        big = self.config.peak_size
        pa, pb = ((torch.randn(big, big, generator=generator) for _ in range(2))
                  if self.config.peak_gemms else (None, None))
        # name -> (product, a, b, out, products per repetition, threads: None for the default)
        self._cpu_cases = {
            "cpu_torch_fp32_ms": (torch.matmul, a, b, torch.empty(n, n), self.config.inner_loops,
                                  None),
            "cpu_torch_fp32_1thread_ms": (torch.matmul, a, b, torch.empty(n, n),
                                          self.config.inner_loops, 1),
            "cpu_numpy_fp32_ms": (np.matmul, a.numpy().copy(), b.numpy().copy(),
                                  np.empty((n, n), dtype=np.float32), self.config.inner_loops,
                                  None),
        }
        if self.config.peak_gemms:
            self._cpu_cases.update({
                "cpu_fp32_gemm_gflops": (torch.matmul, pa, pb, torch.empty(big, big),
                                         self.config.peak_loops, None),
                # The precision Stable Diffusion runs in on a CPU with native bf16 products: its peak.
                "cpu_bf16_gemm_gflops": (torch.matmul, pa.bfloat16(), pb.bfloat16(),
                                         torch.empty(big, big, dtype=torch.bfloat16),
                                         self.config.peak_loops, None),
            })
        self._gemm_rates = {}
        self._cuda_cases: dict[str, tuple[int, Any]] = {}
        if self.device != "cuda":
            return
        self._old_fp32_precision = torch.backends.cuda.matmul.fp32_precision
        torch.backends.cuda.matmul.fp32_precision = "ieee"
        self._start = torch.cuda.Event(enable_timing=True)
        self._end = torch.cuda.Event(enable_timing=True)
        self._cuda_cases["fp32_ms"] = (n, self._cuda_loop(n, torch.float32, generator))
        for size in TENSOR_CORE_SIZES:
            for dtype, torch_dtype in (("fp32", torch.float32), ("fp16", torch.float16)):
                loop = self._cuda_loop(size, torch_dtype, generator)
                self._cuda_cases[f"{dtype}_{size}_tflops"] = (size, loop)

    def calibrate(self) -> Calibration:
        """One product of each CPU case (the large GEMM's included), scaled to the products of a
        call, plus the idle seconds before each; the CUDA products are not counted (only a CPU
        run is held to ``max_cpu_hours``)."""
        seconds = 0.0
        for matmul, a, b, out, loops, threads in self._cpu_cases.values():
            seconds += self._cpu_seconds(matmul, a, b, out, 1, threads) * loops + self._idle_s
        return Calibration(seconds, f"one product of each of the {len(self._cpu_cases)} CPU cases, "
                                    f"scaled to its loops, plus {self._idle_s:g} s idle before each")

    def _cuda_loop(self, n: int, dtype: Any, generator: Any) -> Any:
        """A callable that queues ``cuda_inner_loops`` products of two n x n matrices."""
        torch = self._torch
        a, b = (torch.randn(n, n, generator=generator).to("cuda", dtype) for _ in range(2))
        c = torch.empty(n, n, device="cuda", dtype=dtype)
        loops = self.config.cuda_inner_loops

        def eager() -> None:
            for _ in range(loops):
                torch.matmul(a, b, out=c)

        if not self.config.cuda_graphs:
            return eager
        # Capture recipe from PyTorch's CUDA graph notes: warm up on a side stream first.
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            torch.matmul(a, b, out=c)
        torch.cuda.current_stream().wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            eager()

        def replay(buffers: tuple[Any, ...] = (a, b, c)) -> None:
            """Replays the graph. The graph reads and writes its tensors by address only, so this
            closure holds them: freed, their memory would be reused or released under it (an
            illegal memory access on an H200 with torch 2.11)."""
            graph.replay()

        return replay

    def _cpu_seconds(self, matmul: Any, a: Any, b: Any, out: Any, loops: int,
                     threads: int | None) -> float:
        torch = self._torch
        default = torch.get_num_threads()
        if threads is not None:
            torch.set_num_threads(threads)
        try:
            start = time.perf_counter()
            for _ in range(loops):
                matmul(a, b, out=out)
            return (time.perf_counter() - start) / loops
        finally:
            torch.set_num_threads(default)

    def _cuda_seconds(self, loop: Any) -> float:
        self._start.record()
        loop()
        self._end.record()
        self._end.synchronize()
        return self._start.elapsed_time(self._end) / 1e3 / self.config.cuda_inner_loops

    def run(self) -> dict[str, float]:
        values = {}
        for name, case in self._cpu_cases.items():
            if self._idle_s:
                time.sleep(self._idle_s)
            seconds = self._cpu_seconds(*case)
            if name.endswith("_gflops"):
                values[name] = _tflops(self.config.peak_size, seconds) * 1e3
                self._gemm_rates.setdefault(name, []).append(values[name])
            else:
                values[name] = seconds * 1e3
        for key, (n, loop) in self._cuda_cases.items():
            seconds = self._cuda_seconds(loop)
            values[f"cuda_{key}"] = seconds * 1e3 if key.endswith("_ms") else _tflops(n, seconds)
        return values

    def teardown(self) -> None:
        if self.device == "cuda" and hasattr(self, "_old_fp32_precision"):
            self._torch.backends.cuda.matmul.fp32_precision = self._old_fp32_precision
        self._cuda_cases = {}

    def backend(self) -> dict[str, Any]:
        import numpy as np
        import torch

        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info: dict[str, Any] = {
            "library": "torch and numpy",
            "dtype": "float32",
            "torch_threads": torch.get_num_threads(),
            "numpy_blas": f"{blas.get('name')} {blas.get('version')}",
            # numpy's BLAS sizes its thread pool from these (or the core count when unset).
            "thread_env": {key: os.environ.get(key) for key in THREAD_ENV},
            "cpu_timing": f"perf_counter around {self.config.inner_loops} products, "
                          f"{self._idle_s} s idle before each library's loop",
            "cpu_threads": {"cpu_torch_fp32_ms": torch.get_num_threads(),
                            "cpu_torch_fp32_1thread_ms": 1},
            # False (printed "no"): a quick check that timed no large GEMM.
            "cpu_peak_gemm": False,
        }
        if self.config.peak_gemms:
            info["cpu_threads"].update(cpu_fp32_gemm_gflops=torch.get_num_threads(),
                                       cpu_bf16_gemm_gflops=torch.get_num_threads())
            info["cpu_peak_gemm"] = (
                f"{self.config.peak_size}x{self.config.peak_size} fp32 and bf16 torch.matmul "
                f"on {torch.get_num_threads()} threads, {self.config.peak_loops} per repetition; "
                "the peak is the best timed repetition")
        if self.device == "cuda":
            precision = torch.backends.cuda.matmul.fp32_precision
            info.update(
                cuda_fp32_matmul_precision=precision,
                tf32=precision == "tf32",
                fp16_reduced_precision_reduction=(
                    torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction),
                cuda_timing=(f"CUDA events around {self.config.cuda_inner_loops} products"
                             + (" replayed from a CUDA graph" if self.config.cuda_graphs
                                else " launched eagerly")),
            )
        return info

    def extra(self, metric_means: dict[str, float | None]) -> dict[str, Any]:
        """fp16 over fp32 speed-up at each tensor-core size; CPU over CUDA for Figure 1; the
        CPU's peak GEMM rate (best of the timed repetitions, which are the last calls) and
        the all-core speed-up over one thread."""
        ratios: dict[str, Any] = {}
        for name, key in PEAKS.items():
            timed = self._gemm_rates.get(name, [])[-self.config.repetitions:]
            if timed:
                ratios[key] = max(timed)
        one, every = metric_means.get("cpu_torch_fp32_1thread_ms"), metric_means.get(
            "cpu_torch_fp32_ms")
        if one and every:
            ratios["cpu_all_threads_over_one"] = one / every
        for n in TENSOR_CORE_SIZES:
            fp16, fp32 = metric_means.get(f"cuda_fp16_{n}_tflops"), metric_means.get(
                f"cuda_fp32_{n}_tflops")
            if fp16 and fp32:
                ratios[f"fp16_over_fp32_{n}"] = fp16 / fp32
        cpu, cuda = metric_means.get("cpu_torch_fp32_ms"), metric_means.get("cuda_fp32_ms")
        if cpu and cuda:
            ratios["cpu_torch_over_cuda_fp32"] = cpu / cuda
        return ratios

    def packages(self) -> tuple[str, ...]:
        return ("torch", "numpy")
