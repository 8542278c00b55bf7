#!/usr/bin/env bash
# `dwmtj reproduce --scale smoke` end to end: every experiment trained, the figures (PNG,
# SVG, CSV), the report (Markdown, HTML) and reproduction.h5; the report's numbers equal
# the experiment data in reproduction.h5; a second run continues (nothing is retrained).
source "$(dirname "$0")/common.sh"
PY=/usr/bin/python3
out="$T/repro"
"$B" reproduce --scale smoke --out "$out" >"$T/run1.txt" 2>&1
rc=$?
check "reproduce --scale smoke exits 0 (rc $rc)" '[ $rc -eq 0 ]'
[ $rc -eq 0 ] || tail -30 "$T/run1.txt"
check "16 training jobs (the paper's 12, then the beyond sets' 2 hybrids and 2 hardware-aware networks)" '[ $(grep -c "^\[[0-9]*/16\]" "$T/run1.txt") -eq 16 ] && grep -q "^\[14/16\] hybrid-H500-lif-binary (LIF / binary, H 100" "$T/run1.txt" && grep -q "^\[16/16\] variability-H500-multistate (multi-weight, H 100" "$T/run1.txt"'
for f in fig2d-binary-switching fig2e-multiweight-states fig3b-validation fig3c-validation fig3d-validation \
         fig4a-noisy-images fig4b-noise-accuracy fig4c-noise-normalized \
         beyond-hybrid-H500-accuracy beyond-hybrid-H500-normalized beyond-variability-H500; do
  check "figure $f as PNG, SVG and CSV" '[ -s "$out/figures/$f.png" ] && grep -q "<svg" "$out/figures/$f.svg" && [ $(wc -l <"$out/figures/$f.csv") -gt 2 ]'
done
check "report.md and report.html" '[ -s "$out/report.md" ] && grep -q "<table>" "$out/report.html"'
check "every claim has a verdict in the report" '[ $(sed -n "/^## Claims/,/^## The paper/p" "$out/report.md" | grep -cE "\| (reproduced|not reproduced|inconclusive at this scale) \|") -eq 9 ]'
check "the paper's own comparison (one network per kind) follows, 3 rows, with McNemar" '[ $(sed -n "/^## The paper.s comparison/,/^## [^T]/p" "$out/report.md" | grep -cE "\| (reproduced|not reproduced|inconclusive at this scale) \|") -eq 3 ] && grep -q "McNemar at sigma 0:" "$out/report.md" && grep -q "adjusted p" "$out/summary.md"'
check "smoke verdicts are not claimed for the paper" 'grep -q "smaller than the paper" "$out/report.md"'
check "the hybrids have their own report section with 4 answers, apart from the claims" 'grep -q "^## Beyond the paper: Hybrid networks" "$out/report.md" && [ $(sed -n "/^## Beyond the paper: Hybrid/,/^## Beyond the paper: Device/p" "$out/report.md" | grep -cE "\| (yes|no|not shown) \|") -eq 4 ] && ! sed -n "/^## Claims/,/^## Beyond/p" "$out/report.md" | grep -q "binary / LIF" && grep -q "Beyond the paper" "$out/report.html"'
check "a hybrid's file has its layers and the energy of its device layer only" "$PY -c \"
import h5py; f = h5py.File('$out/runs/hybrid-H500-binary-lif.h5')
assert f.attrs['format_version'] == 4
assert f['config/layer_1'].attrs['neuron'] == 'binary' and f['config/layer_2'].attrs['neuron'] == 'lif'
e = f['runs/seed_0/energy/layer_energy_per_inference_J'][:]
assert e[0] > 0 and e[1] == 0, e
assert len(f['runs/seed_0/noise/pixel/sigma']) == 7\""
check "device variability has its own section: 2 nominal and 2 hardware-aware networks, 8 answers" 'sec=$(sed -n "/^## Beyond the paper: Device-to-device/,/^## Experiments/p" "$out/report.md"); [ $(grep -cE "\| (yes|no|not shown) \|" <<<"$sec") -eq 8 ] && [ $(grep -cE "^\| (binary|multi-weight) H100 T16 \| nominal \|" <<<"$sec") -eq 2 ] && [ $(grep -cE "^\| (binary|multi-weight) H100 T16 hardware-aware \| hardware-aware \|" <<<"$sec") -eq 2 ] && grep -q "Device-to-device variability" "$out/report.html"'
check "a hardware-aware file has its devices, settings and V50 curves; the nominal networks have the curves" "$PY -c \"
import h5py
f = h5py.File('$out/runs/variability-H500-binary.h5')
v = f['config/variability'].attrs
assert v['v50_sd_V'] == 0.1 and v['use'] == 'training' and v['seed'] == 7, dict(v)
assert f['runs/seed_0/devices/layer_1/shift_V'].shape[0] == 100
for name in ('variability-H500-binary', 'fig3b-H500-binary', 'fig3b-H500-multistate'):
    c = h5py.File('$out/runs/' + name + '.h5')['runs/seed_1/variability/v50']
    assert list(c['level'][:]) == [0, 0.05, 0.1, 0.2], name
    assert c['accuracy'].shape == (4, 2) and c.attrs['test_images'] == 300 and c.attrs['seed'] == 7, name
