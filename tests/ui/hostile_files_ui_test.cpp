// Offscreen GUI test (issue 11): the workbench stays up on every bad or hostile file of the
// corpus (tests/data/bad: malformed CSVs, HDF5 files with wrong shapes and types, a NumPy
// inflation bomb, a file on which libhdf5 itself crashes), shows the error banner naming
// the file, and keeps what was loaded; chart exports on a full disk keep the previous file.
#include <sys/mount.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QMimeData>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "charts/chart_export.h"
#include "charts/probability_chart.h"
#include "devices/device_page.h"
#include "main_window.h"
#include "runs/experiment_store.h"
#include "runs/runs_page.h"
#include "ui_test_util.h"

using namespace dwmtj;
using namespace dwmtj::ui;

namespace {
QStringList corpus()
{
    QDir dir(QStringLiteral(DWMTJ_TEST_DATA_DIR) + "/bad");
    QStringList out;
    for (const QString& f : dir.entryList(QDir::Files, QDir::Name))
        if (!f.endsWith(QLatin1String(".py"))) out << dir.filePath(f);
    return out;
}
}  // namespace

class HostileFilesUiTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void devicePageKeepsItsDataOnEveryBadFile()
    {
        MainWindow w;
        QVERIFY(w.openDeviceFile(MainWindow::exampleFile()));
        const double v50 = w.devicePage()->sigmoidFit()->v50();
        int refused = 0;
        for (const QString& f : corpus()) {
            if (w.openDeviceFile(f)) {  // the warning cases load (with their warnings)
                QVERIFY(w.openDeviceFile(MainWindow::exampleFile()));
                continue;
            }
            ++refused;
            const QString err = w.devicePage()->errorText();
            QVERIFY2(err.contains(QFileInfo(f).fileName()), qPrintable(f + ": " + err));
            QVERIFY2(err.contains(QLatin1String("expected")), qPrintable(err));
            QVERIFY2(err.contains(QLatin1String("previously loaded data are kept")),
                     qPrintable(err));
            QCOMPARE(w.devicePage()->sigmoidFit()->v50(), v50);
        }
        QVERIFY(refused >= 25);
    }

    void runsPageKeepsItsFilesOnEveryBadFile()
    {
        MainWindow w;
        auto* runs = w.runsPage();
        const QString good =
            QStringLiteral(DWMTJ_SOURCE_DIR) + "/tests/fuzz/bases/experiment/lif.h5";
        // The file is read in the store's worker: nothing has changed when openFile returns.
        QSignalSpy opened(runs, &ui::RunsPage::openFinished);
        runs->openFile(good);
        QCOMPARE(w.store()->experiments().size(), 0);
        QVERIFY(opened.wait(30000));
        QCOMPARE(opened.at(0).at(1).toString(), QString());
        const int rows = runs->table()->rowCount();
        QVERIFY(rows >= 1);
        for (const QString& f : corpus()) {
            QVERIFY2(!test::openAndWait(runs, f).isEmpty(), qPrintable(f));
            const QString err = runs->errorText();
            QVERIFY2(err.contains(QFileInfo(f).fileName()), qPrintable(f + ": " + err));
            QVERIFY2(err.contains(QLatin1String("The files already open are kept")),
                     qPrintable(err));
            QCOMPARE(w.store()->experiments().size(), 1);
            QCOMPARE(runs->table()->rowCount(), rows);
        }
    }

    void droppedFilesGoByContentAndExperimentsAreReadOffTheGuiThread()
    {
        MainWindow w;
        auto drop = [&](const QString& path) {
            QMimeData mime;
            mime.setUrls({QUrl::fromLocalFile(path)});
            QDropEvent event(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton,
                             Qt::NoModifier);
            static_cast<QObject&>(w).event(&event);  // the window's handler, without a drag
        };
        // An experiment: the Runs page is shown at once, the file arrives from the worker.
        const QString good =
            QStringLiteral(DWMTJ_SOURCE_DIR) + "/tests/fuzz/bases/experiment/lif.h5";
        QSignalSpy opened(w.runsPage(), &ui::RunsPage::openFinished);
        drop(good);
        QCOMPARE(w.tabs()->currentWidget(), w.runsPage());
        QCOMPARE(w.store()->experiments().size(), 0);
        QVERIFY(opened.wait(30000));
        QCOMPARE(w.store()->experiments().size(), 1);
        // A damaged HDF5 file: refused on the Runs page with its name; the open file stays.
        const QString damaged = QStringLiteral(DWMTJ_TEST_DATA_DIR) + "/bad/no_groups.h5";
        drop(damaged);
        QVERIFY(opened.wait(30000));
        QVERIFY2(w.runsPage()->errorText().contains("no_groups.h5"),
                 qPrintable(w.runsPage()->errorText()));
        QCOMPARE(w.store()->experiments().size(), 1);
        // A device HDF5 file: the Device page.
        const QString device = QStringLiteral(DWMTJ_SOURCE_DIR) + "/datasets/binary-device.h5";
        drop(device);
        QCOMPARE(w.tabs()->currentWidget(), w.devicePage());
        QVERIFY(w.devicePage()->sigmoidFit().has_value());
        QCOMPARE(opened.size(), 2);
        // Not HDF5 (whatever its name): device data, refused there with its name.
        QTemporaryDir dir;
        const QString text = dir.filePath("not-really.h5");
        QFile f(text);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("voltage duration\n");
        f.close();
        drop(text);
        QCOMPARE(opened.size(), 2);
        QVERIFY2(w.devicePage()->errorText().contains("not-really.h5"),
                 qPrintable(w.devicePage()->errorText()));
    }

    void chartExportOnAFullDiskKeepsThePreviousFile()
    {
        const QString dir =
            QDir::temp().filePath(QStringLiteral("dwmtj-ui-small-disk-%1").arg(::getpid()));
        QDir().mkpath(dir);
        if (::mount("tmpfs", dir.toLocal8Bit().constData(), "tmpfs", 0, "size=256k") != 0) {
            QDir(dir).removeRecursively();
            QSKIP("cannot mount a small tmpfs here (needs root); the full-disk export is untested");
        }
        MainWindow w;
        w.resize(1200, 800);
        w.show();
        QVERIFY(w.openDeviceFile(MainWindow::exampleFile()));
        auto* view = w.devicePage()->chart();
        for (const char* suffix : {"png", "svg", "pdf", "csv"}) {
            const QString path =
                QDir(dir).filePath(QStringLiteral("chart.") + QLatin1String(suffix));
            {
                QFile old(path);
                QVERIFY(old.open(QIODevice::WriteOnly));
                old.write("previous");
            }
            // Fill the disk to the last byte (unbuffered: a page-sized block alone could leave
            // room for a small export).
            QFile filler(QDir(dir).filePath(QStringLiteral("filler")));
            QVERIFY(filler.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
            for (const qsizetype size : {qsizetype(4096), qsizetype(1)}) {
                const QByteArray block(size, 'x');
                while (filler.write(block) == block.size()) {
                }
            }
            filler.close();
            const QString err = QLatin1String(suffix) == QLatin1String("csv")
                                    ? exportChartCsv(view, path)
                                    : exportChart(view, path);
            QVERIFY2(err.contains(path), qPrintable(err));
            QVERIFY2(err.contains(QLatin1String("previous file")), qPrintable(err));
            QFile kept(path);
            QVERIFY(kept.open(QIODevice::ReadOnly));
            QCOMPARE(kept.readAll(), QByteArray("previous"));
            QFile::remove(filler.fileName());
            // With room again the export works.
            const QString ok = QLatin1String(suffix) == QLatin1String("csv")
                                   ? exportChartCsv(view, path)
                                   : exportChart(view, path);
            QVERIFY2(ok.isEmpty(), qPrintable(ok));
            QVERIFY(QFileInfo(path).size() > 8);
            QFile::remove(path);
        }
        QVERIFY(QDir(dir).entryList(QDir::Files | QDir::Hidden).isEmpty());  // no temporaries
        ::umount2(dir.toLocal8Bit().constData(), MNT_DETACH);
        QDir(dir).removeRecursively();
    }
};

QTEST_MAIN(HostileFilesUiTest)
#include "hostile_files_ui_test.moc"
