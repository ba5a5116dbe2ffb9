"""Does the harness report the rate the work really runs at? (a benchmark script, not a test)

Runs the CPU matmul workload through ``harness.measure`` and, between its timed repetitions
(from the progress hook after each, outside the timed region), one repetition of a bare loop
of the same work: idle, the same torch products timed with ``perf_counter``, idle, the same numpy
products. Each harness repetition thus has a bare twin measured a moment later under the same
load, which matters on a shared machine where the load changes from second to second. The
script prints the median of the harness's reported samples, the median of the bare ones, and
the median over the pairs of harness rate / bare rate. Target: within 2 %.

BLAS runs on ``--threads`` threads (default 1): a multi-threaded product splits its work evenly
across cores, so on a shared machine one busy core slows it two- or threefold at random. Even
so, single pairs on a busy two-core machine scatter by about +-7 % (interquartile), so the
default of 10 rounds (100 pairs, about 4 minutes) is what resolves a 2 % difference. Usage:

    .venv/bin/python tests/benchmarks/harness_overhead.py [--rounds 10] [--size 1000] [--threads 1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "workflow"))

from gpusurvey.bench import harness  # noqa: E402 - imports no BLAS library
from gpusurvey.bench.workloads.matmul import MatmulConfig, MatmulWorkload  # noqa: E402


class BareLoop:
    """What one repetition of the workload does on the CPU, without the harness."""

    def __init__(self, config: MatmulConfig):
        import numpy as np
        import torch

        self.config, self.np, self.torch = config, np, torch
        n = config.size
        generator = torch.Generator().manual_seed(config.seed)
        self.a, self.b = (torch.randn(n, n, generator=generator) for _ in range(2))
        self.c = torch.empty(n, n)
        self.an, self.bn = self.a.numpy().copy(), self.b.numpy().copy()
        self.cn = np.empty((n, n), dtype=np.float32)

    def repetition(self) -> float:
        """ms per torch product."""
        loops, settle = self.config.inner_loops, self.config.settle_s
        time.sleep(settle)
        start = time.perf_counter()
        for _ in range(loops):
            self.torch.matmul(self.a, self.b, out=self.c)
        elapsed = time.perf_counter() - start
        time.sleep(settle)
        for _ in range(loops):
            self.np.matmul(self.an, self.bn, out=self.cn)
        return elapsed / loops * 1e3


def paired_round(config: MatmulConfig) -> tuple[list[float], list[float]]:
    """(harness samples, bare samples), one bare repetition after each harness repetition."""
    bare = BareLoop(config)
    for _ in range(1 + config.warmup):
        bare.repetition()
    bare_samples: list[float] = []

    class Twin(harness.Progress):
        def call_done(self, phase: str, index: int, total: int, seconds: float) -> None:
            if phase == "repetition":
                bare_samples.append(bare.repetition())

    record = harness.measure(MatmulWorkload(config, "cpu"), "full", progress=Twin())
    if record.status != "ok":
        sys.exit(f"harness run failed: {record.error}")
    return record.metrics["cpu_torch_fp32_ms"].samples, bare_samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--inner-loops", type=int, default=10)
    parser.add_argument("--repetitions", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (0: the libraries' own)")
    args = parser.parse_args()
    if args.threads:  # before torch or numpy is imported
        for key in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[key] = str(args.threads)
    import torch

    config = MatmulConfig.for_profile("full", size=args.size, inner_loops=args.inner_loops,
                                      repetitions=args.repetitions)
    ours: list[float] = []
    bare: list[float] = []
    for _ in range(args.rounds):
        h, b = paired_round(config)
        ours += h
        bare += b
    # rate = 1 / time, so harness rate / bare rate = bare time / harness time
    ratios = sorted(b / h for h, b in zip(ours, bare, strict=True))
    ratio = statistics.median(ratios)
    q1, q3 = statistics.quantiles(ratios, n=4)[::2]
    print(f"{args.size}x{args.size} fp32 torch on the CPU, {torch.get_num_threads()} threads, "
          f"{args.inner_loops} products per repetition, {len(ratios)} pairs")
    print(f"harness: median {statistics.median(ours):.3f} ms per product "
          f"({1e3 / statistics.median(ours):.2f} products/s)")
    print(f"bare:    median {statistics.median(bare):.3f} ms per product "
          f"({1e3 / statistics.median(bare):.2f} products/s)")
    print(f"harness rate / bare rate: median over pairs {ratio:.4f} ({(ratio - 1) * 100:+.2f} %, "
          f"target within 2 %), interquartile {q1:.4f}-{q3:.4f}")


if __name__ == "__main__":
    main()
