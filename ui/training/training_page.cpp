#include "training/training_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QVBoxLayout>

#include "charts/live_chart.h"
#include "dwmtj/error.h"
#include "dwmtj/fashion_mnist.h"

namespace dwmtj::ui {
namespace {

QString duration(double s)
{
    if (!(s >= 0)) return QStringLiteral("?");
    const long t = long(s + 0.5);
    if (t >= 3600) return QStringLiteral("%1 h %2 min").arg(t / 3600).arg((t / 60) % 60);
    if (t >= 60) return QStringLiteral("%1 min %2 s").arg(t / 60).arg(t % 60);
    return QStringLiteral("%1 s").arg(t);
}

struct Preset {
    const char* name;
    int hidden, timesteps;
};
// The paper's experiments (Fig. 3b: H 500 and 200 at T 80; Fig. 3c: T 120; Fig. 3d: T 40).
constexpr Preset kPresets[] = {{"Custom", 0, 0},
                               {"Fig. 3b: H 500, T 80", 500, 80},
                               {"Fig. 3b: H 200, T 80", 200, 80},
                               {"Fig. 3c: H 500, T 120", 500, 120},
                               {"Fig. 3d: H 500, T 40", 500, 40}};

}  // namespace

TrainingPage::TrainingPage(QWidget* parent) : QWidget(parent), m_controller(new TrainingController(this))
{
    auto* form = new QFormLayout;
    m_preset = new QComboBox;
    for (const auto& p : kPresets) m_preset->addItem(QString::fromUtf8(p.name));
    m_neuron = new QComboBox;
    m_neuron->addItem(tr("LIF (ideal)"), int(core::NeuronKind::Lif));
    m_neuron->addItem(tr("Binary DW-MTJ"), int(core::NeuronKind::Binary));
    m_neuron->addItem(tr("Multi-weight DW-MTJ"), int(core::NeuronKind::MultiState));
    auto spin = [](int lo, int hi, int v) {
        auto* s = new QSpinBox;
        s->setRange(lo, hi);
        s->setValue(v);
        return s;
    };
    m_hidden = spin(1, 100000, 500);
    m_timesteps = spin(1, 10000, 80);
    m_epochs = spin(1, 100000, 10);
    m_batch = spin(2, 100000, 100);
    m_lr = new QDoubleSpinBox;
    m_lr->setDecimals(5);
    m_lr->setRange(1e-5, 1.0);
    m_lr->setSingleStep(1e-4);
    m_lr->setValue(1e-3);
    m_seeds = new QLineEdit(QStringLiteral("0"));
    m_seeds->setObjectName(QStringLiteral("seeds"));
    m_seeds->setToolTip(tr("Seeds: a list like 0,3,7 or a range like 0-4"));
    m_lut = new QLineEdit;
    m_lut->setPlaceholderText(tr("bundled example LUT"));
    m_dataDir = new QLineEdit;
    m_dataDir->setPlaceholderText(QString::fromUtf8(core::kDefaultFashionMnistDir));
    m_sample = new QCheckBox(tr("Use the bundled 3000-image sample (quick try)"));
    m_out = new QLineEdit(QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                              .filePath(QStringLiteral("dwmtj-run.h5")));
    auto* browse = new QPushButton(tr("Browse..."));
    auto* outRow = new QHBoxLayout;
    outRow->addWidget(m_out);
    outRow->addWidget(browse);
    form->addRow(tr("Preset"), m_preset);
    form->addRow(tr("Neuron"), m_neuron);
    form->addRow(tr("Hidden units H"), m_hidden);
    form->addRow(tr("Time steps T"), m_timesteps);
    form->addRow(tr("Epochs"), m_epochs);
    form->addRow(tr("Batch size"), m_batch);
    form->addRow(tr("Learning rate (Adam)"), m_lr);
    form->addRow(tr("Seeds"), m_seeds);
    form->addRow(tr("Lookup table"), m_lut);
    form->addRow(tr("Fashion-MNIST folder"), m_dataDir);
    form->addRow(QString(), m_sample);
    form->addRow(tr("Experiment file"), outRow);

    m_startButton = new QPushButton(tr("Start"));
    m_stopButton = new QPushButton(tr("Stop"));
    m_startButton->setDefault(true);
    m_stopButton->setEnabled(false);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_startButton);
    buttons->addWidget(m_stopButton);
    buttons->addStretch();
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_status = new QLabel(tr("Idle"));
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);

    auto* config = new QGroupBox(tr("Network and training"));
    auto* cl = new QVBoxLayout(config);
    cl->addLayout(form);
    cl->addLayout(buttons);
    cl->addWidget(m_progress);
    cl->addWidget(m_status);
    cl->addStretch();

    m_loss = new LiveChart(tr("Training loss per batch"), tr("batch"), tr("NLL loss"));
    m_accuracy = new LiveChart(tr("Validation accuracy per epoch"), tr("epoch"), tr("accuracy (%)"));
    auto* charts = new QSplitter(Qt::Vertical);
    charts->addWidget(m_loss);
    charts->addWidget(m_accuracy);
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(config);
    split->addWidget(charts);
    split->setStretchFactor(1, 1);
    auto* top = new QVBoxLayout(this);
    top->addWidget(split);

    connect(m_preset, &QComboBox::currentIndexChanged, this, &TrainingPage::applyPreset);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getSaveFileName(this, tr("Experiment file"), m_out->text(),
                                                       tr("HDF5 experiment (*.h5)"));
        if (!f.isEmpty()) m_out->setText(f);
    });
    connect(m_startButton, &QPushButton::clicked, this, &TrainingPage::start);
    connect(m_stopButton, &QPushButton::clicked, this, &TrainingPage::stop);
    connect(m_controller, &TrainingController::batch, this, &TrainingPage::onBatch);
    connect(m_controller, &TrainingController::epoch, this, &TrainingPage::onEpoch);
    connect(m_controller, &TrainingController::finished, this, &TrainingPage::onFinished);
    connect(m_controller, &TrainingController::stateChanged, this, &TrainingPage::onState);
    connect(m_controller, &TrainingController::message, this, &TrainingPage::logMessage);
    connect(m_controller, &TrainingController::failed, this, [this](const QString& e) {
        m_status->setText(tr("Failed: %1").arg(e));
        m_status->setStyleSheet(QStringLiteral("color: #b00020"));
        Q_EMIT logMessage(tr("training failed: %1").arg(e));
    });
}

