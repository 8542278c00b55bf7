#include "main_window.h"

#include <QApplication>
#include <QChartView>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QRegularExpression>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>

#include "charts/chart_export.h"
#include "charts/probability_chart.h"
#include "common/background_task.h"
#include "common/task_center.h"
#include "design/design_page.h"
#include "devices/csv_import_dialog.h"
#include "devices/device_page.h"
#include "devices/device_spread_panel.h"
#include "dwmtj/device_io.h"
#include "dwmtj/experiment.h"
#include "dwmtj/paths.h"
#include "dwmtj/training.h"
#include "lut/lut_page.h"
#include "reproduce/reproduce_page.h"
#include "robustness/robustness_page.h"
#include "runs/experiment_store.h"
#include "runs/runs_page.h"
#include "training/training_page.h"

namespace dwmtj::ui {
namespace {
/// The HDF5 signature at the start of the file (the format's superblock at offset 0, which is
/// where every writer of this workbench and h5py put it): 8 bytes, no parsing.
bool isHdf5File(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return false;
    return f.read(8) == QByteArray("\x89HDF\r\n\x1a\n", 8);
}
}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("DW-MTJ Workbench"));
    setAcceptDrops(true);
    m_store = new ExperimentStore(this);
    m_device = new DevicePage;
    m_lut = new LutPage(m_device);
    m_training = new TrainingPage(m_store);
    m_robustness = new RobustnessPage(m_store);
    m_runs = new RunsPage(m_store);
    m_reproduce = new ReproducePage;
    m_design = new DesignPage;
    m_tabs = new QTabWidget;
    m_tabs->setDocumentMode(true);
    setCentralWidget(m_tabs);
    buildMenus();
    for (Page* page : std::initializer_list<Page*>{m_device, m_lut, m_training, m_robustness,
                                                   m_runs, m_reproduce, m_design})
        addPage(page);
    m_busy = new QProgressBar;
    m_busy->setMaximumWidth(160);
    m_busy->setRange(0, 0);  // indeterminate while something runs in the background
    m_busy->hide();
    statusBar()->addPermanentWidget(m_busy);
    connect(m_lut, &LutPage::useForTraining, this, [this](const QString& path, bool multi) {
        m_training->setLutPath(path, multi);
        m_reproduce->setLut(path, multi);
        statusBar()->showMessage(tr("The Train page now uses %1").arg(path), 5000);
    });
    connect(m_training, &TrainingPage::watchRequested, m_runs,
            [this](const QString& folder) { m_runs->watchFolder(folder); });
    connect(m_design, &DesignPage::openRunsRequested, this, [this](const QString& path) {
        m_runs->openFile(path);
        showPage(m_runs);
    });
    connect(&TaskCenter::instance(), &TaskCenter::changed, this, &MainWindow::showTasks);
    m_log = new QPlainTextEdit;
    m_log->setObjectName(QStringLiteral("log"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    auto* dock = new QDockWidget(tr("Log"), this);
    dock->setObjectName("logDock");
    dock->setWidget(m_log);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    resizeDocks({dock}, {120}, Qt::Vertical);
    connect(m_device, &DevicePage::fileLoaded, this, &MainWindow::rememberRecent);
    connect(m_device->spreadPanel(), &DeviceSpreadPanel::variabilityChosen, this,
            [this](const core::VariabilitySettings& v) {
                m_training->setVariability(v);
                m_tabs->setCurrentWidget(m_training);
                log(tr("Train page: device variability set from the measured devices (%1)")
                        .arg(QString::fromStdString(v.describe())));
            });
    statusBar()->showMessage(tr("Ready"));
    QSettings s;
    if (!restoreGeometry(s.value("window/geometry").toByteArray())) resize(1280, 800);
    restoreState(s.value("window/state").toByteArray());
}

void MainWindow::addPage(Page* page)
{
    m_pages.push_back(page);
    const int n = int(m_pages.size());
    page->setObjectName(page->pageId() + QStringLiteral("Page"));
    m_tabs->addTab(page, QStringLiteral("%1  %2").arg(n).arg(page->pageTitle()));
    QAction* show = m_view->addAction(page->pageTitle(), this, [this, page] { showPage(page); });
    show->setObjectName(QStringLiteral("show-") + page->pageId());
    if (n <= 9) show->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_0 + n)));
    connect(page, &Page::logMessage, this, &MainWindow::log);
}

