#!/usr/bin/env bash
# check.sh - one command that validates and times everything on a GPU host, in one call of under
# 8 minutes on an H200 (bare host: CUDA, nvcc, Python with PyTorch, no Java: it runs from the
# bundle made by bench/gpu/make-bundle.sh, which brings its own Java runtime).
#
#   1. parity: every op's kernel against the cpu reference, the test kernels and the GEMM suite
#      (ParityCheck; on cuda CudaGemmTest runs the GEMM's cp.async main loop; the runtime tests
#      include graph capture and replay)
#   1b. graphs: replayed supervision steps bit-identical to eager ones, eager vs replayed ms per
#      batch-1 inference step (trm.bench.GraphCheck), launches per step (trm.bench.LaunchCounts)
#   2. ceilings: device-to-device copy GB/s and cuBLAS GEMM TFLOP/s (ceilings.py, PyTorch)
#   3. every kernel timed at the reference shapes (trm.bench.KernelBench) against those ceilings
#   4. sudoku-mlp training at batch 768 for a fixed number of steps: step time, samples/s, MFU
#      (model FLOPs from TrmFlops), loss falling
#   5. inference: batch 1 (16 steps, and early halting) latency, batch-768 throughput
#   6. the PyTorch reference on the same shapes (torch_ref.py; --ref DIR, a checkout brought along)
#   7. the parity suite under compute-sanitizer memcheck, racecheck, synccheck, initcheck
#   -> OUT/results.md (table) and OUT/results.json, with date, GPU, driver and every command.
#
# usage: check.sh [--dry-run] [--out DIR] [--ref DIR] [--budget SECONDS] [--train-steps N]
#                 [--no-sanitizer | --sanitizer-only]
#   --dry-run   the same steps end to end on the strict simulator with tiny shapes (CI runs this;
#               from a source tree it first makes the bundle, from the last build's jars if present)
#   --out       results folder (default: ./trm-gpu-results)
#   --ref       a checkout of github.com/SamsungSAILMontreal/TinyRecursiveModels (default: the
#               bundle's ref/TinyRecursiveModels if present)
#   --budget    seconds for the whole run (default 450); a step that would pass it is cut or skipped
#               (the sanitizer runs last; --sanitizer-only gives it a call of its own)
# Exit status: 0 when every step that ran passed, 1 otherwise (the results say which).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dry=0 out=$PWD/trm-gpu-results ref="" budget=450 train_steps="" sanitizer=1 timing=1
while [ $# -gt 0 ]; do
    case "$1" in
        --dry-run) dry=1 ;;
        --out) out=$2; shift ;;
        --ref) ref=$2; shift ;;
        --budget) budget=$2; shift ;;
        --train-steps) train_steps=$2; shift ;;
        --no-sanitizer) sanitizer=0 ;;
        --sanitizer-only) timing=0 ;;
        *) echo "check.sh: unknown option $1 (see the header of $0)" >&2; exit 2 ;;
    esac
    shift
done
start=$SECONDS

# The bundle: this script inside one (gpu/check.sh), or a source tree (bench/gpu/check.sh).
if [ -x "$here/../runtime/bin/java" ] && [ -f "$here/../lib/trm.jar" ]; then
    bundle=$(cd "$here/.." && pwd)
else
    root=$(cd "$here/../.." && pwd)
    if [ $dry = 0 ]; then
        echo "check.sh: run it from the bundle (bench/gpu/make-bundle.sh), or use --dry-run here" >&2
        exit 2
    fi
    # The real bundle (jlink, the 55 MB limit), from the jars of the last build if there are any.
    bundle=$root/bench/target/trm-gpu
    nobuild=""
    [ -f "$root/trainer/target/trm.jar" ] && [ -f "$root/bench/target/benchmarks.jar" ] \
        && [ -f "$root/kernels/target/test-classes/trm/kernels/ParityCheck.class" ] && nobuild=--no-build
    "$here/make-bundle.sh" $nobuild --out "$bundle" || { echo "check.sh: could not make the bundle" >&2; exit 1; }
