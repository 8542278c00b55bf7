// dwmtj plan-measurements: which switching cycles to measure next so that a trained network's
// accuracy interval narrows most (docs/models.md, "Planning measurements").
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cli_args.h"
#include "cli_commands.h"
#include "cli_eval_options.h"
#include "cli_progress.h"
#include "dwmtj/device_io.h"
#include "dwmtj/error.h"
#include "dwmtj/measurement_plan.h"
#include "dwmtj/training.h"

namespace dwmtj::cli {

using namespace dwmtj::core;

int runPlanMeasurements(const std::vector<std::string>& argv)
{
    Args a(argv, commandSpec("plan-measurements"));
    if (a.positionals().size() != 2)
        throw UsageError(
            "expected a device file and an experiment file: dwmtj plan-measurements "
            "DEVICE RUN.h5 --budget N");
    const std::string devicePath = a.positionals()[0], runPath = a.positionals()[1];
    MeasurementPlanOptions po;
    po.budgetPulses = a.number("budget", po.budgetPulses);
    po.pulseCap = int(a.integer("cap", po.pulseCap));
    if (a.has("voltages")) {
        try {
            po.candidates = parseSigmaList(a.get("voltages", ""));
        } catch (const OptionsError& e) {
            throw UsageError(std::string("--voltages: ") + e.what());
        }
    }
    try {
        po.validate();
    } catch (const OptionsError& e) {
        throw UsageError(e.what());
    }
    const VariabilityOptions vo = evaluationOptions(a);
    const double stepSe = a.number("step-se", 1);

    const DeviceData data = loadDeviceFile(devicePath);
    if (data.kind != DeviceKind::Binary || !data.binary.trialsKnown)
        throw Error(devicePath + ": the plan needs binary switching data with trial counts");
    SigmoidFitOptions fo;
    fo.drive = data.drive;
    SigmoidFit fit;
    try {
        fit = fitSigmoid(data.binary.counts, true, fo);
    } catch (const FitError& e) {
        throw Error(devicePath + ": " + e.what());
    }
    const Experiment e = loadExperiment(runPath);
    InterruptWatcher interrupts;
    const CurveSensitivity s = curveSensitivity(e, data, fit, vo, stepSe, interrupts.token(),
                                                batchProgress("sensitivity"));
    if (!s.valid) return kExitStopped;
    const MeasurementPlan plan = planMeasurements(data.binary.counts, fit, s.gradient, po);
    const DriveDisplay d = driveDisplay(data);
    // The voltages the network applied to its device (its runs' test passes, summed).
    const VoltageHistogram h = appliedVoltageHistogram(e);
    std::vector<double> candidates;
    for (const auto& r : plan.rows) candidates.push_back(r.voltage);
    AppliedVoltages applied;
    try {
        if (!h.counts.empty()) applied = appliedVoltages(h.counts, h.low, h.high, candidates);
    } catch (const OptionsError& err) {
        throw Error(runPath + ": its recorded voltages: " + err.what());
    }
    const bool haveApplied = !applied.share.empty();
    if (a.has("json")) {
        std::string j = "{\"device\":" + jsonString(devicePath) +
                        ",\"run\":" + jsonString(runPath) + ",\"drive\":\"" + toString(data.drive) +
                        "\",\"runs\":" + std::to_string(s.runs) +
                        ",\"test_images\":" + std::to_string(s.testImages) +
                        ",\"accuracy\":" + jsonNumber(s.accuracy) + ",\"gradient\":[" +
                        jsonNumber(s.gradient[0]) + "," + jsonNumber(s.gradient[1]) +
                        "],\"step\":[" + jsonNumber(s.step[0]) + "," + jsonNumber(s.step[1]) +
                        "],\"budget_pulses\":" + jsonNumber(po.budgetPulses) +
                        ",\"sd_now\":" + jsonNumber(plan.sdNow) +
                        ",\"sd_planned\":" + jsonNumber(plan.sdPlanned) +
                        ",\"sd_uniform\":" + jsonNumber(plan.sdUniform) +
                        ",\"planned_pulses\":" + jsonNumber(plan.plannedPulses) +
                        ",\"uniform_pulses\":" + jsonNumber(plan.uniformPulses) +
                        (haveApplied ? ",\"applied\":{\"samples\":" + jsonNumber(applied.samples) +
                                           ",\"q05\":" + jsonNumber(applied.q05) +
                                           ",\"median\":" + jsonNumber(applied.median) +
                                           ",\"q95\":" + jsonNumber(applied.q95) + "}"
                                     : std::string()) +
                        ",\"rows\":[";
        for (size_t i = 0; i < plan.rows.size(); ++i) {
            const auto& r = plan.rows[i];
            j += std::string(i ? "," : "") + "{\"voltage\":" + jsonNumber(r.voltage) +
                 ",\"p\":" + jsonNumber(r.probability) +
                 ",\"pulses_per_cycle\":" + jsonNumber(r.pulsesPerCycle) +
                 ",\"sd_reduction_per_pulse\":" + jsonNumber(r.sdReductionPerPulse) +
                 ",\"cycles\":" + std::to_string(r.cycles) +
                 ",\"uniform_cycles\":" + std::to_string(r.uniformCycles) +
                 (haveApplied ? ",\"applied_share\":" + jsonNumber(applied.share[i]) : "") + "}";
        }
        std::printf("%s]}\n", j.c_str());
        return 0;
    }
    const char* u = d.unit.c_str();
    std::printf("%s with %s: %d network(s), %d test images\n", devicePath.c_str(), runPath.c_str(),
                s.runs, s.testImages);
    std::printf(
        "Accuracy at the fitted curve %.2f %%; it moves by %+.3f points per %s of %s50 and "
        "%+.3f points per %s of w (central differences of +/- %.3g and %.3g %s)\n",
        100 * s.accuracy, 100 * s.gradient[0] / d.factor, u, d.symbol.c_str(),
        100 * s.gradient[1] / d.factor, u, d.shown(s.step[0]), d.shown(s.step[1]), u);
    std::printf(
        "The curve's uncertainty leaves an accuracy sd of %.3f points now (95 %% "
        "interval +/- %.3f).\n",
        100 * plan.sdNow, 196 * plan.sdNow);
    if (haveApplied)
        std::printf(
            "The network applies its device at %.4g-%.4g %s (5-95 %% of %.0f samples in its test "
            "pass, median %.4g %s); \"applied\": the share nearest each voltage.\n\n",
            d.shown(applied.q05), d.shown(applied.q95), u, applied.samples, d.shown(applied.median),
            u);
    else
        std::printf(
            "(The experiment file records no applied voltages: it was written before they were "
            "recorded; retrain or run dwmtj noise on it.)\n\n");
    std::printf(
        "  %11s  p(fit)   pulses/cycle  sd cut per 100 pulses  plan cycles  uniform  applied\n",
        d.axisLabel().c_str());
    for (size_t i = 0; i < plan.rows.size(); ++i) {
        const auto& r = plan.rows[i];
        std::printf(
            "  %11.4f  %6.4f  %12.2f  %21.4f  %11d  %7d  %6s\n", d.shown(r.voltage), r.probability,
            r.pulsesPerCycle, 100 * 100 * r.sdReductionPerPulse, r.cycles, r.uniformCycles,
            haveApplied ? (std::to_string(int(std::lround(100 * applied.share[i]))) + " %").c_str()
                        : "-");
    }
    std::printf("\nWith %.0f more pulses as planned (%.0f expected): sd %.3f points (+/- %.3f).\n",
                po.budgetPulses, plan.plannedPulses, 100 * plan.sdPlanned, 196 * plan.sdPlanned);
    std::printf("The same pulses spread uniformly (%.0f expected): sd %.3f points (+/- %.3f).\n",
                plan.uniformPulses, 100 * plan.sdUniform, 196 * plan.sdUniform);
    if (plan.sdNow > 0)
        std::printf("The plan narrows the interval by %.0f %%, uniform pulses by %.0f %%.\n",
                    100 * (1 - plan.sdPlanned / plan.sdNow),
                    100 * (1 - plan.sdUniform / plan.sdNow));
    std::printf(
        "This is the part of the accuracy's uncertainty that the device curve leaves; "
        "seeds and test images add their own.\n");
    return 0;
}

}  // namespace dwmtj::cli
