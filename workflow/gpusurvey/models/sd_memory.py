"""The GPU memory of a Stable Diffusion run: its three networks' weights at the run's precision
plus the largest activation the run holds, with memory-efficient attention (xformers, PyTorch's
SDPA) and without.

Weights: the parameters of the UNet, the VAE and the CLIP text encoder, counted layer by layer
from their shipped configs (``bench/configs/<architecture>/``; convolutions, linear layers and
norms with their biases), times 2 bytes for fp16 (4 for fp32).

The largest activation, two copies (an operation's input and output live at once):

- without memory-efficient attention, the self-attention scores of the UNet's first transformer
  (latent tokens squared, per head and per image of the guided batch) or of the VAE's mid-block
  (latent tokens squared, one head): at 2048x1152 these are tens of gigabytes;
- with it the scores are never stored, and the largest tensor is the VAE decoder's
  second-to-last stage at full resolution (its channels x width x height).

The caller adds the runtime's fixed cost (``memory.Breakdown``). Pure Python, no file written.
"""

from __future__ import annotations

from typing import Any

from gpusurvey.models.memory import Breakdown
from gpusurvey.models.sd_compute import LATENT_FACTOR, StepShape


def _conv(c_in: int, c_out: int, k: int) -> int:
    return c_in * c_out * k * k + c_out


def _linear(n_in: int, n_out: int, bias: bool = True) -> int:
    return n_in * n_out + (n_out if bias else 0)


def _resnet(c_in: int, c_out: int, temb: int = 0) -> int:
    params = 2 * c_in + _conv(c_in, c_out, 3) + 2 * c_out + _conv(c_out, c_out, 3)
    if temb:
        params += _linear(temb, c_out)
    return params + (_conv(c_in, c_out, 1) if c_in != c_out else 0)


def _transformer(c: int, context_dim: int) -> int:
    """Transformer2DModel, one BasicTransformerBlock: group norm, 1x1 proj_in/out, three layer
    norms, self- and cross-attention (q, k, v without bias, out with), GEGLU feed-forward."""
    params = 2 * c + 2 * _conv(c, c, 1) + 3 * 2 * c
    params += 3 * _linear(c, c, False) + _linear(c, c)
    params += _linear(c, c, False) + 2 * _linear(context_dim, c, False) + _linear(c, c)
    return params + _linear(c, 8 * c) + _linear(4 * c, c)


def unet_parameters(unet: dict[str, Any]) -> int:
    """Parameters of a ``UNet2DConditionModel`` with the blocks ``sd_compute`` supports."""
    channels = list(unet["block_out_channels"])
    layers = int(unet["layers_per_block"])
    ctx = int(unet["cross_attention_dim"])
    c0, temb = channels[0], 4 * channels[0]
    params = _linear(c0, temb) + _linear(temb, temb) + _conv(int(unet["in_channels"]), c0, 3)
    skips, c_prev = [c0], c0
    for i, kind in enumerate(unet["down_block_types"]):
        c = channels[i]
        for j in range(layers):
            params += _resnet(c_prev if j == 0 else c, c, temb)
            params += _transformer(c, ctx) if kind.startswith("CrossAttn") else 0
            skips.append(c)
        c_prev = c
        if i < len(channels) - 1:
            params += _conv(c, c, 3)
            skips.append(c)
    params += 2 * _resnet(channels[-1], channels[-1], temb) + _transformer(channels[-1], ctx)
    c_prev = channels[-1]
    for i, kind in enumerate(unet["up_block_types"]):
        c = channels[::-1][i]
        for j in range(layers + 1):
            params += _resnet((c_prev if j == 0 else c) + skips.pop(), c, temb)
            params += _transformer(c, ctx) if kind.startswith("CrossAttn") else 0
        c_prev = c
        if i < len(channels) - 1:
            params += _conv(c, c, 3)
    return params + 2 * c0 + _conv(c0, int(unet["out_channels"]), 3)


def _vae_mid(c: int) -> int:
    return 2 * _resnet(c, c) + 2 * c + 4 * _linear(c, c)


def vae_parameters(vae: dict[str, Any]) -> int:
    """Parameters of an ``AutoencoderKL`` (encoder, decoder and the two 1x1 quant convolutions)."""
    channels = list(vae["block_out_channels"])
    layers = int(vae["layers_per_block"])
    latent = int(vae["latent_channels"])
    params = _conv(int(vae["in_channels"]), channels[0], 3)
    c_prev = channels[0]
    for i, c in enumerate(channels):
        params += sum(_resnet(c_prev if j == 0 else c, c) for j in range(layers))
        params += _conv(c, c, 3) if i < len(channels) - 1 else 0
        c_prev = c
    params += _vae_mid(c_prev) + 2 * c_prev + _conv(c_prev, 2 * latent, 3)
    params += _conv(2 * latent, 2 * latent, 1) + _conv(latent, latent, 1)
    params += _conv(latent, channels[-1], 3) + _vae_mid(channels[-1])
    c_prev = channels[-1]
    for i, c in enumerate(channels[::-1]):
        params += sum(_resnet(c_prev if j == 0 else c, c) for j in range(layers + 1))
        params += _conv(c, c, 3) if i < len(channels) - 1 else 0
        c_prev = c
    return params + 2 * c_prev + _conv(c_prev, int(vae["out_channels"]), 3)


def text_encoder_parameters(text: dict[str, Any]) -> int:
    """Parameters of a ``CLIPTextModel``: embeddings, pre-norm layers, final layer norm."""
    d, ffn = int(text["hidden_size"]), int(text["intermediate_size"])
    layer = 2 * 2 * d + 4 * _linear(d, d) + _linear(d, ffn) + _linear(ffn, d)
    embeddings = (int(text["vocab_size"]) + int(text["max_position_embeddings"])) * d
    return embeddings + int(text["num_hidden_layers"]) * layer + 2 * d


def largest_activation(shape: StepShape, unet: dict[str, Any], vae: dict[str, Any],
                       dtype_bytes: int, efficient_attention: bool) -> tuple[str, float]:
    """(what, bytes) of the largest activation of one image at ``shape`` (see the docstring)."""
    tokens = (shape.width // LATENT_FACTOR) * (shape.height // LATENT_FACTOR)
    decoder = list(vae["block_out_channels"])[::-1]
    candidates = {"VAE decoder feature map": 2 * decoder[-2] * shape.width * shape.height * dtype_bytes}
    if not efficient_attention:
        heads = int(unet["attention_head_dim"])
        candidates["UNet attention scores"] = 2 * shape.unet_batch * heads * tokens**2 * dtype_bytes
        candidates["VAE attention scores"] = 2 * tokens**2 * dtype_bytes
    return max(candidates.items(), key=lambda kv: kv[1])


def sd_memory(shape: StepShape, configs: dict[str, dict[str, Any]], dtype_bytes: int,
              efficient_attention: bool, runtime_bytes: float) -> Breakdown:
    """Memory of a run at ``shape``; ``configs`` holds the ``unet``, ``vae`` and
    ``text_encoder`` configs. The activation goes in the ``scratch`` term; no KV cache."""
    params = (unet_parameters(configs["unet"]) + vae_parameters(configs["vae"])
              + text_encoder_parameters(configs["text_encoder"]))
    _, activation = largest_activation(shape, configs["unet"], configs["vae"], dtype_bytes,
                                       efficient_attention)
    return Breakdown(weights=params * dtype_bytes, kv_cache=0.0, scratch=activation,
                     runtime=runtime_bytes)
