#!/usr/bin/env bash
# End-to-end checks of `dwmtj sweep` on the committed Fashion-MNIST sample: plan, local runs
# N at a time, SIGTERM and resumption, status, collect against a plain `train`, and the Slurm
# scripts and submission flow (with stand-in sbatch/squeue programs that record their calls).
source "$(dirname "$0")/common.sh"
D="$SRC/datasets/fashion-mnist-sample"
cat >"$T/smoke.sweep" <<SWEEP
# 2 neuron kinds x 3 seeds = 6 tasks
[sweep smoke]
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

[noise]
sigma = 0, 0.5
SWEEP

out=$("$B" sweep plan "$T/smoke.sweep" --out "$T/s" --json)
check "plan --json lists 6 tasks with their files and a cost estimate" 'python3 -c "import json,sys; d=json.loads(sys.argv[1]); t=d[\"tasks\"]; assert len(t)==6 and t[4][\"id\"]==\"binary-H16-T4-seed1\" and t[4][\"file\"].endswith(\"tasks/binary-H16-T4/seed1.h5\") and all(x[\"estimated_core_hours\"] > 0 for x in t)" "$out"'
check "plan writes nothing" '[ ! -e "$T/s" ]'

sed 's/^hidden = 16/hidden = 16, x/' "$T/smoke.sweep" >"$T/bad.sweep"
"$B" sweep plan "$T/bad.sweep" --out "$T/bad" >/dev/null 2>"$T/bad.err"; rc=$?
check "a bad sweep file: exit 1 naming file, section, key and value" '[ $rc -eq 1 ] && grep -q "bad.sweep" "$T/bad.err" && grep -q "\[sweep smoke\] (line 2) hidden: expected a number, found .x." "$T/bad.err"'

"$B" sweep run "$T/smoke.sweep" --out "$T/s" --jobs 2 2>"$T/run.err"; rc=$?
check "run --jobs 2: every task completes, each with its own log" '[ $rc -eq 0 ] && grep -q "6 of 6 task(s) to run, 2 at a time, 1 thread(s) each" "$T/run.err" && [ $(grep -c " completed (log " "$T/run.err") -eq 6 ] && [ $(ls "$T/s/logs" | wc -l) -eq 6 ]'
out=$("$B" sweep status "$T/s")
check "status: 6 completed, 2/2 epochs each" 'grep -q "6 task(s): 6 completed, 0 running, 0 pending, 0 stopped, 0 failed" <<<"$out" && [ $(grep -c "completed    2/2" <<<"$out") -eq 6 ]'
out=$("$B" sweep collect "$T/s")
check "collect writes one experiment file per configuration" 'grep -q "results/lif-H16-T4.h5" <<<"$out" && grep -q "results/binary-H16-T4.h5" <<<"$out"'
"$B" train --neuron binary --hidden 16 --timesteps 4 --seeds 0-2 --epochs 2 --batch 50 --train-limit 600 --validation 100 --test-limit 200 --data-dir "$D" --threads 1 --out "$T/ref.h5" >/dev/null 2>&1
check "collected file: all seeds, the same per-epoch numbers as one local train run (same threads), noise curves" "/usr/bin/python3 - <<PY
import h5py, json, numpy as np
a = h5py.File('$T/s/results/binary-H16-T4.h5'); b = h5py.File('$T/ref.h5')
assert json.loads(a['config'].attrs['json'])['seeds'] == [0, 1, 2]
for s in range(3):
    k = 'runs/seed_%d/' % s
    for d in ['epoch_loss', 'epoch_validation_accuracy', 'batch_loss']:
        assert np.array_equal(a[k + d][:], b[k + d][:]), (s, d)
    assert list(a[k + 'noise/pixel/sigma'][:]) == [0, 0.5]
PY"

