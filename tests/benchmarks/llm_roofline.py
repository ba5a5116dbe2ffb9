"""Does exllamav2 reach the bandwidth bound? (a benchmark script, not a test; needs CUDA)

Writes the synthetic LLaMA-13B GPTQ checkpoint once into the temporary folder that
`gpusurvey validate` uses too (or reads --checkpoint), runs the full
llm-decode workload with exllamav2 through the harness, saves the record, and prints decode
tokens/s, the memory-bandwidth bound and the efficiency. Target: efficiency at least 0.80
(exllamav2 reaches about 0.81 on an RTX 4090). Exits 1 below the target. Usage:

    .venv/bin/python tests/benchmarks/llm_roofline.py --out data/measurements/<gpu>/llm-decode.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "workflow"))

from gpusurvey.bench import harness  # noqa: E402
from gpusurvey.bench.synth import llama_gptq  # noqa: E402
from gpusurvey.bench.workloads.llm_decode import LlmDecodeConfig, LlmDecodeWorkload  # noqa: E402
from gpusurvey.core import record  # noqa: E402

TARGET = 0.80


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, default=llama_gptq.scratch_folder("llama-13b"))
    parser.add_argument("--out", type=Path, required=True, help="record path (JSON)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()

    harness.offline()
    if not (args.checkpoint / "config.json").exists():
        llama_gptq.write("llama-13b", args.checkpoint)
    overrides = dict(item.split("=", 1) for item in args.set)
    config = LlmDecodeConfig.for_profile("full", checkpoint=str(args.checkpoint), backend="exllamav2",
                                         **overrides)
    result = harness.measure(LlmDecodeWorkload(config, harness.resolve_device("cuda")), "full")
    record.save(result, args.out)
    if result.status != "ok":
        print(json.dumps({"status": result.status, "error": result.error}))
        return 1
    extra = result.extra
    print(json.dumps({
        "gpu": result.gpu, "decode_tokens_per_s": result.value,
        "cv": result.metrics["decode_tokens_per_s"].cv,
        "ttft_s": result.metrics["ttft_s"].mean,
        "bytes_per_token": extra["bytes_per_token"], "bound_tokens_per_s": extra["bound_tokens_per_s"],
        "memory_bandwidth": [extra["memory_bandwidth_gbs"], extra["memory_bandwidth_source"]],
        "efficiency": extra["efficiency"], "target": TARGET,
    }, indent=2))
    return 0 if extra["efficiency"] is not None and extra["efficiency"] >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
