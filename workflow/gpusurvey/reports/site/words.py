"""The page's own words, Korean and English. Tables and figures are named by the papers'
captions (``site.captions``) and their columns by the words the papers' fragments and figures
use (``perf_tables``, ``spec_tables``, ``predictions``, ``figures``); this holds only what the
papers have no words for: the page's headings, the filters and the kinds' legend."""

from __future__ import annotations

from gpusurvey.core.glossary import term
from gpusurvey.reports import figure_words, prediction_fragments
from gpusurvey.reports.site.views import Text

PAGE = {
    "title": Text(
        "소비자용 NVIDIA GPU: 서베이 재현과 확장", "Consumer NVIDIA GPUs: the survey reproduced and extended"
    ),
    "lead": Text(
        "논문과 같은 파이프라인이 같은 데이터로 만든 표와 그림. 열 머리글을 누르면 정렬되고, "
        "위의 조건으로 카드를 거를 수 있다.",
        "The tables and figures of the papers, built by the same pipeline from the same data. "
        "Click a column header to sort; the filters below narrow every table to the cards "
        "you choose.",
    ),
    "tables": Text("표", "Tables"),
    "figures": Text("그림", "Figures"),
    "fit": Text("무엇이 들어가나", "What fits"),
    "downloads": Text("내려받기", "Downloads"),
    "built": Text("만든 커밋과 데이터", "Built from"),
    "since": Text("서베이 이후", "Since the survey"),
    "table": Text("표", "Table"),
    "figure": Text("그림", "Figure"),
    "csv": Text("CSV로 받기", "Download as CSV"),
    "static": Text("이 그림은 정적 그림으로만 제공한다", "This figure is offered as a static image"),
    "filters": Text("거르기", "Filters"),
    "series": Text("시리즈", "Series"),
    "memory": Text("메모리(GB 이상)", "Memory (GB, at least)"),
    "price": Text("출시 가격(USD)", "Launch price (USD)"),
    "any": Text("전체", "any"),
    "from": Text("최소", "from"),
    "to": Text("최대", "to"),
    "reset": Text("초기화", "Reset"),
    "shown": Text("표시된 행", "rows shown"),
    "later_title": Text(
        "서베이 이후 발표된 결과(출처 링크)", "Results published since the survey (with their sources)"
    ),
    "source": Text("출처", "Source"),
    "workload": Text("작업", "Workload"),
    "value": Text("값", "Value"),
    "efficiency": Text("상한 대비", "Share of the bound"),
    "survey_value": Text("서베이 값", "Survey's value"),
    "series_col": Text("시리즈", "Series"),
    "per_dollar": Text(term("value_per_dollar", "ko"), term("value_per_dollar", "en").capitalize()),
    "range": Text("예측 구간", "Predicted interval"),
    "commit": Text("커밋", "Commit"),
    "data": Text("데이터 파일(SHA-256 앞 12자리)", "Data files (first 12 hex digits of SHA-256)"),
    "papers": Text("논문 PDF", "The papers (PDF)"),
    "notebooks": Text("노트북", "Notebooks"),
    "checksums": Text("공개본 체크섬(SHA256SUMS)", "Checksums of the published files (SHA256SUMS)"),
    "korean": Text("한국어", "한국어"),
    "english": Text("English", "English"),
}

KIND_LEGEND = {
    "published": Text("서베이 발표값", "published in the survey"),
    "measured": Text("† 이 파이프라인의 측정값", "† measured by this pipeline"),
    "later": Text("서베이 이후 발표값(출처 링크)", "published since the survey (linked to its source)"),
    "crowd": Text("크라우드 통계(제출자당 한 표)", "crowd statistics (one vote per submitter)"),
    "predicted": Text("예측값(기울임꼴, 마우스를 올리면 구간)",
                      "predicted (italics; hover for the interval)"),
}
"""How each kind of evidence is marked, in the papers' terms."""

KIND_WORDS = {
    "published": Text(figure_words.TEXT["ko"]["published"], figure_words.TEXT["en"]["published"]),
    "measured": Text(figure_words.TEXT["ko"]["measured"], figure_words.TEXT["en"]["measured"]),
    "later": Text("서베이 이후 발표값", "published since the survey"),
    "crowd": Text("크라우드 통계", "crowd statistics"),
    "predicted": Text.of(
        {"ko": term("predicted", "ko"), "en": term("predicted", "en")}
    ),
}
"""A point's kind in a chart's hover."""


def pred(key: str) -> Text:
    """A word of the predictions' fragments (``prediction_fragments.WORDS``)."""
    return Text(prediction_fragments.WORDS["ko"][key], prediction_fragments.WORDS["en"][key])