# Device variability per [config]: the task trains with it; a LIF configuration with it is refused.
cat >"$T/var.sweep" <<SWEEP
[sweep var]
format_version = 1
seeds = 0
epochs = 1
batch = 50
train_limit = 600
validation = 100
test_limit = 200
data_dir = $D

[config aware]
neuron = binary
hidden = 16
timesteps = 4
stuck = 0.2
device_seed = 5
variability_in = training
SWEEP
out=$("$B" sweep plan "$T/var.sweep" --out "$T/v")
check "plan of explicit configurations counts them, not an empty grid" 'grep -q "^sweep var: 1 task(s) (1 configuration(s) x 1 seed(s)), 1 epoch(s) each$" <<<"$out"'
"$B" sweep run "$T/var.sweep" --out "$T/v" 2>/dev/null
check "a [config] with variability keys trains its task with them" "/usr/bin/python3 -c \"
import h5py; f = h5py.File('$T/v/tasks/aware/seed0.h5'); v = f['config/variability'].attrs
assert v['use'] == 'training' and v['stuck_on'] == 0.1 and v['seed'] == 5 and 'devices' in f['runs/seed_0']\""
sed 's/^neuron = binary/neuron = lif/' "$T/var.sweep" >"$T/varlif.sweep"
"$B" sweep plan "$T/varlif.sweep" --out "$T/vl" >/dev/null 2>"$T/vl.err"; rc=$?
check "variability keys on a LIF [config] are refused, naming the section" '[ $rc -eq 1 ] && grep -q "\[config aware\]" "$T/vl.err" && grep -q "no device layer" "$T/vl.err"'

rm "$T/s/tasks/lif-H16-T4/seed1.h5"
"$B" sweep run "$T/smoke.sweep" --out "$T/s" --jobs 2 2>"$T/rerun.err"; rc=$?
check "running again runs only the task that is not complete" '[ $rc -eq 0 ] && grep -q "1 of 6 task(s) to run" "$T/rerun.err" && grep -q "lif-H16-T4-seed1 completed" "$T/rerun.err"'
sed 's/^epochs = 2/epochs = 3/' "$T/smoke.sweep" >"$T/other.sweep"
"$B" sweep run "$T/other.sweep" --out "$T/s" 2>"$T/other.err"; rc=$?
check "a folder holding another sweep is refused" '[ $rc -eq 1 ] && grep -q "holds another sweep" "$T/other.err"'

# SIGTERM (Slurm's time limit, scancel): the tasks stop after their batch and save; a rerun resumes.
sed -e 's/^hidden = 16/hidden = 128/' -e 's/^timesteps = 4/timesteps = 24/' -e 's/^train_limit = 600/train_limit = 3000/' -e 's/^epochs = 2/epochs = 4/' \
    -e 's/^seeds = 0-2/seeds = 0/' "$T/smoke.sweep" >"$T/long.sweep"
"$B" sweep run "$T/long.sweep" --out "$T/l" --jobs 2 2>"$T/long.err" &
pid=$!
for _ in $(seq 100); do grep -q "epoch 1:" "$T/l/logs/task-0.log" 2>/dev/null && break; sleep 0.2; done
kill -TERM $pid; wait $pid; rc=$?
out=$("$B" sweep status "$T/l")
check "SIGTERM: exit 3, the tasks saved as stopped with their epochs" '[ $rc -eq 3 ] && grep -q "stopped" "$T/long.err" && [ $(grep -cE "(lif|binary)-H128-T24-seed0 +stopped +[0-3]/4" <<<"$out") -eq 2 ]'
"$B" sweep run "$T/long.sweep" --out "$T/l" --jobs 2 2>"$T/long2.err"; rc=$?
out=$("$B" sweep status "$T/l")
check "rerun resumes the stopped tasks to completion" '[ $rc -eq 0 ] && grep -q "2 task(s): 2 completed" <<<"$out" && grep -q "resum" "$T/l/logs/task-0.log"'

