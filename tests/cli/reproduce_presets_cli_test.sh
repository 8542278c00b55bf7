#!/usr/bin/env bash
# `dwmtj reproduce --presets NAME` at the smoke scale: the paper as its authors released it
# (the released cells, recorded as released) and the mechanism study (why-resilient: its own
# answers, no paper claims); an unknown preset name lists those that exist. Apart from
# cli.reproduce so that the two run side by side.
source "$(dirname "$0")/common.sh"
PY=/usr/bin/python3
# The paper as released and the mechanism study, by preset name.
"$B" reproduce --presets paper-as-released --scale smoke --out "$T/released" >"$T/released.txt" 2>&1; rc=$?
check "reproduce --presets paper-as-released: 12 jobs with the released cells, the claims evaluated" '[ $rc -eq 0 ] && [ $(grep -c "^\[[0-9]*/12\]" "$T/released.txt") -eq 12 ] && grep -q "fig3b-H500-multistate-released (multi-weight (as released)" "$T/released.txt" && grep -q "^lif-below-dwmtj-under-noise" "$T/released.txt"'
check "the released networks are recorded as released in their files" "$PY - <<PY
import h5py
a = h5py.File('$T/released/runs/fig3b-H500-binary-released.h5')['config'].attrs
assert a['device_gradient'] == 'none' and a['bn_placement'] == 'after' and a['input'] == 'standardized', dict(a)
assert h5py.File('$T/released/runs/fig3b-H500-lif.h5')['config'].attrs['frozen_layers'] == 'none'
PY"
"$B" reproduce --presets why-resilient --scale smoke --out "$T/why" >"$T/why.txt" 2>&1; rc=$?
check "reproduce --presets why-resilient: 16 cells, no paper claims, the mechanism answers" '[ $rc -eq 0 ] && [ $(grep -c "^\[[0-9]*/16\]" "$T/why.txt") -eq 16 ] && grep -q "^beyond the paper: why-resilient" "$T/why.txt" && grep -q "freezing the hidden layers makes the binary network more noise-resilient" "$T/why.txt" && grep -q "a LIF network with frozen hidden layers gains resilience too" "$T/why.txt" && ! grep -q "^lif-below-dwmtj-under-noise" "$T/why.txt"'
check "the mechanism answers are one Holm family in the report" 'grep -q "the answers of why-resilient" "$T/why/report.md"'
"$B" reproduce --presets no-such-preset --scale smoke --out "$T/nope" >"$T/nope.txt" 2>&1
check "an unknown preset name says which exist" '[ $? -ne 0 ] && grep -q "no presets named .no-such-preset." "$T/nope.txt" && grep -q "why-resilient" "$T/nope.txt"'
exit $fail
