"""The web page's parts without a browser: the papers' captions, a table's HTML (kinds, sorting
values, predicted cells), the later results' sources and the size budget."""

from __future__ import annotations

import pandas as pd
import pytest
from gpusurvey.inputs.gpus import load_gpus
from gpusurvey.inputs.literature import load_literature
from gpusurvey.registry import PAGES
from gpusurvey.reports.site import page, since_views
from gpusurvey.reports.site.captions import plain, read_captions
from gpusurvey.reports.site.views import CardFacts, Cell, Column, Row, TableView, Text, table_html


@pytest.fixture(scope="module")
def captions(root):
    return read_captions({lang: root / f"paper/{lang}/survey.tex" for lang in ("ko", "en")})


def test_tables_and_figures_carry_the_papers_captions(captions, root):
    english = captions.table("results/tables/table3", "en")
    assert english.startswith("Stable Diffusion image generation by GPU")
    assert "512×512" in captions.table("results/tables/table3", "ko")
    # A reference becomes the number the paper prints: Figure 2 shows Table 3.
    number = captions.table_numbers["results/tables/table3"]
    assert captions.figure("table3_bars", "en").startswith(f"Speeds of Table {number}")
    for text in [*(c for t in captions.tables.values() for c in t.values()),
                 *(c for f in captions.figures.values() for c in f.values())]:
        assert "\\" not in text and "{" not in text and "?" not in text, text


def test_a_caption_loses_its_markup():
    assert plain(r"A~\ref{tab:x} of 1000$\times$1000, 5\%~\cite{k}", {"tab:x": 4}) == "A 4 of 1000×1000, 5%"