fi
[ -z "$ref" ] && [ -d "$bundle/ref/TinyRecursiveModels" ] && ref=$bundle/ref/TinyRecursiveModels
mkdir -p "$out"
out=$(cd "$out" && pwd)
: > "$out/steps.jsonl"
JAVA=("$bundle/runtime/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx16g)
TRM=("$bundle/bin/trm")
CHECK_CP="$bundle/lib/trm.jar:$bundle/lib/check/*"
export TRM_HEAP=${TRM_HEAP:-16g}

if [ $dry = 1 ]; then
    device=sim shapes=tiny batch=8 steps=${train_steps:-4} side=4
    train_arch=(--hidden 16 --h-cycles 1 --l-cycles 1 --halt-max-steps 2 --puzzle-emb-len 1 --layers 1)
    train_data=gen:4:30:0:1 eval_n=16 puzzles=3  # generated sets are distinct up to symmetry: 4×4 has 36 classes
else
    device=cuda shapes=reference batch=768 steps=${train_steps:-40} side=9
    train_arch=()
    train_data=gen:9:1000:0:1 eval_n=768 puzzles=12
fi

# step NAME TIMEOUT CMD... : runs CMD with output in OUT/NAME.log, appends a record to steps.jsonl.
step() {
    local name=$1 limit=$2; shift 2
    local left=$((budget - (SECONDS - start)))
    [ "$limit" -gt "$left" ] && limit=$left
    if [ "$limit" -lt 5 ]; then
        record "$name" skipped 0 0 "out of time (budget ${budget}s)" "$@"
        return 1
    fi
    echo "[check] $name (at most ${limit}s): $*"
    local t0=$SECONDS rc
    timeout --kill-after=10 "$limit" "$@" > "$out/$name.log" 2>&1
    rc=$?
    local status=ok
    [ $rc = 124 ] || [ $rc = 137 ] && status=timeout
    [ $rc != 0 ] && [ $status = ok ] && status=failed
    [ $rc = 4 ] && status=ok rc=0  # trm solve ran, but some answer is not a valid solution (a timing run, not an accuracy check)
    record "$name" $status $rc $((SECONDS - t0)) "$(tail -c 600 "$out/$name.log" | tr '\n' ' ' | tail -c 300)" "$@"
    echo "[check] $name: $status (rc $rc, $((SECONDS - t0))s)"
    return $rc
}
record() {  # name status rc seconds note cmd...
    local name=$1 status=$2 rc=$3 secs=$4 note=$5; shift 5
    python3 - "$out/steps.jsonl" "$name" "$status" "$rc" "$secs" "$note" "$@" <<'PY'
import json, sys
path, name, status, rc, secs, note, *cmd = sys.argv[1:]
with open(path, "a") as f:
    f.write(json.dumps({"step": name, "status": status, "rc": int(rc), "seconds": int(secs), "note": note,
                        "command": " ".join(cmd)}) + "\n")
PY
}
skip() { record "$1" skipped 0 0 "$2"; echo "[check] $1: skipped ($2)"; }

# --- the machine ------------------------------------------------------------------------------
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "host: $(uname -n) $(uname -m)"
    if command -v nvidia-smi > /dev/null; then
        echo "gpu: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | head -1)"
    else
        echo "gpu: none (nvidia-smi not found)"
    fi
    echo "nvcc: $(nvcc --version 2>/dev/null | tail -1 || echo absent)"
    echo "java: $("${JAVA[0]}" -version 2>&1 | head -1)"
    echo "python: $(python3 -c 'import sys; print(sys.version.split()[0])' 2>/dev/null) torch: $(python3 -c 'import torch; print(torch.__version__, "cuda", torch.version.cuda)' 2>/dev/null || echo absent)"
    echo "bundle: $(head -3 "$bundle/VERSION" | tail -2 | tr '\n' ' ')"
    echo "mode: $([ $dry = 1 ] && echo "dry run (device sim, tiny shapes)" || echo "device cuda, reference shapes")"
} > "$out/machine.txt"
cat "$out/machine.txt"

# --- 1: parity ---------------------------------------------------------------------------------------
step parity 150 "${JAVA[@]}" -cp "$CHECK_CP" trm.kernels.ParityCheck --device $device --json "$out/parity.json"
# --- 1b: one graph per supervision step: replayed steps bit-identical to eager ones; launches per step
if [ $dry = 1 ]; then
    step graphs 60 "${JAVA[@]}" -cp "$bundle/lib/benchmarks.jar:$bundle/lib/trm.jar" trm.bench.GraphCheck --device sim --tiny --steps 2
else
    step graphs 90 "${JAVA[@]}" -cp "$bundle/lib/benchmarks.jar:$bundle/lib/trm.jar" trm.bench.GraphCheck --device cuda --batch 1 --steps 4
    step launches 60 "${JAVA[@]}" -cp "$bundle/lib/benchmarks.jar:$bundle/lib/trm.jar" trm.bench.LaunchCounts --device cuda --batch 1
