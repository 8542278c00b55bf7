#!/usr/bin/env bash
# End-to-end checks of `dwmtj train`, `noise`, `robustness` and `bench` on the committed
# Fashion-MNIST sample (small network so it runs in seconds).
source "$(dirname "$0")/common.sh"
D="$SRC/datasets/fashion-mnist-sample"
SMALL="--hidden 32 --timesteps 8 --batch 50 --data-dir $D --validation 500 --test-limit 500"

out=$("$B" train --neuron binary $SMALL --epochs 2 --seeds 0-1 --out "$T/run.h5" 2>"$T/err")
check "train exits 0 and prints a summary row per seed" '[ $? -eq 0 ] && [ $(grep -c "completed" <<<"$out") -eq 2 ]'
check "train reports epochs and progress on stderr" 'grep -q "seed 1 epoch 2" "$T/err" && grep -q "img/s" "$T/err"'
check "experiment file readable with h5py" "/usr/bin/python3 - <<PY
import h5py, json
f = h5py.File('$T/run.h5')
assert f.attrs['format'] == 'dwmtj-experiment'
cfg = json.loads(f['config'].attrs['json'])
assert cfg['neuron'] == 'binary' and cfg['seeds'] == [0, 1]
r = f['runs/seed_1']
assert r.attrs['status'] == 'completed'
assert r['epoch_validation_accuracy'].shape == (2,)
assert r['batch_loss'].shape == (100,)
assert r['checkpoint_best/fc1.weight'].shape == (32, 784)
assert f['lut/curves'].shape[0] == 1
assert 'blas' in f['provenance'].attrs
PY"

out=$("$B" noise "$T/run.h5" --sigma 0:1:0.5 2>/dev/null)
check "noise prints one row per sigma" '[ $(grep -cE "^ +(0\.00|0\.50|1\.00) " <<<"$out") -eq 3 ]'
check "noise curves and energy stored" "/usr/bin/python3 -c \"
import h5py; f = h5py.File('$T/run.h5'); n = f['runs/seed_0/noise/pixel']
assert list(n['sigma'][:]) == [0, 0.5, 1] and abs(n['normalized_accuracy'][0] - 1) < 1e-12
assert f['runs/seed_0/energy'].attrs['energy_per_inference_J'] > 0\""
"$B" noise "$T/run.h5" --sigma 0,2 --units standardized --json >"$T/noise.json" 2>/dev/null
check "noise --json in standardized units, with the endpoint per run and over the file" "/usr/bin/python3 -c \"
import json; d=json.load(open('$T/noise.json')); assert d['units']=='standardized' and len(d['runs'])==2
g = d['group']; a = g['chance_corrected_auc']
assert 0 < g['chance'] < 1 and g['chance_recorded'] and g['test_images'] > 0, g
assert len(a['ci95']) == 2 and a['networks'] == 2 and 'sigma50' in g, a
assert d['runs'][0]['endpoints']['chance_corrected_auc']['networks'] == 1\""

# Device variability: one curve per option, stored per run; level 0 is the nominal network.
out=$("$B" variability "$T/run.h5" --v50-sd 0,0.1 --stuck 0,1 --draws 2 --test-limit 100 2>"$T/verr")
check "variability prints one row per axis and level" '[ $(grep -cE "^(v50|stuck) " <<<"$out") -eq 4 ] && [ "$(grep -E "^v50 +0 " <<<"$out" | awk "{print \$3}")" = "$(grep -E "^stuck +0 " <<<"$out" | awk "{print \$3}")" ]'
check "variability curves stored (levels x draws per run)" "/usr/bin/python3 -c \"
import h5py; f = h5py.File('$T/run.h5')
for s in ('seed_0', 'seed_1'):
    g = f['runs/' + s + '/variability']
    assert list(g['v50/level'][:]) == [0, 0.1] and g['stuck/accuracy'].shape == (2, 2)\""
