"""The decode roofline of Table 5: batch-1 decoding reads every weight once per token, so
tokens/s cannot exceed memory bandwidth / bytes read per token.

Bytes per token of LLaMA-13B in GPTQ 4-bit, group size 128 (shapes from the model card:
40 layers, hidden 5120, FFN 13824, vocabulary 32000; see shared/reference/README.md):
the quantised linear layers hold 12.688 B parameters at 0.5 byte of packed weights plus
2/128 byte of fp16 scales plus 0.5/128 byte of packed int32 zeros per parameter; the fp16
output layer (5120 x 32000) adds 2 bytes per parameter. The KV cache (0.82 MB per token of
context) is left out: at the survey's few hundred tokens it adds under 5 %, and the bound
stays an upper limit without it.
"""

from __future__ import annotations

LLAMA13B_QUANTISED_PARAMS = 12_688_000_000
GPTQ_GROUP_SIZE = 128
GPTQ_BYTES_PER_PARAM = 0.5 + 2 / GPTQ_GROUP_SIZE + 0.5 / GPTQ_GROUP_SIZE
"""Packed 4-bit weights, fp16 scales and packed 4-bit zeros per group: 0.51953125 byte."""
LLAMA13B_OUTPUT_LAYER_BYTES = 5120 * 32000 * 2

LLAMA13B_GPTQ_BYTES_PER_TOKEN = round(
    LLAMA13B_QUANTISED_PARAMS * GPTQ_BYTES_PER_PARAM + LLAMA13B_OUTPUT_LAYER_BYTES
)
"""Bytes of weights one decoded token reads: about 6.92 GB."""


def bound_tokens_per_s(memory_bandwidth_gbs: float,
                       bytes_per_token: int = LLAMA13B_GPTQ_BYTES_PER_TOKEN) -> float:
    """The bandwidth bound on batch-1 decode speed (tokens/s); bandwidth in GB/s (10^9 bytes)."""
    return memory_bandwidth_gbs * 1e9 / bytes_per_token
