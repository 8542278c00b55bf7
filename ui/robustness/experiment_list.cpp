#include "robustness/experiment_list.h"

#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <cmath>

#include "common/background_task.h"
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

QString etaText(double seconds)
{
    if (!(seconds >= 0) || !std::isfinite(seconds)) return QStringLiteral("?");
    const long t = long(seconds + 0.5);
    return t >= 60 ? QStringLiteral("%1 min %2 s").arg(t / 60).arg(t % 60)
                   : QStringLiteral("%1 s").arg(t);
}

void connectFileTask(QWidget* owner, const FileTaskControls& c,
                     std::function<void(const QString&)> log,
                     std::function<void(bool, const QString&)> busy)
{
    QObject::connect(c.task, &BackgroundTask::progress, owner,
                     [c, busy](double f, const QString& text) {
                         c.progress->setValue(int(1000 * f));
                         c.status->setText(text);
                         busy(true, text);
                     });
    QObject::connect(
        c.task, &BackgroundTask::itemDone, owner, [owner, c, log](const QString& path) {
            // Reload (in the store's worker): the charts show the new curves.
            c.store->load(path, owner, [c, log, path](const QString& err) {
                log(err.isEmpty() ? QObject::tr("%1 written to %2").arg(c.written, path)
                                  : QObject::tr("Error: %1").arg(err));
            });
        });
    QObject::connect(c.task, &BackgroundTask::failed, owner, [c, log](const QString& e) {
        c.status->setText(QObject::tr("Failed: %1").arg(e));
        c.status->setStyleSheet(QStringLiteral("color: #b00020"));
        log(QObject::tr("Error: %1: %2").arg(c.what, e));
    });
    QObject::connect(c.task, &BackgroundTask::finished, owner, [c](bool stopped) {
        if (stopped)
            c.status->setText(
                QObject::tr("Stopped. Files finished before the stop keep their new curves; the "
                            "others are unchanged."));
        else if (c.status->styleSheet().isEmpty())
            c.status->setText(QObject::tr("Done."));
        c.progress->setValue(stopped ? c.progress->value() : 1000);
    });
    QObject::connect(c.task, &BackgroundTask::stateChanged, owner,
                     [c, busy](BackgroundTask::State s) {
                         const bool idle = s == BackgroundTask::State::Idle;
                         c.start->setEnabled(idle);
                         c.stop->setEnabled(s == BackgroundTask::State::Running);
                         for (QWidget* w : c.inputs) w->setEnabled(idle);
                         if (idle) busy(false, QString());
                     });
}

}  // namespace dwmtj::ui
