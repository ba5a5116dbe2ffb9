"""A Snakemake script's error on the terminal, not only in its log.

The scripts send stderr to their rule's log, so a failure shows on the terminal only as
``Error in rule perf_table: message: None`` with the reason in the log; ``reason_on_terminal``
writes the reason (a DataError names the file and the key) to the terminal as well.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def reason_on_terminal(rule: str) -> Iterator[None]:
    """Re-raise any exception of the block after writing ``<rule>: <message>`` to the process's
    original stderr (the terminal Snakemake runs in)."""
    try:
        yield
    except Exception as exc:
        terminal = sys.__stderr__
        if terminal is not None:
            print(f"{rule}: {exc}", file=terminal, flush=True)
        raise
