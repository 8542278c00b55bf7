#pragma once
// The checkable list of open experiment files on the Robustness page's tabs.
#include <QStringList>

class QListWidget;

namespace dwmtj::ui {

class ExperimentStore;

/// Refills `list` from the store: one checkable item per file (path in Qt::UserRole).
/// Files checked before stay checked; files the list has not seen before are checked; on
/// the first fill every file is checked. Emits no itemChanged signals.
void rebuildExperimentList(QListWidget* list, const ExperimentStore& store);
/// Checks the items whose path is in `paths` (all when empty), without itemChanged signals.
void checkExperiments(QListWidget* list, const QStringList& paths);
/// Paths of the checked items.
QStringList checkedExperiments(const QListWidget* list);

}  // namespace dwmtj::ui
