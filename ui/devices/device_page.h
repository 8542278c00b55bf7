#pragma once
// Device data -> fit -> lookup table, for one loaded device file. Loading and fitting a
// device file take milliseconds, so they run on the GUI thread; training (later) does not.
#include <QWidget>
#include <optional>

#include "dwmtj/device_data.h"
#include "dwmtj/ordinal_fit.h"
#include "dwmtj/sigmoid_fit.h"

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QTableWidget;

namespace dwmtj::ui {

class ProbabilityChart;

class DevicePage : public QWidget {
    Q_OBJECT
public:
    explicit DevicePage(QWidget* parent = nullptr);
    /// Loads and fits `path`. On failure the error is shown, the previous data stay and
    /// false is returned.
    bool loadFile(const QString& path);
    bool hasData() const { return m_data.has_value(); }
    const core::DeviceData* data() const { return m_data ? &*m_data : nullptr; }
    const std::optional<core::SigmoidFit>& sigmoidFit() const { return m_fit; }
    const std::optional<core::OrdinalFit>& ordinalFit() const { return m_ordinal; }
    ProbabilityChart* chart() const { return m_chart; }
    QString errorText() const;
    /// Builds the LUT (fit source, 1024 points) and writes it; returns an error or "".
    QString exportLut(const QString& path) const;
    /// Writes the per-voltage table as CSV; returns an error or "".
    QString exportTableCsv(const QString& path) const;

Q_SIGNALS:
    void logMessage(const QString& text);
    void fileLoaded(const QString& path);

private:
    void refit();
    void showError(const QString& text);

    std::optional<core::DeviceData> m_data;
    std::optional<core::SigmoidFit> m_fit;
    std::optional<core::OrdinalFit> m_ordinal;
    QLabel* m_banner = nullptr;
    QLabel* m_source = nullptr;
    QComboBox* m_form = nullptr;
    QTableWidget* m_table = nullptr;
    QPlainTextEdit* m_report = nullptr;
    ProbabilityChart* m_chart = nullptr;
};

}  // namespace dwmtj::ui
