#!/usr/bin/env bash
# Installs the Debian packages the pipeline needs beyond Python: venv support for python3,
# XeLaTeX with kotex (Korean), Nanum fonts, latexmk and poppler-utils (pdftotext for the
# paper's tests). With the argument `test` (make test) also SLURM and munge, for the tests
# that run the cluster profile against a real single-node SLURM (tests/slurm_cluster.py), and
# Chromium, which opens the Snakemake report headless (tests/test_report.py).
# Does nothing when every tool is already there.
set -euo pipefail

packages=(texlive-xetex texlive-lang-korean texlive-latex-extra texlive-fonts-recommended fonts-nanum latexmk
          poppler-utils)

missing=()
# Debian's python3 makes virtual environments only with python3-venv (ensurepip).
python3 -c 'import ensurepip' 2>/dev/null || { missing+=(python3-venv); packages+=(python3-venv); }
command -v xelatex >/dev/null || missing+=(texlive-xetex)
command -v latexmk >/dev/null || missing+=(latexmk)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
kpsewhich kotex.sty >/dev/null 2>&1 || missing+=(texlive-lang-korean)
kpsewhich booktabs.sty >/dev/null 2>&1 || missing+=(texlive-latex-extra)
# hyperref under XeTeX loads the ZapfDingbats metrics (pzdr.tfm) for its link markers.
kpsewhich pzdr.tfm >/dev/null 2>&1 || missing+=(texlive-fonts-recommended)
fc-list 2>/dev/null | grep -q NanumMyeongjo || missing+=(fonts-nanum)
if [ "${1:-}" = test ]; then
  packages+=(slurmctld slurmd slurm-client munge chromium)
  for cmd in slurmctld slurmd sbatch munged mungekey chromium; do
    command -v "$cmd" >/dev/null || { missing+=("$cmd"); break; }
  done
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "system-packages: installing ${packages[*]} (missing: ${missing[*]})"
if ! command -v apt-get >/dev/null; then
  echo "system-packages: apt-get not found; install these by hand: ${packages[*]}" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo="sudo"
  else
    echo "system-packages: need root to install ${packages[*]}; run as root or install them by hand" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${packages[@]}"
