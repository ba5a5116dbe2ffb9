"""The memory read bandwidth of this CPU, measured: the CPU counterpart of a GPU's datasheet
bandwidth in the decode roofline.

A float32 buffer far larger than any cache is summed with torch (one streaming read, negligible
arithmetic) several times with the thread count the benchmark uses; bandwidth = buffer bytes /
time of one sum. The best repetition is the bound (what the memory system can deliver to these
threads); the median is kept beside it.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

DEFAULT_BYTES = 2 * 1024**3
REPETITIONS = 10


def default_threads() -> int:
    """The CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def measure(threads: int, nbytes: int = DEFAULT_BYTES, repetitions: int = REPETITIONS) -> dict[str, Any]:
    """Read bandwidth in GB/s (10^9 bytes per second) of ``threads`` threads summing ``nbytes``."""
    import torch

    if threads < 1 or nbytes < 4 or repetitions < 1:
        raise ValueError(f"threads, nbytes and repetitions must be positive, got {threads}, {nbytes}, "
                         f"{repetitions}")
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        buffer = torch.ones(nbytes // 4, dtype=torch.float32)
        size = buffer.numel() * 4
        torch.sum(buffer)  # touch every page once before timing
        rates = []
        for _ in range(repetitions):
            start = time.perf_counter()
            torch.sum(buffer)
            rates.append(size / (time.perf_counter() - start) / 1e9)
        del buffer
    finally:
        torch.set_num_threads(previous)
    return {
        "gbs": max(rates),
        "median_gbs": statistics.median(rates),
        "method": f"torch.sum over a {size / 1e9:.2f} GB float32 buffer, best of {repetitions}",
        "threads": threads,
        "buffer_bytes": size,
        "samples_gbs": rates,
    }
