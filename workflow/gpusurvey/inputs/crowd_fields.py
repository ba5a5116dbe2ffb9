"""One row of the crowd's Stable Diffusion benchmark database, as typed fields.

The database (``data/crowd/``, format in ``data/crowd/README.md``) holds one JSON array of
strings per result: id, time, it/s per batch size, app, system, libraries, device, attention
and memory mode, checkpoint, submitter and a free-text note. Fields are ``key:value`` words
or fixed positions inside one string; a word that is missing leaves its column empty, and a
field that cannot be read at all leaves the whole row to ``crowd.classify`` (``malformed
row``). Nothing here decides whether a row counts.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

BATCHES = (1, 2, 4, 8, 16)
"""Batch sizes of the it/s field, in order (the first dumps stop at 4)."""

MIN_FIELDS = 10
"""Fields a row must have: the note (index 10) is missing from a few rows of later dumps."""

RATE_UNPARSED = "unparsed"
"""What a rate that is not a number (``error``, empty) becomes in ``rate_problems``."""

_DEVICE = re.compile(
    r"device:(?P<name>.*?)\s*(?:\((?P<count>\d+)\)\s*)?(?:\((?P<arch>[a-z]+_\d+)\)\s*)?"
    r"(?:\((?P<cc>\d+),\s*(?P<ccm>\d+)\)\s*)?(?=cuda:|hip:|\d+GB|$)")
_VRAM = re.compile(r"(\d+(?:\.\d+)?)\s*GB\s*$")
_CHECKPOINT_HASH = re.compile(r"\s*\[([0-9a-fA-F]+)\]\s*$")
_TORCH = re.compile(r"^(?P<version>[^+\s]+)(?:\+(?P<tag>\S+))?$")
_SDP = {"sdp", "sdp-no-mem"}


@dataclass(slots=True)
class CrowdRow:
    """The typed fields of one row (empty strings and None where a row does not say)."""

    id: int
    time: str
    rates: dict[int, float] = field(default_factory=dict)
    """it/s by batch size; NaN where the field holds no number."""
    rate_problems: dict[int, str] = field(default_factory=dict)
    """By batch size: ``unparsed``, ``not finite`` or ``not positive``."""
    app_updated: str = ""
    app_hash: str = ""
    app_url: str = ""
    host: str = ""
    arch: str = ""
    cpu: str = ""
    os: str = ""
    os_release: str = ""
    python: str = ""
    torch: str = ""
    torch_major: int | None = None
    torch_tag: str = ""
    """``cu118``, ``rocm5.4.2``, ``cpu``, or empty where the version has no ``+`` tag."""
    precision: str = ""
    xformers: str = ""
    accelerate: str = ""
    transformers: str = ""
    device: str = ""
    """The device's name as the driver gave it (empty for Apple MPS and many CPU rows)."""
    gpu_count: int | None = None
    compute_capability: str = ""
    cuda: str = ""
    cudnn: str = ""
    hip: str = ""
    vram_gb: float | None = None
    attention: str = ""
    attention_group: str = ""
    """``xformers``, ``SDPA`` (PyTorch's scaled dot product attention) or ``other``."""
    memory_mode: str = ""
    checkpoint: str = ""
    checkpoint_hash: str = ""
    submitter: str = ""
    note: str = ""
    extra: str = ""
    """Fields past the note (rows of 12 fields), joined by `` | ``."""


def keyed(text: str) -> dict[str, str]:
    """The ``key:value`` words of a field (values stop at white space; a later key wins)."""
    out = {}
    for word in text.split():
        key, sep, value = word.partition(":")
        if sep and key.isalnum():
            out[key] = value
    return out


def parse_rate(text: str) -> tuple[float, str]:
    """One it/s value and its problem (empty when it is a finite positive number)."""
    try:
        value = float(text.strip())
    except ValueError:
        return math.nan, RATE_UNPARSED
    if not math.isfinite(value):
        return value, "not finite"
    if value <= 0:
        return value, "not positive"
    return value, ""


def _rates(row: CrowdRow, text: str) -> None:
    parts = text.split("/")
    for batch, part in zip(BATCHES, parts, strict=False):
        value, problem = parse_rate(part)
        row.rates[batch] = value
        if problem:
            row.rate_problems[batch] = problem
    for batch in BATCHES[len(parts):]:
        row.rates[batch] = math.nan


