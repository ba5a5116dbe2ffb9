"""The dense FP16 tensor rate of a GeForce Blackwell (RTX 50) card whose AI TOPS no source read
states, from its CUDA core count and boost clock.

A Blackwell GeForce SM holds 128 CUDA cores and its tensor cores do 512 dense FP16 operations
with FP32 accumulate per clock (twice that with FP16 accumulate). The rule reproduces, within
0.1 %, the rates ``data/gpus.csv`` derives from NVIDIA's AI TOPS for the RTX 5090, 5080, 5070 Ti
and 5070 (a test holds it), and gives the rate of the RTX 5060 Ti, 5060 and 5050, for which the
sources read state none.
"""

from __future__ import annotations

CUDA_CORES_PER_SM = 128
FP16_FP32ACC_FLOP_PER_SM_CLOCK = 512


def fp16_tflops_fp32acc(cuda_cores: int, boost_clock_mhz: float) -> float:
    """Dense FP16 tensor TFLOPS with FP32 accumulate: SMs x 512 x boost clock."""
    sms = cuda_cores / CUDA_CORES_PER_SM
    return sms * FP16_FP32ACC_FLOP_PER_SM_CLOCK * boost_clock_mhz * 1e6 / 1e12
