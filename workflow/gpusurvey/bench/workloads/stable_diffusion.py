"""Stable Diffusion 1.5 with diffusers: text to image (``SD_TXT2IMG``, the survey's Table 3) and ``SD_HIRES``
(Table 4).

``it_per_s`` counts denoising steps over the denoising loop's time, as a progress bar does: the
clock starts when the pipeline opens its progress bar (right before the loop) and stops at the
last step's ``callback_on_step_end``, both readings synchronised with the GPU. With guidance on,
each step runs the UNet on the conditional and unconditional batch. ``seconds_per_image`` is
the whole call (prompt encoding, loop, VAE decode, image conversion) per image.
"""

from __future__ import annotations

import gc
from typing import Any

from gpusurvey.bench.timing import now
from gpusurvey.bench.workload import Calibration, Workload
from gpusurvey.bench.workloads import sd_models
from gpusurvey.bench.workloads.sd_clock import LoopClock
from gpusurvey.bench.workloads.sd_config import HiresConfig, StableDiffusionConfig, Txt2ImgConfig
from gpusurvey.models import sd_compute
from gpusurvey.registry import SD_HIRES, SD_TXT2IMG


class _StableDiffusion(Workload):
    """Pipeline set-up, prompts and records shared by both workloads."""

    config: StableDiffusionConfig

    def __init__(self, config: StableDiffusionConfig, device: str):
        super().__init__(config, device)
        self.pipe = None
        self._weights: dict[str, Any] = {"kind": "none", "name": None, "sha256": None}
        self._backend: dict[str, Any] = {}
        self._parameters: dict[str, int] = {}
        self.clocks: list[LoopClock] = []

    def clock(self, pipe) -> LoopClock:
        """A ``LoopClock`` on ``pipe``, detached again at teardown."""
        clock = LoopClock(pipe, self.device, self.step_done)
        self.clocks.append(clock)
        return clock

    def setup(self) -> None:
        import torch

        cfg = self.config
        auto = torch.float16 if self.device == "cuda" else torch.float32
        dtype = auto if cfg.dtype == "auto" else getattr(torch, cfg.dtype)
        if cfg.checkpoint is not None:
            path = sd_models.check_checkpoint(cfg.checkpoint)
            self._weights = {"kind": "checkpoint", "name": path.name,
                             "sha256": sd_models.checkpoint_sha256(path)}
            self.pipe = sd_models.load_checkpoint(path, self.device, dtype)
        else:
            self._weights = {"kind": "synthetic", "name": f"{cfg.architecture} (random weights)",
                             "sha256": None}
            self.pipe = sd_models.synthetic_pipeline(cfg.architecture, self.device, dtype, cfg.seed)
        sd_models.set_attention(self.pipe, cfg.attention, self.device)
        self._backend = {
            "library": "diffusers",
            "attention": cfg.attention,
            "unet_attention_processors": sd_models.attention_processors(self.pipe.unet),
            "vae_attention_processors": sd_models.attention_processors(self.pipe.vae),
            "dtype": str(dtype).removeprefix("torch."),
            "scheduler": type(self.pipe.scheduler).__name__,
            "tokenizer": self.pipe.tokenizer is not None,
            "compiled": False,
            "torch_threads": torch.get_num_threads(),
        }
        self._parameters = sd_models.parameter_counts(self.pipe.components)
        if cfg.compile:
            self.pipe.unet = torch.compile(self.pipe.unet, mode=cfg.compile_mode, fullgraph=True)
            self._backend.update(compiled=True, compile_mode=cfg.compile_mode)
        self.setup_pipelines()

    def setup_pipelines(self) -> None:
        """Workload-specific pipelines and clocks built on ``self.pipe``."""

    def prompt_kwargs(self) -> dict[str, Any]:
        """The prompts as the pipeline takes them: text when a tokenizer is loaded, otherwise
        embeddings of fixed token ids computed here (inside the timed call, as the pipeline
        would compute them)."""
        cfg = self.config
        if self.pipe.tokenizer is not None:
            return {"prompt": cfg.prompt, "negative_prompt": cfg.negative_prompt}
        import torch

        encoder = self.pipe.text_encoder
        length = encoder.config.max_position_embeddings
        ids = torch.tensor(
            [sd_models.fixed_token_ids(text, encoder.config.vocab_size, length)
             for text in (cfg.prompt, cfg.negative_prompt)],
            device=self.device,
        )
        with torch.inference_mode():
            embeds = encoder(ids)[0]
        return {"prompt_embeds": embeds[:1], "negative_prompt_embeds": embeds[1:]}

    def guidance(self) -> bool:
        return self.config.guidance_scale > 1

    def time_unet_step(self, width: int, height: int, images: int) -> float:
        """Seconds of one UNet call as a denoising step makes it (both guidance branches), on
        random latents and text embeddings of the encoder's shape (the values do not change the
        work; uncompiled: a compile would count into the calibration)."""
        import torch

        unet = getattr(self.pipe.unet, "_orig_mod", self.pipe.unet)
        batch = images * (2 if self.guidance() else 1)
        tokens = self.pipe.text_encoder.config.max_position_embeddings
        context = torch.randn(batch, tokens, unet.config.cross_attention_dim, device=self.device,
                              dtype=unet.dtype)
        latents = torch.randn(batch, unet.config.in_channels, height // 8, width // 8,
                              device=self.device, dtype=unet.dtype)
        timestep = torch.tensor(self.pipe.scheduler.config.num_train_timesteps - 1,
                                device=self.device)
        start = now(self.device)
        unet(latents, timestep, encoder_hidden_states=context)
        return now(self.device) - start

    def time_vae(self, width: int, height: int, images: int, encode: bool = False) -> float:
        """Seconds of one VAE decode (or encode) at ``width`` x ``height``."""
        import torch

        vae = self.pipe.vae
        if encode:
            tensor = torch.rand(images, 3, height, width, device=self.device, dtype=vae.dtype)
        else:
            tensor = torch.randn(images, vae.config.latent_channels, height // 8, width // 8,
                                 device=self.device, dtype=vae.dtype)
        start = now(self.device)
        vae.encode(tensor) if encode else vae.decode(tensor)
        return now(self.device) - start

    def generator(self):
        import torch

        return torch.Generator(device=self.device).manual_seed(self.config.seed)

    def teardown(self) -> None:
        """Drop every reference to the pipelines and collect them before emptying the CUDA
        cache, so that the next run's peak memory does not include this one's weights."""
        for clock in self.clocks:
            clock.detach()
        self.clocks.clear()
        self.pipe = None
        gc.collect()
        if self.device == "cuda":
            import torch

            torch.cuda.empty_cache()

    def weights(self) -> dict[str, Any]:
        return dict(self._weights)

    def backend(self) -> dict[str, Any]:
        return dict(self._backend)

    def extra(self, metric_means: dict[str, float | None]) -> dict[str, Any]:
        return {"parameters": dict(self._parameters)}

    def packages(self) -> tuple[str, ...]:
        return ("torch", "diffusers", "transformers", "accelerate", "safetensors", "xformers")