fi
if [ $timing = 1 ]; then
# --- 2: ceilings ---------------------------------------------------------------------------------
step ceilings 60 python3 "$bundle/gpu/ceilings.py" --json "$out/ceilings.json" $([ $dry = 1 ] && echo --dry-run)
peaks=$(python3 - "$out/ceilings.json" <<'PY'
import json, sys
try:
    c = json.load(open(sys.argv[1]))
except Exception:
    c = {}
if c.get("available") and c.get("device") == "cuda":
    print("--peak-tflops %.1f --peak-gbs %.1f" % (c["bf16_gemm_tflops"], c["copy_gbs"]))
PY
)

# --- 3: every kernel timed ---------------------------------------------------------------------------
if python3 -c "import sys, zipfile; sys.exit(0 if 'trm/bench/KernelBench.class' in zipfile.ZipFile(sys.argv[1]).namelist() else 1)" \
        "$bundle/lib/benchmarks.jar"; then
    step kernels 90 "${JAVA[@]}" -cp "$bundle/lib/benchmarks.jar:$bundle/lib/trm.jar" trm.bench.KernelBench --device $device --shapes $shapes \
        $peaks --iters $([ $dry = 1 ] && echo 1 || echo 20) --json "$out/kernels.json"
else
    skip kernels "trm.bench.KernelBench is not in lib/benchmarks.jar (the bench runner is not merged yet)"
fi

# --- 4: training ---------------------------------------------------------------------------------
rm -rf "$out/train"
step train 150 "${TRM[@]}" train --preset sudoku-mlp --data $train_data --device $device --batch $batch --steps $steps \
    --log-interval 1 --eval-interval 0 --warmup 5 --lr 1e-4 "${train_arch[@]}" --run "$out/train"
if [ -f "$out/train/config.json" ]; then
    step flops 30 sh -c "'${TRM[0]}' info --config '$out/train/config.json' --flops $batch > '$out/flops.json'"
fi

# --- 5: inference ---------------------------------------------------------------------------------
weights=$out/train/model.safetensors
if [ -f "$weights" ]; then
    step puzzles 60 "${TRM[@]}" data sudoku --generate $puzzles --size $side --out "$out/puzzles.csv"
    awk -F, 'NR > 1 { print $2 }' "$out/puzzles.csv" > "$out/puzzles.txt" 2> /dev/null  # solve takes one puzzle per line
    step infer-b1-16steps 60 "${TRM[@]}" solve --file "$out/puzzles.txt" --weights "$weights" --device $device --no-early-halt
    step infer-b1-halting 60 "${TRM[@]}" solve --file "$out/puzzles.txt" --weights "$weights" --device $device
    step infer-batch 90 "${TRM[@]}" eval --weights "$weights" --data gen:$side:$eval_n:0:5 --batch $eval_n --device $device
else
    for s in infer-b1-16steps infer-b1-halting infer-batch; do skip $s "no trained weights (the train step failed)"; done
fi

# --- 6: the PyTorch reference ------------------------------------------------------------------------
if [ -n "$ref" ]; then
    step torch-ref 120 python3 "$bundle/gpu/torch_ref.py" --ref "$ref" --json "$out/torch_ref.json" --batch $batch \
        $([ $dry = 1 ] && echo --dry-run --steps 2)
else
    skip torch-ref "no reference checkout (--ref DIR; see bench/gpu/README.md)"
fi
fi  # timing

# --- 7: parity under compute-sanitizer (last: it is the slowest, and the budget cuts it first) ----
if [ $dry = 1 ]; then
    for t in memcheck racecheck synccheck initcheck; do
        skip "sanitizer-$t" "dry run: compute-sanitizer needs a GPU; the strict simulator's checks ran in the parity step"
    done
elif [ $sanitizer = 0 ]; then
    for t in memcheck racecheck synccheck initcheck; do skip "sanitizer-$t" "--no-sanitizer"; done
elif ! sanitizer_bin=$(command -v compute-sanitizer || ls "${CUDA_HOME:-/usr/local/cuda}/bin/compute-sanitizer" \
        "$(dirname "$(command -v nvcc 2>/dev/null || echo /nonexistent/nvcc)")/compute-sanitizer" 2> /dev/null | head -1) \
        || [ -z "$sanitizer_bin" ]; then
    for t in memcheck racecheck synccheck initcheck; do skip "sanitizer-$t" "compute-sanitizer not found"; done
else
    for t in memcheck racecheck synccheck initcheck; do
        step "sanitizer-$t" 75 "$sanitizer_bin" --tool $t --target-processes all --error-exitcode 3 --print-limit 20 \
            "${JAVA[@]}" -cp "$CHECK_CP" trm.kernels.ParityCheck --device cuda
    done
fi

python3 "$bundle/gpu/report.py" "$out" --dry-run $dry --batch $batch
