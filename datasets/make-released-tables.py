#!/usr/bin/env python3
"""Writes the released code's measured tables (docs/models.md, "As released") as workbench files.

Source: github.com/Renin-K/Refractory-DW-MTJ, commit 7bd27b215071409f13ddceb45b57e267e421a8ea
(2023-07-21), module_stochastic.py: table A (binary switching fraction vs voltage, hard-coded as
two arrays) and table B (multi-weight increment probabilities vs input). The values below are
those numbers; nothing else is taken from that code. Run from the repository root:
    python3 datasets/make-released-tables.py
"""

SOURCE = ("Renin-K/Refractory-DW-MTJ@7bd27b215071409f13ddceb45b57e267e421a8ea "
          "module_stochastic.py")

TABLE_A = [(0.5, 0.001), (1.0, 0.025974025974025976), (1.1, 0.023391812865497075),
           (1.25, 0.02527075812274368), (1.4, 0.017241379310344827), (1.5, 0.09042553191489362),
           (1.6, 0.07692307692307693), (1.75, 0.09433962264150944), (1.825, 0.17391304347826086),
           (1.9, 0.6521739130434783), (2.0, 0.9333333333333333), (2.2, 0.999)]

# u = 0.0 .. 5.7 by 0.1: probabilities of the increments 0, 0.25, 0.5, 0.75, 1.0
TABLE_B = """1 0 0 0 0|1 0 0 0 0|.7 .3 0 0 0|.4 .6 0 0 0|.4 .5 .1 0 0|.4 .1 .5 0 0|.4 .1 .5 0 0|
.4 .1 .5 0 0|.4 .1 .4 .1 0|.3 .1 .5 .1 0|.3 .1 .5 .1 0|.3 0 .6 .1 0|.2 .1 .6 .1 0|.2 .1 .5 .2 0|
.2 .1 .4 .3 0|.1 .2 .4 .3 0|.1 .2 .3 .4 0|0 .3 .3 .4 0|0 .2 .4 .4 0|0 .2 .4 .4 0|0 .2 .4 .4 0|
0 .2 .4 .3 .1|0 .2 .4 .3 .1|0 .1 .5 .3 .1|0 .1 .5 .3 .1|0 .1 .5 .3 .1|0 .1 .5 .3 .1|0 0 .6 .3 .1|
0 0 .6 .3 .1|0 0 .6 .3 .1|0 0 .6 .3 .1|0 0 .6 .3 .1|0 0 .6 .3 .1|0 0 .6 .3 .1|0 0 .3 .6 .1|
0 0 .3 .6 .1|0 0 .3 .6 .1|0 0 .3 .6 .1|0 0 .3 .5 .2|0 0 .3 .5 .2|0 0 .3 .4 .3|0 0 .3 .4 .3|
0 0 .3 .4 .3|0 0 .2 .5 .3|0 0 .2 .5 .3|0 0 0 .7 .3|0 0 0 .6 .4|0 0 0 .5 .5|0 0 0 .4 .6|
0 0 0 .4 .6|0 0 0 .3 .7|0 0 0 .1 .9|0 0 0 .1 .9|0 0 0 .1 .9|0 0 0 .1 .9|0 0 0 0 1|0 0 0 0 1|
0 0 0 0 1"""


def rows_b():
    rows = [[float(v) for v in r.split()] for r in TABLE_B.replace("\n", "").split("|")]
    assert len(rows) == 58 and all(abs(sum(r) - 1) < 1e-9 for r in rows)
    return rows


def interp(xs, ys, x):
    for k in range(len(xs) - 1):
        if xs[k] <= x <= xs[k + 1] + 1e-12:
            return ys[k] + (x - xs[k]) / (xs[k + 1] - xs[k]) * (ys[k + 1] - ys[k])
    raise ValueError(x)


def slope(xs, ys, x):
    """The slope of the segment to the right of x (the last segment at the end)."""
    for k in range(len(xs) - 1):
        if xs[k] <= x + 1e-12 < xs[k + 1]:
            return (ys[k + 1] - ys[k]) / (xs[k + 1] - xs[k])
    return (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])


def header(kind, states, centre, gain, extra):
    lines = ["# dwmtj-lut format_version=1", f"# kind={kind}", f"# num_states={states}",
             f"# centre_voltage_V={centre!r}", f"# gain_V={gain!r}"]
    for k, v in sorted(extra.items()):
        lines.append(f"# provenance.{k}={v}")
    return "\n".join(lines) + "\n"


def main():
    xs = [v for v, _ in TABLE_A]
    ys = [p for _, p in TABLE_A]
    # Every knot is a multiple of 0.025 V: a 0.005 V grid holds the piecewise-linear curve
    # exactly, so the workbench's grid interpolation reproduces the released interpolation.
    step = 0.005
    grid = [round(0.5 + k * step, 6) for k in range(round((2.2 - 0.5) / step) + 1)]
    with open("datasets/released-binary-table-a.csv", "w") as f:
        f.write(header("binary", 2, 1.88, 0.2, {
            "method": "measured table, piecewise linear (as released)",
            "source": SOURCE + " (table A: x, y)",
            "note": "end points 0.5 V (0.001) and 2.2 V (0.999) are pads of the released code; "
                    "the released cell extrapolates the end segments linearly",
            "operating_point": "V = x / 5 + 1.88 (beta 5)",
            "grid_size": len(grid)}))
        f.write("voltage (V),p,dp_dV\n")
        for v in grid:
            f.write(f"{v!r},{interp(xs, ys, v)!r},{slope(xs, ys, v)!r}\n")
    with open("datasets/released-binary-device.csv", "w") as f:
        f.write("# Table A of the released code (" + SOURCE + "): switching fraction per\n"
                "# voltage as hard-coded; trial counts not given (0.5 V and 2.2 V are pads).\n")
        f.write("voltage,probability\n")
        for v, p in TABLE_A:
            f.write(f"{v!r},{p!r}\n")
    rows = rows_b()
    us = [round(0.1 * k, 6) for k in range(58)]
    # Cumulative curves P(increment >= k / 4), k = 1..4 (the LUT's states 2..5).
    cum = [[min(1.0, round(sum(r[j:]), 12)) for j in range(1, 5)] for r in rows]
    with open("datasets/released-multistate-table-b.csv", "w") as f:
        f.write(header("multistate", 5, 0.0, 5.0, {
            "method": "measured table, piecewise linear (as released)",
            "source": SOURCE + " (table B)",
            "note": "the voltage column is the released cell's drive u = |5 x| (table B's input); "
                    "state k means an increment of (k - 1) / 4; rows look like 10 trials each",
            "operating_point": "u = |0 + 5 x|, increment signed like x",
            "grid_size": len(us)}))
        f.write("voltage (V),P_ge_2,P_ge_3,P_ge_4,P_ge_5,"
                "dP_ge_2_dV,dP_ge_3_dV,dP_ge_4_dV,dP_ge_5_dV\n")
        for i, u in enumerate(us):
            j = min(i, len(us) - 2)
            d = [(cum[j + 1][c] - cum[j][c]) / 0.1 for c in range(4)]
            f.write(",".join(repr(x) for x in [u] + cum[i] + d) + "\n")


if __name__ == "__main__":
    main()