class Txt2ImgWorkload(_StableDiffusion):
    """Table 3: one txt2img call per repetition (512x512, 100 steps, batch 1 in the full profile)."""

    NAME = SD_TXT2IMG
    CONFIG = Txt2ImgConfig
    METRICS = {
        "it_per_s": ("it/s", "denoising steps per second of the denoising loop"),
        "seconds_per_image": ("s", "whole pipeline call per image (encode, denoise, decode)"),
    }
    config: Txt2ImgConfig

    def setup_pipelines(self) -> None:
        self.loop_clock = self.clock(self.pipe)

    def calibrate(self) -> Calibration:
        """One UNet step and one VAE decode at the run's size, timed once (cold)."""
        import torch

        cfg = self.config
        with torch.inference_mode():
            step = self.time_unet_step(cfg.width, cfg.height, cfg.batch)
            decode = self.time_vae(cfg.width, cfg.height, cfg.batch)
        return Calibration(
            cfg.steps * step + decode,
            f"one UNet step ({step:.3g} s) x {cfg.steps} steps + one VAE decode ({decode:.3g} s) "
            f"at {cfg.width}x{cfg.height}, each timed once")

    def run(self) -> dict[str, float]:
        import torch

        cfg = self.config
        start = now(self.device)
        with torch.inference_mode():
            self.pipe(**self.prompt_kwargs(), width=cfg.width, height=cfg.height,
                      num_inference_steps=cfg.steps, guidance_scale=cfg.guidance_scale,
                      num_images_per_prompt=cfg.batch, generator=self.generator(),
                      callback_on_step_end=self.loop_clock.callback, output_type="pil")
        total = now(self.device) - start
        if self.loop_clock.steps != cfg.steps:
            raise RuntimeError(f"expected {cfg.steps} denoising steps, the pipeline ran "
                               f"{self.loop_clock.steps}")
        return {"it_per_s": self.loop_clock.steps / self.loop_clock.seconds(),
                "seconds_per_image": total / cfg.batch}