void TrainingPage::applyPreset(int index)
{
    if (index <= 0 || index >= int(std::size(kPresets))) return;
    m_hidden->setValue(kPresets[index].hidden);
    m_timesteps->setValue(kPresets[index].timesteps);
    m_batch->setValue(100);
    m_lr->setValue(1e-3);
}

core::TrainingConfig TrainingPage::config() const
{
    core::TrainingConfig c;
    c.neuron = core::NeuronKind(m_neuron->currentData().toInt());
    c.hidden = m_hidden->value();
    c.timesteps = m_timesteps->value();
    c.epochs = m_epochs->value();
    c.batchSize = m_batch->value();
    c.learningRate = m_lr->value();
    c.lutPath = m_lut->text().trimmed().toStdString();
    c.dataDir = m_sample->isChecked() ? core::fashionMnistSampleDir() : m_dataDir->text().trimmed().toStdString();
    if (m_sample->isChecked()) c.validationSize = 500;
    c.seeds.clear();
    for (const QString& part : m_seeds->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QStringList ab = part.trimmed().split(QLatin1Char('-'));
        bool ok1 = false, ok2 = true;
        const qulonglong a = ab[0].toULongLong(&ok1);
        const qulonglong b = ab.size() > 1 ? ab[1].toULongLong(&ok2) : a;
        if (!ok1 || !ok2 || ab.size() > 2 || b < a || b - a > 1000)
            throw core::OptionsError("seeds: expected a list like 0,3,7 or a range like 0-4, got '" +
                                     m_seeds->text().toStdString() + "'");
        for (qulonglong s = a; s <= b; ++s) c.seeds.push_back(s);
    }
    return c;
}

void TrainingPage::setConfig(const core::TrainingConfig& c, const QString& outPath)
{
    m_preset->setCurrentIndex(0);
    m_neuron->setCurrentIndex(m_neuron->findData(int(c.neuron)));
    m_hidden->setValue(c.hidden);
    m_timesteps->setValue(c.timesteps);
    m_epochs->setValue(c.epochs);
    m_batch->setValue(c.batchSize);
    m_lr->setValue(c.learningRate);
    QStringList seeds;
    for (auto s : c.seeds) seeds << QString::number(s);
    m_seeds->setText(seeds.join(QLatin1Char(',')));
    m_lut->setText(QString::fromStdString(c.lutPath));
    const bool sample = !c.dataDir.empty() && c.dataDir == core::fashionMnistSampleDir();
    m_sample->setChecked(sample);
    m_dataDir->setText(sample ? QString() : QString::fromStdString(c.dataDir));
    m_out->setText(outPath);
}

QString TrainingPage::outPath() const { return m_out->text().trimmed(); }

