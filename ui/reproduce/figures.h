#pragma once
// The reproduction's figures (the paper's Fig. 2d, 2e, 3b, 3c, 3d, 4a, 4b, 4c), drawn by
// the workbench's own chart classes without showing them, and written as PNG, SVG and CSV
// (the plotted numbers). Must run on the GUI thread (QWidget rendering).
#include <QString>
#include <QStringList>
#include <vector>

#include "dwmtj/reproduce.h"

namespace dwmtj::ui {

/// Writes <dir>/<stem>.{png,svg,csv} for every figure the result has data for; problems
/// (a figure that could not be written) are appended to `errors`.
std::vector<core::ReportFigure> renderReproductionFigures(const core::ReproResult& result,
                                                          const QString& dir, QStringList& errors);

}  // namespace dwmtj::ui
