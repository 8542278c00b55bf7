// The Reproduce page, offscreen, on a two-job protocol (tests/data/repro-tiny.ini; the
// full smoke scale runs in cli.reproduce): the reproduction runs in the worker thread with
// live chart points, then the figures, the report and the claims table appear; Stop ends
// it within 5 s and Start continues it to completion in the same folder.
#include <QDir>
#include <QLabel>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

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
        QCOMPARE(page->claimsTable()->rowCount(), 1);  // [claims] evaluate = energy-per-sample
        QVERIFY(QFile::exists(dir.filePath("report.html")));
        QCOMPARE(page->reportPath(), dir.filePath("report.html"));
        // Fig. 2d, 3b, 4a, 4b, 4c (no multi-weight job, no Fig. 3c/3d in this protocol).
        QCOMPARE(QDir(dir.filePath("figures")).entryList({"*.png"}).size(), 5);
        QCOMPARE(page->accuracyChart()->groups().size(), 2);  // every job reported its epochs live
        for (int r = 0; r < page->claimsTable()->rowCount(); ++r) {
            const QString v = page->claimsTable()->item(r, 1)->text();
            QVERIFY2(
                v == "reproduced" || v == "not reproduced" || v == "inconclusive at this scale",
                qPrintable(v));
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
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains("Job 2 of 2"), 120000);
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
        QCOMPARE(page->claimsTable()->rowCount(), 1);  // [claims] evaluate = energy-per-sample
    }
};

QTEST_MAIN(ReproduceTest)
#include "reproduce_ui_test.moc"
