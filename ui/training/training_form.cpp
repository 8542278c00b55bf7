// The Train page's form: the network and training settings, the paper's presets, and the
// jobs and configuration they describe (training_page.cpp: queue and run; training_sweeps.cpp:
// sweep files and Slurm).
#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "charts/band_chart.h"
#include "charts/live_chart.h"
#include "common/table_export.h"
#include "dwmtj/error.h"
#include "dwmtj/experiment.h"
#include "dwmtj/fashion_mnist.h"
#include "dwmtj/reproduce.h"
#include "dwmtj/training.h"
#include "runs/experiment_store.h"
#include "training/construction_box.h"
#include "training/energy_box.h"
#include "training/slurm_dialog.h"
#include "training/training_page.h"

namespace dwmtj::ui {
namespace {

/// "0-4" for a run of consecutive seeds, else "0,3,7" (what the Seeds field reads).
QString seedsText(const std::vector<uint64_t>& seeds)
{
    bool run = seeds.size() > 2;
    for (size_t k = 1; k < seeds.size(); ++k) run = run && seeds[k] == seeds[k - 1] + 1;
    if (run) return QStringLiteral("%1-%2").arg(seeds.front()).arg(seeds.back());
    QStringList out;
    for (uint64_t s : seeds) out << QString::number(s);
    return out.join(QLatin1Char(','));
}

}  // namespace

QFormLayout* TrainingPage::buildForm()
{
    auto* form = new QFormLayout;
    m_preset = new QComboBox;
    m_preset->setObjectName(QStringLiteral("preset"));
    m_preset->addItem(tr("Custom"));
    // The paper's experiments at the paper's protocol, from the presets `dwmtj reproduce` reads
    // (resources/paper-experiments.ini): one entry per experiment, its neuron kinds and seeds.
    try {
        core::ReproOptions o;
        o.scale = core::ReproScale::Paper;
        o.outDir = "unused";  // the plan's file paths are not used here; nothing is written
        for (const core::ReproJob& j : core::makeReproPlan(o).jobs) {
            if (!j.beyond.empty()) continue;
            const QString name = QString::fromStdString(j.experiment);
            if (m_presets.isEmpty() || m_presets.back().first != name) m_presets.append({name, {}});
            m_presets.back().second.push_back(j.config);
        }
    } catch (const std::exception& e) {
        Q_EMIT logMessage(tr("The paper's experiments are not offered as presets: %1")
                              .arg(QString::fromUtf8(e.what())));
    }
    for (const auto& [name, configs] : m_presets) {
        const core::TrainingConfig& c = configs.front();
        m_preset->addItem(tr("%1: H %2, T %3").arg(name).arg(c.hidden).arg(c.timesteps));
    }
    // The neuron kinds come from the registry (dwmtj/neuron_kinds.h).
    auto* neurons = new QHBoxLayout;
    m_hybridLayer1 = new QComboBox;
    m_hybridLayer2 = new QComboBox;
    for (const core::NeuronKind k : core::neuronKinds()) {
        const auto& info = core::neuronKindInfo(k);
        const QString label =
            QString::fromStdString(info.label) + (info.device ? tr(" DW-MTJ") : QString());
        auto* box = new QCheckBox(label);
        box->setObjectName(QStringLiteral("neuron-") + QString::fromStdString(info.id));
        box->setToolTip(QString::fromStdString(info.description));
        box->setChecked(k == core::NeuronKind::Binary);
        m_kindBoxes.append({k, box});
        neurons->addWidget(box);
        for (auto* combo : {m_hybridLayer1, m_hybridLayer2}) {
            combo->addItem(QString::fromStdString(info.label), int(k));
            combo->setItemData(combo->count() - 1, QString::fromStdString(info.description),
                               Qt::ToolTipRole);
        }
    }
    neurons->addStretch();
    m_hybrid = new QCheckBox(tr("hybrid: layer 1"));
    m_hybrid->setObjectName(QStringLiteral("hybrid"));
    m_hybrid->setToolTip(
        tr("Also queue a network with one neuron kind per hidden layer (the paper's proposal: "
           "stochastic DW-MTJ neurons in one layer, LIF neurons in the other)"));
    m_hybridLayer1->setCurrentIndex(m_hybridLayer1->findData(int(core::NeuronKind::Binary)));
    m_hybridLayer2->setCurrentIndex(m_hybridLayer2->findData(int(core::NeuronKind::Lif)));
    m_hybridLayer1->setEnabled(false);
    m_hybridLayer2->setEnabled(false);
    connect(m_hybrid, &QCheckBox::toggled, m_hybridLayer1, &QWidget::setEnabled);
    connect(m_hybrid, &QCheckBox::toggled, m_hybridLayer2, &QWidget::setEnabled);
    auto* hybridRow = new QHBoxLayout;
    hybridRow->addWidget(m_hybrid);
    hybridRow->addWidget(m_hybridLayer1);
    hybridRow->addWidget(new QLabel(tr("layer 2")));
    hybridRow->addWidget(m_hybridLayer2);
    hybridRow->addStretch();
    auto spin = [](int lo, int hi, int v) {
        auto* s = new QSpinBox;
        s->setRange(lo, hi);
        s->setValue(v);
        return s;
    };
    m_hidden = new QLineEdit(QStringLiteral("500"));
    m_hidden->setObjectName(QStringLiteral("hidden"));
    m_hidden->setToolTip(
        tr("Hidden units per layer; several sizes separated by commas queue one job each"));
    m_timesteps = spin(1, 1000, 80);  // TrainingConfig::validate's limit
    m_epochs = spin(1, 100000, 10);
    m_batch = spin(2, 100000, 100);
    m_lr = new QDoubleSpinBox;
    m_lr->setDecimals(5);
    m_lr->setRange(1e-5, 1.0);
    m_lr->setSingleStep(1e-4);
    m_lr->setValue(1e-3);
    m_trainNoise = new QDoubleSpinBox;
    m_trainNoise->setObjectName(QStringLiteral("trainNoise"));
    m_trainNoise->setRange(0, 10);
    m_trainNoise->setDecimals(2);
    m_trainNoise->setSingleStep(0.1);
    m_trainNoise->setSpecialValueText(tr("none"));
    m_trainNoise->setToolTip(
        tr("Noise-aware training: Gaussian pixel noise of this σ (pixel units, clamped) on "
           "the training images; validation and test stay clean"));
    // Device variability: every DW-MTJ neuron its own device, drawn once per run.
    auto varSpin = [](const char* name, double max, int decimals, const QString& suffix,
                      const QString& tip) {
        auto* sb = new QDoubleSpinBox;
        sb->setObjectName(QString::fromLatin1(name));
        sb->setRange(0, max);
        sb->setDecimals(decimals);
        sb->setSingleStep(max / 100);
        sb->setSuffix(suffix);
        sb->setToolTip(tip);
        return sb;
    };
    m_varV50 = varSpin("varV50", 1, 3, QStringLiteral(" V"),
                       tr("Device to device: each device's V50 (multi-weight: each notch "
                          "threshold) shifted by N(0, sd)"));
    m_varWidth = varSpin("varWidth", 100, 1, QStringLiteral(" %"),
                         tr("Device to device: each device's width scaled by 1 + N(0, sd)"));
    m_varC2c = varSpin("varC2c", 1, 3, QStringLiteral(" V"),
                       tr("Cycle to cycle: every sample's operating point jitters by N(0, sd)"));
    m_varStuck = varSpin("varStuck", 100, 1, QStringLiteral(" %"),
                         tr("Stuck devices: half never switch, half always switch"));
    m_varSeed = new QSpinBox;
    m_varSeed->setRange(0, 1 << 30);
    m_varSeed->setPrefix(tr("device seed "));
    m_varSeed->setToolTip(tr("Device seed: the same seed draws the same devices"));
    m_varUse = new QComboBox;
    m_varUse->setObjectName(QStringLiteral("varUse"));
    m_varUse->addItem(tr("deploy: train nominal, test on the devices"),
                      QString::fromLatin1(core::toString(core::VariabilityUse::Evaluation)));
    m_varUse->addItem(tr("hardware-aware: train on the devices"),
                      QString::fromLatin1(core::toString(core::VariabilityUse::Training)));
    m_varUse->setToolTip(
        tr("Evaluation: the network trains on the nominal device and its best checkpoint is then "
           "tested on its drawn devices; training: it trains and is tested on them"));
    m_gain = new QDoubleSpinBox;
    m_gain->setObjectName(QStringLiteral("gain"));
    m_gain->setRange(0, 100);
    m_gain->setDecimals(4);
    m_gain->setSingleStep(0.01);
    m_gain->setSuffix(QStringLiteral(" V"));
    m_gain->setSpecialValueText(tr("from the LUT"));
    m_gain->setToolTip(
        tr("DW-MTJ input-to-voltage gain (V per unit of normalized input): how stochastic "
           "the device neuron is; 0 = the LUT's suggestion"));
    m_device = new QComboBox;
    for (const auto& d : core::availableDevices())
        m_device->addItem(QString::fromStdString(d).toUpper(), QString::fromStdString(d));
    m_device->setToolTip(tr("CUDA appears when this build's LibTorch sees a GPU"));
    m_seeds = new QLineEdit(QStringLiteral("0"));
    m_seeds->setObjectName(QStringLiteral("seeds"));
    m_seeds->setToolTip(tr("Seeds: a list like 0,3,7 or a range like 0-4"));
    m_lutBinary = new QLineEdit;
    m_lutBinary->setPlaceholderText(tr("bundled binary-device LUT"));
    m_lutBinary->setToolTip(
        tr("Lookup table (CSV or HDF5) of a binary device; build one on the Lookup table page"));
    connect(m_lutBinary, &QLineEdit::editingFinished, this, [this] { updateDriveUnits(); });
    m_lutMulti = new QLineEdit;
    m_lutMulti->setPlaceholderText(tr("bundled multi-weight-device LUT"));
    m_lutMulti->setToolTip(tr(
        "Lookup table (CSV or HDF5) of a multi-weight device; build one on the Lookup table page"));
    connect(m_lutMulti, &QLineEdit::editingFinished, this, [this] { updateDriveUnits(); });
    m_dataDir = new QLineEdit;
    m_dataDir->setPlaceholderText(QString::fromUtf8(core::kDefaultFashionMnistDir));
    m_sample = new QCheckBox(tr("Use the bundled 3000-image sample (quick try)"));
    m_out = new QLineEdit(QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                              .filePath(QStringLiteral("dwmtj-run.h5")));
    m_out->setToolTip(
        tr("With several jobs, each writes <name>-<neuron>-H<h>-T<t>.h5; existing files are never "
           "overwritten"));
    auto* browse = new QPushButton(tr("Browse..."));
    auto* outRow = new QHBoxLayout;
    outRow->addWidget(m_out);
    outRow->addWidget(browse);
    form->addRow(tr("Preset"), m_preset);
    form->addRow(tr("Neurons"), neurons);
    form->addRow(QString(), hybridRow);
    form->addRow(tr("Hidden units H"), m_hidden);
    form->addRow(tr("Time steps T"), m_timesteps);
    form->addRow(tr("Epochs"), m_epochs);
    form->addRow(tr("Batch size"), m_batch);
    form->addRow(tr("Learning rate (Adam)"), m_lr);
    form->addRow(tr("Seeds"), m_seeds);
    form->addRow(tr("Training noise σ"), m_trainNoise);
    m_construction = new ConstructionBox;
    form->addRow(tr("Network construction"), m_construction);
    form->addRow(tr("Device gain"), m_gain);
    m_energy = new EnergyBox;
    form->addRow(tr("Energy model"), m_energy);
    auto* varRow = new QGridLayout;
    varRow->addWidget(new QLabel(tr("V50 sd")), 0, 0);
    varRow->addWidget(m_varV50, 0, 1);
    varRow->addWidget(new QLabel(tr("width sd")), 0, 2);
    varRow->addWidget(m_varWidth, 0, 3);
    varRow->addWidget(new QLabel(tr("jitter sd")), 1, 0);
    varRow->addWidget(m_varC2c, 1, 1);
    varRow->addWidget(new QLabel(tr("stuck")), 1, 2);
    varRow->addWidget(m_varStuck, 1, 3);
    varRow->addWidget(m_varUse, 2, 0, 1, 3);
    varRow->addWidget(m_varSeed, 2, 3);
    form->addRow(tr("Device variability"), varRow);
    form->addRow(tr("Device"), m_device);
    form->addRow(tr("Binary LUT"), m_lutBinary);
    form->addRow(tr("Multi-weight LUT"), m_lutMulti);
    form->addRow(tr("Fashion-MNIST folder"), m_dataDir);
    form->addRow(QString(), m_sample);
    form->addRow(tr("Experiment file"), outRow);
    connect(m_preset, &QComboBox::currentIndexChanged, this, &TrainingPage::applyPreset);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getSaveFileName(this, tr("Experiment file"), m_out->text(),
                                                       tr("HDF5 experiment (*.h5)"));
        if (!f.isEmpty()) m_out->setText(f);
    });
    return form;
}

