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

std::string index(size_t k)
{
    char b[32];
    std::snprintf(b, sizeof b, "%04zu", k);
    return b;
}

const char* kAppliedP[] = {"applied_p_low", "applied_p", "applied_p_high"};

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

}  // namespace

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
            h5::writeDoubleAttr(f, g, "notches", p.notches);
            h5::writeDoubleAttr(f, g, "notch_spacing", p.notchSpacing);
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
    csv << "device,width_ratio,floor,ceiling,notches,notch_spacing,pulse_ns,r4_ohm,networks,"
           "accuracy,accuracy_low,"
           "accuracy_high,robustness,robustness_low,robustness_high,energy_per_correct_J,"
           "energy_per_correct_J_low,energy_per_correct_J_high,pareto,meets_estimate,"
           "meets_confident,measured,file\n";
    for (const auto& p : r.points)
        csv << p.device << "," << p.widthRatio << "," << p.floor << "," << p.ceiling << ","
            << p.notches << "," << p.notchSpacing << "," << p.pulseNs << "," << p.r4Ohm << ","
            << p.networks << "," << p.accuracy.value << "," << p.accuracy.low << ","
            << p.accuracy.high << "," << p.robustness.value << "," << p.robustness.low << ","
            << p.robustness.high << "," << p.energyPerCorrectJ.value << ","
            << p.energyPerCorrectJ.low << "," << p.energyPerCorrectJ.high << "," << p.pareto << ","
            << p.meetsEstimate << "," << p.meetsConfident << "," << p.measured << "," << p.file
            << "\n";
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
        if (h5::hasAttr(f, g, "notches")) {  // written since multi-weight designs exist
            p.notches = int(h5::readDoubleAttr(f, g, "notches"));
            p.notchSpacing = h5::readDoubleAttr(f, g, "notch_spacing");
        }
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
