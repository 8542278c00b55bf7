// Offscreen GUI test: the window opens on the example, fits it, rejects a bad file while
// keeping the data, and writes valid chart and LUT files.
#include <QBarSeries>
#include <QChartView>
#include <QFile>
#include <QLineSeries>
#include <QPlainTextEdit>
#include <QScatterSeries>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <cmath>

#include "charts/chart_export.h"
#include "charts/device_charts.h"
#include "charts/probability_chart.h"
#include "common/background_task.h"
#include "common/task_center.h"
#include "devices/csv_import_dialog.h"
#include "devices/device_page.h"
#include "devices/device_spread_panel.h"
#include "devices/plan_panel.h"
#include "dwmtj/device_io.h"
#include "dwmtj/fashion_mnist.h"
#include "dwmtj/lut.h"
#include "dwmtj/paths.h"
#include "dwmtj/simulate.h"
#include "dwmtj/training.h"
#include "main_window.h"
#include "training/training_page.h"
#include "ui_test_util.h"

using dwmtj::ui::MainWindow;

class DevicePageTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // "Plan next measurements": a network trained on the bundled device's table, the plan
    // for 500 pulses made in the worker, shown as a table of the 11 measured voltages and the
    // pulses over the fitted p(V); the plan narrows the interval at least as much as uniform.
    void planNextMeasurementsForATrainedNetwork()
    {
        QTemporaryDir tmp;
        dwmtj::core::TrainingConfig c;
        c.neuron = dwmtj::core::NeuronKind::Binary;
        c.hidden = 16;
        c.timesteps = 4;
        c.batchSize = 50;
        c.epochs = 1;
        c.trainLimit = 300;
        c.testLimit = 200;
        c.validationSize = 100;
        c.threads = 2;
        c.dataDir = dwmtj::core::fashionMnistSampleDir();
        dwmtj::core::TrainingObserver quiet;
        const QString run = tmp.filePath("binary.h5");
        dwmtj::core::runTraining(c, quiet, std::stop_token{}, run.toStdString());
        dwmtj::ui::DevicePage page;
        const QString dir = QString::fromStdString(dwmtj::core::datasetsDir());
        QVERIFY(page.loadFile(dir + "/binary-device.h5"));
        auto* plan = page.planPanel();
        plan->setBudget(500);
        plan->planFor(run);
        QTRY_VERIFY_WITH_TIMEOUT(
            plan->task()->state() == dwmtj::ui::BackgroundTask::State::Idle && plan->plan(), 60000);
        QCOMPARE(plan->table()->rowCount(), 11);
        QVERIFY2(plan->summaryText().contains("narrows the interval"),
                 qPrintable(plan->summaryText()));
        const auto& p = *plan->plan();
        QVERIFY(p.plannedPulses > 450 && p.plannedPulses <= 500 + 1e-9);
        QVERIFY(p.sdPlanned <= p.sdUniform + 1e-12);
        QVERIFY(plan->chart()->chart()->series().size() >= 2);  // the curve and some stems
        // The voltages the network applied: a sentence, a share per voltage, a curve.
        QVERIFY2(plan->summaryText().contains("The network applies its device at"),
                 qPrintable(plan->summaryText()));
        double shares = 0;
        for (int r = 0; r < plan->table()->rowCount(); ++r)
            shares += plan->table()->item(r, 6)->text().remove(" %").toDouble();
        QVERIFY2(std::abs(shares - 100) < 1.0, qPrintable(QString::number(shares)));
        bool appliedCurve = false;
        for (auto* s : plan->chart()->chart()->series())
            appliedCurve |= s->name().contains("the network applies");
        QVERIFY(appliedCurve);
        // A file that is not an experiment: a message, and the plan stays.
        plan->planFor(dir + "/binary-device.h5");
        QTRY_VERIFY_WITH_TIMEOUT(plan->task()->state() == dwmtj::ui::BackgroundTask::State::Idle,
                                 30000);
        QVERIFY2(plan->summaryText().contains("No plan"), qPrintable(plan->summaryText()));
        QVERIFY(plan->plan().has_value());
        const QByteArray shots = qgetenv("DWMTJ_SCREENSHOT_DIR");
        if (!shots.isEmpty()) {
            plan->planFor(run);
            QTRY_VERIFY_WITH_TIMEOUT(
                plan->task()->state() == dwmtj::ui::BackgroundTask::State::Idle, 60000);
            plan->resize(1000, 700);
            plan->show();
            plan->grab().save(QString::fromLocal8Bit(shots) + "/plan-panel.png");
        }
    }

    // A large device file (400 000 switching events, about 9 MB) is read and fitted in the
    // worker: the window's event loop answers within 100 ms all the while, and the data arrive
    // fitted.
    void aLargeFileLoadsWhileTheEventLoopAnswers()
    {
        const int kEvents = qEnvironmentVariableIntValue("DWMTJ_TEST_EVENTS") > 0
                                ? qEnvironmentVariableIntValue("DWMTJ_TEST_EVENTS")
                                : 400000;
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("large-events.csv"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QByteArray text = "voltage (V),cycle,pulses_to_switch,censored\n";
            for (int i = 0; i < kEvents; ++i) {
                const double v = 1.6 + 0.05 * (i % 9);
                const int pulses = 1 + int((qint64(i) * 7919) % (v < 1.8 ? 40 : 4));
                text += QByteArray::number(v, 'f', 2) + ',' + QByteArray::number(i / 9) + ',' +
                        QByteArray::number(pulses) + ",0\n";
            }
            QVERIFY(f.write(text) == text.size());
        }
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTest::qWait(50);  // the window's first layout and paint happen before the watch starts
        QStringList seen;  // every task that started while the file was opened
        auto& center = dwmtj::ui::TaskCenter::instance();
        const auto noted = connect(&center, &dwmtj::ui::TaskCenter::changed, [&] {
            for (const QString& x : center.runningWork())
                if (!seen.contains(x)) seen << x;
        });
        dwmtj::test::LoopWatch watch([&] { return !center.running().isEmpty(); });
        QVERIFY2(w.openDeviceFile(path), qPrintable(w.devicePage()->errorText()));
        disconnect(noted);
        QVERIFY2(watch.busyTicks() > 0, "no timer fired while the file loaded");
        QVERIFY2(watch.longestGapMs() < 100,
                 qPrintable(QStringLiteral("the event loop did not answer for %1 ms")
                                .arg(watch.longestGapMs())));
        // Reading and fitting both ran in the worker.
        QVERIFY2(seen.filter(QStringLiteral("Loading large-events.csv")).size() == 1,
                 qPrintable(seen.join(QStringLiteral("; "))));
        QVERIFY2(seen.filter(QStringLiteral("Fitting large-events.csv")).size() == 1,
                 qPrintable(seen.join(QStringLiteral("; "))));
        QCOMPARE(w.devicePage()->data()->binary.events.size(), size_t(kEvents));
        QVERIFY(w.devicePage()->sigmoidFit().has_value());
    }

    void opensExampleAndFits()
    {
        MainWindow w;
        const QString example = MainWindow::exampleFile();
        QVERIFY2(!example.isEmpty(), "bundled example not found");
        QVERIFY(w.openDeviceFile(example));
        auto* page = w.devicePage();
        QVERIFY(page->sigmoidFit().has_value());
        // The example's generator truth is V50 = 1.8 V, w = 0.1 V.
        QVERIFY(std::fabs(page->sigmoidFit()->v50() - 1.8) < 0.1);
        QVERIFY(std::fabs(page->sigmoidFit()->width() - 0.1) < 0.03);
        QVERIFY(page->chart()->chart()->series().size() > 3);
    }

    void modelChoicesShowTheirTestsAndConvergence()
    {
        MainWindow w;
        auto* page = w.devicePage();
        QVERIFY(w.openDeviceFile(QStringLiteral(DWMTJ_TEST_DATASETS_DIR) +
                                 "/binary-device-counts.csv"));
        page->setModel("4");
        QVERIFY(page->sigmoidFit().has_value());
        QCOMPARE(page->sigmoidFit()->form, dwmtj::core::SigmoidForm::FourParameter);
        QVERIFY(std::fabs(page->sigmoidFit()->logLikelihood + 250.503) < 1e-3);
        const QString r = page->reportText();
        QVERIFY2(r.contains("floor/ceiling vs the 2-parameter model:\n    LR ="), qPrintable(r));
        QVERIFY(r.contains("profile likelihood"));
        QVERIFY(r.contains("converged after"));
        // DWMTJ_SCREENSHOT_DIR: save what the page looks like with the 4-parameter report.
        if (const QByteArray shots = qgetenv("DWMTJ_SCREENSHOT_DIR"); !shots.isEmpty()) {
            w.resize(1500, 950);
            w.show();
            QTest::qWait(200);
            w.grab().save(QString::fromLocal8Bit(shots) + "/device-page-4-parameter.png");
        }
        // A multi-weight file offers the ordinal widths instead; common width refits.
        QVERIFY(
            w.openDeviceFile(QStringLiteral(DWMTJ_TEST_DATASETS_DIR) + "/multistate-device.csv"));
        page->setModel("common");
        QVERIFY(page->ordinalFit().has_value());
        QVERIFY(page->ordinalFit()->commonWidth);
        QVERIFY(page->reportText().contains("common width (proportional odds)"));
        QVERIFY(page->reportText().contains("common width vs one width per threshold:\n    LR ="));
    }

    void badFileShowsErrorAndKeepsData()
    {
        MainWindow w;
        QVERIFY(w.openDeviceFile(MainWindow::exampleFile()));
        const double v50 = w.devicePage()->sigmoidFit()->v50();
        const QString bad = QStringLiteral(DWMTJ_TEST_DATA_DIR) + "/bad/switches_gt_trials.csv";
        QVERIFY(!w.openDeviceFile(bad));
        QVERIFY(w.devicePage()->errorText().contains("switches_gt_trials.csv"));
        QVERIFY(w.devicePage()->errorText().contains("line 3"));
        QVERIFY(w.devicePage()->errorText().contains("previously loaded data are kept"));
        QCOMPARE(w.devicePage()->sigmoidFit()->v50(), v50);
        QVERIFY(w.devicePage()->data()->sourcePath.find("binary-device-traces.csv") !=
                std::string::npos);
    }

    void exportsWriteValidFiles()
    {
        MainWindow w;
        w.resize(1200, 800);
        w.show();
        QVERIFY(w.openDeviceFile(MainWindow::exampleFile()));
        QTemporaryDir dir;
        auto* view = w.devicePage()->chart();
        QCOMPARE(dwmtj::ui::exportChart(view, dir.filePath("c.png")), QString());
        QImage img(dir.filePath("c.png"));
        QVERIFY(!img.isNull());
        QVERIFY(img.width() > 1500);  // 160 mm at 300 dpi = 1890 px
        QCOMPARE(dwmtj::ui::exportChart(view, dir.filePath("c.svg")), QString());
        QFile svg(dir.filePath("c.svg"));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        QVERIFY(svg.readAll().contains("<svg"));
        QCOMPARE(dwmtj::ui::exportChart(view, dir.filePath("c.pdf")), QString());
        QFile pdf(dir.filePath("c.pdf"));
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QVERIFY(pdf.read(5) == "%PDF-");
        QVERIFY(!dwmtj::ui::exportChart(view, dir.filePath("c.bmp")).isEmpty());
        QCOMPARE(w.devicePage()->exportLut(dir.filePath("lut.h5")), QString());
        const auto lut = dwmtj::core::loadLut(dir.filePath("lut.h5").toStdString());
        QCOMPARE(int(lut.voltage.size()), 1024);
        QCOMPARE(w.devicePage()->exportTableCsv(dir.filePath("t.csv")), QString());
        QFile t(dir.filePath("t.csv"));
        QVERIFY(t.open(QIODevice::ReadOnly));
        QCOMPARE(t.readAll().count('\n'), 12);  // header + 11 voltages
    }

    void clickingPointsAndTheRangeChangeTheFitAndItsReport()
    {
        MainWindow w;
        QVERIFY(w.openDeviceFile(MainWindow::exampleFile()));
        auto* page = w.devicePage();
        const int all = page->sigmoidFit()->pointsUsed;
        QCOMPARE(all, 11);
        const double v = page->data()->binary.counts[6].voltage;
        page->toggleExcluded(v + 0.004);  // a click near the point snaps to it
        QCOMPARE(page->sigmoidFit()->pointsUsed, all - 1);
        QCOMPARE(int(page->excluded().size()), 1);
        QVERIFY(std::fabs(page->excluded()[0] - v) < 1e-12);
        auto* report = page->findChild<QPlainTextEdit*>();
        QVERIFY(report && report->toPlainText().contains("Left out of the fit"));
        bool hollow = false;
        for (auto* s : page->chart()->chart()->series())
            hollow |= s->name() == "Excluded from the fit";
        QVERIFY(hollow);
        // The residuals of all 11 points are drawn: 10 used and 1 excluded.
        int residualPoints = 0;
        for (auto* s : page->residualChart()->chart()->series())
            if (auto* sc = qobject_cast<QScatterSeries*>(s)) residualPoints += sc->count();
        QCOMPARE(residualPoints, 11);
        page->toggleExcluded(v);
        QCOMPARE(page->sigmoidFit()->pointsUsed, all);
        // A narrower voltage range fits fewer points.
        const auto& c = page->data()->binary.counts;
        page->setFitRange(c[2].voltage, c[8].voltage);
        page->setExcluded({});
        QCOMPARE(page->sigmoidFit()->pointsUsed, 7);
    }

    void tracesAndPulsesToSwitchHistogram()
    {
        MainWindow w;
        QVERIFY(w.openDeviceFile(MainWindow::exampleFile()));
        auto* page = w.devicePage();
        page->showTraces(5, 2);
        QVERIFY(page->traceChart()->chart()->title().contains("cycle 2"));
        auto* trace = qobject_cast<QLineSeries*>(page->traceChart()->chart()->series().at(0));
        QVERIFY(trace && trace->count() > 0);
        bool bars = false;
        for (auto* s : page->histogramChart()->chart()->series())
            bars |= qobject_cast<QBarSeries*>(s) != nullptr;
        QVERIFY(bars);
        QVERIFY(page->histogramChart()->chart()->title().contains("cycles"));
    }

    void csvImportPreviewMapsUnknownColumns()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("lab.csv");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("Vpulse,n_sw,n_tot\n1.6,3,100\n1.7,20,100\n1.8,52,100\n1.9,80,100\n2.0,97,100\n");
        f.close();
        dwmtj::ui::CsvImportDialog dialog(path);
        QVERIFY(!dialog.acceptable());  // unknown header names: the user must map them
        QCOMPARE(int(dialog.layout().previewRows.size()), 5);
        auto* preview = dialog.findChild<QTableWidget*>("preview");
        QVERIFY(preview && preview->rowCount() == 6);  // role row + 5 data rows
        dialog.setRole(0, dwmtj::core::ColumnRole::Voltage);
        dialog.setRole(1, dwmtj::core::ColumnRole::Switches);
        // voltage + switches alone read as a per-pulse log (0/1 per row, checked on loading)
        QCOMPARE(dialog.layout().shape, dwmtj::core::CsvShape::PulseLog);
        dialog.setRole(2, dwmtj::core::ColumnRole::Trials);
        QVERIFY(dialog.acceptable());
        QCOMPARE(dialog.layout().shape, dwmtj::core::CsvShape::Counts);
        MainWindow w;
        QVERIFY(w.openDeviceFile(path, dialog.options()));
        QCOMPARE(int(w.devicePage()->data()->binary.counts.size()), 5);
        QVERIFY(std::fabs(w.devicePage()->sigmoidFit()->v50() - 1.8) < 0.02);
        const QByteArray shots = qgetenv("DWMTJ_SCREENSHOT_DIR");
        if (!shots.isEmpty()) {
            dwmtj::ui::CsvImportDialog fresh(path);
            fresh.show();
            QTest::qWait(100);
            fresh.grab().save(QString::fromLocal8Bit(shots) + "/csv-import.png");
        }
    }

    void multiStateFileShowsStateCurves()
    {
        MainWindow w;
        QVERIFY(w.openDeviceFile(QString::fromLocal8Bit(qgetenv("DWMTJ_DATASETS_DIR")) +
                                 "/multistate-device.h5"));
        QVERIFY(w.devicePage()->ordinalFit().has_value());
        QCOMPARE(w.devicePage()->chart()->chart()->series().size(), 10);  // 5 observed + 5 fitted
    }

    // "Across devices": a folder of simulated devices with a known V50 spread fitted in the
    // worker, one row each (a broken file reported, not fitted), the spread, and "Use as
    // variability" filling the Train page.
    void severalDevicesGiveTheirSpreadAndVariability()
    {
        QTemporaryDir dir;
        QStringList paths;
        for (int i = 0; i < 10; ++i) {
            dwmtj::core::BinarySimulationOptions o;
            o.v50 = 1.8 + 0.05 * ((i % 5) - 2);  // -0.1 .. 0.1 V: sd 0.0745 V
            o.seed = uint64_t(i) + 1;
            o.cycles = 40;
            paths << dir.filePath(QStringLiteral("device-%1.h5").arg(i));
            dwmtj::core::saveDeviceHdf5(dwmtj::core::simulateBinaryDevice(o),
                                        paths.back().toStdString());
        }
        QFile broken(dir.filePath(QStringLiteral("broken.csv")));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("voltage,pink\n1,x\n");
        broken.close();
        paths << broken.fileName();
        MainWindow w;
        auto* panel = w.devicePage()->spreadPanel();
        panel->openDevices(paths);
        QTRY_COMPARE_WITH_TIMEOUT(panel->task()->state(), dwmtj::ui::BackgroundTask::State::Idle,
                                  30000);
        QCOMPARE(panel->table()->rowCount(), 11);
        QCOMPARE(panel->table()->item(10, 0)->text(), QStringLiteral("broken.csv"));
        QVERIFY(panel->table()->item(10, 4)->text().contains(QStringLiteral("broken.csv")));
        QCOMPARE(panel->table()->item(0, 4)->text(), QStringLiteral("fitted"));
        QVERIFY(panel->spread().has_value());
        QCOMPARE(panel->spread()->devices, 10);
        // The devices' V50 spread is 74.5 mV; each fit's error (40 cycles) about 12 mV.
        QVERIFY2(std::fabs(panel->spread()->thresholdSd - 0.0745) < 0.015,
                 qPrintable(QString::number(panel->spread()->thresholdSd)));
        QVERIFY(panel->summaryText().contains(QStringLiteral("10 devices")));
        QVERIFY(panel->summaryText().contains(QStringLiteral("1 not fitted")));
        // 10 points with two error bars each.
        QCOMPARE(panel->chart()->chart()->series().size(), 21);
        QVERIFY(panel->useAsVariability());
        const auto v = w.trainingPage()->variability();
        QVERIFY(std::fabs(v.v50Sd - panel->spread()->thresholdSd) < 1e-3);  // 3 decimals shown
        QVERIFY(std::fabs(v.widthSdRel - panel->spread()->widthSdRel) < 1e-3);
        QCOMPARE(w.tabs()->currentWidget(), static_cast<QWidget*>(w.trainingPage()));
        // The Train page's DW-MTJ jobs carry it; a LIF job of the same form does not.
        w.trainingPage()->setNeuronTypes(
            {dwmtj::core::NeuronKind::Lif, dwmtj::core::NeuronKind::Binary});
        const auto jobs = w.trainingPage()->jobsFromForm();
        QCOMPARE(jobs.size(), 2);
        QVERIFY(!jobs[0].config.variability.any());
        QVERIFY(jobs[1].config.variability.v50Sd > 0.05);
        const QByteArray shots = qgetenv("DWMTJ_SCREENSHOT_DIR");
        if (!shots.isEmpty()) {
            w.resize(1500, 950);
            w.tabs()->setCurrentWidget(w.devicePage());
            for (auto* t : w.devicePage()->findChildren<QTabWidget*>())
                if (t->indexOf(panel) >= 0) t->setCurrentWidget(panel);
            w.show();
            QTest::qWait(200);
            w.grab().save(QString::fromLocal8Bit(shots) + "/device-spread.png");
        }
    }
};

QTEST_MAIN(DevicePageTest)
#include "device_page_ui_test.moc"
