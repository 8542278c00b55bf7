// dwmtj fit / energy / simulate-device.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <sstream>

#include "cli_args.h"
#include "cli_commands.h"
#include "dwmtj/device_io.h"
#include "dwmtj/device_spread.h"
#include "dwmtj/energy.h"
#include "dwmtj/error.h"
#include "dwmtj/estimate.h"
#include "dwmtj/fit_report.h"
#include "dwmtj/lut.h"
#include "dwmtj/simulate.h"

namespace dwmtj::cli {
namespace {

using namespace dwmtj::core;

std::string parameterJson(const FitParameter& p)
{
    // ci_method only where the interval is not the default Wald one.
    return "{\"name\":" + jsonString(p.name) + ",\"unit\":" + jsonString(p.unit) +
           ",\"value\":" + jsonNumber(p.value) +
           ",\"standard_error\":" + jsonNumber(p.standardError) +
           ",\"ci_lower\":" + jsonNumber(p.lower) + ",\"ci_upper\":" + jsonNumber(p.upper) +
           (p.interval == "Wald" ? "" : ",\"ci_method\":" + jsonString(p.interval)) + "}";
}

std::string warningsJson(const std::vector<std::string>& w)
{
    std::string s = "[";
    for (std::size_t i = 0; i < w.size(); ++i) s += (i ? "," : "") + jsonString(w[i]);
    return s + "]";
}

std::string nestedJson(const NestedModelTest& t)
{
    if (!t.available) return "null";
    return "{\"statistic\":" + jsonNumber(t.statistic) + ",\"dof\":" + std::to_string(t.dof) +
           ",\"p\":" + jsonNumber(t.pValue) + ",\"reference\":" + jsonString(t.reference) +
           ",\"aic_full\":" + jsonNumber(t.fullAic) +
           ",\"aic_reduced\":" + jsonNumber(t.reducedAic) +
           ",\"log_likelihood_reduced\":" + jsonNumber(t.reducedLogLikelihood) + "}";
}

/// The drive quantity of the file: every amplitude in the JSON is in this SI unit (V or A).
std::string driveJson(const DeviceData& d)
{
    return std::string(",\"drive\":\"") + toString(d.drive) + "\",\"drive_unit\":\"" +
           siUnit(d.drive) + "\"";
}

std::string gofJson(double ll, double aic, double dev, double chi2, int df, double p)
{
    return "\"log_likelihood\":" + jsonNumber(ll) + ",\"aic\":" + jsonNumber(aic) +
           ",\"deviance\":" + jsonNumber(dev) + ",\"pearson_chi2\":" + jsonNumber(chi2) +
           ",\"dof\":" + std::to_string(df) + ",\"pearson_p\":" + jsonNumber(p);
}

std::vector<double> parseList(const std::string& text, const std::string& option)
{
    std::vector<double> out;
    std::istringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        char* end = nullptr;
        const double v = std::strtod(item.c_str(), &end);
        if (end == item.c_str() || *end != '\0')
            throw UsageError("--" + option + ": expected numbers separated by commas, found '" +
                             item + "'");
        out.push_back(v);
    }
    return out;
}

/// `--columns voltage=Vp,switches=sw`: the file's columns with these roles (a header name, any
/// case, or a 1-based column number); a role given here is taken from every other column.
/// `current=COLUMN` maps the drive column of a current-driven device (amperes unless its header
/// gives a unit) and sets lo.drive.
std::vector<ColumnRole> columnRoles(const std::string& path, const std::string& text,
                                    DeviceLoadOptions& lo)
{
    const CsvLayout layout = inspectCsv(path, lo);
    std::vector<ColumnRole> roles = layout.roles;
    auto lower = [](std::string x) {
        std::transform(x.begin(), x.end(), x.begin(),
                       [](unsigned char ch) { return std::tolower(ch); });
        return x;
    };
    std::istringstream items(text);
    std::string item;
    while (std::getline(items, item, ',')) {
        const auto eq = item.find('=');
        if (eq == std::string::npos)
            throw UsageError("--columns: expected ROLE=COLUMN, found '" + item + "'");
        std::string roleName = lower(item.substr(0, eq));
        const std::string column = item.substr(eq + 1);
        if (roleName == "current") {  // the drive column of a current-driven device, in A
            roleName = toString(ColumnRole::Voltage);
            lo.drive = Drive::Current;
        }
        std::optional<ColumnRole> role;
        std::string names = "current";
        for (int r = int(ColumnRole::Ignore); r <= int(ColumnRole::State); ++r) {
            names += std::string(names.empty() ? "" : ", ") + toString(ColumnRole(r));
            if (roleName == toString(ColumnRole(r))) role = ColumnRole(r);
        }
        if (!role)
            throw UsageError("--columns: unknown role '" + roleName + "' (roles: " + names + ")");
        std::size_t index = layout.headers.size();
        for (std::size_t c = 0; c < layout.headers.size(); ++c)
            if (lower(layout.headers[c]) == lower(column)) index = c;
        if (index == layout.headers.size()) {
            char* end = nullptr;
            const long n = std::strtol(column.c_str(), &end, 10);
            if (end != column.c_str() && *end == '\0' && n >= 1 && n <= long(roles.size()))
                index = std::size_t(n - 1);
        }
        if (index >= roles.size()) {
            std::string heads;
            for (const auto& h : layout.headers) heads += (heads.empty() ? "" : ", ") + h;
            throw UsageError("--columns: " + path + " has no column '" + column + "' (columns: " +
                             heads + "; or a number 1.." + std::to_string(roles.size()) + ")");
        }
        if (*role != ColumnRole::Ignore)
            for (auto& r : roles)
                if (r == *role) r = ColumnRole::Ignore;
        roles[index] = *role;
    }
    return roles;
}

}  // namespace