void MainWindow::showPage(Page* page) { m_tabs->setCurrentWidget(page); }

void MainWindow::showTasks()
{
    // Every background task, whichever page started it (common/task_center.h).
    const QStringList work = TaskCenter::instance().runningWork();
    const bool busy = !work.isEmpty();
    m_busy->setVisible(busy);
    m_busy->setToolTip(work.join(QLatin1Char('\n')));
    m_stopAll->setEnabled(busy);
    if (busy)
        statusBar()->showMessage(
            work.size() == 1
                ? work.first()
                : tr("%1 tasks running: %2").arg(work.size()).arg(work.join(QStringLiteral("; "))));
    else
        statusBar()->showMessage(tr("Ready"), 3000);
}

QString MainWindow::exampleFile()
{
    const QString dir = QString::fromStdString(core::datasetsDir());
    const QString f = dir + "/binary-device-traces.csv";
    return !dir.isEmpty() && QFileInfo::exists(f) ? f : QString();
}

bool MainWindow::openDeviceFileInteractive(const QString& path)
{
    if (!isCsvFile(path)) return openDeviceFile(path);
    CsvImportDialog dialog(path, this);
    if (dialog.exec() != QDialog::Accepted) {
        log(tr("Import of %1 cancelled; the loaded data are unchanged").arg(path));
        return false;
    }
    return openDeviceFile(path, dialog.options());
}

bool MainWindow::openDeviceFile(const QString& path, const core::DeviceLoadOptions& options)
{
    m_tabs->setCurrentWidget(m_device);
    const bool ok = m_device->loadFile(path, options);
    statusBar()->showMessage(ok ? tr("Loaded %1").arg(QFileInfo(path).fileName())
                                : tr("Could not load %1").arg(QFileInfo(path).fileName()),
                             5000);
    return ok;
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    m_view = menuBar()->addMenu(tr("&View"));  // one entry per page (addPage)
    QMenu* tools = menuBar()->addMenu(tr("&Tools"));
    tools->addAction(tr("&Reproduce the paper..."), this,
                     [this] { m_tabs->setCurrentWidget(m_reproduce); });
    tools->addSeparator();
    m_stopAll = tools->addAction(tr("&Stop all background work"), this, [this] {
        log(tr("Stopping: %1")
                .arg(TaskCenter::instance().runningWork().join(QStringLiteral("; "))));
        TaskCenter::instance().stopAll();
    });
    m_stopAll->setObjectName(QStringLiteral("stopAll"));
    m_stopAll->setEnabled(false);
    file->addAction(tr("&Open device data..."), QKeySequence::Open, this, [this] {
        const QString p = QFileDialog::getOpenFileName(
            this, tr("Open device data"), QString(),
            tr("Device data (%1);;All files (*)")
                .arg(QString::fromStdString(core::deviceFilePatterns())));
        if (!p.isEmpty()) openDeviceFileInteractive(p);
    });
    file->addAction(tr("Open &example data"), this, [this] {
        const QString f = exampleFile();
        if (f.isEmpty())
            log(tr("Error: the bundled example data were not found"));
        else
            openDeviceFile(f);
    });
    file->addAction(tr("Open e&xperiment file..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O),
                    this, [this] {
                        m_tabs->setCurrentWidget(m_runs);
                        m_runs->openDialog();
                    });
    file->addAction(tr("&Save experiment copy as..."), QKeySequence::SaveAs, this, [this] {
        m_tabs->setCurrentWidget(m_runs);
        m_runs->saveAsDialog();
    });
    m_recent = file->addMenu(tr("Open &recent"));
    rebuildRecentMenu();
    file->addSeparator();
    file->addAction(tr("Export this page's &charts (PNG, SVG, PDF, CSV)..."),
                    QKeySequence(Qt::CTRL | Qt::Key_E), this, &MainWindow::exportPageChartsDialog);
    file->addAction(tr("Export &table (CSV)..."), this, &MainWindow::exportTable);
    file->addAction(tr("Export &lookup table (CSV, HDF5)..."), QKeySequence(Qt::CTRL | Qt::Key_L),
                    this, &MainWindow::exportLut);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About DW-MTJ Workbench"), this, &MainWindow::about);
}

void MainWindow::log(const QString& text)
{
    m_log->appendPlainText(QDateTime::currentDateTime().toString("HH:mm:ss  ") + text);
}

void MainWindow::rememberRecent(const QString& path)
{
    QSettings s;
    QStringList list = s.value("recentFiles").toStringList();
    list.removeAll(path);
    list.prepend(QFileInfo(path).absoluteFilePath());
    while (list.size() > 10) list.removeLast();
    s.setValue("recentFiles", list);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recent->clear();
    const QStringList list = QSettings().value("recentFiles").toStringList();
    for (const QString& p : list)
        m_recent->addAction(p, this, [this, p] { openDeviceFileInteractive(p); });
    m_recent->setEnabled(!list.isEmpty());
}

QString MainWindow::exportPageCharts(const QString& dir)
{
    QStringList errors;
    int n = 0;
    for (QChartView* view : m_tabs->currentWidget()->findChildren<QChartView*>()) {
        if (!view->chart() || view->chart()->series().isEmpty()) continue;
        QString name = view->chart()->title().toLower();
        name.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
        name = name.left(60).remove(QRegularExpression(QStringLiteral("^-+|-+$")));
        if (name.isEmpty()) name = QStringLiteral("chart");
        const QString err = exportChartSet(
            view, dir, QStringLiteral("%1-%2").arg(++n, 2, 10, QLatin1Char('0')).arg(name));
        if (!err.isEmpty()) errors << err;
    }
    if (n == 0) errors << tr("this page has no chart with data to export");
    return errors.join(QLatin1Char('\n'));
}

void MainWindow::exportPageChartsDialog()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export charts into folder"));
    if (dir.isEmpty()) return;
    const QString err = exportPageCharts(dir);
    log(err.isEmpty() ? tr("Charts written to %1 (PNG, SVG, PDF and CSV)").arg(dir)
                      : tr("Error: %1").arg(err));
    if (!err.isEmpty()) QMessageBox::warning(this, tr("Export charts"), err);
}

