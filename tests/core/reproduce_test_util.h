// Shared by the reproduction tests (reproduce_test.cpp, reproduce_answers_test.cpp): smoke
// plans from the presets and claims and curves with known values.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <tuple>

#include "dwmtj/error.h"
#include "dwmtj/reproduce.h"

namespace dwmtj::core::testing {

inline std::string scratch()
{
    const auto d =
        std::filesystem::temp_directory_path() / ("dwmtj-repro-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d.string();
}

/// Options for the smoke scale with the given presets file.
inline ReproOptions smokeOptions(const std::string& presets)
{
    ReproOptions o;
    o.scale = ReproScale::Smoke;
    o.outDir = scratch();
    o.presetsPath = presets;
    return o;
}

inline ReproPlan smokePlan()
{
    return makeReproPlan(
        smokeOptions(std::string(DWMTJ_SOURCE_DIR) + "/resources/paper-experiments.ini"));
}

/// A finished job whose runs have the given best validation accuracies (percent) and, for
/// the noise experiment, the given accuracy at every sigma of the plan.
ReproJobResult job(const ReproPlan& plan, const std::string& name,
                   const std::vector<double>& validation,
                   const std::vector<std::vector<double>>& noisy = {})
{
    ReproJobResult j;
    for (const auto& pj : plan.jobs)
        if (pj.name == name) j.job = pj;
    EXPECT_FALSE(j.job.name.empty()) << name;
    j.experiment.config = j.job.config;
    for (size_t s = 0; s < validation.size(); ++s) {
        RunRecord r;
        r.seed = s;
        r.status = RunStatus::Completed;
        r.bestValidationAccuracy = validation[s] / 100;
        r.testAccuracy = validation[s] / 100;
        if (s < noisy.size()) {
            NoiseCurve c;
            c.sigma = plan.noise.sigmas;
            for (double a : noisy[s]) c.accuracy.push_back(a / 100);
            r.noise.push_back(c);
        }
        j.experiment.runs.push_back(r);
    }
    return j;
}

inline const ClaimResult& claim(const std::vector<ClaimResult>& claims, const std::string& id)
{
    for (const auto& c : claims)
        if (c.id == id) return c;
    throw std::runtime_error("no claim " + id);
}

/// Noise curve over the plan's sigmas: `clean` at 0 falling linearly to `floor` at sigma >= 1.
inline std::vector<double> curve(const ReproPlan& p, double clean, double floor)
{
    std::vector<double> out;
    for (double s : p.noise.sigmas) out.push_back(s >= 1 ? floor : clean + (floor - clean) * s);
    return out;
}

}  // namespace dwmtj::core::testing
