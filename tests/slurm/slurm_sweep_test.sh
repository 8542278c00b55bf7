#!/usr/bin/env bash
# `dwmtj sweep` through a real single-node Slurm (slurm-fixture.sh): a 6-task smoke sweep
# submitted as an array job whose collect job runs after it gives the same per-epoch numbers
# as the same sweep run locally; a task cancelled with scancel mid-run is reported stopped and a
# resubmission reruns only it, resuming from its last epoch; `reproduce --slurm` (on a cut of
# the presets) gives the local run's claims. Exit 77 (skipped) without root or without the
# slurm-wlm and munge packages.
source "$(dirname "$0")/../cli/common.sh"
FIX="$SRC/tests/slurm/slurm-fixture.sh"
start=$(date +%s)
out=$("$FIX" start "$T/slurm" 2>"$T/fixture.err"); rc=$?
if [ $rc -eq 77 ]; then cat "$T/fixture.err"; exit 77; fi
trap '"$FIX" stop "$T/slurm"; rm -rf "$T"' EXIT
check "a single-node Slurm starts (munged, slurmctld, slurmd) and its node is idle" '[ $rc -eq 0 ] && grep -q "^SLURM_CONF=" <<<"$out"'
[ $rc -eq 0 ] || { cat "$T/fixture.err"; exit 1; }
export SLURM_CONF="$T/slurm/slurm.conf"

wait_idle() {  # until the queue is empty (at most $1 seconds)
  for _ in $(seq "$1"); do [ -z "$(squeue -h 2>/dev/null)" ] && return 0; sleep 1; done
  return 1
}

D="$SRC/datasets/fashion-mnist-sample"
cat >"$T/smoke.sweep" <<SWEEP
[sweep slurm-smoke]
format_version = 1
neurons = lif, binary
hidden = 16
timesteps = 4
seeds = 0-2
epochs = 2
batch = 50
train_limit = 600
validation = 100
test_limit = 200
data_dir = $D
SWEEP
out=$("$B" sweep submit "$T/smoke.sweep" --out "$T/s" --cpus-per-task 1 --max-parallel 2 --time 00:10:00)
check "submit: an array job of 6 tasks and a collect job, ids recorded" 'grep -q "submitted array job [0-9]* (6 task(s)) and collect job [0-9]*" <<<"$out" && [ $(wc -l <"$T/s/slurm/jobs.tsv") -eq 1 ]'
wait_idle 240
out=$("$B" sweep status "$T/s")
check "every array task completed" 'grep -q "6 task(s): 6 completed" <<<"$out"'
check "the collect job ran after the array and wrote one file per configuration" 'grep -q "results/lif-H16-T4.h5" "$T/s/logs/collect.log" && [ -f "$T/s/results/binary-H16-T4.h5" ]'
"$B" sweep run "$T/smoke.sweep" --out "$T/local" --jobs 2 2>/dev/null && "$B" sweep collect "$T/local" >/dev/null
check "Slurm's collected files hold the same per-epoch numbers as the local run" "/usr/bin/python3 - <<PY
import h5py, numpy as np
for c in ['lif-H16-T4', 'binary-H16-T4']:
    a = h5py.File('$T/s/results/%s.h5' % c); b = h5py.File('$T/local/results/%s.h5' % c)
    for s in range(3):
        for d in ['epoch_loss', 'epoch_validation_accuracy', 'batch_loss', 'test_accuracy']:
            k = 'runs/seed_%d/%s' % (s, d)
            if k in b: assert np.array_equal(a[k][()], b[k][()]), (c, k)
PY"

# scancel mid-run: the task saves as stopped; submitting again reruns only it, resuming.
sed -e 's/^hidden = 16/hidden = 128/' -e 's/^timesteps = 4/timesteps = 24/' -e 's/^train_limit = 600/train_limit = 3000/' \
    -e 's/^epochs = 2/epochs = 8/' -e 's/^seeds = 0-2/seeds = 0-1/' "$T/smoke.sweep" >"$T/long.sweep"