assert 'variability' not in h5py.File('$out/runs/fig3b-H500-lif.h5')['runs/seed_0']\""
check "the report says which modelling choices decide the noise result (10 choices on H100 T16)" 'grep -q "^## Which modelling choices decide the noise result" "$out/report.md" && [ $(grep -c "^| .* | H100 T16 | " "$out/report.md") -eq 10 ] && grep -q "Which modelling choices" "$out/report.html"'
check "the study curves are in the noise networks' files" "$PY -c \"
import h5py; r = h5py.File('$out/runs/fig3b-H500-binary.h5')['runs/seed_1/study']
assert len(r.keys()) == 10 and r['gain-half'].attrs['gain_factor'] == 0.5\""
# The numbers: recompute every claim group from /experiments and compare with /claims and
# with the text of report.md.
"$PY" - "$out" >"$T/consistency.txt" 2>&1 <<'PYEOF'
import sys, h5py, numpy as np, re
out = sys.argv[1]
f = h5py.File(out + "/reproduction.h5", "r")
assert f.attrs["format"] == "dwmtj-reproduction", f.attrs["format"]
report = open(out + "/report.md", encoding="utf-8").read()
ids = [x.decode() if isinstance(x, bytes) else x for x in f["claims/id"][()]]
measured = [x.decode() if isinstance(x, bytes) else x for x in f["claims/measured"][()]]
verdicts = [x.decode() if isinstance(x, bytes) else x for x in f["claims/verdict"][()]]
def runs(job):
    g = f["experiments/" + job + "/runs"]
    return [g[k] for k in sorted(g.keys())]
def best_val(job):
    return [100 * r.attrs["best_validation_accuracy"] for r in runs(job)]
def noisy(job, sigma):
    v = []
    for r in runs(job):
        c = r["noise"][sorted(r["noise"].keys())[0]]
        s = c["sigma"][()]
        k = int(np.argmin(abs(s - sigma)))
        assert abs(s[k] - sigma) < 1e-9
        v.append(100 * c["accuracy"][()][k])
    return v
# The primary endpoint recomputed: the chance-corrected AUC over the standard grid (0..1.5
# by 0.1, 2, 2.5, 3; linear interpolation between the evaluated sigmas), x 100.
GRID = np.array([0.1 * k for k in range(16)] + [2.0, 2.5, 3.0])
def curves(job):
    for r in runs(job):
        yield r["noise"][sorted(r["noise"].keys())[0]]
