// The Runs page following a folder (a cluster sweep on a shared file system): experiment files
// that appear, are rewritten, are damaged or are replaced while being read update the table
// from the worker thread without a crash; the files already shown stay.
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <random>
#include <thread>

#include "dwmtj/experiment.h"
#include "runs/experiment_store.h"
#include "runs/runs_page.h"

using namespace dwmtj;

namespace {

/// A LIF experiment of one seed with `epochs` epochs done of 4 (completed at 4).
core::Experiment experiment(int epochs, uint64_t seed)
{
    core::Experiment e;
    e.config.neuron = core::NeuronKind::Lif;
    e.config.hidden = 32;
    e.config.timesteps = 8;
    e.config.epochs = 4;
    e.config.seeds = {seed};
    core::RunRecord r;
    r.seed = seed;
    r.status = epochs >= 4 ? core::RunStatus::Completed : core::RunStatus::Running;
    for (int k = 0; k < epochs; ++k) {
        r.epochLoss.push_back(1.0 / (k + 1));
        r.epochTrainAccuracy.push_back(0.5 + 0.1 * k);
        r.epochValidationAccuracy.push_back(0.5 + 0.1 * k);
        r.epochSeconds.push_back(1);
        r.batchLoss.push_back(1.0 / (k + 1));
    }
    r.bestEpoch = epochs;
    r.bestValidationAccuracy = epochs ? r.epochValidationAccuracy.back() : 0;
    e.runs.push_back(r);
    return e;
}

QString epochsOf(QTableWidget* t, const QString& fileName)
{
    for (int row = 0; row < t->rowCount(); ++row)
        if (t->item(row, 0) && t->item(row, 0)->text().contains(fileName))
            return t->item(row, 4)->text();
    return {};
}

}  // namespace

class RunsWatchTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void followsAFolderThroughAppearReplaceAndDamage()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QDir(dir.path()).mkpath(QStringLiteral("tasks/lif-H32-T8"));
        const QString a = dir.filePath(QStringLiteral("tasks/lif-H32-T8/seed0.h5"));
        const QString b = dir.filePath(QStringLiteral("tasks/lif-H32-T8/seed1.h5"));
        const QString bad = dir.filePath(QStringLiteral("tasks/bad.h5"));

        ui::ExperimentStore store;
        ui::RunsPage page(&store);
        QSignalSpy log(&page, &ui::RunsPage::logMessage);
        page.watchFolder(dir.path(), 50);
        QTRY_VERIFY_WITH_TIMEOUT(page.watchStatus().contains(QStringLiteral("0 experiment")),
                                 20000);

        // A file appears.
        core::saveExperiment(experiment(1, 0), a.toStdString());
        QTRY_COMPARE_WITH_TIMEOUT(page.table()->rowCount(), 1, 20000);
        QCOMPARE(epochsOf(page.table(), QStringLiteral("seed0.h5")), QStringLiteral("1 / 4"));

        // It is rewritten (atomically, as the trainer does after every epoch).
        core::saveExperiment(experiment(2, 0), a.toStdString());
        QTRY_COMPARE_WITH_TIMEOUT(epochsOf(page.table(), QStringLiteral("seed0.h5")),
                                  QStringLiteral("2 / 4"), 20000);

        // A damaged file: reported, nothing else changes; repaired, it appears.
        {
            QFile f(bad);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(5000, 'x'));
        }
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const auto& args : log)
                    if (args.at(0).toString().contains(QStringLiteral("bad.h5 not readable now")))
                        return true;
                return false;
            }(),
            20000);
        QCOMPARE(page.table()->rowCount(), 1);
        QFile::remove(bad);

        // Replaced while being read, many times: written in place in pieces (a copier that is
        // not atomic) and atomically, alternating, from another thread for a while.
        core::saveExperiment(experiment(3, 1), b.toStdString());
        QFile whole(b);
        QVERIFY(whole.open(QIODevice::ReadOnly));
        const QByteArray bytes = whole.readAll();
        whole.close();
        std::atomic<bool> done{false};
        std::thread writer([&] {
            std::mt19937 rng(1);
            for (int k = 0; k < 60; ++k) {
                if (k % 2) {
                    core::saveExperiment(experiment(1 + k % 3, 1), b.toStdString());
                } else {
                    QFile f(b);
                    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
                        const int cut = int(rng() % uint32_t(bytes.size()));
                        f.write(bytes.left(cut));
                        f.flush();
                        std::this_thread::sleep_for(std::chrono::milliseconds(3));
                        f.write(bytes.mid(cut));
                    }
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(7));
            }
            done = true;
        });
        while (!done) QTest::qWait(20);
        writer.join();
        core::saveExperiment(experiment(4, 1), b.toStdString());  // the final version
        QTRY_COMPARE_WITH_TIMEOUT(epochsOf(page.table(), QStringLiteral("seed1.h5")),
                                  QStringLiteral("4 / 4"), 20000);
        QCOMPARE(page.table()->rowCount(), 2);
        QCOMPARE(epochsOf(page.table(), QStringLiteral("seed0.h5")), QStringLiteral("2 / 4"));
        QTRY_VERIFY_WITH_TIMEOUT(page.watchStatus().contains(QStringLiteral("2 experiment")),
                                 20000);

        page.stopWatching();
        QVERIFY(page.watchStatus().isEmpty());
        // Not followed any more; what was loaded stays.
        core::saveExperiment(experiment(3, 0), a.toStdString());
        QTest::qWait(300);
        QCOMPARE(epochsOf(page.table(), QStringLiteral("seed0.h5")), QStringLiteral("2 / 4"));
    }
};

QTEST_MAIN(RunsWatchTest)
#include "runs_watch_ui_test.moc"
