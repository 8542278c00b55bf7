// EnergyBox (energy_box.h).
#include "training/energy_box.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>

namespace dwmtj::ui {

namespace {

QDoubleSpinBox* field(const char* name, double max, double value, const QString& suffix,
                      const QString& tip)
{
    auto* sb = new QDoubleSpinBox;
    sb->setObjectName(QString::fromLatin1(name));
    sb->setDecimals(1);
    sb->setRange(0, max);
    sb->setValue(value);
    sb->setSuffix(suffix);
    sb->setToolTip(tip);
    return sb;
}

}  // namespace

EnergyBox::EnergyBox(QWidget* parent) : QWidget(parent)
{
    const core::TrainingConfig paper;  // the defaults are the paper's device
    m_r2 = field("energyR2", 1e7, paper.energyR2Ohm, QStringLiteral(" Ω"),
                 tr("Two-point resistance of the device (the write path, track included)"));
    m_r4 = field("energyR4", 1e7, paper.energyR4Ohm, QStringLiteral(" Ω"),
                 tr("Four-point resistance: the domain-wall track alone"));
    m_pulse = field("energyPulse", 1e6, paper.energyPulseNs, QStringLiteral(" ns"),
                    tr("Write pulse width"));
    m_riseFall = field("energyRiseFall", 1e6, paper.energyRiseFallNs, QStringLiteral(" ns"),
                       tr("Rise plus fall time of the pulse"));
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(new QLabel(tr("R2")));
    row->addWidget(m_r2);
    row->addWidget(new QLabel(tr("R4")));
    row->addWidget(m_r4);
    row->addWidget(new QLabel(tr("pulse")));
    row->addWidget(m_pulse);
    row->addWidget(new QLabel(tr("+")));
    row->addWidget(m_riseFall);
    setToolTip(
        tr("The energy per inference of each run uses this device (the paper's by "
           "default); dwmtj energy computes one sample"));
}

void EnergyBox::apply(core::TrainingConfig& c) const
{
    c.energyR2Ohm = m_r2->value();
    c.energyR4Ohm = m_r4->value();
    c.energyPulseNs = m_pulse->value();
    c.energyRiseFallNs = m_riseFall->value();
}

void EnergyBox::set(const core::TrainingConfig& c)
{
    m_r2->setValue(c.energyR2Ohm);
    m_r4->setValue(c.energyR4Ohm);
    m_pulse->setValue(c.energyPulseNs);
    m_riseFall->setValue(c.energyRiseFallNs);
}

}  // namespace dwmtj::ui
