#include "lut/lut_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include "charts/live_chart.h"
#include "devices/device_page.h"
#include "dwmtj/energy.h"

namespace dwmtj::ui {
namespace {

QDoubleSpinBox* number(double lo, double hi, double v, int decimals, const QString& suffix)
{
    auto* s = new QDoubleSpinBox;
    s->setRange(lo, hi);
    s->setDecimals(decimals);
    s->setValue(v);
    s->setSuffix(suffix);
    return s;
}

}  // namespace

LutPage::LutPage(DevicePage* source, QWidget* parent) : Page(parent), m_source(source)
{
    m_kind = new QComboBox;
    m_kind->addItem(tr("Fitted curve"), int(core::LutSource::Fit));
    m_kind->addItem(tr("Empirical points (isotonic + monotone cubic)"),
                    int(core::LutSource::Empirical));
    m_size = new QSpinBox;
    m_size->setRange(2, 1 << 20);
    m_size->setValue(1024);
    m_autoRange = new QCheckBox(tr("Automatic (measured range, widened for a fit)"));
    m_autoRange->setChecked(true);
    m_vMin = number(-100, 100, 1.0, 3, tr(" V"));
    m_vMax = number(-100, 100, 2.5, 3, tr(" V"));
    m_vMin->setEnabled(false);
    m_vMax->setEnabled(false);
    auto* build = new QFormLayout;
    build->addRow(tr("Source"), m_kind);
    build->addRow(tr("Grid points"), m_size);
    m_rangeLabel = new QLabel(tr("Voltage range"));
    build->addRow(m_rangeLabel, m_autoRange);
    build->addRow(tr("  from"), m_vMin);
    build->addRow(tr("  to"), m_vMax);
    auto* exportButton = new QPushButton(tr("Export lookup table..."));
    m_info = new QLabel;
    m_info->setWordWrap(true);
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* lutBox = new QGroupBox(tr("Lookup table"));
    auto* lb = new QVBoxLayout(lutBox);
    lb->addLayout(build);
    auto* useButton = new QPushButton(tr("Use for training..."));
    useButton->setToolTip(
        tr("Save this lookup table and make it the Train page's table for its neuron type"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(exportButton);
    buttons->addWidget(useButton);
    lb->addLayout(buttons);
    lb->addWidget(m_info);

    const core::EnergyParameters paper;
    m_voltage = number(0, 100, paper.voltageV, 3, tr(" V"));
    m_current = number(0, 1e6, paper.currentA * 1e3, 4, tr(" mA"));
    m_r2 = number(0.001, 1e9, paper.twoPointResistanceOhm, 1, tr(" ohm"));
    m_r4 = number(0.001, 1e9, paper.fourPointResistanceOhm, 1, tr(" ohm"));
    m_pulse = number(0, 1e9, paper.pulseWidthNs, 2, tr(" ns"));
    m_rise = number(0, 1e9, paper.riseFallNs, 2, tr(" ns"));
    auto* ef = new QFormLayout;
    ef->addRow(tr("Pulse voltage"), m_voltage);
    ef->addRow(tr("Pulse current"), m_current);
    m_energyForm = ef;
    ef->addRow(tr("Two-point resistance R2"), m_r2);
    ef->addRow(tr("Four-point (track) resistance R4"), m_r4);
    ef->addRow(tr("Pulse width"), m_pulse);
    ef->addRow(tr("Rise + fall time"), m_rise);
    m_energy = new QLabel;
    m_energy->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* energyBox = new QGroupBox(tr("Energy per device sample"));
    auto* eb = new QVBoxLayout(energyBox);
    eb->addLayout(ef);
    eb->addWidget(m_energy);

    auto* left = new QWidget;
    auto* ll = new QVBoxLayout(left);
    ll->addWidget(lutBox);
    ll->addWidget(energyBox);
    ll->addStretch();
    m_value = new LiveChart(tr("Lookup table"), tr("pulse voltage V [V]"), tr("probability"));
    m_value->setFixedYRange(0, 1);
    m_derivative = new LiveChart(tr("Derivative used by the backward pass"),
                                 tr("pulse voltage V [V]"), tr("dp/dV [1/V]"));
    auto* charts = new QSplitter(Qt::Vertical);
    charts->addWidget(m_value);
    charts->addWidget(m_derivative);
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(charts);
    split->setStretchFactor(1, 1);
    (new QVBoxLayout(this))->addWidget(split);

    connect(m_kind, &QComboBox::currentIndexChanged, this, &LutPage::rebuild);
    connect(m_size, &QSpinBox::valueChanged, this, &LutPage::rebuild);
    connect(m_vMin, &QDoubleSpinBox::valueChanged, this, &LutPage::rebuild);
    connect(m_vMax, &QDoubleSpinBox::valueChanged, this, &LutPage::rebuild);
    connect(m_autoRange, &QCheckBox::toggled, this, [this](bool on) {
        m_vMin->setEnabled(!on);
        m_vMax->setEnabled(!on);
        rebuild();
    });
    for (auto* s : {m_voltage, m_current, m_r2, m_r4, m_pulse, m_rise})
        connect(s, &QDoubleSpinBox::valueChanged, this, &LutPage::updateEnergy);
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString p =
            QFileDialog::getSaveFileName(this, tr("Export lookup table"), QStringLiteral("lut.csv"),
                                         tr("CSV (*.csv);;HDF5 (*.h5)"));
        if (p.isEmpty()) return;
        const QString err = exportLut(p);
        Q_EMIT logMessage(err.isEmpty() ? tr("Lookup table written to %1").arg(p)
                                        : tr("Error: %1").arg(err));
    });
    connect(useButton, &QPushButton::clicked, this, [this] {
        if (!m_lut) return;
        const QString p = QFileDialog::getSaveFileName(this, tr("Save lookup table for training"),
                                                       QStringLiteral("device-lut.h5"),
                                                       tr("HDF5 (*.h5);;CSV (*.csv)"));
        if (p.isEmpty()) return;
        const QString err = exportLut(p);
        Q_EMIT logMessage(err.isEmpty()
                              ? tr("Lookup table written to %1 and chosen for training").arg(p)
                              : tr("Error: %1").arg(err));
        if (err.isEmpty()) Q_EMIT useForTraining(p, m_lut->kind == core::DeviceKind::MultiState);
    });
    connect(m_source, &DevicePage::fileLoaded, this, &LutPage::rebuild);
    updateEnergy();
    rebuild();
}

void LutPage::setGridSize(int n) { m_size->setValue(n); }

void LutPage::showEvent(QShowEvent* e)
{
    QWidget::showEvent(e);
    rebuild();
}

void LutPage::rebuild()
{
    const core::DeviceData* data = m_source->data();
    if (!data) {
        m_info->setText(tr("Load device data first (page 1)."));
        return;
    }
    core::LutOptions o;
    o.source = core::LutSource(m_kind->currentData().toInt());
    o.size = m_size->value();
    // The drive as the Device page shows it: volts, or mA / uA for a current-driven device;
    // the table itself is in V or A.
    const core::DriveDisplay d = m_source->drive();
    const bool driveChanged = d.unit != m_drive.unit;
    m_drive = d;
    const QString unit = QString::fromStdString(d.unit), sym = QString::fromStdString(d.symbol);
    if (driveChanged) {
        const QSignalBlocker b1(m_vMin), b2(m_vMax);
        for (auto* sb : {m_vMin, m_vMax}) sb->setSuffix(QStringLiteral(" ") + unit);
        m_rangeLabel->setText(tr("%1 range").arg(QString::fromStdString(d.quantity)));
        const QString x = tr("pulse %1 %2 [%3]").arg(QString::fromStdString(d.quantity), sym, unit);
        m_value->setTitles(tr("Lookup table"), x, tr("probability"));
        m_derivative->setTitles(tr("Derivative used by the backward pass"), x,
                                tr("dp/d%1 [1/%2]").arg(sym, d.symbol == "I" ? "A" : "V"));
        updateEnergy();
    }
    if (!m_autoRange->isChecked())
        o.voltageMin = m_vMin->value() / d.factor, o.voltageMax = m_vMax->value() / d.factor;
    try {
        o.validate();
        const auto& fit = m_source->sigmoidFit();
        const auto& ord = m_source->ordinalFit();
        core::Lut lut = data->kind == core::DeviceKind::Binary
                            ? core::buildBinaryLut(*data, fit ? &*fit : nullptr, o)
                            : core::buildMultiStateLut(*data, ord ? &*ord : nullptr, o);
        m_lut = std::move(lut);
    } catch (const std::exception& e) {
        m_info->setText(tr("<span style='color:#b00020'>Cannot build the table: %1</span>")
                            .arg(QString::fromUtf8(e.what()).toHtmlEscaped()));
        return;  // the previous table stays
    }
    const core::Lut& l = *m_lut;
    m_value->clear();
    m_derivative->clear();
    for (size_t c = 0; c < l.curves.size(); ++c) {
        const QString name = l.kind == core::DeviceKind::Binary ? tr("p(%1)").arg(sym)
                                                                : tr("P(state >= %1)").arg(c + 2);
        for (size_t i = 0; i < l.voltage.size(); ++i) {
            m_value->addPoint(name, QPointF(d.shown(l.voltage[i]), l.curves[c][i]));
            m_derivative->addPoint(name, QPointF(d.shown(l.voltage[i]), l.derivatives[c][i]));
        }
    }
    m_value->flush();
    m_derivative->flush();
    if (m_autoRange->isChecked()) {
        const QSignalBlocker b1(m_vMin), b2(m_vMax);
        m_vMin->setValue(d.shown(l.vMin()));
        m_vMax->setValue(d.shown(l.vMax()));
    }
    m_info->setText(tr("%1 points, %2 .. %3 %4, %5 curve(s), source: %6.\nNeuron operating point: "
                       "%7 = %8 %4 + %9 %4 per unit input.")
                        .arg(l.voltage.size())
                        .arg(d.shown(l.vMin()), 0, 'f', 3)
                        .arg(d.shown(l.vMax()), 0, 'f', 3)
                        .arg(unit)
                        .arg(l.curves.size())
                        .arg(QString::fromUtf8(core::toString(o.source)))
                        .arg(sym)
                        .arg(d.shown(l.centreVoltage), 0, 'f', 4)
                        .arg(d.shown(l.gainVolts), 0, 'f', 4));
}

QString LutPage::exportLut(const QString& path) const
{
    if (!m_lut) return tr("no lookup table (load device data first)");
    try {
        core::saveLut(*m_lut, path.toStdString());
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

QString LutPage::energyText() const { return m_energy->text(); }

void LutPage::updateEnergy()
{
    // A current-driven device: E = I^2 R4 t_eff (R2 plays no part); else the paper's model.
    const bool current = m_drive.symbol == "I";
    m_energyForm->setRowVisible(m_voltage, !current);
    m_energyForm->setRowVisible(m_current, current);
    m_energyForm->setRowVisible(m_r2, !current);
    core::EnergyParameters p;
    p.drive = current ? core::Drive::Current : core::Drive::Voltage;
    p.voltageV = m_voltage->value();
    p.currentA = m_current->value() * 1e-3;
    p.twoPointResistanceOhm = m_r2->value();
    p.fourPointResistanceOhm = m_r4->value();
    p.pulseWidthNs = m_pulse->value();
    p.riseFallNs = m_rise->value();
    try {
        p.validate();
        const auto e = core::sampleEnergy(p);
        m_energy->setText(
            tr("<b>%1 pJ</b> per sample<br>track voltage %2 V, current %3 mA, power %4 mW, "
               "t_eff %5 ns")
                .arg(e.energyJ * 1e12, 0, 'f', 2)
                .arg(e.trackVoltageV, 0, 'f', 3)
                .arg(e.trackCurrentA * 1e3, 0, 'f', 3)
                .arg(e.powerW * 1e3, 0, 'f', 3)
                .arg(p.effectiveTimeNs(), 0, 'f', 1));
    } catch (const std::exception& e) {
        m_energy->setText(tr("<span style='color:#b00020'>%1</span>")
                              .arg(QString::fromUtf8(e.what()).toHtmlEscaped()));
    }
}

}  // namespace dwmtj::ui