int runFit(const std::vector<std::string>& argv)
{
    Args a(argv, commandSpec("fit"));
    if (a.positionals().size() != 1) throw UsageError("fit needs exactly one FILE");
    const std::string path = a.positionals()[0];
    DeviceLoadOptions lo;
    const std::string dir = a.get("direction", "auto");
    if (dir == "p-ap")
        lo.detection.direction = SwitchDirection::ParallelToAntiparallel;
    else if (dir == "ap-p")
        lo.detection.direction = SwitchDirection::AntiparallelToParallel;
    else if (dir != "auto")
        throw UsageError("--direction: expected p-ap, ap-p or auto, found '" + dir + "'");
    lo.numStates = int(a.integer("states", 0));
    if (a.has("columns")) lo.roles = columnRoles(path, a.get("columns", ""), lo);
    const DeviceData data = loadDeviceFile(path, lo);
    const std::string model =
        a.get("model", data.kind == DeviceKind::MultiState ? "multistate" : "binary");
    if (model != "binary" && model != "multistate")
        throw UsageError("--model: expected binary or multistate, found '" + model + "'");
    if ((model == "multistate") != (data.kind == DeviceKind::MultiState))
        throw Error(path + ": --model " + model + " was asked for, but the file holds " +
                    (data.kind == DeviceKind::MultiState ? "multi-state (voltage, cycle, state)"
                                                         : "binary switching") +
                    " data");

    LutOptions lutOpts;
    lutOpts.size = int(a.integer("grid", 1024));
    if (a.has("range"))
        parseRange(a.get("range", ""), "range", lutOpts.voltageMin, lutOpts.voltageMax);
    const std::string src = a.get("source", "fit");
    if (src != "fit" && src != "empirical")
        throw UsageError("--source: expected fit or empirical, found '" + src + "'");
    lutOpts.source = src == "fit" ? LutSource::Fit : LutSource::Empirical;
    lutOpts.validate();
    const std::string lutPath = a.get("lut", "");
    const bool json = a.has("json");

    auto withFile = [&](auto&& fn) {
        try {
            return fn();
        } catch (const FitError& e) {
            throw Error(path + ": " + e.what());
        }
    };

    std::string out;
    if (data.kind == DeviceKind::Binary) {
        SigmoidFitOptions fo;
        const std::string form = a.get("form", "2");
        if (form != "2" && form != "4")
            throw UsageError("--form: expected 2 or 4, found '" + form + "'");
        fo.form = form == "4" ? SigmoidForm::FourParameter : SigmoidForm::TwoParameter;
        fo.drive = data.drive;
        if (a.has("exclude")) fo.excludeVoltages = parseList(a.get("exclude", ""), "exclude");
        if (a.has("fit-range"))
            parseRange(a.get("fit-range", ""), "fit-range", fo.voltageMin, fo.voltageMax);
        const auto est = estimateProportions(data.binary);
        const auto fit =
            withFile([&] { return fitSigmoid(data.binary.counts, data.binary.trialsKnown, fo); });
        Lut lut;
        if (!lutPath.empty()) {
            lut = buildBinaryLut(data, &fit, lutOpts);
            saveLut(lut, lutPath);
        }
        if (json) {
            out = "{\"file\":" + jsonString(path) + ",\"sha256\":" + jsonString(data.sourceSha256) +
                  ",\"model\":\"binary\",\"shape\":" + jsonString(data.sourceShape) +
                  driveJson(data) + ",\"estimates\":[";
            for (std::size_t i = 0; i < est.size(); ++i)
                out += std::string(i ? "," : "") + "{\"voltage\":" + jsonNumber(est[i].voltage) +
                       ",\"switches\":" + jsonNumber(est[i].switches) +
                       ",\"trials\":" + jsonNumber(est[i].trials) +
                       ",\"p\":" + jsonNumber(est[i].p) +
                       ",\"ci_lower\":" + jsonNumber(est[i].lower) +
                       ",\"ci_upper\":" + jsonNumber(est[i].upper) + "}";
            out += "],\"fit\":{\"method\":" + jsonString(toString(fit.method)) + ",\"form\":" +
                   (fit.form == SigmoidForm::TwoParameter ? "\"2-parameter\"" : "\"4-parameter\"") +
                   ",\"parameters\":[";
            for (std::size_t i = 0; i < fit.parameters.size(); ++i)
                out += (i ? "," : "") + parameterJson(fit.parameters[i]);
            out += "]";
            for (const auto& p : fit.parameters)
                if (p.name == "w")  // the 10-90 % width and its interval
                    out += ",\"width_10_90_V\":" + jsonNumber(kWidth10To90 * p.value) +
                           ",\"width_10_90_ci_V\":[" + jsonNumber(kWidth10To90 * p.lower) + "," +
                           jsonNumber(kWidth10To90 * p.upper) + "]";
            out += "," +
                   gofJson(fit.logLikelihood, fit.aic, fit.deviance, fit.pearsonChi2,
                           fit.degreesOfFreedom, fit.pearsonPValue) +
                   ",\"points_used\":" + std::to_string(fit.pointsUsed) +
                   ",\"converged\":true,\"convergence\":" + jsonString(fit.convergence) +
                   ",\"active_bounds\":" + warningsJson(fit.activeBounds) +
                   ",\"floor_ceiling_test\":" + nestedJson(fit.floorCeilingTest) +
                   ",\"warnings\":" + warningsJson(fit.warnings) + "}";
        } else {
            out = path + " (" + data.sourceShape + ", sha256 " + data.sourceSha256.substr(0, 12) +
                  ")\n";
            if (data.binary.detection) {
                const auto& d = *data.binary.detection;
                char buf[256];
                std::snprintf(buf, sizeof buf,
                              "Switch detection: levels %.1f / %.1f ohm, threshold %.1f ohm, %s "
                              "(%s), separation %.1f s.d.\n",
                              d.lowLevelOhm, d.highLevelOhm, d.thresholdOhm, toString(d.direction),
                              d.directionDetected ? "detected" : "chosen", d.separation);
                out += buf;
            }
            const auto shown = driveDisplay(data);
            out += "Per-" + shown.quantity + " switching probability per pulse:\n" +
                   formatEstimateTable(est, shown) + "\n" + formatSigmoidReport(fit, shown);
        }
    } else {
        OrdinalFitOptions oo;
        oo.commonWidth = a.has("common-width");
        const auto fit = withFile([&] { return fitOrdinal(data.multi, oo); });
        if (!lutPath.empty()) saveLut(buildMultiStateLut(data, &fit, lutOpts), lutPath);
        if (json) {
            out = "{\"file\":" + jsonString(path) + ",\"sha256\":" + jsonString(data.sourceSha256) +
                  ",\"model\":\"multistate\",\"num_states\":" + std::to_string(fit.numStates) +
                  driveJson(data) + ",\"state_table\":[";
            for (std::size_t i = 0; i < data.multi.voltages.size(); ++i) {
                out += std::string(i ? "," : "") +
                       "{\"voltage\":" + jsonNumber(data.multi.voltages[i]) + ",\"counts\":[";
                for (std::size_t k = 0; k < data.multi.stateCounts[i].size(); ++k)
                    out += (k ? "," : "") + jsonNumber(data.multi.stateCounts[i][k]);
                out += "],\"fitted\":[";
                for (int k = 1; k <= fit.numStates; ++k)
                    out += (k > 1 ? "," : "") +
                           jsonNumber(fit.stateProbability(k, data.multi.voltages[i]));
                out += "]}";
            }
            out += "],\"fit\":{\"method\":\"multinomial maximum likelihood\",\"common_width\":" +
                   std::string(fit.commonWidth ? "true" : "false") + ",\"thresholds\":[";
            for (std::size_t i = 0; i < fit.thresholds.size(); ++i)
                out += (i ? "," : "") + parameterJson(fit.thresholds[i]);
            out += "],\"widths\":[";
            for (std::size_t i = 0; i < fit.widths.size(); ++i)
                out += (i ? "," : "") + parameterJson(fit.widths[i]);
            out += "]," +
                   gofJson(fit.logLikelihood, fit.aic, fit.deviance, fit.pearsonChi2,
                           fit.degreesOfFreedom, fit.pearsonPValue) +
                   ",\"converged\":true,\"convergence\":" + jsonString(fit.convergence) +
                   ",\"active_constraints\":" + warningsJson(fit.activeConstraints) +
                   ",\"common_width_test\":" + nestedJson(fit.commonWidthTest) +
                   ",\"warnings\":" + warningsJson(fit.warnings) + "}";
        } else {
            out = path + " (multi-state, K = " + std::to_string(data.multi.numStates) +
                  ", sha256 " + data.sourceSha256.substr(0, 12) + ")\n";
            const auto shown = driveDisplay(data);
            out += "Observed state frequencies:\n" + formatMultiStateTable(data.multi, shown) +
                   "\n" + formatOrdinalReport(fit, shown);
        }
    }
    if (json) {
        out += ",\"load_warnings\":[";
        for (std::size_t i = 0; i < data.warnings.size(); ++i)
            out += (i ? "," : "") +
                   jsonString(
                       (data.warnings[i].location.empty() ? "" : data.warnings[i].location + ": ") +
                       data.warnings[i].message);
        out += "]";
        if (!lutPath.empty()) out += ",\"lut\":" + jsonString(lutPath);
        out += "}\n";
    } else {
        for (const auto& w : data.warnings)
            out += "warning: " + path + (w.location.empty() ? "" : ": " + w.location) + ": " +
                   w.message + "\n";
        if (!lutPath.empty()) out += "Lookup table written to " + lutPath + "\n";
    }
    std::fputs(out.c_str(), stdout);
    return 0;
}

