"""Stable Diffusion workloads: SD 1.5 architecture, records, checkpoints, attention."""

from __future__ import annotations

import gc
import hashlib
import json
import weakref

import pytest
import torch
from gpusurvey import cli
from gpusurvey.bench import harness, workloads
from gpusurvey.bench.workloads import sd_models
from gpusurvey.bench.workloads.sd_config import HiresConfig, Txt2ImgConfig
from gpusurvey.core import record as rec
from gpusurvey.core.errors import DataError
from gpusurvey.core.machine import machine_slug
from helpers import snakemake

SD15_PARAMETERS = {"unet": 859_520_964, "text_encoder": 123_060_480, "vae": 83_653_863}
QUICK = {"warmup": 0, "repetitions": 5}


@pytest.fixture(autouse=True)
def one_thread():
    """One intra-op thread: tiny models gain nothing from more, and on a shared, busy CPU
    spinning worker threads slow them down many times over."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _measure(name, profile="smoke", device="cpu", **settings):
    cls = workloads.get(name)
    workload = cls(cls.CONFIG.for_profile(profile, **{**QUICK, **settings}), device)
    return harness.measure(workload, profile)


def _saved(record, tmp_path):
    path = tmp_path / f"{record.workload}.json"
    rec.save(record, path)
    return rec.load(path)


def test_sd15_architecture_on_the_meta_device_has_the_published_parameter_counts():
    components = sd_models.build_components("sd15", "meta", torch.float16)
    counts = sd_models.parameter_counts(components)
    assert counts == SD15_PARAMETERS
    for name in ("unet", "text_encoder", "vae"):
        assert all(p.is_meta for p in components[name].parameters()), name
    # The survey's figures: UNet 860 million parameters, CLIP text encoder 123 million.
    assert round(counts["unet"] / 1e7) == 86 and round(counts["text_encoder"] / 1e6) == 123


def test_tiny_architecture_keeps_the_block_layout_of_sd15():
    full = sd_models.build_components("sd15", "meta")
    tiny = sd_models.build_components("sd-tiny", "meta")
    for name in ("unet", "vae"):
        for key in ("down_block_types", "up_block_types", "in_channels", "out_channels"):
            assert tiny[name].config[key] == full[name].config[key], (name, key)
    assert sum(p.numel() for p in tiny["unet"].parameters()) < 2_000_000


@pytest.mark.parametrize("name", ["sd-txt2img", "sd-hires"])
def test_smoke_profile_writes_a_valid_record_through_the_harness(name, tmp_path):
    record = _saved(_measure(name), tmp_path)
    assert record.status == "ok", record.error
    assert (record.workload, record.profile, record.unit) == (name, "smoke", "it/s")
    assert record.weights == {"kind": "synthetic", "name": "sd-tiny (random weights)", "sha256": None}
    assert record.backend["dtype"] == "float32" and record.backend["torch_threads"] == 1
    assert record.backend["unet_attention_processors"] == ["AttnProcessor2_0"]
    assert record.metrics["it_per_s"].mean > 0
    assert len(record.metrics["seconds_per_image"].samples) == 5
    assert record.extra["parameters"]["unet"] < 2_000_000
    if name == "sd-hires":
        assert record.metrics["first_pass_it_per_s"].mean > 0
        assert record.params["hires_steps"] == 3 and record.params["images"] == 2
        assert int(record.extra["img2img_num_inference_steps"] * 0.7) == 3


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sd-txt2img", "sd-hires"])
def test_smoke_profile_writes_a_valid_record_through_the_cli(name, tmp_path, capsys):
    out = tmp_path / "record.json"
    code = cli.main(["bench", name, "--profile", "smoke", "--device", "cpu", "--out", str(out),
                     "--quiet", "--strict", "--set", "warmup=0", "--set", "steps=2"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and summary["status"] == "ok"
    record = rec.load(out)
    assert record.params["steps"] == 2 and record.value == summary["value"] > 0


def test_hires_pass_runs_exactly_the_configured_steps():
    for strength in (0.3, 0.5, 0.7, 0.75, 1.0):
        config = HiresConfig.for_profile("full", strength=strength)
        n = config.img2img_inference_steps
        assert int(n * strength) == 25 and int((n - 1) * strength) < 25, strength


def test_loop_clock_counts_every_step_of_both_passes(tmp_path):
    cls = workloads.get("sd-hires")
    workload = cls(cls.CONFIG.for_profile("smoke", steps=3, hires_steps=4, images=1), "cpu")
    workload.setup()
    values = workload.run()
    assert workload.first_clock.steps == 3 and workload.hires_clock.steps == 4
    assert values["it_per_s"] == pytest.approx(4 / workload.hires_clock.seconds())
    # Each loop is part of the whole call.
    loops = workload.first_clock.seconds() + workload.hires_clock.seconds()
    assert 0 < loops < values["seconds_per_image"]


@pytest.mark.parametrize("name", ["sd-txt2img", "sd-hires"])
def test_teardown_frees_the_pipelines(name):
    """Nothing holds a pipeline once a run ends, so the CUDA cache emptied at teardown really
    gives its memory back before the next workload's peak is measured."""
    cls = workloads.get(name)
    workload = cls(cls.CONFIG.for_profile("smoke", **QUICK), "cpu")
    pipelines = []
    build = workload.setup_pipelines

    def setup_pipelines():
        build()
        pipelines.extend(weakref.ref(p) for p in (workload.pipe, getattr(workload, "img2img", None))
                         if p is not None)

    workload.setup_pipelines = setup_pipelines
    gc.disable()  # what teardown does not free itself must stay alive here
    try:
        record = harness.measure(workload, "smoke")
        assert record.status == "ok", record.error
        assert pipelines and all(ref() is None for ref in pipelines)
    finally:
        gc.enable()