def _app(row: CrowdRow, text: str) -> None:
    words = keyed(text)
    row.app_updated, row.app_hash, row.app_url = (words.get(k, "") for k in ("updated", "hash", "url"))


def _system(row: CrowdRow, text: str) -> None:
    words = keyed(text)
    row.host, row.arch, row.os, row.os_release, row.python = (
        words.get(k, "") for k in ("host", "arch", "system", "release", "python"))
    cpu = re.search(r"cpu:(.*?)\s+system:", text)
    row.cpu = cpu.group(1) if cpu else words.get("cpu", "")


def _libraries(row: CrowdRow, text: str) -> None:
    words = keyed(text)
    row.torch, row.xformers, row.accelerate, row.transformers = (
        words.get(k, "") for k in ("torch", "xformers", "accelerate", "transformers"))
    version = _TORCH.match(row.torch)
    if version:
        row.torch_tag = version.group("tag") or ""
        major = version.group("version").split(".")[0]
        row.torch_major = int(major) if major.isdigit() else None
    precision = re.search(r"torch:\S+\s+(.*?)\s+xformers:", text)
    row.precision = precision.group(1) if precision else ""


def _device(row: CrowdRow, text: str) -> None:
    words = keyed(text)
    row.cuda, row.cudnn, row.hip = (words.get(k, "") for k in ("cuda", "cudnn", "hip"))
    vram = _VRAM.search(text)
    row.vram_gb = float(vram.group(1)) if vram else None
    match = _DEVICE.search(text)
    if match:
        row.device = match.group("name").strip()
        row.gpu_count = int(match.group("count")) if match.group("count") else None
        if match.group("cc"):
            row.compute_capability = f"{match.group('cc')}.{match.group('ccm')}"


def attention_group(attention: str) -> str:
    """``xformers``, ``SDPA`` or ``other`` for the web UI's cross-attention optimisation
    (``sdp``, ``sdp-no-mem`` and later spellings such as ``Scaled-Dot-Product`` are SDPA)."""
    name = attention.lower()
    if name == "xformers":
        return "xformers"
    return "SDPA" if name in _SDP or name.startswith("scaled-dot-product") else "other"


def _modes(row: CrowdRow, text: str) -> None:
    attention, _, memory = text.strip().partition(" ")
    row.attention, row.memory_mode = attention, memory.strip()
    row.attention_group = attention_group(attention)


def _checkpoint(row: CrowdRow, text: str) -> None:
    found = _CHECKPOINT_HASH.search(text)
    row.checkpoint_hash = found.group(1) if found else ""
    row.checkpoint = (text[:found.start()] if found else text).strip()


def parse_row(raw: list) -> CrowdRow:
    """The typed fields of one raw row; ValueError (with what was wrong) for a malformed one:
    not an array of at least ``MIN_FIELDS`` strings, or an id that is not an integer."""
    if not isinstance(raw, list) or len(raw) < MIN_FIELDS:
        raise ValueError(f"expected an array of at least {MIN_FIELDS} fields, got "
                         f"{len(raw) if isinstance(raw, list) else type(raw).__name__}")
    if isinstance(raw[0], bool) or not all(v is None or isinstance(v, str) for v in raw[1:]):
        raise ValueError("expected every field after the id to be a string (or null)")
    raw = [raw[0], *("" if v is None else v for v in raw[1:])]
    try:
        ident = int(str(raw[0]).strip())
    except ValueError:
        raise ValueError(f"id '{raw[0]}' is not an integer") from None
    row = CrowdRow(id=ident, time=raw[1].strip())
    _rates(row, raw[2])
    _app(row, raw[3])
    _system(row, raw[4])
    _libraries(row, raw[5])
    _device(row, raw[6])
    _modes(row, raw[7])
    _checkpoint(row, raw[8])
    row.submitter = raw[9].strip()
    row.note = raw[10].strip() if len(raw) > MIN_FIELDS else ""
    row.extra = " | ".join(v.strip() for v in raw[MIN_FIELDS + 1:])
    return row