"$B" variability "$T/run.h5" --c2c-sd 0,0.05 --draws 1 --test-limit 100 --json >"$T/var.json" 2>/dev/null
check "variability --json, and an added axis keeps the others" "/usr/bin/python3 -c \"
import json, h5py; d = json.load(open('$T/var.json')); assert d['axes'][0]['axis'] == 'c2c' and d['axes'][0]['levels'][1]['n'] == 2
assert sorted(h5py.File('$T/run.h5')['runs/seed_0/variability'].keys()) == ['c2c', 'stuck', 'v50']\""
"$B" variability "$T/run.h5" --bootstrap 4 --test-limit 100 --json >"$T/boot.json" 2>/dev/null
check "variability --bootstrap: the bundled LUT's measurements found and resampled, stored next to the axes" "/usr/bin/python3 -c \"
import json, h5py; d = json.load(open('$T/boot.json'))['bootstrap']
assert d['resamples'] == 4 and d['source'].endswith('binary-device.h5') and len(d['runs']) == 2
assert all(r['n'] == 4 and r['lower'] <= r['mean'] <= r['upper'] for r in d['runs'])
g = h5py.File('$T/run.h5')['runs/seed_1/variability/bootstrap']
assert g['accuracy'].shape == (1, 4) and 0 < g.attrs['nominal_accuracy'] < 1\""
"$B" variability "$T/run.h5" --device-data "$D/../binary-device.h5" >/dev/null 2>"$T/verr"; rc=$?
check "--device-data without --bootstrap is a usage error" '[ $rc -eq 2 ] && grep -q "give --bootstrap N too" "$T/verr"'
"$B" train --neuron lif $SMALL --epochs 1 --out "$T/lif.h5" >/dev/null 2>&1
"$B" train --neuron binary $SMALL --epochs 1 --r2 2058 --r4 365 --pulse-ns 20 --rise-fall-ns 5 --out "$T/energy.h5" >/dev/null 2>&1
check "train --r2 --r4 --pulse-ns --rise-fall-ns: the energy model in the file and in the energy per inference" "/usr/bin/python3 - <<PY
import h5py
f = h5py.File('$T/energy.h5'); g = h5py.File('$T/run.h5')
c = f['config'].attrs
assert (c['energy_r2_ohm'], c['energy_r4_ohm'], c['energy_pulse_ns'], c['energy_rise_fall_ns']) == (2058, 365, 20, 5)
assert g['config'].attrs['energy_r2_ohm'] == 1029  # the paper's device by default
r = f['runs/seed_0/energy'].attrs
per_v2 = 365 / 2058**2 * 25e-9
e = r['energy_per_inference_J']; want = per_v2 * r['mean_square_voltage_V2'] * r['samples_per_inference']
assert abs(e - want) <= 1e-9 * e, (e, want)
PY"
# What to measure next: the accuracy's sensitivity to the curve and a plan for 500 pulses.
"$B" plan-measurements "$D/../binary-device.h5" "$T/run.h5" --budget 500 --test-limit 200 --step-se 2 --json >"$T/plan.json" 2>/dev/null; rc=$?
check "plan-measurements: the plan spends the budget and narrows the interval at least as much as uniform pulses" "[ $rc -eq 0 ] && /usr/bin/python3 - '$T/plan.json' <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d['runs'] == 2 and d['test_images'] == 200, d
rows = d['rows']
assert len(rows) == 11 and abs(sum(r['cycles'] * r['pulses_per_cycle'] for r in rows) - d['planned_pulses']) < 1e-6
assert 450 < d['planned_pulses'] <= 500 + 1e-9, d['planned_pulses']
assert d['sd_planned'] <= d['sd_uniform'] + 1e-12 and d['sd_planned'] <= d['sd_now'], d
# The voltages the networks applied in their test passes (2 runs x 500 images x T 8 x H 32).
a = d['applied']
assert a['samples'] == 2 * 500 * 8 * 32 and a['q05'] <= a['median'] <= a['q95'], a
assert abs(sum(r['applied_share'] for r in rows) - 1) < 1e-9
PY"
out=$("$B" plan-measurements "$D/../binary-device.h5" "$T/run.h5" --budget 500 --test-limit 200 2>/dev/null)
check "plan-measurements prints the plan, the voltages applied and the interval with and without it" 'grep -q "plan cycles" <<<"$out" && grep -q "The network applies its device at" <<<"$out" && grep -q "The same pulses spread uniformly" <<<"$out"'
"$B" plan-measurements "$D/../multistate-device.h5" "$T/run.h5" >/dev/null 2>"$T/perr"; rc=$?
check "plan-measurements refuses multi-weight data (binary switching data needed)" '[ $rc -eq 1 ] && grep -q "binary switching data" "$T/perr"'
"$B" plan-measurements "$D/../binary-device.h5" "$T/run.h5" --budget 0 >/dev/null 2>&1; rc=$?
check "plan-measurements --budget 0 is a usage error" '[ $rc -eq 2 ]'
# Chip yield before and after per-chip calibration.
"$B" yield "$T/run.h5" --v50-sd 0.05 --spec 10 --draws 3 --calibration-pulses 10,1000 --test-limit 100 --json >"$T/yield.json" 2>/dev/null; rc=$?
check "yield: 2 networks x 3 chips, every chip above a 10 % spec, calibration spreads 2 w / sqrt(K)" "[ $rc -eq 0 ] && /usr/bin/python3 - '$T/yield.json' <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))['files'][0]
u = d['uncalibrated']
assert u['chips'] == 6 and u['passing'] == 6 and u['yield'] == 1 and u['ci95'][1] == 1, u
c = d['calibrated']
assert [x['pulses'] for x in c] == [10, 1000]
assert abs(c[0]['residual_sd'] / c[1]['residual_sd'] - 10) < 1e-9, c
PY"
"$B" yield "$T/run.h5" --spec 75 >/dev/null 2>&1; rc=$?
check "yield without --v50-sd is a usage error" '[ $rc -eq 2 ]'
"$B" variability "$T/lif.h5" --v50-sd 0.1 >/dev/null 2>"$T/verr"; rc=$?
check "variability of a LIF network is refused" '[ $rc -eq 1 ] && grep -q "no DW-MTJ device layer" "$T/verr"'
"$B" variability "$T/run.h5" >/dev/null 2>"$T/verr"; rc=$?
check "variability without an axis is a usage error" '[ $rc -eq 2 ] && grep -q "at least one of --v50-sd" "$T/verr"'
out=$("$B" train --neuron binary $SMALL --epochs 1 --stuck 0.5 --v50-sd 0.05 --device-seed 4 --variability-in training --out "$T/aware.h5" 2>/dev/null)
check "train --variability-in training: the summary gives the accuracy on the drawn devices" 'grep -q "hardware-aware training" <<<"$out" && grep -qE "^  seed 0 +[0-9.]+%" <<<"$out"'
check "the settings and each layer's devices are stored" "/usr/bin/python3 - <<PY
import h5py, json
f = h5py.File('$T/aware.h5')
v = f['config/variability'].attrs
assert v['use'] == 'training' and v['v50_sd_V'] == 0.05 and v['stuck_off'] == 0.25 and v['seed'] == 4
assert json.loads(f['config'].attrs['json'])['variability']['use'] == 'training'
r = f['runs/seed_0']
assert r['devices/layer_1/shift_V'].shape == (32, 1) and r['devices/layer_2/stuck'].shape == (32,)
assert abs(r.attrs['device_test_accuracy'] - r.attrs['test_accuracy']) < 1e-12
PY"
"$B" train --neuron lif $SMALL --epochs 1 --v50-sd 0.1 --out "$T/bad.h5" >/dev/null 2>"$T/verr"; rc=$?
check "variability on a LIF network is refused" '[ $rc -ne 0 ] && grep -q "needs a DW-MTJ device layer" "$T/verr" && [ ! -e "$T/bad.h5" ]'
"$B" train --neuron binary $SMALL --epochs 1 --variability-in training --out "$T/bad.h5" >/dev/null 2>"$T/verr"; rc=$?
check "--variability-in without a spread is a usage error" '[ $rc -eq 2 ] && grep -q "needs a spread" "$T/verr"'
"$B" train --resume "$T/lif.h5" --epochs 2 >"$T/res.out" 2>"$T/res.err"
check "resume extends a finished run by one epoch" 'grep -q "resuming after epoch 1" "$T/res.err" && grep -qE "^0 +completed +2 " "$T/res.out"'

