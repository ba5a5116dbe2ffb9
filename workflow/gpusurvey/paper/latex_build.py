"""Build a PDF with ``latexmk -xelatex``, reproducibly, and refuse a flawed one.

Reproducible: ``SOURCE_DATE_EPOCH`` with ``FORCE_SOURCE_DATE=1`` fixes every date XeTeX and
xdvipdfmx write (``\\today``, CreationDate, ModDate); the preamble fixes the PDF trailer ID
(``\\special{pdf:trailerid ...}``), which xdvipdfmx would otherwise draw at random; the
build starts from an empty scratch folder each time.

Failed: the first fatal error is reported with its file, line and origin
(``gpusurvey.paper.latex_errors``), not what follows from it.

Flawed: the final run's log is scanned, and a missing glyph (XeTeX silently drops a
character no font has), an undefined reference or citation, or an overfull line (a table
or a line running into the margin) fails the build with the offending log lines.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from gpusurvey.core.atomic import atomic_path
from gpusurvey.paper.latex_errors import describe, first_error

PROBLEMS = (
    ("missing glyph", re.compile(r"^Missing character: There is no .*$", re.MULTILINE)),
    ("undefined reference or citation",
     re.compile(r"^LaTeX Warning: (?:Reference|Citation) .* undefined.*$", re.MULTILINE)),
    ("undefined reference or citation",
     re.compile(r"^LaTeX Warning: There were undefined references\.$", re.MULTILINE)),
    ("overfull box", re.compile(r"^Overfull \\[hv]box .*$", re.MULTILINE)),
)
"""What makes a build fail, and how the TeX log says it (log lines unwrapped)."""


class PaperBuildError(RuntimeError):
    """The LaTeX build failed or produced a PDF with a flaw the log reports."""


def log_problems(log_text: str) -> list[str]:
    """Every flaw the log reports, one ``kind: log line`` each, in the order of ``PROBLEMS``."""
    found = []
    for kind, pattern in PROBLEMS:
        for match in pattern.finditer(log_text):
            line = f"{kind}: {match.group(0).strip()}"
            if line not in found:
                found.append(line)
    return found


def build_pdf(tex: str | os.PathLike, out_pdf: str | os.PathLike, scratch: str | os.PathLike,
              source_date_epoch: int, transcript: str | os.PathLike | None = None) -> None:
    """Compile ``tex`` (run from the current folder, so its ``\\input`` paths are relative to it)
    in ``scratch`` and move the PDF onto ``out_pdf`` only if the log is clean.

    ``transcript`` receives latexmk's output and the TeX log. Raises PaperBuildError.
    """
    tex, out_pdf, scratch = Path(tex), Path(out_pdf), Path(scratch)
    missing = [tool for tool in ("latexmk", "xelatex") if shutil.which(tool) is None]
    if missing:
        message = (f"{tex}: {' and '.join(missing)} not found; install TeX Live's XeLaTeX and latexmk "
                   "(bash envs/system-packages.sh)")
        if transcript is not None:
            Path(transcript).parent.mkdir(parents=True, exist_ok=True)
            Path(transcript).write_text(message + "\n", encoding="utf-8")
        raise PaperBuildError(message)
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": str(int(source_date_epoch)),
        "FORCE_SOURCE_DATE": "1",
        "TZ": "UTC",
        "max_print_line": "100000",  # one log line per message, so the scan sees it whole
    }
    cmd = ["latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
           "-norc", f"-outdir={scratch}", f"-jobname={tex.stem}", str(tex)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    tex_log = scratch / f"{tex.stem}.log"
    log_text = tex_log.read_text(encoding="utf-8", errors="replace") if tex_log.exists() else ""
    if transcript is not None:
        Path(transcript).parent.mkdir(parents=True, exist_ok=True)
        Path(transcript).write_text(f"$ {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}\n"
                                    f"===== {tex_log}\n{log_text}", encoding="utf-8")
    pdf = scratch / f"{tex.stem}.pdf"
    if proc.returncode != 0 or not pdf.exists():
        # A fatal error: what the log says after it (undefined citations: the bibliography
        # was never read) follows from it, so the first error is the whole story.
        error = first_error(log_text)
        detail = describe(error, str(tex)) if error else "\n".join(proc.stdout.splitlines()[-20:])
        raise PaperBuildError(f"{tex}: latexmk failed with exit code {proc.returncode} "
                              f"(see {tex_log}):\n{detail}")
    problems = log_problems(log_text)
    if problems:
        raise PaperBuildError(f"{tex}: the LaTeX log reports {len(problems)} problem(s) "
                              f"(see {tex_log}):\n  " + "\n  ".join(problems))
    with atomic_path(out_pdf) as tmp:
        shutil.copyfile(pdf, tmp)
        tmp.chmod(0o644)  # a document to share, not a private temporary file
