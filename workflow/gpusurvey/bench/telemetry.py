"""Telemetry per repetition: on a GPU through NVML (SM clock, temperature, power, throttle
reasons, the GPU-idle reason masked out); on the CPU the 1-minute load average, whose excess over
the run's own threads is other programs sharing the cores."""

from __future__ import annotations

import os
from typing import Any

GPU_IDLE = 0x1
"""NVML's clocks-event reason "GPU idle" (``nvmlClocksEventReasonGpuIdle``)."""


def torch_gpu_handle(nv: Any) -> Any:
    """NVML's handle of the GPU torch runs on (CUDA device 0): found by UUID, since NVML indices
    ignore ``CUDA_VISIBLE_DEVICES``; NVML index 0 where torch gives no UUID."""
    try:
        import torch

        uuid = str(torch.cuda.get_device_properties(0).uuid)
    except Exception:  # noqa: BLE001 - an older torch without .uuid
        return nv.nvmlDeviceGetHandleByIndex(0)
    name = uuid if uuid.startswith(("GPU-", "MIG-")) else f"GPU-{uuid}"
    try:
        return nv.nvmlDeviceGetHandleByUUID(name)
    except Exception:  # noqa: BLE001 - a UUID NVML does not know: fall back to the first GPU
        return nv.nvmlDeviceGetHandleByIndex(0)


class Telemetry:
    """Reads torch's GPU through NVML when it is there, the load average on the CPU; ``sample()``
    returns {} for a GPU without NVML."""

    def __init__(self, device: str):
        self._handle = None
        self._cpu = device == "cpu"
        if device != "cuda":
            return
        try:
            import pynvml

            pynvml.nvmlInit()
            self._nvml = pynvml
            self._handle = torch_gpu_handle(pynvml)
        except Exception:  # no NVML library or no permission: telemetry is optional
            self._handle = None

    def sample(self) -> dict[str, Any]:
        if self._cpu:
            return {"load_1m": os.getloadavg()[0]}
        if self._handle is None:
            return {}
        nv, h = self._nvml, self._handle
        reading: dict[str, Any] = {}
        probes = {
            "sm_clock_mhz": lambda: nv.nvmlDeviceGetClockInfo(h, nv.NVML_CLOCK_SM),
            "temperature_c": lambda: nv.nvmlDeviceGetTemperature(h, nv.NVML_TEMPERATURE_GPU),
            "power_w": lambda: nv.nvmlDeviceGetPowerUsage(h) / 1000.0,
            # Each sample follows a synchronised repetition, when the GPU has just gone idle:
            # the idle bit would be set in almost every sample, so it is masked out and
            # throttle_reasons holds only the reasons that slowed the clocks.
            "throttle_reasons": lambda: int(nv.nvmlDeviceGetCurrentClocksEventReasons(h)) & ~GPU_IDLE,
        }
        for key, probe in probes.items():
            try:
                reading[key] = probe()
            except Exception:  # a counter this GPU or driver does not expose
                reading[key] = None
        return reading

    def close(self) -> None:
        if self._handle is not None:
            self._nvml.nvmlShutdown()
            self._handle = None
