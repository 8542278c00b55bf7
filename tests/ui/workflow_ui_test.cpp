// The whole workflow in one window, offscreen: train a tiny queue, evaluate its noise
// robustness in the worker thread (charts, energy, file updated), stop an evaluation, see
// the runs table and overlays, save a copy, reject a bad experiment file while keeping what
// is open, and export every chart of a page as valid PNG, SVG, PDF and CSV.
#include <QAction>
#include <QFile>
#include <QLegend>
#include <QLegendMarker>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "charts/band_chart.h"
#include "charts/live_chart.h"
#include "common/background_task.h"
#include "common/page.h"
#include "common/task_center.h"
#include "dwmtj/experiment.h"
#include "dwmtj/fashion_mnist.h"
#include "main_window.h"
#include "robustness/robustness_page.h"
#include "runs/experiment_store.h"
#include "runs/runs_page.h"
#include "training/training_page.h"
#include "ui_test_util.h"

using namespace dwmtj;
using TaskState = ui::BackgroundTask::State;

namespace {
/// A page added the way docs/extending.md describes: one class, one addPage call.
class DummyPage : public ui::Page {
public:
    DummyPage() : m_task(new ui::BackgroundTask(this)) {}
    QString pageTitle() const override { return QStringLiteral("Dummy"); }
    QString pageId() const override { return QStringLiteral("dummy"); }
    ui::BackgroundTask* m_task;
};
}  // namespace

class WorkflowTest : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    void trainTinyQueue(ui::MainWindow& w)
    {
        core::TrainingConfig c;
        c.neuron = core::NeuronKind::Binary;
        c.hidden = 32;
        c.timesteps = 8;
        c.batchSize = 50;
        c.epochs = 2;
        c.seeds = {0, 1};
        c.testLimit = 200;
        c.dataDir = core::fashionMnistSampleDir();
        auto* t = w.trainingPage();
        t->setConfig(c, m_dir.filePath("flow.h5"));
        t->setNeuronTypes({core::NeuronKind::Lif, core::NeuronKind::Binary});
        t->start();
        QTRY_COMPARE_WITH_TIMEOUT(t->task()->state(), ui::BackgroundTask::State::Idle, 60000);
        QCOMPARE(w.store()->experiments().size(), 2);
    }

