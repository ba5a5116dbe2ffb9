"""Strict JSON for files other people send (measurement records): standard JSON only, of a
bounded size and depth, every key once.

Python's ``json`` module accepts more than the standard: the literals ``NaN``, ``Infinity`` and
``-Infinity`` (and ``1e999``, read as infinity), and an object that names one key twice (the
last value wins silently, so a file that reads ``"gpu": "RTX 4060"`` first can count as another
card). A file of many megabytes or of thousands of nested brackets costs memory and ends in a
``RecursionError`` that names no file. ``load`` refuses all of these with a DataError naming
the file, and checks the size and the depth before the parser sees the text (the depth with a
loop, not recursion).
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

from gpusurvey.core.errors import DataError

MAX_BYTES = 1_000_000
"""Bytes of one file: a record of 10,000 samples and its telemetry takes well under this."""
MAX_DEPTH = 32
"""Nested objects and arrays: a record nests five levels deep."""
MAX_DIGITS = 19
"""Digits of a whole number (a 64-bit integer has at most 19)."""


def nesting_depth(text: str) -> tuple[int, int]:
    """(deepest nesting of ``[`` and ``{`` outside strings, the line where it is first reached)."""
    depth = deepest = 0
    line = where = 1
    in_string = escaped = False
    for char in text:
        if char == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, where = depth, line
        elif char in "]}":
            depth -= 1
    return deepest, where


def load(path: str | os.PathLike, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value of the file at ``path``, read strictly (see the module's docstring)."""
    size = os.stat(path).st_size
    if size > max_bytes:
        raise DataError(path, f"{size} bytes; expected at most {max_bytes} (one record)")
    with open(path, "rb") as fh:
        raw = fh.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise DataError(path, f"more than {max_bytes} bytes; expected at most {max_bytes}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(path, f"not UTF-8 text: byte {exc.start + 1} is 0x{raw[exc.start]:02x}") from None
    deepest, line = nesting_depth(text)
    if deepest > max_depth:
        raise DataError(path, f"nested {deepest} levels deep; expected at most {max_depth}", line=line)

    def no_constant(name: str) -> None:
        raise DataError(path, f"the literal {name} is not standard JSON; expected finite numbers only")

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key, value in pairs:
            if key in found:
                raise DataError(path, f"key '{key}' appears twice in one object; expected each key once")
            found[key] = value
        return found

    def finite(literal: str) -> float:
        value = float(literal)
        if not math.isfinite(value):
            raise DataError(path, f"the number {literal[:40]} overflows a float; expected finite "
                            "numbers only")
        return value

    def whole(literal: str) -> int:
        if len(literal.lstrip("-")) > MAX_DIGITS:
            raise DataError(path, f"the whole number {literal[:40]}... has {len(literal)} digits; "
                            f"expected at most {MAX_DIGITS}")
        return int(literal)

    try:
        return json.loads(text, object_pairs_hook=unique, parse_constant=no_constant,
                          parse_float=finite, parse_int=whole)
    except json.JSONDecodeError as exc:
        raise DataError(path, f"malformed JSON: {exc.msg}", line=exc.lineno) from exc
    except RecursionError:  # deeper than the interpreter allows despite the check above
        raise DataError(path, f"nested too deep; expected at most {max_depth} levels") from None