def _tiny_tokenizer():
    from transformers import CLIPTokenizer

    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)] + [",", "8"]
    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for token in letters + [f"{c}</w>" for c in letters]:
        vocab[token] = len(vocab)
    return CLIPTokenizer(vocab=vocab, merges=[], model_max_length=77)


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory):
    """A tiny SD pipeline with a tokenizer, saved as a diffusers folder."""
    folder = tmp_path_factory.mktemp("checkpoint") / "tiny-sd"
    pipe = sd_models.synthetic_pipeline("sd-tiny", "cpu", torch.float32, seed=1)
    pipe.tokenizer = _tiny_tokenizer()
    pipe.register_modules(tokenizer=pipe.tokenizer)
    pipe.save_pretrained(folder)
    return folder, pipe


def test_a_local_diffusers_folder_loads_as_a_checkpoint(tiny_checkpoint, tmp_path):
    folder, saved = tiny_checkpoint
    record = _saved(_measure("sd-txt2img", checkpoint=str(folder)), tmp_path)
    assert record.status == "ok", record.error
    weights = sorted(p for p in folder.rglob("*.safetensors"))
    assert len(weights) == 3
    listing = "".join(f"{p.relative_to(folder).as_posix()}  "
                      f"{hashlib.sha256(p.read_bytes()).hexdigest()}\n" for p in weights)
    assert record.weights == {"kind": "checkpoint", "name": "tiny-sd",
                              "sha256": hashlib.sha256(listing.encode()).hexdigest()}
    assert record.backend["tokenizer"] is True
    assert record.extra["parameters"] == sd_models.parameter_counts(saved.components)

    cls = workloads.get("sd-txt2img")
    loaded = cls(cls.CONFIG.for_profile("smoke", checkpoint=str(folder)), "cpu")
    loaded.setup()
    a = saved.unet.state_dict()["conv_in.weight"]
    assert torch.equal(loaded.pipe.unet.state_dict()["conv_in.weight"], a)
    assert "prompt" in loaded.prompt_kwargs()


def test_changing_a_weight_file_changes_the_checkpoint_digest(tiny_checkpoint, tmp_path):
    import shutil

    folder, _ = tiny_checkpoint
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    assert sd_models.checkpoint_sha256(copy) == sd_models.checkpoint_sha256(folder)
    target = copy / "vae" / "diffusion_pytorch_model.safetensors"
    data = bytearray(target.read_bytes())
    data[-1] ^= 1
    target.write_bytes(bytes(data))
    assert sd_models.checkpoint_sha256(copy) != sd_models.checkpoint_sha256(folder)
    single = copy / "vae" / "diffusion_pytorch_model.safetensors"
    assert sd_models.checkpoint_sha256(single) == hashlib.sha256(single.read_bytes()).hexdigest()


def test_a_single_safetensors_file_loads_offline_with_the_shipped_sd15_configs(tmp_path, monkeypatch):
    from diffusers import StableDiffusionPipeline

    calls = []

    def from_single_file(path, **kwargs):
        calls.append((path, kwargs))
        return sd_models.synthetic_pipeline("sd-tiny", "cpu", torch.float32, seed=0)

    monkeypatch.setattr(StableDiffusionPipeline, "from_single_file", from_single_file)
    file = tmp_path / "model.safetensors"
    file.write_bytes(b"weights")
    pipe = sd_models.load_checkpoint(sd_models.check_checkpoint(str(file)), "cpu", torch.float32)
    (path, kwargs), = calls
    assert path == file and kwargs["local_files_only"] is True and kwargs["tokenizer"] is None
    assert kwargs["config"] == str(sd_models.CONFIG_DIR / "sd15")
    assert type(pipe.scheduler).__name__ == "EulerAncestralDiscreteScheduler"