# The robustness study: two choices of the bundled preset on a LIF and a binary file.
out=$("$B" robustness "$T/run.h5" "$T/lif.h5" --choices gaussian-pixel,bn-batch-statistics --test-limit 200 2>"$T/rob.err")
check "robustness prints the verdict table, one row per choice" '[ $? -eq 0 ] && [ $(grep -c "^| Gaussian, pixel units" <<<"$out") -eq 1 ] && [ $(grep -c "^| BatchNorm on test-batch statistics" <<<"$out") -eq 1 ] && grep -q "LIF below both DW-MTJ" <<<"$out"'
check "robustness curves stored with their settings" "/usr/bin/python3 -c \"
import h5py; g = h5py.File('$T/run.h5')['runs/seed_1/study/bn-batch-statistics']
assert g.attrs['normalization'] == 'batch' and g.attrs['model'] == 'gaussian' and g.attrs['test_images'] == 200
assert list(g['level'][:]) == [0, 0.5, 1, 1.5, 2, 2.5, 3] and abs(g['normalized_accuracy'][0] - 1) < 1e-12\""
"$B" robustness "$T/run.h5" "$T/lif.h5" --summary-only --json >"$T/rob.json" 2>/dev/null
check "robustness --summary-only --json: two rows with per-seed values and five tests" "/usr/bin/python3 -c \"
import json; d = json.load(open('$T/rob.json')); rows = d['rows']
assert len(rows) == 2 and rows[0]['choice'] == 'gaussian-pixel', rows
assert [s['kind'] for s in rows[0]['series']] == ['lif', 'binary']
assert rows[0]['series'][1]['accuracy_percent'][0]['n'] == 2 and len(rows[0]['claims']) == 5
e = rows[0]['series'][1]['endpoints']; assert len(e['chance_corrected_auc']['ci95']) == 2 and 'sigma50' in e
c = rows[0]['claims'][0]
for k in ('difference', 'ci95', 'margin', 'p', 'p_adjusted', 'family', 'min_detectable_effect'): assert k in c, k
assert c['adjustment'] == 'Benjamini-Hochberg', c\""
"$B" robustness "$T/run.h5" --choices nonsense 2>"$T/rob.err"; rc=$?
check "robustness: an unknown choice is a usage error listing the choices" '[ $rc -eq 2 ] && grep -q "gaussian-per-step" "$T/rob.err"'
printf '[choice x]\nmodel = gaussian\nlevels = 0, -1\n' >"$T/bad-study.ini"
"$B" robustness "$T/run.h5" --study "$T/bad-study.ini" 2>"$T/rob.err"; rc=$?
check "robustness: a bad study file exits 1 naming the file and the section" '[ $rc -eq 1 ] && grep -q "bad-study.ini" "$T/rob.err" && grep -q "choice x" "$T/rob.err"'
"$B" train --neuron lif $SMALL --epochs 1 --train-noise 0.5 --out "$T/tn.h5" >/dev/null 2>&1
check "train --train-noise is recorded" "/usr/bin/python3 -c \"
import h5py, json; c = h5py.File('$T/tn.h5')['config']
assert c.attrs['train_noise_sigma'] == 0.5 and json.loads(c.attrs['json'])['train_noise_sigma'] == 0.5\""

