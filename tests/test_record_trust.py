"""Records that cannot steer their own bound: the settings of the profile, never the record's own,
fix it; each case refused by file and key."""

from __future__ import annotations

import json

import pytest
from gpusurvey.bench import workloads
from gpusurvey.bench.config import PROFILES
from gpusurvey.core.errors import DataError
from gpusurvey.inputs.gpus import load_gpus
from gpusurvey.inputs.record_checks import check_files
from gpusurvey.inputs.record_settings import trusted_settings
from gpusurvey.models.profile_settings import PROFILE_SETTINGS, profile_settings
from gpusurvey.models.sd_compute import load_configs
from helpers import make_record, write_broken

RTX4060 = {"gpu": "NVIDIA GeForce RTX 4060", "machine": "nvidia-geforce-rtx-4060"}


def _checked(root, path):
    return check_files([path], load_gpus(root / "data/gpus.csv"))


def _fast_sd():
    return make_record(samples=(4000.0,) * 3, **RTX4060)


def _fast_llm():
    return make_record("llm-decode", samples=(5000.0,) * 3, **RTX4060)


# The bound comes from the profile's settings, never from the record's params.


STEERED = {  # name: (record, changes, the key named)
    "sd-tiny on a full-profile RTX 4060 at 4000 it/s": (_fast_sd(), {"params/architecture": "sd-tiny"},
                                                         "params/architecture"),
    "a folder as the architecture": (_fast_sd(), {"params/architecture": "/tmp/x"}, "params/architecture"),
    "llama-tiny on a full-profile RTX 4060 at 5000 tokens/s": (_fast_llm(), {"params/model": "llama-tiny"},
                                                                "params/model"),
    "a 64x64 image in the 512x512 table": (make_record(**RTX4060), {"params/width": 64, "params/height": 64},
                                           "params/width"),
    "batch 0": (make_record(**RTX4060), {"params/batch": 0}, "params/batch"),
    "50 steps in the 100-step table": (make_record(**RTX4060), {"params/steps": 50}, "params/steps"),
    "no steps": (make_record(**RTX4060), {"params/steps": None}, "params/steps"),
}


@pytest.mark.parametrize("case", STEERED)
def test_a_record_cannot_steer_its_own_bound(root, tmp_path, case):
    record, changes, key = STEERED[case]
    path = write_broken(tmp_path / "m/bad/record.json", record, changes)
    if changes.get("params/steps", 0) is None:  # a key left out, not set to null
        data = json.loads(path.read_text())
        del data["params"]["steps"]
        path.write_text(json.dumps(data))
    with pytest.raises(DataError, match=rf"m/bad/record\.json: key '{key}': "):
        _checked(root, path)


def test_guidance_scale_nan_is_refused_by_the_file_and_by_the_settings(root, tmp_path):
    path = write_broken(tmp_path / "m/bad/record.json", make_record(**RTX4060),
                        {"params/guidance_scale": float("nan")})
    with pytest.raises(DataError, match=r"m/bad/record\.json: the literal NaN is not standard JSON"):
        _checked(root, path)
    record = make_record(**RTX4060)  # as a lenient reader would have let it through
    record.params["guidance_scale"] = float("nan")
    with pytest.raises(DataError, match=r"x\.json: key 'params/guidance_scale': nan; a full-profile "
                                        r"sd-txt2img record \(Table 3 and its bound\) must have the "
                                        r"profile's 7\.5"):
        trusted_settings("x.json", record)


def test_the_fast_records_were_refused_for_their_settings_not_their_speed(root, tmp_path):
    """Written with the profile's settings, the same speeds are refused by the bound."""
    for record, key in ((_fast_sd(), "it_per_s"), (_fast_llm(), "decode_tokens_per_s")):
        path = write_broken(tmp_path / f"m/{key}.json", record, {})
        with pytest.raises(DataError, match=rf"key 'metrics/{key}/mean': .* is above the"):
            _checked(root, path)


@pytest.mark.parametrize("workload", PROFILE_SETTINGS)
def test_the_trusted_settings_are_what_every_profile_runs(workload):
    for profile in PROFILES:
        config = workloads.get(workload).CONFIG.for_profile(profile)
        assert {k: getattr(config, k) for k in PROFILE_SETTINGS[workload][profile]} == \
            profile_settings(workload, profile)


def test_an_architecture_is_a_shipped_name_never_a_path(tmp_path):
    (tmp_path / "unet").mkdir()
    with pytest.raises(ValueError, match=r"architecture: expected one of \['sd-tiny', 'sd15'\]"):
        load_configs(str(tmp_path))
    assert load_configs("sd15")[1] == 77


@pytest.mark.parametrize("value", [1e300, -1e300, 2**60])
def test_every_number_in_params_is_in_range(root, tmp_path, value):
    path = write_broken(tmp_path / "m/x.json", make_record(**RTX4060), {"params/seed": value})
    with pytest.raises(DataError, match=r"key 'params/seed': .*expected a finite number within"):
        _checked(root, path)


