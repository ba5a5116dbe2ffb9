"""Whether a later published result may stand beside the survey's, field by field.

Each row of ``data/literature.csv`` states, in one ``match_<field>`` column per field of
``FIELDS``, how its setting compares with the survey's workload:

- ``yes``: the same setting as the survey's;
- ``relaxed``: a different setting that leaves the compared rate comparable, named wherever
  the row is compared (``relaxed_note``);
- ``no``: a setting that changes the rate; the row is not comparable;
- empty: the workload has no such setting (decoding has no resolution or step count).

``verdicts`` is the rule the cells must follow (``gpusurvey.inputs.literature`` checks every
row against it), and ``comparable`` is ``yes`` exactly when no field says ``no``.

Stable Diffusion 512x512 (Table 3: SD 1.5, 512x512, 100 steps, batch 1, fp16): another step
count is relaxed, since it/s counts denoising steps and only the per-call setup is spread over
fewer of them; precision not stated is relaxed. LLaMA-13B 4-bit decoding (Table 5: LLaMA-13B,
GPTQ 4-bit, one sequence, fp16 activations): Llama-2-13B is relaxed (the same shapes, so the
same bytes per token), as is a 4-bit format other than GPTQ, a batch not stated (the sources
time one prompt's generation) and a precision not stated.
"""

from __future__ import annotations

from gpusurvey.registry import LLM_DECODE, SD_TXT2IMG

FIELDS = ("model", "resolution", "steps", "batch", "precision", "weights")
"""The settings each row states a match for (``match_<field>`` columns)."""

VALUES = ("yes", "relaxed", "no")

SURVEY_STEPS = 100
"""Table 3's denoising steps (the survey: 512x512, 100 steps, ten runs)."""

SURVEY = {
    SD_TXT2IMG: {"model": "SD 1.5", "resolution": "512x512", "steps": str(SURVEY_STEPS), "batch": "1",
                   "precision": "fp16", "weights": "fp16"},
    LLM_DECODE: {"model": "LLaMA-13B", "batch": "1", "precision": "fp16", "weights": "GPTQ 4-bit"},
}
"""The survey's setting of each field, by workload (a field it lacks has no setting there)."""


def _stated(text: str, word: str) -> bool:
    return word.lower() in text.lower()


def verdicts(workload: str, model: str, weight_bits: int, batch: int | None, resolution: str | None,
             steps: int | None, software: str, settings: str) -> dict[str, tuple[str, str]]:
    """Each field's verdict (``yes``, ``relaxed``, ``no``; ``""`` where the workload has no such
    setting) and what the row ran, for the notes: see the module's docstring."""
    text = f"{software} {settings}"
    fp16 = ("yes", "fp16") if _stated(text, "fp16") else ("relaxed", "precision not stated")
    if workload == SD_TXT2IMG:
        return {
            "model": ("yes" if model == "SD 1.5" else "no", model),
            "resolution": ("yes" if resolution == "512x512" else "no", resolution or "not stated"),
            "steps": ("yes" if steps == SURVEY_STEPS else "relaxed",
                      f"{steps} steps" if steps else "steps not stated"),
            "batch": ("yes" if batch == 1 else "no", f"batch {batch}" if batch else "batch not stated"),
            "precision": fp16,
            "weights": ("yes" if weight_bits == 16 else "no", f"{weight_bits}-bit weights"),
        }
    if workload == LLM_DECODE:
        gptq = _stated(text, "GPTQ")
        return {
            "model": ({"LLaMA-13B": "yes", "Llama-2-13B": "relaxed"}.get(model, "no"), model),
            "resolution": ("", ""),
            "steps": ("", ""),
            "batch": ("yes" if batch == 1 else "relaxed" if batch is None else "no",
                      f"batch {batch}" if batch else "batch not stated"),
            "precision": fp16,
            "weights": ("no" if weight_bits != 4 else "yes" if gptq else "relaxed",
                        f"{weight_bits}-bit" + ("" if weight_bits != 4 or gptq else ", not GPTQ")),
        }
    raise ValueError(f"workload: expected one of {sorted(SURVEY)}, got '{workload}'")


def comparable(cells: dict[str, str]) -> bool:
    """A row is comparable when none of its fields says ``no``."""
    return all(cells[field] != "no" for field in FIELDS)


def relaxed_fields(cells: dict[str, str]) -> tuple[str, ...]:
    """The fields a comparable row relaxes, in ``FIELDS`` order."""
    return tuple(field for field in FIELDS if cells[field] == "relaxed")
