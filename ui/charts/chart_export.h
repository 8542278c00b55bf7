#pragma once
// Export of charts: images at publication size (PNG 300 dpi, SVG, PDF) and the plotted
// numbers as CSV. Every chart view in the workbench gets a context menu for both.
#include <QByteArray>
#include <QString>

class QChartView;

namespace dwmtj::ui {

/// A chart that knows better than its drawn series what its numbers are (full history,
/// means with standard deviations); exportChartCsv() asks it first.
class CsvSource {
public:
    virtual ~CsvSource() = default;
    virtual QString csv() const = 0;
};

/// Writes `bytes` to `path` through QSaveFile (a temporary file, every write checked,
/// synced and renamed over `path` only when complete): on a full disk the previous file is
/// kept and the message names `path` and says so. Returns "" on success.
QString writeFileAtomically(const QString& path, const QByteArray& bytes, const QString& kind);
/// Writes the chart as PNG (300 dpi at 160 x 110 mm), SVG or PDF, chosen by the suffix.
/// Returns an empty string on success, else a message naming the file.
QString exportChart(QChartView* view, const QString& path);
/// The chart's numbers: CsvSource::csv() if the view is one, else every XY series as
/// series,x,y rows (band series as series,x,upper,lower).
QString chartCsv(QChartView* view);
/// Writes chartCsv() atomically; returns an error or "".
QString exportChartCsv(QChartView* view, const QString& path);
/// Writes name.png, name.svg, name.pdf and name.csv into `dir`; returns the errors joined.
QString exportChartSet(QChartView* view, const QString& dir, const QString& name);
/// Right-click menu "Export image..." / "Export data (CSV)..." with `baseName` as the
/// default file name; results go to `log` if given.
void installExportMenu(QChartView* view, const QString& baseName);
/// An antialiased chart view showing an empty chart titled `title`, with the export menu.
QChartView* makeChartView(const QString& objectName, const QString& title, const QString& baseName);

}  // namespace dwmtj::ui
