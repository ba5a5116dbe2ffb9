"""Regenerate, re-measure and extend a survey of consumer NVIDIA GPUs for local AI.

The package is grouped by stage, as the rules are. ``registry`` says what the pipeline knows
(workloads, tables, figures, notebooks). ``core`` holds the one contract between the two
halves, the measurement record, with the primitives both use; ``models`` the hardware limits.
The measuring half, ``bench``, imports only those; the reporting half reads the ``inputs``,
writes the ``reports`` and builds the ``paper``. Nothing here imports torch at module level;
``tests/test_layout.py`` checks the import boundaries.
"""

__version__ = "0.1.0"
