"""``gpusurvey fit``: the arguments and the command (the logic lives in ``reports.fit``).

    gpusurvey fit --gpu "RTX 4060 Ti 16GB" --model qwen2.5-14b --format q4_k_m --context 8192
    gpusurvey fit --model llama-3.1-70b --format q4_k_m          # every card, cheapest first
    gpusurvey fit --gpu "RTX 3060" --model mistral-7b --json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from gpusurvey.models.memory import DEFAULT_HEADROOM_GIB

DATA = Path(__file__).resolve().parents[3] / "data"
"""The checkout's data folder (models.csv, gpus.csv, vram.csv, literature.csv, published/)."""


def add_parser(sub) -> None:
    p = sub.add_parser("fit", help="will a model fit on a card, and how fast will it decode "
                                   "(memory breakdown, bound, predicted tokens/s)")
    p.add_argument("--gpu", default=None,
                   help="a card of data/gpus.csv, any spelling (omit: every card, cheapest first)")
    p.add_argument("--model", required=True, help="a model id of data/models.csv (qwen2.5-14b)")
    p.add_argument("--format", default="q4_k_m",
                   help="gptq-4bit-g128, q4_0, q4_k_m, q5_k_m, q8_0 or fp16 (default q4_k_m)")
    p.add_argument("--context", default="4096", help="tokens the KV cache holds (default 4096)")
    p.add_argument("--headroom", default=str(DEFAULT_HEADROOM_GIB),
                   help=f"GiB kept free for the display and other programs (default {DEFAULT_HEADROOM_GIB})")
    p.add_argument("--kv-cache", default="fp16",
                   help="the KV cache's precision: fp16, or llama.cpp's q8_0 or q4_0 (default fp16)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.add_argument("--data", type=Path, default=DATA, help="the data folder to read")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Checks every argument before reading more than it needs; a bad one raises FitInputError
    (``gpusurvey: --context: ...``, exit status 2). pandas is imported here, not when the
    command line is parsed, so that ``gpusurvey bench`` starts without it."""
    from gpusurvey.reports import fit, fit_text

    fmt = fit.resolve_format(args.format)
    context = fit.check_context(args.context)
    headroom = fit.check_headroom(args.headroom)
    cache = fit.check_cache(args.kv_cache)
    data = fit.load_fit_data(fit.DataPaths.under(args.data))
    model = fit.resolve_model(data, args.model)
    if args.gpu is None:
        fits = fit.every_card(data, model, fmt, context, headroom, cache)
        print(json.dumps([fit_text.as_json(f) for f in fits], indent=2) if args.json
              else fit_text.card_list(fits))
        return 0
    one = fit.plan(data, fit.resolve_gpu(data, args.gpu), model, fmt, context, headroom, cache)
    cheapest = fit.cheapest_fit(data, model, fmt, context, headroom, cache)
    if args.json:
        print(json.dumps({**fit_text.as_json(one),
                          "cheapest_fit": None if cheapest is None else cheapest.gpu}, indent=2))
    else:
        print(fit_text.describe(one, cheapest))
    return 0
