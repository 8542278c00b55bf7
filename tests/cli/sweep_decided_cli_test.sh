#!/usr/bin/env bash
# End-to-end check of a sweep's declared comparisons and `sweep run --seeds-until-decided` on the
# committed Fashion-MNIST sample: three configurations, two comparisons. binary against an
# identical copy of itself (the same networks seed by seed: a difference of exactly 0) can never
# be shown to differ, so it stays undecided and both grow to MAX networks at the second look;
# binary against lif (better by more than 5 points?) grows lif only while it is undecided, so
# whatever the data, the checks hold: the looks, the networks, the adjusted p. A second run adds
# nothing.
source "$(dirname "$0")/common.sh"
D="$SRC/datasets/fashion-mnist-sample"
cat >"$T/cmp.sweep" <<SWEEP
[sweep cmp]
format_version = 1
seeds = 0-1
epochs = 3
batch = 50
validation = 200
test_limit = 200
data_dir = $D

[config binary]
neuron = binary
hidden = 32
timesteps = 8

[config binary-again]
neuron = binary
hidden = 32
timesteps = 8

[config lif]
neuron = lif
hidden = 32
timesteps = 8

[noise]
sigma = 0, 0.5, 1

[compare same]
a = binary
b = binary-again

[compare kinds]
a = binary
b = lif
measure = accuracy
hypothesis = superiority
margin = 0.05
SWEEP

"$B" sweep run "$T/cmp.sweep" --out "$T/s" --jobs 2 --seeds-until-decided 3 >"$T/run.out" 2>"$T/run.err"; rc=$?
check "run: exit 0, 6 planned tasks, then one look that adds seed 2 to binary and binary-again" '[ $rc -eq 0 ] && grep -q "6 of 6 task(s) to run" "$T/run.err" && grep -q "look 2: binary-seed2 added" "$T/run.err" && grep -q "look 2: binary-again-seed2 added" "$T/run.err" && ! grep -q "look 3" "$T/run.err"'
check "the report: both comparisons adjusted over 2 looks, the identical pair undecided at 3+3, the looks and seeds" 'grep -q "x 2 looks" "$T/run.out" && grep -Eq "^  same .* 3\+3 .* undecided" "$T/run.out" && grep -q "binary - binary-again = +0.00 \[" "$T/run.out" && grep -Eq "^  kinds .* 3\+[23] " "$T/run.out" && grep -Eq "2 look\(s\), [23] seed\(s\) added" "$T/run.out"'
"$B" sweep compare "$T/s" --json >"$T/cmp.json"
check "compare --json: lif grew only if kinds was undecided at the first look; p adjusted = Holm x looks" "/usr/bin/python3 - <<PY
import json
d = json.load(open('$T/cmp.json'))
assert d['looks'] == 2, d
same, kinds = d['comparisons']
assert same['networks_a'] == 3 and same['networks_b'] == 3 and same['outcome'] == 'undecided', same
assert same['difference'] == 0 and same['p'] == 1, same
assert kinds['networks_a'] == 3 and kinds['networks_b'] in (2, 3), kinds
assert kinds['outcome'] in ('shown', 'ruled out', 'undecided'), kinds
if kinds['outcome'] == 'undecided':
    assert kinds['networks_b'] == 3, kinds  # grown to MAX
assert kinds['family'] == 'sweep cmp' and kinds['ci95'][0] <= kinds['difference'] <= kinds['ci95'][1]
ps = sorted([same['p'], kinds['p']])
holm = [min(1, 2 * ps[0]), max(min(1, 2 * ps[0]), min(1, ps[1]))]
want = holm[0] if kinds['p'] <= same['p'] else holm[1]
assert abs(kinds['p_adjusted'] - min(1.0, 2 * want)) < 1e-12, (kinds, want)
added = open('$T/s/added-seeds.tsv').read().split()
assert ('lif' in added) == (kinds['networks_b'] == 3), added
PY"
out=$("$B" sweep status "$T/s")
check "status: every task completed, the added ones after the planned" 'grep -Eq "^(8|9) task\(s\): (8|9) completed" <<<"$out" && grep -Eq "^ +6  binary-seed2 " <<<"$out" && grep -Eq "^ +7  binary-again-seed2 " <<<"$out"'
"$B" sweep run "$T/cmp.sweep" --out "$T/s" --jobs 2 --seeds-until-decided 3 >"$T/again.out" 2>"$T/again.err"; rc=$?
check "a second run trains nothing and takes no new look" '[ $rc -eq 0 ] && grep -Eq "0 of (8|9) task\(s\) to run" "$T/again.err" && grep -q "2 look(s)" "$T/again.out" && ! grep -q "look 3" "$T/again.err"'
out=$("$B" sweep collect "$T/s")
check "collect prints the comparisons too" 'grep -q "results/binary.h5" <<<"$out" && grep -q "^Comparisons" <<<"$out"'
sed 's/^b = lif$/b = lif-H500/' "$T/cmp.sweep" >"$T/bad.sweep"
"$B" sweep run "$T/bad.sweep" --out "$T/bad" --seeds-until-decided 3 >/dev/null 2>"$T/bad.err"; rc=$?
check "a comparison of an unknown configuration: exit 1 naming the file, the section and the choices" '[ $rc -eq 1 ] && grep -q "bad.sweep" "$T/bad.err" && grep -q "\[compare kinds\] b: expected a configuration of the sweep (binary, binary-again, lif)" "$T/bad.err" && [ ! -e "$T/bad" ]'
exit $fail
