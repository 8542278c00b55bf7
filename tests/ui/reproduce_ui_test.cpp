// The Reproduce page, offscreen, on a three-job protocol (tests/data/repro-tiny.ini; the
// full smoke scale runs in cli.reproduce): the reproduction runs in the worker thread with
// live chart points, then the figures, the report and the claims table (with the beyond
// set's answers under their header row) appear; Stop ends it within 5 s and Start continues
// it to completion in the same folder. The "Experiments" list offers the bundled presets.
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>

#include "charts/band_chart.h"
#include "common/background_task.h"
#include "main_window.h"
#include "reproduce/reproduce_page.h"

using namespace dwmtj;
using TaskState = ui::BackgroundTask::State;

class ReproduceTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void smokeRunWritesFiguresReportAndClaims()
    {
        QTemporaryDir dir;
        ui::MainWindow w;
        auto* page = w.reproducePage();
        page->setScale(core::ReproScale::Smoke);
        page->setOutDir(dir.path());
        page->setOpenReportWhenDone(false);
        page->setPresetsPath(QStringLiteral(DWMTJ_TEST_DATA_DIR) + "/repro-tiny.ini");
        page->start();
        QCOMPARE(page->task()->state(), TaskState::Running);
        QTRY_COMPARE_WITH_TIMEOUT(page->task()->state(), TaskState::Idle, 300000);
        // [claims] evaluate = energy-per-sample; then the variability set's header row and its
        // 4 answers (the nominal binary network loses accuracy; the hardware-aware one beats
        // it on the same devices, keeps its clean accuracy, beats it on other devices).
        auto* table = page->claimsTable();
        QCOMPARE(table->rowCount(), 6);
        QVERIFY(QFile::exists(dir.filePath("report.html")));
        QCOMPARE(page->reportPath(), dir.filePath("report.html"));
        // Fig. 2d, 3b, 4a, 4b, 4c and the variability set's (no multi-weight job, no Fig. 3c/3d).
        QCOMPARE(QDir(dir.filePath("figures")).entryList({"*.png"}).size(), 6);
        QCOMPARE(page->accuracyChart()->groups().size(), 3);  // every job reported its epochs live
        QVERIFY(table->item(0, 1)->text() == "reproduced" ||
                table->item(0, 1)->text() == "not reproduced" ||
                table->item(0, 1)->text() == "inconclusive at this scale");
        // The estimate beside the verdict: difference with CI, MDE, raw and adjusted p.
        QCOMPARE(table->horizontalHeaderItem(2)->text(), QStringLiteral("Difference [95 % CI]"));
        QCOMPARE(table->horizontalHeaderItem(5)->text(), QStringLiteral("Adjusted p"));
        QVERIFY(table->item(1, 0)->text().startsWith("Beyond the paper"));
        QCOMPARE(table->columnSpan(1, 0), table->columnCount());
        for (int r = 2; r < table->rowCount(); ++r) {
            const QString v = table->item(r, 1)->text();
            QVERIFY2(v == "yes" || v == "no" || v == "not shown", qPrintable(v));
        }
        QVERIFY(table->item(3, 0)->text().contains("hardware-aware"));
        if (const QByteArray shots = qgetenv("DWMTJ_SCREENSHOT_DIR"); !shots.isEmpty()) {
            page->resize(1500, 900);
            page->show();
            QTest::qWait(200);
            page->grab().save(QString::fromLocal8Bit(shots) + "/reproduce-done.png");
        }
    }

    void stopThenStartContinues()
    {
        QTemporaryDir dir;
        ui::MainWindow w;
        auto* page = w.reproducePage();
        page->setScale(core::ReproScale::Smoke);
        page->setOutDir(dir.path());
        page->setOpenReportWhenDone(false);
        page->setPresetsPath(QStringLiteral(DWMTJ_TEST_DATA_DIR) + "/repro-tiny.ini");
        page->start();
        auto* status = page->findChild<QLabel*>("status");
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains("Job 2 of 3"), 120000);
        QElapsedTimer t;
        t.start();
        page->stop();
        QTRY_COMPARE_WITH_TIMEOUT(page->task()->state(), TaskState::Idle, 5000);
        QVERIFY(t.elapsed() < 5000);
        QVERIFY(status->text().contains("Stopped"));
        QVERIFY(QFile::exists(dir.filePath("runs/fig3b-H500-lif.h5")));  // the finished job is kept
        page->start();
        QTRY_COMPARE_WITH_TIMEOUT(page->task()->state(), TaskState::Idle, 300000);
        QVERIFY(status->text().contains("Complete"));
        QCOMPARE(page->claimsTable()->rowCount(),
                 6);  // the claim, the beyond set's header, 4 answers
    }

    // The "Experiments" list: every bundled presets file by name (the paper's first), a file of
    // one's own listed once by its name; Start plans the chosen presets' jobs.
    void experimentsListOffersEveryBundledPreset()
    {
        QTemporaryDir dir;
        ui::MainWindow w;
        auto* page = w.reproducePage();
        auto* list = page->findChild<QComboBox*>("presets");
        QVERIFY(list);
        const auto& presets = core::reproPresets();
        QCOMPARE(list->count(), int(presets.size()) + 1);  // and "Other presets file..."
        for (size_t i = 0; i < presets.size(); ++i)
            QCOMPARE(list->itemData(int(i)).toString(), QString::fromStdString(presets[i].name));
        QCOMPARE(page->presetsPath(), QStringLiteral("paper-experiments"));
        const QString own = QStringLiteral(DWMTJ_TEST_DATA_DIR) + "/repro-tiny.ini";
        page->setPresetsPath(own);
        page->setPresetsPath(own);
        QCOMPARE(list->count(), int(presets.size()) + 2);
        QCOMPARE(list->currentText(), QStringLiteral("repro-tiny.ini"));
        QCOMPARE(page->presetsPath(), own);
        page->setPresetsPath(QStringLiteral("why-resilient-2core"));
        QCOMPARE(page->presetsPath(), QStringLiteral("why-resilient-2core"));
        core::ReproOptions o;
        o.scale = core::ReproScale::Smoke;
        o.presetsPath = "why-resilient-2core";
        o.outDir = dir.path().toStdString();
        const size_t jobs = core::makeReproPlan(o).jobs.size();
        QVERIFY(jobs > 10);  // 6 cells x their kinds
        page->setScale(core::ReproScale::Smoke);
        page->setOutDir(dir.path());
        page->setOpenReportWhenDone(false);
        page->start();
        QVERIFY(!list->isEnabled());
        page->stop();
        QTRY_COMPARE_WITH_TIMEOUT(page->task()->state(), TaskState::Idle, 10000);
        QVERIFY(list->isEnabled());
        const auto labels = page->findChildren<QLabel*>();
        QVERIFY(std::any_of(labels.begin(), labels.end(), [&](QLabel* l) {
            return l->text().startsWith(QStringLiteral("%1 training jobs").arg(jobs));
        }));
    }
};

QTEST_MAIN(ReproduceTest)
#include "reproduce_ui_test.moc"
