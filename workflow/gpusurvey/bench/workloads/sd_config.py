"""The settings of the Stable Diffusion workloads (``gpusurvey.bench.workloads.stable_diffusion``):
what each one runs by default (the survey's settings), per profile, and which values it refuses."""

from __future__ import annotations

import math
from dataclasses import dataclass

from gpusurvey.bench.config import WorkloadConfig, option
from gpusurvey.bench.workloads import sd_models

PROMPT = ("a photograph of an astronaut riding a horse on the moon, detailed, sharp focus, "
          "studio lighting, 8k")
NEGATIVE_PROMPT = "blurry, low quality, deformed, watermark, text"
DTYPES = ("auto", "float32", "bfloat16", "float16")


@dataclass
class StableDiffusionConfig(WorkloadConfig):
    """Settings both Stable Diffusion workloads share."""

    checkpoint: str | None = option(
        None, "local weights: a diffusers folder or a single .safetensors file "
              "(default: SD 1.5's architecture with synthetic random weights)")
    architecture: str = option(
        "sd15", "shipped architecture for synthetic weights: sd15 (SD 1.5) or sd-tiny (smoke)")
    attention: str = option("sdpa", "attention implementation: sdpa (PyTorch's own) or xformers")
    dtype: str = option("auto", "precision of every network: auto (float16 on CUDA, float32 on the "
                                "CPU), float32, bfloat16 (a CPU with AVX-512 BF16 or AMX multiplies "
                                "it natively) or float16")
    compile: bool = option(False, "torch.compile the UNet (an extra variant, not the survey's)")
    compile_mode: str = option("reduce-overhead", "torch.compile mode when compile=true")
    prompt: str = option(PROMPT, "prompt (fixed token ids when the weights come without a tokenizer)")
    negative_prompt: str = option(NEGATIVE_PROMPT, "negative prompt (the unconditional half)")
    guidance_scale: float = option(7.5, "classifier-free guidance scale (above 1: guidance on)")
    seed: int = option(0, "seed of the synthetic weights and of every image's noise")

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.attention not in sd_models.ATTENTION:
            raise ValueError(f"attention: expected one of {sd_models.ATTENTION}, "
                             f"got '{self.attention}'")
        if self.dtype not in DTYPES:
            raise ValueError(f"dtype: expected one of {DTYPES}, got '{self.dtype}'")
        sd_models.architecture_dir(self.architecture)
        if self.checkpoint is not None:
            sd_models.check_checkpoint(self.checkpoint)


@dataclass
class Txt2ImgConfig(StableDiffusionConfig):
    width: int = option(512, "image width in pixels (a multiple of 8)")
    height: int = option(512, "image height in pixels (a multiple of 8)")
    steps: int = option(100, "denoising steps")
    batch: int = option(1, "images per call")

    PROFILE_OVERRIDES = {
        "smoke": {"architecture": "sd-tiny", "width": 64, "height": 64, "steps": 4,
                  "warmup": 1, "repetitions": 5},
        # SD 1.5 at 512x512 on a CPU: the cold first call is the warm-up; a step takes tens of
        # seconds on two cores, and six calls of 5 steps stay under max_cpu_hours.
        "cpu": {"steps": 5, "warmup": 0, "repetitions": 5},
    }

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_size(self.width, self.height)


@dataclass
class HiresConfig(StableDiffusionConfig):
    width: int = option(768, "first-pass (txt2img) width in pixels")
    height: int = option(432, "first-pass (txt2img) height in pixels")
    steps: int = option(20, "first-pass denoising steps")
    hires_width: int = option(2048, "width the first image is resized to for the img2img pass")
    hires_height: int = option(1152, "height the first image is resized to for the img2img pass")
    hires_steps: int = option(25, "denoising steps the high-resolution img2img pass runs")
    strength: float = option(0.7, "img2img denoising strength of the high-resolution pass")
    images: int = option(3, "images per repetition, one after another")

    PROFILE_OVERRIDES = {
        "full": {"warmup": 1, "repetitions": 5},
        "smoke": {"architecture": "sd-tiny", "width": 64, "height": 40, "steps": 2,
                  "hires_width": 128, "hires_height": 72, "hires_steps": 3, "images": 2,
                  "warmup": 1, "repetitions": 5},
        "cpu": {"steps": 5, "hires_steps": 3, "images": 1, "warmup": 0, "repetitions": 5},
    }

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_size(self.width, self.height)
        _check_size(self.hires_width, self.hires_height)
        if not 0 < self.strength <= 1:
            raise ValueError(f"strength: expected a number in (0, 1], got {self.strength}")

    @property
    def img2img_inference_steps(self) -> int:
        """The schedule length whose last ``strength`` part is exactly ``hires_steps`` steps
        (diffusers' img2img runs int(num_inference_steps * strength) of them)."""
        n = max(self.hires_steps, math.ceil(self.hires_steps / self.strength))
        while int(n * self.strength) < self.hires_steps:
            n += 1
        return n


def _check_size(width: int, height: int) -> None:
    for name, value in (("width", width), ("height", height)):
        if value <= 0 or value % 8:
            raise ValueError(f"{name}: expected a positive multiple of 8, got {value}")
