#include "robustness/experiment_list.h"

#include <QFileInfo>
#include <QListWidget>
#include <cmath>

#include "runs/experiment_store.h"

namespace dwmtj::ui {

void rebuildExperimentList(QListWidget* list, const ExperimentStore& store)
{
    const QStringList checked = checkedExperiments(list);
    const QStringList seen = list->property("seen").toStringList();
    const bool first = list->count() == 0;
    QSignalBlocker block(list);
    list->clear();
    QStringList now;
    for (const auto& e : store.experiments()) {
        int completed = 0;
        for (const auto& r : e.experiment.runs) completed += std::isfinite(r.testAccuracy) ? 1 : 0;
        auto* item = new QListWidgetItem(QObject::tr("%1 — %2 run(s) — %3")
                                             .arg(ExperimentStore::label(e.experiment.config))
                                             .arg(completed)
                                             .arg(QFileInfo(e.path).fileName()));
        item->setData(Qt::UserRole, e.path);
        item->setToolTip(e.path);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(first || checked.contains(e.path) || !seen.contains(e.path)
                                ? Qt::Checked
                                : Qt::Unchecked);
        list->addItem(item);
        now << e.path;
    }
    list->setProperty("seen", now);
}

void checkExperiments(QListWidget* list, const QStringList& paths)
{
    QSignalBlocker block(list);
    for (int i = 0; i < list->count(); ++i) {
        auto* item = list->item(i);
        const QString p = item->data(Qt::UserRole).toString();
        bool on = paths.isEmpty();
        for (const auto& q : paths) on |= QFileInfo(q).absoluteFilePath() == p;
        item->setCheckState(on ? Qt::Checked : Qt::Unchecked);
    }
}

QStringList checkedExperiments(const QListWidget* list)
{
    QStringList out;
    for (int i = 0; i < list->count(); ++i)
        if (list->item(i)->checkState() == Qt::Checked)
            out << list->item(i)->data(Qt::UserRole).toString();
    return out;
}

}  // namespace dwmtj::ui
