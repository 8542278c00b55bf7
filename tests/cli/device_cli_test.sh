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
# A fit that is not a result: no trend at all (the curve runs off), and 10 nV of span.
printf 'voltage,switches,trials\n1.0,8,20\n1.2,4,20\n1.4,12,20\n1.6,4,20\n1.8,12,20\n2.0,4,20\n2.2,8,20\n' >"$T/flat.csv"
"$B" fit "$T/flat.csv" --lut "$T/flat_lut.csv" 2>"$T/err" >/dev/null; rc=$?
check "non-monotone data: exit 1, reason given, no LUT" '[ $rc -eq 1 ] && grep -q "flat.csv: sigmoid fit: .*not a usable fit" "$T/err" && [ ! -e "$T/flat_lut.csv" ]'
printf 'voltage,switches,trials\n1.000000000,2,20\n1.0000000025,5,20\n1.000000005,8,20\n1.0000000075,11,20\n1.00000001,14,20\n' >"$T/nv.csv"
"$B" fit "$T/nv.csv" --lut "$T/nv_lut.csv" 2>"$T/err" >/dev/null; rc=$?
check "10 nV voltage span: exit 1, no LUT" '[ $rc -eq 1 ] && [ ! -e "$T/nv_lut.csv" ]'
# Millivolts under a volt header: a fit, with a warning naming the unit mistake.
/usr/bin/python3 - "$T/mv.csv" <<'PY'
import math, sys
with open(sys.argv[1], "w") as f:
    f.write("voltage,switches,trials\n")
    for i in range(11):
        v = 1000 + 150 * i
        f.write(f"{v},{round(40 / (1 + math.exp(-(v - 1800) / 120)))},40\n")
PY
check "voltages in mV are fitted with a unit warning" '"$B" fit "$T/mv.csv" | grep -q "millivolts"'
# The 4-parameter fit reaches its maximum and reports the test against the 2-parameter model.
"$B" fit "$SRC/datasets/binary-device-counts.csv" --form 4 --json >"$T/f4.json"
check "4-parameter json: converged, floor held at 0, LR test, profile intervals in [0, 1]" "/usr/bin/python3 - <<PY
import json
d = json.load(open('$T/f4.json'))['fit']
assert d['converged'] is True and 'floor = 0' in d['active_bounds'], d
t = d['floor_ceiling_test']
assert t['dof'] == 2 and 1.7 < t['statistic'] < 1.8 and 0.15 < t['p'] < 0.25, t
assert abs(d['log_likelihood'] + 250.503) < 1e-3, d['log_likelihood']
for p in d['parameters'][2:]:
    assert p['ci_method'] == 'profile likelihood' and 0 <= p['ci_lower'] <= p['value'] <= p['ci_upper'] <= 1, p
