"""The frame of a Snakemake script: its messages in the rule's log, its error on the terminal too.

The scripts send stderr to their rule's log, so a failure shows on the terminal only as
``Error in rule perf_tables: message: None`` with the reason in the log; ``reason_on_terminal``
writes the reason (a DataError names the file and the key) to the terminal as well.
``script_log`` is the whole frame every script runs its work in.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator

LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"
"""How the package's log records read in a rule's log (``script_log(..., messages=True)``)."""


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


@contextlib.contextmanager
def script_log(log: str, rule: str, messages: bool = False) -> Iterator[None]:
    """Run a script's work with stderr in the rule's ``log``, and with ``messages`` the package's
    log records from INFO up too; an exception's reason also reaches the terminal, and its
    traceback the log. The log stays stderr until the script ends (the traceback of a failure is
    written after the block), so it is not closed here."""
    sys.stderr = open(log, "w", encoding="utf-8")  # open until the process ends
    if messages:
        logging.basicConfig(stream=sys.stderr, level=logging.INFO, format=LOG_FORMAT)
    with reason_on_terminal(rule):
        yield
