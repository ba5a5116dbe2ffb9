"""The settings of each workload's profiles that its bound and its table row assume: the model
or UNet architecture, the image sizes, the batch, the guidance scale and the steps.

The bound of a record (``gpusurvey.inputs.record_bounds``) is computed from these, never from
the record's own ``params``, which must hold the same (``gpusurvey.inputs.record_settings``).
The workloads' configs (``gpusurvey.bench.workloads``) run with these values;
``tests/test_record_trust.py`` checks that every profile of every config states them. Pure
Python: the reporting half reads it without importing the measuring half.
"""

from __future__ import annotations

from typing import Any

from gpusurvey.registry import LLM_DECODE, SD_HIRES, SD_TXT2IMG

_SD15 = {"architecture": "sd15", "guidance_scale": 7.5}

PROFILE_SETTINGS: dict[str, dict[str, dict[str, Any]]] = {
    SD_TXT2IMG: {
        "full": {**_SD15, "width": 512, "height": 512, "batch": 1, "steps": 100},
        "cpu": {**_SD15, "width": 512, "height": 512, "batch": 1, "steps": 5},
        "smoke": {"architecture": "sd-tiny", "guidance_scale": 7.5, "width": 64, "height": 64,
                  "batch": 1, "steps": 4},
    },
    SD_HIRES: {
        "full": {**_SD15, "width": 768, "height": 432, "hires_width": 2048, "hires_height": 1152,
                 "steps": 20, "hires_steps": 25},
        "cpu": {**_SD15, "width": 768, "height": 432, "hires_width": 2048, "hires_height": 1152,
                "steps": 5, "hires_steps": 3},
        "smoke": {"architecture": "sd-tiny", "guidance_scale": 7.5, "width": 64, "height": 40,
                  "hires_width": 128, "hires_height": 72, "steps": 2, "hires_steps": 3},
    },
    LLM_DECODE: {
        "full": {"model": "llama-13b", "prompt_tokens": 128, "new_tokens": 400},
        "cpu": {"model": "llama-13b", "prompt_tokens": 32, "new_tokens": 64},
        "smoke": {"model": "llama-tiny", "prompt_tokens": 16, "new_tokens": 8},
    },
}
"""Workload -> profile -> the settings of ``params`` its bound and table row assume."""


def profile_settings(workload: str, profile: str) -> dict[str, Any]:
    """The settings ``PROFILE_SETTINGS`` states for ``workload`` run with ``profile``."""
    return dict(PROFILE_SETTINGS[workload][profile])
