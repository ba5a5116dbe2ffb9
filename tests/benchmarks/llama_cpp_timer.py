"""Does the harness time llama.cpp the way llama.cpp times itself? (a benchmark script, not a test)

Loads a GGUF file with the llm-decode workload's llama.cpp backend, and for each of a few
generations compares the harness's decode time (perf_counter around the single-token
evaluations and the argmax of their logits) with llama.cpp's own timer for the same
evaluations (``llama_perf_context``: eval time and count). Prints both per generation and
their ratio; exits 1 when the decode tokens/s differ by more than 3 % or the counts disagree.
Usage:

    .venv/bin/python tests/benchmarks/llama_cpp_timer.py results/weights/llama-13b-gguf-q4_k_m.gguf
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "workflow"))

from gpusurvey.bench import harness  # noqa: E402
from gpusurvey.bench.workloads.llm_decode import LlmDecodeConfig, LlmDecodeWorkload  # noqa: E402

TOLERANCE = 0.03


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint", type=Path, help="a LLaMA .gguf file")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--generations", type=int, default=2)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="llm-decode setting (default: the full profile's 128 + 400 tokens)")
    args = parser.parse_args()

    harness.offline()
    overrides = dict(item.split("=", 1) for item in args.set)
    config = LlmDecodeConfig.for_profile("full", backend="llama.cpp", checkpoint=str(args.checkpoint),
                                         memory_bandwidth_gbs="1", **overrides)
    workload = LlmDecodeWorkload(config, args.device)
    workload.setup()
    runner = workload._runner
    worst = 0.0
    try:
        runner.generate(workload.prompt, config.new_tokens)  # cold call, not compared
        for i in range(args.generations):
            runner.reset_perf()
            gen = runner.generate(workload.prompt, config.new_tokens)
            perf = runner.perf()
            steps = config.new_tokens - 1
            harness_tps = steps / gen.decode_s
            llama_tps = perf["evals"] / (perf["eval_ms"] / 1e3)
            ratio = harness_tps / llama_tps
            worst = max(worst, abs(ratio - 1))
            print(json.dumps({"generation": i, "decode_steps": steps, "llama_cpp_evals": perf["evals"],
                              "harness_decode_s": round(gen.decode_s, 4),
                              "llama_cpp_eval_s": round(perf["eval_ms"] / 1e3, 4),
                              "harness_tokens_per_s": round(harness_tps, 4),
                              "llama_cpp_tokens_per_s": round(llama_tps, 4),
                              "ratio": round(ratio, 5),
                              "prompt_tokens": perf["prompt_tokens"],
                              "harness_ttft_s": round(gen.ttft_s, 4),
                              "llama_cpp_prompt_eval_s": round(perf["prompt_eval_ms"] / 1e3, 4)}))
            if perf["evals"] != steps or perf["prompt_tokens"] != config.prompt_tokens:
                print(f"llama.cpp counted {perf['evals']} evaluations and {perf['prompt_tokens']} "
                      f"prompt tokens; the harness {steps} and {config.prompt_tokens}")
                return 1
    finally:
        workload.teardown()
    print(f"largest difference in decode tokens/s: {worst:.2%} (tolerance {TOLERANCE:.0%}, "
          f"threads {runner.threads}, {args.checkpoint.name})")
    return 0 if worst <= TOLERANCE else 1


if __name__ == "__main__":
    sys.exit(main())
