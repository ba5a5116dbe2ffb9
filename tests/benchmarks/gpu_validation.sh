#!/usr/bin/env bash
# Runs every GPU workload in the full profile on a CUDA machine that has no Snakemake and
# no network (torch, transformers, nvcc and ninja installed; the rest carried as wheels),
# and writes one record per workload under OUT/<machine>/ (default data/measurements/).
#
# Prepare the wheels on a machine with network, from the project's root:
#   ../shared/tools/device-wheels.sh nvidia-ml-py jsonschema jsonschema-specifications referencing rpds-py
# then on the GPU machine, from the project's root:
#   bash tests/benchmarks/gpu_validation.sh [OUT] [WORKLOAD ...]
# WORKLOAD defaults to matmul sd-txt2img sd-hires llm-decode. DEVICE=cpu PROFILE=smoke runs the
# same commands on tiny models, to check the script itself on a machine without a GPU. Variants that the tables do
# not read (xformers attention, torch.compile, the transformers LLM backend) go to
# OUT/<machine>/variants/ so that each table gets one row per GPU. A headline run (the record a
# table reads) that ends in oom or error still saves its record and makes the script exit non-zero.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${1:-data/measurements}
shift || true
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(matmul sd-txt2img sd-hires llm-decode)
PYTHON=${PYTHON:-python3}
device=${DEVICE:-cuda}
profile=${PROFILE:-full}
synth=llama-13b-gptq
[ "$profile" = smoke ] && synth=llama-tiny-gptq

if compgen -G ".whl/*.whl" >/dev/null; then
  "$PYTHON" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site .whl/*.whl || exit 1
  export PYTHONPATH=/tmp/site:$PWD/workflow
else
  export PYTHONPATH=$PWD/workflow
fi
export PYTHONUNBUFFERED=1
# exllamav2 JIT-compiles its extension on first import: for this GPU's compute capability only,
# all cores, and the CUDA library headers from the pip packages where the toolkit lacks them.
if [ -z "${TORCH_CUDA_ARCH_LIST:-}" ] && [ "$device" != cpu ]; then
  arch=$("$PYTHON" -c 'import torch; print("%d.%d" % torch.cuda.get_device_capability())' 2>/dev/null) &&
    export TORCH_CUDA_ARCH_LIST=$arch
fi
export MAX_JOBS=${MAX_JOBS:-$(nproc)}
nv_include=$("$PYTHON" -c 'import nvidia, os; print(os.path.join(list(nvidia.__path__)[0], "cu13", "include"))' 2>/dev/null)
[ -n "$nv_include" ] && [ -d "$nv_include" ] && export CPATH=$nv_include${CPATH:+:$CPATH}

gpusurvey() { "$PYTHON" -m gpusurvey.cli "$@"; }
machine=$("$PYTHON" -c 'from gpusurvey.core.machine import machine_slug; print(machine_slug())')
dir=$out/$machine
mkdir -p "$dir/variants"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true

status=0
bench() {  # bench WORKLOAD RECORD [--strict] [--set K=V ...]
  local workload=$1 record=$2
  shift 2
  echo "== $workload -> $record $*"
  gpusurvey bench "$workload" --device "$device" --profile "$profile" --quiet --out "$record" "$@" ||
    status=1
}

for workload in "${workloads[@]}"; do
  case $workload in
    matmul)
      bench matmul "$dir/matmul.json" --strict ;;
    sd-txt2img|sd-hires)
      bench "$workload" "$dir/$workload.json" --strict --set attention=sdpa
      bench "$workload" "$dir/variants/$workload-xformers.json" --set attention=xformers
      [ "$workload" = sd-txt2img ] &&
        bench "$workload" "$dir/variants/$workload-compile.json" --set attention=sdpa --set compile=true ;;
    llm-decode)
      checkpoint=${LLAMA_CHECKPOINT:-/tmp/$synth}
      [ -f "$checkpoint/config.json" ] || gpusurvey synth "$synth" "$checkpoint" || status=1
      # exllamav2 refuses the CPU before writing a record: there auto picks transformers.
      backend=exllamav2
      [ "$device" = cpu ] && backend=auto
      bench llm-decode "$dir/llm-decode.json" --strict --set backend=$backend --set checkpoint="$checkpoint"
      bench llm-decode "$dir/variants/llm-decode-transformers.json" --set backend=transformers \
        --set checkpoint="$checkpoint" --set warmup=1 --set repetitions=5 ;;
    *)
      echo "unknown workload '$workload'" >&2; status=2 ;;
  esac
done
exit $status