int runEnergy(const std::vector<std::string>& argv)
{
    Args a(argv, commandSpec("energy"));
    if (!a.positionals().empty()) throw UsageError("energy takes no positional arguments");
    EnergyParameters p;
    if (a.has("current") && a.has("voltage"))
        throw UsageError("energy: give --voltage or --current, not both");
    if (a.has("current")) p.drive = Drive::Current;
    p.voltageV = a.number("voltage", p.voltageV);
    p.currentA = a.number("current", p.currentA);
    p.twoPointResistanceOhm = a.number("r2", p.twoPointResistanceOhm);
    p.fourPointResistanceOhm = a.number("r4", p.fourPointResistanceOhm);
    p.pulseWidthNs = a.number("pulse-ns", p.pulseWidthNs);
    p.riseFallNs = a.number("rise-fall-ns", p.riseFallNs);
    const auto e = sampleEnergy(p);
    const bool current = p.drive == Drive::Current;
    if (a.has("json")) {
        std::printf(
            "{\"drive\":\"%s\",\"%s\":%s,\"r2_ohm\":%s,\"r4_ohm\":%s,\"t_eff_ns\":%s,\"track_"
            "voltage_V\":%s,"
            "\"track_current_A\":%s,\"power_W\":%s,\"energy_J\":%s,\"energy_pJ\":%s}\n",
            toString(p.drive), current ? "current_A" : "voltage_V",
            jsonNumber(current ? p.currentA : p.voltageV).c_str(),
            jsonNumber(p.twoPointResistanceOhm).c_str(),
            jsonNumber(p.fourPointResistanceOhm).c_str(), jsonNumber(p.effectiveTimeNs()).c_str(),
            jsonNumber(e.trackVoltageV).c_str(), jsonNumber(e.trackCurrentA).c_str(),
            jsonNumber(e.powerW).c_str(), jsonNumber(e.energyJ).c_str(),
            jsonNumber(e.energyJ * 1e12).c_str());
    } else if (current) {
        std::printf(
            "Energy per device sample, E = I^2 R4 t_eff (current drive)\n"
            "  pulse current I          %.4g mA\n  four-point resistance R4 %.6g ohm\n"
            "  effective time t_eff     %.4g ns (%.4g ns pulse + %.4g ns rise/fall)\n"
            "  voltage across the track %.4f V\n  power                    %.4f mW\n"
            "  energy per sample        %.2f pJ\n",
            p.currentA * 1e3, p.fourPointResistanceOhm, p.effectiveTimeNs(), p.pulseWidthNs,
            p.riseFallNs, e.trackVoltageV, e.powerW * 1e3, e.energyJ * 1e12);
    } else {
        std::printf(
            "Energy per device sample, E = (V * R4/R2)^2 / R4 * t_eff\n"
            "  pulse voltage V          %.4g V\n  two-point resistance R2  %.6g ohm\n"
            "  four-point resistance R4 %.6g ohm\n  effective time t_eff     %.4g ns (%.4g ns "
            "pulse + %.4g ns rise/fall)\n"
            "  voltage across the track %.4f V\n  current                  %.4f mA\n  power        "
            "            %.4f mW\n"
            "  energy per sample        %.2f pJ\n",
            p.voltageV, p.twoPointResistanceOhm, p.fourPointResistanceOhm, p.effectiveTimeNs(),
            p.pulseWidthNs, p.riseFallNs, e.trackVoltageV, e.trackCurrentA * 1e3, e.powerW * 1e3,
            e.energyJ * 1e12);
    }
    return 0;
}

