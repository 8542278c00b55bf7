// Training page, offscreen: a tiny run reports progress and chart points and finishes;
// Stop ends a run within 5 s and the state returns to Idle; bad input does not start.
#include <QLabel>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QtTest>

#include "charts/live_chart.h"
#include "dwmtj/experiment.h"
#include "dwmtj/fashion_mnist.h"
#include "training/training_page.h"

using namespace dwmtj;
using State = ui::TrainingController::State;

class TrainingPageTest : public QObject {
    Q_OBJECT
private:
    core::TrainingConfig tiny(int epochs)
    {
        core::TrainingConfig c;
        c.neuron = core::NeuronKind::Binary;
        c.hidden = 16;
        c.timesteps = 4;
        c.batchSize = 50;
        c.epochs = epochs;
        c.seeds = {0};
        c.dataDir = core::fashionMnistSampleDir();
        return c;
    }
    QTemporaryDir m_dir;

private Q_SLOTS:
    void tinyRunReportsProgressAndFinishes()
    {
        ui::TrainingPage page;
        page.resize(1200, 700);
        page.show();
        const QString out = m_dir.filePath("tiny.h5");
        auto config = tiny(2);
        if (!qgetenv("DWMTJ_SCREENSHOT_DIR").isEmpty()) {  // a run worth looking at
            config.epochs = 4;
            config.hidden = 64;
            config.timesteps = 16;
        }
        page.setConfig(config, out);
        // The controller's progress signals come from the training thread: count them in
        // slots with a GUI-thread context (queued), not with a direct-connected spy.
        int batches = 0, finished = 0, failed = 0;
        connect(page.controller(), &ui::TrainingController::batch, &page, [&] { ++batches; });
        connect(page.controller(), &ui::TrainingController::finished, &page, [&] { ++finished; });
        connect(page.controller(), &ui::TrainingController::failed, &page, [&] { ++failed; });
        page.start();
        QCOMPARE(page.controller()->state(), State::Running);
        QTRY_COMPARE_WITH_TIMEOUT(page.controller()->state(), State::Idle, 60000);
        QCOMPARE(failed, 0);
        QCOMPARE(finished, 1);
        QCOMPARE(batches, config.epochs * (2500 / 50));  // sample: 2500 train images
        QCOMPARE(page.lossChart()->history("seed 0").size(), config.epochs * 50);
        QCOMPARE(page.accuracyChart()->history("seed 0").size(), config.epochs);
        // DWMTJ_SCREENSHOT_DIR: save what the page looks like after a real (tiny) run.
        const QByteArray shots = qgetenv("DWMTJ_SCREENSHOT_DIR");
        if (!shots.isEmpty()) page.grab().save(QString::fromLocal8Bit(shots) + "/training-page.png");
        const auto e = core::loadExperiment(out.toStdString());
        QCOMPARE(e.runs.at(0).status, core::RunStatus::Completed);
        QVERIFY(e.runs.at(0).testAccuracy > 0.3);
    }

    void stopEndsTheRunWithinFiveSeconds()
    {
        ui::TrainingPage page;
        page.setConfig(tiny(200), m_dir.filePath("stopped.h5"));
        int batches = 0;
        std::vector<ui::RunSummary> finished;
        connect(page.controller(), &ui::TrainingController::batch, &page, [&] { ++batches; });
        connect(page.controller(), &ui::TrainingController::finished, &page,
                [&](const ui::RunSummary& s) { finished.push_back(s); });
        page.start();
        QTRY_VERIFY_WITH_TIMEOUT(batches >= 3, 30000);
        QElapsedTimer t;
        t.start();
        page.stop();
        QCOMPARE(page.controller()->state(), State::Stopping);
        QTRY_COMPARE_WITH_TIMEOUT(page.controller()->state(), State::Idle, 5000);
        QVERIFY(t.elapsed() < 5000);
        QCOMPARE(finished.size(), size_t(1));
        QCOMPARE(finished[0].runs.at(0).status, core::RunStatus::Stopped);
    }

    void badSeedsDoNotStart()
    {
        ui::TrainingPage page;
        auto c = tiny(1);
        page.setConfig(c, m_dir.filePath("bad.h5"));
        auto* seeds = page.findChild<QLineEdit*>("seeds");
        QVERIFY(seeds);
        seeds->setText("zero");
        page.start();
        QCOMPARE(page.controller()->state(), State::Idle);
        auto* status = page.findChild<QLabel*>("status");
        QVERIFY(status && status->text().contains("Cannot start"));
        QVERIFY(status->text().contains("seeds"));
    }
};

QTEST_MAIN(TrainingPageTest)
#include "training_page_ui_test.moc"
