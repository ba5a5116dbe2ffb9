"""Models of the hardware limit that both halves use: LLaMA's shapes and the decode roofline
(bytes read per token from the architecture and weight format)."""
