#!/usr/bin/env bash
# Quick start 1: install what is needed, build, and launch the workbench on the bundled
# example data (datasets/binary-device-traces.csv). Extra arguments go to the workbench.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/packaging/install-deps.sh"
"$root/packaging/build.sh"
export DWMTJ_DATASETS_DIR="$root/datasets"
if [ $# -eq 0 ]; then set -- "$root/datasets/binary-device-traces.csv"; fi
exec "$root/packaging/dwmtj-launch" "$root/build/app/dwmtj-workbench" "$@"
