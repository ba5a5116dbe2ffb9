"""Timestamps that mean what they say: on CUDA, synchronise before reading the clock."""

from __future__ import annotations

import time


def synchronize(device: str) -> None:
    """Wait for queued GPU work on ``device`` ("cuda") to finish; a no-op on the CPU."""
    if device == "cuda":
        import torch

        torch.cuda.synchronize()


def now(device: str) -> float:
    """A synchronised ``perf_counter`` reading, in seconds."""
    synchronize(device)
    return time.perf_counter()
