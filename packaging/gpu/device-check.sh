#!/usr/bin/env bash
# The GPU check of docs/gpu.md, run on a machine with an NVIDIA GPU, a CUDA PyTorch (python3)
# and nvcc: builds the headless core + CLI with DWMTJ_CUDA against PyTorch's LibTorch, runs the
# GPU kernel tests, the training-step benchmark next to an eager PyTorch step of the same
# network, and times one paper-scale configuration. Debian's HDF5 and GoogleTest come as .deb
# files in DEBS (apt-get download, see docs/gpu.md), Fashion-MNIST's four .gz files in DATA.
# Logs go to $OUT (default /tmp/dwmtj-gpu).
# Usage: packaging/gpu/device-check.sh [quick | config | protocol]
#   quick: build, tests, benchmarks; config (default): also one paper-scale configuration
#   (LIF, H 500, T 80, 5 seeds x 10 epochs); protocol: instead the paper's whole training
#   protocol, the presets' Fig. 3b and Fig. 3c/3d sweeps (dwmtj sweep from-presets) (60 trainings and the
#   Fig. 4 noise evaluation), on this GPU with JOBS trainings at once (default 4).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-/tmp/dwmtj-gpu}
DEBS=${DEBS:-$root/.gpu/debs}
DATA=${DATA:-$root/.gpu/fmnist}
BUILD=${BUILD:-/tmp/dwmtj-cuda-build}
P=/tmp/dwmtj-deps
mkdir -p "$OUT" "$P"
t0=$(date +%s)
stamp() { echo "[$(( $(date +%s) - t0 )) s] $*"; }

nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm --format=csv,noheader
for f in "$DEBS"/*.deb; do dpkg -x "$f" "$P"; done
sed -i "s|^prefix=.*|prefix=\"$P/usr\"|; s|-lcrypto -lcurl ||" "$P/usr/bin/h5cc"
ln -sf /lib/x86_64-linux-gnu/libz.so.1 "$P/usr/lib/x86_64-linux-gnu/libz.so"
TP=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
stamp "configure"
cmake -S "$root" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDWMTJ_CUDA=ON \
  -DDWMTJ_BUILD_UI=OFF -DDWMTJ_BUILD_TESTS=ON -DCMAKE_PREFIX_PATH="$TP;$P/usr" \
  -DHDF5_C_COMPILER_EXECUTABLE="$P/usr/bin/h5cc" -DZLIB_ROOT="$P/usr" \
  -DGTest_DIR="$P/usr/lib/x86_64-linux-gnu/cmake/GTest" >"$OUT/configure.log" 2>&1 \
  || { tail -40 "$OUT/configure.log"; exit 1; }
stamp "build"
cmake --build "$BUILD" --target dwmtj gpu_kernels_test -j "$(nproc)" >"$OUT/build.log" 2>&1 \
  || { grep -E -A5 "error|FAILED" "$OUT/build.log" | head -80; exit 1; }
export LD_LIBRARY_PATH="$P/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
dwmtj=$(find "$BUILD" -name dwmtj -type f -perm -u+x | head -1)
stamp "GPU kernel tests"
"$BUILD/tests/core/gpu_kernels_test" 2>&1 | tee "$OUT/gpu-tests.log" | grep -E "^\[ *(OK|FAILED|SKIPPED|PASSED) |Failure|Expected|Which is|actual|error|: cpu" | head -80
tail -3 "$OUT/gpu-tests.log"
stamp "benchmarks"
{
  for n in lif binary multistate; do
    "$dwmtj" bench --device cuda --neuron "$n" --steps 50 --no-layers 2>&1
    "$dwmtj" bench --device cuda --neuron "$n" --steps 50 --no-layers --tf32 2>&1 | head -3
  done
  # The released cells as released (no gradient through them) and straight-through.
  for n in binary-released multistate-released; do
    for g in none straight-through; do
      "$dwmtj" bench --device cuda --neuron "$n" --steps 50 --no-layers --device-gradient "$g" \
        --bn-placement after --bn-statistics per-step --input standardized --init xavier 2>&1
    done
  done
  python3 "$root/packaging/gpu/eager_reference.py" --neuron lif
  python3 "$root/packaging/gpu/eager_reference.py" --neuron binary
} 2>&1 | tee "$OUT/bench.log"
[ "${1:-}" = quick ] && exit 0
if [ "${1:-}" = protocol ]; then
  stamp "the paper's training protocol: 60 trainings + noise evaluation, ${JOBS:-4} at once"
  s0=$SECONDS
  "$dwmtj" sweep from-presets --experiments fig3b-H500,fig3b-H200 --noise --out /tmp/paper-fig3b.sweep
  "$dwmtj" sweep from-presets --experiments fig3c,fig3d --out /tmp/paper-fig3cd.sweep
  for f in paper-fig3b paper-fig3cd; do
    sed -i -e "s/^device = cpu$/device = cuda/" -e "/^\[sweep /a data_dir = $DATA" "/tmp/$f.sweep"
    timeout "${PROTOCOL_TIMEOUT:-400}" "$dwmtj" sweep run "/tmp/$f.sweep" --out "/tmp/$f" \
      --jobs "${JOBS:-4}" >"$OUT/$f.log" 2>&1
    echo "$f: exit $? at $((SECONDS - s0)) s"
    "$dwmtj" sweep status "/tmp/$f" 2>&1 | tail -4
  done
  stamp "done"
  exit 0
fi
stamp "paper-scale configuration: LIF H500 T80, 5 seeds x 10 epochs, full Fashion-MNIST"
s0=$SECONDS
timeout "${TRAIN_TIMEOUT:-200}" "$dwmtj" train --neuron lif --hidden 500 --timesteps 80 \
  --epochs 10 --seeds 0,1,2,3,4 --device cuda --data-dir "$DATA" --out /tmp/lif-h500.h5 \
  >"$OUT/train.log" 2>&1
rc=$?
echo "train exit $rc after $((SECONDS - s0)) s"; tail -25 "$OUT/train.log"
stamp "done"