class HiresWorkload(_StableDiffusion):
    """Table 4: per image, txt2img at 768x432, resize to 2048x1152, img2img for 25 steps
    (StableDiffusionImg2ImgPipeline sharing the same components); 3 images per repetition."""

    NAME = SD_HIRES
    CONFIG = HiresConfig
    METRICS = {
        "it_per_s": ("it/s", "denoising steps per second of the high-resolution img2img pass"),
        "seconds_per_image": ("s", "first pass, resize and high-resolution pass per image"),
        "first_pass_it_per_s": ("it/s", "denoising steps per second of the low-resolution pass"),
    }
    config: HiresConfig

    def setup_pipelines(self) -> None:
        from diffusers import StableDiffusionImg2ImgPipeline

        self.img2img = StableDiffusionImg2ImgPipeline(**self.pipe.components,
                                                      requires_safety_checker=False)
        self.first_clock = self.clock(self.pipe)
        self.hires_clock = self.clock(self.img2img)

    def calibrate(self) -> Calibration:
        """One UNet step, VAE decode and encode at the first pass's size, timed once (cold);
        the high-resolution step scaled by the FLOP ratio of the two sizes, the VAE by pixels."""
        import torch

        cfg = self.config
        with torch.inference_mode():
            step = self.time_unet_step(cfg.width, cfg.height, 1)
            decode = self.time_vae(cfg.width, cfg.height, 1)
            encode = self.time_vae(cfg.width, cfg.height, 1, encode=True)
        architecture = "sd15" if cfg.checkpoint is not None else cfg.architecture
        low, high = (sd_compute.step_flops(sd_compute.StepShape(w, h, 1, self.guidance()),
                                           architecture)
                     for w, h in ((cfg.width, cfg.height), (cfg.hires_width, cfg.hires_height)))
        pixels = cfg.hires_width * cfg.hires_height / (cfg.width * cfg.height)
        per_image = (cfg.steps * step + decode + cfg.hires_steps * step * high / low
                     + (encode + decode) * pixels)
        return Calibration(
            cfg.images * per_image,
            f"one UNet step ({step:.3g} s), VAE decode ({decode:.3g} s) and encode "
            f"({encode:.3g} s) at {cfg.width}x{cfg.height}, each timed once; the "
            f"{cfg.hires_width}x{cfg.hires_height} step scaled by FLOPs (x{high / low:.3g}), "
            f"its VAE by pixels (x{pixels:.3g})")

    def teardown(self) -> None:
        self.img2img = None
        super().teardown()

    def extra(self, metric_means: dict[str, float | None]) -> dict[str, Any]:
        return {**super().extra(metric_means),
                "img2img_num_inference_steps": self.config.img2img_inference_steps}

    def run(self) -> dict[str, float]:
        import torch
        import torch.nn.functional as F

        cfg = self.config
        first_seconds = hires_seconds = 0.0
        first_steps = hires_steps = 0
        start = now(self.device)
        with torch.inference_mode():
            for _ in range(cfg.images):
                prompts = self.prompt_kwargs()
                low = self.pipe(**prompts, width=cfg.width, height=cfg.height,
                                num_inference_steps=cfg.steps, guidance_scale=cfg.guidance_scale,
                                generator=self.generator(), output_type="pt",
                                callback_on_step_end=self.first_clock.callback).images
                first_seconds += self.first_clock.seconds()
                first_steps += self.first_clock.steps
                image = F.interpolate(low.float(), size=(cfg.hires_height, cfg.hires_width),
                                      mode="bicubic", align_corners=False).clamp_(0, 1)
                self.img2img(**prompts, image=image, strength=cfg.strength,
                             num_inference_steps=cfg.img2img_inference_steps,
                             guidance_scale=cfg.guidance_scale, generator=self.generator(),
                             output_type="pil", callback_on_step_end=self.hires_clock.callback)
                hires_seconds += self.hires_clock.seconds()
                hires_steps += self.hires_clock.steps
        total = now(self.device) - start
        if hires_steps != cfg.hires_steps * cfg.images:
            raise RuntimeError(f"expected {cfg.hires_steps} high-resolution steps per image, "
                               f"the pipeline ran {hires_steps / cfg.images:g}")
        return {"it_per_s": hires_steps / hires_seconds,
                "seconds_per_image": total / cfg.images,
                "first_pass_it_per_s": first_steps / first_seconds}