def auc(job):
    v = []
    for c in curves(job):
        s, a, chance = c["sigma"][()], c["accuracy"][()], c.attrs["chance"]
        assert c["correct"].shape == (len(s), (int(c["correct"].attrs["images"]) + 7) // 8)
        cc = (np.interp(GRID, s, a) - chance) / (a[0] - chance)
        v.append(100 * cc.mean())
    return v
def above_chance(job, sigma):
    return [100 * (c["accuracy"][()][int(np.argmin(abs(c["sigma"][()] - sigma)))] - c.attrs["chance"])
            for c in curves(job)]
expected = {
    "mw-above-binary-H500-T80": [best_val("fig3b-H500-multistate"), best_val("fig3b-H500-binary")],
    "no-difference-H200": [best_val("fig3b-H200-multistate"), best_val("fig3b-H200-binary")],
    "mw-above-binary-T120": [best_val("fig3c-multistate"), best_val("fig3c-binary")],
    "no-difference-T40": [best_val("fig3d-multistate"), best_val("fig3d-binary")],
    "lif-highest-clean": [noisy("fig3b-H500-" + n, 0) for n in ("lif", "binary", "multistate")],
    "lif-below-dwmtj-under-noise": [auc("fig3b-H500-" + n) for n in ("lif", "binary", "multistate")],
    "mw-below-binary-under-noise": [auc("fig3b-H500-" + n) for n in ("binary", "multistate")],
    "sigma3-chance": [above_chance("fig3b-H500-" + n, 3) for n in ("lif", "binary", "multistate")],
}
checked = 0
for i, cid in enumerate(ids):
    assert f"| {verdicts[i]} |" in report, (cid, verdicts[i])
    if cid not in expected:
        continue
    for k, values in enumerate(expected[cid]):
        g = f[f"claims/groups/{cid}/{k}"]
        stored = g["values"][()]
        assert np.allclose(sorted(stored), sorted(values), atol=1e-7), (cid, k, stored, values)
        mean, sd = np.mean(values), np.std(values, ddof=1)
        assert abs(g.attrs["mean"] - mean) < 1e-7 and abs(g.attrs["sd"] - sd) < 1e-7, (cid, k)
        text = f"{mean:.2f} ± {sd:.2f} % (n = {len(values)})"
        assert text in measured[i] and text in report, (cid, text)
        checked += 1
assert checked == sum(len(v) for v in expected.values()), checked  # every recomputed group was found
# The estimates: "multi-weight below binary" is binary - multi-weight on the AUC, inside its
# 95 % CI; the adjusted p is Holm's over the paper's claims (energy has no test).
diff, ci = f["claims/difference"][()], f["claims/ci95"][()]
i = ids.index("mw-below-binary-under-noise")
d = np.mean(expected["mw-below-binary-under-noise"][0]) - np.mean(expected["mw-below-binary-under-noise"][1])
assert abs(diff[i] - d) < 1e-7 and ci[i][0] <= d <= ci[i][1], (diff[i], d, ci[i])
p, padj = f["claims/p_value"][()], f["claims/p_adjusted"][()]
tested = [k for k in range(len(ids)) if np.isfinite(p[k])]
order = sorted(tested, key=lambda k: p[k])
running = 0
for rank, k in enumerate(order):
    running = max(running, min(1, (len(order) - rank) * p[k]))
    assert abs(padj[k] - running) < 1e-9, (ids[k], padj[k], running)
families = {x.decode() if isinstance(x, bytes) else x for x in f["claims/family"][()]}
assert "the paper's claims" in families, families
# The variability section: per seed, the V50 curve at 0.1 V, draw 1 (the hardware-aware
# networks' devices), for the nominal and the hardware-aware binary network.
for job, label in (("fig3b-H500-binary", "binary H100 T16 | nominal"),
                   ("variability-H500-binary", "binary H100 T16 hardware-aware | hardware-aware")):
    own = []
    for r in runs(job):
        c = r["variability/v50"]
        k = list(c["level"][()]).index(0.1)
        own.append(100 * c["accuracy"][()][k][0])
    text = f"{np.mean(own):.2f} ± {np.std(own, ddof=1):.2f} (n = {len(own)})"
    row = [l for l in report.splitlines() if l.startswith(f"| {label} |")]
    assert len(row) == 1 and text in row[0].split("|")[7], (job, text, row)  # the 7th column
    # The same number in /beyond: the networks table, column "the hardware-aware networks'
    # devices" (index 4), and the answers in words as in the report.
    b = f["beyond/variability-H500"]
    labels = [x.decode() if isinstance(x, bytes) else x for x in b["networks/label"][()]]
    k = labels.index(label.split(" | ")[0])
    assert abs(b["networks/mean"][()][k][4] - np.mean(own)) < 1e-9, (job, b["networks/mean"][()][k])
    assert b["networks/n"][()][k][4] == len(own)
    checked += 1
assert f.attrs["format_version"] == 3
for name, count in (("hybrid-H500", 4), ("variability-H500", 8)):
    answers = [x.decode() if isinstance(x, bytes) else x for x in f[f"beyond/{name}/answers/answer"][()]]
    assert len(answers) == count and set(answers) <= {"yes", "no", "not shown"}, (name, answers)
    questions = [x.decode() if isinstance(x, bytes) else x for x in f[f"beyond/{name}/answers/question"][()]]
    for q, a in zip(questions, answers):
        assert any(l.startswith(f"| {q} |") and f"| {a} |" in l for l in report.splitlines()), (q, a)
print("consistent:", checked, "groups")
PYEOF
check "report numbers equal the experiment data ($(tail -1 "$T/consistency.txt"))" 'grep -q "consistent: 21 groups" "$T/consistency.txt"'
grep -q "consistent" "$T/consistency.txt" || cat "$T/consistency.txt"
# A second run continues: nothing is trained again and the claims stay the same.
"$B" reproduce --scale smoke --out "$out" >"$T/run2.txt" 2>&1
check "a second run trains nothing" '[ $(grep -c "not trained again" "$T/run2.txt") -eq 16 ] && ! grep -q "epoch 1/" "$T/run2.txt"'
# The claims and the beyond-the-paper answers, from the "claim" header to the summary line.
results() { sed -n '/^claim /,/ after /p' "$1" | grep -v " after "; }
check "the same verdicts and beyond answers" 'grep -q "^beyond the paper: hybrid-H500" "$T/run1.txt" && grep -q "^beyond the paper: variability-H500" "$T/run1.txt" && ! grep -q "device variability, V50" "$T/run2.txt" && diff <(results "$T/run1.txt") <(results "$T/run2.txt")'
# Beyond the paper: a small design study after the reproduction, with the paper's table A
# placed on its front, reported in report.md and report.html.
cat >"$T/tiny.ini" <<INI
[design tiny]
format_version = 1
hidden = 16
timesteps = 4
epochs = 1
batch = 50
seeds = 0-1
validation = 200
test_limit = 200
data_dir = $SRC/datasets/fashion-mnist-sample
width_ratio = 1, 4
v50_sd = 0.05
draws = 2
sigma = 0, 0.5, 1
measured = released-binary-table-a.csv
INI
"$B" reproduce --scale smoke --out "$out" --design "$T/tiny.ini" >"$T/run3.txt" 2>&1; rc=$?
check "reproduce --design: the reproduction again (nothing trained), then the design, reported" '[ $rc -eq 0 ] && [ $(grep -c "not trained again" "$T/run3.txt") -eq 16 ] && grep -q "^beyond the paper: the design study" "$T/run3.txt" && grep -q "^Measured device m-released-binary-table-a: accuracy" "$T/run3.txt" && grep -q "^## Beyond the paper: what device to build" "$out/report.md" && grep -q "| m-released-binary-table-a (measured) |" "$out/report.md" && grep -q "<h2>Beyond the paper: what device to build" "$out/report.html" && [ -f "$out/design/design.h5" ]'
"$B" reproduce --scale smoke --out "$T/x" --design no-such-design >"$T/bad-design.txt" 2>&1; rc=$?
check "reproduce --design with an unknown design fails before training" '[ $rc -ne 0 ] && grep -q "expected small, cluster or a design file" "$T/bad-design.txt" && [ ! -d "$T/x/sweep" ] && ! grep -q "epoch 1/" "$T/bad-design.txt"'
# Trained as a sweep (the path of --slurm, here): every job adopted from the sweep folder, the
# same verdicts with the same threads per task.
"$B" reproduce --scale smoke --jobs 1 --out "$T/j" >"$T/jobs.txt" 2>&1; rc=$?
check "reproduce --jobs 1: the training runs as a 32-task sweep, every job taken from it" '[ $rc -eq 0 ] && grep -q "32 of 32 task(s) to run, 1 at a time, 2 thread(s) each" "$T/jobs.txt" && [ $(grep -c "trained by the sweep" "$T/jobs.txt") -eq 16 ] && [ $(grep -c "not trained again" "$T/jobs.txt") -eq 16 ]'
check "reproduce --jobs 1: the same verdicts and beyond answers as the plain run" 'diff <(results "$T/run1.txt") <(results "$T/jobs.txt")'
"$B" reproduce --scale huge --out "$T/x" >"$T/bad.txt" 2>&1
check "an unknown scale is a usage error" '[ $? -ne 0 ] && grep -q "smoke, quick or paper" "$T/bad.txt"'
exit $fail
