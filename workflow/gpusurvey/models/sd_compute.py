"""The compute limit of Stable Diffusion: floating-point operations of one denoising step, and the
steps per second a processor's peak rate allows.

The count follows diffusers' ``UNet2DConditionModel`` layer by layer from its config (the shipped
``gpusurvey/bench/configs/<architecture>/unet/config.json``), at the step's latent resolution
(pixels / 8) and batch: with classifier-free guidance every step runs the UNet on the
conditional and the unconditional batch, so the batch is twice the images. Counted, at
**2 FLOPs per multiply-add** (PyTorch's ``FlopCounterMode`` convention):

- every convolution: ``2 * C_in * C_out * k * k * H_out * W_out`` per image;
- every linear layer: ``2 * tokens * in * out`` (time embedding, attention projections, GEGLU
  feed-forward, cross-attention keys and values over the text encoder's 77 tokens);
- attention's two batched matrix products, ``Q K^T`` and ``softmax(.) V``: ``2 * 2 * L_q * L_k
  * C`` per image and attention layer, whatever the number of heads.

Biases, normalisations, activations, softmax, resampling and the scheduler's update are left
out: together they are well under 1 % of a step. ``tests/test_sd_compute.py`` checks the count
against PyTorch's own FLOP counter running the diffusers UNet on the meta device.

Pure Python, no torch: the reporting half calls it when the Snakefile is parsed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gpusurvey.registry import SD_HIRES, SD_TXT2IMG

CONFIG_DIR = Path(__file__).resolve().parents[1] / "bench" / "configs"
LATENT_FACTOR = 8
"""Pixels per latent cell along each side (SD 1.5's VAE downsamples three times)."""

SUPPORTED_BLOCKS = {"CrossAttnDownBlock2D", "DownBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"}
UNSUPPORTED_KEYS = {
    # config key -> the value this count assumes (SD 1.5's); any other value is refused.
    "use_linear_projection": False,
    "transformer_layers_per_block": 1,
    "only_cross_attention": False,
    "class_embed_type": None,
    "addition_embed_type": None,
    "encoder_hid_dim": None,
    "conv_in_kernel": 3,
    "conv_out_kernel": 3,
    "mid_block_type": "UNetMidBlock2DCrossAttn",
}


class EfficiencyAboveOneError(ValueError):
    """A measured speed above its compute bound: the bound, the FLOP count or the measurement is
    wrong, and no table may print it."""


@dataclass(frozen=True)
class StepShape:
    """What one denoising step computes on: image size in pixels, images per step and whether
    classifier-free guidance doubles the UNet's batch."""

    width: int
    height: int
    images: int = 1
    guidance: bool = True

    @property
    def unet_batch(self) -> int:
        return self.images * (2 if self.guidance else 1)


SETTINGS: dict[str, StepShape] = {
    SD_TXT2IMG: StepShape(512, 512),
    f"{SD_HIRES}-first-pass": StepShape(768, 432),
    SD_HIRES: StepShape(2048, 1152),
}
"""The survey's settings (the workloads' ``full`` profile): Table 3's 512x512 txt2img, and Table
4's 768x432 first pass and 2048x1152 high-resolution pass (the pass its it/s counts); batch 1,
guidance on."""


def load_configs(architecture: str = "sd15") -> tuple[dict[str, Any], int]:
    """The UNet config and the text encoder's context length of a shipped architecture, named
    by its folder under ``CONFIG_DIR`` (a path is refused)."""
    known = sorted(p.name for p in CONFIG_DIR.iterdir() if p.is_dir())
    if architecture not in known:  # a name, never a path: ``CONFIG_DIR / "/tmp/x"`` is /tmp/x
        raise ValueError(f"architecture: expected one of {known}, got '{architecture}'")
    folder = CONFIG_DIR / architecture
    unet = json.loads((folder / "unet" / "config.json").read_text(encoding="utf-8"))
    text = json.loads((folder / "text_encoder" / "config.json").read_text(encoding="utf-8"))
    return unet, int(text["max_position_embeddings"])


def _conv(c_in: int, c_out: int, k: int, hw: tuple[int, int]) -> int:
    return 2 * c_in * c_out * k * k * hw[0] * hw[1]


def _linear(tokens: int, n_in: int, n_out: int) -> int:
    return 2 * tokens * n_in * n_out


def _resnet(c_in: int, c_out: int, temb: int, hw: tuple[int, int]) -> int:
    flops = _conv(c_in, c_out, 3, hw) + _conv(c_out, c_out, 3, hw) + _linear(1, temb, c_out)
    if c_in != c_out:
        flops += _conv(c_in, c_out, 1, hw)  # the 1x1 shortcut
    return flops


def _transformer(c: int, hw: tuple[int, int], context_tokens: int, context_dim: int) -> int:
    """Transformer2DModel with one BasicTransformerBlock: 1x1 proj_in/out convolutions,
    self-attention, cross-attention over the text, GEGLU feed-forward (inner width 4c)."""
    n = hw[0] * hw[1]
    flops = 2 * _conv(c, c, 1, hw)  # proj_in, proj_out
    flops += 4 * _linear(n, c, c) + 2 * 2 * n * n * c  # self: q, k, v, out; QK^T and AV
    flops += 2 * _linear(n, c, c) + 2 * _linear(context_tokens, context_dim, c)  # cross: q, out; k, v
    flops += 2 * 2 * n * context_tokens * c
    flops += _linear(n, c, 8 * c) + _linear(n, 4 * c, c)  # GEGLU projection (2 x 4c), output
    return flops


def _downsampled(hw: tuple[int, int]) -> tuple[int, int]:
    """A 3x3 convolution with stride 2 and padding 1."""
    return ((hw[0] - 1) // 2 + 1, (hw[1] - 1) // 2 + 1)


def unet_flops(unet: dict[str, Any], latent_hw: tuple[int, int], batch: int,
               context_tokens: int) -> int:
    """FLOPs of one ``UNet2DConditionModel`` forward pass (config ``unet``) on ``batch`` latents
    of ``latent_hw`` (height, width), attending to ``context_tokens`` text tokens."""
    for key, assumed in UNSUPPORTED_KEYS.items():
        if unet.get(key, assumed) != assumed:
            raise ValueError(f"UNet config key '{key}': the FLOP count assumes {assumed!r}, "
                             f"got {unet[key]!r}")
    blocks = list(unet["down_block_types"]) + list(unet["up_block_types"])
    unknown = sorted(set(blocks) - SUPPORTED_BLOCKS)
    if unknown:
        raise ValueError(f"UNet config: block types {unknown} are not counted; expected "
                         f"{sorted(SUPPORTED_BLOCKS)}")
    channels = list(unet["block_out_channels"])
    layers = int(unet["layers_per_block"])
    context_dim = int(unet["cross_attention_dim"])
    c0 = channels[0]
    temb = 4 * c0
    flops = _linear(1, c0, temb) + _linear(1, temb, temb)  # time embedding MLP
    hw = latent_hw
    flops += _conv(int(unet["in_channels"]), c0, 3, hw)
    skips = [(c0, hw)]  # (channels, resolution) of every skip connection, in order
    resolutions = []
    c_prev = c0
    for i, kind in enumerate(unet["down_block_types"]):
        c = channels[i]
        resolutions.append(hw)
        for j in range(layers):
            flops += _resnet(c_prev if j == 0 else c, c, temb, hw)
            if kind == "CrossAttnDownBlock2D":
                flops += _transformer(c, hw, context_tokens, context_dim)
            skips.append((c, hw))
        c_prev = c
        if i < len(channels) - 1:  # Downsample2D
            hw = _downsampled(hw)
            flops += _conv(c, c, 3, hw)
            skips.append((c, hw))
    c_mid = channels[-1]
    flops += 2 * _resnet(c_mid, c_mid, temb, hw)
    flops += _transformer(c_mid, hw, context_tokens, context_dim)
    reversed_channels = channels[::-1]
    c_prev = reversed_channels[0]
    for i, kind in enumerate(unet["up_block_types"]):
        c = reversed_channels[i]
        hw = resolutions[-1 - i]
        for j in range(layers + 1):
            skip_c, skip_hw = skips.pop()
            if skip_hw != hw:
                raise AssertionError(f"up block {i}: skip at {skip_hw}, block at {hw}")
            flops += _resnet((c_prev if j == 0 else c) + skip_c, c, temb, hw)
            if kind == "CrossAttnUpBlock2D":
                flops += _transformer(c, hw, context_tokens, context_dim)
        c_prev = c
        if i < len(channels) - 1:  # Upsample2D: nearest to the next skip's size, then 3x3 conv
            flops += _conv(c, c, 3, resolutions[-2 - i])
    flops += _conv(c0, int(unet["out_channels"]), 3, latent_hw)
    return flops * batch


def step_flops(shape: StepShape, architecture: str = "sd15") -> int:
    """FLOPs of one denoising step (one UNet call, both guidance branches) at ``shape``."""
    for name, value in (("width", shape.width), ("height", shape.height)):
        if value <= 0 or value % LATENT_FACTOR:
            raise ValueError(f"{name}: expected a positive multiple of {LATENT_FACTOR}, "
                             f"got {value}")
    unet, context_tokens = load_configs(architecture)
    latent = (shape.height // LATENT_FACTOR, shape.width // LATENT_FACTOR)
    return unet_flops(unet, latent, shape.unet_batch, context_tokens)


def record_step_shape(workload: str, params: dict[str, Any], *, first_pass: bool = False
                      ) -> StepShape:
    """The step a record's ``it_per_s`` counts, from its ``params``: for ``SD_HIRES`` the
    high-resolution pass (or the first pass with ``first_pass``)."""
    guidance = float(params["guidance_scale"]) > 1
    if workload == SD_TXT2IMG:
        return StepShape(int(params["width"]), int(params["height"]), int(params["batch"]),
                         guidance)
    if workload == SD_HIRES:
        if first_pass:
            return StepShape(int(params["width"]), int(params["height"]), 1, guidance)
        return StepShape(int(params["hires_width"]), int(params["hires_height"]), 1, guidance)
    raise ValueError(f"workload: expected {SD_TXT2IMG} or {SD_HIRES}, got '{workload}'")


def sd_bound_it_per_s(flops_per_step: float, peak_tflops: float) -> float:
    """Denoising steps per second at the processor's peak rate: ``peak / FLOPs per step``.

    ``peak_tflops`` is a GPU's dense FP16 tensor throughput with FP32 accumulate (what PyTorch's
    fp16 matrix products use; ``fp16_tflops_fp32acc`` of ``data/gpus.csv``), or for a CPU
    the peak fp32 GEMM rate the ``matmul`` workload measured on that machine."""
    if flops_per_step <= 0 or peak_tflops <= 0:
        raise ValueError(f"expected positive FLOPs per step and peak TFLOPS, got "
                         f"{flops_per_step} and {peak_tflops}")
    return peak_tflops * 1e12 / flops_per_step


def efficiency(measured_it_per_s: float, bound_it_per_s: float, *, what: str = "") -> float:
    """The measured speed as a fraction of the bound; above 1 raises EfficiencyAboveOneError
    (``what`` names the row in the message)."""
    if bound_it_per_s <= 0:
        raise ValueError(f"{what or 'bound'}: expected a positive bound, got {bound_it_per_s}")
    ratio = measured_it_per_s / bound_it_per_s
    if ratio > 1:
        raise EfficiencyAboveOneError(
            f"{what or 'measurement'}: {measured_it_per_s:.4g} it/s is above its compute bound "
            f"of {bound_it_per_s:.4g} it/s (efficiency {ratio:.3f}); check the FLOP count, the "
            "peak rate and the record")
    return ratio
