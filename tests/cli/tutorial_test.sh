#!/usr/bin/env bash
# docs/tutorial.md ("Your device in 30 minutes"), as written there: its ```sh blocks are run in
# order in a scratch folder (the bundled data and the build's dwmtj substituted), then every
# row of its "What to expect" table is checked against what the commands produced.
source "$(dirname "$0")/common.sh"
doc="$SRC/docs/tutorial.md"
block=$(sed -n '/^```sh$/,/^```$/p' "$doc" | grep -v '^```')
script=$(sed -e "s|^D=datasets;|D=$SRC/datasets;|" -e "s|packaging/dwmtj-launch build/app/dwmtj|$SRC/packaging/dwmtj-launch $B|" <<<"$block")
check "the tutorial's commands name the bundled data and the build's dwmtj" 'grep -q "^D=$SRC/datasets;" <<<"$script" && grep -q "dwmtj-launch $B" <<<"$script"'
cd "$T" || exit 1
start=$SECONDS
bash -euo pipefail -c "$script" >"$T/out.txt" 2>"$T/err.txt"; rc=$?
echo "the tutorial took $((SECONDS - start)) s"
check "every command of the tutorial succeeds (rc $rc)" '[ $rc -eq 0 ]'
[ $rc -eq 0 ] || { tail -30 "$T/out.txt"; tail -30 "$T/err.txt"; }
check "the fit report as the tutorial shows it (10-90 % width included)" 'grep -q "^  V50      =" "$T/out.txt" && grep -q "10-90 % width = 2 ln 9 w" "$T/out.txt" && [ -s my-device-lut.csv ]'
check "the robustness verdict table, one row per choice asked for" 'grep -q "^| Gaussian, pixel units" "$T/out.txt" && grep -q "^| Salt-and-pepper pixels" "$T/out.txt" && grep -q "binary − LIF" "$T/out.txt"'

# The "What to expect" table, row by row: quantity | where | A to B [unit].
/usr/bin/python3 - "$doc" "$T/out.txt" <<'PY' > "$T/expect.txt"
import re, sys, h5py
doc, out = open(sys.argv[1]).read(), open(sys.argv[2]).read()
rows = {}
for m in re.finditer(r"^\| ([^|]+?) \| [^|]+ \| ([0-9.]+) to ([0-9.]+)(?: [%V])? \|$", doc.split("## What to expect", 1)[1], re.M):
    rows[m.group(1)] = (float(m.group(2)), float(m.group(3)))
def fit(name):
    return [float(re.search(r"^  %s\s+=\s+([0-9.]+)" % name, out, re.M).group(1))]
def accuracy(kind):
    runs = h5py.File("my-%s.h5" % kind)["runs"]
    return [100 * float(runs[s].attrs["test_accuracy"]) for s in runs]
aucs = [float(x) for x in re.findall(r"chance-corrected AUC x 100: ([0-9.]+)", out)]
values = {
    "V50": fit("V50"), "w": fit("w"),
    "binary test accuracy": accuracy("binary"), "LIF test accuracy": accuracy("lif"),
    "binary chance-corrected AUC": aucs[:1], "LIF chance-corrected AUC": aucs[1:2],
}
bad = 0
for name, got in values.items():
    if name not in rows:
        print("MISSING row", name); bad = 1; continue
    lo, hi = rows[name]
    ok = bool(got) and all(lo <= v <= hi for v in got)
    print(("ok" if ok else "OUT OF RANGE"), name, got, "expected", lo, "to", hi)
    bad |= not ok
for name in rows:
    if name not in values:
        print("UNCHECKED row", name); bad = 1
sys.exit(bad)
PY
prc=$?
cat "$T/expect.txt"
check "every row of What to expect holds (the doc's own ranges)" '[ $prc -eq 0 ]'
exit $fail