"$B" train --neuron binary --lut "$SRC/datasets/multistate-lut.csv" $SMALL --out "$T/x.h5" 2>"$T/err"; rc=$?
check "wrong LUT kind exits 1 naming the file" '[ $rc -eq 1 ] && grep -q "multistate-lut.csv" "$T/err"'
"$B" train --neuron lif --data-dir "$T/nowhere" --out "$T/y.h5" 2>"$T/err"; rc=$?
check "missing data names the file and the package" '[ $rc -eq 1 ] && grep -q "train-images-idx3-ubyte.gz" "$T/err" && grep -q "dataset-fashion-mnist" "$T/err"'
"$B" train --neuron lif 2>/dev/null; rc=$?
check "missing --out is a usage error" '[ $rc -eq 2 ]'

"$B" train --neuron lif $SMALL --validation 0 --epochs 2 --out "$T/noval.h5" >"$T/noval.out" 2>&1; rc=$?
check "--validation 0 trains every epoch, the last checkpoint is the best" "[ $rc -eq 0 ] && /usr/bin/python3 -c \"
import h5py, math; r = h5py.File('$T/noval.h5')['runs/seed_0']
assert r.attrs['status'] == 'completed' and r.attrs['best_epoch'] == 2, dict(r.attrs)
assert math.isnan(r.attrs['best_validation_accuracy']) and r.attrs['test_accuracy'] > 0.1\""

