#!/usr/bin/env bash
# Does the virtual environment still satisfy the project? `make` runs this before trusting its
# stamp file, and reinstalls when it fails: installing another tool into the venv can downgrade
# or remove what the project needs (for example a jsonschema older than pyproject.toml asks).
# Usage: envs/check-venv.sh VENV [EXTRAS]. Exits 0 when all checks pass; otherwise prints
# each failed check and exits 1.
set -uo pipefail

venv=${1:?usage: envs/check-venv.sh VENV [EXTRAS]}
extras=${2:-all}
python="$venv/bin/python"
failed=0

fail() {
  echo "check-venv: $venv: $1" >&2
  failed=1
}

if [ ! -x "$python" ]; then
  fail "no $python"
  exit 1
fi
# Every installed distribution's requirements are met (the project's own included).
if ! out=$("$python" -m pip check 2>&1); then
  fail "pip check: $(echo "$out" | tr '\n' ';')"
fi
if ! out=$("$python" -c 'import gpusurvey.registry, gpusurvey.cli' 2>&1); then
  fail "the package does not import: $(echo "$out" | tail -n 1)"
fi
case ",$extras," in
  *,all,*|*,workflow,*)
    if ! out=$("$python" -m snakemake --version 2>&1); then
      fail "snakemake --version: $(echo "$out" | tail -n 1)"
    fi ;;
esac
exit $failed