void TrainingPage::applyPreset(int index)
{
    if (index <= 0 || index > m_presets.size()) return;
    const auto& configs = m_presets[index - 1].second;
    const core::TrainingConfig& c = configs.front();
    m_hidden->setText(QString::number(c.hidden));
    m_timesteps->setValue(c.timesteps);
    for (const auto& [kind, box] : m_kindBoxes)
        box->setChecked(std::any_of(configs.begin(), configs.end(),
                                    [k = kind](const auto& x) { return x.neuron == k; }));
    m_hybrid->setChecked(false);
    m_seeds->setText(seedsText(c.seeds));
    m_epochs->setValue(c.epochs);
    m_batch->setValue(c.batchSize);
    m_lr->setValue(c.learningRate);
}

void TrainingPage::setNeuronTypes(const QList<core::NeuronKind>& kinds)
{
    for (const auto& [kind, box] : m_kindBoxes) box->setChecked(kinds.contains(kind));
}

void TrainingPage::setHybrid(bool on, core::NeuronKind layer1, core::NeuronKind layer2)
{
    m_hybrid->setChecked(on);
    m_hybridLayer1->setCurrentIndex(m_hybridLayer1->findData(int(layer1)));
    m_hybridLayer2->setCurrentIndex(m_hybridLayer2->findData(int(layer2)));
}

