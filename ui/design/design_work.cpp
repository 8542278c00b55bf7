#include "design/design_work.h"

#include <QFileInfo>
#include <QObject>
#include <algorithm>
#include <cmath>
#include <filesystem>

#include "common/background_task.h"
#include "dwmtj/chip_yield.h"
#include "dwmtj/error.h"
#include "dwmtj/training.h"

namespace dwmtj::ui {

void runDesignWork(const std::string& dir, const std::string& preset, int jobs,
                   const std::string& program, std::stop_token stop, BackgroundTask& task)
{
    const std::string file = preset.empty() ? (std::filesystem::path(dir) / "design.ini").string()
                                            : core::designPresetFile(preset);
    const std::string sweep = core::prepareDesignFolder(file, dir);
    if (!QFileInfo(QString::fromStdString(program)).isExecutable())
        throw core::Error("the dwmtj program is not next to the workbench (" + program +
                          "); set DWMTJ_CLI");
    core::SweepRunOptions o;
    o.jobs = jobs;
    o.threadsPerTask = std::max(1, core::defaultThreadCount() / jobs);
    o.program = program;
    const auto sum = core::runSweepFolder(sweep, o, stop, {}, [&](const core::SweepRunProgress& p) {
        QString text = QObject::tr("Training: %1 of %2 networks (%3 %4)")
                           .arg(p.done)
                           .arg(p.total)
                           .arg(QString::fromStdString(p.taskId),
                                p.exitCode == 0 ? QObject::tr("done") : QObject::tr("failed"));
        if (std::isfinite(p.etaSeconds))
            text += QObject::tr(", about %1 min left").arg(std::ceil(p.etaSeconds / 60));
        task.reportProgress(p.total ? 0.8 * double(p.done) / double(p.total) : 0.8, text);
    });
    if (stop.stop_requested()) return;
    if (sum.failed)
        task.reportError(QObject::tr("%1 network(s) failed to train; their logs "
                                     "are in %2/logs")
                             .arg(sum.failed)
                             .arg(QString::fromStdString(sweep)));
    core::evaluateDesign(dir, 0, stop, [&](const std::string& what, int done, int total) {
        task.reportProgress(0.8 + 0.2 * (total ? double(done) / total : 1),
                            QObject::tr("Testing the %1").arg(QString::fromStdString(what)));
    });
}

/// The result and, per device, the chips its networks were tested as (variability curves).
void loadDesignView(const std::string& dir, core::DesignResult& result,
                    std::map<std::string, std::map<std::string, ChipLevels>>& chips)
{
    result = core::loadDesignResult(core::designResultFile(dir));
    for (const auto& p : result.points) {
        if (chips.count(p.device)) continue;
        auto& byAxis = chips[p.device];
        const std::string file = (std::filesystem::path(dir) / p.file).string();
        if (!std::filesystem::exists(file)) continue;
        const core::Experiment e = core::loadExperiment(file, false);
        for (const auto& run : e.runs)
            for (const auto& c : run.variability) {
                ChipLevels& levels = byAxis[c.axis];
                for (size_t k = 0; k < c.level.size() && k < c.accuracy.size(); ++k) {
                    auto it = std::find_if(levels.begin(), levels.end(),
                                           [&](const auto& l) { return l.first == c.level[k]; });
                    if (it == levels.end()) {
                        levels.push_back({c.level[k], {}});
                        it = levels.end() - 1;
                    }
                    it->second.insert(it->second.end(), c.accuracy[k].begin(), c.accuracy[k].end());
                }
            }
        for (auto& [axis, levels] : byAxis) std::sort(levels.begin(), levels.end());
    }
    for (const auto& h : result.hardwareAware) {  // chip 0: its own; the others: new chips
        const std::string file = (std::filesystem::path(dir) / h.file).string();
        if (!std::filesystem::exists(file)) continue;
        std::vector<double> own, fresh;
        for (const auto& run : core::loadExperiment(file, false).runs)
            for (const auto& c : run.variability)
                for (size_t k = 0; c.axis == "v50" && k < c.level.size() && k < c.accuracy.size();
                     ++k)
                    if (c.level[k] == h.v50Sd && !c.accuracy[k].empty()) {
                        own.push_back(c.accuracy[k][0]);
                        fresh.insert(fresh.end(), c.accuracy[k].begin() + 1, c.accuracy[k].end());
                    }
        chips[h.device][kHardwareAwareOwn] = {{h.v50Sd, own}};
        if (!fresh.empty()) chips[h.device][kHardwareAwareNew] = {{h.v50Sd, fresh}};
    }
}

ChipCurves deviceYieldCurves(const std::map<std::string, ChipLevels>& byAxis,
                             const std::string& axis, const QString& axisLabel)
{
    ChipCurves curves;
    if (auto a = byAxis.find(axis); a != byAxis.end())
        for (const auto& [level, chips] : a->second)
            curves.push_back({QStringLiteral("%1 %2").arg(axisLabel).arg(level), chips});
    if (axis != "v50") return curves;
    const std::pair<const char*, QString> kinds[] = {
        {kHardwareAwareOwn, QObject::tr("hardware-aware, on the chips it trained on (V50 sd %1)")},
        {kHardwareAwareNew, QObject::tr("hardware-aware, on new chips (V50 sd %1)")}};
    for (const auto& [key, label] : kinds)
        if (auto a = byAxis.find(key); a != byAxis.end())
            for (const auto& [level, chips] : a->second)
                curves.push_back({label.arg(level), chips});
    return curves;
}

std::vector<double> calibratedChips(const std::string& dir, const std::string& file, int pulses,
                                    std::stop_token stop, BackgroundTask& task, QString& label)
{
    std::vector<double> chips;
    const core::DesignSpace d = core::loadDesignFolder(dir);
    const core::Experiment e = core::loadExperiment(file);
    const double residual = core::calibrationResidualSd(core::deviceWidthOf(e), pulses);
    core::VariabilityOptions o;
    o.axes = {{"v50", {residual}}};
    o.draws = d.draws;
    o.seed = d.deviceSeed;  // the same chips as the design's V50 curves
    const core::Experiment tested = core::evaluateVariability(e, o, stop, [&](int done, int total) {
        task.reportProgress(total ? double(done) / total : 1,
                            QObject::tr("Testing calibrated chips: batch "
                                        "%1 of %2")
                                .arg(done)
                                .arg(total));
    });
    if (stop.stop_requested()) return {};
    for (const auto& run : tested.runs)
        for (const auto& c : run.variability)
            if (c.axis == "v50" && !c.accuracy.empty())
                chips.insert(chips.end(), c.accuracy[0].begin(), c.accuracy[0].end());
    label = QObject::tr("calibrated, %1 pulses (V50 sd %2 V)").arg(pulses).arg(residual, 0, 'g', 3);
    return chips;
}

}  // namespace dwmtj::ui
