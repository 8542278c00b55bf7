#!/usr/bin/env bash
# Measures the spread of the training tests' accuracies over seeds x the OpenBLAS kernels
# the launcher (or OpenBLAS itself) can pick x thread counts, with the exact configurations
# of tests/core/training_test.cpp (ShortTraining) and tests/ui/training_page_ui_test.cpp
# (the tiny run). The thresholds in those tests are set from what this prints (see
# docs/testing.md). Usage: packaging/training-spread.sh [SEEDS, default 0-19] [KERNELS...]
# Needs a build in build/. About 25 minutes on 2 cores for the defaults.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seeds=${1:-0-19}
shift || true
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(SkylakeX Haswell Sandybridge Prescott)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
D=datasets/fashion-mnist-sample
run() {  # kernel threads label args...
  local k=$1 t=$2 label=$3
  shift 3
  env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE="$k" OMP_NUM_THREADS="$t" OPENBLAS_NUM_THREADS="$t" DWMTJ_THREADS="$t" \
    packaging/dwmtj-launch build/app/dwmtj train "$@" --seeds "$seeds" --data-dir "$D" --validation 500 \
    --threads "$t" --out "$out/$k-$t-$label.h5" 2>/dev/null |
    awk -v k="$k" -v t="$t" -v n="$label" '$2 == "completed" { print k, t, n, $1, $5, $6 }'
}
{
  for k in "${kernels[@]}"; do
    for t in 2 1; do
      for n in lif binary multistate; do
        run "$k" "$t" "$n" --neuron "$n" --hidden 64 --timesteps 16 --epochs 3 --batch 50 --lr 2e-3
      done
      run "$k" "$t" tiny-binary --neuron binary --hidden 16 --timesteps 4 --epochs 2 --batch 50
    done
  done
} | tee "$out/all.txt" >&2
/usr/bin/python3 - "$out/all.txt" <<'PY'
import collections, statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
by = collections.defaultdict(list)
for k, t, n, seed, val, test in rows:
    by[n].append((k, t, int(seed), float(val.rstrip('%')), float(test.rstrip('%'))))
print(f"{'configuration':<14} {'runs':>5} {'test min':>9} {'mean':>6} {'sd':>5} {'max':>6} {'val min':>8}  lowest test (kernel, threads, seed)")
for n, v in by.items():
    tests = [x[4] for x in v]
    low = min(v, key=lambda x: x[4])
    print(f"{n:<14} {len(v):>5} {min(tests):>8.1f}% {statistics.mean(tests):>5.1f}% {statistics.stdev(tests):>5.1f} "
          f"{max(tests):>5.1f}% {min(x[3] for x in v):>7.1f}%  {low[0]}, {low[1]}, {low[2]}")
PY
