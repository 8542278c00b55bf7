// Lookup-table page, offscreen: builds from the loaded device data, follows the grid size,
// exports a file the core reads back, and shows the paper's energy per sample.
#include <QTemporaryDir>
#include <QtTest>

#include "charts/live_chart.h"
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
};

QTEST_MAIN(LutPageTest)
#include "lut_page_ui_test.moc"
