#!/usr/bin/env bash
# The core test suite (ctest labels core and snn: tests/core) built with GCC's
# AddressSanitizer and UndefinedBehaviorSanitizer into build-asan/ and run there
# (docs/testing.md, "Sanitizers"). A sanitizer report fails the test that caused it.
#
#   packaging/sanitize-tests.sh [ctest arguments...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/packaging/install-deps.sh" > /dev/null
out="$root/build-asan"
# Release optimisation with line tables (-g1) keeps the build and the tests fast enough
# for CI; the reports still name the file and line.
cmake -S "$root" -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=-g1 \
  -DDWMTJ_BUILD_UI=OFF -DDWMTJ_BUILD_TESTS=ON -DDWMTJ_SANITIZE=ON > /dev/null
targets=(stats_test sigmoid_fit_test fit_optimum_test ordinal_fit_test device_io_test bad_input_test
         lut_test energy_test reproduce_test reproduce_answers_test atomic_write_test hostile_file_test snn_neurons_test
         training_test neuron_kinds_test variability_test bootstrap_test device_spread_test)
cmake --build "$out" --parallel "$(nproc)" --target "${targets[@]}"
# Leak checking stays off: libhdf5 and LibTorch keep allocations until exit that
# LeakSanitizer reports in every test. halt_on_error makes every UBSan report fatal.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$out"
export DWMTJ_KERNELS_CALIBRATION=${DWMTJ_KERNELS_CALIBRATION:-none}  # not this machine's
exec "$root/packaging/dwmtj-launch" ctest -L 'core|snn' --output-on-failure --parallel "$(nproc)" "$@"
