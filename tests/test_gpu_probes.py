"""The GPU probes without a GPU: the driver version falls back to nvidia-smi, telemetry reads
torch's GPU by UUID and leaves out the idle reason (NVML and torch replaced by fakes)."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest
import torch
from gpusurvey.bench import environment, telemetry


def test_driver_version_falls_back_to_nvidia_smi(monkeypatch):
    monkeypatch.setitem(sys.modules, "pynvml", None)  # import raises ImportError
    calls = []

    def fake_run(cmd, **kwargs):
        calls.append(cmd)
        return subprocess.CompletedProcess(cmd, 0, stdout="580.95.05\n580.95.05\n", stderr="")

    monkeypatch.setattr(environment.subprocess, "run", fake_run)
    assert environment.driver_version() == "580.95.05"
    assert calls == [["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"]]


def test_driver_version_is_none_without_nvml_or_nvidia_smi(monkeypatch):
    monkeypatch.setitem(sys.modules, "pynvml", None)

    def missing(cmd, **kwargs):
        raise FileNotFoundError(cmd[0])

    monkeypatch.setattr(environment.subprocess, "run", missing)
    assert environment.driver_version() is None


class FakeNvml:
    """The few NVML calls telemetry makes, for two GPUs; the second is torch's."""

    NVML_CLOCK_SM = 0
    NVML_TEMPERATURE_GPU = 0
    UUIDS = ["GPU-00000000-0000-0000-0000-000000000000", "GPU-11111111-2222-3333-4444-555555555555"]

    def __init__(self, reasons):
        self.reasons = reasons

    def nvmlInit(self):
        pass

    def nvmlShutdown(self):
        pass

    def nvmlDeviceGetHandleByIndex(self, index):
        return index

    def nvmlDeviceGetHandleByUUID(self, uuid):
        if uuid not in self.UUIDS:
            raise RuntimeError("NVML_ERROR_NOT_FOUND")
        return self.UUIDS.index(uuid)

    def nvmlDeviceGetClockInfo(self, handle, clock):
        return 1000 + handle

    def nvmlDeviceGetTemperature(self, handle, sensor):
        return 60

    def nvmlDeviceGetPowerUsage(self, handle):
        return 250_000

    def nvmlDeviceGetCurrentClocksEventReasons(self, handle):
        return self.reasons


def with_torch_uuid(monkeypatch, uuid):
    monkeypatch.setattr(torch.cuda, "get_device_properties", lambda index: SimpleNamespace(uuid=uuid))


@pytest.mark.parametrize("uuid, handle", [
    ("11111111-2222-3333-4444-555555555555", 1),  # torch's UUID, without NVML's GPU- prefix
    ("99999999-2222-3333-4444-555555555555", 0),  # unknown to NVML: the first GPU
])
def test_telemetry_reads_the_gpu_torch_uses(monkeypatch, uuid, handle):
    with_torch_uuid(monkeypatch, uuid)
    assert telemetry.torch_gpu_handle(FakeNvml(0)) == handle


@pytest.mark.parametrize("reasons, recorded", [(0x1, 0), (0x1 | 0x4, 0x4), (0x20, 0x20), (0, 0)])
def test_throttle_reasons_leave_out_the_idle_bit(monkeypatch, reasons, recorded):
    monkeypatch.setitem(sys.modules, "pynvml", FakeNvml(reasons))
    with_torch_uuid(monkeypatch, "11111111-2222-3333-4444-555555555555")
    probe = telemetry.Telemetry("cuda")
    reading = probe.sample()
    probe.close()
    assert reading == {"sm_clock_mhz": 1001, "temperature_c": 60, "power_w": 250.0,
                       "throttle_reasons": recorded}