void TrainingPage::setHiddenSizes(const QString& list) { m_hidden->setText(list); }

void TrainingPage::setLutPath(const QString& path, bool multiState)
{
    (multiState ? m_lutMulti : m_lutBinary)->setText(path);
    updateDriveUnits();
}

std::string TrainingPage::lutFor(core::NeuronKind kind) const
{
    const auto& info = core::neuronKindInfo(kind);
    if (!info.device) return {};
    return (info.lutKind == core::DeviceKind::MultiState ? m_lutMulti : m_lutBinary)
        ->text()
        .trimmed()
        .toStdString();
}

std::vector<std::vector<core::NeuronKind>> TrainingPage::networks() const
{
    std::vector<std::vector<core::NeuronKind>> out;
    for (const auto& [kind, box] : m_kindBoxes)
        if (box->isChecked())
            out.push_back(
                std::vector<core::NeuronKind>(size_t(core::TrainingConfig::kHiddenLayers), kind));
    if (m_hybrid->isChecked()) {
        const std::vector<core::NeuronKind> h = {
            core::NeuronKind(m_hybridLayer1->currentData().toInt()),
            core::NeuronKind(m_hybridLayer2->currentData().toInt())};
        if (std::find(out.begin(), out.end(), h) == out.end()) out.push_back(h);
    }
    return out;
}

