"""What the pipeline knows, in one place: its workloads, tables, figures and notebooks.

The rules (``workflow/rules/common.smk``), the writers, the record contract, the schema checks
and the tests read these entries; adding a workload, a table, a figure or a notebook means
adding an entry here and the code it names (docs/extending.md). Light on purpose: the
Snakefile imports it at parse time, so it imports nothing beyond the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass

MATMUL = "matmul"
SD_TXT2IMG = "sd-txt2img"
SD_HIRES = "sd-hires"
LLM_DECODE = "llm-decode"
"""The workloads' names, as records, settings and configs spell them: code names a workload by
these constants, never by its string, so that a renamed or added workload changes here (and in
the schemas that list the names)."""


@dataclass(frozen=True)
class Workload:
    """One benchmark: what it measures and what it needs."""

    name: str
    unit: str
    """Unit of the primary metric; a record in another unit is refused."""
    primary_metric: str
    """The metric whose mean a table shows."""
    entry: str
    """``module:Class`` of its ``gpusurvey.bench.workloads`` implementation (imported lazily)."""
    gpu_only: bool
    """Measured at full size only where a CUDA GPU is present (``measure: auto``)."""
    env: str
    """Conda environment of its rule (``envs/<env>.yaml``, for ``--sdm conda``)."""
    extra: str
    """The pip extra that installs what it needs (``pip install -e '.[<extra>]'``)."""


@dataclass(frozen=True)
class Table:
    """One table of the paper: Tables 1-2 list products, Tables 3-5 hold one workload's speeds."""

    number: int
    workload: str | None = None
    """The workload whose published rows and records it holds (None for Tables 1-2)."""
    dollar_places: int = 4
    """Decimals of value per dollar, as the survey prints them."""
    roofline: bool = False
    """Adds the decode roofline columns (bandwidth, bytes per token, bound, efficiency)."""
    compute_setting: str | None = None
    """Adds the compute-bound columns for this Stable Diffusion setting
    (``gpusurvey.models.sd_compute.SETTINGS``: peak TFLOPS, FLOPs per step, bound, efficiency)."""
    macro_prefix: str = ""
    """Prefix of the paper's macros about this table (``\\SdTxtBestGpu``)."""
    series: str | None = None
    """A product list of a series the survey did not print (``RTX 50``): the rows of
    ``data/gpus.csv`` of that ``series``, in the survey's layout. It has no printed twin in
    ``data/expected/``, so ``verify`` skips it; Tables 1-2 list the survey's ``survey_table`` rows."""
    section: str | None = None
    """A table of a section beyond the survey (``crowd``, ``fit``, ``cpu``, ``formats``): written as
    ``results/tables/table<N>.{csv,ko.tex,en.tex}`` by that section's own rule, not by the
    product-list or speed-table rules, and never compared by ``verify``."""

    @property
    def name(self) -> str:
        return f"table{self.number}"


@dataclass(frozen=True)
class Figure:
    """One figure: its name (``results/figures/<name>.<lang>.<ext>``), target and inputs."""

    name: str
    target: str
    """The rule that builds it alone."""
    draw: str
    """Name of its drawing function in ``gpusurvey.reports.figures`` (``DRAWERS``), or in its
    section's module for a figure of a section (``gpusurvey.reports.since_figures``,
    ``crowd_figure``)."""
    tables: tuple[int, ...] = ()
    """Regenerated tables it reads (``results/tables/table<N>.csv``)."""
    baseline: bool = False
    """Reads ``data/gpus.csv`` to resolve ``tables.baseline_gpu``."""
    records: str | None = None
    """Reads the records of this workload (and the survey's Figure 1 bars)."""
    cpu_records: bool = False
    """Reads the committed CPU records (``data/measurements/*/cpu/``, ``*/formats/``) beside
    Tables 3 and 5 (the CPU against the survey's cards)."""
    cpu_formats: bool = False
    """Reads the committed CPU records for the CPU's decode runs in each weight format."""
    wide: bool = False
    """Set at the full text width (``\\surveyfigure[\\linewidth]``); otherwise at the paper's
    default 0.66 of it. ``gpusurvey.reports.figure_check`` reads its type at that size."""
    section: str | None = None
    """Drawn by that section's module from the section's CSVs (not the tables), in the same
    ``figure`` job as every other figure; ``figures`` and ``publish`` hold it too."""


@dataclass(frozen=True)
class Notebook:
    """One analysis notebook (``notebooks/<name>.ipynb``): the files its ``parameters`` cell names."""

    name: str
    tables: tuple[int, ...] = ()
    gpus: bool = False
    records: str | None = None
    """Reads the records of this workload, the survey's Figure 1 bars and ``tables.profiles``."""
    cpu_records: bool = False
    """Reads the committed CPU records (``data/measurements/*/cpu/``, ``*/formats/``) beside
    Tables 3 and 5 (the CPU against the survey's cards)."""
    cpu_formats: bool = False
    """Reads the committed CPU records for the CPU's decode runs in each weight format."""
    files: tuple[tuple[str, str], ...] = ()
    """Files of a section it reads, as (parameter, path) pairs (``results/crowd/rows.csv``)."""

    @property
    def target(self) -> str:
        return f"notebook_{self.name}"


