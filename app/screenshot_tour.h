#pragma once
// `dwmtj-workbench --screenshots DIR`: walks through every page with real data (the bundled
// device example, a short training queue on the bundled Fashion-MNIST sample, a noise
// evaluation) and saves one PNG per page. Used by packaging/screenshots.sh under Xvfb.
#include <QString>

namespace dwmtj::ui {
class MainWindow;
}

/// Runs the tour (it spins the event loop while training runs); returns the process exit code.
int runScreenshotTour(dwmtj::ui::MainWindow& window, const QString& dir);
