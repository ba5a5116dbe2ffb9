"""Stable Diffusion 1.5 pipelines for the benchmarks: synthetic weights from shipped configs, or a
local checkpoint; prompts as fixed token ids where no tokenizer is at hand; attention switches.

The configs under ``gpusurvey/bench/configs/`` are diffusers pipeline folders without weights:
``sd15`` is SD 1.5's exact architecture (UNet 859.5 M parameters, CLIP ViT-L/14 text encoder
123.1 M, VAE 83.7 M), ``sd-tiny`` the same block layout with tiny widths for the smoke profile.
``sd15`` also serves as the ``config`` folder of single-file checkpoints, so loading one never
asks the model hub for configs. torch, diffusers and transformers are imported inside functions.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from typing import Any

from gpusurvey.core.errors import DataError

CONFIG_DIR = Path(__file__).resolve().parents[1] / "configs"
ARCHITECTURES = ("sd15", "sd-tiny")
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".ckpt", ".pt", ".pth")
ATTENTION = ("sdpa", "xformers")


def architecture_dir(architecture: str) -> Path:
    if architecture not in ARCHITECTURES:
        raise ValueError(f"architecture: expected one of {ARCHITECTURES}, got '{architecture}'")
    return CONFIG_DIR / architecture


def build_components(architecture: str, device: Any = "cpu", dtype: Any = None) -> dict[str, Any]:
    """UNet, VAE, CLIP text encoder (randomly initialised) and scheduler of ``architecture``,
    created directly on ``device`` in ``dtype`` (default float32); "meta" allocates nothing."""
    import torch
    from diffusers import AutoencoderKL, EulerAncestralDiscreteScheduler, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    folder = architecture_dir(architecture)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype or torch.float32)
    try:
        with torch.device(device):
            unet = UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(folder / "unet"))
            vae = AutoencoderKL.from_config(AutoencoderKL.load_config(folder / "vae"))
            text_encoder = CLIPTextModel(CLIPTextConfig.from_pretrained(folder / "text_encoder"))
    finally:
        torch.set_default_dtype(previous)
    scheduler = EulerAncestralDiscreteScheduler.from_pretrained(folder, subfolder="scheduler")
    return {"unet": unet, "vae": vae, "text_encoder": text_encoder, "scheduler": scheduler}


def parameter_counts(modules: dict[str, Any]) -> dict[str, int]:
    """Parameters of the UNet, text encoder and VAE among ``modules`` (a pipeline's components)."""
    counts = {}
    for name in ("unet", "text_encoder", "vae"):
        module = getattr(modules[name], "_orig_mod", modules[name])  # through torch.compile
        counts[name] = sum(p.numel() for p in module.parameters())
    return counts


def synthetic_pipeline(architecture: str, device: str, dtype: Any, seed: int):
    """A StableDiffusionPipeline of ``architecture`` with random weights (no tokenizer)."""
    import torch
    from diffusers import StableDiffusionPipeline

    torch.manual_seed(seed)
    components = build_components(architecture, device, dtype)
    return StableDiffusionPipeline(**components, tokenizer=None, safety_checker=None,
                                   feature_extractor=None, requires_safety_checker=False)


def check_checkpoint(path: str) -> Path:
    """The checkpoint path as a Path; a DataError unless it is a diffusers folder or a
    single ``.safetensors`` file."""
    p = Path(path).expanduser()
    if p.is_dir():
        if not (p / "model_index.json").is_file():
            raise DataError(p, "key 'checkpoint': expected a diffusers folder with model_index.json")
        return p
    if p.is_file():
        if p.suffix != ".safetensors":
            raise DataError(p, "key 'checkpoint': expected a .safetensors file or a diffusers folder")
        return p
    raise DataError(p, "key 'checkpoint': no such file or folder")


def load_checkpoint(path: Path, device: str, dtype: Any):
    """A StableDiffusionPipeline from a local diffusers folder or single ``.safetensors`` file
    (local files only; the safety checker is left out, as in the survey's tools)."""
    from diffusers import EulerAncestralDiscreteScheduler, StableDiffusionPipeline

    common = {"dtype": dtype, "local_files_only": True, "safety_checker": None,
              "feature_extractor": None, "requires_safety_checker": False}
    if path.is_dir():
        pipe = StableDiffusionPipeline.from_pretrained(path, **common)
    else:
        pipe = StableDiffusionPipeline.from_single_file(
            path, config=str(architecture_dir("sd15")), tokenizer=None, **common
        )
    # The same sampler as the synthetic pipelines, whatever the checkpoint shipped with.
    pipe.scheduler = EulerAncestralDiscreteScheduler.from_config(
        EulerAncestralDiscreteScheduler.load_config(architecture_dir("sd15"), subfolder="scheduler")
    )
    return pipe.to(device)


def checkpoint_sha256(path: Path) -> str:
    """sha256 of a single file; for a folder, of the list of its weight files' relative paths
    and sha256s (sorted), so renaming nothing and changing any weight changes the digest."""
    if path.is_file():
        return _file_sha256(path)
    lines = []
    for file in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in WEIGHT_SUFFIXES):
        lines.append(f"{file.relative_to(path).as_posix()}  {_file_sha256(file)}\n")
    if not lines:
        raise DataError(path, "key 'checkpoint': the folder holds no weight files "
                              f"({', '.join(WEIGHT_SUFFIXES)})")
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def fixed_token_ids(text: str, vocab_size: int, length: int) -> list[int]:
    """Token ids standing in for ``text`` where no tokenizer is available: begin token, one id
    per word (derived from the word's hash), end token, padded with the end token to ``length``
    as CLIP's tokenizer pads. The text encoder does the same work as for real tokens."""
    bos, eos = vocab_size - 2, vocab_size - 1  # CLIP's <|startoftext|>, <|endoftext|>
    words = [int.from_bytes(hashlib.sha256(w.encode()).digest()[:4], "big") % (vocab_size - 2)
             for w in text.split()]
    ids = [bos, *words[: length - 2], eos]
    return ids + [eos] * (length - len(ids))


