"""One name per concept: the writers print the glossary's terms, and the Korean paper's sources
use none of the alternatives (tests/test_paper.py checks the built PDF's text too)."""

from __future__ import annotations

import pytest
from gpusurvey.core.glossary import ALTERNATIVES, TERMS, term
from gpusurvey.reports import figure_words


def test_the_writers_print_the_glossary_terms():
    from gpusurvey.reports import perf_tables, prediction_fragments, spec_tables

    for lang in ("ko", "en"):
        assert figure_words.TEXT[lang]["per_dollar"].lower().startswith(term("value_per_dollar", lang))
        assert spec_tables.UNKNOWN[lang] == term("unknown", lang)
        assert prediction_fragments.WORDS[lang]["unknown"] == term("unknown", lang)
        assert prediction_fragments.WORDS[lang]["bound"] == term("bound", lang)
    assert perf_tables.HEADERS["ko"]["per_dollar"] == term("value_per_dollar", "ko")
    assert figure_words.TEXT["ko"]["decode"].startswith(term("decoding", "ko"))
    with pytest.raises(KeyError, match="no term for 'speed'"):
        term("speed", "ko")


def test_no_alternative_is_a_term_and_the_korean_sources_use_none(root):
    names = {t["ko"] for t in TERMS.values()}
    assert not names & {a for alts in ALTERNATIVES.values() for a in alts}
    text = (root / "paper/ko/survey.tex").read_text(encoding="utf-8")
    for concept, alternatives in ALTERNATIVES.items():
        for alternative in alternatives:
            assert alternative not in text, (concept, alternative)


@pytest.mark.parametrize("name, topic, with_", [
    ("diffusers + torch.compile", "은", "로"),  # 컴파일: a final ㄹ takes 로
    ("llama.cpp", "는", "로"),  # 씨피피
    ("MLC LLM", "은", "으로"),  # 엘엠
    ("ExLlamaV2", "는", "로"),  # 브이투
    ("RTX 4090", "은", "으로"),  # 공
    ("RTX 3060 Ti", "는", "로"),  # 티아이
    ("서베이", "는", "로"),
    ("카드 수", "는", "로"),
    ("상한", "은", "으로"),
])
def test_particles_follow_the_pronunciation(name, topic, with_):
    from gpusurvey.core.glossary import particle

    assert (particle(name, "topic"), particle(name, "with")) == (topic, with_)


@pytest.mark.parametrize("name, topic", [("Stable Diffusion", "은"), ("model", "은"), ("GPTQ", "는"),
                                         ("xformers", "는"), ("Python", "은"), ("torch", "는")])
def test_english_words_are_read_as_korean_readers_say_them(name, topic):
    from gpusurvey.core.glossary import particle

    assert particle(name, "topic") == topic