# Slurm scripts and submission, with stand-ins for sbatch and squeue that record their calls.
out=$("$B" sweep submit "$T/smoke.sweep" --out "$T/s" --dry-run)
check "submit with every task complete submits nothing" 'grep -q "every task is complete" <<<"$out"'
rm "$T/s/tasks/binary-H16-T4/seed2.h5" "$T/s/tasks/lif-H16-T4/seed0.h5"
out=$("$B" sweep submit "$T/smoke.sweep" --out "$T/s" --partition short --account lab --time 01:00:00 --cpus-per-task 4 --mem 4G --max-parallel 2 --sbatch-arg=--qos=low --sbatch-arg --mail-type=END --dry-run)
A="$T/s/slurm/array.sbatch"
check "submit --dry-run: an array script of the incomplete tasks, throttled, with the options" 'grep -q "dry run" <<<"$out" && grep -q "^#SBATCH --array=0,5%2$" "$A" && grep -q "^#SBATCH --partition=short$" "$A" && grep -q "^#SBATCH --account=lab$" "$A" && grep -q "^#SBATCH --time=01:00:00$" "$A" && grep -q "^#SBATCH --cpus-per-task=4$" "$A" && grep -q "^#SBATCH --mem=4G$" "$A" && grep -q "^#SBATCH --qos=low$" "$A" && grep -q "^#SBATCH --mail-type=END$" "$A" && grep -q "dwmtj-launch.* sweep task .* --index \"\$SLURM_ARRAY_TASK_ID\"" "$A" && grep -q "afterany" <<<"$out"'
C="$T/s/slurm/collect.sbatch"
check "the collect job gets --cpus-per-task and the array's --time by default" 'grep -q "^#SBATCH --cpus-per-task=4$" "$C" && grep -q "^#SBATCH --time=01:00:00$" "$C"'
"$B" sweep submit "$T/smoke.sweep" --out "$T/s" --time 01:00:00 --collect-cpus 8 --collect-time 03:00:00 --dry-run >/dev/null
check "--collect-cpus and --collect-time give the collect job its own" 'grep -q "^#SBATCH --cpus-per-task=8$" "$C" && grep -q "^#SBATCH --time=03:00:00$" "$C" && grep -q "^#SBATCH --time=01:00:00$" "$A"'
PATH="$T/no-slurm-here" "$B" sweep submit "$T/smoke.sweep" --out "$T/s" >"$T/nosb.out" 2>"$T/nosb.err"; rc=$?
check "submit without sbatch on PATH fails (exit 1) and says what to run from a login node" '[ $rc -eq 1 ] && grep -q "sbatch is not on PATH here, so nothing was submitted" "$T/nosb.err" && grep -q "sbatch --parsable" "$T/nosb.err" && [ -f "$T/s/slurm/array.sbatch" ]'
mkdir -p "$T/bin"
cat >"$T/bin/sbatch" <<'SB'
#!/bin/sh
echo "$@" >>"$(dirname "$0")/sbatch.calls"
n=$(wc -l <"$(dirname "$0")/sbatch.calls")
echo "$((1000 + n))"
SB
cat >"$T/bin/squeue" <<'SQ'
#!/bin/sh
echo "$@" >>"$(dirname "$0")/squeue.calls"
echo "0 RUNNING"
echo "5 PENDING"
SQ
chmod +x "$T/bin/sbatch" "$T/bin/squeue"
out=$(PATH="$T/bin:$PATH" "$B" sweep submit "$T/smoke.sweep" --out "$T/s" --max-parallel 2)
check "submit: the array job, then the collect job afterany of it; the ids recorded" 'grep -q "submitted array job 1001 (2 task(s)) and collect job 1002" <<<"$out" && grep -q "^--parsable .*array.sbatch" "$T/bin/sbatch.calls" && grep -q "^--parsable --dependency=afterany:1001 .*collect.sbatch" "$T/bin/sbatch.calls" && grep -q "^1001	1002	2$" "$T/s/slurm/jobs.tsv" && grep -q "sweep collect" "$T/s/slurm/collect.sbatch"'
out=$(PATH="$T/bin:$PATH" "$B" sweep status "$T/s" --json)
check "status asks squeue about the recorded array job and shows its states" 'grep -q "^-h -r -j 1001 " "$T/bin/squeue.calls" && python3 -c "import json,sys; d=json.loads(sys.argv[1]); t=d[\"tasks\"]; assert d[\"array_job\"]==\"1001\" and t[0][\"slurm\"]==\"RUNNING\" and t[5][\"slurm\"]==\"PENDING\" and t[5][\"state\"]==\"pending\" and t[1][\"state\"]==\"completed\"" "$out"'
# What an array task runs: the task command itself, with Slurm's CPU count.
SLURM_CPUS_PER_TASK=1 "$B" sweep task "$T/s" --index 5 >/dev/null 2>"$T/task.err"; rc=$?
check "sweep task --index runs one task with SLURM_CPUS_PER_TASK threads" '[ $rc -eq 0 ] && grep -q "task 5: binary-H16-T4-seed2 .* (1 thread(s))" "$T/task.err" && [ -f "$T/s/tasks/binary-H16-T4/seed2.h5" ]'
# The paper's protocol as sweeps, made from the presets (the one place the experiments are
# written down): Fig. 3b (H 500 and H 200) with the Fig. 4 noise study, and Fig. 3c/3d; 30
# tasks each at the paper scale, the presets' seeds, epochs and sizes.
"$B" sweep from-presets --experiments fig3b-H500,fig3b-H200 --noise --out "$T/fig3b.sweep" >"$T/fp.txt"; rc=$?
check "sweep from-presets writes the Fig. 3b sweep (6 configurations, 30 tasks)" '[ $rc -eq 0 ] && grep -q "6 configuration(s), 30 task(s)" "$T/fp.txt" && grep -q "^\[sweep paper-fig3b-H500-fig3b-H200\]" "$T/fig3b.sweep" && grep -q "^\[noise\]" "$T/fig3b.sweep" && [ $(grep -c "^hidden = 500" "$T/fig3b.sweep") -eq 3 ] && [ $(grep -c "^hidden = 200" "$T/fig3b.sweep") -eq 3 ] && grep -q "^epochs = 10$" "$T/fig3b.sweep" && grep -q "^seeds = 0, 1, 2, 3, 4$" "$T/fig3b.sweep"'
"$B" sweep from-presets --experiments fig3c,fig3d --out "$T/fig3cd.sweep" >/dev/null
for f in fig3b fig3cd; do
  out=$("$B" sweep plan "$T/$f.sweep" --out "$T/p-$f" --json)
  check "the presets' $f sweep plans 30 tasks" 'python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert len(d[\"tasks\"])==30 and d[\"estimated_core_hours\"] > 5" "$out"'
done
"$B" sweep from-presets --experiments fig9 --out "$T/x.sweep" >/dev/null 2>"$T/fp.err"; rc=$?
check "an unknown experiment is a usage error that lists the presets' experiments" '[ $rc -eq 2 ] && grep -q "no experiment .fig9. in the presets (fig3b-H500, fig3b-H200, fig3c, fig3d" "$T/fp.err" && [ ! -e "$T/x.sweep" ]'
"$B" sweep from-presets --presets why-resilient --scale smoke --out "$T/why.sweep" >"$T/why.txt"; rc=$?
check "from-presets takes other presets and scales: all of why-resilient at smoke, 16 cells x 2 seeds" '[ $rc -eq 0 ] && grep -q "16 configuration(s), 32 task(s)" "$T/why.txt" && grep -q "^\[sweep smoke\]" "$T/why.sweep" && [ $(grep -c "^freeze = 1,2$" "$T/why.sweep") -eq 5 ]'

exit $fail
