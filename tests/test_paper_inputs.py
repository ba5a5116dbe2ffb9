"""The paper's generated inputs: numbers as macros, errata, provenance, and the log checks."""

import re
import shutil

import pytest
from gpusurvey.core.errors import DataError
from gpusurvey.core.record import Metric, load, save
from gpusurvey.paper.latex_build import PaperBuildError, build_pdf, log_problems
from gpusurvey.paper.macros import Macros
from gpusurvey.paper.writers import write_errata, write_macros, write_provenance
from helpers import macro_values, switches, write_matmul_record, write_tables


@pytest.fixture
def inputs(tmp_path, root):
    csvs = write_tables(root, tmp_path / "results/tables")
    return {
        "spec_tables": [csvs[1], csvs[2]],
        "perf_table_csvs": [csvs[3], csvs[4], csvs[5]],
        "errata": root / "data/errata.csv",
        "gpus": root / "data/gpus.csv",
        "figure1": root / "data/published/figure1.csv",
        "records": [],
        "profiles": ["full"],
        "baseline": "RTX 3060",
    }


def test_macros_hold_the_tables_findings(tmp_path, inputs):
    out = tmp_path / "numbers.tex"
    write_macros(out, **inputs)
    text = out.read_text(encoding="utf-8")
    m = macro_values(text)
    assert m["SdTxtBestGpu"] == "RTX 4090" and m["SdTxtBestValue"] == "28.923"
    assert m["SdTxtSpeedupTopOverBase"] == "4"
    assert m["SdTxtBestValuePerDollarGpu"] == "RTX 4070 Ti" and m["SdTxtBestValuePerDollar"] == "0.0259"
    assert m["SdTxtWorstValuePerDollarGpu"] == "RTX 3090 Ti"
    assert m["SdHiresSpeedupTopOverBase"] == "7.13"
    assert m["LlmSpeedupTopOverBase"] == "1.33"
    assert m["LlmBestValuePerDollarGpu"] == "RTX 3060" and m["LlmBestValuePerDollar"] == "0.0592"
    assert m["SdTxtPriceRatioTopOverBase"] == "4.86"  # 1599 / 329
    # Roofline: 1008 GB/s / 6.92 GB per token = 145.7 tokens/s; 25.82 of it is 18 %.
    assert m["LlmBoundTop"] == "146" and m["LlmEfficiencyTop"] == "18"
    assert m["LlmBytesPerTokenGb"] == "6.92"
    assert m["SeriesFortyCount"] == "7" and m["SeriesThirtyCount"] == "9" and m["SpecGpuCount"] == "16"
    assert m["MatmulSurveyCpuMs"] == "49.9" and m["MatmulSurveyGpuMs"] == "4.46"
    assert m["ErrataCount"] == "4"
    assert switches(text) == {"MatmulOursCpu": False, "MatmulOursGpu": False, "MatmulOursGpuHost": False,
                              "MatmulOursTensor": False,
                              "MeasuredRows": False, "Records": False, "CpuRecords": False, "CpuSd": False,
                              "CpuSdBound": False, "CpuMatmul": False, "CpuLlm": False,
                              "CpuMatmulPeak": False, "CpuSdBoth": False, "CpuSdBfSixteenFaster": False,
                              "CpuSdFpThirtyTwo": False, "CpuSdFpThirtyTwoBound": False,
                              "CpuSdBfSixteen": False, "CpuSdBfSixteenBound": False}
    assert all(re.fullmatch(r"[A-Z][A-Za-z]*", name) for name in m)
    # Neither edition quotes prices or values per watt: no macro for them.
    assert not [name for name in m if name.endswith(("Price", "ValuePerWatt"))]
    assert "SdTxtBestValuePerWattGpu" in m  # the English and Korean texts name that GPU


def test_a_matmul_record_of_an_unknown_gpu_stops_the_macros(tmp_path, inputs):
    path = tmp_path / "m/x/matmul.json"
    write_matmul_record(path, cuda_samples=(0.5, 0.6, 0.5, 0.55, 0.5))
    path.write_text(path.read_text().replace('"gpu": "NVIDIA H100 80GB HBM3"', '"gpu": "x\'; touch pwned"'))
    with pytest.raises(DataError, match=r"m/x/matmul\.json, column 'gpu': unknown GPU 'x'; touch pwned'"):
        write_macros(tmp_path / "numbers.tex", **{**inputs, "records": [path]})
    assert not (tmp_path / "numbers.tex").exists()


