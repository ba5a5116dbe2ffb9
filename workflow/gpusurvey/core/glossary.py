"""One name per concept in each edition: the Korean and English term every writer (tables,
figures, fragments, macros) prints, and the Korean alternatives the papers must not use.

A test reads the Korean PDF's text and fails on any alternative; the writers take their terms
from ``term``, so a change here changes every table, figure and fragment at once.
"""

from __future__ import annotations

TERMS: dict[str, dict[str, str]] = {
    "value_per_dollar": {"ko": "가격 대비 성능", "en": "value per dollar"},
    "decoding": {"ko": "디코딩", "en": "decoding"},
    "unknown": {"ko": "미확인", "en": "unknown"},
    "bound": {"ko": "상한", "en": "bound"},
    "predicted": {"ko": "예측", "en": "predicted"},
    "leave_one_out": {"ko": "하나씩 빼고 검증", "en": "leave-one-out"},
}
"""Concept -> its term in each edition."""

ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "value_per_dollar": ("가격당 성능", "1달러당 속도", "가성비"),
    "decoding": ("디코드",),
    "unknown": ("알 수 없음", "n/a"),
}
"""Concept -> Korean names of it that the papers do not use (the survey's own printed tables,
kept verbatim under data/expected/, are no part of the papers)."""


def term(concept: str, lang: str) -> str:
    """The term of ``concept`` in edition ``lang`` (``ko`` or ``en``)."""
    try:
        return TERMS[concept][lang]
    except KeyError:
        raise KeyError(f"glossary: no term for '{concept}' in '{lang}'; expected one of "
                       f"{sorted(TERMS)} in ko or en") from None


# Korean particles after a name: chosen by how its last syllable is read aloud.

_LETTER_ENDS_IN_CONSONANT = set("lmnr")
"""Latin letters read, spelled out, with a final consonant (엘, 엠, 엔, 알); the others end in a
vowel."""
_DIGIT_ENDS_IN_CONSONANT = set("013678")
"""영, 일, 삼, 육, 칠, 팔; 이, 사, 오, 구 end in a vowel."""
def final_consonant(name: str) -> str | None:
    """The final consonant of ``name`` read aloud (``ㄹ`` for ㄹ, any other consonant as ``C``),
    or None when it ends in a vowel."""
    text = name.strip().rstrip(")]}").strip()
    last = text[-1]
    if "\uac00" <= last <= "\ud7a3":
        final = (ord(last) - 0xAC00) % 28
        return None if final == 0 else ("ㄹ" if final == 8 else "C")
    word = text.replace("+", " ").split()[-1].split(".")[-1]
    if last.isdigit():
        return ("ㄹ" if last in "178" else "C") if last in _DIGIT_ENDS_IN_CONSONANT else None
    if word.isupper() or len(word) <= 3 or not any(c in "aeiou" for c in word.lower()):
        # An acronym or a short name, read letter by letter.
        return ("ㄹ" if last.lower() in "lr" else "C") if last.lower() in _LETTER_ENDS_IN_CONSONANT else None
    # An English word: a final l is read ㄹ (모델, 컴파일), a final m, n or ng a consonant
    # (디퓨전, 파이썬); a silent final e leaves the letter before it; any other letter is read
    # with a vowel (디퓨저스, 토치, 넥스트).
    core = word.lower()[:-1] if word.lower().endswith("e") and len(word) > 3 else word.lower()
    if core.endswith("l"):
        return "ㄹ"
    return "C" if core.endswith(("m", "n", "ng")) else None


PARTICLES = {"topic": ("은", "는"), "subject": ("이", "가"), "object": ("을", "를"), "with": ("으로", "로"),
             "and": ("과", "와")}


def particle(name: str, kind: str) -> str:
    """The particle of ``kind`` (``PARTICLES``) after ``name``, as it is read aloud; ``with``
    takes 로 after a final ㄹ as after a vowel."""
    after_consonant, after_vowel = PARTICLES[kind]
    final = final_consonant(name)
    if final is None or (kind == "with" and final == "ㄹ"):
        return after_vowel
    return after_consonant