private Q_SLOTS:
    // Every background task of every page is in the TaskCenter: the status bar shows them all
    // (not one per page class), Stop all stops them, and the quit prompt asks about all but
    // the store's file reads.
    void everyBackgroundTaskIsInTheTaskCenter()
    {
        ui::MainWindow w;
        w.show();
        auto& center = ui::TaskCenter::instance();
        const auto tasks = w.findChildren<ui::BackgroundTask*>();
        QVERIFY2(tasks.size() >= 7, "pages, panels and the store each have their task");
        QVERIFY(center.running().isEmpty());
        auto waitForStop = [](std::stop_token stop, ui::BackgroundTask&) {
            while (!stop.stop_requested()) QThread::msleep(5);
        };
        QStringList started;
        for (ui::BackgroundTask* t : tasks) {
            const QString what = QStringLiteral("work %1").arg(started.size() + 1);
            QVERIFY(t->start(what, waitForStop));
            started << what;
        }
        QCOMPARE(center.running().size(), tasks.size());
        QStringList work = center.runningWork();
        work.sort();
        started.sort();
        QCOMPARE(work, started);
        // The quit prompt asks about all but the file reads (the store's, the Device page's).
        QCOMPARE(center.runningWork(true).size(), tasks.size() - 2);
        QVERIFY(w.statusBar()->currentMessage().contains(
            QStringLiteral("%1 tasks running").arg(tasks.size())));
        auto* stopAll = w.findChild<QAction*>(QStringLiteral("stopAll"));
        QVERIFY(stopAll && stopAll->isEnabled());
        stopAll->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(center.running().isEmpty(), 5000);
        QVERIFY(!stopAll->isEnabled());
        QCOMPARE(w.statusBar()->currentMessage(), QStringLiteral("Ready"));
        {  // a window closed with work in flight: the tasks stop and leave the list, no crash
            ui::MainWindow other;
            QVERIFY(other.trainingPage()->task()->start(QStringLiteral("w"), waitForStop));
            QCOMPARE(center.running().size(), 1);
        }
        QVERIFY(center.running().isEmpty());
        QTest::qWait(20);  // the queued change notice reaches only live receivers
    }

    // A page added with MainWindow::addPage gets its numbered tab, its View entry with the next
    // Ctrl+N, its log lines in the log panel, and its task in the quit prompt and Stop all.
    void anAddedPageIsWiredEverywhere()
    {
        ui::MainWindow w;
        w.show();
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        const int before = int(w.pages().size());
        QCOMPARE(w.tabs()->count(), before);
        for (int i = 0; i < before; ++i)  // the built-in pages, numbered in order
            QVERIFY(w.tabs()->tabText(i).startsWith(QString::number(i + 1) + QStringLiteral("  ")));
        auto* page = new DummyPage;
        w.addPage(page);
        QCOMPARE(int(w.pages().size()), before + 1);
        QCOMPARE(w.pages().back(), page);
        QCOMPARE(w.tabs()->tabText(before), QStringLiteral("%1  Dummy").arg(before + 1));
        QCOMPARE(page->objectName(), QStringLiteral("dummyPage"));
        auto* show = w.findChild<QAction*>(QStringLiteral("show-dummy"));
        QVERIFY(show);
        QCOMPARE(show->shortcut(), QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_0 + before + 1)));
        w.showPage(w.pages().front());
        QTest::keyClick(&w, Qt::Key(Qt::Key_0 + before + 1), Qt::ControlModifier);
        QCOMPARE(w.tabs()->currentWidget(), page);
        QTest::keyClick(&w, Qt::Key_1, Qt::ControlModifier);
        QCOMPARE(w.tabs()->currentWidget(), w.pages().front());
        Q_EMIT page->logMessage(QStringLiteral("hello from the dummy page"));
        auto* log = w.findChild<QPlainTextEdit*>(QStringLiteral("log"));
        QVERIFY(log && log->toPlainText().contains(QStringLiteral("hello from the dummy page")));
        auto waitForStop = [](std::stop_token stop, ui::BackgroundTask&) {
            while (!stop.stop_requested()) QThread::msleep(5);
        };
        QVERIFY(page->m_task->start(QStringLiteral("dummy work"), waitForStop));
        QVERIFY(
            ui::TaskCenter::instance().runningWork(true).contains(QStringLiteral("dummy work")));
        w.findChild<QAction*>(QStringLiteral("stopAll"))->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(ui::TaskCenter::instance().running().isEmpty(), 5000);
    }

    void trainEvaluateNoiseAndBrowseRuns()
    {
        ui::MainWindow w;
        w.resize(1400, 900);
        w.show();
        trainTinyQueue(w);
        auto* rob = w.robustnessPage();
        QCOMPARE(rob->selection().size(), 2);  // new files are chosen by default
        rob->setSigmaRange(0, 1, 0.5);
        rob->setTestImages(200);
        rob->evaluate();
        QCOMPARE(rob->task()->state(), TaskState::Running);
        QTRY_COMPARE_WITH_TIMEOUT(rob->task()->state(), TaskState::Idle, 60000);
        QTRY_VERIFY(!w.store()->busy());  // the files written are reread off the GUI thread
        // Both configurations, 3 sigmas, 2 seeds each; normalized accuracy is 1 at sigma 0.
        QCOMPARE(rob->rawChart()->groups(), QStringList({"lif H32 T8", "binary H32 T8"}));
        for (const QString& g : rob->rawChart()->groups()) {
            const auto raw = rob->rawChart()->points(g);
            QCOMPARE(raw.size(), 3);
            QCOMPARE(raw[0].n, 2);
            qInfo("%s: clean %.1f %%, sigma 1: %.1f %%", qPrintable(g), raw[0].mean, raw[2].mean);
            QVERIFY(raw[0].mean > 18);  // trained: above chance (10 %), measured 27-68 %
            const auto norm = rob->normalizedChart()->points(g);
            QVERIFY(std::abs(norm[0].mean - 1.0) < 1e-9);
        }
        // The curves and the binary network's energy are in the files.
        const auto binary =
            core::loadExperiment(m_dir.filePath("flow-binary-H32-T8.h5").toStdString());
        QCOMPARE(binary.runs.at(0).noise.size(), size_t(1));
        QCOMPARE(binary.runs.at(0).noise[0].sigma.size(), size_t(3));
        QVERIFY(binary.runs.at(0).energy.valid);
        QVERIFY(binary.runs.at(0).energy.energyPerInferenceJ > 0);
        QCOMPARE(rob->energyTable()->rowCount(), 2);  // one row per configuration
        QVERIFY(rob->energyTable()->item(1, 3)->text().contains(
            "±"));  // binary: energy mean ± sd over 2 seeds

        // Stop: an evaluation over many sigmas stops within 5 s and leaves the files as they were.
        rob->setSigmaRange(0, 3, 0.01);
        rob->setTestImages(0);
        rob->evaluate();
        QTest::qWait(300);
        QElapsedTimer t;
        t.start();
        rob->stop();
        QTRY_COMPARE_WITH_TIMEOUT(rob->task()->state(), TaskState::Idle, 5000);
        QVERIFY(t.elapsed() < 5000);
        const auto after = core::loadExperiment(m_dir.filePath("flow-lif-H32-T8.h5").toStdString());
        QCOMPARE(after.runs.at(0).noise.at(0).sigma.size(), size_t(3));

        // Runs page: one row per seed and file; selecting two rows overlays two curves.
        auto* runs = w.runsPage();
        QCOMPARE(runs->table()->rowCount(), 4);
        runs->table()->selectRow(0);
        runs->table()->setSelectionMode(QAbstractItemView::MultiSelection);
        runs->table()->selectRow(3);
        QCOMPARE(runs->accuracyChart()->seriesNames().size(), 2);
        QCOMPARE(runs->lossChart()->history(runs->lossChart()->seriesNames().at(0)).size(),
                 100);  // 2 epochs x 2500 sample images / 50
        const QString copy = m_dir.filePath("copy.h5");
        QSignalSpy copied(runs, &ui::RunsPage::copyFinished);
        runs->saveCopy(m_dir.filePath("flow-lif-H32-T8.h5"), copy);
        QVERIFY(copied.wait(30000));
        QCOMPARE(copied.at(0).at(1).toString(), QString());
        QCOMPARE(core::loadExperiment(copy.toStdString()).runs.size(), size_t(2));
        QCOMPARE(w.store()->experiments().size(), 3);
        // A file that is not an experiment: the error names it and nothing open is lost.
        const QString bad = QStringLiteral(DWMTJ_TEST_DATA_DIR) + "/bad/no_groups.h5";
        QVERIFY(!test::openAndWait(runs, bad).isEmpty());
        QCOMPARE(w.store()->experiments().size(), 3);
        QCOMPARE(runs->table()->rowCount(), 6);
        QVERIFY(runs->exportTableCsv(m_dir.filePath("runs.csv")).isEmpty());
        QFile csv(m_dir.filePath("runs.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().count('\n'), 7);

        // Every chart on the Robustness page exports to PNG, SVG, PDF and CSV.
        w.tabs()->setCurrentWidget(rob);
        rob->setSelection({});
        const QString out = m_dir.filePath("figures");
        QCOMPARE(w.exportPageCharts(out), QString());
        const QStringList files = QDir(out).entryList(QDir::Files, QDir::Name);
        QCOMPARE(files.size(), 8);  // 2 charts x 4 formats
        for (const QString& f : files) {
            QFile file(QDir(out).filePath(f));
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray head = file.read(64);
            if (f.endsWith(".png")) QVERIFY(!QImage(file.fileName()).isNull());
            if (f.endsWith(".pdf")) QVERIFY(head.startsWith("%PDF"));
            if (f.endsWith(".svg")) QVERIFY(head.contains("<?xml"));
            if (f.endsWith(".csv")) QVERIFY(head.startsWith("group,x,mean,sd,n"));
        }
        const QByteArray shots = qgetenv("DWMTJ_SCREENSHOT_DIR");
        // One legend entry per configuration on both charts (the bands' markers are hidden).
        for (auto* ch : {rob->rawChart(), rob->normalizedChart()}) {
            int shown = 0;
            for (auto* m : ch->chart()->legend()->markers()) shown += m->isVisible() ? 1 : 0;
            QCOMPARE(shown, 2);
        }
        if (!shots.isEmpty()) {
            w.grab().save(QString::fromLocal8Bit(shots) + "/robustness-page.png");
            w.tabs()->setCurrentWidget(runs);
            runs->table()->clearSelection();
            runs->table()->selectRow(0);
            runs->table()->selectRow(2);
            QTest::qWait(200);
            w.grab().save(QString::fromLocal8Bit(shots) + "/runs-page.png");
        }
    }
};

QTEST_MAIN(WorkflowTest)
#include "workflow_ui_test.moc"
