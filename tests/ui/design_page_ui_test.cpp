// The Design page, offscreen: a two-device design run from the page (the networks trained by
// the dwmtj program, 2 at a time), the front drawn with its spec, a click on a point asking for
// its networks in Runs, the spec changed afterwards, the chip-yield curves (nominal,
// hardware-aware, calibrated), the same folder
// opened in a fresh page, Stop, and a bad design file's message.
#include <QChart>
#include <QChartView>
#include <QDir>
#include <QFile>
#include <QLineSeries>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "common/background_task.h"
#include "design/design_page.h"

using namespace dwmtj;

namespace {

QString writeDesign(const QString& dir, const QString& name, const QString& extra = {})
{
    const QString path = QDir(dir).filePath(name);
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(QStringLiteral("[design tiny]\nformat_version = 1\nhidden = 32\ntimesteps = 8\n"
                           "epochs = 3\nbatch = 50\nseeds = 0-1\n"
                           "validation = 200\ntest_limit = 200\ndata_dir = %1\n"
                           "width_ratio = 0.5, 4\nv50_sd = 0.05, 0.1\ndraws = 2\n"
                           "pulse_ns = 30, 10\nsigma = 0, 0.5, 1\n%2\n[spec]\naccuracy = 30\n"
                           "robustness = 0.1\n")
                .arg(QStringLiteral(DWMTJ_TEST_DATASETS_DIR "/fashion-mnist-sample"), extra)
                .toUtf8());
    return path;
}

bool idle(const ui::DesignPage& page)
{
    return page.task()->state() == ui::BackgroundTask::State::Idle;
}

}  // namespace

class DesignPageTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qputenv("DWMTJ_CLI", DWMTJ_CLI_BINARY); }

    void runsADesignAndAnswersTheSpec()
    {
        QTemporaryDir tmp;
        // The paper's measured binary device (table A) placed among the two designs, and every
        // device also trained hardware-aware on chips of V50 sd 0.05 V.
        const QString design =
            writeDesign(tmp.path(), QStringLiteral("tiny.ini"),
                        QStringLiteral("hardware_aware = 0.05\n"
                                       "measured = released-binary-table-a.csv"));
        const QString folder = QDir(tmp.path()).filePath(QStringLiteral("study"));
        ui::DesignPage page;
        page.resize(1200, 800);
        page.show();
        page.setFolder(folder);
        page.setPreset(design);
        page.setJobs(2);
        page.run();
        QVERIFY(!idle(page));
        QTRY_VERIFY_WITH_TIMEOUT(idle(page), 240000);
        QVERIFY2(page.result().has_value(), qPrintable(page.answerText()));
        if (const QByteArray shots = qgetenv("DWMTJ_UI_SHOTS"); !shots.isEmpty())  // to look at
            page.grab().save(QString::fromLocal8Bit(shots) + QStringLiteral("/design-page.png"));
        const core::DesignResult& r = *page.result();
        QCOMPARE(int(r.points.size()), 6);  // 3 devices x 2 pulse widths
        QCOMPARE(page.pointsTable()->rowCount(), 6);
        QCOMPARE(page.tolerancesTable()->rowCount(), 6);  // 3 devices x 2 V50 spreads
        QVERIFY(page.pointsTable()->item(4, 10)->text().startsWith(QStringLiteral("measured")));
        QVERIFY(QFile::exists(QDir(folder).filePath(QStringLiteral("design.h5"))));
        QVERIFY2(page.answerText().contains(QStringLiteral("loosest device")),
                 qPrintable(page.answerText()));
        // The front: the points in scatter series, the spec as a line.
        QStringList names;
        int points = 0;
        QScatterSeries* front = nullptr;
        for (auto* s : page.frontChart()->chart()->series()) {
            names << s->name();
            if (auto* sc = qobject_cast<QScatterSeries*>(s)) {
                points += sc->count();
                if (s->name() == QStringLiteral("Pareto front")) front = sc;
            }
        }
        QCOMPARE(points, 6);
        QVERIFY2(names.contains(QStringLiteral("Spec")) &&
                     names.contains(QStringLiteral("Measured devices")),
                 qPrintable(names.join(", ")));
        QVERIFY(front && front->count() >= 1);
        // A click on a front point asks for its networks' experiment file.
        QSignalSpy open(&page, &ui::DesignPage::openRunsRequested);
        Q_EMIT front->clicked(front->at(0));
        QCOMPARE(open.count(), 1);
        const QString file = open.at(0).at(0).toString();
        QVERIFY2(file.contains(QStringLiteral("/networks/")) && QFile::exists(file),
                 qPrintable(file));
        // The chip yield of the chosen device: one curve per V50 spread, with its chips, and its
        // hardware-aware networks on their own chips (one per seed) and on new ones.
        int curves = 0;
        QStringList hardwareAware;
        for (auto* s : page.yieldChart()->chart()->series()) {
            curves += s->name().contains(QStringLiteral("chips"));
            if (s->name().startsWith(QStringLiteral("hardware-aware"))) hardwareAware << s->name();
        }
        QCOMPARE(curves, 4);
        QVERIFY2(hardwareAware.contains(QStringLiteral(
                     "hardware-aware, on the chips it trained on (V50 sd 0.05) (2 chips)")) &&
                     hardwareAware.contains(
                         QStringLiteral("hardware-aware, on new chips (V50 sd 0.05) (2 chips)")),
                 qPrintable(hardwareAware.join(QStringLiteral("; "))));
        QCOMPARE(int(r.hardwareAware.size()), 3);
        QVERIFY2(page.answerText().contains(QStringLiteral("Hardware-aware training of")),
                 qPrintable(page.answerText()));
        // Calibrated chips (100 pulses per neuron): one more yield curve, the same chips.
        page.calibrate(100);
        QTRY_VERIFY_WITH_TIMEOUT(page.calibrationTask()->state() == ui::BackgroundTask::State::Idle,
                                 120000);
        QString calibrated;
        for (auto* s : page.yieldChart()->chart()->series())
            if (s->name().startsWith(QStringLiteral("calibrated, 100 pulses")))
                calibrated = s->name();
        QVERIFY2(calibrated.contains(QStringLiteral("(4 chips)")), qPrintable(calibrated));
        // A spec nobody meets, set after the run, is answered at once.
        page.setSpec(99, 0.9);
        QVERIFY2(page.answerText().contains(QStringLiteral("no device of the design meets")),
                 qPrintable(page.answerText()));
        QCOMPARE(page.result()->specAccuracy, 0.99);

        // The same folder in a fresh page: the result as saved (the design's own spec).
        ui::DesignPage again;
        again.open(folder);
        QTRY_VERIFY_WITH_TIMEOUT(idle(again), 30000);
        QVERIFY(again.result().has_value());
        QCOMPARE(again.result()->points.size(), r.points.size());
        QCOMPARE(again.result()->specAccuracy, 0.3);
        for (size_t k = 0; k < r.points.size(); ++k)
            QCOMPARE(again.result()->points[k].accuracy.value, r.points[k].accuracy.value);
    }

    void stopsAndReportsBadFiles()
    {
        QTemporaryDir tmp;
        ui::DesignPage page;
        page.setFolder(QDir(tmp.path()).filePath(QStringLiteral("stopped")));
        page.setPreset(writeDesign(tmp.path(), QStringLiteral("tiny.ini")));
        page.setJobs(1);
        page.run();
        QTest::qWait(1500);
        page.stop();
        QTRY_VERIFY_WITH_TIMEOUT(idle(page), 60000);
        QVERIFY(!page.result().has_value());
        // A bad design file: its message, no result, the page usable again.
        page.setFolder(QDir(tmp.path()).filePath(QStringLiteral("bad")));
        page.setPreset(
            writeDesign(tmp.path(), QStringLiteral("bad.ini"), QStringLiteral("floor = 0.9")));
        QSignalSpy log(&page, &ui::DesignPage::logMessage);
        page.run();
        QTRY_VERIFY_WITH_TIMEOUT(idle(page), 30000);
        bool named = false;
        for (const auto& args : log)
            named |= args.at(0).toString().contains(QStringLiteral("bad.ini")) &&
                     args.at(0).toString().contains(QStringLiteral("floor"));
        QVERIFY(named);
        QVERIFY(!page.result().has_value());
        QVERIFY(!QDir(QDir(tmp.path()).filePath(QStringLiteral("bad"))).exists());
    }
};

QTEST_MAIN(DesignPageTest)
#include "design_page_ui_test.moc"
