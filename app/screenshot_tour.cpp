#include "screenshot_tour.h"

#include <QApplication>
#include <QChartView>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <cmath>
#include <cstdio>

#include "common/background_task.h"
#include "common/page.h"
#include "design/design_page.h"
#include "devices/csv_import_dialog.h"
#include "devices/device_page.h"
#include "devices/device_spread_panel.h"
#include "dwmtj/device_io.h"
#include "dwmtj/fashion_mnist.h"
#include "dwmtj/paths.h"
#include "dwmtj/simulate.h"
#include "main_window.h"
#include "reproduce/reproduce_page.h"
#include "robustness/robustness_page.h"
#include "robustness/study_panel.h"
#include "robustness/variability_panel.h"
#include "runs/experiment_store.h"
#include "runs/runs_page.h"
#include "training/training_page.h"

using namespace dwmtj;

namespace {

void settle(int ms = 400)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

bool save(QWidget* w, const QString& dir, const QString& name)
{
    settle();
    const QString path = QDir(dir).filePath(name);
    const bool ok = w->grab().save(path);
    std::printf("%s %s\n", ok ? "wrote" : "FAILED", qPrintable(path));
    return ok;
}

template <typename Pred>
bool waitUntil(Pred done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs) return false;
        settle(100);
    }
    return true;
}

}  // namespace