void MainWindow::exportTable()
{
    const QString p = QFileDialog::getSaveFileName(this, tr("Export table"), "per-voltage.csv",
                                                   tr("CSV (*.csv)"));
    if (p.isEmpty()) return;
    const QString err = m_device->exportTableCsv(p);
    log(err.isEmpty() ? tr("Table written to %1").arg(p) : tr("Error: %1").arg(err));
}

void MainWindow::exportLut()
{
    const QString p = QFileDialog::getSaveFileName(
        this, tr("Export lookup table"), "device-lut.csv", tr("CSV (*.csv);;HDF5 (*.h5)"));
    if (p.isEmpty()) return;
    const QString err = m_device->exportLut(p);
    log(err.isEmpty() ? tr("Lookup table written to %1").arg(p) : tr("Error: %1").arg(err));
    if (!err.isEmpty()) QMessageBox::warning(this, tr("Lookup table"), err);
}

void MainWindow::about()
{
    QMessageBox::about(
        this, tr("About DW-MTJ Workbench"),
        tr("<h3>DW-MTJ Workbench %1</h3><p>Stochastic domain-wall MTJ neurons: device data, fits, "
           "lookup tables, spiking-network training and noise robustness.</p><pre>Qt "
           "%2\n%3\n%4</pre>")
            .arg(core::version(), qVersion(),
                 QString::fromStdString(core::libraryVersions()).toHtmlEscaped(),
                 QString::fromStdString(core::computeDeviceDescription()).toHtmlEscaped()));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    const QStringList work = TaskCenter::instance().runningWork(true);
    if (!work.isEmpty()) {
        const auto answer = QMessageBox::question(
            this, tr("Quit"),
            tr("Still running:\n  %1\n\nQuit anyway? Each is stopped at its next check; "
               "training keeps its experiment file, which can be resumed later.")
                .arg(work.join(QStringLiteral("\n  "))),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        TaskCenter::instance().stopAll();
    }
    QSettings s;
    s.setValue("window/geometry", saveGeometry());
    s.setValue("window/state", saveState());
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const auto urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile()) return;
    const QString path = urls.first().toLocalFile();
    // An HDF5 file goes to the Runs page (read in the store's worker; a damaged one is
    // reported there) unless it says it is device data; anything else is device data.
    if (isHdf5File(path) && !core::isDeviceHdf5(path.toStdString())) {
        m_tabs->setCurrentWidget(m_runs);
        m_runs->openFile(path);
        return;
    }
    openDeviceFileInteractive(path);
}

}  // namespace dwmtj::ui
