// The Robustness page's Study tab, offscreen: networks trained on the committed sample, a
// study file with two choices run in the worker thread, small multiples (one panel per
// choice, every configuration as a band over seeds), the verdict table, curves in the files,
// a bad study file refused with the previous study kept, Stop, and export of every panel.
#include <QDir>
#include <QFile>
#include <QListWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "charts/band_chart.h"
#include "charts/interval_chart.h"
#include "common/background_task.h"
#include "dwmtj/experiment.h"
#include "dwmtj/fashion_mnist.h"
#include "dwmtj/training.h"
#include "main_window.h"
#include "robustness/robustness_page.h"
#include "robustness/study_panel.h"
#include "robustness/variability_panel.h"
#include "runs/experiment_store.h"
#include "ui_test_util.h"

using namespace dwmtj;
using TaskState = ui::BackgroundTask::State;

class StudyUiTest : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    QString write(const QString& name, const QByteArray& text)
    {
        QFile f(m_dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly)) return {};
        f.write(text);
        return f.fileName();
    }

private Q_SLOTS:
    void studyRunsShowsPanelsAndVerdicts()
    {
        ui::MainWindow w;
        w.resize(1500, 950);
        w.show();
        for (auto kind :
             {core::NeuronKind::Lif, core::NeuronKind::Binary, core::NeuronKind::MultiState}) {
            core::TrainingConfig c;
            c.neuron = kind;
            c.hidden = 48;
            c.timesteps = 16;
            c.batchSize = 50;
            c.epochs = 2;
            c.seeds = {0, 1};
            c.testLimit = 200;
            c.validationSize = 500;
            c.learningRate = 2e-3;
            c.dataDir = core::fashionMnistSampleDir();
            core::TrainingObserver quiet;
            const QString path =
                m_dir.filePath(QStringLiteral("net-%1.h5").arg(core::toString(kind)));
            core::runTraining(c, quiet, std::stop_token{}, path.toStdString());
            QCOMPARE(test::loadAndWait(w.store(), path), QString());
        }
        auto* rob = w.robustnessPage();
        w.tabs()->setCurrentWidget(rob);
        rob->showMode(1);
        ui::StudyPanel* study = rob->study();
        QCOMPARE(study->selection().size(), 3);
        QVERIFY(study->panels().isEmpty());  // no curves yet
        const QString file =
            write("two.ini",
                  "[study]\nseed = 5\ntest_limit = 200\n"
                  "[choice g]\nlabel = Gaussian\nmodel = gaussian\nlevels = 0, 1.5, 3\n"
                  "[choice del]\nlabel = Spike deletion\nmodel = spike-deletion\n"
                  "levels = 0, 0.5, 1\nnormalization = batch\n");
        QCOMPARE(study->loadStudy(file), QString());
        // A bad study file is refused with its file and line; the loaded study stays.
        const QString bad = write("bad.ini", "[choice x]\nmodel = pink\nlevels = 0\n");
        const QString err = study->loadStudy(bad);
        QVERIFY2(err.contains("bad.ini") && err.contains("pink"), qPrintable(err));
        study->run();
        QCOMPARE(study->task()->state(), TaskState::Running);
        QTRY_COMPARE_WITH_TIMEOUT(study->task()->state(), TaskState::Idle, 120000);
        // The files written are reread off the GUI thread (about 10 s in a full parallel run).
        QTRY_VERIFY_WITH_TIMEOUT(!w.store()->busy(), 60000);
        // One panel per choice; in each, the three configurations with 2 seeds at 3 levels.
        QTRY_COMPARE_WITH_TIMEOUT(study->panels().size(), 2, 60000);
        QCOMPARE(study->panels()[0]->chart()->title(), QStringLiteral("Gaussian"));
        for (auto* panel : study->panels()) {
            QCOMPARE(panel->groups(),
                     QStringList({"lif H48 T16", "binary H48 T16", "multistate H48 T16"}));
            for (const QString& g : panel->groups()) {
                const auto pts = panel->points(g);
                QCOMPARE(pts.size(), 3);
                QCOMPARE(pts[0].n, 2);
                QVERIFY2(pts[0].mean > 20, qPrintable(g));  // trained: above chance
            }
        }
        // Deleting every input spike leaves no input: the networks fall far below clean.
        for (const auto& p : study->panels()[1]->points("lif H48 T16"))
            qInfo("deletion: %.1f %%", p.mean);
        QVERIFY(study->panels()[1]->points("lif H48 T16")[2].mean <
                study->panels()[1]->points("lif H48 T16")[0].mean - 15);
        // Verdict table: one row per choice and configuration, the three claims, coloured.
        auto* table = study->verdictTable();
        // The statistics run off the GUI thread; the table fills when they are done.
        QTRY_COMPARE_WITH_TIMEOUT(table->rowCount(), 2, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(
            study->statisticsTask()->state() == ui::BackgroundTask::State::Idle, 60000);
        // The endpoint chart: each kind's AUC with its CI on both rows.
        const auto endpoints = study->endpointChart()->points();
        QCOMPARE(study->endpointChart()->groups(), QStringList({"LIF", "binary", "multi-weight"}));
        QCOMPARE(endpoints.size(), 6);
        for (const auto& p : endpoints) QVERIFY(p.low <= p.value && p.value <= p.high);
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("Gaussian"));
        QCOMPARE(table->item(0, 1)->text(), QStringLiteral("H48 T16"));
        // The endpoint's grid, each kind's chance-corrected AUC with its 95 % CI, and per
        // comparison the difference, CI, minimum detectable effect, raw and adjusted p.
        QVERIFY2(table->item(0, 2)->text().startsWith(QStringLiteral("σ 0.00..")),
                 qPrintable(table->item(0, 2)->text()));
        QVERIFY2(table->item(0, 3)->text().contains('['), qPrintable(table->item(0, 3)->text()));
        for (const char* part : {"[", "MDE", "adjusted"})
            QVERIFY2(table->item(0, 6)->text().contains(QLatin1String(part)),
                     qPrintable(table->item(0, 6)->text()));
        for (int c = 6; c <= 10; ++c) QVERIFY(!table->item(0, c)->toolTip().isEmpty());
        // The curves are in the files with their settings.
        const auto e = core::loadExperiment(m_dir.filePath("net-binary.h5").toStdString());
        QCOMPARE(e.runs.at(0).study.size(), size_t(2));
        QCOMPARE(e.runs.at(0).study[1].choice.normalization, core::NormMode::Batch);
        QCOMPARE(e.runs.at(0).study[0].seed, uint64_t(5));
        // Normalized panels: 1 at level 0.
        study->setNormalized(true);
        QVERIFY(std::abs(study->panels()[0]->points("binary H48 T16")[0].mean - 1.0) < 1e-9);
        study->setNormalized(false);

        // Every panel exports (the page's chart export covers the study tab).
        const QString out = m_dir.filePath("figures");
        QCOMPARE(w.exportPageCharts(out), QString());
        // The endpoint chart and 2 panels x PNG, SVG, PDF, CSV.
        QCOMPARE(QDir(out).entryList(QDir::Files).size(), 12);
        QCOMPARE(QDir(out).entryList({"*spike-deletion*"}, QDir::Files).size(), 4);

        const QByteArray shots = qgetenv("DWMTJ_SCREENSHOT_DIR");
        if (!shots.isEmpty())
            w.grab().save(QString::fromLocal8Bit(shots) + "/robustness-study.png");

        // Stop: the preset on every test image stops within 5 s; files are unchanged.
        study->setPreset(QStringLiteral("paper-noise"));
        study->setTestImages(0);
        study->run();
        QTest::qWait(300);
        QElapsedTimer t;
        t.start();
        study->stop();
        QTRY_COMPARE_WITH_TIMEOUT(study->task()->state(), TaskState::Idle, 5000);
        QVERIFY(t.elapsed() < 5000);
        QCOMPARE(core::loadExperiment(m_dir.filePath("net-lif.h5").toStdString())
                     .runs.at(0)
                     .study.size(),
                 size_t(2));
    }

    // The Device variability tab on the networks trained above: LIF skipped, one band per
    // device network over seeds x draws, the bootstrap rows, curves in the files, export.
    void variabilityTabShowsBandsAndBootstrap()
    {
        ui::MainWindow w;
        w.resize(1500, 950);
        w.show();
        for (const char* kind : {"lif", "binary", "multistate"})
            QCOMPARE(
                test::loadAndWait(w.store(), m_dir.filePath(QStringLiteral("net-%1.h5").arg(kind))),
                QString());
        auto* rob = w.robustnessPage();
        w.tabs()->setCurrentWidget(rob);
        rob->showMode(2);
        ui::VariabilityPanel* v = rob->variability();
        QCOMPARE(v->selection().size(), 3);
        v->setAxis(QStringLiteral("stuck"));
        v->setLevels(0, 1, 0.5);
        v->setDraws(2);
        v->setBootstrap(3);
        v->setTestImages(200);
        v->run();
        QCOMPARE(v->task()->state(), TaskState::Running);
        QTRY_COMPARE_WITH_TIMEOUT(v->task()->state(), TaskState::Idle, 120000);
        QTRY_VERIFY_WITH_TIMEOUT(!w.store()->busy(), 60000);
        // The files written are reread off the GUI thread: the store may not have started
        // when the task turns idle, so wait for what the chart must show (a plain check here
        // once saw one of the two groups under a full parallel test run).
        QTRY_COMPARE_WITH_TIMEOUT(v->chart()->groups(),
                                  QStringList({"binary H48 T16", "multistate H48 T16"}), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(
            v->chart()->points(QStringLiteral("multistate H48 T16")).size() == 3 &&
                v->chart()->points(QStringLiteral("binary H48 T16")).size() == 3,
            60000);
        QTRY_VERIFY_WITH_TIMEOUT(!w.store()->busy(), 60000);
        ui::BandChart* chart = v->chart();
        for (const QString& g : chart->groups()) {
            const auto pts = chart->points(g);
            QCOMPARE(pts.size(), 3);
            QCOMPARE(pts[0].n, 4);  // 2 seeds x 2 device draws
            QVERIFY2(pts[0].mean > 20, qPrintable(g));
            // Level 0: no devices drawn, both draws of a seed are the same network.
            QCOMPARE(pts[0].values[0], pts[0].values[1]);
            QCOMPARE(pts[0].values[2], pts[0].values[3]);
            // Every device stuck: near chance, far below the working network.
            QVERIFY2(pts[2].mean < pts[0].mean - 15, qPrintable(g));
        }
        // Table: 3 levels and the bootstrap's two rows per device network.
        auto* table = v->table();
        QCOMPARE(table->rowCount(), 10);
        QCOMPARE(table->item(3, 1)->text(), QStringLiteral("nominal LUT"));
        QVERIFY(table->item(4, 1)->text().startsWith(QStringLiteral("bootstrap 95 % interval")));
        QCOMPARE(table->item(4, 5)->text(), QStringLiteral("6"));  // 2 seeds x 3 LUTs
        const auto e = core::loadExperiment(m_dir.filePath("net-multistate.h5").toStdString());
        QCOMPARE(e.runs.at(1).variability.size(), size_t(2));
        QCOMPARE(e.runs[1].variability[0].axis, std::string("stuck"));
        QCOMPARE(e.runs[1].variability[1].axis, std::string("bootstrap"));
        QVERIFY(core::loadExperiment(m_dir.filePath("net-lif.h5").toStdString())
                    .runs.at(0)
                    .variability.empty());
        // The chart shows the chosen spread: none of the V50 curves exist yet.
        v->setAxis(QStringLiteral("v50"));
        QVERIFY(v->chart()->groups().isEmpty());
        v->setAxis(QStringLiteral("stuck"));
        const QString out = m_dir.filePath("variability-figures");
        QCOMPARE(w.exportPageCharts(out), QString());
        QCOMPARE(QDir(out).entryList({"*stuck*"}, QDir::Files).size(), 4);  // PNG, SVG, PDF, CSV
        const QByteArray shots = qgetenv("DWMTJ_SCREENSHOT_DIR");
        if (!shots.isEmpty())
            w.grab().save(QString::fromLocal8Bit(shots) + "/robustness-variability.png");
    }
};

QTEST_MAIN(StudyUiTest)
#include "study_ui_test.moc"