int runSimulateDevice(const std::vector<std::string>& argv)
{
    Args a(argv, commandSpec("simulate-device"));
    const std::string kind = a.get("kind", "binary");
    const std::string out = a.get("out", "");
    if (out.empty()) throw UsageError("simulate-device needs --out FILE.{csv,h5}");
    std::string ext = std::filesystem::path(out).extension().string();
    const bool h5 = ext == ".h5" || ext == ".hdf5";
    if (!h5 && ext != ".csv")
        throw UsageError("--out: expected a .csv or .h5 file name, found '" + out + "'");
    const auto seed = std::uint64_t(a.integer("seed", 1));
    DeviceData d;
    if (kind == "binary") {
        BinarySimulationOptions o;
        o.seed = seed;
        o.v50 = a.number("v50", o.v50);
        o.widthV = a.number("width", o.widthV);
        o.cycles = int(a.integer("cycles", o.cycles));
        o.pulseCap = int(a.integer("cap", o.pulseCap));
        o.readNoiseOhm = a.number("noise", o.readNoiseOhm);
        d = simulateBinaryDevice(o);
        const std::string shape = a.get("shape", "traces");
        if (h5)
            saveDeviceHdf5(d, out);
        else if (shape == "traces")
            saveTracesCsv(d, out);
        else if (shape == "events")
            saveEventsCsv(d, out);
        else if (shape == "counts")
            saveCountsCsv(d, out);
        else
            throw UsageError("--shape: expected traces, events or counts, found '" + shape + "'");
    } else if (kind == "multistate") {
        MultiStateSimulationOptions o;
        o.seed = seed;
        o.cycles = int(a.integer("cycles", o.cycles));
        d = simulateMultiStateDevice(o);
        if (h5)
            saveDeviceHdf5(d, out);
        else
            saveMultiStateCsv(d, out);
    } else {
        throw UsageError("--kind: expected binary or multistate, found '" + kind + "'");
    }
    std::printf("Wrote %s: %s (synthetic)\n", out.c_str(), d.sourcePath.c_str());
    return 0;
}

