"""The web page in a real browser: the session's shared build of `all` (which holds `site`, the
papers and the notebooks it links to, and test records that give Tables 3-5 measured rows),
opened from file:// in Debian's headless Chromium, driven through Playwright."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gpusurvey.registry import PAGES
from gpusurvey.reports.site.page import provenance
from playwright.sync_api import sync_playwright

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.workflow,
    pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (bash envs/system-packages.sh test)"),
]


@pytest.fixture(scope="module")
def site(shared_build) -> Path:
    """The build holding `results/site/` (part of `all`)."""
    return shared_build


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, headless=True,
                                                        args=FLAGS, viewport={"width": 1280, "height": 800})
        yield context
        context.close()


def _open(browser, site: Path, size=SIZES["desktop"]):
    """The page at ``size``, loaded until Bokeh has drawn the charts; with every console message,
    page error and request seen while loading."""
    page = browser.new_page()
    page.set_viewport_size({"width": size[0], "height": size[1]})
    seen = {"console": [], "errors": [], "requests": []}
    page.on("console", lambda m: seen["console"].append((m.type, m.text)))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.goto((site / PAGES["index"].outputs[0]).as_uri())
    page.wait_for_function("document.querySelectorAll('.chart.en .bk-Figure, .chart.en .bk-Column').length"
                           " === document.querySelectorAll('.chart.en').length", timeout=30000)
    return page, seen


def test_the_page_loads_from_file_with_no_error_and_no_network(browser, site):
    page, seen = _open(browser, site)
    assert not seen["errors"]
    assert not [m for m in seen["console"] if m[0] in ("error", "warning")], seen["console"]
    folder = (site / PAGES["index"].folder).as_uri()
    requests = seen["requests"]
    assert requests and all(url.startswith(folder + "/") for url in requests), requests
    assert page.locator(".chart.en").count() >= 7
    size = sum((site / p).stat().st_size for p in PAGES["index"].outputs)
    assert size <= PAGES["index"].max_bytes
    page.close()


def _column(page, table: str, header: str) -> list[str]:
    index = page.eval_on_selector_all(f"#{table} thead th",
                                      "(ths, h) => ths.findIndex(t => t.innerText.trim() === h)", header)
    assert index >= 0, f"no column '{header}' in {table}"
    return page.eval_on_selector_all(f"#{table} tbody tr:not([hidden])",
                                     "(rows, i) => rows.map(r => r.cells[i].dataset.sort)", index)


def test_a_header_click_sorts_its_table(browser, site):
    page, _ = _open(browser, site)
    header = page.locator("#table3 thead th", has_text="Price (USD)")
    header.locator("button").click()
    cells = _column(page, "table3", "Price (USD)")
    prices = [float(v) for v in cells if v]
    assert prices == sorted(prices) and prices[0] < prices[-1]
    assert header.get_attribute("aria-sort") == "ascending"
    # A card without a price (a data-centre card measured by this pipeline) comes last either way.
    assert all(not v for v in cells[len(prices):])
    header.locator("button").click()
    cells = _column(page, "table3", "Price (USD)")
    assert [float(v) for v in cells if v] == sorted(prices, reverse=True)
    assert all(not v for v in cells[len(prices):])
    page.close()


def test_filtering_to_16_gb_hides_the_8_gb_cards(browser, site):
    page, _ = _open(browser, site)
    page.select_option("#f-memory", "16")
    visible = page.eval_on_selector_all("#table1 tbody tr:not([hidden])", "rows => rows.map(r => r.cells[0]"
                                        ".innerText)")
    assert "RTX 4060 Ti 16GB" in visible and "RTX 4060 Ti 8GB" not in visible and "RTX 4060" not in visible
    memory = page.eval_on_selector_all("section.table tbody tr[data-memory]:not([hidden])",
                                       "rows => rows.map(r => parseFloat(r.dataset.memory))")
    assert memory and min(memory) >= 16
    page.fill("#f-price-max", "500")
    prices = page.eval_on_selector_all("section.table tbody tr[data-price]:not([hidden])",
                                       "rows => rows.map(r => parseFloat(r.dataset.price))")
    assert prices and max(prices) <= 500
    page.click("#f-reset")
    assert page.locator("#table1 tbody tr[hidden]").count() == 0
    page.close()


@pytest.mark.parametrize("name", SIZES)
def test_no_horizontal_overflow(browser, site, name, tmp_path):
    page, _ = _open(browser, site, SIZES[name])
    page.screenshot(path=str(tmp_path / f"site-{name}.png"))
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{name}: the page is {width} px wide in a {inner} px window"
    page.close()


def test_the_korean_switch_changes_the_headings_and_charts(browser, site):
    page, seen = _open(browser, site)
    before = page.inner_text("#tables")
    page.click("[data-set-lang=ko]")
    page.wait_for_function("document.querySelectorAll('.chart.ko .bk-Figure, .chart.ko .bk-Column').length"
                           " === document.querySelectorAll('.chart.ko').length", timeout=30000)
    assert (before, page.inner_text("#tables")) == ("Tables", "표")
    assert page.evaluate("document.documentElement.lang") == "ko"
    assert "가격" in page.inner_text("#table3")
    assert not seen["errors"]
    page.close()


def test_every_link_resolves_in_the_build_and_the_page_names_its_commit(browser, site):
    page, _ = _open(browser, site)
    links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    local = [link.split("#")[0] for link in links if link.startswith("file://")]
    assert not [link for link in links if not link.startswith(("file://", "https://", "http://"))]
    folder = site / PAGES["index"].folder
    for link in local:
        target = Path(link.removeprefix("file://"))
        assert target.is_file() or target == folder / "index.html", f"{link} links to nothing"
    for wanted in ("published/paper/survey-ko.pdf", "published/paper/survey-en.pdf", "published/SHA256SUMS",
                   "results/notebooks/crowd.html", "data/gpus.csv", "data/literature.csv"):
        assert any(link.endswith(wanted) for link in local), wanted
    # Every later result links its source on the web.
    sources = page.eval_on_selector_all(
        "#since-later tbody tr.later", "rows => rows.map(r => r.querySelectorAll('a[href^=\"https://\"]').length)")
    assert sources and min(sources) >= 1
    assert page.locator("#since-later tbody tr.crowd a[href='#table7']").count() >= 1
    # The copy is no git checkout: the page says so rather than name a commit it was not built from.
    assert page.inner_text("#commit") == provenance([], site).commit == "unknown (not a git checkout)"
    page.close()


def test_measured_and_predicted_rows_are_told_apart(browser, site):
    page, _ = _open(browser, site)
    measured = page.locator("#table3 tbody tr.measured")
    assert measured.count() >= 1 and "†" in measured.first.locator("th").inner_text()
    predicted = page.locator("#since-predictions tbody tr.predicted td i").first
    cell = predicted.locator("xpath=..")
    assert cell.get_attribute("title").startswith("Predicted interval: ")
    assert page.locator("#table3 tbody tr.predicted").count() == 0  # no prediction among measurements
    page.close()


def _cli_fit(site: Path, gpu: str, model: str, fmt: str, context: int) -> dict:
    """`gpusurvey fit --json` of the build's own code and data."""
    args = ["fit", "--gpu", gpu, "--model", model, "--format", fmt, "--context", str(context),
            "--data", str(site / "data"), "--json"]
    env = {**os.environ, "PYTHONPATH": str(site / "workflow")}
    proc = subprocess.run([sys.executable, "-m", "gpusurvey.cli", *args], capture_output=True, text=True,
                          timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("case", [("RTX 4060 Ti 16GB", "qwen2.5-14b", "Q4_K_M", 8192),
                                  ("RTX 3060", "llama-3.1-70b", "FP16", 4096)])
def test_the_fit_form_answers_as_gpusurvey_fit_does(browser, site, case):
    gpu, model, label, context = case
    page, seen = _open(browser, site)
    page.select_option("#fit-card", label=gpu)
    name = page.eval_on_selector("#fit-model", "(s, id) => JSON.parse(document.getElementById('fit-data')"
                                 ".textContent).models.find(m => m[0] === id)[1]", model)
    page.select_option("#fit-model", label=name)
    page.select_option("#fit-format", label=label)
    page.select_option("#fit-context", label=f"{context:,}")
    want = _cli_fit(site, gpu, model, label.lower(), context)

    def shown(key: str) -> str:
        return page.inner_text(f"#fit-answer [data-fit={key}]")

    for term in ("weights", "kv_cache", "scratch", "runtime", "total"):
        assert shown(term) == f"{want['memory_bytes'][term] / 1e9:.2f} GB", term
    assert shown("spare") == f"{abs(want['spare_bytes']) / 1e9:.2f} GB"
    assert shown("bound") == f"{want['decode_bound_tokens_per_s']:.1f} tokens/s"
    assert shown("verdict").endswith(": fits" if want["fits"] else ": does not fit")
    predicted = want["decode_predicted"]
    if want["fits"] and predicted:
        italic = page.inner_text("#fit-answer [data-fit=predicted] i")
        assert italic.startswith(f"{predicted['tokens_per_s']:.1f} tokens/s, interval {predicted['low']:.1f}")
    elif not want["fits"]:
        assert shown("predicted") == "none (it does not fit)"
    page.click("[data-set-lang=ko]")
    assert shown("verdict").endswith(": 들어간다" if want["fits"] else ": 들어가지 않는다")
    assert not seen["errors"]
    page.close()
