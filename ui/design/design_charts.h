#pragma once
// The Design page's charts (docs/workbench.md, "Design"): the design points with their 95 %
// intervals and the Pareto front, in two projections (accuracy vs energy per correct inference,
// robustness vs accuracy) with the spec's lines, and the chip-yield curve of one device.
#include <QString>
#include <functional>
#include <utility>
#include <vector>

#include "dwmtj/design.h"

class QChartView;

namespace dwmtj::ui {

enum class DesignProjection { AccuracyVsEnergy, RobustnessVsAccuracy };

/// Draws every point of `r` (the front filled, the others hollow; the points meeting the spec
/// on their estimates in their own series) with whiskers for the intervals, and the spec's
/// lines. `onPoint(index, clicked)` is called when the pointer rests on a point (clicked false)
/// or a point is clicked.
void drawDesignFront(QChartView* view, const core::DesignResult& r, DesignProjection projection,
                     const std::function<void(int, bool)>& onPoint);

/// The chips of one device at each level of one spread: (level, accuracies).
using ChipLevels = std::vector<std::pair<double, std::vector<double>>>;
/// Named groups of chips (accuracies), one yield curve each.
using ChipCurves = std::vector<std::pair<QString, std::vector<double>>>;
/// Yield (share of chips at or above the spec) against the spec, one curve per group, and a
/// vertical line at `spec` (fractions).
void drawYieldCurves(QChartView* view, const ChipCurves& curves, double spec);

/// The tool tip of one point: its device, energy setting and values with intervals.
QString designPointText(const core::DesignPoint& p);
/// "81.20 [79.00, 83.40]": a value times `scale` with its interval, "-" when missing.
QString designIntervalText(const core::DesignValue& v, double scale, int digits);

}  // namespace dwmtj::ui
