"""The memory read bandwidth of this CPU, measured while a benchmark runs: the CPU counterpart of a
GPU's datasheet bandwidth in the decode roofline.

A float32 buffer far larger than any cache is read by two kernels, each one streaming read with
negligible arithmetic, on the thread count the benchmark uses: ``torch.sum`` (torch's own
threads) and ``numpy.sum`` over one slice per thread in a thread pool (NumPy releases the GIL in
its reductions). Bandwidth = bytes read / time of one read. A virtual machine shares its memory
system with neighbours, so one number taken minutes before a run says little: ``Probe`` keeps its
buffer and is sampled before the run and again between the timed repetitions, and the bound is
the median of every sample taken during the run, its spread kept beside it.
"""

from __future__ import annotations

import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

DEFAULT_BYTES = 2 * 1024**3
READS_PER_SAMPLE = 3
"""Reads of the buffer per kernel and sample; the fastest is the sample (one read can be
interrupted)."""
KERNELS = ("torch.sum", "numpy.sum")


def default_threads() -> int:
    """The CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Probe:
    """A buffer of ``nbytes`` read by every kernel of ``KERNELS`` on ``threads`` threads, each time
    ``sample(when)`` is called; ``summary()`` is the record's ``extra.cpu_bandwidth_probe``."""

    def __init__(self, threads: int, nbytes: int = DEFAULT_BYTES):
        import numpy as np
        import torch

        if threads < 1 or nbytes < 4 * threads:
            raise ValueError(f"threads and nbytes must be positive (at least 4 bytes per thread), "
                             f"got {threads}, {nbytes}")
        self.threads = threads
        self._torch = torch
        self._array = np.ones(nbytes // 4, dtype=np.float32)
        self._tensor = torch.from_numpy(self._array)  # the same memory, read by both kernels
        self.nbytes = self._array.nbytes
        chunk = -(-self._array.size // threads)
        self._slices = [self._array[i * chunk:(i + 1) * chunk] for i in range(threads)]
        self._pool = ThreadPoolExecutor(max_workers=threads)
        self.samples: list[dict[str, Any]] = []
        self._read("torch.sum")  # touch every page once before any timing
        self._read("numpy.sum")

    def _read(self, kernel: str) -> None:
        if kernel == "torch.sum":
            previous = self._torch.get_num_threads()
            self._torch.set_num_threads(self.threads)
            try:
                self._torch.sum(self._tensor)
            finally:
                self._torch.set_num_threads(previous)
        else:
            list(self._pool.map(lambda part: part.sum(), self._slices))

    def sample(self, when: str) -> list[dict[str, Any]]:
        """One sample per kernel (GB/s, 10^9 bytes per second), labelled ``when``."""
        taken = []
        for kernel in KERNELS:
            best = float("inf")
            for _ in range(READS_PER_SAMPLE):
                start = time.perf_counter()
                self._read(kernel)
                best = min(best, time.perf_counter() - start)
            taken.append({"kernel": kernel, "when": when, "gbs": self.nbytes / best / 1e9})
        self.samples.extend(taken)
        return taken

    def summary(self) -> dict[str, Any]:
        """Every sample, and their median (``gbs``: the bound) with the spread."""
        rates = [s["gbs"] for s in self.samples]
        if not rates:
            raise RuntimeError("the bandwidth probe took no sample")
        median = statistics.median(rates)
        return {
            "gbs": median,
            "median_gbs": median,
            "min_gbs": min(rates),
            "max_gbs": max(rates),
            "method": (f"median of {len(rates)} samples of {len(KERNELS)} kernels "
                       f"({', '.join(KERNELS)}; each the fastest of {READS_PER_SAMPLE} reads) over a "
                       f"{self.nbytes / 1e9:.2f} GB float32 buffer, taken before the run and "
                       "between its timed repetitions"),
            "kernels": list(KERNELS),
            "threads": self.threads,
            "buffer_bytes": self.nbytes,
            "samples": self.samples,
            "samples_gbs": rates,
        }

    def close(self) -> None:
        self._pool.shutdown()
        self._slices = []
        del self._tensor, self._array


def measure(threads: int, nbytes: int = DEFAULT_BYTES, samples: int = 3) -> dict[str, Any]:
    """``samples`` samples of every kernel taken one after another, as ``Probe.summary``."""
    if samples < 1:
        raise ValueError(f"samples must be positive, got {samples}")
    probe = Probe(threads, nbytes)
    try:
        for i in range(samples):
            probe.sample(f"sample {i + 1}")
        return probe.summary()
    finally:
        probe.close()