def test_macros_state_the_price_comparisons_as_numbers(tmp_path, inputs):
    write_macros(tmp_path / "numbers.tex", **inputs)
    m = macro_values((tmp_path / "numbers.tex").read_text(encoding="utf-8"))
    # Speed per dollar of the fastest card over the baseline's: (28.923/1599) / (7.239/329).
    assert m["SdTxtValuePerDollarTopOverBase"] == "0.82"
    assert m["SdHiresValuePerDollarTopOverBase"] == "1.47"  # (3.641/1599) / (0.511/329)
    assert m["LlmValuePerDollarTopOverBase"] == "0.27"  # (25.82/1599) / (19.48/329)
    assert m["SdTxtSpreadBestOverWorst"] == "5.87"  # 28.923 / 4.931 (RTX 3050)
    assert m["LlmSpreadBestOverWorst"] == "1.33"  # 25.82 / 19.48


def test_a_change_in_the_data_changes_the_numbers(tmp_path, inputs):
    table3 = inputs["perf_table_csvs"][0]
    table3.write_text(table3.read_text().replace("RTX 4090,published,ok,28.923,28.923",
                                                 "RTX 4090,published,ok,14.478,14.478"))
    write_macros(tmp_path / "numbers.tex", **inputs)
    m = macro_values((tmp_path / "numbers.tex").read_text(encoding="utf-8"))
    assert m["SdTxtBestGpu"] == "RTX 4080" and m["SdTxtBestValue"] == "23.504"


def test_matmul_records_become_macros_and_provenance(tmp_path, inputs):
    record = tmp_path / "data/measurements/cpu-test/matmul.json"
    write_matmul_record(record)
    inputs["records"] = [record]
    write_macros(tmp_path / "numbers.tex", **inputs)
    text = (tmp_path / "numbers.tex").read_text(encoding="utf-8")
    m = macro_values(text)
    assert m["MatmulOursCpuMs"] == "12.6" and m["MatmulOursCpuReps"] == "5"
    assert m["MatmulOursCpuName"] == r"Test CPU Model\_X 9000"
    assert switches(text)["MatmulOursCpu"] and switches(text)["Records"]
    assert m["RecordCount"] == "1"

    write_provenance([record], ["full"], tmp_path / "p.ko.tex", tmp_path / "p.en.tex")
    en = (tmp_path / "p.en.tex").read_text(encoding="utf-8")
    ko = (tmp_path / "p.ko.tex").read_text(encoding="utf-8")
    flat = en.replace(r"\allowbreak{}", "")
    assert "0123456789abcdef0123456789abcdef01234567" in flat
    assert "torch 2.13.0+cpu" in flat and "diffusers" not in flat  # absent packages are left out
    assert r"Model\_X" in flat and "Python 3.11.2" in flat
    assert "git 커밋" in ko and "2026{-}11{-}25T10:00:00Z" in ko.replace(r"\allowbreak{}", "")
    # A version number is never split across lines; a path breaks after its slashes.
    assert "torch 2.13.0+cpu" in en and "Python 3.11.2" in en
    assert r"measurements/\allowbreak{}cpu" in en
    # A smoke record is not reported: the tables do not show smoke runs.
    write_provenance([record], ["smoke"], tmp_path / "s.ko.tex", tmp_path / "s.en.tex")
    assert (tmp_path / "s.en.tex").read_text().strip() == ""


def test_the_backend_is_described_in_each_editions_language():
    from gpusurvey.paper.provenance_words import backend_items

    backend = {"library": "torch and numpy", "compiled": False, "dtype": "float32",
               "cpu_timing": "perf_counter around 20 products, 0.5 s idle before each library's loop",
               "thread_env": {"OMP_NUM_THREADS": None}, "new_key": "as recorded"}
    assert dict(backend_items(backend, "ko")) == {
        "라이브러리": "torch, numpy", "컴파일": "아니요", "자료형": "float32",
        "CPU 시간 측정": "곱 20회를 perf_counter로 재고, 라이브러리마다 재기 전 0.5초 대기",
        "스레드 환경 변수": "OMP_NUM_THREADS=설정 안 됨", "new_key": "as recorded"}
    assert dict(backend_items(backend, "en"))["compiled"] == "no"
    assert dict(backend_items(backend, "en"))["library"] == "torch and numpy"


