#!/usr/bin/env bash
# Core tests (ctest labels core and snn: tests/core) built with GCC's AddressSanitizer and
# UndefinedBehaviorSanitizer into build-asan/ and run there (docs/testing.md, "Sanitizers").
# A sanitizer report fails the test that caused it.
#
#   packaging/sanitize-tests.sh [--all] [ctest arguments...]
#
# Without --all: the test executables of the code that indexes memory by hand (the neuron
# kernels and their variants, the fits and statistics, every file reader and writer, LUTs),
# as CI runs it; all but the kernels' link the LibTorch-free dwmtj_io. With --all: every
# tests/core executable, the trainer's, the reproduction's and the endpoint's Monte Carlo
# calibrations included.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
all=0
if [ "${1:-}" = "--all" ]; then all=1; shift; fi
"$root/packaging/install-deps.sh" > /dev/null
out="$root/build-asan"
# -O1 with line tables (-g1): GCC compiles a LibTorch translation unit with the sanitizers
# about 3 times faster than at -O3 (measured: neuron_multistate.cpp 53 s against 172 s), the
# tests still run fast enough, and the reports name the file and line.
cmake -S "$root" -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=-g1 \
  -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
  -DDWMTJ_BUILD_UI=OFF -DDWMTJ_BUILD_TESTS=ON -DDWMTJ_SANITIZE=ON > /dev/null
if [ $all = 1 ]; then
  targets=()
  for f in "$root"/tests/core/*_test.cpp; do
    t=$(basename "$f" .cpp)
    [ "$t" = gpu_kernels_test ] || targets+=("$t")
  done
else
  targets=(snn_neurons_test snn_events_test released_test variability_test
           stats_test sigmoid_fit_test fit_optimum_test ordinal_fit_test device_spread_test
           device_io_test bad_input_test hostile_file_test atomic_write_test
           lut_test bootstrap_test energy_test drive_test)
fi
cmake --build "$out" --parallel "$(nproc)" --target "${targets[@]}"
# Leak checking stays off: libhdf5 and LibTorch keep allocations until exit that
# LeakSanitizer reports in every test. halt_on_error makes every UBSan report fatal.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$out"
export DWMTJ_KERNELS_CALIBRATION=${DWMTJ_KERNELS_CALIBRATION:-none}  # not this machine's
# Only the executables built above run: one that is not built has no discovered tests
# (gtest_discover_tests adds an unlabelled NOT_BUILT entry, which -L leaves out), so the
# executables an earlier --all run left behind are removed.
for f in tests/core/*_test; do
  [[ " ${targets[*]} " == *" $(basename "$f") "* ]] || rm -f "$f"
done
exec "$root/packaging/dwmtj-launch" ctest -L 'core|snn' --output-on-failure --parallel "$(nproc)" "$@"
