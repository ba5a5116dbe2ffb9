"""The FLOP count of a Stable Diffusion step against PyTorch's own FLOP counter, and the bound."""

import pytest
from gpusurvey.models import sd_compute
from gpusurvey.models.sd_compute import EfficiencyAboveOneError, StepShape
from helpers import loaded_modules


def test_imports_nothing_heavy():
    assert loaded_modules("import gpusurvey.models.sd_compute", ("torch", "numpy", "diffusers")) == []


def test_settings_are_the_workloads_full_profile():
    from gpusurvey.bench.workloads.sd_config import HiresConfig, Txt2ImgConfig

    txt, hires = Txt2ImgConfig.for_profile("full"), HiresConfig.for_profile("full")
    assert sd_compute.SETTINGS["sd-txt2img"] == sd_compute.record_step_shape(
        "sd-txt2img", txt.to_dict())
    assert sd_compute.SETTINGS["sd-hires"] == sd_compute.record_step_shape(
        "sd-hires", hires.to_dict())
    assert sd_compute.SETTINGS["sd-hires-first-pass"] == sd_compute.record_step_shape(
        "sd-hires", hires.to_dict(), first_pass=True)


def test_step_scales_with_batch_and_guidance():
    one = sd_compute.step_flops(StepShape(512, 512, 1, guidance=False))
    assert sd_compute.step_flops(StepShape(512, 512)) == 2 * one
    assert sd_compute.step_flops(StepShape(512, 512, 3)) == 6 * one
    # Convolutions grow with pixels, self-attention with their square: 4x the pixels costs more
    # than 4x the FLOPs.
    assert sd_compute.step_flops(StepShape(1024, 1024, 1, False)) > 4 * one


def test_refuses_what_it_does_not_count(tmp_path):
    unet, tokens = sd_compute.load_configs("sd15")
    with pytest.raises(ValueError, match="use_linear_projection"):
        sd_compute.unet_flops({**unet, "use_linear_projection": True}, (64, 64), 2, tokens)
    with pytest.raises(ValueError, match="SimpleCrossAttnDownBlock2D"):
        sd_compute.unet_flops({**unet, "down_block_types": ["SimpleCrossAttnDownBlock2D"] * 4},
                              (64, 64), 2, tokens)
    with pytest.raises(ValueError, match="multiple of 8"):
        sd_compute.step_flops(StepShape(500, 512))
    with pytest.raises(ValueError, match="architecture"):
        sd_compute.step_flops(StepShape(512, 512), "sdxl")


def test_bound_and_efficiency():
    flops = sd_compute.step_flops(sd_compute.SETTINGS["sd-txt2img"])
    bound = sd_compute.sd_bound_it_per_s(flops, 165.2)
    assert bound == pytest.approx(165.2e12 / flops)
    assert sd_compute.efficiency(bound / 2, bound) == pytest.approx(0.5)
    with pytest.raises(EfficiencyAboveOneError, match=r"RTX 4090 sd-txt2img: .* above its compute"):
        sd_compute.efficiency(bound * 1.01, bound, what="RTX 4090 sd-txt2img")
    with pytest.raises(ValueError, match="positive"):
        sd_compute.sd_bound_it_per_s(flops, 0)


def counted_by_torch(architecture: str, latent_hw: tuple[int, int], batch: int) -> int:
    """FLOPs of one UNet forward as PyTorch's FlopCounterMode counts them: the diffusers UNet
    built from the same config on the meta device (no memory, no arithmetic), with diffusers'
    plain attention processor so that attention runs as two batched matrix products."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("diffusers")
    from diffusers.models.attention_processor import AttnProcessor
    from gpusurvey.bench.workloads import sd_models
    from torch.utils.flop_counter import FlopCounterMode

    unet = sd_models.build_components(architecture, device="meta")["unet"]
    unet.set_attn_processor(AttnProcessor())
    _, tokens = sd_compute.load_configs(architecture)
    latents = torch.empty(batch, unet.config.in_channels, *latent_hw, device="meta")
    context = torch.empty(batch, tokens, unet.config.cross_attention_dim, device="meta")
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        unet(latents, torch.tensor(999, device="meta"), encoder_hidden_states=context)
    return counter.get_total_flops()


def test_sd15_step_at_512_matches_pytorch_flop_counter():
    analytic = sd_compute.step_flops(sd_compute.SETTINGS["sd-txt2img"])
    independent = counted_by_torch("sd15", (64, 64), 2)
    assert abs(analytic - independent) / independent < 0.02, (analytic, independent)


@pytest.mark.parametrize("latent_hw", [(54, 96), (9, 13)])
def test_odd_latent_sizes_follow_the_unet(latent_hw):
    """Sizes that do not halve evenly (768x432's 54 rows: 27, 14, 7) take the UNet's own
    rounding in the down path and its resize to the skip's size in the up path. Both count
    the same operations at the same convention, so they agree exactly: any difference is a
    layer or a resolution the model gets wrong."""
    unet, tokens = sd_compute.load_configs("sd-tiny")
    analytic = sd_compute.unet_flops(unet, latent_hw, 2, tokens)
    assert analytic == counted_by_torch("sd-tiny", latent_hw, 2)
