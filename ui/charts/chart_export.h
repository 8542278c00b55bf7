#pragma once
#include <QString>

class QChartView;

namespace dwmtj::ui {
/// Writes the chart as PNG (300 dpi at 160 x 110 mm), SVG or PDF, chosen by the suffix.
/// Returns an empty string on success, else a message naming the file.
QString exportChart(QChartView* view, const QString& path);
}  // namespace dwmtj::ui
