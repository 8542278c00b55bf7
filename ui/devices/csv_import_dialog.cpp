#include "devices/csv_import_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "common/error_banner.h"

namespace dwmtj::ui {
namespace {
const core::ColumnRole kRoles[] = {
    core::ColumnRole::Ignore,      core::ColumnRole::Voltage,    core::ColumnRole::Cycle,
    core::ColumnRole::Pulse,       core::ColumnRole::Resistance, core::ColumnRole::PulsesToSwitch,
    core::ColumnRole::Censored,    core::ColumnRole::Switches,   core::ColumnRole::Trials,
    core::ColumnRole::Probability, core::ColumnRole::State};
}

bool isCsvFile(const QString& path)
{
    const QString s = QFileInfo(path).suffix().toLower();
    return s == QLatin1String("csv") || s == QLatin1String("tsv") || s == QLatin1String("txt");
}

CsvImportDialog::CsvImportDialog(const QString& path, QWidget* parent)
    : QDialog(parent), m_path(path)
{
    setWindowTitle(tr("Import %1").arg(QFileInfo(path).fileName()));
    m_summary = new QLabel;
    m_summary->setWordWrap(true);
    m_problem = makeErrorBanner();
    m_table = new QTableWidget;
    m_table->setObjectName(QStringLiteral("preview"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->setDefaultSectionSize(22);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Import"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_problem);
    layout->addWidget(
        new QLabel(tr("Role of each column (first row), then the first data rows as read:")));
    layout->addWidget(m_table, 1);
    layout->addWidget(m_buttons);
    resize(820, 520);
    inspect();
}

void CsvImportDialog::setRole(int column, core::ColumnRole role)
{
    if (m_options.roles.empty()) m_options.roles = m_layout.roles;
    if (column < 0 || column >= int(m_options.roles.size())) return;
    m_options.roles[std::size_t(column)] = role;
    inspect();
}

void CsvImportDialog::inspect()
{
    try {
        m_layout = core::inspectCsv(m_path.toStdString(), m_options);
    } catch (const std::exception& e) {  // not readable as a table at all
        m_layout = {};
        m_layout.problem = e.what();
    }
    m_ok = m_layout.problem.empty();
    fill();
}

void CsvImportDialog::fill()
{
    const auto& L = m_layout;
    const QString delim =
        L.delimiter == '\t' ? tr("tab") : QStringLiteral("'%1'").arg(QLatin1Char(L.delimiter));
    m_summary->setText(
        tr("<b>%1</b><br>Delimiter %2, %3, %4 data rows. Shape: <b>%5</b>.")
            .arg(m_path.toHtmlEscaped(), delim,
                 L.hasHeader ? tr("header on line %1").arg(L.headerLine) : tr("no header"))
            .arg(L.dataRows)
            .arg(m_ok ? QString::fromUtf8(core::toString(L.shape)) : tr("not recognised")));
    m_problem->setText(QString::fromStdString(L.problem));
    m_problem->setVisible(!m_ok);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(m_ok);
    const int cols = int(L.headers.size());
    m_table->clear();
    m_table->setColumnCount(cols);
    m_table->setRowCount(int(L.previewRows.size()) + 1);
    QStringList headers;
    for (int c = 0; c < cols; ++c)
        headers << QString::fromStdString(L.headers[std::size_t(c)]) +
                       (c < int(L.units.size()) && !L.units[std::size_t(c)].empty()
                            ? QStringLiteral(" [%1]").arg(
                                  QString::fromStdString(L.units[std::size_t(c)]))
                            : QString());
    m_table->setHorizontalHeaderLabels(headers);
    for (int c = 0; c < cols; ++c) {
        auto* combo = new QComboBox;
        for (auto r : kRoles) combo->addItem(QString::fromUtf8(core::toString(r)), int(r));
        const auto role =
            c < int(L.roles.size()) ? L.roles[std::size_t(c)] : core::ColumnRole::Ignore;
        combo->setCurrentIndex(combo->findData(int(role)));
        // Queued: setRole() rebuilds the table, which deletes this combo box.
        connect(
            combo, &QComboBox::activated, this,
            [this, c, combo] { setRole(c, core::ColumnRole(combo->currentData().toInt())); },
            Qt::QueuedConnection);
        m_table->setCellWidget(0, c, combo);
    }
    for (int r = 0; r < int(L.previewRows.size()); ++r)
        for (int c = 0; c < cols && c < int(L.previewRows[std::size_t(r)].size()); ++c)
            m_table->setItem(r + 1, c,
                             new QTableWidgetItem(QString::fromStdString(
                                 L.previewRows[std::size_t(r)][std::size_t(c)])));
    m_table->resizeColumnsToContents();
}

}  // namespace dwmtj::ui
