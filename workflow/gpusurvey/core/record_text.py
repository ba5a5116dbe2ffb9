"""Free text a record may carry: what the paper's fonts can print, and not too long.

A record's free-text fields reach the tables' notes, the figures' labels and the provenance
appendix of both PDFs (XeLaTeX, Latin Modern for Latin and Nanum for Hangul). One character
no font has, a control character or a right-to-left mark breaks that build for everyone, so
a record whose printed text steps outside ``ALLOWED`` is refused, naming the file and key.

The allowed characters are printable ASCII (U+0020-U+007E; LaTeX's special characters among
them are escaped where printed) and the Hangul syllables (U+AC00-U+D7A3). ``error`` may also
hold line breaks and tabs (tracebacks and compiler output span lines); the appendix prints
them as spaces. Both halves use these rules: the harness trims and cleans its own error
message with ``printable`` before it writes a record, and the reporting half refuses the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

MAX_TEXT = 200
"""Characters of a name, version, model string or backend value."""
MAX_NAME = 64
"""Characters of ``gpu`` and ``machine``: one word without spaces (a slug) in table notes, the
appendix's headings and the figures' labels, where a longer one runs off the page or stops
XeLaTeX. A driver's GPU name is about 30, a CPU machine's slug about 40."""
MAX_ERROR = 2000
"""Characters of a failed run's message (its traceback is kept in ``extra``, which is not printed)."""
ERROR_WHITESPACE = "\n\r\t"

ENVIRONMENT_TEXT = ("python", "platform", "cpu_model", "gpu_name", "driver", "cuda", "git_commit",
                    "utc_time", "machine_id")
"""Keys of ``environment`` whose strings are printed (``packages`` is checked as a whole)."""


def allowed(char: str) -> bool:
    """Whether the paper's fonts print ``char``: printable ASCII or a Hangul syllable."""
    return " " <= char <= "~" or "\uac00" <= char <= "\ud7a3"


def problem(text: str, *, limit: int = MAX_TEXT, extra: str = "") -> str | None:
    """Why ``text`` cannot be printed (too long, or its first odd character), or None."""
    if len(text) > limit:
        return f"{len(text)} characters; expected at most {limit}"
    for i, char in enumerate(text):
        if not (allowed(char) or char in extra):
            return (f"character {i + 1} is U+{ord(char):04X}; expected printable ASCII or Hangul "
                    f"syllables only (what the paper's fonts print)")
    return None


def printable(text: str, limit: int = MAX_ERROR) -> str:
    """``text`` with every character outside the allowed set (line breaks and tabs kept) as ``?``,
    cut to ``limit`` characters: what the harness writes as a failed run's message."""
    clean = "".join(c if allowed(c) or c in ERROR_WHITESPACE else "?" for c in text)
    tail = " ... (trimmed)"
    return clean if len(clean) <= limit else clean[: limit - len(tail)] + tail


def printed_fields(data: dict[str, Any]) -> Iterator[tuple[str, str, int, str]]:
    """(key, text, limit, extra allowed characters) of every printed string in a record's dict."""
    for key in ("gpu", "machine", "workload", "profile", "unit", "primary_metric"):
        if isinstance(data.get(key), str):
            yield key, data[key], MAX_NAME if key in ("gpu", "machine") else MAX_TEXT, ""
    if isinstance(data.get("error"), str):
        yield "error", data["error"], MAX_ERROR, ERROR_WHITESPACE
    env = data.get("environment") or {}
    for key in ENVIRONMENT_TEXT:
        if isinstance(env.get(key), str):
            yield f"environment/{key}", env[key], MAX_TEXT, ""
    for name, version in (env.get("packages") or {}).items():
        yield f"environment/packages/{name}", name, MAX_TEXT, ""
        if isinstance(version, str):
            yield f"environment/packages/{name}", version, MAX_TEXT, ""
    for key in ("name", "sha256"):
        value = (data.get("weights") or {}).get(key)
        if isinstance(value, str):
            yield f"weights/{key}", value, MAX_TEXT, ""
    yield from _nested("backend", data.get("backend") or {})


def _nested(key: str, value: Any) -> Iterator[tuple[str, str, int, str]]:
    """Every string in a nested value (the backend's description may hold lists and dicts)."""
    if isinstance(value, str):
        yield key, value, MAX_TEXT, ""
    elif isinstance(value, dict):
        for name, item in value.items():
            yield f"{key}/{name}", str(name), MAX_TEXT, ""
            yield from _nested(f"{key}/{name}", item)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _nested(f"{key}/{i}", item)


def text_problems(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(key, why) for every printed string of a record that the paper cannot print."""
    for key, text, limit, extra in printed_fields(data):
        why = problem(text, limit=limit, extra=extra)
        if why:
            yield key, why