void TrainingPage::start()
{
    try {
        const core::TrainingConfig c = config();
        if (outPath().isEmpty()) throw core::OptionsError("choose an experiment file to write");
        m_loss->clear();
        m_accuracy->clear();
        m_globalBatch = 0;
        m_progress->setValue(0);
        m_status->setStyleSheet(QString());
        m_status->setText(tr("Loading data..."));
        m_controller->start(c, outPath());
        Q_EMIT logMessage(tr("training %1 neurons, H %2, T %3, %4 epoch(s), %5 seed(s) -> %6")
                              .arg(QString::fromUtf8(core::toString(c.neuron)))
                              .arg(c.hidden)
                              .arg(c.timesteps)
                              .arg(c.epochs)
                              .arg(c.seeds.size())
                              .arg(outPath()));
    } catch (const std::exception& e) {
        m_status->setText(tr("Cannot start: %1").arg(QString::fromUtf8(e.what())));
        m_status->setStyleSheet(QStringLiteral("color: #b00020"));
    }
}

void TrainingPage::stop()
{
    m_controller->stop();
    m_status->setText(tr("Stopping after the current batch..."));
}

void TrainingPage::onBatch(const core::BatchProgress& p)
{
    ++m_globalBatch;
    m_loss->addPoint(tr("seed %1").arg(p.seed), QPointF(m_globalBatch, p.loss));
    const double perSeed = double(p.epochs) * p.batches;
    const double done = p.seedIndex * perSeed + double(p.epoch - 1) * p.batches + p.batch;
    m_progress->setValue(int(1000 * done / (perSeed * p.seedCount)));
    m_status->setText(tr("Seed %1 (%2 of %3), epoch %4 of %5, batch %6 of %7 — loss %8, %9 images/s, ETA %10")
                          .arg(p.seed)
                          .arg(p.seedIndex + 1)
                          .arg(p.seedCount)
                          .arg(p.epoch)
                          .arg(p.epochs)
                          .arg(p.batch)
                          .arg(p.batches)
                          .arg(p.loss, 0, 'f', 4)
                          .arg(p.imagesPerSecond, 0, 'f', 0)
                          .arg(duration(p.etaSeconds)));
    Q_EMIT busyChanged(true, tr("Training: ETA %1").arg(duration(p.etaSeconds)));
}

void TrainingPage::onEpoch(const core::EpochReport& r)
{
    m_accuracy->addPoint(tr("seed %1").arg(r.seed), QPointF(r.epoch, 100 * r.validationAccuracy));
    Q_EMIT logMessage(tr("seed %1 epoch %2: loss %3, train %4 %, validation %5 %%6")
                          .arg(r.seed)
                          .arg(r.epoch)
                          .arg(r.trainLoss, 0, 'f', 4)
                          .arg(100 * r.trainAccuracy, 0, 'f', 2)
                          .arg(100 * r.validationAccuracy, 0, 'f', 2)
                          .arg(r.best ? tr(" (best)") : QString()));
}

void TrainingPage::onFinished(const RunSummary& s)
{
    m_loss->flush();
    m_accuracy->flush();
    QStringList rows;
    for (const auto& r : s.runs)
        rows << tr("seed %1: %2, best validation %3 %, test %4 %")
                    .arg(r.seed)
                    .arg(QString::fromUtf8(core::toString(r.status)))
                    .arg(100 * r.bestValidationAccuracy, 0, 'f', 2)
                    .arg(100 * r.testAccuracy, 0, 'f', 2);
    m_status->setText(rows.join(QLatin1Char('\n')) + tr("\nSaved to %1").arg(s.outPath));
    for (const auto& row : rows) Q_EMIT logMessage(row);
}

void TrainingPage::onState(TrainingController::State s)
{
    const bool idle = s == TrainingController::State::Idle;
    m_startButton->setEnabled(idle);
    m_stopButton->setEnabled(s == TrainingController::State::Running);
    for (QWidget* w : {static_cast<QWidget*>(m_preset), static_cast<QWidget*>(m_neuron), static_cast<QWidget*>(m_hidden),
                       static_cast<QWidget*>(m_timesteps), static_cast<QWidget*>(m_epochs), static_cast<QWidget*>(m_batch),
                       static_cast<QWidget*>(m_lr), static_cast<QWidget*>(m_seeds), static_cast<QWidget*>(m_lut),
                       static_cast<QWidget*>(m_dataDir), static_cast<QWidget*>(m_sample), static_cast<QWidget*>(m_out)})
        w->setEnabled(idle);
    if (idle) Q_EMIT busyChanged(false, QString());
}

}  // namespace dwmtj::ui