def test_a_cuda_matmul_record_gives_the_gpu_figures(tmp_path, inputs):
    cpu = tmp_path / "data/measurements/cpu-test/matmul.json"
    gpu = tmp_path / "data/measurements/nvidia-h100/matmul.json"
    write_matmul_record(cpu)
    write_matmul_record(gpu, samples=(30.0, 30.2, 29.8, 30.1, 29.9),
                        cuda_samples=(0.20, 0.21, 0.19, 0.20, 0.20))
    inputs["records"] = [gpu, cpu]
    write_macros(tmp_path / "numbers.tex", **inputs)
    text = (tmp_path / "numbers.tex").read_text(encoding="utf-8")
    m = macro_values(text)
    assert m["MatmulOursCpuMs"] == "12.6"  # the CPU-only machine's record is preferred for the CPU
    assert m["MatmulOursGpuMs"] == "0.200" and m["MatmulOursGpuName"] == "NVIDIA H100 80GB HBM3"
    assert m["MatmulOursSpeedup"] == "150"  # 30.0 ms on that machine's CPU / 0.2 ms
    assert switches(text)["MatmulOursGpu"] and switches(text)["MatmulOursGpuHost"]
    assert not switches(text)["MatmulOursTensor"]  # no tensor-core GEMMs in this record

    record = load(gpu)  # with the half- against single-precision GEMMs of a CUDA run
    record.extra.update(fp16_over_fp32_512=3.724, fp16_over_fp32_4096=14.64)
    record.metrics["cuda_fp16_4096_tflops"] = Metric(unit="TFLOP/s", samples=[752.4, 753.4])
    save(record, gpu)
    write_macros(tmp_path / "numbers.tex", **inputs)
    text = (tmp_path / "numbers.tex").read_text(encoding="utf-8")
    m = macro_values(text)
    assert switches(text)["MatmulOursTensor"] and m["MatmulOursTensorGpu"] == "NVIDIA H100 80GB HBM3"
    assert (m["MatmulOursTensorSmall"], m["MatmulOursTensorLarge"], m["MatmulOursTensorTflops"]) == (
        "3.7", "14.6", "753")


def test_errata_tables_list_every_row(tmp_path, root):
    write_errata(root / "data/errata.csv", root / "data/gpus.csv", tmp_path / "e.ko.tex",
                 tmp_path / "e.en.tex")
    en = (tmp_path / "e.en.tex").read_text(encoding="utf-8")
    ko = (tmp_path / "e.ko.tex").read_text(encoding="utf-8")
    assert en.count(r"\\") - 1 == 4 and "Launch date" in en
    # dates as the survey and Table 1 print them
    assert "RTX 4090&Launch date&2022.8.12&2022.10.12&" in en and "{-}" not in en.split("NVIDIA")[0]
    assert "출시일" in ko and r"\toprule" in ko


def test_missing_baseline_is_a_named_error_and_writes_nothing(tmp_path, inputs):
    inputs["baseline"] = "A100 40GB"
    out = tmp_path / "numbers.tex"
    with pytest.raises(DataError, match=r"table3\.csv.*baseline GPU 'A100 40GB'"):
        write_macros(out, **inputs)
    inputs["baseline"] = "RTX 2080"
    with pytest.raises(DataError, match=r"^config tables\.baseline_gpu: unknown GPU 'RTX 2080'"):
        write_macros(out, **inputs)
    assert not out.exists()


def test_a_baseline_in_the_surveys_spelling_is_its_canonical_name(tmp_path, inputs):
    inputs["baseline"] = "RTX 4070Ti"
    write_macros(tmp_path / "numbers.tex", **inputs)
    m = macro_values((tmp_path / "numbers.tex").read_text(encoding="utf-8"))
    assert m["SdTxtBaseGpu"] == "RTX 4070 Ti" and m["SdTxtBaseValue"] == "20.697"


def test_missing_column_is_a_named_error(tmp_path, inputs):
    table5 = inputs["perf_table_csvs"][2]
    lines = table5.read_text().splitlines()
    table5.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n")
    with pytest.raises(DataError, match=r"table5\.csv, line 1: missing column\(s\) \[.outliers.\]"):
        write_macros(tmp_path / "numbers.tex", **inputs)


def test_macro_names_are_letters_only():
    macros = Macros()
    with pytest.raises(ValueError, match="CamelCase"):
        macros.set("Rtx4090Speed", "1")
    macros.set("Speed", "1")
    with pytest.raises(ValueError, match="twice"):
        macros.set("Speed", "2")


