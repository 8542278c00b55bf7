#!/usr/bin/env bash
# The README's five-minute tour, as written there: the shell block under "## Five-minute tour"
# is taken from README.md and run in a scratch folder (paths made absolute, the build's dwmtj),
# so the tour cannot rot. Then what it says it makes is checked.
source "$(dirname "$0")/common.sh"
block=$(sed -n '/^## Five-minute tour/,/^## /p' "$SRC/README.md" | sed -n '/^```sh$/,/^```$/p' | sed '1d;$d')
check "the README has the tour's shell block" '[ -n "$block" ] && grep -q "dwmtj reproduce\|\$dwmtj reproduce" <<<"$block"'
script=$(sed -e "s|^D=datasets;|D=$SRC/datasets;|" -e "s|packaging/dwmtj-launch build/app/dwmtj|$SRC/packaging/dwmtj-launch $B|" <<<"$block")
check "the block names the bundled data and the build's dwmtj (so both substitutions apply)" 'grep -q "^D=$SRC/datasets;" <<<"$script" && grep -q "dwmtj-launch $B" <<<"$script"'
cd "$T" || exit 1
start=$SECONDS
bash -euo pipefail -c "$script" >"$T/tour.txt" 2>&1; rc=$?
echo "the tour took $((SECONDS - start)) s"
check "every command of the tour succeeds (rc $rc)" '[ $rc -eq 0 ]'
[ $rc -eq 0 ] || tail -40 "$T/tour.txt"
check "fit: the report and the lookup table" 'grep -q "V50" "$T/tour.txt" && [ $(grep -vc "^#" binary-lut.csv) -gt 10 ]'
check "train: both networks trained, each well above chance (test accuracy above 35 %; 10 % is chance)" "/usr/bin/python3 - <<PY
import h5py
for n in ('binary', 'lif'):
    r = h5py.File('quick-%s.h5' % n)['runs']
    acc = [r[s].attrs['test_accuracy'] if 'test_accuracy' in r[s].attrs else r[s]['test_accuracy'][()] for s in r]
    assert len(acc) == 1 and float(acc[0]) > 0.35, (n, acc)
    print(n, 'test accuracy', float(acc[0]))
    assert any(k.startswith('noise') or k == 'noise' for k in r[list(r)[0]].keys()), (n, list(r[list(r)[0]].keys()))
PY"
check "reproduce: the report and the claims summary" '[ -s repro-smoke/report.html ] && grep -q "| claim |" repro-smoke/summary.md'
exit $fail