int runScreenshotTour(ui::MainWindow& w, const QString& dir)
{
    QDir().mkpath(dir);
    const QString datasets = QString::fromStdString(core::datasetsDir());
    w.resize(1440, 900);
    w.show();
    bool ok = true;
    auto* tabs = w.tabs();
    // 1. Device data: the bundled binary example, its fit, then traces; the multi-weight device.
    ok &= w.openDeviceFile(datasets + "/binary-device-traces.csv");
    ok &= save(&w, dir, "01-device-fit.png");
    w.devicePage()->showTraces(5, 3);
    if (auto* views = w.devicePage()->findChild<QTabWidget*>()) views->setCurrentIndex(1);
    ok &= save(&w, dir, "02-device-traces.png");
    if (auto* views = w.devicePage()->findChild<QTabWidget*>()) views->setCurrentIndex(0);
    ok &= w.openDeviceFile(datasets + "/multistate-device.h5");
    ok &= save(&w, dir, "03-device-multistate.png");
    ok &= w.openDeviceFile(datasets + "/current-driven-device.csv");  // I50 in mA
    ok &= save(&w, dir, "03a-device-current.png");
    // 1b. Across devices: twelve simulated devices whose V50 spreads by 50 mV.
    {
        QDir(dir).mkpath("devices");
        QStringList devices;
        for (int i = 0; i < 12; ++i) {
            core::BinarySimulationOptions o;
            o.v50 = 1.8 + 0.05 * std::sin(1.7 * i) * 1.41;
            o.seed = uint64_t(i) + 1;
            devices << QDir(dir).filePath(QStringLiteral("devices/device-%1.h5").arg(i));
            core::saveDeviceHdf5(core::simulateBinaryDevice(o), devices.back().toStdString());
        }
        auto* spread = w.devicePage()->spreadPanel();
        spread->openDevices(devices);
        ok &= waitUntil([&] { return spread->task()->state() == ui::BackgroundTask::State::Idle; },
                        60000);
        if (auto* views = w.devicePage()->findChild<QTabWidget*>()) views->setCurrentWidget(spread);
        ok &= save(&w, dir, "03b-device-spread.png");
        if (auto* views = w.devicePage()->findChild<QTabWidget*>()) views->setCurrentIndex(0);
    }
    ok &= w.openDeviceFile(datasets + "/binary-device-traces.csv");
    // 2. The CSV import preview.
    {
        ui::CsvImportDialog dialog(datasets + "/binary-device-counts.csv", &w);
        dialog.show();
        ok &= save(&dialog, dir, "04-csv-import.png");
    }
    // 3. Lookup table.
    tabs->setCurrentIndex(1);
    ok &= save(&w, dir, "05-lookup-table.png");
    // 4. Train: the three neuron types, 2 seeds, on the bundled sample.
    tabs->setCurrentIndex(2);
    core::TrainingConfig c;
    c.neuron = core::NeuronKind::Lif;
    c.hidden = 64;
    c.timesteps = 16;
    c.epochs = 4;
    c.batchSize = 50;
    c.seeds = {0, 1};
    c.dataDir = core::fashionMnistSampleDir();
    QDir(dir).mkpath("runs");
    for (const QString& f : QDir(QDir(dir).filePath("runs")).entryList({"*.h5"}))
        QFile::remove(QDir(dir).filePath("runs/" + f));
    w.trainingPage()->setConfig(c, QDir(dir).filePath("runs/tour.h5"));
    w.trainingPage()->setNeuronTypes(
        {core::NeuronKind::Lif, core::NeuronKind::Binary, core::NeuronKind::MultiState});
    w.trainingPage()->start();
    settle(3000);
    ok &= save(&w, dir, "06-train-running.png");
    ok &= waitUntil(
        [&] { return w.trainingPage()->task()->state() == ui::BackgroundTask::State::Idle; },
        900000);
    ok &= save(&w, dir, "07-train-done.png");
    // 5. Robustness: sigma 0..3 on 1000 test images.
    tabs->setCurrentIndex(3);
    auto* rob = w.robustnessPage();
    rob->setSigmaRange(0, 3, 0.25);
    rob->setTestImages(1000);
    rob->evaluate();
    ok &=
        waitUntil([&] { return rob->task()->state() == ui::BackgroundTask::State::Idle; }, 900000);
    ok &= save(&w, dir, "08-robustness.png");
    // 5b. The robustness study: the paper-noise preset on the same networks, 500 test images.
    rob->showMode(1);
    rob->study()->setTestImages(500);
    rob->study()->run();
    ok &= waitUntil(
        [&] {
            // The study, the store's reading of the rewritten files, then the statistics.
            return rob->study()->task()->state() == ui::BackgroundTask::State::Idle &&
                   !w.store()->busy() &&
                   rob->study()->statisticsTask()->state() == ui::BackgroundTask::State::Idle;
        },
        900000);
    ok &= save(&w, dir, "08b-robustness-study.png");
    // 5c. Device variability: V50 spread 0..0.2 V, 2 device draws, 5 bootstrapped LUTs.
    rob->showMode(2);
    rob->variability()->setAxis(QStringLiteral("v50"));
    rob->variability()->setDraws(2);
    rob->variability()->setBootstrap(5);
    rob->variability()->setTestImages(500);
    rob->variability()->run();
    ok &= waitUntil(
        [&] { return rob->variability()->task()->state() == ui::BackgroundTask::State::Idle; },
        900000);
    ok &= save(&w, dir, "08c-robustness-variability.png");
    rob->showMode(0);
    // 6. Runs: two runs overlaid.
    tabs->setCurrentIndex(4);
    auto* table = w.runsPage()->table();
    table->setSelectionMode(QAbstractItemView::MultiSelection);
    table->selectRow(0);
    table->selectRow(2);
    table->selectRow(4);
    table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    ok &= save(&w, dir, "09-runs.png");
    // 7. Reproduce the paper at the smoke scale (the full pipeline in about 15 s).
    tabs->setCurrentIndex(5);
    auto* repro = w.reproducePage();
    repro->setScale(core::ReproScale::Smoke);
    repro->setOutDir(QDir(dir).filePath("reproduce"));
    repro->setOpenReportWhenDone(false);
    repro->start();
    settle(4000);
    ok &= save(&w, dir, "10-reproduce-running.png");
    ok &= waitUntil([&] { return repro->task()->state() == ui::BackgroundTask::State::Idle; },
                    900000);
    ok &= save(&w, dir, "11-reproduce-done.png");
    // 8. Design: three device widths, two multi-weight devices (2 and 4 notches) and the paper's
    // table A on the sample, trained from the page 2 at a time, the nominal width also
    // hardware-aware.
    {
        const QString file = QDir(dir).filePath("design-tour.ini");
        QFile f(file);
        f.open(QIODevice::WriteOnly);
        f.write(QStringLiteral(
                    "[design tour]\nformat_version = 1\nhidden = 32\ntimesteps = 8\n"
                    "epochs = 3\nbatch = 50\nseeds = 0-2\nvalidation = 200\n"
                    "data_dir = %1\nwidth_ratio = 0.25, 1, 4\nnotches = 2, 4\nv50_sd = 0.05, 0.1, "
                    "0.2\ndraws = 3\npulse_ns = 30, 10, 3\nsigma = 0, 0.5, 1, 1.5, "
                    "2\nmeasured = released-binary-table-a.csv\nhardware_aware = "
                    "0.05\nhardware_aware_devices = w1-f0-c1\n[spec]\naccuracy = "
                    "70\nrobustness = 0.3\n")
                    .arg(QString::fromStdString(core::fashionMnistSampleDir()))
                    .toUtf8());
        f.close();
        QDir(QDir(dir).filePath("design")).removeRecursively();
        auto* design = w.designPage();
        w.showPage(design);
        design->setFolder(QDir(dir).filePath("design"));
        design->setPreset(file);
        design->setJobs(2);
        design->run();
        ok &= waitUntil([&] { return design->task()->state() == ui::BackgroundTask::State::Idle; },
                        900000);
        ok &= design->result().has_value();
        ok &= save(&w, dir, "12-design.png");
        // The chip yield of the nominal width (its 3 pulse widths follow w0.25's): V50 spreads,
        // its hardware-aware networks on their own and on new chips.
        design->selectPoint(3);
        QWidget* yieldPane = design->yieldChart()->parentWidget();
        for (auto* tabs : design->findChildren<QTabWidget*>())
            if (tabs->indexOf(yieldPane) >= 0) tabs->setCurrentWidget(yieldPane);
        ok &= save(&w, dir, "12b-design-yield.png");
    }
    // 9. Every page as it stands now, including pages added after this tour was written.
    for (ui::Page* page : w.pages()) {
        w.showPage(page);
        ok &= save(&w, dir, QStringLiteral("page-%1.png").arg(page->pageId()));
    }
    return ok ? 0 : 1;
}
