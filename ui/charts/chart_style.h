#pragma once
// The look every workbench chart shares: a titled chart with the legend below, no
// animation, small margins; value axes with %g labels.
#include <QString>

class QChart;
class QValueAxis;

namespace dwmtj::ui {

QChart* freshChart(const QString& title);
/// Adds a bottom x axis and a left y axis titled as given and returns them.
void addValueAxes(QChart* chart, const QString& xTitle, const QString& yTitle, QValueAxis*& x, QValueAxis*& y);

}  // namespace dwmtj::ui
