#!/usr/bin/env bash
# End-to-end checks of `dwmtj design` on the committed Fashion-MNIST sample: a design of two binary
# devices and one multi-weight device (two notches) trained as a sweep with hardware-aware networks for one of them and the paper's measured binary
# device (table A, bundled) placed among them, its chips tested, the front and the spec answered, the result files, a
# second run that trains nothing, --report with another spec, a bad design file, and --slurm.
source "$(dirname "$0")/common.sh"
D="$SRC/datasets/fashion-mnist-sample"
cat >"$T/tiny.ini" <<INI
[design tiny]
format_version = 1
hidden = 32
timesteps = 8
epochs = 3
batch = 50
seeds = 0-1
validation = 200
test_limit = 200
data_dir = $D
width_ratio = 0.5, 4
notches = 2
v50_sd = 0.05
draws = 2
hardware_aware = 0.05
hardware_aware_devices = w0.5-f0-c1
measured = released-binary-table-a.csv
pulse_ns = 30, 10
sigma = 0, 0.5, 1, 1.5

[spec]
accuracy = 30
robustness = 0.1
INI

"$B" design --out "$T/d" --preset "$T/tiny.ini" --jobs 2 >"$T/run.out" 2>"$T/run.err"; rc=$?
check "design: exit 0, 3 devices (1 multi-weight) x 2 seeds, 1 hardware-aware device and 1 measured device trained as a sweep, 2 at a time" '[ $rc -eq 0 ] && grep -q "3 device(s) x 2 seed(s)" "$T/run.out" && grep -q "of which 1 multi-weight (multistate neurons, notches around .*multistate-lut.csv)" "$T/run.out" && grep -q "1 device(s) also trained hardware-aware at a V50 spread of 0.05 V" "$T/run.out" && grep -q "and the measured device m-released-binary-table-a (binary neurons, /" "$T/run.out" && grep -q "10 of 10 task(s) to run, 2 at a time" "$T/run.err"'
check "the report compares the hardware-aware networks with the nominal ones on the same chips" 'grep -q "Hardware-aware training of w0.5-f0-c1 at a V50 spread of 0.05 V (2 network pair(s)" "$T/run.out" && grep -q "own chips (hw)" "$T/run.out"'
check "the measured device is placed: its values, the spec, the front or what beats it" 'grep -q "^Measured device m-released-binary-table-a: accuracy" "$T/run.out" && grep -Eq "On the Pareto front at|Off the front, a design device does at least as well" "$T/run.out"'
check "the report: the points with intervals, the front, the chips, the answer" 'grep -q "Design study tiny: 8 point(s)" "$T/run.out" && grep -q "^\* " "$T/run.out" && grep -q "V50 spread (sd, V)" "$T/run.out" && grep -q "On the estimates" "$T/run.out" && grep -q "With 95 % confidence" "$T/run.out"'
check "the result file, the table and each device's experiment file with its chips" "/usr/bin/python3 - <<PY
import h5py, csv
f = h5py.File('$T/d/design.h5')
assert f.attrs['format'] == 'dwmtj-design', f.attrs['format']
pts = [f['points'][k].attrs for k in sorted(f['points'])]
assert len(pts) == 8
assert [p['measured'] for p in pts] == [0, 0, 0, 0, 0, 0, 1, 1], [p['measured'] for p in pts]
assert pts[6]['device'] == 'm-released-binary-table-a' and pts[6]['networks'] == 2
assert 0 < pts[6]['width_ratio'] < 100 and abs(pts[6]['floor'] - 0.001) < 1e-9
assert pts[6]['notches'] == 1
# the multi-weight device: 2 notches at the nominal spacing and width, trained and placed
assert pts[4]['device'] == 'n2-s1-w1' and pts[4]['notches'] == 2, dict(pts[4])
assert pts[4]['notch_spacing'] == 1 and pts[4]['width_ratio'] == 1 and pts[4]['networks'] == 2
for p in pts[6:]:
    assert not (p['pareto'] and p['dominated_by'] >= 0)  # a front point is beaten by none
    assert p['dominated_by'] == -1 or not pts[int(p['dominated_by'])]['measured']
# (10 + 10) / (30 + 10): the 10 ns pulse costs half the energy of the 30 ns pulse
for a, b in [(pts[0], pts[1]), (pts[2], pts[3]), (pts[4], pts[5]), (pts[6], pts[7])]:
    assert abs(b['energy_per_correct_J'] / a['energy_per_correct_J'] - 0.5) < 1e-9
    assert a['accuracy_low'] <= a['accuracy'] <= a['accuracy_high']
    assert 0 < a['accuracy'] <= 1 and a['networks'] == 2
