#pragma once
// Import preview for CSV device files: how the file will be read (delimiter, header, data
// rows, the role of each column, the resulting shape) before it is accepted. Columns whose
// header is not recognised can be mapped by hand; the dialog re-inspects the file after
// every change and only accepts a mapping the loader accepts.
#include <QDialog>

#include "dwmtj/device_io.h"

class QLabel;
class QTableWidget;
class QDialogButtonBox;

namespace dwmtj::ui {

class CsvImportDialog : public QDialog {
    Q_OBJECT
public:
    explicit CsvImportDialog(const QString& path, QWidget* parent = nullptr);
    /// The options to load the file with (the user's column roles when they changed any).
    core::DeviceLoadOptions options() const { return m_options; }
    const core::CsvLayout& layout() const { return m_layout; }
    /// Set the role of column `c` (what the combo box does); re-inspects the file.
    void setRole(int column, core::ColumnRole role);
    bool acceptable() const { return m_ok; }

private:
    void inspect();
    void fill();

    QString m_path;
    core::DeviceLoadOptions m_options;
    core::CsvLayout m_layout;
    bool m_ok = false;
    QLabel* m_summary = nullptr;
    QLabel* m_problem = nullptr;
    QTableWidget* m_table = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

/// True for file names the preview applies to (.csv, .tsv, .txt).
bool isCsvFile(const QString& path);

}  // namespace dwmtj::ui
