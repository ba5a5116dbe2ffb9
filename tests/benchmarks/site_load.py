"""How heavy is the web page, and how soon does a browser show it? (a benchmark script, not a test)

Opens the built page (`snakemake site` first) from file:// in Debian's headless Chromium through
Playwright, each run in a fresh browser profile (nothing cached), and reports: the bytes of
every file the page loaded (its total size: the page and its assets), the time to first
contentful paint (first render), to DOMContentLoaded and to the load event, and until every
chart of the shown language is drawn; the median of the runs. Targets: at most 3 MB and 1 s to
first render. Exits 1 when a target is missed. Usage:

    .venv/bin/python tests/benchmarks/site_load.py [results/site/index.html] [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
MAX_BYTES = 3_000_000
MAX_FIRST_RENDER_MS = 1000.0
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMINGS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return {first_render: paint ? paint.startTime : null, dom_ready: nav.domContentLoadedEventEnd,
          load: nav.loadEventEnd, charts: performance.now()};
}"""
CHARTS_DRAWN = ("document.querySelectorAll('.chart.en .bk-Figure, .chart.en .bk-Column').length"
                " === document.querySelectorAll('.chart.en').length")


def one_run(chromium: str, url: str) -> tuple[dict, int, list[str]]:
    """Timings (ms) of one cold load, the bytes of the files it requested, and those files."""
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(profile, executable_path=chromium, headless=True,
                                                        args=FLAGS, viewport={"width": 1280, "height": 800})
        page = context.new_page()
        requested = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(url, wait_until="load")
        page.wait_for_function(CHARTS_DRAWN, timeout=60000)
        timings = page.evaluate(TIMINGS)
        context.close()
    files = [unquote(urlparse(u).path) for u in requested]
    outside = [u for u in requested if not u.startswith("file://")]
    if outside:
        raise SystemExit(f"site_load: the page requested {outside}; expected file:// only")
    return timings, sum(Path(f).stat().st_size for f in set(files)), files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", nargs="?", type=Path, default=ROOT / "results/site/index.html")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    if not args.page.is_file():
        print(f"site_load: {args.page} does not exist; build it: snakemake site", file=sys.stderr)
        return 2
    runs = [one_run(args.chromium, args.page.resolve().as_uri()) for _ in range(args.runs)]
    size, files = runs[0][1], runs[0][2]
    print(f"files loaded: {', '.join(Path(f).name for f in files)}")
    print(f"total size: {size} bytes ({size / 1e6:.2f} MB; target at most {MAX_BYTES / 1e6:.0f} MB)")
    medians = {key: statistics.median(r[0][key] for r in runs) for key in runs[0][0]}
    for key, label in (("first_render", "first render (first contentful paint)"),
                       ("dom_ready", "DOMContentLoaded"), ("load", "load event"),
                       ("charts", "every chart drawn")):
        each = ", ".join(f"{r[0][key]:.0f}" for r in runs)
        print(f"{label}: median {medians[key]:.0f} ms over {len(runs)} cold runs ({each})")
    ok = size <= MAX_BYTES and medians["first_render"] <= MAX_FIRST_RENDER_MS
    targets = f"at most {MAX_BYTES} bytes and {MAX_FIRST_RENDER_MS:.0f} ms to first render"
    print("targets met" if ok else f"target missed ({targets})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
