"""Regenerate, re-measure and extend a survey of consumer NVIDIA GPUs for local AI.

Two halves share one contract: ``gpusurvey.bench`` measures and writes measurement
records (``gpusurvey.record``); the reporting modules (data, tables, figures, macros,
verify) read them. Neither half imports the other, and nothing here imports torch at
module level.
"""

__version__ = "0.1.0"
