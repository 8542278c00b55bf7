// The design study's answer in words and its reports (dwmtj/design.h): the text tables of the
// CLI and the Design page, and the section a reproduction's report gains.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "design/design_internal.h"
#include "dwmtj/design.h"
#include "dwmtj/error.h"
#include "util/atomic_file.h"

namespace dwmtj::core {

namespace fs = std::filesystem;
using design_detail::fmt;
using design_detail::withInterval;

namespace {

const char* kAxes[] = {"v50", "width", "c2c", "stuck"};
std::string axisLabel(const std::string& a)
{
    if (a == "v50") return "V50 spread (sd, V)";
    if (a == "width") return "width spread (relative sd)";
    if (a == "c2c") return "cycle-to-cycle jitter (sd, V)";
    return "stuck devices (fraction)";
}

/// A design point's device in words: the binary curve, or the multi-weight notches.
std::string deviceParameters(const DesignPoint& p)
{
    if (p.notches > 1)
        return std::to_string(p.notches) + " notches spaced " + fmt("%g", p.notchSpacing) +
               " x the nominal multi-weight spacing, each w " + fmt("%g", p.widthRatio) +
               " x its mean width";
    return "w up to " + fmt("%g", p.widthRatio) + " x the nominal width, floor " +
           fmt("%g", p.floor) + ", ceiling " + fmt("%g", p.ceiling);
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
        if (p.notches > 1)
            o << "; its table: " << p.notches << " notches"
              << (std::isfinite(p.notchSpacing)
                      ? " spaced " + fmt("%.3g", p.notchSpacing) +
                            " x the nominal multi-weight spacing, w " + fmt("%.3g", p.widthRatio) +
                            " x its mean width"
                      : std::string(" (its drive is not a voltage: not compared)"));
        else if (std::isfinite(p.widthRatio))
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
        const bool binary = p.notches == 1;
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
          << ": the loosest device is " << p.device << ": " << deviceParameters(p) << " (accuracy "
          << withInterval(p.accuracy, 100, "%.1f") << " %, robustness "
          << withInterval(p.robustness, 1, "%.3f") << ", "
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

}  // namespace dwmtj::core
