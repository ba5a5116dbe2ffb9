"""Synthetic checkpoints: the exact tensor layout of a real model, filled with seeded values.

Benchmarks that time memory traffic and arithmetic need the shapes and formats of the real
weights, not their values; these writers need no download and give the same bytes every time.
"""
