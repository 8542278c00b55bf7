# Shared preamble of the CLI end-to-end tests: $1 = source dir, $DWMTJ = the dwmtj binary.
# Provides SRC, B (binary), T (scratch dir, removed on exit), fail, and check NAME COND.
set -u
SRC=$1
B=${DWMTJ:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
