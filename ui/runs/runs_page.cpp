#include "runs/runs_page.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "charts/live_chart.h"
#include "common/error_banner.h"
#include "common/table_export.h"
#include "dwmtj/experiment.h"
#include "runs/experiment_store.h"
#include "runs/folder_watcher.h"

namespace dwmtj::ui {
namespace {
enum Column { File, Network, Seed, Status, Epochs, BestVal, Test, Time, Energy, Lut, NumColumns };

/// A table item that sorts by number when it has one.
class NumberItem : public QTableWidgetItem {
public:
    NumberItem(const QString& text, double value) : QTableWidgetItem(text)
    {
        setData(Qt::UserRole + 1, value);
    }
    bool operator<(const QTableWidgetItem& other) const override
    {
        const QVariant a = data(Qt::UserRole + 1), b = other.data(Qt::UserRole + 1);
        if (a.isValid() && b.isValid()) return a.value<double>() < b.value<double>();
        return QTableWidgetItem::operator<(other);
    }
};

QString lutText(const core::Experiment& x)
{
    if (!x.lut) return QStringLiteral("— (LIF)");
    const auto it = x.lut->provenance.find("source_file");
    const auto m = x.lut->provenance.find("method");
    const QString file = it != x.lut->provenance.end()
                             ? QFileInfo(QString::fromStdString(it->second)).fileName()
                             : QStringLiteral("?");
    return m != x.lut->provenance.end()
               ? QStringLiteral("%1 (%2)").arg(file, QString::fromStdString(m->second))
               : file;
}

QString fmt(double v, int decimals)
{
    return std::isfinite(v) ? QString::number(v, 'f', decimals) : QStringLiteral("—");
}
}  // namespace

RunsPage::RunsPage(ExperimentStore* store, QWidget* parent) : Page(parent), m_store(store)
{
    m_banner = makeErrorBanner();
    auto* open = new QPushButton(tr("Open experiment..."));
    auto* saveAs = new QPushButton(tr("Save copy as..."));
    auto* close = new QPushButton(tr("Close file"));
    auto* exportCsv = new QPushButton(tr("Export table (CSV)..."));
    m_watchButton = new QPushButton(tr("Watch folder..."));
    m_watchButton->setToolTip(
        tr("Follow a folder, e.g. a sweep's on a cluster's shared file system: experiment files "
           "that appear or are rewritten there open and update live."));
    m_watchLabel = new QLabel;
    m_watchLabel->setObjectName(QStringLiteral("watchStatus"));
    m_watcher = new FolderWatcher(this);
    auto* buttons = new QHBoxLayout;
    for (auto* b : {open, saveAs, close, exportCsv, m_watchButton}) buttons->addWidget(b);
    buttons->addWidget(m_watchLabel);
    buttons->addStretch();
    buttons->addWidget(new QLabel(tr("Select several runs to overlay their curves.")));

    m_table = new QTableWidget(0, NumColumns);
    m_table->setObjectName(QStringLiteral("runsTable"));
    m_table->setHorizontalHeaderLabels(
        {tr("File"), tr("Network"), tr("Seed"), tr("Status"), tr("Epochs"), tr("Best val. %"),
         tr("Test %"), tr("Train time (s)"), tr("Energy / inference (µJ)"), tr("Lookup table")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setSortingEnabled(true);
    installTableExportMenu(m_table, QStringLiteral("runs"));

    m_accuracy = new LiveChart(tr("Validation accuracy of the selected runs"), tr("epoch"),
                               tr("accuracy (%)"));
    m_loss = new LiveChart(tr("Training loss of the selected runs"), tr("batch"), tr("NLL loss"));
    installExportMenu(m_accuracy, QStringLiteral("runs-validation-accuracy"));
    installExportMenu(m_loss, QStringLiteral("runs-loss"));
    auto* charts = new QSplitter(Qt::Horizontal);
    charts->addWidget(m_accuracy);
    charts->addWidget(m_loss);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(m_table);
    split->addWidget(charts);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setSizes({300, 420});
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addLayout(buttons);
    layout->addWidget(split, 1);

    connect(open, &QPushButton::clicked, this, &RunsPage::openDialog);
    connect(saveAs, &QPushButton::clicked, this, &RunsPage::saveAsDialog);
    connect(close, &QPushButton::clicked, this, [this] {
        const QString f = selectedFile();
        if (!f.isEmpty()) m_store->close(f);
    });
    connect(exportCsv, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getSaveFileName(
            this, tr("Export runs table"), QStringLiteral("runs.csv"), tr("CSV (*.csv)"));
        if (p.isEmpty()) return;
        const QString err = exportTableCsv(p);
        Q_EMIT logMessage(err.isEmpty() ? tr("Runs table written to %1").arg(p)
                                        : tr("Error: %1").arg(err));
    });
    connect(m_watchButton, &QPushButton::clicked, this, [this] {
        if (m_watcher->active())
            stopWatching();
        else
            watchDialog();
    });
    connect(m_watcher, &FolderWatcher::loaded, this,
            [this](const QString& path, const core::Experiment& e) {
                const bool known = m_store->find(path) != nullptr;
                m_store->put(path, e);
                if (!known) Q_EMIT logMessage(tr("Watching: opened %1").arg(path));
            });
    connect(m_watcher, &FolderWatcher::unreadable, this,
            [this](const QString& path, const QString& error) {
                Q_EMIT logMessage(tr("Watching: %1 not readable now (tried again when it "
                                     "changes): %2")
                                      .arg(path, error));
            });
    connect(m_watcher, &FolderWatcher::scanned, this, [this](int files) {
        m_watchLabel->setText(tr("Watching %1: %n experiment file(s)", nullptr, files)
                                  .arg(QDir::toNativeSeparators(m_watcher->folder())));
    });
    connect(m_store, &ExperimentStore::changed, this, &RunsPage::rebuild);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &RunsPage::overlay);
}

void RunsPage::watchFolder(const QString& dir, int intervalMs)
{
    m_watcher->watch(QFileInfo(dir).absoluteFilePath(), intervalMs);
    m_watchButton->setText(tr("Stop watching"));
    m_watchLabel->setText(tr("Watching %1...").arg(QDir::toNativeSeparators(dir)));
    Q_EMIT logMessage(tr("Watching %1 for experiment files").arg(dir));
}

void RunsPage::stopWatching()
{
    if (!m_watcher->active()) return;
    m_watcher->stop();
    m_watchButton->setText(tr("Watch folder..."));
    m_watchLabel->clear();
    Q_EMIT logMessage(tr("Stopped watching %1").arg(m_watcher->folder()));
}

void RunsPage::watchDialog()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Watch folder"));
    if (!dir.isEmpty()) watchFolder(dir);
}