def test_log_problems_names_each_flaw():
    log = "\n".join([
        "Missing character: There is no 가 (U+AC00) in font [lmroman10-regular]:mapping=tex-text;!",
        "LaTeX Warning: Reference `tab:x' on page 3 undefined on input line 12.",
        "LaTeX Warning: Citation `nobody' on page 1 undefined on input line 40.",
        r"Overfull \hbox (42.1pt too wide) in paragraph at lines 58--59",
        r"Underfull \hbox (badness 10000) in paragraph at lines 1--2",
        "LaTeX Warning: There were undefined references.",
    ])
    problems = log_problems(log)
    assert [p.split(":")[0] for p in problems] == [
        "missing glyph", "undefined reference or citation", "undefined reference or citation",
        "undefined reference or citation", "overfull box"]
    assert log_problems("Output written on x.xdv (1 page).") == []


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("latexmk") is None, reason="needs latexmk and XeLaTeX")
def test_a_missing_glyph_fails_the_build(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\\tracinglostchars=2\\begin{document}\n"
        "text \u2603 more\n\\end{document}\n", encoding="utf-8")
    with pytest.raises(PaperBuildError, match=r"missing glyph: Missing character: There is no \u2603"):
        build_pdf("doc.tex", tmp_path / "doc.pdf", tmp_path / "scratch", 0)
    assert not (tmp_path / "doc.pdf").exists()


def test_citation_cff_matches_the_readme_bibtex_and_the_paper(root):
    import yaml

    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))["preferred-citation"]
    readme = (root / "README.md").read_text(encoding="utf-8")
    entry = readme[readme.index("@techreport{gpusurvey"):]
    entry = entry[:entry.index("\n}\n")]

    def field(name):
        raw = re.search(rf"{name}\s*=\s*\{{(.*?)\}},?\n\s*\w+\s*=", entry, re.S).group(1)
        return " ".join(raw.replace("{", "").replace("}", "").split())

    assert field("title") == cff["title"]
    assert field("number") == str(cff["version"]) and str(cff["year"]) in entry
    assert field("author") == cff["authors"][0]["name"]
    en = (root / "paper/en/survey.tex").read_text(encoding="utf-8")
    title = re.search(r"\\title\{(.*?)\}\n", en).group(1).replace("\\\\", " ")
    assert title == cff["title"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("latexmk") is None, reason="needs latexmk and XeLaTeX")
def test_a_tex_error_names_its_file_and_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "doc.tex").write_text("\\documentclass{article}\\begin{document}\n\\NoSuchMacro\n"
                                      "\\end{document}\n", encoding="utf-8")
    with pytest.raises(PaperBuildError, match=r"latexmk failed(.|\n)*doc\.tex, line 2: Undefined control"):
        build_pdf("doc.tex", tmp_path / "doc.pdf", tmp_path / "scratch", 0)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("latexmk") is None, reason="needs latexmk and XeLaTeX")
def test_a_table_too_wide_for_the_page_fails_the_build(tmp_path, monkeypatch, root):
    """The shared preamble never scales a table: a slightly wide one is set at 8 pt with narrow
    column gaps; one still wider than the line at 8 pt stops the build, naming the fragment."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(root / "paper", tmp_path / "paper")
    (tmp_path / "results/macros").mkdir(parents=True)
    (tmp_path / "results/macros/numbers.tex").write_text("", encoding="utf-8")
    for name, columns in (("slightly", 8), ("far", 11)):
        cells = " & ".join(["RTX 4060 Ti"] * columns)
        (tmp_path / f"{name}.tex").write_text(
            f"\\begin{{tabular}}{{{'l' * columns}}}{cells}\\\\\\end{{tabular}}\n", encoding="utf-8")
        (tmp_path / f"doc-{name}.tex").write_text(
            "\\documentclass{article}\\usepackage{kotex}\\newcommand{\\SurveyLang}{en}\n"
            "\\input{paper/preamble.tex}\\begin{document}\n"
            f"\\begin{{table}}\\centering\\surveytable{{{name}.tex}}\\end{{table}}\n\\end{{document}}\n",
            encoding="utf-8")
    build_pdf("doc-slightly.tex", tmp_path / "slightly.pdf", tmp_path / "s1", 0)
    assert "Survey table slightly.tex: footnotesize" in (tmp_path / "s1/doc-slightly.log").read_text()
    with pytest.raises(PaperBuildError, match=r"Survey table far\.tex is [0-9.]+pt wide at 8 pt, wider"):
        build_pdf("doc-far.tex", tmp_path / "far.pdf", tmp_path / "s2", 0)
    assert (tmp_path / "slightly.pdf").exists() and not (tmp_path / "far.pdf").exists()


def test_a_missing_latexmk_is_a_named_error_in_the_log(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    log = tmp_path / "logs/paper.log"
    with pytest.raises(PaperBuildError, match="latexmk and xelatex not found"):
        build_pdf("doc.tex", tmp_path / "doc.pdf", tmp_path / "scratch", 0, transcript=log)
    assert "envs/system-packages.sh" in log.read_text(encoding="utf-8")
    assert not (tmp_path / "doc.pdf").exists()