def test_a_missing_or_wrong_checkpoint_is_a_data_error_naming_the_key(tmp_path):
    with pytest.raises(DataError, match="key 'checkpoint': no such file"):
        Txt2ImgConfig.for_profile("smoke", checkpoint=str(tmp_path / "absent"))
    (tmp_path / "model.ckpt").write_bytes(b"x")
    with pytest.raises(DataError, match="expected a .safetensors file"):
        Txt2ImgConfig.for_profile("smoke", checkpoint=str(tmp_path / "model.ckpt"))
    with pytest.raises(DataError, match="model_index.json"):
        Txt2ImgConfig.for_profile("smoke", checkpoint=str(tmp_path))


def test_unknown_attention_is_rejected_before_anything_runs():
    with pytest.raises(ValueError, match="attention: expected one of"):
        Txt2ImgConfig.for_profile("smoke", attention="flash")


def test_xformers_on_the_cpu_is_a_clear_error_naming_sdpa(tmp_path):
    pipe = sd_models.synthetic_pipeline("sd-tiny", "cpu", torch.float32, seed=0)
    with pytest.raises(RuntimeError, match="xformers.*CUDA GPU.*attention=sdpa"):
        sd_models.set_attention(pipe, "xformers", "cpu")
    record = _saved(_measure("sd-txt2img", attention="xformers"), tmp_path)
    assert record.status == "error"
    assert "attention=sdpa" in record.error and "CUDA" in record.error
    assert record.metrics == {}


def test_the_recorded_attention_processor_is_the_one_that_ran(monkeypatch):
    from diffusers.models.attention_processor import AttnProcessor, AttnProcessor2_0

    calls = {"AttnProcessor2_0": 0, "AttnProcessor": 0}
    for cls in (AttnProcessor, AttnProcessor2_0):
        original = cls.__call__

        def counting(self, *args, _original=original, _name=cls.__name__, **kwargs):
            calls[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__call__", counting)

    pipe = sd_models.synthetic_pipeline("sd-tiny", "cpu", torch.float32, seed=0)
    pipe.unet.set_attn_processor(AttnProcessor())  # the classic one, to be replaced
    sd_models.set_attention(pipe, "sdpa", "cpu")
    assert sd_models.attention_processors(pipe.unet) == ["AttnProcessor2_0"]

    record = _measure("sd-txt2img", repetitions=5)
    assert record.status == "ok", record.error
    assert record.backend["unet_attention_processors"] == ["AttnProcessor2_0"]
    assert calls["AttnProcessor2_0"] > 0 and calls["AttnProcessor"] == 0


def test_fixed_token_ids_stand_in_for_a_tokenizer():
    ids = sd_models.fixed_token_ids("a red fox", vocab_size=49408, length=77)
    assert len(ids) == 77 and ids[0] == 49406 and ids[4:] == [49407] * 73
    assert all(0 <= i < 49406 for i in ids[1:4])
    assert ids == sd_models.fixed_token_ids("a red fox", 49408, 77)
    assert ids != sd_models.fixed_token_ids("a red cat", 49408, 77)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize("name,settings", [("sd-txt2img", {"steps": 20}),
                                           ("sd-txt2img", {"steps": 20, "compile": True}),
                                           ("sd-hires", {"images": 1})])
def test_full_profile_runs_on_the_gpu(name, settings, tmp_path):
    record = _saved(_measure(name, "full", "cuda", **settings), tmp_path)
    assert record.status == "ok", record.error
    assert record.backend["dtype"] == "float16"
    assert record.extra["parameters"] == SD15_PARAMETERS
    assert record.peak_memory["vram_bytes"] > 2e9
    assert record.metrics["it_per_s"].mean > 1
    assert record.backend["compiled"] is settings.get("compile", False)


@pytest.mark.workflow
def test_the_bench_rule_writes_smoke_records_of_both_workloads(project, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # tiny models on a shared CPU (see one_thread)
    settings = "{sd-txt2img: {warmup: 0}, sd-hires: {warmup: 0, images: 1}}"
    snakemake(project, "--cores", "1", "bench", "--config", "measure=True",
              f"bench={{profile: smoke, device: cpu, workloads: [sd-txt2img, sd-hires], "
              f"settings: {settings}}}")
    machine = machine_slug()
    for name in ("sd-txt2img", "sd-hires"):
        record = rec.load(project / f"results/measurements/{machine}/{name}.json")
        assert record.status == "ok", record.error
        assert (record.workload, record.profile, record.device) == (name, "smoke", "cpu")
        assert record.warmup == 0 and record.weights["kind"] == "synthetic"
        assert record.value > 0
    assert rec.load(project / f"results/measurements/{machine}/sd-hires.json").params["images"] == 1