QString RunsPage::watchStatus() const { return m_watchLabel->text(); }

QString RunsPage::errorText() const { return m_banner->isHidden() ? QString() : m_banner->text(); }

void RunsPage::openFile(const QString& path)
{
    m_store->load(path, this, [this, path](const QString& err) {
        if (!err.isEmpty()) {
            m_banner->setText(err + (m_store->experiments().isEmpty()
                                         ? QString()
                                         : tr("\nThe files already open are kept.")));
            m_banner->show();
            Q_EMIT logMessage(tr("Error: %1").arg(err));
        } else {
            m_banner->hide();
            Q_EMIT logMessage(tr("Opened experiment %1").arg(path));
            Q_EMIT fileOpened(path);
        }
        Q_EMIT openFinished(path, err);
    });
}

void RunsPage::openDialog()
{
    const QStringList files =
        QFileDialog::getOpenFileNames(this, tr("Open experiment files"), QString(),
                                      tr("HDF5 experiment (*.h5 *.hdf5);;All files (*)"));
    for (const auto& f : files) openFile(f);
}

QString RunsPage::selectedFile() const
{
    const int row = m_table->currentRow();
    const auto* item = row >= 0 ? m_table->item(row, File) : nullptr;
    return item ? item->data(Qt::UserRole).toString() : QString();
}

void RunsPage::saveCopy(const QString& from, const QString& to)
{
    m_store->copy(from, to, this, [this, to](const QString& err) {
        Q_EMIT logMessage(err.isEmpty() ? tr("Experiment saved to %1").arg(to)
                                        : tr("Error: %1").arg(err));
        Q_EMIT copyFinished(to, err);
    });
}