"$B" sweep submit "$T/long.sweep" --out "$T/l" --cpus-per-task 1 >/dev/null
job=$(cut -f1 "$T/l/slurm/jobs.tsv")
for _ in $(seq 600); do grep -q "epoch 1:" "$T/l/logs/task-0.log" 2>/dev/null && break; sleep 0.1; done
scancel "${job}_0"
wait_idle 300
out=$("$B" sweep status "$T/l")
check "a task cancelled with scancel is reported stopped with its epochs, the others completed" 'grep -qE "lif-H128-T24-seed0 +stopped +[1-7]/8" <<<"$out" && grep -q "4 task(s): 3 completed, 0 running, 0 pending, 1 stopped" <<<"$out"'
out=$("$B" sweep submit "$T/long.sweep" --out "$T/l" --cpus-per-task 1)
check "resubmitting submits only the stopped task" 'grep -q "(1 task(s))" <<<"$out" && grep -q "^#SBATCH --array=0$" "$T/l/slurm/array.sbatch"'
wait_idle 300
out=$("$B" sweep status "$T/l")
check "the resubmitted task resumed from its last epoch and completed" 'grep -q "4 task(s): 4 completed" <<<"$out" && grep -q "resum" "$T/l/logs/task-0.log"'
# The reproduction through Slurm: its training as an array job, the rest in the collect job;
# with as many threads per task as the local run, the same claims table. On a cut of the
# paper's presets (Fig. 3b at H 500, its noise claims, the hybrid beyond set), which takes the
# same path as the whole reproduction (cli.reproduce runs that one locally).
cat >"$T/presets.ini" <<'INI'
[experiment fig3b-H500]
figure = 3b
caption = Validation accuracy, 500 hidden units per layer, 80 time steps
hidden = 500
timesteps = 80
neurons = lif, binary, multistate

[beyond hybrid-H500]
kind = hybrid
caption = Hybrid networks, 500 hidden units per layer, 80 time steps
question = Does a hybrid keep LIF's clean accuracy and gain the DW-MTJ network's behaviour under noise?
hidden = 500
timesteps = 80
neurons = binary/lif, lif/binary
compare = fig3b-H500

[noise]
networks = fig3b-H500
sigma_from = 0
sigma_to = 3
seed = 1234

[claims]
evaluate = lif-highest-clean, lif-below-dwmtj-under-noise, mw-below-binary-under-noise, sigma3-chance, energy-per-sample

[scale smoke]
seeds = 2
epochs = 2
hidden_factor = 0.2
timesteps_factor = 0.2
train_limit = 0
validation = 500
test_limit = 500
noise_test_limit = 300
sigma_step = 0.5
data = sample
INI
"$B" reproduce --presets "$T/presets.ini" --scale smoke --out "$T/rl" >"$T/rl.log" 2>&1
out=$("$B" reproduce --presets "$T/presets.ini" --scale smoke --slurm --cpus-per-task 2 --time 00:20:00 --out "$T/rs")
# 10 tasks: 5 configurations (3 pure networks, 2 hybrids) x 2 seeds.
check "reproduce --slurm submits the 10 training tasks and a collect job" 'grep -q "submitted array job [0-9]* (10 task(s)) and collect job" <<<"$out" && [ -f "$T/rs/reproduction.sweep" ] && grep -q "^neuron = binary/lif$" "$T/rs/reproduction.sweep"'
wait_idle 300
# The claims and the beyond-the-paper answers, from the "claim" header to the summary line.
results() { sed -n '/^claim /,/ after /p' "$1" | grep -v " after "; }
check "the collect job finished the reproduction with the local run's claims table and beyond answers" 'grep -q "trained by the sweep" "$T/rs/sweep/logs/collect.log" && grep -q "^complete after" "$T/rs/sweep/logs/collect.log" && [ -f "$T/rs/report.html" ] && grep -q "^beyond the paper: hybrid-H500" "$T/rl.log" && grep -q "^lif-below-dwmtj-under-noise" "$T/rl.log" && diff <(results "$T/rl.log") <(results "$T/rs/sweep/logs/collect.log")'
echo "local Slurm test: $(( $(date +%s) - start )) s"
exit $fail
