"""The page's section "what fits": pick a card, a model, a weight format and a context length,
read the memory breakdown, whether it fits and the decode speeds. The answers are
``site.fit_answers``' (``gpusurvey fit``'s own); the page's script only looks one up and writes
it out in the language shown, with the words below."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from gpusurvey.reports.site.views import Text
from gpusurvey.reports.site.words import PAGE, pred

FORM = {
    "card": Text("카드", "Card"),
    "model": Text("모델", "Model"),
    "format": Text("가중치 형식", "Weight format"),
    "context": Text("컨텍스트(토큰)", "Context (tokens)"),
    "lead": Text("gpusurvey fit과 같은 모델로 미리 계산한 답을 찾아 보여 준다. 속도의 예측값은 기울임꼴이다.",
                 "The answers gpusurvey fit gives, precomputed with the same models; the page only "
                 "looks one up. Predicted speeds are in italics."),
}

WORDS = {
    "en": {"weights": "weights", "kv_cache": "KV cache", "scratch": "scratch", "runtime": "runtime",
           "total": "total", "capacity": "card memory", "headroom": "kept free", "fits": "fits",
           "no_fit": "does not fit", "spare": "to spare", "short": "short by", "bound": "decode bound",
           "predicted": "decode predicted", "none_fit": "none (it does not fit)",
           "no_prediction": "no prediction (no software group measured on enough cards runs this format)",
           "interval": "interval", "by": "predicted from the efficiency of {software}", "gb": "GB",
           "gib": "GiB", "rate": "tokens/s"},
    "ko": {"weights": "가중치", "kv_cache": "KV 캐시", "scratch": "작업 버퍼", "runtime": "런타임",
           "total": "합계", "capacity": "카드 메모리", "headroom": "여유로 남김", "fits": "들어간다",
           "no_fit": "들어가지 않는다", "spare": "남는 메모리", "short": "모자란 메모리",
           "bound": "디코딩 상한", "predicted": "디코딩 예측", "none_fit": "없음(들어가지 않는다)",
           "no_prediction": "예측 없음(이 형식을 돌리는 소프트웨어 묶음이 충분한 카드에서 측정되지 않았다)",
           "interval": "구간", "by": "{software}의 효율로 예측", "gb": "GB", "gib": "GiB",
           "rate": "tokens/s"},
}
"""The answer's words, in the terms ``gpusurvey fit`` prints them in."""

DEFAULTS = {"card": "RTX 4060 Ti 16GB", "model": "qwen2.5-14b", "format": "gguf-q4_k_m", "context": 8192}
"""The case the form opens on (``gpusurvey fit``'s own example), where the answers hold it."""


def _select(key: str, options: list[tuple[str, str]]) -> str:
    chosen = str(DEFAULTS[key])
    items = "".join(f'<option value="{i}"{" selected" if value == chosen else ""}>{escape(label)}</option>'
                    for i, (value, label) in enumerate(options))
    return f'<label>{FORM[key].html()} <select id="fit-{key}">{items}</select></label>'


def fit_html(answers: Mapping) -> str:
    """The section: its heading, the form (one select per choice, indices into the answers) and
    the place the answer is written."""
    selects = (
        _select("card", [(c, c) for c in answers["cards"]])
        + _select("model", [(m, name) for m, name in answers["models"]])
        + _select("format", [(f, label) for f, label in answers["formats"]])
        + _select("context", [(str(c), f"{c:,}") for c in answers["contexts"]])
    )
    return (f'<h2 id="fit">{PAGE["fit"].html()}</h2><p class="note">{FORM["lead"].html()} '
            f'<i>{pred("predicted").html()}</i></p>'
            f'<form id="fit-form" onsubmit="return false">{selects}</form>'
            '<div id="fit-answer" aria-live="polite"></div>')