WORKLOADS: dict[str, Workload] = {w.name: w for w in (
    Workload(MATMUL, "ms", "cpu_torch_fp32_ms", "gpusurvey.bench.workloads.matmul:MatmulWorkload",
             gpu_only=False, env="bench", extra="bench"),
    Workload(SD_TXT2IMG, "it/s", "it_per_s", "gpusurvey.bench.workloads.stable_diffusion:Txt2ImgWorkload",
             gpu_only=True, env="bench-sd", extra="bench-sd"),
    Workload(SD_HIRES, "it/s", "it_per_s", "gpusurvey.bench.workloads.stable_diffusion:HiresWorkload",
             gpu_only=True, env="bench-sd", extra="bench-sd"),
    Workload(LLM_DECODE, "tokens/s", "decode_tokens_per_s",
             "gpusurvey.bench.workloads.llm_decode:LlmDecodeWorkload",
             gpu_only=True, env="bench-llm", extra="bench-llm"),
)}

TABLES: dict[int, Table] = {t.number: t for t in (
    Table(1),
    Table(2),
    Table(3, SD_TXT2IMG, dollar_places=4, compute_setting=SD_TXT2IMG, macro_prefix="SdTxt"),
    Table(4, SD_HIRES, dollar_places=6, compute_setting=SD_HIRES, macro_prefix="SdHires"),
    Table(5, LLM_DECODE, dollar_places=4, roofline=True, macro_prefix="Llm"),
    Table(6, series="RTX 50"),
    Table(7, section="crowd"),
    Table(8, section="fit", macro_prefix="Fit"),
    Table(9, section="cpu", macro_prefix="CpuDesktop"),
    Table(10, section="formats", macro_prefix="Format"),
)}

FIGURES: dict[str, Figure] = {f.name: f for f in (
    Figure("figure1_matmul", "figure1", "matmul", records=MATMUL),
    Figure("table3_bars", "figure_table3_bars", "bars", tables=(3,), baseline=True),
    Figure("table4_bars", "figure_table4_bars", "bars", tables=(4,), baseline=True),
    Figure("table5_bars", "figure_table5_bars", "bars", tables=(5,), baseline=True),
    Figure("value_per_dollar", "figure_value_per_dollar", "value_per_dollar", tables=(3, 4, 5), wide=True),
    Figure("roofline", "figure_roofline", "roofline", tables=(5,), cpu_formats=True, wide=True),
    Figure("cpu_workloads", "figure_cpu_workloads", "cpu_workloads", tables=(3, 5), cpu_records=True,
           wide=True),
    Figure("roofline_since", "figure_roofline_since", "roofline_since", tables=(5,), wide=True,
           section="since"),
    Figure("value_per_dollar_today", "figure_value_per_dollar_today", "value_per_dollar_today", wide=True,
           section="since"),
    Figure("crowd_distributions", "figure_crowd", "distributions", wide=True, section="crowd"),
)}

NOTEBOOKS: dict[str, Notebook] = {n.name: n for n in (
    Notebook("specs", tables=(1, 2), gpus=True),
    Notebook("stable_diffusion", tables=(3, 4), gpus=True),
    Notebook("llm", tables=(5,)),
    Notebook("matmul", records=MATMUL),
    Notebook("cpu", tables=(3, 5), gpus=True, cpu_records=True),
    Notebook("crowd", tables=(7,),
             files=(("rows", "results/crowd/rows.csv"), ("votes", "results/crowd/votes.csv"))),
)}


@dataclass(frozen=True)
class Page:
    """A web page of the results (``results/site/``): every registered table, sortable and
    filtered in the browser, the figures as interactive charts, the section CSVs it reads."""

    name: str
    target: str
    """The rule that builds it alone (and the folder ``results/<target>/`` it is written to)."""
    assets: tuple[str, ...] = ()
    """Files shipped beside the page (a chart library from its PyPI wheel), by file name."""
    max_bytes: int = 3_000_000
    """The page and its assets together may not exceed this size (the build fails otherwise)."""

    @property
    def folder(self) -> str:
        return f"results/{self.target}"

    @property
    def outputs(self) -> list[str]:
        return [f"{self.folder}/{self.name}.html", *(f"{self.folder}/{a}" for a in self.assets)]


PAGES: dict[str, Page] = {p.name: p for p in (
    Page("index", "site", assets=("bokeh.min.js",)),
)}

LANGS = ("ko", "en")
"""The paper's editions; every table fragment and figure exists in each."""


def survey_tables() -> list[Table]:
    """The tables the survey printed (Tables 1-5): those ``verify`` compares cell for cell."""
    return [t for t in TABLES.values() if t.series is None and t.section is None]


def spec_tables() -> list[Table]:
    """The product lists: the survey's Tables 1-2 and the later series (Table 6)."""
    return [t for t in TABLES.values() if t.workload is None and t.section is None]


def section_tables(section: str) -> list[Table]:
    """The tables a section beyond the survey writes with its own rule."""
    return [t for t in TABLES.values() if t.section == section]


def generic_figures() -> list[Figure]:
    """The figures the generic ``figure`` rule draws from the tables and records."""
    return [f for f in FIGURES.values() if f.section is None]


def section_figures(section: str) -> list[Figure]:
    """The figures of a section beyond the survey, drawn from the section's CSVs by its module."""
    return [f for f in FIGURES.values() if f.section == section]


def survey_spec_tables() -> list[Table]:
    """Tables 1-2: the survey's product lists."""
    return [t for t in survey_tables() if t.workload is None]


def perf_tables() -> list[Table]:
    """Tables 3-5: the tables that hold a workload's speeds, in order."""
    return [t for t in TABLES.values() if t.workload is not None]


def table_of(workload: str) -> Table | None:
    """The table a workload's records add rows to (None for matmul)."""
    return next((t for t in perf_tables() if t.workload == workload), None)
