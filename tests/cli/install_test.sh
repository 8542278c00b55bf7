#!/usr/bin/env bash
# What `cmake --install` (and so the Debian package) puts on disk works: the bin/ wrappers
# start the programs through the launcher, the installed datasets and sample are complete,
# the desktop entry and the icon are in place, and the workbench starts on the installed
# example data and renders its window. $1 = source dir, $BUILD = build dir.
source "$(dirname "$0")/common.sh"
BUILD=${BUILD:?}
cmake --install "$BUILD" --prefix "$T/usr" >"$T/install.log" 2>&1
check "cmake --install succeeds" '[ $? -eq 0 ] && [ -x "$T/usr/bin/dwmtj" ]'
check "the programs live in libexec" '[ -x "$T/usr/libexec/dwmtj-workbench/dwmtj" ] && [ -x "$T/usr/libexec/dwmtj-workbench/dwmtj-launch" ]'
check "the HDF5 probe helper is installed beside them" '[ -x "$T/usr/libexec/dwmtj-workbench/dwmtj-h5probe" ]'
out=$(env -u OPENBLAS_CORETYPE "$T/usr/bin/dwmtj" --version 2>&1)
check "the wrapper runs dwmtj (got: $out)" 'grep -qE "^dwmtj [0-9]+\.[0-9]+" <<<"$out"'
data="$T/usr/share/dwmtj-workbench/datasets"
check "datasets installed" '[ -f "$data/binary-device-traces.csv" ] && [ -f "$data/binary-lut.csv" ] && [ -f "$data/multistate-lut.csv" ]'
check "Fashion-MNIST sample installed" '[ $(ls "$data/fashion-mnist-sample"/*.gz | wc -l) -eq 4 ]'
check "reproduction presets installed" 'grep -q "^\[scale quick\]" "$T/usr/share/dwmtj-workbench/resources/paper-experiments.ini"'
check "desktop entry installed" 'grep -q "^Exec=dwmtj-workbench" "$T/usr/share/applications/dwmtj-workbench.desktop"'
if command -v desktop-file-validate >/dev/null; then
  check "desktop entry is valid" 'desktop-file-validate "$T/usr/share/applications/dwmtj-workbench.desktop"'
fi
check "icon installed" 'grep -q "<svg" "$T/usr/share/icons/hicolor/scalable/apps/dwmtj-workbench.svg"'
check "the copyright (GPL-3+) and the changelog in the doc folder" 'grep -q "^License: GPL-3+" "$T/usr/share/doc/dwmtj-workbench/copyright" && grep -q "^## \[0.2.0\]" "$T/usr/share/doc/dwmtj-workbench/CHANGELOG.md"'
check "the man page dwmtj.1 is installed and is the program's own" '"$B" help --man | cmp -s - "$T/usr/share/man/man1/dwmtj.1"'
check "the bash completion is installed and is the program's own" '"$B" help --bash-completion | cmp -s - "$T/usr/share/bash-completion/completions/dwmtj"'
if [ -x "$T/usr/bin/dwmtj-workbench" ]; then
  # The workbench from the install tree, on the installed example, renders its window.
  DWMTJ_DATASETS_DIR="$data" QT_QPA_PLATFORM=offscreen XDG_CONFIG_HOME="$T/xdg" \
    "$T/usr/bin/dwmtj-workbench" --screenshot "$T/window.png" >"$T/gui.log" 2>&1
  check "installed workbench starts and renders (see log below if not)" '[ -s "$T/window.png" ]'
  [ -s "$T/window.png" ] || cat "$T/gui.log"
  "$T/usr/bin/dwmtj" fit "$data/binary-device-traces.csv" >"$T/fit.txt" 2>&1
  check "installed CLI fits the installed example" 'grep -q "V50" "$T/fit.txt"'
  "$T/usr/bin/dwmtj" fit "$data/binary-device.h5" >"$T/fit-h5.txt" 2>&1
  check "installed CLI reads the installed HDF5 example through the probe" 'grep -q "V50" "$T/fit-h5.txt"'
fi
exit $fail