def xformers_problem(device: str) -> str | None:
    """Why xformers' attention cannot run here, or None when it can."""
    if device != "cuda":
        return f"it needs a CUDA GPU and this run is on '{device}'"
    if importlib.util.find_spec("xformers") is None:
        return "the xformers package is not installed"
    try:
        import xformers
        import xformers.ops  # noqa: F401 - the attention entry point diffusers calls
    except Exception as exc:  # noqa: BLE001 - any import failure means it cannot run
        return f"importing xformers failed ({type(exc).__name__}: {exc})"
    if not getattr(xformers, "_has_cpp_library", False):
        return ("xformers' compiled extension does not load beside this torch build "
                "(its attention would fall back to PyTorch's own kernels)")
    return None


def set_attention(pipe, attention: str, device: str) -> None:
    """Switch the pipeline's attention to ``attention`` (sdpa: PyTorch's scaled_dot_product_attention
    through diffusers' AttnProcessor2_0; xformers: diffusers' xformers switch)."""
    if attention not in ATTENTION:
        raise ValueError(f"attention: expected one of {ATTENTION}, got '{attention}'")
    if attention == "xformers":
        problem = xformers_problem(device)
        if problem is not None:
            raise RuntimeError(f"attention 'xformers' cannot run: {problem}; "
                               "use attention=sdpa (PyTorch's own attention) instead")
        pipe.enable_xformers_memory_efficient_attention()
        return
    from diffusers.models.attention_processor import AttnProcessor2_0

    for name in ("unet", "vae"):
        getattr(pipe, name).set_attn_processor(AttnProcessor2_0())


def attention_processors(module) -> list[str]:
    """Class names of the attention processors installed in ``module`` (a UNet or VAE)."""
    module = getattr(module, "_orig_mod", module)
    return sorted({type(p).__name__ for p in module.attn_processors.values()})
