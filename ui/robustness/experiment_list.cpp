#include "robustness/experiment_list.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <cmath>

#include "common/background_task.h"
#include "dwmtj/experiment.h"
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

void evaluateFiles(BackgroundTask& task, std::stop_token stop, const QStringList& files,
                   const FileEvaluation& evaluate)
{
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < files.size() && !stop.stop_requested(); ++i) {
        const core::Experiment in = core::loadExperiment(files[i].toStdString());
        const auto name = QFileInfo(files[i]).fileName();
        const core::Experiment out = evaluate(in, stop, [&](int done, int total) {
            const double f = (i + double(done) / std::max(1, total)) / files.size();
            const double remaining = f > 0 ? clock.elapsed() / 1000.0 * (1 - f) / f : -1;
            task.reportProgress(f, QObject::tr("File %1 of %2 (%3): batch %4 of %5, ETA %6")
                                       .arg(i + 1)
                                       .arg(files.size())
                                       .arg(name)
                                       .arg(done)
                                       .arg(total)
                                       .arg(etaText(remaining)));
        });
        if (stop.stop_requested()) break;  // the file stays as it was
        core::saveExperiment(out, files[i].toStdString());
        task.reportItem(files[i]);
    }
}

}  // namespace dwmtj::ui
