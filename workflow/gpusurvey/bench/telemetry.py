"""GPU telemetry per repetition through NVML: SM clock, temperature, power, throttle reasons."""

from __future__ import annotations

from typing import Any


class Telemetry:
    """Reads GPU 0 through NVML when it is there; ``sample()`` returns {} otherwise."""

    def __init__(self, device: str):
        self._handle = None
        if device != "cuda":
            return
        try:
            import pynvml

            pynvml.nvmlInit()
            self._nvml = pynvml
            self._handle = pynvml.nvmlDeviceGetHandleByIndex(0)
        except Exception:  # no NVML library or no permission: telemetry is optional
            self._handle = None

    def sample(self) -> dict[str, Any]:
        if self._handle is None:
            return {}
        nv, h = self._nvml, self._handle
        reading: dict[str, Any] = {}
        probes = {
            "sm_clock_mhz": lambda: nv.nvmlDeviceGetClockInfo(h, nv.NVML_CLOCK_SM),
            "temperature_c": lambda: nv.nvmlDeviceGetTemperature(h, nv.NVML_TEMPERATURE_GPU),
            "power_w": lambda: nv.nvmlDeviceGetPowerUsage(h) / 1000.0,
            "throttle_reasons": lambda: int(nv.nvmlDeviceGetCurrentClocksEventReasons(h)),
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
