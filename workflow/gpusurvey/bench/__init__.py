"""The measuring half: harness, environment capture, workloads and synthetic checkpoints.

Writes measurement records (``gpusurvey.core.record``) and never imports the reporting half.
Heavy libraries (torch, diffusers, exllamav2) are imported inside the workloads only.
"""
