"""Appendix B lists every record the papers use, the CPU section's included, in the edition's
own words."""

from __future__ import annotations

from gpusurvey.paper.provenance_words import value_text
from gpusurvey.paper.writers import reported_records, write_provenance


def _cpu_records(root):
    return sorted([*root.glob("data/measurements/*/cpu/*.json"),
                   *root.glob("data/measurements/*/formats/*.json")])


def test_the_appendix_lists_the_cpu_records_the_papers_use(root, tmp_path):
    cpu = _cpu_records(root)
    assert cpu
    listed = reported_records([], ["full"], cpu)
    assert [p for p, _ in listed] == [str(p) for p in cpu]
    out = {lang: tmp_path / f"provenance.{lang}.tex" for lang in ("ko", "en")}
    write_provenance([], ["full"], out["ko"], out["en"], cpu_records=cpu)
    for lang, path in out.items():
        text = path.read_text(encoding="utf-8")
        assert text.count(r"\subsection*{") == len(cpu), lang
    ko = out["ko"].read_text(encoding="utf-8")
    assert "on 2 threads" not in ko and "the peak is" not in ko and "GEMM 최고 속도" in ko


def test_recorded_phrases_read_in_each_edition():
    phrase = ("2048x2048 fp32 torch.matmul on 1 threads, 3 per repetition; "
              "the peak is the best timed repetition")
    assert "on 1 thread," in value_text(phrase, "en") and "1 threads" not in value_text(phrase, "en")
    korean = "2048x2048 fp32 torch.matmul, 스레드 1개, 반복마다 3회; 최고 속도는 가장 빠른 반복"
    assert value_text(phrase, "ko") == korean


def test_every_backend_key_of_a_committed_record_has_korean_words(root):
    """The Korean appendix names no record key in English."""
    from gpusurvey.core.record import load
    from gpusurvey.paper.provenance_words import KEYS

    keys = {key for path in root.glob("data/measurements/**/*.json") for key in load(path).backend}
    assert keys and keys <= set(KEYS["ko"]), sorted(keys - set(KEYS["ko"]))
    assert value_text("float16 (llama.cpp KV cache)", "ko") == "float16 (llama.cpp KV 캐시)"
