#!/usr/bin/env bash
# End-to-end checks of `dwmtj fit`, `dwmtj energy` and `dwmtj simulate-device`.
source "$(dirname "$0")/common.sh"

out=$("$B" fit "$SRC/datasets/binary-device-traces.csv" --lut "$T/lut.csv" --grid 256)
check "fit prints V50 and the goodness of fit" 'grep -q "V50" <<<"$out" && grep -q "Pearson chi^2" <<<"$out"'
check "fit wrote a 256-point LUT with provenance" '[ $(grep -vc "^#" "$T/lut.csv") -eq 257 ] && grep -q "provenance.source_sha256=" "$T/lut.csv"'
v50=$("$B" fit "$SRC/datasets/binary-device.h5" --json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["fit"]["parameters"][0]["value"])')
check "json V50 within 0.1 V of the generator's 1.8 V" "/usr/bin/python3 -c 'import sys; sys.exit(0 if abs($v50-1.8)<0.1 else 1)'"
"$B" fit "$SRC/datasets/multistate-device.h5" --lut "$T/ms.h5" >/dev/null
check "multistate LUT readable with h5py" "/usr/bin/python3 -c 'import h5py; f=h5py.File(\"$T/ms.h5\"); assert f[\"lut/curves\"].shape==(4,1024)'"
e=$("$B" energy --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["energy_pJ"])')
check "energy of the paper's device is 44.9 pJ within 1 %" "/usr/bin/python3 -c 'import sys; sys.exit(0 if abs($e-44.9)/44.9<0.01 else 1)'"
"$B" fit "$SRC/tests/data/bad/switches_gt_trials.csv" --lut "$T/bad_lut.csv" 2>"$T/err"; rc=$?
check "bad file exits 1" '[ $rc -eq 1 ]'
check "bad file message names the file and the line" 'grep -q "switches_gt_trials.csv: line 3" "$T/err"'
check "no partial LUT left behind" '[ ! -e "$T/bad_lut.csv" ] && [ -z "$(ls "$T" | grep tmp)" ]'
"$B" fit "$SRC/tests/data/bad/all_zero.csv" 2>"$T/err"; rc=$?
check "unfittable data exits 1 with the file named" '[ $rc -eq 1 ] && grep -q "all_zero.csv: sigmoid fit: no switching" "$T/err"'
"$B" fit --bogus 2>/dev/null; rc=$?
check "unknown option is a usage error (2)" '[ $rc -eq 2 ]'
"$B" simulate-device --kind binary --seed 5 --shape events --out "$T/ev.csv" >/dev/null
check "simulated events fit" '"$B" fit "$T/ev.csv" | grep -q "V50"'
exit $fail