PY"
"$B" fit "$SRC/datasets/multistate-device.csv" --common-width --json >"$T/cw.json"
check "common-width ordinal fit with the LR test against separate widths" "/usr/bin/python3 - <<PY
import json
d = json.load(open('$T/cw.json'))['fit']
assert d['common_width'] is True and d['converged'] is True
w = [p['value'] for p in d['widths']]
assert max(w) - min(w) < 1e-12, w
t = d['common_width_test']
assert t['dof'] == 3 and t['statistic'] > 0 and 0 < t['p'] < 1, t
PY"
"$B" fit --bogus 2>/dev/null; rc=$?
check "unknown option is a usage error (2)" '[ $rc -eq 2 ]'
# Columns named as a lab names them: --columns maps them, by header or by number.
sed -e 's/^voltage (V),switches,trials$/Vp,sw,n_pulses/' "$SRC/datasets/binary-device-counts.csv" > "$T/lab.csv"
"$B" fit "$T/lab.csv" >/dev/null 2>"$T/err"; rc=$?
check "unknown column names: exit 1 saying what was found" '[ $rc -eq 1 ] && grep -q "Vp" "$T/err"'
a=$("$B" fit "$SRC/datasets/binary-device-counts.csv" --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["fit"]["parameters"][0]["value"])')
b=$("$B" fit "$T/lab.csv" --columns voltage=Vp,switches=sw,trials=3 --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["fit"]["parameters"][0]["value"])')
check "fit --columns voltage=Vp,switches=sw,trials=3 gives the same V50 as the named file ($a, $b)" '[ -n "$a" ] && [ "$a" = "$b" ]'
"$B" fit "$T/lab.csv" --columns volts=Vp >/dev/null 2>"$T/err"; rc=$?
check "an unknown role in --columns is a usage error listing the roles" '[ $rc -eq 2 ] && grep -q "unknown role .volts." "$T/err" && grep -q "pulses_to_switch" "$T/err"'
"$B" fit "$T/lab.csv" --columns voltage=V_pulse >/dev/null 2>"$T/err"; rc=$?
check "a column that is not there is a usage error listing the columns" '[ $rc -eq 2 ] && grep -q "no column .V_pulse." "$T/err" && grep -q "Vp, sw, n_pulses" "$T/err"'
"$B" fit "$SRC/datasets/binary-device-counts.csv" --json > "$T/w.json"
check "fit --json gives the 10-90 % width = 2 ln 9 w" "/usr/bin/python3 - '$T/w.json' <<'PY'
import json, math, sys
j = json.load(open(sys.argv[1]))
w = [p for p in j['fit']['parameters'] if p['name'] == 'w'][0]
assert abs(j['fit']['width_10_90_V'] - 2 * math.log(9) * w['value']) < 1e-9
lo, hi = j['fit']['width_10_90_ci_V']
assert abs(lo - 2 * math.log(9) * w['ci_lower']) < 1e-9 and abs(hi - 2 * math.log(9) * w['ci_upper']) < 1e-9
PY"
# A current-driven device: amperes in the JSON, milliamperes and I50 in the report, a LUT in A.
"$B" fit "$SRC/datasets/current-driven-device.csv" --json --lut "$T/cur-lut.csv" > "$T/cur.json"
check "fit of the current-driven example: drive current, I50 within its CI of the truth 1.5 mA" "/usr/bin/python3 - '$T/cur.json' <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j['drive'] == 'current' and j['drive_unit'] == 'A', j['drive']
i50 = j['fit']['parameters'][0]
assert i50['ci_lower'] < 1.5e-3 < i50['ci_upper'], i50
assert j['estimates'][0]['voltage'] == 1e-3
PY"
check "the current LUT says so" 'grep -q "^# drive=current" "$T/cur-lut.csv" && grep -q "^current (A),p,dp_dV" "$T/cur-lut.csv"'
out=$("$B" fit "$SRC/datasets/current-driven-device.csv")
check "the report reads I50 in mA and p(I)" 'grep -q "I50      =    1.50" <<<"$out" && grep -q "p(I) = 1" <<<"$out" && ! grep -q "V50\|volt" <<<"$out"'
sed -e 's/^current (mA),/Ip,/' "$SRC/datasets/current-driven-device.csv" | awk -F, 'NR<=3 || /^#/ {print; next} {printf "%g,%s,%s,%s\n", $1/1000, $2, $3, $4}' > "$T/ip.csv"
c=$("$B" fit "$T/ip.csv" --columns current=Ip --json | /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["drive"], round(j["fit"]["parameters"][0]["value"], 9))')
d=$(/usr/bin/python3 -c 'import json; j=json.load(open("'"$T/cur.json"'")); print(j["drive"], round(j["fit"]["parameters"][0]["value"], 9))')
check "--columns current=Ip reads a unitless column as amperes ($c vs $d)" '[ -n "$c" ] && [ "$c" = "$d" ]'
e=$("$B" energy --current 0.001 --json | /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["drive"], j["energy_pJ"])')
check "energy --current 1 mA: I^2 R4 t = 14.6 pJ ($e)" '[ "$e" = "current 14.6" ]'
"$B" energy --current 0.001 --voltage 1 >/dev/null 2>&1; rc=$?
check "energy with both --current and --voltage is a usage error" '[ $rc -eq 2 ]'
"$B" simulate-device --kind binary --seed 5 --shape events --out "$T/ev.csv" >/dev/null
check "simulated events fit" '"$B" fit "$T/ev.csv" | grep -q "V50"'
# Several devices: one fit each, the spread across them (a folder stands for its files).
mkdir -p "$T/devices"
for v in 1.7 1.8 1.9 2.0; do "$B" simulate-device --kind binary --v50 $v --cycles 40 --seed ${v/./} --out "$T/devices/d$v.h5" >/dev/null; done
printf 'voltage,pink\n1,x\n' >"$T/devices/broken.csv"
"$B" spread "$T/devices" --json >"$T/spread.json"; rc=$?
check "spread DIR --json: four devices fitted, the broken file reported, V50 sd near the truth (129 mV)" "[ $rc -eq 0 ] && /usr/bin/python3 -c \"
import json; d = json.load(open('$T/spread.json')); s = d['spread']
assert len(d['devices']) == 5 and sum(x['fitted'] for x in d['devices']) == 4
assert [x for x in d['devices'] if not x['fitted']][0]['error'].find('broken.csv') >= 0
assert s['devices'] == 4 and 0.09 < s['threshold_sd_V'] < 0.17 and s['threshold_sd_V'] < s['threshold_sd_observed_V']\""
out=$("$B" spread "$T/devices/d1.7.h5" "$T/devices/d1.8.h5")
check "spread prints the training options" 'grep -q "As training options: --v50-sd" <<<"$out"'
"$B" spread "$T/devices/d1.7.h5" >/dev/null 2>"$T/err"; rc=$?
check "one device has no spread: exit 1 saying why" '[ $rc -eq 1 ] && grep -q "at least two fitted devices" "$T/err"'
exit $fail
