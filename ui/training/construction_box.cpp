// ConstructionBox (construction_box.h).
#include "training/construction_box.h"

#include <QComboBox>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>

namespace dwmtj::ui {

namespace {

/// A combo box of an option's names (the value's file/CLI spelling as item data).
template <typename E>
QComboBox* combo(const char* name, std::initializer_list<E> values, const QString& tip)
{
    auto* box = new QComboBox;
    box->setObjectName(QString::fromLatin1(name));
    for (E v : values) box->addItem(QString::fromLatin1(core::toString(v)), int(v));
    box->setToolTip(tip);
    return box;
}

template <typename E>
E valueOf(const QComboBox* box)
{
    return E(box->currentData().toInt());
}

void select(QComboBox* box, int value) { box->setCurrentIndex(std::max(0, box->findData(value))); }

}  // namespace

ConstructionBox::ConstructionBox(QWidget* parent) : QWidget(parent)
{
    using namespace core;
    m_gradient = combo(
        "deviceGradient", {DeviceGradient::StraightThrough, DeviceGradient::None},
        tr("straight-through: the device neurons pass g·p'(V) back; none: nothing passes them, "
           "so the layers below keep their initial values (as released)"));
    m_placement = combo("bnPlacement", {BnPlacement::Before, BnPlacement::After},
                        tr("BatchNorm before the neuron, or after it (as released)"));
    m_statistics = combo("bnStatistics", {BnStatistics::Sequence, BnStatistics::PerStep},
                         tr("BatchNorm statistics over all time steps of a batch, or per step "
                            "(as released)"));
    m_input = combo("inputEncoding", {InputEncoding::Pixel, InputEncoding::Standardized},
                    tr("pixel: spike probability = pixel; standardized: (x - 0.1307) / 0.3081, "
                       "noise in those units and never clamped (as released)"));
    m_init = combo("weightInit", {WeightInit::Default, WeightInit::Xavier},
                   tr("LibTorch's default initialization, or Xavier-uniform with zero biases "
                      "(as released)"));
    m_freeze = new QComboBox;
    m_freeze->setObjectName(QStringLiteral("freeze"));
    for (const char* f : {"none", "1", "2", "1,2"}) m_freeze->addItem(QString::fromLatin1(f));
    m_freeze->setToolTip(tr("Hidden layers that keep their initial values (the mechanism study)"));
    m_sampling = combo("sampling", {NeuronSampling::Stochastic, NeuronSampling::Deterministic},
                       tr("Deterministic: the released cells act as their device's expectation "
                          "(the mechanism study)"));
    auto* released = new QPushButton(tr("As released"));
    released->setObjectName(QStringLiteral("asReleased"));
    released->setToolTip(tr("Every option as the paper's released code (docs/models.md)"));
    auto* defaults = new QPushButton(tr("Defaults"));
    connect(released, &QPushButton::clicked, this, [this] { setReleased(true); });
    connect(defaults, &QPushButton::clicked, this, [this] { setReleased(false); });
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    const std::pair<QString, QComboBox*> cells[] = {{tr("gradient"), m_gradient},
                                                    {tr("BatchNorm"), m_placement},
                                                    {tr("statistics"), m_statistics},
                                                    {tr("input"), m_input},
                                                    {tr("init"), m_init},
                                                    {tr("frozen"), m_freeze},
                                                    {tr("sampling"), m_sampling}};
    int k = 0;
    for (const auto& [label, box] : cells) {
        grid->addWidget(new QLabel(label), k / 2, (k % 2) * 2);
        grid->addWidget(box, k / 2, (k % 2) * 2 + 1);
        ++k;
    }
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(released);
    buttons->addWidget(defaults);
    grid->addLayout(buttons, k / 2, (k % 2) * 2, 1, 2);
}

void ConstructionBox::apply(core::TrainingConfig& c) const
{
    c.deviceGradient = valueOf<core::DeviceGradient>(m_gradient);
    c.bnPlacement = valueOf<core::BnPlacement>(m_placement);
    c.bnStatistics = valueOf<core::BnStatistics>(m_statistics);
    c.input = valueOf<core::InputEncoding>(m_input);
    c.init = valueOf<core::WeightInit>(m_init);
    c.freeze = core::parseFrozenLayers(m_freeze->currentText().toStdString());
    c.sampling = valueOf<core::NeuronSampling>(m_sampling);
}

void ConstructionBox::set(const core::TrainingConfig& c)
{
    select(m_gradient, int(c.deviceGradient));
    select(m_placement, int(c.bnPlacement));
    select(m_statistics, int(c.bnStatistics));
    select(m_input, int(c.input));
    select(m_init, int(c.init));
    m_freeze->setCurrentText(QString::fromStdString(core::frozenLayersText(c.freeze)));
    select(m_sampling, int(c.sampling));
}

void ConstructionBox::setReleased(bool released)
{
    core::TrainingConfig c;
    if (released) {
        c.deviceGradient = core::DeviceGradient::None;
        c.bnPlacement = core::BnPlacement::After;
        c.bnStatistics = core::BnStatistics::PerStep;
        c.input = core::InputEncoding::Standardized;
        c.init = core::WeightInit::Xavier;
    }
    set(c);
}

}  // namespace dwmtj::ui
