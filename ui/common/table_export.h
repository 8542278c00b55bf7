#pragma once
// Tables to CSV: the header row and every cell's text (quoted where needed), written
// atomically; and a right-click "Export table (CSV)..." on every table of the workbench.
#include <QString>

class QTableWidget;

namespace dwmtj::ui {

/// CSV text of the table. A cell's Qt::UserRole + 10 data, when set, is written instead of
/// its text (e.g. a full path behind a shortened file name).
QString tableCsv(const QTableWidget* table);
/// Writes tableCsv() atomically; returns an error naming the file, or "".
QString exportTableCsv(const QTableWidget* table, const QString& path);
void installTableExportMenu(QTableWidget* table, const QString& baseName);
/// A read-only results table (no row numbers, columns sized to their contents) with the
/// export menu: the tables of the Device page's tabs.
QTableWidget* makeResultTable(int columns, const QString& objectName, const QString& baseName);

}  // namespace dwmtj::ui
