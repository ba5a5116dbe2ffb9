"""exllamav2 on a real CUDA GPU (skipped elsewhere): the tiny synthetic GPTQ checkpoint loads,
decodes into a valid record, and its logits match the dequantised fp32 reference."""

from __future__ import annotations

import numpy as np
import pytest
from gpusurvey.bench import harness, llm_checkpoint
from gpusurvey.bench.llm_backends import exllamav2_config
from gpusurvey.bench.synth import llama_gptq
from gpusurvey.bench.workloads.llm_decode import LlmDecodeConfig, LlmDecodeWorkload
from gpusurvey.core import record as rec
from gpusurvey.models.llama import PRESETS
from llama_gptq_reference import state_dict

torch = pytest.importorskip("torch")
pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU"),
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    pytest.importorskip("exllamav2")  # compiles its CUDA extension on first import
    return llama_gptq.write("llama-tiny", tmp_path_factory.mktemp("weights") / "llama-tiny-gptq")


def test_exllamav2_decodes_the_tiny_synthetic_checkpoint(tiny, tmp_path):
    config = LlmDecodeConfig.for_profile("smoke", checkpoint=str(tiny), backend="exllamav2")
    record = harness.measure(LlmDecodeWorkload(config, "cuda"), "smoke")
    assert record.status == "ok", record.error
    rec.save(record, tmp_path / "llm-decode.json")
    assert record.backend["library"] == "exllamav2"
    assert record.weights == {"kind": "synthetic", "sha256": llm_checkpoint.digest(tiny),
                              "name": f"llama-tiny-gptq (gpusurvey synth, seed {llama_gptq.SEED})"}
    assert record.metrics["decode_tokens_per_s"].mean > 0
    assert record.extra["quantised_parameters"] == 2 * (4 * 256 * 256 + 3 * 256 * 512)


def test_exllamav2_logits_match_the_dequantised_reference(tiny):
    from exllamav2 import ExLlamaV2
    from transformers import LlamaConfig, LlamaForCausalLM

    shape = PRESETS["llama-tiny"]
    ids = torch.randint(0, shape.vocab, (1, 32), generator=torch.Generator().manual_seed(0))
    model = ExLlamaV2(exllamav2_config(str(tiny)))
    model.load()
    with torch.inference_mode():
        got = model.forward(ids).float().cpu().numpy()[0]
    model.unload()

    values = {k: v for k, v in shape.hf_config().items() if k != "quantization_config"}
    reference = LlamaForCausalLM(LlamaConfig(**values)).eval()
    reference.load_state_dict({k: torch.from_numpy(v) for k, v in state_dict(tiny).items()},
                              strict=False)
    with torch.inference_mode():
        want = reference(input_ids=ids).logits.numpy()[0]
    assert np.isfinite(got).all()
    assert np.corrcoef(got.ravel(), want.ravel())[0, 1] > 0.99
    assert (got.argmax(-1) == want.argmax(-1)).mean() >= 0.9