def fig(key: str) -> Text:
    """A word of the figures (``figure_words.TEXT``)."""
    return Text(figure_words.TEXT["ko"][key], figure_words.TEXT["en"][key])


FIT_COLUMNS = {
    "gpu": Text("카드", "Card"),
    "series": PAGE["series_col"],
    "memory_gib": Text("메모리(GiB)", "Memory (GiB)"),
    "launch_price_usd": PAGE["price"],
    "model": Text("모델", "Model"),
    "context": Text("컨텍스트(토큰)", "Context (tokens)"),
    "headroom_gib": Text("여유로 남김(GiB)", "Kept free (GiB)"),
    "format": Text("들어가는 가장 작은 형식", "Smallest format that fits"),
    "needed_gb": Text("필요(GB)", "Needed (GB)"),
    "spare_gb": Text("남는 메모리(GB)", "To spare (GB)"),
    "bound_tokens_per_s": Text("디코딩 상한(tokens/s)", "Decode bound (tokens/s)"),
    "predicted_tokens_per_s": Text("디코딩 예측(tokens/s)", "Decoding predicted (tokens/s)"),
    "software": Text("예측의 소프트웨어", "Software of the prediction"),
}
"""Table 8's CSV columns (``reports.fit_table.COLUMNS``), in the words of its fragment's notes."""

DESKTOP_COLUMNS = {
    "desktop": Text("데스크톱 id", "Desktop id"),
    "label": Text("데스크톱", "Desktop"),
    "label_ko": Text("데스크톱(한국어)", "Desktop (Korean)"),
    "memory": Text("메모리 종류", "Memory kind"),
    "bandwidth_gbs": Text("대역폭(GB/s)", "Bandwidth (GB/s)"),
    "format": Text("형식", "Format"),
    "gb_per_token": Text("GB/토큰", "GB/token"),
    "bound_tokens_per_s": Text("상한(tokens/s)", "Bound (tokens/s)"),
    "efficiency": Text("이 머신의 효율", "This machine's efficiency"),
    "machines": Text("측정한 머신", "Machines measured"),
    "predicted_tokens_per_s": Text("디코딩 예측(tokens/s)", "Decoding predicted (tokens/s)"),
    "interval_from": Text("구간의 근거", "Interval from"),
    "cases": Text("사례", "Cases"),
    "arithmetic_binds": Text("연산이 묶음", "Arithmetic binds"),
    "source": Text("대역폭 출처", "Bandwidth source"),
}
"""Table 9's CSV columns (``reports.cpu_desktops.COLUMNS``), in the words of its fragment."""

FORMAT_COLUMNS = {
    "source": Text("출처", "Source"),
    "machine": Text("머신", "Machine"),
    "device": Text("장치", "Device"),
    "backend": Text("백엔드", "Backend"),
    "format": Text("형식", "Format"),
    "status": Text("상태", "Status"),
    "tokens_per_s": Text("디코딩(tokens/s)", "Decoding (tokens/s)"),
    "tokens_per_s_sd": Text("표준편차", "Std. dev."),
    "n": Text("반복", "Repetitions"),
    "gb_per_token": Text("GB/토큰", "GB/token"),
    "bandwidth_gbs": Text("대역폭(GB/s)", "Bandwidth (GB/s)"),
    "bandwidth_min_gbs": Text("대역폭 최소", "Bandwidth min."),
    "bandwidth_max_gbs": Text("대역폭 최대", "Bandwidth max."),
    "bandwidth_source": Text("대역폭 출처", "Bandwidth source"),
    "memory_bound_tokens_per_s": Text("메모리 상한", "Memory ceiling"),
    "arithmetic_bound_tokens_per_s": Text("연산 상한", "Arithmetic ceiling"),
    "binding": Text("묶는 상한", "Binding ceiling"),
    "bound_tokens_per_s": Text("상한(tokens/s)", "Bound (tokens/s)"),
    "efficiency": Text("효율", "Efficiency"),
    "memory_efficiency": Text("메모리 상한 대비 효율", "Efficiency against memory"),
    "cv": Text("변동계수", "CV"),
    "threads": Text("스레드", "Threads"),
    "repack": Text("가중치 재배열", "Repacked weights"),
    "peak_memory_gb": Text("최대 메모리(GB)", "Peak memory (GB)"),
    "settings": Text("설정", "Settings"),
    "settings_ko": Text("설정(한국어)", "Settings (Korean)"),
    "path": Text("기록", "Record"),
}
"""Table 10's CSV columns (``reports.format_table.COLUMNS``), in the words of its fragment."""
