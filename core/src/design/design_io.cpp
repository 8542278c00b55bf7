// The design study's answer, report and result file (dwmtj/design.h): DIR/design.h5 (one group
// per point and per tolerance, every value an attribute, h5py-friendly) and DIR/design.csv.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "dwmtj/design.h"
#include "dwmtj/error.h"
#include "io/h5.h"
#include "util/atomic_file.h"

namespace dwmtj::core {

namespace fs = std::filesystem;

namespace {

std::string fmt(const char* f, double v)
{
    if (!std::isfinite(v)) return "-";
    char b[64];
    std::snprintf(b, sizeof b, f, v);
    return b;
}

/// "81.2 [79.0, 83.4]" in percent (scale 100) or as is.
std::string withInterval(const DesignValue& v, double scale, const char* f)
{
    std::string s = fmt(f, v.value * scale);
    if (std::isfinite(v.low))
        s += " [" + fmt(f, v.low * scale) + ", " + fmt(f, v.high * scale) + "]";
    return s;
}

std::string index(size_t k)
{
    char b[32];
    std::snprintf(b, sizeof b, "%04zu", k);
    return b;
}

const char* kAxes[] = {"v50", "width", "c2c", "stuck"};
const char* kAppliedP[] = {"applied_p_low", "applied_p", "applied_p_high"};
std::string axisLabel(const std::string& a)
{
    if (a == "v50") return "V50 spread (sd, V)";
    if (a == "width") return "width spread (relative sd)";
    if (a == "c2c") return "cycle-to-cycle jitter (sd, V)";
    return "stuck devices (fraction)";
}

void writeValue(const h5::File& f, const std::string& g, const std::string& name,
                const DesignValue& v)
{
    h5::writeDoubleAttr(f, g, name, v.value);
    h5::writeDoubleAttr(f, g, name + "_low", v.low);
    h5::writeDoubleAttr(f, g, name + "_high", v.high);
}

DesignValue readValue(const h5::File& f, const std::string& g, const std::string& name)
{
    return {h5::readDoubleAttr(f, g, name), h5::readDoubleAttr(f, g, name + "_low"),
            h5::readDoubleAttr(f, g, name + "_high")};
}

/// The hardware-aware comparison's values by their attribute names.
template <class H>
auto hardwareAwareValues(H& h)
{
    using V = decltype(&h.ownChips);
    return std::vector<std::pair<const char*, V>>{
        {"own_chips", &h.ownChips}, {"nominal_on_own", &h.nominalOnOwn}, {"gain_own", &h.gainOwn},
        {"new_chips", &h.newChips}, {"nominal_on_new", &h.nominalOnNew}, {"gain_new", &h.gainNew}};
}

/// "+1.2 [-0.3, 2.7]" accuracy points.
std::string signedPoints(const DesignValue& v)
{
    std::string s = fmt("%+.2f", 100 * v.value);
    if (std::isfinite(v.low))
        s += " [" + fmt("%+.2f", 100 * v.low) + ", " + fmt("%+.2f", 100 * v.high) + "]";
    return s;
}

void hardwareAwareAnswer(std::ostream& o, const DesignHardwareAware& h)
{
    o << "Hardware-aware training of " << h.device << " at a V50 spread of " << fmt("%g", h.v50Sd)
      << " V (" << h.networks << " network pair(s), 95 % t intervals over seeds): on the chips "
      << "it trained on " << withInterval(h.ownChips, 100, "%.1f")
      << " %, the nominal networks on the same chips " << withInterval(h.nominalOnOwn, 100, "%.1f")
      << " % (difference " << signedPoints(h.gainOwn) << " points)";
    if (std::isfinite(h.newChips.value))
        o << "; on new chips of that spread " << withInterval(h.newChips, 100, "%.1f") << " % vs "
          << withInterval(h.nominalOnNew, 100, "%.1f") << " % (difference "
          << signedPoints(h.gainNew) << " points)";
    o << ".\n";
}

/// Where each measured device sits: its values, the energy settings where it is on the front,
/// and where not, the loosest design point that does at least as well; the spec.
void measuredAnswer(std::ostream& o, const DesignResult& r)
{
    std::vector<std::string> seen;
    for (const DesignPoint& p : r.points) {
        if (!p.measured || std::find(seen.begin(), seen.end(), p.device) != seen.end()) continue;
        seen.push_back(p.device);
        o << "Measured device " << p.device << ": accuracy "
          << withInterval(p.accuracy, 100, "%.1f") << " %, robustness "
          << withInterval(p.robustness, 1, "%.3f");
        if (std::isfinite(p.widthRatio))
            o << "; its curve: w " << fmt("%.3g", p.widthRatio) << " x the nominal width, p from "
              << fmt("%.3g", p.floor) << " to " << fmt("%.3g", p.ceiling);
        o << "; "
          << (p.meetsConfident  ? "meets the spec with 95 % confidence"
              : p.meetsEstimate ? "meets the spec on the estimates"
                                : "does not meet the spec")
          << ".\n";
        std::string front, beaten;
        for (const DesignPoint& q : r.points) {
            if (q.device != p.device) continue;
            const std::string at = fmt("%g", q.pulseNs) + " ns, R4 " + fmt("%g", q.r4Ohm);
            if (q.pareto)
                front += (front.empty() ? "" : "; ") + at;
            else if (q.dominatedBy >= 0)
                beaten += (beaten.empty() ? "" : "; ") + at + ": by " +
                          r.points[size_t(q.dominatedBy)].device;
        }
        const bool volts = std::isfinite(p.energyPerCorrectJ.value);  // else another drive
        const bool binary = std::isfinite(p.widthRatio);
        if (std::isfinite(p.appliedV.value))
            o << "  Its networks drive it at " << fmt("%.3f", p.appliedV.low) << "-"
              << fmt("%.3f", p.appliedV.high) << (volts ? " V" : " (its table's drive units)")
              << " (5-95 %, median " << fmt("%.3f", p.appliedV.value) << "), where its table gives "
              << (binary ? "p " : "p of the first notch ") << fmt("%.3f", p.appliedP[0]) << ", "
              << fmt("%.3f", p.appliedP[1]) << ", " << fmt("%.3f", p.appliedP[2])
              << ": measure it next there"
              << (binary ? " (dwmtj plan-measurements ranks those voltages once its device file "
                           "has trial counts).\n"
                         : ".\n");
        if (!front.empty())
            o << "  On the Pareto front at " << front
              << (volts ? ".\n"
                        : " (its table's drive is not a voltage: no energy, judged on accuracy and "
                          "robustness alone).\n");
        if (!beaten.empty())
            o << "  Off the front, a design device does at least as well in all three (the "
                 "loosest such) at "
              << beaten << ".\n";
    }
}

}  // namespace

std::string designAnswer(const DesignResult& r)
{
    std::ostringstream o;
    o << "Spec: clean accuracy >= " << fmt("%.1f", 100 * r.specAccuracy)
      << " % and robustness (chance-corrected AUC) >= " << fmt("%.2f", r.specRobustness) << ".\n";
    auto describe = [&](int k, bool confident) {
        if (k < 0) {
            o << (confident ? "With 95 % confidence" : "On the estimates")
              << ": no device of the design meets the spec.\n";
            return;
        }
        const DesignPoint& p = r.points[size_t(k)];
        o << (confident ? "With 95 % confidence (the intervals' lower ends meet the spec)"
                        : "On the estimates")
          << ": the loosest device is " << p.device << ": w up to " << fmt("%g", p.widthRatio)
          << " x the nominal width, floor " << fmt("%g", p.floor) << ", ceiling "
          << fmt("%g", p.ceiling) << " (accuracy " << withInterval(p.accuracy, 100, "%.1f")
          << " %, robustness " << withInterval(p.robustness, 1, "%.3f") << ", "
          << fmt("%.3g", p.energyPerCorrectJ.value * 1e9) << " nJ per correct inference at "
          << fmt("%g", p.pulseNs) << " ns, R4 " << fmt("%g", p.r4Ohm) << " ohm).\n";
        std::string tol;
        for (const char* axis : kAxes) {
            const double t = toleratedSpread(r, p.device, axis, r.specAccuracy, confident);
            if (std::isnan(t)) continue;
            tol += (tol.empty() ? "" : "; ") + axisLabel(axis) + " up to " + fmt("%g", t);
        }
        if (!tol.empty())
            o << "  It keeps the accuracy spec with " << tol
              << " (the largest evaluated levels, each alone; 0: the smallest already fails).\n";
    };
    describe(r.loosestEstimate, false);
    describe(r.loosestConfident, true);
    measuredAnswer(o, r);
    for (const auto& h : r.hardwareAware) hardwareAwareAnswer(o, h);
    if (!r.hardwareAware.empty())
        o << "  Per-chip calibration instead (measure each neuron's V50 and retune it): dwmtj "
             "yield --calibration-pulses, or Test calibrated chips on the Design page.\n";
    if (!r.missing.empty()) {
        o << "Not yet trained or evaluated:";
        for (const auto& m : r.missing) o << " " << m;
        o << "\n";
    }
    return o.str();
}

std::string designReport(const DesignResult& r)
{
    std::ostringstream o;
    o << "Design study " << r.name << ": " << r.points.size() << " point(s), "
      << "* = on the Pareto front (accuracy, robustness up; energy per correct inference down)\n\n";
    char line[512];
    std::snprintf(line, sizeof line, "  %-20s %7s %7s %9s %26s %24s %22s %s\n", "device", "pulse",
                  "R4", "networks", "accuracy % [95 % CI]", "robustness [95 % CI]",
                  "nJ/correct [95 % CI]", "spec");
    o << line;
    for (const auto& p : r.points) {
        std::snprintf(line, sizeof line, "%s %-20s %5gns %7g %9d %26s %24s %22s %s\n",
                      p.pareto ? "*" : " ", p.device.c_str(), p.pulseNs, p.r4Ohm, p.networks,
                      withInterval(p.accuracy, 100, "%.2f").c_str(),
                      withInterval(p.robustness, 1, "%.3f").c_str(),
                      withInterval(p.energyPerCorrectJ, 1e9, "%.3g").c_str(),
                      p.meetsConfident  ? "meets (95 %)"
                      : p.meetsEstimate ? "meets (estimate)"
                                        : "-");
        o << line;
    }
    if (!r.tolerances.empty()) {
        o << "\nChips (every neuron a drawn device) at each spread level, accuracy % [95 % CI "
             "over networks]:\n";
        for (const auto& t : r.tolerances) {
            std::snprintf(line, sizeof line, "  %-20s %-34s %8g  %s  (%d chips)\n",
                          t.device.c_str(), axisLabel(t.axis).c_str(), t.level,
                          withInterval(t.accuracy, 100, "%.2f").c_str(), t.chips);
            o << line;
        }
    }
    if (!r.hardwareAware.empty()) {
        o << "\nHardware-aware networks against the nominal ones on the same chips, accuracy % "
             "[95 % CI over seeds]:\n";
        std::snprintf(line, sizeof line, "  %-20s %8s %9s %22s %22s %22s %22s\n", "device",
                      "V50 sd", "networks", "own chips (hw)", "same chips (nominal)",
                      "new chips (hw)", "new chips (nominal)");
        o << line;
        for (const auto& h : r.hardwareAware) {
            std::snprintf(line, sizeof line, "  %-20s %8g %9d %22s %22s %22s %22s\n",
                          h.device.c_str(), h.v50Sd, h.networks,
                          withInterval(h.ownChips, 100, "%.2f").c_str(),
                          withInterval(h.nominalOnOwn, 100, "%.2f").c_str(),
                          withInterval(h.newChips, 100, "%.2f").c_str(),
                          withInterval(h.nominalOnNew, 100, "%.2f").c_str());
            o << line;
        }
    }
    o << "\n" << designAnswer(r);
    return o.str();
}

void appendDesignToReport(const std::string& reproductionDir, const DesignResult& r,
                          const std::string& designFolder)
{
    const std::string title =
        "Beyond the paper: what device to build, and where the measured "
        "devices sit";
    std::ostringstream intro, rows;
    int front = 0;
    for (const auto& p : r.points) front += p.pareto;
    intro << "The design study " << r.name << " (" << designFolder << "/design.h5, " << designFolder
          << "/design.csv; docs/models.md, \"Designing the device\"): " << r.points.size()
          << " points, " << front
          << " on the Pareto front of accuracy, robustness and energy per correct inference. "
             "The measured devices, the front and the loosest device that meets the spec:";
    auto text = [](const std::string& s) {  // HTML-escaped
        std::string out;
        for (char c : s)
            out += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
        return out;
    };
    std::ostringstream md, html;
    md << "\n## " << title << "\n\n"
       << intro.str() << "\n\n| device | pulse (ns) | accuracy % "
       << "[95 % CI] | robustness [95 % CI] | nJ per correct inference | on the front | spec |\n"
       << "|---|---|---|---|---|---|---|\n";
    html << "<h2>" << text(title) << "</h2>\n<p>" << text(intro.str()) << "</p>\n<table>\n"
         << "<tr><th>device</th><th>pulse (ns)</th><th>accuracy % [95 % CI]</th><th>robustness "
            "[95 % CI]</th><th>nJ per correct inference</th><th>on the front</th><th>spec</th>"
            "</tr>\n";
    for (size_t k = 0; k < r.points.size(); ++k) {
        const DesignPoint& p = r.points[k];
        if (!p.measured && !p.pareto && int(k) != r.loosestEstimate) continue;
        const std::string cells[] = {p.device + (p.measured ? " (measured)" : "") +
                                         (int(k) == r.loosestEstimate ? " (loosest)" : ""),
                                     fmt("%g", p.pulseNs),
                                     withInterval(p.accuracy, 100, "%.2f"),
                                     withInterval(p.robustness, 1, "%.3f"),
                                     withInterval(p.energyPerCorrectJ, 1e9, "%.3g"),
                                     p.pareto ? "yes" : "no",
                                     p.meetsConfident  ? "meets (95 %)"
                                     : p.meetsEstimate ? "meets (estimate)"
                                                       : "-"};
        md << "|";
        html << "<tr>";
        for (const auto& c : cells) {
            md << " " << c << " |";
            html << "<td>" << text(c) << "</td>";
        }
        md << "\n";
        html << "</tr>\n";
    }
    const std::string answer = designAnswer(r);
    md << "\n```\n" << answer << "```\n";
    html << "</table>\n<pre>" << text(answer) << "</pre>\n";
    const fs::path dir(reproductionDir);
    const std::string mdPath = (dir / "report.md").string(),
                      htmlPath = (dir / "report.html").string();
    auto read = [](const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw Error("cannot read the reproduction report " + path);
        std::ostringstream ss;
        ss << in.rdbuf();
        return ss.str();
    };
    detail::writeTextAtomically(mdPath, read(mdPath) + md.str());
    std::string page = read(htmlPath);
    auto end = page.rfind("<h2>Provenance</h2>");  // the section before the provenance
    if (end == std::string::npos) end = page.rfind("</body>");
    page.insert(end == std::string::npos ? page.size() : end, html.str());
    detail::writeTextAtomically(htmlPath, page);
}

void saveDesignResult(const DesignResult& r, const std::string& dir)
{
    h5::quiet();
    detail::writeAtomically(designResultFile(dir), [&](const std::string& tmp) {
        h5::File f = h5::create(tmp);
        h5::writeStringAttr(f, "/", "format", "dwmtj-design");
        h5::writeDoubleAttr(f, "/", "format_version", DesignSpace::kFormatVersion);
        h5::writeStringAttr(f, "/", "name", r.name);
        h5::writeDoubleAttr(f, "/", "spec_accuracy", r.specAccuracy);
        h5::writeDoubleAttr(f, "/", "spec_robustness", r.specRobustness);
        h5::writeDoubleAttr(f, "/", "loosest_estimate", r.loosestEstimate);
        h5::writeDoubleAttr(f, "/", "loosest_confident", r.loosestConfident);
        std::string missing;
        for (const auto& m : r.missing) missing += (missing.empty() ? "" : ",") + m;
        h5::writeStringAttr(f, "/", "missing", missing);
        h5::writeStringAttr(f, "/", "answer", designAnswer(r));
        h5::createGroup(f, "/points");
        for (size_t k = 0; k < r.points.size(); ++k) {
            const DesignPoint& p = r.points[k];
            const std::string g = "/points/" + index(k);
            h5::createGroup(f, g);
            h5::writeStringAttr(f, g, "device", p.device);
            h5::writeStringAttr(f, g, "file", p.file);
            h5::writeDoubleAttr(f, g, "width_ratio", p.widthRatio);
            h5::writeDoubleAttr(f, g, "floor", p.floor);
            h5::writeDoubleAttr(f, g, "ceiling", p.ceiling);
            h5::writeDoubleAttr(f, g, "pulse_ns", p.pulseNs);
            h5::writeDoubleAttr(f, g, "r4_ohm", p.r4Ohm);
            h5::writeDoubleAttr(f, g, "networks", p.networks);
            writeValue(f, g, "accuracy", p.accuracy);
            writeValue(f, g, "robustness", p.robustness);
            writeValue(f, g, "energy_per_correct_J", p.energyPerCorrectJ);
            h5::writeDoubleAttr(f, g, "energy_per_inference_J", p.energyPerInferenceJ);
            h5::writeDoubleAttr(f, g, "pareto", p.pareto);
            h5::writeDoubleAttr(f, g, "meets_estimate", p.meetsEstimate);
            h5::writeDoubleAttr(f, g, "meets_confident", p.meetsConfident);
            h5::writeDoubleAttr(f, g, "measured", p.measured);
            h5::writeDoubleAttr(f, g, "dominated_by", p.dominatedBy);
            writeValue(f, g, "applied_V", p.appliedV);
            for (int k = 0; k < 3; ++k)
                h5::writeDoubleAttr(f, g, kAppliedP[k], p.appliedP[size_t(k)]);
        }
        h5::createGroup(f, "/tolerances");
        for (size_t k = 0; k < r.tolerances.size(); ++k) {
            const DesignTolerance& t = r.tolerances[k];
            const std::string g = "/tolerances/" + index(k);
            h5::createGroup(f, g);
            h5::writeStringAttr(f, g, "device", t.device);
            h5::writeStringAttr(f, g, "axis", t.axis);
            h5::writeDoubleAttr(f, g, "level", t.level);
            h5::writeDoubleAttr(f, g, "chips", t.chips);
            writeValue(f, g, "accuracy", t.accuracy);
        }
        h5::createGroup(f, "/hardware_aware");
        for (size_t k = 0; k < r.hardwareAware.size(); ++k) {
            const DesignHardwareAware& h = r.hardwareAware[k];
            const std::string g = "/hardware_aware/" + index(k);
            h5::createGroup(f, g);
            h5::writeStringAttr(f, g, "device", h.device);
            h5::writeStringAttr(f, g, "file", h.file);
            h5::writeDoubleAttr(f, g, "v50_sd", h.v50Sd);
            h5::writeDoubleAttr(f, g, "networks", h.networks);
            for (const auto& [name, v] : hardwareAwareValues(h)) writeValue(f, g, name, *v);
        }
        h5::close(f);
    });
    std::ostringstream csv;
    csv.precision(10);
    csv << "device,width_ratio,floor,ceiling,pulse_ns,r4_ohm,networks,accuracy,accuracy_low,"
           "accuracy_high,robustness,robustness_low,robustness_high,energy_per_correct_J,"
           "energy_per_correct_J_low,energy_per_correct_J_high,pareto,meets_estimate,"
           "meets_confident,measured,file\n";
    for (const auto& p : r.points)
        csv << p.device << "," << p.widthRatio << "," << p.floor << "," << p.ceiling << ","
            << p.pulseNs << "," << p.r4Ohm << "," << p.networks << "," << p.accuracy.value << ","
            << p.accuracy.low << "," << p.accuracy.high << "," << p.robustness.value << ","
            << p.robustness.low << "," << p.robustness.high << "," << p.energyPerCorrectJ.value
            << "," << p.energyPerCorrectJ.low << "," << p.energyPerCorrectJ.high << "," << p.pareto
            << "," << p.meetsEstimate << "," << p.meetsConfident << "," << p.measured << ","
            << p.file << "\n";
    detail::writeTextAtomically((fs::path(dir) / "design.csv").string(), csv.str());
}

DesignResult loadDesignResult(const std::string& path)
{
    h5::quiet();
    DesignResult r;
    h5::File f = h5::openRead(path);
    if (!h5::hasAttr(f, "/", "format") || h5::readStringAttr(f, "/", "format") != "dwmtj-design")
        throw FileFormatError(path, "/@format", "dwmtj-design", "another kind of file");
    if (h5::readDoubleAttr(f, "/", "format_version") > DesignSpace::kFormatVersion)
        throw FileFormatError(path, "/@format_version",
                              "at most " + std::to_string(DesignSpace::kFormatVersion),
                              "a newer version");
    r.name = h5::readStringAttr(f, "/", "name");
    r.specAccuracy = h5::readDoubleAttr(f, "/", "spec_accuracy");
    r.specRobustness = h5::readDoubleAttr(f, "/", "spec_robustness");
    r.loosestEstimate = int(h5::readDoubleAttr(f, "/", "loosest_estimate"));
    r.loosestConfident = int(h5::readDoubleAttr(f, "/", "loosest_confident"));
    std::istringstream missing(h5::readStringAttr(f, "/", "missing"));
    for (std::string m; std::getline(missing, m, ',');)
        if (!m.empty()) r.missing.push_back(m);
    for (const std::string& name : h5::children(f, "/points")) {
        const std::string g = "/points/" + name;
        DesignPoint p;
        p.device = h5::readStringAttr(f, g, "device");
        p.file = h5::readStringAttr(f, g, "file");
        p.widthRatio = h5::readDoubleAttr(f, g, "width_ratio");
        p.floor = h5::readDoubleAttr(f, g, "floor");
        p.ceiling = h5::readDoubleAttr(f, g, "ceiling");
        p.pulseNs = h5::readDoubleAttr(f, g, "pulse_ns");
        p.r4Ohm = h5::readDoubleAttr(f, g, "r4_ohm");
        p.networks = int(h5::readDoubleAttr(f, g, "networks"));
        p.accuracy = readValue(f, g, "accuracy");
        p.robustness = readValue(f, g, "robustness");
        p.energyPerCorrectJ = readValue(f, g, "energy_per_correct_J");
        p.energyPerInferenceJ = h5::readDoubleAttr(f, g, "energy_per_inference_J");
        p.pareto = h5::readDoubleAttr(f, g, "pareto") != 0;
        p.meetsEstimate = h5::readDoubleAttr(f, g, "meets_estimate") != 0;
        p.meetsConfident = h5::readDoubleAttr(f, g, "meets_confident") != 0;
        if (h5::hasAttr(f, g, "measured")) {  // written since measured devices exist
            p.measured = h5::readDoubleAttr(f, g, "measured") != 0;
            p.dominatedBy = int(h5::readDoubleAttr(f, g, "dominated_by"));
            p.appliedV = readValue(f, g, "applied_V");
            for (int k = 0; k < 3; ++k)
                p.appliedP[size_t(k)] = h5::readDoubleAttr(f, g, kAppliedP[k]);
        }
        r.points.push_back(p);
    }
    for (const std::string& name : h5::children(f, "/tolerances")) {
        const std::string g = "/tolerances/" + name;
        DesignTolerance t;
        t.device = h5::readStringAttr(f, g, "device");
        t.axis = h5::readStringAttr(f, g, "axis");
        t.level = h5::readDoubleAttr(f, g, "level");
        t.chips = int(h5::readDoubleAttr(f, g, "chips"));
        t.accuracy = readValue(f, g, "accuracy");
        r.tolerances.push_back(t);
    }
    if (h5::exists(f, "/hardware_aware"))  // written since the option exists
        for (const std::string& name : h5::children(f, "/hardware_aware")) {
            const std::string g = "/hardware_aware/" + name;
            DesignHardwareAware h;
            h.device = h5::readStringAttr(f, g, "device");
            h.file = h5::readStringAttr(f, g, "file");
            h.v50Sd = h5::readDoubleAttr(f, g, "v50_sd");
            h.networks = int(h5::readDoubleAttr(f, g, "networks"));
            for (const auto& [key, v] : hardwareAwareValues(h)) *v = readValue(f, g, key);
            r.hardwareAware.push_back(h);
        }
    const int n = int(r.points.size());
    if (r.loosestEstimate >= n || r.loosestConfident >= n)
        throw FileFormatError(path, "/@loosest_estimate", "an index of /points", "out of range");
    for (const auto& p : r.points)
        if (p.dominatedBy >= n)
            throw FileFormatError(path, "/points/@dominated_by", "an index of /points",
                                  "out of range");
    return r;
}

}  // namespace dwmtj::core