int runSpread(const std::vector<std::string>& argv)
{
    Args a(argv, commandSpec("spread"));
    if (a.positionals().empty())
        throw UsageError("expected device files or folders: dwmtj spread FILE|DIR... [--json]");
    // A folder stands for the device files in it (by name).
    std::vector<std::string> files;
    for (const auto& p : a.positionals()) {
        if (!std::filesystem::is_directory(p)) {
            files.push_back(p);
            continue;
        }
        const std::vector<std::string> inDir = deviceFilesIn(p);
        files.insert(files.end(), inDir.begin(), inDir.end());
    }
    std::vector<DeviceFitSummary> fits;
    for (const auto& f : files) fits.push_back(fitDeviceFile(f));
    auto list = [](const std::vector<double>& v) {
        std::string out;
        for (size_t k = 0; k < v.size(); ++k) out += (k ? "," : "") + jsonNumber(v[k]);
        return "[" + out + "]";
    };
    std::string devices;
    for (const auto& f : fits) {
        devices += std::string(devices.empty() ? "" : ",") + "{\"file\":" + jsonString(f.path) +
                   ",\"fitted\":" + (f.ok() ? "true" : "false") +
                   ",\"error\":" + jsonString(f.error) + ",\"thresholds_V\":" + list(f.thresholds) +
                   ",\"threshold_se_V\":" + list(f.thresholdSe) +
                   ",\"widths_V\":" + list(f.widths) + ",\"width_se_V\":" + list(f.widthSe) + "}";
        if (a.has("json")) continue;
        std::string th, wd;
        for (size_t k = 0; k < f.thresholds.size(); ++k) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%s%.4f+/-%.4f", k ? " " : "", f.thresholds[k],
                          f.thresholdSe[k]);
            th += buf;
            std::snprintf(buf, sizeof buf, "%s%.4f+/-%.4f", k ? " " : "", f.widths[k],
                          f.widthSe[k]);
            wd += buf;
        }
        std::printf("%-32s %s\n", std::filesystem::path(f.path).filename().string().c_str(),
                    f.ok() ? ("threshold(s) " + th + " V, width(s) " + wd + " V").c_str()
                           : ("not fitted: " + f.error).c_str());
    }
    DeviceSpread s;
    try {
        s = deviceSpread(fits);
    } catch (const OptionsError& e) {
        if (a.has("json"))
            std::printf("{\"devices\":[%s],\"error\":%s}\n", devices.c_str(),
                        jsonString(e.what()).c_str());
        throw Error(e.what());
    }
    if (a.has("json")) {
        std::printf(
            "{\"devices\":[%s],\"spread\":{\"kind\":%s,\"devices\":%d,\"threshold_mean_V\":%s,"
            "\"threshold_sd_observed_V\":%s,\"threshold_se_rms_V\":%s,\"threshold_sd_V\":%s,"
            "\"width_mean_V\":%s,\"width_sd_rel_observed\":%s,\"width_se_rel_rms\":%s,"
            "\"width_sd_rel\":%s}}\n",
            devices.c_str(),
            jsonString(s.kind == DeviceKind::Binary ? "binary" : "multistate").c_str(), s.devices,
            list(s.thresholdMean).c_str(), jsonNumber(s.thresholdSdObserved).c_str(),
            jsonNumber(s.meanThresholdSe).c_str(), jsonNumber(s.thresholdSd).c_str(),
            jsonNumber(s.widthMean).c_str(), jsonNumber(s.widthSdRelObserved).c_str(),
            jsonNumber(s.meanWidthSeRel).c_str(), jsonNumber(s.widthSdRel).c_str());
        return 0;
    }
    std::string means;
    for (size_t k = 0; k < s.thresholdMean.size(); ++k) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%s%.4f", k ? ", " : "", s.thresholdMean[k]);
        means += buf;
    }
    std::printf(
        "\n%d devices fitted of %zu. Threshold: mean %s V, observed sd %.1f mV, the fits' own "
        "errors %.1f mV, device to device %.1f mV.\nWidth: mean %.1f mV, observed sd %.1f %%, the "
        "fits' errors %.1f %%, device to device %.1f %%.\nAs training options: --v50-sd %.4g "
        "--width-sd %.4g\n",
        s.devices, fits.size(), means.c_str(), 1e3 * s.thresholdSdObserved, 1e3 * s.meanThresholdSe,
        1e3 * s.thresholdSd, 1e3 * s.widthMean, 100 * s.widthSdRelObserved, 100 * s.meanWidthSeRel,
        100 * s.widthSdRel, s.thresholdSd, s.widthSdRel);
    return 0;
}

}  // namespace dwmtj::cli
