#!/usr/bin/env bash
# Quick start 2: install what is needed, build, and run the whole test suite (ctest).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/packaging/install-deps.sh"
"$root/packaging/build.sh"
cd "$root/build"
# The tests do not read this machine's kernel calibration (dwmtj bench --calibrate).
export DWMTJ_KERNELS_CALIBRATION=${DWMTJ_KERNELS_CALIBRATION:-none}
exec "$root/packaging/dwmtj-launch" ctest --output-on-failure --parallel "$(nproc)" "$@"