namespace {
std::vector<int> parseHidden(const QString& text)
{
    std::vector<int> out;
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int h = part.trimmed().toInt(&ok);
        if (!ok || h < 1 || h > 100000)
            throw core::OptionsError("hidden units: expected sizes like 500 or 500,200, got '" +
                                     text.toStdString() + "'");
        if (std::find(out.begin(), out.end(), h) == out.end()) out.push_back(h);
    }
    if (out.empty()) throw core::OptionsError("hidden units: enter at least one size, like 500");
    return out;
}
}  // namespace

core::TrainingConfig TrainingPage::config() const
{
    core::TrainingConfig c;
    const auto nets = networks();
    if (nets.empty()) throw core::OptionsError("choose at least one neuron type (or a hybrid)");
    c.hidden = parseHidden(m_hidden->text()).front();
    c.timesteps = m_timesteps->value();
    c.epochs = m_epochs->value();
    c.batchSize = m_batch->value();
    c.learningRate = m_lr->value();
    c.trainNoiseSigma = m_trainNoise->value();
    m_construction->apply(c);
    m_energy->apply(c);
    c.gainVolts = m_gain->value() > 0 ? m_gain->value() / m_driveFactor : std::nan("");
    c.device = m_device->currentData().toString().toStdString();
    c.setLayerKinds(nets.front(), [this](core::NeuronKind k) { return lutFor(k); });
    c.dataDir = m_sample->isChecked() ? core::fashionMnistSampleDir()
                                      : m_dataDir->text().trimmed().toStdString();
    if (m_sample->isChecked()) c.validationSize = 500;
    c.seeds = core::parseSeedList(m_seeds->text().toStdString());
    c.variability = variability();
    c.variabilityUse =
        core::variabilityUseFromString(m_varUse->currentData().toString().toStdString());
    return c;
}

core::VariabilitySettings TrainingPage::variability() const
{
    core::VariabilitySettings v;
    v.v50Sd = m_varV50->value() / m_driveFactor;
    v.widthSdRel = m_varWidth->value() / 100;
    v.c2cSd = m_varC2c->value() / m_driveFactor;
    v.stuckOff = v.stuckOn = m_varStuck->value() / 200;
    v.seed = uint64_t(m_varSeed->value());
    return v;
}

