"""``gpusurvey fit``'s output: one card's memory breakdown, whether it fits and by how much, the
bound and the predicted speed (marked predicted), the cheapest card that fits; or every card,
cheapest first; or the same as JSON."""

from __future__ import annotations

from typing import Any

from gpusurvey.models.memory import BACKENDS, FORMAT_LABELS, SCRATCH
from gpusurvey.reports.fit import GIB, Fit

GB = 1e9


def _gb(value: float) -> str:
    return f"{value / GB:.2f} GB"


def _speed(fit: Fit) -> str:
    s = fit.speed
    if not fit.fits:
        return "none (it does not fit)"
    if s.predicted is None:
        return "no prediction (no software group of today measured on 3 or more cards runs this format)"
    return (f"{s.predicted:.1f} tokens/s, interval {s.low:.1f}-{s.high:.1f} [predicted: "
            f"{s.software}'s efficiency on {s.cards} cards]")


def describe(fit: Fit, cheapest: Fit | None) -> str:
    shape = fit.model.shape
    m = fit.memory
    width, chunk = SCRATCH[_backend(fit)]
    verdict = (f"fits, {_gb(fit.spare)} to spare" if fit.fits
               else f"does not fit, short by {_gb(-fit.spare)}")
    lines = [
        f"{fit.gpu} ({fit.capacity / GIB:g} GiB), {fit.model.name} in {FORMAT_LABELS[fit.fmt]}, "
        f"context {fit.context} tokens",
        f"  weights   {_gb(m.weights):>10}  ({_backend(fit)}; the parts the GPU holds)",
        f"  KV cache  {_gb(m.kv_cache):>10}  ({fit.cache}: {fit.context} tokens x {shape.layers} layers x "
        f"{shape.kv_heads} KV heads x {shape.head_dim} x 2)",
        f"  scratch   {_gb(m.scratch):>10}  (attention scores and FFN of a {chunk or 'whole'}-token "
        f"prompt chunk, {width} bytes each)",
        f"  runtime   {_gb(m.runtime):>10}  (CUDA context and libraries, data/vram.csv)",
        f"  total     {_gb(m.total):>10}  of {_gb(fit.capacity)} less {_gb(fit.headroom)} headroom: "
        f"{verdict}",
        f"  decode bound      {fit.speed.bound:.1f} tokens/s (memory bandwidth / bytes per token)",
        f"  decode predicted  {_speed(fit)}",
    ]
    if cheapest is None:
        lines.append("  cheapest listed card on which it fits: none")
    else:
        lines.append(f"  cheapest listed card on which it fits: {cheapest.gpu} "
                     f"(${cheapest.price:,.0f} at launch, {_gb(cheapest.spare)} to spare)")
    return "\n".join(lines)


def _backend(fit: Fit) -> str:
    return BACKENDS[fit.fmt]


def card_list(fits: list[Fit]) -> str:
    """One line per card, cheapest first."""
    first = fits[0]
    head = (f"{first.model.name} in {FORMAT_LABELS[first.fmt]}, context {first.context} tokens: "
            f"needs {_gb(first.memory.total)} (runtime included) plus {_gb(first.headroom)} headroom; "
            "speeds in tokens/s, the last column predicted (not measured)")
    rows = [head, f"{'card':<18} {'price':>7} {'memory':>9} {'spare':>10} {'bound':>7} {'predicted':>17}"]
    for f in fits:
        spare = f"{f.spare / GB:+.2f} GB"
        pred = (f"{f.speed.predicted:.1f} ({f.speed.low:.0f}-{f.speed.high:.0f})"
                if f.speed.predicted is not None and f.fits else "-")
        rows.append(f"{f.gpu:<18} {'$' + format(f.price, ',.0f'):>7} {f.capacity / GIB:>5g} GiB "
                    f"{spare:>10} {f.speed.bound:>7.1f} {pred:>17}" + ("" if f.fits else "  does not fit"))
    return "\n".join(rows)


def as_json(fit: Fit) -> dict[str, Any]:
    s = fit.speed
    return {
        "gpu": fit.gpu, "model": fit.model.model, "format": fit.fmt, "context": fit.context,
        "kv_cache_precision": fit.cache,
        "memory_bytes": {**fit.memory.terms(), "total": fit.memory.total},
        "capacity_bytes": fit.capacity, "headroom_bytes": fit.headroom, "fits": fit.fits,
        "spare_bytes": fit.spare, "launch_price_usd": fit.price,
        "decode_bound_tokens_per_s": s.bound,
        "decode_predicted": None if s.predicted is None else {
            "tokens_per_s": s.predicted, "low": s.low, "high": s.high, "software": s.software,
            "kind": "predicted"},
    }
