#!/usr/bin/env bash
# Renders every page of the workbench with real data to PNG (under Xvfb, so it works on a
# headless machine): packaging/screenshots.sh [OUT_DIR]   (default: build/screenshots)
# It trains a short queue on the bundled Fashion-MNIST sample (about a minute on 2 cores).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/screenshots}
command -v xvfb-run >/dev/null || { echo "screenshots.sh: xvfb-run missing (apt-get install xvfb xauth)" >&2; exit 1; }
[ -x "$root/build/app/dwmtj-workbench" ] || "$root/packaging/build.sh"
export DWMTJ_DATASETS_DIR="$root/datasets"
export XDG_CONFIG_HOME=$(mktemp -d)  # no window state from the user's own settings
trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT
xvfb-run -a -s "-screen 0 1600x1000x24" "$root/packaging/dwmtj-launch" "$root/build/app/dwmtj-workbench" --screenshots "$out"
echo "screenshots in $out"
