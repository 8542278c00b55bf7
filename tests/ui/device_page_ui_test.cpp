// Offscreen GUI test: the window opens on the example, fits it, rejects a bad file while
// keeping the data, and writes valid chart and LUT files.
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "charts/chart_export.h"
#include "charts/probability_chart.h"
#include "devices/device_page.h"
#include "dwmtj/lut.h"
#include "main_window.h"

using dwmtj::ui::MainWindow;

class DevicePageTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
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
        QVERIFY(w.devicePage()->data()->sourcePath.find("binary-device-traces.csv") != std::string::npos);
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

    void multiStateFileShowsStateCurves()
    {
        MainWindow w;
        QVERIFY(w.openDeviceFile(QString::fromLocal8Bit(qgetenv("DWMTJ_DATASETS_DIR")) + "/multistate-device.h5"));
        QVERIFY(w.devicePage()->ordinalFit().has_value());
        QCOMPARE(w.devicePage()->chart()->chart()->series().size(), 10);  // 5 observed + 5 fitted
    }
};

QTEST_MAIN(DevicePageTest)
#include "device_page_ui_test.moc"