void TrainingPage::setVariability(const core::VariabilitySettings& v, core::VariabilityUse use)
{
    m_varV50->setValue(v.v50Sd * m_driveFactor);
    m_varWidth->setValue(100 * v.widthSdRel);
    m_varC2c->setValue(v.c2cSd * m_driveFactor);
    m_varStuck->setValue(100 * (v.stuckOff + v.stuckOn));
    m_varSeed->setValue(int(std::min<uint64_t>(v.seed, uint64_t(m_varSeed->maximum()))));
    m_varUse->setCurrentIndex(m_varUse->findData(QString::fromLatin1(core::toString(use))));
}

QString TrainingPage::uniquePath(const QString& wanted, const QStringList& taken) const
{
    QString p = wanted;
    const QFileInfo fi(wanted);
    for (int k = 2; QFileInfo::exists(p) || taken.contains(p); ++k)
        p = fi.dir().filePath(
            QStringLiteral("%1-%2.%3").arg(fi.completeBaseName()).arg(k).arg(fi.suffix()));
    return p;
}

QList<TrainingJob> TrainingPage::jobsFromForm() const
{
    const core::TrainingConfig base = config();
    if (outPath().isEmpty()) throw core::OptionsError("choose an experiment file to write");
    const auto hidden = parseHidden(m_hidden->text());
    const auto nets = networks();
    QStringList taken;
    for (const auto& e : m_entries) taken << e.job.outPath;
    const size_t count = nets.size() * hidden.size();
    QList<TrainingJob> jobs;
    const QFileInfo out(outPath());
    for (const auto& kinds : nets) {
        for (int h : hidden) {
            TrainingJob j;
            j.config = base;
            j.config.setLayerKinds(kinds, [this](core::NeuronKind k) { return lutFor(k); });
            j.config.hidden = h;
            if (!j.config.anyDeviceLayer()) j.config.variability = {};  // LIF: no devices
            j.config.validate();
            j.label = ExperimentStore::label(j.config);
            QString id = QString::fromStdString(core::layerKindsText(kinds));
            id.replace(QLatin1Char('/'), QLatin1Char('-'));  // "binary-lif"
            const QString wanted = count == 1
                                       ? out.absoluteFilePath()
                                       : out.dir().filePath(QStringLiteral("%1-%2-H%3-T%4.h5")
                                                                .arg(out.completeBaseName(), id)
                                                                .arg(h)
                                                                .arg(j.config.timesteps));
            j.outPath = uniquePath(wanted, taken);
            taken << j.outPath;
            jobs << j;
        }
    }
    return jobs;
}

QString TrainingPage::outPath() const { return m_out->text().trimmed(); }

void TrainingPage::setConfig(const core::TrainingConfig& c, const QString& outPath)
{
    m_preset->setCurrentIndex(0);
    if (c.hybrid()) {
        setNeuronTypes({});
        setHybrid(true, c.layer(0).neuron, c.layer(1).neuron);
    } else {
        setNeuronTypes({c.neuron});
        setHybrid(false);
    }
    m_hidden->setText(QString::number(c.hidden));
    m_timesteps->setValue(c.timesteps);
    m_epochs->setValue(c.epochs);
    m_batch->setValue(c.batchSize);
    m_lr->setValue(c.learningRate);
    m_trainNoise->setValue(c.trainNoiseSigma);
    m_construction->set(c);
    m_energy->set(c);
    setVariability(c.variability, c.variabilityUse);
    m_gain->setValue(std::isnan(c.gainVolts) ? 0.0 : c.gainVolts * m_driveFactor);
    QStringList seeds;
    for (auto s : c.seeds) seeds << QString::number(s);
    m_seeds->setText(seeds.join(QLatin1Char(',')));
    const int dev = m_device->findData(QString::fromStdString(c.device));
    if (dev >= 0) m_device->setCurrentIndex(dev);
    for (int i = 0; i < core::TrainingConfig::kHiddenLayers; ++i) {
        const core::LayerNeuron l = c.layer(i);
        const auto& info = core::neuronKindInfo(l.neuron);
        if (info.device)
            setLutPath(QString::fromStdString(l.lutPath),
                       info.lutKind == core::DeviceKind::MultiState);
    }
    const bool sample = !c.dataDir.empty() && c.dataDir == core::fashionMnistSampleDir();
    m_sample->setChecked(sample);
    m_dataDir->setText(sample ? QString() : QString::fromStdString(c.dataDir));
    m_out->setText(outPath);
}

}  // namespace dwmtj::ui
