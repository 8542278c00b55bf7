// dwmtj-workbench: the Qt GUI. Usage: dwmtj-workbench [DEVICE_FILE] [--screenshot FILE |
// --screenshots DIR]
#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QTimer>
#include <cstdio>
#include <string>

#include "dwmtj/paths.h"
#include "dwmtj/training.h"
#include "main_window.h"
#include "screenshot_tour.h"

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName("dwmtj");
    QApplication::setApplicationName("DW-MTJ Workbench");
    QApplication::setApplicationVersion(dwmtj::core::version());
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/dwmtj-workbench.svg")));
    QApplication::setDesktopFileName(QStringLiteral("dwmtj-workbench"));
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "DW-MTJ Workbench: device data, fits and lookup tables for DW-MTJ neurons");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("file", "Device data file to open (default: the bundled example)");
    QCommandLineOption shot(
        "screenshot", "Render the window to PNG FILE and exit (for docs and checks).", "FILE");
    parser.addOption(shot);
    QCommandLineOption tour(
        "screenshots",
        "Walk through every page with real data, save one PNG per page into DIR and exit.", "DIR");
    parser.addOption(tour);
    parser.process(app);
    if (const std::string problem = dwmtj::core::kernelEnvironmentProblem(); !problem.empty())
        std::fprintf(stderr, "dwmtj-workbench: %s; using auto\n", problem.c_str());
    if (const std::string problem = dwmtj::core::kernelCalibrationProblem(); !problem.empty())
        std::fprintf(stderr, "dwmtj-workbench: warning: %s\n", problem.c_str());
    dwmtj::ui::MainWindow window;
    if (parser.isSet(tour)) return runScreenshotTour(window, parser.value(tour));
    const QString file =
        parser.positionalArguments().value(0, dwmtj::ui::MainWindow::exampleFile());
    if (!file.isEmpty()) window.openDeviceFile(file);
    window.show();
    if (parser.isSet(shot)) {
        QTimer::singleShot(500, &window, [&] {
            const bool ok = window.grab().save(parser.value(shot));
            QApplication::exit(ok ? 0 : 1);
        });
    }
    return app.exec();
}
