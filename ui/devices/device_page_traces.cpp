// The Device page's measurement views: the resistance traces of one voltage and cycle with
// the detected switch (Fig. 2b) and the pulses-to-switch histogram (Fig. 2c).
#include <QComboBox>
#include <QSignalBlocker>
#include <QSpinBox>
#include <cmath>

#include "charts/device_charts.h"
#include "devices/device_page.h"

namespace dwmtj::ui {

void DevicePage::fillTraceControls()
{
    const QSignalBlocker b1(m_traceVoltage), b2(m_traceCycle);
    m_traceVoltage->clear();
    if (!m_data || m_data->kind != core::DeviceKind::Binary) return;
    for (const auto& c : m_data->binary.counts)
        m_traceVoltage->addItem(QString::number(m_drive.shown(c.voltage), 'f', 3) +
                                    QStringLiteral(" ") + QString::fromStdString(m_drive.unit),
                                c.voltage);
    // Start where switching is most uncertain (p closest to 0.5): the most telling traces.
    int best = 0;
    for (int i = 0; i < int(m_data->binary.counts.size()); ++i)
        if (std::fabs(m_data->binary.counts[i].probability - 0.5) <
            std::fabs(m_data->binary.counts[best].probability - 0.5))
            best = i;
    m_traceVoltage->setCurrentIndex(best);
}

void DevicePage::showTraces(int voltageIndex, int cycle)
{
    m_traceVoltage->setCurrentIndex(voltageIndex);
    m_traceCycle->setValue(cycle);
    updateDeviceCharts();
}

void DevicePage::updateDeviceCharts()
{
    if (!m_data || m_data->kind != core::DeviceKind::Binary) {
        m_traces->showMessage(tr("Traces are shown for binary devices measured pulse by pulse"));
        m_histogram->showMessage(tr("The pulses-to-switch histogram needs switching events"));
        return;
    }
    const auto& b = m_data->binary;
    const double v = m_traceVoltage->currentData().value<double>();
    std::vector<const core::ResistanceTrace*> traces;
    for (const auto& t : b.traces)
        if (std::fabs(t.voltage - v) < 1e-9) traces.push_back(&t);
    if (traces.empty()) {
        m_traces->showMessage(b.traces.empty()
                                  ? tr("This file has no resistance traces (events or counts only)")
                                  : tr("No traces at %1").arg(m_traceVoltage->currentText()));
    } else {
        const QSignalBlocker block(m_traceCycle);
        int lo = traces.front()->cycle, hi = lo;
        for (auto* t : traces) lo = std::min(lo, t->cycle), hi = std::max(hi, t->cycle);
        m_traceCycle->setRange(lo, hi);
        const int cycle = m_traceCycle->value();
        const core::ResistanceTrace* chosen = traces.front();
        for (auto* t : traces)
            if (t->cycle == cycle) chosen = t;
        int switchPulse = 0;
        for (const auto& e : b.events)
            if (std::fabs(e.voltage - v) < 1e-9 && e.cycle == chosen->cycle && !e.censored)
                switchPulse = e.pulses;
        m_traces->showTrace(*chosen, b.detection, switchPulse);
    }
    if (b.events.empty()) {
        m_histogram->showMessage(tr("This file has no per-cycle switching events (counts only)"));
        return;
    }
    try {
        const double p =
            m_fit
                ? m_fit->probability(v)
                : b.counts.at(std::size_t(std::max(0, m_traceVoltage->currentIndex()))).probability;
        m_histogram->showHistogram(core::pulsesToSwitchHistogram(b.events, v, p), p,
                                   m_fit ? tr("fitted") : tr("measured"));
    } catch (const std::exception& e) {
        m_histogram->showMessage(QString::fromUtf8(e.what()));
    }
}

}  // namespace dwmtj::ui