# Stopped is exit 3 for every long command: SIGTERM (a batch system's time limit) and
# Ctrl+C (SIGINT) stop after the batch in flight and keep the file.
"$B" train --neuron lif --hidden 32 --timesteps 8 --batch 50 --data-dir "$D" --validation 500 --epochs 500 \
    --out "$T/stop.h5" >/dev/null 2>"$T/stop.err" &
pid=$!
for _ in $(seq 100); do grep -q "seed 0 epoch 1:" "$T/stop.err" 2>/dev/null && break; sleep 0.2; done
kill -TERM $pid; wait $pid; rc=$?
check "SIGTERM stops train with exit 3 and keeps a resumable file" "[ $rc -eq 3 ] && /usr/bin/python3 -c \"
import h5py; r = h5py.File('$T/stop.h5')['runs/seed_0']; assert r.attrs['status'] == 'stopped'\""
"$B" noise "$T/run.h5" --sigma 0:3:0.01 >/dev/null 2>"$T/nstop.err" &
pid=$!
# Wait until the process catches SIGINT (bit 2 of SigCgt), then interrupt it.
for _ in $(seq 100); do
  mask=$(awk '/^SigCgt/{print $2}' /proc/$pid/status 2>/dev/null || echo 0)
  (( (16#${mask:-0} & 2) != 0 )) && break; sleep 0.1
done
kill -INT $pid; wait $pid; rc=$?
check "Ctrl+C stops noise with exit 3" '[ $rc -eq 3 ] && grep -q "stopped" "$T/nstop.err"'

# Crash consistency: kill -9 the moment epoch 2 is reported, which is when its file write
# starts. The file (epoch 1, or 2 if the write finished) reads with h5py and `noise`,
# `--resume` continues from its last completed epoch, and the killed writer's temporary
# file is gone after the next start.
K="$T/killed.h5"
"$B" train --neuron lif --hidden 32 --timesteps 8 --batch 50 --data-dir "$D" --validation 500 --epochs 400 \
    --out "$K" >/dev/null 2>"$T/kill.err" &
pid=$!
for _ in $(seq 3000); do grep -q "seed 0 epoch 2:" "$T/kill.err" 2>/dev/null && break; sleep 0.02; done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
check "kill -9 during the epoch-2 write: the file reads with h5py (1 or 2 epochs)" "/usr/bin/python3 -c \"
import h5py; r = h5py.File('$K')['runs/seed_0']; assert r['epoch_loss'].shape[0] in (1, 2), r['epoch_loss'].shape\""
check "kill -9: noise reads the file" '"$B" noise "$K" --sigma 0 --test-limit 100 --json >/dev/null 2>&1'
"$B" train --resume "$K" --epochs 0 >/dev/null 2>"$T/kres.err" &
pid=$!
for _ in $(seq 100); do grep -q "resuming after epoch" "$T/kres.err" 2>/dev/null && break; sleep 0.1; done
kill -INT $pid; wait $pid
check "kill -9: --resume continues from the last completed epoch" 'grep -qE "resuming after epoch (1|2)" "$T/kres.err"'
check "kill -9: no temporary file left after the next start" '[ -z "$(ls "$T" | grep "killed.h5.tmp")" ]'

# A full disk (a 400 KiB tmpfs, where this test may mount one): the per-epoch write fails,
# train and noise exit 1 with a message naming the file (no crash), the previous file is
# kept and resumes, and no temporary file is left.
FS="$T/small-disk"
mkdir -p "$FS"
if mount -t tmpfs -o size=400k tmpfs "$FS" 2>/dev/null; then
  "$B" train --neuron lif --hidden 16 --timesteps 4 --batch 50 --data-dir "$D" --validation 500 --epochs 2 \
      --out "$FS/k.h5" >/dev/null 2>"$T/full.err"; rc=$?
  check "full disk: train exits 1 naming the file, no crash" '[ $rc -eq 1 ] && grep -q "$FS/k.h5: writing failed" "$T/full.err" && grep -q "previous file is kept" "$T/full.err"'
  check "full disk: the previous file is kept (epoch 1) and no temporary file is left" "/usr/bin/python3 -c \"
import h5py; r = h5py.File('$FS/k.h5')['runs/seed_0']; assert r['epoch_loss'].shape == (1,)\" && [ -z \"\$(ls '$FS' | grep tmp)\" ]"
  "$B" noise "$FS/k.h5" --sigma 0:3:0.5 --test-limit 200 >/dev/null 2>"$T/nfull.err"; rc=$?
  check "full disk: noise exits 1 naming the file, the file unchanged" '[ $rc -eq 1 ] && grep -q "$FS/k.h5" "$T/nfull.err" && "$B" noise "$FS/k.h5" --sigma 0 --test-limit 10 2>&1 | grep -q "writing failed"'
  umount "$FS"
else
  echo "skip: cannot mount a small tmpfs here (needs root): full-disk checks not run"
fi

out=$("$B" bench --hidden 32 --timesteps 8 --steps 2 --warmup 1)
check "bench prints step time, FLOPs and the GEMM-bound ratio" 'grep -q "seconds per step" <<<"$out" && grep -q "GFLOP" <<<"$out" && grep -q "GEMM-bound limit" <<<"$out"'
check "bench compares with dense GEMMs only and times each layer's kernels" 'grep -q "the same with dense GEMMs only" <<<"$out" && grep -Eq "^  fc1 +800 x 784 -> 32 +0\.[0-9]+ +(event|dense)" <<<"$out" && grep -Eq "^  fc3 +800 x 32 -> 10 " <<<"$out" && grep -q "training (forward + weight gradient):" <<<"$out"'
out=$(DWMTJ_KERNELS=dense "$B" bench --hidden 32 --timesteps 8 --steps 2 --warmup 1 --json)
check "bench --json under DWMTJ_KERNELS=dense: dense everywhere, no comparison" 'grep -q "\"kernels\":\"dense\"" <<<"$out" && grep -q "\"dense_seconds_per_step\":0," <<<"$out" && [ "$(grep -o "\"kernel\":\"dense\"" <<<"$out" | wc -l)" -eq 3 ] && python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert len(d[\"layers\"])==3 and len(d[\"crossover_curve\"])==11" "$out"'
DWMTJ_KERNELS=sparse "$B" bench --hidden 32 --timesteps 8 --steps 1 --warmup 0 >/dev/null 2>"$T/kern.err"; rc=$?
check "DWMTJ_KERNELS with an unknown value: exit 2 naming the variable, the value and the choices" '[ $rc -eq 2 ] && grep -q "DWMTJ_KERNELS is .sparse.; expected auto, dense or event" "$T/kern.err"'
# Calibration: measured on fc1's shape, kept in the file, read by later runs and recorded.
CAL="$T/config/dwmtj/kernels.ini"
out=$(DWMTJ_KERNELS_CALIBRATION="$CAL" "$B" bench --calibrate --hidden 32 --timesteps 8 --batch 50 --steps 1 --json)
check "bench --calibrate --json: crossovers in [0, 1] from an 11-point curve, saved where it says" 'python3 -c "import json,sys; d=json.loads(sys.argv[1]); c=d[\"calibration\"]; assert 0 <= c[\"training\"] <= 0.9 and 0 <= c[\"inference\"] <= 0.9 and c[\"path\"] == sys.argv[2] and len(d[\"crossover_curve\"]) == 11" "$out" "$CAL" && grep -q "^format_version=1$" "$CAL" && grep -q "^training=0\.[0-9]\{4\}$" "$CAL"'
printf 'format_version=1\ntraining=0.1234\ninference=0.4321\nmeasured=test\n' >"$CAL"
out=$(DWMTJ_KERNELS_CALIBRATION="$CAL" "$B" bench --hidden 32 --timesteps 8 --steps 1 --warmup 0 --no-layers --json)
check "a calibration file sets the crossovers of later runs" 'grep -q "\"crossover\":{\"training\":0.1234,\"inference\":0.4321}" <<<"$out"'
DWMTJ_KERNELS_CALIBRATION="$CAL" "$B" train --neuron lif $SMALL --epochs 1 --seeds 0 --train-limit 200 --out "$T/cal.h5" >/dev/null 2>&1
check "the run's provenance names the calibrated crossovers and their file" "/usr/bin/python3 -c \"
import h5py, sys; k = h5py.File('$T/cal.h5')['provenance'].attrs['kernels']
assert '<= 0.12 (training), 0.43 (inference)' in k and 'calibrated test, $CAL' in k, k\""
printf 'format_version=1\ntraining=1.7\ninference=0.3\n' >"$CAL"
out=$(DWMTJ_KERNELS_CALIBRATION="$CAL" "$B" bench --hidden 32 --timesteps 8 --steps 1 --warmup 0 --no-layers --json 2>"$T/cal.err"); rc=$?
check "a bad calibration file: a warning naming file, line and value; the built-in crossovers" '[ $rc -eq 0 ] && grep -q "kernel calibration $CAL line 2: expected a spike density in \[0, 1\] for training, found .1.7." "$T/cal.err" && grep -q "\"crossover\":{\"training\":0.2,\"inference\":0.35}" <<<"$out"'
out=$("$B" bench --hidden 32 --timesteps 8 --steps 2 --warmup 1 --no-layers)
check "bench --no-layers skips the per-layer table" 'grep -q "seconds per step" <<<"$out" && ! grep -q "linear layers on spikes" <<<"$out"'
# Hidden layer 2's own device: --lut2 / --gain2 / --centre2 (refused when layer 2 is LIF).
"$B" train --neurons binary,binary $SMALL --epochs 1 --seeds 0 --train-limit 200 --gain 0.5 --gain2 0.8 --centre2 1.7 --out "$T/own2.h5" >/dev/null 2>&1
check "--gain2/--centre2 give layer 2 its own operating point in the file" "/usr/bin/python3 -c \"
import h5py, math; c = h5py.File('$T/own2.h5')['config']
l1, l2 = c['layer_1'].attrs, c['layer_2'].attrs
assert l1['gain_V'] == 0.5 and math.isnan(l1['centre_voltage_V']), dict(l1)
assert l2['gain_V'] == 0.8 and l2['centre_voltage_V'] == 1.7, dict(l2)
assert h5py.File('$T/own2.h5')['runs/seed_0'].attrs['status'] == 'completed'\""
"$B" train --neurons binary,lif $SMALL --epochs 1 --gain2 0.8 --out "$T/bad2.h5" >/dev/null 2>"$T/bad2.err"; rc=$?
check "--gain2 with a LIF layer 2 is refused, naming the layer" '[ $rc -eq 2 ] && grep -q "gain2 sets hidden layer 2.s device, but layer 2 is LIF neurons" "$T/bad2.err" && [ ! -e "$T/bad2.h5" ]'
# The paper's code as released: every construction option recorded, the device layers frozen.
"$B" train --neuron binary-released --device-gradient none --bn-placement after --bn-statistics per-step \
  --input standardized --init xavier $SMALL --epochs 1 --train-limit 600 --out "$T/released.h5" >/dev/null 2>&1
check "train as released: h5py reads every construction option and the frozen layers" "/usr/bin/python3 - <<PY
import h5py, json, numpy as np
f = h5py.File('$T/released.h5'); a = f['config'].attrs
assert f.attrs['format_version'] == 4
want = {'device_gradient': 'none', 'bn_placement': 'after', 'bn_statistics': 'per-step',
        'input': 'standardized', 'init': 'xavier', 'freeze': 'none', 'frozen_layers': '1,2',
        'sampling': 'stochastic'}
for k, v in want.items(): assert a[k] == v, (k, a[k])
assert json.loads(a['json'])['frozen_layers'] == '1,2' and a['neuron'] == 'binary-released'
b = f['runs/seed_0/checkpoint_best']
assert np.all(b['fc1.bias'][:] == 0) and np.all(b['fc2.bias'][:] == 0), 'Xavier biases stay zero when frozen'
assert np.any(b['fc3.bias'][:] != 0), 'the readout trains'
PY"
"$B" train --neuron lif --bn-placement middle $SMALL --out "$T/badbn.h5" >/dev/null 2>"$T/badbn.err"; rc=$?
check "an unknown construction value is a usage error naming the option and the choices" '[ $rc -eq 2 ] && grep -q -- "--bn-placement: unknown BatchNorm placement .middle.: expected before or after" "$T/badbn.err"'
"$B" bench --neuron binary-released --hidden 32 --timesteps 8 --steps 1 --warmup 0 --no-layers --freeze 1,2 --json >"$T/bench-frozen.json" 2>/dev/null
check "bench times a network with frozen hidden layers" "/usr/bin/python3 -c \"import json; d=json.load(open('$T/bench-frozen.json')); assert d['seconds_per_step'] > 0\""
exit $fail