void RunsPage::saveAsDialog()
{
    const QString from = selectedFile();
    if (from.isEmpty()) {
        Q_EMIT logMessage(tr("Select a run of the file to save first"));
        return;
    }
    const QString to = QFileDialog::getSaveFileName(this, tr("Save experiment copy"), from,
                                                    tr("HDF5 experiment (*.h5)"));
    if (to.isEmpty() || QFileInfo(to).absoluteFilePath() == from) return;
    saveCopy(from, to);
}

void RunsPage::rebuild()
{
    m_table->setSortingEnabled(false);
    m_table->clearSelection();
    m_table->setRowCount(0);
    for (const auto& e : m_store->experiments()) {
        const auto& x = e.experiment;
        const QString label = ExperimentStore::label(x.config);
        for (const auto& r : x.runs) {
            const int row = m_table->rowCount();
            m_table->insertRow(row);
            auto* file = new QTableWidgetItem(QFileInfo(e.path).fileName());
            file->setData(Qt::UserRole, e.path);
            file->setData(Qt::UserRole + 2, qulonglong(r.seed));
            file->setToolTip(e.path);
            file->setData(Qt::UserRole + 10, e.path);  // the CSV gets the full path
            m_table->setItem(row, File, file);
            m_table->setItem(row, Network, new QTableWidgetItem(label));
            m_table->setItem(row, Seed, new NumberItem(QString::number(r.seed), double(r.seed)));
            m_table->setItem(
                row, Status,
                new QTableWidgetItem(QString::fromUtf8(core::toString(r.status)) +
                                     (r.message.empty() ? QString()
                                                        : QStringLiteral(": ") +
                                                              QString::fromStdString(r.message))));
            m_table->setItem(
                row, Epochs,
                new NumberItem(QStringLiteral("%1 / %2").arg(r.epochsDone()).arg(x.config.epochs),
                               r.epochsDone()));
            m_table->setItem(
                row, BestVal,
                new NumberItem(fmt(100 * r.bestValidationAccuracy, 2), r.bestValidationAccuracy));
            m_table->setItem(row, Test,
                             new NumberItem(fmt(100 * r.testAccuracy, 2), r.testAccuracy));
            m_table->setItem(row, Time, new NumberItem(fmt(r.trainSeconds, 1), r.trainSeconds));
            m_table->setItem(
                row, Energy,
                new NumberItem(r.energy.valid ? fmt(r.energy.energyPerInferenceJ * 1e6, 3)
                                              : QStringLiteral("—"),
                               r.energy.valid ? r.energy.energyPerInferenceJ : -1));
            m_table->setItem(row, Lut, new QTableWidgetItem(lutText(x)));
        }
    }
    m_table->setSortingEnabled(true);
    overlay();
}

void RunsPage::overlay()
{
    m_accuracy->clear();
    m_loss->clear();
    QList<int> rows;
    for (const auto& idx : m_table->selectionModel()->selectedRows()) rows << idx.row();
    // Curve names: configuration and seed, plus the file when that alone is ambiguous.
    QStringList plain;
    for (int row : rows)
        plain << m_table->item(row, Network)->text() + QStringLiteral(" seed ") +
                     m_table->item(row, Seed)->text();
    for (int row : rows) {
        const auto* file = m_table->item(row, File);
        const auto* e = m_store->find(file->data(Qt::UserRole).toString());
        if (!e) continue;
        const auto seed = file->data(Qt::UserRole + 2).toULongLong();
        for (const auto& r : e->experiment.runs) {
            if (r.seed != seed) continue;
            const QString base = QStringLiteral("%1 seed %2")
                                     .arg(ExperimentStore::label(e->experiment.config))
                                     .arg(seed);
            const QString name =
                plain.count(base) > 1
                    ? base + QStringLiteral(" (%1)").arg(QFileInfo(e->path).completeBaseName())
                    : base;
            for (int k = 0; k < r.epochsDone(); ++k)
                m_accuracy->addPoint(name, QPointF(k + 1, 100 * r.epochValidationAccuracy[k]));
            for (size_t k = 0; k < r.batchLoss.size(); ++k)
                m_loss->addPoint(name, QPointF(double(k + 1), r.batchLoss[k]));
        }
    }
    m_accuracy->flush();
    m_loss->flush();
}

QString RunsPage::exportTableCsv(const QString& path) const
{
    return ui::exportTableCsv(m_table, path);
}

}  // namespace dwmtj::ui