def test_an_edition_without_captioned_tables_is_refused(tmp_path):
    tex = tmp_path / "survey.tex"
    tex.write_text("\\section{Nothing}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="survey.tex: no \\\\caption"):
        read_captions({"en": tex})


def test_a_table_marks_each_kind_and_sorts_by_numbers():
    interval = Text("범위: 36.7–59.5", "range: 36.7–59.5")
    columns = [Column("gpu", Text.of("GPU")), Column("v", Text.of("v"), True)]
    view = TableView("t", Text("표", "Table"), columns, [
        Row("published", {"gpu": Cell("RTX 3060", "RTX 3060"), "v": Cell("7.239", 7.239)}, "RTX 3060"),
        Row("predicted", {"gpu": Cell("RTX 5090", "RTX 5090"),
                          "v": Cell("53.5", 53.5, italic=True, hover=interval)}, "RTX 5090"),
    ])
    html = table_html(view, {"RTX 3060": CardFacts("RTX 30", 12.0, 329.0)})
    assert ('<tr class="published" data-kind="published" data-series="RTX 30" data-memory="12" '
            'data-price="329">') in html
    assert ('<td data-sort="53.5" title="range: 36.7–59.5" data-title-ko="범위: 36.7–59.5">'
            '<i>53.5</i></td>') in html
    assert 'data-type="number"' in html
    with pytest.raises(ValueError, match="kind 'guessed'"):
        Row("guessed", {})


def test_every_later_result_links_the_sources_it_is_the_median_of(root):
    gpus = load_gpus(root / "data/gpus.csv")
    literature = load_literature(root / "data/literature.csv", gpus)
    points = pd.DataFrame([
        {"workload": "sd-txt2img", "software": "diffusers", "gpu": "T4", "value": 6.925, "n_rows": 2,
         "bound": 40.459, "efficiency": 0.1712},
        {"workload": "sd-txt2img", "software": "survey", "gpu": "RTX 3060", "value": 7.239, "n_rows": 1,
         "bound": 15.873, "efficiency": 0.4561},
    ])
    view = since_views.later_view(points, literature, "later", Text.of("later"), "x.csv")
    (row,) = view.rows  # the survey's own point is no later result
    assert row.kind == "later"
    links = row.cells["source"].links
    expected = [r.source for r in literature
                if r.gpu == "T4" and r.software_group == "diffusers" and r.comparable]
    assert links and all(any(s.startswith(url) for s in expected) for _, url in links)
    assert all(url.startswith("https://") for _, url in links)


def test_a_page_over_its_budget_is_refused_and_nothing_written(tmp_path):
    outputs = {"page": tmp_path / "index.html", "bokeh": tmp_path / "bokeh.min.js"}
    with pytest.raises(ValueError, match="index.html: the page and its assets take .* at most 1000"):
        page.write_page("<html></html>", outputs, 1000)
    assert not any(tmp_path.iterdir())
    size = page.write_page("<html></html>", outputs, PAGES["index"].max_bytes)
    assert size == sum(p.stat().st_size for p in outputs.values())


def test_the_page_names_the_commit_and_each_data_file_s_checksum(root):
    import hashlib
    import re
    import subprocess

    built = page.provenance([root / "data/gpus.csv"], root)
    git = ["git", "-C", str(root), "rev-parse", "HEAD"]
    head = subprocess.run(git, capture_output=True, text=True).stdout
    assert re.fullmatch(r"[0-9a-f]{40}( \+ changes)?", built.commit) and built.commit.startswith(head.strip())
    digest = hashlib.sha256((root / "data/gpus.csv").read_bytes()).hexdigest()
    assert built.data == {str(root / "data/gpus.csv"): digest[:12]}


def test_the_fit_answers_are_gpusurvey_fit_s_own_at_the_index_the_page_reads(root):
    from gpusurvey.models.memory import MEMORY_FORMATS
    from gpusurvey.reports import fit
    from gpusurvey.reports.site.fit_answers import fit_answers

    data = fit.load_fit_data(fit.DataPaths.under(root / "data"))
    contexts = [4096, 32768]
    answers = fit_answers(data, contexts, 0.5)
    cards, models = answers["cards"], [m for m, _ in answers["models"]]
    assert len(answers["fits"]) == len(cards) * len(models) * len(MEMORY_FORMATS) * len(contexts)
    for gpu, model, fmt, context in (("RTX 4060 Ti 16GB", "qwen2.5-14b", "gguf-q4_k_m", 32768),
                                     ("RTX 3060", "llama-3.1-70b", "fp16", 4096)):
        c, m, f, x = cards.index(gpu), models.index(model), MEMORY_FORMATS.index(fmt), contexts.index(context)
        k = ((c * len(models) + m) * len(MEMORY_FORMATS) + f) * len(contexts) + x  # as the page's script
        j = (m * len(MEMORY_FORMATS) + f) * len(contexts) + x
        want = fit.plan(data, gpu, data.models[model], fmt, context, 0.5)
        assert answers["fits"][k] == int(want.fits)
        assert answers["spare"][k] == round(want.spare / 1e9, 2)
        assert answers["memory"]["total"][j] == round(want.memory.total / 1e9, 2)
        assert answers["bound"][k] == round(want.speed.bound, 1)
    assert 0 in answers["fits"] and 1 in answers["fits"]
    with pytest.raises(ValueError, match="site.fit_contexts"):
        fit_answers(data, [0], 0.5)


def test_a_section_table_marks_its_predictions_and_takes_each_row_s_kind():
    csv = pd.DataFrame({"gpu": ["RTX 4090", "RTX 3050"], "format": ["Q4_0", None],
                        "predicted_tokens_per_s": [125.135, None], "predicted_low": [13.1382, None],
                        "predicted_high": [217.884, None], "kind": ["predicted", None]})
    from gpusurvey.registry import TABLES
    from gpusurvey.reports.site.table_views import section_view

    view = section_view(TABLES[8], csv, "model", {}, Text.of("t"), "t.csv")
    assert [c.key for c in view.columns] == ["gpu", "format", "predicted_tokens_per_s"]
    first, second = view.rows
    assert (first.kind, second.kind) == ("predicted", "model")
    cell = first.cells["predicted_tokens_per_s"]
    assert (cell.text, cell.italic, cell.hover.en) == ("125.1", True, "Predicted interval: 13.14–217.9")
    assert second.cells["format"].text == "" and second.cells["predicted_tokens_per_s"].sort is None


def test_every_registered_figure_has_its_chart():
    from gpusurvey.registry import FIGURES
    from gpusurvey.reports.site.since_charts import CHARTS

    assert set(CHARTS) == set(FIGURES)


def test_the_measured_figures_redraw_their_bars_with_kinds_and_sources(root, tmp_path):
    from gpusurvey.inputs.measurements import load_all
    from gpusurvey.inputs.published import load_published_figure
    from gpusurvey.reports.cpu_compare import load_comparison
    from gpusurvey.reports.site import measured_charts
    from helpers import build_table, write_matmul_record

    record = tmp_path / "m/nvidia-h100-80gb-hbm3/matmul.json"
    write_matmul_record(record, samples=(30.0, 30.2, 29.8, 30.1, 29.9),
                        cuda_samples=(0.2, 0.21, 0.19, 0.2, 0.2))
    chart = measured_charts.matmul(load_published_figure(root / "data/published/figure1.csv"),
                                   load_all([record]), "en")
    (bars,) = [r.data_source.data for r in chart.renderers]
    assert bars["kind"][:2] == ["Published in the survey"] * 2
    assert bars["kind"][2:] == ["Measured by this pipeline"] * (len(bars["x"]) - 2)
    assert bars["source"][2:] == [str(record)] * (len(bars["x"]) - 2)
    assert bars["value_text"][-1] == "0.2 ms"  # the CUDA product's mean
    cpu = sorted([*root.glob("data/measurements/*/cpu/*.json"),
                  *root.glob("data/measurements/*/formats/*.json")])
    tables = {n: build_table(root, tmp_path / "tables", n)["csv"] for n in (3, 5)}
    comparison = load_comparison(cpu, tables[3], tables[5])
    panels = measured_charts.cpu_workloads(comparison, "ko").children
    assert len(panels) == sum(item is not None for item in (comparison.sd, comparison.llm))
    first = next(r for r in panels[0].renderers if "kind" in r.data_source.data).data_source.data
    assert first["kind"][0] == "본 파이프라인의 측정값" and first["source"][0] == comparison.sd.path
    assert first["x"][0] == pytest.approx(comparison.sd.seconds_per_unit)
    assert measured_charts.cpu_workloads(None, "en") is None
    # Two machines of one CPU model: each bar keeps an axis factor of its own (BokehJS refuses
    # a duplicate factor and draws no chart).
    twin = tmp_path / "m/cpu-test-cpu-model/matmul.json"
    write_matmul_record(twin)
    chart = measured_charts.matmul((), load_all([record, twin]), "en")
    factors = list(chart.y_range.factors)
    assert len(factors) == len(set(factors)) and any("[cpu-test-cpu-model]" in f for f in factors)
