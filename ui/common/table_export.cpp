#include "common/table_export.h"

#include <QAction>
#include <QFileDialog>
#include <QHeaderView>
#include <QMessageBox>
#include <QSaveFile>
#include <QTableWidget>

#include "charts/chart_export.h"

namespace dwmtj::ui {
namespace {
QString quoted(QString t)
{
    if (t.contains(QLatin1Char(',')) || t.contains(QLatin1Char('"')) ||
        t.contains(QLatin1Char('\n')))
        t = QLatin1Char('"') + t.replace(QLatin1Char('"'), QStringLiteral("\"\"")) +
            QLatin1Char('"');
    return t;
}
}  // namespace

QString tableCsv(const QTableWidget* table)
{
    QStringList lines, header;
    for (int c = 0; c < table->columnCount(); ++c)
        header << quoted(table->horizontalHeaderItem(c) ? table->horizontalHeaderItem(c)->text()
                                                        : QString());
    lines << header.join(QLatin1Char(','));
    for (int r = 0; r < table->rowCount(); ++r) {
        QStringList row;
        for (int c = 0; c < table->columnCount(); ++c) {
            const QTableWidgetItem* item = table->item(r, c);
            const QVariant full = item ? item->data(Qt::UserRole + 10) : QVariant();
            row << quoted(full.isValid() ? full.toString() : item ? item->text() : QString());
        }
        lines << row.join(QLatin1Char(','));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

QString exportTableCsv(const QTableWidget* table, const QString& path)
{
    return writeFileAtomically(path, tableCsv(table).toUtf8(), QStringLiteral("CSV"));
}

QTableWidget* makeResultTable(int columns, const QString& objectName, const QString& baseName)
{
    auto* table = new QTableWidget(0, columns);
    table->setObjectName(objectName);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    installTableExportMenu(table, baseName);
    return table;
}

void installTableExportMenu(QTableWidget* table, const QString& baseName)
{
    table->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* action = new QAction(QObject::tr("Export table (CSV)..."), table);
    QObject::connect(action, &QAction::triggered, table, [table, baseName] {
        const QString p = QFileDialog::getSaveFileName(table, QObject::tr("Export table"),
                                                       baseName + QStringLiteral(".csv"),
                                                       QObject::tr("CSV (*.csv)"));
        if (p.isEmpty()) return;
        const QString err = exportTableCsv(table, p);
        if (!err.isEmpty()) QMessageBox::warning(table, QObject::tr("Export table"), err);
    });
    table->addAction(action);
}

}  // namespace dwmtj::ui