assert any(p['pareto'] for p in pts)
rows = list(csv.DictReader(open('$T/d/design.csv')))
assert len(rows) == 8 and rows[0]['device'] == 'w0.5-f0-c1' and rows[6]['measured'] == '1'
assert rows[4]['notches'] == '2' and rows[0]['notches'] == '1'
mw = h5py.File('$T/d/networks/n2-s1-w1.h5')
assert mw['config'].attrs['neuron'] == 'multistate', dict(mw['config'].attrs)
v = mw['runs/seed_0/variability/v50']
assert list(v['level'][:]) == [0.05] and v['accuracy'].shape == (1, 2)
mlut = open('$T/d/luts/n2-s1-w1.csv').read()
assert 'num_states=3' in mlut and 'notch_spacing_ratio=1' in mlut, mlut[:800]
e = h5py.File('$T/d/networks/w4-f0-c1.h5')
v = e['runs/seed_1/variability/v50']
assert list(v['level'][:]) == [0.05] and v['accuracy'].shape == (1, 2)
h = f['hardware_aware/0000'].attrs
assert h['device'] == 'w0.5-f0-c1' and h['networks'] == 2 and h['v50_sd'] == 0.05, dict(h)
for k in ['own_chips', 'nominal_on_own', 'new_chips', 'nominal_on_new']:
    assert 0 < h[k] <= 1, (k, h[k])
assert abs(h['gain_own'] - (h['own_chips'] - h['nominal_on_own'])) < 1e-12
hw = h5py.File('$T/d/networks/w0.5-f0-c1-hw.h5')
va = hw['config/variability'].attrs
assert va['v50_sd_V'] == 0.05 and va['use'] == 'training', dict(va)
v = hw['runs/seed_0/variability/v50']
assert list(v['level'][:]) == [0.05] and v['accuracy'].shape == (1, 2)
lut = open('$T/d/luts/w4-f0-c1.csv').read()
assert 'width_ratio=4' in lut and 'method=design' in lut
PY"

start=$(date +%s)
"$B" design --out "$T/d" --json >"$T/again.json" 2>"$T/again.err"; rc=$?
took=$(( $(date +%s) - start ))
check "a second run trains and tests nothing new (${took}s) and answers the same in JSON" '[ $rc -eq 0 ] && grep -q "0 of 10 task(s) to run" "$T/again.err" && python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d[\"points\"]) == 8 and d[\"points\"][6][\"measured\"] and d[\"points\"][4][\"notches\"] == 2 and d[\"spec\"][\"accuracy\"] == 0.3 and d[\"missing\"] == [] and d[\"hardware_aware\"][0][\"networks\"] == 2" "$T/again.json"'

out=$("$B" design --out "$T/d" --report --accuracy 99 --robustness 0.9)
check "--report with a spec no device meets says so" 'grep -q "Spec: clean accuracy >= 99.0 %" <<<"$out" && grep -q "On the estimates: no device of the design meets the spec" <<<"$out"'

sed 's/^hidden = 32/hidden = sixteen/' "$T/tiny.ini" >"$T/bad.ini"
"$B" design --out "$T/bad" --preset "$T/bad.ini" >/dev/null 2>"$T/bad.err"; rc=$?
check "a bad design file: exit 1 naming the file, the section and the key; nothing created" '[ $rc -eq 1 ] && grep -q "bad.ini" "$T/bad.err" && grep -q "\[design tiny\] (line 1) hidden" "$T/bad.err" && [ ! -e "$T/bad" ]'

"$B" design --out "$T/d" --preset small >/dev/null 2>"$T/other.err"; rc=$?
check "another design into the same folder is refused" '[ $rc -eq 1 ] && grep -q "holds another design" "$T/other.err"'

"$B" design --out "$T/s" --preset "$T/tiny.ini" --slurm --dry-run >"$T/slurm.out" 2>&1; rc=$?
check "--slurm --dry-run: the array and a collect job that runs design again" '[ $rc -eq 0 ] && grep -q "design" "$T/s/sweep/slurm/collect.sbatch" && grep -q -- "--out" "$T/s/sweep/slurm/collect.sbatch" && [ -f "$T/s/sweep/slurm/array.sbatch" ]'
exit $fail
