// Lookup-table page, offscreen: builds from the loaded device data, follows the grid size,
// exports a file the core reads back, and shows the paper's energy per sample.
#include <QAbstractSeries>
#include <QChart>
#include <QTemporaryDir>
#include <QValueAxis>
#include <QtTest>

#include "charts/live_chart.h"
#include "charts/probability_chart.h"
#include "devices/device_page.h"
#include "dwmtj/lut.h"
#include "dwmtj/paths.h"
#include "lut/lut_page.h"

using namespace dwmtj;

class LutPageTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void buildsPreviewsAndExports()
    {
        ui::DevicePage device;
        ui::LutPage page(&device);
        QVERIFY(!page.lut().has_value());
        const QString dir = QString::fromStdString(core::datasetsDir());
        QVERIFY(device.loadFile(dir + "/binary-device.h5"));
        QVERIFY(page.lut().has_value());
        QCOMPARE(page.lut()->voltage.size(), size_t(1024));
        QCOMPARE(page.valueChart()->history("p(V)").size(), 1024);
        QCOMPARE(page.derivativeChart()->history("p(V)").size(), 1024);
        // The table follows the fitted V50 (1.7755 V for the bundled example).
        QVERIFY(std::fabs(page.lut()->centreVoltage - 1.7755) < 1e-3);
        page.setGridSize(256);
        QCOMPARE(page.lut()->voltage.size(), size_t(256));
        QTemporaryDir tmp;
        const QString out = tmp.filePath("lut.h5");
        QCOMPARE(page.exportLut(out), QString());
        const core::Lut back = core::loadLut(out.toStdString());
        QCOMPARE(back.voltage.size(), size_t(256));
        QCOMPARE(back.curves[0], page.lut()->curves[0]);
        QVERIFY(page.energyText().contains("pJ"));
        const QByteArray shots = qgetenv("DWMTJ_SCREENSHOT_DIR");  // what a user sees
        if (!shots.isEmpty()) {
            page.resize(1200, 700);
            page.show();
            page.grab().save(QString::fromLocal8Bit(shots) + "/lut-page.png");
        }
        QVERIFY(page.energyText().contains("44.6") || page.energyText().contains("44.7"));

        // A multi-weight device gives K-1 cumulative curves.
        QVERIFY(device.loadFile(dir + "/multistate-device.h5"));
        QCOMPARE(page.lut()->curves.size(), size_t(4));
        QCOMPARE(page.valueChart()->seriesNames().size(), 4);
    }

    // A current-driven device (a drive column in mA): both pages show milliamperes, the
    // fit reads I50 and p(I), the table holds amperes and the energy is I^2 R4 t.
    void currentDrivenDeviceShowsMilliamperes()
    {
        ui::DevicePage device;
        ui::LutPage page(&device);
        QVERIFY(
            device.loadFile(QStringLiteral(DWMTJ_TEST_DATA_DIR) + "/good/counts_current_mA.csv"));
        QCOMPARE(QString::fromStdString(device.drive().unit), QStringLiteral("mA"));
        QVERIFY2(device.reportText().contains("I50      =    1.80"),
                 qPrintable(device.reportText()));
        QVERIFY(!device.reportText().contains("V50"));
        QVERIFY(!device.reportText().contains("kilovolts"));
        const auto axes = device.chart()->chart()->axes(Qt::Horizontal);
        QVERIFY(!axes.isEmpty());
        QCOMPARE(axes.first()->titleText(), QStringLiteral("Pulse current I [mA]"));
        QStringList names;
        for (auto* series : device.chart()->chart()->series()) names << series->name();
        QVERIFY2(names.contains(QStringLiteral("Sigmoid fit (I50 = 1.806 mA, w = 0.087 mA)")),
                 qPrintable(names.join(" | ")));
        // A click on the chart reports amperes: the point at 1.8 mA leaves the fit.
        device.toggleExcluded(1.81e-3);
        QCOMPARE(device.excluded().size(), size_t(1));
        QVERIFY(std::fabs(device.excluded()[0] - 1.8e-3) < 1e-12);
        device.setExcluded({});
        QVERIFY(page.lut().has_value());
        QCOMPARE(page.lut()->drive, core::Drive::Current);
        QVERIFY(std::fabs(page.lut()->centreVoltage - 1.806e-3) < 1e-5);
        const auto curve = page.valueChart()->history("p(I)");
        QCOMPARE(curve.size(), 1024);
        QVERIFY(std::fabs(curve.front().x() - 1e3 * page.lut()->vMin()) < 1e-9);
        // 1 mA through the 365-ohm track for 30 + 10 ns: 14.60 pJ.
        QVERIFY2(page.energyText().contains("14.60 pJ"), qPrintable(page.energyText()));
        // Back to a voltage-driven device: volts again.
        QVERIFY(device.loadFile(QString::fromStdString(core::datasetsDir()) + "/binary-device.h5"));
        QCOMPARE(page.lut()->drive, core::Drive::Voltage);
        QCOMPARE(page.valueChart()->history("p(V)").size(), 1024);
        QVERIFY(page.energyText().contains("44.6") || page.energyText().contains("44.7"));
    }
};

QTEST_MAIN(LutPageTest)
#include "lut_page_ui_test.moc"
