#!/usr/bin/env bash
# Configures and builds DW-MTJ Workbench into build/ (Release, Ninja, ccache when present).
# DWMTJ_WARNINGS_AS_ERRORS=ON makes compiler warnings errors (CI does).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDWMTJ_BUILD_UI=ON -DDWMTJ_BUILD_TESTS=ON \
  -DDWMTJ_WARNINGS_AS_ERRORS="${DWMTJ_WARNINGS_AS_ERRORS:-OFF}"
cmake --build "$root/build" --parallel "$(nproc)"
