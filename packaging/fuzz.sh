#!/usr/bin/env bash
# Fuzzes every file loader (docs/testing.md, "Fuzzing"): builds dwmtj_io and the libFuzzer
# targets of tests/fuzz with clang, AddressSanitizer and UndefinedBehaviorSanitizer into
# build-fuzz/, then runs each target for S seconds (default 60) from its seeds and the
# corpus that earlier runs left in build-fuzz/corpus/. A finding (sanitizer report, an
# exception other than the loaders' Error, a hang over 10 s, an allocation over 2 GB) is
# saved under build-fuzz/findings/TARGET/ and makes the script fail.
#
#   packaging/fuzz.sh [--seconds S] [--jobs J] [TARGET...]
#   packaging/fuzz.sh --replay FILE TARGET      run one input (a finding) under TARGET
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=60
jobs=$(nproc)
replay=""
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --replay) replay=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
# Every tests/fuzz/fuzz_*.cpp is a target (tests/fuzz/CMakeLists.txt builds the same list).
all=()
for f in "$root"/tests/fuzz/fuzz_*.cpp; do all+=("$(basename "$f" .cpp)"); done
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

"$root/packaging/install-deps.sh" > /dev/null
out="$root/build-fuzz"
CC=clang CXX=clang++ cmake -S "$root" -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DDWMTJ_FUZZ=ON > /dev/null
cmake --build "$out" --parallel "$(nproc)" --target "${targets[@]}"

# Leak checks stay off: libhdf5 keeps free lists and its library state until exit, which
# LeakSanitizer reports on every input. Memory errors, UB, hangs and sizes are checked.
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=0:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
libfuzzer_opts=(-timeout=10 -malloc_limit_mb=2048 -rss_limit_mb=4096 -print_final_stats=1)

if [ -n "$replay" ]; then
  exec "$out/tests/fuzz/${targets[0]}" "${libfuzzer_opts[@]}" "$replay"
fi

seedsOf() {  # the seed folders of a target
  local t=$1
  [ -d "$root/tests/fuzz/seeds/$t" ] && echo "$root/tests/fuzz/seeds/$t"
  case "$t" in
    fuzz_device_csv)
      local d="$out/seeds/$t"; mkdir -p "$d"
      find "$root/datasets" "$root/tests/data/good" "$root/tests/data/bad" -maxdepth 1 -size -16k \
        \( -name '*.csv' -o -name '*.tsv' -o -name '*.txt' \) -exec cp {} "$d/" \;
      echo "$d" ;;
  esac
}

run() {  # one campaign; prints one summary line
  local t=$1 log="$out/logs/$1.log" corpus="$out/corpus/$1" findings="$out/findings/$1/"
  mkdir -p "$corpus" "$findings" "$out/logs"
  local rc=0
  # shellcheck disable=SC2046
  "$out/tests/fuzz/$t" "${libfuzzer_opts[@]}" -max_total_time="$seconds" \
    -artifact_prefix="$findings" "$corpus" $(seedsOf "$t") > "$log" 2>&1 || rc=$?
  local execs
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  if [ "$rc" -eq 0 ]; then
    echo "fuzz: $t: ${execs:-?} executions in ${seconds} s, corpus $(ls "$corpus" | wc -l) inputs, no findings"
  else
    echo "fuzz: $t: FINDING after ${execs:-?} executions (exit $rc): $(ls "$findings" | head -n3 | tr '\n' ' ')"
    grep -m1 -E 'ERROR: |runtime error|escaped the loader|timeout|out-of-memory|malloc\(' "$log" || true
    echo "fuzz: log $log; replay with packaging/fuzz.sh --replay FILE $t"
    return 1
  fi
}

export -f run seedsOf
export out root seconds
fail=0
printf '%s\n' "${targets[@]}" |
  xargs -P "$jobs" -I{} bash -c "$(declare -p libfuzzer_opts); run {}" || fail=1
exit $fail
